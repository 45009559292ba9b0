"""The parts of a large build that run in other processes give what one process gives.

- records that changed in numbers are read in the conversion's worker processes
  (`records.facts_of_file`), their facts kept in the record index as if read here; a
  record that changed again before a worker read it is read here;
- decision pages are rendered by a forked process beside the build
  (`emit.render_pages`); a page process that fails leaves its pages to the build;
- the fast paths these rest on (ASCII text, notebooks that cannot hold a surrogate,
  which records have a check) agree with the general rules on generated inputs.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adrkit.storage.log import find_log
from test_publish import build, code, md, sample_log, write_record
from test_publish_scale import _age, _site_files

FILLERS = 40  # more than records._PARSE_AT_ONCE and convert.POOL_THRESHOLD


@pytest.fixture
def forkable(monkeypatch):
    """Forking allowed although the test session has idle threads of its own (servers
    of other tests' fixtures, blocked in accept): adrkit forks only when alone."""
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)


def _big_log(root: Path) -> Path:
    d = sample_log(root)
    for i in range(10, 10 + FILLERS):
        write_record(d, f"{i:04d}-filler-{i}", {"title": f"Filler {i}", "date": "2025-02-01",
                                                "tags": ["filler", f"t{i % 3}"]},
                     [md(f"## Context\n\nFiller {i} relates to [the process](0001-record-architecture-decisions.ipynb)."),
                      md("## Decision\n\nWe do it. Ünïcödé → and ASCII.")])
    _age(root)
    return d


def test_records_read_by_workers_and_pages_rendered_by_two_processes_give_the_one_process_site(
        tmp_path, monkeypatch, forkable):
    from adrkit.publish import emit
    from adrkit.storage import records

    _big_log(tmp_path)
    accepted = []
    real_accept = records.RecordIndex.accept
    monkeypatch.setattr(records.RecordIndex, "accept",
                        lambda self, entry, facts: accepted.append(facts is not None) or real_accept(self, entry, facts))
    monkeypatch.setattr(emit, "PARALLEL_PAGES", 2)
    children = []
    real_child = emit._PageChild.__init__
    monkeypatch.setattr(emit._PageChild, "__init__",
                        lambda self, todo, *a: children.append(len(todo)) or real_child(self, todo, *a))
    shared = build(tmp_path, parallel=True)
    assert not shared.failures and shared.converted == shared.pages + shared.guides
    assert len(accepted) >= FILLERS and all(accepted)  # read in the workers, kept here
    assert children and children[0] >= FILLERS // 2  # every other decision page rendered by the forked process

    monkeypatch.setattr(emit, "PARALLEL_PAGES", 10**9)
    alone = build(tmp_path, parallel=False, out=tmp_path / "alone", cache_dir=tmp_path / "alone-cache")
    assert _site_files(tmp_path / "site") == _site_files(tmp_path / "alone")
    assert [str(w) for w in shared.warnings] == [str(w) for w in alone.warnings]

    parsed = []  # the facts the workers read are in the index: nothing is read again
    real = records.loads_notebook
    monkeypatch.setattr(records, "loads_notebook", lambda raw, path=None: parsed.append(path) or real(raw, path=path))
    with records.RecordIndex(find_log(start=tmp_path), records.StatCache(tmp_path / ".cache" / "records.sqlite")) as index:
        titles = [e.decision.title for e in index.entries() if e.decision]
    assert parsed == [] and f"Filler {9 + FILLERS}" in titles


def test_a_page_process_that_fails_leaves_its_pages_to_the_build(tmp_path, monkeypatch, forkable):
    from adrkit.publish import emit

    _big_log(tmp_path)

    def dies(todo, make, writer, cache_dir, renderer, send):  # writes a few pages wrong, then dies unheard
        for i, key in todo[:3]:
            page, _ = make(i)
            writer.write(page.file, "half a page", key)
        os._exit(3)

    monkeypatch.setattr(emit, "_render_in_child", dies)
    monkeypatch.setattr(emit, "PARALLEL_PAGES", 2)
    children = []
    real_child = emit._PageChild.__init__
    monkeypatch.setattr(emit._PageChild, "__init__",
                        lambda self, todo, *a: children.append(len(todo)) or real_child(self, todo, *a))
    report = build(tmp_path)
    assert not report.failures and children
    monkeypatch.setattr(emit, "PARALLEL_PAGES", 10**9)
    build(tmp_path, out=tmp_path / "alone", cache_dir=tmp_path / "alone-cache")
    assert _site_files(tmp_path / "site") == _site_files(tmp_path / "alone")


def test_a_record_changed_before_a_worker_read_it_is_read_here(tmp_path):
    from adrkit.storage import records

    d = _big_log(tmp_path)
    log = find_log(start=tmp_path)
    with records.RecordIndex(log) as index:
        entries = index.entries()
        assert all(e.deferred for e in entries)  # many changed: hashed now, parsed when used
        first, second = entries[0], entries[1]
        path = d / "0002-use-postgresql-for-orders.ipynb"
        assert second.path == path
        path.write_text(path.read_text(encoding="utf-8").replace("Use PostgreSQL", "Use CockroachDB"),
                        encoding="utf-8")
        assert records.facts_of_file(str(path), second.number, second.slug, second.digest) is None
        second.accept(None)  # the worker could not read it as hashed
        first.accept(records.facts_of_file(str(first.path), first.number, first.slug, first.digest))
        assert not first.deferred and first.decision.title == "Record architecture decisions"
        assert second.deferred and second.decision.title == "Use CockroachDB for orders"
    with records.RecordIndex(log) as index:  # the new bytes were not kept under the old stat
        again = {e.path: e for e in index.entries()}
        assert again[path].decision.title == "Use CockroachDB for orders"


