"""The sanitizer every piece of notebook HTML goes through before it reaches a page.

One nh3 (ammonia) policy: the tags and attributes of documents (headings, paragraphs,
lists, tables, images, code, details) and of static SVG diagrams survive; scripts,
styles, frames, forms, event handlers and `javascript:` URLs do not. On top of the
policy, URLs are checked and rewritten per element:

- `data:` is allowed only for images (`data:image/...`), never for links;
- images from other hosts are not loaded: each becomes a visible link to the image,
  so a page loads nothing from another host and shows no empty box;
- a link to another decision (`0003-use-x.ipynb`, `.md`, `.html`) becomes `0003-use-x.html`
  and is recorded, so the build can check it and list it as a backlink;
- any other relative link or image (`img/diagram.png`) is recorded as a file to copy
  into the site and rewritten to `files/...`; one to a file the site does not publish
  (`report.html`, `x.js`, a hidden file: `files.refusal`) is recorded too, so the build
  warns about it, but loses its URL: the link shows as text;
- a link or image outside the decision folder (`../../etc/passwd`, `/etc/passwd`) is
  recorded and loses its URL;
- a GitHub task list item keeps its box: `<input type="checkbox">` becomes a disabled
  checkbox, checked or not as written; every other form control is dropped;
- inline styles keep only harmless properties with values that load nothing; margins
  cannot be negative and nothing can be positioned, layered or made transparent, so
  record content cannot move over the page's own header or banner (the stylesheet
  also clips the record body with `contain: paint`);
- an image without alt text gets one saying so;
- headings get the ids GitHub gives them (`anchors`), so `#heading-anchors` written for
  GitHub work; other ids from a notebook get the `nb-` prefix, so they never collide
  with the page's own, and in-page anchors follow.

A guide's page lives one folder down (`guides/`), so a guide is cleaned with
`guide_log`, the decision folder as seen from the guide's folder: a link to a notebook
in that folder becomes `../<stem>.html`, a link to another top-level notebook of the
guide's folder becomes that guide's page, and other relative files are recorded
relative to the guide's folder (the build copies them to `guides/files/`).

`Sanitizer.clean(html, base)` returns the clean HTML and what was found (`Found`).
`Sanitizer.fragment(html)` first closes and cleans each cell's HTML on its own, so that
markup left open in one cell (`<style>`, `<textarea>`, `<math>`...) cannot swallow the
cells after it when the page is cleaned as a whole.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from adrkit.publish.anchors import HeadingIds
from adrkit.publish.files import refusal

__all__ = ["Sanitizer", "Found", "ID_PREFIX", "DECISION_LINK", "unlink_files"]

ID_PREFIX = "nb-"

# A link to another decision record by file name: 0007-use-x.ipynb, .md, .html, or bare.
DECISION_LINK = re.compile(r"^(?P<stem>\d{1,6}-[^/\\]+?)(?:\.(?:ipynb|md|html))?$")

_HTML_TAGS = {
    "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "blockquote",
    "br", "caption", "center", "cite", "code", "col", "colgroup", "data", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "nav", "ol", "p", "pre", "q", "rp", "rt", "rtc", "ruby", "s", "samp", "section", "small",
    "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "tt", "u", "ul", "var", "wbr", "input",
}
_SVG_TAGS = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "title", "desc", "defs", "marker", "stop", "lineargradient", "radialgradient",
    "linearGradient", "radialGradient", "clippath", "clipPath",
}
_GLOBAL_ATTRS = {"class", "id", "title", "lang", "dir", "role", "tabindex", "style",
                 "data-mime-type", "hidden"}
_SVG_ATTRS = {
    "viewBox", "viewbox", "width", "height", "xmlns", "xmlns:xlink", "version",
    "preserveAspectRatio", "transform", "d", "fill", "fill-opacity", "fill-rule", "stroke",
    "stroke-width", "stroke-dasharray", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "points", "text-anchor", "font-family", "font-size", "font-weight", "font-style",
    "dominant-baseline", "alignment-baseline", "dx", "dy", "opacity", "marker-end",
    "marker-start", "marker-mid", "markerWidth", "markerHeight", "markerUnits", "refX",
    "refY", "orient", "offset", "stop-color", "stop-opacity", "clip-path", "focusable",
    "textLength", "lengthAdjust", "gradientUnits", "aria-hidden", "aria-label",
}
_ATTRIBUTES = {
    "*": _GLOBAL_ATTRS,
    "a": {"href", "name", "xlink:href", "xlink:title", "aria-label"},
    "img": {"src", "alt", "width", "height", "loading"},
    "table": {"border", "summary"},
    "td": {"colspan", "rowspan", "align", "valign", "headers"},
    "th": {"colspan", "rowspan", "align", "valign", "scope", "abbr", "headers"},
    "col": {"span", "width"}, "colgroup": {"span", "width"},
    "ol": {"start", "type", "reversed"}, "li": {"value"},
    "time": {"datetime"}, "data": {"value"}, "abbr": {"title"},
    "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "details": {"open"}, "pre": {"data-language"}, "code": {"data-language"},
    "bdo": {"dir"}, "q": {"cite"}, "blockquote": {"cite"},
    "input": {"type", "checked"},  # task list boxes only (see `_task_boxes`)
}
for _tag in _SVG_TAGS:
    _ATTRIBUTES[_tag] = _ATTRIBUTES.get(_tag, set()) | _SVG_ATTRS

# Style properties a notebook may set inline (tables from pandas Styler, alignment).
# Nothing that can load a URL (background, background-image, list-style, cursor, content).
_STYLE_PROPERTIES = {
    "color", "background-color", "text-align", "vertical-align", "font-weight", "font-style",
    "font-size", "font-family", "font-variant", "text-decoration", "text-transform",
    "white-space", "width", "min-width", "max-width", "height", "min-height", "max-height",
    "border", "border-top", "border-right", "border-bottom", "border-left", "border-color",
    "border-style", "border-width", "border-collapse", "border-spacing", "border-radius",
    "padding", "padding-top", "padding-right", "padding-bottom", "padding-left", "margin",
    "margin-top", "margin-right", "margin-bottom", "margin-left", "line-height",
    "letter-spacing", "word-break", "overflow-wrap",
}
_MARGINS = {"margin", "margin-top", "margin-right", "margin-bottom", "margin-left"}
_NON_NEGATIVE = re.compile(r"^(?:\s*(?:auto|0|\d+(?:\.\d+)?(?:px|em|rem|ex|ch|pt|%)?))+\s*$", re.I)
_INPUT = re.compile(r"<input\b([^>]*)>")
_CLEAN_CONTENT_TAGS = {"script", "style", "noscript", "iframe", "object", "embed", "template", "math",
                       "textarea", "select", "xmp", "noembed", "noframes", "plaintext"}
_URL_SCHEMES = {"http", "https", "mailto", "data"}
_URL_ATTRS = {"href", "xlink:href", "src"}
_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpe?g|gif|webp|svg\+xml|bmp)[;,]", re.I)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# An image the author gave no text for (cleaned output: attributes always quoted).
_IMG_WITHOUT_ALT = re.compile(r'<img((?:\s+(?!alt=)[\w:-]+="[^"]*")*\s*/?>)')
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
# CSS functions an attribute value may call: colours, transforms and references to an
# id inside the same document. Anything else (url() of a file or host, image-set(),
# escapes) is dropped, so no attribute can make the browser fetch something.
_FUNCTION = re.compile(r"([a-zA-Z-]*)\s*\(\s*([^()]*)\)")
_LOCAL_REF = re.compile(r"url\(\s*['\"]?#(?!" + ID_PREFIX + r")([^'\")\s]+)['\"]?\s*\)")
_REMOTE = "nb-remote-image-"
_SAFE_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "translate", "scale", "rotate", "matrix",
                   "skewx", "skewy", "calc", "var"}


@dataclass
class Found:
    """What a cleaned fragment links to: decisions (by stem) and local files (by path
    relative to the decision folder, or with '..' when it points outside it)."""

    decisions: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


class Sanitizer:
    """A reusable nh3 cleaner with adrkit's policy and link rewriting."""

    def __init__(self) -> None:
        import nh3

        self._found = Found()
        self._base = ""
        self._ids = HeadingIds("")
        self._guide_log: str | None = None
        self._decisions_href = "../"
        self._cleaner = nh3.Cleaner(
            tags=_HTML_TAGS | _SVG_TAGS,
            clean_content_tags=_CLEAN_CONTENT_TAGS,
            attributes=_ATTRIBUTES,
            generic_attribute_prefixes={"aria-"},
            attribute_filter=self._filter,
            url_schemes=_URL_SCHEMES,
            link_rel=None,
            strip_comments=True,
            filter_style_properties=_STYLE_PROPERTIES,
        )
        # The same tags and attributes, without the URL and style checks: only makes a
        # fragment well formed and drops what the policy drops, so an unclosed element
        # in one cell cannot take in what follows it.
        self._isolator = nh3.Cleaner(
            tags=_HTML_TAGS | _SVG_TAGS,
            clean_content_tags=_CLEAN_CONTENT_TAGS,
            attributes=_ATTRIBUTES,
            generic_attribute_prefixes={"aria-"},
            url_schemes=_URL_SCHEMES,
            link_rel=None,
            strip_comments=True,
        )

    def fragment(self, html: str) -> str:
        """`html` (one cell's rendered markdown or one output) parsed on its own and
        written back with every element closed, before it is placed in a page. The page
        is then cleaned as a whole by `clean`."""
        return self._isolator.clean(html) if html else ""

    def clean(self, html: str, base: str = "", *, guide_log: str | None = None,
              decisions_href: str = "../") -> tuple[str, Found]:
        """Sanitize `html`; relative URLs are taken relative to `base`, the folder of the
        notebook inside the decision folder ('' for the folder itself). With `guide_log`
        (the decision folder relative to a guide's folder) links are rewritten for a
        guide page, to that log's pages at `decisions_href` (seen from `guides/`)."""
        self._found = Found()
        self._base = base
        self._decisions_href = decisions_href
        self._ids = HeadingIds(html)
        self._guide_log = posixpath.normpath(guide_log) if guide_log is not None else None
        try:
            out = self._cleaner.clean(html)
        finally:
            found, self._found = self._found, Found()
            self._guide_log = None
        if "<img" in out:
            out = _remote_links(out, found.dropped)
            out = _IMG_WITHOUT_ALT.sub(r'<img alt="Image without a description"\1', out)
        if "<input" in out:
            out = _INPUT.sub(_task_box, out)
        found.decisions = list(dict.fromkeys(found.decisions))
        found.files = list(dict.fromkeys(found.files))
        found.outside = list(dict.fromkeys(found.outside))
        return out, found

    # --- per-attribute policy ----------------------------------------------------
    def _filter(self, tag: str, attr: str, value: str) -> str | None:
        if attr == "id":
            return self._ids.element_id(tag, value)
        if tag == "input":
            keep = attr == "checked" or (attr == "type" and value.strip().lower() == "checkbox")
            return value if keep else None
        if attr in _URL_ATTRS:
            return self._url(tag, attr, value)
        if attr == "style":
            return _style(value)
        if attr.startswith("on"):  # never reached with this policy; kept as a backstop
            return None
        if "(" in value or "\\" in value:
            if not _safe_functions(value):
                return None
            return _LOCAL_REF.sub(lambda m: f"url(#{ID_PREFIX}{m.group(1)})", value)
        return value

    def _url(self, tag: str, attr: str, value: str) -> str | None:
        url = _CONTROL.sub("", value)
        if not url:
            return None
        if "\\" in url:
            # Browsers read '\' as '/' in web URLs ('/\host/x' is '//host/x', another
            # host), so no URL with a backslash is kept; an image that would come from
            # another host is reported as dropped.
            if tag == "img" and _other_host(url.replace("\\", "/")):
                self._found.dropped.append(url)
            return None
        scheme = _SCHEME.match(url)
        if scheme:
            name = scheme.group(1).lower()
            if name == "data":
                return value if tag == "img" and _DATA_IMAGE.match(url) else None
            if name not in ("http", "https", "mailto"):
                return None
            if tag == "img":  # nothing is loaded from another host: a link to it instead
                self._found.dropped.append(url)
                return f"#{_REMOTE}{len(self._found.dropped) - 1}"
            return value
        if url.startswith("//"):  # protocol-relative: another host
            if tag == "img":
                self._found.dropped.append(url)
                return f"#{_REMOTE}{len(self._found.dropped) - 1}"
            return "https:" + url
        if url.startswith("#"):
            return "#" + self._ids.fragment(url[1:])
        if url.startswith("/"):  # a path on the reader's disk, or the server's root
            self._found.outside.append(url)
            return None
        return self._relative(tag, value)

    def _relative(self, tag: str, value: str) -> str | None:
        parts = urlsplit(value)
        path = unquote(parts.path)
        frag = f"#{parts.fragment}" if parts.fragment else ""  # another page's heading, GitHub-style
        if not path:
            return value
        if self._guide_log is not None:
            return self._guide_relative(tag, value, parts.query, path, frag)
        name = posixpath.basename(path)
        match = DECISION_LINK.match(name)
        if match and tag == "a" and not name.endswith("/"):
            stem = match.group("stem")
            self._found.decisions.append(stem)
            return f"{quote(stem)}.html{frag}"
        joined = posixpath.normpath(posixpath.join(self._base, path))
        if joined.startswith("../") or joined == ".." or joined.startswith("/"):
            self._found.outside.append(path)
            return None
        self._found.files.append(joined)
        if refusal(joined):
            return None
        query = f"?{parts.query}" if parts.query else ""
        return f"files/{quote(joined)}{query}{frag}"

    def _guide_relative(self, tag: str, value: str, query: str, path: str, frag: str) -> str | None:
        from adrkit.publish.guides import guide_slug

        joined = posixpath.normpath(posixpath.join(self._base, path))
        name = posixpath.basename(path)
        if tag == "a" and not path.endswith("/"):
            match = DECISION_LINK.match(name)
            if match and (posixpath.dirname(joined) or ".") == self._guide_log:
                stem = match.group("stem")
                self._found.decisions.append(stem)
                return f"{self._decisions_href}{quote(stem)}.html{frag}"
            if match and name.endswith(".html"):
                return None  # a page of another log's site (a drawn graph in an output)
            if "/" not in joined and name.endswith(".ipynb") and joined != "..":
                return f"{quote(guide_slug(name))}.html{frag}"
        if joined.startswith("../") or joined == ".." or joined.startswith("/"):
            self._found.outside.append(path)
            return None
        self._found.files.append(joined)
        if refusal(joined):
            return None
        return f"files/{quote(joined)}{'?' + query if query else ''}{frag}"


