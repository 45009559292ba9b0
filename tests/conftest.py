"""Shared fixtures: a fresh decision log, and the CLI run as a user runs it."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The machines the suite runs on are shared: how fast inputs are generated, or one example
# runs, says nothing about adrkit. Timing health checks and deadlines are off for every
# property test (a test's own @settings still sets what it names).
settings.register_profile("adrkit", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("adrkit")

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("ADRKIT_SHARED_CORPORA") or ROOT.parent / "shared" / "corpora")
FIXED_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


@dataclass
class Result:
    code: int
    out: str
    err: str


def _env(extra=None):
    env = dict(os.environ)
    env.pop("ADRKIT_DIR", None)
    env["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    env["PYTHONIOENCODING"] = "utf-8"
    if extra:
        env.update(extra)
    return env


@pytest.fixture
def cli(tmp_path):
    """Run `python -m adrkit ARGS` in tmp_path (or cwd=...) with a fixed date."""

    def run(*args, cwd=None, env=None, input=None) -> Result:
        proc = subprocess.run([sys.executable, "-m", "adrkit", *map(str, args)],
                              cwd=cwd or tmp_path, env=_env(env), input=input,
                              capture_output=True, text=True, timeout=120)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def log_dir(tmp_path, cli):
    """An initialised, empty decision log at tmp_path/decisions."""
    res = cli("init")
    assert res.code == 0, res.err
    return tmp_path / "decisions"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes, to prove nothing changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


MISSING_CORPORA: set[str] = set()  # tests that wanted ../shared/corpora and did not run


def corpora_missing(test: str) -> None:
    """../shared/corpora is absent: fail under CI (the corpus checks must run there),
    else skip, and say so in the summary so it is never silent."""
    reason = f"real ADR corpora not found at {CORPORA}"
    if os.environ.get("ADRKIT_REQUIRE_CORPORA", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; ADRKIT_REQUIRE_CORPORA asks for the corpus checks", pytrace=False)
    MISSING_CORPORA.add(test)
    pytest.skip(reason)


@pytest.fixture
def corpora(request):
    if not CORPORA.is_dir():
        corpora_missing(request.node.nodeid)
    return CORPORA


def pytest_terminal_summary(terminalreporter):
    if MISSING_CORPORA:
        terminalreporter.write_sep("=", "corpus checks not run", yellow=True)
        terminalreporter.write_line(f"{len(MISSING_CORPORA)} test(s) did not run: the real ADR corpora are not "
                                    f"at {CORPORA} (ADRKIT_REQUIRE_CORPORA=1 makes this a failure; the 14 "
                                    "corpora in tests/corpora ran)")
