"""The project's settings, `.adrkit.yaml`: where the decisions are, the default
template, and how the site looks (`site:` title, logo, out, guides, include, and
`max_output_size`, the largest notebook output the site publishes: a number of bytes
or a size such as `5 MB`, `512 KiB`; default 5 MB).

A project keeps one decision log (`decisions: decisions`) or several (`logs:`, each
with a name: the packages of a monorepo, or other repositories checked out beside),
published together in one site:

    decisions: decisions              # the log new records go to (one of `logs`)
    logs:
      platform: decisions
      payments: services/payments/decisions
      identity: {path: ../identity/docs/decisions, title: Identity team}
    site:
      include: [../partner/site/decisions.json]   # another team's published decisions

A log's name is a short lower-case word: it names the log's folder in the site and the
prefix of a cross-log reference (`payments:0007`).
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adrkit.core.errors import FormatError
from adrkit.formats import yamlio

__all__ = ["CONFIG_NAME", "DEFAULT_DIR", "Config", "LogSpec", "find_config", "RESERVED_LOG_NAMES",
           "LOG_NAME"]

CONFIG_NAME = ".adrkit.yaml"
DEFAULT_DIR = "decisions"
# A log's name: a folder of the site and the prefix of a cross-log reference.
LOG_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# Folders of the site a log's pages may not take.
RESERVED_LOG_NAMES = frozenset({"assets", "guides", "files", "search"})


@dataclass(frozen=True)
class LogSpec:
    """One decision log of the project: its name and folder (relative to the project
    root; a log of another repository checked out beside may climb out with '..')."""

    name: str
    folder: str
    title: str = ""


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
    site_include: list[str] = field(default_factory=list)
    logs: list[LogSpec] = field(default_factory=list)  # as written; empty: one log, `decisions`
    site_max_output: int = DEFAULT_MAX_OUTPUT
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.root / CONFIG_NAME

    def all_logs(self) -> list[LogSpec]:
        """Every log of the project, in the order written (one, named after its folder,
        when the settings list none)."""
        if self.logs:
            return list(self.logs)
        return [LogSpec(default_log_name(self.decisions), self.decisions)]

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
        logs = _logs(data.get("logs"), path)
        default = str(data.get("decisions") or (logs[0].folder if logs else DEFAULT_DIR))
        if logs and posixpath.normpath(default) not in {posixpath.normpath(s.folder) for s in logs}:
            raise FormatError(f"'decisions: {default}' is not one of the folders under 'logs'", path=path,
                              where="decisions", fix="name the folder of one of the logs, where new "
                              "decisions go, or remove 'decisions'")
        known = {"decisions", "template", "site", "logs"}
        return cls(root=path.parent, decisions=default,
                   template=str(data.get("template") or "madr"),
                   site_title=str(site.get("title") or cls.site_title),
                   site_logo=site.get("logo"), site_out=str(site.get("out") or "site"),
                   site_guides=_guides(site.get("guides"), path),
                   site_include=_includes(site.get("include"), path), logs=logs,
                   site_max_output=_size(site.get("max_output_size"), path),
                   extra={k: v for k, v in data.items() if k not in known})

    def dump(self) -> str:
        data: dict[str, Any] = {"decisions": self.decisions, "template": self.template,
                                "site": {"title": self.site_title, "out": self.site_out}}
        if self.site_logo:
            data["site"]["logo"] = self.site_logo
        if self.site_guides:
            data["site"]["guides"] = list(self.site_guides)
        if self.site_include:
            data["site"]["include"] = list(self.site_include)
        if self.logs:
            data["logs"] = {spec.name: ({"path": spec.folder, "title": spec.title} if spec.title
                                        else spec.folder) for spec in self.logs}
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


def default_log_name(folder: str) -> str:
    """The name of a project's only log: its folder's name, as a log name."""
    name = re.sub(r"[^a-z0-9_-]+", "-", Path(folder).name.lower()).strip("-_")
    return name[:40] if name and LOG_NAME.match(name[:40]) else "decisions"


_LOGS_FIX = ("write 'logs:' then indented 'NAME: FOLDER' lines, e.g. 'payments: services/payments/decisions' "
             "(names: lower-case letters, digits, '-' and '_')")


def _logs(value: Any, path: Path) -> list[LogSpec]:
    """`logs`: a mapping of name to folder (or to {path, title}); a list of
    {name, path, title} is read too."""
    if value is None:
        return []
    if isinstance(value, list):
        items = []
        for item in value:
            if not isinstance(item, dict) or "name" not in item:
                raise FormatError(f"'logs' holds {item!r}, not a named log", path=path, where="logs", fix=_LOGS_FIX)
            items.append((item["name"], {k: v for k, v in item.items() if k != "name"}))
    elif isinstance(value, dict):
        items = list(value.items())
    else:
        raise FormatError("'logs' must be a mapping of log names to folders", path=path, where="logs", fix=_LOGS_FIX)
    specs: list[LogSpec] = []
    for name, spec in items:
        name = str(name)
        where = f"logs.{name}"
        if not LOG_NAME.match(name):
            raise FormatError(f"'{name}' is not a log name", path=path, where=where, fix=_LOGS_FIX)
        if name in RESERVED_LOG_NAMES:
            raise FormatError(f"'{name}' is a folder of the site and cannot name a log", path=path,
                              where=where, fix="pick another name than " + ", ".join(sorted(RESERVED_LOG_NAMES)))
        title = ""
        if isinstance(spec, dict):
            title = str(spec.get("title") or "")
            spec = spec.get("path")
        if not isinstance(spec, str) or not spec.strip():
            raise FormatError(f"log '{name}' has no folder", path=path, where=where, fix=_LOGS_FIX)
        folder = Path(spec.strip())
        if folder.is_absolute():
            raise FormatError(f"log '{name}' is given as an absolute path", path=path, where=where,
                              fix="give the folder relative to .adrkit.yaml (a checkout beside it: '../other/decisions')")
        if any(s.name == name for s in specs):
            raise FormatError(f"log '{name}' is listed twice", path=path, where=where, fix="give each log its own name")
        normal = posixpath.normpath(folder.as_posix())
        if any(posixpath.normpath(s.folder) == normal for s in specs):
            raise FormatError(f"folder '{spec}' is listed under two names", path=path, where=where,
                              fix="list each folder once")
        specs.append(LogSpec(name, folder.as_posix(), title))
    return specs


def _includes(value: Any, path: Path) -> list[str]:
    """`site.include`: decisions.json files (paths relative to the project root, or URLs)
    of other sites, listed in this site's index and search."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FormatError("'site.include' must be a list of decisions.json paths or URLs", path=path,
                          where="site.include", fix="write 'include:' then indented '- ../other/site/decisions.json' lines")
    return [v.strip() for v in value]


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
