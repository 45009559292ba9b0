"""The markdown reader and writers: every dialect's fields wherever they are written,
statuses in any spelling, link lines, headings inside code fences and comments, the
text kept byte for byte, and the writers' own styles."""
from __future__ import annotations

import re

import pytest

from adrkit.core.errors import FormatError
from adrkit.formats.markdown import (SOURCE_KEY, Chunk, LinkTarget, decode_markdown, fingerprint,
                                     html_table_to_markdown, iter_links, join_chunks, parse_record_name,
                                     read_date, read_markdown, split_sections, status_of, write_markdown)
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

<!--
## Status

Rejected
-->

## Decision Outcome
"""


def test_nygard_head_links_and_status():
    rec = read_markdown(NYGARD, path="0004-use-riak.md")
    assert rec.format == "nygard"
    assert (rec.number, rec.slug, rec.title, rec.date) == (4, "use-riak", "Use Riak", "2017-07-14")
    assert rec.status == "superseded"
    assert rec.status_text.startswith("Superceded by")
    assert sorted((l.rel, l.href) for l in rec.links) == [("amended-by", "0006-tune-riak.md"),
                                                         ("superseded-by", "0005-use-cassandra.md")]
    assert [c.heading for c in rec.body] == ["4. Use Riak", "Status", "Context"]
    assert [c.role for c in rec.body] == ["head", "status", None]
    head, status = rec.body[0], rec.body[1]
    assert head.fields == {"title": [0, "Use Riak"], "date": [2, "2017-07-14"]}
    assert status.fields["status"] == [2, "Superceded by [5. Use Cassandra](0005-use-cassandra.md)"]


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


def test_madr4_front_matter_keeps_unknown_keys_and_skips_fenced_and_commented_headings():
    rec = read_markdown(MADR4, path="0013-use-yaml.md")
    assert rec.format == "madr"
    assert rec.status == "accepted" and rec.date == "2024-01-02"
    assert rec.decision_makers == ["Alice", "Bob"] and rec.consulted == ["Carol"]
    assert rec.front_matter["nav_order"] == 3
    assert [c.heading for c in rec.body] == ["Use YAML front matter", "Context and Problem Statement",
                                             "Decision Outcome"]


@pytest.mark.parametrize("text", [
    NYGARD, MADR2, MADR4, "no heading at all\n", "# Only a title", "# T\n\n\n## A  \n \nx\n\n\n",
    "\ufeff# T\r\n\r\nStatus: Accepted\r\n", "+++\ntitle = \"T\"\n+++\n\nBody\n", "\n\n# Late start\n",
    "---\ncategory:Web\n---\n# T\n", "# Mixed\r\nends\n", "Setext\n======\n\nStatus\n------\nAccepted",
])
def test_every_file_splits_back_to_its_bytes(text):
    rec = read_markdown(text, path="0001-x.md")
    assert ("\ufeff" if rec.bom else "") + rec.text() == text


@pytest.mark.parametrize("text,status", [
    ("Accepted", "accepted"), ("accepted.", "accepted"), ("✅ Approved", "accepted"),
    ("In Review", "proposed"), ("Under Review", "proposed"), ("Pending", "proposed"),
    ("Superseded by [3. X](0003-x.md)", "superseded"), ("superceded", "superseded"),
    ("Partly superseded", "superseded"), ("DEPRECATED", "deprecated"), ("proposé", "proposed"),
    ("accepté", "accepted"), ("on hold", "proposed"), ("Depreciated", "deprecated"),
    ("**Accepted**", "accepted"), ("{Active}", "accepted"), ("`RFC`", "proposed"),
    ("Accepted (records an existing practice)", "accepted"), ("Rejected in favour of ADR 111", "rejected"),
    ("⌛️ Superseded by [012. Event store](012-event-store.md)", "superseded"),
    ("Ersetzt durch [X](0003-x.md)", "superseded"), ("已被 [X](0003-x.md) 取代", "superseded"),
    ("Aceito", "accepted"), ("Estado raro", None), ("proposed | accepted | rejected", None),
    ("列表：提议/通过/完成/已弃用/已取代", None), ("Reverted", "deprecated"), ("implementable", "accepted"),
])
def test_status_spellings(text, status):
    assert status_of(text) == status


def test_a_status_history_reads_as_its_last_entry_and_a_legend_is_skipped():
    text = "# 7. X\n\n## 状态\n\n列表：提议/通过/完成/已弃用/已取代\n\n2017-11-23 提议\n\n2017/11/24 完成\n"
    rec = read_markdown(text, path="0007-x.md")
    assert rec.status == "accepted" and rec.status_text == "2017/11/24 完成"


@pytest.mark.parametrize("text,iso", [
    ("2020-01-02", "2020-01-02"), ("14/03/2020", "2020-03-14"), ("03/15/2020", "2020-03-15"),
    ("19.04.2021", "2021-04-19"), ("January 2020", "2020-01"), ("2 January 2020", "2020-01-02"),
    ("Dec 19, 2022", "2022-12-19"), ("2023-13-10", None), ("dd/mm/YYYY", None),
    ("2022-10-05 (Updated 2023-07-12)", "2022-10-05"), ("&#x31;2/16/2024", "2024-12-16"),
])
def test_dates(text, iso):
    assert read_date(text).iso == iso


def test_record_names():
    cases = {
        "0007-use-x.md": (7, None, "use-x"), "007_use_x.md": (7, None, "use_x"), "1-x.md": (1, None, "x"),
        "ADR-0003-x.md": (3, None, "x"), "adr-001-x.md": (1, None, "x"), "ADR_001.md": (1, None, ""),
        "adr0001.md": (1, None, ""), "20201016-use-x.md": (None, "2020-10-16", "use-x"),
        "2020-10-16-use-x.md": (None, "2020-10-16", "use-x"), "2020-10-16_use_x.md": (None, "2020-10-16", "use_x"),
        "20240516132303-use-x.md": (None, "2024-05-16", "use-x"),
        "2021-06-05_001-record.md": (1, "2021-06-05", "record"), "2026-01-cms.md": (None, "2026-01", "cms"),
        "use-ethnio.md": (None, None, "use-ethnio"),
    }
    for name, want in cases.items():
        parsed = parse_record_name(name)
        assert (parsed.number, parsed.date, parsed.slug) == want, name
    assert parse_record_name("ADR-XXX_title.md").placeholder


def test_binary_and_non_utf8_files_are_format_errors():
    with pytest.raises(FormatError, match="binary"):
        decode_markdown(b"\x89PNG\r\n\x1a\n\x00\x00", path="0001-x.md")
    with pytest.raises(FormatError, match="UTF-8"):
        decode_markdown("caf\xe9".encode("latin-1"), path="0001-x.md")


def test_broken_front_matter_is_read_line_by_line_and_reported():
    rec = read_markdown("---\nstatus: [accepted\ndate: 2020-01-01\n---\n# X\n", path="0001-x.md")
    assert rec.date == "2020-01-01" and rec.status is None
    assert any("line 2" in n.message and n.level == "warning" for n in rec.notes)
    rec = read_markdown("---\nstatus: accepted\n# X\n", path="0001-x.md")  # unclosed: a thematic break
    assert rec.front_matter_block is None


@pytest.mark.parametrize("block, bad", [("---\ntitle: A\ncategory:Web\nstatus: accepted\n---\n", 3),
                                        ("---\ntitle: \"A\nstatus: accepted\n---\n", 2),
                                        ("+++\ntitle = \"A\"\nbad line\nstatus = \"accepted\"\n+++\n", 3)])
def test_broken_front_matter_warnings_name_only_the_line_that_is_wrong(block, bad):
    """The parser's own position (often the line after, or counted inside the block)
    is not repeated beside the line that was read and found wrong."""
    rec = read_markdown(block + "# X\n", path="0001-x.md")
    lines = {int(n) for note in rec.notes for n in re.findall(r"\bline (\d+)", note.message)}
    assert lines == {bad}, [n.message for n in rec.notes]
    assert rec.status == "accepted"


def test_split_sections_keeps_fenced_headings_inside():
    chunks = split_sections("## A\n\n~~~\n## inside\n~~~\n\n## B\nx")
    assert [c.heading for c in chunks] == ["A", "B"]
    assert join_chunks(chunks) == "## A\n\n~~~\n## inside\n~~~\n\n## B\nx"


def test_links_keep_their_destination_as_written():
    text = "[a (b)](0001-x.md#c \"t\") ![i](<my img.png>) <a href='y.md'>y</a>\n\n[r]: ./r.md\n"
    assert [(l.is_image, l.href, l.kind) for l in iter_links(text)] == [
        (False, "0001-x.md#c", "inline"), (True, "my img.png", "inline"), (False, "y.md", "html"),
        (False, "./r.md", "reference")]


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


def _imported(text: str, path: str) -> tuple[Decision, list[Chunk]]:
    rec = read_markdown(text, path=path)
    d = _decision(number=rec.number or 1, slug="x", title=rec.title, status=rec.status or "", date=rec.date,
                  decision_makers=rec.decision_makers, consulted=rec.consulted, tags=rec.tags)
    source = {"format": rec.format, "file": path, "gap": rec.head_gap, "tail": rec.tail,
              "front-matter-keys": rec.front_matter_keys}
    if rec.front_matter_block is not None:
        source["front-matter"] = "\n".join(rec.front_matter_block.split("\n")[1:-1])
    d.extra[SOURCE_KEY] = source
    d.extra[SOURCE_KEY]["fingerprint"] = fingerprint(d)
    return d, rec.body


def test_writer_gives_the_text_back_until_a_field_changes_then_changes_it_in_place():
    d, body = _imported(MADR4, "0013-use-yaml.md")
    assert write_markdown(d, body, "madr") == MADR4
    d.status = "deprecated"
    changed = write_markdown(d, body, "madr")
    assert changed == MADR4.replace('status: "accepted"', "status: deprecated")


@pytest.mark.parametrize("text,old,new", [
    ("# 1. X\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\n## Context\n\nY.\n", "Accepted", "Deprecated"),
    ("# X\n\n* **Status:** Accepted\n* **Date:** 2020-01-02\n\n## Context\n\nY.\n", "* **Status:** Accepted",
     "* **Status:** Deprecated"),
    ("# X\n\n| Status | Date |\n| --- | --- |\n| Accepted | 2020-01-02 |\n", "| Accepted | 2020-01-02 |",
     "| Deprecated | 2020-01-02 |"),
    ("# X\n\n- Status: accepted\n- Date: 2020-01-02\n", "- Status: accepted", "- Status: deprecated"),
])
def test_a_changed_status_is_written_where_the_record_wrote_it(text, old, new):
    d, body = _imported(text, "0001-x.md")
    d.status = "deprecated"
    out = write_markdown(d, body, read_markdown(text, path="0001-x.md").format)
    assert out == text.replace(old, new)


def test_a_field_the_record_did_not_state_is_added_like_its_other_metadata():
    d, body = _imported("# X\n\n* Status: accepted\n\n## Context\n\nY.\n", "0001-x.md")
    d.tags = ["db"]
    out = write_markdown(d, body, "madr2")
    assert out == "# X\n\n* Status: accepted\n* Tags: db\n\n## Context\n\nY.\n"


def test_html_table_to_markdown_reads_pandas_tables():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"option": ["A", "B|C"], "score": [1.5, 2]})
    table = html_table_to_markdown(df.to_html())
    assert table.split("\n")[0] == "|  | option | score |"
    assert "| 1 | B\\|C | 2.0 |" in table
    assert html_table_to_markdown("<p>no table</p>") is None


@pytest.mark.parametrize("text,status", [
    ("[Accepted](https://example.org/review/12)", "accepted"), ("Proposed → Accepted", "accepted"),
    ("Proposed -> Rejected", "rejected"), ("~~Proposed~~ Accepted", "accepted"),
])
def test_status_words_in_a_link_after_an_arrow_or_beside_struck_words(text, status):
    assert status_of(text) == status


def test_names_with_prefix_dates_and_dots_and_guides_beside_the_records():
    from adrkit.formats.markdown import is_index_name

    assert (parse_record_name("adr-2021-05-03-title.md").date, parse_record_name("ADR.001.title.md").number) \
        == ("2021-05-03", 1)
    assert is_index_name("how-to-write-adrs.md") and is_index_name("adr-guide.md")
    assert not is_index_name("0005-write-a-guide.md") and not is_index_name("use-ethnio.md")


@pytest.mark.parametrize("text,title,status,date", [
    ("# X\n\n## Status: Accepted\n\nText\n", "X", "accepted", ""),
    ("# X\n\n**Status**\n\nAccepted\n\n**Date**\n\n2020-01-02\n\n## Context\n", "X", "accepted", "2020-01-02"),
    ("# X\n\n## Metadata\n\n- Status: Rejected\n- Date: 2021-02-03\n\n## Context\n\nY\n", "X", "rejected", "2021-02-03"),
    ("## ADR 5: Use X\n\nStatus: proposed\n\n## Context\n", "Use X", "proposed", ""),
    ("# X\n\n> **Status:** Accepted\n> **Date:** 2020-01-02\n", "X", "accepted", "2020-01-02"),
    ("---\nstatus: [proposed, accepted]\ncreated_at: 2025-07-02T16:05:00Z\n---\n# ADR-008: Y {#adr-8}\n", "Y",
     "accepted", "2025-07-02"),
])
def test_more_places_people_write_metadata(text, title, status, date):
    rec = read_markdown(text, path="0005-x.md")
    assert (rec.title, rec.status, rec.date) == (title, status, date)
    assert rec.text() == text


@pytest.mark.parametrize("line,date", [
    ("Date January 2016", "2016-01"), ("Date 3 January 2016", "2016-01-03"), ("* Date Jan 5, 2016", "2016-01-05"),
    ("日期 2016-01-02", "2016-01-02"), ("Datum 14.03.2020", "2020-03-14"),
    ("Data is kept in one database", ""), ("Date night is on Friday", ""),
])
def test_a_date_line_without_a_colon_in_any_shape_is_read_and_a_sentence_is_not(line, date):
    rec = read_markdown(f"# X\n\n{line}\n\n## Status\n\nAccepted\n", path="0001-x.md")
    assert (rec.date, rec.status) == (date, "accepted") and rec.text() == f"# X\n\n{line}\n\n## Status\n\nAccepted\n"
