"""generator/cleaner/matching.py: the headline-to-article assignment is the best one."""
from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cleaner.matching import max_weight_assignment


def brute_force_best(scores) -> float:
    rows, cols = len(scores), len(scores[0])
    best = 0.0
    for choice in itertools.product(range(-1, cols), repeat=rows):    # -1: unassigned
        taken = [c for c in choice if c >= 0]
        if len(taken) != len(set(taken)) or any(c >= 0 and scores[r][c] is None for r, c in enumerate(choice)):
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
