"""`python -m generator import-jekyll DIR`: the old Jekyll site's posts -> our Markdown posts.

Every old post keeps its URL (`/<categories>/YYYY/MM/DD/<id>.html`, Jekyll's rules,
see generator/legacy/urls.py) and its category page (`/category/<old category>.html`):
the old category string is pinned as the category's slug in `sources/slugs.yml`.
The category's display name comes from `sources/legacy-categories.yml` if it names
it, else from the registry (a category imported before), else from the post's tag
(中国邮政快递报新闻 -> 中国邮政快递报).

Files are read and converted one at a time (streamed, in a worker pool), written
atomically; a bad file is reported (`file:line: what`) and skipped, a re-import is
byte-identical, posts edited by hand are kept unless `--force`.
"""
from __future__ import annotations

import os
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import yaml

from generator.errors import InputError
from generator.legacy.body import convert_body, escape_markdown, safe_url
from generator.legacy.source import LegacyPost, is_post_file, parse_post
from generator.legacy.urls import post_url
from generator.posts import POSTS_DIR
from generator.slugs import SlugRegistry
from generator.writer import WriteReport, render_post, write_posts

LEGACY_DIR = "legacy"
REGISTRY_FILE = "slugs.yml"
CATEGORY_MAP_FILE = "legacy-categories.yml"
NEWS_SUFFIX = "新闻"
KIND = "legacy"
SOURCE_LINK_TEXT = "原文链接"
CHUNK = 64


# ---------------------------------------------------------------- conversion (pure, runs in workers)

@dataclass
class Converted:
    """One old post read and its body converted, or the error that stopped it."""

    rel: str
    post: Optional[LegacyPost] = None
    markdown: str = ""
    source_url: Optional[str] = None
    error: Optional[str] = None


def convert_file(job: tuple[str, str]) -> Converted:
    """Read, validate and convert one file; never raises (errors are data)."""
    path, rel = job
    shown = Path(path)
    try:
        post = parse_post(shown, Path(path).read_bytes())
        body = convert_body(post.body)
        if not body.markdown.strip():
            raise InputError(shown, "empty body: no text left after removing the old layout's links "
                                    "and unsafe HTML", post.body_line)
        post.body = ""      # the converted Markdown replaces it; keep what crosses processes small
        return Converted(rel, post, body.markdown, body.source_url)
    except InputError as exc:
        return Converted(rel, error=str(exc))
    except OSError as exc:
        return Converted(rel, error=f"{shown}: cannot read ({exc.strerror or exc})")
    except Exception as exc:  # a converter bug must not stop the import of the other files
        return Converted(rel, error=f"{shown}:1: cannot convert ({type(exc).__name__}: {exc})")


def post_body(post: LegacyPost, markdown: str, source_url: Optional[str]) -> str:
    """`# title`, the converted body, and a final link to the original article."""
    parts = [f"# {escape_markdown(post.title)}", markdown]
    if source_url:
        parts.append(f"[{SOURCE_LINK_TEXT}]({safe_url(source_url)}){{: .source-link }}")
    return "\n\n".join(parts) + "\n"


def post_meta(post: LegacyPost, category_name: str, source_url: Optional[str], rel: str) -> dict:
    """Front matter with the keys of generator/posts.py where they mean the same thing."""
    return {
        "title": post.title,
        "date": post.date,
        "slug": post.id,
        "id": post.id,
        "categories": [category_name],
        "kind": KIND,
        "tags": list(post.tags),
        "source_url": source_url,
        "legacy": {"category": post.category, "url": post_url(post.category, post.date, post.id),
                   "file": rel},
    }


def output_path(docs_dir: Path, post: LegacyPost) -> Path:
    return Path(docs_dir) / POSTS_DIR / LEGACY_DIR / f"{post.date:%Y-%m-%d}" / f"{post.id}.md"


# ---------------------------------------------------------------- categories

