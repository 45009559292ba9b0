"""A status as written, read into a canonical status and the records it names.

`read_status("⌛️ Superseded by [012. Event store](012-event-store.md)")` gives
superseded and a superseded-by link to `012-event-store.md`. Emphasis, emoji, code
marks, template braces and qualifiers (`Accepted (records an existing practice)`,
`Partly superseded by ...`) are read through; misspellings (`Superceded`,
`Depreciated`) and other languages are known (see `vocabulary`). A list of choices
(`proposed | accepted | rejected`, a legend such as `提议/通过/完成/已弃用`) is not a
status. A status history (one dated status per line) reads as its last entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from adrkit.formats.markdown.blocks import HTML_HREF, iter_links
from adrkit.formats.markdown.metadata import clean_value
from adrkit.formats.markdown.text import RawLink
from adrkit.formats.markdown.vocabulary import SUCCESSOR_WORDS, fold, rel_of, status_word, statuses_named

__all__ = ["StatusReading", "read_status", "is_legend", "status_of", "successor_links"]

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MD_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)]*(?:\([^)]*\)[^)]*)*\)")
_TAG = re.compile(r"<[^>]+>")
_DATED = re.compile(r"^\W*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\b\s*[:\-–—]?\s*")
_BARE_REF = re.compile(r"(?:adr|rfc)?[-\s#]*\d{1,6}(?:-[\w.-]+)?(?:\.md)?|[\w./-]+\.md", re.I)


@dataclass
class StatusReading:
    status: str | None
    words: str
    links: list[RawLink] = field(default_factory=list)
    legend: bool = False


_STRUCK = re.compile(r"~~.*?~~|<(del|s|strike)\b[^>]*>.*?</\1>", re.S | re.I)
_ARROW = re.compile(r"\s*(?:→|->|=>|⇒|⟶|➔)\s*")


def _plain(text: str, *, link_text: bool = False) -> str:
    """The words of a status: comments, struck-out words, tags and link destinations
    gone, link text kept out (a successor's title is not a status) unless asked for."""
    text = _STRUCK.sub(" ", _COMMENT.sub(" ", text))
    if link_text:
        text = _MD_LINK.sub(lambda m: f" {m.group(1)} ", text)
    text = re.sub(r"<a\b[^>]*>.*?</a>", " ", text, flags=re.S | re.I)
    text = _TAG.sub(" ", text)
    text = _MD_LINK.sub(" ", text)
    return clean_value(" ".join(text.split()))


def is_legend(text: str) -> bool:
    """A list of several statuses to choose from, not one status."""
    return len(statuses_named(_plain(text))) >= 3


def successor_links(text: str, where: str) -> list[RawLink]:
    """Every record `text` links to (markdown or HTML links), as superseded-by links."""
    out = []
    for link in iter_links(text):
        if link.is_image:
            continue
        out.append(RawLink("superseded-by", link.href, link.text or link.href, where))
    if not out:
        for m in HTML_HREF.finditer(text):
            href = next(g for g in m.groups()[1:] if g is not None)
            out.append(RawLink("superseded-by", href, href, where))
    return out


def read_status(value: str, *, where: str = "status") -> StatusReading:
    """What a status value says (see the module docstring)."""
    words = value.strip()
    if is_legend(words):
        return StatusReading(None, words, legend=True)
    plain = _plain(words)
    if _ARROW.search(plain):  # 'Proposed -> Accepted': where it went last
        plain = next((part for part in reversed(_ARROW.split(plain)) if status_word(part)), plain)
    hit = status_word(plain) or status_word(_plain(words, link_text=True))
    if hit is None:
        return StatusReading(None, words)
    status = hit[0]
    links: list[RawLink] = []
    if status == "superseded":
        links = successor_links(words, where)
        if not links:
            links = _bare_successor(plain, where)
    return StatusReading(status, words, links)


def _bare_successor(plain: str, where: str) -> list[RawLink]:
    """'Superseded by ADR-0005' or 'superseded by 0005-x.md': a successor named without
    a link."""
    folded = fold(plain)
    for phrase in sorted(SUCCESSOR_WORDS, key=len, reverse=True):
        at = folded.find(phrase)
        if at < 0:
            continue
        rest = plain[at + len(phrase):].strip(" :")
        m = _BARE_REF.match(rest)
        if m and re.search(r"\d|\.md$", m.group(0)):
            target = m.group(0).strip()
            return [RawLink("superseded-by", target, target, where)]
        break
    return []


def history_entry(line: str) -> str | None:
    """The status words of a dated history line ('2017-11-22 提议' -> '提议'), or None
    when the line does not start with a date."""
    m = _DATED.match(line)
    if not m:
        return None
    rest = line[m.end():].strip()
    return rest or None


def status_of(text: str | None) -> str | None:
    """The canonical status a status text means, in any spelling, or None."""
    if text is None:
        return None
    return read_status(str(text)).status


def typed_link_line(line: str, where: str) -> RawLink | None:
    """A line that is one typed link: 'Supersedes [3. X](0003-x.md)', '- Amended by
    [..](..)', '* **Refined by** [..](..)'."""
    m = re.match(r"^\s*(?:[-*+]\s+)?(?P<words>[^\[\]()]{2,40}?)\s*:?\s*(?P<link>\[.*\]\(.*\))\s*\.?\s*$",
                 line.rstrip("\r\n"))
    if not m:
        return None
    words = re.sub(r"[*_]", "", m.group("words")).strip().rstrip(":").strip()
    rel = rel_of(words)
    if rel is None:
        return None
    links = [x for x in iter_links(m.group("link")) if not x.is_image]
    if len(links) != 1:
        return None
    return RawLink(rel, links[0].href, links[0].text, where)
