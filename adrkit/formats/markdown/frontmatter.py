"""Front matter at the top of a markdown record: YAML between `---` lines (Jekyll,
MADR, Docusaurus, just-the-docs) or TOML between `+++` lines (Hugo, Zola), read
leniently.

`split_front_matter` finds the block and keeps its exact text; `read_front_matter`
parses it. When the whole block does not parse (`category:Web`, an unclosed quote,
a key written twice), each top-level `key: value` line is read on its own, the lines
that still do not parse are reported by number, and the block's text is kept as
written either way. Values such as `status: {accepted}` (a template's placeholder
braces left in) are read as the word inside.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from adrkit.core.errors import FormatError
from adrkit.formats.yamlio import load as load_yaml

__all__ = ["FrontMatter", "split_front_matter", "read_front_matter", "scalar_text", "names_of"]


@dataclass
class FrontMatter:
    """A record's front matter: `kind` ('yaml' or 'toml'), `block` (the text with its
    fences, line ends as in the file), `data` (what could be read), `problems` (one
    line each, naming the line of the file), `complete` (the whole block parsed)."""

    kind: str
    block: str
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    complete: bool = True

    @property
    def inner(self) -> str:
        """The text between the fences (without the line end before the closing one)."""
        first = re.match(r"[^\r\n]*(\r\n|\r|\n)", self.block)
        start = first.end() if first else len(self.block)
        end = max(self.block.rfind("\n"), self.block.rfind("\r"))
        if end < start:
            return ""
        inner = self.block[start:end + 1]
        return inner[:-2] if inner.endswith("\r\n") else inner[:-1]

    @property
    def fences(self) -> tuple[str, str]:
        lines = re.split(r"\r\n|\r|\n", self.block)
        return lines[0], lines[-1]


_FENCES = {"---": ("yaml", ("---", "...")), "+++": ("toml", ("+++",))}


def split_front_matter(lines: list[str]) -> tuple[str, str, int] | None:
    """(kind, block text, number of lines) when `lines` (with their line ends) open
    with front matter closed by its fence; None otherwise (an unclosed `---` is a
    thematic break, not front matter)."""
    if not lines:
        return None
    first = lines[0].rstrip("\r\n").rstrip()
    if first not in _FENCES:
        return None
    kind, closers = _FENCES[first]
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n").rstrip() in closers:
            return kind, "".join(lines[:i]) + lines[i].rstrip("\r\n"), i + 1
    return None


def read_front_matter(kind: str, block: str, *, path: Any = None) -> FrontMatter:
    fm = FrontMatter(kind, block)
    inner = fm.inner
    try:
        data = _load_toml(inner) if kind == "toml" else load_yaml(inner.replace("\r\n", "\n"), path=path,
                                                                   what="front matter", line_offset=1)
    except (FormatError, ValueError) as exc:
        fm.complete = False
        why = str(getattr(exc, "message", exc))
        if getattr(exc, "where", None):
            why += f" ({exc.where})"
        fm.data, fm.problems = _line_by_line(kind, inner, why)
        return fm
    if data is None:
        data = {}
    if not isinstance(data, dict):
        fm.complete = False
        fm.problems.append(f"front matter is a {type(data).__name__}, not 'key: value' lines; kept as written")
        data = {}
    fm.data = data
    return fm


def _load_toml(text: str) -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(text.replace("\r\n", "\n"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"does not parse as TOML: {exc}")


_YAML_KEY = re.compile(r"^(?P<key>[^\s#:'\"\[\]{}-][^:]*?)\s*:(?P<rest>.*)$")
_TOML_KEY = re.compile(r"^(?P<key>[A-Za-z0-9_.-]+|\"[^\"]*\")\s*=\s*(?P<rest>.*)$")


def _line_by_line(kind: str, inner: str, why: str) -> tuple[dict[str, Any], list[str]]:
    """What each top-level line says on its own, and a problem per line that says
    nothing readable. Indented lines belong to the key above them."""
    data: dict[str, Any] = {}
    problems: list[str] = []
    lines = inner.replace("\r\n", "\n").split("\n")
    groups: list[tuple[int, list[str]]] = []
    for n, line in enumerate(lines, start=2):  # line 1 of the file is the fence
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[:1] in (" ", "\t") and groups:
            groups[-1][1].append(line)
            continue
        groups.append((n, [line]))
    for n, group in groups:
        value = _one_entry(kind, group)
        if value is None:
            problems.append(f"front matter line {n} '{group[0].strip()[:60]}' is not "
                            f"{'TOML' if kind == 'toml' else 'YAML'}; kept as written")
            continue
        key, item = value
        if key in data:
            problems.append(f"front matter line {n}: key '{key}' is written twice; the first is used")
            continue
        data[key] = item
    why = re.sub(r"^front matter\s+", "", why)
    if problems:  # the lines are named: the parser's own position (often the line after) would confuse
        why = re.sub(r"\s*\([^()]*line \d+[^()]*\)$", "", why)
        why = why.split(":", 1)[0] if why.startswith("does not parse as") else why
    problems.insert(0, f"front matter {why}; read line by line, kept as written")
    return data, problems


def _one_entry(kind: str, group: list[str]) -> tuple[str, Any] | None:
    text = "\n".join(group)
    if kind == "toml":
        m = _TOML_KEY.match(group[0])
        if not m:
            return None
        try:
            data = _load_toml(text)
        except ValueError:
            return None
        return (next(iter(data.items())) if len(data) == 1 else None)
    m = _YAML_KEY.match(group[0])
    if not m or not m.group("rest")[:1] in ("", " ", "\t"):
        return None
    try:
        data = load_yaml(text)
    except FormatError:
        return None
    if isinstance(data, dict) and len(data) == 1:
        key, value = next(iter(data.items()))
        return str(key), value
    return None


_SCALARS = (str, int, float, bool)


def scalar_text(value: Any) -> str | None:
    """A front matter value as one line of text: `{accepted}` and `[accepted]` (a
    placeholder or a one-item list) as 'accepted'; None for nothing or for a structure."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, _SCALARS):
        return str(value).strip()
    if isinstance(value, dict) and len(value) == 1:
        key, inner = next(iter(value.items()))
        if inner is None and isinstance(key, _SCALARS):
            return str(key).strip()
    if isinstance(value, list) and len(value) == 1:
        return scalar_text(value[0])
    return None


def names_of(value: Any) -> list[str] | None:
    """A list of names from a list, a comma/semicolon separated text, or one name;
    None when the value is a structure that is not a list of names."""
    if value is None:
        return []
    if isinstance(value, list):
        out = []
        for item in value:
            text = scalar_text(item)
            if text is None:
                return None
            if text:
                out.append(text)
        return out
    text = scalar_text(value)
    if text is None:
        return None
    return [p.strip() for p in re.split(r"\s*[,;]\s*", text) if p.strip()]
