"""The cleaner: raw page text of one file -> a SourceRecord of publishable articles.

`clean_text` is pure and always checks conservation (every printed character ends up
exactly once in the record) before returning.
"""
from __future__ import annotations

from generator.model import SourceRecord

from .assemble import build_record
from .conserve import check_conservation
from .pages import split_pages
from .reconcile import reconcile
from .report import review_report
from .segment import read_page
from .text import plain_spaces

__all__ = ["clean_text", "check_conservation", "review_report"]


def clean_text(text: str, source: str) -> SourceRecord:
    """Pages -> drafts -> articles; raises ConservationError if any text was lost or doubled."""
    text = plain_spaces(text)  # (spaces are layout: conservation counts every other character)
    pages = split_pages(text)
    record = build_record(source, [(p, read_page(p)) for p in pages])
    reconcile(pages, record)  # misread pages keep every printed character, with a warning
    check_conservation(text, record)
    return record
