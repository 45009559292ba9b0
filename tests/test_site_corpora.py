"""Real ADR folders from public repositories (../shared/corpora), imported with the
markdown importer and built into a site: every record gets a page and an index row,
and every page keeps the site's safety properties.

Skips with a reason when the corpora are not there."""
from __future__ import annotations

import json

import pytest

from adrkit.storage.log import find_log, init_log
from test_publish import assert_safe_page, build, parse

pytestmark = pytest.mark.slow

from adrkit.services.importer import import_markdown


def corpus_names(corpora_root):
    return sorted(p.name for p in corpora_root.iterdir() if p.is_dir())


@pytest.fixture
def importer():
    return import_markdown


def test_every_corpus_builds_with_every_record(corpora, importer, tmp_path):
    for name in corpus_names(corpora):
        root = tmp_path / name
        log, _ = init_log(root)
        importer(corpora / name, log)
        log = find_log(start=root)
        records = log.record_paths()
        assert records, f"{name}: nothing imported"
        report = build(root)
        assert not report.failures, f"{name}: {[str(f) for f in report.failures]}"
        site = root / "site"
        assert report.pages == len(records) - sum(
            1 for r in log.load_all()[0] if r.decision.status == "draft"), name
        data = json.loads((site / "decisions.json").read_text(encoding="utf-8"))
        stems = {d["stem"] for d in data["decisions"]}
        index = parse(site / "index.html")
        rows = {e.attrs["data-stem"] for e in index.find("tr") if "data-stem" in e.attrs}
        for path in records:
            rec = log.read(path)
            if rec.decision.status == "draft":
                continue
            assert rec.decision.stem in stems and rec.decision.stem in rows, f"{name}: {path.name}"
            page = site / f"{rec.decision.stem}.html"
            assert page.is_file(), f"{name}: {page.name}"
            assert_safe_page(page)
        again = build(root)
        assert again.converted == 0 and again.pages == report.pages, name
