"""Reading one markdown decision record: every field from wherever it is written, the
text kept whole.

`read_markdown` parses the file with markdown-it-py (`blocks`), then reads:

1. front matter, YAML or TOML, leniently (`frontmatter`);
2. the title: the first `# ` or setext heading before any section, without a number
   prefix (`# 3. X`, `# ADR-0003: X`, `# 0003 — X`); else front matter `title`; else
   a metadata `title`; else the file name;
3. metadata under the title (`metadata`): lines, bullets, bold lines, tables;
4. a status section anywhere (`## Status`, `Statut`, `Estado`, `状态`, setext too),
   its typed link lines (`Supersedes [..](..)`), a status history, a legend skipped;
5. typed links in a `## Links` section, dates in a `## Changelog` list.

The text after the front matter is cut at its headings into chunks kept verbatim
(`MarkdownRecord.body`): joined with the front matter, the gaps, the line ends and
the byte-order mark, they give the file back byte for byte. Chunks that carry fields
say where (`Chunk.fields`, `Chunk.drop`), so a writer can change a value in place.

Nothing read is refused: a record that states no status has `status` None and a
note; a date that is not a calendar date is noted and left empty; front matter that
does not parse is read line by line and kept as written.
"""
from __future__ import annotations

import re
from typing import Any

from adrkit.formats.markdown.blocks import Block, parse_blocks, split_lines, split_sections
from adrkit.formats.markdown.dates import read_date
from adrkit.formats.markdown.frontmatter import names_of, read_front_matter, scalar_text, split_front_matter
from adrkit.formats.markdown.metadata import Entry, clean_value, entries_of, value_words
from adrkit.formats.markdown.names import parse_record_name
from adrkit.formats.markdown.statuses import (history_entry, is_legend, read_status, successor_links,
                                              typed_link_line)
from adrkit.formats.markdown.text import MarkdownRecord, RawLink
from adrkit.formats.markdown.vocabulary import (CHANGELOG_HEADINGS, SUCCESSOR_WORDS, field_of_key, fold,
                                                section_key)

__all__ = ["read_markdown", "strip_number"]

_NUMBERED_TITLE = re.compile(
    r"^(?:(?P<prefix>\[?(?:ADR|RFC|DR|ADL|Decision)\s*[-_#:]?\s*)(?P<n1>\d+|[nNxX?]{2,}|[nN])\]?(?:\s*[.:)\-–—]\s*|\s+)"
    r"|(?P<n2>\d+|[nN]{1,4}|[xX]{2,4})(?:\s*[.:)]\s*|\s+[-–—:]\s+|\s*[-–—]\s+))(?P<title>\S.*)$")
_BARE_NUMBER = re.compile(r"^(\d{1,4})\s+(?=\S)")
_BRACKETED = re.compile(r"\[([^\[\]]+)\]")  # a whole title in square brackets (not a link)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_ATTRIBUTES = re.compile(r"\s*\{[#.][^{}]*\}\s*$")  # '# Title {#id .class}' (Pandoc, kramdown)
_DATE_FIELDS = ("date", "created", "updated")
_METADATA_HEADINGS = {"metadata", "meta", "meta data", "properties", "info", "document information",
                      "adr metadata", "record metadata", "decision metadata", "details", "metadaten",
                      "metadonnees", "metadatos", "metadados", "元数据"}
_BOLD_KEY = re.compile(r"^\s*(?:\*\*|__)(?P<key>[^*_:：]{2,40}?)\s*[:：]?\s*(?:\*\*|__)\s*[:：]?\s*$")
_KEY_IN_HEADING = re.compile(r"^(?P<key>[^:：]{2,30}?)\s*[:：]\s*(?P<value>\S.*)$")
_PEOPLE = ("decision-makers", "consulted", "informed", "tags", "authors")


def strip_number(title: str) -> tuple[str, str | None]:
    """'3. Use X' -> ('Use X', '3'); 'ADR-0003: Use X' -> ('Use X', '0003'); 'RFC-NNNN
    Title' -> ('Title', 'NNNN'); other titles unchanged, with None."""
    m = _NUMBERED_TITLE.match(title.strip())
    if not m:
        return title.strip(), None
    return m.group("title").strip(), m.group("n1") or m.group("n2")


