"""An SVG file a record links to, made safe to open on its own before it is copied
into the site.

A page shows a linked SVG through `<img>`, where nothing in it runs; but a reader can
open `files/diagram.svg` directly, and then the browser runs its scripts and event
handlers and loads what it names, on the site's origin. So the copy is rebuilt from an
allowlist rather than the original bytes:

- the file is parsed as XML with `defusedxml` (no entity declarations, no external
  entities or DTDs: no "billion laughs", nothing read from disk or network); comments
  and processing instructions (`<?xml-stylesheet ...?>`) are left out;
- only elements of static SVG drawings survive (shapes, text, gradients, patterns,
  markers, masks, clip paths, filters without `feImage`, `use`, links); scripts,
  `foreignObject`, animation (`animate`, `set`, which can rewrite an `href`), fonts and
  everything outside the SVG namespace (editor metadata) are dropped with their content;
- only known presentation attributes survive, never `on*` handlers or `xml:base`;
- a reference (`href`, `xlink:href`, `url(...)` in an attribute, a `style` or a
  `<style>` sheet) may only point inside the same file (`#id`); an image may only be
  embedded as `data:image/png|jpeg|gif|webp`; a link may go to http(s) or mailto;
  a `<style>` sheet with an at-rule (`@import`, `@font-face`), an escape or any other
  function that could load something is dropped.

`clean_svg_file(data)` returns the clean file's bytes, or raises `SvgRefused` with the
reason the file cannot be published.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

__all__ = ["clean_svg_file", "SvgRefused"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

_FILTER_PRIMITIVES = {
    "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA",
    "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology",
    "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
}
ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "switch", "title", "desc", "a", "path", "rect", "circle",
    "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath", "marker", "linearGradient",
    "radialGradient", "stop", "clipPath", "mask", "pattern", "image", "filter", "style", "view",
} | _FILTER_PRIMITIVES
ATTRIBUTES = {
    # structure and accessibility
    "id", "class", "style", "lang", "role", "tabindex", "focusable", "version", "baseProfile",
    "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "transform", "systemLanguage",
    "requiredExtensions", "type", "media",
    # geometry
    "d", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "points",
    "pathLength", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method",
    "spacing", "side",
    # painting
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-dasharray",
    "stroke-dashoffset", "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "opacity", "color", "display", "visibility", "overflow", "clip", "clip-path", "clip-rule", "mask",
    "filter", "marker-start", "marker-mid", "marker-end", "paint-order", "vector-effect",
    "shape-rendering", "text-rendering", "image-rendering", "color-interpolation",
    "color-interpolation-filters", "mix-blend-mode", "isolation", "stop-color", "stop-opacity",
    "flood-color", "flood-opacity", "lighting-color", "enable-background",
    # text
    "font-family", "font-size", "font-size-adjust", "font-stretch", "font-style", "font-variant",
    "font-weight", "text-anchor", "text-decoration", "letter-spacing", "word-spacing",
    "writing-mode", "direction", "unicode-bidi", "dominant-baseline", "alignment-baseline",
    "baseline-shift", "white-space",
    # gradients, patterns, markers, masks, clip paths
    "gradientUnits", "gradientTransform", "spreadMethod", "offset", "patternUnits",
    "patternContentUnits", "patternTransform", "markerWidth", "markerHeight", "markerUnits", "refX",
    "refY", "orient", "maskUnits", "maskContentUnits", "clipPathUnits",
    # filters
    "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "edgeMode", "mode",
    "operator", "k1", "k2", "k3", "k4", "values", "tableValues", "slope", "intercept", "amplitude",
    "exponent", "order", "kernelMatrix", "divisor", "bias", "targetX", "targetY", "preserveAlpha",
    "baseFrequency", "numOctaves", "seed", "stitchTiles", "scale", "xChannelSelector",
    "yChannelSelector", "radius", "azimuth", "elevation", "pointsAtX", "pointsAtY", "pointsAtZ",
    "specularExponent", "specularConstant", "diffuseConstant", "surfaceScale", "limitingConeAngle",
    "kernelUnitLength",
    # links
    "href",
}
_NAMESPACED = {f"{{{XLINK_NS}}}href": "xlink:href", f"{{{XLINK_NS}}}title": "xlink:title",
               f"{{{XML_NS}}}space": "xml:space", f"{{{XML_NS}}}lang": "xml:lang"}
_REFERENCE_ONLY = {"use", "textPath", "linearGradient", "radialGradient", "pattern", "filter"}
_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.I)
_LINK = re.compile(r"^(?:https?://|mailto:)", re.I)
_FUNCTION = re.compile(r"([a-zA-Z-]*)\s*\(\s*([^()]*)\)")
_SAFE_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "translate",
                   "translatex", "translatey", "scale", "scalex", "scaley", "rotate", "matrix", "skewx",
                   "skewy", "calc", "var", "min", "max", "clamp", "blur", "drop-shadow", "brightness",
                   "contrast", "grayscale", "hue-rotate", "invert", "saturate", "sepia"}
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


class SvgRefused(ValueError):
    """The file cannot be published as SVG; the message says why."""


def clean_svg_file(data: bytes) -> bytes:
    """The SVG file `data`, rebuilt from the allowlist; SvgRefused when it is not an
    SVG document that parses safely."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise SvgRefused(f"declares XML entities or external resources ({type(exc).__name__})") from None
    except (ET.ParseError, ValueError) as exc:
        raise SvgRefused(f"is not well-formed XML ({exc})") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise SvgRefused("is not an SVG document (its root element is not <svg> in the SVG namespace)")
    _clean_element(root)
    _plain_names(root)
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


