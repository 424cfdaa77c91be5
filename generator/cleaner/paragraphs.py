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
from collections import Counter
from operator import add, attrgetter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

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
MAX_COLUMN = 40.0
"""No printed column is wider (ems): a longer line is a whole paragraph, as extractions
that join a paragraph's lines give it."""
EARLY_BREAK, EARLY_BREAK_COST = 1.0, 1.0
"""A running line an em or more short of its room, though the next line opens with an
ideograph that would have fit there, is unlikely (kinsoku pushes only marks and Latin runs)."""
WIDE_JOIN = 2.0
"""Price of reading such a line as joined to the line before or after it (a paragraph
broken by a column or page break, not at its end)."""

F, C, H = "F", "C", "H"  # first line of a paragraph, continuation line, heading line
KINDS = ((F, False), (F, True), (C, False), (C, True), (H, True))
"""Line states in their tie-breaking order: (label, ends its paragraph)."""
ENDED_STATES, ENDED_STATES_NO_HEADS, RUNNING_STATES = (1, 3, 4), (1, 3), (0, 2)
"""Indexes into KINDS: the states that end a block (with and without headings), the running ones."""


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
    whole: bool = False  # a whole paragraph on one line (an extraction that joins its lines)
    next_ideograph: bool = False  # the next line opens with an ideograph (it would fit in an em left)


COMPRESSIBLE = set("，、。；：“”‘’（）《》！？")
_COMPRESSIBLE = re.compile("[" + "".join(sorted(COMPRESSIBLE)) + "]")


_ASCII_RUN = re.compile(r"[\x21-\x7e]+")
_INNER_STOP = re.compile("[。！？；]")
_INNER_COMMA = re.compile("[，、：]")
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])")


def letter_spaced(raw: str) -> bool:
    """Justified by stretching: spaces between ideographs, not just around digit runs."""
    return len(_CJK_GAP.findall(raw.strip())) >= 3


def facts(raw: str, width: float, terminal: bool, spaced: bool, whole_lines: bool = False) -> LineFacts:
    """`whole_lines`: the page gives each paragraph on one line, so a line ending a sentence
    ends its paragraph, however short."""
    s = raw.rstrip()
    fuzz = 0.5 * len(_ASCII_RUN.findall(s))
    gaps = len(_CJK_GAP.findall(s.strip())) if " " in s else 0  # most lines have no space at all
    stretched = gaps >= 3  # letter_spaced(s)
    phrase_gap = 0 < gaps <= 2
    body = without_enumerator(s)[:-1]
    return LineFacts(width - fuzz, terminal, spaced and stretched,
                     _INNER_STOP.search(body) is not None,
                     _INNER_COMMA.search(body) is not None,
                     s[-1:] in ("，", "、"),
                     len(_COMPRESSIBLE.findall(s)),
                     phrase_gap,
                     phrase_gap and not _gap_inside_quotes(s),
                     is_whole_line(width - fuzz, terminal, whole_lines))


def is_whole_line(width: float, terminal: bool, whole_lines: bool) -> bool:
    """A whole paragraph on one line: wider than any column, or (`whole_lines`: on a page
    that gives its paragraphs so) any line ending a sentence."""
    return width > MAX_COLUMN or (whole_lines and terminal)


ENUMERATOR = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*、|（\s*[一二三四五六七八九十]{1,3}\s*）|[0-9]{1,2}\s*[.．、]"
                        r"(?![0-9]))\s*")
"""`一、`, `（一）`, `1.` opening a numbered subheading: its mark is no clause mark inside."""


_ENUMERATOR_FIRST = set("一二三四五六七八九十（0123456789 \t")


def without_enumerator(line: str) -> str:
    """The line without the number opening a numbered subheading (`二、加强…` -> `加强…`)."""
    return ENUMERATOR.sub("", line, count=1) if line[:1] in _ENUMERATOR_FIRST else line


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
    if d <= -EARLY_BREAK and ln.next_ideograph and not ln.spaced:
        return EARLY_BREAK_COST  # an em left, and the next line's first ideograph would have fit
    return 0.0


def line_cost(ln: LineFacts, label: str, ends: bool, col: float, first_room: float) -> float:
    """Cost of reading one line as `label` (ending its paragraph or not)."""
    if ln.whole:  # a whole paragraph on one line (or its part before a column break)
        if label == H:
            return BIG
        cost = (BREAK_COST if ln.terminal else NOT_TERMINAL_END) if ends else (WIDE_JOIN if ln.terminal else 0.0)
        return cost + (WIDE_JOIN if label == C else 0.0)
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


