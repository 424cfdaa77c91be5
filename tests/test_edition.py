"""Issue/page/article structure, past issues, listings, home data and sub-word search words,
over hand-made post metadata (the same front matter generator/posts.py writes)."""
from __future__ import annotations

import datetime as dt
import json
import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from generator import edition as ed
from generator.posts import TZ
from generator.search import add_search_words, extra_words, rewrite_search_index, sub_words
from generator.slugs import pinyin_slug


def meta(day: str, page: int, order: int, seq: int, title: str, section: str = "动态", **extra) -> dict:
    d = dt.date.fromisoformat(day)
    pid = f"{d:%Y%m%d}{page:02d}{seq:02d}"
    return {"title": title, "id": pid, "slug": pid, "section": section, "page": page, "order": order,
            "edition": {"date": day, **({"number": extra.pop("number")} if "number" in extra else {})},
            "tags": ["中国邮政快递报新闻", section, *extra.pop("tags", [])], "kind": extra.pop("kind", "news"),
            **extra}


def ref(m: dict) -> ed.ArticleRef:
    d = dt.date.fromisoformat(m["edition"]["date"])
    return ed.article_ref(m, f"zhongguoyouzhengkuaidibao/{d:%Y/%m/%d}/{m['id']}.html",
                          dt.datetime.combine(d, dt.time(), TZ))


def sample_refs() -> list[ed.ArticleRef]:
    metas = [
        meta("2022-12-19", 2, 1, 1, "赣州邮银打造“邮医合作”模式", byline="记者 纪海霞", kicker="医保便民", tags=["江西"]),
        meta("2022-12-19", 2, 2, 2, "山东邮政与日喀则签约", tags=["山东", "西藏"]),
        meta("2022-12-19", 3, 3, 1, "邮政年货节火热开场", section="专题", kind="photo", subtitle="各地年货节见闻"),
        meta("2022-12-26", 3, 1, 1, "到基层去破题", section="理论", number=1234, writers=["张新志"]),
        meta("2022-12-26", 3, 2, 2, "以赛促学提素质", section="理论", number=1234),
        meta("2022-11-11", 1, 1, 1, "在全面学习全面把握全面落实上下功夫", section="要闻"),
    ]
    refs = [ref(m) for m in metas]
    # An imported old post: dated, tagged, but not placed on any page.
    refs.append(ed.article_ref({"title": "主动作为 守正创新", "tags": ["中国邮政快递报新闻"], "slug": "old1"},
                               "zhongguoyouzhengkuaidibao/2022/03/04/old1.html",
                               dt.datetime(2022, 3, 4, 13, 23, tzinfo=TZ)))
    return refs


def test_issues_pages_and_articles_in_reading_order():
    edition = ed.build_edition(reversed(sample_refs()))
    assert [i.date.isoformat() for i in edition.issues] == ["2022-12-26", "2022-12-19", "2022-11-11"]
    dec19 = edition.issues[1]
    assert [(p.number, p.name) for p in dec19.pages] == [(2, "动态"), (3, "专题")]
    assert [a.id for a in dec19.articles] == ["202212190201", "202212190202", "202212190301"]
    assert edition.issues[0].number == 1234 and edition.issues[0].label == "2022年12月26日　第1234期"
    assert "old1" not in edition.places


def test_issue_context_masthead_pages_and_neighbouring_issues():
    edition = ed.build_edition(sample_refs())
    ctx = ed.issue_context(edition, 1)
    assert ctx["date"] == "2022年12月19日" and ctx["weekday"] == "星期一" and ctx["url"] == "issue/2022-12-19.html"
    assert [p["label"] for p in ctx["pages"]] == ["第2版　动态", "第3版　专题"]
    assert ctx["pages"][0]["prev"] is None and ctx["pages"][0]["next"]["url"] == "#page-3"
    assert ctx["pages"][1]["prev"]["url"] == "#page-2" and ctx["pages"][1]["next"] is None
    first = ctx["pages"][0]["articles"][0]
    assert (first["kicker"], first["title"], first["byline"]) == ("医保便民", "赣州邮银打造“邮医合作”模式", "记者 纪海霞")
    assert ctx["prev_issue"]["url"] == "issue/2022-11-11.html"      # 上一期: older
    assert ctx["next_issue"]["url"] == "issue/2022-12-26.html"      # 下一期: newer
    assert ed.issue_context(edition, 0)["next_issue"] is None
    assert ed.issue_context(edition, 2)["prev_issue"] is None


