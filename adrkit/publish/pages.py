"""Stage 5, the human-readable pages: each decision, the index, the timeline, the graph,
and each guide with the guides list.

Pages are Jinja templates in `templates/site/` (`templating.site_environment`: autoescape,
controls dropped, bidirectional overrides shown), so every string
from a record or an included site (title, tags, names, status) is escaped; the only
markup inserted as is is a body or a drawing that has been through the sanitizer.
Every page carries the same Content-Security-Policy, links one stylesheet, and uses
relative URLs only.

Each page is rendered in two steps: a method named after the page (`decision`,
`index`, `timeline`...) gathers its context, everything the template shows except a
page's body, and `render(context, body)` fills the template. The context alone (with the
body's cache key) tells the build whether a page it wrote before would come out the same. Links in a
context are relative to the site root; a page one folder down (a guide, or a decision
of a site with several logs) shows them through the `at` filter, which prefixes `root`
('../') to every relative URL.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from adrkit.about import __version__
from adrkit.core.decision import STATUSES
from adrkit.publish.confirmations import history_view
from adrkit.publish.links import SiteLinks, Target
from adrkit.publish.model import Page
from adrkit.publish.review import decision_review
from adrkit.publish.templating import TEMPLATES, shown, site_environment

__all__ = ["SiteRenderer", "CSP", "SiteSettings", "TEMPLATES"]

# No inline script anywhere, nothing from another host. Inline style attributes (from
# tables in notebook outputs, already filtered to harmless properties) are allowed,
# <style> elements are not.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
       "form-action 'self'")

_ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass
class SiteSettings:
    title: str = "Architecture decisions"
    logo: str | None = None  # path inside the site, e.g. assets/logo.svg
    lang: str = "en"
    drafts: bool = False
    guides: bool = False  # the site has guides: the navigation links to them
    multi: bool = False   # the site has several logs: pages name the log of a decision

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def _at(context: Any, href: str) -> str:
    """`href` (relative to the site root) as seen from the page being rendered."""
    if not href or _ABSOLUTE.match(href) or href.startswith(("#", "/")):
        return href
    return f"{context.get('root', '')}{href}"


def _target(target: Target) -> dict[str, Any]:
    return {"text": target.text, "href": target.href, "rel": target.rel}


class SiteRenderer:
    def __init__(self, settings: SiteSettings, bytecode_dir: Path | None = None):
        import jinja2

        self.settings = settings
        self.env = site_environment(bytecode_dir)
        self.env.filters["at"] = jinja2.pass_context(_at)
        self._templates: dict[str, Any] = {}
        self.checks: Any = None  # `confirmations.SiteChecks` (keyed by page ident), set before pages render
        self._common = {"site_title": settings.title, "logo": settings.logo, "csp": CSP,
                        "version": __version__, "lang": settings.lang, "has_guides": settings.guides,
                        "root": ""}

    def render(self, context: dict[str, Any], body: str = "", page: Page | None = None) -> str:
        """The page of `context` (from one of the methods below), with `body` (a
        decision's or a guide's converted notebook)."""
        return self._template(context).render(self._values(context, body, page))

    def _template(self, context: dict[str, Any]) -> Any:
        name = context["template"]
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(name)
        return template

    def _values(self, context: dict[str, Any], body: str = "", page: Page | None = None) -> dict[str, Any]:
        extra: dict[str, Any] = {"body": shown(body)}
        if page is not None and context["template"] == "decision.html.j2":
            d = page.decision
            extra.update(d=d, people=[("Decision-makers", d.decision_makers), ("Consulted", d.consulted),
                                      ("Informed", d.informed)],
                         history=[history_view(h) for h in d.status_history])
        return {**self._common, **context, **extra}

    def render_pieces(self, context: dict[str, Any], size: int = 1 << 16) -> Any:
        """The page of a list context (no body), in pieces of about `size` characters as
        the template writes it: a list of ten thousand decisions is never whole in memory."""
        pieces: list[str] = []
        length = 0
        for text in self._template(context).generate(self._values(context)):
            pieces.append(text)
            length += len(text)
            if length >= size:
                yield "".join(pieces)
                pieces, length = [], 0
        if pieces:
            yield "".join(pieces)

    # --- one decision ---------------------------------------------------------
    def decision(self, page: Page, links: SiteLinks, prev: Page | None, next: Page | None) -> dict[str, Any]:
        d = page.decision
        banner = None
        if d.status in ("superseded", "deprecated"):
            text = ("This decision has been superseded." if d.status == "superseded"
                    else "This decision is deprecated.")
            banner = {"text": text, "targets": [_target(t) for t in links.successors(page)]}
        checks, ident = self.checks, page.ident
        return {"template": "decision.html.j2", "active": "", "root": page.root, "key": page.key,
                "banner": banner, "error": page.error, "log": page.log if links.multi else "",
                "relations": [[label, [_target(t) for t in targets]] for label, targets in links.relations(page)],
                "prev": {"text": prev.caption, "href": prev.href} if prev else None,
                "next": {"text": next.caption, "href": next.href} if next else None,
                "check": checks.decision_view(ident) if checks else None,
                "review_due": checks.review_view(ident) if checks else None,
                "review": decision_review(page, links)}

    # --- the index ------------------------------------------------------------
    def index(self, pages: list[Page], guides: list[Page], remotes: list[Any], logs: list[dict[str, Any]],
              scripts: list[str], multi: bool) -> dict[str, Any]:
        from adrkit.publish.review import successor_labels, successor_pages

        rows = []
        tags: set[str] = set()
        newer = successor_pages(pages, SiteLinks(pages, multi=multi)) if any(
            p.decision.status == "superseded" for p in pages) else {}
        for page in pages:
            d = page.decision
            tags.update(d.tags)
            rows.append({"id": page.ident if multi else d.stem, "stem": d.stem, "log": page.log,
                         "number": d.number, "label": d.label, "title": d.title, "status": d.status,
                         "date": d.date, "tags": list(d.tags), "href": page.href, "site": "",
                         "tags_json": json.dumps(d.tags, ensure_ascii=False),
                         "check": self.checks.index_view(page.ident) if self.checks else None,
                         "successors": successor_labels(newer.get(page.ident, []))
                         if d.status == "superseded" else []})
        for remote in remotes:
            tags.update(remote.tags)
            rows.append({"id": remote.ident, "stem": remote.stem, "log": remote.log, "number": remote.number,
                         "label": remote.label, "title": remote.title, "status": remote.status,
                         "date": remote.date, "tags": list(remote.tags), "href": remote.href, "site": remote.site,
                         "tags_json": json.dumps(list(remote.tags), ensure_ascii=False),
                         "check": None, "successors": []})
        present = {r["status"] for r in rows}
        statuses = [s for s in STATUSES if s in present] + sorted(present - set(STATUSES) - {""})
        check_filters = self.checks.filters([p.ident for p in pages]) if self.checks else []
        return {"template": "index.html.j2", "active": "index", "rows": rows, "statuses": statuses,
                "tags": sorted(tags, key=str.lower), "drafts": self.settings.drafts, "logs": logs,
                "show_logs": len(logs) > 1, "scripts": scripts, "published": len(pages),
                "check_filters": check_filters,
                "guides": [{"stem": g.stem, "title": g.title, "href": g.href} for g in guides]}

    # --- decision debt (stage 5c, `checks`) -------------------------------------------
    def debt(self, checks: Any, links: SiteLinks) -> dict[str, Any]:
        return {"template": "debt.html.j2", "active": "debt", "groups": checks.debt_groups(links),
                "count": len(checks.debt), "today": checks.today.isoformat()}

    # --- guides ------------------------------------------------------------------
    def guide(self, page: Page, prev: Page | None, next: Page | None) -> dict[str, Any]:
        return {"template": "guide.html.j2", "active": "guides", "root": "../", "key": page.key,
                "g": {"title": page.title, "titled": page.titled}, "source": page.path.name,
                "prev": {"text": prev.title, "href": prev.local_href} if prev else None,
                "next": {"text": next.title, "href": next.local_href} if next else None}

    def guides(self, guides: list[Page]) -> dict[str, Any]:
        items = [{"title": g.title, "href": g.local_href, "source": g.path.name,
                  "summary": _summary(g.summary, g.title)} for g in guides]
        return {"template": "guides.html.j2", "active": "guides", "root": "../", "items": items}

    # --- the timeline -----------------------------------------------------------
    def timeline(self, pages: list[Page], links: SiteLinks | None = None) -> dict[str, Any]:
        from adrkit.publish.history import timeline_years

        return {"template": "timeline.html.j2", "active": "timeline",
                "years": [[y, items] for y, items in timeline_years(pages, links, multi=self.settings.multi)]}

    # --- the graph ----------------------------------------------------------------
    def graph(self, pages: list[Page], links: SiteLinks, drawings: list[Any]) -> dict[str, Any]:
        edges = _relations(pages, links)
        notes = list(dict.fromkeys(d.note for d in drawings))
        statuses = sorted({p.decision.status for p in pages} | set(links.draft_statuses()))
        return {"template": "graph.html.j2", "active": "graph", "svgs": [d.svg for d in drawings],
                "note": "; ".join(notes), "nodes": len(pages), "edges": edges, "statuses": statuses}


def _summary(text: str, title: str, limit: int = 220) -> str:
    """The opening words of a guide, without its title."""
    if title and text.startswith(title):
        text = text[len(title):].lstrip(" #")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _relations(pages: list[Page], links: SiteLinks) -> list[dict[str, Any]]:
    """The graph's edges as its page lists them: in the graph's order and each in its
    arrow's direction ("0003 depends on 0002"), each end a link to its page, or its
    name when it is not published (a draft) or not found."""
    from adrkit.core.decision_graph import graph_edges

    by_ident = {p.ident: p for p in pages}
    page_of = {id(p.decision): p for p in pages}

    def ref_id(d: Any, ref: str) -> str:
        page = page_of[id(d)]
        found = links.resolve(ref, page.log)
        return found.ident if found is not None else f"{page.log}:{ref}"

    def end(ident: str) -> tuple[str, str | None]:
        page = by_ident.get(ident)
        if page is not None:
            return links.caption(page, ""), page.href
        log, _, ref = ident.partition(":")
        target = links.target(ref, log=log)
        return target.text, target.href

    out = []
    for source, rel, target in graph_edges([p.decision for p in pages], node_id=lambda d: page_of[id(d)].ident,
                                           ref_id=ref_id):
        (s_text, s_href), (t_text, t_href) = end(source), end(target)
        out.append({"source": s_text, "source_href": s_href, "rel": rel.replace("-", " "),
                    "target": t_text, "target_href": t_href})
    return out
