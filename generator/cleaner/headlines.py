"""Attribute headline groups (printed after the text) to the articles they belong to.

A group is matched by content (its rare character n-grams found in an article's text)
plus a small position prior (the article it follows; the jump it precedes).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from .text import despace, despace_display

NGRAMS = (2, 3, 4)
FOLLOWS_BONUS = 0.15
"""Headlines are printed after their article: prefer the article just before."""
JUMP_BONUS = 0.15
"""A jump headline is printed right before its `（上接…）` line."""
OTHER_PAGE_PENALTY = 0.35
MIN_SCORE = 0.1
SPLIT_PENALTY = 0.6
"""Cutting a group into several headlines must pay for itself in content matches."""
KICKER_MARK = "·"


@dataclass
class Candidate:
    key: tuple[int, int]  # (page index, draft index) of an article
    text: str  # its cleaned text
    follows: bool = False
    jump: bool = False
    has_title: bool = False


def ngrams(text: str, n: int) -> set[str]:
    t = "".join(ch for ch in text if not ch.isspace())
    return {t[i: i + n] for i in range(len(t) - n + 1)}


def content_score(headline: str, text: str, df: dict[str, int], n_docs: int) -> float:
    """Share of the headline's (rarity-weighted) n-grams that the article contains."""
    total = found = 0.0
    for n in NGRAMS:
        for g in ngrams(headline, n):
            w = n * math.log(1 + n_docs / (1 + df.get(g, 0)))
            total += w
            if g in text:
                found += w
    return found / total if total else 0.0


def document_frequencies(texts: list[str]) -> dict[str, int]:
    df: dict[str, int] = {}
    for t in texts:
        grams = set()
        for n in NGRAMS:
            grams |= ngrams(t, n)
        for g in grams:
            df[g] = df.get(g, 0) + 1
    return df


@dataclass
class Headline:
    kicker: Optional[str]
    title: Optional[str]
    subtitle: Optional[str]


def split_headline(lines: list[str]) -> Headline:
    """Rubric lines with `·` -> kicker, a `——` line -> subtitle, the rest -> title."""
    kicker, title, subtitle = [], [], []
    for raw in lines:
        text = despace_display(raw)
        if text.startswith("——"):
            subtitle.append(text[2:].strip())
        elif KICKER_MARK in text and not title:
            kicker.append(text)
        else:
            title.append(text)
    return Headline(" ".join(kicker) or None, " ".join(title) or None, " ".join(subtitle) or None)



def headline_text(lines: list[str]) -> str:
    return despace("".join(lines))
