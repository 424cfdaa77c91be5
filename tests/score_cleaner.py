"""Score cleaner output against expected records, field by field.

Usable as a script (`python tests/score_cleaner.py [-v]`) and as a module (`score_records`).
Prints three rows: the samples, typesetter-generated pages, and the 28 hand-checked real
articles laid out again by the typesetter (other widths, orders and headline places). Each
row gives articles exactly right / total, titles right / total, paragraph breaks right /
total, and the review warnings' precision (warned articles that are wrong) and recall
(wrong articles that are warned).

`python tests/score_cleaner.py --variations [-v] [name ...]` scores each layout variation of
the typesetter (`VARIATIONS` in tests/typesetter.py: narrow and wide columns, one long
article, briefs, full last lines, three-line titles, subtitles, kickers, `□文/图` bylines,
blank lines, trailing spaces, U+3000 inside lines and as indents, split Latin runs,
headlines printed before their texts, `（下转…）` jump marks, paragraphs on one line, all mixed) on 100 files each, one row per variation
with conservation failures and crashes.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEEDS = ROOT.parent / "shared" / "seeds"
EXPECTED = ROOT / "tests" / "fixtures" / "expected"
SAMPLES = ROOT / "tests" / "fixtures" / "samples"
FIELDS = ("kind", "kicker", "title", "subtitle", "dateline", "byline", "authors",
          "photographers", "continued_from", "continued_to", "blocks", "captions")
"""Fields compared; `warnings` is reported separately (expected files carry none)."""


@dataclass
class Score:
    articles_right: int = 0
    articles_total: int = 0
    titles_right: int = 0
    titles_total: int = 0
    breaks_right: int = 0
    breaks_total: int = 0
    breaks_spurious: int = 0
    wrong: int = 0  # articles not exactly right, plus extra articles in the output
    warned: int = 0  # articles carrying a review warning
    warned_wrong: int = 0  # ... that were indeed wrong
    field_right: dict = field(default_factory=dict)
    field_total: dict = field(default_factory=dict)
    differences: list = field(default_factory=list)

    def add(self, other: "Score") -> "Score":
        for name in ("articles_right", "articles_total", "titles_right", "titles_total",
                     "breaks_right", "breaks_total", "breaks_spurious",
                     "wrong", "warned", "warned_wrong"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k, v in other.field_right.items():
            self.field_right[k] = self.field_right.get(k, 0) + v
        for k, v in other.field_total.items():
            self.field_total[k] = self.field_total.get(k, 0) + v
        self.differences.extend(other.differences)
        return self

    def summary(self, label: str) -> str:
        return (f"{label}: articles exactly right {self.articles_right}/{self.articles_total}, "
                f"titles right {self.titles_right}/{self.titles_total}, "
                f"paragraph breaks right {self.breaks_right}/{self.breaks_total}"
                f" ({self.breaks_spurious} spurious)")

    def warning_summary(self, label: str) -> str:
        """Review warnings against actual errors, article by article."""
        precision = self.warned_wrong / self.warned if self.warned else 1.0
        recall = self.warned_wrong / self.wrong if self.wrong else 1.0
        return (f"{label} warnings: {self.warned} articles warned, {self.warned_wrong} of them wrong "
                f"(precision {precision:.0%}); {self.wrong} wrong articles, "
                f"{self.warned_wrong} warned (recall {recall:.0%})")


def _text_of(article: dict) -> str:
    parts = [b["text"] for b in article.get("blocks") or []] + list(article.get("captions") or [])
    return "".join("".join(parts).split())


def _bigrams(text: str) -> set:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _similarity(a: dict, b: dict) -> float:
    x, y = _bigrams(_text_of(a)), _bigrams(_text_of(b))
    if not x and not y:
        return 1.0 if a.get("title") == b.get("title") else 0.0
    return len(x & y) / max(1, len(x | y))


def align(expected: list[dict], actual: list[dict]) -> list[tuple[dict, dict | None]]:
    """Pair each expected article with the actual article sharing most text (one to one)."""
    pairs = sorted(((_similarity(e, a), i, j) for i, e in enumerate(expected)
                    for j, a in enumerate(actual)), reverse=True)
    used_e, used_a, match = set(), set(), {}
    for sim, i, j in pairs:
        if sim <= 0.2 or i in used_e or j in used_a:
            continue
        used_e.add(i)
        used_a.add(j)
        match[i] = actual[j]
    return [(e, match.get(i)) for i, e in enumerate(expected)]


def paragraph_breaks(article: dict) -> set:
    """Each break as the text around it, so that shifts elsewhere do not matter."""
    texts = ["".join(b["text"].split()) for b in article.get("blocks") or []]
    texts += ["".join(c.split()) for c in article.get("captions") or []]
    joined = "".join(texts)
    out, pos = set(), 0
    for t in texts[:-1]:
        pos += len(t)
        out.add(joined[max(0, pos - 8):pos] + "|" + joined[pos:pos + 8])
    return out


def all_articles(record: dict) -> list[dict]:
    return [dict(a, _page=p["index"]) for p in record["pages"] for a in p["articles"]]


def score_records(expected: dict, actual: dict) -> Score:
    """Field-by-field comparison of one file's records."""
    s = Score()
    exp, act = all_articles(expected), all_articles(actual)
    s.articles_total = len(exp)
    s.titles_total = len(exp)
    for e, a in align(exp, act):
        eb = paragraph_breaks(e)
        s.breaks_total += len(eb)
        if a is None:
            s.wrong += 1
            s.differences.append(f"{expected['source']} p{e['_page']}: missing article "
                                 f"{(e.get('title') or _text_of(e)[:15])!r}")
            for f in FIELDS:
                s.field_total[f] = s.field_total.get(f, 0) + 1
            continue
        ab = paragraph_breaks(a)
        s.breaks_right += len(eb & ab)
        s.breaks_spurious += len(ab - eb)
        wrong = []
        for f in FIELDS + ("_page",):
            ok = e.get(f) == a.get(f)
            s.field_total[f] = s.field_total.get(f, 0) + 1
            s.field_right[f] = s.field_right.get(f, 0) + int(ok)
            if not ok:
                wrong.append(f)
        if e.get("title") == a.get("title"):
            s.titles_right += 1
        warned = bool(a.get("warnings"))
        s.warned += int(warned)
        if not wrong:
            s.articles_right += 1
        else:
            s.wrong += 1
            s.warned_wrong += int(warned)
            label = e.get("title") or _text_of(e)[:15]
            details = ", ".join(f"{f}: {_short(e.get(f))} != {_short(a.get(f))}" for f in wrong)
            s.differences.append(f"{expected['source']} p{e['_page']} {label!r}: {details}")
    matched = {id(a) for _, a in align(exp, act) if a is not None}
    for a in act:
        if id(a) not in matched:  # an extra article is an error; a warning on it is a hit
            s.wrong += 1
            s.warned += int(bool(a.get("warnings")))
            s.warned_wrong += int(bool(a.get("warnings")))
    extra = len(act) - len(matched)
    if extra > 0:
        s.differences.append(f"{expected['source']}: {extra} extra article(s) in output")
    return s


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 70 else text[:67] + "..."


