"""Sharded search index (generator/search_shards.py, hooks/search.py): tokens, the binary
shard coding, byte-identical rebuilds, and the hosted sample site built with it."""
from __future__ import annotations

import json
import re

import jieba
import numpy as np
import pytest

from generator import search_shards as ss

DOCS = [
    ss.Doc("a/1.html", "国家邮政局发布快递数据", "2022-12-19", "要闻",
           "国家邮政局今天发布：N95口罩寄递正常。", "国家邮政局今天发布：N95口罩寄递正常。"),
    ss.Doc("a/2.html", "快递进村", "2022-12-26", "动态", "农村快递网点覆盖全部乡镇，邮政EMS同行。", "农村快递网点"),
    ss.Doc("a/3.html", "冬季寄递安全", "2022-11-11", "理论", "寄递企业做好冬季安全生产。", "寄递企业"),
]


def test_tokens_are_han_bigrams_latin_words_and_title_characters():
    assert ss.text_tokens("国家邮政局") == {"国家", "家邮", "邮政", "政局"}
    assert ss.text_tokens("Ｎ９５口罩 EMS，邮") == {"n95", "口罩", "ems"}    # full width folded, lone 邮 not a body token
    assert ss.title_tokens("快递进村") == {"快递", "递进", "进村", "^快", "^递", "^进", "^村"}


def test_query_tokens_mirror_the_index():
    assert ss.query_tokens("国家邮政局") == ["国家", "家邮", "邮政", "政局"]
    assert ss.query_tokens("邮政 EMS") == ["邮政", "ems"]
    assert ss.query_tokens("邮") == ["^邮"]                 # one character: titles
    assert ss.query_tokens("邮 快递") == ["快递"]            # ... only when nothing longer is asked
    assert ss.query_tokens("，。 ") == []


def test_lead_skips_headline_kicker_and_byline():
    html = ('<p class="kicker">学习贯彻</p><h1 id="x">标题</h1><p class="byline">（张三）</p>'
            '<p>正文&amp;第一段。</p><p>第二段</p>')
    assert ss.lead_of(html) == "正文&第一段。 第二段"
    assert ss.lead_of("<p>" + "字" * 100 + "</p>", limit=10) == "字" * 10 + "…"


@pytest.mark.parametrize("ids", [[], [0], [0, 1, 2], [5, 127, 128, 16383, 16384, 2_000_000]])
def test_shard_coding_round_trips(ids):
    postings = {"邮政": (ids, ids[:1]), "n95": ([3], []), "^邮": (ids, ids)}
    data = ss.encode_shard(postings)
    assert ss.decode_shard(data) == postings
    assert ss.varint(127) == b"\x7f" and ss.varint(128) == b"\x80\x01"


def test_bucket_hash_is_fnv1a_of_code_points():
    assert ss.bucket_of("", 1 << 31) == 0x811C9DC5 & ((1 << 31) - 1)           # offset basis
    assert ss.bucket_of("a", 4096) == 0xE40C292C & 4095                   # FNV-1a 32 of b"a"
    assert all(0 <= ss.bucket_of(t, 64) < 64 for t in ("邮政", "n95", "^邮"))
    tokens = sorted(["邮政", "n95", "^邮", "a", "7", "ems", "𠀀字", "ab"])
    long_tokens = [t for t in tokens if len(t) > 2]
    codes = np.array([ss.short_code(t) if len(t) <= 2 else ss.LONG_BASE + long_tokens.index(t) for t in tokens])
    assert ss._buckets_of(codes, long_tokens, 4096).tolist() == [ss.bucket_of(t, 4096) for t in tokens]
    assert [ss._token_text(int(c), long_tokens) for c in codes] == tokens


def test_fast_builder_equals_the_plain_inverted_index():
    """build_files (numpy) holds exactly the postings of doc_tokens + invert (plain Python)."""
    docs = DOCS + [ss.Doc(f"b/{i}.html", f"第{i}期 快递 Ｎ{i}", f"2021-01-{i % 28 + 1:02d}", "", "邮政" * (i % 3) + f"x{i} 局", "")
                   for i in range(300)]
    files = ss.build_files(docs)
    decoded = {}
    for name, data in files.items():
        if name.startswith("b/"):
            decoded.update(ss.decode_shard(data))
    assert decoded == ss.invert([ss.doc_tokens(d) for d in ss.order_docs(docs)])


def test_tokens_kept_from_the_last_build_give_the_same_files():
    """A doc carrying its tokens (hooks/search.py's cache hit, text left empty) indexes
    exactly as the doc with its text: packing bigrams in 32 bits keeps codes and order."""
    docs = DOCS + [ss.Doc(f"t/{i}.html", f"第{i}期 ＥＭＳ 㐀字", "2020-05-01", "", f"鿿一㐀丁 Ｎ{i} word{i % 5} 国家邮政局", "")
                   for i in range(120)]
    carried = [ss.Doc(d.location, d.title, d.date, d.section, "", d.lead, tokens=ss.tokens_of(d.title, d.text))
               for d in docs]
    assert ss.build_files(carried) == ss.build_files(docs)
    tok = ss.tokens_of("", "鿿一㐀丁")
    assert tok.bigram_codes().tolist() == sorted(ss.short_code(b) for b in ("鿿一", "一㐀", "㐀丁"))


