"""Speed for big archives: caches that cannot go stale, parallel work, and workarounds
for flaws of the site dependencies (MkDocs 1.6, Material 9.8) that make builds quadratic.

Every cache is keyed by a digest of *all* its inputs (the input bytes plus the code
that turns them into output), so a hit is by construction what a fresh run would
compute. Every workaround names the dependency flaw it works around; the tests in
`tests/test_perf_*.py` fail when the dependency changes the behaviour worked around.
`hooks/perf.py` wires the MkDocs side in; `generator/build.py` calls `clean_iter`.
"""
from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import re
import tempfile
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Optional, Sequence

from generator.writer import atomic_write_with

if TYPE_CHECKING:
    from generator.model import SourceRecord

CACHE_DIR = Path(".cache") / "perf"
WORKERS_ENV = "ARCHIVE_WORKERS"
PARALLEL_MIN_ITEMS = 64      # below this a process pool costs more than it saves
CLEAN_PARALLEL_MIN_FILES = 2  # cleaning one page takes a good part of a second: an editor's
                              # push (8 pages) is cleaned in parallel too


def digest(*parts: bytes | str) -> str:
    """sha256 over length-prefixed parts (so ("ab", "c") != ("a", "bc"))."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


CODE_SUFFIXES = (".py", ".pyx")


def code_fingerprint(paths: Iterable[Path]) -> str:
    """Digest of source files (Python, and Cython's `.pyx`): part of every cache key, so
    changed code never reuses results of the old code."""
    files = sorted({p for path in paths for p in (sorted(q for q in Path(path).rglob("*") if q.suffix in CODE_SUFFIXES)
                                                    if Path(path).is_dir() else [Path(path)])})
    return digest(*[part for p in files for part in (p.name, p.read_bytes())])


def worker_count() -> int:
    env = os.environ.get(WORKERS_ENV, "")
    if env.strip().isdigit():
        return max(1, int(env))
    return max(1, min(os.cpu_count() or 1, 8))


def _pool_size(workers: Optional[int], items: Sequence, min_items: int) -> int:
    """How many worker processes to fork for `items`; 0 where one process is faster or
    fork is missing."""
    workers = worker_count() if workers is None else workers
    if workers <= 1 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return workers


def parallel_map(fn: Callable, items: Sequence, workers: Optional[int] = None,
                 min_items: int = PARALLEL_MIN_ITEMS) -> list:
    """`[fn(x) for x in items]`, in worker processes when it pays (fork: children share
    the loaded code and data; `min_items`: below it one process is faster). `fn` must be
    a module-level function."""
    workers = _pool_size(workers, items, min_items)
    if not workers:
        return [fn(x) for x in items]
    chunk = max(1, len(items) // (workers * 8))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(fn, items, chunksize=chunk)


def parallel_imap(fn: Callable, items: Sequence, workers: Optional[int] = None,
                  min_items: int = PARALLEL_MIN_ITEMS, chunk: int = 4) -> Iterator:
    """`parallel_map`, yielding results in order as they come: the caller works on the
    first results while the workers compute the rest."""
    workers = _pool_size(workers, items, min_items)
    if not workers:
        yield from (fn(x) for x in items)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(fn, items, chunksize=chunk)


class DigestCache:
    """A dict digest -> value kept in one pickle file. `save()` keeps only the keys used
    since `load()`, so the file never outgrows the current archive."""

    def __init__(self, path: Path, data: Optional[dict] = None):
        self.path = Path(path)
        self.data = data or {}
        self.used: set[str] = set()
        self.added: dict = {}
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
        self.added[key] = value

    def delta(self) -> tuple:
        """Entries put, keys used and counts since `load()` (what a forked child hands back)."""
        return dict(self.added), set(self.used), self.hits, self.misses

    def merge(self, delta: tuple) -> None:
        added, used, hits, misses = delta
        self.data.update(added)
        self.added.update(added)
        self.used |= used
        self.hits += hits
        self.misses += misses

    def save(self) -> None:
        """Write the entries used since `load()`; nothing when that is what the file holds."""
        kept = {k: v for k, v in self.data.items() if k in self.used}
        if not self.added and len(kept) == len(self.data) and self.path.exists():
            return
        atomic_write_with(self.path, lambda fh: pickle.dump(kept, fh, protocol=pickle.HIGHEST_PROTOCOL))

    def release(self) -> None:
        """Drop the entries (counts stay): once saved at the end of a build they are dead
        weight while the search index is built (about 1 GB of pages at 50,000 articles)."""
        self.data, self.added, self.used = {}, {}, set()


# ------------------------------------------------------------------ cleaner ----

def _clean_one(path: str):
    """Worker: clean one page file; errors come back as values (exceptions with custom
    constructors do not survive pickling), the parent re-raises them."""
    from generator.build import clean_file
    try:
        return "ok", clean_file(Path(path)).to_dict()
    except Exception as exc:  # noqa: BLE001 - re-raised in the parent, see clean_iter
        return "error", repr(exc)


def cleaner_fingerprint() -> str:
    here = Path(__file__).resolve().parent
    return code_fingerprint([here / "cleaner", here / "model.py", here / "sources.py", here / "errors.py",
                             here / "build.py"])


class Cleaned(NamedTuple):
    """A file's record and the key it is cached under: digest(cleaner code, file name,
    bytes), of which the record is a pure function (so it can stand for the record in
    other keys: `IssueCache.key`)."""
    key: str
    record: "SourceRecord"


CLEAN_GC_THRESHOLD = 20_000
"""Allocations between young-generation collections while cleaning (Python's default: 700).
The cleaner makes many short-lived tuples and lists and no reference cycles worth chasing
often: 160 bench pages took 5 % less CPU (4.42-4.56 -> 4.15-4.19 s)."""


@contextlib.contextmanager
def fewer_collections(threshold: int = CLEAN_GC_THRESHOLD):
    """Collect the young generation less often inside the block (forked workers inherit it)."""
    old = gc.get_threshold()
    gc.set_threshold(threshold, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def clean_all(paths: Sequence[Path], cache_dir: Optional[Path]) -> list[Cleaned]:
    """The records of `paths` (same order) with their keys, cleaning only files whose
    bytes or cleaner code changed since they were last cleaned, in parallel. Bad input
    raises exactly what cleaning that file alone raises."""
    return list(clean_iter(paths, cache_dir))


def clean_iter(paths: Sequence[Path], cache_dir: Optional[Path]) -> Iterator[Cleaned]:
    """`clean_all`, yielding each file's record in order as soon as it is cleaned (the
    workers go on with the next files meanwhile). The cache is saved once every file is
    through; bad input raises when its file's turn comes."""
    from generator.build import clean_file
    from generator.model import SourceRecord

    code = cleaner_fingerprint()
    cache = DigestCache.load(Path(cache_dir) / "records.pickle") if cache_dir else DigestCache(Path("."))
    keys = [digest(code, Path(p).name, Path(p).read_bytes()) for p in paths]
    todo = {i for i, k in enumerate(keys) if cache.get(k) is None}
    with fewer_collections():
        results = parallel_imap(_clean_one, [str(paths[i]) for i in sorted(todo)],
                                min_items=CLEAN_PARALLEL_MIN_FILES)
        for i, (path, key) in enumerate(zip(paths, keys)):
            if i in todo:
                status, value = next(results)
                if status != "ok":
                    results.close()                 # stop the workers
                    clean_file(Path(path))          # raises the real InputError / ConservationError
                    raise RuntimeError(f"{path}: cleaning failed in a worker: {value}")
                cache.put(key, value)
            yield Cleaned(key, SourceRecord.from_dict(cache.data[key]))
    if cache_dir:
        cache.save()


