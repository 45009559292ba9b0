"""Commands about the tools around adrkit: doctor, schema."""
from __future__ import annotations

import argparse

from adrkit.cli.common import emit_json

__all__ = ["register"]

# program -> (names to look for on PATH, the flag that prints its version, why adrkit wants it)
_PROGRAMS = {
    "chromium": (("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"),
                 "--version", "browser tests and printing the site"),
    "adr-tools": (("adr",), None, "reading logs written by adr-tools"),
    "node": (("node",), "--version", "log4brains and other peer tools"),
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="report the Python, renderer and tools adrkit finds",
                       description="Report the Python and adrkit versions, which diagram renderer "
                                   "draws diagrams (system Graphviz, graphviz-pure, or none), and "
                                   "whether Chromium, adr-tools and Node.js are installed.")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("schema", help="print the JSON Schema of a file adrkit writes",
                       description="Print a JSON Schema: 'front-matter' (a decision notebook's front "
                                   "matter), 'data' (NNNN-slug.yaml, the trade-offs and lifecycles) or "
                                   "'decisions' (decisions.json of a built site). Save one for your "
                                   "editor: adrkit schema data > .vscode/adrkit-data.schema.json")
    p.add_argument("name", nargs="?", metavar="NAME", help="front-matter, data or decisions "
                   "(none: list them)")
    p.set_defaults(func=cmd_schema)


def _program(names: tuple[str, ...], flag: str | None) -> dict[str, str | None]:
    import shutil
    import subprocess

    for name in names:
        path = shutil.which(name)
        if not path:
            continue
        version = None
        if flag:
            try:
                proc = subprocess.run([path, flag], capture_output=True, text=True, errors="replace",
                                      timeout=20)
                lines = (proc.stdout or proc.stderr).strip().splitlines()
                version = lines[0].strip() if lines else None
            except (OSError, subprocess.SubprocessError):
                version = None
        return {"path": path, "version": version}
    return {"path": None, "version": None}


def doctor_report() -> dict:
    """What adrkit finds on this machine, as plain data."""
    import os
    import platform
    import sys

    from adrkit.about import DISTRIBUTION, __version__
    from adrkit.render.graphviz import RENDERER_ENV, available_renderers, which_renderer

    renderer = which_renderer()
    report = {
        "python": {"version": platform.python_version(), "executable": sys.executable},
        "adrkit": {"version": __version__, "distribution": DISTRIBUTION,
                   "location": os.path.dirname(os.path.dirname(os.path.abspath(__file__)))},
        "renderer": {**renderer.to_dict(), "setting": os.environ.get(RENDERER_ENV) or "auto",
                     "available": [r.name for r in available_renderers()]},
        "tools": {},
    }
    for name, (names, flag, why) in _PROGRAMS.items():
        report["tools"][name] = {**_program(names, flag), "used-for": why}
    return report


def _lines(report: dict) -> list[str]:
    from adrkit.render.graphviz import INSTALL_HINT

    r = report["renderer"]
    if r["path"]:
        drawn = f"{r['name']} ({r['version'] or 'unknown version'}) at {r['path']}"
    else:
        drawn = f"none: diagrams are shown as DOT source; {INSTALL_HINT}"
    lines = [f"python     {report['python']['version']} ({report['python']['executable']})",
             f"adrkit     {report['adrkit']['version']} ({report['adrkit']['distribution']} at "
             f"{report['adrkit']['location']})",
             f"diagrams   {drawn}"]
    if r["setting"] != "auto":
        lines.append(f"           (chosen by ADRKIT_RENDERER={r['setting']}; "
                     f"installed: {', '.join(r['available']) or 'none'})")
    for name, tool in report["tools"].items():
        if tool["path"]:
            found = tool["path"] + (f" ({tool['version']})" if tool["version"] else "")
        else:
            found = f"not found (only needed for {tool['used-for']})"
        lines.append(f"{name:<10} {found}")
    return lines


def cmd_doctor(args) -> int:
    report = doctor_report()
    if args.json:
        emit_json(report)
    else:
        print("\n".join(_lines(report)))
    return 0


def _build_schema() -> str | None:
    """The decisions.json schema kept beside the site build, when the build ships one
    (it then is the authority for the file it writes)."""
    from importlib import resources

    try:
        root = resources.files("adrkit.publish")
    except ModuleNotFoundError:
        return None
    pending = [root]
    while pending:
        folder = pending.pop()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir() and entry.name not in ("templates", "assets", "__pycache__"):
                pending.append(entry)
            elif entry.name.startswith("decisions") and entry.name.endswith(".json") and "schema" in entry.name:
                return entry.read_text(encoding="utf-8")
    return None


def cmd_schema(args) -> int:
    import sys

    from adrkit.formats.jsonschemas import SCHEMA_NAMES, schema_text

    if not args.name:
        for name, (_, what) in SCHEMA_NAMES.items():
            print(f"{name:<13} {what}")
        return 0
    text = (_build_schema() if args.name == "decisions" else None) or schema_text(args.name)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
