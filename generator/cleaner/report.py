"""The review report: one line per warning so an editor knows what to check."""
from __future__ import annotations

from generator.model import SourceRecord


def review_report(records: list[SourceRecord]) -> list[str]:
    """Lines `file, page N, article M (title): what, where`."""
    lines: list[str] = []
    for rec in records:
        for page in rec.pages:
            for m, a in enumerate(page.articles, 1):
                label = a.title or (a.blocks[0].text[:12] + "…" if a.blocks else
                                    (a.captions[0][:12] + "…" if a.captions else "untitled"))
                for w in a.warnings:
                    lines.append(f"{rec.source}, page {page.index}, article {m} ({label}): {w}")
    return lines
