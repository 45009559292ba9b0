"""Stage 5, the Atom feed of the site (`decisions.json` is `catalog`'s, the search
index `search`'s).
"""
from __future__ import annotations

import uuid
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from adrkit.about import __version__
from adrkit.publish.model import Page

__all__ = ["atom_feed"]

_FEED_NAMESPACE = uuid.UUID("5b0b7c3e-8f54-4c1e-9d1a-6a2f4c0d7e11")


def _summary(page: Page) -> str:
    return page.summary


def _stamp(date: str) -> str:
    date = (date or "")[:10]
    if len(date) == 10 and date[4] == "-" and date[7] == "-":
        return f"{date}T00:00:00Z"
    return "1970-01-01T00:00:00Z"


def atom_feed(pages: list[Page], site_title: str, *, limit: int = 100) -> str:
    """An Atom feed of the decisions, newest first. Links are relative to the feed, so
    the site works under any path; ids are stable URNs derived from each stem."""
    ordered = sorted(pages, key=lambda p: (p.decision.date or "", p.decision.number), reverse=True)[:limit]
    updated = _stamp(ordered[0].decision.date) if ordered else "1970-01-01T00:00:00Z"
    feed_id = uuid.uuid5(_FEED_NAMESPACE, site_title)
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<title>{escape(site_title)}</title>",
           f"<id>urn:uuid:{feed_id}</id>",
           f"<updated>{updated}</updated>",
           '<link rel="alternate" type="text/html" href="index.html"/>',
           '<link rel="self" type="application/atom+xml" href="feed.xml"/>',
           f'<generator version="{escape(__version__)}">adrkit</generator>']
    for page in ordered:
        d = page.decision
        entry_id = uuid.uuid5(_FEED_NAMESPACE, f"{site_title}/{page.ident if page.source.site_dir else d.stem}")
        out += ["<entry>",
                f"<title>{escape(f'{d.label} {d.title}')}</title>",
                f"<id>urn:uuid:{entry_id}</id>",
                f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(page.href)}/>",
                f"<updated>{_stamp(d.date)}</updated>"]
        for name in d.decision_makers:
            out.append(f"<author><name>{escape(name)}</name></author>")
        if not d.decision_makers:
            out.append(f"<author><name>{escape(site_title)}</name></author>")
        out.append(f"<category term={quoteattr(d.status)} label=\"status\"/>")
        for tag in d.tags:
            out.append(f"<category term={quoteattr(tag)}/>")
        out += [f"<summary>{escape(f'[{d.status}] ' + _summary(page))}</summary>", "</entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"
