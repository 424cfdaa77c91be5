"""A toy typesetter: lays known articles out in the raw page-text format of the samples.

It mimics what the PDF extraction gives: one printed column line per raw line (blank
lines between), a page begins with a line starting with one space, justified lines
sometimes letter-spaced (`三 是 坚 定`), paragraphs indented by two ems, headlines
printed after their text, `本报讯 （记者 X 通讯员 Y）` datelines, `□Name` signatures,
photo captions with `□Name 摄影报道` credits and `（上接第N版）` jump lines.

Widths use the same em model as print: ideographs 1, compressed punctuation and
half-width digits 0.5. The text is synthetic Chinese built from word lists; each article
draws its own topic words, which also appear in its headline (as in a real paper).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Optional

from generator.cleaner.text import char_width

WORDS = ("发展 服务 客户 网点 业务 市场 推进 提升 建设 工作 质量 管理 农村 寄递 金融 员工 "
         "基层 创新 改革 能力 机制 体系 平台 渠道 项目 资源 效率 成本 数据 信息 系统 团队 "
         "组织 开展 实现 加强 优化 完善 落实 推动 深化 强化 拓展 保障 支持 合作 协同 营销 "
         "培训 考核 流程 标准 规范 安全 稳定 增长 收入 规模 效益 品牌 文化 社区 乡村 城市 "
         "企业 政府 居民 群众 邮件 包裹 快递 运输 物流 投递 揽收 分拣 仓储 车辆 线路 站点").split()
TOPICS = ("雪松 银杏 樱桃 石榴 葡萄 柑橘 茶叶 蜂蜜 药材 陶瓷 丝绸 竹编 刺绣 剪纸 年画 "
          "灯笼 花卉 稻米 小麦 玉米 大豆 核桃 板栗 红枣 枸杞 香菇 木耳 牦牛 羊绒 棉花 "
          "海带 紫菜 虾蟹 渔船 林场 牧场 果园 菜园 茶园 花园 水库 码头 渡口 驿站 书屋").split()
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞建国志宏海波"
SECTIONS = ("动态", "要闻", "综合", "视点", "金融", "寄递", "文化", "副刊")
ROLES = ("记者", "通讯员", "特约记者")
REGIONS = ("云南", "山西", "湖北", "江苏", "甘肃", "福建")
CLAUSE_END = "，"
PUNCT_FULL_SHARE = 0.3
"""Share of articles whose punctuation is set a full em wide (the rest compress it)."""
SENTENCE_END = ("。", "。", "。", "！", "；")


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


FULL_WIDTH_PUNCT = set("，、。；：“”‘’（）《》！？")
"""Marks a typesetter may set a full em wide instead of compressing them to half an em."""


def width(text: str, punct_em: float = 0.5) -> float:
    """Printed width in ems; `punct_em`: this article's width of its punctuation marks."""
    return sum(punct_em if c in FULL_WIDTH_PUNCT else char_width(c) for c in text)


@dataclass
class Spec:
    """A known article: what the cleaner should recover."""

    kind: str
    title: Optional[list[str]] = None  # headline lines
    subtitle: Optional[str] = None
    kicker: Optional[str] = None
    dateline: bool = False
    byline: Optional[list[tuple[str, list[str]]]] = None  # [(role, [names])]
    spaced_byline: bool = False
    signature: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    continued_from: Optional[str] = None
    blocks: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    captions: list[str] = field(default_factory=list)

    def expected(self) -> dict:
        byline = None
        authors: list[str] = []
        if self.byline:
            byline = " ".join(f"{role} {' '.join(names)}" for role, names in self.byline)
            for _, names in self.byline:
                authors.extend(names)
        for n in self.signature + self.photographers:
            if n not in authors:
                authors.append(n)
        return {
            "kind": self.kind, "kicker": self.kicker,
            "title": " ".join(self.title) if self.title else None,
            "subtitle": self.subtitle, "dateline": "本报讯" if self.dateline else None,
            "byline": byline, "authors": authors, "photographers": list(self.photographers),
            "continued_from": self.continued_from,
            "blocks": [{"type": t, "text": x} for t, x in self.blocks],
            "captions": list(self.captions), "warnings": [],
        }


def sentence(rng: random.Random, topic: list[str]) -> str:
    """A clause-structured synthetic sentence that mentions the article's topic words."""
    clauses = []
    for _ in range(rng.randint(1, 3)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(2, 4))]
        if rng.random() < 0.5:
            words.insert(rng.randrange(len(words) + 1), rng.choice(topic))
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words) + 1), str(rng.randint(2, 999)))
        clauses.append("".join(words))
    return CLAUSE_END.join(clauses) + rng.choice(SENTENCE_END)


def paragraph(rng: random.Random, topic: list[str], sentences: tuple[int, int] = (1, 4)) -> str:
    return "".join(sentence(rng, topic) for _ in range(rng.randint(*sentences)))


NO_LINE_START = set("，、。！？；：”’）》")
"""Kinsoku: these never begin a printed line (they hang at the end of the previous one)."""