STAMP_SETTLE_NS = 2_000_000_000
"""A post's (size, mtime) stands for its hashed bytes only once its mtime is this much
older than the check: an edit in the same clock tick as the write cannot hide."""


class IssueCache:
    """Skips re-rendering an issue whose posts on disk are exactly what the same inputs
    produced last time: key = digest(generator code, manifest, records); the issue is
    fresh only if that key is unchanged *and* every post file still has the recorded
    digest and no other post file sits in its folder (hand edits, deletions and stray
    files all force the normal path, which reports or repairs them). A post whose
    (size, mtime) is the one seen when it last hashed right is not read again.

    Posts hold no slugs, so the slug registry is not in the key (a new tag anywhere used
    to make every issue stale); rendering an issue registers its names, so a skipped
    issue replays the registrations it made, in the same order (`slug_calls`)."""

    def __init__(self, path: Path, code: str, data: Optional[dict] = None):
        self.path, self.code, self.data = Path(path), code, data or {}

    @classmethod
    def load(cls, cache_dir: Path) -> "IssueCache":
        here = Path(__file__).resolve().parent
        code = code_fingerprint([here / n for n in ("posts.py", "writer.py", "slugs.py", "model.py",
                                                    "sources.py", "build.py", "__init__.py")])
        cache = DigestCache.load(Path(cache_dir) / "issues.pickle")
        return cls(Path(cache_dir) / "issues.pickle", code, cache.data)

    def key(self, issue, record_keys: Sequence[str]) -> str:
        """`record_keys`: the `Cleaned.key` of each of the issue's files, in order."""
        manifest = (Path(issue.directory) / "issue.yml").read_bytes() if issue.directory else b""
        return digest(self.code, issue.key, manifest, *record_keys)

    def fresh(self, issue_key: str, key: str, posts_dir: Path) -> Optional[list[Path]]:
        """The issue's post paths if nothing needs doing, else None."""
        known = self.data.get(issue_key)
        if not known or known["key"] != key or "slugs" not in known or not posts_dir.is_dir():
            return None
        on_disk = {p.name for p in posts_dir.rglob("*.md")}
        if on_disk != set(known["files"]):
            return None
        stamps = known.setdefault("stamps", {})
        for name, want in known["files"].items():
            st = os.stat(posts_dir / name)
            stamp = (st.st_size, st.st_mtime_ns)
            if stamps.get(name) == stamp:
                continue                    # the bytes we hashed last time (as git's index does)
            if digest((posts_dir / name).read_bytes()) != want:
                return None
            if time.time_ns() - st.st_mtime_ns > STAMP_SETTLE_NS:
                stamps[name] = stamp        # not "racily clean": a later edit changes the stamp
        return [posts_dir / name for name in sorted(known["files"])]

    def record(self, issue_key: str, key: str, posts_dir: Path, outputs, slug_calls: list) -> None:
        self.data[issue_key] = {"key": key, "slugs": list(slug_calls), "files": {
            str(Path(path).relative_to(posts_dir)): digest(text.encode("utf-8")) for path, text in outputs}}

    def slug_calls(self, issue_key: str) -> list:
        """The registry calls (kind, name, fixed) rendering the issue made, in order."""
        return self.data[issue_key]["slugs"]

    def save(self) -> None:
        atomic_write_with(self.path, lambda fh: pickle.dump(self.data, fh, protocol=pickle.HIGHEST_PROTOCOL))


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


class DeferredMarkdown:
    """Stands in for the `markdown.Markdown` that Material builds for every post's
    excerpt when the post is read (about 0.4 ms each, tens of thousands per archive):
    registrations are kept, the parser is built the first time it is really used,
    which a cached excerpt never does."""

    def __init__(self, factory: Callable, **kwargs):
        self.__dict__.update(_factory=factory, _kwargs=kwargs, _registered=[], _real=None)

    def materialize(self):
        if self._real is None:
            real = self._factory(**self._kwargs)
            for item, name, priority in self._registered:
                real.treeprocessors.register(item, name, priority)
            self.__dict__["_real"] = real
        return self._real

    def __getattr__(self, name):
        if name == "treeprocessors" and self._real is None:
            return _RegistrationRecorder(self)
        return getattr(self.materialize(), name)


class _RegistrationRecorder:
    def __init__(self, owner: DeferredMarkdown):
        self._owner = owner

    def register(self, item, name, priority):
        self._owner._registered.append((item, name, priority))

    def __getattr__(self, name):
        return getattr(self._owner.materialize().treeprocessors, name)

    def __getitem__(self, key):
        return self._owner.materialize().treeprocessors[key]


