"""Offline bundle: the archive as a zip that works opened from disk (`file://…/index.html`).

Branch offices without a reliable connection get the site as files. Material's
offline plugin makes search work from `file://` (the index is inlined as a script
and the search worker runs in an iframe via the `iframe-worker` shim); everything
else that could leave `file://` is closed here:

- the shim is the vendored copy in `bundle/vendor/iframe-worker/`, listed in
  `extra.polyfills` (otherwise the plugin adds an unpkg.com URL);
- no web fonts (`theme.font: false` in mkdocs.yml); `bundle/offline.css` names the
  CJK system fonts of Windows, macOS and Linux;
- `use_directory_urls: false`, so every link ends in `.html`.

The build never touches `docs/`: the selected posts (date range, sections) are
copied into a temporary docs folder, MkDocs builds from there with the project's
own `mkdocs.yml` (hooks, overrides, slug registry) plus the offline additions, and
the zip is written atomically. The bundle carries `manifest.json` (issues, build
time, source commit), also shown on its home page.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import yaml

from generator import NEWSPAPER
from generator.errors import InputError
from generator.posts import POSTS_DIR
from generator.writer import atomic_write_with

VENDOR_DIR = Path("bundle") / "vendor" / "iframe-worker"
VENDOR_FILES = ("shim.js", "LICENSE")
OFFLINE_CSS = Path("bundle") / "offline.css"
STAGED_VENDOR = "assets/vendor/iframe-worker"
STAGED_CSS = "assets/offline.css"
DEFAULT_OUTPUT = Path("dist") / "offline-bundle.zip"
MANIFEST_NAME = "manifest.json"
# Files only a web server or a crawler uses; 404.html also links with absolute paths (/assets/…).
# From file:// search reads search/search_index.js (offline plugin), never the .json twin.
SERVER_ONLY = frozenset({"404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json"})
TZ = dt.timezone(dt.timedelta(hours=8), "CST")
_FRONT_MATTER_END = "\n---"

try:  # the C loader is ~10x faster on large archives
    _YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _YamlLoader = yaml.SafeLoader


# --- selecting posts ---------------------------------------------------------

@dataclass(frozen=True)
class PostInfo:
    """What the bundle needs to know of one generated post."""

    path: Path          # relative to docs/
    issue_date: dt.date
    number: Optional[int]
    section: Optional[str]
    in_issue: bool = True   # False: not from a printed issue (e.g. imported from the old site)


@dataclass(frozen=True)
class Selection:
    since: Optional[dt.date] = None
    until: Optional[dt.date] = None
    sections: tuple[str, ...] = ()

    def admits(self, post: PostInfo) -> bool:
        """Date range is inclusive; sections match the page name (版名) exactly."""
        if self.since and post.issue_date < self.since:
            return False
        if self.until and post.issue_date > self.until:
            return False
        return not self.sections or (post.section or "") in self.sections

    def as_options(self) -> str:
        opts = [f"--since {self.since}" if self.since else "", f"--until {self.until}" if self.until else ""]
        return " ".join([o for o in opts if o] + [f"--section {s}" for s in self.sections])

    def describe(self) -> dict:
        return {"since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "sections": list(self.sections)}


def read_front_matter(path: Path) -> dict:
    """Only the YAML head of a post: fast, and a broken one names its file."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        raise InputError(path, "no front matter (a post starts with a '---' line)", 1)
    end = text.find(_FRONT_MATTER_END, 3)
    if end < 0:
        raise InputError(path, "front matter is not closed by a '---' line", 1)
    try:
        meta = yaml.load(text[3:end], Loader=_YamlLoader) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(path, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
                         None if line is None else line + 2) from None
    if not isinstance(meta, dict):
        raise InputError(path, "front matter is not a mapping", 2)
    return meta


def post_info(docs_dir: Path, path: Path) -> PostInfo:
    """Issue date from `edition.date` (generated posts) or `date` (any blog post)."""
    meta = read_front_matter(path)
    edition = meta.get("edition") if isinstance(meta.get("edition"), dict) else {}
    raw = edition.get("date") or meta.get("date")
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    else:
        try:
            day = dt.date.fromisoformat(str(raw)[:10])
        except ValueError:
            raise InputError(path, f"no usable date in front matter (date: {raw!r})") from None
    number = edition.get("number")
    return PostInfo(path.relative_to(docs_dir), day, number if isinstance(number, int) else None,
                    meta.get("section"), bool(edition))


