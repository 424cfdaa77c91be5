"""Turn page drafts into model records: fields, blocks, kinds, attributed headlines."""
from __future__ import annotations

from typing import Optional

from generator.model import Article, Block, Page, SourceRecord

from . import fields as F
from . import headlines as H
from .headlines import document_frequencies, headline_words, split_headline, weighted_grams, word_weight
from .matching import in_order_assignment, max_weight_assignment
from .pages import RawPage
from .segment import Draft, HeadlineGroup, PageDraft, Part
from .text import despace, despace_display, join_lines, non_space


def paragraph_text(part: Part) -> str:
    return join_lines([ln.raw for ln in part.lines])


def heading_text(part: Part) -> str:
    return " ".join(despace_display(ln.raw) for ln in part.lines)


def drop_prefix(lines: list[str], count: int) -> list[str]:
    """The lines with their first `count` characters (dateline and byline) removed."""
    out = []
    for raw in lines:
        if count >= len(raw):
            count -= len(raw)
            continue
        out.append(raw[count:])
        count = 0
    return out


def _dedup(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        if n not in out:
            out.append(n)
    return out


def byline_names(byline: str, word: str) -> list[str]:
    """The author a byline's last word names, as a word of that byline (counted once)."""
    return [word] if word in F.byline_words(byline) else F.names_in(word)


def opens_with_dateline(part: Part) -> bool:
    """The dateline field is read only from text that prints it (a misread page may have
    sent the `本报讯` line elsewhere, e.g. into a caption)."""
    return F.dateline_word(non_space("".join(ln.raw for ln in part.lines))) is not None


DATELINE_SPAN = 3
"""At most this many paragraph parts a misread break may cut a dateline's byline into."""


def dateline_parts(parts: list[Part]) -> int:
    """How many leading parts a dateline's bracketed byline spans.

    A break read inside `本报讯 （记者 … 通讯员 …）` is never a paragraph break: the parts
    up to the closing bracket are read as one, so the byline is still recognised.
    """
    text = ""
    for n, p in enumerate(parts[:DATELINE_SPAN], 1):
        if p.type != "paragraph":
            break
        text += non_space("".join(ln.raw for ln in p.lines))
        word = F.dateline_word(text)
        body = text[len(word):] if word else ""
        if not body.startswith("（") or "）" in body or "（" in body[1:]:
            return n if "）" in body and "（" not in body[1:body.find("）")] else 1
    return 1


def join_spaced_runs(raws: list[str]) -> str:
    """Lines joined as one, with a space at a break that falls inside a letter-spaced run
    (`（江 苏 记 者` + `徐英）`): gluing there would take the next word into the run."""
    out = ""
    for raw in raws:
        tail = out.split()[-2:]
        spaced = len(tail) == 2 and all(len(t) == 1 for t in tail) and not splits_a_name(out)
        out += (" " if spaced and raw[:1] not in "）" else "") + raw
    return out


def splits_a_name(text: str) -> bool:
    """Whether a letter-spaced byline broken at the end of `text` is broken inside a name:
    one character after its role word (`（山 西 记 者 孙` + `飞丽）`), no name being one character."""
    run = ""
    for tok in reversed(text.split()):
        if len(tok) != 1:
            break
        run = tok + run
    return len(run) >= 3 and any(run[:-1].endswith(role) for role in F.ROLE_WORDS)


def build_article(d: Draft) -> Article:
    """Fields and blocks of one draft (headline attached later)."""
    a = Article(warnings=list(d.warnings))
    parts = list(d.parts)
    if d.start == "dateline" and parts and parts[0].type == "paragraph" and opens_with_dateline(parts[0]):
        n = dateline_parts(parts)
        raws = [ln.raw for p in parts[:n] for ln in p.lines]
        byline, rest = F.split_dateline("".join(raws))
        if byline:  # read again with the line breaks of a letter-spaced byline kept as spaces
            byline = F.split_dateline(join_spaced_runs(raws))[0] or byline
        a.dateline = F.dateline_word("".join(raws))
        a.byline = byline or None
        if byline:
            a.authors.extend(F.names_in(byline))
        first = join_lines(drop_prefix(raws, len("".join(raws)) - len(rest)))
        parts = parts[n:]
        if first:
            a.blocks.append(Block("paragraph", first))
    if d.top_author:
        pieces = [despace_display(x) for x in d.top_author]
        pieces = ["".join(pieces)]
        last_words = d.top_author[-1].split()
        if len(d.top_author) == 1 and F.looks_like_names(d.top_author[0]) and all(
                not F.is_role(w) for w in F.byline_words(d.top_author[0])):
            a.authors.extend(F.byline_words(d.top_author[0]))
        else:
            a.byline = " ".join(pieces)
            if last_words and F.looks_like_names(last_words[-1]):
                a.authors.extend(byline_names(a.byline, despace(last_words[-1])))
            a.photographers.extend(F.photographers_in(a.byline))
    first_lines = [None] * len(a.blocks)
    for p in parts:
        if p.type == "paragraph":
            a.blocks.append(Block("paragraph", paragraph_text(p)))
        else:
            a.blocks.append(Block("heading", heading_text(p)))
        first_lines.append(p.lines[0].no if p.lines else None)
    heads = sentence_heads(a.blocks)
    for i in heads:
        a.blocks[i] = Block("heading", a.blocks[i].text)
    if heads:
        a.warnings.append(f"section heads read from one-sentence paragraphs (line {first_lines[heads[0]]})")
    a.captions = [paragraph_text(p) for p in d.caption_parts]
    for sig in d.signatures:
        credit = F.parse_credit(sig)
        a.authors.extend(F.byline_words(sig) if not credit.byline else credit.names)
        if credit.byline:  # a signature printing roles is a byline too; a second one adds to the first
            a.byline = credit.byline if not a.byline else a.byline + " " + credit.byline
            a.photographers.extend(F.photographers_in(credit.byline))
    if d.credit is not None:
        credit = F.parse_credit(d.credit)
        a.photographers = credit.names
        a.authors.extend(credit.names)
        if credit.byline:
            a.byline = credit.byline if not a.byline else a.byline + " " + credit.byline
    a.authors = _dedup(a.authors)
    a.photographers = _dedup(a.photographers)
    if d.continued_from:
        a.continued_from = d.continued_from
    a.continued_to = d.continued_to
    a.kind = kind_of(d, a)
    return a


PARALLEL_HEADS = 3
"""Section heads set in bold print as plain one-sentence paragraphs; only a run of at
least this many of them, each opening a long paragraph, tells them apart."""
HEAD_MAX_CHARS = 40
BODY_RATIO = 3
"""A section head's paragraph is at least this many times longer than the head."""
SENTENCE_STOPS = "。！？"


def is_sentence_head(blocks: list[Block], i: int) -> bool:
    """A short paragraph of exactly one sentence ending in 。, neither first nor last,
    followed by a paragraph much longer than itself."""
    if i == 0 or i + 1 >= len(blocks) or blocks[i].type != "paragraph" or blocks[i + 1].type != "paragraph":
        return False
    text = blocks[i].text
    return (text.endswith("。") and not any(c in SENTENCE_STOPS for c in text[:-1])
            and len(text) <= HEAD_MAX_CHARS and len(blocks[i + 1].text) >= BODY_RATIO * len(text))


def sentence_heads(blocks: list[Block]) -> list[int]:
    """Indexes of paragraphs that are parallel section heads (empty below PARALLEL_HEADS)."""
    heads = [i for i in range(len(blocks)) if is_sentence_head(blocks, i)]
    return heads if len(heads) >= PARALLEL_HEADS else []


def kind_of(d: Draft, a: Article) -> str:
    if d.continued_from:
        return "continuation"
    if d.credit is not None and not a.blocks:
        return "photo"
    has_heading = any(b.type == "heading" for b in a.blocks)
    if d.top_author and len(d.top_author) > 1:
        return "commentary"
    if not a.dateline and has_heading:
        return "feature"
    return "news"


def article_text(a: Article) -> str:
    return "".join([b.text for b in a.blocks] + a.captions)


def _compositions(n: int, max_chunks: int = 4) -> list[list[tuple[int, int]]]:
    """Ways to cut n consecutive lines into contiguous chunks (each chunk one headline)."""
    out = []
    for mask in range(1 << max(0, n - 1)):
        cuts = [k + 1 for k in range(n - 1) if mask >> k & 1]
        bounds = [0] + cuts + [n]
        if len(bounds) - 1 <= max_chunks:
            out.append([(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1)])
    return out


def is_page_top_rubric(pd: PageDraft, g: HeadlineGroup, leads: bool = False) -> bool:
    """Lines above a page's first article are rubrics (kickers), unless they head a jump text
    or the page prints its headlines before their texts (`leads`)."""
    if g.after is not None or leads:
        return False
    return not heads_jump(pd, g)


def heads_jump(pd: PageDraft, g: HeadlineGroup) -> bool:
    """Whether a group stands right before a jump text (its `（上接…）` line)."""
    return g.before is not None and g.before < len(pd.drafts) and bool(pd.drafts[g.before].continued_from)


class Attributor:
    """Scores headline chunks against every article of a file."""

    def __init__(self, pages: list[tuple[RawPage, PageDraft, list[Article]]]):
        self.pages = pages
        self.docs: list[tuple[int, int, Article, PageDraft]] = []
        for pi, (_, pd, arts) in enumerate(pages):
            for di, a in enumerate(arts):
                self.docs.append((pi, di, a, pd))
        self.texts = [article_text(a) for _, _, a, _ in self.docs]
        self.df = document_frequencies(self.texts)
        self._line_stats: dict[int, tuple[float, list[float]]] = {}
        self.unsure_cuts: set[int] = set()  # groups whose cut into headlines was a close call
        self.lead = self.headlines_lead()  # the file prints headlines before their texts

    def headlines_lead(self) -> bool:
        """Whether the file's pages print their headlines before their texts, not after.

        This paper's pages print a headline after its text, but the order of a PDF's text is
        the order its frames were made: another paper's pages may give each headline first.
        One extraction makes a file, so its pages are read the same way; they lead only when
        at least two of their groups read like the text after them and the groups' words,
        all told, lean clearly that way: headlines of common words match a neighbour by chance
        (the 10,000-article bench's made-up titles flipped 3 % of its files at a bare margin).
        """
        lead = follow = 0.0
        leaning = 0
        for pi in range(len(self.pages)):
            page = self.lead_evidence(pi)
            lead, follow, leaning = lead + page[0], follow + page[1], leaning + page[2]
        return leaning >= 2 and lead > H.LEAD_ODDS * follow + H.LEAD_EVIDENCE

    def lead_evidence(self, pi: int) -> tuple[float, float, int]:
        """For page pi: (how much more of their words groups share with the text after them than with the
        one before, the same the other way, how many groups lean to the text after).

        A group between two texts speaks for either order. One after the page's last text
        speaks for headlines following theirs. Lines above the first text are rubrics on a
        page whose headlines follow, so they count only where no group follows the last
        text. A jump's headline stands before its `（上接…）` line either way, and a rubric
        (`·`) says nothing: neither counts.
        """
        pd = self.pages[pi][1]
        k_of = {di: k for k, (p, di, _, _) in enumerate(self.docs) if p == pi}
        ends_on_group = any(g.before is None and g.after is not None for g in pd.groups)
        lead = follow = 0.0
        leaning = 0
        for g in pd.groups:
            if g.after is None and ends_on_group:
                continue
            if heads_jump(pd, g):
                continue
            lines = [ln for ln in g.lines if not H.is_rubric(despace(ln.raw))]
            if not lines:
                continue
            d = ((self.content(lines, k_of[g.before]) if g.before in k_of else 0.0)
                 - (self.content(lines, k_of[g.after]) if g.after in k_of else 0.0))
            lead += max(0.0, d)
            follow += max(0.0, -d)
            leaning += d > 0
        return lead, follow, leaning

    def line_stats(self, ln) -> tuple[float, list[float]]:
        """(rare n-gram mass of a headline line, mass found in each article)."""
        if ln.no not in self._line_stats:
            total, found = 0.0, [0.0] * len(self.texts)
            for word in headline_words(ln.raw):
                where = [word in t for t in self.texts]
                w = word_weight(sum(where), len(self.texts))
                total += w
                found = [f + w * hit for f, hit in zip(found, where)]
            # character n-grams break ties between articles sharing the same words
            grams = weighted_grams(despace(ln.raw), self.df, len(self.docs))
            gram_total = sum(w for _, w in grams) or 1.0
            found = [f + H.NGRAM_SHARE * total * sum(w for g, w in grams if g in t) / gram_total
                     for f, t in zip(found, self.texts)]
            self._line_stats[ln.no] = (total, found)
        return self._line_stats[ln.no]

    def mass(self, lines) -> float:
        return sum(self.line_stats(ln)[0] for ln in lines)

    def content(self, lines, k: int) -> float:
        """Share of the lines' rare n-grams that article k contains."""
        total = self.mass(lines)
        return sum(self.line_stats(ln)[1][k] for ln in lines) / total if total else 0.0

    def score(self, pi: int, g: HeadlineGroup, lines, k: int, place: tuple[int, int]) -> float:
        return self.content(lines, k) + self.position(pi, g, k, place)

    def ranked(self, pi: int, g: HeadlineGroup, lines, place: tuple[int, int]) -> list[tuple[float, int]]:
        """Every article's score for a headline, best first."""
        return sorted(((self.score(pi, g, lines, k, place), k) for k in range(len(self.docs))),
                      reverse=True)

    def position(self, pi: int, g: HeadlineGroup, k: int, place: tuple[int, int], share: float = 1.0) -> float:
        """Prior of article k heading a chunk, from where the group is printed.

        `place`: the chunk's index in its group and the number of chunks; the chunk next to
        the text the file's headlines belong to (the one before, or after where they lead)
        gets the bonus. `share`: the chunk's part of its group; that text earns its bonus in
        proportion, so that a stray line is not cut off just to give it a headline.
        """
        dpi, di, _, pd = self.docs[k]
        if dpi != pi:
            return -H.OTHER_PAGE_PENALTY
        bonus = 0.0
        first_chunk = place[0] == 0
        if (g.before == di and place[0] == place[1] - 1) if self.lead else (g.after == di and first_chunk):
            bonus += H.FOLLOWS_BONUS * share
        if pd.drafts[di].continued_from:
            if g.before != di and g.after != di:
                bonus -= H.JUMP_ELSEWHERE  # a jump text's headline stands next to it
            elif g.before == di:
                # a group's first lines may head the text they follow: the jump's claim on
                # them is half fixed, half in proportion to their share of the group (the
                # claim of the text they follow is all in proportion)
                bonus += H.JUMP_BONUS * (1.0 if g.after is None or not first_chunk else H.JUMP_FIRST * (1 + share) / 2)
        return bonus

    @staticmethod
    def forced_cuts(raws) -> set[int]:
        """Where a group must be cut by its shape: before a rubric (`·`) line, after a `——` line."""
        texts = [despace(ln.raw) for ln in raws]
        out = set()
        for k, t in enumerate(texts):
            if k and H.is_rubric(t) and not texts[k - 1].startswith("——"):
                out.add(k)
            if t.startswith("——") and k + 1 < len(texts):
                out.add(k + 1)
        return out

    def cut_is_read_in_content(self, raws, cut, homes) -> bool:
        """Each side of a cut must read more like its own article than like the other side's.

        Position alone never splits a headline: two lines sharing their words with both
        articles stay together.
        """
        forced = self.forced_cuts(raws)
        for j in range(len(cut) - 1):
            left, right = raws[cut[j][0]:cut[j][1]], raws[cut[j + 1][0]:cut[j + 1][1]]
            a, b = homes[j], homes[j + 1]
            if cut[j][1] in forced:
                continue  # the shape alone says a new headline starts here
            if a == b:
                return False  # a cut only pays when its pieces head different articles
            if self.content(left, a) - self.content(left, b) < H.CUT_EVIDENCE \
                    and self.content(right, b) - self.content(right, a) < H.CUT_EVIDENCE:
                return False
        return True

    def chunks(self, pi: int, g: HeadlineGroup) -> list[list]:
        """The most plausible cut of a group into headlines (lines of each chunk).

        A cut is worth the share of the group's rare words that its chunks' articles
        contain, plus the position priors of those articles (the text a group follows,
        the jump it precedes) and the shape of each chunk as a headline, so that a cut
        pays only when its pieces really read as different articles' headlines.
        """
        raws = [ln for ln in g.lines]
        if is_page_top_rubric(self.pages[pi][1], g, self.lead):  # one kicker per line
            return [[ln] for ln in raws]
        group_mass = self.mass(raws) or 1.0
        best_value, best_cut, values = None, [raws], []
        forced = self.forced_cuts(raws)
        for cut in _compositions(len(raws)):
            if not forced <= {b for _, b in cut}:
                continue
            value, homes = 0.0, []
            for c, (a, b) in enumerate(cut):
                share = self.mass(raws[a:b]) / group_mass
                v, k = max(((share * self.content(raws[a:b], k) + self.position(pi, g, k, (c, len(cut)), share), k)
                            for k in range(len(self.docs))), default=(0.0, -1))
                value += v - H.shape_penalty([ln.raw for ln in raws[a:b]])
                homes.append(k)
            if not self.cut_is_read_in_content(raws, cut, homes):
                continue
            value -= H.CUT_PENALTY * (len(cut) - 1)
            values.append(value)
            if best_value is None or value > best_value + 1e-9:
                best_value, best_cut = value, [raws[a:b] for a, b in cut]
        values.sort(reverse=True)
        if len(values) > 1 and values[0] - values[1] < H.UNSURE_CUT:
            self.unsure_cuts.add(id(g))
        return best_cut


def give_headline(a: Article, lines) -> None:
    """Headline lines -> the article's title and subtitle; a kicker among them joins its own."""
    h = split_headline([ln.raw for ln in lines])
    a.title, a.subtitle = h.title, h.subtitle
    if h.kicker:
        a.kicker = join_kickers(a.kicker, h.kicker)


def join_kickers(first: Optional[str], second: Optional[str]) -> Optional[str]:
    """A page-top rubric and a headline's own kicker both stay (nothing printed is lost)."""
    return " ".join(x for x in (first, second) if x) or None


def home_by_order(at: Attributor, units: list, home_of: dict[int, int], u: int,
                  titled: set[int]) -> Optional[int]:
    """An untitled article for a headline whose words are in no text, from the headlines
    printed after it in the same run: a run collected after its texts heads them in printed
    order, so it heads the nearest untitled text printed before the run whose article comes
    before the next headline's (and after the previous headline's, if known)."""
    pi, g = units[u][0], units[u][1]
    if at.lead:
        return None  # (a run printed before its texts: not seen yet, so not guessed)
    run = run_of(units, u)
    before = [home_of[v] for v in run if v < u and v in home_of]
    after = [home_of[v] for v in run if v > u and v in home_of]
    if not after or g.after is None:
        return None
    low = before[-1] if before else -1
    free = [k for k in range(low + 1, after[0]) if k not in titled and at.docs[k][0] == pi
            and at.docs[k][1] <= g.after and not at.docs[k][2].title]
    return free[-1] if free else None


def run_of(units: list, u: int) -> list[int]:
    """The headline units printed in one run with unit u (its group cut into headlines)."""
    return [v for v, unit in enumerate(units) if unit[1] is units[u][1] and not unit[4]]


def next_to_run(units: list, home_of: dict[int, int], u: int, k: int) -> bool:
    """Whether article k comes right before the article of the headline printed right
    after headline u in its run: then printed order leaves no other reading."""
    run = run_of(units, u)
    nxt = run.index(u) + 1
    return nxt < len(run) and home_of.get(run[nxt]) == k + 1


def home_by_content(at: Attributor, lines, titled: set[int]) -> Optional[int]:
    """An untitled article that a headline no article near it claims clearly sums up."""
    scored = sorted(((at.content(lines, k), k) for k in range(len(at.docs)) if k not in titled),
                    reverse=True)
    if not scored or scored[0][0] < H.ORPHAN_CONTENT:
        return None
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return scored[0][1] if scored[0][0] - runner_up >= H.ORPHAN_MARGIN else None


def assignment_total(matrix, matched: dict[int, int]) -> float:
    return sum(matrix[r][k] for r, k in matched.items())


def regret(matrix, best: float, r: int, k: int, solve) -> float:
    """How much worse the best assignment (total `best`, found by `solve`) of a page's
    headlines gets without the pair (r, k): a small loss means another reading was nearly
    as good (reported for review)."""
    row = matrix[r]
    row[k], kept = None, row[k]
    try:
        return best - assignment_total(matrix, solve(matrix))
    finally:
        row[k] = kept


def keep_printed_order(matrix, matched: dict[int, int], runs: list) -> dict[int, int]:
    """Headlines printed in one run (a group cut into several) head their articles in the
    order they are printed: a run collected at a page's end lists its articles' headlines
    in reading order. Where the best assignment crosses two of them (a headline sharing
    words with the next article's text while its own text shares none), the run's rows are
    assigned again, in order, to the articles the other rows leave free."""
    rows_of: dict = {}
    for r, run in enumerate(runs):
        rows_of.setdefault(run, []).append(r)
    out = dict(matched)
    for rows in rows_of.values():
        cols = [out[r] for r in rows if r in out]
        if all(a < b for a, b in zip(cols, cols[1:])):
            continue
        for r in rows:
            out.pop(r, None)
        taken = set(out.values())
        free = [k for k in range(len(matrix[0])) if k not in taken]
        sub = [[matrix[r][k] for k in free] for r in rows]
        for i, j in in_order_assignment(sub).items():
            out[rows[i]] = free[j]
    return out


def in_printed_order(matched: dict[int, int], runs: list, r: int, k: int) -> bool:
    """Whether row r heading article k keeps its run's headlines in printed order."""
    return all((q < r) == (c < k) for q, c in matched.items() if runs[q] == runs[r])


def assign_units(at: Attributor, unit_lines: list, ranked: list, ids: list[int], runs: list) -> list[tuple]:
    """(score, unit id, article, confidence) for the units that get an article; units of
    one printed run (same `runs` key) head their articles in printed order.

    First the pairs the text supports (some of the headline's words are in the article),
    as one best assignment; a pair's confidence is what the best total loses without it.
    Then, best pair first, what position alone suggests for the units left (a headline
    whose words are in no text); confidence: the lead over the unit's next-best article.
    """
    matrix = [[None] * len(at.docs) for _ in ranked]
    for r, lines in enumerate(unit_lines):
        for score, k in ranked[r]:
            if score >= H.MIN_SCORE and at.content(lines, k) > 0:
                matrix[r][k] = score

    def solve(m):
        return keep_printed_order(m, max_weight_assignment(m), runs)

    matched = solve(matrix)
    best = assignment_total(matrix, matched)
    out = [(matrix[r][k], ids[r], k, regret(matrix, best, r, k, solve)) for r, k in matched.items()]
    taken = set(matched.values())
    for score, r, k in sorted(((s, r, k) for r in range(len(ranked)) if r not in matched
                               for s, k in ranked[r] if s >= H.MIN_SCORE), key=lambda t: -t[0]):
        if r not in matched and k not in taken and in_printed_order(matched, runs, r, k):
            matched[r] = k
            taken.add(k)
            out.append((score, ids[r], k, score - max((s for s, kk in ranked[r] if kk != k), default=0.0)))
    return out


def titles_from_page_tops(at: Attributor, units: list, tops: list, titled: set[int], used_u: set[int]) -> None:
    """Lines above a page's first text are read as its rubric (kicker). When they carry no
    rubric mark, are the page's only such group, and the text they went to got no headline
    after it, they are its headline printed first (the file gave too few groups to say it
    prints headlines first). `tops`: (article, group, page) per page-top unit given a home,
    the article None for a line with a rubric mark."""
    for g in {id(g): g for _, g, _ in tops}.values():
        homes = {k for k, gg, _ in tops if gg is g}
        pi = next(p for _, gg, p in tops if gg is g)
        if len(homes) != 1 or None in homes or any(gg is not g and p == pi for _, gg, p in tops):
            continue
        k = homes.pop()
        if k not in titled:
            a = at.docs[k][2]
            a.kicker = None
            give_headline(a, g.lines)
            titled.add(k)
            used_u.update(u for u, unit in enumerate(units) if unit[1] is g)


def attribute_headlines(pages: list[tuple[RawPage, PageDraft, list[Article]]]) -> None:
    """Give each headline to the article it most likely belongs to."""
    at = Attributor(pages)
    units = []  # (page index, group, lines, (chunk, chunks), kicker only?)
    for pi, (_, pd, _) in enumerate(pages):
        for g in pd.groups:
            chunks = at.chunks(pi, g)
            for c, lines in enumerate(chunks):
                units.append((pi, g, lines, (c, len(chunks)), is_page_top_rubric(pd, g, at.lead)))
    ranked = [at.ranked(pi, g, lines, place) for pi, g, lines, place, _ in units]
    chosen = []
    for rubric in (False, True):            # page-top rubrics (kickers) and headlines, each one per article
        mine = [u for u, unit in enumerate(units) if unit[4] == rubric]
        # a run's headlines keep printed order; page-top rubrics are stacked, not in order
        runs = [u if rubric else id(units[u][1]) for u in mine]
        chosen += assign_units(at, [units[u][2] for u in mine], [ranked[u] for u in mine], mine, runs)
    chosen.sort(key=lambda t: -t[0])
    used_u: set[int] = set()
    titled: set[int] = set()
    bare_tops: list = []  # (article, group, page) of page-top lines read as kickers
    for score, u, k, confidence in chosen:
        pi, g, lines, place, kicker_only = units[u]
        a = at.docs[k][2]
        if kicker_only:
            h = split_headline([ln.raw for ln in lines])
            a.kicker = join_kickers(" ".join(x for x in (h.kicker, h.title, h.subtitle) if x), a.kicker)
            bare_tops.append((None if h.kicker else k, g, pi))  # (a rubric mark: a kicker indeed)
        else:
            give_headline(a, lines)
            titled.add(k)
        used_u.add(u)
        odd = H.headline_oddity([ln.raw for ln in lines])
        if odd:
            a.warnings.append(f"{odd} (line {lines[0].no})")
        elif confidence < H.UNSURE_MARGIN:
            a.warnings.append(f"headline attribution uncertain (line {lines[0].no})")
        elif id(g) in at.unsure_cuts and 1 < len(g.lines) <= H.UNSURE_CUT_LINES:
            a.warnings.append(f"headline lines split guessed (line {lines[0].no})")
    home_of = {u: k for _, u, k, _ in chosen}
    for u, (pi, g, lines, place, kicker_only) in enumerate(units):
        if u in used_u or kicker_only:
            continue
        k = home_by_order(at, units, home_of, u, titled)
        if k is not None:  # a run of headlines heads its articles in printed order
            a = at.docs[k][2]
            give_headline(a, lines)
            titled.add(k)
            used_u.add(u)
            home_of[u] = k
            if not next_to_run(units, home_of, u, k):
                a.warnings.append(f"headline attributed by printed order (line {lines[0].no})")
    for u, (pi, g, lines, place, kicker_only) in enumerate(units):
        if u in used_u or kicker_only:
            continue
        k = home_by_content(at, lines, titled)
        if k is not None:  # e.g. a headline printed on the next page, after unrelated texts
            a = at.docs[k][2]
            give_headline(a, lines)
            titled.add(k)
            used_u.add(u)
            a.warnings.append(f"headline attributed by content alone (line {lines[0].no})")
    titles_from_page_tops(at, units, bare_tops, titled, used_u)
    for u, (pi, g, lines, place, kicker_only) in enumerate(units):
        if u in used_u:
            continue
        h = split_headline([ln.raw for ln in lines])
        orphan = Article(kicker=h.kicker, title=h.title, subtitle=h.subtitle)
        orphan.warnings.append(f"headline with no article found (line {lines[0].no})")
        _, pd, arts = pages[pi]
        arts.append(orphan)


FRAGMENT_CHARS = 40
"""An untitled, unsigned text shorter than this is likely a piece cut off another article."""


def is_orphan_fragment(a: Article) -> bool:
    """A short text with no headline, dateline, author, credit or jump line of its own."""
    if a.title or a.dateline or a.byline or a.authors or a.continued_from or a.photographers:
        return False
    text = article_text(a)
    return 0 < len(text) < FRAGMENT_CHARS


def warn_orphan_fragments(built) -> None:
    for _, pd, arts in built:
        for d, a in zip(pd.drafts, arts):
            if is_orphan_fragment(a):
                a.warnings.append(f"short fragment with no headline or signature (line {d.first_line})")


def build_record(source: str, pages: list[tuple[RawPage, PageDraft]]) -> SourceRecord:
    built = [(rp, pd, [build_article(d) for d in pd.drafts]) for rp, pd in pages]
    attribute_headlines(built)
    warn_orphan_fragments(built)
    return SourceRecord(source, [Page(rp.index, rp.section, arts) for rp, _, arts in built])
