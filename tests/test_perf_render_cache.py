"""Render caches of the push rebuild (generator/perf.py, hooks/perf.py): what their keys
leave out is really never rendered, their keys are the same from run to run, a cached
page replays the warnings its conversion logged, and a changed template is never
answered from the cache. (Whole-site freshness: tests/test_cache_fresh.py.)"""
from __future__ import annotations

import re
from pathlib import Path

import markdown
from material.plugins.blog import structure as blog_structure

from conftest import copy_repo, run_cli
from generator import perf

MATERIAL_TEMPLATES = Path(blog_structure.__file__).resolve().parents[3] / "templates"
REPO = Path(__file__).resolve().parents[1]


def page_templates() -> list[Path]:
    return sorted(MATERIAL_TEMPLATES.rglob("*.html")) + sorted((REPO / "overrides").rglob("*.html"))


def test_no_page_template_reads_the_build_date():
    """The page key leaves out `page.update_date` and the context's `build_date_utc`
    (they change every day): only the sitemap, a theme template rebuilt every time, may
    print them."""
    assert len(page_templates()) > 50
    readers = [p for p in page_templates() if re.search(r"update_date|build_date_utc", p.read_text("utf-8"))]
    assert readers == []
    assert {"update_date", "excerpt", "markdown"} == set(perf.PAGE_FIELDS_NOT_RENDERED)


def test_stable_json_is_the_same_across_objects_and_runs():
    class Thing:
        def __init__(self, n):
            self.n, self.fn, self.tags = n, len, {"b", "a"}

    one, two = perf.stable_json({"x": Thing(1), "k": [1, 2]}), perf.stable_json({"k": [1, 2], "x": Thing(1)})
    assert one == two and "0x" not in one and '"len"' in one
    assert perf.stable_json({"x": Thing(2)}) != perf.stable_json({"x": Thing(1)})
    loop = {"a": 1}
    loop["self"] = loop                        # a cycle goes the slow, depth-limited way
    assert perf.stable_json(loop) == perf.stable_json(loop)


def test_deferred_markdown_builds_its_parser_only_when_used():
    built = []

    def factory(**kwargs):
        built.append(kwargs)
        return markdown.Markdown(**kwargs)

    class Mark(markdown.treeprocessors.Treeprocessor):
        def run(self, root):
            for el in root.iter("p"):
                el.set("class", "marked")

    md = perf.DeferredMarkdown(factory, extensions=["attr_list"])
    md.treeprocessors.register(Mark(), "mark", 0)
    assert built == []
    assert md.convert("text") == '<p class="marked">text</p>' and len(built) == 1
    assert md.treeprocessors.get_index_for_name("mark") >= 0 and len(built) == 1


def cache_use(log: str) -> dict[str, tuple[int, int]]:
    line = re.search(r"from the caches: (.*)", log)
    assert line, log[-2000:]
    return {name: (int(hits), int(total)) for name, hits, total in re.findall(r"(\w+) (\d+) of (\d+)", line.group(1))}


def mkdocs_build(root: Path) -> str:
    proc = run_cli("mkdocs", "build", cwd=root)
    return proc.stdout + proc.stderr


def test_cached_pages_replay_warnings_and_a_changed_template_renders_again(tmp_path):
    root = copy_repo(tmp_path / "site")
    run_cli("generator", "build", cwd=root)
    (root / "docs" / "about-links.md").write_text("# 链接\n\n见[不存在的页](missing-page.md)。\n", encoding="utf-8")
    warning = "contains a link 'missing-page.md', but the target is not found"
    cold = mkdocs_build(root)
    assert warning in cold
    warm = mkdocs_build(root)
    use = cache_use(warm)
    assert use["markdown"][0] == use["markdown"][1] > 0 and use["pages"][0] == use["pages"][1] > 0, use
    assert warning in warm                     # replayed from the cache: --strict still fails
    assert run_cli("mkdocs", "build", "--strict", cwd=root, check=False).returncode != 0

    # unchanged files are moved over from the last build; like MkDocs' own cleaning,
    # hidden entries stay and files the build no longer makes are gone
    (root / "site" / ".deploy-state").write_text("kept", encoding="utf-8")
    (root / "site" / "stray.html").write_text("old", encoding="utf-8")
    assert "unchanged files kept from the last build" in mkdocs_build(root)
    assert (root / "site" / ".deploy-state").is_file() and not (root / "site" / "stray.html").exists()
    assert not (root / ".cache" / "perf" / "site-previous").exists()

    bar = root / "overrides" / "partials" / "edition-bar.html"
    bar.write_text(bar.read_text(encoding="utf-8").replace("往期回顾", "往期回顾·"), encoding="utf-8")
    changed = cache_use(mkdocs_build(root))
    assert changed["pages"][0] == 0, changed
    article = next((root / "site" / "zhongguoyouzhengkuaidibao").rglob("*.html"))
    assert "往期回顾·" in article.read_text(encoding="utf-8")


def test_cached_front_matter_is_what_yaml_gives_and_a_fresh_copy_each_time(tmp_path):
    import yaml
    text = "title: 标题\ndate: 2022-12-19 00:00:00+08:00\ntags:\n- 动态\n"
    cached = perf.CachedYaml(yaml, perf.DigestCache(tmp_path / "fm.pickle"))
    first = cached.load(text, yaml.CSafeLoader)
    first["tags"].append("changed by a plugin")
    second = cached.load(text, yaml.CSafeLoader)
    assert second == yaml.load(text, yaml.CSafeLoader) and second is not first
    assert cached._cache.hits == 1 and cached.safe_dump is yaml.safe_dump


def test_markdown_that_reads_other_files_is_never_cached():
    assert perf.markdown_cache_allowed({"markdown_extensions": ["attr_list", "md_in_html", "toc"]})
    assert not perf.markdown_cache_allowed({"markdown_extensions": ["toc", "pymdownx.snippets"]})


def test_compiled_templates_are_kept_per_jinja_syntax_and_recompiled_on_change(tmp_path):
    """The Jinja bytecode cache: a template whose source changed is compiled again, and an
    environment with other syntax options (which change the compiled code, not the source)
    never loads code compiled for another."""
    import jinja2

    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "a.html").write_text("{% if x %}\nyes\n{% endif %}", encoding="utf-8")

    def render(**options) -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), **options)
        env.bytecode_cache = perf.template_bytecode_cache(tmp_path, env)
        return env.get_template("a.html").render(x=True)

    assert render() == "\nyes\n"
    folder = Path(perf.template_bytecode_cache(tmp_path, jinja2.Environment()).directory)
    assert len(list(folder.iterdir())) == 1                        # compiled once, kept
    assert render() == "\nyes\n"                                   # from the cache
    assert render(trim_blocks=True) == "yes\n"                     # not the default syntax's code
    (templates / "a.html").write_text("{% if x %}changed{% endif %}", encoding="utf-8")
    assert render() == "changed"
