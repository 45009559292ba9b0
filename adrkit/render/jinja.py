"""The one Jinja environment for adrkit's own HTML and SVG templates.

Autoescape is on for every template, so a text from a record is escaped by default;
markup is inserted only where a template says `|safe` about something adrkit built.
Templates live in `adrkit/render/templates/`.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["TEMPLATE_DIR", "environment", "render"]

TEMPLATE_DIR = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=False)


def render(name: str, **context: Any) -> str:
    """Render template `name` with `context` (autoescaped)."""
    return environment().get_template(name).render(**context)
