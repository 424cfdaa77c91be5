"""Unit tests of the cleaner's text layer: de-spacing, joining, furniture fields, pages."""
from generator.cleaner import clean_text
from generator.cleaner import fields as F
from generator.cleaner.pages import section_header, split_pages
from generator.cleaner.text import despace, despace_display, ends_with_terminal, is_spaced_out, join_lines


def test_despace_removes_extraction_spaces_and_keeps_latin_word_spaces():
    assert despace("三 是 坚 定 不 移") == "三是坚定不移"
    assert despace("从 5 个方面") == "从5个方面"
    assert despace("强 化 CRM 系 统") == "强化CRM系统"
    assert despace("准备了 N95 口罩") == "准备了N95口罩"
    assert despace("EMS Express 业务") == "EMS Express业务"


def test_join_lines_rejoins_hyphenated_latin_words_and_keeps_punctuation():
    assert join_lines(["坚持运用“PD-", "CA 循环法”，强化"]) == "坚持运用“PDCA循环法”，强化"
    assert join_lines(["政 务 季,突 出 做 好", "市场"]) == "政务季,突出做好市场"


def test_real_phrase_space_survives_only_in_lines_that_are_not_letter_spaced():
    assert join_lines(["举办了“浓情中秋节 欢乐做月饼”活动"]) == "举办了“浓情中秋节 欢乐做月饼”活动"
    assert is_spaced_out("云 南 邮 政 将 抓 好")
    assert not is_spaced_out("翼 寄件返礼”营销活动等，从")


def test_display_lines_keep_phrase_spaces():
    assert despace_display("上有部署 下有行动") == "上有部署 下有行动"
    assert despace_display("“ 暖 蜂 行 动 ” 暖 人 心") == "“暖蜂行动”暖人心"


def test_terminal_punctuation_and_closing_quotes():
    assert ends_with_terminal("没洗完快递就到了。”")
    assert not ends_with_terminal("15日“双11”")
    assert not ends_with_terminal("提升客户体验，")


def test_byline_normalisation_and_names():
    assert F.normalise_byline("云 南 记 者 杨晓颖") == "云南记者 杨晓颖"
    assert F.names_in("记者 纪海霞 通讯员 李珊") == ["纪海霞", "李珊"]
    assert F.split_dateline("本报讯 （记者 所越） 近日") == ("记者 所越", "近日")
    assert F.split_dateline("本报讯 近日，") == (None, " 近日，")


def test_datelines_naming_the_place_the_report_was_sent_from():
    """`本报北京讯`: the paper's dateline with a place, also letter-spaced; not `本报记者`."""
    assert F.dateline_word("本报北京讯 （记者 王明） 近日") == "本报北京讯"
    assert F.dateline_word("本 报 上 海 讯 （记者 王明）") == "本报上海讯"
    assert F.split_dateline("本报乌鲁木齐讯 （记者 王明） 近日") == ("记者 王明", "近日")
    assert F.dateline_word("本报记者 王明 近日，") is None
    assert F.dateline_word("报讯") is None
    page = "\n\n".join([" 动 态", "本报北京讯 （记者 王明 通讯员 李华） 近日，某省", "邮政分公司召开旺季生产动员",
                         "会，部署揽收、分拣、运输和投", "递各环节保障工作。", "推进旺季生产"]) + "\n"
    art, = clean_text(page, "place.txt").to_dict()["pages"][0]["articles"]
    assert (art["dateline"], art["byline"], art["authors"], art["title"]) == \
        ("本报北京讯", "记者 王明 通讯员 李华", ["王明", "李华"], "推进旺季生产")
    assert art["blocks"][0]["text"].startswith("近日，某省邮政分公司")


def test_a_photo_role_closing_a_byline_names_the_photographers_before_it():
    """`□李明 摄`, `□本报记者 李明 王强 摄影`: the names before a closing photo role took the
    pictures; a role before names still names those after it."""
    assert F.photographers_in("李明 摄") == ["李明"]
    assert F.photographers_in("本报记者 李明 王强 摄影") == ["李明", "王强"]
    assert F.photographers_in("记者 张三 摄影 李四") == ["李四"]
    assert F.photographers_in("记者 张三 通讯员 李四") == []
    page = "\n\n".join([" 动 态", "近日，某市邮政分公司举办", "年货展销会，精选百余款地", "方特色产品。",
                         "□李明 摄", "年货展销迎新春"]) + "\n"
    art, = clean_text(page, "photo.txt").to_dict()["pages"][0]["articles"]
    assert (art["authors"], art["photographers"], art["title"]) == (["李明"], ["李明"], "年货展销迎新春")


