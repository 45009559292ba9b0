"""The worked example notebook runs clean under nbclient and stores its diagrams."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "lifecycle-request-flow.ipynb"


@pytest.mark.slow
def test_lifecycle_notebook_runs_clean(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    copy = tmp_path / NOTEBOOK.name
    shutil.copy(NOTEBOOK, copy)
    nb = nbformat.read(copy, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbclient.NotebookClient(nb, timeout=180, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()

    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, "\n".join(f"{o.ename}: {o.evalue}" for o in errors)
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"
                and "Traceback" in o.text]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(html) >= 4 and all("<svg" in h or "adrkit-diagram-source" in h for h in html)
    assert any("Payment API" in h and "receipts-dlq" in h for h in html)
    # the editor's static output followed the scripted edits made after it was shown
    assert "1 MB body limit" in html[-1]
    assert list(tmp_path.iterdir()) == [copy]  # the example writes only to a scratch folder


def test_committed_notebook_is_valid_and_shows_diagrams_without_a_kernel():
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    html = [o["data"]["text/html"] for cell in nb.cells if cell.cell_type == "code"
            for o in cell.get("outputs", []) if "text/html" in o.get("data", {})
            and not o.get("metadata", {}).get("adrkit", {}).get("saved")]  # the editor's "run this cell" note
    assert html and all("<svg" in h for h in html)
    notes = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
             if o.get("metadata", {}).get("adrkit", {}).get("saved")]
    assert len(notes) == 1 and "Run this cell to edit the request lifecycle" in notes[0]["data"]["text/html"]
    assert not any(o.output_type == "error" for cell in nb.cells if cell.cell_type == "code"
                   for o in cell.outputs)
