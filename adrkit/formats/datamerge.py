"""Three-way merge of one entry of a data file, field by field.

Two writers start from the same entry (the *base*: what one editor last read or wrote)
and each changes it: *theirs* is what the file holds now, *mine* what the editor wants
to write. `merge3` keeps every change that only one side made and reports a `Conflict`
for each field both sides changed differently. Mappings merge key by key; a list whose
items are all mappings with a distinct `name` (criteria, options, stages) merges item by
item, matched by name, and keeps the order one side gave it; any other value (a number,
a text, a list of exits) is one field.

A conflict can be settled ahead with `prefer`: a field's path mapped to "mine" or
"theirs". `changes` lists how one version differs from another, for messages that say
exactly what a save will take or replace.

Pure: plain dicts and lists in, plain dicts and lists out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

__all__ = ["MISSING", "Path", "Conflict", "Change", "merge3", "changes", "named_list"]

Path = tuple[str, ...]


class _Missing:
    """A value that is not there (a key absent on one side)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Conflict:
    """A field both sides changed, each in its own way."""

    path: Path
    base: Any
    theirs: Any
    mine: Any


@dataclass(frozen=True)
class Change:
    """A field that differs between two versions: `before` and `after` (MISSING when
    the field was added or removed)."""

    path: Path
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is MISSING:
            return "added"
        if self.after is MISSING:
            return "removed"
        return "changed"


def named_list(value: Any) -> bool:
    """A list of mappings that each have a distinct text `name`."""
    if not isinstance(value, list):
        return False
    names = [item.get("name") for item in value if isinstance(item, dict)]
    return (len(names) == len(value) and all(isinstance(n, str) for n in names)
            and len(set(names)) == len(names))


def _by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


def merge3(base: Any, theirs: Any, mine: Any, *, prefer: Mapping[Path, str] | None = None,
           path: Path = ()) -> tuple[Any, list[Conflict]]:
    """The merged value and the conflicts left (each one settled by `prefer` is not one).
    Where a conflict is left, the merged value holds theirs at that path."""
    conflicts: list[Conflict] = []
    merged = _merge(base, theirs, mine, path, prefer or {}, conflicts)
    return merged, conflicts


def _merge(b: Any, t: Any, m: Any, path: Path, prefer: Mapping[Path, str], out: list[Conflict]) -> Any:
    if t == m:
        return t
    if t == b:
        return m
    if m == b:
        return t
    if isinstance(t, dict) and isinstance(m, dict) and isinstance(b, (dict, _Missing)):
        return _merge_dicts(b or {}, t, m, path, prefer, out)
    if named_list(t) and named_list(m) and (b is MISSING or named_list(b)):
        return _merge_named(b or [], t, m, path, prefer, out)
    choice = prefer.get(path)
    if choice == "mine":
        return m
    if choice != "theirs":
        out.append(Conflict(path, b, t, m))
    return t


def _merge_dicts(b: dict, t: dict, m: dict, path: Path, prefer: Mapping[Path, str],
                 out: list[Conflict]) -> dict:
    keys = list(dict.fromkeys([*m, *t, *b]))
    result = {}
    for key in keys:
        value = _merge(b.get(key, MISSING), t.get(key, MISSING), m.get(key, MISSING),
                       (*path, str(key)), prefer, out)
        if value is not MISSING:
            result[key] = value
    # keep the order of the side whose keys are in the order it had
    order = [k for k in m if k in result] + [k for k in t if k in result and k not in m]
    order += [k for k in result if k not in order]
    return {k: result[k] for k in order}


def _merge_named(b: list, t: list, m: list, path: Path, prefer: Mapping[Path, str],
                 out: list[Conflict]) -> list:
    bb, tt, mm = _by_name(b), _by_name(t), _by_name(m)
    names = list(dict.fromkeys([*mm, *tt, *bb]))
    items = {}
    for name in names:
        value = _merge(bb.get(name, MISSING), tt.get(name, MISSING), mm.get(name, MISSING),
                       (*path, name), prefer, out)
        if value is not MISSING:
            items[name] = value
    return [items[n] for n in _merge_order(list(bb), list(tt), list(mm), list(items), path, prefer, out)]


def _merge_order(b: list[str], t: list[str], m: list[str], kept: list[str], path: Path,
                 prefer: Mapping[Path, str], out: list[Conflict]) -> list[str]:
    """The order of the merged items: the side that reordered wins; the items only the
    other side added go in after the item they followed there."""
    common = [n for n in b if n in t and n in m]
    in_b = [n for n in b if n in common]
    in_t = [n for n in t if n in common]
    in_m = [n for n in m if n in common]
    if in_t == in_b or in_t == in_m:
        primary, secondary = m, t
    elif in_m == in_b:
        primary, secondary = t, m
    else:
        at = (*path, "(order)")
        choice = prefer.get(at)
        if choice is None:
            out.append(Conflict(at, in_b, in_t, in_m))
        primary, secondary = (m, t) if choice == "mine" else (t, m)
    order = [n for n in primary if n in kept]
    for i, name in enumerate(secondary):
        if name in order or name not in kept:
            continue
        before = next((p for p in reversed(secondary[:i]) if p in order), None)
        order.insert(order.index(before) + 1 if before is not None else 0, name)
    order += [n for n in kept if n not in order]
    return order


def changes(before: Any, after: Any, path: Path = ()) -> list[Change]:
    """How `after` differs from `before`, down to the fields that changed."""
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[Change] = []
        for key in dict.fromkeys([*before, *after]):
            found += changes(before.get(key, MISSING), after.get(key, MISSING), (*path, str(key)))
        return found
    if named_list(before) and named_list(after):
        bb, aa = _by_name(before), _by_name(after)
        found = []
        for name in dict.fromkeys([*bb, *aa]):
            found += changes(bb.get(name, MISSING), aa.get(name, MISSING), (*path, name))
        common_b = [n for n in bb if n in aa]
        common_a = [n for n in aa if n in bb]
        if common_b != common_a:
            found.append(Change((*path, "(order)"), common_b, common_a))
        return found
    return [Change(path, before, after)]
