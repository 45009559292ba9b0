"""An imported record written back in its own format after a field changed in adrkit:
each changed value is written where the record wrote it, in its style, and every
other byte stays as it was.

- A field the text states (`Status: Accepted` in a bullet, a bold line, a table
  cell, a `## Status` section, the title heading) gets its new value on that line;
  the status keeps its case and emphasis, a successor is written as a link.
- A field the front matter states is changed on its own line (YAML or TOML), so the
  other keys and any comments stay; a list written over several lines becomes one
  flow list.
- A field the record did not state is added where its other metadata is: the front
  matter, else a new line like the record's other metadata lines, else (a status) a
  `## Status` section after the head, as adr-tools writes it.
- Typed links (`Supersedes [..](..)`, `Amended by [..](..)`) are added to and removed
  from the lines that hold them, or from a `## Links` section.

A value whose line was edited since the import (the written value is no longer on it)
is added again as for a field the record did not state.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable

from adrkit.core.decision import Decision
from adrkit.formats.markdown.dates import read_date
from adrkit.formats.markdown.metadata import clean_value
from adrkit.formats.markdown.statuses import read_status
from adrkit.formats.markdown.text import Chunk
from adrkit.formats.markdown.vocabulary import rel_label
from adrkit.formats.yamlio import dump

__all__ = ["patch_record"]

SCALAR_FIELDS = ("title", "status", "date", "decision-makers", "consulted", "informed", "tags")
_LABELS = {"title": "Title", "status": "Status", "date": "Date", "decision-makers": "Deciders",
           "consulted": "Consulted", "informed": "Informed", "tags": "Tags"}
_FM_KEYS = {"title": "title", "status": "status", "date": "date", "decision-makers": "decision-makers",
            "consulted": "consulted", "informed": "informed", "tags": "tags"}
_KEY_PREFIX = re.compile(r"^(?P<lead>\s*(?:>\s*)?(?:[-*+]\s+)?(?:\*\*|__)?)(?P<key>[^:：*_]+?)"
                         r"(?P<sep>(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*)$")


def _wanted(decision: Decision, field: str) -> Any:
    return {"title": decision.title, "status": decision.status, "date": decision.date,
            "decision-makers": list(decision.decision_makers), "consulted": list(decision.consulted),
            "informed": list(decision.informed), "tags": list(decision.tags)}[field]


def _names(text: str) -> list[str]:
    return [clean_value(n) for n in re.split(r"\s*[,;]\s*", clean_value(text)) if clean_value(n)]


def _same(field: str, written: str, decision: Decision, source: dict[str, Any],
          stem_of: Callable[[str], str | None]) -> bool:
    want = _wanted(decision, field)
    if field == "title":
        return clean_value(written) == want
    if field == "status":
        reading = read_status(written)
        if (reading.status or "") != want:
            return False
        if want == "superseded":
            stems = [stem_of(link.href) for link in reading.links]
            return [s for s in stems if s] == list(decision.superseded_by) or not decision.superseded_by
        return True
    if field == "date":
        return (read_date(written, order=str(source.get("date-order", "dmy"))).iso or "") == want
    return _names(re.sub(r"<[^>]+>", "", written)) == want


def _cased(word: str, like: str) -> str:
    letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", like)
    if len(letters) > 1 and letters.isupper():
        return word.upper()
    if letters[:1].islower():
        return word.lower()
    return word.capitalize()


def _status_text(decision: Decision, written: str, resolve: Callable[[str], Any]) -> str:
    from adrkit.formats.markdown.writer import link_md

    plain = clean_value(re.sub(r"<[^>]+>", "", written))
    word = _cased(decision.status or "proposed", re.sub(r"^\W+", "", plain))
    if decision.status == "superseded" and decision.superseded_by:
        word = f"{word} by " + ", ".join(link_md(t, resolve, numbered=True) for t in decision.superseded_by)
    for mark in ("**", "__", "`"):
        if written.startswith(mark) and written.endswith(mark) and len(written) > 2 * len(mark):
            return f"{mark}{word}{mark}"
    return word


def _styled(field: str, written: str, decision: Decision, resolve: Callable[[str], Any]) -> str:
    if field == "status":
        return _status_text(decision, written, resolve)
    value = _wanted(decision, field)
    text = ", ".join(value) if isinstance(value, list) else str(value)
    for mark in ("`", "**"):
        if written.startswith(mark) and written.endswith(mark) and len(written) > 2 * len(mark):
            return f"{mark}{text}{mark}"
    return text


class _FrontMatter:
    """The imported front matter's lines, changed key by key."""

    def __init__(self, source: dict[str, Any]) -> None:
        from adrkit.formats.markdown.writer import front_matter_text

        self.text = front_matter_text(source)
        self.kind = str(source.get("front-matter-kind", "yaml"))
        self.keys = dict(source.get("front-matter-keys") or {})
        self.lines = self.text.split("\n") if self.text is not None else []
        self.changed = False

    @property
    def present(self) -> bool:
        return self.text is not None

    def _value(self, value: Any) -> str:
        if self.kind == "toml":
            if isinstance(value, list):
                return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
            return json.dumps(str(value), ensure_ascii=False)
        if isinstance(value, list):
            return "[" + ", ".join(self._value(v) for v in value) + "]"
        text = dump(str(value)).rstrip("\n")
        return text[:-4].rstrip("\n") if text.endswith("\n...") else text

    def _find(self, key: str) -> tuple[int, int] | None:
        """(first line, end line) of a top-level key and its indented continuation."""
        rx = re.compile(rf"^{re.escape(key)}\s*=" if self.kind == "toml" else rf"^['\"]?{re.escape(key)}['\"]?\s*:")
        for n in range(1, len(self.lines) - 1):
            if rx.match(self.lines[n]):
                end = n + 1
                while end < len(self.lines) - 1 and (self.lines[end][:1] in (" ", "\t", "-")
                                                      and not rx.match(self.lines[end])):
                    if self.kind == "toml" and not self.lines[end][:1] in (" ", "\t"):
                        break
                    end += 1
                return n, end
        return None

    def set(self, key: str, value: Any) -> None:
        sep = " = " if self.kind == "toml" else ": "
        line = f"{key}{sep}{self._value(value)}"
        at = self._find(key)
        self.changed = True
        if at is None:
            if value in ("", []):
                return
            self.lines.insert(len(self.lines) - 1, line)
        elif value in ("", []):
            del self.lines[at[0]:at[1]]
        else:
            self.lines[at[0]:at[1]] = [line]

    def data(self) -> dict[str, Any] | None:
        """The front matter as it reads now, or None when it does not parse."""
        from adrkit.formats.markdown.frontmatter import read_front_matter

        if not self.present:
            return None
        read = read_front_matter(self.kind, "\n".join(self.lines))
        return read.data

    def result(self) -> str | None:
        if not self.present:
            return None
        return "\n".join(self.lines) if self.changed else self.text


