"""Paragraphs and subheadings of one article, read from its line widths as a whole.

A reader of the printed column sees three kinds of line: the indented first line of a
paragraph (two ems short of the column), a full line, and a subheading (short, no final
punctuation, standing between paragraphs). A paragraph ends on a line with final
punctuation, and the line after it is again a first line. The column width differs per
article, so it is inferred here from the article's own lines: every plausible width is
tried and the labelling that explains the lines best (least cost) wins.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional

from .text import is_ideograph

INDENT = 2.0
"""A paragraph's first line is indented by two ems."""
FIT_BELOW, FIT_ABOVE = 1.1, 0.6
"""A line fills its room when it is at most this much narrower / wider (ems)."""
BREAK_COST = 0.15
"""Ties between 'full line ending a sentence' and 'paragraph end' go to no break."""
HEADING_COST = 1.5
"""Subheadings are rare: a line is one only when no paragraph reading fits as well."""
NOT_TERMINAL_END = 6.0
JUSTIFIED_END = 3.0
BIG = 1e9
PUNCT_WIDTHS = (0.5, 1.0)
BARE_GAP_COST = 1.2
"""Body text has no space between two phrases (outside quotes); display lines do."""
WIDE_DISPLAY = 4.0
"""A line this much wider than its column is display type (a subheading set across)."""
COLUMN_CHANGE = 3.0
"""Price of a column width change inside an article (text flowing around a picture)."""

F, C, H = "F", "C", "H"  # first line of a paragraph, continuation line, heading line


@dataclass
class LineFacts:
    """What the labelling needs of a printed line."""

    width: float  # measured width minus the allowance for half-width runs
    terminal: bool
    spaced: bool
    inner_stop: bool  # a sentence stop inside the line
    inner_comma: bool
    soft_end: bool  # ends in ， or 、
    punct: int = 0  # compressible punctuation marks: half an em or a full em, per article
    phrase_gap: bool = False  # a real space between two phrases: display type, not body text
    bare_gap: bool = False  # such a space outside quotation marks (body text quotes display text)


COMPRESSIBLE = set("，、。；：“”‘’（）《》！？")


def letter_spaced(raw: str) -> bool:
    """Justified by stretching: spaces between ideographs, not just around digit runs."""
    gaps = re.findall(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])", raw.strip())
    return len(gaps) >= 3


def facts(raw: str, width: float, terminal: bool, spaced: bool) -> LineFacts:
    s = raw.rstrip()
    fuzz = 0.5 * len(re.findall(r"[\x21-\x7e]+", s))
    gaps = len(re.findall(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])", s.strip()))
    return LineFacts(width - fuzz, terminal, spaced and letter_spaced(s),
                     any(ch in "。！？；" for ch in s[:-1]),
                     any(ch in "，、：" for ch in s[:-1]),
                     s[-1:] in ("，", "、"),
                     sum(1 for ch in s if ch in COMPRESSIBLE),
                     0 < gaps <= 2 and not letter_spaced(s),
                     0 < gaps <= 2 and not letter_spaced(s) and not _gap_inside_quotes(s))


def _gap_inside_quotes(s: str) -> bool:
    """Whether every space between two ideographs stands inside “…”, 《…》 or （…） (a quoted
    slogan, a byline), or after the line's opening word (`本报讯 `)."""
    depth, inside = 0, True
    for k, ch in enumerate(s):
        if ch in "“《（":
            depth += 1
        elif ch in "”》）":
            depth = max(0, depth - 1)
        elif ch == " " and 0 < k < len(s) - 1 and is_ideograph(s[k - 1]) and is_ideograph(s[k + 1]):
            inside = inside and depth > 0
    return inside


def fit_cost(ln: LineFacts, room: float) -> float:
    """How badly a line that should fill `room` fails to: 0 inside the tolerance."""
    d = ln.width - room
    if d > FIT_ABOVE:
        return min(4.0, 0.5 + (d - FIT_ABOVE))
    if d < -FIT_BELOW and not ln.spaced:  # a letter-spaced line is stretched to fill
        return min(3.0, 1.0 + 2.0 * (-FIT_BELOW - d))
    return 0.0


