"""Transcripts of the log commands with a fixed date, and their rules."""
from __future__ import annotations

import json

import nbformat
import pytest

from conftest import snapshot


def test_init_new_list_show_transcript(cli, tmp_path):
    r = cli("init")
    assert (r.code, r.out) == (0, "decisions\n")
    assert "created decision log decisions" in r.err
    assert (tmp_path / ".adrkit.yaml").read_text().startswith("# adrkit decision log settings")

    r = cli("new", "Use PostgreSQL for orders", "--tag", "storage", "--tag", "orders")
    assert (r.code, r.out, r.err) == (0, "decisions/0001-use-postgresql-for-orders.ipynb\n", "")
    r = cli("new", "Über-Caché für Sessions", "--template", "nygard")
    assert r.out == "decisions/0002-über-caché-für-sessions.ipynb\n"
    r = cli("new", "Adopt the backend checklist", "-t", "backend", "--status", "draft")
    assert r.out == "decisions/0003-adopt-the-backend-checklist.ipynb\n"

    r = cli("list")
    assert r.code == 0
    assert r.out == (
        "0001  proposed    2026-01-01  Use PostgreSQL for orders  [storage, orders]\n"
        "0002  proposed    2026-01-01  Über-Caché für Sessions\n"
        "0003  draft       2026-01-01  Adopt the backend checklist  [backend]\n")
    assert cli("list", "--status", "draft").out.startswith("0003")
    assert cli("list", "--tag", "orders").out.startswith("0001")
    data = json.loads(cli("list", "--json").out)
    assert [d["stem"] for d in data] == ["0001-use-postgresql-for-orders", "0002-über-caché-für-sessions",
                                          "0003-adopt-the-backend-checklist"]
    assert data[0]["tags"] == ["storage", "orders"]

    r = cli("show", "postgres")
    assert r.out.splitlines()[:6] == [
        "0001. Use PostgreSQL for orders",
        "  file:            decisions/0001-use-postgresql-for-orders.ipynb",
        "  status:          proposed",
        "  date:            2026-01-01",
        "  tags:            storage, orders",
        "  sections:",
    ]
    shown = json.loads(cli("show", "2", "--json").out)
    assert shown["title"] == "Über-Caché für Sessions"
    assert shown["sections"] == ["Context", "Decision", "Status", "Consequences"]


def test_commands_work_from_a_subfolder(cli, log_dir, tmp_path):
    sub = tmp_path / "src" / "deep"
    sub.mkdir(parents=True)
    r = cli("new", "Use Kafka", cwd=sub)
    assert r.code == 0, r.err
    assert (log_dir / "0001-use-kafka.ipynb").exists()
    assert cli("list", cwd=sub).out.startswith("0001  proposed")


def test_status_records_history_and_checks_transitions(cli, log_dir):
    cli("new", "Use PostgreSQL")
    r = cli("status", "1", "accepted")
    assert (r.code, r.out, r.err) == (0, "decisions/0001-use-postgresql.ipynb\n", "0001 is now accepted\n")
    shown = json.loads(cli("show", "1", "--json").out)
    assert shown["status-history"] == [{"status": "proposed", "date": "2026-01-01"},
                                       {"status": "accepted", "date": "2026-01-01"}]
    before = snapshot(log_dir)
    r = cli("status", "1", "rejected")
    assert r.code == 1
    assert r.err == ("adrkit: error: decisions/0001-use-postgresql.ipynb (status): 0001 cannot go from "
                     "accepted to rejected; allowed from accepted: deprecated, superseded (or use --force)\n"
                     ).replace("decisions/", str(log_dir) + "/")
    r = cli("status", "1", "superseded")
    assert r.code == 1 and "adrkit supersede OLD NEW" in r.err
    assert snapshot(log_dir) == before
    assert cli("status", "1", "deprecated", env={"SOURCE_DATE_EPOCH": "1767312000"}).code == 0
    shown = json.loads(cli("show", "1", "--json").out)
    assert shown["status-history"][-1] == {"status": "deprecated", "date": "2026-01-02"}
    assert cli("status", "1", "proposed", "--force").code == 0


def test_supersede_updates_both_records(cli, log_dir):
    cli("new", "Use PostgreSQL")
    cli("status", "1", "accepted")
    cli("new", "Use CockroachDB")
    r = cli("supersede", "postgres", "cockroach")
    assert r.code == 0, r.err
    assert r.err == "0002 supersedes 0001\n"
    old = json.loads(cli("show", "1", "--json").out)
    new = json.loads(cli("show", "2", "--json").out)
    assert old["status"] == "superseded" and old["superseded-by"] == ["0002-use-cockroachdb"]
    assert new["supersedes"] == ["0001-use-postgresql"]
    assert _lint_codes(cli) <= {"placeholder-text"}


def test_new_with_supersedes(cli, log_dir):
    cli("new", "Use PostgreSQL", "--status", "accepted")
    r = cli("new", "Use CockroachDB", "--supersedes", "1")
    assert r.code == 0, r.err
    assert json.loads(cli("show", "1", "--json").out)["superseded-by"] == ["0002-use-cockroachdb"]
    assert _lint_codes(cli) <= {"placeholder-text"}


def test_supersede_refuses_proposed_without_force_and_changes_nothing(cli, log_dir):
    cli("new", "A one")
    cli("new", "B two")
    before = snapshot(log_dir)
    r = cli("supersede", "1", "2")
    assert r.code == 1 and "only accepted or deprecated decisions can be superseded" in r.err
    assert snapshot(log_dir) == before
    assert cli("supersede", "1", "2", "--force").code == 0


