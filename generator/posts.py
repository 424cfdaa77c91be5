"""Generator: cleaned issue records -> post objects (front matter + Markdown body).

An article's id is `YYYYMMDD` + page (2 digits) + sequence on the page (2 digits),
e.g. `202212190203`. It is its file name and URL slug and must never change once
published, even when a better cleaner re-segments a page: ids are matched to
existing posts by a fingerprint of the article's opening text before new ones are
numbered.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import frontmatter

from generator import NEWSPAPER
from generator.model import Article, SourceRecord
from generator.slugs import SlugRegistry
from generator.sources import Issue
from generator.writer import render_post

TZ = dt.timezone(dt.timedelta(hours=8), "CST")
OLD_SITE_TAG = "中国邮政快递报新闻"
POSTS_DIR = "posts"
DERIVED_TITLE_MAX = 28

# Province-level regions: an article mentioning one in its title or opening gets it as a tag.
REGIONS = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
           "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
           "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门")
_PUNCT_OR_SPACE = re.compile(r"[\s\W_]+", re.U)
# Openers that say when, not what: a derived title skips them ("近日，X公司…" -> "X公司…").
_TIME_OPENER = re.compile(r"^(?:近日|日前|近期|目前|最近|今年以来|(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚上?)?)[，,]")


@dataclass
class Entry:
    """One article placed in its issue: where it was printed and what it is called."""

    issue: Issue
    page: int              # 版次 within the issue
    page_name: Optional[str]
    source_file: str
    source_page: int       # page index within the source file
    article: Article
    order: int             # reading order within the issue
    id: str = ""

    @property
    def display_title(self) -> str:
        return self.article.title or derive_title(self.article)

    @property
    def title_derived(self) -> bool:
        return not self.article.title


def derive_title(article: Article) -> str:
    """Items printed without a headline get their first sentence as display title."""
    text = next((b.text for b in article.blocks if b.type == "paragraph"), "") or \
        (article.captions[0] if article.captions else "") or article.body_text or "（无题）"
    text = _TIME_OPENER.sub("", text, count=1)
    m = re.match(r"(.+?[。！？!?；;])", text)
    sentence = m.group(1) if m else text
    sentence = sentence.rstrip("。；;，,")
    if len(sentence) > DERIVED_TITLE_MAX:
        sentence = sentence[:DERIVED_TITLE_MAX].rstrip("，,、：:") + "…"
    for open_q, close_q in ("“”", "‘’", "《》", "（）"):
        sentence += close_q * (sentence.count(open_q) - sentence.count(close_q))
    return sentence


FINGERPRINT_CHARS = 40
FINGERPRINT_SCAN = 400
"""Only the opening is normalised: NFKC of a whole article, twice per article, was the
largest serial cost of writing 10,000 posts, and it acts locally, so the first 40
characters come out the same once more than 40 survive from the opening 400."""


def fingerprint(article: Article) -> str:
    """Opening text without spaces/punctuation: survives cleaner improvements that
    only change spacing, punctuation placement or paragraph breaks."""
    text = "".join(b.text for b in article.blocks) or "".join(article.captions) or (article.title or "")
    head = text[:FINGERPRINT_SCAN]
    norm = _PUNCT_OR_SPACE.sub("", unicodedata.normalize("NFKC", head))
    if len(norm) <= FINGERPRINT_CHARS and len(head) < len(text):   # mostly marks and spaces: read it all
        norm = _PUNCT_OR_SPACE.sub("", unicodedata.normalize("NFKC", text))
    return norm[:FINGERPRINT_CHARS]


def issue_entries(issue: Issue, records: list[SourceRecord]) -> list[Entry]:
    """Number pages across the issue's files (file-name order) and list its articles."""
    entries: list[Entry] = []
    page = issue.first_page
    order = 0
    for record in records:
        for p in record.pages:
            name = p.section or issue.page_names.get(page)
            for article in p.articles:
                order += 1
                entries.append(Entry(issue, page, name, record.source, p.index, article, order))
            page += 1
    return entries


def assign_ids(entries: list[Entry], existing: dict[str, str]) -> None:
    """Give each entry its stable id: reuse the id of an existing post with the same
    fingerprint on the same page, else the lowest free sequence number on its page.

    `existing` maps id -> fingerprint of posts already published for this issue.
    """
    by_print = {fp: i for i, fp in sorted(existing.items())}
    taken = set()
    for e in entries:
        old = by_print.get(fingerprint(e.article))
        if old and old not in taken and old[8:10] == f"{e.page:02d}":
            e.id = old
            taken.add(old)
    used = taken | set(existing)
    for e in entries:
        if e.id:
            continue
        seq = 1
        while True:
            candidate = f"{e.issue.date:%Y%m%d}{e.page:02d}{seq:02d}"
            if candidate not in used:
                break
            seq += 1
        e.id = candidate
        used.add(candidate)


def region_tags(article: Article) -> list[str]:
    head = (article.title or "") + (article.kicker or "") + "".join(b.text for b in article.blocks[:1]) + \
        "".join(article.captions[:1])
    return [r for r in REGIONS if r in head]


def post_path(docs_dir: Path, entry: Entry) -> Path:
    return Path(docs_dir) / POSTS_DIR / entry.issue.key / f"{entry.id}.md"


