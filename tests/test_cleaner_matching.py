"""generator/cleaner/matching.py: the headline-to-article assignment is the best one."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cleaner.matching import in_order_assignment, max_weight_assignment
from typesetter import place_real

EXPECTED = Path(__file__).resolve().parent / "fixtures" / "expected"


def brute_force_best(scores, in_order: bool = False) -> float:
    rows, cols = len(scores), len(scores[0])
    best = 0.0
    for choice in itertools.product(range(-1, cols), repeat=rows):    # -1: unassigned
        taken = [c for c in choice if c >= 0]
        if len(taken) != len(set(taken)) or any(c >= 0 and scores[r][c] is None for r, c in enumerate(choice)):
            continue
        if in_order and taken != sorted(taken):
            continue
        best = max(best, sum(scores[r][c] for r, c in enumerate(choice) if c >= 0))
    return best


cell = st.one_of(st.none(), st.floats(min_value=0.0, max_value=3.0, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4).flatmap(lambda cols: st.lists(st.lists(cell, min_size=cols, max_size=cols),
                                                       min_size=1, max_size=4)))
def test_assignment_reaches_the_best_total_and_uses_each_article_once(scores):
    got = max_weight_assignment(scores)
    assert len(set(got.values())) == len(got)
    assert all(scores[r][c] is not None for r, c in got.items())
    assert abs(sum(scores[r][c] for r, c in got.items()) - brute_force_best(scores)) < 1e-6


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4).flatmap(lambda cols: st.lists(st.lists(cell, min_size=cols, max_size=cols),
                                                       min_size=1, max_size=4)))
def test_in_order_assignment_is_the_best_that_keeps_rows_in_column_order(scores):
    got = in_order_assignment(scores)
    rows = sorted(got)
    assert [got[r] for r in rows] == sorted(set(got.values()))   # increasing, each column once
    assert all(scores[r][c] is not None for r, c in got.items())
    assert abs(sum(scores[r][c] for r, c in got.items()) - brute_force_best(scores, in_order=True)) < 1e-6


def test_a_headline_does_not_take_the_neighbour_that_its_own_article_needs():
    # headline 0 reads a little better as article 1's, but article 1's own headline fits
    # nowhere else: greedy gives 0 -> 1 and leaves 1 out; the best total pairs each with its own
    scores = [[0.8, 0.9],
              [None, 0.8]]
    assert max_weight_assignment(scores) == {0: 0, 1: 1}


def test_no_pair_allowed_leaves_every_headline_unassigned():
    assert max_weight_assignment([[None, None], [None, None]]) == {}
    assert max_weight_assignment([]) == {}


def test_two_photos_each_keep_the_headline_printed_after_them():
    """The second photo's headline shares more words with the first caption than the
    first photo's own headline does. Best pair first gave it to the first photo and left
    the first headline with no article; the best assignment gives each photo its own."""
    from generator.cleaner import clean_text

    page = "\n\n".join([
        " 本报讯 樱桃考核效率流程，稳定稳定",
        "系统居民！仓储牦牛深化成本！牦牛",
        "政府管理渠道投递，协同收入。 □胡平",
        "丝绸能力收入强化，小麦体系实现，",
        "小麦站点考核；葡萄规模市场发展。小麦",
        "推动体系。",
        "□萧秀明 摄影报道",
        "丝绸员工邮件",
        "丝绸牦牛培训渠道金融考核，强化增长",
        "流程驿站城市。培训线路组织网点；",
        "□胡海玉 摄影报道",
        "丝绸发展站点",
    ]) + "\n"
    articles = clean_text(page, "photos.txt").pages[0].articles
    assert [(a.kind, a.title, a.photographers) for a in articles] == [
        ("news", None, []),
        ("photo", "丝绸员工邮件", ["萧秀明"]),
        ("photo", "丝绸发展站点", ["胡海玉"]),
    ]
    assert not any(a.warnings for a in articles)


def laid_out(rng, art: dict, col: int):
    """A real article placed at width `col` (typesetter.place_real), drawing again where a
    draw cannot be printed."""
    for _try in range(200):
        try:
            return place_real(rng, art, col, False)
        except ValueError:
            continue
    raise AssertionError(f"{art['title']} cannot be laid out at width {col}")


def collected_page(arts: list[dict], col: int, seed: int) -> str:
    """The articles laid out one after another at width `col`, their headlines collected
    after the last text in printed order, as a page may print them."""
    import random

    rng = random.Random(seed)
    placed = [laid_out(rng, art, col) for art in arts]
    lines = [" 要 闻"] + [ln for p in placed for ln in p.body] + [ln for p in placed for ln in p.headline]
    return "\n\n".join(lines) + "\n"


@pytest.mark.parametrize("col", [11, 12, 14, 16, 17])
def test_headlines_collected_after_their_texts_head_them_in_printed_order(col):
    """A photo item, then a commentary, then both headlines (the commentary's with its
    rubric). The photo's headline shares no word with its caption but one with the
    commentary, and is printed right after the commentary's text; the commentary's headline
    shares words with both. The best total alone crossed them (photo headline -> commentary,
    commentary headline -> photo); printed order gives each its own."""
    from generator.cleaner import clean_text

    record = json.loads((EXPECTED / "001_80c4cab5450f9d3a.json").read_text(encoding="utf-8"))
    arts = {a["title"]: a for p in record["pages"] for a in p["articles"]}
    photo = arts["以赛促学提素质"]
    commentary = arts["认真学习贯彻党的二十大精神 坚定不移推动邮储银行高质量发展"]
    pages = clean_text(collected_page([photo, commentary], col, seed=col), "collected.txt").pages
    got = [a for p in pages for a in p.articles]
    assert [(a.kind, a.kicker, a.title) for a in got] == [
        ("photo", None, "以赛促学提素质"),
        ("commentary", commentary["kicker"], commentary["title"]),
    ]


def headlines_first_page(arts: list[dict], col: int, seed: int) -> str:
    """The articles laid out one after another at width `col`, each headline printed before
    its text (the order another extraction gives when headline frames were made first)."""
    import random

    rng = random.Random(seed)
    lines = [" 动 态"]
    for art in arts:
        placed = laid_out(rng, art, col)
        lines += placed.headline + placed.body
    return "\n\n".join(lines) + "\n"


@pytest.mark.parametrize("col", [11, 13, 15, 17])
def test_a_page_printing_headlines_before_their_texts_is_read_that_way(col):
    """Real news and photo items with each headline printed before its text. Read as this
    paper's usual order (headline after its text), every headline would head the text
    before it and the first would become a rubric; the groups' words say the page leads."""
    from generator.cleaner import clean_text
    from score_cleaner import score_records

    arts = {a["title"]: a for name in ("000_31e643441b05f80e", "004_e229f4dbf49f66f5")
            for p in json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))["pages"]
            for a in p["articles"] if a["title"]}
    chosen = [arts[t] for t in ("数据多跑路 群众少跑腿 广州市分公司推出政务邮件“出件外呼”服务",
                                "教师节的特殊礼物", "新疆邮政克服疫情影响 强化客户管理开发",
                                "浓情中秋节 欢乐做月饼")]
    record = clean_text(headlines_first_page(chosen, col, seed=col), "first.txt").to_dict()
    expected = {"source": "first.txt", "pages": [{"index": 1, "section": "动态", "articles": chosen}]}
    score = score_records(expected, record)
    assert score.articles_right == len(chosen), score.differences


