"""Front matter round-trip, byte-identical reruns, hand-edit protection, stable ids."""
from __future__ import annotations

import datetime as dt

import frontmatter

from generator.model import Article, Block, Page, SourceRecord
from generator.posts import assign_ids, derive_title, issue_entries, post_body, render_issue
from generator.slugs import SlugRegistry
from generator.sources import Issue
from generator.writer import is_hand_edited, render_post, write_posts


def sample_issue(tmp_path):
    return Issue(date=dt.date(2022, 12, 19), number=1234, page_names={3: "专题"}, first_page=2,
                 files=[tmp_path / "a.txt"])


def sample_records():
    a1 = Article(kind="news", title="赣州邮银打造“邮医合作”模式", dateline="本报讯", byline="记者 纪海霞 通讯员 李珊",
                 authors=["纪海霞", "李珊"], blocks=[Block("paragraph", "近日，江西省赣州市邮政分公司……"),
                                                  Block("heading", "上有部署 下有行动"),
                                                  Block("paragraph", "第二段 *星号* 与 [方括号] <b>。")])
    a2 = Article(kind="photo", title="礼仪大赛 大展宏图", captions=["12月15日，比赛举行。"], photographers=["俞乃思"])
    a3 = Article(kind="news", title=None, authors=["陈银银"], blocks=[Block("paragraph", "本地新闻第一句话。第二句。")])
    return [SourceRecord("a.txt", [Page(1, "动态", [a1, a2]), Page(2, None, [a3])])]


def test_front_matter_round_trip(tmp_path):
    reg = SlugRegistry()
    outputs = render_issue(sample_issue(tmp_path), sample_records(), tmp_path / "docs", reg)
    assert [p.name for p, _ in outputs] == ["202212190201.md", "202212190202.md", "202212190301.md"]
    post = frontmatter.loads(outputs[0][1])
    m = post.metadata
    assert m["title"] == "赣州邮银打造“邮医合作”模式"
    assert m["date"] == dt.datetime(2022, 12, 19, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert m["categories"] == ["中国邮政快递报"] and m["section"] == "动态" and m["page"] == 2
    assert m["tags"][:2] == ["中国邮政快递报新闻", "动态"] and "江西" in m["tags"]
    assert m["edition"] == {"date": "2022-12-19", "number": 1234}
    assert m["byline"] == "记者 纪海霞 通讯员 李珊" and m["writers"] == ["纪海霞", "李珊"]
    assert m["source"] == {"file": "a.txt", "page": 1}
    assert m["slug"] == "202212190201" and "slug: '202212190201'" in outputs[0][1]
    assert "+08:00" in outputs[0][1]
    assert "## 上有部署 下有行动" in post.content
    assert r"\*星号\*" in post.content and r"\[方括号\]" in post.content and "&lt;b>" in post.content
    third = frontmatter.loads(outputs[2][1]).metadata
    assert third["section"] == "专题" and third["page"] == 3
    assert third["title"] == "本地新闻第一句话" and third["title_derived"] is True
    photo = frontmatter.loads(outputs[1][1])
    assert photo.metadata["captions"] == ["12月15日，比赛举行。"] and "{: .caption }" in photo.content
    assert reg.get("category", "中国邮政快递报") == "zhongguoyouzhengkuaidibao"


def test_rerun_is_byte_identical_and_hand_edits_survive(tmp_path):
    docs = tmp_path / "docs"
    issue, records = sample_issue(tmp_path), sample_records()
    first = write_posts(render_issue(issue, records, docs, SlugRegistry()), owned_dir=docs / "posts" / issue.key)
    assert len(first.written) == 3
    snapshot = {p: p.read_bytes() for p in first.written}
    second = write_posts(render_issue(issue, records, docs, SlugRegistry()), owned_dir=docs / "posts" / issue.key)
    assert second.written == [] and len(second.unchanged) == 3
    assert {p: p.read_bytes() for p in first.written} == snapshot

    edited = first.written[0]
    text = edited.read_text(encoding="utf-8") + "\n编辑补充的一段。\n"
    edited.write_text(text, encoding="utf-8")
    assert is_hand_edited(text)
    third = write_posts(render_issue(issue, records, docs, SlugRegistry()), owned_dir=docs / "posts" / issue.key)
    assert third.kept_hand_edited == [edited] and edited.read_text(encoding="utf-8") == text
    forced = write_posts(render_issue(issue, records, docs, SlugRegistry()), force=True,
                         owned_dir=docs / "posts" / issue.key)
    assert edited in forced.written and edited.read_bytes() == snapshot[edited]


def test_ids_stay_when_the_cleaner_resegments(tmp_path):
    """An article split off later must not renumber the ones already published."""
    docs = tmp_path / "docs"
    issue, records = sample_issue(tmp_path), sample_records()
    write_posts(render_issue(issue, records, docs, SlugRegistry()), owned_dir=docs / "posts" / issue.key)
    page = records[0].pages[0]
    page.articles.insert(0, Article(title="新拆出的短讯", blocks=[Block("paragraph", "一条新拆出的短讯。")]))
    outputs = render_issue(issue, records, docs, SlugRegistry())
    ids = {frontmatter.loads(t).metadata["title"]: p.stem for p, t in outputs}
    assert ids["赣州邮银打造“邮医合作”模式"] == "202212190201"
    assert ids["礼仪大赛 大展宏图"] == "202212190202"
    assert ids["新拆出的短讯"] == "202212190203"


def test_render_post_hash_detects_any_change():
    text = render_post({"title": "标题", "tags": ["a"]}, "# 标题\n\n正文。\n")
    assert not is_hand_edited(text)
    assert is_hand_edited(text.replace("正文", "正 文"))
    assert is_hand_edited(text.replace("title: 标题", "title: 新标题"))


def test_derived_title_is_first_sentence_and_bounded():
    a = Article(blocks=[Block("paragraph", "近日，山东省邮政分公司与西藏自治区日喀则市政府签订战略合作协议，在乡村振兴方面开展合作。")])
    t = derive_title(a)
    assert t.startswith("山东省邮政分公司与西藏") and t.endswith("…") and len(t) <= 29
    assert derive_title(Article(blocks=[Block("paragraph", "12月15日，大赛举行。")])) == "大赛举行"
    assert derive_title(Article(blocks=[Block("paragraph", "“兄弟姐妹们辛苦了！这一战再次证明了。”他说。")])) == \
        "“兄弟姐妹们辛苦了！”"


def test_fingerprint_reads_only_the_opening_but_equals_the_whole_text_definition():
    """The fast fingerprint (NFKC of the opening only) gives what normalising the whole
    text gives, also for openings of mostly marks, spaces and compatibility characters."""
    import random
    import unicodedata

    from generator import posts

    alphabet = "邮政快递，。 “”ＡＢ１２abc\u3000﹐…—①ｶﾞ\u3099\u0301e"
    rnd = random.Random(3)
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.choice([5, 300, 399, 400, 401, 2000])))
        whole = posts._PUNCT_OR_SPACE.sub("", unicodedata.normalize("NFKC", text))[:40]
        assert posts.fingerprint(Article(blocks=[Block("paragraph", text)])) == whole


