"""import-jekyll: old posts -> our Markdown posts. Bad input, hostile HTML, idempotence,
hand edits, category names and the old site's URL rules (no site build here: see
test_jekyll_site.py)."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import frontmatter
import pytest
import yaml

try:   # tests/ may or may not be a package
    from conftest import REPO, run_cli
except ModuleNotFoundError:
    from tests.conftest import REPO, run_cli
from generator.jekyll import import_jekyll, name_from_tag
from generator.legacy.body import convert_body, escape_markdown, plain_text
from generator.legacy.urls import category_url, post_dir, post_url
from generator.site import old_site_post_dest

FIXTURES = REPO / "tests" / "fixtures" / "legacy"
SEED_NAME = "2022-03-04-202203042297083692.md"
SEED_ID = "202203042297083692"


def old_post(title="标题", date="2022-03-04 13:23:21 +0800", categories="zhongguoyouzhengkuaidibao",
             tags="中国邮政快递报新闻", body="<p>正文第一段。</p>\n <p>正文第二段。</p>") -> str:
    return (f"---\nlayout: post\ntitle: \"{title}\"\ndate: {date}\ncategories: {categories}\n"
            f"tags: {tags}\n---\n{body}\n")


def write_old(site: Path, name: str, content) -> Path:
    path = site / "_posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def imported(docs: Path) -> dict[str, Path]:
    return {p.stem: p for p in (docs / "posts" / "legacy").glob("*/*.md")}


def run_import(root: Path, old: Path, *extra, check=False):
    return run_cli("generator", "import-jekyll", old, "--docs", root / "docs", "--sources", root / "sources",
                   *extra, cwd=REPO, check=check)


# ---------------------------------------------------------------- the seed post

def test_seed_post_front_matter_and_body(tmp_path):
    proc = run_import(tmp_path, REPO / "sources" / "legacy", check=True)
    assert "1 old posts: 1 written" in proc.stdout
    path = tmp_path / "docs" / "posts" / "legacy" / "2022-03-04" / f"{SEED_ID}.md"
    post = frontmatter.load(path)
    meta = post.metadata
    assert meta["title"] == "主动作为 守正创新 坚定不移走高质量发展之路"
    assert meta["date"] == dt.datetime(2022, 3, 4, 13, 23, 21, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert meta["slug"] == meta["id"] == SEED_ID and isinstance(meta["slug"], str)
    assert "slug: '202203042297083692'" in path.read_text(encoding="utf-8")
    assert meta["categories"] == ["中国邮政快递报"]
    assert meta["tags"] == ["中国邮政快递报新闻"]
    assert meta["kind"] == "legacy"
    assert meta["source_url"] == "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202203042297083692"
    assert meta["legacy"]["category"] == "zhongguoyouzhengkuaidibao"
    assert meta["legacy"]["url"] == f"/zhongguoyouzhengkuaidibao/2022/03/04/{SEED_ID}.html"
    body = post.content
    assert body.startswith("# 主动作为 守正创新 坚定不移走高质量发展之路\n")
    assert [h for h in re.findall(r"^## (.+)$", body, re.M)] == [
        "2021年工作亮点", "深刻领会和准确把握新时代新要求，凝心聚力、稳中求进，在推进邮政业务高质量发展中勇做开路先锋",
        "2022年总体思路", "2022年重点工作"]
    assert "（文章来源：中国邮政快递报）\n{: .source-note }" in body
    assert body.rstrip().endswith(f"[原文链接]({meta['source_url']}){{: .source-link }}")
    assert "返回首页" not in body and "finews.withounder.com" not in body and "<p" not in body
    # every paragraph of the old post, in order
    seed = (REPO / "sources" / "legacy" / "_posts" / SEED_NAME).read_text(encoding="utf-8")
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.findall(r"<p>(?!<strong>)(.*?)</p>", seed, re.S)]
    assert len(paragraphs) == seed.count("<p>") - 4 > 70     # all but the 4 subheadings
    positions = [body.index(p) for p in paragraphs]
    assert positions == sorted(positions)
    registry = yaml.safe_load((tmp_path / "sources" / "slugs.yml").read_text(encoding="utf-8"))
    assert registry["category"]["中国邮政快递报"] == "zhongguoyouzhengkuaidibao"


def test_committed_import_matches_the_old_posts(tmp_path):
    """docs/posts/legacy in git is what the importer makes of sources/legacy."""
    shutil.copytree(REPO / "docs" / "posts" / "legacy", tmp_path / "docs" / "posts" / "legacy")
    shutil.copytree(REPO / "sources", tmp_path / "sources", ignore=shutil.ignore_patterns("legacy"))
    proc = run_import(tmp_path, REPO / "sources" / "legacy", check=True)
    assert " 0 written" in proc.stdout and "1 unchanged" in proc.stdout, proc.stdout


# ---------------------------------------------------------------- idempotence, hand edits

def test_reimport_is_byte_identical_and_keeps_hand_edits(tmp_path):
    old = tmp_path / "old"
    shutil.copytree(FIXTURES, old)
    run_import(tmp_path, old, check=True)
    files = imported(tmp_path / "docs")
    assert len(files) == 3
    before = {p: p.read_bytes() for p in files.values()}
    registry = (tmp_path / "sources" / "slugs.yml").read_bytes()

    proc = run_import(tmp_path, old, check=True)
    assert "0 written, 3 unchanged" in proc.stdout
    assert {p: p.read_bytes() for p in files.values()} == before
    assert (tmp_path / "sources" / "slugs.yml").read_bytes() == registry

    edited = files[SEED_ID]
    edited.write_text(edited.read_text(encoding="utf-8").replace("2021年工作亮点", "2021年工作亮点（编辑改）"),
                      encoding="utf-8")
    hand = edited.read_bytes()
    proc = run_import(tmp_path, old, check=True)
    assert "1 kept (edited by hand)" in proc.stdout and str(edited) in proc.stderr
    assert edited.read_bytes() == hand
    run_import(tmp_path, old, "--force", check=True)
    assert edited.read_bytes() == before[edited]
    assert not list((tmp_path / "docs").rglob("*.tmp"))


# ---------------------------------------------------------------- bad input

BAD = {
    "2022-01-01-1001.md": (old_post().replace('title: "标题"', "title: [未闭合"), ":3: malformed front matter"),
    "2022-01-02-1002.md": ("---\ntitle: 无结尾\n<p>正文</p>\n", ":1: front matter not closed"),
    "2022-01-03-1003.md": (old_post().replace("date: 2022-03-04 13:23:21 +0800\n", ""), ":2: date: missing"),
    "2022-01-04-1004.md": (old_post(date="2022-02-30 10:00:00 +0800"), ":4: date: impossible date"),
    "2022-01-05-1005.md": (old_post(date="2022-01-05 10:00:00"), ":4: date: '2022-01-05 10:00:00' has no UTC offset"),
    "2022-01-06-1006.md": (old_post(title="重复"), ":1: duplicate id 1006 (also in _posts/2022-01-06-1006.markdown)"),
    "2022-01-07-1007.md": (old_post(title="国标").encode("gbk"), ":3: not UTF-8"),
    "2022-01-08-1008.md": (old_post(body="\n  \n"), ":8: empty body"),
    "2022-01-09-1009.md": (old_post(body="<script>alert(1)</script>\n\n[返回首页](//finews.withounder.com/)"),
                           ":8: empty body: no text left"),
    "-202205262391921712.md": (old_post(), ":1: file name has no date"),
    "2022-01-10-1010.md": ("no front matter at all\n", ":1: no front matter"),
    "2022-01-11-1011.md": (old_post(date="yesterday"), ":4: date: cannot read 'yesterday'"),
    "2022-01-12-1012.md": (old_post(categories="'../etc'"), ":5: categories: '../etc' may only hold"),
    "2022-01-13-1013.md": (old_post(title=""), ":3: title: missing or empty"),
}


def bad_site(tmp_path) -> Path:
    old = tmp_path / "old"
    write_old(old, "2022-01-06-1006.markdown", old_post(title="先到的"))
    write_old(old, "2022-02-01-2001.md", old_post(title="好文章"))
    for name, (content, _) in BAD.items():
        write_old(old, name, content)
    return old


def test_every_bad_file_is_reported_and_the_others_imported(tmp_path):
    old = bad_site(tmp_path)
    proc = run_import(tmp_path, old)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(BAD), proc.stderr
    for name, (_, expected) in BAD.items():
        line = next((e for e in errors if f"_posts/{name}:" in e), None)
        assert line is not None, f"no error for {name}:\n{proc.stderr}"
        assert f"_posts/{name}{expected}" in line, line
        assert "\n" not in line and "Traceback" not in proc.stderr
    assert f"{len(BAD)} failed" in proc.stdout and f"{len(BAD)} file(s) failed" in proc.stderr
    assert sorted(imported(tmp_path / "docs")) == ["1006", "2001"]   # nothing of the bad ones
    assert frontmatter.load(imported(tmp_path / "docs")["1006"]).metadata["title"] == "先到的"
    assert not list((tmp_path / "docs").rglob("*.tmp"))


def test_strict_stops_at_the_first_bad_file(tmp_path):
    old = bad_site(tmp_path)
    proc = run_import(tmp_path, old, "--strict")
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "-202205262391921712.md:1:" in errors[0]   # first in name order
    assert "--strict" in proc.stderr
    assert imported(tmp_path / "docs") == {}


def test_missing_posts_folder_is_a_clear_error(tmp_path):
    proc = run_import(tmp_path, tmp_path / "nothing-here")
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {tmp_path / 'nothing-here' / '_posts'}: no _posts folder: " \
                                  "expected DIR/_posts/YYYY-MM-DD-<id>.md"


def test_id_reimported_under_another_date_is_refused(tmp_path):
    old = tmp_path / "old"
    write_old(old, "2022-03-04-3001.md", old_post())
    import_jekyll(old, tmp_path / "docs", tmp_path / "sources")
    (old / "_posts" / "2022-03-04-3001.md").write_text(old_post(date="2022-03-05 08:00:00 +0800"), encoding="utf-8")
    result = import_jekyll(old, tmp_path / "docs", tmp_path / "sources")
    assert len(result.errors) == 1 and "id 3001 was imported before as" in result.errors[0]
    assert [p.parent.name for p in imported(tmp_path / "docs").values()] == ["2022-03-04"]


# ---------------------------------------------------------------- hostile HTML

HOSTILE = """<p>前文<script>alert(1)</script>后文</p>
<style>p{display:none}</style><p>框前<iframe src="https://evil.example/">框内</iframe>框后</p>
<p onclick="alert(2)" style="color:red">事件段落</p>
<p><a href="javascript:alert(3)">伪协议</a>和<a href="https://ok.example/a b(c)" onmouseover="x()">好链接</a>
和<a href="/relative">相对链接</a></p>
<p><img src="https://img.example/p.png" onerror="alert(4)" alt="图">图后<img src="javascript:alert(5)"></p>
<p>&lt;script&gt;alert(6)&lt;/script&gt; &amp;lt;b&amp;gt; {: onclick="alert(7)" } *星* _下_ [方](括) `码`</p>
<p>1. 非列表</p><p>- 非列表</p><p># 非标题</p><p>&gt; 非引用</p><p>===</p><p>---</p><p>行<br>---</p>
<p><svg onload="alert(8)"><text>矢量</text></svg>矢后</p><!-- <script>alert(9)</script> -->
<p><math><mi>x</mi></math>公式后</p><p><object data="x.swf">对象</object>对象后</p>"""


def test_hostile_html_is_neutralised_and_the_text_kept():
    md = convert_body(HOSTILE).markdown
    for text in ("前文", "后文", "框前", "框后", "事件段落", "伪协议", "好链接", "相对链接", "图后", "矢后",
                 "公式后", "对象后"):
        assert text in md, text
    for bad in ("alert(1)", "alert(2)", "alert(3)", "alert(4)", "alert(5)", "alert(8)", "alert(9)", "框内",
                "<script", "<style", "<iframe", "<svg", "onclick=\"alert(2)", "onmouseover", "onerror",
                "javascript:", "display:none", "/relative", "矢量"):
        assert bad not in md, bad
    assert "[好链接](https://ok.example/a%20b%28c%29)" in md
    assert "![图](https://img.example/p.png)" in md
    assert "&lt;script>alert(6)&lt;/script> &amp;lt;b&amp;gt;" in md     # entity text stays text
    assert r"\{: onclick=\"alert(7)\" \}" in md.replace('"', '\\"') or r"\{: onclick=" in md
    assert r"\*星\* \_下\_ \[方\](括) \`码\`" in md
    for line in ("1\\. 非列表", "\\- 非列表", "\\# 非标题", "\\> 非引用", "&#61;==", "\\---"):
        assert line in md.split("\n"), line


def test_hostile_html_renders_as_plain_text_through_markdown():
    """What Python-Markdown (with the site's extensions) makes of the converted body."""
    import markdown

    html = markdown.markdown(convert_body(HOSTILE).markdown, extensions=["attr_list", "md_in_html", "toc"])
    assert not re.search(r"<(script|style|iframe|svg|math|object)\b", html)
    assert not re.search(r"<[^>]*\son\w+\s*=", html) and "javascript:" not in html
    assert "&lt;script&gt;alert(6)&lt;/script&gt;" in html and "{: onclick=" in html
    assert not re.search(r"<(ol|ul|blockquote|h[1-6]|hr)\b", html)


def test_titles_and_tags_are_plain_text():
    assert plain_text("<script>alert(1)</script>邮政<b>网点</b> &lt;改造&gt;") == "邮政网点 ＜改造＞"
    assert escape_markdown("# 标题 *强调* <b>") == r"\# 标题 \*强调\* &lt;b>"


# ---------------------------------------------------------------- categories and URLs

def test_old_site_url_rules():
    day = dt.datetime(2022, 3, 4, 13, 23, 21)
    assert post_url("21shijijingjibaodao 21caijingAPP", day, "1") == "/21shijijingjibaodao/21caijingapp/2022/03/04/1.html"
    assert category_url("21shijijingjibaodao 21caijingAPP") == "/category/21shijijingjibaodao 21caijingAPP.html"
    assert post_dir(["zhongguoyouzhengkuaidibao"]) == "zhongguoyouzhengkuaidibao"
    assert old_site_post_dest("21shijijingjibaodao 21caijingAPP/2022/03/04/1.html",
                              ["21shijijingjibaodao 21caijingAPP"]) == "21shijijingjibaodao/21caijingapp/2022/03/04/1.html"
    with pytest.raises(ValueError, match="post_url_format"):
        old_site_post_dest("2022/03/04/1.html", ["zhongguoyouzhengkuaidibao"])


def test_dates_are_read_in_beijing_time(tmp_path):
    """The URL's day is the Beijing day, whatever offset the old file used."""
    old = tmp_path / "old"
    write_old(old, "2022-05-06-4001.md", old_post(date="2022-05-06 20:30:00 +0000"))
    write_old(old, "2022-05-06-4002.md", old_post(date="2022-05-06T07:30:00+08:00"))
    import_jekyll(old, tmp_path / "docs", tmp_path / "sources")
    metas = {k: frontmatter.load(p).metadata for k, p in imported(tmp_path / "docs").items()}
    assert metas["4001"]["legacy"]["url"] == "/zhongguoyouzhengkuaidibao/2022/05/07/4001.html"
    assert str(metas["4001"]["date"]) == "2022-05-07 04:30:00+08:00"
    assert metas["4002"]["legacy"]["url"] == "/zhongguoyouzhengkuaidibao/2022/05/06/4002.html"


def test_category_names_from_tag_mapping_and_registry(tmp_path):
    assert name_from_tag(["中国邮政快递报新闻"]) == "中国邮政快递报"
    assert name_from_tag(["新闻"]) == "新闻" and name_from_tag([]) is None
    old = tmp_path / "old"
    sources = tmp_path / "sources"
    sources.mkdir()
    # our own generated posts registered the newspaper's category before
    (sources / "slugs.yml").write_text("category:\n  中国邮政快递报: zhongguoyouzhengkuaidibao\n", encoding="utf-8")
    (sources / "legacy-categories.yml").write_text("21shijijingjibaodao 21caijingAPP: 21世纪经济报道·21财经\n",
                                                  encoding="utf-8")
    write_old(old, "2022-01-01-5001.md", old_post(tags="别的标签"))
    write_old(old, "2022-01-02-5002.md", old_post(categories="21shijijingjibaodao 21caijingAPP", tags="21财经新闻"))
    write_old(old, "2022-01-03-5003.md", old_post(categories="kuaidi", tags="快递新闻"))
    write_old(old, "2022-01-04-5004.md", old_post(categories="kuaidi2", tags="快递新闻"))   # same name: refused
    result = import_jekyll(old, tmp_path / "docs", sources)
    metas = {k: frontmatter.load(p).metadata for k, p in imported(tmp_path / "docs").items()}
    assert metas["5001"]["categories"] == ["中国邮政快递报"]           # the registry wins over the tag
    assert metas["5002"]["categories"] == ["21世纪经济报道·21财经"]      # the mapping file wins
    assert metas["5003"]["categories"] == ["快递"]                     # derived from the tag
    assert "5004" not in metas and len(result.errors) == 1
    assert "'kuaidi2' would be shown as '快递', but that name already is category 'kuaidi'" in result.errors[0]
    assert "legacy-categories.yml" in result.errors[0]
    registry = yaml.safe_load((sources / "slugs.yml").read_text(encoding="utf-8"))
    assert registry["category"] == {"中国邮政快递报": "zhongguoyouzhengkuaidibao", "快递": "kuaidi",
                                    "21世纪经济报道·21财经": "21shijijingjibaodao 21caijingAPP"}


def test_bad_category_map_is_a_clear_error(tmp_path):
    (tmp_path / "map.yml").write_text("a: [b\n", encoding="utf-8")
    write_old(tmp_path / "old", "2022-01-01-6001.md", old_post())
    proc = run_import(tmp_path, tmp_path / "old", "--categories", tmp_path / "map.yml")
    assert proc.returncode == 2 and f"{tmp_path / 'map.yml'}:2: invalid YAML" in proc.stderr
    assert imported(tmp_path / "docs") == {}
