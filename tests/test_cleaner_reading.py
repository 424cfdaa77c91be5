"""The fast least-cost reading (generator/cleaner/paragraphs.py) against the plain Viterbi
it replaced, kept here as the reference: same labels, same cost and the same close calls,
on random articles of many shapes (column changes, headings, ties, letter-spaced lines)."""
import random

import pytest

from generator.cleaner.paragraphs import (BIG, C, COLUMN_CHANGE, F, H, INDENT, NOT_TERMINAL_END,
                                          PUNCT_WIDTHS, UNSURE_BREAK, LineFacts, best_labelling,
                                          close_calls, column_candidates, decision, label_lines,
                                          line_cost, with_punct_width)

# ---- the reference: states in dicts, back pointers, one pass per state (slow, plain) ----


def ref_label_lines(lines: list[LineFacts], cols: list[float], flush_first: bool,
                allow_headings: bool) -> tuple[float, list[tuple[str, bool]]]:
    """Least-cost labelling of the lines (Viterbi over line states).

    A state is (column width, label, ends-its-paragraph). The column may change inside
    an article (text flowing around a picture) at a price. `flush_first`: the first line
    is not indented (a dateline opens it).
    """
    kinds = [(F, False), (F, True), (C, False), (C, True)] + ([(H, True)] if allow_headings else [])
    states = [(c, k, e) for c in range(len(cols)) for k, e in kinds]
    n = len(lines)
    back: list[dict] = []
    prev_cost: dict = {}
    owns: list[dict] = []
    forward: list[dict] = []
    for i, ln in enumerate(lines):
        cost: dict = {}
        ptr: dict = {}
        own_of: dict = {}
        owns.append(own_of)
        if i:
            # cheapest predecessor per "did the previous line end its block" (for column changes)
            any_best = {}
            for st, c in prev_cost.items():
                ended = st[2]
                if ended not in any_best or c < any_best[ended][0]:
                    any_best[ended] = (c, st)
        for st in states:
            ci, label, ends = st
            col = cols[ci]
            first_room = col if (i == 0 and flush_first) else col - INDENT
            own = line_cost(ln, label, ends, col, first_room)
            own_of[st] = own
            if i == 0:
                start = 0.0 if label == F else (1.0 if label == C and not flush_first else
                                               (0.5 if label == H and not flush_first else BIG))
                cost[st], ptr[st] = own + start, None
                continue
            need_ended = label != C  # C follows a running line, F/H a finished one
            best_c, best_p = BIG, None
            for plabel, pends in kinds:
                if pends != need_ended:
                    continue
                pst = (ci, plabel, pends)
                if pst in prev_cost and prev_cost[pst] < best_c:
                    best_c, best_p = prev_cost[pst], pst
            if need_ended in any_best and any_best[need_ended][0] + COLUMN_CHANGE < best_c:
                best_c, best_p = any_best[need_ended][0] + COLUMN_CHANGE, any_best[need_ended][1]
            cost[st], ptr[st] = best_c + own, best_p
        back.append(ptr)
        forward.append(cost)
        prev_cost = cost
    state = min(prev_cost, key=lambda st: (prev_cost[st] + ref_end_penalty(st), -cols[st[0]]))
    total = prev_cost[state] + ref_end_penalty(state)
    path = [state]
    for i in range(n - 1, 0, -1):
        state = back[i][state]
        path.append(state)
    path = path[::-1]
    REF_RUN.clear()
    REF_RUN.update(forward=forward, owns=owns, kinds=kinds, total=total,
                    path=[(label, ends) for _, label, ends in path])
    return total, [(label, ends) for _, label, ends in path]


REF_RUN: dict = {}
"""The last labelling's forward costs, kept so that its close calls can be measured."""


def ref_end_penalty(st) -> float:
    return 0.0 if st[2] and st[1] != H else (2.0 if st[1] == H else NOT_TERMINAL_END)


