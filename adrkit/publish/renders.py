"""Static renders of a decision's structured data, for pages that need no kernel.

Trade-off tables and request lifecycles are drawn from the data file with the
renderers of `adrkit.render.tradeoff` and `adrkit.render.requestflow` (the decision
graph is `adrkit.publish.graph`'s). A table is rendered once per process for each
distinct content: the guidance a template puts in many records is drawn once. Where a
renderer returns nothing, a plain fallback keeps the page complete: the data as escaped
text. Every render is escaped by its renderer and sanitized again by the page.
"""
from __future__ import annotations

import html
import json
from typing import Any, Callable

from adrkit.formats import yamlio
from adrkit.core.requestflow import Lifecycle
from adrkit.core.tradeoff import Tradeoff
from adrkit.publish.review import tradeoff_anchor
from adrkit.render.requestflow import lifecycle_html
from adrkit.render.tradeoff import outcome_sentence, tradeoff_html

__all__ = ["render_table", "tradeoff_sections", "RenderError"]

class RenderError(Exception):
    """The data of a table or lifecycle cannot be rendered (invalid fields)."""


def _tradeoff_html(data: dict[str, Any]) -> str:
    return tradeoff_html(Tradeoff.from_dict(data))


def _lifecycle_html(data: dict[str, Any]) -> str:
    return lifecycle_html(Lifecycle.from_dict(data))


_RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "tradeoffs": _tradeoff_html,
    "lifecycles": _lifecycle_html,
}
_CAPTIONS = {"tradeoffs": "Trade-off table", "lifecycles": "Request lifecycle"}


def render_table(kind: str, name: str, data: Any) -> str:
    """Static HTML of one trade-off table or lifecycle; RenderError when the data is
    not valid for its renderer."""
    if not isinstance(data, dict):
        raise RenderError(f"{kind}.{name} is not a mapping of fields")
    try:
        key = (kind, name, json.dumps(data, ensure_ascii=False))
    except (TypeError, ValueError):
        return _render_table(kind, name, data)
    done = _rendered.get(key)
    if done is None:
        if len(_rendered) >= _RENDERED_MAX:
            _rendered.clear()
        done = _rendered[key] = _render_table(kind, name, data)
    return done


_rendered: dict[tuple[str, str, str], str] = {}
_RENDERED_MAX = 256


def _render_table(kind: str, name: str, data: dict[str, Any]) -> str:
    try:
        rendered = _RENDERERS[kind](data)
    except Exception as exc:  # invalid data, in whatever error class the renderer uses
        raise RenderError(f"{kind}.{name}: {exc}") from exc
    if rendered is None:
        return _fallback(kind, name, data)
    anchor = f' id="{tradeoff_anchor(name)}"' if kind == "tradeoffs" else ""
    return f'<div class="adr-render adr-{kind}"{anchor}>{rendered}</div>'


def tradeoff_sections(data: dict[str, Any]) -> dict[str, str]:
    """The HTML a trade-off gives the Decision Outcome ('outcome') and the Pros and Cons
    ('pros-and-cons') sections; RenderError when the table is not valid."""
    try:
        t = Tradeoff.from_dict(data)
        t.validate()
    except Exception as exc:
        raise RenderError(str(exc)) from exc
    out: dict[str, str] = {}
    if t.options and t.criteria:
        out["outcome"] = f"<p>{html.escape(outcome_sentence(t, t.ranking()))}</p>"
    elif t.chosen:
        out["outcome"] = f"<p>{html.escape(f'Chosen option: “{t.chosen}”, because {t.because or chr(8230)}')}</p>"
    parts = []
    for o in t.options:
        args = [a for kind in ("good", "neutral", "bad") for a in o.arguments_of(kind)]
        if not args and not o.description:
            continue
        parts.append(f"<p><strong>{html.escape(o.name)}</strong>"
                     + (f" — {html.escape(o.description)}" if o.description else "") + "</p>")
        if args:
            parts.append("<ul>" + "".join(f"<li>{html.escape(a.label)}</li>" for a in args) + "</ul>")
    out["pros-and-cons"] = "".join(parts)
    return out


def _fallback(kind: str, name: str, data: dict[str, Any]) -> str:
    text = yamlio.dump(data, width=100)
    caption = f"{_CAPTIONS[kind]} “{name}”"
    return (f'<figure class="adr-render adr-{kind} adr-fallback">'
            f"<figcaption>{html.escape(caption)}</figcaption>"
            f"<pre>{html.escape(text)}</pre></figure>")
