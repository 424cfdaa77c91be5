"""Split a raw file into printed pages and read each page's spaced section header."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .text import despace, ends_with_terminal, is_spaced_out, line_width


@dataclass
class Line:
    """One printed column line with the measurements the segmenter needs."""

    no: int  # 1-based line number in the file
    raw: str  # stripped raw text, extraction spaces kept
    width: float
    terminal: bool
    spaced: bool

    @classmethod
    def of(cls, no: int, raw: str) -> "Line":
        raw = raw.strip()
        return cls(no, raw, *measure(raw))

    @property
    def clean(self) -> str:
        return despace(self.raw)


def measure(raw: str) -> tuple[float, bool, bool]:
    """(width, ends on a terminal mark, letter-spaced) of a stripped line."""
    return line_width(raw), ends_with_terminal(raw), is_spaced_out(raw)


@dataclass
class RawPage:
    index: int
    first_line: int
    section: Optional[str] = None
    section_raw: Optional[str] = None
    lines: list[Line] = field(default_factory=list)


PAGE_MARK = " \t"
"""The extraction opens a page with one plain space; a full-width space (U+3000), or two
or more plain ones, opening a line is a paragraph's printed indent, not a new page."""


def opens_page(raw: str) -> bool:
    """One plain space (or tab) before the line's text, or as the whole line."""
    return bool(raw) and raw[0] in PAGE_MARK and (len(raw) == 1 or raw[1] not in PAGE_MARK)

_SECTION = re.compile(r"^(?:[\u4e00-\u9fff]\s+){1,5}[\u4e00-\u9fff]$")


def section_header(raw: str) -> Optional[str]:
    """` 动 态` -> `动态`: a short header whose characters are spaced apart."""
    s = raw.strip()
    return despace(s) if _SECTION.match(s) else None


MAX_PAGE_MARKS_SHARE = 1 / 25
"""A file prints a few pages (one mark each); marks on more of its text lines than this
(and more than MIN_INDENT_MARKS) are paragraph indents of one space."""
MIN_INDENT_MARKS = 2


def indents_look_like_page_marks(rows: list[str]) -> bool:
    """Whether the extraction printed paragraph indents as one space, like its page marks."""
    marks = sum(1 for raw in rows if opens_page(raw) and raw.strip() and not section_header(raw))
    if marks <= MIN_INDENT_MARKS:
        return False  # (every file of a few pages)
    return marks > MAX_PAGE_MARKS_SHARE * sum(1 for raw in rows if raw.strip())


def split_pages(text: str) -> list[RawPage]:
    """A line starting with a plain space begins a page; blank lines are layout, not text."""
    pages = []
    for index, first_line, section, section_raw, lines in page_lines(text):
        pages.append(RawPage(index, first_line, section, section_raw, [Line.of(no, raw) for no, raw in lines]))
    return pages


def page_lines(text: str) -> list[tuple[int, int, Optional[str], Optional[str], list[tuple[int, str]]]]:
    """The pages as split_pages cuts them, unmeasured: (index, first line, section,
    section header as printed, [(line number, stripped line)]). The conservation check
    needs only this, and measuring every line again would double its cost."""
    pages: list[list] = []
    current: Optional[list] = None
    rows = text.splitlines()
    marks_are_indents = indents_look_like_page_marks(rows)
    for no, raw in enumerate(rows, 1):
        starts_page = opens_page(raw) and not (marks_are_indents and raw.strip() and not section_header(raw))
        if current is None or starts_page:
            current = [len(pages) + 1, no, None, None, []]
            pages.append(current)
            if starts_page and raw.strip():
                header = section_header(raw)
                if header:
                    current[2], current[3] = header, raw.strip()
                    continue
        if raw.strip():
            current[4].append((no, raw.strip()))
    pages = [p for p in pages if p[4] or p[2]]
    return [(i, p[1], p[2], p[3], p[4]) for i, p in enumerate(pages, 1)]
