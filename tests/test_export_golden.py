"""Golden files for `adrkit export` in both formats, on a log whose newest record has
everything: a trade-off table, a lifecycle diagram, a DataFrame output, an image
output, an image beside the notebook, links, supersession and a unicode title.

Regenerate with ADRKIT_UPDATE_GOLDEN=1 (and review the diff)."""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
import yaml

GOLDEN = Path(__file__).parent / "golden" / "markdown"
UPDATE = os.environ.get("ADRKIT_UPDATE_GOLDEN") == "1"

# a 1x1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")

TITLE = "Ünïcode: 数据库 für Bestellungen — PostgreSQL"

TRADEOFF = {
    "question": "Which database stores the orders?",
    "criteria": [{"name": "Cost", "weight": 2}, {"name": "Operations", "weight": 1}],
    "options": [
        {"name": "PostgreSQL", "scores": {"Cost": 4, "Operations": 4},
         "arguments": [{"good": "the team runs it already"}, {"bad": "needs vacuum tuning"}]},
        {"name": "MongoDB", "scores": {"Cost": 3, "Operations": 2},
         "arguments": [{"neutral": "schema-less"}]},
    ],
    "chosen": "PostgreSQL",
    "because": "it is cheapest to run and the team knows it",
}

LIFECYCLE = {
    "title": "Order request lifecycle",
    "stages": [{"name": "Request", "taps": ["log"]}, {"name": "Validation"}, {"name": "Store order"},
               {"name": "Response", "taps": ["log", "metrics"]}],
    "exits": [{"from": "Validation", "label": "Return 400", "status": 400, "when": "invalid input"}],
}

DATAFRAME_HTML = """<div>
<table border="1" class="dataframe">
  <thead>
    <tr style="text-align: right;">
      <th></th>
      <th>option</th>
      <th>p99 ms</th>
    </tr>
  </thead>
  <tbody>
    <tr>
      <th>0</th>
      <td>PostgreSQL</td>
      <td>12.5</td>
    </tr>
    <tr>
      <th>1</th>
      <td>MongoDB | sharded</td>
      <td>9.0</td>
    </tr>
  </tbody>
</table>
</div>"""


