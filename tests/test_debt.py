"""The decision-debt view: `adrkit debt` lists each kind of debt with the record and
what to do, and exits 1 when there is any."""
from __future__ import annotations

import datetime as dt
import json

from adrkit.core.confirmation import CheckResult
from adrkit.formats.confirmation import dump_result, fingerprint, result_name
from adrkit.services.debt import KINDS, decision_debt
from checklog import add_decision, make_log

TODAY = dt.date(2026, 6, 1)

TRADEOFF = """tradeoffs:
  main:
    criteria:
    - {name: Speed, weight: 3}
    - {name: Cost, weight: 1}
    options:
    - name: Fast
      scores: {Speed: 5, Cost: 1}
    - name: Cheap
      scores: {Speed: 1, Cost: 5}
    chosen: %s
"""


def _record(path, outcome, *, stale=False, error=""):
    nb = json.loads(path.read_text())
    fp = "sha256:older" if stale else fingerprint(nb, path.with_suffix(".yaml").read_bytes()
                                                 if path.with_suffix(".yaml").exists() else None, stem=path.stem)
    result = CheckResult(path.stem, outcome, "2026-05-30T10:00:00Z", fingerprint=fp, cells=[12], error=error)
    path.with_name(result_name(path.stem)).write_text(dump_result(result))


def _log_with_every_kind(tmp_path):
    log = make_log(tmp_path)
    passing = add_decision(log, "Passing check", ["assert True"])
    _record(passing, "passed")
    failing = add_decision(log, "Failing check", ["assert False"])
    _record(failing, "failed", error="cell 12: AssertionError: no")
    erroring = add_decision(log, "Broken check", ["open('x')"])
    _record(erroring, "error", error="cell 12: FileNotFoundError: x")
    stale = add_decision(log, "Stale check", ["assert True"])
    _record(stale, "passed", stale=True)
    add_decision(log, "Never run", ["assert True"])
    add_decision(log, "Long proposed", status="proposed", today="2026-03-01")
    add_decision(log, "Recently proposed", status="proposed", today="2026-05-20")
    overdue = add_decision(log, "Overdue review")
    rec = log.resolve(overdue.name)
    rec.decision.extra["review-by"] = "2026-05-01"
    log.save_many([rec])
    soon = add_decision(log, "Review coming")
    rec = log.resolve(soon.name)
    rec.decision.extra["review-by"] = "2026-06-10"
    log.save_many([rec])
    drifted = add_decision(log, "Trade-off drifted")
    drifted.with_suffix(".yaml").write_text(TRADEOFF % "Cheap")
    agrees = add_decision(log, "Trade-off agrees")
    agrees.with_suffix(".yaml").write_text(TRADEOFF % "Fast")
    orphan = add_decision(log, "Superseded alone")
    rec = log.resolve(orphan.name)
    rec.decision.status = "superseded"
    log.save_many([rec])
    dangling = add_decision(log, "Links nowhere")
    rec = log.resolve(dangling.name)
    from adrkit.core.decision import Link

    rec.decision.links.append(Link("relates-to", "0099-not-here"))
    log.save_many([rec])
    bad_date = add_decision(log, "Bad review date")
    rec = log.resolve(bad_date.name)
    rec.decision.extra["review-by"] = "after the launch"
    log.save_many([rec])
    return log


def test_every_kind_of_debt_names_the_record_and_what_to_do(tmp_path):
    log = _log_with_every_kind(tmp_path)
    items = decision_debt(log, today=TODAY)
    found = {(i.kind, i.title) for i in items}
    assert found == {
        ("overdue-review", "Overdue review"),
        ("review-date", "Bad review date"),
        ("check-failed", "Failing check"),
        ("check-error", "Broken check"),
        ("check-stale", "Stale check"),
        ("check-never-run", "Never run"),
        ("long-proposed", "Long proposed"),
        ("tradeoff-disagrees", "Trade-off drifted"),
        ("no-successor", "Superseded alone"),
        ("dangling-link", "Links nowhere"),
    }
    assert [i.kind for i in items] == sorted((i.kind for i in items), key=list(KINDS).index)
    by = {i.kind: i for i in items}
    assert "'adrkit review" in by["overdue-review"].fix and "--done" in by["overdue-review"].fix
    assert by["check-failed"].message.endswith("cell 12: AssertionError: no")
    assert by["check-stale"].fix.startswith("run 'adrkit confirm 0004'")
    assert "proposed since 2026-03-01 (92 days, more than 30)" == by["long-proposed"].message
    assert by["tradeoff-disagrees"].path.endswith(".yaml") and '"Fast"' in by["tradeoff-disagrees"].message
    assert "0099-not-here" in by["dangling-link"].message
    for item in items:
        assert item.line().startswith(item.path.rsplit("/", 1)[-1] + ": ")
        assert item.line().endswith(f"[{item.kind}]")


def test_proposed_for_is_configurable(tmp_path):
    log = _log_with_every_kind(tmp_path)
    config = tmp_path / ".adrkit.yaml"
    config.write_text(config.read_text() + "debt:\n  proposed-for: 6 months\n")
    from adrkit.storage.log import find_log

    items = decision_debt(find_log(start=tmp_path), today=TODAY)
    assert "long-proposed" not in {i.kind for i in items}


def test_cli_lists_debt_and_exits_1(tmp_path, cli):
    log = _log_with_every_kind(tmp_path)
    res = cli("debt", "--json", env={"SOURCE_DATE_EPOCH": "1780272000"})  # 2026-06-01
    assert res.code == 1, res.err
    data = json.loads(res.out)
    assert {d["kind"] for d in data} == set(KINDS)
    assert all(d["path"] and d["fix"] and d["stem"] for d in data)
    res = cli("debt", env={"SOURCE_DATE_EPOCH": "1780272000"})
    assert res.code == 1 and len(res.out.splitlines()) == len(data)
    assert "items of decision debt" in res.err


def test_a_clean_log_has_no_debt(tmp_path, cli):
    log = make_log(tmp_path)
    add_decision(log, "Nothing owed")
    res = cli("debt")
    assert res.code == 0 and res.out == "" and "0 items of decision debt" in res.err


def test_a_bad_debt_setting_names_the_file(tmp_path, cli):
    make_log(tmp_path)
    config = tmp_path / ".adrkit.yaml"
    config.write_text(config.read_text() + "debt:\n  proposed-for: a while\n")
    res = cli("debt")
    assert res.code == 1 and ".adrkit.yaml (debt.proposed-for)" in res.err and "Traceback" not in res.err
