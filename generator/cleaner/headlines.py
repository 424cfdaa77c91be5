"""Attribute headline groups (printed after the text) to the articles they belong to.

A group is matched by content (its rare words, per jieba, and character n-grams found in
an article's text) plus position priors (the article it follows; the jump it precedes).
A group is cut into several headlines only where each side reads like its own article.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from .text import despace, despace_display

NGRAMS = (2, 3, 4)
FOLLOWS_BONUS = 0.5
"""Headlines are printed after their article: prefer the article just before."""
LEAD_ODDS, LEAD_EVIDENCE = 3.0, 0.8
"""A file reads as printing headlines first when its groups' lean to the text after them is
more than this many times their lean to the text before, plus this much."""
JUMP_BONUS = 0.8
"""A jump headline is printed right before its `（上接…）` line."""
OTHER_PAGE_PENALTY = 0.35
JUMP_ELSEWHERE = 1.0
"""A jump text's headline stands right before its `（上接…）` line, not elsewhere."""
MIN_SCORE = 0.3
CUT_PENALTY = 0.1
"""The same, on the share of the group's rare n-grams that a cut explains in addition."""
UNSEEN_WEIGHT = 1.0
"""N-grams found in no article (mostly across word boundaries) say little about the home."""
UNSEEN_WORD = 1.0
"""Weight of a word found in no article, relative to one found in a single article."""
SHAPE_PENALTY = 0.3
MAX_TITLE_LINES = 2
THIRD_LINE_PENALTY = 0.15
"""A third title line is rarer than two but printed (long headlines in narrow columns):
half a shape fault, so a cut must still be read in content to take it off."""
NGRAM_SHARE = 0.2
"""Weight of the character n-gram match next to the word match."""
CUT_EVIDENCE = 0.1
"""How much better a piece of a cut group must match its own article than the other's."""
JUMP_FIRST = 0.5
"""Part of the jump bonus a group's first lines get (they may head the text they follow)."""
UNSURE_MARGIN = 0.05
"""A headline whose best article wins by less than this is reported for review."""
ORPHAN_CONTENT, ORPHAN_MARGIN = 0.3, 0.25
"""A headline no article near it claims goes to an untitled article whose text holds at
least this share of its rare words, clearly more than any other's (reported for review)."""
UNSURE_CUT = 0.05
"""A group whose best cut into headlines beats another cut by less than this is reported."""
UNSURE_CUT_LINES = 3
"""Only short groups are reported: a page's collected headlines have many near-equal cuts."""
KICKER_MARK = "·"


def is_rubric(text: str) -> bool:
    """A rubric (kicker) line: it carries `·` and is not a `——` subtitle (`text` despaced)."""
    return KICKER_MARK in text and not text.startswith("——")


@dataclass
class Candidate:
    key: tuple[int, int]  # (page index, draft index) of an article
    text: str  # its cleaned text
    follows: bool = False
    jump: bool = False
    has_title: bool = False


def ngrams(text: str, n: int) -> set[str]:
    t = "".join(text.split())
    return {t[i: i + n] for i in range(len(t) - n + 1)}


def weighted_grams(line: str, df: "GramCounts", n_docs: int) -> list[tuple[str, float]]:
    """A headline line's n-grams with their rarity weights (never across a line break:
    two lines of one group may belong to different articles)."""
    out = []
    for n in NGRAMS:
        for g in ngrams(line, n):
            w = n * math.log(1 + n_docs / (1 + df.get(g, 0)))
            out.append((g, w if g in df else w * UNSEEN_WEIGHT))
    return out


def headline_words(line: str) -> list[str]:
    """The words of a headline line (jieba), without one-character function words and marks."""
    import jieba  # imported on first use: it takes most of a second to load

    jieba.setLogLevel(60)
    return [w for w in jieba.lcut(despace(line)) if len(w) >= 2 and any(ch.isalnum() for ch in w)]


def word_weight(df: int, n_docs: int) -> float:
    """Rarity of a word among a file's articles: one found in every article says nothing."""
    if df == 0:
        return UNSEEN_WORD * math.log(n_docs + 1)
    return math.log((n_docs + 1) / df)


class GramCounts:
    """Document frequencies of character n-grams among a file's article texts: in how many
    texts (spaces removed) each gram occurs. Counted on demand: only the grams of headline
    lines are ever asked for, a tiny share of the grams of all texts."""

    def __init__(self, texts: list[str]):
        self._texts = ["".join(t.split()) for t in texts]
        self._counts: dict[str, int] = {}

    def get(self, gram: str, default: int = 0) -> int:
        n = self._counts.get(gram)
        if n is None:
            n = self._counts[gram] = sum(1 for t in self._texts if gram in t)
        return n or default

    def __contains__(self, gram: str) -> bool:
        return self.get(gram) > 0


def document_frequencies(texts: list[str]) -> GramCounts:
    return GramCounts(texts)


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
    return Headline(" ".join(kicker) or None, join_title_lines(title) or None, " ".join(subtitle) or None)


def join_title_lines(lines: list[str]) -> str:
    """Title lines as one title: a space between two phrases (`新疆邮政克服疫情影响` +
    `强化客户管理开发`), none where the first line has a subject and its action but no verb
    taking an object, and the second opens with the place acted on (`集团公司调研指导` +
    `陕西商洛定点帮扶工作`: one phrase broken over two lines). A second line with its own
    place, after a first line that names one or has a verb (`扎实推进乡村振兴`), is a phrase
    of its own."""
    if len(lines) == 2 and " " not in lines[0] + lines[1]:
        first, second = _tags(lines[0]), _tags(lines[1])
        if second[:1] == ["ns"] and first[:1] != ["ns"] and "v" not in first:
            return lines[0] + lines[1]
    return " ".join(lines)


def _tags(line: str) -> list[str]:
    """jieba's part-of-speech tags of a line's words (`ns` a place, `v` a verb)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return [w.flag for w in jieba.posseg.cut(line)]



OPENERS = "“‘（《"


def headline_oddity(lines: list[str]) -> Optional[str]:
    """Why lines taken as one headline may not be one: a line ending on an opening mark
    (text cut mid-phrase) or more title lines than a headline prints."""
    texts = [despace(x) for x in lines]
    if any(t[-1:] in OPENERS for t in texts):
        return "headline ends mid-phrase"
    titles = sum(1 for t in texts if not t.startswith("——") and KICKER_MARK not in t)
    if titles > MAX_TITLE_LINES:
        return f"headline of {titles} lines may join several"
    return None


def shape_penalty(lines: list[str]) -> float:
    """How badly lines read as one headline: [kicker] title (one or two lines) [——subtitle]."""
    texts = [despace(x) for x in lines]
    penalty = 0.0
    for i, t in enumerate(texts):
        if is_rubric(t) and i > 0:
            penalty += SHAPE_PENALTY  # a rubric opens a headline
        if t.startswith("——") and i < len(texts) - 1:
            penalty += SHAPE_PENALTY  # a subtitle closes it
    titles = sum(1 for t in texts if not t.startswith("——") and KICKER_MARK not in t)
    if titles > MAX_TITLE_LINES:
        penalty += THIRD_LINE_PENALTY + SHAPE_PENALTY * (titles - MAX_TITLE_LINES - 1)
    return penalty


def headline_text(lines: list[str]) -> str:
    return despace("".join(lines))