def expected_files() -> list[Path]:
    return sorted(EXPECTED.glob("*.json"))


def sample_text(name: str) -> str:
    for base in (SAMPLES, SEEDS):
        p = base / name
        if p.exists():
            return p.read_text(encoding="utf-8")
    raise FileNotFoundError(name)


def score_samples(verbose: bool = False) -> Score:
    from generator.cleaner import clean_text

    total = Score()
    for path in expected_files():
        expected = json.loads(path.read_text(encoding="utf-8"))
        name = expected["source"]
        actual = clean_text(sample_text(name), name).to_dict()
        total.add(score_records(expected, actual))
    return total


def score_generated(pages: int = 300, seed: int = 2024) -> Score:
    """Lay out known articles with the typesetter and score the cleaner on them."""
    from generator.cleaner import clean_text
    sys.path.insert(0, str(ROOT / "tests"))
    from typesetter import random_issue

    total = Score()
    import random
    rng = random.Random(seed)
    for k in range(pages):
        text, expected = random_issue(rng, f"generated-{k}.txt")
        actual = clean_text(text, expected["source"]).to_dict()
        total.add(score_records(expected, actual))
    return total


@dataclass
class VariationScore:
    """One variation's numbers: the usual score plus files that failed outright."""

    name: str
    score: Score
    files: int = 0
    conservation_failures: int = 0
    crashes: int = 0
    failures: list = field(default_factory=list)

    def row(self) -> str:
        s = self.score
        return (f"{self.name:<24} articles {s.articles_right:>4}/{s.articles_total:<4} "
                f"titles {s.titles_right:>4}/{s.titles_total:<4} "
                f"breaks {s.breaks_right:>4}/{s.breaks_total:<4} spurious {s.breaks_spurious:>3}  "
                f"conservation failures {self.conservation_failures}/{self.files}, crashes {self.crashes}")


