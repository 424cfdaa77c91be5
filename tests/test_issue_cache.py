"""The generator skips issues whose posts are already what their inputs give
(generator/perf.py IssueCache), without depending on the rest of the slug registry."""
from __future__ import annotations

import shutil
from pathlib import Path

from generator import build
from generator.build import REGISTRY_FILE, generate

REPO = Path(__file__).resolve().parents[1]


def _posts(docs: Path) -> dict:
    return {p.relative_to(docs): p.read_bytes() for p in sorted((docs / "posts").rglob("*.md"))}


def test_unchanged_issues_are_skipped_and_keep_their_slugs_registered(tmp_path, monkeypatch):
    rendered = []
    render = build.render_issue
    monkeypatch.setattr(build, "render_issue", lambda issue, *a, **k: rendered.append(issue.key) or render(issue, *a, **k))
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    shutil.copytree(REPO / "sources", sources, ignore=shutil.ignore_patterns(REGISTRY_FILE))
    registry = sources / REGISTRY_FILE
    first = generate(sources, docs)
    issues = len(first.issues)
    assert issues >= 4 and first.report.written and not first.report.unchanged and len(rendered) == issues
    posts, slugs = _posts(docs), registry.read_bytes()

    # the first run wrote the registry (every tag was new): the next run still skips every issue
    rendered.clear()
    second = generate(sources, docs)
    assert rendered == []
    assert not second.report.written and len(second.report.unchanged) == len(posts)
    assert _posts(docs) == posts and registry.read_bytes() == slugs

    # a name another issue registers does not make these issues stale
    registry.write_text(registry.read_text(encoding="utf-8").replace("tag:\n", "tag:\n  测试标签: ceshibiaoqian\n", 1),
                        encoding="utf-8")
    assert "测试标签" in registry.read_text(encoding="utf-8")
    rendered.clear()
    third = generate(sources, docs)
    assert rendered == []
    assert not third.report.written and len(third.report.unchanged) == len(posts)

    # a registry that lost its entries gets back exactly what rendering the issues registered
    registry.unlink()
    rendered.clear()
    fourth = generate(sources, docs)
    assert rendered == []
    assert not fourth.report.written and len(fourth.report.unchanged) == len(posts)
    assert registry.read_bytes() == slugs
    assert _posts(docs) == posts

    # an edited page text re-renders its issue, and only that one (the issue key holds
    # the cleaned records' keys, not the records)
    page = sorted(sources.glob("*/*.txt"))[0]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("邮政", "邮局", 1), encoding="utf-8")
    rendered.clear()
    fifth = generate(sources, docs)
    assert rendered == [page.parent.name] and fifth.report.written
    assert any("邮局" in p.read_text(encoding="utf-8") for p in fifth.report.written)


def test_a_hand_edit_is_seen_after_the_posts_were_stamped(tmp_path, monkeypatch):
    """Posts checked once by hash are later trusted by (size, mtime); an edit that keeps the
    size still changes the mtime, so the issue is rendered again and the edit kept."""
    from generator import perf

    rendered = []
    render = build.render_issue
    monkeypatch.setattr(build, "render_issue", lambda issue, *a, **k: rendered.append(issue.key) or render(issue, *a, **k))
    monkeypatch.setattr(perf, "STAMP_SETTLE_NS", 0)      # stamp at once (no two-second wait in a test)
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    shutil.copytree(REPO / "sources", sources, ignore=shutil.ignore_patterns(REGISTRY_FILE))
    generate(sources, docs)
    generate(sources, docs)                               # hashes every post and stamps it
    cache = perf.IssueCache.load(tmp_path / perf.CACHE_DIR)
    assert all(len(entry["stamps"]) == len(entry["files"]) for entry in cache.data.values())
    rendered.clear()
    assert not generate(sources, docs).report.written and rendered == []     # trusted by stamp

    post = sorted((docs / "posts").rglob("*.md"))[0]
    text = post.read_text(encoding="utf-8")
    edited = text.replace("邮", "政", 1)
    assert edited != text and len(edited.encode()) == len(text.encode())
    post.write_text(edited, encoding="utf-8")
    result = generate(sources, docs)
    assert post.parent.name in rendered and result.report.kept_hand_edited == [post]
    assert post.read_text(encoding="utf-8") == edited
