"""The one YAML loader and dumper: front matter, data files, settings and imports.

Every YAML text adrkit reads or writes goes through here, so the rules hold at every
edge:

- dates stay text (no datetime objects), and date-like text that is not a real date
  (`2023-13-10`) is quoted on the way out, so any YAML reader loads it back;
- a key written twice in one mapping is refused, naming both lines (last-wins would
  drop the first value on the next rewrite);
- alias expansion is bounded, in values and in characters: a crafted file cannot make
  one small text into a huge structure (or a cycle) that later exhausts memory when it
  is walked or encoded (the site's cache JSON-encodes front matter);
- multi-line text is written as a literal block (quoted when a line would end front
  matter), unicode is kept and key order is the order given.

Errors are `FormatError`s naming the file and the line.
"""
from __future__ import annotations

import datetime
import re
from typing import Any

import yaml

from adrkit.core.errors import FormatError

__all__ = ["load", "dump", "parse_front_matter", "dump_front_matter", "has_comment", "MAX_NODES", "MAX_CHARS"]

MAX_NODES = 200_000  # values in a document once every alias is expanded
MAX_CHARS = 20_000_000  # characters of text once every alias is expanded (or 10 x the text)

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_RESOLVERS = {k: [(tag, rx) for tag, rx in v if tag != _TIMESTAMP]
              for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


class _DuplicateKey(yaml.MarkedYAMLError):
    """A key written twice in one mapping; lines are 0-based in the YAML text."""

    def __init__(self, key: Any, first: int, second: int, mark: Any):
        super().__init__(None, None, f"key '{key}' is written twice", mark)
        self.key, self.first, self.second = key, first, second


_MERGE = "tag:yaml.org,2002:merge"


class _Loader(_BaseLoader):
    """Safe loader: dates as text, duplicate keys refused (a merge key `<<` may still
    be overridden, as YAML defines)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:
                    continue
                if first is not key_node:
                    raise _DuplicateKey(key, first.start_mark.line, key_node.start_mark.line,
                                        key_node.start_mark)
            self.flatten_mapping(node)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = _RESOLVERS
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)


class _Dumper(_BaseDumper):
    """Safe dumper: dates plain, invalid dates quoted, multi-line text as blocks."""


_Dumper.yaml_implicit_resolvers = _RESOLVERS
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ].*)?$")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        # a line holding only '---' or '...' would end front matter early
        fence = any(line.strip() in ("---", "...") for line in value.split("\n"))
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if fence else "|")
    if _DATE_LIKE.match(value):
        try:
            datetime.date.fromisoformat(value[:10])
        except ValueError:
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _represent_str)


def _expanded_size(value: Any, limit: int, char_limit: int | None = None) -> int:
    """How many values `value` holds once aliases are expanded; raises ValueError when
    over `limit` values or `char_limit` characters of text (a long string repeated
    through aliases is as large as its copies), or when an alias refers to itself."""
    sizes: dict[int, tuple[int, int]] = {}
    busy: set[int] = set()
    chars_limit = char_limit if char_limit is not None else MAX_CHARS

    def size(obj: Any) -> tuple[int, int]:
        if not isinstance(obj, (dict, list)):
            return 1, len(obj) if isinstance(obj, str) else 1
        key = id(obj)
        if key in sizes:
            return sizes[key]
        if key in busy:
            raise ValueError("an alias refers to the value that holds it")
        busy.add(key)
        items = list(obj.keys()) + list(obj.values()) if isinstance(obj, dict) else obj
        total, chars = 1, 0
        for item in items:
            n, c = size(item)
            total, chars = total + n, chars + c
            if total > limit:
                raise ValueError(f"it expands to more than {limit:,} values through aliases")
            if chars > chars_limit:
                raise ValueError(f"it expands to more than {chars_limit:,} characters through aliases")
        busy.discard(key)
        sizes[key] = (total, chars)
        return total, chars

    return size(value)[0]


def load(text: str, *, path: Any = None, what: str = "", line_offset: int = 0,
         fix: str = "fix the YAML (quote values that contain ': ' or start with '[')") -> Any:
    """Parse one YAML document safely; FormatError names the file and the line."""
    label = f"{what} " if what else ""
    try:
        data = yaml.load(text, Loader=_Loader)
    except _DuplicateKey as exc:
        first, second = exc.first + 1 + line_offset, exc.second + 1 + line_offset
        lines = f"on line {first}" if first == second else f"on lines {first} and {second}"
        raise FormatError(f"{label}writes the key '{exc.key}' twice, {lines}".strip(),
                          path=path, where=f"{label}line {second}".strip(),
                          fix="keep one of them (a second value would silently replace the first)")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{label}line {mark.line + 1 + line_offset}" if mark else (what or None)
        context = getattr(exc, "context_mark", None)
        if mark and context and context.line != mark.line:
            where += f", opened on line {context.line + 1 + line_offset}"
        problem = getattr(exc, "problem", None) or "is not valid YAML"
        raise FormatError(f"{label}does not parse as YAML: {problem}".strip(), path=path, where=where, fix=fix)
    except RecursionError:
        raise FormatError(f"{label}is nested too deeply to read".strip(), path=path, where=what or None,
                          fix="flatten the YAML")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a '\ud800' escape in notebook JSON
        raise FormatError(f"{label}holds text that is not Unicode (a lone surrogate)".strip(), path=path,
                          where=what or None, fix="remove the character from the text")
    try:
        _expanded_size(data, MAX_NODES, max(MAX_CHARS, 10 * len(text)))
    except ValueError as exc:
        raise FormatError(f"{label}is refused: {exc}".strip(), path=path, where=what or None,
                          fix="write the values out instead of repeating them through aliases")
    except RecursionError:
        raise FormatError(f"{label}is nested too deeply to read".strip(), path=path, where=what or None,
                          fix="flatten the YAML")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a '\ud800' escape in notebook JSON
        raise FormatError(f"{label}holds text that is not Unicode (a lone surrogate)".strip(), path=path,
                          where=what or None, fix="remove the character from the text")
    return data


def dump(data: Any, *, width: int = 1000) -> str:
    """YAML text in block style, keys in the given order, unicode kept."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=width)


def parse_front_matter(text: str, *, path: Any = None, line_offset: int = 0) -> dict[str, Any]:
    """Parse YAML front matter between '---' lines (the fences are optional)."""
    body = text.strip("\n")
    lines = body.splitlines()
    first = 0
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
        except StopIteration:
            raise FormatError("front matter has no closing '---'", path=path,
                              where=f"line {line_offset + len(lines)}",
                              fix="end the front matter with a line holding only '---'")
        body = "\n".join(lines[1:end])
        first = 1
    data = load(body, path=path, what="front matter", line_offset=first + line_offset)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FormatError("front matter is not a mapping of keys", path=path,
                          where="front matter", fix="write 'key: value' lines between '---'")
    return data


def dump_front_matter(data: dict[str, Any]) -> str:
    """YAML front matter with its fences."""
    return f"---\n{dump(data)}---"


def has_comment(text: str) -> bool | None:
    """Whether YAML text holds a comment: a '#' at the start of a line or after a space,
    outside every value (a '#' inside a quoted or block text is not one). None when
    the text does not scan as YAML."""
    try:
        spans = [(t.start_mark.index, t.end_mark.index) for t in yaml.scan(text)
                 if isinstance(t, yaml.ScalarToken)]
    except yaml.YAMLError:
        return None
    for m in re.finditer(r"(?:^|(?<=[ \t]))#", text, re.M):
        if not any(start <= m.start() < end for start, end in spans):
            return True
    return False
