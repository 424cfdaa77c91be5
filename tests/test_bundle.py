"""Offline bundle: built from the sample archive, unzipped, opened from file:// in Chromium.

The promise to branch offices: unzip anywhere, double-click index.html, everything
works (pages, links, styles, Chinese search) and nothing is fetched from the network.
"""
from __future__ import annotations

import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import frontmatter
import pytest

try:
    from conftest import REPO, run_cli
except ModuleNotFoundError:  # when tests/ is a package
    from tests.conftest import REPO, run_cli

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_SCHEMES = ("file", "data", "blob")
CJK_FONT = re.compile(r"CJK|Han |YaHei|PingFang|Hiragino|WenQuanYi|Hei|Song|Kai|Ming", re.I)


def posts_of(root: Path) -> list[dict]:
    """Front matter of every generated post, read independently of generator.bundle."""
    return [frontmatter.load(p).metadata for p in sorted((root / "docs" / "posts").rglob("*.md"))]


def issue_date(meta: dict) -> str:
    return str((meta.get("edition") or {}).get("date") or meta["date"])[:10]


def tree_snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def unzip(zip_path: Path, dest: Path) -> Path:
    """Unzip and return the bundle's single top folder."""
    with zipfile.ZipFile(zip_path) as zf:
        tops = {name.split("/", 1)[0] for name in zf.namelist()}
        assert len(tops) == 1, f"the zip must hold one top folder, got {sorted(tops)[:5]}"
        zf.extractall(dest)
    return dest / tops.pop()


@pytest.fixture(scope="module")
def bundle(built_site, tmp_path_factory):
    """The full sample archive as an offline bundle, unzipped: (root, zip, site folder)."""
    out = tmp_path_factory.mktemp("bundle") / "offline-bundle.zip"
    before = tree_snapshot(built_site / "docs")
    run_cli("generator", "bundle", "-o", out, cwd=built_site)
    assert tree_snapshot(built_site / "docs") == before, "bundle must not change docs/"
    return built_site, out, unzip(out, tmp_path_factory.mktemp("unzipped"))


# --- the zip itself ------------------------------------------------------------------

def test_manifest_lists_every_issue_and_article(bundle):
    root, _, site = bundle
    posts = posts_of(root)
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    dates = sorted({issue_date(m) for m in posts if m.get("edition")})
    others = [m for m in posts if not m.get("edition")]   # e.g. imported from the old site
    assert [i["date"] for i in manifest["issues"]] == dates
    assert sum(i["articles"] for i in manifest["issues"]) == len(posts) - len(others)
    assert manifest["article_count"] == len(posts) and manifest["other_articles"]["count"] == len(others)
    assert manifest["source_commit"] and manifest["built_at"].endswith("+08:00")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="offline-manifest"' in home
    assert f"收录 {len(dates)} 期（{dates[0]} 至 {dates[-1]}）、共 {len(posts)} 篇文章" in home
    assert all(d in home for d in dates)


