"""Speed for big archives: caches that cannot go stale, parallel work, and workarounds
for flaws of the site dependencies (MkDocs 1.6, Material 9.8) that make builds quadratic.

Every cache is keyed by a digest of *all* its inputs (the input bytes plus the code
that turns them into output), so a hit is by construction what a fresh run would
compute. Every workaround names the dependency flaw it works around; the tests in
`tests/test_perf_*.py` fail when the dependency changes the behaviour worked around.
`hooks/perf.py` wires the MkDocs side in; `generator/build.py` calls `clean_all`.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from generator.writer import atomic_write_bytes

CACHE_DIR = Path(".cache") / "perf"
WORKERS_ENV = "ARCHIVE_WORKERS"
PARALLEL_MIN_ITEMS = 64      # below this a process pool costs more than it saves


def digest(*parts: bytes | str) -> str:
    """sha256 over length-prefixed parts (so ("ab", "c") != ("a", "bc"))."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def code_fingerprint(paths: Iterable[Path]) -> str:
    """Digest of source files: part of every cache key, so changed code never reuses
    results of the old code."""
    files = sorted({p for path in paths for p in (sorted(Path(path).rglob("*.py")) if Path(path).is_dir()
                                                    else [Path(path)])})
    return digest(*[part for p in files for part in (p.name, p.read_bytes())])


def worker_count() -> int:
    env = os.environ.get(WORKERS_ENV, "")
    if env.strip().isdigit():
        return max(1, int(env))
    return max(1, min(os.cpu_count() or 1, 8))


def parallel_map(fn: Callable, items: Sequence, workers: Optional[int] = None) -> list:
    """`[fn(x) for x in items]`, in worker processes when it pays (fork: children share
    the loaded code and data). `fn` must be a module-level function."""
    workers = worker_count() if workers is None else workers
    if workers <= 1 or len(items) < PARALLEL_MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(x) for x in items]
    chunk = max(1, len(items) // (workers * 8))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(fn, items, chunksize=chunk)


class DigestCache:
    """A dict digest -> value kept in one pickle file. `save()` keeps only the keys used
    since `load()`, so the file never outgrows the current archive."""

    def __init__(self, path: Path, data: Optional[dict] = None):
        self.path = Path(path)
        self.data = data or {}
        self.used: set[str] = set()
        self.hits = self.misses = 0

    @classmethod
    def load(cls, path: Path) -> "DigestCache":
        try:
            with open(path, "rb") as fh:
                data = pickle.load(fh)
            if not isinstance(data, dict):
                data = {}
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
            data = {}
        return cls(path, data)

    def get(self, key: str):
        value = self.data.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            self.used.add(key)
        return value

    def put(self, key: str, value) -> None:
        self.data[key] = value
        self.used.add(key)

    def save(self) -> None:
        kept = {k: v for k, v in self.data.items() if k in self.used}
        atomic_write_bytes(self.path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))


# ------------------------------------------------------------------ cleaner ----

def _clean_one(path: str):
    """Worker: clean one page file; errors come back as values (exceptions with custom
    constructors do not survive pickling), the parent re-raises them."""
    from generator.build import clean_file
    try:
        return "ok", clean_file(Path(path)).to_dict()
    except Exception as exc:  # noqa: BLE001 - re-raised in the parent, see clean_all
        return "error", repr(exc)


def cleaner_fingerprint() -> str:
    here = Path(__file__).resolve().parent
    return code_fingerprint([here / "cleaner", here / "model.py", here / "sources.py", here / "errors.py",
                             here / "build.py"])


