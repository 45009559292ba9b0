"""The package as a team gets it: `python -m build` makes an sdist and, from that sdist
alone, a wheel; the wheel installs into a fresh virtualenv outside this checkout, and
every command a new user meets works there with nothing from the checkout: `init`,
`new` from every template, `build` (and `build --execute`), `export`, `import`,
`lab --help`, `doctor`, `schema`. Their stderr carries no warning or traceback. And
`pipx install` of the wheel gives a working `adrkit` command.

Slow (it installs adrkit's dependencies from the package index or pip's cache), and
run in CI like every other test."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from adrkit.about import DISTRIBUTION, __version__

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ("madr", "madr-minimal", "nygard", "backend")
NOISE = ("Traceback", "Warning", "WARNING", "warn(", "without encryption", "DeprecationWarning")

pytestmark = pytest.mark.slow


def _run(cmd, *, cwd, env=None, timeout=900, ok=True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    if ok:
        assert proc.returncode == 0, f"{cmd}: {proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", out, ROOT], cwd=out)
    return out


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh virtualenv, outside the checkout, with only the wheel installed."""
    where = tmp_path_factory.mktemp("fresh") / "venv"
    base = getattr(sys, "_base_executable", None) or sys.executable
    _run([base, "-m", "venv", where], cwd=where.parent)
    wheel = next(dist.glob("*.whl"))
    _run([where / "bin" / "python", "-m", "pip", "install", "-q", wheel], cwd=where.parent)
    return where


def _env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "ADRKIT_DIR", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["SOURCE_DATE_EPOCH"] = "1767225600"
    return env


def test_the_sdist_and_wheel_carry_the_package_data_and_no_checkout_files(dist):
    wheel = next(dist.glob("*.whl"))
    assert wheel.name == f"{DISTRIBUTION.replace('-', '_')}-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in TEMPLATES:
        assert f"adrkit/formats/templates/{template}.ipynb" in names
    for schema in ("front-matter", "data", "decisions"):
        assert f"adrkit/formats/schemas/{schema}.schema.json" in names
    for asset in ("adrkit/publish/assets/adrkit.css", "adrkit/publish/assets/adrkit.js",
                  "adrkit/publish/templates/site/decision.html.j2", "adrkit/render/templates/tradeoff.html.j2"):
        assert asset in names
    assert not [n for n in names if n.startswith(("tests/", "notebooks/", "decisions/"))]
    meta = zipfile.ZipFile(wheel).read(
        f"{DISTRIBUTION.replace('-', '_')}-{__version__}.dist-info/METADATA").decode()
    assert f"Name: {DISTRIBUTION}\n" in meta and f"Version: {__version__}\n" in meta
    sdist = next(dist.glob("*.tar.gz"))
    members = tarfile.open(sdist).getnames()
    top = f"{DISTRIBUTION.replace('-', '_')}-{__version__}"
    for needed in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "adrkit/formats/schemas/data.schema.json"):
        assert f"{top}/{needed}" in members, needed


