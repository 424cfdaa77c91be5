"""The hand-checked real articles laid out again by the typesetter, scored by the cleaner.

Each of the 28 articles of `tests/fixtures/expected/*.json` is set ten times at other
column widths (10–17), in other orders on a page, with its headline after its text or
with all a page's headlines collected at the page's end. Conservation must hold on every
file; the accuracy reached is a ratchet that may never fall.
"""
import score_cleaner as S
from generator.cleaner import check_conservation, clean_text
from typesetter import real_articles, retypeset_batch

ROUNDS, SEED = 10, 7
ARTICLES_RIGHT = 261  # of 280
TITLES_RIGHT = 269  # of 280
BREAKS_RIGHT = 1236  # of 1240
BREAKS_SPURIOUS_AT_MOST = 7
FALSE_ALARMS = 2  # warned articles that are right (counts, not shares, as in test_properties.py: fixing
# a warned error must not fail the ratchet; the third is a jump text now read right whose
# headline attribution was a close call and says so)
SILENT_ERRORS = 13  # wrong articles that carry no warning (27 before that fix; 21 before headline runs kept printed order; 19 before the early-break cost)


def test_every_real_article_is_laid_out_every_round():
    files = retypeset_batch(2, SEED)
    laid = [a for _, rec in files for p in rec["pages"] for a in p["articles"]]
    assert len(laid) == 2 * len(real_articles()) == 56
    for text, rec in files[:6]:
        record = clean_text(text, rec["source"])
        check_conservation(text, record)


def test_retypeset_accuracy_never_falls_below_the_level_reached():
    score = S.score_retypeset(ROUNDS, SEED)  # clean_text checks conservation on every file
    assert score.articles_total == 280
    assert score.articles_right >= ARTICLES_RIGHT
    assert score.titles_right >= TITLES_RIGHT
    assert score.breaks_right >= BREAKS_RIGHT
    assert score.breaks_spurious <= BREAKS_SPURIOUS_AT_MOST
    assert score.warned - score.warned_wrong <= FALSE_ALARMS
    assert score.wrong - score.warned_wrong <= SILENT_ERRORS
