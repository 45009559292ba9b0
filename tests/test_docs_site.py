"""adrkit's own documentation site: the README, the adopting guide, the changelog, the
tutorial notebooks and adrkit's own decisions, built together by scripts/docs.py with
no warning; and the snippets in the adopting guide are well-formed."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from adrkit.formats import yamlio
from adrkit.formats.jsonschemas import SCHEMA_NAMES, schema_text

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "adopting.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site-docs"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "docs.py"), str(out)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "warning" not in proc.stderr.lower()
    return out


def test_guides_tutorials_and_decisions_are_published_together(site):
    for page in ("readme", "adopting", "changelog"):
        assert (site / "guides" / f"{page}.html").is_file(), page
    for tutorial in (ROOT / "notebooks").glob("*.ipynb"):
        assert (site / "guides" / f"{tutorial.stem}.html").is_file(), tutorial.name
    records = sorted((ROOT / "decisions").glob("[0-9]*.ipynb"))
    assert records
    for record in records:
        assert (site / f"{record.stem}.html").is_file(), record.name
    doc = json.loads((site / "decisions.json").read_text(encoding="utf-8"))
    assert doc["title"] == "adrkit documentation"
    assert doc["count"] == len([r for r in records if "status: draft" not in r.read_text(encoding="utf-8")])


def test_pages_link_to_each_other(site):
    readme = (site / "guides" / "readme.html").read_text(encoding="utf-8")
    assert 'href="adopting.html"' in readme and 'href="changelog.html"' in readme
    assert ".md\"" not in readme.replace('href="https://', "")


def test_the_schemas_are_served_at_their_stable_paths(site):
    for name, (file, _) in SCHEMA_NAMES.items():
        assert (site / "schemas" / file).read_text(encoding="utf-8") == schema_text(name)


def _blocks(language: str) -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_the_documented_ci_workflow_lints_builds_and_publishes_on_push_to_main():
    workflows = [yamlio.load(b) for b in _blocks("yaml") if "jobs:" in b]
    assert len(workflows) == 1
    flow = workflows[0]
    trigger = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert trigger["push"]["branches"] == ["main"]
    steps = [s.get("run", s.get("uses", "")) for s in flow["jobs"]["build"]["steps"]]
    assert any(s.startswith("adrkit lint --format github") for s in steps)
    assert any(s.startswith("adrkit build --strict") for s in steps)
    assert any(s.startswith("pip install adrkit-notebooks") for s in steps)
    deploy = flow["jobs"]["deploy"]
    assert "refs/heads/main" in deploy["if"] and deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_the_documented_pre_commit_and_editor_settings_are_well_formed():
    configs = [yamlio.load(b) for b in _blocks("yaml") if "repos:" in b]
    shipped = {h["id"] for h in yamlio.load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    for config in configs:
        ids = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
        assert ids <= shipped
    settings = [json.loads(b) for b in _blocks("json")]
    assert settings and "./.vscode/adrkit-data.schema.json" in settings[0]["yaml.schemas"]