def clean_all(paths: Sequence[Path], cache_dir: Optional[Path]) -> list:
    """SourceRecords of `paths` (same order), cleaning only files whose bytes or cleaner
    code changed since they were last cleaned, in parallel. Bad input raises exactly
    what cleaning that file alone raises."""
    from generator.build import clean_file
    from generator.model import SourceRecord

    code = cleaner_fingerprint()
    cache = DigestCache.load(Path(cache_dir) / "records.pickle") if cache_dir else DigestCache(Path("."))
    keys = [digest(code, Path(p).name, Path(p).read_bytes()) for p in paths]
    todo = [str(p) for p, k in zip(paths, keys) if cache.get(k) is None]
    for path, (status, value) in zip(todo, parallel_map(_clean_one, todo)):
        if status != "ok":
            clean_file(Path(path))          # raises the real InputError / ConservationError
            raise RuntimeError(f"{path}: cleaning failed in a worker: {value}")
        cache.put(digest(code, Path(path).name, Path(path).read_bytes()), value)
    records = [SourceRecord.from_dict(cache.data[k]) for k in keys]
    if cache_dir:
        cache.save()
    return records


class IssueCache:
    """Skips re-rendering an issue whose posts on disk are exactly what the same inputs
    produced last time: key = digest(generator code, slug registry, manifest, records);
    the issue is fresh only if that key is unchanged *and* every post file still has the
    recorded digest and no other post file sits in its folder (hand edits, deletions and
    stray files all force the normal path, which reports or repairs them)."""

    def __init__(self, path: Path, code: str, data: Optional[dict] = None):
        self.path, self.code, self.data = Path(path), code, data or {}

    @classmethod
    def load(cls, cache_dir: Path, registry_file: Path) -> "IssueCache":
        here = Path(__file__).resolve().parent
        registry = Path(registry_file).read_bytes() if Path(registry_file).is_file() else b""
        code = digest(code_fingerprint([here / n for n in ("posts.py", "writer.py", "slugs.py", "model.py",
                                                            "sources.py", "build.py", "__init__.py")]), registry)
        cache = DigestCache.load(Path(cache_dir) / "issues.pickle")
        return cls(Path(cache_dir) / "issues.pickle", code, cache.data)

    def key(self, issue, records) -> str:
        manifest = (Path(issue.directory) / "issue.yml").read_bytes() if issue.directory else b""
        return digest(self.code, issue.key, manifest,
                      json.dumps([r.to_dict() for r in records], ensure_ascii=False, sort_keys=True))

    def fresh(self, issue_key: str, key: str, posts_dir: Path) -> Optional[list[Path]]:
        """The issue's post paths if nothing needs doing, else None."""
        known = self.data.get(issue_key)
        if not known or known["key"] != key or not posts_dir.is_dir():
            return None
        on_disk = {p.name for p in posts_dir.rglob("*.md")}
        if on_disk != set(known["files"]):
            return None
        for name, want in known["files"].items():
            if digest((posts_dir / name).read_bytes()) != want:
                return None
        return [posts_dir / name for name in sorted(known["files"])]

    def record(self, issue_key: str, key: str, posts_dir: Path, outputs) -> None:
        self.data[issue_key] = {"key": key, "files": {
            str(Path(path).relative_to(posts_dir)): digest(text.encode("utf-8")) for path, text in outputs}}

    def save(self) -> None:
        atomic_write_bytes(self.path, pickle.dumps(self.data, protocol=pickle.HIGHEST_PROTOCOL))


# ------------------------------------------------------------ Material blog ----

class IdentityList(list):
    """Material blog checks `page in self.blog.posts` for every page, twice; `list.__contains__`
    calls `Page.__eq__` (title and file comparison) on each post: O(posts²) per build.
    Pages are unique objects per file, so membership by identity gives the same answers
    in O(1)."""

    def __init__(self, items=()):
        super().__init__(items)
        self._ids: set[int] = set()
        self._size = -1

    def __contains__(self, item) -> bool:
        if self._size != len(self):
            self._ids = {id(x) for x in self}
            self._size = len(self)
        return id(item) in self._ids

    def __setitem__(self, index, value):
        super().__setitem__(index, value)
        self._size = -1


