"""Writing a decision as markdown in MADR 4, MADR 2 (log4brains) or Nygard (adr-tools)
style; an imported record's original head comes back while its fields are unchanged."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from adrkit.core.decision import Decision
from adrkit.core.errors import FormatError
from adrkit.formats.yamlio import dump_front_matter, parse_front_matter
from adrkit.formats.markdown.text import (Chunk, FORMATS, FORMAT_ALIASES, MarkdownRecord, SOURCE_KEY, _link_lines, join_chunks, rel_label, split_chunks)


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
