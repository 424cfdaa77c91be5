"""Reader for what editors add: `sources/YYYY-MM-DD/` = raw page-text files + `issue.yml`.

Like Pelican's readers: one job, turn files on disk into plain values (decoded text,
an `Issue` manifest) or fail with a one-line `file:line: what` error.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from generator import NEWSPAPER
from generator.errors import InputError

ISSUE_DIR_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MANIFEST = "issue.yml"
PAGE_SUFFIXES = (".txt",)


@dataclass
class Issue:
    """One issue (期) of the paper: its manifest and its page files in page order."""

    date: dt.date
    newspaper: str = NEWSPAPER
    number: Optional[int] = None
    page_names: dict[int, str] = field(default_factory=dict)
    first_page: int = 1
    files: list[Path] = field(default_factory=list)
    directory: Optional[Path] = None

    @property
    def key(self) -> str:
        return self.date.isoformat()


def decode_page_text(path: Path) -> str:
    """Decode a raw page file: UTF-8 (with or without BOM), else GB18030/GBK.

    Binary or empty files are refused with an error naming the file, because a
    silently mis-decoded page would publish garbage.
    """
    data = path.read_bytes()
    if not data.strip():
        raise InputError(path, "empty file: no page text")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(path, "binary data (NUL byte), not page text", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(path, "neither UTF-8 nor GBK/GB18030 text", line) from None
    bad = [m.start() for m in _CONTROL.finditer(text)]
    if len(bad) > max(3, len(text) // 200):
        line = text[: bad[0]].count("\n") + 1
        raise InputError(path, "binary data (control characters), not page text", line)
    if not _looks_like_text(text):
        raise InputError(path, "does not look like Chinese page text (wrong encoding?)", 1)
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
"""Control characters other than tab, line feed, form feed and carriage return."""
_SPACE = re.compile(r"\s+")
_NOT_TEXT = re.compile(r"[^\x00-\x7f\u3000-\u9fff\uff00-\uffef—…·“”‘’□■●○◆◇★☆、《》【】〔〕]")
"""Not CJK, ASCII or the paper's common punctuation. (Regular expressions, not a test per
character: a page has some 40,000 characters, a big archive ten thousand pages.)"""


def _looks_like_text(text: str) -> bool:
    """Mostly CJK, ASCII and common punctuation: guards against a wrong decoding."""
    visible = _SPACE.sub("", text)
    if not visible:
        return False
    good = len(visible) - len(_NOT_TEXT.findall(visible))
    return good / len(visible) >= 0.9


class _ManifestLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that leaves dates as text, so an impossible date (2022-13-40) is our
    validation error with a line number, not a crash inside the YAML library. libyaml's
    parser when PyYAML has it (ten times faster: 160 manifests took 0.35 s)."""


_ManifestLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def yaml_error_line(exc: yaml.YAMLError):
    """1-based line of a YAML error: where an unclosed construct began, else where it broke."""
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def read_manifest(path: Path) -> dict:
    """Parse `issue.yml`; YAML errors carry their line number into the message."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "missing issue manifest (issue.yml)") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 ({exc.reason})") from None
    try:
        data = yaml.load(raw, Loader=_ManifestLoader)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(path, f"invalid YAML: {problem}", yaml_error_line(exc)) from None
    if not isinstance(data, dict):
        raise InputError(path, "issue.yml must be a mapping (newspaper, date, number, pages)", 1)
    return data


def _line_of(raw: str, key: str) -> Optional[int]:
    for i, line in enumerate(raw.splitlines(), 1):
        if line.lstrip().startswith(f"{key}:"):
            return i
    return None


def load_issue(directory: Path) -> Issue:
    """Read one `sources/YYYY-MM-DD/` folder into an Issue, validating the manifest."""
    directory = Path(directory)
    manifest = directory / MANIFEST
    data = read_manifest(manifest)
    raw = manifest.read_text(encoding="utf-8")

    def fail(key: str, what: str):
        raise InputError(manifest, what, _line_of(raw, key))

    newspaper = data.get("newspaper")
    if newspaper != NEWSPAPER:
        fail("newspaper", f"newspaper must be {NEWSPAPER!r}, got {newspaper!r}")
    date = data.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            fail("date", f"date {date!r} is not a valid YYYY-MM-DD date")
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        fail("date", "date missing or not a YYYY-MM-DD date")
    if ISSUE_DIR_RE.match(directory.name) and directory.name != date.isoformat():
        fail("date", f"date {date.isoformat()} does not match folder name {directory.name}")
    number = data.get("number")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool) or number <= 0):
        fail("number", f"number (期号) must be a positive integer, got {number!r}")
    first_page = data.get("first_page", 1)
    if not isinstance(first_page, int) or isinstance(first_page, bool) or first_page <= 0:
        fail("first_page", f"first_page must be a positive integer, got {first_page!r}")
    pages = data.get("pages") or {}
    if not isinstance(pages, dict):
        fail("pages", "pages must map page numbers to names, e.g. {1: 要闻}")
    page_names: dict[int, str] = {}
    for k, v in pages.items():
        if not isinstance(k, int) or isinstance(k, bool) or k <= 0 or not isinstance(v, str) or not v.strip():
            fail("pages", f"pages entry {k!r}: {v!r} must be <page number>: <name>")
        page_names[k] = v.strip()
    unknown = set(data) - {"newspaper", "date", "number", "pages", "first_page"}
    if unknown:
        fail(sorted(unknown)[0], f"unknown key {sorted(unknown)[0]!r} (allowed: newspaper, date, number, pages, first_page)")
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in PAGE_SUFFIXES)
    if not files:
        raise InputError(directory, "no page-text files (*.txt) in issue folder")
    return Issue(date=date, newspaper=newspaper, number=number, page_names=page_names,
                 first_page=first_page, files=files, directory=directory)


def discover_issues(sources_dir: Path) -> list[Issue]:
    """All `YYYY-MM-DD` issue folders under `sources/`, oldest first."""
    sources_dir = Path(sources_dir)
    if not sources_dir.is_dir():
        raise InputError(sources_dir, "sources folder not found")
    return [load_issue(d) for d in sorted(sources_dir.iterdir()) if d.is_dir() and ISSUE_DIR_RE.match(d.name)]