def _task_box(match: re.Match[str]) -> str:
    """A task list box as a disabled checkbox, checked as written; any other input
    (the filter has dropped every attribute but type="checkbox" and checked) is dropped."""
    attrs = match.group(1)
    if 'type="checkbox"' not in attrs:
        return ""
    if "checked" in attrs:
        return '<input type="checkbox" class="task-box" disabled checked aria-label="Task (done)">'
    return '<input type="checkbox" class="task-box" disabled aria-label="Task (not done)">'


def _style(value: str) -> str | None:
    """The declarations of an inline style that may stay: a known property, a value
    that loads nothing, no negative margin. None when nothing is left."""
    kept = []
    for declaration in value.split(";"):
        name, sep, val = declaration.partition(":")
        name, val = name.strip().lower(), val.strip()
        if not sep or name not in _STYLE_PROPERTIES or not val:
            continue
        if ("(" in val or "\\" in val or "/*" in val) and not _safe_functions(val):
            continue
        if name in _MARGINS and not _NON_NEGATIVE.match(val.replace("!important", "")):
            continue
        kept.append(f"{name}: {val}")
    return "; ".join(kept) if kept else None


def unlink_files(html: str, rels: list[str]) -> str:
    """`html` (a cleaned body) with the URL of every link or image to one of `rels`
    (paths as the sanitizer recorded them) removed, so the link shows as text."""
    for rel in rels:
        pattern = re.compile(r'\s(?:href|src)="files/' + re.escape(quote(rel)) + r'(?:[?#][^"]*)?"')
        html = pattern.sub("", html)
    return html


