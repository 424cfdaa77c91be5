"""The compiled cleaner (generator/compiled.py): loaded after `make setup`, the same records
as its Python source, and never run once its source has changed."""
import importlib
import json
import os
import random
import shutil
import subprocess
import sys

from conftest import REPO, SAMPLE_SOURCES
from generator import compiled
from typesetter import random_issue

SCRIPT = """
import json, random, sys
sys.path.insert(0, "tests")
from generator import compiled
from generator.cleaner import clean_text
from typesetter import random_issue
import importlib
from generator.cleaner import paragraphs
modules = [importlib.import_module(m) for m in compiled.MODULES if compiled.source_path(m).suffix == ".py"]
kernel = paragraphs.label_lines is not paragraphs.PYTHON_LABELLING[0]
out = {"compiled": [compiled.is_compiled(m) for m in modules] + [kernel], "records": []}
for path in sys.argv[1:]:
    out["records"].append(clean_text(open(path, encoding="utf-8").read(), path).to_dict())
for seed in range(40):
    text, expected = random_issue(random.Random(seed), f"generated-{seed}.txt")
    out["records"].append(clean_text(text, expected["source"]).to_dict())
print(json.dumps(out, ensure_ascii=False))
"""


def clean_in_subprocess(pure: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != compiled.PURE_ENV}
    env["PYTHONPATH"] = str(REPO)
    if pure:
        env[compiled.PURE_ENV] = "1"
    files = sorted(str(p) for p in SAMPLE_SOURCES.glob("*/*.txt"))
    run = subprocess.run([sys.executable, "-c", SCRIPT, *files], cwd=REPO, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def test_setup_compiled_every_cleaner_module_for_its_current_source():
    missing = [m for m in compiled.MODULES if compiled.artifact_for(m) is None]
    assert not missing, f"not compiled for their current source: {missing} (run `make setup`)"
    for name in compiled.MODULES:
        assert compiled.is_compiled(importlib.import_module(name)), name


def test_compiled_and_pure_cleaner_give_the_same_records():
    fast, pure = clean_in_subprocess(pure=False), clean_in_subprocess(pure=True)
    assert all(fast["compiled"]) and not any(pure["compiled"])
    assert len(fast["records"]) == len(pure["records"]) == len(list(SAMPLE_SOURCES.glob("*/*.txt"))) + 40
    assert fast["records"] == pure["records"]


def test_a_changed_source_runs_as_python_not_from_its_old_extension(tmp_path, monkeypatch):
    name = "generator.cleaner.text"
    assert compiled.artifact_for(name) is not None
    original = compiled.source_path(name)
    copy = tmp_path / "generator" / "cleaner" / "text.py"
    copy.parent.mkdir(parents=True)
    shutil.copy2(original, copy)
    monkeypatch.setattr(compiled, "PACKAGE_ROOT", tmp_path)
    assert compiled.artifact_for(name) is not None          # same bytes: the extension serves
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert compiled.artifact_for(name) is None              # edited: no extension matches
    finder = compiled.CompiledFinder(compiled.store_dir())
    assert finder.find_spec(name) is None                   # so the import falls back to the .py
    shutil.copy2(original, copy)
    assert finder.find_spec(name).origin.endswith(compiled.artifact_name(name, copy.read_bytes()))


def test_compile_builds_what_is_missing_and_drops_older_extensions(tmp_path, monkeypatch):
    name = "generator.cleaner.matching"                     # the smallest module: a quick real compile
    monkeypatch.setattr(compiled, "MODULES", (name,))
    store = tmp_path / "store"
    store.mkdir()
    older = store / f"{name}-00000000000000000000.so"
    older.write_bytes(b"the extension of an older source")
    written = compiled.compile_modules(store, jobs=1)
    assert [p.name for p in written] == [compiled.artifact_name(name, compiled.source_path(name).read_bytes())]
    assert not older.exists() and sorted(store.iterdir()) == written
    assert compiled.compile_modules(store) == []            # up to date: nothing to do
    probe = ("import sys; from generator import compiled; compiled.MODULES = (%r,); "
             "sys.meta_path.insert(0, compiled.CompiledFinder(compiled.Path(sys.argv[1]))); "
             "import generator.cleaner.matching as m; print(m.__file__)") % name
    run = subprocess.run([sys.executable, "-c", probe, str(store)], cwd=REPO, capture_output=True, text=True,
                         env={"PYTHONPATH": str(REPO), compiled.PURE_ENV: "1"}, check=True)
    assert run.stdout.strip() == str(written[0])            # the new extension is what an import loads


def test_the_labelling_kernel_is_the_python_labelling_bit_for_bit():
    """_labelling.pyx against paragraphs.py's own functions: the same costs (exactly), labels,
    close calls at several margins, and the same give-ups, on random articles."""
    from generator.cleaner import paragraphs as P
    from test_cleaner_reading import random_article

    assert P.label_lines is not P.PYTHON_LABELLING[0], "the labelling kernel is not compiled (make setup)"
    py_label, py_close = P.PYTHON_LABELLING
    rng = random.Random(5)
    gave_up = 0
    for _ in range(400):
        lines = random_article(rng)
        cols = P.column_candidates(lines)
        flush_first, headings = rng.random() < 0.4, rng.random() < 0.8
        fast, slow = P.label_lines(lines, cols, flush_first, headings), py_label(lines, cols, flush_first, headings)
        assert fast[:2] == slow[:2]
        for margin in (0.14, 0.5, 3.0):
            assert P.close_calls(fast[2], margin) == py_close(slow[2], margin)
        limit = slow[0] * rng.choice([0.3, 0.9, 1.0, 1.1])
        seen_fast, seen_slow = [], []
        give_up_fast = P.label_lines(lines, cols, flush_first, headings, lambda low: seen_fast.append(low) or low > limit)
        give_up_slow = py_label(lines, cols, flush_first, headings, lambda low: seen_slow.append(low) or low > limit)
        assert seen_fast == seen_slow and (give_up_fast is None) == (give_up_slow is None)
        gave_up += give_up_fast is None
    assert 40 < gave_up < 360                # both outcomes were exercised


def test_the_cleaning_cache_key_covers_cython_source(tmp_path):
    from generator import perf

    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "_k.pyx").write_text("def f(): return 1\n", encoding="utf-8")
    before = perf.code_fingerprint([tmp_path])
    (tmp_path / "_k.pyx").write_text("def f(): return 2\n", encoding="utf-8")
    assert perf.code_fingerprint([tmp_path]) != before
    assert compiled.source_path("generator.cleaner._labelling").suffix == ".pyx"
    assert compiled.source_path("generator.cleaner._labelling").parent == perf.Path(perf.__file__).resolve().parent / "cleaner"
