"""Conservation: every non-space character of the input ends up exactly once in the record.

Only the markers the cleaner interprets are not carried over: `□`, `摄影报道` of a photo
credit, the `（上接` … `）` wrapper of a jump line, the parentheses around a dateline
byline, and a hyphen that split a Latin word across two lines.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from generator.errors import ConservationError
from generator.model import Article, Page, SourceRecord

from . import fields as F
from .pages import page_lines
from .text import non_space

_DATELINE_PARENS = re.compile(F.DATELINE_WORD + r"（[^（）]*）")  # (read on text without spaces)
_SPLIT_WORD = re.compile(r"[A-Za-z]\s*-$")  # `PD-` or, spaced by the extraction, `PD -`


def interpreted_markers(lines: list[str]) -> Counter:
    """The marker characters of a page that become structure, not text."""
    markers: Counter = Counter()
    for i, raw in enumerate(lines):
        markers["□"] += raw.count("□")
        if F.split_credit(raw):
            markers.update(F.PHOTO_CREDIT)
        jump = F.jump_mark_chars(raw)
        if jump:
            markers.update(jump)
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if _SPLIT_WORD.search(raw.rstrip()) and nxt[:1].isascii() and nxt[:1].isalpha():
            markers["-"] += 1
    joined = non_space("".join(lines))
    markers.update("（）" * len(_DATELINE_PARENS.findall(joined)))
    return markers


def page_input(lines: list[str], section_raw: str | None) -> Counter:
    """Characters a page's printed lines must give the record (a fresh counter)."""
    return Counter(_page_input(tuple(lines), section_raw))


@lru_cache(maxsize=64)
def _page_input(lines: tuple[str, ...], section_raw: str | None) -> Counter:
    """Pure in the page's text: reconcile and the conservation check both ask for each page,
    so the second asks the cache (keyed by the whole text, never to be mutated)."""
    chars = Counter(non_space("".join(lines) + (section_raw or "")))
    chars.subtract(interpreted_markers(list(lines)))
    return +chars


def article_chars(a: Article) -> str:
    """The text an article carries; names already inside the byline count once."""
    subtitle = "——" + a.subtitle if a.subtitle else None  # its printed dash was stripped
    texts = [a.kicker, a.title, subtitle, a.dateline, a.byline, a.continued_from, a.continued_to]
    texts += [b.text for b in a.blocks] + list(a.captions)
    byline_words = set(F.byline_words(a.byline)) if a.byline else set()
    names = list(dict.fromkeys(list(a.authors) + list(a.photographers)))  # a credit names people once
    texts += [n for n in names if n not in byline_words]
    return "".join(t for t in texts if t)


def article_output(a: Article) -> Counter:
    return Counter(non_space(article_chars(a)))


def page_output(p: Page) -> Counter:
    """Characters a page carries (counted once over the page's whole text: cheaper than
    adding one counter per article)."""
    return Counter(non_space((p.section or "") + "".join(article_chars(a) for a in p.articles)))


def _ordered(source: str, excess: Counter) -> str:
    """The characters of `excess` in the order they appear in `source` (for messages)."""
    left = Counter(excess)
    out = []
    for ch in source:
        if left[ch] > 0:
            out.append(ch)
            left[ch] -= 1
    rest = "".join(ch * n for ch, n in left.items() if n > 0)
    text = "".join(out) + rest
    return text if len(text) <= 40 else text[:40] + "…"


def check_conservation(text: str, record: SourceRecord) -> None:
    """Raise ConservationError naming file, page and the lost or duplicated text."""
    total_in: Counter = Counter()
    per_page = []
    for index, _, _, section_raw, numbered in page_lines(text):
        lines = [raw for _, raw in numbered]
        cin = page_input(lines, section_raw)
        total_in.update(cin)
        per_page.append((index, "".join(lines), cin))
    total_out = Counter(non_space("".join((p.section or "") + "".join(article_chars(a) for a in p.articles)
                                          for p in record.pages)))
    if total_in == total_out:
        return
    by_index = {p.index: p for p in record.pages}
    for index, source, cin in per_page:
        page = by_index.get(index)
        cout = page_output(page) if page else Counter()
        lost, dup = cin - cout, cout - cin
        if lost or dup:
            what = []
            if lost:
                what.append(f"lost {_ordered(source, lost)!r}")
            if dup:
                what.append(f"duplicated {_ordered(source, dup)!r}")
            raise ConservationError(f"{record.source}: page {index}: " + "; ".join(what))
    lost, dup = total_in - total_out, total_out - total_in
    raise ConservationError(f"{record.source}: lost {''.join(lost.elements())[:40]!r}; "
                            f"duplicated {''.join(dup.elements())[:40]!r}")
