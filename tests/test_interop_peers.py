"""The real peer tools read adrkit's markdown as their own.

- adr-tools (Debian package `adr-tools`, command `adr`) on an exported Nygard folder:
  `adr list` lists every record, `adr generate toc` gives the table of contents the
  decisions imply, and `adr generate graph` has the same edges as `adrkit graph`.
- log4brains (npm package `log4brains`, installed into .peer/ on first use) builds
  the exported folders without errors, with every record present; with the
  log4brains format (metadata bullets, which is where log4brains reads the status)
  every record has the right status.

Skipped with the reason only when a tool cannot be installed (no registry)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.peer

PEER = ROOT / ".peer"
LOG4BRAINS = PEER / "node_modules" / ".bin" / "log4brains"


def _adr_tools() -> str:
    found = shutil.which("adr")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        proc = subprocess.run(["apt-get", "install", "-y", "adr-tools"], capture_output=True, text=True,
                              timeout=600)
        found = shutil.which("adr")
        if found:
            return found
        pytest.skip(f"adr-tools could not be installed from Debian: {proc.stderr.strip()[-200:]}")
    pytest.skip("adr-tools is not installed and cannot be installed here (apt-get install adr-tools)")


def _log4brains() -> Path:
    if LOG4BRAINS.exists():
        return LOG4BRAINS
    npm = shutil.which("npm")
    if not npm:
        pytest.skip("npm is not installed, so log4brains cannot be installed")
    PEER.mkdir(exist_ok=True)
    proc = subprocess.run([npm, "install", "--prefix", str(PEER), "--no-audit", "--no-fund", "log4brains"],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0 or not LOG4BRAINS.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        pytest.skip("log4brains could not be installed from the npm registry: " + " | ".join(tail))
    return LOG4BRAINS


def _log(tmp_path: Path, cli) -> Path:
    """Seven decisions with supersession, amendment, dependency and every status."""
    steps = [
        ("new", "Record architecture decisions", "--status", "accepted"),
        ("new", "Use MySQL for orders", "--status", "accepted"),
        ("new", "Use PostgreSQL for orders", "--supersedes", "2"),
        ("status", "3", "accepted"),
        ("new", "Cache sessions in Redis & memcached", "--status", "accepted"),
        ("new", "Tune the Redis eviction policy"),
        ("link", "5", "amends", "4"),
        ("new", "Try MongoDB", "--status", "rejected"),
        ("new", "Run on Kubernetes", "--status", "accepted"),
        ("link", "7", "depends-on", "3"),
        ("status", "7", "deprecated"),
    ]
    assert cli("init", cwd=tmp_path).code == 0
    for step in steps:
        res = cli(*step, cwd=tmp_path)
        assert res.code == 0, (step, res.err)
    return tmp_path / "decisions"


def _decisions(log_dir: Path):
    from adrkit.storage.log import DecisionLog

    return DecisionLog(log_dir).records()


def test_adr_tools_reads_the_nygard_export(tmp_path, cli):
    adr = _adr_tools()
    log_dir = _log(tmp_path, cli)
    res = cli("export", "--format", "nygard", "--out", "doc/adr", cwd=tmp_path)
    assert res.code == 0, res.err
    env = {**os.environ, "LC_ALL": "C.UTF-8"}

    def run(*args: str) -> str:
        proc = subprocess.run([adr, *args], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    records = _decisions(log_dir)
    listed = run("list").split()
    assert listed == [f"doc/adr/{r.decision.stem}.md" for r in records]

    toc = run("generate", "toc")
    expected = "# Architecture Decision Records\n\n" + "".join(
        f"* [{r.decision.number}. {r.decision.title}]({r.decision.stem}.md)\n" for r in records)
    assert toc == expected

    graph = run("generate", "graph")
    theirs = {(int(a), int(b)) for a, b in re.findall(r"_(\d+) -> _(\d+) \[label=", graph)}
    dot = cli("graph", cwd=tmp_path)
    assert dot.code == 0, dot.err
    number = {r.decision.stem: r.decision.number for r in records}
    ours = {(number[a], number[b]) for a, b in re.findall(r'^\s*"([^"]+)" -> "([^"]+)"', dot.out, re.M)}
    assert ours == {(3, 2), (5, 4), (7, 3)}
    assert theirs == ours


def _build(tmp_path: Path, site: str, adr_folder: str) -> tuple[list[dict], str]:
    exe = _log4brains()
    (tmp_path / ".log4brains.yml").write_text(
        f"project:\n  name: adrkit interop\n  tz: Etc/UTC\n  adrFolder: ./{adr_folder}\n", encoding="utf-8")
    # log4brains builds inside its own install (a Next.js project under node_modules), so
    # two builds at once from one install spoil each other: take a lock, retry once
    import fcntl

    with open(PEER / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for _ in range(2):
            shutil.rmtree(tmp_path / site, ignore_errors=True)
            proc = subprocess.run([str(exe), "build", "--out", site], cwd=tmp_path, capture_output=True,
                                  text=True, timeout=600,
                                  env={**os.environ, "NEXT_TELEMETRY_DISABLED": "1", "CI": "1"})
            log = proc.stdout + proc.stderr
            if proc.returncode == 0 and "successfully generated" in log:
                break
    assert proc.returncode == 0, log[-2000:]
    assert "successfully generated" in log, log[-2000:]
    # the per-record pages come from a Next.js cache inside the install, shared by every
    # build; the ADR data file is generated fresh by each build, so it is what is checked
    data = sorted((tmp_path / site / "data").glob("*/adrs.json"))
    assert data, "log4brains wrote no adrs.json"
    return json.loads(data[-1].read_text(encoding="utf-8")), log


def test_log4brains_builds_the_log4brains_export_with_every_status(tmp_path, cli):
    log_dir = _log(tmp_path, cli)
    res = cli("export", "--format", "log4brains", "--out", "docs/adr", cwd=tmp_path)
    assert res.code == 0, res.err
    adrs, log = _build(tmp_path, "site", "docs/adr")
    assert " with a total of 7 ADRs" in log
    theirs = {a["slug"]: (a["title"], a["status"]) for a in adrs}
    ours = {r.decision.stem: (r.decision.title, r.decision.status) for r in _decisions(log_dir)}
    assert theirs == ours


def test_log4brains_builds_the_madr4_export(tmp_path, cli):
    """MADR 4 keeps its metadata in YAML front matter, which log4brains 1.x does not
    read (it takes the status from the list under the title, 'accepted' when there
    is none): the build succeeds with every record and title; statuses are checked
    on the log4brains export above."""
    log_dir = _log(tmp_path, cli)
    res = cli("export", "--format", "madr", "--out", "docs/adr", cwd=tmp_path)
    assert res.code == 0, res.err
    adrs, log = _build(tmp_path, "site", "docs/adr")
    assert " with a total of 7 ADRs" in log
    theirs = {a["slug"]: a["title"] for a in adrs}
    assert theirs == {r.decision.stem: r.decision.title for r in _decisions(log_dir)}


def test_log4brains_builds_its_own_corpus_after_a_round_trip(tmp_path, cli, corpora):
    """log4brains' own decisions, imported and exported back, build in log4brains
    with the same slugs, titles and statuses as the originals."""
    corpus = corpora / "thomvaill__log4brains"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is absent")
    assert cli("init", cwd=tmp_path).code == 0
    assert cli("import", corpus, cwd=tmp_path).code == 0
    res = cli("export", "--format", "source", "--out", "docs/adr", cwd=tmp_path)
    assert res.code == 0, res.err
    shutil.rmtree(tmp_path / "docs" / "adr" / "packages")  # a package needs its own config entry
    adrs, _ = _build(tmp_path, "site", "docs/adr")
    statuses = {a["slug"]: a["status"] for a in adrs}
    assert len(statuses) == 9
    assert statuses["20200926-use-the-adr-number-as-its-unique-id"] == "superseded"
    assert statuses["20201016-use-the-adr-slug-as-its-unique-id"] == "accepted"