def wrap(text: str, col: float, first_indent: float, punct_em: float = 0.5) -> list[str]:
    """Fill lines up to the column width; the first line is indented."""
    lines, cur, room = [], "", col - first_indent
    for ch in text:
        if cur and width(cur + ch, punct_em) > room and ch not in NO_LINE_START:
            lines.append(cur)
            cur, room = "", col
        if not cur and ch == " " and lines:
            continue  # a space never begins a printed line (the page would seem to start)
        cur += ch
    if cur:
        lines.append(cur)
    return lines


def printable(text: str) -> str:
    """Digits get the spaces the extraction puts around half-width runs."""
    out = ""
    for i, ch in enumerate(text):
        if ch.isdigit() and (i == 0 or not text[i - 1].isdigit()) and out:
            out += " "
        out += ch
        if ch.isdigit() and (i + 1 < len(text) and not text[i + 1].isdigit()):
            out += " "
    return out


def letter_space(line: str) -> str:
    """A justified line as extracted: a space between every character."""
    return " ".join(line)


class Layout:
    """Emits raw lines for articles at a given column width."""

    def __init__(self, rng: random.Random, col: int, punct_em: float = 0.5):
        self.rng = rng
        self.col = col
        self.punct_em = punct_em
        self.out: list[str] = []

    def paragraph_lines(self, text: str, prefix: str = "") -> None:
        lines = wrap(prefix + text, self.col, 0 if prefix else 2, self.punct_em)
        if len(lines) > 1 and width(lines[-1], self.punct_em) > self.col - 1.5:
            # keep the printed last line visibly short, as the cleaner's paragraph rule needs
            raise ValueError("ambiguous paragraph end")
        for k, ln in enumerate(lines):
            is_last = k == len(lines) - 1
            full = not is_last and k > 0
            if full and not prefix and self.rng.random() < 0.15 and not any(c.isdigit() for c in ln):
                self.out.append(letter_space(ln))
            else:
                self.out.append(printable(ln))


def make_article(rng: random.Random, kind: str, first_on_page: bool) -> Spec:
    topic = rng.sample(TOPICS, 3)
    spec = Spec(kind=kind)
    title_words = [rng.choice(topic), rng.choice(WORDS), rng.choice(WORDS)]
    if rng.random() < 0.7 or kind == "photo":
        spec.title = ["".join(title_words)]
        if rng.random() < 0.3 and kind != "photo":
            spec.title.append(rng.choice(topic) + rng.choice(WORDS) + rng.choice(WORDS) + rng.choice(WORDS))
        if rng.random() < 0.2 and kind == "feature":
            spec.subtitle = rng.choice(topic) + "".join(rng.choice(WORDS) for _ in range(4)) + "纪实"
        if rng.random() < 0.15 and kind in ("feature", "news"):
            spec.kicker = rng.choice(WORDS) + rng.choice(WORDS) + "·" + rng.choice(WORDS) + rng.choice(WORDS)
    if kind == "photo":
        spec.captions = [paragraph(rng, topic, (2, 3))]
        if rng.random() < 0.3:
            spec.captions.append("图为" + paragraph(rng, topic, (1, 2)))
        spec.photographers = [name(rng) for _ in range(rng.choice((1, 1, 2)))]
        return mention_headline_topics(spec, topic)
    if kind == "news":
        spec.dateline = True
        if rng.random() < 0.6:
            roles = [("记者", [name(rng)])]
            if rng.random() < 0.5:
                roles.append(("通讯员", [name(rng)]))
            if rng.random() < 0.2:
                roles = [(rng.choice(REGIONS) + "记者", [name(rng)])]
                spec.spaced_byline = True
            spec.byline = roles
    if kind == "continuation":
        spec.continued_from = f"第{rng.randint(1, 8)}版"
    n = rng.randint(1, 4)
    for k in range(n):
        if kind == "feature" and k in (1, 3) and rng.random() < 0.8:
            spec.blocks.append(("heading", rng.choice(WORDS) + rng.choice(topic) + rng.choice(WORDS)))
        spec.blocks.append(("paragraph", paragraph(rng, topic)))
    if kind == "feature" and not any(t == "heading" for t, _ in spec.blocks):
        # a subheading always introduces text: a one-paragraph feature gets a second paragraph
        if len(spec.blocks) == 1:
            spec.blocks.append(("paragraph", paragraph(rng, topic)))
        spec.blocks.insert(1, ("heading", rng.choice(WORDS) + rng.choice(topic) + rng.choice(WORDS)))
    if kind != "continuation" or rng.random() < 0.5:
        spec.signature = [name(rng) for _ in range(rng.choice((1, 1, 2)))]
    if kind == "news" and not spec.byline and not spec.signature:
        spec.signature = [name(rng)]
    taken = {n for _, names in spec.byline or [] for n in names}
    for k, n in enumerate(spec.signature):
        while n in taken:  # the reporter of a byline does not sign the item again
            n = name(rng)
        spec.signature[k] = n
    return mention_headline_topics(spec, topic)


