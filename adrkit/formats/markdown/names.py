"""What a markdown file's name says about a decision record.

Real ADR folders name their records in many ways; `parse_record_name` reads all the
common ones into a number, a date and a slug:

    0001-title.md  001-title.md  1-title.md  0001_title.md  ADR-0001-title.md
    adr-001-title.md  ADR_001.md  adr0001.md  RFC-0002-title.md  0001.md
    20220203-title.md  2022-02-03-title.md  2022-02-03_title.md  20240516132303-title.md
    2021-06-05_001-title.md (a date and a number)  2026-01-title.md (a month)
    ADR-XXX_title.md (a placeholder number: no number yet)
    title.md (neither: the importer numbers it)

One folder per record (`0007-title/README.md`, `.../index.md`, Hugo's `_index.md`)
takes the folder's name. `is_index_name` and `is_template_name` tell the files that
sit beside records but are not records (README, index, table of contents, template).
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

__all__ = ["RecordName", "parse_record_name", "is_index_name", "is_template_name", "FOLDER_PAGES",
           "MARKDOWN_SUFFIXES", "is_markdown_name"]

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
FOLDER_PAGES = ("readme", "index", "_index")  # the page of a folder-per-record

_PREFIX = r"(?:adr|rfc|dr|decision|adl)"
_DATE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2}|\d{14}|\d{8}|\d{4}-\d{2}(?=[-_ ]))(?:[-_ .]+(?P<rest>.*))?$")
_NUMBER = re.compile(rf"^(?:{_PREFIX}[-_ .]?)?(?P<number>\d{{1,6}})(?:[-_ .]+(?P<slug>.*))?$", re.I)
_PLACEHOLDER = re.compile(rf"^(?:{_PREFIX}[-_ .]?)(?P<number>x+|n+|\?+|#+)(?:[-_ .]+(?P<slug>.*))?$", re.I)
_PREFIXED = re.compile(rf"^{_PREFIX}[-_ .]+(?=\d{{4}}-\d{{2}}|\d{{8}}(?:\D|$))", re.I)
_INDEX_NAMES = {"readme", "index", "_index", "toc", "summary", "contents", "table-of-contents", "changelog",
                "license", "contributing", "code-of-conduct", "sidebar", "_sidebar", "home", "overview",
                "adr", "adrs", "decisions", "decision-log", "decision-records", "log", "glossary", "_category_"}


@dataclass(frozen=True)
class RecordName:
    """A record's name read: `number` (None when the name has none), `date` (ISO
    YYYY-MM-DD or YYYY-MM, from a date-named file), `slug` (the rest, as written, may
    be '') and `placeholder` (the name has a number placeholder such as ADR-XXX)."""

    number: int | None
    date: str | None
    slug: str
    placeholder: bool = False


def is_markdown_name(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def _stem(name: str) -> str:
    lower = name.lower()
    for suffix in MARKDOWN_SUFFIXES:
        if lower.endswith(suffix):
            return name[:-len(suffix)]
    return name


def _valid_date(text: str) -> str | None:
    digits = text.replace("-", "")
    try:
        if len(digits) == 6:
            datetime.date(int(digits[:4]), int(digits[4:6]), 1)
            return f"{digits[:4]}-{digits[4:6]}"
        day = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    if not 1900 <= day.year <= 2200:
        return None
    return day.isoformat()


def parse_record_name(name: str) -> RecordName:
    """Read a record's file name (or its folder's name, for a folder per record)."""
    stem = _stem(name).strip()
    prefixed = _PREFIXED.match(stem)  # 'adr-2021-05-03-title'
    m = _DATE.match(stem[prefixed.end():] if prefixed else stem)
    if m:
        date = _valid_date(m.group("date"))
        if date is not None:
            rest = m.group("rest") or ""
            inner = _NUMBER.match(rest)
            if inner and inner.group("slug"):
                return RecordName(int(inner.group("number")), date, inner.group("slug"))
            return RecordName(None, date, rest)
    m = _NUMBER.match(stem)
    if m:
        return RecordName(int(m.group("number")), None, m.group("slug") or "")
    m = _PLACEHOLDER.match(stem)
    if m:
        return RecordName(None, None, m.group("slug") or "", placeholder=True)
    return RecordName(None, None, stem)


def _words(name: str) -> str:
    stem = _stem(name).strip().lower()
    return stem[:1] + re.sub(r"[\s_]+", "-", stem[1:])


_GUIDE_WORDS = {"guide", "guides", "guideline", "guidelines", "howto", "instructions",
                "introduction", "overview", "faq"}


def is_index_name(name: str) -> bool:
    """README.md, index.md, _index.md, SUMMARY.md, adr.md, 000-index.md, and a guide
    named without a number or date (adr-guide.md, how-to-write-adrs.md): a page about
    the records, not one of them."""
    words = _words(name)
    if words in _INDEX_NAMES or words.lstrip("_") in _INDEX_NAMES:
        return True
    parsed = parse_record_name(name)
    if parsed.number is None and parsed.date is None and not parsed.placeholder:
        parts = [w for w in re.split(r"[^a-z0-9]+", words) if w]
        if _GUIDE_WORDS & set(parts) or "how-to" in words or "how-we" in words:
            return True
    return parsed.slug.lower().replace("_", "-") in ("index", "readme", "toc", "contents", "table-of-contents")


def is_template_name(name: str) -> bool:
    """template.md, adr-template.md, 0000-template.md, ADR-nnn_Any_Decision_Record_Template.md:
    the word 'template' in a name with no number, number 0 or a placeholder number
    (0010-use-jinja-template.md is a record)."""
    if "template" not in re.split(r"[^a-z0-9]+", _stem(name).lower()):
        return False
    parsed = parse_record_name(name)
    return parsed.number in (None, 0) or parsed.placeholder
