"""What drafting in JupyterLab leaves behind: templates written once (the page takes the
outcome and the pros and cons from the trade-off, never template text or hints), saved
notebooks without dead widget views, a .gitignore from init, `show --json` with the
trade-off summary, and new notebooks JupyterLab opens unchanged."""
from __future__ import annotations

import json
import platform

from adrkit.core.tradeoff import Tradeoff
from adrkit.formats.celltags import HINT
from adrkit.formats.notebook import placeholder_paragraphs, without_placeholders
from adrkit.publish.prepare import prepare_notebook
from adrkit.storage.datafile import read_data, save_tradeoff
from adrkit.widgets.saved import pre_save, saved_output

TABLE = {
    "question": "Where do sessions live?",
    "criteria": [{"name": "Latency", "weight": 3}, {"name": "Ops", "weight": 1}],
    "options": [{"name": "Redis", "scores": {"Latency": 5, "Ops": 3}, "arguments": [{"good": "sub-ms reads"}]},
                {"name": "Postgres", "scores": {"Latency": 3, "Ops": 4}, "arguments": [{"bad": "slower"}]}],
    "chosen": "Redis", "because": "sessions are read on every request",
}


def _new(cli, template="backend"):
    path = cli("new", "Cache sessions in Redis", "--template", template).out.strip()
    return path


def test_new_notebook_has_language_info_and_placeholder_marks(cli, log_dir, tmp_path):
    nb = json.loads((tmp_path / _new(cli)).read_text(encoding="utf-8"))
    info = nb["metadata"]["language_info"]
    assert info["name"] == "python" and info["version"] == platform.python_version()
    assert info["codemirror_mode"] == {"name": "ipython", "version": 3} and info["pygments_lexer"] == "ipython3"
    hints = [c for c in nb["cells"] if HINT in c.get("metadata", {}).get("tags", [])]
    assert len(hints) == 4 and all("not published" in "".join(c["source"]) for c in hints)
    context = next(c for c in nb["cells"] if c["metadata"].get("adrkit", {}).get("section") == "context")
    assert placeholder_paragraphs(context) and without_placeholders(context) == "## Context and Problem Statement"
    checklist = next(c for c in nb["cells"] if c["metadata"].get("adrkit", {}).get("section") == "checklist")
    assert placeholder_paragraphs(checklist) == []  # a checklist is meant to stay
    # an edited paragraph is the author's; the untouched one beside it is still template text
    context["source"] = "## Context and Problem Statement\n\nOur sessions are slow.\n\n" + \
        "Describe the context and problem statement in two or three sentences, or as a question. " \
        "Link to the issue or discussion that raised it."
    assert without_placeholders(context) == "## Context and Problem Statement\n\nOur sessions are slow."


def test_the_page_says_the_outcome_once_from_the_table(cli, log_dir, tmp_path):
    path = tmp_path / _new(cli)
    save_tradeoff(Tradeoff.from_dict(TABLE), path.with_suffix(".yaml"))
    nb = json.loads(path.read_text(encoding="utf-8"))
    prepared = prepare_notebook(nb, read_data(path.with_suffix(".yaml"))).notebook
    text = json.dumps(prepared)
    assert "option 1" not in text and "This hint is not published" not in text
    assert "Describe the context" not in text and "driver 1" not in text
    cells = prepared["cells"]
    at = next(i for i, c in enumerate(cells) if "".join(c.get("source", "")).startswith("## Decision Outcome"))
    outcome = cells[at + 1]["outputs"][0]["data"]["text/html"]
    assert outcome == "<p>Chosen option: &quot;Redis&quot;, because sessions are read on every request</p>"
    at = next(i for i, c in enumerate(cells) if "".join(c.get("source", "")).startswith("## Pros and Cons"))
    pros = cells[at + 1]["outputs"][0]["data"]["text/html"]
    assert "<strong>Redis</strong>" in pros and "Good, because sub-ms reads" in pros and "Bad, because slower" in pros
    assert "Shipping checklist" in text and "Auth on every endpoint" in text