def test_jump_marks_in_their_printed_variants():
    """`（上接第1版）` / `（接1版）` / `（上接第一版）`, `（下转第2版）` / `（转2版）`: the page kept
    as printed, the rest of the mark counted as structure."""
    assert F.continuation_of("（接第1版）") == "第1版" and F.continuation_of("（上接1版）") == "1版"
    assert F.continuation_of("（上接第一版）") == "第一版" and F.continuation_of("（接待第1版）") is None
    assert F.split_jump_out("寄递渠道安全畅通。（转第3版）") == ("寄递渠道安全畅通。", "第3版")
    assert F.split_jump_out("（下转2版）") == ("", "2版") and F.split_jump_out("（转发第2版）") is None
    assert F.jump_mark_chars("（ 接 第 1 版 ）") == "（接）" and F.jump_mark_chars("文字。（下转第2版）") == "（下转）"
    page = "\n\n".join([" 要 闻", "本报讯 近日，某省邮政分公司开展", "安全生产大检查，确保寄递渠道安全", "畅通。（转2版）",
                         "开展安全生产大检查", " 动 态", "开展安全生产大检查", "（接1版）", "检查组深入一线，逐项排查", "隐患。",
                         "□李华"]) + "\n"
    first, second = (p["articles"][0] for p in clean_text(page, "jump.txt").to_dict()["pages"])
    assert (first["title"], first["continued_to"]) == ("开展安全生产大检查", "2版")
    assert (second["kind"], second["title"], second["continued_from"]) == ("continuation", "开展安全生产大检查", "1版")


def test_a_pointer_to_another_page_ends_a_paragraph_and_stays_text():
    """A front-page teaser ends on `（详见第2版）`: it closes the paragraph (it is no
    headline line, and the headline after it stays the headline)."""
    assert ends_with_terminal("确保安全畅通。（详见第2版）") and ends_with_terminal("（见3版）")
    assert not ends_with_terminal("（第2版）")
    for last in (["单位细化措施。（详见第2版）"], ["单位细化措施。", "（详见第2版）"]):
        page = "\n\n".join([" 要 闻", "本报讯 近日，某省邮政分公司召开", "旺季生产动员会，部署各环节保障",
                             "工作，要求各"] + last + ["推进旺季生产"]) + "\n"
        art, = clean_text(page, "teaser.txt").to_dict()["pages"][0]["articles"]
        assert art["title"] == "推进旺季生产"
        assert "".join(b["text"] for b in art["blocks"]).endswith("单位细化措施。（详见第2版）")


def test_a_numbered_subheading_s_number_is_no_clause_mark():
    """`二、加强干部队伍建设`: the 、 after a subheading's number does not make the line running
    text, even where the paragraph under it opens without an indent."""
    from generator.cleaner.paragraphs import facts, without_enumerator

    assert without_enumerator("二、加强干部队伍建设") == "加强干部队伍建设"
    assert without_enumerator("（一）完善考核评价机制") == "完善考核评价机制"
    assert without_enumerator("2.强化日常监督") == "强化日常监督" and without_enumerator("2.5亿元") == "2.5亿元"
    assert not facts("二、加强干部队伍建设", 9.5, False, False).inner_comma
    page = "\n\n".join([" 理 论", "党的二十大报告对全面从严治党", "作出了新的部署，我们要认真学习", "领会，切实抓好贯彻落实。",
                         "二、加强干部队伍建设", "要坚持新时代好干部标准，加强", "干部教育培训，提升干部队伍的", "能力和素质。", "□王强",
                         "以高质量党建引领高质量发展"]) + "\n"
    art, = clean_text(page, "theory.txt").to_dict()["pages"][0]["articles"]
    assert [b["type"] for b in art["blocks"]] == ["paragraph", "heading", "paragraph"]
    assert art["blocks"][1]["text"] == "二、加强干部队伍建设"


