"""Which characters of a record's text every output may carry, in one place.

Text from a notebook, its front matter, a data file or a file name can hold anything
Python strings can: control characters (U+0000-U+001F, U+007F-U+009F), lone
surrogates (from a JSON `\\ud800` escape or an undecodable file name), noncharacters
(U+FDD0-U+FDEF and U+xFFFE/U+xFFFF) and the bidirectional embeddings, overrides and
isolates that make text read differently from how it is stored (U+202A-U+202E,
U+2066-U+2069). Every output applies the rule that fits it:

- `clean_text`: drop what is not text (controls except tab and newline, surrogates,
  noncharacters). XML 1.0 refuses them even as character references, Graphviz refuses
  the whole drawing for one, UTF-8 cannot encode a surrogate, an HTML parser mangles
  them. Used for HTML pages, the Atom feed, JSON and DOT.
- `reveal_bidi`: replace each bidirectional control by a visible `[U+202E]`, as code
  review tools do, so a title or name shows the order it is stored in.
- `display_text`: both, for text a reader sees.
- `terminal_text`: every control, surrogate, noncharacter and bidirectional control
  written as a `\\x1b` / `\\u202e` escape, for messages printed to a terminal (a link
  target must not clear the screen or set the window title).
- `class_token`: a value used in a CSS class name, reduced to one token.
"""
from __future__ import annotations

import re
from typing import Any, Callable

__all__ = ["BIDI_CONTROLS", "is_text", "clean_text", "map_strings", "reveal_bidi", "display_text", "terminal_text",
           "class_token"]

# Embeddings, overrides and isolates, and the pop characters that end them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                       "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
                       "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
                       "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
                       "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]")
# The same in parts, for speed: a class with the astral noncharacters in it is checked
# slowly against every character, so they are looked for only in text that has astral ones.
_ASCII_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_BMP_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_NOT_TEXT = re.compile("[" + "".join(chr(plane << 16 | low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF)) + "]")
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
_TERMINAL = re.compile("[\t\n" + _NOT_TEXT.pattern[1:-1] + "".join(sorted(BIDI_CONTROLS)) + "]")
_TOKEN = re.compile(r"[^a-z0-9_-]+")


def is_text(ch: str) -> bool:
    """False for a control character (tab and newline included), a surrogate or a
    noncharacter."""
    return ch not in "\t\n" and _NOT_TEXT.match(ch) is None


def clean_text(text: Any, *, newlines: bool = True) -> str:
    """`text` without controls (tab and newline kept; with `newlines=False` both are
    dropped), surrogates and noncharacters."""
    raw = "" if text is None else str(text)
    if raw.isascii():  # the common case, checked in constant time: no surrogate, noncharacter or bidi here
        out = _ASCII_NOT_TEXT.sub("", raw) if _ASCII_NOT_TEXT.search(raw) else raw
    else:
        out = _BMP_NOT_TEXT.sub("", raw) if _BMP_NOT_TEXT.search(raw) else raw
        if any(ord(m.group()) & 0xFFFE == 0xFFFE for m in _ASTRAL.finditer(out)):
            out = _ASTRAL_NOT_TEXT.sub("", out)
    if not newlines:
        out = out.replace("\t", "").replace("\n", "")
    return out


def map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    """JSON-shaped `value` with `fn` applied to every string, keys included."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {fn(str(k)): map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [map_strings(v, fn) for v in value]
    return value


def reveal_bidi(text: str) -> str:
    """Each bidirectional embedding, override or isolate replaced by `[U+XXXX]`."""
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def display_text(text: Any) -> str:
    """Text as a reader is shown it: `clean_text`, then `reveal_bidi`."""
    out = clean_text(text)
    return out if out.isascii() else reveal_bidi(out)


def terminal_text(text: Any, *, newlines: bool = False) -> str:
    """`text` safe to print to a terminal: controls (tab, and newline unless
    `newlines`), surrogates, noncharacters and bidirectional controls become backslash
    escapes."""
    raw = "" if text is None else str(text)
    if newlines:
        return "\n".join(_TERMINAL.sub(_escape, line) for line in raw.split("\n"))
    return _TERMINAL.sub(_escape, raw)


def _escape(match: re.Match[str]) -> str:
    cp = ord(match.group())
    if cp == 0x0A:
        return "\\n"
    if cp == 0x09:
        return "\\t"
    return f"\\x{cp:02x}" if cp <= 0xFF else (f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}")


def class_token(value: Any, default: str = "other") -> str:
    """`value` as one CSS class token: lower case letters, digits, '-' and '_' (runs of
    anything else become '-'), or `default` when nothing is left."""
    token = _TOKEN.sub("-", str(value or "").lower()).strip("-")
    return token or default