def test_facts_read_in_a_worker_are_the_facts_read_here(tmp_path):
    from adrkit.storage import records

    d = _big_log(tmp_path)
    write_record(d, "0099-broken-status", {"title": "Odd", "status": "floating"})
    (d / "0098-not-json.ipynb").write_text("{not json", encoding="utf-8")
    log = find_log(start=tmp_path)
    with records.RecordIndex(log, records.StatCache(tmp_path / "a.sqlite")) as index:
        here = {e.path.name: (e.decision, str(e.error), e.sections, e.placeholders, e.has_checks)
                for e in index.entries()}
    with records.RecordIndex(log, records.StatCache(tmp_path / "b.sqlite")) as index:
        entries = index.entries()
        for e in entries:
            e.accept(records.facts_of_file(str(e.path), e.number, e.slug, e.digest))
        there = {e.path.name: (e.decision, str(e.error), e.sections, e.placeholders, e.has_checks)
                 for e in entries}
    assert here == there
    assert here["0099-broken-status.ipynb"][0].status == "floating" and "corrupt" in here["0098-not-json.ipynb"][1]


def test_only_a_check_with_code_counts_as_a_check(tmp_path):
    from adrkit.storage import records

    d = sample_log(tmp_path)
    write_record(d, "0020-commented", {"title": "Commented"},
                 [code("# assert latency() < 200", tags=["confirmation"]), md("A word about confirmation.")])
    write_record(d, "0021-checked", {"title": "Checked"}, [code("assert 1 + 1 == 2", tags=["confirmation"])])
    with records.RecordIndex(find_log(start=tmp_path)) as index:
        checks = {e.path.stem: e.has_checks for e in index.entries()}
    assert checks["0020-commented"] is False and checks["0021-checked"] is True


# --- fast paths against the general rule ---------------------------------------------------

_NOT_TEXT_REFERENCE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef]|[\ufffe\uffff]"
                                 "|[\U0001fffe-\U0010ffff]")


def _reference_clean(text: str) -> str:
    out = []
    for ch in text:
        cp = ord(ch)
        if _NOT_TEXT_REFERENCE.match(ch) and (cp < 0x10000 or cp & 0xFFFE == 0xFFFE):
            continue
        out.append(ch)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=st.characters(max_codepoint=0x7F)), st.text()))
def test_clean_and_display_text_follow_the_rule_for_ascii_and_any_text(text):
    from adrkit.core.text import BIDI_CONTROLS, clean_text, display_text

    expected = _reference_clean(text)
    assert clean_text(text) == expected
    shown = "".join(f"[U+{ord(c):04X}]" if c in BIDI_CONTROLS else c for c in expected)
    assert display_text(text) == shown


@settings(max_examples=300, deadline=None)
@given(st.text(), st.booleans(), st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_a_notebook_that_can_hold_a_surrogate_is_searched_for_one(text, ascii_only, encoding):
    from adrkit.formats.notebook import may_hold_surrogates

    raw = json.dumps({"cells": [{"source": text}]}, ensure_ascii=ascii_only).encode(encoding, "surrogatepass")
    decoded = json.loads(raw)["cells"][0]["source"]
    if any(0xD800 <= ord(c) <= 0xDFFF for c in decoded):
        assert may_hold_surrogates(raw)
    if encoding == "utf-8" and not ascii_only and all(ord(c) < 0xD000 for c in text) and "\\" not in text:
        assert not may_hold_surrogates(raw)  # and plain text is not searched for nothing


@pytest.mark.parametrize("value", ["plain", "tab\tand\nnewline", "bell\x07", "é", "\u202eevil"])
def test_the_page_finalizer_shows_text_as_display_text(value):
    from markupsafe import Markup

    from adrkit.core.text import display_text
    from adrkit.publish.templating import _finalize

    assert _finalize(value) == display_text(value)
    assert isinstance(_finalize(Markup(value)), Markup) and _finalize(Markup(value)) == display_text(value)
    assert _finalize(7) == 7


def test_many_changed_records_are_read_by_forked_processes_as_they_would_be_here(tmp_path, monkeypatch, forkable):
    from adrkit.storage import records

    _big_log(tmp_path)
    log = find_log(start=tmp_path)
    with records.RecordIndex(log, records.StatCache(tmp_path / "here.sqlite")) as index:
        here = {e.path.name: (e.decision, str(e.error), e.sections, e.placeholders) for e in index.entries()}
    monkeypatch.setattr(records, "_READ_IN_PROCESSES", 2)
    parsed = []  # in this process: nothing (the forked readers parse)
    real = records.loads_notebook
    monkeypatch.setattr(records, "loads_notebook", lambda raw, path=None: parsed.append(path) or real(raw, path=path))
    with records.RecordIndex(log, records.StatCache(tmp_path / "forked.sqlite")) as index:
        entries = index.entries()
        assert not any(e.deferred for e in entries)
        there = {e.path.name: (e.decision, str(e.error), e.sections, e.placeholders) for e in entries}
    assert parsed == [] and here == there


def _dies(items):
    os._exit(9)


def test_a_reader_process_that_dies_leaves_its_records_to_be_read_here(tmp_path, monkeypatch, forkable):
    from adrkit.storage import records

    _big_log(tmp_path)
    monkeypatch.setattr(records, "_READ_IN_PROCESSES", 2)
    monkeypatch.setattr(records, "facts_of_files", _dies)
    with records.RecordIndex(find_log(start=tmp_path)) as index:
        titles = [e.decision.title for e in index.entries()]
    assert f"Filler {9 + FILLERS}" in titles and "Use PostgreSQL for orders" in titles