def list_posts(docs_dir: Path) -> list[PostInfo]:
    """Every Markdown post under docs/posts/, sorted by path (stable manifests)."""
    posts_dir = docs_dir / POSTS_DIR
    paths = sorted(posts_dir.rglob("*.md")) if posts_dir.is_dir() else []
    if not paths:
        raise InputError(posts_dir, "no generated posts; run `python -m generator build` first "
                                    "(`make bundle` does both)")
    return [post_info(docs_dir, p) for p in paths]


# --- manifest ------------------------------------------------------------------

@dataclass
class IssueSummary:
    date: str
    number: Optional[int]
    articles: int = 0
    sections: list[str] = field(default_factory=list)


def summarize_issues(posts: Iterable[PostInfo]) -> list[IssueSummary]:
    """One line per issue, oldest first, with its article count and sections in first-seen order."""
    by_date: dict[str, IssueSummary] = {}
    for post in sorted((p for p in posts if p.in_issue), key=lambda p: (p.issue_date, str(p.path))):
        key = post.issue_date.isoformat()
        summary = by_date.setdefault(key, IssueSummary(key, post.number))
        summary.articles += 1
        if summary.number is None and post.number is not None:
            summary.number = post.number
        if post.section and post.section not in summary.sections:
            summary.sections.append(post.section)
    return list(by_date.values())


def source_commit(root: Path) -> str:
    """The commit the bundle was built from (`-dirty` when the working tree had changes)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=12"],
                             capture_output=True, text=True, timeout=20)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return os.environ.get("GITHUB_SHA", "unknown (not a git checkout)")


def build_time() -> dt.datetime:
    """Now in Beijing time, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return now.astimezone(TZ).replace(microsecond=0)


def make_manifest(posts: list[PostInfo], selection: Selection, built_at: dt.datetime, commit: str) -> dict:
    issues = summarize_issues(posts)
    other = sorted(p.issue_date.isoformat() for p in posts if not p.in_issue)
    return {
        "newspaper": NEWSPAPER,
        "kind": "offline bundle",
        "built_at": built_at.isoformat(),
        "source_commit": commit,
        "filters": selection.describe(),
        "issue_count": len(issues),
        "article_count": len(posts),
        "issues": [vars(i) for i in issues],
        "other_articles": {"count": len(other), "first": other[0] if other else None,
                           "last": other[-1] if other else None},
    }


def _readable_time(iso: str) -> str:
    """2022-12-26T08:30:00+08:00 -> 2022-12-26 08:30（北京时间）."""
    return iso[:16].replace("T", " ") + ("（北京时间）" if iso.endswith("+08:00") else "")


def manifest_html(manifest: dict) -> str:
    """The home page's note on what this bundle holds (plain HTML: no Markdown extension needed)."""
    e = html.escape
    issues = manifest["issues"]
    span = f"{issues[0]['date']} 至 {issues[-1]['date']}" if issues else "—"
    f = manifest["filters"]
    filters = "，".join(x for x in (
        f["since"] and f"自 {f['since']}", f["until"] and f"至 {f['until']}",
        f["sections"] and "版面：" + "、".join(f["sections"])) if x) or "全部"
    other = manifest["other_articles"]
    other_span = other["first"] if other["first"] == other["last"] else f"{other['first']} 至 {other['last']}"
    other_note = f"（含旧站文章 {other['count']} 篇，{other_span}）" if other["count"] else ""
    rows = "".join(
        f"<li><time>{e(i['date'])}</time>{'　第' + str(i['number']) + '期' if i['number'] else ''}"
        f"　{i['articles']} 篇{'　' + e('、'.join(i['sections'])) if i['sections'] else ''}</li>"
        for i in reversed(issues))
    return (
        '\n<div class="offline-manifest" id="offline-manifest">\n'
        f'<p><strong>离线版</strong>　收录 {manifest["issue_count"]} 期（{e(span)}）、'
        f'共 {manifest["article_count"]} 篇文章{e(other_note)}；筛选：{e(filters)}</p>\n'
        f'<p>生成时间 <time datetime="{e(manifest["built_at"])}">{e(_readable_time(manifest["built_at"]))}</time>'
        f'　源码版本 <code>{e(manifest["source_commit"])}</code>'
        f'　<a href="{MANIFEST_NAME}">manifest.json</a></p>\n'
        f'<details><summary>收录报期</summary><ul>{rows}</ul></details>\n'
        '</div>\n')


# --- staging and building --------------------------------------------------------

