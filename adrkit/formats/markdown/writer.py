"""Writing a decision as markdown: an imported record in its own format (byte for byte
while its fields are unchanged, changed in place when they are not, see `patch`), or
any decision in MADR 4, MADR 2 (log4brains) or Nygard (adr-tools) style."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from adrkit.core.decision import Decision
from adrkit.core.errors import FormatError
from adrkit.formats.markdown.blocks import split_sections
from adrkit.formats.markdown.statuses import typed_link_line
from adrkit.formats.markdown.text import Chunk, FORMATS, FORMAT_ALIASES, SOURCE_KEY, join_chunks
from adrkit.formats.markdown.vocabulary import rel_label
from adrkit.formats.yamlio import dump_front_matter, parse_front_matter

__all__ = ["FINGERPRINT_FIELDS", "fingerprint", "LinkTarget", "Resolver", "write_markdown", "original_head",
           "front_matter_text", "strip_fields", "link_md"]

# The fields a record's text encodes: a change to any of them after import is written
# into every export (pinned by tests/test_export.py).
FINGERPRINT_FIELDS = ("number", "title", "status", "date", "decision-makers", "consulted", "informed",
                      "tags", "supersedes", "superseded-by", "links")


def fingerprint(decision: Decision) -> str:
    """A short hash of the fields a file's text encodes (`FINGERPRINT_FIELDS`); equal
    means unchanged."""
    data = {
        "number": decision.number, "title": decision.title, "status": decision.status,
        "date": decision.date, "decision-makers": decision.decision_makers,
        "consulted": decision.consulted, "informed": decision.informed, "tags": decision.tags,
        "supersedes": decision.supersedes, "superseded-by": decision.superseded_by,
        "links": sorted([link.rel, link.target] for link in decision.links),
    }
    assert tuple(data) == FINGERPRINT_FIELDS
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class LinkTarget:
    """What a writer needs to link to another decision: its number, title and the
    relative path of its exported file."""

    number: int
    title: str
    href: str


Resolver = Callable[[str], "LinkTarget | None"]


def write_markdown(decision: Decision, body: list[Chunk], fmt: str, *,
                   resolve: Resolver = lambda stem: None,
                   stem_of: Callable[[str], str | None] = lambda href: None) -> str:
    """The markdown file of a decision in `fmt`. A record imported from a file of this
    format comes back as it was while its fields are unchanged, and with the changed
    values written in place when they are not; otherwise a fresh head in the format's
    style. `stem_of` tells which decision a link in the text leads to."""
    fmt = FORMAT_ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise FormatError(f"unknown markdown format '{fmt}'", where="format",
                          fix="use one of " + ", ".join(sorted(FORMAT_ALIASES)))
    source = decision.extra.get(SOURCE_KEY)
    source = source if isinstance(source, dict) else {}
    same = source.get("format") == fmt and "file" in source
    if same and "head" in source:
        return _legacy(decision, body, fmt, source, resolve)
    if same:
        from adrkit.formats.markdown.patch import patch_record

        if source.get("fingerprint") == fingerprint(decision):
            head, chunks = front_matter_text(source), body
        else:
            head, chunks = patch_record(decision, body, source, resolve=resolve, stem_of=stem_of)
        gap = str(source.get("gap", "\n\n" if head is not None and chunks else ""))
        text = (head or "") + gap + join_chunks(chunks) + str(source.get("tail", "\n"))
        if source.get("eol") == "crlf":
            text = re.sub(r"(?<!\r)\n", "\r\n", text)
        return ("\ufeff" if source.get("bom") else "") + text
    body = strip_fields(body)
    head = {"madr": _madr_head, "madr2": _madr2_head, "nygard": _nygard_head}[fmt](decision, {}, resolve)
    if fmt == "madr2":
        body = _madr2_links(decision, body, {}, resolve)
    text = head + ("\n\n" if body else "") + join_chunks(body) if head else join_chunks(body)
    return text.rstrip(" \t\n") + "\n"


def strip_fields(body: list[Chunk]) -> list[Chunk]:
    """The chunks without the lines that only carry fields (an imported title, its
    metadata lines, its status section), for writing the record in another format:
    the new head says what those lines said. A chunk left empty is left out."""
    out = []
    for chunk in body:
        if not chunk.drop:
            out.append(chunk)
            continue
        lines = chunk.text.split("\n")
        kept = [line for n, line in enumerate(lines) if n not in set(chunk.drop)]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
        if chunk.role == "status" and not re.search(r"\S", re.sub(r"<!--.*?-->", "", text, flags=re.S)):
            continue
        if not text.strip():
            continue
        heading = None if chunk.heading and chunk.role == "head" and chunk.level == 1 else chunk.heading
        out.append(Chunk(text, chunk.gap, heading, chunk.level if heading else 0))
    return out


def front_matter_text(source: dict[str, Any]) -> str | None:
    """The imported front matter as written, fences included; None when the record had
    none."""
    inner = source.get("front-matter")
    if not isinstance(inner, str):
        return None
    kind = source.get("front-matter-kind", "yaml")
    default = "+++" if kind == "toml" else "---"
    fences = source.get("front-matter-fences") or [default, default]
    return "\n".join([str(fences[0])] + ([inner] if inner else []) + [str(fences[-1])])


def original_head(source: dict[str, Any]) -> str:
    """The head as imported by earlier versions (front matter plus `head`)."""
    head = str(source.get("head", ""))
    fm = front_matter_text(source)
    return (fm or "") + head


def _legacy(decision: Decision, body: list[Chunk], fmt: str, source: dict[str, Any], resolve: Resolver) -> str:
    """Records imported by earlier versions keep their head in `source.head`."""
    if source.get("fingerprint") == fingerprint(decision):
        head, gap = original_head(source), str(source.get("gap", "\n\n"))
    else:
        head = {"madr": _madr_head, "madr2": _madr2_head, "nygard": _nygard_head}[fmt](decision, source, resolve)
        gap = "\n\n"
        if fmt == "madr2":
            body = _madr2_links(decision, body, source, resolve)
    tail = str(source.get("tail", "\n"))
    text = head + (gap if body else "") + join_chunks(body) if head else join_chunks(body)
    text += tail
    if source.get("eol") == "crlf":
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if source.get("bom") else "") + text


def status_word(decision: Decision, source: dict[str, Any]) -> str:
    word = decision.status or "proposed"
    if source.get("status-case") == "title":
        return word.capitalize()
    if source.get("status-case") == "upper":
        return word.upper()
    return word


def front_matter_data(decision: Decision, source: dict[str, Any], *, include_title: bool,
                      keys: Iterable[str]) -> dict[str, Any]:
    """Front matter for a fresh head: the original mapping with the fields updated
    (when imported), or the MADR 4 keys (when not)."""
    original = source.get("front-matter")
    if isinstance(original, str) and source.get("front-matter-kind", "yaml") == "yaml":
        try:
            original = parse_front_matter(original)
        except FormatError:
            original = None
    else:
        original = None
    names = dict(source.get("front-matter-keys") or {})
    values = {
        "title": decision.title, "status": status_word(decision, source), "date": decision.date,
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
            if values[key] and key not in data and key not in names:
                data[key] = values[key]
        return data
    data: dict[str, Any] = {}
    for key in keys:
        if key == "title" and not include_title:
            continue
        value = values.get(key)
        if key == "status" and not decision.status:
            continue
        if value:
            data[key] = list(value) if isinstance(value, list) else value
    for key, value in decision.extra.items():
        if key != SOURCE_KEY and key not in data:
            data[key] = value
    return data


_MADR_KEYS = ("status", "date", "decision-makers", "consulted", "informed", "tags",
              "supersedes", "superseded-by", "links")


def _madr_head(decision: Decision, source: dict[str, Any], resolve: Resolver) -> str:
    data = front_matter_data(decision, source, include_title=False, keys=_MADR_KEYS)
    parts = [dump_front_matter(data)] if data else []
    parts.append(f"# {decision.title}")
    return "\n\n".join(parts)


def _link_text(text: str) -> str:
    """Text for inside a link's brackets: backslashes and brackets escaped, so the
    link stays one link whatever the title holds."""
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def link_md(target: str, resolve: Resolver, *, numbered: bool | None) -> str:
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
    lines = [f"# {decision.title}", ""]
    if decision.status:
        status = status_word(decision, source)
        if decision.status == "superseded" and decision.superseded_by:
            status = f"{status} by " + ", ".join(link_md(t, resolve, numbered=False)
                                                 for t in decision.superseded_by)
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
    return "\n".join(lines).rstrip()


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
        parts = split_sections(chunk.text)
        for j, part in enumerate(parts):
            if part.key != "links":
                continue
            for line in part.text.split("\n")[1:]:
                found = typed_link_line(line, "Links section")
                if found is not None:
                    have.add((found.rel, found.href))
            place = place or (i, parts, j)
    bullet = source.get("bullet", "-")
    lines = []
    for rel, target in wanted:
        found = resolve(target)
        href = found.href if found is not None else f"{target}.md"
        if (rel, href) in have:
            continue
        have.add((rel, href))
        lines.append(f"{bullet} {rel_label(rel)} {link_md(target, resolve, numbered=None)}")
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


def nygard_status_lines(decision: Decision, resolve: Resolver) -> list[str]:
    lines = []
    if decision.status and not (decision.status == "superseded" and decision.superseded_by):
        lines.append(decision.status.capitalize())
    for target in decision.superseded_by:
        lines.append(f"Superseded by {link_md(target, resolve, numbered=True)}")
    for target in decision.supersedes:
        lines.append(f"Supersedes {link_md(target, resolve, numbered=True)}")
    for link in decision.links:
        lines.append(f"{rel_label(link.rel)} {link_md(link.target, resolve, numbered=True)}")
    return lines


def _nygard_head(decision: Decision, source: dict[str, Any], resolve: Resolver) -> str:
    parts = []
    if isinstance(source.get("front-matter"), str):
        parts.append(dump_front_matter(front_matter_data(decision, source, include_title=True, keys=())))
    parts.append(f"# {decision.number}. {decision.title}")
    meta = [f"Date: {decision.date}"] if decision.date else []
    for label, names in (("Deciders", decision.decision_makers), ("Consulted", decision.consulted),
                         ("Informed", decision.informed), ("Tags", decision.tags)):
        if names:
            meta.append(f"{label}: {', '.join(names)}")
    if meta:
        parts.append("\n\n".join(meta))
    status_lines = nygard_status_lines(decision, resolve)
    if status_lines:
        parts.append("## Status")
        parts.extend(status_lines)
    return "\n\n".join(parts)
