"""The markdown readers and writers: every dialect's head, statuses in any spelling,
link lines, headings inside code fences, and the writers' own styles."""
from __future__ import annotations

import pytest

from adrkit.core.errors import FormatError
from adrkit.formats.markdown import (Chunk, LinkTarget, decode_markdown, html_table_to_markdown, join_chunks, parse_record_name, read_markdown, split_chunks, status_of, write_markdown)
from adrkit.core.decision import Decision, Link

NYGARD = """# 4. Use Riak

Date: 2017-07-14

## Status

Superceded by [5. Use Cassandra](0005-use-cassandra.md)

Amended by [6. Tune Riak](0006-tune-riak.md)

## Context

Text.
"""

MADR2 = """# Use the ADR slug as its unique ID

* Status: superseded by [20201016-use-slugs](20201016-use-slugs.md)
* Deciders: Alice, Bob
* Date: 2020-10-16

Technical Story: none

## Context and Problem Statement

Text.

## Links

* Refined by [ADR-0005](0005-example.md)
"""

MADR4 = """---
status: "accepted"
date: 2024-01-02
decision-makers: [Alice, Bob]
consulted: Carol
nav_order: 3
---

# Use YAML front matter

## Context and Problem Statement

```markdown
# Not a heading
status: not a status
```

## Decision Outcome
"""


def test_nygard_head_links_and_status():
    rec = read_markdown(NYGARD, path="0004-use-riak.md")
    assert rec.format == "nygard"
    assert (rec.number, rec.slug, rec.title, rec.date) == (4, "use-riak", "Use Riak", "2017-07-14")
    assert rec.status == "superseded"
    assert rec.status_text.startswith("Superceded by")
    assert [(l.rel, l.href) for l in rec.links] == [("superseded-by", "0005-use-cassandra.md"),
                                                   ("amended-by", "0006-tune-riak.md")]
    assert [c.heading for c in rec.body] == ["Context"]


def test_madr2_bullets_deciders_and_links_section():
    rec = read_markdown(MADR2, path="20200926-use-the-adr-slug.md")
    assert rec.format == "madr2"
    assert rec.file_date == "2020-09-26" and rec.number is None
    assert rec.decision_makers == ["Alice", "Bob"]
    assert rec.status == "superseded"
    rels = [(l.rel, l.href) for l in rec.links]
    assert ("superseded-by", "20201016-use-slugs.md") in rels
    assert ("refined-by", "0005-example.md") in rels
    assert rec.date == "2020-10-16"


def test_madr4_front_matter_keeps_unknown_keys_and_skips_fenced_headings():
    rec = read_markdown(MADR4, path="0013-use-yaml.md")
    assert rec.format == "madr"
    assert rec.status == "accepted" and rec.date == "2024-01-02"
    assert rec.decision_makers == ["Alice", "Bob"] and rec.consulted == ["Carol"]
    assert rec.front_matter["nav_order"] == 3
    assert [c.heading for c in rec.body] == ["Context and Problem Statement", "Decision Outcome"]


def test_every_file_splits_back_to_its_bytes():
    for text in (NYGARD, MADR2, MADR4, "no heading at all\n", "# Only a title", "# T\n\n\n## A  \n \nx\n\n\n"):
        rec = read_markdown(text, path="0001-x.md")
        rebuilt = (rec.head + rec.head_gap if rec.head else "") + join_chunks(rec.body) + rec.tail
        assert rebuilt == text


@pytest.mark.parametrize("text,status", [
    ("Accepted", "accepted"), ("accepted.", "accepted"), ("✅ Approved", "accepted"),
    ("In Review", "proposed"), ("Under Review", "proposed"), ("Pending", "proposed"),
    ("Superseded by [3. X](0003-x.md)", "superseded"), ("superceded", "superseded"),
    ("Partly superseded", "superseded"), ("DEPRECATED", "deprecated"), ("proposé", "proposed"),
    ("accepté", "accepted"), ("on hold", None),
])
def test_status_spellings(text, status):
    assert status_of(text) == status


def test_record_names():
    assert parse_record_name("0007-use-x.md") == (7, None, "use-x")
    assert parse_record_name("20201016-use-x.md") == (None, "2020-10-16", "use-x")
    assert parse_record_name("20240516132303-use-x.md") == (None, "2024-05-16", "use-x")
    assert parse_record_name("README.md") is None


