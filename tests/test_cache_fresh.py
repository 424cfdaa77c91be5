"""The build caches can never serve a stale page: edit one article in the sources of a
built archive, rebuild with warm caches, and every page that shows the article must show
the edit -- in fact the whole site must equal a cold build of the edited sources."""
from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from conftest import copy_repo, run_cli

OLD, NEW = "墩", "壮"          # 墩 occurs in one sample article only (“墩苗计划”, 山西)


def build(root: Path) -> None:
    run_cli("generator", "build", cwd=root)
    run_cli("mkdocs", "build", cwd=root)


def edit_one_article(root: Path) -> Path:
    [source] = [p for p in (root / "sources").glob("*/*.txt") if OLD in p.read_text(encoding="utf-8")]
    source.write_text(source.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    return source


def site_files(site: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(site.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            out[str(p.relative_to(site))] = gzip.decompress(data) if p.suffix == ".gz" else data
    return out


def test_warm_rebuild_after_editing_one_article_equals_a_cold_build(tmp_path):
    warm = copy_repo(tmp_path / "warm")
    build(warm)
    assert (warm / ".cache" / "perf" / "records.pickle").is_file()
    assert (warm / ".cache" / "perf" / "segments.pickle").is_file()
    before = site_files(warm / "site")
    showing = sorted(name for name, data in before.items() if OLD.encode() in data)
    assert any(name.startswith("zhongguoyouzhengkuaidibao/") for name in showing), showing
    assert any(name.startswith("search/") for name in showing), showing   # Material's index or the shards

    edit_one_article(warm)
    build(warm)
    after = site_files(warm / "site")

    cold = copy_repo(tmp_path / "cold")
    shutil.rmtree(cold / ".cache", ignore_errors=True)
    edit_one_article(cold)
    build(cold)
    fresh = site_files(cold / "site")

    assert sorted(after) == sorted(fresh)
    stale = [name for name in after if after[name] != fresh[name]]
    assert stale == [], f"warm rebuild differs from a cold build in {stale[:10]}"
    for name in showing:                       # every page that showed the article shows the edit
        assert OLD.encode() not in after[name] and NEW.encode() in after[name], name