def label_lines(lines: list[LineFacts], cols: list[float], flush_first: bool, allow_headings: bool,
                give_up: Optional[Callable[[float], bool]] = None
                ) -> Optional[tuple[float, list[tuple[str, bool]], dict]]:
    """Least-cost labelling of the lines (Viterbi over line states).

    A state is (column width, label, ends-its-paragraph). The column may change inside
    an article (text flowing around a picture) at a price. `flush_first`: the first line
    is not indented (a dateline opens it). Returns the cost, the labels and the run
    (forward costs, kept so that its close calls can be measured); None as soon as
    `give_up` says yes to the cost every reading has reached (costs only grow line by line).

    Costs are kept per kind as lists over the columns. A line's state costs are its own
    costs plus one of only two lists (the cheapest way in after a finished block, and after
    a running line), so only those two go forward (`_Line`); the state costs themselves are
    added up only where they are read (the chosen path, close calls). Which is what makes
    this fast enough for a 10,000-article archive.
    """
    heads = allow_headings
    kinds = KINDS if heads else KINDS[:-1]
    col_key = tuple(cols)
    own_memo: dict = {}
    owns: list[tuple] = []
    for i, ln in enumerate(lines):
        key = (_facts_key(ln), i == 0 and flush_first)
        own = own_memo.get(key)
        if own is None:
            own = own_memo[key] = _own_costs(key[0], heads, col_key, key[1])
        owns.append(own)
    ncols = len(cols)
    start = [[_start_cost(label, flush_first)] * ncols for label, _ in kinds]
    forward: list[tuple] = [tuple(start)]  # per line: per kind, the list its own costs add to
    lows: list[tuple[float, float]] = [(BIG, BIG)]  # per line: cheapest state before it (ended, running)
    first = _states(start, owns[0])
    prev_end = _min3(first[1], first[3], first[4]) if heads else _min2(first[1], first[3])
    prev_run = _min2(first[0], first[2])
    n = len(owns)
    for i in range(1, n):
        # F and H follow a state that ended its block, C a running one
        into_end, low_end = _with_change(prev_end)
        into_run, low_run = _with_change(prev_run)
        if give_up is not None and give_up(low_end if low_end < low_run else low_run):
            return None
        lows.append((low_end, low_run))
        own = owns[i]
        forward.append((into_end, into_end, into_run, into_run, into_end)[:len(kinds)])
        if i + 1 < n:
            # cheapest ended state: min(F end, H) = into_end + own's cheapest of the two, or C end
            prev_end = _min_of_sums(into_end, own[-1], into_run, own[3])
            prev_run = _min_of_sums(into_end, own[0], into_run, own[2])
    last = _states(forward[-1], owns[-1])
    best = None
    for ci in range(ncols):                  # first least (cost, -column) in state order
        for k, st in enumerate(kinds):
            c = last[k][ci] + _end_penalty((ci,) + st)
            if best is None or (c, -cols[ci]) < best[0]:
                best = ((c, -cols[ci]), (ci, k))
    ci, k = best[1]
    total = best[0][0]
    path = [(ci, k)]
    for i in range(n - 1, 0, -1):
        need_ended = kinds[k][0] != C
        ci, k = _predecessor(forward[i - 1], owns[i - 1], lows[i][0 if need_ended else 1], ci, need_ended, heads)
        path.append((ci, k))
    labels = [kinds[k] for _, k in reversed(path)]
    return total, labels, {"forward": forward, "owns": owns, "lows": lows, "last": last,
                           "kinds": kinds, "total": total, "path": labels}


def _states(into: tuple, own: tuple) -> list[list[float]]:
    """A line's state costs per kind: the way in plus the line's own cost."""
    return [list(map(add, into[k], own[k])) for k in range(len(into))]


def _start_cost(label: str, flush_first: bool) -> float:
    """A text opens on a first line; without a dateline it may open mid-paragraph or on a heading."""
    if label == F:
        return 0.0
    if flush_first:
        return BIG
    return 1.0 if label == C else 0.5


@lru_cache(maxsize=2048)  # a few MB at most: each entry holds five lists of floats
def _own_costs(key: tuple, allow_headings: bool, cols: tuple, first: bool) -> tuple:
    """Per kind, the own cost of a line (given by its _facts_key) under every column width,
    then the lesser of ending a paragraph on it and reading it as a heading (the two states
    entered the same way).

    Pure, and the same few line shapes and column sets recur page after page: cached."""
    per_column = [_own_costs_at(key, allow_headings, col, first) for col in cols]
    per_kind = tuple(list(costs) for costs in zip(*per_column))
    return per_kind + (_min2(per_kind[1], per_kind[4]) if allow_headings else per_kind[1],)


