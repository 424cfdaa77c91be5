"""The build caches can never serve a stale page. A built sample archive is rebuilt with
warm caches after (a) an edit to one article's source and (b) an editor's push of a new
issue; each time the whole site must equal, byte for byte, a cold build of the same
sources made without any render cache, and (a) every page that showed the article must
show the edit. The warm rebuilds must really have answered pages from the caches (else
this proves nothing), and they run the page-building child process (ARCHIVE_FORK_MIN_PAGES)
so what the child caches reaches the next build too."""
from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest

from conftest import copy_repo, run_cli

# One sample article (2022-12-19, page 2, “墩苗计划”, 山西): 墩 occurs in its text only, and
# its headline is taken from its first sentence ("选派120名…"), so editing "120 名" changes
# the title that its issue, its neighbours, listings, home, section and tag pages show.
EDITS = (("墩", "壮"), ("派 120 名", "派 130 名"))
OLD_SHOWN, NEW_SHOWN = ("墩", "选派120名"), ("壮", "选派130名")
WARM_ENV = {"ARCHIVE_FORK_MIN_PAGES": "1"}
COLD_ENV = {"ARCHIVE_RENDER_CACHE": "0", "ARCHIVE_WORKERS": "1"}
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".js"}
LISTING_PER_PAGE = 3       # small listing pages, so the sample archive has archive pages (numbered from the oldest)
ARCHIVE_PAGE = re.compile(r"(section|tag)/(.+)/page/(\d+)\.html")


def small_listing_pages(root: Path) -> Path:
    """The copy's sections and tags paginated LISTING_PER_PAGE a page."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nextra:\n" in text and "listing_per_page" not in text
    config.write_text(text.replace("\nextra:\n", f"\nextra:\n  listing_per_page: {LISTING_PER_PAGE}\n", 1),
                      encoding="utf-8")
    return root


def build(root: Path, env: dict) -> str:
    run_cli("generator", "build", cwd=root, env=env)
    proc = run_cli("mkdocs", "build", "--strict", cwd=root, env=env)
    return proc.stdout + proc.stderr


def cache_use(log: str) -> dict[str, tuple[int, int]]:
    """`{cache: (hits, lookups)}` from the perf hook's log line."""
    line = re.search(r"from the caches: (.*)", log)
    assert line, log[-2000:]
    use = {name: (int(hits), int(total)) for name, hits, total in re.findall(r"(\w+) (\d+) of (\d+)", line.group(1))}
    search = re.search(r"search tokens from the cache: (\d+) of (\d+)", log)
    assert search, log[-2000:]
    use["search"] = (int(search.group(1)), int(search.group(2)))
    return use


def edit_one_article(root: Path) -> Path:
    [source] = [p for p in (root / "sources").glob("*/*.txt") if EDITS[0][0] in p.read_text(encoding="utf-8")]
    text = source.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) >= 1 and (old != EDITS[1][0] or text.count(old) == 1), old
        text = text.replace(old, new)
    source.write_text(text, encoding="utf-8")
    return source


def push_new_issue(root: Path) -> str:
    """A new latest issue: the newest sample issue's pages again, printed four days later."""
    sources = root / "sources"
    newest = max(p for p in sources.iterdir() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name))
    day = f"{newest.name[:-2]}{int(newest.name[-2:]) + 4:02d}"
    shutil.copytree(newest, sources / day)
    manifest = sources / day / "issue.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(newest.name, day), encoding="utf-8")
    return day


