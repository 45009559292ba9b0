"""Stage 5, the human-readable pages: each decision, the index, the timeline, the graph,
and each guide with the guides list (one folder down, in `guides/`: every link from a
page there to the rest of the site is prefixed with `root`, '../').

Pages are Jinja templates in `templates/site/` with autoescaping on, so every string
from a record (title, tags, names, status) is escaped; the only markup inserted as is
is a body or a drawing that has been through the sanitizer. Every page carries the
same Content-Security-Policy, links one stylesheet, and uses relative URLs only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adrkit.about import __version__
from adrkit.publish.guides import GuidePage
from adrkit.publish.links import Page, SiteLinks, Target
from adrkit.publish.renders import GraphEdge, GraphNode

__all__ = ["SiteRenderer", "CSP", "SiteSettings"]

# No inline script anywhere, nothing from another host. Inline style attributes (from
# tables in notebook outputs, already filtered to harmless properties) are allowed,
# <style> elements are not.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
       "form-action 'self'")

TEMPLATES = Path(__file__).with_name("templates") / "site"


@dataclass
class SiteSettings:
    title: str = "Architecture decisions"
    logo: str | None = None  # path inside the site, e.g. assets/logo.svg
    lang: str = "en"
    drafts: bool = False
    guides: bool = False  # the site has guides: the navigation links to them


class SiteRenderer:
    def __init__(self, settings: SiteSettings, bytecode_dir: Path | None = None):
        import jinja2

        self.settings = settings
        cache = None
        if bytecode_dir is not None:
            try:
                bytecode_dir.mkdir(parents=True, exist_ok=True)
                cache = jinja2.FileSystemBytecodeCache(str(bytecode_dir))
            except OSError:
                cache = None
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
            undefined=jinja2.StrictUndefined, bytecode_cache=cache)
        self._templates: dict[str, Any] = {}
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
            history=[{"status": h.status, "date": h.date} for h in d.status_history],
            relations=links.relations(page), body=page.body, error=page.error,
            prev=Target(prev.caption, prev.href) if prev else None,
            next=Target(next.caption, next.href) if next else None)

    # --- the index ------------------------------------------------------------
    def index(self, pages: list[Page], guides: list[GuidePage] | None = None) -> str:
        rows = []
        tags: set[str] = set()
        for page in pages:
            d = page.decision
            tags.update(d.tags)
            rows.append({"stem": d.stem, "number": d.number, "label": d.label, "title": d.title,
                         "status": d.status, "date": d.date, "tags": d.tags, "href": page.href,
                         "tags_json": json.dumps(d.tags, ensure_ascii=False)})
        present = {p.decision.status for p in pages}
        from adrkit.core.decision import STATUSES

        statuses = [s for s in STATUSES if s in present] + sorted(present - set(STATUSES) - {""})
        return self._render("index.html.j2", active="index", rows=rows, statuses=statuses,
                            tags=sorted(tags, key=str.lower), drafts=self.settings.drafts,
                            guides=[{"stem": g.stem, "title": g.title, "href": g.href} for g in guides or []])

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
        ordered = sorted(pages, key=lambda p: (p.decision.date or "", p.decision.number), reverse=True)
        years: dict[str, list[dict[str, Any]]] = {}
        for page in ordered:
            d = page.decision
            year = d.date[:4] if d.date[:4].isdigit() else "Undated"
            events = [{"status": h.status, "date": h.date} for h in d.status_history
                      if h.date and h.date != d.date]
            years.setdefault(year, []).append({"date": d.date, "label": d.label, "title": d.title,
                                               "status": d.status, "href": page.href,
                                               "events": events})
        return self._render("timeline.html.j2", active="timeline", years=list(years.items()))

    # --- the graph ----------------------------------------------------------------
    def graph_parts(self, pages: list[Page], links: SiteLinks) -> tuple[list[GraphNode], list[GraphEdge]]:
        nodes = [GraphNode(p.stem, p.decision.label, p.decision.title, p.decision.status) for p in pages]
        edges = [GraphEdge(s.stem, rel, t.stem) for s, rel, t in links.edges()]
        return nodes, edges

    def graph(self, pages: list[Page], links: SiteLinks, svg: str, note: str) -> str:
        edges = [{"source": s.caption, "source_href": s.href, "rel": rel.replace("-", " "),
                  "target": t.caption, "target_href": t.href} for s, rel, t in links.edges()]
        return self._render("graph.html.j2", active="graph", svg=svg, note=note,
                            nodes=len(pages), edges=edges)



def _summary(text: str, title: str, limit: int = 220) -> str:
    """The opening words of a guide, without its title."""
    if title and text.startswith(title):
        text = text[len(title):].lstrip(" #")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"