def test_a_line_an_em_short_before_a_line_opening_with_an_ideograph_did_not_run_on():
    """`场加强花园，体系渠道。` fills its line and ends a sentence: a paragraph may end there or
    not. The next line, `花园协同增长改革，`, is two ems short of the column, and the line after
    it opens with `质`, which would have fit: so it is an indented first line, and the paragraph
    did end. A line ends short of its room only before a mark or Latin run that cannot be
    split (kinsoku)."""
    lines = ["花园改革实现，分", "拣羊绒文化收入政府，", "木耳品牌金融。管理落", "实 政 府 能 力 ！ 网 点 组 织",
             "工作拓展，仓储羊绒城", "市， 668 增长投递。收入", "仓储物流服务，拓展市", "场加强花园，体系渠道。",
             "花园协同增长改革，", "质 量 落 实 物 流 。 木 耳 员", "工企业投递，增长收入，", "团队完善 369 质量花园。",
             "站点羊绒团队，体", "系增长平台，提升政府", "平台羊绒拓展！机制揽", "收成本平台木耳，完善",
             "花 园 寄 递 推 动 ， 车 辆 机", "制揽收政府。能力工作", "城市组织羊绒，文化花", "园拓展系统考核！快递",
             "花园物流优化，羊绒规", "模强化文化；", "□张萍芳 沈刚飞"]
    art, = clean_text("\n\n".join([" 综 合"] + lines) + "\n", "full.txt").to_dict()["pages"][0]["articles"]
    assert [b["text"][:8] for b in art["blocks"]] == ["花园改革实现，分", "花园协同增长改革", "站点羊绒团队，体"]


def test_two_title_lines_join_with_a_space_unless_the_second_goes_on_with_the_first():
    """Two phrases set on two lines keep a space between them; a first line with a subject and
    its action but no verb taking an object, over a second that opens with the place acted
    on, is one phrase broken over two lines (sample 000, read so by the editor)."""
    from generator.cleaner.headlines import join_title_lines

    assert join_title_lines(["集团公司调研指导", "陕西商洛定点帮扶工作"]) == "集团公司调研指导陕西商洛定点帮扶工作"
    assert join_title_lines(["新疆邮政克服疫情影响", "强化客户管理开发"]) == "新疆邮政克服疫情影响 强化客户管理开发"
    assert join_title_lines(["扎实推进乡村振兴", "云南邮政助农增收"]) == "扎实推进乡村振兴 云南邮政助农增收"
    assert join_title_lines(["北京邮政开展活动", "上海邮政推进改革"]) == "北京邮政开展活动 上海邮政推进改革"
    assert join_title_lines(["数据多跑路 群众少跑腿", "广州市分公司推出政务邮件“出件外呼”服务"]) == \
        "数据多跑路 群众少跑腿 广州市分公司推出政务邮件“出件外呼”服务"
    assert join_title_lines(["统一思想", "扛起责任", "加快推进“两集中”改革"]) == "统一思想 扛起责任 加快推进“两集中”改革"


def test_signature_credit_and_jump_lines():
    assert F.split_signature("万元，增幅达 81.57%。 □翟瑞兰 付慧") == ("万元，增幅达 81.57%。", "翟瑞兰 付慧")
    assert F.split_signature("□段亚利") == ("", "段亚利")
    assert F.split_signature("没有方框的普通一行") is None
    assert F.split_credit("额183万元。 □白娜 曾珍 摄影报道") == ("额183万元。", "白娜 曾珍")
    credit = F.parse_credit("本报记者 李萍 通讯员 汪嘉铭")
    assert credit.byline == "本报记者 李萍 通讯员 汪嘉铭" and credit.names == ["李萍", "汪嘉铭"]
    assert F.continuation_of("（上接第1版）") == "第1版"
    assert F.continuation_of("（记者 所越）") is None


def test_pages_split_on_leading_space_and_read_spaced_section_headers():
    text = " 动 态\n\n本报讯 第一页。\n\n 第二页开头\n\n正文。\n \n"
    pages = split_pages(text)
    assert [p.index for p in pages] == [1, 2]
    assert pages[0].section == "动态" and pages[1].section is None
    assert [ln.raw for ln in pages[1].lines] == ["第二页开头", "正文。"]
    assert section_header("动 态") == "动态"
    assert section_header("时限是开拓市场") is None
