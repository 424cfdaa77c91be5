"""hooks/perf.py changes how the site is built, not what is built: a build in two
processes writes the same bytes as a build in one, and against stock Material (no
hooks/perf.py) every article page is the same and the search index holds the same data."""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import copy_repo, run_cli


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def generated_copy(dest: Path) -> Path:
    """A copy of the project with the sample archive generated (no site built yet)."""
    root = copy_repo(dest)
    run_cli("generator", "build", cwd=root)
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return generated_copy(tmp_path_factory.mktemp("perf"))


def test_two_process_build_writes_the_same_site_as_one(project):
    run_cli("mkdocs", "build", "-d", "site-one", cwd=project, env={"ARCHIVE_WORKERS": "1"})
    forked = run_cli("mkdocs", "build", "-d", "site-two", cwd=project,
                     env={"ARCHIVE_WORKERS": "2", "ARCHIVE_FORK_MIN_PAGES": "1"})
    assert "Page skipped" not in forked.stderr
    assert re.search(r"perf: \d+ pages built in a second process", forked.stderr)
    one, two = site_files(project / "site-one"), site_files(project / "site-two")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_against_stock_material_articles_and_search_data_are_unchanged(project):
    # Material's own search index (as the offline bundle builds it), not the hosted shards
    config = (project / "mkdocs.yml").read_text(encoding="utf-8").replace("search_shards: true", "search_shards: false")
    (project / "mkdocs-stock.yml").write_text(config.replace("  - hooks/perf.py\n", ""), encoding="utf-8")
    (project / "mkdocs-ours.yml").write_text(config, encoding="utf-8")
    run_cli("mkdocs", "build", "-f", "mkdocs-stock.yml", "-d", "site-stock", cwd=project)
    run_cli("mkdocs", "build", "-f", "mkdocs-ours.yml", "-d", "site-ours", cwd=project)
    stock, ours = site_files(project / "site-stock"), site_files(project / "site-ours")
    assert sorted(stock) == sorted(ours)
    articles = [n for n in stock if re.match(r"zhongguoyouzhengkuaidibao/\d{4}/", n)]
    assert len(articles) >= 20
    assert [n for n in articles if stock[n] != ours[n]] == []
    index = "search/search_index.json"
    assert json.loads(stock[index]) == json.loads(ours[index])
    # No page shows the blog's excerpts any more (category pages are our stable listings,
    # hooks/edition.py; the blog index is the home page): the whole site is the same.
    assert [n for n in stock if stock[n] != ours[n]] == []


def warning_lines(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if line.startswith("WARNING"))


def test_markdown_converted_from_both_ends_gives_the_same_site_and_warnings(tmp_path):
    """A cold build whose second process converts pages from the last one backwards
    (PreConversion) writes the same site as one process; the parent finds the child's
    conversions in the cache, and the warnings of the pages the child converted are
    said once, by the parent, as in one process."""
    project = generated_copy(tmp_path)
    posts = sorted((project / "docs" / "posts").rglob("*.md"))
    assert len(posts) >= 20
    for post in posts:          # every article links to a page that does not exist: one warning each
        post.write_text(post.read_text(encoding="utf-8") + "\n[旧链接](missing-page.md)\n", encoding="utf-8")
    one = run_cli("mkdocs", "build", "-d", "site-one", cwd=project, env={"ARCHIVE_WORKERS": "1"})
    shutil.rmtree(project / ".cache" / "perf", ignore_errors=True)          # cold: nothing converted yet
    both = run_cli("mkdocs", "build", "-d", "site-both", cwd=project,
                   env={"ARCHIVE_WORKERS": "2", "ARCHIVE_PRECONVERT_MIN_PAGES": "1",
                        "ARCHIVE_FORK_MIN_PAGES": "100000"})
    converted = re.search(r"perf: (\d+) of (\d+) pages converted in a second process in", both.stderr)
    assert converted and 0 < int(converted[1]) < int(converted[2]), both.stderr[-2000:]
    hits = re.search(r"from the caches: .*markdown (\d+) of (\d+)", both.stderr)
    assert hits and int(hits[1]) == int(converted[1])
    missing = [w for w in warning_lines(one.stderr) if "missing-page.md" in w]
    assert len(missing) == len(posts)
    assert warning_lines(both.stderr) == warning_lines(one.stderr)
    a, b = site_files(project / "site-one"), site_files(project / "site-both")
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_a_failed_build_leaves_no_converting_child_behind(tmp_path):
    """A page MkDocs cannot read stops the build: the converting child is stopped and its
    result file removed (on_build_error), whichever process met the page first."""
    project = generated_copy(tmp_path / "project")
    (project / "docs" / "zz-unreadable.md").write_bytes(b"# \xff\xfe\n")
    temp = tmp_path / "tmp"
    temp.mkdir()
    failed = run_cli("mkdocs", "build", cwd=project, check=False,
                     env={"ARCHIVE_WORKERS": "2", "ARCHIVE_PRECONVERT_MIN_PAGES": "1", "TMPDIR": str(temp)})
    assert failed.returncode != 0 and "zz-unreadable.md" in failed.stderr
    assert list(temp.iterdir()) == []


def test_a_forked_child_hands_back_its_result_or_its_error():
    """Both children (page building, Markdown conversion) report through one file each."""
    from generator.perf import _child_result, _fork_child

    pid, result = _fork_child("test-child-", lambda: {"pages": [1, 2, 3]})
    status, payload = _child_result(pid, result)
    assert status == 0 and payload == {"pages": [1, 2, 3]} and not result.exists()

    def fails() -> dict:
        raise ValueError("page 7 cannot be read")

    pid, result = _fork_child("test-child-", fails)
    status, payload = _child_result(pid, result)
    assert os.WEXITSTATUS(status) == 1 and "ValueError: page 7 cannot be read" in payload["error"]
    assert not result.exists()
