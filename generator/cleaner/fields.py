"""Recognise the printed furniture of an article: dateline, byline, signature, credit, jump line.

These become fields of the record rather than body text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .text import PAGE_NO, despace

BOX = "□"
PHOTO_CREDIT = "摄影报道"
DATELINE = "本报讯"
ROLE_WORDS = ("特约通讯员", "通讯员", "特约记者", "见习记者", "记者", "实习生", "摄影", "编辑")
"""Words that name a role, not a person, inside a byline or credit."""

_NAME = r"[\u4e00-\u9fff·]{2,5}"
_CREDIT_ROLE = re.compile(r"^(?:文|图|摄影|摄)(?:[/／、](?:文|图|摄影|摄))*[/／]?$")
"""`文/图`, `文`, `图`, `摄影`: a short role printed before a name in a `□` credit (only as a
whole word: these characters also occur inside names)."""
_PHOTO_ROLE = re.compile(r"图|摄")
_CONTINUATION = re.compile(r"^（\s*(?:上\s*)?接\s*" + PAGE_NO + r"\s*）$")
"""`（上接第1版）`, also `（接第1版）`, `（上接1版）`, `（上接第一版）`."""
_JUMP_OUT = re.compile(r"^(.*?)\s*（\s*(?:下\s*)?转\s*" + PAGE_NO + r"\s*）$")
"""`（下转第2版）`, also `（转第2版）`, `（下转2版）`, after the text's last words or alone."""
DATELINE_WORD = r"本\s*报\s*(?:[\u4e00-\u9fff]\s*){0,4}?讯"
"""`本报讯`, or with the place it was sent from (`本报北京讯`); the word may be letter-spaced."""
_DATELINE_WORD = re.compile(r"^\s*" + DATELINE_WORD)
_SIGNATURE_TAIL = re.compile(r"^(.*?)\s*□\s*([^□]+?)\s*$")


@dataclass
class Credit:
    """Who is named after a □: byline text (roles kept) and the person names."""

    byline: Optional[str]
    names: list[str] = field(default_factory=list)


def continuation_of(line: str) -> Optional[str]:
    """`（上接第1版）` -> `第1版`; None for any other line."""
    m = _CONTINUATION.match(line.strip()) if "版" in line else None  # (most lines name no page)
    return despace(m.group(1)) if m else None


def split_jump_out(line: str) -> Optional[tuple[str, str]]:
    """`…畅通。（下转第2版）` -> ('…畅通。', '第2版'): the text goes on on another page (the
    mark stands on its own line or ends the text's last one); None for any other line."""
    m = _JUMP_OUT.match(line.strip()) if "版" in line else None  # (most lines name no page)
    return (m.group(1), despace(m.group(2))) if m else None


def jump_mark_chars(line: str) -> str:
    """The characters of a jump line's mark that are structure, not text: the brackets and
    `上接` / `下转` around the page, which the record keeps as `continued_from` / `continued_to`."""
    page = continuation_of(line)
    if page:
        return despace(line).replace(page, "", 1)
    jump = split_jump_out(line)
    if jump:
        return despace(line)[len(despace(jump[0])):].replace(jump[1], "", 1)
    return ""


def dateline_word(text: str) -> Optional[str]:
    """The dateline word opening `text` (`本报讯`, `本报北京讯`), spaces removed; else None."""
    m = _DATELINE_WORD.match(text) if text.lstrip()[:1] == DATELINE[0] else None
    return despace(m.group(0)) if m else None


def starts_with_dateline(line: str) -> bool:
    # the first non-space character tells most lines apart at once
    return line.lstrip()[:1] == DATELINE[0] and dateline_word(line) is not None


def split_dateline(text: str) -> tuple[Optional[str], str]:
    """`本报讯 （记者 X） 正文` -> ('记者 X', '正文'); `本报讯 正文` -> (None, '正文'); the same
    after `本报北京讯`.

    The text is the raw joined first lines (spaces kept) so spaced bylines still parse.
    """
    m = _DATELINE_WORD.match(text)  # the word itself may be letter-spaced: `本 报 讯`
    body = text[m.end():] if m else text
    m = re.match(r"^\s*（([^（）]*)）\s*(.*)$", body, re.S)
    if m:
        return normalise_byline(m.group(1)), m.group(2)
    return None, body


