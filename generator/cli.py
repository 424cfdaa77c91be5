"""Command line: a thin layer over generator.* (parse args, call, print, exit code)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from generator.errors import ConservationError, InputError

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str) -> int:
    err.print(f"[bold red]error:[/] {message}", markup=True) if sys.stderr.isatty() else print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_clean(args) -> int:
    from generator.build import clean_file
    from generator.cleaner import review_report

    records, failed = [], 0
    for name in args.files:
        try:
            record = clean_file(Path(name))
        except (InputError, ConservationError) as exc:
            _fail(str(exc))
            failed += 1
            continue
        records.append(record)
        if args.json:
            print(json.dumps(record.to_dict(), ensure_ascii=False))
        else:
            for page in record.pages:
                print(f"{record.source} page {page.index} [{page.section or '-'}]: {len(page.articles)} articles")
                for i, a in enumerate(page.articles, 1):
                    print(f"  {i:2d}. [{a.kind}] {a.title or '（无标题）'}"
                          f"{'  — ' + a.byline if a.byline else ''}{'  □' + ' '.join(a.authors) if a.authors and not a.byline else ''}")
    review = review_report(records)
    if review:
        print(f"review report: {len(review)} item(s) to check", file=sys.stderr)
        for line in review:
            print(f"  {line}", file=sys.stderr)
    return 1 if failed else 0


def cmd_build(args) -> int:
    from generator.build import generate

    try:
        result = generate(Path(args.sources), Path(args.docs), force=args.force)
    except (InputError, ConservationError) as exc:
        return _fail(str(exc))
    rep = result.report
    print(f"{len(result.issues)} issues, {result.article_count} articles: "
          f"{len(rep.written)} written, {len(rep.unchanged)} unchanged, {len(rep.removed)} removed")
    for path in rep.kept_hand_edited:
        print(f"kept (edited by hand, use --force to overwrite): {path}", file=sys.stderr)
    if result.review:
        print(f"review report: {len(result.review)} item(s) to check", file=sys.stderr)
        for line in result.review:
            print(f"  {line}", file=sys.stderr)
    return 0


CORE_COMMANDS = ("clean", "build")


def build_parser(extras: bool = True) -> argparse.ArgumentParser:
    """`extras`: also register the commands of other modules (not needed to run a core
    command: importing the importer and bundle modules takes a quarter of a second)."""
    parser = argparse.ArgumentParser(prog="python -m generator", description="中国邮政快递报 archive generator")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("clean", help="raw page text -> article records")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print one JSON object per input file")
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("build", help="clean sources/ and write Markdown posts under docs/")
    p.add_argument("--sources", default="sources")
    p.add_argument("--docs", default="docs")
    p.add_argument("--force", action="store_true", help="overwrite posts edited by hand")
    p.set_defaults(func=cmd_build)

    for register in _extra_commands() if extras else ():
        register(sub)
    return parser


def _extra_commands():
    """Subcommands that live in their own modules (importer, bundle, compiler): each module
    exposes `register(subparsers)`."""
    import importlib

    for name in ("generator.jekyll", "generator.bundle", "generator.compiled"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        yield module.register


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(extras=not (argv and argv[0] in CORE_COMMANDS)).parse_args(argv)
    return args.func(args)
