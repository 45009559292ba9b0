"""Markdown decision records: read any ADR file (adr-tools/Nygard, MADR 2/3/4,
log4brains, and the many shapes in between), write MADR 4, MADR 2 (log4brains) and
Nygard (adr-tools) files.

Pure text in, text out; no file I/O. A file is read (`reader`) with markdown-it-py
into a `MarkdownRecord`: the fields (title, status, date, people, tags, typed links)
from wherever they are written, and the whole text after the front matter cut at its
headings into `Chunk`s kept verbatim, each saying which fields it carries and on
which line. A writer (`writer`) gives the text back byte for byte while the fields
are unchanged, changes a value in place when one changed, and writes a fresh head in
another format's style.

Format names: `madr` (MADR 3/4, YAML front matter), `madr2` (metadata bullets under
the title, as MADR 2 and log4brains write them), `nygard` (adr-tools: `# N. Title`,
`Date:`, `## Status` with link lines).
"""
from adrkit.formats.markdown.blocks import iter_links, split_sections
from adrkit.formats.markdown.names import (FOLDER_PAGES, RecordName, is_index_name, is_markdown_name, is_template_name,
                                           parse_record_name)
from adrkit.formats.markdown.reader import read_markdown, strip_number
from adrkit.formats.markdown.statuses import read_status, status_of
from adrkit.formats.markdown.dates import read_date, slash_order
from adrkit.formats.markdown.tables import html_table_to_markdown
from adrkit.formats.markdown.text import (FORMAT_ALIASES, FORMATS, SOURCE_KEY, Chunk, MarkdownRecord, Note, RawLink,
                                          decode_markdown, join_chunks)
from adrkit.formats.markdown.vocabulary import rel_of, section_key
from adrkit.formats.markdown.writer import LinkTarget, fingerprint, original_head, write_markdown

__all__ = [
    "FORMATS",
    "FORMAT_ALIASES",
    "SOURCE_KEY",
    "Chunk",
    "RawLink",
    "Note",
    "MarkdownRecord",
    "RecordName",
    "FOLDER_PAGES",
    "decode_markdown",
    "read_markdown",
    "strip_number",
    "read_status",
    "read_date",
    "slash_order",
    "parse_record_name",
    "is_index_name",
    "is_template_name",
    "is_markdown_name",
    "status_of",
    "rel_of",
    "fingerprint",
    "original_head",
    "section_key",
    "split_sections",
    "iter_links",
    "LinkTarget",
    "write_markdown",
    "join_chunks",
    "html_table_to_markdown",
]
