"""Pages are written without the templates' indentation (generator/compact.py): fewer
bytes, and Chromium shows exactly the same page. The fixtures are an article page and an
issue page as MkDocs wrote them before compaction."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.compact import compact_html
from test_browser import CHROMIUM_ARGS, DESKTOP, PHONE, server  # noqa: F401 - fixtures

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "compact"
# the same depth in the site as the originals, so their relative asset links resolve
PLACES = {"article.html": "zhongguoyouzhengkuaidibao/2022/09/07", "issue.html": "issue"}

LAYOUT = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    out.push([el.tagName, Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)]);
  }
  return {text: document.body.innerText, boxes: out};
}"""


def test_compaction_keeps_text_and_preformatted_blocks():
    html = "<ul>\n    <li>一</li>\n\n    <li>二</li>\n</ul>\n  <pre>\n  a\n\n    b</pre>\n<p>\n\u3000\u3000正文 \u00a0x</p>"
    assert compact_html(html) == "<ul>\n<li>一</li>\n<li>二</li>\n</ul>\n<pre>\n  a\n\n    b</pre>\n<p>\n\u3000\u3000正文 \u00a0x</p>"
    assert compact_html("<textarea>\n  x\n</textarea>") == "<textarea>\n  x\n</textarea>"
    assert compact_html("no breaks   at all") == "no breaks   at all"


@pytest.mark.parametrize("name", sorted(PLACES))
def test_compacted_page_looks_the_same_in_chromium(name, built_site, server):  # noqa: F811
    original = (FIXTURES / name).read_text(encoding="utf-8")
    compacted = compact_html(original)
    assert len(compacted.encode()) < 0.92 * len(original.encode())
    folder = built_site / "site" / PLACES[name]
    written = [folder / f"compact-test-original-{name}", folder / f"compact-test-compacted-{name}"]
    written[0].write_text(original, encoding="utf-8")
    written[1].write_text(compacted, encoding="utf-8")
    from playwright.sync_api import sync_playwright
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            for viewport in (DESKTOP, PHONE):
                seen = []
                for path in written:
                    pg = browser.new_page(viewport=viewport, locale="zh-CN")
                    pg.goto(server + f"{PLACES[name]}/{path.name}")
                    pg.wait_for_load_state("networkidle")
                    seen.append(pg.evaluate(LAYOUT))
                    pg.close()
                assert seen[0]["text"] == seen[1]["text"]
                assert len(seen[0]["text"]) > 200
                assert seen[0]["boxes"] == seen[1]["boxes"]
            browser.close()
    finally:
        for path in written:
            path.unlink(missing_ok=True)
