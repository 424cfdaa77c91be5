"""Speed workarounds (generator/perf.py, hooks/perf.py): each gives the answers the
stock code gives, and each test of a dependency flaw fails once the dependency changes
what is worked around (then the workaround can go)."""
from __future__ import annotations

import inspect
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from material.plugins.blog import structure as blog_structure
from material.plugins.blog.plugin import BlogPlugin
from material.plugins.blog.structure import Excerpt
from material.plugins.search.plugin import SearchIndex
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from conftest import REPO, run_cli
from generator import perf
from generator.build import clean_file
from generator.errors import InputError

SAMPLES = sorted((REPO / "sources").glob("20??-??-??/*.txt"))


# ------------------------------------------------------------- dependency flaws ----

def test_material_blog_still_tests_membership_with_page_equality():
    """Flaw: `page in self.blog.posts` per page, and Page.__eq__ compares titles/files."""
    assert "page not in self.blog.posts" in inspect.getsource(BlogPlugin.on_page_markdown)
    assert "page not in self.blog.posts" in inspect.getsource(BlogPlugin.on_page_content)
    assert Page.__eq__ is not object.__eq__


def test_material_blog_still_parses_posts_with_pure_python_yaml():
    assert yaml.__with_libyaml__, "PyYAML without libyaml: the workaround does nothing"
    assert "yaml.load(match.group(1), SafeLoader)" in inspect.getsource(blog_structure.Post.__init__)
    assert blog_structure.SafeLoader in (yaml.SafeLoader, yaml.CSafeLoader)


def test_material_excerpt_still_renders_the_whole_post():
    assert "self.markdown = self.post.markdown" in inspect.getsource(Excerpt.render)


def test_material_search_still_escapes_han_and_segments_page_by_page():
    index = SearchIndex(lang=["zh"], separator=" ", pipeline=[], fields={})
    index.entries = [{"location": "a.html", "title": "邮政", "text": "快递"}]
    assert "\\u90ae" in index.generate_search_index(None)
    assert "jieba.cut(" in inspect.getsource(SearchIndex._segment_chinese)


# ---------------------------------------------------------- same answers as stock ----

def test_mkdocs_still_builds_a_markdown_parser_for_every_page():
    source = inspect.getsource(Page.render)
    assert "markdown.Markdown(" in source and ".reset()" not in source


def test_markdown_pool_reuses_one_reset_parser_per_configuration():
    import markdown

    pool = perf.MarkdownPool(markdown)
    toc = {"toc": {"permalink": False}}
    first = pool.Markdown(extensions=["toc", "attr_list"], extension_configs=toc)
    first.convert("[a]: http://x\n\n# One\n\ntext")
    again = pool.Markdown(extensions=["toc", "attr_list"], extension_configs={"toc": {"permalink": False}})
    assert again is first and not again.references and again.toc_tokens == []   # reset
    assert again.convert("# Two") == markdown.Markdown(extensions=["toc", "attr_list"], extension_configs=toc).convert("# Two")
    assert pool.Markdown(extensions=["toc", "attr_list"], extension_configs={"toc": {"permalink": True}}) is not first
    assert pool.Markdown(extensions=["toc"], extension_configs=toc) is not first
    other = {"extensions": ["toc"], "output_format": "html"}
    assert pool.Markdown(**other) is not pool.Markdown(**other)      # other call shapes: a new parser


def _pages(titles):
    from mkdocs.config.defaults import MkDocsConfig
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(REPO / "docs")})
    return [Page(t, File(f"p{i}.md", str(REPO / "docs"), "/tmp/site", False), config) for i, t in enumerate(titles)]


def test_identity_list_gives_list_membership_answers():
    posts = _pages(["甲", "乙", "丙"])
    others = _pages(["甲", "丁"])            # same title and src path as posts[0]: equal but not the same page
    fast = perf.IdentityList(posts)
    assert all(p in fast for p in posts)
    assert "x" not in fast and others[1] not in fast
    fast.append(others[1])
    assert others[1] in fast
    assert list(fast) == posts + [others[1]]


