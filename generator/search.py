"""Sub-word search for Chinese: add jieba search-mode tokens to Material's search index.

Material's search plugin segments Han text with `jieba.cut` (accurate mode) and joins
the words with U+200B, its separator for zh. Accurate mode keeps `国家邮政局` or
`中国邮政` whole, and the browser side only matches a query as a word *prefix*, so
`邮政` would miss them. For every accurate-mode word that holds shorter dictionary
words, `jieba.cut_for_search` gives those (国家, 邮政, 政局, 邮政局). We add them in
two extra index fields, `title_words` (boosted like the title) and `text_words`
(like the body), so the visible title and text — what result previews show and
highlight — stay exactly as Material wrote them.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jieba

SEPARATOR = "\u200b"
EXTRA_FIELDS = {"title": "title_words", "text": "text_words"}
_HAN_WORD = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]{3,}$")
_SPLIT = re.compile(r"[\s\u200b\u3000\-、。，．？！；]+")

jieba.setLogLevel(60)


def sub_words(word: str) -> list[str]:
    """Shorter dictionary words inside one accurate-mode word, in jieba's order."""
    if not _HAN_WORD.match(word):
        return []
    return [w for w in jieba.cut_for_search(word) if w != word and len(w) > 1]


def extra_words(segmented: str) -> str:
    """The sub-words of a Material-segmented string, each once, U+200B-separated."""
    seen: dict[str, None] = {}
    for word in _SPLIT.split(segmented):
        for sub in sub_words(word):
            seen.setdefault(sub, None)
    return SEPARATOR.join(seen)


def add_search_words(index: dict) -> dict:
    """Return the index with `title_words`/`text_words` on every doc that has sub-words
    and the two fields registered with the boosts of `title`/`text`."""
    config = dict(index.get("config") or {})
    fields = dict(config.get("fields") or {})
    for source, extra in EXTRA_FIELDS.items():
        fields[extra] = dict(fields.get(source) or {"boost": 1.0})
    config["fields"] = fields
    docs = []
    for doc in index.get("docs") or []:
        doc = dict(doc)
        for source, extra in EXTRA_FIELDS.items():
            words = extra_words(doc.get(source) or "")
            if words:
                doc[extra] = words
        docs.append(doc)
    return {**index, "config": config, "docs": docs}


def rewrite_search_index(path: Path) -> int:
    """Rewrite Material's search_index.json in place (Han unescaped); returns its size in bytes."""
    path = Path(path)
    index = add_search_words(json.loads(path.read_text(encoding="utf-8")))
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))
