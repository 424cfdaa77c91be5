"""Character-level cleaning: widths of printed lines, de-spacing, joining column lines.

The PDF extraction inserts spaces where the typesetter stretched a justified line
(`三 是 坚 定`) and around half-width digit runs (`5 个方面`); real spaces only survive
between two Latin/digit words (`EMS Express`) and between phrases of a display line.
"""
from __future__ import annotations

import re

TERMINAL_PUNCT = set("。！？；：…!?;:")
"""A paragraph can only end on a line whose last character is one of these."""

CLOSING_QUOTES = set("”’）」』")
"""These end a paragraph only right after a terminal mark: `…到了。”`."""

HALF_WIDTH_PUNCT = set("，、。；：“”‘’（）《》〈〉【】！？…—·「」『』")
"""Full-width punctuation the typesetter usually compresses to about half an em."""

_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_OTHER_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f]")


def plain_spaces(text: str) -> str:
    """Tabs and the no-break and typographic spaces some extractions emit, as the plain
    spaces the rest of the cleaner reads (U+3000 stays: it means an indent or a gap)."""
    return _OTHER_SPACES.sub(" ", text)


def is_ascii_word_char(ch: str) -> bool:
    """Latin letters and digits (plus the few signs that live inside such runs)."""
    return ch.isascii() and (ch.isalnum() or ch in "%.+/&")


def char_width(ch: str) -> float:
    """Printed width in ems: CJK 1, half-width ASCII and compressed punctuation 0.5."""
    if ch.isspace():
        return 0.0
    if ch.isascii() or ch in HALF_WIDTH_PUNCT:
        return 0.5
    return 1.0


def line_width(line: str) -> float:
    """Approximate printed width of a raw line.

    Extraction spaces inside CJK text cost nothing; a space next to a half-width run
    stands for the quarter-em gap the typesetter puts around digits and Latin words.
    (Every width is a multiple of a quarter em, so counting kinds of characters gives
    exactly the sum of char_width over the line.)
    """
    printed = "".join(line.split())
    half = len(_HALF_WIDTH.findall(printed))
    total = len(printed) - 0.5 * half
    if len(printed) == len(line):
        return total
    for m in _ANY_SPACE.finditer(line):
        i = m.start()
        left = line[i - 1] if i > 0 else " "
        right = line[i + 1] if i + 1 < len(line) else " "
        if (left.isascii() and not left.isspace()) or (right.isascii() and not right.isspace()):
            total += 0.25
    return total


_ANY_SPACE = re.compile(r"\s")
_HALF_WIDTH = re.compile("[\x00-\x7f" + re.escape("".join(sorted(HALF_WIDTH_PUNCT))) + "]")


def non_space(text: str) -> str:
    """The text without any whitespace: what conservation counts."""
    return "".join(text.split())  # str.split() cuts at exactly the characters isspace() names


def is_spaced_out(line: str) -> bool:
    """A justified line the extractor spaced out: most tokens are single characters."""
    tokens = line.split()
    singles = sum(1 for t in tokens if len(t) == 1 or (len(t) == 2 and not t.isascii()))
    return singles >= 3 and singles >= 0.5 * len(tokens)


def is_ideograph(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def despace(text: str, keep_phrase_spaces: bool = False) -> str:
    """Remove spurious spaces; keep one space between two Latin words.

    With `keep_phrase_spaces` (a line that is not letter-spaced) a space between two
    ideographs is real too: `浓情中秋节 欢乐做月饼`.
    """
    text = text.strip()
    parts = _SPACES.split(text)
    out = parts[0] if parts else ""
    for part in parts[1:]:
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " " + part
        elif keep_phrase_spaces and out and is_ideograph(out[-1]) and is_ideograph(part[0]):
            out += " " + part
        else:
            out += part
    return out


def despace_display(text: str) -> str:
    """Clean a headline/subheading line: keep single spaces between phrases unless spaced out."""
    text = text.strip()
    if is_spaced_out(text):
        return despace(text)
    words = [w for w in _SPACES.split(text) if w]
    out = ""
    for word in words:
        if not out:
            out = word
        elif len(word) >= 2 and len(out.split(" ")[-1]) >= 2 and not _digit_glue(out[-1], word[0]):
            out += " " + word
        else:
            out += word
    return out


def _digit_glue(left: str, right: str) -> bool:
    """A space next to a half-width run inside a CJK phrase is an extraction artefact."""
    return (left.isascii() != right.isascii()) or (left.isdigit() and right.isdigit())


_IDEOGRAPHIC_GAP = re.compile(r"(?<=[\u3400-\u9fff])\u3000+(?=[\u3400-\u9fff])")
"""A full-width space between two ideographs of running text: a justification gap the
extraction kept, never a word gap (those are plain spaces, and only in display phrases)."""


def join_lines(lines: list[str]) -> str:
    """Join column lines into one paragraph, rejoining Latin words split with a hyphen."""
    out = ""
    for raw in lines:
        if "\u3000" in raw:
            raw = _IDEOGRAPHIC_GAP.sub("", raw)
        piece = despace(raw, keep_phrase_spaces=not is_spaced_out(raw))
        if not piece:
            continue
        if out.endswith("-") and len(out) >= 2 and out[-2].isascii() and out[-2].isalpha() \
                and piece[0].isascii() and piece[0].isalpha():
            out = out[:-1] + piece
        elif out and out[-1].isascii() and out[-1].isalpha() and piece[0].isascii() and piece[0].isalpha():
            out += " " + piece
        else:
            out += piece
    return out


PAGE_NO = r"((?:第\s*)?[0-9０-９一二三四五六七八九十\s]+?版)"
"""A page named in a mark (`第2版`, `2版`, `第二版`), as a regex group."""
_SEE_PAGE = re.compile(r"（\s*(?:详\s*)?见\s*" + PAGE_NO + r"\s*）$")
"""`（详见第2版）`: a teaser's pointer to the article on another page ends its paragraph."""


def ends_with_terminal(line: str) -> bool:
    """True when the last printed character may close a paragraph."""
    s = line.rstrip()
    if s.endswith("版）") and _SEE_PAGE.search(s):
        return True
    while s and s[-1] in CLOSING_QUOTES:
        s = s[:-1].rstrip()
        if s and s[-1] in TERMINAL_PUNCT:
            return True
    return bool(s) and s[-1] in TERMINAL_PUNCT and len(s) == len(line.rstrip())
