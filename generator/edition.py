"""The newspaper's own structure over the posts: issues (期) -> pages (版) -> articles.

A digital edition is read issue by issue and page by page, not only as a blog list.
Everything here is a pure function of the posts' front matter (plus their URLs), so
templates only lay values out. The whole structure is built once per build in
O(n log n) (one sort); each page then looks its values up in O(1) plus the size of
what it shows, never by scanning all posts (sites grow past 10,000 articles).

URLs (site-relative, `use_directory_urls: false`):
- issue `issue/YYYY-MM-DD.html`, its pages as anchors `#page-<版次>`
- past issues `past-issues.html`
- section `section/<slug>.html`, tag `tag/<slug>.html` (the newest articles), older pages
  `.../<slug>/page/<n>.html` numbered from the oldest (see "Stable pagination" below)
"""
from __future__ import annotations

import calendar
import json
import datetime as dt
from urllib.parse import quote
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from generator import NEWSPAPER

ISSUE_DIR = "issue"
PAST_ISSUES = "past-issues.html"
LATEST_ISSUE = "latest-issue.html"     # forwards to the newest issue (the bar's 最新一期); not under
                                       # issue/, which holds one page per printed issue
SECTION_DIR = "section"
TAG_DIR = "tag"
CATEGORY_DIR = "category"               # the blog's categories (the old site's category pages)
LISTING_DIRS = {"section": SECTION_DIR, "tag": TAG_DIR, "category": CATEGORY_DIR}
PER_PAGE = 20
HOME_PER_GROUP = 5
WEEKDAYS = "一二三四五六日"
ALL_ARTICLES_TAG = "中国邮政快递报新闻"   # the old site's one tag: every article has it

Slugify = Callable[[str], str]


@dataclass(frozen=True)
class ArticleRef:
    """One article as listings, the issue page and neighbours show it."""

    id: str
    url: str
    title: str
    published: dt.datetime
    issue_date: Optional[dt.date] = None     # None: not placed in an issue (e.g. imported old posts)
    page: Optional[int] = None               # 版次
    section: Optional[str] = None            # 版名
    order: int = 0                           # reading order in the issue
    kicker: Optional[str] = None
    subtitle: Optional[str] = None
    byline: Optional[str] = None
    kind: str = "news"
    tags: tuple[str, ...] = ()
    number: Optional[int] = None             # 期号

    @property
    def sort_key(self):
        """Newest first; within one issue, in reading order."""
        return (-self.published.timestamp(), self.order, self.id)


def _as_date(value) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def article_ref(meta: dict, url: str, published: dt.datetime) -> ArticleRef:
    """Front matter of a post (see generator/posts.py) -> ArticleRef. Posts without an
    `edition`/`page` (old imported posts) still get listed by tag, just not placed."""
    edition = meta.get("edition") if isinstance(meta.get("edition"), dict) else {}
    page = meta.get("page")
    issue_date = _as_date(edition.get("date")) if isinstance(page, int) else None
    number = edition.get("number")
    return ArticleRef(
        id=str(meta.get("id") or meta.get("slug") or url),
        url=url,
        title=str(meta.get("title") or "（无题）"),
        published=published,
        issue_date=issue_date,
        page=page if issue_date else None,
        section=meta.get("section") or None,
        order=int(meta.get("order") or 0),
        kicker=meta.get("kicker") or None,
        subtitle=meta.get("subtitle") or None,
        byline=meta.get("byline") or _writers(meta),
        kind=str(meta.get("kind") or "news"),
        tags=tuple(str(t) for t in meta.get("tags") or ()),
        number=number if isinstance(number, int) else None,
    )


def _writers(meta: dict) -> Optional[str]:
    names = [str(n) for n in meta.get("writers") or []]
    return "　".join(names) if names else None


# ---------------------------------------------------------------- labels and URLs

def issue_url(date: dt.date) -> str:
    return f"{ISSUE_DIR}/{date.isoformat()}.html"


def page_anchor(page: int) -> str:
    return f"page-{page}"