def stage_docs(docs_dir: Path, dest: Path, selected: list[PostInfo], root: Path) -> None:
    """A docs folder holding only the selected posts, the vendored shim and the offline stylesheet."""
    shutil.copytree(docs_dir, dest, ignore=_ignore_posts_md(docs_dir))
    for post in selected:
        target = dest / post.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(docs_dir / post.path, target)
    vendor = root / VENDOR_DIR
    (dest / STAGED_VENDOR).mkdir(parents=True, exist_ok=True)
    for name in VENDOR_FILES:
        if not (vendor / name).is_file():
            raise InputError(VENDOR_DIR / name, "vendored iframe-worker file missing (see bundle/vendor/iframe-worker/README.md)")
        shutil.copy2(vendor / name, dest / STAGED_VENDOR / name)
    shutil.copy2(root / OFFLINE_CSS, dest / STAGED_CSS)


_CONTENT_START = re.compile(r'<article class="md-content__inner md-typeset[^"]*">')


_ARTICLE_TAG = re.compile(r"<(/?)article\b", re.I)


def with_home_note(page_html: str, note: str) -> str:
    """The built home page with the manifest note at the end of its content area (the
    newspaper stays the first screen). Done on the HTML because the home page template
    (overrides/home.html) need not render index.md."""
    m = _CONTENT_START.search(page_html)
    if not m:
        raise ValueError("no Material content area (<article class=\"md-content__inner …\">) in the home page")
    depth = 1
    for tag in _ARTICLE_TAG.finditer(page_html, m.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return page_html[:tag.start()] + note + page_html[tag.start():]
    raise ValueError("the home page's content area is not closed")


def _ignore_posts_md(docs_dir: Path):
    """copytree filter: leave out Markdown under docs/posts/ (copied selectively)."""
    posts_dir = (docs_dir / POSTS_DIR).resolve()

    def ignore(directory: str, names: list[str]) -> set[str]:
        d = Path(directory).resolve()
        if d == posts_dir or posts_dir in d.parents:
            return {n for n in names if n.endswith(".md")}
        return set()

    return ignore


def offline_overrides(config_file: Path) -> dict:
    """Config on top of mkdocs.yml: its own lists plus the offline plugin, the local
    shim and the offline stylesheet. (INHERIT would replace these lists, not extend them.)"""
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, "rb") as fh:
        raw = yaml_load(fh)
    plugins = list(raw.get("plugins") or [])
    names = {p if isinstance(p, str) else next(iter(p)) for p in plugins}
    if not names & {"offline", "material/offline"}:
        plugins.append("offline")
    extra = dict(raw.get("extra") or {})
    extra["polyfills"] = [p for p in extra.get("polyfills") or [] if "iframe-worker" not in p] + \
        [f"{STAGED_VENDOR}/shim.js"]
    extra["search_shards"] = False      # file:// cannot fetch shards: stock search + sub-words (generator/search.py)
    extra_css = list(raw.get("extra_css") or []) + [STAGED_CSS]
    return {"plugins": plugins, "extra": extra, "extra_css": extra_css, "use_directory_urls": False}


def build_site(config_file: Path, docs: Path, site: Path) -> None:
    """MkDocs --strict on the staged docs, with the project's hooks and templates."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        config = load_config(str(Path(config_file).resolve()), docs_dir=str(docs), site_dir=str(site), strict=True,
                             **offline_overrides(config_file))
        build(config)
    except MkDocsException as exc:
        raise InputError(config_file, f"offline build failed: {exc}") from None
    except SystemExit as exc:  # mkdocs' Abort is a click exception in some paths
        raise InputError(config_file, f"offline build failed ({exc})") from None


def external_references(site: Path) -> list[str]:
    """Build-time guard: http(s) URLs that a page would *load* (scripts, styles, fonts,
    images, iframes). Plain links to other sites are allowed; they are only followed on click."""
    loaded = re.compile(r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=["']?(https?:)?//"""
                        r"""|<link\b(?=[^>]*\brel=["']?(?:stylesheet|preload|preconnect|modulepreload|icon))[^>]*\bhref=["']?(https?:)?//"""
                        r"""|url\(\s*["']?(https?:)?//""", re.I)
    hits = []
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".css") and path.is_file():
            m = loaded.search(path.read_text(encoding="utf-8", errors="replace"))
            if m:
                hits.append(f"{path.relative_to(site)}: {m.group(0)[:120]}")
    return hits


def write_zip(site: Path, out: Path, top: str) -> None:
    """Zip `site/` (less server-only files) under one top folder, written atomically and
    readable like any file handed out."""
    def write(fh) -> None:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for path in sorted(site.rglob("*")):
                if path.is_file() and path.relative_to(site).as_posix() not in SERVER_ONLY:
                    zf.write(path, f"{top}/{path.relative_to(site).as_posix()}")

    atomic_write_with(out, write, shared=True)