def test_binary_and_non_utf8_files_are_format_errors():
    with pytest.raises(FormatError, match="binary"):
        decode_markdown(b"\x89PNG\r\n\x1a\n\x00\x00", path="0001-x.md")
    with pytest.raises(FormatError, match="UTF-8"):
        decode_markdown("caf\xe9".encode("latin-1"), path="0001-x.md")


def test_broken_front_matter_is_a_format_error():
    with pytest.raises(FormatError, match="front matter"):
        read_markdown("---\nstatus: [accepted\n---\n# X\n", path="0001-x.md")
    with pytest.raises(FormatError, match="closing"):
        read_markdown("---\nstatus: accepted\n# X\n", path="0001-x.md")


def test_split_chunks_keeps_fenced_headings_inside():
    chunks = split_chunks("## A\n\n~~~\n## inside\n~~~\n\n## B\nx")
    assert [c.heading for c in chunks] == ["A", "B"]
    assert join_chunks(chunks) == "## A\n\n~~~\n## inside\n~~~\n\n## B\nx"


def _decision(**kw) -> Decision:
    base = dict(number=3, slug="use-postgresql", title="Use PostgreSQL", status="accepted", date="2026-01-01")
    base.update(kw)
    return Decision(**base)


def _resolve(stem):
    return {"0002-use-mysql": LinkTarget(2, "Use MySQL", "0002-use-mysql.md"),
            "0001-record": LinkTarget(1, "Record", "0001-record.md")}.get(stem)


def test_nygard_writer_writes_what_adr_tools_writes():
    d = _decision(supersedes=["0002-use-mysql"], links=[Link("amends", "0001-record")])
    text = write_markdown(d, [Chunk("## Context\n\nWhy.")], "nygard", resolve=_resolve)
    assert text == ("# 3. Use PostgreSQL\n\nDate: 2026-01-01\n\n## Status\n\nAccepted\n\n"
                    "Supersedes [2. Use MySQL](0002-use-mysql.md)\n\n"
                    "Amends [1. Record](0001-record.md)\n\n## Context\n\nWhy.\n")
    old = _decision(number=2, slug="use-mysql", title="Use MySQL", status="superseded",
                    superseded_by=["0003-use-postgresql"])
    text = write_markdown(old, [], "adr-tools",
                          resolve=lambda s: LinkTarget(3, "Use PostgreSQL", "0003-use-postgresql.md"))
    assert "## Status\n\nSuperseded by [3. Use PostgreSQL](0003-use-postgresql.md)\n" in text
    assert "\nSuperseded\n" not in text


def test_madr_writer_front_matter_and_madr2_bullets():
    d = _decision(decision_makers=["Ann"], tags=["db"], superseded_by=["0004-x"], status="superseded")
    text = write_markdown(d, [Chunk("## Context and Problem Statement\n\nWhy.")], "madr")
    assert text.startswith("---\nstatus: superseded\ndate: 2026-01-01\ndecision-makers:\n- Ann\n")
    assert "\n---\n\n# Use PostgreSQL\n\n## Context" in text
    text = write_markdown(d, [], "log4brains",
                          resolve=lambda s: LinkTarget(4, "X", "0004-x.md"))
    assert text.startswith("# Use PostgreSQL\n\n- Status: superseded by [0004-x](0004-x.md)\n"
                           "- Deciders: Ann\n- Date: 2026-01-01\n- Tags: db\n")


def test_writer_gives_the_imported_head_back_until_a_field_changes():
    from adrkit.formats.markdown import SOURCE_KEY, fingerprint, split_head

    rec = read_markdown(MADR4, path="0013-use-yaml.md")
    d = _decision(number=13, slug="use-yaml", title=rec.title, status=rec.status, date=rec.date,
                  decision_makers=rec.decision_makers, consulted=rec.consulted)
    d.extra[SOURCE_KEY] = {"format": "madr", "front-matter-keys": rec.front_matter_keys,
                           **split_head(rec), "gap": rec.head_gap}
    d.extra[SOURCE_KEY]["fingerprint"] = fingerprint(d)
    assert write_markdown(d, rec.body, "madr") == MADR4
    d.status = "deprecated"
    changed = write_markdown(d, rec.body, "madr")
    assert "status: deprecated" in changed and "nav_order: 3" in changed
    assert changed.index("status:") < changed.index("nav_order:")  # original key order kept


def test_html_table_to_markdown_reads_pandas_tables():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"option": ["A", "B|C"], "score": [1.5, 2]})
    table = html_table_to_markdown(df.to_html())
    assert table.split("\n")[0] == "|  | option | score |"
    assert "| 1 | B\\|C | 2.0 |" in table
    assert html_table_to_markdown("<p>no table</p>") is None
