"""The one-way pipeline: sources/ -> records (cleaner) -> docs/posts/*.md (writer).

Every issue is read and cleaned before anything is written, so bad input anywhere
stops the run with nothing half-written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from generator import perf
from generator.cleaner import clean_text, review_report
from generator.model import SourceRecord
from generator.posts import POSTS_DIR, render_issue
from generator.slugs import SlugRegistry
from generator.sources import Issue, decode_page_text, discover_issues
from generator.writer import WriteReport, write_posts

REGISTRY_FILE = "slugs.yml"


def clean_file(path: Path) -> SourceRecord:
    return clean_text(decode_page_text(Path(path)), Path(path).name)


def clean_issue(issue: Issue) -> list[SourceRecord]:
    return [clean_file(p) for p in issue.files]


@dataclass
class BuildResult:
    issues: list[Issue] = field(default_factory=list)
    records: dict[str, list[SourceRecord]] = field(default_factory=dict)
    report: WriteReport = field(default_factory=WriteReport)
    review: list[str] = field(default_factory=list)

    @property
    def article_count(self) -> int:
        return sum(len(p.articles) for recs in self.records.values() for r in recs for p in r.pages)


def generate(sources_dir: Path, docs_dir: Path, *, force: bool = False,
             only: Optional[set[str]] = None) -> BuildResult:
    """Clean every issue under `sources_dir` and write its posts under `docs_dir/posts/`.

    Issues are rendered (in memory) as their files come out of the cleaning workers, while
    the workers clean the next ones; nothing is written before every file is clean."""
    sources_dir, docs_dir = Path(sources_dir), Path(docs_dir)
    result = BuildResult(issues=[i for i in discover_issues(sources_dir) if not only or i.key in only])
    files = [f for issue in result.issues for f in issue.files]
    cleaned = perf.clean_iter(files, sources_dir.resolve().parent / perf.CACHE_DIR)
    registry = SlugRegistry.load(sources_dir / REGISTRY_FILE)
    issue_cache = perf.IssueCache.load(sources_dir.resolve().parent / perf.CACHE_DIR)
    rendered = []
    for issue in result.issues:
        mine = [next(cleaned) for _ in issue.files]
        result.records[issue.key] = [c.record for c in mine]
        posts_dir = docs_dir / POSTS_DIR / issue.key
        key = issue_cache.key(issue, [c.key for c in mine])
        fresh = None if force else issue_cache.fresh(issue.key, key, posts_dir)
        if fresh is not None:
            for kind, name, fixed in issue_cache.slug_calls(issue.key):
                registry.slug(kind, name, fixed)
            result.report.unchanged.extend(fresh)
            continue
        registry.calls = []
        rendered.append((issue, key, posts_dir, render_issue(issue, result.records[issue.key], docs_dir, registry),
                         registry.calls))
        registry.calls = None
    for _ in cleaned:                    # runs the cleaning to its end, which saves its cache
        pass
    for issue, key, posts_dir, outputs, calls in rendered:
        write_posts(outputs, force=force, owned_dir=posts_dir, report=result.report)
        issue_cache.record(issue.key, key, posts_dir, outputs, calls)
    registry.save()
    issue_cache.save()
    result.review = review_report([r for recs in result.records.values() for r in recs])
    return result
