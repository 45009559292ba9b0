"""Find a decision's data file from what a notebook cell says ("0007-use-x")."""
from __future__ import annotations

from pathlib import Path

from adrkit.core.errors import NotFoundError
from adrkit.storage.log import find_log

__all__ = ["data_path_for"]


def data_path_for(decision: str | Path) -> Path:
    """The `.yaml` data file of a decision given by stem, notebook path or data path.

    A bare stem is looked up next to the working folder first (JupyterLab starts a
    kernel in the notebook's folder), then in the project's decision log."""
    given = Path(decision)
    if given.suffix in (".ipynb", ".yaml"):
        return given.with_suffix(".yaml")
    local = Path.cwd() / f"{given.name}.ipynb"
    if local.exists() or (Path.cwd() / f"{given.name}.yaml").exists():
        return local.with_suffix(".yaml")
    try:
        log = find_log()
    except NotFoundError:
        return local.with_suffix(".yaml")
    return log.dir / f"{given.name}.yaml"
