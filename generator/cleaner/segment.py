"""Cut a page's lines into articles: paragraphs, subheadings, headline groups, furniture.

Reading order of the raw text follows the printed columns: an article's text, then its
furniture (signature, photo credit), then its headline lines. Headline groups are
collected here and attributed to articles afterwards (see `headlines.py`).
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import Optional

from . import fields as F
from .headlines import OPENERS
from .pages import Line, RawPage
from .paragraphs import INDENT, MAX_COLUMN, best_labelling, facts, is_whole_line, without_enumerator
from .text import HALF_WIDTH_PUNCT, despace, ends_with_terminal, is_ideograph

WIDTH_JUMP = 3.0
"""Column widths differing by this many ems belong to different articles."""


SUBTITLE_DASH = "——"
SHORT_FIRST_LINE = 3.0
"""An indented first line is two ems short of its column, one more for a line break moved
by kinsoku; a line shorter still (after its Latin runs and marks are allowed for) is not one."""
INDENT_SEEN = 1.5
"""A paragraph's first line is this much narrower than the full line under it (two ems,
less a compressed mark or two)."""


@dataclass
class Part:
    """A paragraph or a subheading while the page is being read: its raw lines."""

    type: str  # "paragraph" | "heading"
    lines: list[Line] = field(default_factory=list)


@dataclass
class Draft:
    """An article being assembled from raw lines."""

    first_line: int
    start: str = "text"  # text | dateline | continuation | author
    parts: list[Part] = field(default_factory=list)
    closed: bool = False
    continued_from: Optional[str] = None
    continued_to: Optional[str] = None
    top_author: Optional[list[str]] = None  # raw text after □ and following author lines
    signatures: list[str] = field(default_factory=list)
    credit: Optional[str] = None
    caption_parts: list[Part] = field(default_factory=list)
    headline: Optional["HeadlineGroup"] = None
    warnings: list[str] = field(default_factory=list)

    def body_lines(self) -> list[Line]:
        return [ln for p in self.parts for ln in p.lines]

    @property
    def paragraph_count(self) -> int:
        return sum(1 for p in self.parts if p.type == "paragraph")


@dataclass
class HeadlineGroup:
    """Display lines printed between articles; `after`/`before` are draft indexes."""

    lines: list[Line]
    after: Optional[int]
    before: Optional[int]


@dataclass
class PageDraft:
    page: RawPage
    drafts: list[Draft] = field(default_factory=list)
    groups: list[HeadlineGroup] = field(default_factory=list)


def _has_inner_stop(raw: str) -> bool:
    """A sentence stop inside the line: body text, never a display line."""
    return any(ch in "。！？；" for ch in without_enumerator(raw.rstrip())[:-1])


def _has_inner_clause(raw: str) -> bool:
    """A clause mark inside the line (a subheading's number `二、` aside): running text,
    rarely a headline."""
    return any(ch in "，、" for ch in without_enumerator(raw.rstrip())[:-1])


def _fuzz(raw: str) -> float:
    """Half-width runs (digits, Latin) print wider than half an em each; allow for it."""
    return 0.5 * len(re.findall(r"[\x21-\x7e]+", raw))


def _marks_fuzz(raw: str) -> float:
    """Punctuation measured at half an em may print a full em wide (some articles do)."""
    return 0.5 * sum(1 for ch in raw if ch in HALF_WIDTH_PUNCT)


def _median(values: list[float], default: float) -> float:
    return statistics.median(values) if values else default


def _upper(values: list[float], default: float) -> float:
    """A high quantile: full lines dominate a column, short ones are paragraph ends."""
    if not values:
        return default
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * 0.7))]


class PageReader:
    """State machine over one page's lines."""

    def __init__(self, page: RawPage):
        self.page = page
        self.lines = page.lines
        self.out = PageDraft(page)
        self.cur: Optional[Draft] = None
        self.para: list[Line] = []
        self.pending: list[Line] = []
        self._plain: dict[str, bool] = {}
        self.whole_lines = gives_whole_paragraphs(page.lines)

    # ---- measurements -------------------------------------------------
    def _is_plain(self, ln: Line) -> bool:
        """Running text, not a dateline, jump line, photo credit or box (asked again and
        again by the measuring windows around each line: remembered per raw text)."""
        s = ln.raw
        plain = self._plain.get(s)
        if plain is None:
            plain = self._plain[s] = not (F.starts_with_dateline(s) or F.continuation_of(s) or F.split_credit(s)
                                          or s.startswith(F.BOX))
        return plain

    def column_after(self, i: int) -> float:
        """Column width of the text that follows line i (its own line excluded), up to the
        signature or credit that closes it."""
        ws = []
        for ln in self.lines[i + 1: i + 7]:
            if not self._is_plain(ln) or F.BOX in ln.raw:
                break
            if not ln.terminal:
                ws.append(ln.width)
        return _upper(ws, 0.0)

    def column_around(self, i: int) -> float:
        """Typical full-line width near line i: the median of lines that run on."""
        ws = [ln.width for ln in self.lines[max(0, i - 5): i + 6]
              if not ln.terminal and not ln.spaced and self._is_plain(ln)]
        if len(ws) < 3:  # too few lines for a median: the widest is the column
            return max(ws, default=self.lines[i].width)
        return _median(ws, self.lines[i].width)

    def column_before(self) -> float:
        """Width of the current article's recent full lines."""
        if not self.cur:
            return 0.0
        body = self.cur.body_lines() + self.para
        ws = [ln.width for ln in body[-8:] if not ln.terminal]
        return _upper(ws, 0.0)

    def no_column(self, *widths: float) -> bool:
        """The page gives its paragraphs one per line, or these widths are of such lines:
        there is no printed column to compare them with."""
        return self.whole_lines or max(widths) > MAX_COLUMN

    def is_paragraph_end(self, i: int) -> bool:
        ln = self.lines[i]
        if is_whole_line(ln.width, ln.terminal, self.whole_lines):
            return True  # a whole paragraph on one line
        if not ln.terminal or ln.spaced:
            return False
        width = self.column_around(i)
        if ln.width < width - 0.9:
            return True
        return self.next_is_indented(i, width)

    def next_is_indented(self, i: int, width: float) -> bool:
        """A full line ending a sentence still ends the paragraph when the next one is indented."""
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        after = self.lines[i + 2] if i + 2 < len(self.lines) else None
        if nxt is None or after is None or nxt.terminal or nxt.spaced or not self._is_plain(nxt):
            return False
        if not self._is_plain(after) or after.spaced:
            return False
        return nxt.width <= width - 1.25 and nxt.width < after.width - 1.0

    def is_display(self, i: int) -> bool:
        """A line standing alone at a paragraph boundary: headline or subheading."""
        ln = self.lines[i]
        if ln.terminal or ln.spaced or _has_inner_stop(ln.raw) or ln.raw[-1] in "，、" + OPENERS \
                or is_whole_line(ln.width, ln.terminal, self.whole_lines):
            return False
        if self.only_display_lines_follow(i) or self.runs_into_opening(i):
            return True  # no text runs on after them: headlines
        if ln.raw.startswith(SUBTITLE_DASH) and not _has_inner_clause(ln.raw):
            return True  # `——…` without a mark of running text: a subtitle, however wide
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if nxt is None:
            return True
        if not self._is_plain(nxt):
            return not self.runs_into_signed_text(ln, nxt)
        fresh = self.cur is not None and not self.cur.closed and not self.cur.parts and not self.pending
        if (self.cur is None or self.cur.closed or fresh) and _has_inner_clause(ln.raw):
            if fresh and self.cur.start == "continuation":
                return False  # the jump headline stands before the jump line; text runs on after it
            return not self.opens_article(i)  # the closed article's column says nothing here
        if i and self.lines[i - 1].terminal and self._is_plain(self.lines[i - 1]):
            if facts(ln.raw, ln.width, False, False).bare_gap:
                return True  # after a sentence end, two phrases set apart by a space: display type
            column = self.column_before() if self.cur is not None and not self.cur.closed else 0.0
            if column and ln.width + _fuzz(ln.raw) <= column - INDENT - SHORT_FIRST_LINE:
                return True  # far short of the open text's indented first line: no text runs on from it
        width = self.width_of_following(i)
        if ln.width > width + 1.5 or ln.width + _fuzz(ln.raw) <= width - 3.0:
            return True
        if not nxt.terminal and not nxt.spaced and nxt.width + _fuzz(nxt.raw) < ln.width - 1.0:
            return True  # a paragraph's indented first line is never wider than the next
        if self.cur is None or self.cur.closed:
            return not self.opens_article(i)
        return False

    def runs_into_signed_text(self, ln: Line, nxt: Line) -> bool:
        """A line of running text (a clause mark inside, as wide as the column) whose
        sentence ends on the next line, before that line's signature or credit."""
        head = (F.split_signature(nxt.raw) or F.split_credit(nxt.raw) or ("",))[0]
        if not head or not ends_with_terminal(head) or not _has_inner_clause(ln.raw):
            return False
        column = self.column_before()
        return not column or ln.width + SHORT_FIRST_LINE + _fuzz(ln.raw) >= column

    def opens_article(self, i: int) -> bool:
        """After a finished article, only a line followed by a steady column starts the next."""
        ln = self.lines[i]
        following = []
        for x in self.lines[i + 1: i + 3]:
            if not self._is_plain(x):
                break  # a short text closed by its signature or credit
            following.append(x)
        if not following:
            return False
        if not self.reaches_sentence_end(i):
            return False  # text always runs on to a sentence end; a headline does not
        first = following[0]
        column = self.column_after(i)
        if column and ln.width + SHORT_FIRST_LINE + _fuzz(ln.raw) + _marks_fuzz(ln.raw) < column \
                and not first.raw[:1].isascii():
            return False  # shorter than an indented first line of the column that follows
        if first.terminal:  # a two-line paragraph: its indented first line may be narrower
            indent = 2.6 + _fuzz(first.raw) if _has_inner_clause(ln.raw) else 0.0
            return ln.width >= first.width - indent
        if not (first.width - 4.5 <= ln.width <= first.width + 0.5 + _fuzz(ln.raw)) and not first.spaced:
            return False
        if len(following) == 2 and following[1].terminal and not first.spaced \
                and following[1].width > first.width + 1.0 + _fuzz(following[1].raw):
            return False  # a paragraph's last line is never wider than its full lines
        if len(following) == 2 and not (following[1].terminal or following[1].spaced or first.spaced):
            if abs(following[1].width - first.width) > 2.0 + _fuzz(first.raw) + _fuzz(following[1].raw):
                return False
            exact = not any(_fuzz(x.raw) for x in (ln, first, following[1]))  # no Latin runs to misjudge
            if (abs(ln.width - first.width) <= 0.5 or (exact and ln.width < first.width)) \
                    and following[1].width - first.width >= INDENT_SEEN and not _has_inner_clause(ln.raw):
                return False  # the next line is the indented first line: this one stands above it
        return self.column_holds_to_sentence_end(i, max(ln.width, first.width))

    def column_holds_to_sentence_end(self, i: int, column: float) -> bool:
        """Text runs on to its first sentence end in one column: short display lines (a
        headline of three lines looks like a narrow column) are followed by wider text."""
        for ln in self.lines[i + 1:]:
            if not self._is_plain(ln):
                return True
            if not ln.spaced and ln.width > column + WIDTH_JUMP + _fuzz(ln.raw):
                return False
            if ln.terminal:
                return True
        return True

    def only_display_lines_follow(self, i: int) -> bool:
        """From line i to the page's end nothing ends a sentence or carries furniture."""
        return all(not ln.terminal and not ln.spaced and self._is_plain(ln)
                   and not _has_inner_stop(ln.raw) for ln in self.lines[i:])

    def runs_into_opening(self, i: int) -> bool:
        """Lines from i meet the next article's dateline or jump line before any sentence end:
        text never stops mid-sentence, so they are display lines."""
        for ln in self.lines[i:]:
            if not self._is_plain(ln):  # the opening line itself may end a sentence
                return bool(F.starts_with_dateline(ln.raw) or F.continuation_of(ln.raw))
            if ln.terminal or _has_inner_stop(ln.raw):
                return False
        return False

    def reaches_sentence_end(self, i: int) -> bool:
        """Whether the lines from i on run into a sentence end before any furniture."""
        for ln in self.lines[i:]:
            if ln.terminal:
                return True
            if not self._is_plain(ln):
                head = (F.split_signature(ln.raw) or F.split_credit(ln.raw) or ("",))[0]
                return bool(head) and ends_with_terminal(head)
        return False

    def width_of_following(self, i: int) -> float:
        """Column width of the lines right after i (two at most: columns narrow around pictures)."""
        following = []
        for other in self.lines[i + 1: i + 3]:
            if other.terminal or not self._is_plain(other):
                break
            if not other.spaced:
                following.append(other.width)
        if not following:
            return self.column_before() or self.column_around(i)
        if len(following) == 2 and abs(following[1] - following[0]) <= WIDTH_JUMP:
            return max(following)
        return following[0]

    # ---- building -----------------------------------------------------
    def new_draft(self, i: int, start: str = "text") -> Draft:
        self.flush_para()
        self.flush_pending_as_group(before_next=True)
        d = Draft(self.lines[i].no, start)
        self.out.drafts.append(d)
        self.cur = d
        return d

    def flush_para(self) -> None:
        if self.para and self.cur is not None:
            self.cur.parts.append(Part("paragraph", self.para))
        elif self.para:
            d = Draft(self.para[0].no)
            self.out.drafts.append(d)
            self.cur = d
            d.parts.append(Part("paragraph", self.para))
        self.para = []

    def flush_pending_as_group(self, before_next: bool) -> None:
        if not self.pending:
            return
        after = len(self.out.drafts) - 1 if self.out.drafts else None
        before = len(self.out.drafts) if before_next else None
        self.out.groups.append(HeadlineGroup(self.pending, after, before))
        self.pending = []

    def pending_is_subheading(self, i: int) -> bool:
        """Display lines inside an open article followed by more of its text."""
        if self.cur is None or self.cur.closed or not self.cur.parts:
            return False
        texts = [despace(ln.raw) for ln in self.pending]
        if any(t.startswith("——") or "·" in t for t in texts) or len(self.pending) > 2:
            return False
        before, after = self.column_before(), self.width_of_following(i - 1)
        if self.no_column(before, after):
            return True  # paragraphs on one line each: no column to compare
        # the text under a subheading opens with an indented line: read it either way
        if before and after and min(abs(before - after), abs(before - after - INDENT)) >= WIDTH_JUMP:
            return False
        return True

    def read(self) -> PageDraft:
        i = 0
        n = len(self.lines)
        while i < n:
            ln = self.lines[i]
            s = ln.raw
            cont = F.continuation_of(s)
            if cont:
                d = self.new_draft(i, "continuation")
                d.continued_from = cont
                i += 1
                continue
            jump = F.split_jump_out(s)
            if jump:  # like a signature, the mark closes the text before it (on its line too)
                head, to = jump
                self.finish_text_before_credit(i, ln, head)
                if self.cur is None:
                    self.cur = Draft(ln.no)
                    self.out.drafts.append(self.cur)
                self.cur.continued_to = " ".join(x for x in (self.cur.continued_to, to) if x)
                self.cur.closed = True  # the text goes on on another page
                i += 1
                continue
            credit = F.split_credit(s)
            if credit:
                head, who = credit
                self.finish_text_before_credit(i, ln, head)
                self.take_photo(who, ln)
                i += 1
                continue
            sig = F.split_signature(s)
            if sig and not sig[0] and (self.cur is None or self.cur.closed or self.pending
                                       or self.heads_author_lines(i, sig[1])):
                i = self.take_top_author(i, sig[1])
                continue
            if sig:
                head, who = sig
                self.finish_text_before_credit(i, ln, head)
                if self.cur is None:
                    self.cur = Draft(ln.no)
                    self.out.drafts.append(self.cur)
                self.cur.signatures.append(who)
                self.cur.closed = True
                i += 1
                continue
            if F.starts_with_dateline(s):
                self.new_draft(i, "dateline")
                self.para.append(ln)
                if self.is_paragraph_end(i):
                    self.flush_para()
                i += 1
                continue
            at_boundary = not self.para
            if at_boundary and self.is_display(i):
                self.pending.append(ln)
                i += 1
                continue
            if at_boundary:
                made_heading = self.resolve_pending(i)
                if self.cur is None or self.cur.closed:
                    self.new_draft(i)
                elif not made_heading and self.width_changed(i):
                    self.new_draft(i)
            self.para.append(ln)
            if self.is_paragraph_end(i):
                self.flush_para()
            i += 1
        self.flush_para()
        self.flush_pending_as_group(before_next=False)
        for d in self.out.drafts:
            relabel(d, self.whole_lines)
        self.release_closing_headings()
        return self.out

    def release_closing_headings(self) -> None:
        """A subheading heads text under it: display lines the reading left at the very end
        of a text (nothing after them, not even a signature or a jump mark: the text under a
        subheading may go on on another page) are a headline group there."""
        drafts, groups = self.out.drafts, self.out.groups
        for di, d in enumerate(drafts):
            if not d.parts or d.parts[-1].type != "heading" or len(d.parts) < 2 or d.signatures or d.credit \
                    or d.continued_to:
                continue
            lines = d.parts.pop().lines
            moved = {f"(line {ln.no})" for ln in lines}
            d.warnings = [w for w in d.warnings if not any(w.endswith(m) for m in moved)]
            nxt = next((g for g in groups if g.after == di and g.lines[0].no > lines[-1].no), None)
            if nxt is not None and not any(lines[-1].no < ln.no < nxt.lines[0].no
                                           for dd in drafts for p in dd.parts for ln in p.lines):
                nxt.lines[:0] = lines  # the group printed right after them
                continue
            group = HeadlineGroup(lines, di, di + 1 if di + 1 < len(drafts) else None)
            at = next((k for k, g in enumerate(groups) if g.lines[0].no > lines[0].no), len(groups))
            groups.insert(at, group)

    def width_changed(self, i: int) -> bool:
        """The column after a paragraph boundary differs from the open article's.

        Line i may be an indented first line (two ems short, more when the article sets
        its punctuation a full em wide): the column must differ read either way.
        """
        before = self.column_before()
        if not before:
            return False
        readings = [self.width_of_following(i - 1)]
        ln = self.lines[i]
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if nxt is not None and not (nxt.terminal or nxt.spaced or ln.terminal) and self._is_plain(nxt) \
                and 0 < nxt.width - ln.width <= WIDTH_JUMP + 1.0:
            readings.append(self.width_of_following(i))
        elif nxt is not None and nxt.spaced and not ln.terminal and self._is_plain(nxt):
            readings.append(nxt.width + 1.0)  # a letter-spaced line is stretched to the full column
        if self.no_column(before, *readings):
            return False  # paragraphs on one line each: their widths say nothing of the column
        return all(after and abs(before - after) >= WIDTH_JUMP for after in readings)

    def finish_text_before_credit(self, i: int, ln, head: str) -> None:
        """A signature or photo credit closes the text printed before it on its line
        (which may itself open a dateline item)."""
        self.resolve_pending(i)
        if head and F.starts_with_dateline(head):
            self.new_draft(i, "dateline")
        if head:
            self.para.append(Line.of(ln.no, head))
        self.flush_para()

    def resolve_pending(self, i: int) -> bool:
        """Decide whether waiting display lines are a subheading (True) or a headline group."""
        if not self.pending:
            return False
        if self.pending_is_subheading(i):
            self.flush_para()
            self.cur.parts.append(Part("heading", self.pending))
            self.pending = []
            return True
        else:
            self.flush_pending_as_group(before_next=True)
            if self.cur is not None:
                self.cur.closed = True
            return False

    def heads_author_lines(self, i: int, who: str) -> bool:
        """`□单位` naming no person, with `职务 姓名` under it: an author line opening the
        next article, even when nothing closed the text before it."""
        if F.parse_credit(who).names:
            return False
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if nxt is None or nxt.terminal or not self._is_plain(nxt):
            return False
        words = nxt.raw.split()
        return len(words) >= 2 and F.looks_like_names(words[-1]) and len(despace(nxt.raw)) <= 20

    def take_top_author(self, i: int, who: str) -> int:
        """`□单位` (+ role/name lines) at the top of an article: its author line."""
        d = self.new_draft(i, "author")
        d.top_author = [who]
        j = i + 1
        while j < len(self.lines) and j <= i + 2:
            nxt = self.lines[j]
            words = nxt.raw.split()
            if (not nxt.terminal and len(words) >= 2 and F.looks_like_names(words[-1])
                    and len(despace(nxt.raw)) <= 20 and self._is_plain(nxt)):
                d.top_author.append(nxt.raw)
                j += 1
            else:
                break
        return j

    def take_photo(self, who: str, ln: Line) -> None:
        """A credit closes a photo item: its caption is the text since the last boundary."""
        cur = self.cur
        if cur is None or cur.closed or not cur.parts:
            d = Draft(ln.no)
            self.out.drafts.append(d)
            self.cur = cur = d
        else:
            split_at = self.caption_start(cur)
            if split_at > 0:
                heads = []
                k = split_at
                while k > 0 and cur.parts[k - 1].type == "heading":
                    k -= 1
                    heads = cur.parts[k].lines + heads
                photo = Draft(cur.parts[split_at].lines[0].no)
                photo.parts = cur.parts[split_at:]
                photo.warnings.append(f"caption start guessed (line {photo.first_line})")
                cur.parts = cur.parts[:k]
                cur.closed = True
                if heads:
                    idx = len(self.out.drafts) - 1
                    self.out.groups.append(HeadlineGroup(heads, idx, idx + 1))
                self.out.drafts.append(photo)
                self.cur = cur = photo
        cur.caption_parts = [p for p in cur.parts]
        cur.parts = []
        cur.credit = who
        cur.closed = True

    @staticmethod
    def caption_start(d: Draft) -> int:
        """Index of the first part of the caption inside an open draft (0 = whole draft)."""
        for k in range(len(d.parts) - 1, -1, -1):
            if d.parts[k].type == "heading":
                return k + 1 if k + 1 < len(d.parts) else 0
        if d.start in ("dateline", "continuation", "author") and d.paragraph_count > 1:
            k = len(d.parts) - 1
            if despace(d.parts[k].lines[0].raw).startswith("图为") and k > 1:
                k -= 1
            return k
        return 0


def parts_from_lines(lines: list[Line], flush_first: bool, allow_headings: bool,
                     warnings: Optional[list[str]] = None, whole_lines: bool = False) -> list[Part]:
    """Cut an article's lines into paragraphs and subheadings by their widths (see paragraphs.py).

    Lines whose reading was a close call go to `warnings` for the editor's review.
    """
    unsure: list = []
    line_facts = [facts(ln.raw, ln.width, ln.terminal, ln.spaced, whole_lines) for ln in lines]
    for lf, nxt in zip(line_facts, lines[1:]):
        lf.next_ideograph = is_ideograph(nxt.raw[:1])
    labels = best_labelling(line_facts,
                            flush_first, allow_headings, unsure)
    if warnings is not None:
        for k, chosen, other in unsure:
            warnings.append(f"{GUESS_WORDS[chosen, other]} guessed (line {lines[k].no})")
    parts: list[Part] = []
    open_part: Optional[Part] = None
    for ln, (label, ends) in zip(lines, labels):
        kind = "heading" if label == "H" else "paragraph"
        if open_part is None or open_part.type != kind or label == "F":
            open_part = Part(kind)
            parts.append(open_part)
        open_part.lines.append(ln)
        if kind == "paragraph" and ends:
            open_part = None
    return parts


GUESS_WORDS = {
    ("break", "run"): "paragraph break", ("run", "break"): "paragraph continued",
    ("heading", "run"): "subheading", ("heading", "break"): "subheading",
    ("run", "heading"): "text (not subheading)", ("break", "heading"): "text (not subheading)",
}


def relabel(d: Draft, whole_lines: bool = False) -> None:
    """Re-read the paragraphs and subheadings of a finished draft with its own column width."""
    lines = d.body_lines()
    if lines:
        d.parts = parts_from_lines(lines, d.start == "dateline", allow_headings=True, warnings=d.warnings,
                                   whole_lines=whole_lines)
    caption = [ln for p in d.caption_parts for ln in p.lines]
    if caption:
        d.caption_parts = parts_from_lines(caption, False, allow_headings=False, warnings=d.warnings,
                                           whole_lines=whole_lines)


WHOLE_LINES_SHARE = 0.2
"""A page whose text lines are this often wider than any column gives whole paragraphs,
one per line (no printed column line is that wide; a column layout has none at all)."""


def gives_whole_paragraphs(lines: list[Line]) -> bool:
    """Whether the extraction joined each paragraph's lines into one."""
    wide = sum(1 for ln in lines if ln.width > MAX_COLUMN)
    ends = sum(1 for ln in lines if ln.terminal or ln.width > MAX_COLUMN)  # (a signature may close a line)
    return wide >= 2 and wide >= WHOLE_LINES_SHARE * ends


def read_page(page: RawPage) -> PageDraft:
    return PageReader(page).read()
