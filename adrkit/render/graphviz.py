"""Draw Graphviz DOT as SVG with the best renderer this machine has.

The order of preference:

1. the system's Graphviz (`dot` on PATH, from a Debian, Homebrew or Windows package);
2. graphviz-pure, the self-contained renderer that `pip install` brings along (its
   `graphviz-pure` program, found on PATH or in this Python's scripts folder);
3. none: `render_svg` returns no SVG and a note saying how to get a renderer, and
   callers show the DOT source instead.

`ADRKIT_RENDERER` picks one explicitly: `dot`, `graphviz-pure`, `none`, or `auto`
(the default). The SVG returned is safe to embed inline in HTML: no XML prolog,
DOCTYPE or comments, no scripts, event handlers or script URLs.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "RENDERER_ENV",
    "INSTALL_HINT",
    "Renderer",
    "RenderResult",
    "available_renderers",
    "which_renderer",
    "render_svg",
    "sanitize_svg",
]

RENDERER_ENV = "ADRKIT_RENDERER"
INSTALL_HINT = ("to draw it, run 'pip install graphviz-pure' or install Graphviz "
                "('apt install graphviz', 'brew install graphviz', 'winget install graphviz')")
SYSTEM = "graphviz"
PURE = "graphviz-pure"
NONE = "none"
_CHOICES = {"auto": None, "": None, "dot": SYSTEM, "graphviz": SYSTEM, "system": SYSTEM,
            "graphviz-pure": PURE, "pure": PURE, "none": NONE, "off": NONE}

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"


@dataclass(frozen=True)
class Renderer:
    """A program that turns DOT into SVG: its kind ('graphviz', 'graphviz-pure' or
    'none') and where it is."""

    name: str
    path: str | None = None

    def version(self) -> str:
        """The program's own version line ('' when it cannot say)."""
        if not self.path:
            return ""
        return _version_of(self.path)

    def describe(self) -> str:
        if not self.path:
            return "none (diagrams are shown as DOT source)"
        version = self.version()
        return f"{self.name} ({version or 'unknown version'}) at {self.path}"

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "path": self.path, "version": self.version() or None}


@dataclass(frozen=True)
class RenderResult:
    """What `render_svg` made: the SVG (None when nothing could draw it), the renderer
    used, and a note for the reader when something went wrong or none was found."""

    svg: str | None
    renderer: str
    note: str

    @property
    def ok(self) -> bool:
        return self.svg is not None


@functools.lru_cache(maxsize=8)
def _version_of(path: str) -> str:
    try:
        proc = subprocess.run([path, "-V"], capture_output=True, text=True, errors="replace", timeout=20)
    except (OSError, subprocess.SubprocessError):
        return ""
    line = (proc.stderr or proc.stdout).strip().splitlines()
    return line[0].strip() if line else ""


def _system_dot() -> str | None:
    return shutil.which("dot")


def _pure_program() -> str | None:
    """graphviz-pure on PATH, else beside this Python (a venv's scripts folder is not
    on PATH inside a Jupyter kernel started from elsewhere)."""
    found = shutil.which(PURE)
    if found:
        return found
    folders = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    for folder in dict.fromkeys(f for f in folders if f):
        found = shutil.which(PURE, path=folder)
        if found:
            return found
    return None


def available_renderers() -> list[Renderer]:
    """Every renderer installed, in order of preference."""
    found = []
    for name, finder in ((SYSTEM, _system_dot), (PURE, _pure_program)):
        path = finder()
        if path:
            found.append(Renderer(name, path))
    return found


def _requested() -> str | None:
    raw = os.environ.get(RENDERER_ENV, "").strip().lower()
    return _CHOICES.get(raw, raw or None)


def which_renderer() -> Renderer:
    """The renderer `render_svg` uses now (honouring ADRKIT_RENDERER)."""
    wanted = _requested()
    if wanted == NONE:
        return Renderer(NONE)
    for renderer in available_renderers():
        if wanted is None or renderer.name == wanted:
            return renderer
    return Renderer(NONE)


def _why_none() -> str:
    wanted = _requested()
    raw = os.environ.get(RENDERER_ENV, "")
    if wanted == NONE:
        return f"drawing is turned off ({RENDERER_ENV}={raw}); showing the DOT source"
    if wanted is not None and wanted not in (SYSTEM, PURE):
        return (f"{RENDERER_ENV}={raw} is not a renderer adrkit knows (use auto, dot, "
                f"graphviz-pure or none); showing the DOT source")
    if wanted is not None:
        return f"{RENDERER_ENV}={raw} asks for {wanted}, which is not installed; showing the DOT source; " \
               + INSTALL_HINT
    return "no Graphviz renderer found; showing the DOT source; " + INSTALL_HINT