def test_lead_markdown_stops_after_the_first_plain_paragraph():
    md = "头条\n{: .kicker }\n\n# 标题\n\n本报讯（记者 甲）\n{: .byline }\n\n第一段。\n\n## 小标题\n\n第二段。\n"
    lead, cut = perf.lead_markdown(md, "<!-- more -->")
    assert lead.endswith("第一段。") and "第二段" not in lead and cut
    assert perf.lead_markdown("# 题\n\n只有一段。\n", "<!-- more -->") == ("# 题\n\n只有一段。\n", False)
    assert perf.lead_markdown("# 题\n\n甲\n\n<!-- more -->\n\n乙", "<!-- more -->") == ("# 题\n\n甲\n\n", True)


def test_deferred_segmenter_gives_materials_segmentation_and_caches_it(tmp_path):
    texts = ["国家邮政局发布快递发展指数", "邮储银行 2022 年服务乡村振兴", "邮政快递报"] * 30
    cache = perf.DigestCache(tmp_path / "seg.pickle")
    seg = perf.DeferredSegmenter(cache, "salt")
    entries = [{"title": seg(t[:4]), "text": seg(t)} for t in texts]
    assert seg.resolve(entries, workers=2) == len(set(texts) | {t[:4] for t in texts})
    assert entries == [{"title": perf._stock_segment(t[:4]), "text": perf._stock_segment(t)} for t in texts]
    cache.save()
    again = perf.DeferredSegmenter(perf.DigestCache.load(tmp_path / "seg.pickle"), "salt")
    assert again(texts[0]) == perf._stock_segment(texts[0])          # answered from the cache
    assert perf.DeferredSegmenter(perf.DigestCache.load(tmp_path / "seg.pickle"), "other")(texts[0]) \
        .startswith("\ue000"), "a different jieba/Material (salt) never reuses cached segmentation"


def test_search_index_json_is_materials_index_unescaped():
    index = SearchIndex(lang=["zh"], separator="[\\s\\-]+", pipeline=["stemmer"], fields={"title": {"boost": 1e3}})
    index.entries = [{"location": "a.html#x", "title": "邮政\u200b快递", "text": "<p>“国家队”</p>", "tags": ["要闻"]}]
    ours = perf.search_index_json(index)
    assert json.loads(ours) == json.loads(index.generate_search_index(None))
    assert "\\u" not in ours and len(ours.encode()) < len(index.generate_search_index(None).encode())


def test_parallel_cached_cleaning_equals_cleaning_each_file(tmp_path):
    files = []
    for i, src in enumerate(SAMPLES):
        dst = tmp_path / "src" / f"{i:03d}_{src.name}"
        dst.parent.mkdir(exist_ok=True)
        dst.write_bytes(src.read_bytes())
        files.append(dst)
    expected = [clean_file(p).to_dict() for p in files]
    cache = tmp_path / "cache"
    first = perf.clean_all(files, cache)
    assert [c.record.to_dict() for c in first] == expected
    assert [c.record.to_dict() for c in perf.clean_all(files, cache)] == expected   # from the cache
    files[0].write_text(files[0].read_text(encoding="utf-8").replace("邮政", "邮局"), encoding="utf-8")
    again = perf.clean_all(files, cache)
    assert again[0].record.to_dict() == clean_file(files[0]).to_dict() != expected[0]   # edited file re-cleaned
    assert again[0].key != first[0].key and [c.key for c in again[1:]] == [c.key for c in first[1:]]
    files[1].write_bytes(b"\x00\x01binary")
    with pytest.raises(InputError) as err:
        perf.clean_all(files, cache)
    assert files[1].name in str(err.value) and "binary" in str(err.value)


def test_cleaning_cache_key_covers_the_cleaner_code():
    here = Path(perf.__file__).resolve().parent
    assert perf.cleaner_fingerprint() == perf.code_fingerprint(
        [here / "cleaner", here / "model.py", here / "sources.py", here / "errors.py", here / "build.py"])
    assert perf.code_fingerprint([here / "cleaner"]) != perf.code_fingerprint([here / "cleaner" / "text.py"])


