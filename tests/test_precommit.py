"""pre-commit: the hook adrkit ships (.pre-commit-hooks.yaml) stops a commit that
breaks the decision log, and says why with the lint message.

The first test needs no network: a `repo: local` configuration holds the shipped hook
definitions as they are, run with the adrkit of this environment. The second lets
pre-commit install the hook the way a team's repository does (`language: python`, from
a local clone of this repository), which fetches adrkit's dependencies from the package
index (or its cache)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from adrkit.formats import yamlio

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent


def _pre_commit() -> str:
    found = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")
    if not found:
        pytest.fail("pre-commit is not installed; run scripts/setup.sh --test")
    return found


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "ADRKIT_"))}
    env.update(PRE_COMMIT_HOME=str(home), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
               SOURCE_DATE_EPOCH="1767225600", PRE_COMMIT_COLOR="never")
    return env


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo_with_a_bad_decision(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    run = lambda *a: subprocess.run([sys.executable, "-m", "adrkit", *a], cwd=repo, check=True,
                                    capture_output=True, env=_env(tmp_path / "home"))
    run("init")
    run("new", "Use PostgreSQL for orders")
    record = next((repo / "decisions").glob("0001-*.ipynb"))
    record.write_text(record.read_text().replace("status: proposed", "status: shipped"))
    _git(repo, "add", "-A")  # pre-commit looks at the files git knows
    return repo


def _shipped_hooks() -> list[dict]:
    hooks = yamlio.load(HOOKS.read_text(), path=HOOKS)
    assert isinstance(hooks, list) and hooks
    return hooks


def test_the_shipped_hooks_are_well_formed():
    hooks = {h["id"]: h for h in _shipped_hooks()}
    lint = hooks["adrkit-lint"]
    assert lint["entry"] == "adrkit lint" and lint["language"] == "python"
    assert lint["pass_filenames"] is False  # the whole log is checked, not the staged files


def test_a_commit_with_a_bad_decision_fails_with_the_lint_message(repo_with_a_bad_decision, tmp_path):
    repo = repo_with_a_bad_decision
    local = [{**hook, "language": "system"} for hook in _shipped_hooks()]
    (repo / ".pre-commit-config.yaml").write_text(yamlio.dump({"repos": [{"repo": "local", "hooks": local}]}))
    _git(repo, "add", "-A")
    env = _env(tmp_path / "home")
    proc = subprocess.run([_pre_commit(), "run", "adrkit-lint", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "adrkit lint" in proc.stdout and "Failed" in proc.stdout
    assert ("0001-use-postgresql-for-orders.ipynb: status: unknown status 'shipped'; use one of draft, "
            "proposed, accepted, rejected, deprecated, superseded [unknown-status]") in proc.stdout

    record = next((repo / "decisions").glob("0001-*.ipynb"))
    record.write_text(record.read_text().replace("status: shipped", "status: accepted"))
    _git(repo, "add", "-A")
    proc = subprocess.run([_pre_commit(), "run", "adrkit-lint", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


@pytest.mark.slow
def test_pre_commit_installs_the_hook_from_a_clone_and_fails(repo_with_a_bad_decision, tmp_path):
    # a clean copy of this repository as a team would point at it (committed and
    # working-tree files alike), so the hook runs from what is being tested
    source = tmp_path / "adrkit-src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".peer", "site*", "test-artifacts", ".hypothesis", "*.egg-info", "__pycache__",
        ".adrkit-cache", "build", "dist", "tests", "bench", ".import_linter_cache", ".ruff_cache"))
    _git(source, "init", "-q")
    _git(source, "add", "-A")
    _git(source, "commit", "-q", "-m", "snapshot")
    proc = subprocess.run([_pre_commit(), "try-repo", str(source), "adrkit-lint", "--all-files"],
                          cwd=repo_with_a_bad_decision, env=_env(tmp_path / "home"),
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "unknown status 'shipped'" in proc.stdout
