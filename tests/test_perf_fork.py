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
from generator import perf


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
    # the split's timings are kept for the next build of the same kind
    balance = json.loads((project / perf.CACHE_DIR / perf.BALANCE_FILE).read_text(encoding="utf-8"))
    assert set(balance) == {"cached"} and abs(balance["cached"]) <= perf.BALANCE_LIMIT


def test_one_markdown_parser_reset_per_page_writes_the_same_site_as_a_new_one_per_page(project):
    """perf.MarkdownPool: every page converted by a reused, reset parser, none from the
    Markdown cache (render caches off), against MkDocs' new parser per page."""
    env = {"ARCHIVE_WORKERS": "1", "ARCHIVE_RENDER_CACHE": "0"}
    run_cli("mkdocs", "build", "-d", "site-fresh", cwd=project, env={**env, "ARCHIVE_MARKDOWN_POOL": "0"})
    run_cli("mkdocs", "build", "-d", "site-pooled", cwd=project, env={**env, "ARCHIVE_MARKDOWN_POOL": "1"})
    fresh, pooled = site_files(project / "site-fresh"), site_files(project / "site-pooled")
    assert sorted(fresh) == sorted(pooled) and len(fresh) > 50
    assert [name for name in fresh if fresh[name] != pooled[name]] == []


def test_the_split_moves_posts_towards_the_process_that_finished_first():
    # second process 2 s (2,000 pages at 1 ms) behind: move half the gap, damped: 500 pages
    moved = perf.corrected_share(0.0, child_seconds=10.0, parent_seconds=8.0, child_pages=10_000, posts=10_000)
    assert moved == pytest.approx(-(2000 / 2) * perf.BALANCE_DAMPING / 10_000)
    assert perf.corrected_share(0.0, 10.0, 12.0, 10_000, 10_000) == pytest.approx(-moved)    # first behind
    assert perf.corrected_share(0.1, 9.0, 9.0, 10_000, 10_000) == pytest.approx(0.1)     # balanced: kept
    assert perf.corrected_share(0.0, 100.0, 1.0, 1000, 100) == -perf.BALANCE_LIMIT      # never runs away
    assert perf.corrected_share(0.05, 0.0, 3.0, 0, 100) == 0.05                         # nothing measured


def test_a_learnt_correction_changes_how_many_posts_the_second_process_builds():
    from types import SimpleNamespace

    from material.plugins.blog.structure import Post, View
    from mkdocs.structure.pages import Page

    def page(cls):
        return SimpleNamespace(page=cls.__new__(cls))       # only the page's kind is read
    docs = [page(Page) for _ in range(100)] + [page(View) for _ in range(10)] + [page(Post) for _ in range(1000)]
    files = SimpleNamespace(documentation_pages=lambda: docs)
    plain = perf.child_pages(files, cached_pages=True)
    # estimate: (100 others x 2.5 + 1000 posts - 10 views x 2.5) / 2 = 612 posts, plus the views
    assert len(plain) == 10 + 612
    assert len(perf.child_pages(files, cached_pages=True, correction=0.1)) == 10 + 712
    assert len(perf.child_pages(files, cached_pages=True, correction=-0.1)) == 10 + 512


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
