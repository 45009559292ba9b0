"""Reading a markdown decision record: front matter, title, metadata lines and the
status section into fields; the body kept verbatim as chunks."""
from __future__ import annotations

import datetime
import re
from typing import Any

from adrkit.core.errors import FormatError
from adrkit.formats.yamlio import parse_front_matter
from adrkit.formats.markdown.text import (MarkdownRecord, RawLink, _COMMENT, _LINK, _fence_mask, _fold, _heading_of, _link_lines, _split_gap, parse_record_name, section_key, split_chunks, status_of)


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
