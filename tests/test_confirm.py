"""`adrkit confirm`: each decision's check (cells tagged `confirmation`) runs in a real
fresh ipykernel through nbclient, and its outcome is recorded beside the decision.

Covered: a passing, failing, erroring and hanging check, a kernel that dies or does not
exist, a changed decision making its result stale, checks running side by side, kernels
reused and reset, the working folder, skipped statuses, exit codes, the notebook left
untouched, and no unencrypted-TCP warning from the kernels."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from adrkit.core.confirmation import check_state
from adrkit.formats.confirmation import fingerprint
from adrkit.services.confirm import ConfirmOptions, confirm, read_result, state_of
from adrkit.storage.log import find_log
from checklog import add_cells, add_decision, make_log, result_of

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "notebooks" / "orders-service"
FIXED = dt.datetime(2026, 1, 1, 9, 30, tzinfo=dt.timezone.utc)


def clock():
    return FIXED


@pytest.fixture
def log(tmp_path):
    return make_log(tmp_path)


def test_passing_failing_erroring_hanging_and_dying_checks_in_one_run(log, tmp_path):
    passing = add_decision(log, "Passing", ["import os\nprint(os.getcwd())",
                                            "p99 = 212\nprint(f'p99 {p99} ms against 250 ms')\nassert p99 < 250"])
    failing = add_decision(log, "Failing", ["x = 3", "assert x < 2, f'x is {x}, over 2'", "print('never')"])
    erroring = add_decision(log, "Erroring", ["open('no-such-file.csv')"])
    hanging = add_decision(log, "Hanging", ["import time\nprint('started', flush=True)\ntime.sleep(600)"])
    dying = add_decision(log, "Dying", ["import os\nos._exit(7)"])
    before = {p: p.read_bytes() for p in (passing, failing, erroring, hanging, dying)}

    report = confirm(log, options=ConfirmOptions(timeout=4, jobs=2), clock=clock)
    c = _first_check(passing, 2)  # the number of the first check cell (after the template's cells)

    outcomes = {r.decision: r for r in report.results}
    assert [r.decision for r in report.results] == sorted(outcomes)  # decision order
    ok = outcomes[passing.stem]
    assert ok.outcome == "passed" and ok.error == ""
    assert ok.summary == "p99 212 ms against 250 ms"
    assert ok.evidence[0]["text"].strip() == str(log.dir.resolve())  # the log's folder is the working folder
    assert ok.python and ok.adrkit and ok.kernel == "python3" and ok.date == "2026-01-01T09:30:00Z"
    assert ok.cells == [c, c + 1] and ok.duration > 0

    bad = outcomes[failing.stem]
    assert bad.outcome == "failed"
    assert bad.error == f"cell {c + 1}: AssertionError: x is 3, over 2"  # the cell named, one line
    assert "never" not in json.dumps(bad.evidence)  # the first failing cell ends the check

    broken = outcomes[erroring.stem]
    assert broken.outcome == "error" and broken.error.startswith(f"cell {c}: FileNotFoundError:")

    hung = outcomes[hanging.stem]
    assert hung.outcome == "error"
    assert hung.error == f"cell {c} did not finish within the 4 s timeout and was stopped (its kernel was killed)"
    assert "started" in json.dumps(hung.evidence)  # what it printed before it hung is kept

    died = outcomes[dying.stem]
    assert died.outcome == "error" and died.error == f"the kernel died while running cell {c} (exit code 7)"

    assert report.exit_code == 1
    assert report.count("passed") == 1 and report.count("failed") == 1 and report.count("error") == 3
    for path, raw in before.items():
        assert path.read_bytes() == raw, "the notebook itself is never rewritten"
        assert result_of(path)["outcome"] == outcomes[path.stem].outcome
        assert result_of(path)["fingerprint"] == fingerprint(json.loads(raw), None, stem=path.stem)
    leftovers = [p.name for p in log.dir.iterdir() if p.name.startswith(".")]
    assert leftovers == [], "atomic writes leave no temporary files"


def test_a_hung_check_is_killed_with_every_process_it_started(log, tmp_path):
    pid_file = tmp_path / "child.pid"
    add_decision(log, "Spawns a child", [
        "import subprocess, pathlib\n"
        "child = subprocess.Popen(['sleep', '300'])\n"
        f"pathlib.Path({str(pid_file)!r}).write_text(str(child.pid))\n"
        "child.wait()"])
    report = confirm(log, options=ConfirmOptions(timeout=3), clock=clock)
    assert report.results[0].outcome == "error"
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":  # a zombie awaiting its reaper
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the check's child process {pid} outlived the timeout")


def test_checks_run_side_by_side_in_separate_kernels(log):
    probe = ("import os, time\nstart = time.time()\ntime.sleep(2)\n"
             "print(os.getpid(), start, time.time())")
    a = add_decision(log, "First", [probe])
    b = add_decision(log, "Second", [probe])
    report = confirm(log, options=ConfirmOptions(jobs=2), clock=clock)
    assert report.workers == 2 and report.exit_code == 0
    (pid_a, start_a, end_a), (pid_b, start_b, end_b) = (
        [float(x) for x in result_of(p)["evidence"][0]["text"].split()] for p in (a, b))
    assert pid_a != pid_b
    assert start_a < end_b and start_b < end_a, "the two checks' runs overlap in time"


def test_one_job_runs_checks_one_after_another(log):
    probe = "import time\nstart = time.time()\ntime.sleep(1)\nprint(start, time.time())"
    a = add_decision(log, "First", [probe])
    b = add_decision(log, "Second", [probe])
    report = confirm(log, options=ConfirmOptions(jobs=1), clock=clock)
    assert report.workers == 1
    (start_a, end_a), (start_b, end_b) = ([float(x) for x in result_of(p)["evidence"][0]["text"].split()]
                                          for p in (a, b))
    assert end_a <= start_b or end_b <= start_a


def test_reused_kernels_are_reset_between_checks_and_replaced_after_a_failure(log):
    first = add_decision(log, "Sets a variable", ["import os\nsecret = 42\nos.chdir('/')\nprint(os.getpid())"])
    second = add_decision(log, "Sees no variable", [
        "import os\nprint(os.getpid(), os.getcwd())\nassert 'secret' not in globals()"])
    third = add_decision(log, "Fails", ["import os\nprint(os.getpid())\nassert False, 'no'"])
    fourth = add_decision(log, "After a failure", ["import os\nprint(os.getpid())"])
    report = confirm(log, options=ConfirmOptions(jobs=1, reuse_kernels=True), clock=clock)
    outcomes = [r.outcome for r in report.results]
    assert outcomes == ["passed", "passed", "failed", "passed"]
    pid = [int(result_of(p)["evidence"][0]["text"].split()[0]) for p in (first, second, third, fourth)]
    assert pid[0] == pid[1] == pid[2], "one kernel served the first three checks"
    assert pid[3] != pid[2], "a kernel that ran a failing check is replaced"
    assert result_of(second)["evidence"][0]["text"].split()[1] == str(log.dir.resolve())
    assert result_of(second)["kernel"] == "python3 (reused)" and result_of(first)["kernel"] == "python3"


def test_a_missing_kernel_and_an_unreadable_notebook_are_errors(log):
    add_decision(log, "Wants another kernel", ["1 + 1"], kernel="no-such-kernel-xyz")
    broken = log.dir / "0002-broken.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    report = confirm(log, clock=clock)
    by = {r.decision: r for r in report.results}
    assert by["0001-wants-another-kernel"].outcome == "error"
    assert "kernel 'no-such-kernel-xyz' is not installed" in by["0001-wants-another-kernel"].error
    assert by["0002-broken"].outcome == "error" and "0002-broken.ipynb" in by["0002-broken"].error
    assert not (log.dir / "0002-broken.confirmation.json").exists()
    assert report.exit_code == 1


def test_statuses_not_in_force_are_skipped_unless_named(log):
    old = add_decision(log, "Superseded one", ["assert False"], status="deprecated")
    draft = add_decision(log, "A draft", ["assert False"], status="draft")
    none = add_decision(log, "No check at all")
    commented = add_decision(log, "Only comments", ["# assert False\n# print('x')"])
    report = confirm(log, clock=clock)
    by = {r.decision: r for r in report.results}
    assert by[old.stem].outcome == "skipped" and "deprecated" in by[old.stem].reason
    assert by[draft.stem].outcome == "skipped"
    assert none.stem not in by and commented.stem not in by
    assert report.without_check == 2 and report.exit_code == 0
    assert not old.with_name(old.stem + ".confirmation.json").exists()  # reported, not recorded
    assert state_of(log.resolve(old.name)).state == "skipped"
    named = confirm(log, [old.stem, "only-comments"], clock=clock)
    by = {r.decision: r for r in named.results}
    assert by[old.stem].outcome == "failed"  # named: run whatever its status
    assert result_of(old)["outcome"] == "failed"
    again = confirm(log, clock=clock)  # not named again: skipped, and its last run stays on file
    assert {r.decision: r.outcome for r in again.results}[old.stem] == "skipped"
    assert result_of(old)["outcome"] == "failed"
    state = state_of(log.resolve(old.name))
    assert state.state == "skipped" and state.result.outcome == "failed" and not state.debt
    assert by[commented.stem].outcome == "skipped" and "no code cell tagged confirmation" in by[commented.stem].reason
    assert named.exit_code == 1


def test_a_changed_decision_makes_its_result_stale(log):
    path = add_decision(log, "Changes later", ["assert True"])
    confirm(log, clock=clock)
    rec = log.resolve("1")
    assert state_of(rec).state == "passed"
    assert state_of(rec).label == "passed 2026-01-01"

    # front matter is bookkeeping: a status change or a review date does not make it stale
    rec.decision.extra["review-by"] = "2027-01-01"
    log.save_many([rec])
    assert state_of(log.resolve("1")).state == "passed"
    # outputs saved by running the cells in JupyterLab do not either
    nb = json.loads(path.read_text())
    nb["cells"][-1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran in Lab\n"}]
    nb["cells"][-1]["execution_count"] = 3
    path.write_text(json.dumps(nb))
    assert state_of(log.resolve("1")).state == "passed"

    # the text of the decision changed: stale
    nb["cells"][1]["source"] = "## Context and Problem Statement\n\nThe context changed."
    path.write_text(json.dumps(nb))
    state = state_of(log.resolve("1"))
    assert state.state == "stale" and state.result.outcome == "passed"
    assert "changed after its check passed on 2026-01-01" in state.why

    # the data file (trade-off) changed: stale too
    confirm(log, clock=clock)
    assert state_of(log.resolve("1")).state == "passed"
    path.with_suffix(".yaml").write_text("tradeoffs: {}\n")
    assert state_of(log.resolve("1")).state == "stale"

    # the check itself changed: stale
    confirm(log, clock=clock)
    add_cells(path, ["print('another check')"])
    assert state_of(log.resolve("1")).state == "stale"
    confirm(log, clock=clock)
    assert state_of(log.resolve("1")).state == "passed"


def test_a_result_older_than_stale_after_is_stale(log):
    add_decision(log, "Old result", ["assert True"])
    confirm(log, clock=clock)
    rec = log.resolve("1")
    later = FIXED + dt.timedelta(days=31)
    assert state_of(rec, now=later, stale_after_days=30).state == "stale"
    assert state_of(rec, now=later, stale_after_days=60).state == "passed"
    assert check_state(None, "x", has_check=True).state == "never-run"
    assert check_state(None, "x", has_check=False) is None


def test_cli_exit_codes_output_and_no_tcp_warning(tmp_path, cli):
    log = make_log(tmp_path)
    add_decision(log, "Good", ["print('all fine')"])
    res = cli("confirm", "--json")
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert data[0]["outcome"] == "passed" and data[0]["date"] == "2026-01-01T00:00:00Z"
    assert "evidence" not in data[0] and data[0]["results-file"] == "decisions/0001-good.confirmation.json"
    assert "without encryption" not in res.err and "TCP" not in res.err, res.err
    assert "1 check: 1 passed" in res.err

    bad = add_decision(log, "Bad", ["assert 1 == 2, 'one is not two'"])
    res = cli("confirm")
    assert res.code == 1
    assert "0002-bad  failed" in res.out
    assert f"cell {_first_check(bad, 1)}: AssertionError: one is not two" in res.out
    assert "Traceback" not in res.err
    res = cli("confirm", "1")
    assert res.code == 0 and "0002" not in res.out

    assert cli("confirm", "--timeout", "0").code == 2
    assert cli("confirm", "--timeout", "nan").code == 2
    assert cli("confirm", "--jobs", "0").code == 2
    res = cli("confirm", "no-such-decision")
    assert res.code == 1 and "no decision matches" in res.err


def test_settings_give_the_timeout_and_bad_settings_name_the_file(tmp_path, cli):
    log = make_log(tmp_path)
    add_decision(log, "Slow", ["import time\ntime.sleep(30)"])
    config = tmp_path / ".adrkit.yaml"
    config.write_text(config.read_text() + "confirm:\n  timeout: 2\n")
    res = cli("confirm")
    assert res.code == 1 and "within the 2 s timeout" in res.out
    config.write_text(config.read_text().replace("timeout: 2", "timeout: soon"))
    res = cli("confirm")
    assert res.code == 1 and ".adrkit.yaml (confirm.timeout)" in res.err and "Traceback" not in res.err


def test_a_corrupt_results_file_reads_as_never_run_and_is_rewritten(log):
    path = add_decision(log, "Corrupt result", ["assert True"])
    results = path.with_name(path.stem + ".confirmation.json")
    results.write_text("{ not json")
    assert state_of(log.resolve("1")).state == "never-run"
    with pytest.raises(Exception) as err:
        read_result(path)
    assert str(results) in str(err.value)
    confirm(log, clock=clock)
    assert state_of(log.resolve("1")).state == "passed"


def test_the_example_log_confirms_as_its_results_say(tmp_path):
    copy = tmp_path / "orders-service"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("site", ".adrkit-cache"))
    log = find_log(copy / "decisions")
    states = {r.decision.number: state_of(r) for r in log.records()}
    assert states[2].state == "passed" and states[3].state == "failed"
    assert states[5].state == "stale" and states[8].state == "never-run"
    assert states[6].state == "passed"
    report = confirm(log, clock=clock)
    by = {r.decision[:4]: r.outcome for r in report.results}
    assert by == {"0002": "passed", "0003": "failed", "0005": "passed", "0006": "passed", "0008": "passed"}
    assert report.exit_code == 1
    after = {r.decision.number: state_of(r).state for r in log.records() if state_of(r)}
    assert after == {2: "passed", 3: "failed", 5: "passed", 6: "passed", 8: "passed"}


def test_pre_commit_hooks_name_changed_files_and_write_nothing(tmp_path, cli):
    import re

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    confirm_hook = hooks["adrkit-confirm"]
    assert confirm_hook["entry"] == "adrkit confirm --no-record" and confirm_hook["pass_filenames"] is True
    assert hooks["adrkit-lint"]["entry"] == "adrkit lint"
    log = make_log(tmp_path)
    good = add_decision(log, "Good", ["assert True"])
    bad = add_decision(log, "Bad", ["assert False, 'no'"])
    changed = [f"decisions/{good.name}", f"decisions/{good.stem}.yaml", ".adrkit.yaml", "README.md",
               f"decisions/{good.stem}.confirmation.json"]
    passed = [p for p in changed if re.search(confirm_hook["files"], p)]
    assert passed == [f"decisions/{good.name}", f"decisions/{good.stem}.yaml"]
    assert [p for p in changed if re.search(hooks["adrkit-lint"]["files"], p)] == passed + [".adrkit.yaml"]
    res = cli(*confirm_hook["entry"].split()[1:], *passed)
    assert res.code == 0, res.err
    assert res.out.count("0001-good  passed") == 1  # a notebook and its data file: one check
    res = cli(*confirm_hook["entry"].split()[1:], f"decisions/{bad.name}")
    assert res.code == 1 and "AssertionError: no" in res.out
    assert not list(log.dir.glob("*.confirmation.json"))


def test_renumber_takes_the_result_along(log, cli):
    path = add_decision(log, "Moves", ["assert True"])
    confirm(log, clock=clock)
    res = cli("renumber", "1", "7", cwd=log.dir.parent)
    assert res.code == 0, res.err
    assert not (log.dir / "0001-moves.confirmation.json").exists()
    moved = log.resolve("7")
    assert (log.dir / "0007-moves.confirmation.json").is_file()
    assert state_of(moved).state == "passed"  # nothing in the decision changed


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_an_interrupted_run_kills_its_kernels_and_keeps_what_finished(tmp_path, signame):
    import signal
    import subprocess
    import sys

    from conftest import _env

    log = make_log(tmp_path)
    pid_file = tmp_path / "kernel.pid"
    add_decision(log, "Quick", ["assert True"])
    add_decision(log, "Hangs", [f"import os, pathlib, time\npathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))\n"
                                "time.sleep(600)"])
    proc = subprocess.Popen([sys.executable, "-m", "adrkit", "confirm", "--jobs", "1"], cwd=tmp_path, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pid_file.exists(), "the hanging check never started"
    kernel = int(pid_file.read_text())
    proc.send_signal(getattr(signal, signame))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "adrkit: interrupted" in err and "Traceback" not in err, err
    assert not Path(f"/proc/{kernel}").exists() or Path(f"/proc/{kernel}/stat").read_text().split()[2] == "Z"
    assert result_of(log.dir / "0001-quick.ipynb")["outcome"] == "passed"  # recorded before the signal
    assert not (log.dir / "0002-hangs.confirmation.json").exists()


def _first_check(path, checks: int) -> int:
    """The cell number (counted from 1) of the first of the `checks` check cells that
    `add_decision` appended after the template's cells."""
    return len(json.loads(path.read_text(encoding="utf-8"))["cells"]) - checks + 1