def load_category_map(path: Path) -> dict[str, str]:
    """`old category: 显示名` lines; a missing file is an empty map."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8", 1) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, f"invalid YAML: {getattr(exc, 'problem', exc)}",
                         mark.line + 1 if mark else 1) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                             for k, v in data.items()):
        raise InputError(path, "expected 'old-category: display name' lines", 1)
    return {k.strip(): v.strip() for k, v in data.items()}


def name_from_tag(tags: list[str]) -> Optional[str]:
    """中国邮政快递报新闻 -> 中国邮政快递报: the old site tagged a category's posts `<name>新闻`."""
    if not tags:
        return None
    tag = tags[0]
    return tag[:-len(NEWS_SUFFIX)] if tag.endswith(NEWS_SUFFIX) and len(tag) > len(NEWS_SUFFIX) else tag


class CategoryNames:
    """Old category string -> display name, registered with the old string as its frozen slug."""

    def __init__(self, registry: SlugRegistry, mapping: dict[str, str], mapping_file: str):
        self.registry = registry
        self.mapping = mapping
        self.mapping_file = mapping_file
        self.by_slug = {slug: name for name, slug in registry.data.get("category", {}).items()}
        self.done: dict[str, str] = {}

    def resolve(self, post: LegacyPost) -> str:
        old = post.category
        if old in self.done:
            return self.done[old]
        name = self.mapping.get(old) or self.by_slug.get(old) or name_from_tag(post.tags) or old
        line = post.lines.get("categories", 2)
        taken = self.registry.get("category", name)
        if taken is not None and taken != old:
            raise InputError(post.path, f"categories: {old!r} would be shown as {name!r}, but that name "
                                        f"already is category {taken!r}; name it in {self.mapping_file}", line)
        try:
            self.registry.slug("category", name, fixed=old)
        except ValueError:
            raise InputError(post.path, f"categories: {old!r} is registered as {self.by_slug.get(old)!r}, "
                                        f"not {name!r} (sources/slugs.yml keeps published names)", line) from None
        self.by_slug[old] = name
        self.done[old] = name
        return name


# ---------------------------------------------------------------- the import

@dataclass
class ImportResult:
    files: int = 0
    errors: list[str] = field(default_factory=list)
    report: WriteReport = field(default_factory=WriteReport)
    categories: dict[str, str] = field(default_factory=dict)

    @property
    def imported(self) -> int:
        return self.files - len(self.errors)


def post_files(src_dir: Path) -> list[Path]:
    posts = Path(src_dir) / "_posts"
    if not posts.is_dir():
        raise InputError(posts, "no _posts folder: expected DIR/_posts/YYYY-MM-DD-<id>.md", None)
    return sorted(p for p in posts.rglob("*") if p.is_file() and is_post_file(p))


def existing_posts(docs_dir: Path) -> dict[str, Path]:
    """id -> path of the posts imported before (to catch an id imported under another date)."""
    root = Path(docs_dir) / POSTS_DIR / LEGACY_DIR
    return {p.stem: p for p in root.glob("*/*.md")} if root.is_dir() else {}


def convert_batch(jobs: list[tuple[str, str]]) -> list[Converted]:
    return [convert_file(job) for job in jobs]


