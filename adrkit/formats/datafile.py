"""The structured data beside a decision notebook, `NNNN-slug.yaml`, as text.

Trade-off tables and request lifecycles are data, not prose. They live in a plain
YAML file next to the notebook, keyed by kind and name:

    tradeoffs:
      main: {...}          # adrkit.core.tradeoff.Tradeoff.to_dict()
    lifecycles:
      main: {...}          # adrkit.core.requestflow.Lifecycle.to_dict()

This module turns that text into a dict and back; reading and writing the file, with
change detection, is `adrkit.storage.datafile`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from adrkit.core.errors import FormatError
from adrkit.formats import yamlio

__all__ = ["KINDS", "parse_data", "dump_data"]

KINDS = ("tradeoffs", "lifecycles")
_HEADER = "# Structured data of {stem}: trade-off tables and request lifecycles.\n" \
          "# Edited by the adrkit widgets; safe to edit by hand (keep it valid YAML).\n"


def parse_data(raw: bytes, path: str | Path | None = None) -> dict[str, Any]:
    """The data file's bytes as a dict, checked for the top-level shape."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("is not UTF-8 text", path=path, fix="restore it from version control")
    data = yamlio.load(text, path=path, fix="fix the YAML (or restore it from version control)")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FormatError("is not a mapping", path=path, fix="start it with 'tradeoffs:' or 'lifecycles:'")
    for kind in KINDS:
        if kind in data and data[kind] is not None and not isinstance(data[kind], dict):
            raise FormatError(f"'{kind}' must map names to tables", path=path, where=kind,
                              fix=f"write '{kind}:' then '  main:' and the fields under it")
    return data


def dump_data(data: dict[str, Any], stem: str) -> str:
    """The data file's text: a header naming the record, then the kinds in order."""
    ordered = {k: data[k] for k in KINDS if data.get(k)}
    ordered.update({k: v for k, v in data.items() if k not in KINDS})
    body = yamlio.dump(ordered, width=100) if ordered else "{}\n"
    return _HEADER.format(stem=stem) + body
