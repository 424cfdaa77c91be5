"""Turn page drafts into model records: fields, blocks, kinds, attributed headlines."""
from __future__ import annotations

from typing import Optional

from generator.model import Article, Block, Page, SourceRecord

from . import fields as F
from .headlines import (FOLLOWS_BONUS, JUMP_BONUS, MIN_SCORE, OTHER_PAGE_PENALTY,
                        content_score, document_frequencies, headline_text, split_headline)
from .pages import RawPage
from .segment import Draft, HeadlineGroup, PageDraft, Part
from .text import despace, despace_display, join_lines


def paragraph_text(part: Part) -> str:
    return join_lines([ln.raw for ln in part.lines])


def heading_text(part: Part) -> str:
    return "".join(despace_display(ln.raw) for ln in part.lines)


def _dedup(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        if n not in out:
            out.append(n)
    return out


def build_article(d: Draft) -> Article:
    """Fields and blocks of one draft (headline attached later)."""
    a = Article(warnings=list(d.warnings))
    parts = list(d.parts)
    if d.start == "dateline" and parts and parts[0].type == "paragraph":
        raw = "".join(ln.raw for ln in parts[0].lines)
        byline, rest = F.split_dateline(raw)
        a.dateline = F.DATELINE
        a.byline = byline or None
        if byline:
            a.authors.extend(F.names_in(byline))
        first = join_lines([rest]) if rest.strip() else ""
        parts = parts[1:]
        if first:
            a.blocks.append(Block("paragraph", first))
    if d.top_author:
        pieces = [despace_display(x) for x in d.top_author]
        last_words = d.top_author[-1].split()
        if len(d.top_author) == 1 and F.looks_like_names(d.top_author[0]) and all(
                not F.is_role(w) for w in F.byline_words(d.top_author[0])):
            a.authors.extend(F.byline_words(d.top_author[0]))
        else:
            a.byline = " ".join(pieces)
            if last_words and F.looks_like_names(last_words[-1]):
                a.authors.append(despace(last_words[-1]))
    for p in parts:
        if p.type == "paragraph":
            a.blocks.append(Block("paragraph", paragraph_text(p)))
        else:
            a.blocks.append(Block("heading", heading_text(p)))
    a.captions = [paragraph_text(p) for p in d.caption_parts]
    for sig in d.signatures:
        a.authors.extend(F.byline_words(sig) if not F.parse_credit(sig).byline else F.parse_credit(sig).names)
        if F.parse_credit(sig).byline and not a.byline:
            a.byline = F.parse_credit(sig).byline
    if d.credit is not None:
        credit = F.parse_credit(d.credit)
        a.photographers = credit.names
        if credit.byline:
            a.byline = credit.byline if not a.byline else a.byline + " " + credit.byline
    a.authors = _dedup(a.authors)
    if d.continued_from:
        a.continued_from = d.continued_from
    a.kind = kind_of(d, a)
    return a


def kind_of(d: Draft, a: Article) -> str:
    if d.continued_from:
        return "continuation"
    if d.credit is not None and not a.blocks:
        return "photo"
    has_heading = any(b.type == "heading" for b in a.blocks)
    if d.top_author and len(d.top_author) > 1:
        return "commentary"
    if not a.dateline and has_heading:
        return "feature"
    return "news"


def article_text(a: Article) -> str:
    return "".join([b.text for b in a.blocks] + a.captions)


def attribute_headlines(pages: list[tuple[RawPage, PageDraft, list[Article]]]) -> None:
    """Give each headline group to the article it most likely belongs to."""
    docs: list[tuple[int, int, Article, PageDraft]] = []
    for pi, (_, pd, arts) in enumerate(pages):
        for di, a in enumerate(arts):
            docs.append((pi, di, a, pd))
    texts = [article_text(a) for _, _, a, _ in docs]
    df = document_frequencies(texts)
    pairs = []
    groups: list[tuple[int, HeadlineGroup]] = []
    for pi, (_, pd, _) in enumerate(pages):
        for g in pd.groups:
            groups.append((pi, g))
    for gi, (pi, g) in enumerate(groups):
        htext = headline_text([ln.raw for ln in g.lines])
        for k, (dpi, di, a, pd) in enumerate(docs):
            score = content_score(htext, texts[k], df, len(docs))
            if dpi == pi and g.after == di:
                score += FOLLOWS_BONUS
            if dpi == pi and g.before == di and pd.drafts[di].continued_from:
                score += JUMP_BONUS
            if dpi != pi:
                score -= OTHER_PAGE_PENALTY
            pairs.append((score, gi, k))
    pairs.sort(key=lambda t: -t[0])
    used_g: set[int] = set()
    used_d: set[int] = set()
    for score, gi, k in pairs:
        if gi in used_g or k in used_d or score < MIN_SCORE:
            continue
        pi, g = groups[gi]
        a = docs[k][2]
        h = split_headline([ln.raw for ln in g.lines])
        if h.title is None and h.kicker:
            a.kicker = h.kicker
            used_g.add(gi)
            continue
        a.kicker, a.title, a.subtitle = h.kicker, h.title, h.subtitle
        used_g.add(gi)
        used_d.add(k)
        if score < MIN_SCORE + FOLLOWS_BONUS:
            a.warnings.append(f"headline attribution uncertain (line {g.lines[0].no})")
    for gi, (pi, g) in enumerate(groups):
        if gi in used_g:
            continue
        h = split_headline([ln.raw for ln in g.lines])
        orphan = Article(kicker=h.kicker, title=h.title, subtitle=h.subtitle)
        orphan.warnings.append(f"headline with no article found (line {g.lines[0].no})")
        _, pd, arts = pages[pi]
        at = g.before if g.before is not None else len(arts)
        arts.insert(min(at, len(arts)), orphan)


def build_record(source: str, pages: list[tuple[RawPage, PageDraft]]) -> SourceRecord:
    built = [(rp, pd, [build_article(d) for d in pd.drafts]) for rp, pd in pages]
    attribute_headlines(built)
    return SourceRecord(source, [Page(rp.index, rp.section, arts) for rp, _, arts in built])
