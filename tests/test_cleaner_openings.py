"""What opens a text: a jump text (`（上接第N版）`) has its headline before the jump line and its
text after it; a line cut after an opening quote is running text, never a headline."""
from generator.cleaner import clean_text

SIGNED = [
    "各单位要在加强基层党建工",
    "作上下功夫，重点抓好组织建设",
    "和队伍建设。要坚持问题导向，逐",
    "项研究制定整改措施，建立工作",
    "台账，做到真改实改。",
    "□王立新",
]
JUMP = [
    "推进网点转型",
    "提升服务质效",
    "（上接第1版）",
    "会议强调，要扛起“",  # indented first line, cut after an opening quote
    "网点转型工作”的主体责任。",
    "“网点转型”是一项",
    "系统工程，各单位主要领",
    "导要牢记责任、勇于担当，",
    "分管领导要认真履行直",
    "接管理责任，将各项措施",
    "落到实处。",
]


def page(lines: list[str]) -> str:
    return "\n\n".join(lines) + "\n"


def test_text_right_after_a_jump_line_is_its_text_not_a_headline():
    """The jump's first line ends on an opening quote, short of the column: still its text."""
    record = clean_text(page(SIGNED + JUMP), "jump.txt").to_dict()
    arts = record["pages"][0]["articles"]
    assert [a["kind"] for a in arts] == ["news", "continuation"]
    signed, jump = arts
    assert signed["authors"] == ["王立新"] and signed["title"] is None
    assert jump["continued_from"] == "第1版"
    assert jump["title"] == "推进网点转型 提升服务质效"
    assert [b["text"] for b in jump["blocks"]] == [
        "会议强调，要扛起“网点转型工作”的主体责任。",
        "“网点转型”是一项系统工程，各单位主要领导要牢记责任、勇于担当，分管领导要认真履行直接管理责任，将各项措施落到实处。"]


OPENS_ON_A_QUOTE = [
    "时效是赢得客户信赖的“",  # indented first line, cut after an opening quote
    "敲门砖”，是快递企业发展的“",
    "生命线”。今年以来，各地邮政持",
    "续优化运输线路，全程时限明显",
    "缩短，客户满意度不断提升。",
]


def test_a_line_ending_on_an_opening_quote_after_a_signed_text_opens_the_next_text():
    record = clean_text(page(SIGNED + OPENS_ON_A_QUOTE), "quote.txt").to_dict()
    arts = record["pages"][0]["articles"]
    assert [a["title"] for a in arts] == [None, None]
    assert arts[0]["authors"] == ["王立新"]
    assert [b["text"] for b in arts[1]["blocks"]] == [
        "时效是赢得客户信赖的“敲门砖”，是快递企业发展的“生命线”。今年以来，各地邮政持续优化运输线路，"
        "全程时限明显缩短，客户满意度不断提升。"]
    assert arts[1]["warnings"] == []


PHOTO = [
    "近日，某市邮政分公司举办",
    "“迎新春”年货展销会，精选",
    "百余款地方特色产品，吸引",
    "众多市民前来选购。",
    "□李明 摄影报道",
    "年货展销会喜迎新春",  # the photo's headline: one em short of the next text's indented line
]
UNDATED = [
    "要在推进网点转型工作",  # indented first line of a 12-em column (commas are set half an em)
    "上下功夫，重点抓好网点布",
    "局优化和服务能力提升，确",
    "保各项工作落到实处。",
]


def test_a_headline_one_em_short_of_the_next_texts_indented_line_heads_the_photo():
    """After a photo credit, a short line over a text whose indented first line follows
    it cannot be that text's first line: the text's paragraph opens on the indented line."""
    record = clean_text(page(PHOTO + UNDATED), "photo.txt").to_dict()
    arts = record["pages"][0]["articles"]
    assert [a["kind"] for a in arts] == ["photo", "news"]
    assert arts[0]["title"] == "年货展销会喜迎新春" and arts[0]["photographers"] == ["李明"]
    assert arts[1]["title"] is None
    assert [b["type"] for b in arts[1]["blocks"]] == ["paragraph"]
    assert arts[1]["blocks"][0]["text"].startswith("要在推进网点转型工作上下功夫")


FULL_LAST_LINE = [
    "本报讯 近日，某省邮政分公司召开",
    "旺季生产动员会，部署揽收、分拣、",
    "运输和投递各环节保障工作，要求各",
    "单位细化措施，确保邮件安全畅通。",  # a full last line: no paragraph end shows
    "全力保障旺季生产",
]


def test_display_lines_after_a_text_s_full_last_line_are_its_headline_not_a_subheading():
    """A subheading heads text under it: lines read as one at the very end of a text are
    the headline printed after it."""
    record = clean_text(page(FULL_LAST_LINE), "full.txt").to_dict()
    arts = record["pages"][0]["articles"]
    assert len(arts) == 1
    assert arts[0]["title"] == "全力保障旺季生产"
    assert [b["type"] for b in arts[0]["blocks"]] == ["paragraph"]
    assert arts[0]["blocks"][0]["text"].endswith("确保邮件安全畅通。")


FRONT_PAGE = [
    " 要 闻",
    "本报讯 （记者 王明） 近日，集团",
    "公司召开旺季生产动员会，部署揽",
    "收、分拣、运输和投递各环节保障",
    "工作，要求各单位细化措施。",
    "（下转第2版）",
    "全力保障旺季生产",
    "本报讯 近日，某省邮政分公司开展",
    "安全生产大检查，排查隐患，确保",
    "寄递渠道安全畅通。（下转第3版）",
    "开展安全生产大检查",
]


def test_a_jump_out_mark_closes_the_text_and_names_the_page_it_goes_on():
    """`（下转第2版）` on its own line or ending the text's last line: the text goes on on
    that page (`continued_to`); the mark is neither text nor headline."""
    record = clean_text(page(FRONT_PAGE), "front.txt").to_dict()
    arts = record["pages"][0]["articles"]
    assert [(a["title"], a["continued_to"]) for a in arts] == [("全力保障旺季生产", "第2版"),
                                                               ("开展安全生产大检查", "第3版")]
    assert arts[0]["blocks"][-1]["text"].endswith("要求各单位细化措施。")
    assert arts[1]["blocks"][-1]["text"].endswith("寄递渠道安全畅通。")
    assert all(a["warnings"] == [] for a in arts)