@lru_cache(maxsize=1 << 14)
def _own_costs_at(key: tuple, allow_headings: bool, col: float, first: bool) -> tuple:
    """The own cost of a line under one column width, per kind."""
    ln = LineFacts(*key[:6], 0, *key[6:])
    room = col if first else col - INDENT
    return tuple(line_cost(ln, label, ends, col, room) for label, ends in (KINDS if allow_headings else KINDS[:-1]))


_facts_key = attrgetter("width", "terminal", "spaced", "inner_stop", "inner_comma", "soft_end",
                        "phrase_gap", "bare_gap", "whole", "next_ideograph")
"""What line_cost reads of a line: lines with equal keys cost the same everywhere."""


def _min2(a: list[float], b: list[float]) -> list[float]:
    """Element-wise minimum of two cost lists."""
    return [x if x < y else y for x, y in zip(a, b)]


def _min_of_sums(a: list[float], b: list[float], c: list[float], d: list[float]) -> list[float]:
    """Element-wise minimum of a + b and c + d (the sums added in that order)."""
    return [x if x < y else y for x, y in zip(map(add, a, b), map(add, c, d))]


def _min3(a: list[float], b: list[float], c: list[float]) -> list[float]:
    """Element-wise minimum of three cost lists."""
    return [(x if x < y else y) if (x if x < y else y) < z else z for x, y, z in zip(a, b, c)]


def _with_change(same: list[float]) -> tuple[list[float], float]:
    """Per column, the cheapest way into a state: from the same column (`same`), or from
    the cheapest state anywhere at the price of a column change; never above BIG (the
    value of a first-strict-minimum search started at BIG). Also returns that cheapest."""
    low = min(same)
    cap = min(low + COLUMN_CHANGE, BIG)
    return [v if v < cap else cap for v in same], low  # the cap bites on most lines: no test first


def _predecessor(into: tuple, own: tuple, low: float, ci: int, need_ended: bool, heads: bool) -> tuple[int, int]:
    """The state the labelling came from (a line given by its ways in and own costs): the
    first cheapest of the same column, unless a column change from the first cheapest state
    anywhere (`low`) is strictly cheaper."""
    wanted = (ENDED_STATES if heads else ENDED_STATES_NO_HEADS) if need_ended else RUNNING_STATES
    best_c, best_p = BIG, None
    for k in wanted:
        c = into[k][ci] + own[k][ci]
        if c < best_c:
            best_c, best_p = c, (ci, k)
    if low + COLUMN_CHANGE < best_c:
        prev = _states(into, own)
        best_p = min((prev[k].index(low), k) for k in wanted if low in prev[k])
    return best_p


def _end_penalty(st) -> float:
    return 0.0 if st[2] and st[1] != H else (2.0 if st[1] == H else NOT_TERMINAL_END)


def decision(label: str, ends: bool) -> str:
    """What a reader sees of a line's label: a subheading, a paragraph end, or running text."""
    return "heading" if label == H else ("break" if ends else "run")


DECISION_ORDER = ("run", "break", "heading")
"""Ties between two other readings go to the first in this order (the order of states)."""


def close_calls(run: dict, margin: float) -> list[tuple[int, str, str]]:
    """Lines whose best reading beats a different reading of that line by less than `margin`.

    Min-marginals: the forward costs of the labelling plus a backward pass give, for each
    line and state, the cost of the best whole reading through that state. A line's other
    readings are only added up when the cheapest forward state plus the cheapest backward
    one (a lower bound of every reading through the line) leaves them within the margin.
    """
    forward, owns, kinds, total, path = (run["forward"], run["owns"], run["kinds"],
                                         run["total"], run["path"])
    lows, last = run["lows"], run["last"]
    n = len(forward)
    if n < 2:
        return []
    heads = len(kinds) > 4
    ncols = len(forward[0][0])
    ends = [[_end_penalty((0, label, ends))] * ncols for label, ends in kinds]
    # per line: (after a running state, after an ended one) and their minima
    backward: list = [None] * n
    own = owns[-1]
    through = [list(map(add, own[k], ends[k])) for k in range(len(kinds))]
    run_after, low_run = _with_change(_min2(through[2], through[3]))
    end_after, low_end = _with_change(_min3(through[0], through[1], through[4]) if heads
                                      else _min2(through[0], through[1]))
    backward[n - 2] = (run_after, end_after, low_run, low_end)
    for i in range(n - 3, -1, -1):
        own = owns[i + 1]
        # a state ending its block goes on into F or H, a running one into C
        next_run, next_end = run_after, end_after
        run_after, low_run = _with_change(_min_of_sums(own[2], next_run, own[3], next_end))
        end_after, low_end = _with_change(_min_of_sums(own[0], next_run, own[-1], next_end))
        backward[i] = (run_after, end_after, low_run, low_end)
    out = []
    groups = {"run": (0, 2), "break": (1, 3), "heading": (4,) if heads else ()}
    for i in range(n):
        chosen = decision(*path[i])
        if i < n - 1:
            low_fwd_end, low_fwd_run = lows[i + 1]
            bwd_run, bwd_end, low_bwd_run, low_bwd_end = backward[i]
            bwd = (bwd_run, bwd_end, bwd_run, bwd_end, bwd_end)
            low_of = {"run": low_fwd_run + low_bwd_run, "break": low_fwd_end + low_bwd_end,
                      "heading": low_fwd_end + low_bwd_end}
        else:
            bwd = ends
            low_of = None
        best: dict = {}
        for d in DECISION_ORDER:
            if d == chosen or not groups[d]:
                continue
            if low_of is not None and (low_of[d] >= BIG or low_of[d] - total >= margin):
                continue  # no reading through this decision comes within the margin
            fwd = last if low_of is None else forward[i]
            low = min([min(map(add, fwd[k] if low_of is None else map(add, fwd[k], owns[i][k]), bwd[k]))
                       for k in groups[d]])
            if low < BIG:
                best[d] = low
        if best:
            other = min(best, key=best.get)
            if best[other] - total < margin:
                out.append((i, chosen, other))
    return out


