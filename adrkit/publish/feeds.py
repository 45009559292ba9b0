"""Stage 5, the Atom feed of the site (`decisions.json` is `catalog`'s, the search
index `search`'s).

The feed is the template `templates/site/feed.xml.j2` (autoescaped; control
characters, surrogates and noncharacters dropped, so it is always well-formed XML;
bidirectional overrides shown as `[U+202E]`).
"""
from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

from adrkit.about import __version__
from adrkit.core.decision import real_date

from adrkit.publish.model import Page

__all__ = ["atom_feed"]

_FEED_NAMESPACE = uuid.UUID("5b0b7c3e-8f54-4c1e-9d1a-6a2f4c0d7e11")


def _summary(page: Page) -> str:
    return page.summary


def _stamp(date: str) -> str:
    day = real_date(date)  # `2026-02-30` is not a date: never published as one
    return f"{day}T00:00:00Z" if day else "1970-01-01T00:00:00Z"


@lru_cache(maxsize=1)
def _feed_template() -> Any:
    from adrkit.publish.templating import site_environment

    return site_environment().get_template("feed.xml.j2")


def atom_feed(pages: list[Page], site_title: str, *, limit: int = 100) -> str:
    """An Atom feed of the decisions, newest first. Links are relative to the feed, so
    the site works under any path; ids are stable URNs derived from each stem."""
    ordered = sorted(pages, key=lambda p: (p.decision.date or "", p.decision.number), reverse=True)[:limit]
    updated = _stamp(ordered[0].decision.date) if ordered else "1970-01-01T00:00:00Z"
    entries = []
    for page in ordered:
        d = page.decision
        ident = page.ident if page.source.site_dir else d.stem
        entries.append({
            "title": f"{d.label} {d.title}", "id": uuid.uuid5(_FEED_NAMESPACE, f"{site_title}/{ident}"),
            "href": page.href, "updated": _stamp(d.date), "authors": d.decision_makers or [site_title],
            "status": d.status, "tags": d.tags, "summary": f"[{d.status}] " + _summary(page)})
    return _feed_template().render(site_title=site_title, feed_id=uuid.uuid5(_FEED_NAMESPACE, site_title),
                                   updated=updated, version=__version__, entries=entries)
