"""The worked trade-off example runs clean under nbclient, in a temporary copy."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "tradeoff-orders-datastore.ipynb"


def test_worked_example_runs_without_errors(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    copy = tmp_path / NOTEBOOK.name
    shutil.copy(NOTEBOOK, copy)
    nb = nbformat.read(copy, as_version=4)
    # "python3" is the .venv's kernel: jupyter_client starts a spec whose argv begins
    # with "python" with this very interpreter (sys.executable)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=180,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [(i, o.get("ename"), o.get("evalue")) for i, cell in enumerate(nb.cells)
              if cell.cell_type == "code" for o in cell.outputs if o.output_type == "error"]
    assert errors == []
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "1. PostgreSQL 4.07" in text
    assert "Robust: no single weight change under 50 %" in text
    assert "file unchanged: True" in text
    # the editor cell shows the widget and, as plain HTML, the static table
    bundles = [o.get("data", {}) for o in outputs if o.output_type == "display_data"]
    assert any("application/vnd.jupyter.widget-view+json" in b for b in bundles)
    assert any("adrkit-tradeoff" in b.get("text/html", "") for b in bundles)
    # it left nothing behind in the repository's notebooks folder
    assert sorted(p.name for p in NOTEBOOK.parent.glob("0007-*")) == []