def read_markdown(text: str, *, path: str, name: str | None = None, order: str = "dmy") -> MarkdownRecord:
    """Parse one markdown decision file. `path` names it in messages and in the
    record; `name` is the file (or record folder) name the number and date come from;
    `order` decides slash dates that read both ways ('dmy' or 'mdy')."""
    name = name or path.rsplit("/", 1)[-1]
    rec = MarkdownRecord(path=path, format="madr", title="")
    parsed = parse_record_name(name)
    rec.number, rec.file_date, rec.slug = parsed.number, parsed.date, parsed.slug
    if text.startswith("\ufeff"):
        rec.bom, text = True, text[1:]
    if "\r\n" in text and text.count("\r\n") == text.count("\n"):
        rec.eol, text = "\r\n", text.replace("\r\n", "\n")
    lines = split_lines(text)
    rest = text
    found = split_front_matter(lines)
    fm_data: dict[str, Any] = {}
    if found is not None:
        kind, block, _ = found
        fm = read_front_matter(kind, block, path=path)
        rec.head, rest = block, text[len(block):]
        rec.front_matter_block, rec.front_matter_kind = block, kind
        rec.front_matter, rec.front_matter_complete = fm.data, fm.complete
        fm_data = fm.data
        for problem in fm.problems:
            rec.note("front-matter", problem, "warning")
    content = rest.lstrip(" \t\r\n")
    lead = rest[:len(rest) - len(content)]
    # a line's leading spaces belong to its line
    if lead and not lead.endswith(("\n", "\r")):
        keep = len(lead) - max(lead.rfind("\n"), lead.rfind("\r")) - 1
        lead, content = lead[:len(lead) - keep], lead[len(lead) - keep:] + content
    rec.head_gap = lead
    body = content.rstrip(" \t\r\n")
    rec.tail = content[len(body):]
    if not body:
        rec.tail = lead + rec.tail if not rec.head else rec.tail
        rec.head_gap = "" if not rec.head else rec.head_gap
    chunks = split_sections(body)
    if chunks:
        chunks[-1].gap = ""
    rec.body = chunks
    blocks = parse_blocks(body) if body else []
    _Reading(rec, body, blocks, fm_data, order).run()
    return rec


