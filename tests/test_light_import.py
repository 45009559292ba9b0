"""`import adrkit` and `adrkit --help` must stay light: no pandas, nbconvert,
ipywidgets or graphviz (checked in a fresh interpreter)."""
import subprocess
import sys

HEAVY = ("pandas", "nbconvert", "ipywidgets", "graphviz", "IPython", "nbformat", "jinja2", "nh3")


def _loaded_after(code: str) -> set[str]:
    probe = (f"import sys\n{code}\n"
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_import_adrkit_is_light():
    assert _loaded_after("import adrkit, adrkit.core.decision, adrkit.storage.log, adrkit.services.lint") == set()


def test_cli_help_is_light():
    code = ("import contextlib, io\nfrom adrkit.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(['--help'])\n    except SystemExit:\n        pass")
    assert _loaded_after(code) == set()


def test_cli_list_is_light(tmp_path):
    code = ("import os\nos.chdir(%r)\nfrom adrkit.cli import main\n"
            "from adrkit.storage.log import init_log\ninit_log(__import__('pathlib').Path('.'))\n"
            "import contextlib, io\nwith contextlib.redirect_stdout(io.StringIO()):\n    main(['list'])" % str(tmp_path))
    assert _loaded_after(code) == set()
