"""One rule, one place: the defects that came from a rule written twice, each pinned.

- cell tags mean the same on the site and in the markdown export;
- YAML goes through one loader and dumper: a date-like text that is not a date is
  written quoted and loads back, duplicate keys and alias bombs are refused;
- no module guards against adrkit's own modules being missing.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from adrkit.core.errors import FormatError
from adrkit.formats import celltags, yamlio
from adrkit.storage.log import find_log
from test_publish import build, code, md, write_record

ROOT = Path(__file__).resolve().parents[1]


# --- cell tags -----------------------------------------------------------------------

TAGGED = {
    "remove-cell": ("alphaword", "remove"),
    "hide-cell": ("betaword", "remove"),
    "adrkit-remove": ("gammaword", "remove"),
    "adrkit-hide": ("deltaword", "remove"),
    "adrkit-hint": ("epsilonword", "remove"),
    "remove-output": ("zetaword", "no-output"),
    "hide-output": ("heptaword", "no-output"),
    "show-input": ("thetaword", "show-input"),
    "adrkit-show-input": ("iotaword", "show-input"),
    "remove-input": ("kappaword", "no-input"),
    "hide-input": ("lambdaword", "no-input"),
}


def _tagged_log(tmp_path, cli):
    assert cli("init").code == 0
    cells = [md("## Context\n\nEvery tag, once.")]
    for tag, (word, effect) in TAGGED.items():
        if effect == "remove":
            cells.append(md(f"A {word} paragraph.", tags=[tag]))
        code_text = f"{word}_code = 1"
        cells.append(code(code_text, tags=[tag], outputs=[
            {"output_type": "stream", "name": "stdout", "text": f"{word}_output\n"}]))
    write_record(tmp_path / "decisions", "0001-every-tag", {"title": "Every tag"}, cells)
    return tmp_path


def _effects(text: str, word: str) -> dict[str, bool]:
    return {"any": word in text, "code": f"{word}_code" in text, "output": f"{word}_output" in text}


def test_site_and_export_agree_on_every_tag(tmp_path, cli):
    root = _tagged_log(tmp_path, cli)
    build(root)
    page = next((root / "site").rglob("0001-every-tag.html")).read_text(encoding="utf-8")
    assert cli("export", "--out", "out").code == 0
    exported = (root / "out" / "0001-every-tag.md").read_text(encoding="utf-8")
    for tag, (word, effect) in TAGGED.items():
        on_page, in_export = _effects(page, word), _effects(exported, word)
        assert on_page == in_export, (tag, on_page, in_export)
        if effect == "remove":
            assert not on_page["any"], tag
        elif effect == "no-output":
            assert not on_page["output"] and not on_page["code"], tag
        elif effect == "show-input":
            assert on_page["code"] and on_page["output"], tag
        else:
            assert not on_page["code"] and on_page["output"], tag


def test_the_policy_for_a_guide_shows_code_unless_told():
    view = celltags.view_of({"cell_type": "code", "metadata": {}}, guide=True)
    assert view.show_input and view.published
    assert not celltags.view_of({"metadata": {"tags": ["hide-input"]}}, guide=True).show_input
    assert not celltags.view_of({"metadata": {"tags": ["adrkit-tradeoff"]}}).show_input
    assert celltags.view_of({"metadata": {"tags": ["adrkit-tradeoff"]}}).kind == "tradeoffs"
    assert celltags.view_of({"metadata": {"tags": ["adrkit-tradeoff"]}}, guide=True).kind is None
    assert celltags.tags_of({"metadata": {"tags": "not-a-list"}}) == set()


# --- YAML ----------------------------------------------------------------------------

def test_an_impossible_date_is_written_quoted_and_loads_back():
    text = yamlio.dump_front_matter({"title": "x", "date": "2023-13-10", "ok": "2023-12-10"})
    assert "date: '2023-13-10'" in text and "ok: 2023-12-10" in text
    assert yamlio.parse_front_matter(text) == {"title": "x", "date": "2023-13-10", "ok": "2023-12-10"}


def test_an_imported_impossible_date_survives_every_command(tmp_path, cli):
    src = tmp_path / "src"
    src.mkdir()
    (src / "0001-odd-date.md").write_text("---\ndate: 2023-13-10\nstatus: accepted\n---\n# Odd date\n\nText.\n",
                                          encoding="utf-8")
    assert cli("init").code == 0
    res = cli("import", "src")
    assert res.code == 0, res.err
    listed = cli("list", "--json")
    assert listed.code == 0, listed.err
    # not a calendar date: imported without a date (reported), the text keeps it
    assert '"date": ""' in listed.out and "not a calendar date" in res.err
    nb = next((tmp_path / "decisions").glob("0001-*.ipynb")).read_text(encoding="utf-8")
    assert "date: 2023-13-10" in nb  # the original front matter, kept as written
    assert cli("lint").code == 0
    assert cli("export", "--format", "source", "--out", "back").code == 0
    assert (tmp_path / "back" / "0001-odd-date.md").read_text(encoding="utf-8").startswith("---\ndate: 2023-13-10\n")


def test_duplicate_keys_are_refused_naming_both_lines():
    with pytest.raises(FormatError) as info:
        yamlio.parse_front_matter("---\ntitle: a\nstatus: accepted\ntitle: b\n---")
    assert "lines 2 and 4" in str(info.value) and "title" in str(info.value)


def test_alias_expansion_is_bounded_and_cycles_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6))
    with pytest.raises(FormatError, match="aliases"):
        yamlio.load(bomb)
    with pytest.raises(FormatError):
        yamlio.load("a: &a [*a]\n")


def test_multi_line_text_is_a_block_and_a_fence_line_cannot_end_front_matter():
    text = yamlio.dump_front_matter({"head": "# Title\n\nStatus: x\n", "evil": "a\n---\nb"})
    assert "head: |" in text
    assert yamlio.parse_front_matter(text)["evil"] == "a\n---\nb"


# --- no guards against adrkit's own modules ------------------------------------------

def _guarded_imports(tree: ast.AST) -> list[int]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        catches = any(isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                      for h in node.handlers)
        if not catches:
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.ImportFrom) and (stmt.level or (stmt.module or "").startswith("adrkit")):
                found.append(stmt.lineno)
            if isinstance(stmt, ast.Import) and any(a.name.startswith("adrkit") for a in stmt.names):
                found.append(stmt.lineno)
    return found


def test_no_module_guards_its_own_package():
    offenders = {}
    for path in sorted((ROOT / "adrkit").rglob("*.py")):
        lines = _guarded_imports(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            offenders[str(path.relative_to(ROOT))] = lines
    assert offenders == {}


def test_public_api_is_complete_and_light():
    import subprocess
    import sys

    code_ = ("import sys, adrkit\n"
             "missing = [n for n in adrkit.__all__ if not hasattr(adrkit, n)]\n"
             "print(missing)")
    # hasattr loads every name: run it in a child so this process stays as it was
    out = subprocess.run([sys.executable, "-c", code_], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    probe = ("import sys, adrkit\nprint(sorted(m for m in ('pandas', 'nbconvert', 'ipywidgets', 'graphviz', "
             "'jinja2', 'nbformat') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
