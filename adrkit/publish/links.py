"""The published decisions as a whole: which exist, how they point at each other.

`Page` is one published decision (its record and its converted body). `SiteLinks`
resolves a reference (a stem, or a number when it is unique) to a page, gathers each
page's relations in both directions (supersedes, superseded by, typed links and their
reverses, mentions in the text), lists the edges of the decision graph, and reports
as broken links the references to decisions that do not exist and the `#anchors` that
lead to no heading (or other element) of the page they name.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from adrkit.core.status_rules import REVERSE_RELS
from adrkit.core.decision import Decision, make_stem, parse_filename
from adrkit.publish.anchors import PAGE_IDS
from adrkit.publish.report import Problem

__all__ = ["Page", "Target", "SiteLinks", "page_href"]


def page_href(name: str) -> str:
    """The relative URL of the page `name`.html: every character of the name that is not
    unreserved is percent-encoded, so '#', '?', '/' and spaces stay part of the file name."""
    return f"{quote(name, safe='')}.html"


@dataclass
class Page:
    decision: Decision
    path: Path
    body: str = ""
    text: str = ""
    mentions: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    sections: list[list[str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None

    @property
    def stem(self) -> str:
        return self.decision.stem

    @property
    def file(self) -> str:
        """The page's file in the site, named after the record's stem."""
        return f"{self.stem}.html"

    @property
    def href(self) -> str:
        """The page's URL relative to the site root: the file name percent-encoded."""
        return page_href(self.stem)

    @property
    def caption(self) -> str:
        return f"{self.decision.label} {self.decision.title}"


@dataclass(frozen=True)
class Target:
    """A reference as the page shows it: a link, or plain text when it dangles."""

    text: str
    href: str | None
    rel: str = ""


_HREF = re.compile(r'<a\b[^>]*?\shref="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')


def _label(rel: str) -> str:
    return rel.replace("-", " ").replace("_", " ").strip().capitalize() or "Related"


