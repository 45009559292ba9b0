"""Stage 5, the machine-readable parts of the site: `decisions.json`, the Atom feed
and the search index.

The feed is the template `templates/site/feed.xml.j2` (autoescaped; control
characters, surrogates and noncharacters dropped, so it is always well-formed XML;
bidirectional overrides shown as `[U+202E]`). The JSON outputs drop the same
characters from every string (a lone surrogate cannot even be written as UTF-8) and
write bidirectional controls as `\u202e` escapes; the search index, which the index
page shows in its snippets, shows them as the pages do.

The search index is a JavaScript file that assigns one object to
`window.ADRKIT_SEARCH`, so the index page can load it with a plain `<script src>`
from `file://` as well as over HTTP (a `fetch()` of JSON is refused on `file://`).
"""
from __future__ import annotations

import json
import uuid
from functools import lru_cache
from typing import Any, Callable

from adrkit.about import __version__
from adrkit.core.decision import real_date
from adrkit.core.text import BIDI_CONTROLS, clean_text, display_text
from adrkit.publish.guides import GuidePage
from adrkit.publish.links import Page, SiteLinks

__all__ = ["decisions_json", "atom_feed", "search_index_js"]

_FEED_NAMESPACE = uuid.UUID("5b0b7c3e-8f54-4c1e-9d1a-6a2f4c0d7e11")


def decisions_json(pages: list[Page], links: SiteLinks, site_title: str) -> str:
    """The whole log as JSON: the fields of `adrkit list --json` plus each page's URL
    (relative to the site) and its resolved relations."""
    items = []
    for page in pages:
        entry: dict[str, Any] = page.decision.to_summary()
        entry["url"] = page.href
        entry["relations"] = [{"rel": label, "targets": [t.href for t in targets if t.href]}
                              for label, targets in links.relations(page)]
        items.append(entry)
    doc = {"generator": f"adrkit {__version__}", "title": site_title, "count": len(items),
           "decisions": items}
    text = json.dumps(_strings(doc, clean_text), indent=2, ensure_ascii=False)
    # Same data, but safe even if a portal pastes it into a page.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    for ch in BIDI_CONTROLS:
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text + "\n"


def _strings(value: Any, clean: Callable[[str], str]) -> Any:
    """`value` (JSON data) with `clean` applied to every string, keys included."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): _strings(v, clean) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strings(v, clean) for v in value]
    return value


def _summary(page: Page, limit: int = 400) -> str:
    text = page.text
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


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
        entries.append({
            "title": f"{d.label} {d.title}", "id": uuid.uuid5(_FEED_NAMESPACE, f"{site_title}/{d.stem}"),
            "href": page.href, "updated": _stamp(d.date), "authors": d.decision_makers or [site_title],
            "status": d.status, "tags": d.tags, "summary": f"[{d.status}] " + _summary(page)})
    return _feed_template().render(site_title=site_title, feed_id=uuid.uuid5(_FEED_NAMESPACE, site_title),
                                   updated=updated, version=__version__, entries=entries)


def _js_json(value: Any) -> str:
    text = json.dumps(_strings(value, display_text), ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def search_index_js(pages: list[Page], guides: list[GuidePage] | None = None) -> str:
    """`window.ADRKIT_SEARCH = {...}`: per decision its stem, title, tags, status and text
    (type "decision"); per guide its key (`guides/<slug>`), title, URL and text (type "guide")."""
    docs: list[dict[str, Any]] = [
        {"type": "decision", "s": p.stem, "n": p.decision.label, "t": p.decision.title,
         "g": p.decision.tags, "st": p.decision.status, "x": p.text} for p in pages]
    docs += [{"type": "guide", "s": g.stem, "t": g.title, "u": g.href, "x": g.text} for g in guides or []]
    return ("/* adrkit search index: generated by adrkit build */\n"
            f"window.ADRKIT_SEARCH = {_js_json({'version': 1, 'docs': docs})};\n")