def _split_roles(word: str) -> list[str]:
    """'云南记者杨晓颖' -> ['云南记者', '杨晓颖']: cut after a role word."""
    for role in ROLE_WORDS:
        i = word.find(role)
        if i >= 0 and i + len(role) < len(word):
            return [word[: i + len(role)]] + _split_roles(word[i + len(role):])
    return [word]


def is_role(word: str) -> bool:
    return any(word.endswith(r) for r in ROLE_WORDS) or len(word) > 5 or bool(_CREDIT_ROLE.match(word))


def photographers_in(byline: str) -> list[str]:
    """Names printed after a role that takes pictures (`文/图 X`, `摄影 Y`), or before one
    that closes the byline (`X Y 摄`, `本报记者 X 摄影`)."""
    out, photo, since_role = [], False, []
    words = byline_words(byline)
    for i, w in enumerate(words):
        if is_role(w):
            photo = bool(_PHOTO_ROLE.search(w))
            if photo and i == len(words) - 1:
                out.extend(since_role)
            since_role = []
        else:
            since_role.append(w)
            if photo:
                out.append(w)
    return out


def byline_words(text: str) -> list[str]:
    """Words of a byline with roles cut from names."""
    tokens = despace_tokens(text)
    words: list[str] = []
    for tok in tokens:
        for w in _split_roles(tok):
            if words and is_role(words[-1]) and not _CREDIT_ROLE.match(words[-1]):
                words.extend(_split_glued_role(w))  # a name is due here
            else:
                words.append(w)
    return words


def _split_glued_role(word: str) -> list[str]:
    """'董宏刚通讯员' -> ['董宏刚', '通讯员']: a name and the next role glued where a line
    break swallowed the space between them (only read where a name is due)."""
    for role in ROLE_WORDS:
        if word.endswith(role) and len(word) - len(role) >= 2:
            return [word[: -len(role)], role]
    return [word]


def despace_tokens(text: str) -> list[str]:
    """Split on spaces, gluing runs of single spaced-out characters back into words."""
    merged: list[str] = []
    run = ""
    for tok in text.split():
        if len(tok) == 1:
            run += tok
            continue
        if run:
            merged.append(run)
            run = ""
        merged.append(tok)
    if run:
        merged.append(run)
    return merged


def normalise_byline(text: str) -> str:
    """Single spaces between role and names: `云 南 记 者 杨晓颖` -> `云南记者 杨晓颖`."""
    return " ".join(byline_words(text))


def names_in(byline: str) -> list[str]:
    """Person names of a byline: words that are not roles."""
    return [w for w in byline_words(byline) if not is_role(w)]


def parse_credit(text: str) -> Credit:
    """Text after □ (without 摄影报道): keeps a byline only when roles are printed."""
    words = byline_words(text)
    names = [w for w in words if not is_role(w)]
    has_role = any(is_role(w) for w in words)
    return Credit(" ".join(words) if has_role else None, names)


def looks_like_names(text: str) -> bool:
    """`翟瑞兰 付慧` / `本报记者 李萍 通讯员 汪嘉铭`: short words, no punctuation."""
    words = text.split()
    if not words or len(words) > 6:
        return False
    joined = "".join(words)
    if len(joined) > 24 or re.search(r"[，。、；：！？“”]", joined):
        return False
    return all(re.fullmatch(_NAME, w) or is_role(w) for w in byline_words(text))


def split_signature(line: str) -> Optional[tuple[str, str]]:
    """'…万次。 □陈银银' -> ('…万次。', '陈银银'); None when the line carries no signature."""
    if BOX not in line:
        return None
    m = _SIGNATURE_TAIL.match(line.rstrip())
    if not m:
        return None
    head, tail = m.group(1), m.group(2)
    if tail.endswith(PHOTO_CREDIT):
        return None
    if not looks_like_names(tail):
        return None
    return head, tail


def split_credit(line: str) -> Optional[tuple[str, str]]:
    """'…万元。 □白娜 曾珍 摄影报道' -> ('…万元。', '白娜 曾珍')."""
    s = line.rstrip()
    if BOX not in s or not s.endswith(PHOTO_CREDIT):
        return None
    i = s.rfind(BOX)
    return s[:i].rstrip(), s[i + 1: -len(PHOTO_CREDIT)].strip()