def build_everything(root: Path, cli) -> Path:
    """A log of three decisions; the third has everything. Returns the log folder."""
    assert cli("init", cwd=root).code == 0
    assert cli("new", "Record architecture decisions", "--status", "accepted", cwd=root).code == 0
    assert cli("new", "Store orders in MongoDB", "--status", "accepted", cwd=root).code == 0
    res = cli("new", TITLE, "--supersedes", "2", cwd=root)
    assert res.code == 0, res.err
    res = cli("link", "3", "relates-to", "1", cwd=root)
    assert res.code == 0, res.err
    log = root / "decisions"
    nb_path = next(log.glob("0003-*.ipynb"))
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("adrkit", {})
        if meta.get("section") == "context":
            cell["source"] = ("## Context and Problem Statement\n\nOrders outgrew one MongoDB replica "
                              "set; see [the first record](0001-record-architecture-decisions.ipynb) "
                              "and the measured latencies below.\n\n![Load curve](0003-load.png)")
    measured = {
        "cell_type": "code", "id": "measured-1", "execution_count": 1, "metadata": {},
        "source": "import pandas as pd\npd.DataFrame(...)",
        "outputs": [
            {"output_type": "execute_result", "execution_count": 1, "metadata": {},
             "data": {"text/html": DATAFRAME_HTML, "text/plain": "   option  p99 ms\n..."}},
            {"output_type": "display_data", "metadata": {},
             "data": {"image/png": base64.b64encode(PNG).decode("ascii"), "text/plain": "<Figure>"}},
        ],
    }
    at = next(i for i, c in enumerate(nb["cells"]) if c.get("metadata", {}).get("adrkit", {}).get("section")
              == "context") + 1
    nb["cells"].insert(at, measured)
    lifecycle_cell = {"cell_type": "code", "id": "lifecycle-1", "execution_count": None,
                      "metadata": {"tags": ["adrkit-lifecycle"]}, "outputs": [],
                      "source": f'from adrkit.widgets import lifecycle_editor\n\nlifecycle_editor("{nb_path.stem}")'}
    nb["cells"].insert(at + 1, lifecycle_cell)
    nb_path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    (log / "0003-load.png").write_bytes(PNG)
    data = {"tradeoffs": {"main": TRADEOFF}, "lifecycles": {"main": LIFECYCLE}}
    nb_path.with_suffix(".yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                                            encoding="utf-8")
    return log


@pytest.mark.parametrize("fmt", ["madr", "nygard"])
def test_golden_export(tmp_path, cli, fmt):
    build_everything(tmp_path, cli)
    out = tmp_path / "out"
    res = cli("export", "--format", fmt, "--out", out)
    assert res.code == 0, res.err
    produced = sorted(p for p in out.glob("*.md"))
    assert len(produced) == 3
    golden_dir = GOLDEN / fmt
    if UPDATE:
        golden_dir.mkdir(parents=True, exist_ok=True)
        for old in golden_dir.glob("*.md"):
            old.unlink()
        for p in produced:
            (golden_dir / p.name).write_bytes(p.read_bytes())
    expected = sorted(golden_dir.glob("*.md"))
    assert [p.name for p in produced] == [p.name for p in expected], "run with ADRKIT_UPDATE_GOLDEN=1"
    for got, want in zip(produced, expected):
        assert got.read_text(encoding="utf-8") == want.read_text(encoding="utf-8"), got.name
    # the files the markdown links to are there
    stem = next(out.glob("0003-*.md")).stem
    svg = out / f"{stem}-lifecycle-main.svg"
    assert svg.is_file() and "<svg" in svg.read_text(encoding="utf-8")
    # the image output, extracted by nbconvert into the record's _files folder
    assert (out / f"{stem}_files" / "output-2-1.png").read_bytes() == PNG
    assert (out / "0003-load.png").read_bytes() == PNG
    for kind in ("totals", "tornado"):  # the trade-off's charts, standalone SVG the markdown links to
        chart = (out / f"{stem}-tradeoff-{kind}.svg").read_text(encoding="utf-8")
        assert chart.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<title>" in chart
        assert f"]({stem}-tradeoff-{kind}.svg)" in next(out.glob("0003-*.md")).read_text(encoding="utf-8")


def test_everything_record_content(tmp_path, cli):
    """What the golden files must show, stated as properties."""
    build_everything(tmp_path, cli)
    out = tmp_path / "out"
    assert cli("export", "--out", out).code == 0
    text = next(out.glob("0003-*.md")).read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    front = yaml.safe_load(head.lstrip("-\n"))
    assert front["status"] == "proposed" and str(front["date"]) == "2026-01-01"
    assert front["links"] == [{"rel": "relates-to", "target": "0001-record-architecture-decisions"}]
    assert front["supersedes"] == ["0002-store-orders-in-mongodb"]
    assert f"# {TITLE}" in body
    headings = [line for line in body.split("\n") if line.startswith("## ")]
    order = ["## Context and Problem Statement", "## Considered Options", "## Decision Outcome",
             "## Pros and Cons of the Options", "## More Information"]
    assert [h for h in headings if h in order] == order
    assert 'Chosen option: "PostgreSQL", because it is cheapest to run' in body
    assert "| **PostgreSQL** (chosen) |" in body
    assert "* Good, because the team runs it already" in body
    assert "```mermaid" in body and "lifecycle-main.svg)" in body
    assert "|  | option | p99 ms |" in body
    assert "MongoDB \\| sharded" in body
    assert "(0001-record-architecture-decisions.md)" in body  # notebook link points at the markdown
    assert "import pandas" not in body  # code inputs are not exported
    old = next(out.glob("0002-*.md")).read_text(encoding="utf-8")
    assert "status: superseded" in old and "superseded-by:" in old
