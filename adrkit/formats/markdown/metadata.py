"""Metadata written in a record's text, wherever and however it is written: `Key: value`
lines, bullets (`* Status: Accepted`, `- **Status**: Accepted`), bold lines
(`**Status:** Accepted`), a date without a colon (`Date 14/03/2020`, `Date January
2016`), markdown tables (a key column, or a header row of keys over one row of values,
also inside a blockquote), and HTML tables.

`entries_of(block, lines)` returns one `Entry` per key/value found in a top-level
block, with the line it sits on and the value exactly as written there, so a writer
can later put a new value in the same place.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from adrkit.formats.markdown.blocks import Block
from adrkit.formats.markdown.dates import read_date
from adrkit.formats.markdown.vocabulary import field_of_key

__all__ = ["Entry", "entries_of", "clean_value"]


@dataclass
class Entry:
    """`key` (as written, without emphasis) = `value` (as written) on line `line` of the
    text; `field` is what the key means to adrkit (None when unknown); `style` says how
    it was written ('line', 'bullet', 'table', 'html')."""

    key: str
    value: str
    line: int
    field: str | None
    style: str
    prefix: str = ""  # the line's text before the value (for writing a new line alike)
    extra_lines: tuple[str, ...] = ()  # continuation lines of the value (names on later lines)


_KV = re.compile(
    r"^(?P<lead>\s{0,3}(?:>\s*)?(?:[-*+]\s+)?)"
    r"(?P<open>\*\*|__)?(?P<key>[^\W\d][^:：|\n]{0,40}?)(?P<inner>[:：])?(?P<close>\*\*|__)?"
    r"(?(inner)|\s*[:：])\s*(?P<value>.*?)(?P<trail>\s*\\?)$")
_DATE_NO_COLON = re.compile(r"^(?P<lead>\s{0,3}(?:[-*+]\s+)?)(?P<open>\*\*)?(?P<key>Date|Datum|Fecha|Data|日期)"
                            r"(?P<close>\*\*)?\s+(?P<value>\w[\w ,./\-]{4,}?)(?P<trail>\s*)$", re.I)


def clean_value(value: str) -> str:
    """A value's words: HTML entities decoded, code marks, emphasis, template braces
    and trailing hard-break marks removed."""
    text = html.unescape(value).strip()
    text = re.sub(r"\s*\\$", "", text)
    text = re.sub(r"^`+|`+$", "", text).strip()
    text = re.sub(r"^(\*\*|__)(.*)\1$", r"\2", text).strip()
    if re.fullmatch(r"\{[^{}]*\}", text):
        text = text[1:-1].strip()
    return text


def _line_entry(line: str, number: int, style: str) -> Entry | None:
    m = _KV.match(line.rstrip("\r\n"))
    if not m or ("://" in m.group("key")) or m.group("key").rstrip().endswith(("http", "https")):
        m = _DATE_NO_COLON.match(line.rstrip("\r\n"))
        if not m or not read_date(m.group("value")).shape:  # 'Data is kept ...' is a sentence, not a date
            return None
    key = m.group("key").strip().rstrip("*_").strip()
    if not key or len(key.split()) > 5:
        return None
    value = m.group("value")
    value_start = m.start("value")
    return Entry(key, value, number, field_of_key(key), style, prefix=line[:value_start])


def _paragraph_entries(block: Block, lines: list[str], style: str) -> list[Entry]:
    """Key/value lines of a paragraph; an indented line continues the value above."""
    out: list[Entry] = []
    for n in range(block.start, block.end):
        line = lines[n]
        if not line.strip():
            continue
        if out and line[:1] in (" ", "\t") and out[-1].line == n - 1 - len(out[-1].extra_lines):
            out[-1].extra_lines += (line.strip(),)
            continue
        entry = _line_entry(line, n, style)
        if entry is not None:
            out.append(entry)
    return out


def _list_entries(block: Block, lines: list[str]) -> list[Entry]:
    """Key/value bullets; a bullet whose value is empty takes its nested items as the
    value (`* Deciders:` then `  * Alice`)."""
    out: list[Entry] = []
    depth = 0
    current: Entry | None = None
    for tok in block.tokens:
        if tok.type == "list_item_open":
            depth += 1
            if depth == 1 and tok.map:
                current = _line_entry(lines[tok.map[0]], tok.map[0], "bullet")
                if current is not None:
                    out.append(current)
            elif depth > 1 and current is not None and not current.value.strip() and tok.map:
                item = lines[tok.map[0]].strip()
                current.extra_lines += (re.sub(r"^[-*+]\s+", "", item),)
        elif tok.type == "list_item_close":
            depth -= 1
        elif tok.type == "inline" and depth == 1 and current is not None and tok.map \
                and tok.map[1] - tok.map[0] > 1 and current.value.strip():
            for n in range(tok.map[0] + 1, tok.map[1]):
                if lines[n].strip():
                    current.extra_lines += (lines[n].strip(),)
    return out


def _cells(line: str) -> list[tuple[int, str]]:
    """(start, text as written) of each cell of a table row line."""
    body = line.rstrip("\r\n")
    m = re.match(r"^\s*(?:>\s*)*", body)
    start = m.end() if m else 0
    if body[start:start + 1] == "|":
        start += 1
    cells, cur = [], start
    i = start
    while i <= len(body):
        if i == len(body) or (body[i] == "|" and body[i - 1:i] != "\\"):
            raw = body[cur:i]
            if i < len(body) or raw.strip():
                lead = len(raw) - len(raw.lstrip())
                cells.append((cur + lead, raw.strip()))
            cur = i + 1
        i += 1
    return cells


def _table_entries(block: Block, lines: list[str]) -> list[Entry]:
    rows: list[int] = []
    for tok in block.tokens:
        if tok.type == "tr_open" and tok.map:
            rows.append(tok.map[0])
    if not rows:
        return []
    head = _cells(lines[rows[0]])
    body = [(n, _cells(lines[n])) for n in rows[1:]]
    head_fields = [field_of_key(text) for _, text in head]
    out: list[Entry] = []
    if any(head_fields) and len(body) == 1:
        n, cells = body[0]
        for (_, key), f, (start, value) in zip(head, head_fields, cells):
            out.append(Entry(key, value, n, f, "table", prefix=lines[n][:start]))
        return out
    if len(head) >= 2:
        for n, cells in [(rows[0], head)] + body:
            if len(cells) < 2:
                continue
            (_, key), (start, value) = cells[0], cells[1]
            key = re.sub(r"^(\*\*|__)(.*)\1$", r"\2", key).strip()
            f = field_of_key(key)
            if f or n != rows[0]:
                out.append(Entry(key, value, n, f, "table", prefix=lines[n][:start]))
    return out


class _HtmlRows(HTMLParser):
    """The rows of the first table of an HTML fragment: per cell its tag, its text and
    its inner HTML as written."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.rows: list[list[tuple[str, str, str]]] = []
        self._cell: tuple[str, int] | None = None
        self._text: list[str] = []
        self._row: list[tuple[str, str, str]] | None = None

    def _pos(self) -> int:
        line, col = self.getpos()
        lines = self.source.split("\n")
        return sum(len(x) + 1 for x in lines[:line - 1]) + col

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = (tag, self._pos() + len(self.get_starttag_text() or ""))
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            kind, start = self._cell
            raw = self.source[start:self._pos()]
            self._row.append((kind, html.unescape("".join(self._text)).strip(), raw))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def _html_entries(block: Block, lines: list[str]) -> list[Entry]:
    source = "".join(lines[block.start:block.end])
    if "<t" not in source.lower():
        return []
    parser = _HtmlRows(source)
    try:
        parser.feed(source)
        parser.close()
    except Exception:  # html.parser is lenient; anything it cannot take is no table
        return []
    out: list[Entry] = []
    rows = parser.rows

    def line_of(raw: str) -> int:
        for n in range(block.start, block.end):
            if raw and raw in lines[n]:
                return n
        return block.start

    if len(rows) == 2 and all(c[0] == "th" for c in rows[0]) and any(field_of_key(c[1]) for c in rows[0]):
        for (_, key, _), (_, _, raw) in zip(rows[0], rows[1]):
            n = line_of(raw)
            out.append(Entry(key, raw, n, field_of_key(key), "html", prefix=lines[n][:lines[n].find(raw)]))
        return out
    for row in rows:
        if len(row) < 2:
            continue
        key, raw = row[0][1], row[1][2]
        n = line_of(raw)
        out.append(Entry(key, raw, n, field_of_key(key), "html",
                         prefix=lines[n][:max(0, lines[n].find(raw))]))
    return out


def entries_of(block: Block, lines: list[str]) -> list[Entry]:
    """The key/value entries of one top-level block (see the module docstring)."""
    if block.kind == "paragraph":
        return _paragraph_entries(block, lines, "line")
    if block.kind in ("bullet_list", "ordered_list"):
        return _list_entries(block, lines)
    if block.kind == "table":
        return _table_entries(block, lines)
    if block.kind == "html_block":
        return _html_entries(block, lines)
    if block.kind == "blockquote":
        inner = [t for t in block.tokens if t.type == "table_open"]
        if inner:
            table = Block("table", block.start, block.end, tokens=block.tokens)
            return _table_entries(table, lines)
        return _paragraph_entries(block, lines, "line")
    return []


def value_words(entry: Entry) -> str:
    """An entry's value as plain words (continuation lines joined)."""
    parts = [entry.value] + list(entry.extra_lines)
    if entry.style == "html":
        parts = [re.sub(r"<[^>]+>", "", p) for p in parts]
    return " ".join(clean_value(p) for p in parts if p.strip())

