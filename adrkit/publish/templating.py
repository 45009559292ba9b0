"""The Jinja environment of the site's own templates (`templates/site/`): pages, the
Atom feed and the fallback drawing of the decision graph.

Autoescape is on for every template, so text from a record is escaped wherever it
lands; markup goes in as is only where a template says `|safe` about something the
sanitizer cleaned. Every value a template writes passes `adrkit.core.text.display_text`
first (Jinja's `finalize`): control characters, surrogates and noncharacters are
dropped, since XML refuses them and HTML parsers mangle them, and bidirectional
overrides are shown as `[U+202E]`, so a title reads in the order it is stored (a page
body had this done once, when it was converted: `shown` marks it so). A value
used in a class name goes through the `class_token` filter, so a status such as
`accepted evil` cannot add a class.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from adrkit.core.text import class_token, display_text

__all__ = ["TEMPLATES", "site_environment", "shown"]

TEMPLATES = Path(__file__).with_name("templates") / "site"


def shown(body: str) -> Any:
    """A page body that conversion has made safe and shown as text is shown
    (sanitized, then `display_text`): the page writes it as it is."""
    return _shown_class()(body)


@lru_cache(maxsize=1)
def _shown_class() -> Any:
    from markupsafe import Markup

    class Shown(Markup):
        __slots__ = ()

    return Shown


def _finalize(value: Any) -> Any:
    from markupsafe import Markup

    if type(value) is str:
        return display_text(value)
    if type(value) is _shown_class():
        return value
    if isinstance(value, Markup):
        return Markup(display_text(str(value)))
    if isinstance(value, str):
        return display_text(value)
    return value


def site_environment(bytecode_dir: Path | None = None) -> Any:
    """A Jinja environment over `templates/site/`; with `bytecode_dir`, compiled
    templates are kept there between builds."""
    import jinja2

    cache = None
    if bytecode_dir is not None:
        try:
            bytecode_dir.mkdir(parents=True, exist_ok=True)
            cache = jinja2.FileSystemBytecodeCache(str(bytecode_dir))
        except OSError:
            cache = None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
        lstrip_blocks=True, auto_reload=False, undefined=jinja2.StrictUndefined, bytecode_cache=cache,
        finalize=_finalize)
    env.filters["class_token"] = class_token
    env.filters["display"] = display_text
    return env
