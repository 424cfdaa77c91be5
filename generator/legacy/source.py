"""Reading one post file of the old Jekyll site, strictly.

`_posts/YYYY-MM-DD-<id>.md`: front matter (`layout`, `title`, `date` with its UTC
offset, `categories`, `tags`) between `---` lines, then the HTML body. Anything
malformed raises InputError naming the file and line, so one bad file can be
reported without stopping the others.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.errors import InputError
from generator.legacy.body import plain_text
from generator.legacy.urls import is_valid_category

# The old site's time zone: its URLs use the post date as seen in Beijing.
CST = dt.timezone(dt.timedelta(hours=8), "CST")
POST_SUFFIXES = (".md", ".markdown")
_FILE_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_FENCE = re.compile(r"^---[ \t]*$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"
                   r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                   r"[ \t]*(?:(Z)|([+-])(\d{2}):?(\d{2}))?$")
_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)   # every scalar stays a string


@dataclass
class LegacyPost:
    """One old post, validated; `lines` maps front-matter keys to their line numbers."""

    path: Path
    id: str
    title: str
    date: dt.datetime
    category: str
    tags: list[str]
    body: str
    body_line: int
    lines: dict[str, int] = field(default_factory=dict)


def is_post_file(path: Path) -> bool:
    """Jekyll's own choice of what in `_posts/` is a post: Markdown files, not hidden or backup files."""
    return path.suffix in POST_SUFFIXES and not path.name.startswith((".", "_", "#")) \
        and not path.name.endswith("~")


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM) or a clear error at the first bad byte's line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(path, f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                               "re-save the file as UTF-8", line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def id_from_name(path: Path) -> tuple[str, dt.date]:
    """`2022-03-04-202203042297083692.md` -> ('202203042297083692', 2022-03-04)."""
    m = _FILE_NAME.match(Path(path.name).stem)
    if not m:
        raise InputError(path, "file name has no date: expected _posts/YYYY-MM-DD-<id>.md", 1)
    year, month, day, ident = m.groups()
    try:
        name_date = dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise InputError(path, f"impossible date in file name {year}-{month}-{day} ({exc})", 1) from None
    if not _ID.match(ident):
        raise InputError(path, f"id {ident!r} in file name may only hold letters, digits, '-' and '_'", 1)
    return ident, name_date


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """(front matter, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        raise InputError(path, "no front matter: the file must start with a '---' line", 1)
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i]):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise InputError(path, "front matter not closed: no '---' line after the one on line 1", 1)


def read_front_matter(path: Path, text: str) -> tuple[dict, dict[str, int]]:
    """YAML mapping of strings/lists, and the line of each key (for error messages)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader) if node is not None else None
    except yaml.YAMLError as exc:
        # where an unclosed construct began is more useful than where the parser gave up
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(path, f"malformed front matter: {problem}", mark.line + 2 if mark else 2) from None
    if not isinstance(data, dict):
        raise InputError(path, "malformed front matter: expected 'key: value' lines", 2)
    lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value}
    return data, lines


def parse_date(path: Path, value, line: int) -> dt.datetime:
    """`2022-03-04 13:23:21 +0800` -> aware datetime in CST; no offset is an error
    (the hour, and so the URL's day, would be a guess)."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, "date: missing", line)
    m = _DATE.match(value.strip())
    if not m:
        raise InputError(path, f"date: cannot read {value!r} (expected YYYY-MM-DD HH:MM:SS +0800)", line)
    y, mo, d, h, mi, s, z, sign, oh, om = m.groups()
    if not z and not sign:
        raise InputError(path, f"date: {value!r} has no UTC offset (expected e.g. +0800)", line)
    offset = dt.timedelta(0) if z else (1 if sign == "+" else -1) * dt.timedelta(hours=int(oh), minutes=int(om))
    try:
        tz = dt.timezone(offset)
        when = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz)
    except ValueError as exc:
        raise InputError(path, f"date: impossible date {value!r} ({exc})", line) from None
    return when.astimezone(CST)


def read_category(path: Path, value, line: int) -> str:
    """The old `categories` string, kept exactly (a YAML list is joined as Jekyll would)."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = " ".join(v.strip() for v in value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, "categories: missing", line)
    value = value.strip()
    if not is_valid_category(value):
        raise InputError(path, f"categories: {value!r} may only hold letters, digits, spaces, '.', '-', '_'", line)
    return value


def read_tags(path: Path, value, line: int) -> list[str]:
    """Jekyll splits a tags string on whitespace; tags are shown as plain text."""
    if value in (None, ""):
        return []
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        raise InputError(path, "tags: expected a name or a list of names", line)
    tags: list[str] = []
    for t in items:
        t = plain_text(t)
        if t and t not in tags:
            tags.append(t)
    return tags


def parse_post(path: Path, data: bytes) -> LegacyPost:
    """Validate one old post file; raises InputError on the first problem."""
    path = Path(path)
    ident, _ = id_from_name(path)
    text = decode(path, data)
    fm_text, body, body_line = split_front_matter(path, text)
    meta, lines = read_front_matter(path, fm_text)
    title = meta.get("title")
    title = plain_text(title) if isinstance(title, str) else ""
    if not title:
        raise InputError(path, "title: missing or empty", lines.get("title", 2))
    date = parse_date(path, meta.get("date"), lines.get("date", 2))
    category = read_category(path, meta.get("categories", meta.get("category")),
                             lines.get("categories", lines.get("category", 2)))
    tags = read_tags(path, meta.get("tags"), lines.get("tags", 2))
    if not body.strip():
        raise InputError(path, "empty body: nothing after the front matter", body_line)
    return LegacyPost(path, ident, title, date, category, tags, body, body_line, lines)
