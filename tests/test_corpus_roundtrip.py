"""Round-trip fidelity on the real ADR folders in ../shared/corpora: import each
corpus, export every record back to its own format, and compare with the source.

Every record must come back exactly (after normalizing whitespace and line endings);
the byte-identical share and the worst similarity are checked too, so a regression
shows which record and where."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import CORPORA

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from roundtrip_report import corpora_in, roundtrip  # noqa: E402

NAMES = [p.name for p in corpora_in(CORPORA)] if CORPORA.is_dir() else ["(no corpora)"]


@pytest.mark.parametrize("name", NAMES)
def test_corpus_roundtrip(corpora, tmp_path, name):
    corpus = corpora / name
    result = roundtrip(corpus, tmp_path)
    assert not result.error, result.error
    expected = sum(1 for p in corpus.rglob("*.md") if p.name[:1].isdigit())
    assert len(result.records) == expected, "every record file is imported and exported"
    not_exact = [f"{r.source}: {r.ratio:.4f} {r.reason}" for r in result.records if not r.exact]
    assert not not_exact, "records not reproduced:\n" + "\n".join(not_exact)
    assert result.worst == 1.0
    assert result.byte_share == 1.0, [r.source for r in result.records if not r.byte_exact]


def test_reimport_of_a_corpus_changes_nothing(corpora, tmp_path, cli):
    corpus = corpora / "alphagov__govuk-aws"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is absent")
    assert cli("init").code == 0
    first = cli("import", corpus)
    assert first.code == 0, first.err
    before = {p.name: p.read_bytes() for p in (tmp_path / "decisions").iterdir()}
    again = cli("import", corpus)
    assert again.code == 0, again.err
    assert again.out == ""  # nothing written
    assert {p.name: p.read_bytes() for p in (tmp_path / "decisions").iterdir()} == before
    assert "38 unchanged" in again.err
