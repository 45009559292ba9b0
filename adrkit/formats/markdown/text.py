"""Markdown record text: format names, record file names, statuses and link words,
the data a record is read into (`Chunk`, `MarkdownRecord`, ...), decoding bytes,
splitting a body at its headings, and finding links."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from adrkit.core.decision import canonical_status
from adrkit.core.errors import FormatError


FORMATS = ("madr", "madr2", "nygard")
FORMAT_ALIASES = {"madr": "madr", "madr4": "madr", "madr3": "madr", "madr2": "madr2",
                  "log4brains": "madr2", "nygard": "nygard", "adr-tools": "nygard"}
SOURCE_KEY = "source"  # front matter key holding what export needs to reproduce a file

# --- small text helpers ------------------------------------------------------------

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_ATX = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REFDEF = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_CODESPAN = re.compile(r"(`+).+?\1")


def _plain_heading(text: str) -> str:
    """A heading's words: comments, emphasis and trailing colons removed."""
    text = _COMMENT.sub("", text or "")
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split()).strip(" :")


def _fold(text: str) -> str:
    """Lower-case and without accents, for matching keys written in any language."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip()


def status_of(text: str | None) -> str | None:
    """The canonical status a status text means, in any spelling, or None."""
    if text is None:
        return None
    return canonical_status(_LINK.sub(" ", str(text)))


# Link words as adr-tools, MADR and log4brains write them, mapped to adrkit's link types.
_REL_WORDS = {
    "superseded by": "superseded-by", "superceded by": "superseded-by", "replaced by": "superseded-by",
    "supersedes": "supersedes", "supercedes": "supersedes", "replaces": "supersedes",
    "superseded": "superseded-by", "superceded": "superseded-by",
}
_REL_LABELS = {"supersedes": "Supersedes", "superseded-by": "Superseded by"}


def rel_of(words: str) -> str | None:
    """'Amended by' -> 'amended-by', 'Superceded by' -> 'superseded-by'; None if not words."""
    words = " ".join(_plain_heading(words).lower().split())
    if not words or not re.fullmatch(r"[a-z][a-z -]*", words):
        return None
    return _REL_WORDS.get(words, words.replace(" ", "-"))


def rel_label(rel: str) -> str:
    """'amended-by' -> 'Amended by' (the words adr-tools writes before a link)."""
    if rel in _REL_LABELS:
        return _REL_LABELS[rel]
    words = rel.replace("-", " ")
    return words[:1].upper() + words[1:]


# --- record file names ---------------------------------------------------------------

_NUMBERED = re.compile(r"^(?P<number>\d{1,6})-(?P<slug>.+)\.md$", re.I)
_DATED = re.compile(r"^(?P<date>\d{8}|\d{14})-(?P<slug>.+)\.md$", re.I)


def parse_record_name(name: str) -> tuple[int | None, str | None, str] | None:
    """'0007-use-x.md' -> (7, None, 'use-x'); '20201016-use-x.md' -> (None, '2020-10-16',
    'use-x'); None when the name is not a record's."""
    m = _NUMBERED.match(name)
    if m:
        return int(m.group("number")), None, m.group("slug")
    m = _DATED.match(name)
    if m:
        d = m.group("date")
        return None, f"{d[:4]}-{d[4:6]}-{d[6:8]}", m.group("slug")
    return None


# --- data ---------------------------------------------------------------------------

@dataclass
class Chunk:
    """One section of a body: a heading (or none, for text before the first heading)
    and the text under it, verbatim; `gap` is the whitespace that followed it."""

    text: str
    gap: str = "\n\n"
    heading: str | None = None
    level: int = 0

    @property
    def key(self) -> str | None:
        return section_key(self.heading) if self.heading else None


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
    status: str | None = None
    status_text: str | None = None
    date: str = ""
    date_text: str | None = None
    decision_makers: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    front_matter: dict[str, Any] | None = None
    front_matter_block: str | None = None  # the front matter as written, fences included
    front_matter_keys: dict[str, str] = field(default_factory=dict)  # field -> key as written
    metadata_extra: dict[str, str] = field(default_factory=dict)
    links: list[RawLink] = field(default_factory=list)
    head: str = ""
    head_gap: str = ""
    body: list[Chunk] = field(default_factory=list)
    tail: str = "\n"
    eol: str = "\n"
    bom: bool = False
    notes: list[Note] = field(default_factory=list)

    def note(self, kind: str, message: str, level: str = "note") -> None:
        self.notes.append(Note(kind, message, level))