def lead_excerpt_class(excerpt_cls):
    """Material renders each listed post's excerpt from the *whole* post Markdown when
    the post has no separator (`post_excerpt: optional`), for every listing the post
    appears in: listings cost as much as rendering every post again, and show full
    articles. This subclass renders only the lead (see `lead_markdown`) and links on.
    With `cache` set (a DigestCache) and `salt` (`markdown_salt`), a lead converted
    for a listing folder before is answered from the cache, and the excerpt's Markdown
    parser is only built when a lead has to be converted."""
    from material.plugins.blog import structure

    class LeadExcerpt(excerpt_cls):
        cache: Optional["DigestCache"] = None
        salt = ""

        def __init__(self, post, config, files):
            if self.cache is None:
                super().__init__(post, config, files)
                return
            self.__dict__["_perf_pending"] = (post, config, files)

        def _perf_materialize(self) -> None:
            """The stock set-up, done when the excerpt is first used: the blog makes one
            excerpt per post (about a second at 10,000 posts) and our listings show none.
            What the blog assigned meanwhile (authors, categories) is kept."""
            pending = self.__dict__.pop("_perf_pending", None)
            if pending is None:
                return
            post, config, files = pending
            assigned = dict(self.__dict__)
            self._perf_files = files
            stock = structure.Markdown
            structure.Markdown = lambda **kw: DeferredMarkdown(stock, **kw)
            try:
                super().__init__(post, config, files)
            finally:
                structure.Markdown = stock
            self.__dict__.update(assigned)

        def __getattr__(self, name):
            if "_perf_pending" in self.__dict__:
                self._perf_materialize()
                return getattr(self, name)
            raise AttributeError(name)

        def render(self, page, separator):
            self._perf_materialize()
            full = self.post.markdown
            lead, cut = lead_markdown(full, separator)
            if self.cache is None:
                self._stock_render(page, separator, lead)
            else:
                self._cached_render(page, separator, lead)
            if cut:
                self.more = self.more or "\n"

        def _stock_render(self, page, separator, lead):
            full = self.post.markdown
            self.post.markdown = lead
            try:
                super().render(page, separator)
            finally:
                self.post.markdown = full

        def _cached_render(self, page, separator, lead):
            """Two keys: the lead's own inputs name the URLs its links point to (the post
            and the files its links found); the excerpt is then looked up by those
            URLs made relative to the listing, the only thing of the listing it shows."""
            from mkdocs.structure.toc import get_toc
            from mkdocs.utils import get_relative_url
            lead_key = digest(self.salt, self.post.file.src_uri, self.post.url, str(self.post.title),
                              str(self.post._title_from_render), separator, lead, str(self.file.inclusion))
            targets = self.cache.get("targets:" + lead_key)
            hit = None
            if targets is not None:
                hit = self.cache.get(digest(lead_key, *[get_relative_url(t, page.url) for t in targets]))
            if hit is not None and lookups_still_hold(hit["lookups"], self._perf_files):
                self.markdown, self.content, self.toc = hit["markdown"], hit["content"], get_toc(hit["toc_tokens"])
                if hit["more"]:
                    self.more = hit["more"]
                replay_logs(hit["logs"])
                return
            relpath = self.md.treeprocessors[self.md.treeprocessors.get_index_for_name("relpath")]
            recording, more_before, tokens = _RecordingFiles(relpath.files), self.more, []
            relpath.files, self.more = recording, None
            try:
                with _LogCapture() as logs, _capture_toc_tokens(tokens, structure):
                    self._stock_render(page, separator, lead)
            finally:
                relpath.files = recording._files
            split_more = self.more
            self.more = split_more if split_more else more_before
            targets = [self.post.url] + [state[1] for _, state in recording.lookups if state is not None]
            self.cache.put("targets:" + lead_key, targets)
            self.cache.put(digest(lead_key, *[get_relative_url(t, page.url) for t in targets]), {
                "markdown": self.markdown, "content": self.content, "more": split_more,
                "toc_tokens": tokens[-1] if tokens else [], "lookups": recording.lookups,
                "logs": [(r.name, r.levelno, r.getMessage()) for r in logs.records]})

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


RENDER_OVER_CACHED = 2.5      # a page rendered by Jinja costs about this many cached pages
COLD_SHARDS_PER_POST = 0.15   # a cold build's search index at the end of the parent, per post, in
                              # cached pages (10,000 posts: the second process was 2.5-3 s ahead
                              # without it; a push is balanced without it, 3.7 s off with it)
BALANCE_ENV = "ARCHIVE_FORK_BALANCE"   # "0": the second process takes every post
BALANCE_FILE = "fork-balance.json"
BALANCE_DAMPING = 0.5         # part of the measured gap corrected per build (timings are noisy)
BALANCE_LIMIT = 0.25          # the correction never moves more than this share of the posts


def split_mode(cached_pages: bool) -> str:
    return "cached" if cached_pages else "cold"


def _balance_path(cache_root: Path) -> Path:
    return Path(cache_root) / CACHE_DIR / BALANCE_FILE


def load_balance(cache_root: Path) -> dict:
    """The learnt corrections of the split, per mode: a share of the posts to move to the
    second process (negative: to the first)."""
    try:
        data = json.loads(_balance_path(cache_root).read_text(encoding="utf-8"))
        return {k: max(-BALANCE_LIMIT, min(BALANCE_LIMIT, float(v)))
                for k, v in data.items() if isinstance(v, (int, float))}
    except (OSError, ValueError, AttributeError):
        return {}


def save_balance(cache_root: Path, balance: dict) -> None:
    path = _balance_path(cache_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_with(path, lambda fh: fh.write(json.dumps(balance, sort_keys=True).encode("utf-8")))


def corrected_share(share: float, child_seconds: float, parent_seconds: float, child_pages: int,
                    posts: int) -> float:
    """The share correction after a build whose second process took `child_seconds` for
    its `child_pages` pages and whose first took `parent_seconds` for the rest: move half
    of the gap (damped) at the second process's measured cost per page."""
    if child_pages <= 0 or posts <= 0 or child_seconds <= 0:
        return share
    per_page = child_seconds / child_pages
    move = (parent_seconds - child_seconds) / 2 / per_page * BALANCE_DAMPING
    return max(-BALANCE_LIMIT, min(BALANCE_LIMIT, share + move / posts))


def child_pages(files, cached_pages: bool = False, correction: float = 0.0) -> list:
    """Pages the second process builds: the blog listings (views) and as many blog posts
    as even out the two processes' work; the parent keeps the other pages (edition
    pages, home …) and the rest of the posts, and builds the search index at the end.
    Nothing in the parent reads the rendered HTML of either. With `cached_pages` (the
    page cache holds the last build) a post is counted as cheap, listings always render.
    The estimate is then moved by `correction` (a share of the posts, learnt from the
    last builds' timings: `corrected_share`)."""
    from material.plugins.blog.structure import Post, View
    pages = [f.page for f in files.documentation_pages()]
    posts = [p for p in pages if isinstance(p, Post)]
    views = [p for p in pages if isinstance(p, View) and not isinstance(p, Post)]
    others = len(pages) - len(posts) - len(views)
    render, post = RENDER_OVER_CACHED, 1.0 if cached_pages else RENDER_OVER_CACHED
    shards = 0.0 if cached_pages else COLD_SHARDS_PER_POST
    share = round((others * render + len(posts) * (post + shards) - len(views) * render) / (2 * post)
                  + correction * len(posts))
    if os.environ.get(BALANCE_ENV, "1").strip() == "0":
        share = len(posts)                                # every post to the child
    chosen = {id(p) for p in views + posts[:max(0, min(len(posts), share))]}
    return [p for p in pages if id(p) in chosen]


def _fork_child(prefix: str, work: Callable[[], dict]) -> tuple[int, Path]:
    """Fork a child that runs `work` and pickles what it returns to a temp file (or
    `{"error": traceback}` with exit status 1), then leaves at once. Returns its pid and
    that file (read with `_child_result`)."""
    import logging
    fd, result = tempfile.mkstemp(prefix=prefix, suffix=".pickle")
    os.close(fd)
    for handler in logging.getLogger().handlers + logging.getLogger("mkdocs").handlers:
        handler.flush()
    pid = os.fork()
    if pid == 0:
        status, payload = 0, {}
        try:
            payload = work()
        except BaseException:                      # noqa: BLE001 - reported by the parent
            import traceback
            status, payload = 1, {"error": traceback.format_exc()}
        try:
            with open(result, "wb") as fh:            # streamed: no second copy of the pages
                pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(status)
    return pid, Path(result)


def _child_result(pid: int, result: Path, status: Optional[int] = None) -> tuple[int, dict]:
    """Wait for a `_fork_child` (unless its exit status is known), read and remove its file."""
    if status is None:
        status = os.waitpid(pid, 0)[1]
    try:
        payload = {}
        if result.stat().st_size:
            with open(result, "rb") as fh:
                payload = pickle.load(fh)
    finally:
        result.unlink(missing_ok=True)
    return status, payload


def _kill_child(pid: int, result: Path) -> None:
    """A build failed: stop a forked child and drop its result file."""
    try:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    result.unlink(missing_ok=True)


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
    caches: dict = {}
    started = 0.0
    child_seconds = parent_seconds = 0.0     # known after `finish`

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
              entries: Optional[PageEntries], segmenter: Optional["DeferredSegmenter"],
              caches: Optional[dict] = None) -> "ForkedBuild":
        import logging

        import jinja2

        order = [f.src_uri for f in files.documentation_pages()]
        uris = {p.file.src_uri for p in child_pages}
        if entries is not None:
            entries.skip = frozenset(uris)         # the parent indexes them (add_for), not the child
        started = time.monotonic()

        def build() -> dict:                           # in the child: build, report
            for cache in (caches or {}).values():      # hand back only what the child does
                cache.added, cache.hits, cache.misses = {}, 0, 0
            if PreviousSite.current is not None:
                PreviousSite.current.reused = 0
            warnings = _WarningCapture()
            for page in child_pages:
                build_page(page)
            for page in child_pages:
                validate_page(page)
            return {"pending": dict(segmenter.pending) if segmenter else {},
                    "used": set(segmenter.cache.used) if segmenter else set(),
                    "warnings": warnings.records,
                    "caches": {name: cache.delta() for name, cache in (caches or {}).items()},
                    "seconds": time.monotonic() - started,
                    "reused": PreviousSite.current.reused if PreviousSite.current else 0}

        pid, result = _fork_child("mkdocs-child-", build)
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({EMPTY_TEMPLATE: ""}), env.loader])
        for page in child_pages:
            page.meta["template"] = EMPTY_TEMPLATE
        logging.getLogger("mkdocs.commands.build").addFilter(_quiet_skipped(uris))
        logging.getLogger("mkdocs.plugins.perf").info(f"perf: {len(uris)} pages built in a second process")
        fork = cls(pid, result, order, uris, list(child_pages))
        fork.caches, fork.started = caches or {}, started
        return fork

    def finish(self, entries: Optional[PageEntries], segmenter: Optional["DeferredSegmenter"]) -> None:
        """Wait for the child and merge what it did; raises if it failed."""
        import logging

        from mkdocs.exceptions import PluginError
        waited = time.monotonic()
        own = waited - self.started
        status, payload = _child_result(self.pid, self.result, self.status)
        waited = time.monotonic() - waited
        self.status = status
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
        for name, delta in payload.get("caches", {}).items():
            if name in self.caches:
                self.caches[name].merge(delta)
        if PreviousSite.current is not None:
            PreviousSite.current.reused += payload.get("reused", 0)
        self.child_seconds, self.parent_seconds = payload.get("seconds", 0.0), own
        logging.getLogger("mkdocs.plugins.perf").info(
            f"perf: second process took {self.child_seconds:.1f} s for {len(self.pages)} pages; "
            f"the first took {own:.1f} s for the rest, then waited {waited:.1f} s for it")

    def abandon(self) -> None:
        if self.status is None:
            _kill_child(self.pid, self.result)