def test_article_context_stays_inside_the_issue():
    edition = ed.build_edition(sample_refs())
    first = ed.article_context(edition, "202212190201")
    assert first["prev"] is None and first["next"]["id"] == "202212190202"
    assert [c["label"] for c in first["breadcrumb"]] == ["中国邮政快递报 2022年12月19日", "第2版　动态",
                                                         "赣州邮银打造“邮医合作”模式"]
    assert first["breadcrumb"][1]["url"] == "issue/2022-12-19.html#page-2"
    assert [o["id"] for o in first["same_page"]] == ["202212190202"]
    # 下一篇 crosses to the next page of the same issue, never into another issue.
    second = ed.article_context(edition, "202212190202")
    assert second["next"]["id"] == "202212190301" and second["next"]["page"] == "第3版　专题"
    last = ed.article_context(edition, "202212190301")
    assert last["next"] is None and last["prev"]["id"] == "202212190202" and last["same_page"] == []
    assert last["source_line"] == "原载《中国邮政快递报》2022年12月19日 第3版　专题"
    assert "第1234期" in ed.article_context(edition, "202212260301")["source_line"]
    assert ed.article_context(edition, "old1") is None


def test_past_issues_calendar_by_year_and_month():
    past = ed.past_issues_context(ed.build_edition(sample_refs()))
    assert past["count"] == 3 and [y["year"] for y in past["years"]] == [2022]
    months = past["years"][0]["months"]
    assert [m["label"] for m in months] == ["2022年12月", "2022年11月"]
    dec = months[0]
    linked = [d for week in dec["weeks"] for d in week if d["url"]]
    assert [(d["day"], d["url"]) for d in linked] == [(19, "issue/2022-12-19.html"), (26, "issue/2022-12-26.html")]
    assert all(len(week) == 7 for week in dec["weeks"])
    assert dec["weeks"][0][:3] == [{"day": None, "url": None, "title": None}] * 3   # 2022-12-01 is a Thursday


def test_sections_and_tags_newest_first_and_paginated_from_the_oldest():
    refs = sample_refs()
    tags = ed.group_by(refs, "tag")
    everything = tags["中国邮政快递报新闻"]
    assert [r.id for r in everything][:4] == ["202212260301", "202212260302", "202212190201", "202212190202"]
    assert everything[-1].id == "old1"
    pages = ed.paginate("tag", "中国邮政快递报新闻", "zhongguoyouzhengkuaidibaoxinwen", everything, per_page=2)
    # 7 articles, 2 a page: pages 1 and 2 (oldest first) hold 2 each, the landing page the newest 3.
    assert [p.url for p in pages] == ["tag/zhongguoyouzhengkuaidibaoxinwen.html",
                                      "tag/zhongguoyouzhengkuaidibaoxinwen/page/2.html",
                                      "tag/zhongguoyouzhengkuaidibaoxinwen/page/1.html"]
    assert [len(p.items) for p in pages] == [3, 2, 2]
    assert [r.id for r in pages[2].items] == ["202211110101", "old1"]
    assert pages[1].src_uri == "tag/zhongguoyouzhengkuaidibaoxinwen/page/2.md"
    landing, newest_archive, oldest = (ed.listing_context(p) for p in pages)
    assert landing["total"] == 7 and landing["landing"] and landing["older"] == pages[1].url
    assert landing["newer"] is None and landing["oldest"] == pages[2].url
    assert newest_archive["newer"] == pages[0].url and newest_archive["older"] == pages[2].url
    assert newest_archive["total"] is None and newest_archive["oldest"] is None    # 更早 already is page 1
    assert oldest["older"] is None and oldest["newer"] == pages[1].url and oldest["newest"] == pages[0].url
    assert oldest["date_range"] == "2022年3月4日—2022年11月11日"
    assert oldest["title"] == "标签：中国邮政快递报新闻（第1页）"
    sections = ed.group_by(refs, "section")
    assert sorted(sections) == ["专题", "动态", "理论", "要闻"]
    only = ed.paginate("section", "理论", "lilun", sections["理论"])
    assert len(only) == 1 and only[0].title == "理论版" and ed.listing_context(only[0])["older"] is None


