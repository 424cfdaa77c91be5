"""Section heads printed as plain one-sentence paragraphs (bold in print, not in the text)."""
from generator.cleaner.assemble import PARALLEL_HEADS, sentence_heads
from generator.model import Block

BODY = "这是正文段落，内容较长，讲述具体做法和成效，" * 4 + "取得了明显成效。"


def para(text: str) -> Block:
    return Block("paragraph", text)


def article(heads: list[str]) -> list[Block]:
    blocks = [para(BODY)]
    for h in heads:
        blocks += [para(h), para(BODY)]
    return blocks


def test_a_run_of_parallel_one_sentence_paragraphs_are_heads():
    blocks = article(["坚持党建引领，推动全面发展。", "强化科技赋能，提升服务质效。", "深化改革创新，激发内生动力。"])
    assert sentence_heads(blocks) == [1, 3, 5]


def test_fewer_than_the_run_are_ordinary_paragraphs():
    blocks = article(["坚持党建引领，推动全面发展。", "强化科技赋能，提升服务质效。"])
    assert PARALLEL_HEADS > 2 and sentence_heads(blocks) == []


def test_two_sentences_a_long_sentence_or_a_short_follower_are_not_heads():
    blocks = article(["坚持党建引领。推动全面发展。", "强化科技赋能，提升服务质效。", "深化改革创新，激发内生动力。"])
    assert sentence_heads(blocks) == []
    blocks = article(["坚持党建引领，推动全面发展。", "强化科技赋能，提升服务质效。",
                      "深化改革创新，激发内生动力，" * 3 + "再创佳绩。"])
    assert sentence_heads(blocks) == []
    blocks = article(["坚持党建引领，推动全面发展。", "强化科技赋能，提升服务质效。", "深化改革创新，激发内生动力。"])
    blocks[-1] = para("短短一段话。")
    assert sentence_heads(blocks) == []


def test_the_first_and_last_paragraphs_are_never_heads():
    blocks = [para("坚持党建引领，推动全面发展。")] + article(
        ["强化科技赋能，提升服务质效。", "深化改革创新，激发内生动力。"])[1:] + [para("守正创新，行稳致远。")]
    assert sentence_heads(blocks) == []