def ref_close_calls(run: dict, margin: float) -> list[tuple[int, str, str]]:
    """Lines whose best reading beats a different reading of that line by less than `margin`.

    Min-marginals: the forward costs of the labelling plus a backward pass give, for each
    line and state, the cost of the best whole reading through that state.
    """
    forward, owns, kinds, total, path = (run["forward"], run["owns"], run["kinds"],
                                         run["total"], run["path"])
    n = len(forward)
    if n < 2:
        return []
    backward = [dict() for _ in range(n)]
    backward[-1] = {st: ref_end_penalty(st) for st in forward[-1]}
    for i in range(n - 2, -1, -1):
        own, after = owns[i + 1], backward[i + 1]
        best_any: dict = {}
        best_same: dict = {}
        for st in forward[i + 1]:
            c = own[st] + after[st]
            need_ended = st[1] != C
            if c < best_any.get(need_ended, BIG):
                best_any[need_ended] = c
            key = (st[0], need_ended)
            if c < best_same.get(key, BIG):
                best_same[key] = c
        change = {e: best_any.get(e, BIG) + COLUMN_CHANGE for e in (True, False)}
        here = backward[i]
        for st in forward[i]:
            here[st] = min(best_same.get((st[0], st[2]), BIG), change[st[2]])
    out = []
    decided = {(label, ends): decision(label, ends) for label, ends in kinds}
    for i in range(n):
        chosen = decision(*path[i])
        best: dict = {}
        fwd, bwd = forward[i], backward[i]
        for st, c in fwd.items():
            d = decided[st[1], st[2]]
            if d != chosen:
                c += bwd[st]
                if c < best.get(d, BIG):
                    best[d] = c
        if best:
            other = min(best, key=best.get)
            if best[other] - total < margin:
                out.append((i, chosen, other))
    return out




def ref_best_labelling(lines, flush_first, allow_headings):
    best_key, best_path, best_run = None, None, None
    for k, em in enumerate(PUNCT_WIDTHS):
        printed = with_punct_width(lines, em)
        cost, path = ref_label_lines(printed, column_candidates(printed), flush_first, allow_headings)
        key = (round(cost, 6), k)
        if best_key is None or key < best_key:
            best_key, best_path, best_run = key, path, dict(REF_RUN)
    return best_path, ref_close_calls(best_run, UNSURE_BREAK)


# ---- random articles ----

def random_article(rng: random.Random) -> list[LineFacts]:
    """Lines of one article in a column of random width, with first lines, short last
    lines, headings, odd lines and sometimes a narrower stretch (a picture beside it)."""
    col = rng.choice([11.0, 12.0, 13.5, 14.0, 16.0, 21.0])
    lines, narrow = [], False
    for _ in range(rng.randint(1, 60)):
        if rng.random() < 0.05:
            narrow = not narrow  # text flowing around a picture: a narrower column for a while
        width = col - 3 if narrow else col
        kind = rng.random()
        punct = rng.randint(0, 4)
        if kind < 0.12:
            w, terminal = width - INDENT + rng.choice([0.0, 0.5, -0.5]), False
        elif kind < 0.3:
            w, terminal = rng.uniform(1, width), True
        elif kind < 0.36:
            w, terminal = rng.uniform(4, width + 6), rng.random() < 0.3
        else:
            w, terminal = width + rng.choice([0.0, 0.0, 0.5, -0.5, 0.25, 1.0]), rng.random() < 0.2
        lines.append(LineFacts(round(w * 4) / 4 - 0.25 * punct, terminal, rng.random() < 0.05,
                               rng.random() < 0.2, rng.random() < 0.4, rng.random() < 0.1, punct,
                               rng.random() < 0.05, rng.random() < 0.03))
    return lines


@pytest.mark.parametrize("seed", range(6))
def test_fast_reading_equals_the_reference(seed):
    rng = random.Random(seed)
    for _ in range(60):
        lines = random_article(rng)
        flush_first, headings = rng.random() < 0.3, rng.random() < 0.8
        unsure: list = []
        path = best_labelling(lines, flush_first, headings, unsure)
        ref_path, ref_unsure = ref_best_labelling(lines, flush_first, headings)
        assert path == ref_path
        assert unsure == ref_unsure


def test_one_width_equals_the_reference_cost_and_close_calls():
    rng = random.Random(99)
    for _ in range(100):
        lines = random_article(rng)
        cols = column_candidates(lines)
        flush_first, headings = rng.random() < 0.5, rng.random() < 0.8
        cost, path, run = label_lines(lines, cols, flush_first, headings)
        ref_cost, ref_path = ref_label_lines(lines, cols, flush_first, headings)
        assert (cost, path) == (ref_cost, ref_path)
        assert close_calls(run, 0.5) == ref_close_calls(dict(REF_RUN), 0.5)