PRECONVERT_MIN_ENV = "ARCHIVE_PRECONVERT_MIN_PAGES"
PRECONVERT_MIN_PAGES = 1000   # pages to convert before a second process pays for its start


class PreConversion:
    """A cold build reads and converts every page's Markdown one after another in one
    process (about 20 s at 10,000 articles) before the page-building fork can start.

    At on_nav a forked child converts pages from the last one backwards with MkDocs' own
    steps (`_populate_page` up to `Page.render`: pre-page and page-markdown events,
    reading, converting), only to fill the Markdown cache, while the parent reads and
    converts from the first page on as usual. Each claims a page under a lock before
    converting it, so they meet wherever their speeds put them (pages differ in cost).
    At the first page the child has claimed, the parent waits for the child's cache
    entries; its own `Page.render` of those pages then answers from the cache under the
    same full key (the Markdown after every page-markdown event, URLs, configuration),
    with lookups checked and warnings replayed as on any hit. The parent still runs
    every event for every page; if the child fails, it converts those pages itself."""

    def __init__(self, pid: int, result: Path, pages: list, claims, lock):
        self.pid, self.result, self.claims, self.lock = pid, result, claims, lock
        self.index = {p.file.src_uri: i for i, p in enumerate(pages)}
        self.started = time.monotonic()
        self.done = False

    @classmethod
    def start(cls, pages: list, config, files, cache: "DigestCache") -> "PreConversion":
        import logging
        context = multiprocessing.get_context("fork")
        claims = context.RawArray("q", [0, len(pages)])   # [parent's next page, child's lowest page]
        lock = context.Lock()
        started = time.monotonic()

        def convert() -> dict:                         # in the child: convert, hand back the entries
            for name in ("", "mkdocs"):                   # say nothing: the parent replays on its hits
                logger = logging.getLogger(name)
                for handler in list(logger.handlers):
                    logger.removeHandler(handler)
            logging.getLogger("mkdocs").propagate = False
            cache.added = {}
            while True:
                with lock:
                    j = claims[1] - 1
                    if j < claims[0]:
                        break                             # the parent is there already
                    claims[1] = j
                page = config._current_page = pages[j]
                page = config.plugins.on_pre_page(page, config=config, files=files)
                page.read_source(config)
                page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config,
                                                                files=files)
                page.render(config, files)
            return {"added": cache.added, "seconds": time.monotonic() - started, "pages": len(pages) - claims[1]}

        pid, result = _fork_child("mkdocs-convert-", convert)
        return cls(pid, result, pages, claims, lock)

    def claim(self, page) -> bool:
        """The parent is about to read `page`: True if it converts it itself, False if the
        child has claimed it (then the child's entries are in the cache once `take` returns)."""
        i = self.index.get(page.file.src_uri)
        if i is None or self.done:
            return True
        with self.lock:
            if i < self.claims[1]:
                self.claims[0] = i + 1
                return True
        return False

    def take(self, cache: "DigestCache") -> None:
        """Stop the child at the parent's position, wait for it and add its conversions to
        the cache (once)."""
        import logging
        if self.done:
            return
        self.done = True
        with self.lock:
            self.claims[0] = len(self.index)               # whatever the child has not begun stays here
        own = time.monotonic() - self.started
        waited = time.monotonic()
        status, payload = _child_result(self.pid, self.result)
        waited = time.monotonic() - waited
        added = payload.get("added", {}) if status == 0 else {}   # failed: the parent converts them itself
        cache.data.update(added)        # entries only: used and counted when the parent hits them
        logging.getLogger("mkdocs.plugins.perf").info(
            f"perf: {payload.get('pages', 0)} of {len(self.index)} pages converted in a second process"
            f"{'' if status == 0 else ' (it failed: converted here)'} in {payload.get('seconds', 0):.1f} s; "
            f"the first converted the rest in {own:.1f} s, then waited {waited:.1f} s for it")

    def abandon(self) -> None:
        if not self.done:
            self.done = True
            _kill_child(self.pid, self.result)


