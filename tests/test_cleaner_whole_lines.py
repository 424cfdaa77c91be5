"""Extractions that join a paragraph's lines: each paragraph (or caption) on one line.

No printed column is 40 ems wide, so such lines are whole paragraphs; where a page gives
them often, every line ending a sentence ends its paragraph, however short.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from generator.cleaner import clean_text
from generator.cleaner.paragraphs import MAX_COLUMN
from score_cleaner import FIELDS
from typesetter import place_real

EXPECTED = Path(__file__).resolve().parent / "fixtures" / "expected"
WHOLE = 2000  # a "column" wider than any paragraph: one line per paragraph


def real_page_whole_lines(name: str, page: int, seed: int) -> tuple[str, list[dict]]:
    """A real page's articles in printed order, each paragraph on one line, headlines after."""
    record = json.loads((EXPECTED / name).read_text(encoding="utf-8"))
    arts = record["pages"][page]["articles"]
    rng = random.Random(seed)
    lines = [" 动 态"]
    for art in arts:
        placed = place_real(rng, art, WHOLE, False)
        lines.extend(placed.body + placed.headline)
    return "\n\n".join(lines) + "\n", arts


def test_a_page_of_whole_paragraph_lines_reads_as_printed():
    """Real news, a feature with subheadings, photo items and dateline briefs (sample 004,
    page 1): every field as the hand-written records, for several draws of the layout."""
    for seed in range(3):
        text, arts = real_page_whole_lines("004_e229f4dbf49f66f5.json", 0, seed)
        assert max(len(ln) for ln in text.splitlines()) > MAX_COLUMN
        got = clean_text(text, "whole.txt").to_dict()["pages"][0]["articles"]
        assert len(got) == len(arts)
        for want, have in zip(arts, got):
            assert {f: have.get(f) for f in FIELDS} == {f: want.get(f) for f in FIELDS}


def test_short_paragraphs_between_whole_ones_keep_their_breaks():
    """A two-sentence paragraph shorter than a column would be read as a full line running
    on; on a page of whole paragraphs it ends where its line ends."""
    text = "\n\n".join([
        " 动 态",
        "本报讯 近日，某省邮政分公司召开旺季生产动员会，部署揽收、分拣、运输和投递各环节保障工作，"
        "要求各单位细化措施，确保邮件安全畅通、投递及时准确。",
        "会议要求，各单位要压实责任。",
        "会议强调，要加强安全生产管理，严格落实各项安全制度，确保旺季生产平稳有序，"
        "全力满足群众用邮需求，以优质服务赢得客户信赖。",
        "□李明",
        "全力保障旺季生产",
    ]) + "\n"
    art, = clean_text(text, "whole.txt").to_dict()["pages"][0]["articles"]
    assert art["title"] == "全力保障旺季生产" and art["authors"] == ["李明"]
    assert [b["text"][:6] for b in art["blocks"]] == ["近日，某省邮", "会议要求，各", "会议强调，要"]
    assert all(b["type"] == "paragraph" for b in art["blocks"])
