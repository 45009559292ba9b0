"""The JSON Schemas adrkit ships for the files it writes: a decision's front matter,
its data file (`NNNN-slug.yaml`) and a site's `decisions.json`.

The schemas are package data in `adrkit/formats/schemas/`, one file per name;
`adrkit schema NAME` prints one, editors validate with them, portals that read
`decisions.json` check against them. YAML is validated as the JSON it maps to.
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

from adrkit.core.errors import UsageError

__all__ = ["SCHEMA_NAMES", "schema_text", "load_schema"]

# name -> (file in adrkit/formats/schemas, what it describes)
SCHEMA_NAMES = {
    "front-matter": ("front-matter.schema.json", "the YAML front matter of a decision notebook"),
    "data": ("data.schema.json", "a decision's data file, NNNN-slug.yaml (trade-offs, lifecycles)"),
    "decisions": ("decisions.schema.json", "decisions.json of a published site"),
}


def schema_text(name: str) -> str:
    """The schema's JSON text, as shipped."""
    try:
        file, _ = SCHEMA_NAMES[name]
    except KeyError:
        raise UsageError(f"no schema named '{name}'", fix="use one of " + ", ".join(SCHEMA_NAMES))
    return resources.files("adrkit.formats").joinpath("schemas", file).read_text(encoding="utf-8")


def load_schema(name: str) -> dict[str, Any]:
    return json.loads(schema_text(name))