def use_libyaml_for_posts() -> bool:
    """Material's blog parses every post's front matter with PyYAML's pure-Python
    `SafeLoader` (MkDocs itself uses `CSafeLoader` when libyaml is there): about 15 ms a
    post. The C loader builds the same values with the same constructors. Returns
    whether the switch was made."""
    import yaml
    from material.plugins.blog import structure
    if not getattr(yaml, "__with_libyaml__", False) or structure.SafeLoader is not yaml.SafeLoader:
        return False
    structure.SafeLoader = yaml.CSafeLoader
    return True


def lead_markdown(markdown: str, separator: str) -> tuple[str, bool]:
    """What a listing shows of a post: the text before the excerpt separator, else
    everything up to and including the first plain paragraph (title, kicker, byline
    included). Returns (lead, whether anything was cut)."""
    if separator in markdown:
        return markdown.split(separator, 1)[0], True
    blocks = markdown.split("\n\n")
    for i, block in enumerate(blocks):
        text = block.strip()
        if text and not text.startswith("#") and "\n{:" not in text and not text.startswith("{:"):
            lead = "\n\n".join(blocks[: i + 1])
            return lead, i + 1 < len(blocks) and any(b.strip() for b in blocks[i + 1:])
    return markdown, False


def lead_excerpt_class(excerpt_cls):
    """Material renders each listed post's excerpt from the *whole* post Markdown when
    the post has no separator (`post_excerpt: optional`), for every listing the post
    appears in: listings cost as much as rendering every post again, and show full
    articles. This subclass renders only the lead (see `lead_markdown`) and links on."""

    class LeadExcerpt(excerpt_cls):
        def render(self, page, separator):
            full = self.post.markdown
            lead, cut = lead_markdown(full, separator)
            self.post.markdown = lead
            try:
                super().render(page, separator)
            finally:
                self.post.markdown = full
            if cut:
                self.more = self.more or "\n"

    LeadExcerpt.__name__ = LeadExcerpt.__qualname__ = f"Lead{excerpt_cls.__name__}"
    return LeadExcerpt


# ---------------------------------------------------------- Material search ----

PLACEHOLDER = "\ue000seg:{}\ue001"


def _stock_segment(text: str) -> str:
    """Material's own zh segmentation (its method does not use `self`)."""
    from material.plugins.search.plugin import SearchIndex
    return SearchIndex._segment_chinese(None, text)


def segmentation_salt(config_files: Iterable[Path] = ()) -> str:
    """Everything besides the text that decides the segmentation: Material's code,
    jieba's version and dictionaries."""
    import inspect

    import jieba
    from material.plugins.search.plugin import SearchIndex
    parts = [inspect.getsource(SearchIndex._segment_chinese), getattr(jieba, "__version__", "?"),
             str(jieba.dt.dictionary), str(getattr(jieba.dt, "user_word_tag_tab", ""))]
    for p in config_files:
        p = Path(p)
        parts.append(p.read_bytes() if p.is_file() else b"")
    return digest(*parts)


class DeferredSegmenter:
    """Material segments every title and text of the search index with jieba, one page
    after another (about 30 s per 5,000 posts). This stands in for
    `SearchIndex._segment_chinese`: cached text (by digest of text + salt) is answered
    at once, the rest gets a placeholder and is segmented in parallel in `resolve()`,
    before the index is written."""

    def __init__(self, cache: DigestCache, salt: str):
        self.cache = cache
        self.salt = salt
        self.pending: dict[str, str] = {}      # placeholder -> text

    def __call__(self, text: str) -> str:
        key = digest(self.salt, text)
        done = self.cache.get(key)
        if done is not None:
            return done
        placeholder = PLACEHOLDER.format(key)
        self.pending[placeholder] = text
        return placeholder

    def resolve(self, entries: list[dict], workers: Optional[int] = None,
                busy: Optional[Callable[[], bool]] = None) -> int:
        """Replace placeholders in index entries; returns how many texts were segmented.
        While `busy()` is true (another process still holds the other core) texts are
        segmented here one by one, the rest in parallel."""
        placeholders = list(self.pending)
        done: dict[str, str] = {}
        while busy is not None and len(done) < len(placeholders) and busy():
            for p in placeholders[len(done):len(done) + 16]:
                done[p] = _stock_segment(self.pending[p])
        rest = placeholders[len(done):]
        done.update(zip(rest, parallel_map(_stock_segment, [self.pending[p] for p in rest], workers)))
        for placeholder in placeholders:
            self.cache.put(digest(self.salt, self.pending[placeholder]), done[placeholder])
        for entry in entries:
            for field in ("title", "text"):
                value = entry.get(field)
                if isinstance(value, str) and value in done:
                    entry[field] = done[value]
        self.pending.clear()
        return len(placeholders)