def post_meta(entry: Entry, registry: SlugRegistry) -> dict:
    a, issue = entry.article, entry.issue
    tags = [OLD_SITE_TAG]
    if entry.page_name:
        tags.append(entry.page_name)
    tags += [t for t in region_tags(a) if t not in tags]
    for t in tags:
        registry.slug("tag", t)
    registry.slug("category", NEWSPAPER)
    if entry.page_name:
        registry.slug("section", entry.page_name)
    edition = {"date": issue.date.isoformat()}
    if issue.number is not None:
        edition["number"] = issue.number
    return {
        "title": entry.display_title,
        "title_derived": True if entry.title_derived else None,
        "kicker": a.kicker,
        "subtitle": a.subtitle,
        "date": dt.datetime.combine(issue.date, dt.time(0, 0), TZ),
        "slug": entry.id,
        "id": entry.id,
        "categories": [NEWSPAPER],
        "section": entry.page_name,
        "page": entry.page,
        "order": entry.order,
        "edition": edition,
        "kind": a.kind,
        "tags": tags,
        "dateline": a.dateline,
        "byline": a.byline,
        "writers": list(a.authors),
        "photographers": list(a.photographers),
        "continued_from": a.continued_from,
        "continued_to": a.continued_to,
        "captions": list(a.captions),
        "source": {"file": entry.source_file, "page": entry.source_page},
        "fingerprint": fingerprint(a),
    }


_NUMERALS = {ch: n for n, ch in enumerate("零一二三四五六七八九十")}


def page_number(mark: Optional[str]) -> Optional[int]:
    """`第2版`, `2版`, `第十二版` -> the page number; None when it names none."""
    if not mark:
        return None
    digits = unicodedata.normalize("NFKC", mark).strip("第版 ")
    if digits.isdigit():
        return int(digits)
    if digits and all(ch in _NUMERALS for ch in digits):
        if "十" not in digits:
            return int("".join(str(_NUMERALS[ch]) for ch in digits))
        tens, _, ones = digits.partition("十")
        return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0)
    return None


def jump_partners(entries: list[Entry]) -> dict[int, Entry]:
    """The other part of each article printed on two pages: `（下转第2版）` on page 1 goes
    with the page-2 text marked `（上接第1版）` (by `id()` of each entry). Only where the
    pair is certain: one such text on that page (or one whose headline is the same)."""
    out: dict[int, Entry] = {}
    for e in entries:
        to = page_number(e.article.continued_to)
        if to is None:
            continue
        found = [c for c in entries if c.page == to and page_number(c.article.continued_from) == e.page]
        if len(found) > 1:
            found = [c for c in found if c.article.title and c.article.title == e.article.title]
        if len(found) == 1 and id(found[0]) not in out:
            out[id(e)], out[id(found[0])] = found[0], e
    return out


def post_body(entry: Entry, partner: Optional[Entry] = None) -> str:
    """Plain Markdown (with attr_list classes) so any renderer can show it; `partner`: the
    other part of an article printed on two pages, linked from its jump mark."""
    a = entry.article
    out: list[str] = []
    if a.kicker:
        out.append(f"{_md_escape(a.kicker)}\n{{: .kicker }}")
    out.append(f"# {_md_escape(entry.display_title)}")
    if a.subtitle:
        out.append(f"——{_md_escape(a.subtitle)}\n{{: .subtitle }}")
    credit = byline_text(a)
    if credit:
        out.append(f"{_md_escape(credit)}\n{{: .byline }}")
    if a.continued_from:
        out.append(f"{_jump_mark('上接', a.continued_from, partner)}\n{{: .continued }}")
    for b in a.blocks:
        if b.type == "heading":
            out.append(f"## {_md_escape(b.text)}")
        else:
            out.append(_md_escape(b.text))
    for c in a.captions:
        out.append(f"{_md_escape(c)}\n{{: .caption }}")
    if a.photographers:
        out.append(f"{'　'.join(a.photographers)} 摄影报道\n{{: .photo-credit }}")
    if a.continued_to:
        out.append(f"{_jump_mark('下转', a.continued_to, partner)}\n{{: .continued }}")
    return "\n\n".join(out) + "\n"


def _jump_mark(word: str, page: str, partner: Optional[Entry]) -> str:
    """`（下转第2版）`, a link to the other part when it is known (a post of the same issue)."""
    text = f"（{word}{_md_escape(page)}）"
    return f"[{text}]({partner.id}.md)" if partner is not None and partner.id else text


def byline_text(a: Article) -> str:
    """本报讯（记者 X 通讯员 Y）, or the signature names, as the paper prints them."""
    parts = []
    if a.dateline:
        parts.append(a.dateline)
    if a.byline:
        parts.append(f"（{a.byline}）")
    signed = [n for n in a.authors if not a.byline or n not in a.byline]
    if signed:
        parts.append(("　" if parts else "") + "文／" + "　".join(signed))
    return "".join(parts)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#])")


def _md_escape(text: str) -> str:
    """Escape Markdown syntax characters so newspaper text renders literally."""
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("&", "&amp;").replace("<", "&lt;")
    # A line starting with "1." or "-" would become a list.
    return re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", re.sub(r"^([-+])(\s)", r"\\\1\2", text))


def existing_fingerprints(issue_dir: Path) -> dict[str, str]:
    """id -> fingerprint of the posts already generated for one issue."""
    out: dict[str, str] = {}
    if not issue_dir.is_dir():
        return out
    for path in sorted(issue_dir.glob("*.md")):
        try:
            meta = frontmatter.load(path).metadata
        except Exception:
            continue
        if meta.get("fingerprint"):
            out[path.stem] = str(meta["fingerprint"])
    return out


def render_issue(issue: Issue, records: list[SourceRecord], docs_dir: Path,
                 registry: SlugRegistry) -> list[tuple[Path, str]]:
    """All (path, text) pairs of one issue's posts, ids stable against what exists."""
    entries = issue_entries(issue, records)
    assign_ids(entries, existing_fingerprints(Path(docs_dir) / POSTS_DIR / issue.key))
    partners = jump_partners(entries)
    return [(post_path(docs_dir, e), render_post(post_meta(e, registry), post_body(e, partners.get(id(e)))))
            for e in entries]