PYTHON_LABELLING = (label_lines, close_calls)
"""The reference: _labelling.pyx computes the same, bit for bit, over C arrays."""
try:
    from ._labelling import close_calls, label_lines  # noqa: F811 (compiled: generator/compiled.py)
except ImportError:
    pass


def column_candidates(lines: list[LineFacts]) -> list[float]:
    """Widths the column may have: each running line read as full or as a first line."""
    running = [ln.width for ln in lines if not ln.terminal and not ln.spaced and not ln.whole]
    base = running or [ln.width for ln in lines if not ln.whole] or [MAX_COLUMN]
    cands = {MAX_COLUMN} if any(ln.whole for ln in lines) else set()  # paragraphs on one line each
    for w in base:
        for c in (w, w + 0.5, w + INDENT):
            cands.add(round(c * 2) / 2)
    return sorted(cands)


def with_punct_width(lines: list[LineFacts], em: float) -> list[LineFacts]:
    """The lines as printed when the article sets its punctuation `em` wide (measured at 0.5)."""
    if em == 0.5:
        return lines
    return [LineFacts(ln.width + (em - 0.5) * ln.punct, ln.terminal, ln.spaced, ln.inner_stop, ln.inner_comma,
                      ln.soft_end, ln.punct, ln.phrase_gap, ln.bare_gap, ln.whole, ln.next_ideograph)
            for ln in lines]


UNSURE_BREAK = 0.14
"""A line whose reading wins by less than this is reported for review (below BREAK_COST:
a full line ending a sentence is a plain tie, read as running on, not a close call)."""


def likely_widths_first(lines: list[LineFacts]) -> list[int]:
    """Indexes of PUNCT_WIDTHS, the one under which most running lines share one width
    first: the likely winner, so that the other reading can give up early (the result
    does not depend on this order)."""
    def agreement(k: int) -> int:
        em = PUNCT_WIDTHS[k]
        widths = Counter(round((ln.width + (em - 0.5) * ln.punct) * 2) for ln in lines
                         if not ln.terminal and not ln.spaced)
        return max(widths.values(), default=0)
    return sorted(range(len(PUNCT_WIDTHS)), key=lambda k: -agreement(k))


def _cannot_beat(best_key: tuple[float, int], k: int) -> Callable[[float], bool]:
    """Whether a reading under punctuation width k that already costs `low` can no
    longer beat `best_key` (lower rounded cost first, ties to the lower index)."""
    surely_below = best_key[0] - 1e-6  # rounds to less than best_key's cost: no need to round
    return lambda low: low >= surely_below and (round(low, 6), k) > best_key


def best_labelling(lines: list[LineFacts], flush_first: bool, allow_headings: bool,
                   unsure: Optional[list] = None) -> list[tuple[str, bool]]:
    """The labelling under the most plausible column width and punctuation width.

    Some pages compress punctuation to half an em, others set it full: both are tried,
    with every plausible column width (ties: compressed, then the wider column).
    """
    if not lines:
        return []
    best_key, best_path, best_run = None, None, None
    for k in likely_widths_first(lines):
        printed = with_punct_width(lines, PUNCT_WIDTHS[k])
        found = label_lines(printed, column_candidates(printed), flush_first, allow_headings,
                            None if best_key is None else _cannot_beat(best_key, k))
        if found is None:
            continue
        cost, path, run = found
        key = (round(cost, 6), k)
        if best_key is None or key < best_key:
            best_key, best_path, best_run = key, path, run
    if unsure is not None:
        unsure.extend(close_calls(best_run, UNSURE_BREAK))
    return best_path
