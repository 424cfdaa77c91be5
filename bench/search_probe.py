#!/usr/bin/env python3
"""Search latency and bytes on a built site, in headless Chromium over HTTP.

    python bench/search_probe.py SITE_DIR [--query 邮政 ...] [--pagefind]

Serves SITE_DIR on 127.0.0.1, opens the home page and types the first query at once (as
a reader would), then reports the milliseconds from typing to the first result and the
bytes downloaded until then (raw, and gzip-compressed as a host that compresses would
send them); further queries are timed on the same page (warm). A hosted build's sharded
index (search/shards/, generator/search_shards.py) is reported as engine "shards" with
its size; a stock build (one search_index.json) as "material". `--pagefind` indexes the site with Pagefind (extended build: segments
Chinese; `pip install -r bench/requirements.txt`) and probes Pagefind's own UI instead.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import json
import shutil
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
PAGEFIND_PAGE = "pagefind-probe.html"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def index_with_pagefind(site: Path) -> dict:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--force-language", "zh",
                           "--root-selector", "article"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"error: pagefind failed: {proc.stderr[-500:] or proc.stdout[-500:]}")
    (site / PAGEFIND_PAGE).write_text(
        '<!doctype html><html lang="zh"><head><meta charset="utf-8">'
        '<link href="pagefind/pagefind-ui.css" rel="stylesheet"><script src="pagefind/pagefind-ui.js"></script>'
        '</head><body><div id="search"></div><script>new PagefindUI({element: "#search"});</script></body></html>',
        encoding="utf-8")
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    return {"pagefind_index_s": round(time.perf_counter() - start, 1),
            "pagefind_files": len(files), "pagefind_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1)}


def shard_stats(site: Path) -> dict:
    """Size of the sharded index (hosted build, generator/search_shards.py), if the site has one."""
    meta_path = site / "search" / "shards" / "meta.json"
    if not meta_path.is_file():
        return {}
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    files = [p for p in meta_path.parent.rglob("*") if p.is_file()]
    return {"shard_docs": meta["docs"], "shard_buckets": meta["buckets"], "shard_tokens": meta.get("tokens"),
            "shard_files": len(files), "shard_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1),
            "largest_shard_kb": round(max(p.stat().st_size for p in files) / 1e3, 1)}


def probe(url: str, queries: list[str], pagefind: bool, timeout_s: float) -> dict:
    """The first query is typed right after the page loads (cold: worker start, index
    fetch); the others follow on the same page (warm)."""
    from playwright.sync_api import sync_playwright
    sizes: list[tuple[str, int, int]] = []
    out: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=BROWSER_ARGS)
        page = browser.new_page()

        def record(response):
            try:
                body = response.body()
            except Exception:       # noqa: BLE001 - redirects and aborted requests have no body
                return
            sizes.append((response.url, len(body), len(gzip.compress(body, 6))))

        page.on("response", record)
        if pagefind:
            page.goto(url + PAGEFIND_PAGE, wait_until="domcontentloaded")
            box, result, meta = ".pagefind-ui__search-input", ".pagefind-ui__result", ".pagefind-ui__message"
        else:
            page.goto(url + "index.html", wait_until="domcontentloaded")
            page.locator("label.md-search__icon, .md-search__input").first.click()
            box, result, meta = "input.md-search__input", ".md-search-result__item", ".md-search-result__meta"
        runs = []
        for n, query in enumerate(queries):
            before = len(sizes)
            if n:
                page.fill(box, "")
                page.press(box, "End")
                page.wait_for_selector(result, state="detached", timeout=timeout_s * 1000)
                before = len(sizes)
            page.fill(box, query)
            typed = time.perf_counter()
            page.press(box, "End")
            page.wait_for_function("([r, m]) => document.querySelector(r) || "
                                   "/没有|no result/i.test((document.querySelector(m) || {}).textContent || '')",
                                   arg=[result, meta], timeout=timeout_s * 1000)
            first_ms = (time.perf_counter() - typed) * 1000
            loaded = list(sizes if n == 0 else sizes[before:])
            page.wait_for_timeout(500)          # a second wave of results (shards) settles
            runs.append({"query": query, "first_result_ms": round(first_ms),
                         "results_shown": page.locator(result).count(),
                         "count_text": page.locator(meta).first.inner_text() if page.locator(meta).count() else None,
                         "requests": len(loaded),
                         "bytes_before_first_result": sum(s for _, s, _ in loaded),
                         "gzip_bytes_before_first_result": sum(g for _, _, g in loaded),
                         "largest": max(loaded, key=lambda x: x[1])[0].rsplit("/", 1)[-1] if loaded else None})
        browser.close()
    out.update(runs[0])
    out["queries"] = runs
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--query", action="append",
                        help="query to type (repeatable; the first one is timed cold; default 邮政 墩苗计划 政局 n95)")
    parser.add_argument("--pagefind", action="store_true")
    parser.add_argument("--reuse-index", action="store_true", help="with --pagefind: keep an existing site/pagefind")
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args(argv)
    queries = args.query or ["邮政", "墩苗计划", "政局", "n95"]
    stats = {} if args.pagefind else shard_stats(args.site)
    result = {"engine": "pagefind" if args.pagefind else "shards" if stats else "material", **stats}
    if args.pagefind and not (args.reuse_index and (args.site / PAGEFIND_PAGE).exists()):
        result.update(index_with_pagefind(args.site))
    server, url = serve(args.site)
    try:
        result.update(probe(url, queries, args.pagefind, args.timeout))
    finally:
        server.shutdown()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
