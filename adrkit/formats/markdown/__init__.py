"""Markdown decision records: read adr-tools/Nygard, MADR 2/3/4 and log4brains files,
write MADR 4, MADR 2 (log4brains) and Nygard (adr-tools) files.

Pure text in, text out; no file I/O. A file is read into a `MarkdownRecord`: the
*head* (front matter, title, metadata lines, the Nygard status section) parsed into
fields, and the *body* split at headings (outside code fences) into `Chunk`s kept
verbatim. The head's exact text is kept too, with a fingerprint of the fields it
encodes (`fingerprint`): a writer emits the original head again when the fields are
unchanged, and writes a fresh head in its format's style when they are not. That is
how an imported record comes back byte for byte, while a status changed in adrkit
still reaches the exported file.

Format names: `madr` (MADR 3/4, YAML front matter), `madr2` (metadata bullets under
the title, as MADR 2 and log4brains write them), `nygard` (adr-tools: `# N. Title`,
`Date:`, `## Status` with link lines).
"""
from adrkit.formats.markdown.reader import read_markdown
from adrkit.formats.markdown.tables import html_table_to_markdown
from adrkit.formats.markdown.text import (FORMAT_ALIASES, FORMATS, SOURCE_KEY, Chunk, MarkdownRecord, Note, RawLink,
                                          decode_markdown, iter_links, join_chunks, parse_record_name,
                                          rel_of, section_key, split_chunks, status_of)
from adrkit.formats.markdown.writer import LinkTarget, fingerprint, original_head, split_head, write_markdown

__all__ = [
    "FORMATS",
    "FORMAT_ALIASES",
    "SOURCE_KEY",
    "Chunk",
    "RawLink",
    "Note",
    "MarkdownRecord",
    "decode_markdown",
    "read_markdown",
    "parse_record_name",
    "status_of",
    "rel_of",
    "fingerprint",
    "split_head",
    "original_head",
    "section_key",
    "split_chunks",
    "iter_links",
    "LinkTarget",
    "write_markdown",
    "join_chunks",
    "html_table_to_markdown",
]
