"""Markdown record text: format names, the data a record is read into (`Chunk`,
`MarkdownRecord`, ...), decoding bytes and joining chunks back into text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from adrkit.core.errors import FormatError

__all__ = ["FORMATS", "FORMAT_ALIASES", "SOURCE_KEY", "Chunk", "RawLink", "Note", "MarkdownRecord",
           "decode_markdown", "join_chunks"]

FORMATS = ("madr", "madr2", "nygard")
FORMAT_ALIASES = {"madr": "madr", "madr4": "madr", "madr3": "madr", "madr2": "madr2",
                  "log4brains": "madr2", "nygard": "nygard", "adr-tools": "nygard"}
SOURCE_KEY = "source"  # front matter key holding what export needs to reproduce a file


@dataclass
class Chunk:
    """One section of a record: a heading (or none, for text before the first
    heading) and the text under it, verbatim; `gap` is the whitespace after it.

    `role` says what an imported section holds besides prose: 'head' (the title and
    the metadata lines under it) or 'status' (a status section). `fields` maps each
    field written in the chunk to [line, value as written] (line counted from 0 in
    `text`), `links` lists the typed link lines as [line, rel, href], and `drop`
    the lines that carry only fields (left out when the record is written in
    another format)."""

    text: str
    gap: str = "\n\n"
    heading: str | None = None
    level: int = 0
    role: str | None = None
    fields: dict[str, list[Any]] = field(default_factory=dict)
    links: list[list[Any]] = field(default_factory=list)
    drop: list[int] = field(default_factory=list)

    @property
    def key(self) -> str | None:
        from adrkit.formats.markdown.vocabulary import section_key

        return section_key(self.heading) if self.heading else None

    def meta(self) -> dict[str, Any]:
        """What a notebook cell keeps of the chunk in its `adrkit` metadata."""
        out: dict[str, Any] = {}
        if self.key:
            out["section"] = self.key
        if self.role:
            out["role"] = self.role
        if self.fields:
            out["fields"] = {k: list(v) for k, v in self.fields.items()}
        if self.links:
            out["links"] = [list(x) for x in self.links]
        if self.drop:
            out["drop"] = sorted(set(self.drop))
        return out


@dataclass
class RawLink:
    """A typed link as written ("Superseded by [..](href)"), before resolution."""

    rel: str
    href: str
    text: str
    where: str


@dataclass
class Note:
    """Something not understood, guessed or dangling, reported per file."""

    kind: str
    message: str
    level: str = "note"  # note | warning | error

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "level": self.level, "message": self.message}


@dataclass
class MarkdownRecord:
    """What a markdown decision file says, with everything needed to write it again."""

    path: str
    format: str
    title: str
    number: int | None = None
    file_date: str | None = None
    slug: str = ""
    title_from: str = "heading"  # heading | front matter | metadata | file name
    title_bracketed: bool = False  # the heading kept a template's square brackets: '# [Title]'
    status: str | None = None
    status_text: str | None = None
    date: str = ""
    date_text: str | None = None
    date_ambiguous: bool = False
    decision_makers: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    front_matter: dict[str, Any] | None = None
    front_matter_block: str | None = None  # the front matter as written, fences included
    front_matter_kind: str = "yaml"
    front_matter_complete: bool = True
    front_matter_keys: dict[str, str] = field(default_factory=dict)  # field -> key as written
    metadata_extra: dict[str, str] = field(default_factory=dict)
    links: list[RawLink] = field(default_factory=list)
    head: str = ""  # the front matter block as written ('' when there is none)
    head_gap: str = ""  # what lies between the front matter and the first chunk
    body: list[Chunk] = field(default_factory=list)
    tail: str = "\n"
    eol: str = "\n"
    bom: bool = False
    notes: list[Note] = field(default_factory=list)

    def note(self, kind: str, message: str, level: str = "note") -> None:
        self.notes.append(Note(kind, message, level))

    def text(self) -> str:
        """The file's text again (after its BOM, line ends as read)."""
        out = self.head + self.head_gap + join_chunks(self.body) + self.tail
        return out.replace("\n", "\r\n") if self.eol == "\r\n" else out


def decode_markdown(raw: bytes, *, path: Any = None) -> str:
    """Bytes of a .md file as text; a binary or non-UTF-8 file is a FormatError."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FormatError("is UTF-16 text", path=path,
                          fix="convert it to UTF-8 (iconv -f utf-16 -t utf-8) and import again")
    if b"\x00" in raw[:8192]:
        raise FormatError("is a binary file, not markdown text", path=path,
                          fix="remove it from the folder or rename it so it does not end in .md")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise FormatError("is not UTF-8 text", path=path, where=f"line {line}",
                          fix="convert the file to UTF-8 (iconv -t utf-8) and import again")


def join_chunks(chunks: Iterable[Chunk], *, last_gap: str | None = None) -> str:
    chunks = list(chunks)
    out = []
    for i, c in enumerate(chunks):
        out.append(c.text)
        if i < len(chunks) - 1:
            out.append(c.gap if c.gap else "\n\n")
        elif last_gap is not None:
            out.append(last_gap)
    return "".join(out)
