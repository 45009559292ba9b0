"""The published decisions as a whole: which exist, how they point at each other.

`SiteLinks` resolves a reference made by a page of one log (a stem, or a number when
it is unique in that log; `other-log:0007` or `other-log:0007-use-x` for a decision of
another log of the project, or of an included site) to a page, gathers each page's
relations in both directions (supersedes, superseded by, typed links and their
reverses, mentions in the text), lists the edges of the decision graph, and reports
as broken links the references to decisions that do not exist and the `#anchors` that
lead to no heading (or other element) of the page they name.

Every `Target.href` is relative to the site root (or absolute, for an included site).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable
from urllib.parse import unquote

from adrkit.core.decision import Decision, make_stem, parse_filename
from adrkit.core.status_rules import REVERSE_RELS
from adrkit.publish.anchors import PAGE_IDS
from adrkit.publish.model import Page, page_href
from adrkit.publish.report import Problem

__all__ = ["Page", "Target", "SiteLinks", "page_href"]


@dataclass(frozen=True)
class Target:
    """A reference as the page shows it: a link, or plain text when it dangles."""

    text: str
    href: str | None
    rel: str = ""


def _label(rel: str) -> str:
    return rel.replace("-", " ").replace("_", " ").strip().capitalize() or "Related"


class _Log:
    """The pages of one log by stem and by (unique) number."""

    def __init__(self) -> None:
        self.by_stem: dict[str, object] = {}
        self.by_number: dict[int, list[object]] = {}

    def add(self, stem: str, number: int, item: object) -> None:
        self.by_stem.setdefault(stem, item)
        self.by_number.setdefault(number, []).append(item)

    def find(self, ref: str) -> object | None:
        item = self.by_stem.get(ref)
        if item is not None:
            return item
        if ref.isdigit():
            hits = self.by_number.get(int(ref), [])
            return hits[0] if len(hits) == 1 else None
        parsed = parse_filename(ref)
        return self.by_stem.get(make_stem(*parsed)) if parsed else None


class SiteLinks:
    """`pages` are the published decision pages of every log; `unpublished` the
    decisions left out (drafts), as (log, decision); `remotes` the decisions of included
    sites (`adrkit.publish.catalog.Remote`)."""

    def __init__(self, pages: list[Page], unpublished: Iterable[tuple[str, Decision]] = (),
                 remotes: Iterable[object] = (), *, multi: bool | None = None):
        self.pages = pages
        self.multi = len({p.log for p in pages}) > 1 if multi is None else multi
        self._logs: dict[str, _Log] = {}
        for page in pages:
            self._logs.setdefault(page.log, _Log()).add(page.stem, page.decision.number, page)
        self._drafts: dict[str, _Log] = {}
        for log, decision in unpublished:
            self._drafts.setdefault(log, _Log()).add(decision.stem, decision.number, decision)
        self._remote: dict[str, _Log] = {}
        for remote in remotes:
            if getattr(remote, "log", "") not in self._logs:
                self._remote.setdefault(remote.log, _Log()).add(remote.stem, remote.number, remote)  # type: ignore[attr-defined]
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
        page = self.resolve(ref, source.log)
        if page is not None and page is not source:
            self._incoming.setdefault(page.ident, []).append((rel, source))

    def _split(self, ref: str, log: str) -> tuple[str, str]:
        """(log, reference inside it): `name:ref` names another log when a log or an
        included site has that name."""
        ref = str(ref).strip()
        name, sep, rest = ref.partition(":")
        if sep and rest and (name in self._logs or name in self._remote or name in self._drafts):
            return name, rest.strip()
        return log, ref

    def resolve(self, ref: str, log: str = "") -> Page | None:
        """The page a reference made from `log` names: its stem ('0003-use-x', also
        '3-use-x', a file name), or its number when only one decision of that log has
        it; `other:0003` looks in the log `other`."""
        name, rest = self._split(ref, log or self._default())
        found = self._logs.get(name)
        page = found.find(rest) if found is not None else None
        return page if isinstance(page, Page) else None

    def _default(self) -> str:
        return next(iter(self._logs), "")

    def caption(self, page: Page, seen_from: str) -> str:
        """A page's caption as a page of `seen_from` shows it: prefixed by its log when
        that is another one."""
        return f"{page.log}:{page.caption}" if self.multi and page.log != seen_from else page.caption

    def target(self, ref: str, rel: str = "", log: str = "") -> Target:
        log = log or self._default()
        page = self.resolve(ref, log)
        if page is not None:
            return Target(self.caption(page, log), page.href, rel)
        name, rest = self._split(ref, log)
        remote = self._remote[name].find(rest) if name in self._remote else None
        if remote is not None:
            return Target(f"{name}:{remote.caption} ({remote.site})", remote.href, rel)  # type: ignore[attr-defined]
        draft = self._drafts[name].find(rest) if name in self._drafts else None
        if isinstance(draft, Decision):
            return Target(f"{draft.label} {draft.title} (draft, not published)", None, rel)
        return Target(f"{ref} (not found)", None, rel)

    def draft_statuses(self) -> set[str]:
        """The statuses of the decisions left out (drafts) that the site knows of."""
        return {getattr(item, "status", "") for log in self._drafts.values() for item in log.by_stem.values()}

    def exists(self, ref: str, log: str = "") -> bool:
        log = log or self._default()
        if self.resolve(ref, log) is not None:
            return True
        name, rest = self._split(ref, log)
        return any(name in where and where[name].find(rest) is not None for where in (self._remote, self._drafts))

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

        d, log = page.decision, page.log
        for stem in d.supersedes:
            add("supersedes", self.target(stem, "supersedes", log))
        for stem in d.superseded_by:
            add("superseded-by", self.target(stem, "superseded-by", log))
        for link in d.links:
            add(link.rel, self.target(link.target, link.rel, log))
        for rel, source in self._incoming.get(page.ident, []):
            add(rel, Target(self.caption(source, log), source.href, rel))
        order = {"Supersedes": 0, "Superseded by": 1, "Referenced by": 99}
        return sorted(groups.items(), key=lambda kv: order.get(kv[0], 50))

    def successors(self, page: Page) -> list[Target]:
        d = page.decision
        refs = list(d.superseded_by) + [l.target for l in d.links
                                        if l.rel in ("superseded-by", "replaced-by")]
        return [self.target(ref, log=page.log) for ref in dict.fromkeys(refs)]

    def edges(self) -> list[tuple[Page, str, Page]]:
        """(source, rel, target) for the graph: supersession and typed links, once each
        (a link and its stated reverse count as one)."""
        out: list[tuple[Page, str, Page]] = []
        seen: set[tuple[tuple[str, str], str]] = set()
        for page in self.pages:
            d = page.decision
            pairs = [(stem, "supersedes") for stem in d.supersedes]
            pairs += [(l.target, l.rel) for l in d.links
                      if l.rel not in ("superseded-by", "supersedes")]
            for ref, rel in pairs:
                target = self.resolve(ref, page.log)
                if target is None or target is page:
                    continue
                key = tuple(sorted((page.ident, target.ident)))
                if (key, rel) in seen or (key, REVERSE_RELS.get(rel, "")) in seen:  # type: ignore[comparison-overlap]
                    continue
                seen.add((key, rel))  # type: ignore[arg-type]
                out.append((page, rel, target))
            for ref in d.superseded_by:
                target = self.resolve(ref, page.log)
                if target is None or target is page:
                    continue
                key = tuple(sorted((page.ident, target.ident)))
                if (key, "supersedes") not in seen:  # type: ignore[comparison-overlap]
                    seen.add((key, "supersedes"))  # type: ignore[arg-type]
                    out.append((target, "supersedes", page))
        return out

    def broken(self, page: Page) -> list[Problem]:
        """Broken-link warnings for one page: front matter targets and links in the text."""
        problems = []
        d, log = page.decision, page.log
        fields = [("supersedes", s) for s in d.supersedes] + [("superseded-by", s) for s in d.superseded_by]
        fields += [("links", l.target) for l in d.links]
        for where, ref in fields:
            if not self.exists(ref, log):
                problems.append(Problem("broken-link", f"'{ref}' is not a decision in this log",
                                        str(page.path), where,
                                        "fix the reference or run 'adrkit list' to see the stems"))
        for ref in page.mentions:
            if not self.exists(ref, log):
                problems.append(Problem("broken-link", f"the text links to '{ref}', which is not a decision "
                                        "in this log", str(page.path), "text",
                                        "fix the link or remove it"))
        problems.extend(self.anchors(page))
        return problems

    def anchors(self, page: Page) -> list[Problem]:
        """`#anchors` of the page's text (as its conversion found them) that lead to no
        element of the page they name: this page, or another decision of its log."""
        problems = []
        ids: dict[int, frozenset[str]] = {}  # decoded once per page they land on
        for href in page.anchors:
            path, _, frag = href.partition("#")
            if not path:
                target: Page | None = page
            else:
                name = unquote(path)
                target = self.resolve(name[:-len(".html")], page.log) \
                    if name.endswith(".html") and "/" not in name else None
                if target is None:
                    continue
            frag = unquote(frag)
            if id(target) not in ids:
                ids[id(target)] = target.ids
            if frag not in ids[id(target)] and frag not in PAGE_IDS:
                where = "this page" if target is page else f"{target.stem}"
                shown = frag[len("nb-"):] if frag.startswith("nb-") else frag
                problems.append(Problem("broken-link", f"the text links to '#{shown}' on {where}, which has no "
                                        "such heading", str(page.path), "text",
                                        "fix the anchor (headings have GitHub-style ids: lower case, hyphens)"))
        return problems
