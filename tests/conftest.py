"""Shared fixtures. `built_site` builds the real sample archive once per test session,
in a temporary copy of the repository so the working tree is never touched."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
SAMPLE_SOURCES = REPO / "sources"
COPY_ITEMS = ("mkdocs.yml", "docs", "overrides", "hooks", "generator", "sources", "bundle")


def run_cli(*args, cwd=REPO, check=True, env=None):
    """Run `python -m <args>` like a user would; returns the CompletedProcess."""
    full_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(cwd))
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", *map(str, args)], cwd=cwd, env=full_env,
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def copy_repo(dest: Path) -> Path:
    """A working copy of the project (code, config, sources, docs) to build in."""
    dest.mkdir(parents=True, exist_ok=True)
    for item in COPY_ITEMS:
        src = REPO / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / item)
    return dest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Project copy with the sample archive generated and built: returns the copy's root;
    the site is in `<root>/site`."""
    root = copy_repo(tmp_path_factory.mktemp("archive"))
    (root / "generate.log").write_text(run_cli("generator", "build", cwd=root).stdout, encoding="utf-8")
    run_cli("mkdocs", "build", "--strict", cwd=root)
    return root