class _Reading:
    """The state of reading one record's fields (see `read_markdown`)."""

    def __init__(self, rec: MarkdownRecord, body: str, blocks: list[Block], fm: dict[str, Any],
                 order: str) -> None:
        self.rec, self.blocks, self.fm, self.order = rec, blocks, fm, order
        self.lines = split_lines(body)
        self.starts: list[int] = []  # first line of each chunk
        n = 0
        for chunk in rec.body:
            self.starts.append(n)
            n += len(split_lines(chunk.text + chunk.gap)) if chunk.gap or chunk.text else 0
        self.dates: dict[str, tuple[str, str]] = {}  # date kind -> (text, where)
        self.status_from: str | None = None
        self.heading_number: str | None = None

    # --- where a line is ---------------------------------------------------------------
    def chunk_of(self, line: int) -> int:
        at = 0
        for i, start in enumerate(self.starts):
            if start <= line:
                at = i
        return at

    def mark(self, field: str, line: int, value: str) -> None:
        i = self.chunk_of(line)
        self.rec.body[i].fields.setdefault(field, [line - self.starts[i], value])

    def drop(self, *lines: int) -> None:
        for line in lines:
            i = self.chunk_of(line)
            self.rec.body[i].drop.append(line - self.starts[i])

    # --- the steps ---------------------------------------------------------------------
    def run(self) -> None:
        rec = self.rec
        self.front_matter()
        title_block = self.title()
        head_end = self.head_end(title_block)
        for i, start in enumerate(self.starts):
            if start < head_end:
                rec.body[i].role = "head"
        head_blocks = [b for b in self.blocks if b.start < head_end and b is not title_block]
        self.metadata(head_blocks)
        self.sections()
        self.finish()

    def front_matter(self) -> None:
        rec, data = self.rec, self.fm
        for key, value in data.items():
            field = field_of_key(str(key))
            if key == "links" and isinstance(value, list):
                if all(isinstance(x, dict) and "rel" in x and "target" in x for x in value):
                    rec.front_matter_keys["links"] = "links"
                    rec.links += [RawLink(str(x["rel"]), str(x["target"]), str(x["target"]), "front matter")
                                  for x in value]
                continue
            if field is None or field in rec.front_matter_keys:
                continue
            rec.front_matter_keys[field] = str(key)
            if field == "title":
                text = scalar_text(value)
                if text:
                    rec.title, rec.title_from = strip_number(" ".join(text.split()))[0], "front matter"
            elif field == "status":
                text = scalar_text(value)
                if text is None and isinstance(value, list) and value and scalar_text(value[-1]):
                    text = scalar_text(value[-1])  # a history of statuses: the last one
                    rec.note("status", f"front matter '{key}' lists {len(value)} statuses; the last one is used")
                if text is None:
                    rec.note("status", f"front matter '{key}' is not a status word; kept as written", "warning")
                    continue
                reading = read_status(text, where="front matter")
                if reading.status is not None or not reading.legend:
                    rec.status_text, rec.status = text, reading.status
                    rec.links += reading.links
                    self.status_from = "front matter"
            elif field in _DATE_FIELDS:
                text = scalar_text(value)
                if text:
                    self.dates.setdefault(field, (text, "front matter"))
            elif field in ("supersedes", "superseded-by"):
                for target in names_of(value) or []:
                    rec.links.append(RawLink(field, target, target, "front matter"))
            elif field in _PEOPLE:
                names = names_of(value)
                if names is None:
                    rec.note("front-matter", f"front matter '{key}' is not a list of names; kept as written",
                             "warning")
                    continue
                self.set_people(field, names, str(key))
        for key in ("supersedes", "superseded-by"):
            if key not in rec.front_matter_keys and key in data:
                rec.front_matter_keys[key] = key

    def set_people(self, field: str, names: list[str], key: str) -> None:
        rec = self.rec
        if field == "authors":
            if not rec.decision_makers:
                rec.decision_makers = names
                rec.note("metadata", f"'{key}' read as the decision-makers")
            return
        attr = field.replace("-", "_")
        if not getattr(rec, attr):
            setattr(rec, attr, names)

    def title(self) -> Block | None:
        """The title heading: the first heading when it is level 1 and comes before
        any section, or a level-1 heading before the first section."""
        rec = self.rec
        for block in self.blocks:
            if block.kind != "heading":
                continue
            if block.level != 1:
                m = _NUMBERED_TITLE.match(block.text.strip())
                if block.level == 2 and not rec.title and m and m.group("prefix"):
                    pass  # '## ADR 5: Use X' with no '# ' title is the title
                else:
                    break
            text = _ESCAPED.sub(r"\1", re.sub(r"<!--.*?-->", "", block.text, flags=re.S)).strip()
            text = _ATTRIBUTES.sub("", text) or text
            title, number = strip_number(text)
            if number is None:
                title, number = self.bare_number(title)
            bracketed = _BRACKETED.fullmatch(title.strip())
            if bracketed and bracketed.group(1).strip():  # '# [Gestion des Dates]': the template's brackets kept
                title = bracketed.group(1).strip()
                rec.title_bracketed = True
            if rec.title and rec.title_from == "front matter" and fold(title) != fold(rec.title):
                rec.note("title", f"the heading '{title}' and the front matter title '{rec.title}' differ; "
                         "the heading's is used")
            rec.title, rec.title_from, self.heading_number = title, "heading", number
            i = self.chunk_of(block.start)
            rec.body[i].fields["title"] = [block.start - self.starts[i], title]
            self.drop(*range(block.start, block.end))
            if number is not None:
                rec.format = "nygard"
            return block
        return None

    def bare_number(self, title: str) -> tuple[str, str | None]:
        """'6 Blocking retries' in 0006-x.md: a number the file name (or a neighbour's,
        in a copied heading) gives, without a separator."""
        m = _BARE_NUMBER.match(title)
        number = self.rec.number
        if not m or number is None:
            return title, None
        n = int(m.group(1))
        rest = title[m.end():]
        if n == number or (abs(n - number) <= 3 and rest[:1].isupper()):
            if n != number:
                self.rec.note("title", f"the heading's number {n} is not the file's ({number}); left out of the title")
            return rest, m.group(1)
        return title, None

    def head_end(self, title: Block | None) -> int:
        """The first line after the head: the first heading that is not the title, or
        (when that heading repeats the title) the one after it."""
        seen = False
        for block in self.blocks:
            if block.kind == "heading" and block is not title:
                text = fold(_ESCAPED.sub(r"\1", block.text))
                if not seen and title is not None and text == fold(self.rec.title):
                    seen = True
                    continue
                if text in _METADATA_HEADINGS:
                    continue
                return block.start
        return len(self.lines)

    def metadata(self, blocks: list[Block]) -> None:
        rec = self.rec
        for n, block in enumerate(blocks):
            entries = entries_of(block, self.lines)
            if block.kind == "paragraph" and n + 1 < len(blocks):
                entries = self.value_below(block, blocks[n + 1], entries)
            if not any(e.field for e in entries):
                continue
            styles = {e.style for e in entries}
            if "bullet" in styles and rec.format != "nygard":
                rec.format = "madr2"
            elif "line" in styles and any(e.field in _DATE_FIELDS for e in entries):
                rec.format = "nygard" if rec.format != "madr2" else rec.format
            known = [e for e in entries if e.field]
            for entry in entries:
                self.take(entry)
            if block.kind in ("table", "html_block", "blockquote") and len(known) == len(entries):
                self.drop(*range(block.start, block.end))

    def value_below(self, block: Block, below: Block, entries: list[Entry]) -> list[Entry]:
        """`**Status**` (or `Status:`) alone on its line, its value the next paragraph's
        first line."""
        lines = [n for n in range(block.start, block.end) if self.lines[n].strip()]
        if len(lines) != 1 or below.kind not in ("paragraph", "bullet_list"):
            return entries
        line = self.lines[lines[0]].rstrip("\r\n")
        m = _BOLD_KEY.match(line)
        key = m.group("key").strip() if m else (entries[0].key if len(entries) == 1 and not entries[0].value.strip()
                                                 else None)
        if not key or field_of_key(key) not in ("status", *_DATE_FIELDS):
            return entries
        n = below.start
        value = re.sub(r"^\s*(?:[-*+]\s+)?", "", self.lines[n].rstrip("\r\n")).rstrip()
        prefix = self.lines[n][:len(self.lines[n]) - len(self.lines[n].lstrip())]
        self.drop(lines[0])
        return [Entry(key, value, n, field_of_key(key), "line", prefix=prefix)]

    def take(self, entry: Entry) -> None:
        rec, field = self.rec, entry.field
        words = value_words(entry)
        if field is None:
            if entry.style != "table" or entry.key:
                rec.metadata_extra.setdefault(entry.key, words)
            return
        if entry.style in ("line", "bullet"):
            self.drop(entry.line, *range(entry.line + 1, entry.line + 1 + len(entry.extra_lines)))
        if field == "status":
            if rec.status_text is not None:
                if self.status_from == "front matter":
                    reading = read_status(entry.value)
                    if reading.status and reading.status != rec.status:
                        rec.note("status", f"status '{clean_value(entry.value)}' in the text differs from "
                                 f"'{rec.status_text}' in the front matter; the front matter's is used", "warning")
                    self.mark("status", entry.line, entry.value)
                return
            reading = read_status(entry.value if entry.style != "table" else clean_value(entry.value))
            if reading.legend:
                rec.note("status", f"'{clean_value(entry.value)[:80]}' lists several statuses; "
                         "read as no status")
                return
            rec.status_text, rec.status = entry.value, reading.status
            rec.links += reading.links
            self.status_from = "metadata"
            self.mark("status", entry.line, entry.value)
        elif field in _DATE_FIELDS:
            if field not in self.dates:
                self.dates[field] = (words, "metadata")
                self.mark(field, entry.line, entry.value)
        elif field == "title":
            if not rec.title:
                rec.title, rec.title_from = strip_number(clean_value(entry.value))[0], "metadata"
                self.mark("title", entry.line, entry.value)
        elif field in ("supersedes", "superseded-by"):
            for link in successor_links(entry.value, "metadata"):
                link.rel = field
                rec.links.append(link)
        else:
            names = [clean_value(n) for n in re.split(r"\s*[,;]\s*", words) if clean_value(n)]
            if field == "authors" and rec.decision_makers:
                return
            self.set_people(field, names, entry.key)
            self.mark(field if field != "authors" else "decision-makers", entry.line, entry.value)

    def sections(self) -> None:
        rec = self.rec
        for i, chunk in enumerate(rec.body):
            if not chunk.heading:
                continue
            key = section_key(chunk.heading)
            folded = fold(re.sub(r"<!--.*?-->", "", chunk.heading))
            m = _KEY_IN_HEADING.match(chunk.heading)
            if key is None and m and field_of_key(m.group("key")) == "status" and rec.status_text is None:
                self.status_heading(i, m.group("value"))
            elif key == "status" and chunk.role != "head":
                if any(c.role == "status" for c in rec.body):
                    continue
                chunk.role = "status"
                self.status_section(i)
            elif key == "links":
                self.links_section(i)
            elif folded in CHANGELOG_HEADINGS:
                self.changelog(i)

    def status_heading(self, i: int, value: str) -> None:
        """'## Status: Accepted': the status in the heading itself."""
        rec = self.rec
        reading = read_status(value, where="status heading")
        if reading.status is None and not reading.legend:
            return
        rec.status_text, rec.status = value, reading.status
        rec.links += reading.links
        self.status_from = "status section"
        rec.body[i].role = rec.body[i].role or "status"
        self.mark("status", self.starts[i], value)

    def chunk_blocks(self, i: int) -> list[Block]:
        start = self.starts[i]
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.lines)
        return [b for b in self.blocks if start <= b.start < end]

    def status_section(self, i: int) -> None:
        rec = self.rec
        blocks = self.chunk_blocks(i)
        heading = blocks[0] if blocks and blocks[0].kind == "heading" else None
        if heading is not None:
            self.drop(*range(heading.start, heading.end))
        candidates: list[tuple[int, str]] = []
        history: list[tuple[int, str]] = []
        others: list[tuple[int, str]] = []
        for block in blocks:
            if block is heading:
                continue
            if block.kind in ("fence", "code_block", "hr"):
                continue
            if block.kind == "html_block":
                if block.tokens and re.fullmatch(r"\s*(<!--.*?-->\s*)+", block.tokens[0].content, re.S):
                    self.drop(*range(block.start, block.end))
                continue
            for n in range(block.start, block.end):
                line = self.lines[n].rstrip("\r\n")
                bare = re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?", "", line)
                if not bare.strip() or re.fullmatch(r"\s*<!--.*?-->\s*", bare):
                    continue
                link = typed_link_line(line, "status section")
                if link is not None and link.rel != "superseded-by":
                    rec.links.append(link)
                    rec.body[i].links.append([n - self.starts[i], link.rel, link.href])
                    self.drop(n)
                    continue
                if is_legend(bare):
                    self.drop(n)
                    continue
                entry = history_entry(bare)
                if entry is not None and read_status(entry).status:
                    history.append((n, bare))
                    continue
                if read_status(bare).status and not candidates:
                    candidates.append((n, bare))
                else:
                    others.append((n, bare))
        chosen = history[-1] if history else (candidates[0] if candidates else None)
        if chosen is None:
            return
        n, value = chosen
        if history:
            reading = read_status(history_entry(value) or value, where="status section")
        else:
            reading = read_status(value, where="status section")
        if rec.status_text is not None:
            if reading.status and reading.status != rec.status:
                rec.note("status", f"status '{clean_value(value)[:80]}' in the Status section differs from "
                         f"'{rec.status_text}' given above; the one above is used", "warning")
            return
        if history and len(history) > 1:
            rec.note("status", f"the Status section holds a history of {len(history)} statuses; "
                     "the last one is used")
        rec.status_text, rec.status = value, reading.status
        self.status_from = "status section"
        links = reading.links
        if rec.status == "superseded" and not links:
            for m, other in others:
                if any(w in fold(other) for w in SUCCESSOR_WORDS) or "取代" in other:
                    links = successor_links(other, "status section")
                    if links:
                        break
        rec.links += links
        self.mark("status", n, value)
        for m, _ in history:
            self.drop(m)
        self.drop(n)
        if rec.format != "madr2":
            rec.format = "nygard" if self.fm.get(rec.front_matter_keys.get("status", "status")) is None \
                else rec.format

    def links_section(self, i: int) -> None:
        rec = self.rec
        for block in self.chunk_blocks(i):
            if block.kind in ("heading", "fence", "code_block", "html_block"):
                continue
            for n in range(block.start, block.end):
                link = typed_link_line(self.lines[n], "Links section")
                if link is not None:
                    rec.links.append(link)
                    rec.body[i].links.append([n - self.starts[i], link.rel, link.href])

    def changelog(self, i: int) -> None:
        """Dates of a changelog list: the entry that says it created or first drafted
        the record, else the earliest."""
        found: list[tuple[str, str, str]] = []
        for block in self.chunk_blocks(i):
            if block.kind not in ("bullet_list", "ordered_list", "paragraph"):
                continue
            for n in range(block.start, block.end):
                line = re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?", "", self.lines[n]).strip()
                head = line.split(":", 1)[0] if ":" in line[:40] else line[:40]
                reading = read_date(head, order=self.order)
                if reading.iso and len(reading.iso) == 10:
                    found.append((reading.iso, line, head))
        if not found:
            return
        created = [f for f in found if re.search(r"\b(?:creat\w*|first (?:draft|version)|initial\w*)\b",
                                                 f[1][len(f[2]):], re.I)]
        iso, line, head = min(created) if created else min(found)
        self.dates.setdefault("changelog", (head, "changelog"))

    # --- after everything is read ---------------------------------------------------------
    def finish(self) -> None:
        rec = self.rec
        if rec.front_matter is not None and any(k in rec.front_matter_keys for k in ("status", "date")):
            rec.format = "madr"
        if not rec.title:
            stem = rec.slug or rec.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            rec.title = re.sub(r"[-_]+", " ", stem).strip().capitalize() or "Untitled"
            rec.title_from = "file name"
            rec.note("title", "no title heading or front matter title; title taken from the file name")
        if self.heading_number is not None and self.heading_number.isdigit():
            number = int(self.heading_number)
            if rec.number is not None and number != rec.number:
                rec.note("number", f"title says number {number} but the file name says {rec.number}; "
                         "the file name's is used", "warning")
            elif rec.number is None and rec.file_date is None:
                rec.number = number
        if rec.status_text is None:
            rec.note("status", "states no status; imported without one (set it with 'adrkit status')")
        elif rec.status is None:
            rec.note("status", f"status '{clean_value(rec.status_text)[:80]}' not understood; imported without "
                     "a status, the original text is kept", "warning")
        self.date()

    def date(self) -> None:
        rec = self.rec
        for kind in ("date", "created", "changelog", "updated"):
            if kind in self.dates:
                text, where = self.dates[kind]
                rec.date_text = text
                reading = read_date(text, order=self.order)
                rec.date_ambiguous = reading.ambiguous
                if reading.iso:
                    rec.date = reading.iso
                    if kind == "changelog":
                        rec.note("date", f"date {rec.date} read from the changelog ('{text.strip()}')")
                    elif kind == "updated":
                        rec.note("date", f"date {rec.date} read from the last-update line")
                    if reading.ambiguous:
                        rec.note("date", f"date '{text.strip()}' reads both ways; read as {rec.date} "
                                 f"({'day' if reading.order == 'dmy' else 'month'} first)")
                else:
                    rec.note("date", f"date '{clean_value(text)[:40]}' is not a calendar date; imported without "
                             "a date, the text keeps it", "warning")
                return
        if rec.file_date:
            rec.date = rec.file_date
            rec.note("date", f"no date given; {rec.date} taken from the file name")