def patch_record(decision: Decision, body: list[Chunk], source: dict[str, Any], *,
                 resolve: Callable[[str], Any], stem_of: Callable[[str], str | None]) -> tuple[str | None, list[Chunk]]:
    """(front matter text or None, chunks) of an imported record whose fields changed."""
    chunks = [Chunk(c.text, c.gap, c.heading, c.level, c.role, dict(c.fields), list(c.links), list(c.drop))
              for c in body]
    fm = _FrontMatter(source)
    missing = []
    for field in SCALAR_FIELDS:
        located = False
        for chunk in chunks:
            loc = chunk.fields.get(field)
            if not loc or len(loc) < 2:
                continue
            line, written = int(loc[0]), str(loc[1])
            lines = chunk.text.split("\n")
            if line >= len(lines) or written not in lines[line]:
                continue
            located = True
            if _same(field, written, decision, source, stem_of):
                continue
            lines[line] = lines[line].replace(written, _styled(field, written, decision, resolve), 1)
            chunk.text = "\n".join(lines)
        key = fm.keys.get(field)
        if key and fm.present:
            located = True
            _front_matter_field(fm, key, field, decision, source)
        if not located and _wanted(decision, field):
            missing.append(field)
    _renumber_title(chunks, decision)
    _links(decision, chunks, fm, resolve)
    for field in missing:
        _add(field, decision, chunks, fm, resolve)
    return fm.result(), chunks