def test_offline_search_shim_is_local(bundle):
    _, _, site = bundle
    shim = site / "assets/vendor/iframe-worker/shim.js"
    assert shim.read_bytes() == (REPO / "bundle/vendor/iframe-worker/shim.js").read_bytes()
    assert (site / "assets/vendor/iframe-worker/LICENSE").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<script src="assets/vendor/iframe-worker/shim.js">' in home
    assert (site / "search/search_index.js").read_text(encoding="utf-8").startswith("var __index = ")
    assert not (site / "search/search_index.json").exists(), "the .json twin only doubles the size offline"


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def test_every_local_link_and_resource_exists(bundle):
    """Every page, link, stylesheet, script and image resolves to a file in the bundle
    (file:// has no server to map `dir/` to `dir/index.html`)."""
    _, _, site = bundle
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 30
    broken, checked = [], 0
    for page in pages:
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith(("#", "//")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {ref}")
    assert checked > 100
    assert not broken, f"{len(broken)} broken local links, e.g. {broken[:5]}"


def test_filtered_bundle_holds_only_the_chosen_issues_and_section(built_site, tmp_path):
    posts = posts_of(built_site)
    dates = sorted({issue_date(m) for m in posts})
    since = dates[len(dates) // 2]
    section = sorted({m.get("section") for m in posts if issue_date(m) >= since and m.get("section")})[0]
    expected = [m for m in posts if issue_date(m) >= since and m.get("section") == section]
    out = tmp_path / "branch.zip"
    run_cli("generator", "bundle", "--since", since, "--section", section, "-o", out, cwd=built_site)
    site = unzip(out, tmp_path / "x")
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["filters"] == {"since": since, "until": None, "sections": [section]}
    assert manifest["article_count"] == len(expected)
    assert {i["date"] for i in manifest["issues"]} == {issue_date(m) for m in expected}
    article_pages = {p.stem for p in site.rglob("*.html") if re.fullmatch(r"\d{12}", p.stem)}
    assert article_pages == {str(m["id"]) for m in expected}
    assert (built_site / "docs/posts").is_dir() and len(posts_of(built_site)) == len(posts)


def test_bad_filter_fails_with_one_line_and_writes_nothing(built_site, tmp_path):
    out = tmp_path / "none.zip"
    proc = run_cli("generator", "bundle", "--since", "2099-01-01", "-o", out, cwd=built_site, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("error: docs/posts: no post matches --since 2099-01-01")
    assert not out.exists() and not list(tmp_path.iterdir())
    proc = run_cli("generator", "bundle", "--until", "2022-02-30", cwd=built_site, check=False)
    assert proc.returncode == 2 and "not a date" in proc.stderr


# --- in a real browser, from file:// -----------------------------------------------------

def _chromium():
    path = shutil.which("chromium")
    if not path:
        pytest.fail("Debian chromium is required for the browser tests (apt-get install chromium fonts-noto-cjk)")
    return path


def _fonts_used(page, selector: str) -> list[str]:
    """The system fonts Chromium actually drew the element's glyphs with (DevTools CSS domain)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [f["familyName"] for f in fonts if f["glyphCount"] > 0]


def _pick_pages(site: Path) -> dict[str, Path]:
    """Home, an issue page (category page when there are no issue pages), an article."""
    issue_pages = sorted(p for p in (site / "issue").rglob("*.html")) if (site / "issue").is_dir() else []
    listing = issue_pages[-1] if issue_pages else sorted((site / "category").glob("*.html"))[0]
    article = sorted(p for p in site.rglob("*.html") if re.fullmatch(r"\d{12}", p.stem))[0]
    return {"home": site / "index.html", "issue" if issue_pages else "category": listing, "article": article}


def test_bundle_works_from_file_urls_in_chromium(bundle):
    from playwright.sync_api import sync_playwright

    _, _, site = bundle
    ARTIFACTS.mkdir(exist_ok=True)
    requests, failed, errors = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.on("request", lambda r: requests.append(r.url))
        context.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            for name, path in _pick_pages(site).items():
                page.goto(path.as_uri(), wait_until="load")
                heading = page.locator("article h1, .md-content h1").first
                assert heading.inner_text().strip(), f"{name}: no heading"
                fonts = _fonts_used(page, "article h1, .md-content h1")
                assert fonts and all(CJK_FONT.search(f) for f in fonts), f"{name}: heading drawn with {fonts}"
                page.screenshot(path=str(ARTIFACTS / f"bundle-{name}.png"), full_page=name == "home")
                if name == "home":
                    assert "离线版" in page.locator("#offline-manifest").inner_text()
                    assert page.locator("#offline-manifest").is_visible()

            page.locator("input[data-md-component=search-query]").click()
            page.locator("input[data-md-component=search-query]").fill("邮政")
            page.keyboard.press("End")  # Material's search reacts to keyup
            page.wait_for_selector(".md-search-result__item", timeout=15000)
            results = page.locator(".md-search-result__item")
            assert results.count() > 0
            assert "邮政" in results.first.inner_text()
            page.screenshot(path=str(ARTIFACTS / "bundle-search.png"))
            results.first.locator("a").first.click()
            page.wait_for_load_state("load")
            assert page.url.startswith("file://") and page.locator("article h1, .md-content h1").count()
            page.screenshot(path=str(ARTIFACTS / "bundle-search-hit.png"))
        finally:
            browser.close()

    outside = sorted({u for u in requests if urlsplit(u).scheme not in LOCAL_SCHEMES})
    assert not outside, f"requests left file://: {outside}"
    assert any(u.endswith("search/search_index.js") for u in requests), "offline search index not loaded"
    assert not failed, f"failed requests: {failed[:5]}"
    assert not errors, f"page errors: {errors[:3]}"
