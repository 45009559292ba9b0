"""The text side of Confirmation, without a kernel: which cells are a check, the
fingerprint, the evidence kept, and results files of any shape (what a crash, a merge
conflict or a hand edit can leave) read as a clear error, never a traceback."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from adrkit.core.confirmation import CheckResult, check_state
from adrkit.core.errors import FormatError
from adrkit.formats.confirmation import (EVIDENCE_LIMIT, check_cells, dump_result, fingerprint, keep_evidence,
                                         parse_result, summary_of)

FRONT = {"cell_type": "raw", "metadata": {}, "source": "---\ntitle: T\nstatus: accepted\n---"}


def code(source, tags=("confirmation",), outputs=()):
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source, "outputs": list(outputs),
            "execution_count": None}


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def test_which_cells_are_the_check():
    nb = {"cells": [FRONT, md("## Confirmation"), code("assert True"), code("x = 1", tags=()),
                    code("# only a comment\n\n   # another"), code(["import os\n", "print(os.getcwd())"]),
                    code("   "), {"cell_type": "code", "metadata": {"tags": "confirmation"}, "source": "1"},
                    {"cell_type": "markdown", "metadata": {"tags": ["confirmation"]}, "source": "not code"}]}
    assert check_cells(nb) == [(3, "assert True"), (6, "import os\nprint(os.getcwd())")]


def test_the_fingerprint_follows_the_decision_not_its_bookkeeping():
    nb = {"metadata": {"kernelspec": {"name": "python3"}},
          "cells": [FRONT, md("## Context\n\nWhy."), code('tradeoff_editor("0007-x")', tags=("adrkit-tradeoff",)),
                    code("assert True")]}
    base = fingerprint(nb, b"tradeoffs: {}\n", stem="0007-x")
    same = json.loads(json.dumps(nb))
    same["cells"][0]["source"] = "---\ntitle: Renamed\nstatus: deprecated\nreview-by: 2027-01-01\n---"
    same["cells"][3]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    same["cells"][3]["execution_count"] = 4
    same["cells"][1]["source"] = ["## Context\n", "\n", "Why."]  # the same text, split in lines
    assert fingerprint(same, b"tradeoffs: {}\n", stem="0007-x") == base
    renumbered = json.loads(json.dumps(nb).replace("0007-x", "0012-x"))
    assert fingerprint(renumbered, b"tradeoffs: {}\n", stem="0012-x") == base
    for change in (lambda n: n["cells"][1].update(source="## Context\n\nWhy not."),
                   lambda n: n["cells"][3].update(source="assert 1"),
                   lambda n: n["cells"][3]["metadata"].update(tags=[]),
                   lambda n: n["metadata"]["kernelspec"].update(name="julia"),
                   lambda n: n["cells"].append(md("more"))):
        other = json.loads(json.dumps(nb))
        change(other)
        assert fingerprint(other, b"tradeoffs: {}\n", stem="0007-x") != base
    assert fingerprint(nb, b"tradeoffs: {a: 1}\n", stem="0007-x") != base
    assert fingerprint(nb, None, stem="0007-x") != base


def test_evidence_keeps_static_forms_and_stays_bounded():
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": ["\x1b[31mred\x1b[0m ", "text\n"]},
        {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                                                 "text/plain": "widget"}, "metadata": {}},
        {"output_type": "display_data", "data": {"application/javascript": "alert(1)"}, "metadata": {}},
        {"output_type": "execute_result", "data": {"text/html": "<b>t</b>", "text/plain": "t"}, "metadata": {}},
        {"output_type": "error", "ename": "AssertionError", "evalue": "\x1b[1mno\x1b[0m",
         "traceback": ["\x1b[0;31mTraceback\x1b[0m", "line"]},
        "junk", {"output_type": "mystery"},
    ]
    kept = keep_evidence(outputs)
    assert kept[0] == {"type": "stream", "name": "stdout", "text": "red text\n"}
    assert kept[1] == {"type": "display", "data": {"text/plain": "widget"}}
    assert kept[2] == {"type": "display", "data": {"text/html": "<b>t</b>", "text/plain": "t"}}
    assert kept[3] == {"type": "error", "text": "AssertionError: no", "traceback": "Traceback\nline"}
    assert len(kept) == 4
    assert summary_of(kept) == "t"
    big = [{"output_type": "stream", "name": "stdout", "text": "x" * 15000 + "\n"}] * 100
    kept = keep_evidence(big)
    assert len(json.dumps(kept)) < EVIDENCE_LIMIT + 2000
    assert "further output not kept" in kept[-1]["text"]
    assert summary_of([{"type": "stream", "name": "stdout", "text": "a\n" + "y" * 500}]).endswith("…")


def test_a_result_reads_back_as_written():
    result = CheckResult("0007-x", "failed", "2026-01-01T09:30:00Z", duration=1.23456, fingerprint="sha256:ab",
                         cells=[12, 13], error="cell 13: AssertionError: no", evidence=[{"type": "stream",
                         "name": "stdout", "text": "ünïcode ✓\n"}], adrkit="0.1.0", python="3.11.7",
                         kernel="python3", startup=0.9)
    text = dump_result(result)
    assert "ünïcode ✓" in text and text.endswith("}\n")
    back = parse_result(text.encode())
    assert back.to_dict() == json.loads(text)
    assert back.day == "2026-01-01"
    state = check_state(back, "sha256:ab", has_check=True)
    assert state.state == "failed" and state.debt and "cell 13" in state.why


junk_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                         lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
                         max_leaves=20)
keys = st.sampled_from(["format", "decision", "outcome", "date", "duration", "startup", "cells", "error", "reason",
                        "summary", "evidence", "adrkit", "python", "kernel", "fingerprint"])


@settings(max_examples=300)
@given(st.dictionaries(keys, junk_json, max_size=15)
       | st.fixed_dictionaries({"outcome": st.sampled_from(["passed", "failed", "error", "skipped"]),
                                "date": st.sampled_from(["2026-01-01T00:00:00Z", "2026-01-01", "x"])},
                               optional={k: junk_json for k in ["duration", "cells", "evidence", "error", "startup"]}))
def test_any_results_file_reads_or_fails_with_a_format_error(data):
    raw = json.dumps(data).encode()
    try:
        result = parse_result(raw, path="r.json")
    except FormatError as exc:
        assert "r.json" in str(exc) and "\n" not in str(exc)
        return
    assert result.outcome in ("passed", "failed", "error", "skipped")
    json.dumps(result.to_dict())


@given(st.binary(max_size=200))
def test_any_bytes_read_or_fail_with_a_format_error(raw):
    try:
        parse_result(raw, path="r.json")
    except FormatError:
        pass


@pytest.mark.parametrize("raw", [b"", b"[]", b"{", b"\xff\xfe", b'{"outcome": "passed"}', b"[" * 100000])
def test_broken_results_files(raw):
    with pytest.raises(FormatError):
        parse_result(raw, path="r.json")
