"""Sharded CJK bigram search index for the hosted site (issue 7).

Material's stock search loads one `search_index.json` holding every page (92 MB at
10,000 articles) and segments it with jieba at build time. Here the index is cut
into small files the browser fetches on demand (see docs/assets/search/worker.js):

- tokens: every Han character bigram (so 邮政 finds 国家邮政局 with no dictionary),
  lowercased Latin/digit words (n95, ems), and the single Han characters of titles
  (`^` + character: a one-character query finds articles with it in the title);
- `search/shards/b/XXX.bin`: postings bucketed by a stable hash (FNV-1a 32 over the
  code points) of the token. Per token: its UTF-8 bytes, the doc ids holding it and the subset holding it
  in the title, each list delta + varint coded;
- `search/shards/d/N.json`: doc metadata [location, title, date, section, lead] in
  chunks of CHUNK docs; doc ids run newest first, so ties rank newer first for free;
- `search/shards/meta.json`: counts and a version (digest of every file) that the
  worker appends to shard URLs so a rebuilt site never mixes old and new files.

Everything here is a pure function except `write_index`.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

FORMAT = 1
FIRST_RESULTS = 20              # the worker answers with these at once ...
MAX_RESULTS = 50                # ... then with up to these (each may cost a metadata chunk)
CHUNK = 50                      # docs per metadata file (a result costs at most one)
LEAD_CHARS = 72                 # preview text per result
TARGET_SHARD_BYTES = 8192       # buckets are chosen so an average shard is about this big
MIN_BUCKETS, MAX_BUCKETS = 16, 4096
TITLE_CHAR = "^"                # prefix of title single-character tokens
SHARDS_DIR = Path("search") / "shards"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"          # CJK compatibility ideographs fold into these (NFKC)
_RUN = re.compile(rf"[{_HAN}]+|[0-9a-z]+")
_BIGRAM = re.compile(rf"(?=([{_HAN}]{{2}}))")
_LATIN = re.compile(r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_TAG = re.compile(r"<[^>]+>")
_DROP = re.compile(r"<(h1|script|style)\b[^>]*>.*?</\1>"
                   r"|<p\b[^>]*class=\"[^\"]*\b(?:kicker|byline)\b[^\"]*\"[^>]*>.*?</p>", re.S | re.I)
_PARA = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S | re.I)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Doc:
    """One article as the index and the result list need it."""

    location: str           # page URL relative to the site root
    title: str
    date: str               # YYYY-MM-DD
    section: str
    text: str               # plain text searched (kicker, byline and body)
    lead: str               # preview shown under the title
    tokens: Optional["DocTokens"] = field(default=None, compare=False, repr=False)
    """The tokens of title and text when computed already (a cache hit): text may then be empty."""


# --- text and tokens ---------------------------------------------------------------

def normalize(text: str) -> str:
    """NFKC (full-width Ｎ９５ -> N95) and lowercase; the worker does the same to queries."""
    return unicodedata.normalize("NFKC", text).lower()


def html_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def lead_of(content: str, limit: int = LEAD_CHARS) -> str:
    """The first body paragraphs (no headline, kicker or byline), cut to `limit` characters.
    Only the head of the page is read: the lead is near the top."""
    body = _DROP.sub(" ", content[:limit * 40])
    paragraphs: list[str] = []
    for match in _PARA.finditer(body):
        text = html_text(match.group(1))
        if text:
            paragraphs.append(text)
            if sum(map(len, paragraphs)) > limit:
                break
    text = " ".join(paragraphs) or html_text(body)
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def runs(text: str) -> list[str]:
    """Han runs and Latin/digit words of normalized text, in order."""
    return _RUN.findall(normalize(text))


def is_han(run: str) -> bool:
    return "\u3400" <= run[0]


def bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def text_tokens(text: str) -> set[str]:
    """Search tokens of body text: Han bigrams and Latin/digit words (full width folded).
    Same tokens as runs() + bigrams(), found by two regex scans (the build's hot loop)."""
    out = set(_BIGRAM.findall(text))
    for word in _LATIN.findall(text):
        out.add(word.lower() if word.isascii() else normalize(word))
    return out


def title_tokens(title: str) -> set[str]:
    """Title tokens: as body text, plus each Han character as `^` + character."""
    out = text_tokens(title)
    for run in runs(title):
        if is_han(run):
            out.update(TITLE_CHAR + ch for ch in run)
    return out


def query_tokens(query: str) -> list[str]:
    """Tokens a query must all match (AND). A lone Han character searches titles, and
    only when the query has nothing longer. Mirrors queryTokens() in the worker."""
    parts = runs(query)
    long_tokens = [t for r in parts for t in (bigrams(r) if is_han(r) else [r]) if not is_han(r) or len(r) > 1]
    if long_tokens:
        return list(dict.fromkeys(long_tokens))
    return list(dict.fromkeys(TITLE_CHAR + r for r in parts if is_han(r)))


FNV_OFFSET, FNV_PRIME = 0x811C9DC5, 0x01000193


def bucket_of(token: str, buckets: int) -> int:
    """FNV-1a 32-bit over the token's code points, modulo a power-of-two bucket count."""
    h = FNV_OFFSET
    for ch in token:
        h = ((h ^ ord(ch)) * FNV_PRIME) & 0xFFFFFFFF
    return h & (buckets - 1)


# --- binary coding --------------------------------------------------------------------

def varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


_SMALL_VARINTS = [varint(n) for n in range(1 << 14)]


def encode_ids(ids: list[int]) -> bytes:
    """Count, then ascending ids as gaps (the first gap is from -1, so never negative)."""
    gaps = [b - a - 1 for a, b in zip([-1, *ids], ids)]
    head = varint(len(ids))
    if not gaps or max(gaps) < 0x80:            # the common case: one byte a gap
        return head + bytes(gaps)
    small = _SMALL_VARINTS
    return head + b"".join(small[g] if g < 16384 else varint(g) for g in gaps)


def encode_shard(postings: dict[str, tuple[list[int], list[int]]]) -> bytes:
    """Tokens sorted by their UTF-8 bytes (stable files); per token: length, bytes,
    all ids, title ids."""
    out = bytearray(varint(len(postings)))
    for raw, token in sorted((t.encode("utf-8"), t) for t in postings):
        every, titled = postings[token]
        out += varint(len(raw)) + raw + encode_ids(every) + encode_ids(titled)
    return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        n |= (byte & 0x7F) << shift
        if byte < 0x80:
            return n, pos
        shift += 7


def _read_ids(data: bytes, pos: int) -> tuple[list[int], int]:
    count, pos = _read_varint(data, pos)
    ids, prev = [], -1
    for _ in range(count):
        gap, pos = _read_varint(data, pos)
        prev += gap + 1
        ids.append(prev)
    return ids, pos


def decode_shard(data: bytes) -> dict[str, tuple[list[int], list[int]]]:
    """Inverse of encode_shard (tests and bench use it; the worker has its own)."""
    count, pos = _read_varint(data, 0)
    out = {}
    for _ in range(count):
        length, pos = _read_varint(data, pos)
        token = data[pos:pos + length].decode("utf-8")
        pos += length
        every, pos = _read_ids(data, pos)
        titled, pos = _read_ids(data, pos)
        out[token] = (every, titled)
    return out


# --- building ----------------------------------------------------------------------------

def order_docs(docs: Iterable[Doc]) -> list[Doc]:
    """Newest first, then by location: doc id order = tie-break order of results."""
    docs = sorted(docs, key=lambda d: d.location)
    return sorted(docs, key=lambda d: d.date, reverse=True)


def doc_tokens(doc: Doc) -> tuple[frozenset[str], frozenset[str]]:
    """(every token of the doc, the tokens found in its title)."""
    titled = title_tokens(doc.title)
    return frozenset(titled | text_tokens(doc.text)), frozenset(titled)


def invert(token_sets: list[tuple[frozenset[str], frozenset[str]]]) -> dict[str, tuple[list[int], list[int]]]:
    """token -> (ascending ids holding it, ascending ids holding it in the title)."""
    every_ids: defaultdict[str, list[int]] = defaultdict(list)
    title_ids: defaultdict[str, list[int]] = defaultdict(list)
    for doc_id, (every, titled) in enumerate(token_sets):
        for token in every:
            every_ids[token].append(doc_id)
        for token in titled:
            title_ids[token].append(doc_id)
    return {token: (ids, title_ids.get(token, [])) for token, ids in every_ids.items()}


def bucket_count(tokens: int, postings: int) -> int:
    """A power of two giving shards of about TARGET_SHARD_BYTES (~9 bytes a token, ~1.2 a posting)."""
    estimate = 9 * tokens + 1.2 * postings
    buckets = MIN_BUCKETS
    while buckets < MAX_BUCKETS and estimate / buckets > TARGET_SHARD_BYTES:
        buckets *= 2
    return buckets


# The builder works on integer token codes with numpy (10,000 articles hold ~10 million
# postings: a dict of lists in Python costs ~30 s there). A token of one or two
# characters is its code points, (first << 21) | second; a longer one (a Latin word) is
# LONG_BASE + its rank in the sorted list of long tokens.
_SHIFT = 21
_LOW = (1 << _SHIFT) - 1
LONG_BASE = 1 << 43


def short_code(token: str) -> int:
    return ord(token[0]) if len(token) == 1 else (ord(token[0]) << _SHIFT) | ord(token[1])


def _han_bigram_codes(text: str) -> np.ndarray:
    """Codes of every Han bigram of the text (repeats included)."""
    cp = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
    han = ((cp >= 0x3400) & (cp <= 0x4DBF)) | ((cp >= 0x4E00) & (cp <= 0x9FFF))
    pair = han[:-1] & han[1:]
    return (cp[:-1][pair] << _SHIFT) | cp[1:][pair]


def _split_tokens(tokens: Iterable[str]) -> tuple[list[int], list[str]]:
    short, long = [], []
    for t in tokens:
        (short.append(short_code(t)) if len(t) <= 2 else long.append(t))
    return short, long


def _latin_tokens(text: str) -> set[str]:
    return {w.lower() if w.isascii() else normalize(w) for w in _LATIN.findall(text)}


def _sorted_unique(codes: np.ndarray) -> np.ndarray:
    """np.unique for one article's codes, ~3x faster at that size (no hashing pass)."""
    codes = np.sort(codes)
    if len(codes) < 2:
        return codes
    keep = np.empty(len(codes), dtype=bool)
    keep[0] = True
    np.not_equal(codes[1:], codes[:-1], out=keep[1:])
    return codes[keep]


@dataclass(frozen=True)
class DocTokens:
    """One article's tokens as the builder needs them, independent of the other articles
    (so a build can keep them from the last one: tokenising is most of the index's cost).
    Bigrams are packed (first << 16) | second in uint32, half the size of their codes and
    in the same order."""

    bigrams: bytes                      # sorted unique packed Han bigrams of the text
    title_short: tuple[int, ...]        # codes of the title's one- and two-character tokens
    body_short: tuple[int, ...]         # codes of the text's short Latin/digit words
    title_long: tuple[str, ...]         # longer tokens, sorted
    body_long: tuple[str, ...]

    def bigram_codes(self) -> np.ndarray:
        packed = np.frombuffer(self.bigrams, dtype="<u4").astype(np.int64)
        return ((packed >> 16) << _SHIFT) | (packed & 0xFFFF)


def tokens_of(title: str, text: str) -> DocTokens:
    """The tokens of one article (what `_doc_codes` indexes)."""
    titled_short, titled_long = _split_tokens(title_tokens(title))
    body_short, body_long = _split_tokens(_latin_tokens(text))
    codes = _sorted_unique(_han_bigram_codes(text))
    packed = ((codes >> _SHIFT) << 16) | (codes & _LOW)
    return DocTokens(packed.astype("<u4").tobytes(), tuple(titled_short), tuple(body_short),
                     tuple(sorted(set(titled_long))), tuple(sorted(set(body_long))))


def _doc_codes(docs: list[Doc]) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """Per doc: sorted unique codes of all its tokens and of its title tokens; the long-token list.
    Each doc's bigrams are made unique at once, so the repeats of the whole archive are never held."""
    raw = []
    vocab: set[str] = set()
    for d in docs:
        tok = d.tokens if d.tokens is not None else tokens_of(d.title, d.text)
        vocab.update(tok.title_long, tok.body_long)
        raw.append((tok.bigram_codes(), list(tok.title_short), list(tok.body_short), tok.title_long, tok.body_long))
    long_tokens = sorted(vocab)
    long_id = {t: LONG_BASE + i for i, t in enumerate(long_tokens)}
    every, titled = [], []
    for k, (bigram_codes, t_short, b_short, t_long, b_long) in enumerate(raw):
        raw[k] = None
        t_codes = np.array(t_short + [long_id[t] for t in t_long], dtype=np.int64)
        b_codes = np.array(b_short + [long_id[t] for t in b_long], dtype=np.int64)
        every.append(_sorted_unique(np.concatenate([bigram_codes, t_codes, b_codes])))
        titled.append(_sorted_unique(t_codes))
    return every, titled, long_tokens


def _postings(per_doc: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sorted unique codes, start of each code's run, doc ids) with doc ids ascending per code."""
    lengths = np.fromiter((len(a) for a in per_doc), dtype=np.int64, count=len(per_doc))
    codes = np.concatenate(per_doc) if per_doc else np.zeros(0, np.int64)
    ids = np.repeat(np.arange(len(per_doc), dtype=np.int64), lengths)
    id_bits = max(1, len(per_doc).bit_length())
    if len(codes) and int(codes.max()).bit_length() + id_bits <= 63:
        # code and doc id in one int64, sorted in place: ~2x faster than a stable argsort
        # and its two gathers (ids stay ascending within a code: they are the low bits)
        codes <<= id_bits
        codes |= ids
        del ids
        codes.sort()
        ids = codes & ((1 << id_bits) - 1)
        codes >>= id_bits
    else:
        order = np.argsort(codes, kind="stable")      # stable: ids stay ascending within a code
        codes, ids = codes[order], ids[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, np.int64)
    return codes[starts], starts, ids


def _varint_stream(ids: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gap varints of every posting list, back to back, and each list's byte offset (+ the end)."""
    prev = np.r_[-1, ids[:-1]] if len(ids) else ids
    if len(ids):
        prev[starts] = -1
    gaps = ids - prev - 1
    nbytes = 1 + (gaps >= 1 << 7) + (gaps >= 1 << 14) + (gaps >= 1 << 21) + (gaps >= 1 << 28)
    ends = np.cumsum(nbytes)
    first = ends - nbytes
    out = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    for k in range(5):
        sel = nbytes > k
        if not sel.any():
            break
        out[first[sel] + k] = ((gaps[sel] >> (7 * k)) & 0x7F) | np.where(nbytes[sel] > k + 1, 0x80, 0)
    offsets = np.r_[first[starts], ends[-1]] if len(ids) else np.zeros(1, np.int64)
    return out, offsets


def _buckets_of(codes: np.ndarray, long_tokens: list[str], buckets: int) -> np.ndarray:
    """bucket_of for every code, vectorized for one- and two-character tokens."""
    out = np.empty(len(codes), dtype=np.int64)
    short = codes < LONG_BASE
    c = codes[short]
    first, second = c >> _SHIFT, c & _LOW
    h = np.full(len(c), FNV_OFFSET, dtype=np.uint64)
    two = first > 0
    h[two] = ((h[two] ^ first[two].astype(np.uint64)) * np.uint64(FNV_PRIME)) & np.uint64(0xFFFFFFFF)
    h = ((h ^ second.astype(np.uint64)) * np.uint64(FNV_PRIME)) & np.uint64(0xFFFFFFFF)
    out[short] = (h & np.uint64(buckets - 1)).astype(np.int64)
    out[~short] = [bucket_of(long_tokens[int(x) - LONG_BASE], buckets) for x in codes[~short]]
    return out


def _token_text(code: int, long_tokens: list[str]) -> str:
    if code >= LONG_BASE:
        return long_tokens[code - LONG_BASE]
    return chr(code) if code <= _LOW else chr(code >> _SHIFT) + chr(code & _LOW)


PARTITION_POSTINGS = 1_000_000
"""Postings handled at once. The builder's arrays take ~100 bytes a posting and a
50,000-article archive holds ~50 million postings: in one pass that was 4.4 GB on top of
the build (the 50,000 build's peak); by ranges it is ~0.1 GB plus the per-article codes."""


def _partition_bounds(per_doc: list[np.ndarray], total: int) -> list[int]:
    """Code values cutting the (sorted) codes into ranges of about PARTITION_POSTINGS postings."""
    parts = max(1, -(-total // PARTITION_POSTINGS))
    if parts == 1:
        return []
    step = 16
    sample = np.sort(np.concatenate([a[::step] for a in per_doc]))
    cuts = np.unique(sample[[len(sample) * i // parts for i in range(1, parts)]])
    return cuts.tolist()


def build_shards(docs: list[Doc]) -> tuple[dict[str, bytes], int]:
    """The shard files (encode_shard's format) of docs in id order, and the token count.
    Postings are built one code range at a time (`_partition_bounds`): each code's whole
    posting list falls in one range, and the ranges come in code order, so the files are
    the same as from one pass."""
    every, titled, long_tokens = _doc_codes(docs)
    t_codes, t_starts, t_ids = _postings(titled)
    t_body, t_offsets = _varint_stream(t_ids, t_starts)
    t_counts = np.diff(np.r_[t_starts, len(t_ids)]).tolist()
    t_body_bytes, t_offsets = t_body.tobytes(), t_offsets.tolist()
    total = sum(len(a) for a in every)
    bounds = _partition_bounds(every, total)
    cuts = [np.searchsorted(a, bounds) for a in every] if bounds else None
    all_codes: list[np.ndarray] = []
    entries: list[bytes] = []
    for p in range(len(bounds) + 1):
        if cuts is None:
            part = every
        else:
            part = [a[(c[p - 1] if p else 0):(c[p] if p < len(bounds) else len(a))] for a, c in zip(every, cuts)]
        codes, starts, ids = _postings(part)
        del part
        body, offsets = _varint_stream(ids, starts)
        counts = np.diff(np.r_[starts, len(ids)]).tolist()
        del ids, starts
        where = np.minimum(np.searchsorted(t_codes, codes), max(len(t_codes) - 1, 0))
        t_of = np.where(t_codes[where] == codes, where, -1) if len(t_codes) else np.full(len(codes), -1)
        body_bytes, offsets = body.tobytes(), offsets.tolist()
        del body
        for j, (code, t) in enumerate(zip(codes.tolist(), t_of.tolist())):
            raw = _token_text(code, long_tokens).encode("utf-8")
            titled_part = varint(t_counts[t]) + t_body_bytes[t_offsets[t]:t_offsets[t + 1]] if t >= 0 else b"\0"
            entries.append(b"".join((varint(len(raw)), raw, varint(counts[j]),
                                     body_bytes[offsets[j]:offsets[j + 1]], titled_part)))
        all_codes.append(codes)
    codes = np.concatenate(all_codes) if all_codes else np.zeros(0, np.int64)
    buckets = bucket_count(len(codes), total)
    owner = _buckets_of(codes, long_tokens, buckets)
    parts: list[list[bytes]] = [[] for _ in range(buckets)]
    for entry, bucket in zip(entries, owner.tolist()):
        parts[bucket].append(entry)
    width = len(f"{buckets - 1:x}")
    files = {f"b/{i:0{width}x}.bin": varint(len(p)) + b"".join(p) for i, p in enumerate(parts)}
    return files, len(codes)


def build_files(docs: Iterable[Doc]) -> dict[str, bytes]:
    """Every index file (path under search/shards/ -> bytes), deterministic for the same docs."""
    ordered = order_docs(docs)
    files, tokens = build_shards(ordered)
    buckets = sum(name.startswith("b/") for name in files)
    for start in range(0, len(ordered), CHUNK):
        rows = [[d.location, d.title, d.date, d.section, d.lead] for d in ordered[start:start + CHUNK]]
        files[f"d/{start // CHUNK}.json"] = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    meta = {"format": FORMAT, "docs": len(ordered), "buckets": buckets, "width": len(f"{buckets - 1:x}"),
            "chunk": CHUNK, "first": FIRST_RESULTS, "max": MAX_RESULTS, "version": digest.hexdigest()[:12],
            "tokens": tokens}
    files["meta.json"] = json.dumps(meta, separators=(",", ":")).encode("utf-8")
    return files


def write_index(site_dir: Path, files: dict[str, bytes]) -> int:
    """Write the files into a fresh folder next to search/shards, then swap it in: a
    reader (or a failed build) never sees half an index. Returns the bytes written."""
    target = Path(site_dir) / SHARDS_DIR
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".shards.", dir=target.parent))
    try:
        for sub in {Path(name).parent for name in files}:
            (staging / sub).mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (staging / name).write_bytes(data)
        old = None
        if target.exists():
            old = target.parent / f".shards.old.{os.getpid()}"
            os.replace(target, old)
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sum(len(d) for d in files.values())


# --- reading back (tests, bench/search_probe.py) -------------------------------------------

@dataclass
class LoadedIndex:
    meta: dict
    rows: list[list]                                        # doc id -> [location, title, date, section, lead]
    postings: dict[str, tuple[list[int], list[int]]]


def load_index(shards_dir: Path) -> LoadedIndex:
    """Every file of a written index, decoded."""
    shards_dir = Path(shards_dir)
    meta = json.loads((shards_dir / "meta.json").read_text(encoding="utf-8"))
    rows: list[list] = []
    for n in range((meta["docs"] + meta["chunk"] - 1) // meta["chunk"]):
        rows += json.loads((shards_dir / "d" / f"{n}.json").read_text(encoding="utf-8"))
    postings: dict = {}
    for i in range(meta["buckets"]):
        postings.update(decode_shard((shards_dir / "b" / f"{i:0{meta['width']}x}.bin").read_bytes()))
    return LoadedIndex(meta, rows, postings)


def search(index: LoadedIndex, query: str) -> list[str]:
    """Locations matching every query token, best first, ranked as the worker ranks them
    (more tokens in the title, then newer)."""
    tokens = query_tokens(query)
    if not tokens:
        return []
    lists = []
    for token in tokens:
        every, titled = index.postings.get(token, ([], []))
        lists.append((set(every), set(every if token.startswith(TITLE_CHAR) else titled)))
    ids = set.intersection(*(every for every, _ in lists))
    ranked = sorted(ids, key=lambda i: (-sum(i in titled for _, titled in lists), i))
    return [index.rows[i][0] for i in ranked]