def test_every_first_command_works_from_the_installed_wheel(venv, tmp_path):
    env = _env(venv)
    adrkit = venv / "bin" / "adrkit"
    where = _run([venv / "bin" / "python", "-c", "import adrkit, sys; print(adrkit.__file__)"],
                 cwd=tmp_path, env=env).stdout.strip()
    assert Path(where).is_relative_to(venv), where

    def run(*args, cwd=tmp_path):
        proc = _run([adrkit, *args], cwd=cwd, env=env)
        noisy = [line for line in proc.stderr.splitlines() if any(n in line for n in NOISE)]
        assert not noisy, f"adrkit {' '.join(args)}: {noisy}"
        return proc

    assert run("--version").stdout.strip() == f"adrkit {__version__} (the {DISTRIBUTION} package)"
    run("init")
    made = [run("new", f"Decide with {t}", "--template", t).stdout.strip() for t in TEMPLATES]
    assert [Path(p).name for p in made] == ["0001-decide-with-madr.ipynb", "0002-decide-with-madr-minimal.ipynb",
                                            "0003-decide-with-nygard.ipynb", "0004-decide-with-backend.ipynb"]
    run("status", "1", "accepted")
    assert run("lint").returncode == 0

    run("build", "--out", "site")
    site = tmp_path / "site"
    for page in ("index.html", "decisions.json", "assets/adrkit.css", *[Path(p).stem + ".html" for p in made]):
        assert (site / page).is_file(), page
    assert json.loads((site / "decisions.json").read_text())["count"] == 4
    run("build", "--execute", "--out", "site-executed")  # the kernel starts quietly
    assert (tmp_path / "site-executed" / "index.html").is_file()

    run("export", "--format", "madr", "--out", "exported")
    exported = sorted(p.name for p in (tmp_path / "exported").glob("*.md"))
    assert len(exported) == 4

    legacy = tmp_path / "legacy" / "doc" / "adr"
    legacy.mkdir(parents=True)
    (legacy / "0001-record-architecture-decisions.md").write_text(
        "# 1. Record architecture decisions\n\nDate: 2025-01-02\n\n## Status\n\nAccepted\n\n"
        "## Context\n\nWe need to record decisions.\n\n## Decision\n\nWe will use ADRs.\n\n"
        "## Consequences\n\nSee Michael Nygard's article.\n")
    (legacy / "0002-use-postgresql.md").write_text(
        "# 2. Use PostgreSQL\n\nDate: 2025-02-03\n\n## Status\n\nSuperceded by [3. Use CockroachDB](0003-use-cockroachdb.md)\n\n"
        "## Context\n\nOrders need a store.\n\n## Decision\n\nPostgreSQL.\n\n## Consequences\n\nOne more server.\n")
    (legacy / "0003-use-cockroachdb.md").write_text(
        "# 3. Use CockroachDB\n\nDate: 2025-03-04\n\n## Status\n\nAccepted\n\nSupercedes [2. Use PostgreSQL](0002-use-postgresql.md)\n\n"
        "## Context\n\nMore regions.\n\n## Decision\n\nCockroachDB.\n\n## Consequences\n\nA new database.\n")
    importer = tmp_path / "legacy"
    run("init", cwd=importer)
    run("import", "doc/adr", cwd=importer)
    listed = json.loads(run("list", "--json", cwd=importer).stdout)
    assert [(d["number"], d["status"]) for d in listed] == [(1, "accepted"), (2, "superseded"), (3, "accepted")]

    assert "JupyterLab" in run("lab", "--help").stdout
    report = json.loads(run("doctor", "--json").stdout)
    assert report["adrkit"] == {**report["adrkit"], "version": __version__, "distribution": DISTRIBUTION}
    assert Path(report["adrkit"]["location"]).is_relative_to(venv)
    assert report["renderer"]["name"]  # something draws diagrams in a fresh install
    for name in ("front-matter", "data", "decisions"):
        assert json.loads(run("schema", name).stdout)["title"]


def test_pipx_installs_the_wheel_as_the_adrkit_command(dist, tmp_path):
    pipx = Path(sys.executable).with_name("pipx")
    if not pipx.exists():
        pytest.fail("pipx is not installed; run scripts/setup.sh --test")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(tmp_path / "bin"),
               PIPX_MAN_DIR=str(tmp_path / "man"))
    _run([pipx, "install", next(dist.glob("*.whl"))], cwd=tmp_path, env=env)
    adrkit = tmp_path / "bin" / "adrkit"
    proc = _run([adrkit, "--version"], cwd=tmp_path, env=env)
    assert proc.stdout.strip() == f"adrkit {__version__} (the {DISTRIBUTION} package)"
    log = tmp_path / "project"
    log.mkdir()
    for args in (["init"], ["new", "Use PostgreSQL for orders"], ["build"]):
        _run([adrkit, *args], cwd=log, env=env)
    assert (log / "site" / "0001-use-postgresql-for-orders.html").is_file()
