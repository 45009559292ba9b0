"""Heading ids as GitHub makes them, so `#heading-anchors` written for GitHub work on
the site: lower case, punctuation dropped, each space a hyphen, a repeated heading
numbered (`-1`, `-2`), ids the page itself uses left to the page.

`HeadingIds` is made per page body before it is cleaned: it reads the ids nbconvert
gave the headings (the heading text with spaces as hyphens, percent-encoded) and
answers, while the sanitizer walks the attributes, the id each heading gets and
where each in-page `#fragment` leads. Ids of other elements keep the `nb-` prefix,
so they never collide with the page's own.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from adrkit.formats.markdown.blocks import github_id

__all__ = ["github_id", "HeadingIds", "PAGE_IDS", "ELEMENT_PREFIX"]

ELEMENT_PREFIX = "nb-"
# the templates of the pages that hold a notebook body
_BODY_TEMPLATES = ("base.html.j2", "decision.html.j2", "guide.html.j2")
_TEMPLATE_ID = re.compile(r"""\sid\s*=\s*["']([^"'{}]+)["']""")


_TEMPLATE_REF = re.compile(r"""\{%-?\s*(?:include|extends|import|from)\s+["']([^"']+)["']""")


def _template_ids() -> frozenset[str]:
    """The fixed ids the templates around a notebook body give their own elements (read
    from the templates and the ones they include, so a heading such as `## Status` keeps
    the id GitHub gives it unless the page itself uses that id)."""
    folder = Path(__file__).with_name("templates") / "site"
    todo, seen, ids = list(_BODY_TEMPLATES), set(), set()
    while todo:
        name = todo.pop()
        if name in seen or not (folder / name).is_file():
            continue
        seen.add(name)
        text = (folder / name).read_text(encoding="utf-8")
        ids.update(m.group(1) for m in _TEMPLATE_ID.finditer(text))
        todo.extend(_TEMPLATE_REF.findall(text))
    return frozenset(ids)


PAGE_IDS = _template_ids()
_HEADING_ID = re.compile(r"""<h[1-6]\b[^>]*?\sid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def _from_nbconvert(value: str) -> str:
    """The GitHub id of a heading from the id nbconvert gave it (its text with spaces
    as hyphens, percent-encoded); trailing hyphens are the text's trailing spaces."""
    return github_id(unquote(value).replace("-", " ")).rstrip("-") or "section"


class HeadingIds:
    def __init__(self, html: str) -> None:
        self.by_old: dict[str, list[str]] = {}
        self.new: set[str] = set()
        counts: dict[str, int] = {}
        for m in _HEADING_ID.finditer(html or ""):
            old = m.group(1) if m.group(1) is not None else m.group(2)
            base = _from_nbconvert(old)
            n = counts.get(base, 1 if base in PAGE_IDS else 0)
            new = base if n == 0 else f"{base}-{n}"
            while new in self.new or new in PAGE_IDS:
                n += 1
                new = f"{base}-{n}"
            counts[base] = n + 1
            self.new.add(new)
            self.by_old.setdefault(old, []).append(new)
        self._given: dict[str, int] = {}

    def element_id(self, tag: str, value: str) -> str:
        """The id an element gets: a heading's GitHub id, else the value prefixed."""
        if re.fullmatch(r"h[1-6]", tag.lower()) and value in self.by_old:
            choices = self.by_old[value]
            n = self._given.get(value, 0)
            self._given[value] = n + 1
            return choices[min(n, len(choices) - 1)]
        return value if value.startswith(ELEMENT_PREFIX) else ELEMENT_PREFIX + value

    def fragment(self, frag: str) -> str:
        """Where an in-page `#frag` leads: a heading's id (GitHub-style, or the id
        nbconvert gave it), else an element id with its prefix."""
        if not frag or frag in self.new or frag.startswith(ELEMENT_PREFIX):
            return frag
        if frag in self.by_old:
            return self.by_old[frag][0]
        plain = unquote(frag)
        for candidate in (plain, plain.lower(), _from_nbconvert(frag)):
            if candidate in self.new:
                return candidate
        return ELEMENT_PREFIX + frag
