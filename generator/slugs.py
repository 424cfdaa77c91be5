"""Pinyin slugs for names that go into URLs, and the committed registry that freezes them.

A published URL must never change, so a slug, once given, is read back from
`sources/slugs.yml` instead of being recomputed (pypinyin's dictionaries may change
between releases). Two names with the same pinyin get distinct slugs (`-2`, `-3`).
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Optional

import yaml

from generator.errors import InputError

KINDS = ("category", "tag", "section")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def pinyin_slug(name: str) -> str:
    """中国邮政快递报 -> zhongguoyouzhengkuaidibao; phrases pick the right reading (重庆 -> chongqing).

    Syllables are joined without separator, as on the old site; a Latin/digit run
    is kept lowercased; anything else becomes a single `-`.
    """
    from pypinyin import Style, lazy_pinyin    # 0.2 s to import: most builds look every name up

    name = unicodedata.normalize("NFKC", name).strip()
    parts = lazy_pinyin(name, style=Style.NORMAL, errors=lambda s: list(s), v_to_u=False)
    joined = "".join(parts).lower()
    slug = _NON_SLUG.sub("-", joined).strip("-")
    return slug or "x"


class SlugRegistry:
    """name -> slug per kind (category, tag, section), persisted as sorted YAML."""

    def __init__(self, path: Optional[Path] = None, data: Optional[dict] = None):
        self.path = Path(path) if path else None
        self.data: dict[str, dict[str, str]] = {k: {} for k in KINDS}
        for kind, mapping in (data or {}).items():
            self.data.setdefault(kind, {}).update(mapping or {})
        self.changed = False
        self.calls: Optional[list] = None      # when a list: every slug() call is noted (IssueCache)

    @classmethod
    def load(cls, path: Path) -> "SlugRegistry":
        path = Path(path)
        if not path.exists():
            return cls(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            from generator.sources import yaml_error_line

            raise InputError(path, f"invalid YAML: {getattr(exc, 'problem', exc)}", yaml_error_line(exc)) from None
        if not isinstance(data, dict) or any(k not in KINDS or not isinstance(v, (dict, type(None)))
                                             for k, v in data.items()):
            raise InputError(path, f"slug registry must map {', '.join(KINDS)} to name: slug tables", 1)
        return cls(path, data)

    def get(self, kind: str, name: str) -> Optional[str]:
        return self.data.get(kind, {}).get(name)

    def slug(self, kind: str, name: str, fixed: Optional[str] = None) -> str:
        """The registered slug of `name`, registering a new one if needed.

        `fixed` pins a slug that must be kept exactly (an old site's category),
        even where our own pinyin would differ.
        """
        if self.calls is not None:
            self.calls.append((kind, name, fixed))
        table = self.data.setdefault(kind, {})
        if name in table:
            return table[name]
        used = set(table.values())
        if fixed is not None:
            if fixed in used:
                owner = next(n for n, s in table.items() if s == fixed)
                raise ValueError(f"{kind} slug {fixed!r} for {name!r} is already taken by {owner!r}")
            candidate = fixed
        else:
            base = pinyin_slug(name)
            candidate, n = base, 2
            while candidate in used:
                candidate, n = f"{base}-{n}", n + 1
        table[name] = candidate
        self.changed = True
        return candidate

    def dump(self) -> str:
        ordered = {k: dict(sorted(self.data.get(k, {}).items())) for k in KINDS}
        return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=1000)

    def save(self) -> None:
        """Write only when something was registered: the file is committed and reviewed."""
        if self.path is None or not self.changed:
            return
        from generator.writer import atomic_write

        atomic_write(self.path, self.dump())
        self.changed = False
