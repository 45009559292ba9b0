"""The project's settings, `.adrkit.yaml`: where the decisions are, the default
template, and how the site looks (`site:` title, logo, out, guides, and
`max_output_size`, the largest notebook output the site publishes: a number of bytes
or a size such as `5 MB`, `512 KiB`; default 5 MB).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adrkit.core.errors import FormatError
from adrkit.formats import yamlio

__all__ = ["CONFIG_NAME", "DEFAULT_DIR", "Config", "find_config"]

CONFIG_NAME = ".adrkit.yaml"
DEFAULT_DIR = "decisions"
DEFAULT_MAX_OUTPUT = 5_000_000
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2,
          "g": 1000**3, "gb": 1000**3, "gib": 1024**3}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.I)


@dataclass
class Config:
    """What `.adrkit.yaml` says: where the decisions are and how the site looks."""

    root: Path
    decisions: str = DEFAULT_DIR
    template: str = "madr"
    site_title: str = "Architecture decisions"
    site_logo: str | None = None
    site_out: str = "site"
    site_guides: list[str] = field(default_factory=list)
    site_max_output: int = DEFAULT_MAX_OUTPUT
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.root / CONFIG_NAME

    @classmethod
    def load(cls, path: Path) -> "Config":
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise FormatError("is not UTF-8 text", path=path, fix="save it as UTF-8")
        except IsADirectoryError:
            raise FormatError("is a folder, not a settings file", path=path,
                              fix="remove it, then run 'adrkit init'")
        data = yamlio.load(text, path=path, fix="fix the YAML or run 'adrkit init' again") or {}
        if not isinstance(data, dict):
            raise FormatError("is not a mapping of keys", path=path, fix="write 'decisions: decisions'")
        site = data.get("site") or {}
        if not isinstance(site, dict):
            raise FormatError("'site' must be a mapping", path=path, where="site",
                              fix="write 'site:' then indented 'title: ...' and 'logo: ...'")
        decisions = Path(str(data.get("decisions") or DEFAULT_DIR))
        if decisions.is_absolute() or ".." in decisions.parts:
            raise FormatError(f"'decisions: {decisions}' points outside the project", path=path,
                              where="decisions", fix="give a folder inside the project, e.g. 'decisions'")
        known = {"decisions", "template", "site"}
        return cls(root=path.parent, decisions=str(data.get("decisions") or DEFAULT_DIR),
                   template=str(data.get("template") or "madr"),
                   site_title=str(site.get("title") or cls.site_title),
                   site_logo=site.get("logo"), site_out=str(site.get("out") or "site"),
                   site_guides=_guides(site.get("guides"), path),
                   site_max_output=_size(site.get("max_output_size"), path),
                   extra={k: v for k, v in data.items() if k not in known})

    def dump(self) -> str:
        data: dict[str, Any] = {"decisions": self.decisions, "template": self.template,
                                "site": {"title": self.site_title, "out": self.site_out}}
        if self.site_logo:
            data["site"]["logo"] = self.site_logo
        if self.site_guides:
            data["site"]["guides"] = list(self.site_guides)
        if self.site_max_output != DEFAULT_MAX_OUTPUT:
            data["site"]["max_output_size"] = self.site_max_output
        data.update(self.extra)
        return "# adrkit decision log settings\n" + yamlio.dump(data)


def _guides(value: Any, path: Path) -> list[str]:
    """`site.guides`: a list of folders inside the project (a single folder is accepted
    as a one-item list)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    fix = "write 'guides:' then indented '- notebooks' lines, folders relative to this file"
    if not isinstance(value, list):
        raise FormatError("'site.guides' must be a list of folders", path=path, where="site.guides", fix=fix)
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise FormatError(f"'site.guides' holds {item!r}, not a folder name", path=path,
                              where="site.guides", fix=fix)
        folder = Path(item.strip())
        if folder.is_absolute() or ".." in folder.parts:
            raise FormatError(f"'site.guides: {item}' points outside the project", path=path,
                              where="site.guides", fix="give a folder inside the project, e.g. 'notebooks'")
        out.append(folder.as_posix())
    return out


def _size(value: Any, path: Path) -> int:
    """`site.max_output_size`: bytes, as a number or a size with a unit (`5 MB`)."""
    if value is None:
        return DEFAULT_MAX_OUTPUT
    match = _SIZE.match(str(value)) if not isinstance(value, bool) else None
    unit = match.group(2).lower() if match else ""
    if not match or unit not in _UNITS or float(match.group(1)) * _UNITS[unit] < 1:
        raise FormatError(f"'site.max_output_size: {value}' is not a size", path=path,
                          where="site.max_output_size",
                          fix="give a number of bytes or a size such as '5 MB' or '512 KiB'")
    return int(float(match.group(1)) * _UNITS[unit])


def find_config(start: Path) -> Config | None:
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return Config.load(candidate)
    return None
