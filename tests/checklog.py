"""Helpers for the tests of executable Confirmation: a decision log whose decisions
carry checks (code cells tagged `confirmation`), made through adrkit's own `new`."""
from __future__ import annotations

import json
from pathlib import Path

from adrkit.formats.notebook import dumps_notebook
from adrkit.services import operations
from adrkit.storage.log import DecisionLog, init_log


def make_log(root: Path) -> DecisionLog:
    log, _ = init_log(root)
    return log


def add_decision(log: DecisionLog, title: str, checks: list[str] = (), *, status: str = "accepted",
                 today: str = "2026-01-01", kernel: str | None = None, template: str = "madr",
                 tags: list[str] = ("confirmation",)) -> Path:
    """A new decision made by `adrkit new`, with one code cell per source in `checks`."""
    path = operations.new_decision(log, title, today=today, status="proposed", template=template)
    if status != "proposed":
        rec = log.resolve(path.name)
        if status == "superseded":
            rec.decision.status = "superseded"
        else:
            rec.decision.status = status
        log.save_many([rec])
    add_cells(path, checks, tags=list(tags))
    if kernel:
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["metadata"]["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
        path.write_text(dumps_notebook(nb), encoding="utf-8")
    return path


def add_cells(path: Path, sources: list[str], *, tags: list[str] = ("confirmation",)) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, source in enumerate(sources):
        nb["cells"].append({"cell_type": "code", "execution_count": None, "id": f"check-{len(nb['cells'])}",
                            "metadata": {"tags": list(tags)}, "outputs": [], "source": source})
    path.write_text(dumps_notebook(nb), encoding="utf-8")


def result_of(path: Path) -> dict:
    return json.loads(path.with_name(path.stem + ".confirmation.json").read_text(encoding="utf-8"))
