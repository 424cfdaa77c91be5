"""Robustness: the cleaner never crashes on a plausible page.

Real PDF extraction produces layouts the typesetter does not: a page break (a line
starting with a space) anywhere, a byline wrapped over two lines or cut by a page
break, stray punctuation or `□` lines, empty pages, pages of headlines only, blank or
space-only lines, very long or Latin-only lines, unmatched brackets, `本报讯` at a
line's end. Pages of the toy typesetter and of the benchmark's archive generator are
perturbed that way; `clean_text` must return a record that conserves every printed
character (its own strict check), never raise.
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cleaner import check_conservation, clean_text
from typesetter import random_issue, real_articles, retypeset_issue

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import build_archive as bench  # noqa: E402  (read-only benchmark corpus generator)

LONE_PUNCT = "。，、；：！？）”」』（“《》"
LATIN_LINES = ("EMS China Post Express", "WTO", "COVID-19", "5G", "A-", "http://www.chinapost.com.cn")
SECTIONS = ("动态", "要闻", "综合", "副刊")


def split_with_page_break(line: str, k: int) -> list[str]:
    """A page break inside a line: the rest starts a new page (leading space)."""
    s = line.strip()
    return [s[:k], " " + s[k:]]


def bracket_positions(lines: list[str]) -> list[tuple[int, int]]:
    return [(j, m.start()) for j, ln in enumerate(lines) for m in re.finditer("[（）]", ln) if m.start() > 0]


def perturb(rng: random.Random, lines: list[str], op: int) -> list[str]:
    """One extraction accident applied to the page's lines at a random place."""
    lines = list(lines)
    if not lines:
        return lines
    i = rng.randrange(len(lines))
    ln = lines[i]
    if op == 0 and len(ln.strip()) > 1:  # a page break inside a line
        lines[i:i + 1] = split_with_page_break(ln, rng.randrange(1, len(ln.strip())))
    elif op == 1:  # a line cut inside a byline or right before/after a bracket, maybe a page break
        spots = bracket_positions(lines)
        if spots:
            j, k = rng.choice(spots)
            k = max(1, min(k + rng.choice((-1, 0, 1)), len(lines[j]) - 1))
            raw = lines[j]
            lines[j:j + 1] = [raw[:k], rng.choice((" ", "")) + raw[k:].lstrip()]
    elif op == 2:
        lines.insert(i, rng.choice(LONE_PUNCT))
    elif op == 3:  # an empty page: a section header with nothing under it
        lines[i:i] = [" " + " ".join(rng.choice(SECTIONS)), " "]
    elif op == 4:
        lines.insert(i, " " * rng.randint(1, 6))
    elif op == 5:  # a very long line: several column lines run together
        j = min(len(lines), i + rng.randint(2, 10))
        lines[i:j] = [" ".join(lines[i:j])]
    elif op == 6:
        lines.insert(i, rng.choice(LATIN_LINES))
    elif op == 7:  # an unmatched bracket or quote
        k = rng.randrange(len(ln) + 1)
        lines[i] = ln[:k] + rng.choice("（）“”《》") + ln[k:]
    elif op == 8:
        lines.insert(i, "□")
    elif op == 9:
        lines[i] = ln + "本报讯"
    elif op == 10:
        lines.insert(i, "本报讯")
    elif op == 11:  # a stray signature box inside a line
        k = rng.randrange(len(ln) + 1)
        lines[i] = ln[:k] + " □" + ln[k:]
    elif op == 12:  # a page break at an existing line
        lines[i] = " " + ln.strip()
    elif op == 13:  # a page of headlines only: short display lines under a header
        heads = [x for x in lines if 2 <= len(x.strip()) <= 10]
        lines += [" " + " ".join(rng.choice(SECTIONS))] + heads[:4]
    return lines


OPS = 14


def assert_cleans(text: str, source: str) -> None:
    record = clean_text(text, source)  # raises ConservationError on any loss
    check_conservation(text, record)
    assert record.pages or not text.strip()


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.integers(min_value=0, max_value=2**32 - 1),
       st.lists(st.integers(min_value=0, max_value=OPS - 1), min_size=1, max_size=3),
       st.sampled_from(("\n\n", "\n", "\n\n\n")))
def test_perturbed_typesetter_pages_never_crash(seed, ops, blank):
    rng = random.Random(seed)
    text, _ = random_issue(rng, f"robust-{seed}.txt")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for op in ops:
        lines = perturb(rng, lines, op)
    assert_cleans(blank.join(lines) + "\n", f"robust-{seed}.txt")


@pytest.mark.parametrize("seed", range(16))
def test_perturbed_retypeset_real_articles_never_crash(seed):
    """Real hand-checked articles laid out again, then hit by several accidents."""
    rng = random.Random(seed)
    text, _ = retypeset_issue(rng, real_articles(), f"real-{seed}.txt")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for _ in range(rng.randint(2, 5)):
        lines = perturb(rng, lines, rng.randrange(OPS))
    assert_cleans("\n\n".join(lines) + "\n", f"real-{seed}.txt")


@pytest.mark.parametrize("every_op", range(OPS))
def test_each_perturbation_alone_over_many_pages(every_op):
    """Each accident class on its own, over a fixed spread of pages."""
    for seed in range(40):
        rng = random.Random(seed * OPS + every_op)
        text, _ = random_issue(rng, "one-op.txt")
        lines = perturb(rng, [ln for ln in text.splitlines() if ln.strip()], every_op)
        assert_cleans("\n\n".join(lines) + "\n", f"one-op-{seed}.txt")