def converted_stream(jobs: list[tuple[str, str]], workers: int) -> Iterator[Converted]:
    """Converted files in input order. With several workers, batches go to a process
    pool but only a few are in flight at once, so memory stays flat however many
    posts there are (and a stop after an error does not wait for all of them)."""
    if workers <= 1 or len(jobs) < 2 * CHUNK:
        yield from map(convert_file, jobs)
        return
    batches = iter([jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)])
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        pending = deque(pool.submit(convert_batch, b) for b in islice(batches, 2 * workers))
        while pending:
            done = pending.popleft().result()
            following = next(batches, None)
            if following is not None:
                pending.append(pool.submit(convert_batch, following))
            yield from done
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def import_jekyll(src_dir: Path, docs_dir: Path, sources_dir: Path, *, category_map: Optional[Path] = None,
                  force: bool = False, strict: bool = False, workers: Optional[int] = None,
                  on_error: Callable[[str], None] = lambda e: None,
                  on_progress: Callable[[int], None] = lambda n: None) -> ImportResult:
    """Import every post under `src_dir/_posts` into `docs_dir/posts/legacy/`.

    Bad files are reported through `on_error` and skipped (`strict`: stop at the
    first); the slug registry is saved even then, because the posts already written
    rely on it.
    """
    src_dir, docs_dir, sources_dir = Path(src_dir), Path(docs_dir), Path(sources_dir)
    files = post_files(src_dir)
    registry = SlugRegistry.load(sources_dir / REGISTRY_FILE)
    map_path = Path(category_map) if category_map else sources_dir / CATEGORY_MAP_FILE
    names = CategoryNames(registry, load_category_map(map_path), str(map_path))
    result = ImportResult(files=len(files))
    earlier = existing_posts(docs_dir)
    seen: dict[str, str] = {}
    jobs = [(str(p), p.relative_to(src_dir).as_posix()) for p in files]

    def fail(message: str) -> None:
        result.errors.append(message)
        on_error(message)

    def outputs() -> Iterable[tuple[Path, str]]:
        with closing(converted_stream(jobs, workers or default_workers())) as stream:
            for n, item in enumerate(stream, 1):
                on_progress(n)
                try:
                    if item.error:
                        raise _Failed(item.error)
                    yield render(item)
                except (_Failed, InputError) as exc:
                    fail(str(exc))
                    if strict:
                        return

    def render(item: Converted) -> tuple[Path, str]:
        post = item.post
        if post.id in seen:
            raise InputError(post.path, f"duplicate id {post.id} (also in {seen[post.id]})", 1)
        seen[post.id] = item.rel
        path = output_path(docs_dir, post)
        before = earlier.get(post.id)
        if before is not None and before.resolve() != path.resolve():
            raise InputError(post.path, f"id {post.id} was imported before as {before} with another date; "
                                        "delete that file to move the post", post.lines.get("date", 1))
        name = names.resolve(post)
        result.categories[post.category] = name
        for tag in post.tags:
            registry.slug("tag", tag)
        meta = post_meta(post, name, item.source_url, item.rel)
        return path, render_post(meta, post_body(post, item.markdown, item.source_url))

    try:
        write_posts(outputs(), force=force, report=result.report)
    finally:
        registry.save()
    return result


class _Failed(Exception):
    """A file's error already formatted by the worker."""


# ---------------------------------------------------------------- command line

def cmd_import(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    progress = Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=err, transient=True, disable=not err.is_terminal)
    task = progress.add_task("import", total=None)

    def show_error(message: str) -> None:
        if err.is_terminal:
            progress.console.print(f"[red]error:[/] {message}", markup=True, highlight=False)
        else:
            print(f"error: {message}", file=sys.stderr, flush=True)

    try:
        total = len(post_files(Path(args.dir)))
        progress.update(task, total=total)
        with progress:
            result = import_jekyll(Path(args.dir), Path(args.docs), Path(args.sources),
                                   category_map=Path(args.categories) if args.categories else None,
                                   force=args.force, strict=args.strict, workers=args.jobs,
                                   on_error=show_error,
                                   on_progress=lambda n: progress.update(task, completed=n))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rep = result.report
    print(f"{result.files} old posts: {len(rep.written)} written, {len(rep.unchanged)} unchanged, "
          f"{len(rep.kept_hand_edited)} kept (edited by hand), {len(result.errors)} failed; "
          f"{len(result.categories)} categories")
    for path in rep.kept_hand_edited:
        print(f"kept (edited by hand, use --force to overwrite): {path}", file=sys.stderr)
    if result.errors:
        stopped = " (stopped at the first: --strict)" if args.strict else ""
        print(f"{len(result.errors)} file(s) failed{stopped}; fix them and import again:", file=sys.stderr)
        for message in result.errors:
            print(f"  {message}", file=sys.stderr)
        return 1
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("import-jekyll", help="import the old Jekyll site's posts (DIR/_posts) "
                                                    "into docs/posts/legacy/, keeping their URLs")
    p.add_argument("dir", metavar="DIR", help="the old site's folder (holds _posts/)")
    p.add_argument("--docs", default="docs", help="MkDocs docs folder (default: docs)")
    p.add_argument("--sources", default="sources", help="folder holding slugs.yml (default: sources)")
    p.add_argument("--categories", metavar="FILE",
                   help=f"old category -> display name map (default: SOURCES/{CATEGORY_MAP_FILE} if present)")
    p.add_argument("--force", action="store_true", help="overwrite posts edited by hand")
    p.add_argument("--strict", action="store_true", help="stop at the first bad file")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per CPU)")
    p.set_defaults(func=cmd_import)
