"""End to end: the real sample archive built by MkDocs, old-site URLs and post layout."""
from __future__ import annotations

import html
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import frontmatter
import yaml

from conftest import run_cli

CATEGORY = "zhongguoyouzhengkuaidibao"


def sample_posts(root: Path):
    return sorted((root / "docs" / "posts").glob("20??-??-??/*.md"))


def article_url(meta) -> str:
    d = meta["date"]
    return f"{CATEGORY}/{d:%Y/%m/%d}/{meta['slug']}.html"


def test_every_sample_article_is_at_its_old_site_url(built_site):
    posts = sample_posts(built_site)
    assert len(posts) >= 20, "four sample issues hold dozens of articles"
    issues = {p.parent.name for p in posts}
    assert issues == {"2022-09-07", "2022-11-11", "2022-12-19", "2022-12-26"}
    for path in posts:
        meta = frontmatter.load(path).metadata
        page = built_site / "site" / article_url(meta)
        assert page.is_file(), f"{path.name}: missing {page}"
        text = html.unescape(page.read_text(encoding="utf-8"))
        assert meta["title"] in text
        assert f"(GMT+8, Asia/Shanghai, CST) {meta['date']:%Y-%m-%d %H:%M:%S}" in text
        assert "返回中国邮政快递报新闻" in text and "返回首页" in text
        assert re.search(r"tags:\s*<a[^>]*>中国邮政快递报新闻</a>", text)


def test_post_page_layout_and_front_matter(built_site):
    path = next(p for p in sample_posts(built_site) if frontmatter.load(p).metadata.get("byline"))
    meta = frontmatter.load(path).metadata
    for key in ("title", "date", "categories", "section", "page", "edition", "tags", "source", "slug"):
        assert key in meta, key
    assert meta["categories"] == ["中国邮政快递报"]
    assert meta["tags"][0] == "中国邮政快递报新闻" and meta["section"] in meta["tags"]
    assert str(meta["date"].utcoffset()) == "8:00:00"
    page = (built_site / "site" / article_url(meta)).read_text(encoding="utf-8")
    body = html.unescape(page)
    # Old layout order: date line, h1 title, body, tags, back links.
    i_date = body.index("(GMT+8, Asia/Shanghai, CST)")
    i_title = body.index(f">{meta['title']}</h1>")
    i_tags = body.index("tags:")
    i_back = body.index("返回首页")
    assert i_date < i_title < i_tags < i_back
    assert meta["byline"] in body
    page_file = built_site / "site" / article_url(meta)
    tag_links = re.findall(r'<a class="post-tag" href="([^"]+)">', page)
    assert len(tag_links) == len(meta["tags"])
    for href in tag_links:
        assert (page_file.parent / href).resolve().is_file(), href
    back = re.search(r'<a href="([^"]+)">返回中国邮政快递报新闻</a>', page).group(1)
    assert back.endswith(f"category/{CATEGORY}.html")


def test_category_tags_feed_and_registry(built_site):
    site = built_site / "site"
    category = (site / "category" / f"{CATEGORY}.html").read_text(encoding="utf-8")
    posts = sample_posts(built_site)
    newest = max(posts, key=lambda p: p.parent.name)
    assert frontmatter.load(newest).metadata["slug"] in category
    assert (site / "tags.html").is_file()
    feed = ET.parse(site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert 0 < len(entries) <= 20
    first_link = entries[0].find("a:link", ns).get("href")
    assert f"/{CATEGORY}/2022/12/26/" in first_link
    registry = yaml.safe_load((built_site / "sources" / "slugs.yml").read_text(encoding="utf-8"))
    assert registry["category"]["中国邮政快递报"] == CATEGORY
    assert registry["tag"]["中国邮政快递报新闻"] == "zhongguoyouzhengkuaidibaoxinwen"
    assert registry["section"]["动态"] == "dongtai"


def test_generate_twice_is_byte_identical(built_site):
    before = {p: p.read_bytes() for p in sample_posts(built_site)}
    registry = (built_site / "sources" / "slugs.yml").read_bytes()
    proc = run_cli("generator", "build", cwd=built_site)
    assert "0 written" in proc.stdout and "0 removed" in proc.stdout
    assert {p: p.read_bytes() for p in sample_posts(built_site)} == before
    assert (built_site / "sources" / "slugs.yml").read_bytes() == registry


def test_committed_posts_match_the_sources(built_site):
    """docs/posts in git must be what the generator makes of sources/ (hand edits aside):
    the first generate run over the committed tree writes nothing."""
    first_run = (built_site / "generate.log").read_text(encoding="utf-8")
    assert " 0 written" in first_run and " 0 removed" in first_run, first_run