def test_link_writes_both_directions(cli, log_dir):
    cli("new", "Use PostgreSQL")
    cli("new", "Partition orders by month")
    r = cli("link", "2", "amends", "1")
    assert r.code == 0
    assert r.err == "0002 amends 0001; 0001 amended-by 0002\n"
    assert json.loads(cli("show", "1", "--json").out)["links"] == [
        {"rel": "amended-by", "target": "0002-partition-orders-by-month"}]
    r = cli("link", "1", "inspired-by", "2")
    assert r.code == 2 and "--reverse" in r.err
    assert cli("link", "1", "inspired-by", "2", "--reverse", "inspires").code == 0
    assert json.loads(cli("show", "2", "--json").out)["links"][-1] == {"rel": "inspires",
                                                                        "target": "0001-use-postgresql"}
    r = cli("link", "1", "relates-to", "1")
    assert r.code == 1 and "cannot link to itself" in r.err


def test_renumber_rewrites_links_and_moves_data_file(cli, log_dir):
    cli("new", "Use PostgreSQL", "--status", "accepted")
    cli("new", "Use CockroachDB", "--supersedes", "1")
    cli("new", "Cache reads")
    cli("link", "3", "depends-on", "2")
    (log_dir / "0002-use-cockroachdb.yaml").write_text("tradeoffs: {}\n")
    r = cli("renumber", "cockroach", "7")
    assert (r.code, r.out) == (0, "decisions/0007-use-cockroachdb.ipynb\n"), r.err
    assert not (log_dir / "0002-use-cockroachdb.ipynb").exists()
    assert (log_dir / "0007-use-cockroachdb.yaml").exists()
    nb = (log_dir / "0007-use-cockroachdb.ipynb").read_text()
    assert 'tradeoff_editor(\\"0007-use-cockroachdb\\")' in nb
    assert json.loads(cli("show", "1", "--json").out)["superseded-by"] == ["0007-use-cockroachdb"]
    assert json.loads(cli("show", "3", "--json").out)["links"] == [{"rel": "depends-on",
                                                                    "target": "0007-use-cockroachdb"}]
    assert _lint_codes(cli) <= {"placeholder-text"}
    before = snapshot(log_dir)
    r = cli("renumber", "7", "1")
    assert r.code == 1 and "already taken by 0001-use-postgresql.ipynb" in r.err
    assert snapshot(log_dir) == before


def test_graph_prints_dot(cli, log_dir):
    cli("new", "Use PostgreSQL", "--status", "accepted")
    cli("new", "Use CockroachDB", "--supersedes", "1")
    r = cli("graph")
    assert r.code == 0
    assert r.out.lstrip().startswith("digraph")
    assert "0001-use-postgresql" in r.out and "0002-use-cockroachdb" in r.out


def test_template_notebooks_validate_and_round_trip(cli, log_dir):
    for template in ("madr", "madr-minimal", "nygard", "backend"):
        path = cli("new", f"Try {template}", "--template", template).out.strip()
        raw = (log_dir.parent / path).read_text(encoding="utf-8")
        nb = nbformat.reads(raw, as_version=4)
        nbformat.validate(nb)
        assert nbformat.writes(nb) + "\n" == raw or nbformat.writes(nb) == raw.rstrip("\n")
        assert nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("---\n")
    assert _lint_codes(cli) <= {"placeholder-text"}


def test_team_template_in_log_folder(cli, log_dir):
    team = log_dir / "templates"
    team.mkdir()
    (team / "rfc.ipynb").write_text(json.dumps({
        "cells": [{"cell_type": "raw", "metadata": {}, "source": "---\ntitle: x\nowner: platform\n---"},
                  {"cell_type": "markdown", "metadata": {"adrkit": {"required": True}},
                   "source": "## Problem\n\nWhat hurts?"}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    r = cli("new", "An RFC", "--template", "rfc")
    assert r.code == 0, r.err
    shown = json.loads(cli("show", "1", "--json").out)
    assert shown["sections"] == ["Problem"]
    assert _lint_codes(cli) <= {"placeholder-text"}
    r = cli("new", "x", "--template", "nope")
    assert r.code == 1 and "no template named 'nope'; use one of backend, madr, madr-minimal, nygard, rfc" in r.err


def test_every_command_is_documented(cli):
    """Every registered command has help text, answers --help, and appears in the README."""
    import argparse
    from pathlib import Path

    from adrkit.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    commands = sorted(sub.choices)
    assert {"init", "new", "list", "show", "status", "supersede", "link", "renumber", "lint", "graph",
            "build", "serve", "export", "import", "doctor", "lab"} <= set(commands)
    helps = {c.dest: c.help for c in sub._choices_actions}
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in commands:
        assert helps.get(command), f"{command} has no help line"
        assert f"adrkit {command}" in readme, f"README does not show 'adrkit {command}'"
        r = cli(command, "--help")
        assert r.code == 0 and "usage: adrkit" in r.out


def test_python_dash_m_and_version(cli):
    r = cli("--version")
    assert r.code == 0 and r.out.startswith("adrkit ")


def test_lab_starts_jupyterlab_on_the_log(cli, log_dir, tmp_path):
    from adrkit.cli.lab import lab_command

    cmd = lab_command(str(tmp_path), "decisions", ["--", "--no-browser"])
    assert cmd[1:3] == ["-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in cmd and "--LabApp.default_url=/lab/tree/decisions" in cmd
    assert cmd[-1] == "--no-browser" and "--" not in cmd
    r = cli("lab", "--", "--version", cwd=log_dir)  # runs the real JupyterLab, which answers and exits
    assert r.code == 0 and r.out.strip()[0].isdigit()
    assert f"starting JupyterLab in {tmp_path}" in r.err


def _lint_codes(cli) -> set[str]:
    """What lint finds, by code (a record fresh from its template still holds its text)."""
    return {f["code"] for f in json.loads(cli("lint", "--json").out)}
