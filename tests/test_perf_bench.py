"""Smoke test of the benchmark (bench/build_archive.py): a 50-article archive in our
source format goes through the real build and the JSON report has every field."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO

FIELDS = ("articles", "build_s", "peak_mb", "site_mb", "html_files", "search_index_bytes", "search_index_gzip_bytes")


def test_benchmark_builds_50_articles_and_reports_json(tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "build_archive.py"), "--articles", "50",
                           "--engines", "ours", "--json", "--keep", str(tmp_path / "b")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert all(k in result for k in FIELDS), result
    assert result["articles"] == 50 and 40 <= result["posts"] <= 65, result
    assert result["html_files"] > result["posts"] and result["search_index_bytes"] + result.get("search_shards_bytes", 0) > 50 * 1000
    sources = sorted((tmp_path / "b" / "ours" / "sources").glob("*/*.txt"))
    assert len(sources) >= 6 and all(p.read_text(encoding="utf-8").startswith(" ") for p in sources)
    assert (tmp_path / "b" / "ours" / "site" / "index.html").is_file()
    assert set(result["cache_hits"]) == {"frontmatter", "markdown", "excerpts", "pages"}, result   # render caches at work
