"""Quarto and Jupyter Book read a decision notebook's title, date, people and topics.

- Jupyter Book 2 (PyPI `jupyter-book`, installed into .peer/ on first use) renders a
  decision to markdown; the page front matter it derives carries the decision's
  authors, date and tags. It reads page front matter from the notebook's metadata
  (never from a raw cell), which adrkit keeps in step on every save. Its page title is
  the notebook's first heading.
- Quarto cannot be installed here (its PyPI package downloads the Quarto binary while it
  builds), so its documented front-matter schema is checked instead: Quarto reads the
  first raw cell's YAML, where `title` and `date` are strings, `author` is a string,
  an object or a list of them, `categories` a list of strings, and `template` is a
  pandoc template file (so adrkit must not write it)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from adrkit.formats import yamlio
from adrkit.formats.notebook import cell_text
from adrkit.storage.log import find_log
from conftest import ROOT

PEER = ROOT / ".peer"
JUPYTER_BOOK_VERSION = "2.1.7"
JUPYTER_BOOK = PEER / "venv-jupyter-book" / "bin" / "jupyter-book"

# The keys adrkit shares with Quarto, typed as Quarto's schema documents them
# (document-attributes: title string, date a date string, author maybeArrayOf
# object|string; listings: categories a list of strings; format-pandoc: template a file).
QUARTO_SHARED = {
    "type": "object",
    "required": ["title", "date"],
    "properties": {
        "title": {"type": "string"},
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "author": {"anyOf": [{"type": "string"}, {"type": "object"},
                             {"type": "array", "items": {"type": ["string", "object"]}}]},
        "categories": {"type": "array", "items": {"type": "string"}},
    },
    "not": {"required": ["template"]},
}


@pytest.fixture
def decision(cli, log_dir) -> Path:
    assert cli("new", "Publish order events through Kafka", "--tag", "events", "--tag", "messaging").code == 0
    log = find_log(log_dir)
    rec = log.resolve("1")
    rec.decision.decision_makers = ["Priya Nair", "Tomás Ortega"]
    log.save_many([rec])
    return log.resolve("1").path


def _front(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["cells"][0]["cell_type"] == "raw"
    return yamlio.parse_front_matter(cell_text(nb["cells"][0]))


def test_the_raw_cell_speaks_quartos_keys_where_they_overlap(decision):
    front = _front(decision)
    assert list(Draft202012Validator(QUARTO_SHARED).iter_errors(front)) == []
    assert front["author"] == front["decision-makers"] == ["Priya Nair", "Tomás Ortega"]
    assert front["categories"] == front["tags"] == ["events", "messaging"]
    assert front["adrkit-template"] == "madr" and "template" not in front


def test_every_template_avoids_quartos_template_key(cli, log_dir):
    for template in ("madr", "madr-minimal", "nygard", "backend"):
        assert cli("new", f"With {template}", "--template", template).code == 0
    for path in sorted(log_dir.glob("*.ipynb")):
        assert list(Draft202012Validator(QUARTO_SHARED).iter_errors(_front(path))) == [], path.name


def test_a_record_written_before_keeps_its_template_and_gains_the_new_keys(cli, log_dir, decision):
    text = decision.read_text(encoding="utf-8").replace("adrkit-template: madr", "template: madr")
    text = text.replace('"categories:\\n",\n    "- events\\n",\n    "- messaging\\n",\n', "")
    decision.write_text(text, encoding="utf-8")
    assert "template: madr" in text and "categories" not in _front(decision)
    # the old key still names the template: lint reads it (its template text is found)
    # and finds nothing else wrong
    found = json.loads(cli("lint", "--json").out)
    assert found and {f["code"] for f in found} == {"placeholder-text"}, found
    assert cli("status", "1", "accepted").code == 0
    front = _front(decision)
    assert (front.get("adrkit-template"), front.get("template")) == ("madr", None)
    assert front["categories"] == ["events", "messaging"]


def _jupyter_book() -> Path:
    if JUPYTER_BOOK.exists():
        return JUPYTER_BOOK
    venv = JUPYTER_BOOK.parent.parent
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                           f"jupyter-book=={JUPYTER_BOOK_VERSION}"], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0 or not JUPYTER_BOOK.exists():
        pytest.skip("jupyter-book could not be installed from the package index: "
                    + (proc.stderr or proc.stdout).strip()[-300:])
    return JUPYTER_BOOK


@pytest.mark.peer
def test_jupyter_book_reads_people_date_and_tags(decision, tmp_path):
    if not shutil.which("node"):
        pytest.skip("Jupyter Book 2 needs Node.js (apt-get install nodejs)")
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(decision, book / decision.name)
    (book / "myst.yml").write_text("version: 1\nproject:\n  title: Decisions\n", encoding="utf-8")
    proc = subprocess.run([str(_jupyter_book()), "build", "--md", "--force", "--ci", decision.name],
                          cwd=book, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    exported = list((book / "_build" / "exports").glob("*.md"))
    assert len(exported) == 1, proc.stdout
    page = yamlio.parse_front_matter(exported[0].read_text(encoding="utf-8").split("\n---\n", 1)[0] + "\n---")
    assert [a["name"] for a in page["authors"]] == ["Priya Nair", "Tomás Ortega"]
    assert str(page["date"]) == _front(decision)["date"]
    assert page["tags"] == ["events", "messaging"]