README_TXT = """{newspaper} 离线版 / offline edition

解压后，用浏览器打开本文件夹中的 index.html（双击即可），无需联网。
Unzip, then open index.html in this folder with a web browser. No network needed.

收录 {issue_count} 期、{article_count} 篇文章；生成时间 {built_at}；源码版本 {source_commit}
详见 manifest.json。
"""


@dataclass
class BundleResult:
    output: Path
    manifest: dict
    size: int
    seconds: dict


def make_bundle(root: Path, output: Path, selection: Selection = Selection(), *,
                docs_dir: Optional[Path] = None, config_file: Optional[Path] = None) -> BundleResult:
    """Build the offline bundle of the archive at `root` into `output` (a .zip)."""
    root = Path(root).resolve()
    docs_dir = Path(docs_dir or root / "docs")      # kept as given: errors name it the way the user did
    config_file = Path(config_file or root / "mkdocs.yml")
    output = Path(output).resolve()
    clock = {"start": time.perf_counter()}

    posts = list_posts(docs_dir)
    selected = [p for p in posts if selection.admits(p)]
    if not selected:
        sections = sorted({p.section for p in posts if p.section})
        raise InputError(docs_dir / POSTS_DIR, f"no post matches {selection.as_options()} "
                                               f"(sections here: {'、'.join(sections) or 'none'})")
    manifest = make_manifest(selected, selection, build_time(), source_commit(root))

    with tempfile.TemporaryDirectory(prefix="offline-bundle-") as tmp:
        staged, site = Path(tmp) / "docs", Path(tmp) / "site"
        stage_docs(docs_dir, staged, selected, root)
        clock["staged"] = time.perf_counter()
        build_site(config_file, staged, site)
        clock["built"] = time.perf_counter()
        leaks = external_references(site)
        if leaks:
            raise InputError(config_file, f"offline site would load {len(leaks)} external resource(s), "
                                          f"first: {leaks[0]}")
        home = site / "index.html"
        try:
            home.write_text(with_home_note(home.read_text(encoding="utf-8"), manifest_html(manifest)),
                            encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise InputError(config_file, f"cannot show the manifest on the home page: {exc}") from None
        (site / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")
        (site / "README.txt").write_text(README_TXT.format(**manifest), encoding="utf-8")
        write_zip(site, output, output.stem)
        clock["zipped"] = time.perf_counter()

    seconds = {"stage": clock["staged"] - clock["start"], "mkdocs": clock["built"] - clock["staged"],
               "zip": clock["zipped"] - clock["built"], "total": clock["zipped"] - clock["start"]}
    return BundleResult(output, manifest, output.stat().st_size, seconds)


# --- command line -----------------------------------------------------------------

def _date_arg(text: str) -> dt.date:
    import argparse

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_bundle(args) -> int:
    from generator.cli import _fail

    if args.since and args.until and args.since > args.until:
        return _fail(f"--since {args.since} is after --until {args.until}")
    selection = Selection(args.since, args.until, tuple(args.section or ()))
    try:
        result = make_bundle(Path.cwd(), Path(args.output), selection,
                             docs_dir=Path(args.docs), config_file=Path(args.config))
    except InputError as exc:
        return _fail(str(exc))
    m, s = result.manifest, result.seconds
    try:
        shown = result.output.relative_to(Path.cwd())
    except ValueError:
        shown = result.output
    print(f"offline bundle {shown}: {m['issue_count']} issues, {m['article_count']} articles, "
          f"{result.size / 1e6:.1f} MB, {s['total']:.1f}s (mkdocs {s['mkdocs']:.1f}s, zip {s['zip']:.1f}s)")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("bundle", help="offline site as a zip that works opened from disk (file://)")
    p.add_argument("--since", type=_date_arg, metavar="YYYY-MM-DD", help="first issue date to include")
    p.add_argument("--until", type=_date_arg, metavar="YYYY-MM-DD", help="last issue date to include")
    p.add_argument("--section", action="append", metavar="NAME",
                   help="only articles of this page name (版名, e.g. 要闻); repeatable")
    p.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT), help=f"zip to write (default {DEFAULT_OUTPUT})")
    p.add_argument("--docs", default="docs", help="docs folder holding the generated posts (read only)")
    p.add_argument("--config", default="mkdocs.yml", help="the site's MkDocs config")
    p.set_defaults(func=cmd_bundle)
