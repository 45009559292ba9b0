"""`adrkit lint --format github`: findings as workflow-command annotations, parsed back
the way the Actions runner parses them (`::level k=v,k=v::message`, percent-escaped)."""
from __future__ import annotations

import re
from urllib.parse import unquote

from hypothesis import given, strategies as st

from adrkit.formats.annotations import github_annotation, line_of_key

_COMMAND = re.compile(r"^::(?P<level>[a-z]+) (?P<props>[^:]*)::(?P<message>.*)$")


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    """The runner's reading: properties split on ',' and '=', then unescaped."""
    match = _COMMAND.match(line)
    assert match, line
    props = {}
    for pair in match["props"].split(","):
        key, _, value = pair.partition("=")
        props[key] = unquote(value)
    return match["level"], props, unquote(match["message"])


@given(path=st.text(min_size=1, max_size=40), message=st.text(max_size=80),
       title=st.text(max_size=30), line=st.one_of(st.none(), st.integers(1, 10_000)))
def test_any_text_survives_the_round_trip(path, message, title, line):
    out = github_annotation(level="error", path=path, message=message, title=title, line=line)
    assert "\n" not in out and "\r" not in out
    level, props, back = _parse(out)
    assert (level, props["file"], back) == ("error", path, message)
    assert props.get("title", "") == title
    assert props.get("line") == (str(line) if line else None)


def test_levels():
    assert github_annotation(level="warning", path="a", message="m").startswith("::warning file=a::")
    assert github_annotation(level="info", path="a", message="m").startswith("::notice ")


def test_line_of_key_in_a_notebook_and_a_yaml_file():
    notebook = '{\n "cells": [\n  {\n   "source": [\n    "---\\n",\n    "status: shipped\\n"\n'
    assert line_of_key(notebook, "status") == 6
    assert line_of_key("# header\ntradeoffs:\n  main: {}\n", "tradeoffs") == 2
    assert line_of_key(notebook, "links (depends-on)") is None
    assert line_of_key(notebook, "front matter") is None


def test_lint_writes_one_annotation_per_finding_on_the_checkout_path(cli, log_dir, tmp_path):
    cli("new", "Use PostgreSQL")
    cli("new", "Cache, reads: 100%")
    bad = next(log_dir.glob("0002-*.ipynb"))
    bad.write_text(bad.read_text().replace("status: proposed", "status: shipped"))
    r = cli("lint", "--format", "github", cwd=log_dir, env={"GITHUB_WORKSPACE": str(tmp_path)})
    assert r.code == 1
    # fresh records still hold the template's text (a warning each); the error is one line
    lines = [line for line in r.out.splitlines() if "placeholder-text" not in line]
    assert len(lines) == 1
    level, props, message = _parse(lines[0])
    assert level == "error"
    assert props["file"] == f"decisions/{bad.name}"
    assert bad.read_text().splitlines()[int(props["line"]) - 1].strip().startswith('"status: shipped')
    assert props["title"] == "adrkit lint: unknown-status"
    assert message.startswith("status: unknown status 'shipped'; use one of draft, proposed")
    assert r.err.endswith("2 decision(s) checked, 1 finding(s), 2 notice(s)\n")


def test_a_clean_log_prints_nothing(cli, log_dir):
    cli("new", "Use PostgreSQL")
    r = cli("lint", "--format", "github")
    # the fresh record's template text is a notice, which does not fail the check
    assert r.code == 0
    assert [line.split(" ", 1)[0] for line in r.out.splitlines()] == ["::notice"]


def test_format_json_is_the_same_as_json(cli, log_dir):
    cli("new", "Use PostgreSQL")
    cli("new", "Use MySQL", "--supersedes", "1")
    cli("status", "2", "accepted")
    assert cli("lint", "--format", "json").out == cli("lint", "--json").out


def test_unknown_format_is_bad_usage(cli, log_dir):
    r = cli("lint", "--format", "sarif")
    assert r.code == 2 and "invalid choice" in r.err
