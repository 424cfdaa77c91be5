"""The imported old posts in the REAL built site (MkDocs + Material blog + our hook):
old URLs, category pages, post layout, hostile HTML. One build per module, in a
temporary copy of the repository."""
from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import frontmatter
import pytest

try:   # tests/ may or may not be a package
    from conftest import REPO, copy_repo, run_cli
except ModuleNotFoundError:
    from tests.conftest import REPO, copy_repo, run_cli

FIXTURES = REPO / "tests" / "fixtures" / "legacy"
SEED = FIXTURES / "_posts" / "2022-03-04-202203042297083692.md"
SEED_PAGE = "zhongguoyouzhengkuaidibao/2022/03/04/202203042297083692.html"
HOSTILE_PAGE = "zhongguoyouzhengkuaidibao/2022/06/01/202206010000000001.html"
SPACED_PAGE = "21shijijingjibaodao/21caijingapp/2022/05/06/202205063001000001.html"
OWN_DATE = dt.date(2021, 1, 4)


def write_own_post(root: Path) -> str:
    """One post of our own pipeline (generator/posts.py) in category 中国邮政快递报, so the
    build shows whether imported and own posts share one category page."""
    from generator.model import Article, Block, Page, SourceRecord
    from generator.posts import render_issue
    from generator.slugs import SlugRegistry
    from generator.sources import Issue
    from generator.writer import write_posts

    registry = SlugRegistry.load(root / "sources" / "slugs.yml")
    issue = Issue(date=OWN_DATE, files=[root / "x.txt"])
    article = Article(title="本报自己的一篇报道", blocks=[Block("paragraph", "本报自己的正文。")])
    outputs = render_issue(issue, [SourceRecord("x.txt", [Page(1, "要闻", [article])])], root / "docs", registry)
    write_posts(outputs)
    registry.save()
    return frontmatter.load(outputs[0][0]).metadata["slug"]


@pytest.fixture(scope="module")
def legacy_site(tmp_path_factory) -> Path:
    root = copy_repo(tmp_path_factory.mktemp("legacy-site"))
    own = write_own_post(root)
    (root / "import.log").write_text(run_cli("generator", "import-jekyll", FIXTURES, cwd=root).stdout,
                                     encoding="utf-8")
    run_cli("mkdocs", "build", "--strict", cwd=root)
    (root / "own-slug.txt").write_text(own, encoding="utf-8")
    return root


def page_text(site: Path, rel: str) -> str:
    return (site / "site" / rel).read_text(encoding="utf-8")


def article_html(page: str) -> str:
    return re.search(r'<article class="[^"]*archive-post[^"]*">(.*?)</article>', page, re.S).group(1)


def category_listing(site: Path, slug: str) -> str:
    """A category's listing pages (the blog paginates them) in order, as one text."""
    first = site / "site" / "category" / f"{slug}.html"
    more = sorted((site / "site" / "category" / slug / "page").glob("*.html"), key=lambda p: int(p.stem))
    return "\n".join(p.read_text(encoding="utf-8") for p in [first, *more])


def visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_seed_post_at_its_old_url_with_everything(legacy_site):
    page = page_text(legacy_site, SEED_PAGE)
    body = article_html(page)
    text = visible(body)
    assert re.search(r"<h1[^>]*>主动作为 守正创新 坚定不移走高质量发展之路</h1>", body)
    assert "(GMT+8, Asia/Shanghai, CST) 2022-03-04 13:23:21" in text
    assert re.search(r'tags:\s*<a class="post-tag" href="[^"]*tag/zhongguoyouzhengkuaidibaoxinwen\.html">'
                     r"中国邮政快递报新闻</a>", body)
    seed = SEED.read_text(encoding="utf-8")
    headings = re.findall(r"<p><strong>(.*?)</strong></p>", seed)
    assert len(headings) == 4
    for h in headings:
        assert re.search(rf"<h2[^>]*>{re.escape(h)}</h2>", body), h
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.findall(r"<p>(?!<strong>)(.*?)</p>", seed, re.S)]
    assert len(paragraphs) == seed.count("<p>") - len(headings)
    flat = re.sub(r"\s+", " ", text)
    for p in paragraphs:
        assert p in flat, p
    assert '<p class="source-note">（文章来源：中国邮政快递报）</p>' in body
    assert re.search(r'<a class="source-link" href="http://finews\.zning\.xyz/html_News/NewsShare\.html\?'
                     r'infoCode=NW202203042297083692">原文链接</a>', body)
    assert "finews.withounder.com" not in page
    back = re.search(r'<a href="([^"]+)">返回中国邮政快递报新闻</a>', body).group(1)
    assert back.endswith("category/zhongguoyouzhengkuaidibao.html")
    assert re.search(r'<link rel="canonical" href="[^"]*/' + re.escape(SEED_PAGE) + '"', page)