@pytest.mark.parametrize("text", [
    "",
    " \n",
    " 要 闻\n",
    " 要 闻\n\n \n\n 动 态\n",
    "□\n",
    "）\n\n（\n\n“\n",
    "本报讯\n",
    " 要 闻\n\n邮政发展\n\n快递下乡\n\n服务三农\n",
    "EMS China Post Express\n\nWTO\n",
    " 要 闻\n\n本报讯 （记者 张文华 通讯\n\n 员 李明） 近日，邮政分公司开展\n\n业务培训。 □王芳\n\n培训开展\n",
    " 要 闻\n\n本报讯 （记者 张文华 通讯员 李明\n\n ） 近日，邮政分公司开展\n\n业务培训。\n\n培训开展\n",
    " 要 闻\n\n本报讯 （记者 唐 □艳） 落实优化提升 357 客\n\n户。 □刘桂宏\n",
    " 要 闻\n\n□宋军勇 摄影报道本报讯\n\n本报讯\n\n大豆项目群众\n",
    " 要 闻\n\n本报讯 （记者 唐洋 通讯员 沈\n\n本报讯\n\n刚勇） 效率体系客户。 □董磊\n\n药材邮件\n",
    " 文 化\n\n灯笼运输深化\n\n（上接第 □4版）\n\n781 业务落实，成本质量收入灯笼。 □邓秀鹏\n",
    # a `本报讯` line misread into a photo caption, the article's text left without it
    " 要 闻\n\n本报讯 （福 建 记 者 孙超） 资源业\n\n务加强；线路车辆深化。\n\n本报讯\n\n"
    "考核。 □黄刚平 林场员工居民 樱桃社区农村 283 投递推进，开展团队 运输。农村文化大豆居民规范，"
    "牦牛工作群 众运输业务，物流客户。\n\n□梁丽英 杨兰军 摄影报道\n\n牦 □牛企业安全\n",
], ids=lambda t: repr(t[:24]))
def test_hand_made_odd_pages(text):
    assert_cleans(text, "odd.txt")


def prefix_layout(text: str, width: int) -> list[str]:
    """The benchmark's column layout before its fix: a wrapped line may start with a
    space, which the cleaner must read as a page break."""
    lines, i = [], 0
    while i < len(text):
        j = min(i + width, len(text))
        while j < len(text) and text[j] in bench._NO_LINE_START:
            j += 1
        lines.append(text[i:j])
        i = j
    return lines


@pytest.fixture(scope="module")
def sentence_pool():
    return bench.sample_sentences(REPO / "sources")


@pytest.mark.parametrize("layout", ["current", "before-fix"])
def test_benchmark_archive_pages_never_crash(layout, sentence_pool, tmp_path, monkeypatch):
    """A small synthetic archive of the benchmark generator, with both column layouts."""
    if layout == "before-fix":
        monkeypatch.setattr(bench, "column_lines", prefix_layout)
    bench.write_archive(40, tmp_path / "sources", sentence_pool, seed=7)
    files = sorted((tmp_path / "sources").glob("*/*.txt"))
    assert files
    for path in files:
        assert_cleans(path.read_text(encoding="utf-8"), path.name)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=12, max_value=16))
def test_benchmark_articles_with_page_breaks_inside_bylines(sentence_pool, seed, width):
    """Benchmark articles (datelines with `（记者 … 通讯员 …）`) laid out before the fix,
    with a page break forced inside or right around the byline."""
    rng = random.Random(seed)
    arts = [bench.synth_article(rng, sentence_pool, rng.randint(80, 300)) for _ in range(3)]
    lines = [" 要 闻"]
    for a in arts:
        body = prefix_layout(a.dateline + "".join(a.paragraphs), width)
        lines += body + ([f" □{' '.join(a.signature)}"] if a.signature else []) + [a.title]
    spots = bracket_positions(lines)
    if spots:
        j, k = rng.choice(spots)
        cut = k + rng.choice((0, 1))
        lines[j:j + 1] = [lines[j][:cut], " " + lines[j][cut:]]
    assert_cleans("\n\n".join(lines) + "\n", f"bench-{seed}.txt")


def test_lost_text_comes_back_as_printed_stretch():
    """The safety net gives a dropped stretch back as it reads, not as scattered characters."""
    from collections import Counter

    from generator.cleaner.reconcile import lost_fragments
    lines = ["社区提升分拣，安全信息。", "□曹海强 陶瓷提升协同"]
    text, first = lost_fragments(lines, Counter("陶瓷提升协同"))
    assert (text, first) == ("陶瓷提升协同", 1)
    text, _ = lost_fragments(lines, Counter("社区信息"))  # two stretches: joined by a space
    assert text == "社区 信息"


def test_dateline_byline_cut_by_a_misread_break_is_still_a_byline():
    text = (" 要 闻\n\n本报讯 （记者 吕霞洋 通讯员 \n\n？\n\n周涛伟） 机制完善线路数据\n\n"
            "丝绸，社区培训改革。 □林伟萍\n\n陶瓷企业社区\n")
    record = clean_text(text, "cut.txt")
    article = record.pages[0].articles[0]
    assert article.dateline == "本报讯"
    assert "周涛伟" in article.byline  # the stray "？" stays where it was printed
    assert not any("misread" in w for w in article.warnings)