def search_index_json(index) -> str:
    """Material writes the index with `json.dumps` defaults: every Han character
    becomes a 6-byte `\\uXXXX` escape (3 bytes in UTF-8). Same data, written as UTF-8."""
    config = {key: index.config[key] for key in ["lang", "separator", "pipeline", "fields"]}
    return json.dumps({"config": config, "docs": index.entries}, separators=(",", ":"), default=str,
                      ensure_ascii=False)


# ------------------------------------------------------- MkDocs: two processes ----

FORK_MIN_ENV = "ARCHIVE_FORK_MIN_PAGES"
FORK_MIN_PAGES = 400          # below this the fork is not worth it


class PageEntries:
    """Wraps `SearchIndex.add_entry_from_context` to remember each page's entries, so
    entries made in two processes can be put back in the order one process makes them;
    pages in `skip` are left to the other process."""

    def __init__(self, index):
        self.index = index
        self.stock = index.add_entry_from_context
        self.by_page: dict[str, list] = {}
        self.skip: frozenset = frozenset()
        index.add_entry_from_context = self

    def __call__(self, page):
        uri = page.file.src_uri
        if uri in self.skip:
            return
        before = len(self.index.entries)
        self.stock(page)
        self.by_page[uri] = self.index.entries[before:]

    def add_for(self, pages) -> None:
        """Index pages now (from their converted content), whoever renders them."""
        for page in pages:
            before = len(self.index.entries)
            self.stock(page)
            self.by_page[page.file.src_uri] = self.index.entries[before:]

    def merge(self, order: list[str], other: dict[str, list]) -> None:
        self.by_page.update(other)
        self.index.entries = [e for uri in order for e in self.by_page.get(uri, ())]


EMPTY_TEMPLATE = "perf-built-by-child.html"


def _quiet_skipped(uris: set[str]):
    """Drop MkDocs' "Page skipped" notice for the pages the child writes."""
    def keep(record) -> bool:
        return not (record.getMessage().startswith("Page skipped: ")
                    and record.getMessage()[14:].split("'")[1] in uris)
    return keep


class _WarningCapture:
    """Collects the child's warnings (as plain data) for the parent's strict-mode count."""

    def __init__(self):
        import logging
        self.records: list[tuple[str, int, str]] = []
        self.handler = logging.Handler(level=logging.WARNING)
        self.handler.emit = lambda r: self.records.append((r.name, r.levelno, r.getMessage()))
        logging.getLogger("mkdocs").addHandler(self.handler)


def child_pages(files) -> list:
    """Pages the second process builds: blog posts and blog listings (views). Nothing
    in the parent reads their rendered HTML; other pages stay with the parent."""
    from material.plugins.blog.structure import Post, View
    return [f.page for f in files.documentation_pages() if isinstance(f.page, (Post, View))]