def test_own_outcome_text_is_kept_and_not_doubled(cli, log_dir, tmp_path):
    path = tmp_path / _new(cli, "madr")
    save_tradeoff(Tradeoff.from_dict(TABLE), path.with_suffix(".yaml"))
    nb = json.loads(path.read_text(encoding="utf-8"))
    outcome = next(c for c in nb["cells"] if c["metadata"].get("adrkit", {}).get("section") == "outcome")
    outcome["source"] = "## Decision Outcome\n\nWe go with Redis; the platform team runs it."
    cells = prepare_notebook(nb, read_data(path.with_suffix(".yaml"))).notebook["cells"]
    at = next(i for i, c in enumerate(cells) if "".join(c.get("source", "")).startswith("## Decision Outcome"))
    assert "platform team" in "".join(cells[at]["source"])
    assert "Chosen option" not in json.dumps(cells[at + 1])


def test_a_decision_without_a_table_gets_no_generated_text(cli, log_dir, tmp_path):
    path = tmp_path / _new(cli, "madr")
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "Chosen option" not in json.dumps(prepare_notebook(nb, {}).notebook)


def test_pre_save_replaces_live_editor_views_only():
    view = {"output_type": "display_data", "metadata": {"adrkit": {"editor": "tradeoffs"}},
            "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2,
                                                                  "version_minor": 0}, "text/plain": "editor"}}
    other = {"output_type": "display_data", "metadata": {},
             "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "y"}, "text/plain": "slider"}}
    static = {"output_type": "display_data", "metadata": {}, "data": {"text/html": "<table></table>"}}
    model = {"type": "notebook", "content": {"cells": [{"cell_type": "code", "outputs": [view, static, other]}]}}
    pre_save(model=model, path="x.ipynb")
    outputs = model["content"]["cells"][0]["outputs"]
    assert outputs == [saved_output("tradeoffs"), static, other]
    assert "Run this cell to edit the trade-off table" in outputs[0]["data"]["text/html"]
    pre_save(model={"type": "file", "content": "text"}, path="x.txt")  # other files pass through


def test_lab_saves_through_the_hook(tmp_path):
    from adrkit.cli.lab import lab_command

    cmd = lab_command(str(tmp_path), "decisions", [])
    assert "--ContentsManager.pre_save_hook=adrkit.widgets.saved.pre_save" in cmd


def test_init_writes_a_gitignore_and_keeps_one_that_exists(cli, tmp_path):
    (tmp_path / ".gitignore").write_text("node_modules/\n/site/")
    assert cli("init").code == 0
    assert (tmp_path / ".gitignore").read_text() == (
        "node_modules/\n/site/\n# generated by adrkit: the published site and the build cache\n.adrkit-cache/\n")
    other = tmp_path / "other"
    other.mkdir()
    assert cli("init", cwd=other).code == 0
    assert (other / ".gitignore").read_text().splitlines()[1:] == ["/site/", ".adrkit-cache/"]


def test_show_json_summarises_the_data_file(cli, log_dir, tmp_path):
    path = tmp_path / _new(cli)
    save_tradeoff(Tradeoff.from_dict(TABLE), path.with_suffix(".yaml"))
    from adrkit.core.requestflow import Lifecycle
    from adrkit.storage.datafile import save_lifecycle

    save_lifecycle(Lifecycle.default(), path.with_suffix(".yaml"))
    shown = json.loads(cli("show", "1", "--json").out)
    main = shown["tradeoffs"]["main"]
    assert main["winner"] == "Redis" and main["chosen"] == "Redis" and main["verdict"] == "robust"
    assert main["totals"] == {"Redis": 4.5, "Postgres": 3.25}
    assert shown["lifecycles"] == {"main": {"title": "Request lifecycle", "stages": Lifecycle.default().stage_names()}}
    path.with_suffix(".yaml").write_text("tradeoffs: [broken\n")
    shown = json.loads(cli("show", "1", "--json").out)
    assert "does not parse as YAML" in shown["data-problem"]
