"""The built sample archive in a real browser (Debian chromium via Playwright): read it like a
newspaper — home, latest issue, an article, 下一篇, past issues, Chinese search, print, phone.

Screenshots of every step go to test-artifacts/ (git-ignored) for a person to look at.
Needs `chromium` and fonts-noto-cjk (`.ci/run` installs both).
"""
from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import frontmatter
import jieba
import pytest

from generator import search_shards

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site):
    """The built site on 127.0.0.1, a free port, in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(built_site / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Debian chromium not found: apt-get install chromium fonts-noto-cjk (see .ci/run)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def shot(pg, name: str, full_page: bool = True) -> None:
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def posts(root: Path) -> list[dict]:
    return [frontmatter.load(p).metadata | {"_text": p.read_text(encoding="utf-8")}
            for p in sorted((root / "docs" / "posts").glob("20??-??-??/*.md"))]


def search(pg, query: str) -> list[str]:
    """Type a query the way a reader does; return result links (page URLs, no query string)."""
    pg.locator(".md-search__input").click()
    pg.fill(".md-search__input", query)
    pg.keyboard.press("End")        # Material's search runs on keyup
    pg.wait_for_function("q => { const m = document.querySelector('.md-search-result__meta');"
                         " return m && /\\d/.test(m.textContent) && document.querySelector('.md-search__input').value === q; }",
                         arg=query)
    pg.wait_for_timeout(300)
    hrefs = pg.locator(".md-search-result__item > a.md-search-result__link").evaluate_all(
        "els => els.map(e => e.href)")
    return [re.sub(r"[?#].*$", "", h) for h in hrefs]


def test_read_an_issue_like_a_newspaper(page, server, built_site):
    all_posts = posts(built_site)
    latest = max(m["edition"]["date"] for m in all_posts)
    in_latest = sorted((m for m in all_posts if m["edition"]["date"] == latest), key=lambda m: m["order"])

    # 1. Home: masthead with the latest issue first.
    page.goto(server + "index.html")
    assert page.locator(".ed-masthead__paper").inner_text().replace(" ", "") == "中国邮政快递报"
    assert page.locator(".ed-page").count() >= 1
    shot(page, "01-home")

    # 2. Latest issue, through the paper's bar.
    page.locator(".edition-bar__latest").click()
    page.wait_for_url(f"**/issue/{latest}.html")
    assert page.locator(".ed-page").count() == len({m["page"] for m in in_latest})
    titles = page.locator(".ed-page a.ed-item__title").all_inner_texts()
    assert titles == [m["title"] for m in in_latest]
    shot(page, "02-latest-issue")

    # 3. Open the first article of the issue: breadcrumb issue -> page -> article.
    page.locator(".ed-page a.ed-item__title").first.click()
    page.wait_for_url(f"**/{in_latest[0]['id']}.html")
    crumbs = page.locator(".ed-breadcrumb a").all_inner_texts()
    assert crumbs[0].endswith(page_date_label(latest)) and crumbs[1].startswith(f"第{in_latest[0]['page']}版")
    assert page.locator("h1").first.inner_text() == in_latest[0]["title"]
    shot(page, "03-article")

    # 4. 下一篇 follows the issue's reading order.
    if len(in_latest) > 1:
        page.locator("a.ed-neighbours__next").click()
        page.wait_for_url(f"**/{in_latest[1]['id']}.html")
        assert page.locator("a.ed-neighbours__prev").get_attribute("href").endswith(f"{in_latest[0]['id']}.html")
        shot(page, "04-next-article")

    # 5. Past issues: every issue in the calendar, linked.
    page.locator(".edition-bar a", has_text="往期回顾").click()
    page.wait_for_url("**/past-issues.html")
    issue_dates = sorted({m["edition"]["date"] for m in all_posts})
    links = page.locator(".ed-calendar__issue a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert sorted(re.search(r"(\d{4}-\d\d-\d\d)\.html$", h).group(1) for h in links) == issue_dates
    shot(page, "05-past-issues")
    page.locator(".ed-calendar__issue a").last.click()
    page.wait_for_url(f"**/issue/{issue_dates[0]}.html")
    assert page.locator(".ed-issue-nav__next").count() == 1


def page_date_label(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def load_index(root: Path) -> search_shards.LoadedIndex:
    return search_shards.load_index(root / "site" / search_shards.SHARDS_DIR)


def post_texts(root: Path) -> dict[str, str]:
    """Article id -> its Markdown body (every generated post)."""
    return {p["id"]: p["_text"].split("\n---\n", 1)[1] for p in posts(root)}


def sub_word_only_query(root: Path) -> tuple[str, set[str]]:
    """A two-character word jieba never cuts out of the sample text (it only occurs inside
    longer words, the way 邮政 sits in 国家邮政局), and the ids of the articles holding it."""
    texts = post_texts(root)
    words = [w for t in texts.values() for w in jieba.cut(t)]
    whole = set(words)
    for w in words:
        if len(w) >= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", w):
            for i in range(1, len(w) - 2):
                sub = w[i:i + 2]
                if not any(x.startswith(sub) for x in whole):
                    return sub, {a for a, t in texts.items() if sub in t}
    raise AssertionError("no sub-word-only word in the sample text")


def title_vs_body_query(index: search_shards.LoadedIndex, root: Path) -> tuple[str, str]:
    """A two-character word in exactly one article title that other articles have only in their body."""
    texts = post_texts(root)
    titles = {row[0]: row[1] for row in index.rows}
    for location, title in titles.items():
        for i in range(len(title) - 1):
            word = title[i:i + 2]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", word):
                continue
            in_titles = [loc for loc, t in titles.items() if word in t]
            in_bodies = [a for a, t in texts.items() if word in t and not location.endswith(f"/{a}.html")]
            if in_titles == [location] and in_bodies:
                return word, location
    raise AssertionError("no title word that other articles carry in their body")


def first_result_bytes(page, server: str, query: str) -> tuple[int, list[str]]:
    """Open the home page fresh, type `query`; bytes of every response (page, assets,
    worker, shards) until the first result shows, and the search files fetched."""
    seen: list[tuple[str, int]] = []

    def record(response):
        try:
            seen.append((response.url, len(response.body())))
        except Exception:       # noqa: BLE001 - redirects have no body
            pass

    page.on("response", record)
    page.goto(server + "index.html")
    search(page, query)
    page.remove_listener("response", record)
    return sum(n for _, n in seen), [u for u, _ in seen if "/search/" in u]


def test_chinese_search(page, server, built_site):
    all_posts = posts(built_site)
    index = load_index(built_site)

    target = next(m for m in all_posts if "墩苗计划" in m["_text"])
    fetched, search_files = first_result_bytes(page, server, "墩苗计划")
    assert fetched <= 2 * 1000 * 1000, fetched
    assert any("/search/shards/b/" in u for u in search_files) and any("/search/shards/d/" in u for u in search_files)
    assert sum(1 for u in search_files if "/shards/b/" in u) < index.meta["buckets"], "fetched every shard"
    results = search(page, "墩苗计划")
    assert results and results[0].endswith(f"/{target['id']}.html"), results
    shot(page, "06-search-dunmiao", full_page=False)

    assert len(search(page, "邮政")) >= 10
    assert "<mark>邮政</mark>" in page.locator(".md-search-result__item").first.inner_html()
    shot(page, "07-search-youzheng", full_page=False)

    word, ids = sub_word_only_query(built_site)
    results = search(page, word)
    found = {r.rsplit("/", 1)[-1].removesuffix(".html") for r in results}
    assert ids and ids <= found, (word, results, ids)

    word, title_page = title_vs_body_query(index, built_site)
    results = search(page, word)
    assert len(results) >= 2 and results[0].removeprefix(server) == title_page, (word, results)

    one_char = search(page, "邮")                          # one character: articles with it in the title
    expected = search_shards.search(index, "邮")
    assert one_char and one_char[0].removeprefix(server) == expected[0], (one_char, expected)
    assert str(len(expected)) in page.locator(".md-search-result__meta").inner_text()

    # Open the first result of the first query, as a reader would.
    search(page, "墩苗计划")
    page.locator(".md-search-result__item > a.md-search-result__link").first.click()
    page.wait_for_url(f"**/{target['id']}.html*")
    assert "墩苗计划" in page.locator("article").inner_text()
    shot(page, "08-search-result-opened")


def test_print_shows_the_article_without_navigation(page, server, built_site):
    meta = next(m for m in posts(built_site) if m.get("byline"))
    d = meta["date"]
    page.goto(server + f"zhongguoyouzhengkuaidibao/{d:%Y/%m/%d}/{meta['id']}.html")
    page.emulate_media(media="print")
    for selector in (".md-header", ".edition-bar", ".ed-breadcrumb", ".ed-neighbours", ".post-back", ".md-footer"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).display") == "none", selector
    assert page.locator(".post-source").is_visible()
    assert page.locator(".post-source").inner_text().startswith("原载《中国邮政快递报》")
    body = page.locator("article").inner_text()
    last_paragraph = [line for line in meta["_text"].split("\n") if line and not line.startswith(("{", "#"))][-1]
    assert last_paragraph.replace("\\", "")[:20] in body
    shot(page, "09-article-print")


def test_phone_layout_has_no_sideways_scrolling(browser, server, built_site):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    pg = context.new_page()
    meta = posts(built_site)[0]
    d = meta["date"]
    for name, url in (("10-phone-home", "index.html"), ("11-phone-issue", f"issue/{d:%Y-%m-%d}.html"),
                      ("12-phone-article", f"zhongguoyouzhengkuaidibao/{d:%Y/%m/%d}/{meta['id']}.html"),
                      ("13-phone-past-issues", "past-issues.html")):
        pg.goto(server + url)
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url}: {overflow}px wider than the phone"
        shot(pg, name)
    context.close()


def test_header_icons_come_from_the_stylesheet_and_still_show(browser, server, built_site):
    """Material's header, drawer, search and top icons are empty boxes in each page, drawn by a
    mask from archive.css (about 1.3 KB less in every page): each has its drawing, the
    phone's menu icon its 24px box in the header's text colour, the drawer's logo its box."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    pg = context.new_page()
    meta = posts(built_site)[0]
    d = meta["date"]
    pg.goto(server + f"zhongguoyouzhengkuaidibao/{d:%Y/%m/%d}/{meta['id']}.html")
    html = pg.content()
    assert "<path" not in html.split("<article")[0]  # no inline icon drawing before the article
    icons = pg.evaluate("""() => [...document.querySelectorAll('svg.ic')].map(e => {
        const r = e.getBoundingClientRect(), s = getComputedStyle(e);
        return {cls: e.getAttribute('class'), w: r.width, h: r.height,
                mask: s.maskImage || s.webkitMaskImage, bg: s.backgroundColor, color: s.color}; })""")
    names = {i["cls"] for i in icons}
    assert {"ic ic-menu", "ic ic-magnify", "ic ic-library", "ic ic-close", "ic ic-arrow-up"} <= names
    menu = next(i for i in icons if i["cls"] == "ic ic-menu")
    assert menu["w"] == menu["h"] == 24 and menu["mask"].startswith('url("data:image/svg+xml')
    assert menu["bg"] == menu["color"]  # drawn in the header's text colour
    pg.click("label.md-header__button[for='__drawer']")
    pg.wait_for_timeout(300)
    logo = pg.evaluate("""() => { const e = document.querySelector('.md-nav__title svg.ic');
        const r = e.getBoundingClientRect(); return [r.width, r.height]; }""")
    assert logo[0] > 0 and logo[1] > 0
    shot(pg, "14-phone-drawer-icons", full_page=False)
    context.close()
