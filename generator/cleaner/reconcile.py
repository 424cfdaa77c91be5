"""Last resort for pages the segmenter misread: no printed text is ever lost.

The conservation check stays exact. Before it runs, a page whose record lost
characters gets them back, in printed order, as an untitled text with a review
warning; a marker character the contract treats as structure (`□`, the parentheses
of a dateline byline, …) that a misread left in the text is taken out of it, also
with a warning. Any other difference is a real cleaner bug and still fails loudly.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from generator.model import Article, Block, Page, SourceRecord

from .conserve import interpreted_markers, page_input, page_output
from . import fields as F
from .fields import BOX
from .pages import RawPage

MARKER_CHARS = set(BOX + "（）-")
"""Single characters the conservation contract may count as structure rather than text
(the words `摄影报道`, `上接` are markers only as whole words, never dropped one by one)."""


def strip_boxes(record: SourceRecord) -> None:
    """A signature box `□` is print furniture: the record never carries it as text."""
    for page in record.pages:
        for a in page.articles:
            for name in ("kicker", "title", "subtitle", "continued_from"):
                value = getattr(a, name)
                if value and BOX in value:
                    setattr(a, name, value.replace(BOX, "").strip() or None)
            if a.byline and BOX in a.byline:
                strip_byline_box(a)
            for b in a.blocks:
                b.text = b.text.replace(BOX, "").strip()
            a.blocks = [b for b in a.blocks if b.text]
            a.captions = [c for c in (x.replace(BOX, "").strip() for x in a.captions) if c]
            a.authors = [n for n in (x.replace(BOX, "").strip() for x in a.authors) if n]
            a.photographers = [n for n in (x.replace(BOX, "").strip() for x in a.photographers) if n]


def strip_byline_box(a: Article) -> None:
    """`记者 唐 □艳` -> `记者 唐艳`: the names read from the byline are read again."""
    old_words = set(F.byline_words(a.byline))
    a.byline = F.normalise_byline(a.byline.replace(BOX, " ")) or None
    others = [n for n in a.authors if n not in old_words]
    a.authors = list(dict.fromkeys((F.names_in(a.byline) if a.byline else []) + others))


def lost_fragments(lines: list[str], lost: Counter) -> tuple[str, Optional[int]]:
    """The lost characters in printed order, and the index of the first line holding one.

    Usually a misread drops one stretch of text: the printed stretch holding exactly the
    lost characters is given back as it reads. Otherwise the first occurrences are
    collected, stretches that were apart joined by a space.
    """
    chars = [(i, ch) for i, raw in enumerate(lines) for ch in raw if not ch.isspace()]
    start = contiguous_window([ch for _, ch in chars], lost)
    if start is not None:
        size = sum(lost.values())
        picked = {k for k in range(start, start + size)}
    else:
        left, picked = Counter(lost), set()
        for k, (_, ch) in enumerate(chars):
            if left[ch] > 0:
                left[ch] -= 1
                picked.add(k)
    pieces: list[str] = []
    for k, (_, ch) in enumerate(chars):
        if k in picked:
            if pieces and k - 1 not in picked:
                pieces.append(" ")
            pieces.append(ch)
    first = chars[min(picked)][0] if picked else None
    return "".join(pieces), first


def contiguous_window(chars: list[str], want: Counter) -> Optional[int]:
    """Start of the first run of len(want) characters holding exactly `want`, if any."""
    size = sum(want.values())
    if not size or size > len(chars):
        return None
    window = Counter(chars[:size])
    off = sum(1 for c in set(window) | set(want) if window[c] != want[c])
    for start in range(len(chars) - size + 1):
        if off == 0:
            return start
        if start + size >= len(chars):
            break
        for ch, delta in ((chars[start], -1), (chars[start + size], +1)):
            before = window[ch] == want[ch]
            window[ch] += delta
            after = window[ch] == want[ch]
            off += (before and not after) - (after and not before)
    return None


def _remove_one(a: Article, ch: str) -> bool:
    """Take one marker character out of an article's text (body first, then display)."""
    for b in a.blocks:
        if ch in b.text:
            b.text = b.text.replace(ch, "", 1).strip()
            a.blocks = [x for x in a.blocks if x.text]
            return True
    for i, c in enumerate(a.captions):
        if ch in c:
            a.captions[i] = c.replace(ch, "", 1).strip()
            a.captions = [x for x in a.captions if x]
            return True
    for name in ("title", "subtitle", "kicker", "byline"):
        value = getattr(a, name)
        if value and ch in value:
            setattr(a, name, value.replace(ch, "", 1).strip() or None)
            return True
    return False


def drop_markers(page: Page, extra: Counter) -> None:
    """Remove marker characters the page's text carries more often than printed."""
    for ch, n in extra.items():
        for _ in range(n):
            for a in page.articles:
                if _remove_one(a, ch):
                    a.warnings.append(f"marker {ch!r} misread as text was dropped (review)")
                    break


def _page_for(record: SourceRecord, rp: RawPage) -> Page:
    for page in record.pages:
        if page.index == rp.index:
            return page
    page = Page(rp.index, rp.section, [])
    record.pages.append(page)
    record.pages.sort(key=lambda p: p.index)
    return page


def _totals(raw_pages: list[RawPage], record: SourceRecord) -> tuple[Counter, Counter]:
    cin: Counter = Counter()
    cout: Counter = Counter()
    for rp in raw_pages:
        cin.update(page_input([ln.raw for ln in rp.lines], rp.section_raw))
    for page in record.pages:
        cout.update(page_output(page))
    return cin, cout


def reconcile(raw_pages: list[RawPage], record: SourceRecord) -> None:
    """Give misread pages back their lost text and drop marker characters they doubled.

    Only the file's net difference is repaired: a headline attributed to an article on
    another page moves text between pages without losing any.
    """
    strip_boxes(record)
    cin, cout = _totals(raw_pages, record)
    if cin == cout:
        return
    extra = Counter({ch: n for ch, n in (cout - cin).items() if ch in MARKER_CHARS})
    lost = cin - cout
    for rp in raw_pages:
        lines = [ln.raw for ln in rp.lines]
        page = _page_for(record, rp)
        page_in, page_out = page_input(lines, rp.section_raw), page_output(page)
        here = (page_out - page_in) & extra
        if here:
            drop_markers(page, here)
            extra -= here
            page_out = page_output(page)
        missing = (page_in - page_out) & lost
        if missing:
            lost -= missing
            text, first = lost_fragments(lines, missing)
            line_no = rp.lines[first].no if first is not None else rp.first_line
            page.articles.append(Article(blocks=[Block("paragraph", text)], warnings=[
                f"text the cleaner could not place, kept in printed order (line {line_no}); review"]))
