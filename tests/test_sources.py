"""Bad input: a one-line error naming the file (and line), non-zero exit, nothing written."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO as REPO_ROOT, SAMPLE_SOURCES, run_cli
from generator.errors import InputError
from generator.sources import decode_page_text, load_issue

SAMPLE_PAGE = SAMPLE_SOURCES / "2022-12-19" / "002_9cbf56dc59a9f4af.txt"


def make_issue(root: Path, manifest: str | None, page_bytes: bytes | None = None, name="2022-12-19") -> Path:
    d = root / "sources" / name
    d.mkdir(parents=True)
    if manifest is not None:
        (d / "issue.yml").write_text(manifest, encoding="utf-8")
    (d / "p1.txt").write_bytes(page_bytes if page_bytes is not None else SAMPLE_PAGE.read_bytes())
    return d


GOOD = "newspaper: 中国邮政快递报\ndate: 2022-12-19\n"


def test_utf8_and_gbk_decode_to_the_same_text(tmp_path):
    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gbk"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert decode_page_text(gbk) == text
    assert decode_page_text(bom) == text


@pytest.mark.parametrize("data, what", [
    (b"", "empty file"),
    (b"\n \n\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    (bytes(range(1, 32)) * 40, "binary"),
])
def test_unreadable_page_files_are_refused(tmp_path, data, what):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(InputError) as exc:
        decode_page_text(p)
    assert str(exc.value).startswith(str(p)) and what in str(exc.value)


@pytest.mark.parametrize("manifest, line, what", [
    (None, None, "missing issue manifest"),
    ("newspaper: 中国邮政快递报\ndate: [2022\n", 2, "invalid YAML"),
    ("newspaper: 人民日报\ndate: 2022-12-19\n", 1, "newspaper must be"),
    ("newspaper: 中国邮政快递报\ndate: 2022-13-40\n", 2, "not a valid"),
    ("newspaper: 中国邮政快递报\ndate: 2022-12-20\n", 2, "does not match folder"),
    ("newspaper: 中国邮政快递报\n", None, "date missing"),
    ("newspaper: 中国邮政快递报\ndate: 2022-12-19\nnumber: -3\n", 3, "number"),
    ("newspaper: 中国邮政快递报\ndate: 2022-12-19\npages: [a, b]\n", 3, "pages must map"),
    ("newspaper: 中国邮政快递报\ndate: 2022-12-19\nbanana: 1\n", 3, "unknown key"),
])
def test_invalid_manifest_names_file_and_line(tmp_path, manifest, line, what):
    d = make_issue(tmp_path, manifest)
    with pytest.raises(InputError) as exc:
        load_issue(d)
    message = str(exc.value)
    where = f"{d / 'issue.yml'}:{line}:" if line else f"{d / 'issue.yml'}:"
    assert message.startswith(where), message
    assert what in message
    assert "\n" not in message


@pytest.mark.parametrize("manifest, page, what", [
    (None, None, "missing issue manifest"),
    ("date: [\n", None, "invalid YAML"),
    (GOOD, b"", "empty file"),
    (GOOD, b"\x00\x01\x02binary\x00", "binary"),
])
def test_cli_build_fails_cleanly_and_writes_nothing(tmp_path, manifest, page, what):
    root = tmp_path
    for item in ("mkdocs.yml",):
        shutil.copy2(Path(__file__).resolve().parents[1] / item, root / item)
    make_issue(root, manifest, page)
    (root / "docs").mkdir()
    proc = run_cli("generator", "build", "--sources", root / "sources", "--docs", root / "docs", check=False,
                   env={"PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert proc.returncode != 0
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and what in lines[0] and "sources" in lines[0], proc.stderr
    assert not any((root / "docs").rglob("*")), "nothing may be written on bad input"
    assert not (root / "sources" / "slugs.yml").exists()


def test_clean_cli_reports_bad_file_and_continues(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    proc = run_cli("generator", "clean", bad, SAMPLE_PAGE, "--json", check=False)
    assert proc.returncode == 1
    assert f"{bad}: empty file" in proc.stderr
    assert proc.stdout.count("\n") == 1 and '"source": "002_9cbf56dc59a9f4af.txt"' in proc.stdout


def test_bad_page_in_the_last_issue_stops_the_build_before_anything_is_written(tmp_path):
    """Issues are rendered while the workers clean later files: a bad file at the very end
    must still leave docs/ and the slug registry untouched, and name the file."""
    sources = tmp_path / "sources"
    shutil.copytree(REPO_ROOT / "sources", sources, ignore=shutil.ignore_patterns("legacy", "slugs.yml"))
    bad_issue = sources / "2023-01-02"
    bad_issue.mkdir()
    (bad_issue / "issue.yml").write_text("newspaper: 中国邮政快递报\ndate: 2023-01-02\n", encoding="utf-8")
    shutil.copy2(next((REPO_ROOT / "sources").glob("2022-12-26/*.txt")), bad_issue / "001_good.txt")
    (bad_issue / "002_bad.txt").write_bytes(b"\x00\x01binary page\x00")
    (tmp_path / "docs").mkdir()
    proc = run_cli("generator", "build", "--sources", sources, "--docs", tmp_path / "docs", check=False,
                   env={"PYTHONPATH": str(REPO_ROOT), "ARCHIVE_WORKERS": "2"})
    assert proc.returncode != 0
    assert "002_bad.txt" in proc.stderr and "binary" in proc.stderr, proc.stderr
    assert not any((tmp_path / "docs").rglob("*")), "nothing may be written on bad input"
    assert not (sources / "slugs.yml").exists()
