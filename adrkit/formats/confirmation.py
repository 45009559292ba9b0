"""The text side of executable Confirmation: which cells of a notebook are its check,
the fingerprint that says whether a recorded run is of the decision as it is now, the
evidence kept from a run, and the results file `NNNN-slug.confirmation.json`.

The results file sits beside the decision's notebook and data file. It is written by
`adrkit confirm` only (never by hand, never by the widgets), as JSON with two-space
indents and keys in a fixed order, so a committed one diffs line by line. Its suffix is
not `.yaml`, so nothing takes it for a data file.

**Fingerprint.** A SHA-256 over every cell except the front matter (type, source, and
whether it is tagged `confirmation`), the kernel the notebook names, and the bytes of
the data file. Editing the text, the check or a trade-off table changes it; saving
outputs in JupyterLab does not, and neither does front matter (status, people, review
dates, the history), which is bookkeeping about the decision rather than the decision.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from adrkit.core.confirmation import CheckResult
from adrkit.core.errors import FormatError
from adrkit.formats.celltags import CONFIRMATION, tags_of
from adrkit.formats.notebook import cell_text

__all__ = ["RESULT_SUFFIX", "result_name", "check_cells", "kernel_name", "fingerprint",
           "keep_evidence", "summary_of", "error_line", "parse_result", "dump_result",
           "EVIDENCE_LIMIT"]

RESULT_SUFFIX = ".confirmation.json"
EVIDENCE_LIMIT = 512 * 1024   # bytes of evidence kept per decision (images included)
TEXT_LIMIT = 16 * 1024        # characters kept of one text output
KEPT_MIMETYPES = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown", "text/plain")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def result_name(stem: str) -> str:
    return f"{stem}{RESULT_SUFFIX}"


def check_cells(nb: dict[str, Any]) -> list[tuple[int, str]]:
    """(cell number, 1-based as the notebook counts them, source) of every code cell
    tagged `confirmation` that holds code (not only comments), in notebook order."""
    found = []
    for number, cell in enumerate(nb.get("cells") or [], start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and CONFIRMATION in tags_of(cell):
            source = cell_text(cell)
            if _has_code(source):
                found.append((number, source))
    return found


def _has_code(source: str) -> bool:
    """False for a cell of blank lines and comments only: a commented-out example (as the
    templates carry) is no check."""
    return any(line.strip() and not line.lstrip().startswith("#") for line in source.splitlines())


def kernel_name(nb: dict[str, Any]) -> str:
    spec = (nb.get("metadata") or {}).get("kernelspec") or {}
    name = spec.get("name") if isinstance(spec, dict) else None
    return str(name) if name else "python3"


def _is_front_matter(index: int, cell: dict[str, Any]) -> bool:
    return index == 0 and cell.get("cell_type") == "raw" and cell_text(cell).lstrip().startswith("---")


def fingerprint(nb: dict[str, Any], data: bytes | None, *, stem: str) -> str:
    """What a recorded run is compared with to tell whether it is stale (see above).
    The record's own stem reads as `{{stem}}`, so renumbering it (which rewrites
    `tradeoff_editor("0007-...")`) is no change of the decision."""
    cells = []
    for index, cell in enumerate(nb.get("cells") or []):
        if not isinstance(cell, dict) or _is_front_matter(index, cell):
            continue
        source = cell_text(cell).replace("\r\n", "\n").replace(stem, "{{stem}}")
        cells.append([str(cell.get("cell_type")), source, CONFIRMATION in tags_of(cell)])
    digest = hashlib.sha256(b"adrkit confirmation fingerprint 1\0")
    digest.update(json.dumps([kernel_name(nb), cells], ensure_ascii=False).encode("utf-8"))
    digest.update(b"\0data\0" + (hashlib.sha256(data).digest() if data is not None else b"none"))
    return "sha256:" + digest.hexdigest()


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def error_line(output: dict[str, Any]) -> str:
    """'AssertionError: p99 is 262 ms' from an error output, on one line."""
    name = str(output.get("ename") or "Error")
    value = " ".join(_ANSI.sub("", str(output.get("evalue") or "")).split())
    return f"{name}: {value}" if value else name


def keep_evidence(outputs: list[dict[str, Any]], limit: int = EVIDENCE_LIMIT) -> list[dict[str, Any]]:
    """The outputs a check displayed, reduced to what a static page can show: streams and
    errors as text (colour codes removed), rich outputs as their static forms only.
    Over `limit` bytes in all, later outputs are replaced by a note saying so."""
    kept: list[dict[str, Any]] = []
    used = 0
    for out in outputs:
        if not isinstance(out, dict):
            continue
        kind = out.get("output_type")
        if kind == "stream":
            item: dict[str, Any] = {"type": "stream", "name": str(out.get("name") or "stdout"),
                                    "text": _clip(_ANSI.sub("", _text(out.get("text"))))}
        elif kind == "error":
            trace = "\n".join(_ANSI.sub("", str(line)) for line in out.get("traceback") or [])
            item = {"type": "error", "text": error_line(out), "traceback": _clip(trace)}
        elif kind in ("display_data", "execute_result"):
            data = out.get("data") or {}
            static = {k: (_text(v) if k != "image/png" and k != "image/jpeg" else _text(v).strip())
                      for k, v in data.items() if k in KEPT_MIMETYPES}
            if "text/plain" in static:
                static["text/plain"] = _clip(_ANSI.sub("", static["text/plain"]))
            if not static:
                continue
            item = {"type": "display", "data": static}
        else:
            continue
        size = len(json.dumps(item, ensure_ascii=False).encode("utf-8"))
        if used + size > limit:
            kept.append({"type": "stream", "name": "stdout",
                         "text": f"[{size // 1024 + 1} KB of further output not kept: evidence is "
                                 f"limited to {limit // 1024} KB per decision]"})
            break
        used += size
        kept.append(item)
    return kept


def _clip(text: str) -> str:
    if len(text) <= TEXT_LIMIT:
        return text
    return text[:TEXT_LIMIT] + f"\n[… {len(text) - TEXT_LIMIT} more characters not kept]"


def summary_of(evidence: list[dict[str, Any]]) -> str:
    """The last non-empty line of text the check displayed (a number against its
    threshold, typically), at most 160 characters."""
    for item in reversed(evidence):
        if item.get("type") == "error":
            continue
        text = item.get("text") if item.get("type") == "stream" else (item.get("data") or {}).get("text/plain")
        if item.get("type") == "stream" and item.get("name") == "stderr":
            continue
        lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
        if lines and not lines[-1].startswith("[") and not lines[-1].startswith("<"):
            line = " ".join(lines[-1].split())
            return line if len(line) <= 160 else line[:159] + "…"
    return ""


def parse_result(raw: bytes, *, path: Any = None) -> CheckResult:
    fix = "run 'adrkit confirm' again to rewrite it, or delete it"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise FormatError("is not UTF-8 text", path=path, fix=fix)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else None
        raise FormatError("is not valid JSON", path=path, where=where, fix=fix)
    return CheckResult.from_dict(data, path=path)


def dump_result(result: CheckResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