def many_refs(n: int, start: dt.date = dt.date(2016, 1, 4)) -> list[ed.ArticleRef]:
    """n articles, two an issue day, newest first."""
    out = [ref(meta((start + dt.timedelta(days=i // 2)).isoformat(), 1 + i % 2, i % 2, 1, f"标题{i}"))
           for i in range(n)]
    return sorted(out, key=lambda r: r.sort_key)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(0, 260), k=st.integers(1, 25))
def test_paging_from_the_landing_page_to_the_oldest_shows_every_article_once(n, k):
    items = [ed.ArticleRef(f"a{i}", f"a{i}.html", f"t{i}", dt.datetime(2016, 1, 1, tzinfo=TZ)) for i in range(n)]
    pages = ed.paginate("tag", "标签", "biaoqian", items, per_page=k)
    landing = pages[0]
    assert landing.number is None
    assert k <= len(landing.items) <= 2 * k - 1 if n >= 2 * k else len(landing.items) == n
    assert all(len(p.items) == k for p in pages[1:])
    # Follow 更早 from the landing page: pages in that order, every article once, newest first.
    by_url = {p.url: p for p in pages}
    seen, at = [], landing
    while at is not None:
        seen.extend(at.items)
        older = ed.listing_context(at)["older"]
        at = by_url[older] if older else None
    assert seen == items
    # 更新 from page 1 walks back up to the landing page.
    if len(pages) > 1:
        at, walked = by_url[ed.listing_url("tag", "biaoqian", 1)], []
        while at.number is not None:
            walked.append(at.number)
            at = by_url[ed.listing_context(at)["newer"]]
        assert walked == list(range(1, len(pages)))


@settings(max_examples=150, deadline=None)
@given(n=st.integers(0, 200), added=st.integers(1, 80), k=st.integers(1, 25))
def test_newer_articles_leave_every_archive_page_as_it_was(n, added, k):
    """An editor's push adds newer articles: every archive page that existed shows the
    same values; only the newest one's 更新 may move from the landing page to the
    archive page that just appeared."""
    items = many_refs(n + added)
    before = {p.url: ed.listing_context(p) for p in ed.paginate("section", "动态", "dongtai", items[added:], k)}
    after = {p.url: ed.listing_context(p) for p in ed.paginate("section", "动态", "dongtai", items, k)}
    landing = ed.listing_url("section", "dongtai")
    assert set(before) <= set(after)
    for url, ctx in before.items():
        if url == landing:
            continue
        moved = {key for key in ctx if ctx[key] != after[url][key]}
        assert moved <= {"newer"}, (url, moved)
        if moved:
            assert ctx["newer"] == landing and after[url]["newer"] == ed.listing_url("section", "dongtai",
                                                                                        ctx["number"] + 1)


def test_home_latest_issue_first_then_newest_per_section_and_tag():
    refs = sample_refs()
    edition = ed.build_edition(refs)
    home = ed.home_context(edition, ed.group_by(refs, "section"), ed.group_by(refs, "tag"), pinyin_slug,
                           pinyin_slug, per_group=1)
    assert home["latest"]["iso_date"] == "2022-12-26"
    names = [g["name"] for g in home["groups"]]
    assert names[:4] == ["理论", "专题", "动态", "要闻"]            # sections, newest first
    assert "中国邮政快递报新闻" not in names and set(names[4:]) == {"山东", "江西", "西藏"}
    lilun = home["groups"][0]
    assert lilun["url"] == "section/lilun.html" and lilun["total"] == 2 and len(lilun["articles"]) == 1


def test_plan_site_generates_each_page_once():
    site = ed.plan_site(sample_refs(), pinyin_slug, pinyin_slug, per_page=2)
    uris = set(site.pages)
    assert {"issue/2022-12-19.md", "issue/2022-12-26.md", "issue/2022-11-11.md", "past-issues.md",
            "section/dongtai.md", "tag/shandong.md", "tag/zhongguoyouzhengkuaidibaoxinwen/page/2.md"} <= uris
    assert "tag/zhongguoyouzhengkuaidibaoxinwen/page/3.md" not in uris     # the newest 3 are on the landing page
    page = site.pages["issue/2022-12-19.md"]
    assert "template: edition-issue.html" in page.markdown and "exclude: true" in page.markdown
    assert page.context()["pages"][1]["name"] == "专题"
    assert site.bar["latest"]["url"] == "latest-issue.html"     # a fixed page: the bar stays the same when an issue is added
    assert site.pages["latest-issue.md"].context()["latest"]["url"] == "issue/2022-12-26.html"


def test_structure_is_built_in_linear_time():
    """10,000+ articles: building once and looking up every article must stay fast."""
    refs = []
    start = dt.date(2000, 1, 3)
    for n in range(1500):
        d = start + dt.timedelta(days=n)
        for page in range(1, 5):
            for seq in range(1, 3):
                refs.append(ref(meta(d.isoformat(), page, page * 10 + seq, seq, f"标题{n}-{page}-{seq}")))
    t0 = time.perf_counter()
    site = ed.plan_site(refs, pinyin_slug, pinyin_slug)
    for r in refs:
        site.article(r.id)
    elapsed = time.perf_counter() - t0
    assert len(refs) == 12000 and len(site.edition.issues) == 1500
    assert elapsed < 5, f"{elapsed:.1f}s for 12,000 articles"


def test_search_words_carry_sub_words_of_accurate_mode_words(tmp_path):
    assert {"国家", "邮政", "邮政局"} <= set(sub_words("国家邮政局"))
    assert sub_words("邮政") == [] and sub_words("abc") == []
    assert extra_words("国家邮政局\u200b发布\u200b中国邮政").split("\u200b").count("邮政") == 1
    index = {"config": {"lang": ["zh"], "separator": "[\\s\\u200b]+",
                        "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}},
             "docs": [{"location": "a.html", "title": "国家邮政局\u200b通知", "text": "中国邮政\u200b开展"},
                      {"location": "b.html", "title": "通知", "text": "开展"}]}
    out = add_search_words(index)
    assert out["config"]["fields"]["title_words"] == {"boost": 1000.0}
    assert out["config"]["fields"]["text_words"] == {"boost": 1.0}
    a, b = out["docs"]
    assert "邮政" in a["title_words"].split("\u200b") and "邮政" in a["text_words"].split("\u200b")
    assert a["title"] == "国家邮政局\u200b通知" and "title_words" not in b
    path = tmp_path / "search_index.json"
    path.write_text(json.dumps(index), encoding="utf-8")
    size = rewrite_search_index(path)
    raw = path.read_text(encoding="utf-8")
    assert "国家邮政局" in raw and "\\u" not in raw.replace("\\u200b", "") and size == len(raw.encode("utf-8"))


def test_blog_index_is_the_home_page_only_and_categories_are_stable_listings(built_site):
    """page/N of the blog index only repeated the category listing (and shifted at every
    push): it is not built. The category page, the old site's URL, is drawn as a listing
    numbered from the oldest like sections and tags: with 29 sample posts (20 a page)
    all of them are on it."""
    site = built_site / "site"
    assert not (site / "page").exists()
    assert "ed-masthead" in (site / "index.html").read_text(encoding="utf-8")
    category = (site / "category" / "zhongguoyouzhengkuaidibao.html").read_text(encoding="utf-8")
    posts = len(list((built_site / "docs" / "posts").rglob("*.md")))
    assert 20 < posts < 40 and category.count('class="ed-item__title"') == posts
    assert f"共 {posts} 篇" in category and 'class="md-post ' not in category
    assert re.search(r"<h1[^>]*>中国邮政快递报</h1>", category)
    assert not (site / "category" / "zhongguoyouzhengkuaidibao").exists()


def test_categories_are_planned_as_listings_with_the_blogs_page_as_landing():
    refs = sample_refs()
    site = ed.plan_site(refs, pinyin_slug, pinyin_slug, per_page=2)
    added = ed.plan_categories(site, [("中国邮政快递报", "category/zhongguoyouzhengkuaidibao.md", refs),
                                      ("其他", "elsewhere/qita.md", refs)], per_page=2)
    assert [p.src_uri for p in added] == ["category/zhongguoyouzhengkuaidibao/page/2.md",
                                          "category/zhongguoyouzhengkuaidibao/page/1.md"]
    landing = site.pages["category/zhongguoyouzhengkuaidibao.md"].context()
    assert landing["title"] == "中国邮政快递报" and landing["total"] == 7 and len(landing["articles"]) == 3
    assert landing["older"] == "category/zhongguoyouzhengkuaidibao/page/2.html"
    assert site.pages["category/zhongguoyouzhengkuaidibao/page/1.md"].title == "中国邮政快递报（第1页）"
    assert "elsewhere/qita.md" not in site.pages
    spaced = ed.listing_context(ed.paginate("category", "21世纪经济报道", "21shiji 21caijing", refs, 2)[1])
    assert spaced["newer"] == "category/21shiji%2021caijing.html"       # old category slugs can hold spaces


def test_bar_lists_sections_in_page_order_whatever_the_newest_issue_holds():
    refs = sample_refs()
    bar = ed.site_bar(ed.build_edition(refs), ed.group_by(refs, "section"), pinyin_slug)
    assert [s["label"] for s in bar["sections"]] == ["要闻", "动态", "专题", "理论"]     # 第1, 2, 3 版; 理论 ties 专题 on 3
    assert bar["sections"][1]["url"] == "section/dongtai.html"
    # A newer issue with only 理论 on page 3 leaves the bar as it was.
    newer = refs + [ref(meta("2023-01-02", 3, 1, 1, "新的一期", section="理论"))]
    assert ed.site_bar(ed.build_edition(newer), ed.group_by(newer, "section"), pinyin_slug) == bar