@pytest.mark.parametrize("col", [11, 13, 15, 17])
def test_a_lone_headline_printed_above_its_text_is_its_title_not_a_rubric(col):
    """One titled article per page, its headline printed before its text: no other group
    says which way the file leans, and lines above a page's first text are read as a rubric
    (kicker). Without a rubric mark, and with no headline after the text, they head it."""
    from generator.cleaner import clean_text
    from score_cleaner import score_records

    arts = {a["title"]: a for name in ("000_31e643441b05f80e", "004_e229f4dbf49f66f5")
            for p in json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))["pages"]
            for a in p["articles"] if a["title"]}
    for title in ("新疆邮政克服疫情影响 强化客户管理开发", "教师节的特殊礼物"):
        record = clean_text(headlines_first_page([arts[title]], col, seed=col), "lone.txt").to_dict()
        expected = {"source": "lone.txt", "pages": [{"index": 1, "section": "动态", "articles": [arts[title]]}]}
        score = score_records(expected, record)
        assert score.articles_right == 1, score.differences


def test_headlines_sharing_words_with_a_neighbour_by_chance_do_not_turn_a_file_around(tmp_path, monkeypatch):
    """The benchmark's made-up titles (region + topic + action + object, printed after
    their texts) share words with texts only by chance, some with the next one. No file
    of a 1,000-article archive may be read as printing headlines first (at a bare margin,
    about one file in 30 was)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import build_archive as bench
    from generator.cleaner import assemble, clean_text

    leads = []
    decide = assemble.Attributor.headlines_lead
    monkeypatch.setattr(assemble.Attributor, "headlines_lead", lambda self: leads.append(decide(self)) or leads[-1])
    pool = bench.sample_sentences(Path(__file__).resolve().parents[1] / "sources")
    bench.write_archive(1000, tmp_path / "sources", pool, seed=11)
    files = sorted((tmp_path / "sources").glob("*/*.txt"))
    for f in files:
        clean_text(f.read_text(encoding="utf-8"), f.name)
    assert len(leads) == len(files) > 100
    assert not any(leads)