def site_files(site: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(site.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            out[str(p.relative_to(site))] = gzip.decompress(data) if p.suffix == ".gz" else data
    return out


def assert_same_site(after: dict[str, bytes], fresh: dict[str, bytes]) -> None:
    assert sorted(after) == sorted(fresh)
    stale = [name for name in after if after[name] != fresh[name]]
    assert stale == [], f"warm rebuild differs from a cold build in {stale[:10]}"


@pytest.fixture(scope="module")
def warm_archive(tmp_path_factory) -> Path:
    """The sample archive built once, leaving its caches (copied by each test)."""
    root = small_listing_pages(copy_repo(tmp_path_factory.mktemp("warm")))
    build(root, WARM_ENV)
    for name in ("records", "frontmatter", "markdown", "excerpts", "pages", "search"):
        assert (root / ".cache" / "perf" / f"{name}.pickle").is_file(), name
    return root


def warm_copy(warm_archive: Path, dest: Path) -> Path:
    shutil.copytree(warm_archive, dest, symlinks=True)
    return dest


def cold_copy(dest: Path) -> Path:
    root = small_listing_pages(copy_repo(dest))
    shutil.rmtree(root / ".cache", ignore_errors=True)
    return root


def test_warm_rebuild_after_editing_one_article_equals_a_cold_build(warm_archive, tmp_path):
    warm = warm_copy(warm_archive, tmp_path / "warm")
    before = site_files(warm / "site")
    showing = sorted(name for name, data in before.items()
                     if Path(name).suffix in TEXT_SUFFIXES and any(o.encode() in data for o in OLD_SHOWN))
    article = [n for n in showing if n.endswith("/202212190204.html")]
    assert article, showing
    for kind in ("issue/2022-12-19.html", "index.html", "section/", "tag/", "category/", "feed.xml"):
        assert any(n.startswith(kind) for n in showing), (kind, showing)
    neighbours = [n for n in showing if n.startswith("zhongguoyouzhengkuaidibao/") and n not in article]
    assert neighbours, showing                 # other articles of that page list its headline

    edit_one_article(warm)
    use = cache_use(build(warm, WARM_ENV))
    assert use["markdown"][0] > 0 and use["pages"][0] > 0, use
    assert 0 < use["search"][0] < use["search"][1], use      # the edited article was tokenised again
    # No page draws the blog's excerpts any more (category pages are our listings, the home
    # page the edition's), and hooks/edition.py keeps the blog from rendering them anyway:
    # if a Material update renders them again, this says so.
    assert use.get("excerpts", (0, 0))[1] == 0, use
    after = site_files(warm / "site")

    cold = cold_copy(tmp_path / "cold")
    edit_one_article(cold)
    build(cold, COLD_ENV)
    assert_same_site(after, site_files(cold / "site"))
    # A new headline can give the article a new id (the slug registry keys on it): its old
    # page is then gone in both builds and the new one shows the edit.
    moved = [n for n in showing if n not in after]
    assert set(moved) <= set(article), moved
    now = [n for n, data in after.items() if n.startswith("zhongguoyouzhengkuaidibao/2022/12/19/")
           and NEW_SHOWN[0].encode() in data and f"<h1".encode() in data]
    assert now, "the edited article's page is missing"
    for name in [n for n in showing if n in after] + now:   # every page that showed the article shows the edit
        data = after[name]
        assert not any(o.encode() in data for o in OLD_SHOWN), name
        assert any(n.encode() in data for n in NEW_SHOWN), name


def test_warm_rebuild_after_a_new_issue_equals_a_cold_build(warm_archive, tmp_path):
    warm = warm_copy(warm_archive, tmp_path / "warm")
    before = site_files(warm / "site")
    day = push_new_issue(warm)
    use = cache_use(build(warm, WARM_ENV))
    assert use["pages"][0] > 0, use            # the older articles' pages were reused
    assert use["search"][0] > 0, use           # and their search tokens (the pushed copies' too: same text)
    after = site_files(warm / "site")
    assert f"issue/{day}.html" in after
    assert f'url=issue/{day}.html"'.encode() in after["latest-issue.html"]     # 最新一期 forwards to it

    cold = cold_copy(tmp_path / "cold")
    push_new_issue(cold)
    build(cold, COLD_ENV)
    assert_same_site(after, site_files(cold / "site"))
    assert_archive_pages_kept(before, after)


def assert_archive_pages_kept(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """Listing pages are numbered from the oldest: every archive page of a section or tag
    is byte for byte what it was before the push, except that the newest one's 更新 now
    leads to the archive page the push added after it (instead of the landing page)."""
    kept = changed = 0
    for name, data in before.items():
        match = ARCHIVE_PAGE.fullmatch(name)
        if not match:
            continue
        assert name in after, name
        if after[name] == data:
            kept += 1
            continue
        kind, slug, number = match.groups()
        assert f"{kind}/{slug}/page/{int(number) + 1}.html" not in before, name
        assert f"{kind}/{slug}/page/{int(number) + 1}.html" in after, name
        old_href, new_href = f'href="../../{slug}.html" rel="prev"', f'href="{int(number) + 1}.html" rel="prev"'
        assert data.decode().replace(old_href, new_href) == after[name].decode(), name
        changed += 1
    assert kept >= 5 and kept > changed, (kept, changed)