def _front_matter_field(fm: _FrontMatter, key: str, field: str, decision: Decision, source: dict[str, Any]) -> None:
    """Set a front matter key to the decision's value when it reads differently now."""
    from adrkit.formats.markdown.frontmatter import names_of, scalar_text
    from adrkit.formats.markdown.reader import strip_number

    want = _wanted(decision, field)
    data = fm.data()
    if data is not None and key in data:
        current = data[key]
        text = scalar_text(current) or ""
        if field == "status":
            same = (read_status(text).status or "") == want
        elif field == "title":
            same = strip_number(" ".join(text.split()))[0] == want
        elif field == "date":
            same = (read_date(text, order=str(source.get("date-order", "dmy"))).iso or "") == want
        else:
            same = (names_of(current) or []) == want
        if same:
            return
    fm.set(key, decision.status if field == "status" else want)


def _renumber_title(chunks: list[Chunk], decision: Decision) -> None:
    for chunk in chunks:
        loc = chunk.fields.get("title")
        if not loc or chunk.role != "head":
            continue
        lines = chunk.text.split("\n")
        line = int(loc[0])
        if line >= len(lines):
            return
        m = re.match(r"^(\s*#{1,6}\s*(?:(?:ADR|RFC|DR|ADL)\s*[-_#:]?\s*)?)(\d+)(?=\s*[.:)\-–—\s])", lines[line], re.I)
        if m and int(m.group(2)) != decision.number:
            digits = str(decision.number).zfill(len(m.group(2)) if m.group(2).startswith("0") else 0)
            lines[line] = m.group(1) + digits + lines[line][m.end(2):]
            chunk.text = "\n".join(lines)
        return


def _wanted_links(decision: Decision) -> list[tuple[str, str]]:
    wanted = [("supersedes", s) for s in decision.supersedes]
    if decision.status != "superseded":
        wanted += [("superseded-by", s) for s in decision.superseded_by]
    wanted += [(link.rel, link.target) for link in decision.links]
    return wanted


