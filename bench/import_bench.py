"""Benchmark of `import-jekyll`: generate N posts in the old site's format, import them, report.

    .venv/bin/python bench/import_bench.py 10000 [--jobs N] [--tracemalloc]

Prints one JSON object: posts, seconds, posts_per_s, CPU seconds of the import (the
machine may be shared: wall time depends on its load, also printed), peak memory (max RSS of this
process and of the worker processes, from resource.getrusage; with --tracemalloc
also the Python heap peak of the main process, which slows the run down).
Everything happens in a temporary folder that is removed afterwards.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.jekyll import import_jekyll  # noqa: E402

SEED = 20220304
CHARS = ("邮政快递业务服务网点农村电商寄递物流体系建设推进发展创新转型高质量乡村振兴协同平台客户"
         "能力提升管理运营市场产品渠道资源优势重点项目全面落实安全保障普遍特殊金融保险集邮文创")
PUNCT = "，，，、；。"


def sentence(rng: random.Random) -> str:
    parts = ["".join(rng.choice(CHARS) for _ in range(rng.randint(6, 18))) for _ in range(rng.randint(2, 5))]
    return "".join(p + rng.choice(PUNCT) for p in parts[:-1]) + parts[-1] + "。"


def old_post(rng: random.Random, n: int, day: dt.date, category: str) -> tuple[str, str]:
    """(file name, text) of one post shaped like the old site's (seed 003): ~30 paragraphs."""
    ident = f"{day:%Y%m%d}{n:010d}"
    paras = []
    for i in range(rng.randint(20, 40)):
        if i % 12 == 0:
            paras.append(f"<p><strong>{''.join(rng.choice(CHARS) for _ in range(8))}</strong></p>")
        else:
            paras.append(f"<p>{''.join(sentence(rng) for _ in range(rng.randint(1, 6)))} </p>")
    body = "\n ".join(paras) + '<p class="em_media">（文章来源：中国邮政快递报）</p>'
    tag = category.replace(" ", "") + "新闻"
    when = f"{day:%Y-%m-%d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0800"
    text = (f"---\nlayout: post\ntitle: \"{''.join(rng.choice(CHARS) for _ in range(rng.randint(8, 24)))}\"\n"
            f"date: {when}\ncategories: {category}\ntags: {tag}\n---\n{body}\n\n"
            f"<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW{ident}>\n\n"
            f"[返回新闻](//finews.withounder.com/category/{category}.html)｜[返回首页](//finews.withounder.com/)")
    return f"{day:%Y-%m-%d}-{ident}.md", text


def generate(root: Path, count: int) -> int:
    """Write `count` posts into root/_posts over 200 categories; returns bytes written."""
    rng = random.Random(SEED)
    categories = [f"lanmu{i:03d}" for i in range(190)] + [f"lanmu{i:03d} App{i:03d}" for i in range(10)]
    posts = root / "_posts"
    posts.mkdir(parents=True)
    start, size = dt.date(2019, 1, 1), 0
    for n in range(count):
        name, text = old_post(rng, n, start + dt.timedelta(days=n % 1200), rng.choice(categories))
        data = text.encode("utf-8")
        (posts / name).write_bytes(data)
        size += len(data)
    return size


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def max_rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)   # KiB on Linux


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=10000)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per CPU)")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure the Python heap peak")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        size = generate(root / "old", args.count)
        t1 = time.perf_counter()
        if args.tracemalloc:
            tracemalloc.start()
        cpu0 = cpu_seconds()
        result = import_jekyll(root / "old", root / "docs", root / "sources", workers=args.jobs)
        t2 = time.perf_counter()
        cpu = cpu_seconds() - cpu0
        heap = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
        reimport = import_jekyll(root / "old", root / "docs", root / "sources", workers=args.jobs)
        t3 = time.perf_counter()
        report = {
            "posts": args.count,
            "input_mb": round(size / 2**20, 1),
            "generate_s": round(t1 - t0, 2),
            "import_s": round(t2 - t1, 2),
            "posts_per_s": round(args.count / (t2 - t1), 1),
            "import_cpu_s": round(cpu, 2),
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "reimport_s": round(t3 - t2, 2),
            "written": len(result.report.written),
            "reimport_unchanged": len(reimport.report.unchanged),
            "failed": len(result.errors),
            "categories": len(result.categories),
            "peak_rss_main_mb": max_rss_mb(resource.RUSAGE_SELF),
            "peak_rss_workers_mb": max_rss_mb(resource.RUSAGE_CHILDREN),
        }
        if heap is not None:
            report["peak_python_heap_mb"] = round(heap / 2**20, 1)
    print(json.dumps(report))
    return 0 if not result.errors else 1


if __name__ == "__main__":
    sys.exit(main())