def mention_headline_topics(spec: Spec, topic: list[str]) -> Spec:
    """A headline sums up its text: each topic word of a headline line occurs in the text."""
    lines = (spec.title or []) + [x for x in (spec.subtitle,) if x]
    text = "".join(x for _, x in spec.blocks) + "".join(spec.captions)
    missing = [t for t in topic if any(t in ln for ln in lines) and t not in text]
    if not missing:
        return spec
    if spec.captions:
        spec.captions[0] = "".join(missing) + spec.captions[0]
    else:
        k = next(i for i, (typ, _) in enumerate(spec.blocks) if typ == "paragraph")
        spec.blocks[k] = ("paragraph", "".join(missing) + spec.blocks[k][1])
    return spec


def typeset_article(rng: random.Random, spec: Spec, col: int) -> list[str]:
    """Raw lines of one article: text, furniture, then its headline."""
    # most articles compress their punctuation to half an em; some set it a full em wide
    lay = Layout(rng, col, 1.0 if rng.random() < PUNCT_FULL_SHARE else 0.5)
    if spec.continued_from:
        if spec.title:
            lay.out.extend(spec.title)  # a jump headline may also sit before the jump line
        lay.out.append(f"（上接{spec.continued_from}）")
    if spec.kind == "photo":
        for cap in spec.captions:
            lay.paragraph_lines(cap)
        lay.out.append("□" + " ".join(spec.photographers) + " 摄影报道")
    else:
        blocks = list(spec.blocks)
        for k, (typ, text) in enumerate(blocks):
            if typ == "heading":
                lay.out.append(text)
            elif k == 0 and spec.dateline:
                lay.paragraph_lines(text, prefix=dateline_prefix(spec))
            else:
                lay.paragraph_lines(text)
        if spec.signature:
            sig = "□" + " ".join(spec.signature)
            last = lay.out[-1]
            if width(last, lay.punct_em) + width(sig, lay.punct_em) + 1 <= col and rng.random() < 0.6 and not last.count(" ") > 3:
                lay.out[-1] = last + " " + sig
            else:
                lay.out.append(sig)
    if spec.title and not spec.continued_from:
        if spec.kicker:
            lay.out.append(spec.kicker)
        lay.out.extend(spec.title)
        if spec.subtitle:
            lay.out.append("——" + spec.subtitle)
    return lay.out


def dateline_prefix(spec: Spec) -> str:
    if not spec.byline:
        return "本报讯 "
    inner = " ".join(f"{role} {' '.join(names)}" for role, names in spec.byline)
    if spec.spaced_byline:
        role, names = spec.byline[0]
        inner = " ".join(role) + " " + " ".join(names)
    return f"本报讯 （{inner}） "


def random_page(rng: random.Random, with_section: bool) -> tuple[list[str], list[Spec], Optional[str]]:
    """Articles of one page; each article gets its own column width (10–17 ems)."""
    specs: list[Spec] = []
    lines: list[str] = []
    kinds = rng.choices(("news", "photo", "feature", "continuation"), weights=(5, 2, 2, 1),
                        k=rng.randint(1, 4))
    for k, kind in enumerate(kinds):
        for _attempt in range(20):
            spec = make_article(rng, kind, k == 0)
            if kind in ("feature", "continuation") and specs and specs[-1].kind == "news" \
                    and not specs[-1].signature and not specs[-1].title:
                spec.kind = kind  # an open news item must be closed before a bare text starts
                specs[-1].signature = [name(rng)]
                lines_prev = None
            col = rng.randint(10, 17) if kind != "photo" else rng.randint(18, 26)
            try:
                art = typeset_article(rng, spec, col)
            except ValueError:
                continue
            break
        else:
            continue
        specs.append(spec)
        lines.extend(art)
    section = rng.choice(SECTIONS) if with_section else None
    return lines, specs, section


def random_issue(rng: random.Random, source: str) -> tuple[str, dict]:
    """Raw text of a one- or two-page file and the records the cleaner should produce."""
    pages_text: list[str] = []
    record = {"source": source, "pages": []}
    for index in range(1, rng.choice((1, 1, 2)) + 1):
        for _attempt in range(50):
            lines, specs, section = random_page(rng, rng.random() < 0.5)
            if specs and consistent(specs):
                break
        head = " " + " ".join(section) if section else " " + lines.pop(0)
        body = ([head] + lines) if section else ([head] + lines)
        pages_text.append("\n\n".join(body))
        record["pages"].append({"index": index, "section": section,
                                "articles": [s.expected() for s in specs]})
    return "\n\n".join(pages_text) + "\n", record


def consistent(specs: list[Spec]) -> bool:
    """Layouts a careful reader could not resolve either are not generated.

    A bare text (feature or jump-less item) must follow a closed article; an article
    without headline and signature cannot be told apart from the next bare text.
    """
    for prev, nxt in zip(specs, specs[1:]):
        # a jump item's headline is printed before it, so only a signature closes it
        closed = bool(prev.signature or prev.kind == "photo" or (prev.title and not prev.continued_from))
        if nxt.kind in ("feature",) and not closed:
            return False
        if prev.kind in ("feature", "continuation") and not closed \
                and nxt.kind not in ("news", "continuation"):
            return False
    return True