def preconvert_min_pages() -> int:
    env = os.environ.get(PRECONVERT_MIN_ENV, "")
    return int(env) if env.strip().isdigit() else PRECONVERT_MIN_PAGES


def fork_min_pages() -> int:
    env = os.environ.get(FORK_MIN_ENV, "")
    return int(env) if env.strip().isdigit() else FORK_MIN_PAGES


# ------------------------------------------------- MkDocs: render caches (push) ----
#
# An editor's push adds one issue to an archive of thousands of articles, yet MkDocs
# converts every page's Markdown and renders every page's template again. The caches
# below answer a page from the last build only when *every* input of the step is the
# same: the key is a digest of those inputs (text, URLs, configuration, template files,
# the versions of the libraries and our own code), and whatever the step looked up or
# logged is recorded and checked (lookups) or replayed (warnings) on a hit.

RENDER_PACKAGES = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material", "jinja2", "markupsafe")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_MAX_DEPTH = 6


def library_versions(names: Iterable[str] = RENDER_PACKAGES) -> str:
    """Installed versions of the packages whose code (and shipped templates) renders pages."""
    from importlib.metadata import PackageNotFoundError, version
    out = []
    for name in names:
        try:
            out.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}==absent")
    return ";".join(out)


def files_fingerprint(folder: Path) -> str:
    """Digest of every file under a folder (names and bytes): template overrides."""
    folder = Path(folder)
    if not folder.is_dir():
        return digest("absent")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return digest(*[part for p in files for part in (p.relative_to(folder).as_posix(), p.read_bytes())])


def _is_page_like(value) -> bool:
    return hasattr(value, "file") and hasattr(value, "url") and hasattr(value, "title") \
        and not isinstance(value, type)


def page_ref(page) -> list:
    """A page as other pages show it: its kind, title and URL."""
    return ["page", type(page).__qualname__, page.title, page.url]


def stable(value, depth: int = 0, path: Optional[set] = None):
    """A JSON-able, address-free picture of a value, equal for equal inputs across runs.
    Pages and files met inside are named by title and URL (what a template shows of a
    page it links to); code by module and name; plain objects by their attributes."""
    import datetime as _dt
    import enum
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return ["bytes", digest(value)]
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        return [type(value).__name__, str(value)]
    if isinstance(value, enum.Enum):
        return ["enum", type(value).__qualname__, str(value.value)]
    path = path or set()
    if id(value) in path:
        return ["cycle"]
    if type(value).__name__ == "File" and hasattr(value, "src_uri"):
        return ["file", value.src_uri, value.url, value.dest_uri]
    if _is_page_like(value) and depth > 0:
        return page_ref(value)
    if callable(value) and (hasattr(value, "__qualname__") or hasattr(value, "__func__")):
        fn = getattr(value, "__func__", value)
        return ["code", getattr(fn, "__module__", "?"), getattr(fn, "__qualname__", repr(fn))]
    if type(value).__name__ == "module":
        return ["module", value.__name__]
    path = path | {id(value)}
    from collections.abc import Mapping
    if isinstance(value, Mapping):
        return ["map", sorted(([str(k), stable(v, depth + 1, path)] for k, v in value.items()),
                              key=lambda kv: kv[0])]
    if isinstance(value, (list, tuple)):
        return [stable(v, depth + 1, path) for v in value]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted(json.dumps(stable(v, depth + 1, path), sort_keys=True, default=str)
                              for v in value)]
    if depth < _MAX_DEPTH and hasattr(value, "__dict__"):
        return ["obj", type(value).__qualname__, stable(vars(value), depth + 1, path)]
    return ["obj", type(value).__qualname__, _ADDRESS.sub("", repr(value))]


def _json_default(value):
    """`json.dumps` fallback for what JSON has no type for, the same pictures as `stable`
    (one level at a time: the C encoder does the walking)."""
    import datetime as _dt
    import enum
    from collections.abc import Mapping
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        return [type(value).__name__, str(value)]
    if isinstance(value, enum.Enum):
        return ["enum", type(value).__qualname__, str(value.value)]
    if isinstance(value, bytes):
        return ["bytes", digest(value)]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted(stable_json(v) for v in value)]
    if type(value).__name__ == "File" and hasattr(value, "src_uri"):
        return ["file", value.src_uri, value.url, value.dest_uri]
    if _is_page_like(value):
        return page_ref(value)
    if isinstance(value, Mapping):
        return ["map", {str(k): v for k, v in value.items()}]
    if callable(value) and (hasattr(value, "__qualname__") or hasattr(value, "__func__")):
        fn = getattr(value, "__func__", value)
        return ["code", getattr(fn, "__module__", "?"), getattr(fn, "__qualname__", repr(fn))]
    if type(value).__name__ == "module":
        return ["module", value.__name__]
    if hasattr(value, "__dict__"):
        return ["obj", type(value).__qualname__, vars(value)]
    return ["obj", type(value).__qualname__, _ADDRESS.sub("", repr(value))]


def stable_json(value) -> str:
    """`json.dumps(stable(value))`, fast: the C encoder with `_json_default`; values it
    cannot take that way (cycles, mixed key types) go through `stable`."""
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError, RecursionError):
        return json.dumps(stable(value), sort_keys=True, ensure_ascii=False, default=str)


def stable_digest(*values) -> str:
    return digest(*[stable_json(v) for v in values])


def config_fingerprint(config) -> str:
    """Every configuration value a page can depend on: the config items, each plugin's
    own config (not the plugins' build state), the theme's settings. The project's own
    folder is named relatively, so a moved or copied project keeps its caches."""
    items = {}
    for key in config.keys():
        value = config[key]
        if key == "plugins":
            value = {name: dict(plugin.config) if hasattr(plugin, "config") else stable(plugin)
                     for name, plugin in value.items()}     # hooks are modules: their code is in the chrome digest
        elif key == "theme":
            value = {"name": value.name, "dirs": [str(d) for d in value.dirs],
                     "static_templates": sorted(value.static_templates),
                     "vars": {k: value[k] for k in value}}
        items[key] = value
    text = stable_json(items)
    root = os.path.dirname(os.path.abspath(config.config_file_path or "."))
    return digest(text.replace(json.dumps(root)[1:-1], "<project>"))


def nav_tree(items) -> list:
    """The navigation as the templates walk it: kind, title, URL, children."""
    out = []
    for item in items or ():
        children = getattr(item, "children", None)
        out.append([type(item).__qualname__, item.title, getattr(item, "url", None),
                    nav_tree(children) if children else None])
    return out


def toc_tree(toc) -> list:
    return [[a.title, a.id, a.level, a.url, toc_tree(a.children)] for a in (toc or ())]


# MkDocs' Page attributes a page template never reads, or reads through another field:
# the build date (only sitemap.xml, a theme template, prints it; tested in
# tests/test_perf_workarounds.py), the Markdown source (its HTML `content` is the input),
# the blog excerpt (used by listings, not by the post's own page).
PAGE_FIELDS_NOT_RENDERED = frozenset({"update_date", "markdown", "excerpt"})