def _blog_with_excerpts(root: Path) -> Path:
    """A small stock Material blog whose index and category pages list excerpts (ours list
    none), with authors and categories the blog assigns to each excerpt."""
    posts = root / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (root / "docs" / "blog" / "index.md").write_text("# 博客\n", encoding="utf-8")
    (root / "docs" / "blog" / ".authors.yml").write_text(
        "authors:\n  wang:\n    name: 王记者\n    description: 记者\n    avatar: https://example.org/a.png\n",
        encoding="utf-8")
    for i in range(3):
        (posts / f"p{i}.md").write_text(
            f"---\ndate: 2022-12-1{i}\nauthors: [wang]\ncategories: [动态{i % 2}]\n---\n\n# 第{i}篇报道\n\n"
            f"第一段，链接到[另一篇](p{(i + 1) % 3}.md)。\n\n第二段不进摘要。\n", encoding="utf-8")
    hook = (REPO / "hooks" / "perf.py").as_posix()
    (root / "mkdocs.yml").write_text(
        "site_name: t\nuse_directory_urls: false\ntheme:\n  name: material\n  language: zh\n"
        f"plugins:\n  - blog:\n      blog_dir: blog\n      authors: true\nhooks:\n  - {hook}\n", encoding="utf-8")
    return root


def test_excerpts_set_up_on_first_use_render_as_when_set_up_at_once(tmp_path):
    """LeadExcerpt defers Material's set-up until an excerpt is used: listings that do render
    excerpts show the same HTML as with the set-up done at once (caches off), with the
    authors and categories the blog assigned before the set-up."""
    sites = {}
    for caches in ("1", "0"):
        root = _blog_with_excerpts(tmp_path / f"caches{caches}")
        proc = run_cli("mkdocs", "build", "--strict", cwd=root, env={perf.RENDER_CACHE_ENV: caches,
                                                                      "PYTHONPATH": str(REPO)})
        if caches == "1":
            assert re.search(r"excerpts \d+ of [1-9]", proc.stderr), proc.stderr    # the lazy path was taken
        sites[caches] = {p.relative_to(root / "site").as_posix(): p.read_text(encoding="utf-8")
                         for p in sorted((root / "site" / "blog").rglob("*.html"))}
    assert sites["1"] == sites["0"]
    index = sites["1"]["blog/index.html"]
    assert index.count("第一段") == 3 and "第二段" not in index and "王记者" in index and "动态1" in index
    assert any(name.startswith("blog/category/") for name in sites["1"])


def test_cached_post_settings_equal_materials_validation(tmp_path):
    """Material validates a PostConfig per post per build; the cached class gives the same
    post objects (settings, their types, meta) on a miss and on a hit, and leaves settings
    it cannot cache safely (a `date:` mapping, `links:`) to the stock validation."""
    from mkdocs.config.defaults import MkDocsConfig

    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs" / "posts", docs / "posts")
    odd = docs / "posts" / "odd.md"
    odd.write_text("---\ndate:\n  created: 2022-12-19\n  updated: 2022-12-20\ncategories: [动态]\n"
                   "links:\n  - 首页: index.md\ndraft: true\n---\n\n# 标题\n", encoding="utf-8")
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(docs), "theme": {"name": "material"}})
    assert config.validate()[0] == []
    paths = sorted(docs.rglob("*.md"))
    assert len(paths) > 20

    def posts():
        return [blog_structure.Post(File(str(p.relative_to(docs)), str(docs), str(tmp_path / "site"), False), config)
                for p in paths]

    def state(post):
        return (type(post.config.date).__name__, dict(post.config.date), post.config.date.created,
                {k: v for k, v in post.config.items() if k != "links"}, post.meta)

    stock = [state(p) for p in posts()]
    cache = perf.DigestCache(tmp_path / "c.pickle")
    perf.install_frontmatter_cache(cache)
    try:
        missed = [state(p) for p in posts()]
        puts = len(cache.added)
        hit = posts()
        hits = [state(p) for p in hit]
    finally:
        perf.uninstall_render_caches()
    assert blog_structure.PostConfig.__module__.startswith("material")        # uninstalled again
    assert missed == stock and hits == stock
    assert puts == len(paths) + len(paths) - 1          # front matter for each; settings for all but odd.md
    assert [p.config.links for p in hit if p.file.src_uri.endswith("odd.md")][0] is not None
