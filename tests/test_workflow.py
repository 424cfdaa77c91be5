"""The publish workflow (.github/workflows/publish.yml) cannot run here, so check it
against the repository: every command it runs exists (make targets, python modules,
files), the Pages deploy pair is wired, every branch keeps an offline bundle, and
`make publish-check` runs the same steps locally."""
from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

try:
    from conftest import REPO, copy_repo
except ModuleNotFoundError:  # when tests/ is a package
    from tests.conftest import REPO, copy_repo

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"
MAIN_ONLY = "github.ref == 'refs/heads/main'"


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def all_steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def make_var_default(name: str) -> str:
    m = re.search(rf"^{name}\s*\??=\s*(\S+)\s*$", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    assert m, f"Makefile defines no {name}"
    return m.group(1)


def make_dry_run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """`make -n`: fails with 'No rule to make target' when a target does not exist."""
    return subprocess.run(["make", "-n", "-C", str(cwd), *args], capture_output=True, text=True)


def commands_of(script: str) -> list[list[str]]:
    """Shell words of each simple command in a `run:` script (split on newlines, ;, &&, ||, |)."""
    out = []
    for line in script.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line):
            try:
                words = shlex.split(part, comments=True)
            except ValueError:
                words = part.split()
            if words:
                out.append(words)
    return out


# --- triggers and jobs -----------------------------------------------------------------------

def test_runs_on_every_pushed_branch(workflow):
    push = workflow["on"]["push"]
    assert push.get("branches") in (None, ["**"], ["*", "**"]) and "branches-ignore" not in push


def test_every_action_is_pinned_to_a_version(workflow):
    uses = [step["uses"] for _, step in all_steps(workflow) if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@v?\d[\w.]*", u) for u in uses), uses


# --- every run command refers to something that exists ------------------------------------------

def test_every_run_command_exists_in_the_repo(workflow):
    checked = 0
    for job_id, step in all_steps(workflow):
        for words in commands_of(step.get("run", "")):
            while words and words[0] in ("if", "then", "else", "{"):
                words = words[1:]
            if not words:
                continue
            tool = words[0]
            if tool == "make":
                targets = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
                assert targets, f"{job_id}: bare `make` in {step.get('name')}"
                proc = make_dry_run(*words[1:])
                assert proc.returncode == 0, f"{job_id}: `{' '.join(words)}` fails: {proc.stderr.strip()}"
                checked += 1
            elif tool.endswith(("python", "python3")) and "-m" in words:
                module = words[words.index("-m") + 1]
                assert importlib.util.find_spec(module), f"{job_id}: no module {module}"
                checked += 1
            elif tool in ("cat", "test", "["):
                for path in [w for w in words[1:] if "/" in w and not w.startswith("$")]:
                    assert path in (make_var_default("REVIEW"), make_var_default("BUNDLE")) or \
                        (REPO / path).exists(), f"{job_id}: {path} is neither in the repo nor made by make"
                    checked += 1
            else:
                assert tool in ("echo", "fi", "}"), \
                    f"{job_id}: unchecked command {tool!r} in {step.get('name')}"
    assert checked >= 6


def test_cleaning_step_fails_on_errors_and_reports_warnings(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    runs = [s.get("run", "") for s in steps]
    clean = next(i for i, r in enumerate(runs) if r.strip() == "make review")
    summary = steps[clean + 1]
    assert summary.get("if") == "always()", "the report must reach the summary even when cleaning fails"
    assert "$GITHUB_STEP_SUMMARY" in summary["run"] and make_var_default("REVIEW") in summary["run"]
    order = [next(i for i, r in enumerate(runs) if r.strip() == cmd)
             for cmd in ("make setup", "make review", "make generate", "make build")]
    assert order == sorted(order)


def test_review_target_fails_on_a_bad_source_and_names_it(tmp_path):
    """What the workflow's clean step runs, on a copy with one unreadable page file."""
    root = copy_repo(tmp_path / "repo")
    for name in ("Makefile", "requirements.txt"):
        shutil.copy2(REPO / name, root / name)
    issue = sorted(p for p in (root / "sources").iterdir() if re.fullmatch(r"\d{4}-\d\d-\d\d", p.name))[0]
    (issue / "999_broken.txt").write_bytes(b"\xff\xfe\x00\x01\x02 not text \x00\x00\x9f\x9f")
    venv = tmp_path / "venv"          # PY points at this interpreter; the stamp says "installed"
    venv.mkdir()
    (venv / ".installed").touch()
    assert make_dry_run("review", f"VENV={venv}", cwd=root).stdout.count("pip install") == 0
    proc = subprocess.run(["make", "-C", str(root), "-s", "review", f"VENV={venv}", f"PY={sys.executable}"],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    report = (root / make_var_default("REVIEW")).read_text(encoding="utf-8")
    assert "999_broken.txt" in report and "error" in report


def test_publish_check_runs_the_workflow_steps_locally():
    plan = make_dry_run("publish-check", "-B").stdout
    for needle in ("-m generator clean", "-m generator build", "-m mkdocs build --strict"):
        assert needle in plan, f"make publish-check does not run {needle!r}"


# --- deploy and artifacts ----------------------------------------------------------------------------

def test_pages_deploy_pair(workflow):
    jobs = workflow["jobs"]
    upload_job, upload = next((j, s) for j, s in all_steps(workflow)
                              if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    site_dir = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", "")).get(
        "site_dir", "site")
    assert upload["with"]["path"] == site_dir
    assert upload.get("if") == MAIN_ONLY
    deploy_job, deploy = next((j, s) for j, s in all_steps(workflow)
                              if s.get("uses", "").startswith("actions/deploy-pages@"))
    job = jobs[deploy_job]
    needs = job["needs"] if isinstance(job["needs"], list) else [job["needs"]]
    assert upload_job in needs
    assert job.get("if") == MAIN_ONLY
    assert job["permissions"] == {"pages": "write", "id-token": "write"}
    assert job["environment"]["name"] == "github-pages"
    assert deploy.get("id") and deploy["id"] in job["environment"]["url"]
    assert workflow["permissions"] == {"contents": "read"}, "only the deploy job may write"


def test_every_branch_keeps_an_offline_bundle(workflow):
    job_id, step = next((j, s) for j, s in all_steps(workflow)
                        if s.get("uses", "").startswith("actions/upload-artifact@"))
    job = workflow["jobs"][job_id]
    assert "if" not in job and "if" not in step, "the bundle must be kept for every branch"
    bundle_runs = [words for _, s in all_steps(workflow) if _ == job_id
                   for words in commands_of(s.get("run", "")) if words[:2] == ["make", "bundle"]]
    assert bundle_runs, "the artifact job never runs `make bundle`"
    produced = next((w.split("=", 1)[1] for w in bundle_runs[0] if w.startswith("BUNDLE=")),
                    make_var_default("BUNDLE"))
    assert step["with"]["path"] == produced
    assert step["with"].get("if-no-files-found") == "error"
    assert "github.ref_name" in str(step["with"]["name"]) or "steps." in str(step["with"]["name"])