@pytest.mark.parametrize("top", [1 << 44, 1 << 62])
def test_postings_group_doc_ids_by_code_in_order(top):
    """_postings sorts code and doc id packed in one integer when they fit (top 2**44) and
    falls back to a stable argsort when not (2**62): both give the plain grouping."""
    rng = np.random.default_rng(3)
    per_doc = [np.unique(rng.integers(top - 5000, top, size=int(rng.integers(0, 60)))) for _ in range(700)]
    codes, starts, ids = ss._postings(per_doc)
    expected: dict[int, list[int]] = {}
    for doc, arr in enumerate(per_doc):
        for code in arr.tolist():
            expected.setdefault(code, []).append(doc)
    got = {code: ids[start:end].tolist() for code, start, end in zip(codes.tolist(), starts.tolist(),
                                                                       np.r_[starts[1:], len(ids)].tolist())}
    assert list(got) == sorted(expected) and got == expected


def test_building_by_code_ranges_gives_the_same_files(monkeypatch):
    """Postings built range by range (bounded memory) equal one pass over every posting."""
    docs = DOCS + [ss.Doc(f"r/{i}.html", f"第{i}期 邮政 EMS{i % 7}", f"2022-02-{i % 28 + 1:02d}", "",
                          "国家邮政局" * (i % 4) + "快递包裹" * (i % 5) + f" N{i % 11} 乡村振兴", "")
                   for i in range(400)]
    monkeypatch.setattr(ss, "PARTITION_POSTINGS", 10 ** 9)
    one_pass = ss.build_files(docs)
    assert ss._partition_bounds(ss._doc_codes(ss.order_docs(docs))[0], 10 ** 6) == []
    monkeypatch.setattr(ss, "PARTITION_POSTINGS", 97)
    every = ss._doc_codes(ss.order_docs(docs))[0]
    assert len(ss._partition_bounds(every, sum(len(a) for a in every))) > 10
    assert ss.build_files(docs) == one_pass


def test_build_is_deterministic_and_independent_of_input_order(tmp_path):
    first = ss.build_files(DOCS)
    assert ss.build_files(list(reversed(DOCS))) == first
    ss.write_index(tmp_path / "one", first)
    ss.write_index(tmp_path / "two", ss.build_files(DOCS))
    ss.write_index(tmp_path / "two", ss.build_files(DOCS))              # rewritten in place
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one == two and len(one) == len(first)
    assert not [p for p in (tmp_path / "two" / "search").iterdir() if p.name.startswith(".")]


def test_search_finds_sub_words_ranks_titles_first_then_newer(tmp_path):
    ss.write_index(tmp_path, ss.build_files(DOCS))
    index = ss.load_index(tmp_path / ss.SHARDS_DIR)
    assert index.meta["docs"] == 3 and [r[0] for r in index.rows] == ["a/2.html", "a/1.html", "a/3.html"]
    assert ss.search(index, "邮政") == ["a/1.html", "a/2.html"]          # 国家邮政局 (title) before 邮政EMS
    assert ss.search(index, "寄递") == ["a/3.html", "a/1.html"]          # title hit first
    assert ss.search(index, "快递") == ["a/2.html", "a/1.html"]          # both titles: newer first
    assert ss.search(index, "ems") == ss.search(index, "ＥＭＳ") == ["a/2.html"]
    assert ss.search(index, "邮政 冬季") == []
    assert ss.search(index, "村") == ["a/2.html"]


# --- the hosted sample site --------------------------------------------------------------

def test_hosted_build_writes_shards_and_no_material_docs(built_site):
    site = built_site / "site"
    material = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert material["docs"] == [] and material["config"]["lang"] == ["zh"]
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                       (site / "index.html").read_text(encoding="utf-8"), re.S).group(1)
    assert json.loads(config)["search"] == "assets/search/worker.js"
    assert (site / "assets" / "search" / "worker.js").is_file()
    index = ss.load_index(site / ss.SHARDS_DIR)
    posts = sorted((built_site / "docs" / "posts").rglob("*.md"))
    assert index.meta["docs"] == len(posts) == len(index.rows)
    assert all((site / row[0]).is_file() for row in index.rows)
    assert [r[2] for r in index.rows] == sorted((r[2] for r in index.rows), reverse=True)


def test_sample_sub_word_found_without_a_dictionary(built_site):
    """A word jieba never cuts out of the sample text (only inside longer words) is found."""
    index = ss.load_index(built_site / "site" / ss.SHARDS_DIR)
    texts = {p.stem: p.read_text(encoding="utf-8").split("\n---\n", 1)[1]
             for p in (built_site / "docs" / "posts").rglob("*.md")}
    words = [w for t in texts.values() for w in jieba.cut(t)]
    whole = set(words)
    sub_only = next(w[i:i + 2] for w in words if len(w) >= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", w)
                    for i in range(1, len(w) - 2) if not any(x.startswith(w[i:i + 2]) for x in whole))
    found = {loc.rsplit("/", 1)[-1].removesuffix(".html") for loc in ss.search(index, sub_only)}
    holding = {stem for stem, t in texts.items() if sub_only in t}
    assert holding and holding <= found, (sub_only, holding, found)
