"""An article printed on two pages: its `（下转第2版）` and its jump text's `（上接第1版）`
link to each other in the built site (cleaner -> posts -> MkDocs, real build)."""
from __future__ import annotations

import re

from conftest import copy_repo, run_cli

ISSUE = """newspaper: 中国邮政快递报
date: 2023-01-02
first_page: 1
pages:
  1: 要闻
  2: 动态
"""
PAGES = [
    " 要 闻",
    "本报讯 （记者 刘洋） 日前，集团",
    "公司部署冬季安全生产工作，要求",
    "各单位压紧压实安全责任，确保",
    "寄递渠道安全畅通。",
    "（下转第2版）",
    "抓实冬季安全生产",
    " 动 态",
    "抓实冬季安全生产",
    "（上接第1版）",
    "会议要求，各单位要压实责任，",
    "加强安全生产管理，确保旺季生",
    "产平稳有序。",
    "□李华",
]


def test_the_two_parts_of_a_jumped_article_link_to_each_other(tmp_path):
    root = copy_repo(tmp_path / "archive")
    issue = root / "sources" / "2023-01-02"
    issue.mkdir()
    (issue / "issue.yml").write_text(ISSUE, encoding="utf-8")
    (issue / "001_jump.txt").write_text("\n\n".join(PAGES) + "\n", encoding="utf-8")
    run_cli("generator", "build", cwd=root)
    run_cli("mkdocs", "build", "--strict", cwd=root)
    posts = sorted((root / "site").rglob("20230102*.html"))
    front = next(p for p in posts if p.name.startswith("2023010201"))
    jump = next(p for p in posts if p.name.startswith("2023010202"))
    front_html, jump_html = front.read_text(encoding="utf-8"), jump.read_text(encoding="utf-8")
    assert re.search(rf'<a href="{re.escape(jump.name)}">（下转第2版）</a>', front_html)
    assert re.search(rf'<a href="{re.escape(front.name)}">（上接第1版）</a>', jump_html)
    assert "寄递渠道安全畅通。" in front_html and "会议要求，各单位要压实责任" in jump_html