def _local(tag: str) -> str | None:
    """The local name of an element in the SVG namespace; None for any other."""
    prefix = f"{{{SVG_NS}}}"
    return tag[len(prefix):] if isinstance(tag, str) and tag.startswith(prefix) else None


def _clean_element(element: ET.Element) -> None:
    name = _local(element.tag) or ""
    for key in list(element.attrib):
        value = _attribute(name, key, element.attrib[key])
        if value is None:
            del element.attrib[key]
        else:
            element.attrib[key] = value
    if name == "style":
        sheet = "".join(element.itertext())
        del element[:]
        element.text = sheet if safe_css(sheet) else ""
        return
    for child in list(element):
        if _local(child.tag) not in ELEMENTS:
            _remove_keeping_tail(element, child)
        else:
            _clean_element(child)


def _remove_keeping_tail(parent: ET.Element, child: ET.Element) -> None:
    """Remove `child`, keeping the text that follows it."""
    tail = child.tail or ""
    if tail:
        children = list(parent)
        index = children.index(child)
        if index > 0:
            previous = children[index - 1]
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(child)


def _attribute(element: str, key: str, value: str) -> str | None:
    """The value to keep for attribute `key` of `element`, or None to drop it."""
    if key.startswith("{"):
        name = _NAMESPACED.get(key)
        if name is None:
            return None
        if name != "xlink:href":
            return value
        key = "href"
    elif key not in ATTRIBUTES or key.lower().startswith("on"):
        return None
    if key == "href":
        return _href(element, value)
    if key == "style":
        return value if safe_css(value) else None
    if "(" in value or "\\" in value or "@" in value:
        return value if safe_css(value) else None
    return value


def _href(element: str, value: str) -> str | None:
    url = _CONTROL.sub("", value)
    if url.startswith("#") and len(url) > 1:
        return value
    if element == "image" and _DATA_IMAGE.match(value.strip()):
        return value.strip()
    if element == "a" and _LINK.match(url) and "\\" not in url:
        return url
    return None


def safe_css(text: str) -> bool:
    """True when CSS text (a declaration list or a sheet) can load nothing: no at-rule,
    no escape, no comment hiding one, and every function call harmless (`url()` only
    of `#id` in the same document)."""
    if "@" in text or "\\" in text or "/*" in text or "<" in text:
        return False
    rest = text
    for _ in range(1000):
        match = _FUNCTION.search(rest)
        if not match:
            break
        name, arg = match.group(1).lower(), match.group(2).strip().strip("'\"").strip()
        if name == "url":
            if not arg.startswith("#"):
                return False
        elif name not in _SAFE_FUNCTIONS:
            return False
        rest = rest[:match.start()] + rest[match.end():]
    return "(" not in rest and ")" not in rest


def _plain_names(root: ET.Element) -> None:
    """Write names as SVG files spell them ('svg', 'xlink:href'), with both namespaces
    declared on the root."""
    for element in root.iter():
        local = _local(element.tag)
        if local is not None:
            element.tag = local
        for key in list(element.attrib):
            if key in _NAMESPACED:
                element.attrib[_NAMESPACED[key]] = element.attrib.pop(key)
    root.set("xmlns", SVG_NS)
    root.set("xmlns:xlink", XLINK_NS)