def line_cost(ln: LineFacts, label: str, ends: bool, col: float, first_room: float) -> float:
    """Cost of reading one line as `label` (ending its paragraph or not)."""
    if label == H:
        cost = HEADING_COST
        display_wide = ln.width > col + WIDE_DISPLAY and not ln.inner_stop and not ln.spaced
        if display_wide:  # no column line is this wide: display type standing alone
            return cost + (1.0 if ln.terminal else 0.0) + (1.0 if ln.inner_comma else 0.0)
        if ln.terminal:
            cost += NOT_TERMINAL_END
        if ln.spaced:
            cost += JUSTIFIED_END
        if ln.inner_stop:
            cost += 3.0
        if ln.inner_comma:
            cost += 1.0
        if ln.soft_end:
            cost += 3.0
        if ln.width > col + FIT_ABOVE and not ln.phrase_gap:  # display type may span columns
            cost += min(4.0, 0.5 + ln.width - col - FIT_ABOVE)
        return cost
    room = first_room if label == F else col
    if ln.bare_gap:
        return BARE_GAP_COST + (end_cost(ln, room) if ends else fit_cost(ln, room))
    if not ends:
        return fit_cost(ln, room)
    return end_cost(ln, room)


def end_cost(ln: LineFacts, room: float) -> float:
    """Cost of a line ending its paragraph."""
    cost = BREAK_COST
    if not ln.terminal:
        cost += NOT_TERMINAL_END
    if ln.spaced:
        cost += JUSTIFIED_END
    if ln.width > room + FIT_ABOVE:
        cost += min(4.0, 0.5 + ln.width - room - FIT_ABOVE)
    return cost


def label_lines(lines: list[LineFacts], cols: list[float], flush_first: bool,
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
    state = min(prev_cost, key=lambda st: (prev_cost[st] + _end_penalty(st), -cols[st[0]]))
    total = prev_cost[state] + _end_penalty(state)
    path = [state]
    for i in range(n - 1, 0, -1):
        state = back[i][state]
        path.append(state)
    path = path[::-1]
    LAST_RUN.clear()
    LAST_RUN.update(forward=forward, owns=owns, kinds=kinds, total=total,
                    path=[(label, ends) for _, label, ends in path])
    return total, [(label, ends) for _, label, ends in path]


LAST_RUN: dict = {}
"""The last labelling's forward costs, kept so that its close calls can be measured."""


def _end_penalty(st) -> float:
    return 0.0 if st[2] and st[1] != H else (2.0 if st[1] == H else NOT_TERMINAL_END)


def decision(label: str, ends: bool) -> str:
    """What a reader sees of a line's label: a subheading, a paragraph end, or running text."""
    return "heading" if label == H else ("break" if ends else "run")


def close_calls(run: dict, margin: float) -> list[tuple[int, str, str]]:
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
    backward[-1] = {st: _end_penalty(st) for st in forward[-1]}
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


def column_candidates(lines: list[LineFacts]) -> list[float]:
    """Widths the column may have: each running line read as full or as a first line."""
    running = [ln.width for ln in lines if not ln.terminal and not ln.spaced]
    base = running or [ln.width for ln in lines]
    cands = set()
    for w in base:
        for c in (w, w + 0.5, w + INDENT):
            cands.add(round(c * 2) / 2)
    return sorted(cands)


def with_punct_width(lines: list[LineFacts], em: float) -> list[LineFacts]:
    """The lines as printed when the article sets its punctuation `em` wide (measured at 0.5)."""
    if em == 0.5:
        return lines
    return [replace(ln, width=ln.width + (em - 0.5) * ln.punct) for ln in lines]


UNSURE_BREAK = 0.14
"""A line whose reading wins by less than this is reported for review (below BREAK_COST:
a full line ending a sentence is a plain tie, read as running on, not a close call)."""


def best_labelling(lines: list[LineFacts], flush_first: bool, allow_headings: bool,
                   unsure: Optional[list] = None) -> list[tuple[str, bool]]:
    """The labelling under the most plausible column width and punctuation width.

    Some pages compress punctuation to half an em, others set it full: both are tried,
    with every plausible column width (ties: compressed, then the wider column).
    """
    if not lines:
        return []
    best_key, best_path, best_run = None, None, None
    for k, em in enumerate(PUNCT_WIDTHS):
        printed = with_punct_width(lines, em)
        cost, path = label_lines(printed, column_candidates(printed), flush_first, allow_headings)
        key = (round(cost, 6), k)
        if best_key is None or key < best_key:
            best_key, best_path, best_run = key, path, dict(LAST_RUN)
    if unsure is not None:
        unsure.extend(close_calls(best_run, UNSURE_BREAK))
    return best_path
