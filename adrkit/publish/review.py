"""Stage 5, what a decision page adds for its reader around the converted notebook:

- the contents of a long page (its sections, from the headings of the converted body,
  linking to the ids the body carries) and a record bar that stays in view while
  reading: the record's number and status, "superseded by ..." on a superseded record,
  the contents menu and a way back to the top;
- the trade-off data block: each valid trade-off table of the decision's data file as
  JSON in a `<script type="application/json">` element, which the what-if script reads
  (it is data, never run; `<`, `>` and `&` are escaped so no text can end the element);
- "what changed": for each record this one supersedes, when both have trade-offs, the
  difference of the tables (`adrkit.core.tradeoff.compare`) drawn by
  `adrkit.render.comparison`;
- for the index, the successors of a superseded record ("superseded by 0006").

The tables come with each page from its conversion (`shown_tradeoffs`: the tables the
page shows, read from the data file in the same pass that drew them), so this stage
reads no file; a table that does not validate is left out of the data block and of the
comparison (its page shows why).
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from adrkit.core.errors import AdrkitError
from adrkit.core.tradeoff import Tradeoff
from adrkit.core.tradeoff.compare import compare, pair_tables
from adrkit.publish.links import SiteLinks
from adrkit.publish.model import Page

__all__ = ["shown_tradeoffs", "Heading", "tradeoff_anchor", "page_headings", "toc_of", "decision_review",
           "successor_pages", "successor_labels", "CHANGES_ID", "TOC_MIN"]

CHANGES_ID = "adrkit-changes"   # the id of the "what changed" section
TOC_MIN = 3                     # a page with this many sections or more gets contents
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def tradeoff_anchor(name: str) -> str:
    """The id of the element that holds trade-off `name` on a page ('tradeoff-main');
    a name that is not plain letters, digits, '-' and '_' is written in hex."""
    text = str(name)
    return f"tradeoff-{text}" if _SAFE_NAME.match(text) else "tradeoff-x" + text.encode("utf-8").hex()


def shown_tradeoffs(data: dict[str, Any], shown: dict[str, list[str]]) -> dict[str, Any]:
    """The trade-off tables a page shows that validate, by name, in the data file's shape
    (read once, when the page is converted, and kept with it)."""
    section = data.get("tradeoffs") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        return {}
    out = {}
    for name in shown.get("tradeoffs", []):
        try:
            t = Tradeoff.from_dict(section.get(name), where=f"tradeoffs.{name}")
        except AdrkitError:
            continue
        if not t.problems() and t.options and t.criteria:
            out[name] = t.to_dict()
    return out


def _tables(page: Page) -> dict[str, Tradeoff]:
    return {name: Tradeoff.from_dict(data) for name, data in page.tradeoffs.items()}


def toc_of(body: str) -> list[dict[str, Any]]:
    """`page_headings` as plain data (kept with the page when it is converted)."""
    def plain(h: Heading) -> dict[str, Any]:
        return {"level": h.level, "id": h.id, "text": h.text, "children": [plain(c) for c in h.children]}
    return [plain(h) for h in page_headings(body)]


# --- headings and contents --------------------------------------------------------------

@dataclass
class Heading:
    level: int
    id: str
    text: str
    children: list["Heading"] = field(default_factory=list)


# The body is the sanitizer's output (well formed, attributes double-quoted), so its
# headings are read with patterns rather than a full parse of every page.
_HEADING = re.compile(r"<h([1-3])\b([^>]*)>(.*?)</h\1\s*>", re.S)
_ID = re.compile(r'\bid="([^"]*)"')
_ANCHOR_LINK = re.compile(r'<a\b[^>]*\bclass="(?:[^"]*\s)?anchor-link(?:\s[^"]*)?"[^>]*>.*?</a\s*>', re.S)
_TAG = re.compile(r"<[^>]*>")


def page_headings(body: str) -> list[Heading]:
    """The sections of a converted body as a tree two levels deep: its top heading level
    (the highest found) and the level below it."""
    found = []
    for match in _HEADING.finditer(body):
        ident = _ID.search(match.group(2))
        text = " ".join(html.unescape(_TAG.sub("", _ANCHOR_LINK.sub("", match.group(3)))).split())
        if ident and ident.group(1) and text:
            found.append(Heading(int(match.group(1)), html.unescape(ident.group(1)), text))
    if not found:
        return []
    top = min(h.level for h in found)
    tree: list[Heading] = []
    for h in found:
        if h.level == top:
            tree.append(h)
        elif h.level == top + 1 and tree:
            tree[-1].children.append(h)
        elif h.level == top + 1:
            tree.append(h)
    return tree


# --- the data block ------------------------------------------------------------------------

def _data_block(tables: dict[str, Any]) -> str:
    payload = {"tables": [{"name": name, "anchor": tradeoff_anchor(name), "table": table}
                          for name, table in tables.items()]}
    if not payload["tables"]:
        return ""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- what changed --------------------------------------------------------------------------

def _changes(page: Page, links: SiteLinks) -> list[dict[str, Any]]:
    from adrkit.render.comparison import diff_html

    if page.tradeoffs_json == "{}":
        return []
    new_tables = _tables(page)
    out = []
    for ref in page.decision.supersedes:
        old_page = links.resolve(ref, page.log)
        if old_page is None or old_page is page or old_page.tradeoffs_json == "{}":
            continue
        old_tables = _tables(old_page)
        for old_name, new_name in pair_tables(old_tables, new_tables):
            old, new = old_tables[old_name], new_tables[new_name]
            diff = compare(old, new, old_name=old_name, new_name=new_name)
            html = diff_html(diff, old_label=old_page.decision.label, new_label=page.decision.label,
                             old_weights={c.name: c.weight for c in old.criteria},
                             new_weights={c.name: c.weight for c in new.criteria})
            table = "" if old_name == new_name == "main" else f" (table {new_name})"
            out.append({"old": {"text": links.caption(old_page, page.log), "href": old_page.href},
                        "html": html, "table": table})
    return out


# --- the whole --------------------------------------------------------------------------------

def successor_pages(pages: list[Page], links: SiteLinks) -> dict[str, list[Page]]:
    """For each superseded record (by page ident), the published records that supersede
    it, from either side: its `superseded-by` (or a superseded-by / replaced-by link)
    and the others' `supersedes`. One pass over the log."""
    found: dict[str, dict[str, Page]] = {}
    for page in pages:
        d = page.decision
        refs = list(d.superseded_by) + [l.target for l in d.links if l.rel in ("superseded-by", "replaced-by")]
        for ref in refs:
            newer = links.resolve(ref, page.log)
            if newer is not None and newer is not page:
                found.setdefault(page.ident, {})[newer.ident] = newer
        for ref in d.supersedes:
            older = links.resolve(ref, page.log)
            if older is not None and older is not page:
                found.setdefault(older.ident, {})[page.ident] = page
    return {stem: sorted(by.values(), key=lambda p: (p.decision.number, p.stem)) for stem, by in found.items()}


def successor_labels(successors: list[Page]) -> list[dict[str, str]]:
    """The records that supersede one, as the index names them: number, title, link."""
    return [{"label": p.decision.label, "title": p.decision.title, "href": p.href} for p in successors]


def decision_review(page: Page, links: SiteLinks) -> dict[str, Any]:
    """The context of a decision page's reading aids (see the module docstring)."""
    changes = _changes(page, links)
    toc = list(page.toc)
    for change in changes:
        toc.append({"level": 2, "id": CHANGES_ID, "children": [],
                    "text": f"What changed since {change['old']['text'].split(' ', 1)[0]}"})
        break
    d = page.decision
    notice = None
    if d.status in ("superseded", "deprecated"):
        notice = {"status": d.status, "targets": [{"text": t.text, "href": t.href, "rel": t.rel}
                                                  for t in links.successors(page)]}
    sections = sum(1 + len(h["children"]) for h in toc)
    return {
        "toc": toc if sections >= TOC_MIN else [],
        "bar": sections >= TOC_MIN or notice is not None,
        "notice": notice,
        "tradeoffs_json": _data_block(page.tradeoffs),
        "changes": changes,
        "changes_id": CHANGES_ID,
    }