class SiteLinks:
    def __init__(self, pages: list[Page], unpublished: dict[str, Decision] | None = None):
        self.pages = pages
        self.by_stem = {p.stem: p for p in pages}
        by_number: dict[int, list[Page]] = {}
        for page in pages:
            by_number.setdefault(page.decision.number, []).append(page)
        self.by_number = {n: ps[0] for n, ps in by_number.items() if len(ps) == 1}
        self.unpublished = unpublished or {}
        self._ids: dict[str, set[str]] = {}
        self._incoming: dict[str, list[tuple[str, Page]]] = {}
        for page in pages:
            d = page.decision
            for stem in d.supersedes:
                self._add_incoming(stem, "superseded-by", page)
            for stem in d.superseded_by:
                self._add_incoming(stem, "supersedes", page)
            for link in d.links:
                self._add_incoming(link.target, REVERSE_RELS.get(link.rel, f"{link.rel} (from)"), page)
            for stem in page.mentions:
                self._add_incoming(stem, "referenced-by", page)

    def _add_incoming(self, ref: str, rel: str, source: Page) -> None:
        page = self.resolve(ref)
        if page is not None and page is not source:
            self._incoming.setdefault(page.stem, []).append((rel, source))

    def resolve(self, ref: str) -> Page | None:
        """The page a reference names: its stem ('0003-use-x', also '3-use-x', a file
        name), or its number when only one decision has it."""
        ref = str(ref).strip()
        page = self.by_stem.get(ref)
        if page is not None:
            return page
        if ref.isdigit():
            return self.by_number.get(int(ref))
        parsed = parse_filename(ref)
        return self.by_stem.get(make_stem(*parsed)) if parsed else None

    def target(self, ref: str, rel: str = "") -> Target:
        page = self.resolve(ref)
        if page is not None:
            return Target(page.caption, page.href, rel)
        if ref in self.unpublished:
            d = self.unpublished[ref]
            return Target(f"{d.label} {d.title} (draft, not published)", None, rel)
        return Target(f"{ref} (not found)", None, rel)

    def exists(self, ref: str) -> bool:
        return self.resolve(ref) is not None or ref in self.unpublished

    def relations(self, page: Page) -> list[tuple[str, list[Target]]]:
        """Outgoing then incoming relations, grouped by label, each target once."""
        groups: dict[str, list[Target]] = {}
        seen: set[tuple[str, str]] = set()

        def add(rel: str, target: Target) -> None:
            label = _label(rel)
            key = (label, target.href or target.text)
            if key in seen:
                return
            seen.add(key)
            groups.setdefault(label, []).append(target)

        d = page.decision
        for stem in d.supersedes:
            add("supersedes", self.target(stem, "supersedes"))
        for stem in d.superseded_by:
            add("superseded-by", self.target(stem, "superseded-by"))
        for link in d.links:
            add(link.rel, self.target(link.target, link.rel))
        for rel, source in self._incoming.get(page.stem, []):
            add(rel, Target(source.caption, source.href, rel))
        order = {"Supersedes": 0, "Superseded by": 1, "Referenced by": 99}
        return sorted(groups.items(), key=lambda kv: order.get(kv[0], 50))

    def successors(self, page: Page) -> list[Target]:
        d = page.decision
        refs = list(d.superseded_by) + [l.target for l in d.links
                                        if l.rel in ("superseded-by", "replaced-by")]
        return [self.target(ref) for ref in dict.fromkeys(refs)]

    def edges(self) -> list[tuple[Page, str, Page]]:
        """(source, rel, target) for the graph: supersession and typed links, once each
        (a link and its stated reverse count as one)."""
        out: list[tuple[Page, str, Page]] = []
        seen: set[tuple[str, str]] = set()
        for page in self.pages:
            d = page.decision
            pairs = [(stem, "supersedes") for stem in d.supersedes]
            pairs += [(l.target, l.rel) for l in d.links
                      if l.rel not in ("superseded-by", "supersedes")]
            for ref, rel in pairs:
                target = self.resolve(ref)
                if target is None or target is page:
                    continue
                key = tuple(sorted((page.stem, target.stem)))
                if (key, rel) in seen or (key, REVERSE_RELS.get(rel, "")) in seen:  # type: ignore[comparison-overlap]
                    continue
                seen.add((key, rel))  # type: ignore[arg-type]
                out.append((page, rel, target))
            for ref in d.superseded_by:
                target = self.resolve(ref)
                if target is None or target is page:
                    continue
                key = tuple(sorted((page.stem, target.stem)))
                if (key, "supersedes") not in seen:  # type: ignore[comparison-overlap]
                    seen.add((key, "supersedes"))  # type: ignore[arg-type]
                    out.append((target, "supersedes", page))
        return out

    def broken(self, page: Page) -> list[Problem]:
        """Broken-link warnings for one page: front matter targets and links in the text."""
        problems = []
        d = page.decision
        fields = [("supersedes", s) for s in d.supersedes] + [("superseded-by", s) for s in d.superseded_by]
        fields += [("links", l.target) for l in d.links]
        for where, ref in fields:
            if not self.exists(ref):
                problems.append(Problem("broken-link", f"'{ref}' is not a decision in this log",
                                        str(page.path), where,
                                        "fix the reference or run 'adrkit list' to see the stems"))
        for ref in page.mentions:
            if not self.exists(ref):
                problems.append(Problem("broken-link", f"the text links to '{ref}', which is not a decision "
                                        "in this log", str(page.path), "text",
                                        "fix the link or remove it"))
        problems.extend(self.anchors(page))
        return problems

    def _ids_of(self, page: Page) -> set[str]:
        if page.stem not in self._ids:
            self._ids[page.stem] = {html.unescape(v) for v in _ID.findall(page.body)}
        return self._ids[page.stem]

    def anchors(self, page: Page) -> list[Problem]:
        """`#anchors` of the page's text that lead to no element of the page they name
        (this page, or another decision's)."""
        problems = []
        seen: set[str] = set()
        for raw in _HREF.findall(page.body):
            href = html.unescape(raw)
            path, sep, frag = href.partition("#")
            if not sep or not frag or href in seen or ":" in path or path.startswith("//"):
                continue
            seen.add(href)
            if not path:
                target = page
            else:
                name = unquote(path)
                target = self.by_stem.get(name[:-len(".html")]) if name.endswith(".html") and "/" not in name \
                    else None
                if target is None:
                    continue
            frag = unquote(frag)
            if frag not in self._ids_of(target) and frag not in PAGE_IDS:
                where = "this page" if target is page else f"{target.stem}"
                shown = frag[len("nb-"):] if frag.startswith("nb-") else frag
                problems.append(Problem("broken-link", f"the text links to '#{shown}' on {where}, which has no "
                                        "such heading", str(page.path), "text",
                                        "fix the anchor (headings have GitHub-style ids: lower case, hyphens)"))
        return problems