def test_the_two_parts_of_a_jumped_article_link_to_each_other(tmp_path):
    """`（下转第3版）` on page 2 and `（上接第2版）` on page 3: each mark links to the other
    part's post; a mark whose other part is not in the issue stays plain text."""
    issue = Issue(date=dt.date(2022, 12, 19), number=1234, page_names={}, first_page=2, files=[tmp_path / "a.txt"])
    front = Article(title="全力保障旺季生产", blocks=[Block("paragraph", "近日，集团公司召开动员会。")],
                    continued_to="第3版")
    lost = Article(title="开展安全生产大检查", blocks=[Block("paragraph", "近日，某省开展检查。")], continued_to="第5版")
    jump = Article(kind="continuation", title="全力保障旺季生产", continued_from="第2版",
                   blocks=[Block("paragraph", "会议要求，各单位要压实责任。")])
    records = [SourceRecord("a.txt", [Page(1, "要闻", [front, lost]), Page(2, "动态", [jump])])]
    outputs = dict((p.name, text) for p, text in render_issue(issue, records, tmp_path / "docs", SlugRegistry()))
    assert "[（下转第3版）](202212190301.md)" in outputs["202212190201.md"]
    assert "[（上接第2版）](202212190201.md)" in outputs["202212190301.md"]
    assert "（下转第5版）" in outputs["202212190202.md"] and "](" not in outputs["202212190202.md"]
    assert frontmatter.loads(outputs["202212190201.md"]).metadata["continued_to"] == "第3版"


def test_page_numbers_of_jump_marks():
    from generator.posts import page_number

    assert [page_number(x) for x in ("第2版", "2版", "第１２版", "第十二版", "第十版", "第二十版", None, "第X版")] == \
        [2, 2, 12, 12, 10, 20, None, None]