def page_fingerprint(page) -> list:
    """What a page template can read of the page itself."""
    fields = {k: v for k, v in vars(page).items() if k not in PAGE_FIELDS_NOT_RENDERED}
    fields["toc"] = toc_tree(page.toc)
    parent, ancestors = getattr(page, "parent", None), []
    while parent is not None and len(ancestors) < 32:
        ancestors.append(page_ref(parent) if _is_page_like(parent) else [type(parent).__qualname__,
                                                                          getattr(parent, "title", None)])
        parent = getattr(parent, "parent", None)
    return [type(page).__qualname__, page.title, page.url, page.is_homepage, ancestors, fields]


# context entries that are the same for every page of one build (part of the build's
# chrome digest instead) or never rendered
CONTEXT_GLOBAL = frozenset({"nav", "pages", "config", "build_date_utc", "page"})


def page_render_key(chrome: str, template_name: str, context) -> str:
    """Key of one page's rendered HTML: the build's chrome digest, the template, every
    per-page context value, and the page itself."""
    extras = {k: v for k, v in context.items() if k not in CONTEXT_GLOBAL}
    return stable_digest(chrome, template_name, extras, page_fingerprint(context["page"]))


def chrome_fingerprint(config, nav, code_dirs: Iterable[Path]) -> str:
    """Digest of what every page shares: library versions (Material's templates ship
    with its version), our hook and generator code, the theme override files, the
    configuration and the navigation."""
    custom = config.theme.custom_dir if hasattr(config.theme, "custom_dir") else None
    theme_dirs = [Path(d) for d in config.theme.dirs]
    site_packages = {Path(__file__).resolve().parents[1]}
    own_dirs = [d for d in theme_dirs if "site-packages" not in d.parts and d.resolve() not in site_packages]
    if custom:
        own_dirs.append(Path(custom))
    return digest(library_versions(), code_fingerprint(code_dirs),
                  *[files_fingerprint(d) for d in sorted(set(own_dirs))],
                  config_fingerprint(config), json.dumps(nav_tree(nav.items), ensure_ascii=False, default=str),
                  json.dumps(page_ref(nav.homepage) if getattr(nav, "homepage", None) else None,
                             ensure_ascii=False, default=str))


class CachedTemplate:
    """Stands in for a page template: answers `render(context)` from the cache when the
    key (`page_render_key`) matches, else renders and stores. Only pages `cacheable`
    accepts are cached (blog listings are not: they show other pages' excerpts)."""

    def __init__(self, template, name: str, cache: "DigestCache", chrome: str, cacheable: Callable):
        self._template, self._name, self._cache = template, name, cache
        self._chrome, self._cacheable = chrome, cacheable

    def __getattr__(self, name):
        return getattr(self._template, name)

    def render(self, *args, **kwargs):
        context = args[0] if len(args) == 1 and not kwargs else None
        page = context.get("page") if isinstance(context, dict) else None
        if page is None or not self._cacheable(page):
            return self._template.render(*args, **kwargs)
        key = page_render_key(self._chrome, self._name, context)
        hit = self._cache.get(key)
        if hit is not None:
            return zlib.decompress(hit).decode("utf-8")
        output = self._template.render(context)
        self._cache.put(key, zlib.compress(output.encode("utf-8"), 1))
        return output


def template_bytecode_cache(root: Path, env):
    """Jinja's own cache of compiled templates (~0.2 s of parsing Material's templates in
    each process). Jinja keys it by template name and file and checks the source's digest,
    and writes it atomically (the two processes cannot tear it); what else decides the
    compiled code (Jinja's version, the environment's syntax options and extensions)
    names the folder."""
    import jinja2
    options = [jinja2.__version__, sorted(env.extensions), env.autoescape if isinstance(env.autoescape, bool)
               else getattr(env.autoescape, "__qualname__", repr(env.autoescape))]
    options += [getattr(env, name) for name in ("block_start_string", "block_end_string", "variable_start_string",
                                                 "variable_end_string", "comment_start_string", "comment_end_string",
                                                 "line_statement_prefix", "line_comment_prefix", "trim_blocks",
                                                 "lstrip_blocks", "newline_sequence", "keep_trailing_newline",
                                                 "optimized", "is_async")]
    folder = Path(root) / CACHE_DIR / "jinja" / digest(repr(options))[:16]
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def cache_page_templates(env, cache: "DigestCache", chrome: str, cacheable: Callable,
                         skip: Iterable[str] = ()) -> None:
    """Make `env.get_template` hand out `CachedTemplate`s (except the names in `skip`)."""
    stock = env.get_template
    skip = frozenset(skip)

    def get_template(name, *args, **kwargs):
        template = stock(name, *args, **kwargs)
        if not isinstance(name, str) or name in skip:
            return template
        return CachedTemplate(template, name, cache, chrome, cacheable)
    env.get_template = get_template


# ------------------------------------------------------- Markdown conversion cache ----

class _RecordingFiles:
    """Passes lookups through to MkDocs' `Files`, noting each path and what it found,
    so a cached conversion can check its links still resolve to the same files."""

    def __init__(self, files):
        self._files = files
        self.lookups: list[tuple] = []

    def get_file_from_path(self, path):
        found = self._files.get_file_from_path(path)
        self.lookups.append((path, file_state(found)))
        return found

    def __getattr__(self, name):
        return getattr(self._files, name)

    def __iter__(self):
        return iter(self._files)

    def __len__(self):
        return len(self._files)


def file_state(file) -> Optional[tuple]:
    if file is None:
        return None
    return (file.src_uri, file.url, file.dest_uri, str(file.inclusion))


class _LogCapture:
    """Records what MkDocs logs while a step runs (to replay it on a cache hit)."""

    def __init__(self):
        import logging
        self.records: list = []
        self.handler = logging.Handler(level=logging.DEBUG)
        self.handler.emit = self.records.append
        self.logger = logging.getLogger("mkdocs")

    def __enter__(self):
        self.logger.addHandler(self.handler)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)


def replay_logs(records: list) -> None:
    import logging
    for name, level, message in records:
        logging.getLogger(name).log(level, message)


def markdown_salt(config) -> str:
    """Everything besides the page that decides its HTML: the Markdown extensions and
    their configuration, link validation settings, URL style, library versions, and
    whether MkDocs records links to anchors (it does unless logging at DEBUG)."""
    import logging
    records_anchor_links = logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG
    return stable_digest(library_versions(), code_fingerprint([Path(__file__)]),
                         config["markdown_extensions"], config["mdx_configs"],
                         config["use_directory_urls"], config["validation"], config["site_url"],
                         records_anchor_links)


def markdown_key(salt: str, page) -> str:
    return digest(salt, type(page).__qualname__, page.file.src_uri, page.file.url, page.file.dest_uri,
                  str(page.file.inclusion), page.markdown)


def lookups_still_hold(lookups: list, files) -> bool:
    return all(file_state(files.get_file_from_path(path)) == state for path, state in lookups)


