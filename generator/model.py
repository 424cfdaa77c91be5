"""The records every stage shares: sources -> records -> Markdown -> site.

The JSON shape of `python -m generator clean --json` is the `to_dict()` of these
classes; later stages and outside checks rely on it, so field names and order are
part of the contract.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

ARTICLE_KINDS = ("news", "photo", "commentary", "continuation", "feature")
BLOCK_TYPES = ("paragraph", "heading")


@dataclass
class Block:
    """One paragraph or subheading of an article body, text already cleaned."""

    type: str
    text: str

    def to_dict(self) -> dict:
        return {"type": self.type, "text": self.text}


@dataclass
class Article:
    """One printed article as the cleaner recovers it from a page."""

    kind: str = "news"
    kicker: Optional[str] = None
    title: Optional[str] = None
    subtitle: Optional[str] = None
    dateline: Optional[str] = None
    byline: Optional[str] = None
    authors: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    continued_from: Optional[str] = None
    continued_to: Optional[str] = None  # `（下转第2版）`: the text goes on on that page
    blocks: list[Block] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "kicker": self.kicker,
            "title": self.title,
            "subtitle": self.subtitle,
            "dateline": self.dateline,
            "byline": self.byline,
            "authors": list(self.authors),
            "photographers": list(self.photographers),
            "continued_from": self.continued_from,
            "continued_to": self.continued_to,
            "blocks": [b.to_dict() for b in self.blocks],
            "captions": list(self.captions),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        return cls(
            kind=d.get("kind", "news"),
            kicker=d.get("kicker"),
            title=d.get("title"),
            subtitle=d.get("subtitle"),
            dateline=d.get("dateline"),
            byline=d.get("byline"),
            authors=list(d.get("authors") or []),
            photographers=list(d.get("photographers") or []),
            continued_from=d.get("continued_from"),
            continued_to=d.get("continued_to"),
            blocks=[Block(b["type"], b["text"]) for b in d.get("blocks") or []],
            captions=list(d.get("captions") or []),
            warnings=list(d.get("warnings") or []),
        )

    @property
    def body_text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass
class Page:
    """One printed page (版) of an input file; `index` counts from 1 within the file."""

    index: int
    section: Optional[str] = None
    articles: list[Article] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "section": self.section,
            "articles": [a.to_dict() for a in self.articles],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Page":
        return cls(d["index"], d.get("section"), [Article.from_dict(a) for a in d.get("articles") or []])


@dataclass
class SourceRecord:
    """Everything the cleaner recovered from one raw page-text file."""

    source: str
    pages: list[Page] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"source": self.source, "pages": [p.to_dict() for p in self.pages]}

    @classmethod
    def from_dict(cls, d: dict) -> "SourceRecord":
        return cls(d["source"], [Page.from_dict(p) for p in d.get("pages") or []])