def render_svg(dot: str, *, timeout: float = 60) -> RenderResult:
    """Draw `dot` as inline-safe SVG with the renderer `which_renderer` picks."""
    renderer = which_renderer()
    if not renderer.path:
        return RenderResult(None, NONE, _why_none())
    code, svg, err = _run(renderer.path, dot, timeout)
    if code != 0 or not svg:
        first = next((line.strip() for line in err.splitlines() if line.strip()), f"exit status {code}")
        return RenderResult(None, renderer.name,
                            f"{renderer.name} could not draw this diagram: {first}; showing the DOT source")
    try:
        clean = sanitize_svg(svg, id_prefix="g" + hashlib.sha1(dot.encode("utf-8")).hexdigest()[:8] + "-")
    except (ET.ParseError, ValueError) as exc:
        return RenderResult(None, renderer.name,
                            f"{renderer.name} wrote SVG that does not parse ({exc}); showing the DOT source")
    return RenderResult(clean, renderer.name, f"drawn by {renderer.name}")


_drawn: dict[tuple[str, str], str] = {}
_DRAWN_MAX = 64


def _run(program: str, dot: str, timeout: float) -> tuple[int, str, str]:
    """Run one renderer; successful drawings are remembered (a re-run cell or an
    unchanged page does not start the program again)."""
    key = (program, dot)
    if key in _drawn:
        return 0, _drawn[key], ""
    try:
        proc = subprocess.run([program, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", f"gave up after {timeout:g} s"
    except OSError as exc:
        return 127, "", str(exc)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode == 0 and out:
        if len(_drawn) >= _DRAWN_MAX:
            _drawn.pop(next(iter(_drawn)))
        _drawn[key] = out
    return proc.returncode, out, proc.stderr.decode("utf-8", "replace")


# --- making SVG safe to embed -------------------------------------------------------

_DROP_TAGS = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
_BAD_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
_URL_REF = re.compile(r"url\(\s*#([^)\s]+)\s*\)")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def sanitize_svg(svg: str, *, id_prefix: str = "", responsive: bool = True) -> str:
    """SVG text ready to paste inside HTML.

    Drops the XML prolog, DOCTYPE and comments, any script-capable element, `on*`
    attributes and links to javascript:/vbscript:/data: URLs. With `id_prefix`, every
    id (and every reference to one) gets the prefix, so several diagrams can share a
    page. With `responsive`, the drawing shrinks to fit narrow pages."""
    start = svg.find("<svg")
    if start < 0:
        raise ET.ParseError("no <svg> element")
    body = re.sub(r"<!--.*?-->\n?", "", svg[start:], flags=re.DOTALL)
    root = ET.fromstring(body)
    if _local(root.tag) != "svg":
        raise ET.ParseError("the root element is not <svg>")
    _clean_tree(root, id_prefix)
    if responsive:
        style = root.get("style", "")
        root.set("style", (style.rstrip("; ") + "; " if style else "") + "max-width:100%;height:auto")
    _plain_names(root)
    return ET.tostring(root, encoding="unicode").strip() + "\n"


def _plain_names(root: ET.Element) -> None:
    """Write names as HTML expects them ('svg', 'xlink:href') without touching the
    module-wide namespace registry of ElementTree."""
    prefixes = {SVG_NS: "", XLINK_NS: "xlink:", XML_NS: "xml:"}
    for element in root.iter():
        if element.tag.startswith("{"):
            uri, local = element.tag[1:].split("}", 1)
            element.tag = local if uri == SVG_NS else f"{prefixes.get(uri, '')}{local}"
        for key in list(element.attrib):
            if key.startswith("{"):
                uri, local = key[1:].split("}", 1)
                value = element.attrib.pop(key)
                if uri in prefixes:
                    element.attrib[prefixes[uri] + local] = value
    root.set("xmlns", SVG_NS)
    root.set("xmlns:xlink", XLINK_NS)


def _clean_tree(root: ET.Element, id_prefix: str) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or _local(child.tag) in _DROP_TAGS:
                parent.remove(child)
    for element in root.iter():
        for key in list(element.attrib):
            name = _local(key)
            value = element.attrib[key]
            if name.lower().startswith("on"):
                del element.attrib[key]
            elif name == "href" and _BAD_URL.match("".join(value.split())):
                del element.attrib[key]
            elif id_prefix and name == "id":
                element.attrib[key] = id_prefix + value
            elif id_prefix and name == "href" and value.startswith("#"):
                element.attrib[key] = "#" + id_prefix + value[1:]
            elif id_prefix and "url(#" in value.replace(" ", ""):
                element.attrib[key] = _URL_REF.sub(lambda m: f"url(#{id_prefix}{m.group(1)})", value)
