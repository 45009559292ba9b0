"""Real ADR folders, checked against an independent human reading of every record
(tests/corpora_expected): the seven of ../shared/corpora and the fourteen of
tests/corpora. On each: every record imported and nothing else, statuses (and dates and
titles, where the reading gives them) as read, `export --format source` byte for byte,
a page per record, no broken link the source does not already break, lint silent.
The checks live in bench/roundtrip_report.py, which also prints them as a table.

When ../shared/corpora is absent its corpora do not run: the summary says so, and
with ADRKIT_REQUIRE_CORPORA=1 they fail."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import CORPORA, corpora_missing

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from roundtrip_report import TEST_CORPORA, check_corpus, corpora_in  # noqa: E402

pytestmark = pytest.mark.slow

SHARED = [p.name for p in corpora_in(CORPORA)] if CORPORA.is_dir() else ["(../shared/corpora missing)"]
OURS = [p.name for p in corpora_in(TEST_CORPORA)]


def _check(corpus: Path, tmp_path: Path) -> None:
    result = check_corpus(corpus, tmp_path)
    assert not result.error, result.error
    problems = [f"{kind}: {line}" for kind, lines in result.problems.items() for line in lines]
    assert not problems, f"{corpus.name}:\n" + "\n".join(problems)
    assert result.records and result.imported == result.statuses == result.exact == result.records
    assert result.pages == result.records


@pytest.mark.parametrize("name", SHARED)
def test_shared_corpus(name, tmp_path, request):
    if not CORPORA.is_dir():
        corpora_missing(request.node.nodeid)
    _check(CORPORA / name, tmp_path)


@pytest.mark.parametrize("name", OURS)
def test_corpus(name, tmp_path):
    _check(TEST_CORPORA / name, tmp_path)


def test_reimport_of_a_corpus_changes_nothing(tmp_path, cli):
    corpus = TEST_CORPORA / "ministryofjustice__cloud-platform"
    assert cli("init").code == 0
    first = cli("import", corpus)
    assert first.code == 0, first.err
    before = {p.name: p.read_bytes() for p in (tmp_path / "decisions").rglob("*") if p.is_file()}
    again = cli("import", corpus)
    assert again.code == 0, again.err
    assert again.out == ""  # nothing written
    assert {p.name: p.read_bytes() for p in (tmp_path / "decisions").rglob("*") if p.is_file()} == before
    assert "49 unchanged" in again.err
