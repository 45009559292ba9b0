"""DOT text, safely: quoting, HTML-like labels and attribute lists for Graphviz.

Every label adrkit writes into DOT goes through here, so user text can never end a
string, open a tag or become one of Graphviz's escapes (\\N, \\G, \\E); characters that
are not text (controls, surrogates, noncharacters such as U+FFFF) are dropped, since
Graphviz refuses the whole drawing for one of them (the rule is `adrkit.core.text`'s).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adrkit.core.text import clean_text

__all__ = ["FONT", "Html", "dot_quote", "dot_html", "dot_attrs", "text_only"]

FONT = "Helvetica"


def text_only(text: Any, *, keep_newlines: bool = False) -> str:
    """`text` without control characters (tab too; newlines kept with `keep_newlines`),
    surrogates and noncharacters."""
    out = clean_text(text).replace("\t", "")
    return out if keep_newlines else out.replace("\n", "")


def dot_quote(text: Any) -> str:
    """A DOT double-quoted string; newlines become DOT line breaks."""
    raw = text_only(text, keep_newlines=True)
    raw = raw.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{raw}"'


def dot_html(text: Any) -> str:
    """Text made safe inside a DOT HTML-like label."""
    raw = text_only(text)
    # Graphviz expands \N, \G, \E ... even in HTML-like labels; a doubled backslash is literal.
    raw = raw.replace("\\", "\\\\")
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass(frozen=True)
class Html:
    """Markup for an HTML-like label, already escaped with `dot_html`."""

    markup: str


def dot_attrs(attrs: dict[str, Any]) -> str:
    """`[key="value", ...]`; numbers bare, `Html` values in angle brackets, None left out."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, Html):
            parts.append(f"{key}=<{value.markup}>")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            parts.append(f"{key}={value}")
        else:
            parts.append(f"{key}={dot_quote(value)}")
    return "[" + ", ".join(parts) + "]" if parts else ""
