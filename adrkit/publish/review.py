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
- for the index, the successors of a superseded record ("superseded by 0006");
- for the graph page, its relations as the graph draws them, each read in the
  direction of its arrow ("0003 depends on 0002").

The data files are read here, once per build (`DataFiles`), from the same folder the
pages were converted from; a table that does not validate is left out of the data
block and of the comparison (its page shows why).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from adrkit.core.errors import AdrkitError
from adrkit.core.tradeoff import Tradeoff, load_tradeoffs
from adrkit.core.tradeoff.compare import compare, pair_tables
from adrkit.publish.links import Page, SiteLinks, Target
from adrkit.storage.datafile import read_data

__all__ = ["DataFiles", "Heading", "tradeoff_anchor", "page_headings", "decision_review",
           "successor_labels", "graph_relations", "CHANGES_ID", "TOC_MIN"]

CHANGES_ID = "adrkit-changes"   # the id of the "what changed" section
TOC_MIN = 3                     # a page with this many sections or more gets contents
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def tradeoff_anchor(name: str) -> str:
    """The id of the element that holds trade-off `name` on a page ('tradeoff-main');
    a name that is not plain letters, digits, '-' and '_' is written in hex."""
    text = str(name)
    return f"tradeoff-{text}" if _SAFE_NAME.match(text) else "tradeoff-x" + text.encode("utf-8").hex()


class DataFiles:
    """The trade-off tables of each data file, read once per build."""

    def __init__(self) -> None:
        self._tables: dict[Path, dict[str, Tradeoff]] = {}

    def tradeoffs(self, notebook: Path) -> dict[str, Tradeoff]:
        """The valid trade-off tables beside `notebook`, by name ({} when none)."""
        path = notebook.with_suffix(".yaml")
        if path not in self._tables:
            self._tables[path] = _valid_tables(path)
        return self._tables[path]


def _valid_tables(path: Path) -> dict[str, Tradeoff]:
    try:
        tables = load_tradeoffs(read_data(path), path=path)
    except (AdrkitError, OSError):
        return {}
    return {name: t for name, t in tables.items() if not t.problems()}


# --- headings and contents --------------------------------------------------------------

@dataclass
class Heading:
    level: int
    id: str
    text: str
    children: list["Heading"] = field(default_factory=list)


class _Headings(HTMLParser):
    """h1-h3 of a body with their id and text (without the anchor link's '#')."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Heading] = []
        self._open: Heading | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("h1", "h2", "h3") and self._open is None:
            self._open = Heading(int(tag[1]), values.get("id") or "", "")
        elif self._open is not None and tag == "a" and "anchor-link" in (values.get("class") or "").split():
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and tag == "a" and self._skip:
            self._skip -= 1
        elif self._open is not None and tag == f"h{self._open.level}":
            self._open.text = " ".join(self._open.text.split())
            if self._open.id and self._open.text:
                self.found.append(self._open)
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None and not self._skip:
            self._open.text += data


def page_headings(body: str) -> list[Heading]:
    """The sections of a converted body as a tree two levels deep: its top heading level
    (the highest found) and the level below it."""
    parser = _Headings()
    parser.feed(body)
    parser.close()
    found = parser.found
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

def _data_block(tables: dict[str, Tradeoff]) -> str:
    payload = {"tables": [{"name": name, "anchor": tradeoff_anchor(name), "table": t.to_dict()}
                          for name, t in tables.items() if t.options and t.criteria]}
    if not payload["tables"]:
        return ""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- what changed --------------------------------------------------------------------------

def _changes(page: Page, links: SiteLinks, data: DataFiles) -> list[dict[str, Any]]:
    from adrkit.render.comparison import diff_html

    new_tables = data.tradeoffs(page.path)
    if not new_tables:
        return []
    out = []
    for ref in page.decision.supersedes:
        old_page = links.resolve(ref)
        if old_page is None or old_page is page:
            continue
        old_tables = data.tradeoffs(old_page.path)
        for old_name, new_name in pair_tables(old_tables, new_tables):
            old, new = old_tables[old_name], new_tables[new_name]
            diff = compare(old, new, old_name=old_name, new_name=new_name)
            html = diff_html(diff, old_label=old_page.decision.label, new_label=page.decision.label,
                             old_weights={c.name: c.weight for c in old.criteria},
                             new_weights={c.name: c.weight for c in new.criteria})
            table = "" if old_name == new_name == "main" else f" (table {new_name})"
            out.append({"old": Target(old_page.caption, old_page.href), "html": html, "table": table})
    return out


# --- the whole --------------------------------------------------------------------------------

def successor_labels(page: Page, links: SiteLinks) -> list[dict[str, str]]:
    """The records that supersede `page`, as the index names them: number, title, link."""
    d = page.decision
    refs = list(d.superseded_by) + [l.target for l in d.links if l.rel in ("superseded-by", "replaced-by")]
    refs += [p.stem for p in links.pages if d.stem in p.decision.supersedes]
    out = []
    for ref in dict.fromkeys(refs):
        successor = links.resolve(ref)
        if successor is not None:
            out.append({"label": successor.decision.label, "title": successor.decision.title,
                        "href": successor.href})
        else:
            out.append({"label": str(ref), "title": "", "href": ""})
    return list({item["label"] + item["href"]: item for item in out}.values())


def decision_review(page: Page, links: SiteLinks, data: DataFiles) -> dict[str, Any]:
    """The context of a decision page's reading aids (see the module docstring)."""
    headings = page_headings(page.body)
    changes = _changes(page, links, data)
    toc = list(headings)
    for change in changes:
        toc.append(Heading(2, CHANGES_ID, f"What changed since {change['old'].text.split(' ', 1)[0]}"))
        break
    d = page.decision
    notice = None
    if d.status in ("superseded", "deprecated"):
        notice = {"status": d.status, "targets": links.successors(page)}
    sections = sum(1 + len(h.children) for h in toc)
    return {
        "toc": toc if sections >= TOC_MIN else [],
        "bar": sections >= TOC_MIN or notice is not None,
        "notice": notice,
        "tradeoffs_json": _data_block(data.tradeoffs(page.path)),
        "changes": changes,
        "changes_id": CHANGES_ID,
    }


def graph_relations(pages: list[Page], links: SiteLinks) -> list[dict[str, Any]]:
    """The edges of the decision graph, in its order and its arrows' direction, as the
    graph page lists them: each end a link to its page, or its name when it is not
    published (a draft) or not found."""
    from adrkit.core.decision_graph import graph_edges

    def end(stem: str) -> tuple[str, str | None]:
        target = links.target(stem)
        return target.text, target.href

    out = []
    for source, rel, target in graph_edges([p.decision for p in pages]):
        (s_text, s_href), (t_text, t_href) = end(source), end(target)
        out.append({"source": s_text, "source_href": s_href, "rel": rel.replace("-", " "),
                    "target": t_text, "target_href": t_href})
    return out
