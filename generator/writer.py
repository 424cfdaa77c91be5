"""Writer: article records -> Markdown posts with front matter, safely.

Three promises to editors: a rerun writes byte-identical files; a file edited by
hand (its `content_hash` no longer matches) is never overwritten without `--force`;
nothing is half-written (every file goes through a temp file + rename).
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Optional

import frontmatter
import yaml

HASH_KEY = "content_hash"
_HASH_LINE = re.compile(rf"^{HASH_KEY}: .*\n", re.M)

YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter when PyYAML has it (the wheels do): the same bytes as the pure-Python
SafeDumper python-frontmatter defaults to (checked on 10,205 posts), a quarter of the time."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder + rename: readers never see half a file."""
    atomic_write_with(path, lambda fh: fh.write(data))


def atomic_write_with(path: Path, write: Callable[[BinaryIO], object], *, shared: bool = False) -> None:
    """`write(fh)` streams into a temp file in the same folder, then the rename: large
    outputs (the build caches, a bundle zip) never need a second copy in memory as one
    bytes object. `shared`: the file gets the umask's normal mode instead of mkstemp's 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        if shared:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, text: str) -> None:
    """UTF-8 text with `\n` line ends, written atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _hash_body(text_without_hash: str) -> str:
    return hashlib.sha256(text_without_hash.encode("utf-8")).hexdigest()[:16]


def render_post(meta: dict, body: str) -> str:
    """Front matter (python-frontmatter, keys in our order) + body, with a content hash
    over everything else so hand edits can be recognised later."""
    meta = {k: v for k, v in meta.items() if v is not None and v != [] and v != {}}
    meta[HASH_KEY] = "0" * 16
    text = frontmatter.dumps(frontmatter.Post(body.rstrip("\n") + "\n", **meta), sort_keys=False, width=1000,
                             Dumper=YAML_DUMPER) + "\n"
    digest = _hash_body(_HASH_LINE.sub("", text, count=1))
    return _HASH_LINE.sub(f"{HASH_KEY}: {digest}\n", text, count=1)


def is_hand_edited(text: str) -> bool:
    """True when a generated file no longer matches the hash it was written with
    (or was written by a person: no hash at all)."""
    m = re.search(rf"^{HASH_KEY}: ([0-9a-f]+)$", text, re.M)
    if not m:
        return True
    return _hash_body(_HASH_LINE.sub("", text, count=1)) != m.group(1)


@dataclass
class WriteReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept_hand_edited: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def write_posts(outputs: Iterable[tuple[Path, str]], *, force: bool = False,
                owned_dir: Optional[Path] = None, report: Optional[WriteReport] = None) -> WriteReport:
    """Write generated files. Hand-edited files are kept (and named in the report)
    unless `force`. Stale generated files under `owned_dir` (articles that no longer
    exist) are removed, unless edited by hand."""
    report = report or WriteReport()
    planned: set[Path] = set()
    for path, text in outputs:
        path = Path(path)
        planned.add(path.resolve())
        if path.exists():
            old = path.read_text(encoding="utf-8")
            if old == text:
                report.unchanged.append(path)
                continue
            if is_hand_edited(old) and not force:
                report.kept_hand_edited.append(path)
                continue
        atomic_write(path, text)
        report.written.append(path)
    if owned_dir is not None and Path(owned_dir).is_dir():
        for path in sorted(Path(owned_dir).rglob("*.md")):
            if path.resolve() in planned:
                continue
            if is_hand_edited(path.read_text(encoding="utf-8")) and not force:
                report.kept_hand_edited.append(path)
                continue
            path.unlink()
            report.removed.append(path)
    return report