def cached_page_render(stock_render: Callable, cache: "DigestCache", salt: str) -> Callable:
    """A replacement for `mkdocs.structure.pages.Page.render` that converts a page's
    Markdown once and answers later builds from the cache: content, table of contents,
    title found in the text, anchors, links to anchors; link lookups are checked and
    warnings replayed on a hit."""
    from mkdocs.structure.toc import get_toc

    def render(page, config, files):
        if page.markdown is None:
            return stock_render(page, config, files)
        key = markdown_key(salt, page)
        hit = cache.get(key)
        if hit is not None and lookups_still_hold(hit["lookups"], files):
            page.content = hit["content"]
            page.toc = get_toc(hit["toc_tokens"])
            page._title_from_render = hit["title"]
            page.present_anchor_ids = set(hit["anchors"])
            if "links_to_anchors" in hit:
                page.links_to_anchors = {files.get_file_from_path(uri): dict(links)
                                         for uri, links in hit["links_to_anchors"].items()}
            replay_logs(hit["logs"])
            return
        recording = _RecordingFiles(files)
        tokens = []
        with _LogCapture() as logs, _capture_toc_tokens(tokens):
            stock_render(page, config, recording)
        value = {"content": page.content, "toc_tokens": tokens[-1] if tokens else [],
                 "title": page._title_from_render, "anchors": sorted(page.present_anchor_ids or ()),
                 "lookups": recording.lookups,
                 "logs": [(r.name, r.levelno, r.getMessage()) for r in logs.records]}
        if page.links_to_anchors is not None and hasattr(page, "links_to_anchors"):
            value["links_to_anchors"] = {f.src_uri: dict(links) for f, links in page.links_to_anchors.items()}
        cache.put(key, value)
    render.perf_cached = True
    return render


class _capture_toc_tokens:
    """While converting, remember the `toc_tokens` MkDocs builds its TableOfContents from
    (plain data, so a hit rebuilds the same table with MkDocs' own `get_toc`), by
    wrapping `get_toc` in the module that calls it."""

    def __init__(self, sink: list, module=None):
        self.sink, self.module = sink, module

    def __enter__(self):
        from mkdocs.structure import pages
        pages = self.module or pages
        self.pages, self.stock = pages, pages.get_toc
        sink = self.sink

        def get_toc(tokens):
            sink.append(copy.deepcopy(tokens))
            return self.stock(tokens)
        pages.get_toc = get_toc
        return self

    def __exit__(self, *exc):
        self.pages.get_toc = self.stock


# ------------------------------------------------------------- installing them ----

RENDER_CACHES = ("frontmatter", "markdown", "excerpts", "pages")
RENDER_CACHE_ENV = "ARCHIVE_RENDER_CACHE"      # "0" turns the render caches off


def render_caches_enabled() -> bool:
    return os.environ.get(RENDER_CACHE_ENV, "1").strip() != "0"


def load_render_caches(root: Path) -> dict:
    return {name: DigestCache.load(Path(root) / CACHE_DIR / f"{name}.pickle") for name in RENDER_CACHES}


# Markdown extensions that read other files while converting (their bytes are not in
# the key): with any of them configured, pages are converted every time.
FILE_READING_EXTENSIONS = frozenset({"pymdownx.snippets", "markdown_include.include", "mdx_include",
                                     "pymdownx.include"})


def markdown_cache_allowed(config) -> bool:
    names = {e if isinstance(e, str) else f"{type(e).__module__}" for e in config["markdown_extensions"]}
    return not any(name == ext or name.startswith(ext) for name in names for ext in FILE_READING_EXTENSIONS)


MARKDOWN_POOL_ENV = "ARCHIVE_MARKDOWN_POOL"      # "0": a new parser per page, as MkDocs does


class MarkdownPool:
    """Stands in for the `markdown` module in `mkdocs.structure.pages`.

    MkDocs 1.6's `Page.render` builds a new `markdown.Markdown` for every page: the
    extensions are set up and the parser built again, about 0.2 ms of a 0.4 ms article
    conversion, 13,000 times in a 10,000-article build. Python-Markdown's documented way
    to convert many documents is one instance and `reset()` between them. So `Markdown(...)`
    hands back one instance per extension configuration, reset; the per-page processors
    MkDocs then registers replace the last page's under the same names, in the same order."""

    def __init__(self, module):
        self._module = module
        self._instances: dict = {}

    def Markdown(self, *args, **kwargs):  # noqa: N802 - the name MkDocs calls
        if args or set(kwargs) - {"extensions", "extension_configs"}:
            return self._module.Markdown(*args, **kwargs)
        extensions = list(kwargs.get("extensions") or [])
        configs = kwargs.get("extension_configs") or {}
        key = (tuple(e if isinstance(e, str) else id(e) for e in extensions), stable_json(configs))
        entry = self._instances.get(key)
        if entry is None:
            md = self._module.Markdown(**kwargs)
            self._instances[key] = (extensions, md)      # (keeps extension objects alive: ids stay theirs)
            return md
        return entry[1].reset()

    def __getattr__(self, name):
        return getattr(self._module, name)


def markdown_pool_enabled() -> bool:
    return os.environ.get(MARKDOWN_POOL_ENV, "1").strip() != "0"


def install_markdown_pool() -> None:
    from mkdocs.structure import pages
    if not isinstance(pages.markdown, MarkdownPool):
        pages.markdown = MarkdownPool(pages.markdown)


def uninstall_markdown_pool() -> None:
    from mkdocs.structure import pages
    if isinstance(pages.markdown, MarkdownPool):
        pages.markdown = pages.markdown._module


def install_markdown_cache(cache: "DigestCache", salt: str) -> None:
    """Route every page's Markdown conversion through the cache (undo: `uninstall_render_caches`)."""
    from mkdocs.structure.pages import Page
    stock = getattr(Page.render, "perf_stock", Page.render)
    render = cached_page_render(stock, cache, salt)
    render.perf_stock = stock
    Page.render = render


def markdown_cache_installed() -> bool:
    from mkdocs.structure.pages import Page
    return getattr(Page.render, "perf_cached", False)


def install_lead_excerpts(cache: Optional["DigestCache"], salt: str):
    """Material's blog makes `Excerpt`s by the name in its plugin module: make them
    lead excerpts (cached when `cache` is given). Returns the class."""
    from material.plugins.blog import plugin
    stock = getattr(plugin.Excerpt, "perf_stock", plugin.Excerpt)
    lead = lead_excerpt_class(stock)
    lead.cache, lead.salt, lead.perf_stock = cache, salt, stock
    plugin.Excerpt = lead
    return lead