# --- decoding ---------------------------------------------------------------------------

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


# --- splitting ---------------------------------------------------------------------------

def _fence_mask(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside (or is the edge of) a fenced code block."""
    mask, fence = [], None
    for line in lines:
        m = _FENCE.match(line)
        if fence is None:
            if m:
                fence = m.group(1)
                mask.append(True)
                continue
            mask.append(False)
        else:
            mask.append(True)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not line.strip()[len(m.group(1)):].strip():
                fence = None
    return mask


def _heading_of(line: str) -> tuple[int, str] | None:
    m = _ATX.match(line)
    if not m:
        return None
    text = re.sub(r"\s+#+\s*$", "", m.group(2) or "")
    return len(m.group(1)), text.strip()


def _split_gap(text: str) -> tuple[str, str]:
    """Text without its trailing whitespace, and that whitespace."""
    end = len(text.rstrip(" \t\n"))
    return text[:end], text[end:]


def split_chunks(text: str, *, max_level: int = 6) -> list[Chunk]:
    """Cut markdown at ATX headings outside code fences; each chunk keeps its text
    verbatim and the whitespace after it."""
    lines = text.split("\n")
    mask = _fence_mask(lines)
    starts = [0]
    for i, line in enumerate(lines):
        if i and not mask[i]:
            h = _heading_of(line)
            if h and h[0] <= max_level:
                starts.append(i)
    chunks = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        piece = "\n".join(lines[start:end]) + ("\n" if end < len(lines) else "")
        body, gap = _split_gap(piece)
        if not body.strip():
            if chunks:
                chunks[-1].gap += piece
            continue
        h = _heading_of(lines[start]) if not mask[start] else None
        chunks.append(Chunk(body, gap, h[1] if h else None, h[0] if h else 0))
    return chunks


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


_SECTION_KEYS = {
    "context and problem statement": "context", "context": "context", "contexte": "context",
    "contexte et problematique": "context", "problem statement": "context",
    "decision drivers": "drivers", "drivers": "drivers", "facteurs de decision": "drivers",
    "considered options": "options", "options considerees": "options", "options": "options",
    "decision outcome": "outcome", "resultat de la decision": "outcome", "decision": "decision",
    "consequences": "consequences", "confirmation": "confirmation",
    "pros and cons of the options": "pros-and-cons", "avantages et inconvenients des options": "pros-and-cons",
    "more information": "more-information", "informations complementaires": "more-information",
    "links": "links", "status": "status", "statut": "status",
}


def section_key(heading: str | None) -> str | None:
    if not heading:
        return None
    return _SECTION_KEYS.get(_fold(_plain_heading(heading)))


# --- links -------------------------------------------------------------------------------

def iter_links(text: str) -> Iterable[tuple[bool, str, str]]:
    """(is_image, text, href) for each inline link or reference definition outside
    code fences and code spans."""
    lines = text.split("\n")
    mask = _fence_mask(lines)
    for line, fenced in zip(lines, mask):
        if fenced or line.startswith("    ") and not line.lstrip().startswith(("-", "*", "+")):
            continue
        line = _CODESPAN.sub("", line)
        for m in _LINK.finditer(line):
            if m.group(3):
                yield bool(m.group(1)), m.group(2), m.group(3)
        m = _REFDEF.match(line)
        if m:
            yield False, "", m.group(1)


_LINK_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*)?(?P<rel>[A-Za-z][A-Za-z \-]*?)(?:\*\*)?\s*:?\s*"
    r"\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<href>[^)\s]+)(?:\s+\"[^\"]*\")?\)\s*\.?\s*$")


def _link_lines(text: str, where: str) -> tuple[list[RawLink], list[str]]:
    """Typed link lines ("Supersedes [..](..)") and the other non-blank lines."""
    links, other = [], []
    for line in text.split("\n"):
        if not line.strip():
            continue
        m = _LINK_LINE.match(line)
        rel = rel_of(m.group("rel")) if m else None
        if m and rel:
            links.append(RawLink(rel, m.group("href"), m.group("text"), where))
        else:
            other.append(line)
    return links, other
