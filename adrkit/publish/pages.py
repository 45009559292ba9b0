"""Stage 5, the human-readable pages: each decision, the index, the timeline, the graph,
and each guide with the guides list (one folder down, in `guides/`: every link from a
page there to the rest of the site is prefixed with `root`, '../').

Pages are Jinja templates in `templates/site/` (`templating.site_environment`: autoescape,
controls dropped, bidirectional overrides shown), so every string from a record (title,
tags, names, status) is escaped; the only markup inserted as is is a body or a drawing
that has been through the sanitizer. Every page carries the
same Content-Security-Policy, links one stylesheet, and uses relative URLs only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adrkit.about import __version__
from adrkit.publish.checks import history_view
from adrkit.publish.guides import GuidePage
from adrkit.publish.links import Page, SiteLinks, Target
from adrkit.publish.renders import GraphEdge, GraphNode
from adrkit.publish.templating import site_environment
from adrkit.publish.review import decision_review

__all__ = ["SiteRenderer", "CSP", "SiteSettings"]

# No inline script anywhere, nothing from another host. Inline style attributes (from
# tables in notebook outputs, already filtered to harmless properties) are allowed,
# <style> elements are not.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
       "form-action 'self'")



@dataclass
class SiteSettings:
    title: str = "Architecture decisions"
    logo: str | None = None  # path inside the site, e.g. assets/logo.svg
    lang: str = "en"
    drafts: bool = False
    guides: bool = False  # the site has guides: the navigation links to them


class SiteRenderer:
    def __init__(self, settings: SiteSettings, bytecode_dir: Path | None = None):
        self.settings = settings
        self.env = site_environment(bytecode_dir)
        self._templates: dict[str, Any] = {}
        self.checks: Any = None  # `checks.SiteChecks`, set by the checks stage before pages render
        self._common = {"site_title": settings.title, "logo": settings.logo, "csp": CSP,
                        "version": __version__, "lang": settings.lang, "has_guides": settings.guides,
                        "root": ""}

    def _render(self, name: str, **context: Any) -> str:
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(name)
        return template.render({**self._common, **context})

    # --- one decision ---------------------------------------------------------
    def decision(self, page: Page, links: SiteLinks, prev: Page | None, next: Page | None) -> str:
        d = page.decision
        banner = None
        if d.status in ("superseded", "deprecated"):
            targets = links.successors(page)
            text = ("This decision has been superseded." if d.status == "superseded"
                    else "This decision is deprecated.")
            banner = {"text": text, "targets": targets}
        people = [("Decision-makers", d.decision_makers), ("Consulted", d.consulted),
                  ("Informed", d.informed)]
        return self._render(
            "decision.html.j2", active="", d=d, banner=banner, people=people,
            history=[history_view(h) for h in d.status_history],
            check=self.checks.decision_view(d.stem) if self.checks else None,
            review_due=self.checks.review_view(d.stem) if self.checks else None,
            relations=links.relations(page), body=page.body, error=page.error,
            prev=Target(prev.caption, prev.href) if prev else None,
            next=Target(next.caption, next.href) if next else None,
            review=decision_review(page, links))

    # --- the index ------------------------------------------------------------
    def index(self, pages: list[Page], guides: list[GuidePage] | None = None) -> str:
        from adrkit.publish.review import successor_labels, successor_pages

        rows = []
        tags: set[str] = set()
        newer = successor_pages(pages, SiteLinks(pages)) if any(
            p.decision.status == "superseded" for p in pages) else {}
        for page in pages:
            d = page.decision
            tags.update(d.tags)
            rows.append({"stem": d.stem, "number": d.number, "label": d.label, "title": d.title,
                         "status": d.status, "date": d.date, "tags": d.tags, "href": page.href,
                         "tags_json": json.dumps(d.tags, ensure_ascii=False),
                         "check": self.checks.index_view(d.stem) if self.checks else None,
                         "successors": successor_labels(newer.get(d.stem, [])) if d.status == "superseded" else []})
        present = {p.decision.status for p in pages}
        from adrkit.core.decision import STATUSES

        statuses = [s for s in STATUSES if s in present] + sorted(present - set(STATUSES))
        check_filters = self.checks.filters([p.stem for p in pages]) if self.checks else []
        return self._render("index.html.j2", active="index", rows=rows, statuses=statuses,
                            check_filters=check_filters,
                            tags=sorted(tags, key=str.lower), drafts=self.settings.drafts,
                            guides=[{"stem": g.stem, "title": g.title, "href": g.href} for g in guides or []])

    # --- decision debt (stage 5c, `checks`) -------------------------------------------
    def debt(self, checks: Any, links: SiteLinks) -> str:
        return self._render("debt.html.j2", active="debt", groups=checks.debt_groups(links),
                            count=len(checks.debt), today=checks.today.isoformat())

    # --- guides ------------------------------------------------------------------
    def guide(self, page: GuidePage, prev: GuidePage | None, next: GuidePage | None) -> str:
        return self._render(
            "guide.html.j2", active="guides", root="../", g=page, body=page.body,
            source=page.path.name,
            prev=Target(prev.title, prev.local_href) if prev else None,
            next=Target(next.title, next.local_href) if next else None)

    def guides(self, guides: list[GuidePage]) -> str:
        items = [{"title": g.title, "href": g.local_href, "source": g.path.name,
                  "summary": _summary(g.text, g.title)} for g in guides]
        return self._render("guides.html.j2", active="guides", root="../", items=items)

    # --- the timeline -----------------------------------------------------------
    def timeline(self, pages: list[Page]) -> str:
        from adrkit.publish.history import timeline_years

        return self._render("timeline.html.j2", active="timeline", years=timeline_years(pages))

    # --- the graph ----------------------------------------------------------------
    def graph_parts(self, pages: list[Page], links: SiteLinks) -> tuple[list[GraphNode], list[GraphEdge]]:
        nodes = [GraphNode(p.stem, p.decision.label, p.decision.title, p.decision.status) for p in pages]
        edges = [GraphEdge(source=s.stem, target=t.stem, rel=rel) for s, rel, t in links.edges()]
        return nodes, edges

    def graph(self, pages: list[Page], links: SiteLinks, svg: str, note: str) -> str:
        from adrkit.publish.review import graph_relations

        return self._render("graph.html.j2", active="graph", svg=svg, note=note,
                            nodes=len(pages), edges=graph_relations(pages, links),
                            statuses=sorted({p.decision.status for p in pages} | {
                                d.status for d in links.unpublished.values()}))



def _summary(text: str, title: str, limit: int = 220) -> str:
    """The opening words of a guide, without its title."""
    if title and text.startswith(title):
        text = text[len(title):].lstrip(" #")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"