def page_url(date: dt.date, page: int) -> str:
    return f"{issue_url(date)}#{page_anchor(page)}"


def page_label(page: int, name: Optional[str]) -> str:
    """第2版 动态 — how the paper names a page."""
    return f"第{page}版" + (f"　{name}" if name else "")


def date_label(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def weekday_label(date: dt.date) -> str:
    return "星期" + WEEKDAYS[date.weekday()]


def issue_label(date: dt.date, number: Optional[int] = None) -> str:
    return date_label(date) + (f"　第{number}期" if number else "")


def listing_url(directory: str, slug: str, page: Optional[int] = None) -> str:
    """tag/<slug>.html (the landing page), tag/<slug>/page/1.html (the oldest articles) …"""
    return f"{directory}/{slug}.html" if page is None else f"{directory}/{slug}/page/{page}.html"


# ---------------------------------------------------------------- issue structure

@dataclass
class PrintedPage:
    """One page (版) of an issue with its articles in reading order."""

    number: int
    name: Optional[str]
    articles: list[ArticleRef] = field(default_factory=list)

    @property
    def label(self) -> str:
        return page_label(self.number, self.name)

    @property
    def anchor(self) -> str:
        return page_anchor(self.number)


@dataclass
class IssueInfo:
    """One issue (期): its pages in page order."""

    date: dt.date
    number: Optional[int]
    pages: list[PrintedPage] = field(default_factory=list)

    @property
    def url(self) -> str:
        return issue_url(self.date)

    @property
    def label(self) -> str:
        return issue_label(self.date, self.number)

    @property
    def articles(self) -> list[ArticleRef]:
        return [a for p in self.pages for a in p.articles]


@dataclass
class Edition:
    """All issues, newest first, with an index from article id to its place."""

    issues: list[IssueInfo]
    places: dict[str, tuple[int, int, int]]   # id -> (issue index, page index, article index)

    def issue_index(self, date: dt.date) -> Optional[int]:
        return next((i for i, issue in enumerate(self.issues) if issue.date == date), None)

    @property
    def latest(self) -> Optional[IssueInfo]:
        return self.issues[0] if self.issues else None


def build_edition(refs: Iterable[ArticleRef]) -> Edition:
    """Group placed articles into issues and pages: one pass plus one sort."""
    placed = sorted((r for r in refs if r.issue_date is not None),
                    key=lambda r: (-r.issue_date.toordinal(), r.page, r.order, r.id))
    issues: list[IssueInfo] = []
    places: dict[str, tuple[int, int, int]] = {}
    for ref in placed:
        if not issues or issues[-1].date != ref.issue_date:
            issues.append(IssueInfo(ref.issue_date, ref.number))
        issue = issues[-1]
        if issue.number is None and ref.number is not None:
            issue.number = ref.number
        if not issue.pages or issue.pages[-1].number != ref.page:
            issue.pages.append(PrintedPage(ref.page, ref.section))
        page = issue.pages[-1]
        if page.name is None and ref.section:
            page.name = ref.section
        places[ref.id] = (len(issues) - 1, len(issue.pages) - 1, len(page.articles))
        page.articles.append(ref)
    return Edition(issues, places)


def _link(label: str, url: str, **extra) -> dict:
    return {"label": label, "url": url, **extra}


def _article_item(ref: ArticleRef) -> dict:
    """What a list entry shows: kicker / title / subtitle / byline, and where it ran."""
    return {
        "id": ref.id, "url": ref.url, "title": ref.title, "kicker": ref.kicker, "subtitle": ref.subtitle,
        "byline": ref.byline, "kind": ref.kind,
        "date": date_label(ref.published.date()), "iso_date": ref.published.date().isoformat(),
        "page": page_label(ref.page, ref.section) if ref.page else None,
    }


def issue_context(edition: Edition, index: int) -> dict:
    """Masthead, pages with their articles, previous/next page and issue."""
    issue = edition.issues[index]
    newer = edition.issues[index - 1] if index > 0 else None
    older = edition.issues[index + 1] if index + 1 < len(edition.issues) else None
    pages = []
    for i, p in enumerate(issue.pages):
        prev_p = issue.pages[i - 1] if i > 0 else None
        next_p = issue.pages[i + 1] if i + 1 < len(issue.pages) else None
        pages.append({
            "number": p.number, "name": p.name, "label": p.label, "anchor": p.anchor,
            "articles": [_article_item(a) for a in p.articles],
            "prev": _link(prev_p.label, f"#{prev_p.anchor}") if prev_p else None,
            "next": _link(next_p.label, f"#{next_p.anchor}") if next_p else None,
        })
    return {
        "newspaper": NEWSPAPER,
        "date": date_label(issue.date), "iso_date": issue.date.isoformat(),
        "weekday": weekday_label(issue.date), "number": issue.number,
        "title": f"{NEWSPAPER} {issue.label}",
        "url": issue.url,
        "pages": pages,
        "article_count": sum(len(p.articles) for p in issue.pages),
        "prev_issue": _link(older.label, older.url) if older else None,    # 上一期 = older
        "next_issue": _link(newer.label, newer.url) if newer else None,    # 下一期 = newer
        "past_issues_url": PAST_ISSUES,
    }


def article_context(edition: Edition, article_id: str) -> Optional[dict]:
    """Breadcrumb issue -> page -> article, 上一篇/下一篇 in the issue's reading order
    (across its pages), and the other articles of the same page."""
    place = edition.places.get(article_id)
    if place is None:
        return None
    i, p, a = place
    issue = edition.issues[i]
    page = issue.pages[p]
    ref = page.articles[a]
    prev_ref = page.articles[a - 1] if a > 0 else (issue.pages[p - 1].articles[-1] if p > 0 else None)
    next_ref = page.articles[a + 1] if a + 1 < len(page.articles) else \
        (issue.pages[p + 1].articles[0] if p + 1 < len(issue.pages) else None)
    return {
        "issue": _link(issue.label, issue.url),
        "page": _link(page.label, page_url(issue.date, page.number), number=page.number, name=page.name),
        "breadcrumb": [_link(f"{NEWSPAPER} {issue.label}", issue.url),
                       _link(page.label, page_url(issue.date, page.number)),
                       _link(ref.title, ref.url)],
        "source_line": f"原载《{NEWSPAPER}》{date_label(issue.date)}" +
                       (f" 第{issue.number}期" if issue.number else "") + f" {page.label}",
        "prev": _article_item(prev_ref) if prev_ref else None,
        "next": _article_item(next_ref) if next_ref else None,
        "same_page": [_article_item(o) for o in page.articles if o.id != ref.id],
    }


# ---------------------------------------------------------------- past issues

def past_issues_context(edition: Edition) -> dict:
    """Every issue by year and month, each month as a Monday-first calendar whose
    days link to their issue."""
    by_month: dict[tuple[int, int], dict[int, IssueInfo]] = {}
    for issue in edition.issues:
        by_month.setdefault((issue.date.year, issue.date.month), {})[issue.date.day] = issue
    cal = calendar.Calendar(firstweekday=0)
    years: list[dict] = []
    for (year, month) in sorted(by_month, reverse=True):
        days = by_month[(year, month)]
        weeks = [[_calendar_day(d, days.get(d)) for d in week] for week in cal.monthdayscalendar(year, month)]
        if not years or years[-1]["year"] != year:
            years.append({"year": year, "label": f"{year}年", "months": [], "count": 0})
        issues = [_link(issue_label(days[d].date, days[d].number), days[d].url, day=d) for d in sorted(days)]
        years[-1]["months"].append({"month": month, "label": f"{year}年{month}月", "id": f"m{year}-{month:02d}",
                                    "weeks": weeks, "issues": issues})
        years[-1]["count"] += len(days)
    return {"years": years, "weekdays": list(WEEKDAYS), "count": len(edition.issues),
            "latest": _link(edition.latest.label, edition.latest.url) if edition.latest else None}


def _calendar_day(day: int, issue: Optional[IssueInfo]) -> dict:
    return {"day": day or None, "url": issue.url if issue else None,
            "title": issue_label(issue.date, issue.number) if issue else None}


# ---------------------------------------------------------------- sections, tags and categories
#
# Stable pagination. Listings are numbered FROM THE OLDEST, so a listing page, once
# written, keeps listing the same articles when newer ones arrive (an editor's push
# then re-renders only the landing pages, not every page of every listing).
# With n articles newest first and k per page, full = n // k pages are full; the
# archive pages are `<dir>/<slug>/page/J.html` for J = 1 .. full - 1 (1 = the oldest):
# page J holds the articles [(J-1)k, Jk) counted from the oldest end, shown newest
# first. The landing page `<dir>/<slug>.html` (the URL every link uses) shows the
# newest n - (full-1)k articles: the remainder plus the newest full page, so between
# k and 2k-1 of them, or all of them when n < 2k. Paging 更早 from the landing page
# to page 1 shows every article exactly once, newest first.
# Archive pages show nothing that changes when newer articles arrive (no total, no
# page count, no list of every page number): their own number and date range, 更新 /
# 更早, and links to the landing page and to page 1. One exception: the newest archive
# page's 更新 goes to the landing page until the next archive page exists (every k
# new articles of that listing), then to that page.

@dataclass
class ListingPage:
    """One page of a newest-first listing (a section, a tag or a blog category): the
    landing page (`number` None) or archive page `number` counted from the oldest (see above)."""

    kind: str            # "section" | "tag" | "category"
    name: str
    slug: str
    number: Optional[int]
    archive_pages: int   # how many archive pages the listing has now
    total: int
    items: list[ArticleRef]

    @property
    def directory(self) -> str:
        return LISTING_DIRS[self.kind]

    @property
    def url(self) -> str:
        return listing_url(self.directory, self.slug, self.number)

    @property
    def src_uri(self) -> str:
        return self.url[: -len(".html")] + ".md"

    @property
    def title(self) -> str:
        label = {"section": f"{self.name}版", "tag": f"标签：{self.name}"}.get(self.kind, self.name)
        return label + (f"（第{self.number}页）" if self.number else "")


def group_by(refs: Iterable[ArticleRef], kind: str) -> dict[str, list[ArticleRef]]:
    """name -> articles newest first, for kind "section" (版名) or "tag"."""
    groups: dict[str, list[ArticleRef]] = {}
    for ref in refs:
        names = (ref.section,) if kind == "section" else ref.tags
        for name in names:
            if name:
                groups.setdefault(name, []).append(ref)
    for items in groups.values():
        items.sort(key=lambda r: r.sort_key)
    return groups


def archive_page_count(n: int, per_page: int) -> int:
    """Archive pages of a listing of n articles: every full page but the newest."""
    return max(n // per_page - 1, 0)


def archive_slice(n: int, per_page: int, number: int) -> slice:
    """Where archive page `number` (1 = oldest) sits in the newest-first list: the
    articles [(J-1)k, Jk) counted from the oldest end."""
    return slice(n - number * per_page, n - (number - 1) * per_page)


def landing_slice(n: int, per_page: int) -> slice:
    """The newest articles, those no archive page holds (k to 2k-1, or all when n < 2k)."""
    return slice(0, n - archive_page_count(n, per_page) * per_page)


def paginate(kind: str, name: str, slug: str, items: list[ArticleRef], per_page: int = PER_PAGE) -> list[ListingPage]:
    """The landing page, then the archive pages from the newest to the oldest (the
    order 更早 walks them)."""
    n, count = len(items), archive_page_count(len(items), per_page)
    landing = ListingPage(kind, name, slug, None, count, n, items[landing_slice(n, per_page)])
    return [landing, *(ListingPage(kind, name, slug, j, count, n, items[archive_slice(n, per_page, j)])
                       for j in range(count, 0, -1))]


def date_range_label(items: list[ArticleRef]) -> str:
    """2016年3月2日—2016年4月6日: the oldest and newest dates of a page's articles."""
    if not items:
        return ""
    first, last = items[-1].published.date(), items[0].published.date()
    return date_label(first) if first == last else f"{date_label(first)}—{date_label(last)}"


def listing_context(page: ListingPage) -> dict:
    """Items plus a pager: 更新 / 更早 and the ends (landing page, page 1). An archive
    page's values depend only on its own articles and number (plus whether a newer
    archive page exists yet), never on the listing's size, so it stays byte-identical."""
    def url(n: Optional[int]) -> str:
        return quote(listing_url(page.directory, page.slug, n))     # old category slugs may hold spaces
    landing = page.number is None
    older = page.archive_pages if landing else page.number - 1
    newer = None if landing else (page.number + 1 if page.number < page.archive_pages else None)
    return {
        "kind": page.kind, "name": page.name, "title": page.title,
        "number": page.number, "landing": landing,
        "total": page.total if landing else None,
        "date_range": None if landing else date_range_label(page.items),
        "articles": [_article_item(r) for r in page.items],
        "newer": None if landing else url(newer),
        "older": url(older) if older else None,
        "newest": None if landing else url(None),
        "oldest": url(1) if (older or 0) > 1 else None,
    }


# ---------------------------------------------------------------- home page

def home_context(edition: Edition, sections: dict[str, list[ArticleRef]], tags: dict[str, list[ArticleRef]],
                 section_slug: Slugify, tag_slug: Slugify, per_group: int = HOME_PER_GROUP) -> dict:
    """Latest issue first (its pages and articles); below, like the old home page, the
    newest articles of each section and tag (the all-articles tag and tags that only
    repeat a section name are left out: they would repeat the same lists)."""
    latest = issue_context(edition, 0) if edition.issues else None
    groups = []
    for kind, table, slug, directory in (("section", sections, section_slug, SECTION_DIR),
                                         ("tag", tags, tag_slug, TAG_DIR)):
        for name, items in table.items():
            if kind == "tag" and (name == ALL_ARTICLES_TAG or name in sections):
                continue
            groups.append({"kind": kind, "name": name, "label": f"{name}版" if kind == "section" else name,
                           "url": listing_url(directory, slug(name)), "total": len(items),
                           "articles": [_article_item(r) for r in items[:per_group]],
                           "_key": (kind != "section", -items[0].published.timestamp(), name)})
    groups.sort(key=lambda g: g.pop("_key"))
    return {"latest": latest, "groups": groups, "past_issues_url": PAST_ISSUES,
            "issue_count": len(edition.issues)}


def site_bar(edition: Edition, sections: dict[str, list[ArticleRef]], section_slug: Slugify) -> dict:
    """Links every page shows under the header: 首页, 最新一期, 往期回顾, the sections.
    最新一期 points at a fixed page that forwards to the newest issue (`latest_context`):
    the bar, on every page, stays the same when an issue is added, so the build can
    reuse the pages that did not change."""
    latest = edition.latest
    return {
        "home": "index.html",
        "latest": _link("最新一期", LATEST_ISSUE) if latest else None,
        "past_issues": PAST_ISSUES,
        "tags": "tags.html",
        "sections": [_link(name, listing_url(SECTION_DIR, section_slug(name))) for name in section_order(sections)],
    }


def usual_page(items: list[ArticleRef]) -> int:
    """The page (版次) a section runs on most often (the lowest of equally common ones);
    0 for a section none of whose articles is placed on a page."""
    counts: dict[int, int] = {}
    for ref in items:
        if ref.page:
            counts[ref.page] = counts.get(ref.page, 0) + 1
    return min(counts, key=lambda page: (-counts[page], page)) if counts else 0


def section_order(sections: dict[str, list[ArticleRef]]) -> list[str]:
    """Sections as the paper prints them: by the page they usually run on, then by name.
    Not by their newest article: an issue without one section would then reorder the bar
    that every page shows, and a push would have to re-render the whole site."""
    return sorted(sections, key=lambda name: (usual_page(sections[name]) or 10 ** 6, name))


def latest_context(edition: Edition) -> dict:
    """The page behind the bar's 最新一期: where it forwards to."""
    latest = edition.latest
    return {"latest": _link(f"{NEWSPAPER} {latest.label}", latest.url) if latest else None}


# ---------------------------------------------------------------- the extra pages of one build

@dataclass
class GeneratedPage:
    """A page the build adds (issue, past issues, section, tag): its source path, the
    template that lays it out and a function giving the template's values."""

    src_uri: str
    title: str
    template: str
    context: Callable[[], dict]

    @property
    def markdown(self) -> str:
        """Front matter only: the template draws the page; listings stay out of search
        (articles are what readers look for)."""
        return (f"---\ntitle: {json.dumps(self.title, ensure_ascii=False)}\ntemplate: {self.template}\n"
                "search:\n  exclude: true\nhide:\n  - navigation\n  - toc\n---\n")


@dataclass
class EditionSite:
    """Everything the hook needs, computed once per build."""

    edition: Edition
    sections: dict[str, list[ArticleRef]]
    tags: dict[str, list[ArticleRef]]
    pages: dict[str, GeneratedPage]
    bar: dict
    home: Callable[[], dict]

    def article(self, article_id: str) -> Optional[dict]:
        return article_context(self.edition, article_id)


def plan_site(refs: Iterable[ArticleRef], section_slug: Slugify, tag_slug: Slugify,
              per_page: int = PER_PAGE) -> EditionSite:
    refs = list(refs)
    edition = build_edition(refs)
    sections, tags = group_by(refs, "section"), group_by(refs, "tag")
    pages: list[GeneratedPage] = []
    for index, issue in enumerate(edition.issues):
        pages.append(GeneratedPage(issue.url[: -len(".html")] + ".md", f"{NEWSPAPER} {issue.label}",
                                   "edition-issue.html", lambda i=index: issue_context(edition, i)))
    pages.append(GeneratedPage(PAST_ISSUES[: -len(".html")] + ".md", "往期回顾", "edition-past.html",
                               lambda: past_issues_context(edition)))
    if edition.latest:
        pages.append(GeneratedPage(LATEST_ISSUE[: -len(".html")] + ".md", "最新一期", "edition-latest.html",
                                   lambda: latest_context(edition)))
    for kind, table, slug in (("section", sections, section_slug), ("tag", tags, tag_slug)):
        for name, items in sorted(table.items()):
            for listing in paginate(kind, name, slug(name), items, per_page):
                pages.append(GeneratedPage(listing.src_uri, listing.title, "edition-listing.html",
                                           lambda p=listing: listing_context(p)))
    return EditionSite(edition, sections, tags, {p.src_uri: p for p in pages},
                       site_bar(edition, sections, section_slug),
                       lambda: home_context(edition, sections, tags, section_slug, tag_slug))


def plan_categories(site: EditionSite, categories: Iterable[tuple[str, str, list[ArticleRef]]],
                    per_page: int = PER_PAGE) -> list[GeneratedPage]:
    """The blog's categories as stable listings too: (name, the category page's source
    path `category/<slug>.md`, its articles). The category page itself stays the blog's
    (its URL is the old site's, and posts link back to it) but is drawn with the listing's
    values; its archive pages are added. Returns the pages that need a source file."""
    added = []
    for name, src_uri, items in categories:
        directory, _, slug = src_uri[: -len(".md")].rpartition("/")
        if directory != CATEGORY_DIR:
            continue
        for listing in paginate("category", name, slug, sorted(items, key=lambda r: r.sort_key), per_page):
            page = GeneratedPage(listing.src_uri, listing.title, "edition-listing.html",
                                 lambda p=listing: listing_context(p))
            site.pages[page.src_uri] = page
            if listing.number is not None:
                added.append(page)
    return added
