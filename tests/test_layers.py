"""The package's layers, checked: each folder under adrkit/ imports only the folders
below it (import-linter's contracts in pyproject.toml), the core stays pure, and a
planted upward import is caught."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
LAYERS = ["core", "formats", "storage", "render", "services", "widgets", "publish", "cli"]


def _lint_imports(cwd: Path, package_parent: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(package_parent), "PATH": str(LINT_IMPORTS.parent) + ":/usr/bin:/bin",
           "HOME": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / "pyproject.toml")],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_tree_has_one_folder_per_layer():
    found = {p.name for p in (ROOT / "adrkit").iterdir() if (p / "__init__.py").is_file()}
    assert set(LAYERS) <= found
    loose = sorted(p.name for p in (ROOT / "adrkit").glob("*.py")
                   if p.name not in ("__init__.py", "__main__.py", "about.py"))
    assert loose == [], f"modules outside a layer folder: {loose}"


def test_contracts_are_kept():
    proc = _lint_imports(ROOT, ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 kept, 0 broken" in proc.stdout


@pytest.mark.parametrize("module, planted", [
    ("core/decision.py", "from adrkit.storage import log as _planted  # noqa"),
    ("formats/markdown/reader.py", "def _planted():\n    from adrkit.services import lint  # noqa\n"),
    ("storage/log.py", "import adrkit.render.graphviz as _planted  # noqa"),
    ("publish/links.py", "from adrkit.widgets import display as _planted  # noqa"),
    ("core/wording.py", "import yaml as _planted  # noqa"),
])
def test_a_planted_upward_import_fails(tmp_path, module, planted):
    shutil.copytree(ROOT / "adrkit", tmp_path / "adrkit",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "adrkit" / module
    target.write_text(target.read_text() + "\n" + planted + "\n")
    proc = _lint_imports(tmp_path, tmp_path)
    assert proc.returncode != 0, proc.stdout
    assert "BROKEN" in proc.stdout or "broken" in proc.stdout


def test_no_module_is_long_without_saying_why():
    for path in sorted((ROOT / "adrkit").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > 650:
            head = "\n".join(lines[:40]).lower()
            assert "long because" in head, f"{path.relative_to(ROOT)} has {len(lines)} lines and no reason at its top"