class CachedYaml:
    """Stands in for the `yaml` module in Material's blog structure, which parses every
    post's front matter when the posts are read (about a third of reading 10,000
    posts): `load` answers from the cache by digest of the text, the loader and
    PyYAML's version, as a fresh copy (plugins change `page.meta` later)."""

    def __init__(self, module, cache: "DigestCache"):
        self._module, self._cache = module, cache

    def load(self, stream, Loader):                   # noqa: N803 - PyYAML's own name
        if not isinstance(stream, str):
            return self._module.load(stream, Loader)
        key = digest(self._module.__version__, f"{Loader.__module__}.{Loader.__qualname__}", stream)
        hit = self._cache.get(key)
        if hit is not None:
            return pickle.loads(hit)
        value = self._module.load(stream, Loader)
        self._cache.put(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value

    def __getattr__(self, name):
        return getattr(self._module, name)


def install_frontmatter_cache(cache: "DigestCache") -> None:
    from material.plugins.blog import structure
    module = getattr(structure.yaml, "_module", structure.yaml)
    structure.yaml = CachedYaml(module, cache)
    stock = getattr(structure.PostConfig, "perf_stock", structure.PostConfig)
    structure.PostConfig = cached_post_config_class(stock, cache)


_PLAIN_SCALARS = (str, int, float, bool, type(None), _dt.date)


def _plain_post_settings(patch: dict) -> bool:
    """Settings whose validation depends on nothing but their values and changes nothing
    outside the config (a `date:` mapping is rewritten in place, `links:` builds a nav)."""
    return "links" not in patch and all(
        isinstance(v, _PLAIN_SCALARS) or (isinstance(v, list) and all(isinstance(x, _PLAIN_SCALARS) for x in v))
        for v in patch.values())


def cached_post_config_class(stock, cache: "DigestCache"):
    """Material's blog builds and validates a `PostConfig` (a MkDocs `Config`) for every
    post on every build, about a second at 10,000 posts. This subclass answers a post
    whose settings were validated before with the validated values, by digest of the
    settings and of Material's and MkDocs' versions; settings with warnings or errors,
    and any that `_plain_post_settings` refuses, always go the stock way."""
    import material
    import mkdocs
    from material.plugins.blog.structure.options import DateDict as date_dict

    salt = digest("post-config", material.__version__, mkdocs.__version__)
    blank: dict = {}

    class CachedPostConfig(stock):
        perf_stock = stock
        _perf_key: Optional[str] = None     # digest of this post's settings, when they can be cached
        _perf_hit: Optional[bytes] = None   # their validated values from the cache

        def __init__(self, config_file_path=None):
            if not blank:
                stock.__init__(self, config_file_path)
                blank.update(self.__dict__, data=dict(self.data))   # not this post's dict: load_dict fills it
                return
            self.__dict__.update(blank)                # as stock __init__ leaves it: defaults, no patch
            self.data = dict(blank["data"])
            self._Config__user_configs = []
            self.config_file_path = config_file_path

        def load_dict(self, patch: dict) -> None:
            self._perf_key = None
            if isinstance(patch, dict) and _plain_post_settings(patch):
                self._perf_key = digest(salt, repr(sorted(patch.items())))
                self._perf_hit = cache.get(self._perf_key)
            if self._perf_hit is None:
                stock.__init__(self, self.config_file_path)  # fresh defaults (they are mutable)
            super().load_dict(patch)

        def validate(self):
            if self._perf_hit is not None:
                data, dates = pickle.loads(self._perf_hit)
                self.data = {**data, **{k: date_dict(v) for k, v in dates.items()}}
                return [], []
            failed, warnings = super().validate()
            if self._perf_key and not failed and not warnings:
                # a DateDict cannot be unpickled (its __getattr__ answers None for __setstate__): kept as dicts
                dates = {k: dict(v) for k, v in self.data.items() if isinstance(v, date_dict)}
                data = {k: v for k, v in self.data.items() if k not in dates}
                cache.put(self._perf_key, pickle.dumps((data, dates), protocol=pickle.HIGHEST_PROTOCOL))
            return failed, warnings

    CachedPostConfig.__name__ = CachedPostConfig.__qualname__ = stock.__name__
    return CachedPostConfig


def uninstall_render_caches() -> None:
    from material.plugins.blog import plugin, structure
    from mkdocs.structure.pages import Page
    if isinstance(structure.yaml, CachedYaml):
        structure.yaml = structure.yaml._module
    if hasattr(structure.PostConfig, "perf_stock"):
        structure.PostConfig = structure.PostConfig.perf_stock
    if hasattr(Page.render, "perf_stock"):
        Page.render = Page.render.perf_stock
    if hasattr(plugin.Excerpt, "perf_stock"):
        plugin.Excerpt = plugin.Excerpt.perf_stock


# ------------------------------------------------------ reusing unchanged output ----

class PreviousSite:
    """MkDocs empties the site folder and writes every file again. Instead, the last
    build's files are set aside (`take`, before MkDocs cleans: the same entries its
    `clean_directory` would delete, hidden ones stay) and a file whose new bytes are
    exactly the old ones is moved back instead of written (`write_file`); what is left
    at the end is what the new build no longer makes (`drop`)."""

    current: Optional["PreviousSite"] = None     # the one installed in this build

    def __init__(self, site_dir: Path, keep_dir: Path):
        self.site_dir, self.keep_dir = os.path.abspath(site_dir), os.path.abspath(keep_dir)
        self.reused = 0

    @classmethod
    def take(cls, site_dir: Path, keep_dir: Path) -> Optional["PreviousSite"]:
        import shutil
        shutil.rmtree(keep_dir, ignore_errors=True)          # left by a build that failed
        if not Path(site_dir).is_dir():
            return None
        Path(keep_dir).mkdir(parents=True)
        moved = []
        try:
            for entry in sorted(os.listdir(site_dir)):
                if not entry.startswith("."):
                    os.rename(os.path.join(site_dir, entry), os.path.join(keep_dir, entry))
                    moved.append(entry)
        except OSError:                                      # e.g. another file system: write as usual
            for entry in moved:
                os.rename(os.path.join(keep_dir, entry), os.path.join(site_dir, entry))
            shutil.rmtree(keep_dir, ignore_errors=True)
            return None
        return cls(Path(site_dir), Path(keep_dir))

    def reuse(self, content: bytes, output_path: str) -> bool:
        """Move the old file into place if its bytes are `content`."""
        rel = os.path.relpath(os.path.abspath(output_path), self.site_dir)
        if rel.startswith(".."):
            return False
        old = os.path.join(self.keep_dir, rel)
        try:
            if os.path.getsize(old) != len(content):
                return False
            with open(old, "rb") as fh:
                if fh.read() != content:
                    return False
            os.makedirs(os.path.dirname(os.path.abspath(output_path)), exist_ok=True)
            os.replace(old, output_path)
        except OSError:
            return False
        self.reused += 1
        return True

    def write_file(self, stock: Callable) -> Callable:
        def write_file(content: bytes, output_path: str) -> None:
            if not self.reuse(content, output_path):
                stock(content, output_path)
        write_file.perf_stock = stock
        return write_file

    def drop(self) -> None:
        import shutil
        shutil.rmtree(self.keep_dir, ignore_errors=True)


def install_previous_site(site_dir: Path, keep_dir: Path) -> Optional[PreviousSite]:
    from mkdocs import utils
    previous = PreviousSite.current = PreviousSite.take(site_dir, keep_dir)
    if previous is not None:
        utils.write_file = previous.write_file(getattr(utils.write_file, "perf_stock", utils.write_file))
    return previous


def uninstall_previous_site(previous: Optional[PreviousSite]) -> None:
    from mkdocs import utils
    if hasattr(utils.write_file, "perf_stock"):
        utils.write_file = utils.write_file.perf_stock
    if previous is not None:
        previous.drop()
    PreviousSite.current = None