def score_variation(name: str, pages: int = 100, seed: int = 11) -> VariationScore:
    """Score the cleaner on files laid out with one named typesetter variation.

    A file whose cleaning raises counts all its articles as missing; conservation errors
    and other exceptions are counted apart (each is a bug to fix first)."""
    import random

    from generator.cleaner import clean_text
    from generator.errors import ConservationError
    sys.path.insert(0, str(ROOT / "tests"))
    from typesetter import VARIATIONS, random_issue

    var = VARIATIONS[name]
    out = VariationScore(name, Score())
    rng = random.Random(f"{seed}:{name}")
    for k in range(pages):
        text, expected = random_issue(rng, f"variation-{k}.txt", var)
        out.files += 1
        try:
            actual = clean_text(text, expected["source"]).to_dict()
        except ConservationError as exc:
            out.conservation_failures += 1
            out.failures.append(f"{expected['source']}: {exc}")
            actual = {"source": expected["source"], "pages": []}
        except Exception as exc:  # noqa: BLE001 - a crash is a finding, not the end of the run
            out.crashes += 1
            out.failures.append(f"{expected['source']}: {type(exc).__name__}: {exc}")
            actual = {"source": expected["source"], "pages": []}
        out.score.add(score_records(expected, actual))
    return out


def score_variations(pages: int = 100, seed: int = 11, names=None) -> list[VariationScore]:
    """Every typesetter variation (tests/typesetter.py VARIATIONS), scored separately."""
    sys.path.insert(0, str(ROOT / "tests"))
    from typesetter import VARIATIONS

    return [score_variation(n, pages, seed) for n in (names or VARIATIONS)]


def score_retypeset(rounds: int = 10, seed: int = 7) -> Score:
    """The hand-checked real articles laid out again (other widths, orders, headline places)."""
    from generator.cleaner import clean_text
    sys.path.insert(0, str(ROOT / "tests"))
    from typesetter import retypeset_batch

    total = Score()
    for text, expected in retypeset_batch(rounds, seed):
        actual = clean_text(text, expected["source"]).to_dict()
        total.add(score_records(expected, actual))
    return total


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    if "--variations" in argv:  # `--variations [-v] [name ...]`: per-variation rows
        names = [a for a in argv if not a.startswith("-")] or None
        for v in score_variations(names=names):
            print(v.row())
            if verbose:
                for d in v.failures[:5] + v.score.differences[:15]:
                    print("  -", d)
        return 0
    s = score_samples()
    print(s.summary("samples"))
    print(s.warning_summary("samples"))
    for f in FIELDS:
        if f in s.field_total:
            print(f"  {f}: {s.field_right.get(f, 0)}/{s.field_total[f]}")
    if verbose:
        for d in s.differences:
            print("  -", d)
    try:
        g = score_generated()
        print(g.summary("generated (300 files)"))
        print(g.warning_summary("generated"))
        if verbose:
            for d in g.differences[:20]:
                print("  -", d)
    except ImportError as exc:  # typesetter not present yet
        print(f"generated: unavailable ({exc})")
    r = score_retypeset()
    print(r.summary("re-typeset real articles (10 rounds)"))
    print(r.warning_summary("re-typeset"))
    if verbose:
        for d in r.differences[:40]:
            print("  -", d)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
