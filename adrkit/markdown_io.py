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
from __future__ import annotations

import datetime
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .errors import FormatError
from .model import Decision, canonical_status, dump_front_matter, parse_front_matter

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
    "front_matter_text",
    "section_key",
    "split_chunks",
    "iter_links",
    "LinkTarget",
    "write_markdown",
    "join_chunks",
    "html_table_to_markdown",
]

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


# --- reading -------------------------------------------------------------------------------

_META_KEYS = {
    "status": "status", "statut": "status", "estado": "status",
    "date": "date", "datum": "date", "fecha": "date",
    "deciders": "decision-makers", "decision-makers": "decision-makers", "decision makers": "decision-makers",
    "decideurs": "decision-makers",
    "consulted": "consulted", "informed": "informed", "tags": "tags", "title": "title", "titre": "title",
}
_META_LINE = re.compile(r"^(?P<bullet>[-*+]\s+)?(?P<key>[^\W\d][\w \-]{0,30}?)\s*:\s*(?P<value>.*?)\s*$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


_SCALARS = (str, int, float, datetime.date)


def _scalar(value: Any, key: str, path: Any = None) -> str:
    if value is None:
        return ""
    if not isinstance(value, _SCALARS):
        raise FormatError(f"front matter '{key}' must be plain text", path=path, where=key,
                          fix=f"write it as '{key}: some text'")
    return str(value).strip()


def _names(value: Any, key: str = "names", path: Any = None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        if not all(isinstance(v, _SCALARS) for v in value):
            raise FormatError(f"front matter '{key}' must be a list of names", path=path, where=key,
                              fix=f"write it as {key}: [a, b]")
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if not text:
        return []
    return [p.strip() for p in re.split(r"\s*[,;]\s*", text) if p.strip()]


def _metadata_paragraph(lines: list[str]) -> list[tuple[str | None, str, str]] | None:
    """[(field or None, key as written, value)] when every line of a paragraph is a
    `Key: value` line (bulleted or not) and one key is known; else None."""
    found = []
    for line in lines:
        m = _META_LINE.match(line)
        if not m:
            return None
        key = m.group("key").strip()
        found.append((_META_KEYS.get(_fold(key)), key, m.group("value")))
    if not any(f for f, _, _ in found):
        return None
    return found


def read_markdown(text: str, *, path: str, name: str | None = None) -> MarkdownRecord:
    """Parse one markdown decision file. `path` names it in messages and in the
    record; `name` is its file name (for the number or date prefix)."""
    name = name or path.rsplit("/", 1)[-1]
    parsed_name = parse_record_name(name)
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    eol = "\n"
    if "\r\n" in text and text.count("\r\n") == text.count("\n"):
        eol = "\r\n"
        text = text.replace("\r\n", "\n")
    content, tail = _split_gap(text)
    rec = MarkdownRecord(path=path, format="madr", title="", tail=tail, eol=eol, bom=bom)
    if parsed_name:
        rec.number, rec.file_date, rec.slug = parsed_name
    lines = content.split("\n")
    pos = 0  # next line to read
    head_end = 0  # lines[:head_end] belong to the head

    # 1. front matter
    if lines and lines[0].rstrip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is None:
            raise FormatError("front matter has no closing '---'", path=path, where="line 1",
                              fix="end the front matter with a line holding only '---'")
        rec.front_matter_block = "\n".join(lines[:end + 1])
        data = parse_front_matter(rec.front_matter_block, path=path)
        rec.front_matter = data
        _take_front_matter(rec, data)
        pos = head_end = end + 1

    # 2. the title
    pos = _skip_blank(lines, pos)
    mask = _fence_mask(lines)
    h = _heading_of(lines[pos]) if pos < len(lines) and not mask[pos] else None
    heading_number = None
    if h and h[0] == 1:
        title = _COMMENT.sub("", h[1]).strip()
        m = re.match(r"^(?:ADR[- ]?)?(\d+|[nN])\.\s+(.*)$", title)
        if m:
            heading_number = m.group(1)
            title = m.group(2).strip()
            rec.format = "nygard"
        rec.title = title
        pos = head_end = pos + 1
    elif not rec.title:
        rec.note("title", "no '# Title' line; title taken from the file name")

    # 3. metadata paragraphs right under the title
    while True:
        start = _skip_blank(lines, pos)
        stop = start
        while stop < len(lines) and lines[stop].strip() and not mask[stop]:
            stop += 1
        if stop == start:
            break
        meta = _metadata_paragraph(lines[start:stop])
        if meta is None:
            break
        bulleted = bool(_META_LINE.match(lines[start]).group("bullet"))
        if bulleted and rec.format != "nygard":
            rec.format = "madr2"
        elif not bulleted and any(f == "date" for f, _, _ in meta):
            rec.format = "nygard"
        for fieldname, key, value in meta:
            _take_metadata(rec, fieldname, key, value)
        pos = head_end = stop

    # 4. a status section right after (adr-tools writes one in every record)
    start = _skip_blank(lines, pos)
    h = _heading_of(lines[start]) if start < len(lines) and not mask[start] else None
    if h and h[0] <= 3 and section_key(h[1]) == "status":
        end = start + 1
        while end < len(lines) and (mask[end] or not _heading_of(lines[end])):
            end += 1
        section = "\n".join(lines[start + 1:end])
        links, other = _link_lines(section, "status section")
        rec.links.extend(links)
        if other:
            status_line = other[0].strip()
            if rec.status_text is not None and status_of(status_line) != rec.status:
                rec.note("status", f"status '{status_line}' in the Status section differs from "
                         f"'{rec.status_text}' in the front matter; the front matter's is used", "warning")
            if rec.status_text is None:
                rec.status_text = status_line
                rec.status = status_of(status_line)
            if len(other) > 1:
                rec.note("status", f"{len(other) - 1} more line(s) of text in the Status section kept as written")
        elif links and rec.status_text is None:
            first = links[0]
            rec.status_text = section.strip().split("\n")[0].strip()
            rec.status = "superseded" if any(l.rel == "superseded-by" for l in links) else status_of(first.rel)
        rec.format = "nygard"
        # the head ends at the last non-blank line of the section
        last = end - 1
        while last > start and not lines[last].strip():
            last -= 1
        pos = head_end = last + 1

    # 5. the body: what follows the head, after the blank lines between them
    rec.head = "\n".join(lines[:head_end])
    first = _skip_blank(lines, head_end)
    if head_end == 0:
        body_text = content
    elif first < len(lines):
        rec.head_gap = "\n" + "".join(line + "\n" for line in lines[head_end:first])
        body_text = "\n".join(lines[first:])
    else:
        body_text = ""
    rec.body = split_chunks(body_text) if body_text.strip() else []
    for chunk in rec.body:
        if chunk.key == "links":
            links, _ = _link_lines(chunk.text.split("\n", 1)[1] if "\n" in chunk.text else "", "Links section")
            rec.links.extend(links)

    # 6. identity checks
    if not rec.title:
        rec.title = (rec.slug or name.rsplit(".", 1)[0]).replace("-", " ").replace("_", " ").strip().capitalize()
    if heading_number is not None:
        if not heading_number.isdigit():
            rec.note("number", f"title number '{heading_number}' is not a number; "
                     f"the number is taken from the file name")
        elif rec.number is not None and int(heading_number) != rec.number:
            rec.note("number", f"title says number {int(heading_number)} but the file name says "
                     f"{rec.number}; the file name's is used", "warning")
        elif rec.number is None and rec.file_date is None:
            rec.number = int(heading_number)
    if rec.status_text is None:
        rec.note("status", "no status given; imported as proposed (set it with 'adrkit status')")
    elif rec.status is None:
        rec.note("status", f"status '{rec.status_text}' not understood; imported as proposed, "
                 "the original text is kept", "warning")
    if rec.date_text is not None:
        m = _DATE.search(rec.date_text)
        rec.date = m.group(0) if m else rec.date_text.strip()
        if not m:
            rec.note("date", f"date '{rec.date_text}' is not YYYY-MM-DD; kept as written", "warning")
        else:
            if rec.date_text.strip() != rec.date:
                rec.note("date", f"date line '{rec.date_text.strip()}' has more than a date; "
                         "the rest is kept as written")
            if not _valid_date(rec.date):
                rec.note("date", f"date '{rec.date}' is not a real calendar date; kept as written", "warning")
    elif rec.file_date:
        rec.date = rec.file_date
        rec.note("date", f"no date given; {rec.date} taken from the file name")
    return rec


def _valid_date(text: str) -> bool:
    import datetime as _dt
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _skip_blank(lines: list[str], pos: int) -> int:
    while pos < len(lines) and not lines[pos].strip():
        pos += 1
    return pos


def _take_front_matter(rec: MarkdownRecord, data: dict[str, Any]) -> None:
    for key, value in data.items():
        fieldname = _META_KEYS.get(_fold(str(key)))
        if fieldname is None or fieldname in rec.front_matter_keys:
            continue
        rec.front_matter_keys[fieldname] = str(key)
        if fieldname == "title":
            rec.title = _scalar(value, str(key), rec.path)
        elif fieldname == "status":
            rec.status_text = _scalar(value, str(key), rec.path)
            rec.status = status_of(rec.status_text)
            m = re.match(r"^\s*super[sc]eded by[:\s]+(.+)$", rec.status_text, re.I)
            if m:
                target = m.group(1).strip()
                lm = _LINK.search(target)
                rec.links.append(RawLink("superseded-by", lm.group(3) if lm else target,
                                         lm.group(2) if lm else target, "status"))
        elif fieldname == "date":
            rec.date_text = _scalar(value, str(key), rec.path)
        elif fieldname in ("decision-makers", "consulted", "informed", "tags"):
            setattr(rec, fieldname.replace("-", "_"), _names(value, str(key), rec.path))
    for key in ("supersedes", "superseded-by"):
        for target in _names(data.get(key), key, rec.path):
            rec.links.append(RawLink(key, target, target, "front matter"))
    links = data.get("links")
    if isinstance(links, list) and links and all(isinstance(x, dict) and "rel" in x and "target" in x
                                                 for x in links):
        rec.front_matter_keys["links"] = "links"
        for x in links:
            rec.links.append(RawLink(str(x["rel"]), str(x["target"]), str(x["target"]), "front matter"))


def _take_metadata(rec: MarkdownRecord, fieldname: str | None, key: str, value: str) -> None:
    if fieldname is None:
        rec.metadata_extra[key] = value
        rec.note("metadata", f"metadata '{key}: {value}' not understood; kept as written")
        return
    if fieldname == "status":
        if rec.status_text is not None and rec.front_matter_keys.get("status"):
            return
        rec.status_text = value
        rec.status = status_of(value)
        links, _ = _link_lines(value, "status")
        if not links:
            m = re.match(r"^\s*super[sc]eded by[:\s]+(\S+)\s*$", value, re.I)
            if m:
                links = [RawLink("superseded-by", m.group(1), m.group(1), "status")]
        for link in links:
            if rec.status == "superseded":
                link.rel = "superseded-by"
                rec.links.append(link)
    elif fieldname == "date":
        if rec.date_text is None:
            rec.date_text = value
    elif fieldname == "title":
        rec.title = rec.title or value
    else:
        attr = fieldname.replace("-", "_")
        if not getattr(rec, attr):
            setattr(rec, attr, _names(value))


# --- the fingerprint ---------------------------------------------------------------------

def fingerprint(decision: Decision) -> str:
    """A short hash of the fields a file's head encodes; equal means unchanged."""
    data = {
        "number": decision.number, "title": decision.title, "status": decision.status,
        "date": decision.date, "decision-makers": decision.decision_makers,
        "consulted": decision.consulted, "informed": decision.informed, "tags": decision.tags,
        "supersedes": decision.supersedes, "superseded-by": decision.superseded_by,
        "links": sorted([link.rel, link.target] for link in decision.links),
    }
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


# --- writing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class LinkTarget:
    """What a writer needs to link to another decision: its number, title and the
    relative path of its exported file."""

    number: int
    title: str
    href: str


Resolver = Callable[[str], "LinkTarget | None"]


def write_markdown(decision: Decision, body: list[Chunk], fmt: str, *,
                   resolve: Resolver = lambda stem: None) -> str:
    """The markdown file of a decision in `fmt`. The head is the imported original
    when the record came from a file of this format and its fields are unchanged;
    otherwise a fresh head in the format's style. `body` is written as given."""
    fmt = FORMAT_ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise FormatError(f"unknown markdown format '{fmt}'", where="format",
                          fix="use one of " + ", ".join(sorted(FORMAT_ALIASES)))
    source = decision.extra.get(SOURCE_KEY)
    source = source if isinstance(source, dict) else {}
    same = source.get("format") == fmt
    if same and source.get("fingerprint") == fingerprint(decision) and "head" in source:
        head, gap = original_head(source), str(source.get("gap", "\n\n"))
    else:
        head = {"madr": _madr_head, "madr2": _madr2_head, "nygard": _nygard_head}[fmt](
            decision, source if same else {}, resolve)
        gap = "\n\n"
        if fmt == "madr2":
            body = _madr2_links(decision, body, source if same else {}, resolve)
    tail = str(source.get("tail", "\n")) if same else "\n"
    text = head + (gap if body else "") + join_chunks(body) if head else join_chunks(body)
    text = text.rstrip(" \t\n") + tail if not same else text + tail
    if same and source.get("eol") == "crlf":
        text = text.replace("\n", "\r\n")
    if same and source.get("bom"):
        text = "\ufeff" + text
    return text


def split_head(record: MarkdownRecord) -> dict[str, Any]:
    """The `source` keys that keep a record's head: the front matter's inner text
    apart from the rest, so no line of a stored value is a bare '---'."""
    out: dict[str, Any] = {}
    head = record.head
    block = record.front_matter_block
    if block is not None and head.startswith(block):
        lines = block.split("\n")
        out["front-matter"] = "\n".join(lines[1:-1])
        if lines[0] != "---" or lines[-1] != "---":
            out["front-matter-fences"] = [lines[0], lines[-1]]
        head = head[len(block):]
    out["head"] = head
    return out


def original_head(source: dict[str, Any]) -> str:
    """The head as imported, rebuilt from `split_head`'s keys."""
    head = str(source.get("head", ""))
    inner = source.get("front-matter")
    if isinstance(inner, str):
        fences = source.get("front-matter-fences") or ["---", "---"]
        block = [str(fences[0])] + ([inner] if inner else []) + [str(fences[-1])]
        head = "\n".join(block) + head
    return head


def _status_word(decision: Decision, source: dict[str, Any]) -> str:
    word = decision.status
    if source.get("status-case") == "title":
        return word.capitalize()
    if source.get("status-case") == "upper":
        return word.upper()
    return word


def _front_matter(decision: Decision, source: dict[str, Any], *, include_title: bool,
                  keys: Iterable[str]) -> dict[str, Any]:
    """Front matter for a fresh head: the original mapping with the fields updated
    (when imported), or the MADR 4 keys (when not)."""
    original = source.get("front-matter")
    if isinstance(original, str):
        try:
            original = parse_front_matter(original)
        except FormatError:
            original = None
    names = dict(source.get("front-matter-keys") or {})
    values = {
        "title": decision.title, "status": _status_word(decision, source), "date": decision.date,
        "decision-makers": decision.decision_makers, "consulted": decision.consulted,
        "informed": decision.informed, "tags": decision.tags,
        "supersedes": decision.supersedes, "superseded-by": decision.superseded_by,
        "links": [link.to_dict() for link in decision.links],
    }
    if isinstance(original, dict):
        data = {k: decision.extra.get(str(k), v) for k, v in original.items()}
        for fieldname, key in names.items():
            if fieldname in values:
                value = values[fieldname]
                if isinstance(value, list) and isinstance(data.get(key), str):
                    value = ", ".join(value)
                data[key] = value
        for key in ("supersedes", "superseded-by", "links"):
            if values[key] and key not in data:
                data[key] = values[key]
        return data
    data: dict[str, Any] = {}
    for key in keys:
        if key == "title" and not include_title:
            continue
        value = values.get(key)
        if value:
            data[key] = list(value) if isinstance(value, list) else value
    for key, value in decision.extra.items():
        if key != SOURCE_KEY and key not in data:
            data[key] = value
    return data


_MADR_KEYS = ("status", "date", "decision-makers", "consulted", "informed", "tags",
              "supersedes", "superseded-by", "links")


def _madr_head(decision: Decision, source: dict[str, Any], resolve: Resolver) -> str:
    data = _front_matter(decision, source, include_title=False, keys=_MADR_KEYS)
    parts = [dump_front_matter(data)] if data else []
    if source.get("h1", True):
        parts.append(f"# {decision.title}")
    return "\n\n".join(parts)


def _link_text(text: str) -> str:
    """Text for inside a link's brackets: backslashes and brackets escaped, so the
    link stays one link whatever the title holds."""
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def _link_md(target: str, resolve: Resolver, *, numbered: bool | None) -> str:
    """A markdown link to a decision; its text is 'N. Title' (`numbered`), the title
    (`numbered=None`) or the file name without '.md'."""
    found = resolve(target)
    if found is None:
        return f"[{_link_text(target)}]({target}.md)"
    if numbered is None:
        text = found.title
    elif numbered:
        text = f"{found.number}. {found.title}"
    else:
        text = found.href.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return f"[{_link_text(text)}]({found.href})"


def _madr2_head(decision: Decision, source: dict[str, Any], resolve: Resolver) -> str:
    bullet = source.get("bullet", "-")
    status = _status_word(decision, source)
    if decision.status == "superseded" and decision.superseded_by:
        status = f"{status} by " + ", ".join(_link_md(t, resolve, numbered=False)
                                             for t in decision.superseded_by)
    lines = [f"# {decision.title}", ""]
    lines.append(f"{bullet} Status: {status}")
    if decision.decision_makers:
        lines.append(f"{bullet} Deciders: {', '.join(decision.decision_makers)}")
    if decision.date:
        lines.append(f"{bullet} Date: {decision.date}")
    if decision.consulted:
        lines.append(f"{bullet} Consulted: {', '.join(decision.consulted)}")
    if decision.informed:
        lines.append(f"{bullet} Informed: {', '.join(decision.informed)}")
    if decision.tags:
        lines.append(f"{bullet} Tags: {', '.join(decision.tags)}")
    for key, value in (source.get("metadata-extra") or {}).items():
        lines.append(f"{bullet} {key}: {value}")
    return "\n".join(lines)


def _madr2_links(decision: Decision, body: list[Chunk], source: dict[str, Any],
                 resolve: Resolver) -> list[Chunk]:
    """The body with a `## Links` section holding every typed link the MADR 2 head does
    not show (supersedes, custom links, superseded-by without a superseded status), as
    `- Supersedes [Title](file.md)` lines. Lines already in a Links section of the body
    are not written again; missing ones are added to it, or to a new section at the end."""
    wanted: list[tuple[str, str]] = []
    if decision.status != "superseded":
        wanted += [("superseded-by", t) for t in decision.superseded_by]
    wanted += [("supersedes", t) for t in decision.supersedes]
    wanted += [(link.rel, link.target) for link in decision.links]
    if not wanted:
        return body
    body = list(body)
    place: tuple[int, list[Chunk], int] | None = None  # (body index, its sections, links section)
    have: set[tuple[str, str]] = set()
    for i, chunk in enumerate(body):
        parts = split_chunks(chunk.text)
        for j, part in enumerate(parts):
            if part.key != "links":
                continue
            found, _ = _link_lines(part.text.split("\n", 1)[1] if "\n" in part.text else "", "Links section")
            have.update((link.rel, link.href) for link in found)
            place = place or (i, parts, j)
    bullet = source.get("bullet", "-")
    lines = []
    for rel, target in wanted:
        found = resolve(target)
        href = found.href if found is not None else f"{target}.md"
        if (rel, href) in have:
            continue
        have.add((rel, href))
        lines.append(f"{bullet} {rel_label(rel)} {_link_md(target, resolve, numbered=None)}")
    if not lines:
        return body
    if place is None:
        body.append(Chunk("## Links\n\n" + "\n".join(lines), "\n\n", "Links", 2))
        return body
    i, parts, j = place
    section = parts[j]
    last = section.text.rsplit("\n", 1)[-1]
    sep = "\n" if re.match(r"\s*[-*+]\s", last) else "\n\n"
    parts[j] = Chunk(section.text + sep + "\n".join(lines), section.gap, section.heading, section.level)
    body[i] = Chunk(join_chunks(parts), body[i].gap, body[i].heading, body[i].level)
    return body


def _nygard_head(decision: Decision, source: dict[str, Any], resolve: Resolver) -> str:
    parts = []
    if isinstance(source.get("front-matter"), str):
        parts.append(dump_front_matter(_front_matter(decision, source, include_title=True, keys=())))
    parts.append(f"# {decision.number}. {decision.title}")
    if decision.date:
        parts.append(f"Date: {decision.date}")
    parts.append("## Status")
    status_lines = []
    if not (decision.status == "superseded" and decision.superseded_by):
        status_lines.append(decision.status.capitalize())
    for target in decision.superseded_by:
        status_lines.append(f"Superseded by {_link_md(target, resolve, numbered=True)}")
    for target in decision.supersedes:
        status_lines.append(f"Supersedes {_link_md(target, resolve, numbered=True)}")
    for link in decision.links:
        status_lines.append(f"{rel_label(link.rel)} {_link_md(link.target, resolve, numbered=True)}")
    parts.extend(status_lines)
    return "\n\n".join(parts)


# --- HTML tables (DataFrame outputs) -------------------------------------------------------

def html_table_to_markdown(html: str) -> str | None:
    """The first <table> of an HTML fragment (as pandas writes it) as a pipe table,
    or None when there is no table."""
    from html.parser import HTMLParser

    class _Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.head: list[list[str]] = []
            self.rows: list[list[str]] = []
            self.depth = 0
            self.done = False
            self.section = "body"
            self.row: list[str] | None = None
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            if self.done:
                return
            if tag == "table":
                self.depth += 1
            elif self.depth != 1:
                return
            elif tag == "thead":
                self.section = "head"
            elif tag == "tbody":
                self.section = "body"
            elif tag == "tr":
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell = []
                span = dict(attrs).get("colspan")
                self._span = int(span) if span and span.isdigit() else 1
            elif tag == "br" and self.cell is not None:
                self.cell.append(" ")

        def handle_endtag(self, tag):
            if self.done:
                return
            if tag == "table":
                self.depth -= 1
                if self.depth == 0:
                    self.done = True
            elif self.depth != 1:
                return
            elif tag in ("td", "th") and self.cell is not None and self.row is not None:
                text = " ".join("".join(self.cell).split())
                self.row.extend([text] + [""] * (getattr(self, "_span", 1) - 1))
                self.cell = None
            elif tag == "tr" and self.row is not None:
                (self.head if self.section == "head" else self.rows).append(self.row)
                self.row = None
            elif tag == "thead":
                self.section = "body"

        def handle_data(self, data):
            if self.cell is not None and self.depth == 1:
                self.cell.append(data)

    parser = _Tables()
    parser.feed(html)
    if not parser.head and not parser.rows:
        return None
    width = max(len(r) for r in parser.head + parser.rows)
    head = parser.head or [parser.rows.pop(0)]
    header = []
    for col in range(width):
        words = [r[col] for r in head if col < len(r) and r[col]]
        header.append(" ".join(words))

    def cells(row: list[str]) -> str:
        row = row + [""] * (width - len(row))
        return "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"

    lines = [cells(header), "|" + "|".join(" --- " for _ in range(width)) + "|"]
    lines.extend(cells(r) for r in parser.rows)
    return "\n".join(lines)


# --- front matter with readable multi-line values ------------------------------------------

def front_matter_text(data: dict[str, Any]) -> str:
    """YAML front matter like `model.dump_front_matter`, but multi-line texts (a
    record's original head) as literal blocks so the notebook's first cell stays
    readable. `model.parse_front_matter` reads both the same way."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    _Dumper.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeDumper.yaml_implicit_resolvers.items()
    }

    def _str(dumper: yaml.SafeDumper, value: str) -> Any:
        style = None
        if "\n" in value:
            # a line that is only '---' or '...' would end the front matter early
            fence = any(line.strip() in ("---", "...") for line in value.split("\n"))
            style = '"' if fence else "|"
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1000)
    return f"---\n{text}---"