def test_every_imported_post_is_at_its_recorded_old_url(legacy_site):
    posts = sorted((legacy_site / "docs" / "posts" / "legacy").glob("*/*.md"))
    assert len(posts) == 3
    for path in posts:
        url = frontmatter.load(path).metadata["legacy"]["url"]
        assert (legacy_site / "site" / url.lstrip("/")).is_file(), url


def test_category_page_lists_imported_and_own_posts_newest_first(legacy_site):
    assert re.search(r"<h1[^>]*>中国邮政快递报</h1>", page_text(legacy_site, "category/zhongguoyouzhengkuaidibao.html"))
    page = category_listing(legacy_site, "zhongguoyouzhengkuaidibao")
    own = (legacy_site / "own-slug.txt").read_text(encoding="utf-8")
    order = [page.index(f"{path}") for path in (
        "zhongguoyouzhengkuaidibao/2022/06/01/202206010000000001.html",
        "zhongguoyouzhengkuaidibao/2022/03/04/202203042297083692.html",
        f"zhongguoyouzhengkuaidibao/{OWN_DATE:%Y/%m/%d}/{own}.html")]
    assert order == sorted(order)
    # one category, one page: no second 中国邮政快递报 page under another slug
    pages = sorted(p.name for p in (legacy_site / "site" / "category").glob("*.html"))
    assert pages == ["21shijijingjibaodao 21caijingAPP.html", "zhongguoyouzhengkuaidibao.html"]


def test_spaces_and_uppercase_follow_jekyll(legacy_site):
    """Post URL: lowercased, one folder per word. Category page: the string as it was."""
    site = legacy_site / "site"
    assert (site / SPACED_PAGE).is_file()
    assert not (site / "21shijijingjibaodao 21caijingAPP").exists()      # moved, not copied
    category = page_text(legacy_site, "category/21shijijingjibaodao 21caijingAPP.html")
    assert re.search(r"<h1[^>]*>21世纪经济报道</h1>", category)
    assert f'href="../{SPACED_PAGE}"' in category
    post = page_text(legacy_site, SPACED_PAGE)
    assert "(GMT+8, Asia/Shanghai, CST) 2022-05-06 07:30:00" in post
    back = re.search(r'<a href="([^"]+)">返回21世纪经济报道新闻</a>', post).group(1)
    assert back == "../../../../../category/21shijijingjibaodao%2021caijingAPP.html"
    assert re.search(r'<link rel="canonical" href="[^"]*/' + re.escape(SPACED_PAGE) + '"', post)



def test_feed_links_follow_the_moved_posts(legacy_site):
    """The feed is written from the blog's post objects: their URLs must be the moved ones."""
    site = legacy_site / "site"
    feed = ET.parse(site / "feed.xml").getroot()
    ns = "{http://www.w3.org/2005/Atom}"
    links = [e.find(f"{ns}link").get("href") for e in feed.iter(f"{ns}entry")]
    assert links
    base = feed.find(f"{ns}link[@rel='alternate']").get("href")
    for link in links:
        assert link.startswith(base) and (site / link[len(base):]).is_file(), link


def test_hostile_post_renders_harmless(legacy_site):
    body = article_html(page_text(legacy_site, HOSTILE_PAGE))
    assert not re.search(r"<(script|style|iframe|svg|object|embed)\b", body, re.I)
    assert not re.search(r"<[^>]*\son\w+\s*=", body, re.I)
    assert not re.search(r"""=\s*["']?\s*javascript:""", body, re.I)     # as text it is harmless
    text = visible(body)
    for kept in ("脚本前文脚本后文", "框架前文框架后文", "事件属性段落", "伪协议链接文字", "中国邮政网站", "矢量图后文",
                 "实体文字 <script>alert('entity')</script> 保持为文字", '属性列表文字 {: onclick="alert(\'attr\')" }',
                 "1. 不是列表 # 不是标题 *不是强调* [不是链接](javascript:alert('md'))",
                 "行内样式文字字体标签文字", "结尾段落。"):
        assert kept in text, kept
    assert re.search(r"<h1[^>]*>邮政网点改造</h1>", body)
    assert re.search(r"<h2[^>]*>安全的小标题</h2>", body)
