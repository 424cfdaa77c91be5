"""Drop the indentation and blank lines the Jinja templates leave in every page.

Material's templates indent deeply and leave blank lines wherever a block is empty:
about a seventh of an article page's bytes. The white space after a line break is
dropped, which a browser renders the same (white space collapses to one space), except
inside elements that keep white space as written (`pre`, `textarea`): those are left as
they are.
"""
from __future__ import annotations

import re

_KEEP = re.compile(r"<(pre|textarea)\b.*?</\1\s*>", re.S | re.I)
_KEEP_TAGS = ("<pre", "<textarea")
"""Markdown, the templates and nh3 (imported posts) all write tag names in lower case."""
_BREAK_RUN = re.compile(r"\n[\t\n\f\r ]+")
"""A line break and the HTML white space after it (not U+3000 or no-break spaces: those are text)."""


def compact_html(html: str) -> str:
    """`html` with the white space after each line break dropped (blank lines and indentation)."""
    if not any(tag in html for tag in _KEEP_TAGS):
        return _BREAK_RUN.sub("\n", html)
    out, pos = [], 0
    for kept in _KEEP.finditer(html):
        out.append(_BREAK_RUN.sub("\n", html[pos:kept.start()]))
        out.append(kept.group(0))
        pos = kept.end()
    out.append(_BREAK_RUN.sub("\n", html[pos:]))
    return "".join(out)