def _remote_links(out: str, dropped: list[str]) -> str:
    """Each image from another host, as a link to it (the page loads nothing from
    there). The cleaned HTML is read with a parser, as an attribute may hold '>'."""
    import html
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str | None]]] = []

    class _Images(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            if tag == "img" and str(values.get("src") or "").startswith("#" + _REMOTE):
                found.append((self.get_starttag_text() or "", values))

        handle_startendtag = handle_starttag

    _Images(convert_charrefs=True).feed(out)
    for raw, values in found:
        n = int(str(values["src"])[len(_REMOTE) + 1:] or -1)
        if not raw or not 0 <= n < len(dropped):
            continue
        url = "https:" + dropped[n] if dropped[n].startswith("//") else dropped[n]
        alt = str(values.get("alt") or "").strip() or "image"
        link = (f'<a class="remote-image" href="{html.escape(url, quote=True)}">{html.escape(alt)}'
                f' (image on {html.escape(urlsplit(url).netloc)})</a>')
        out = out.replace(raw, link, 1)
    return out


def _other_host(url: str) -> bool:
    """True for a URL with a scheme or a protocol-relative one ('//host/...')."""
    return url.startswith("//") or _SCHEME.match(url) is not None


def _safe_functions(value: str) -> bool:
    """True when every function call in a CSS or SVG attribute value is harmless."""
    if "\\" in value or "/*" in value:
        return False
    rest = value
    for _ in range(50):
        match = _FUNCTION.search(rest)
        if not match:
            break
        name, arg = match.group(1).lower(), match.group(2).strip().strip("'\"")
        if name == "url":
            if not arg.startswith("#"):
                return False
        elif name not in _SAFE_FUNCTIONS:
            return False
        rest = rest[:match.start()] + rest[match.end():]
    return "(" not in rest and ")" not in rest