class ForkedBuild:
    """MkDocs renders and writes pages one after another on one core. Once every page
    has been read and converted (on_env), a forked child renders and writes the post
    pages and the blog listings (pages nothing else reads back) with MkDocs' own
    `_build_page` and validates their anchors. The parent gives them an empty template
    (MkDocs writes nothing for empty output) and, once the sitemap and other templates
    that list every page are written, marks them excluded so its own page loop skips
    them; at on_post_build it takes back the child's search entries (in document
    order), pending segmentation, cache use and warnings. The site is the one a single
    process writes (tested byte for byte)."""

    def __init__(self, pid: int, result: Path, order: list[str], uris: set[str], pages: list):
        self.pid, self.result, self.order, self.uris, self.pages = pid, result, order, uris, pages

    status: Optional[int] = None

    def running(self) -> bool:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is None

    def exclude_from_parent(self) -> None:
        """Call after the templates that list all pages (sitemap): the parent's page loop
        and anchor validation then skip the child's pages."""
        from mkdocs.structure.files import InclusionLevel
        for page in self.pages:
            page.file.inclusion = InclusionLevel.EXCLUDED

    @classmethod
    def start(cls, child_pages: list, build_page: Callable, validate_page: Callable, env, files,
              entries: Optional[PageEntries], segmenter: Optional["DeferredSegmenter"]) -> "ForkedBuild":
        import logging

        import jinja2

        order = [f.src_uri for f in files.documentation_pages()]
        uris = {p.file.src_uri for p in child_pages}
        fd, result = tempfile.mkstemp(prefix="mkdocs-child-", suffix=".pickle")
        os.close(fd)
        if entries is not None:
            entries.skip = frozenset(uris)         # the parent indexes them (add_for), not the child
        for handler in logging.getLogger().handlers + logging.getLogger("mkdocs").handlers:
            handler.flush()
        pid = os.fork()
        if pid == 0:                                   # child: build, report, leave at once
            status, payload = 0, {}
            try:
                warnings = _WarningCapture()
                for page in child_pages:
                    build_page(page)
                for page in child_pages:
                    validate_page(page)
                payload = {"pending": dict(segmenter.pending) if segmenter else {},
                           "used": set(segmenter.cache.used) if segmenter else set(),
                           "warnings": warnings.records}
            except BaseException:                      # noqa: BLE001 - reported by the parent
                import traceback
                status, payload = 1, {"error": traceback.format_exc()}
            try:
                Path(result).write_bytes(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
            finally:
                os._exit(status)
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({EMPTY_TEMPLATE: ""}), env.loader])
        for page in child_pages:
            page.meta["template"] = EMPTY_TEMPLATE
        logging.getLogger("mkdocs.commands.build").addFilter(_quiet_skipped(uris))
        logging.getLogger("mkdocs.plugins.perf").info(f"perf: {len(uris)} pages built in a second process")
        return cls(pid, Path(result), order, uris, list(child_pages))

    def finish(self, entries: Optional[PageEntries], segmenter: Optional["DeferredSegmenter"]) -> None:
        """Wait for the child and merge what it did; raises if it failed."""
        import logging

        from mkdocs.exceptions import PluginError
        status = self.status if self.status is not None else os.waitpid(self.pid, 0)[1]
        self.status = status
        try:
            payload = pickle.loads(self.result.read_bytes()) if self.result.stat().st_size else {}
        finally:
            self.result.unlink(missing_ok=True)
        if status != 0 or "error" in payload:
            raise PluginError(f"page-building child process failed:\n{payload.get('error', f'status {status}')}")
        counters = [h for h in logging.getLogger("mkdocs").handlers if type(h).__name__ == "CountHandler"]
        for name, level, message in payload["warnings"]:
            record = logging.LogRecord(name, level, __file__, 0, message, None, None)
            for counter in counters:
                counter.handle(record)
        if entries is not None:
            entries.merge(self.order, {})
        if segmenter is not None:
            segmenter.pending.update(payload["pending"])
            segmenter.cache.used |= payload["used"]

    def abandon(self) -> None:
        if self.status is not None:
            return
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self.result.unlink(missing_ok=True)


def fork_min_pages() -> int:
    env = os.environ.get(FORK_MIN_ENV, "")
    return int(env) if env.strip().isdigit() else FORK_MIN_PAGES