def _links(decision: Decision, chunks: list[Chunk], fm: _FrontMatter, resolve: Callable[[str], Any]) -> None:
    from adrkit.formats.markdown.writer import link_md

    wanted = _wanted_links(decision)
    have: set[tuple[str, str]] = set()
    home: int | None = None
    for i, chunk in enumerate(chunks):
        if not chunk.links:
            continue
        lines = chunk.text.split("\n")
        gone = []
        for entry in chunk.links:
            line, rel, target = int(entry[0]), str(entry[1]), str(entry[2])
            if (rel, target) in wanted:
                have.add((rel, target))
            elif line < len(lines):
                gone.append(line)
        for line in sorted(gone, reverse=True):
            del lines[line]
            if line < len(lines) and not lines[line].strip() and line > 0 and not lines[line - 1].strip():
                del lines[line]
        chunk.text = "\n".join(lines).rstrip("\n")
        home = i
    fm_rels = {"supersedes": "supersedes", "superseded-by": "superseded-by"}
    todo = [(rel, target) for rel, target in wanted if (rel, target) not in have]
    if fm.present:
        for rel, key in fm_rels.items():
            if key in fm.keys or fm._find(key):
                values = [t for r, t in wanted if r == rel]
                fm.set(key, values)
                todo = [(r, t) for r, t in todo if r != rel]
        if fm._find("links"):
            fm.set("links", [{"rel": l.rel, "target": l.target} for l in decision.links])
            todo = [(r, t) for r, t in todo if r in fm_rels]
    if not todo:
        return
    if home is None:
        home = next((i for i, c in enumerate(chunks) if c.role == "status"), None)
    bullet = ""
    if home is not None:
        last = chunks[home].text.rstrip().split("\n")[-1]
        m = re.match(r"^(\s*[-*+]\s+)", last)
        bullet = m.group(1) if m else ""
    numbered = True if home is None or chunks[home].role == "status" else None
    new = [f"{bullet}{rel_label(rel)} {link_md(target, resolve, numbered=numbered)}" for rel, target in todo]
    if home is None:
        chunks.append(Chunk("## Links\n\n" + "\n".join(f"* {line}" for line in new), "", "Links", 2))
        if len(chunks) > 1 and not chunks[-2].gap:
            chunks[-2].gap = "\n\n"
        return
    sep = "\n" if bullet else "\n\n"
    chunks[home].text = chunks[home].text.rstrip("\n") + sep + sep.join(new) if not bullet else \
        chunks[home].text.rstrip("\n") + "\n" + "\n".join(new)


def _add(field: str, decision: Decision, chunks: list[Chunk], fm: _FrontMatter, resolve: Callable[[str], Any]) -> None:
    """Write a field the record did not state (see the module docstring)."""
    value = _wanted(decision, field)
    text = ", ".join(value) if isinstance(value, list) else str(value)
    if fm.present and field != "title":
        fm.set(fm.keys.get(field) or _FM_KEYS[field], decision.status if field == "status" else value)
        return
    head = next((c for c in chunks if c.role == "head"), None)
    template = _metadata_line(head) if head is not None else None
    if template is not None and field != "title":
        line_no, lead, sep = template
        lines = head.text.split("\n")
        word = _status_text(decision, "", resolve) if field == "status" else text
        lines.insert(line_no + 1, f"{lead}{_LABELS[field]}{sep}{word}")
        head.text = "\n".join(lines)
        return
    if field == "status":
        section = Chunk("## Status\n\n" + _status_text(decision, "Accepted", resolve), "\n\n", "Status", 2,
                        role="status")
        at = next((i for i, c in enumerate(chunks) if c.role != "head"), len(chunks))
        if at == len(chunks) and chunks:
            chunks[-1].gap = chunks[-1].gap or "\n\n"
            section.gap = ""
        chunks.insert(at, section)
        return
    if field == "title":
        if chunks:
            chunks.insert(0, Chunk(f"# {text}", "\n\n", text, 1, role="head"))
        return
    line = f"{_LABELS[field]}: {text}"
    if head is not None and head.fields.get("title"):
        lines = head.text.split("\n")
        added = getattr(head, "added", 0)
        at = int(head.fields["title"][0]) + 1 + 2 * added
        lines[at:at] = ["", line]
        head.text = "\n".join(lines)
        head.added = added + 1  # type: ignore[attr-defined]
    elif chunks:
        chunks.insert(0, Chunk(line, "\n\n", role="head"))


def _metadata_line(chunk: Chunk) -> tuple[int, str, str] | None:
    """(line, lead, separator) of the last key/value line of a head chunk, to write a
    new one alike."""
    best = None
    lines = chunk.text.split("\n")
    for field, loc in chunk.fields.items():
        if field == "title" or not loc:
            continue
        line, written = int(loc[0]), str(loc[1])
        if line >= len(lines) or written not in lines[line]:
            continue
        prefix = lines[line][:lines[line].index(written)]
        m = _KEY_PREFIX.match(prefix)
        if m and (best is None or line > best[0]):
            best = (line, m.group("lead"), m.group("sep"))
    return best
