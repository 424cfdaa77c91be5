"""Conservation: every printed character of a sample ends up exactly once in its record."""
from pathlib import Path

import pytest

from generator.cleaner import check_conservation, clean_text, review_report
from generator.errors import ConservationError

SAMPLES = sorted((Path(__file__).resolve().parent / "fixtures" / "samples").glob("*.txt"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_conserve_every_character(path):
    text = path.read_text(encoding="utf-8")
    record = clean_text(text, path.name)  # clean_text checks conservation itself
    check_conservation(text, record)
    assert record.pages and all(p.articles for p in record.pages)


def test_lost_text_is_reported_with_file_page_and_text():
    path = SAMPLES[0]
    text = path.read_text(encoding="utf-8")
    record = clean_text(text, path.name)
    article = record.pages[0].articles[-1]
    article.captions[0] = article.captions[0].replace("暖", "", 1) if article.captions else ""
    with pytest.raises(ConservationError) as err:
        check_conservation(text, record)
    message = str(err.value)
    assert path.name in message and "page 1" in message and "lost '暖'" in message
    assert "\n" not in message


def test_duplicated_text_is_reported():
    path = SAMPLES[1]
    text = path.read_text(encoding="utf-8")
    record = clean_text(text, path.name)
    record.pages[0].articles[0].blocks[0].text += "重复"
    with pytest.raises(ConservationError, match="duplicated '重复'"):
        check_conservation(text, record)


def test_review_report_lines_name_file_page_article():
    path = SAMPLES[0]
    record = clean_text(path.read_text(encoding="utf-8"), path.name)
    record.pages[0].articles[1].warnings.append("paragraph break guessed (line 3)")
    lines = review_report([record])
    assert any(line.startswith(f"{path.name}, page 1, article 2 (") and
               line.endswith("paragraph break guessed (line 3)") for line in lines)


def test_page_input_is_fresh_and_follows_the_text():
    """The per-page input count is cached for the conservation check: whatever a caller does
    with one answer never reaches the next, and a page with other text is counted anew."""
    from generator.cleaner.conserve import page_input

    lines = ["本报讯 快递网点升级□", "全年服务客户。"]
    first = page_input(lines, " 动 态")
    first["本"] += 5
    again = page_input(lines, " 动 态")
    assert again["本"] == 1 and again["动"] == 1 and "□" not in again
    edited = page_input(["本报讯 快递网点升级□", "全年服务客户！"], " 动 态")
    assert edited["！"] == 1 and "。" not in edited
