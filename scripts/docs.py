"""Build adrkit's documentation site with adrkit: the README, the guides in docs/ and
the changelog as guide pages, the tutorial notebooks of notebooks/, and adrkit's own
architecture decisions (decisions/), plus the JSON Schemas under schemas/.

    python scripts/docs.py [OUT]      (default OUT: site-docs/)

Markdown files become one-cell guide notebooks in a temporary folder; links between
them are pointed at their pages. Exit 1 if the build warned about anything.
"""
from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# markdown file -> the name of its guide page (guides/<name>.html)
PAGES = {"README.md": "readme", "docs/adopting.md": "adopting", "CHANGELOG.md": "changelog"}


def _point_links(text: str, source: str) -> str:
    """Links to another documented markdown file go to its guide notebook (the build turns that into a link to its page); anchors are kept."""
    here = Path(source).parent

    def replace(match: re.Match) -> str:
        target, anchor = match.group(2), match.group(3) or ""
        resolved = (here / target).as_posix()
        resolved = str(Path(resolved)) if not resolved.startswith("..") else resolved
        for name, page in PAGES.items():
            if Path(resolved) == Path(name):
                return f"{match.group(1)}({page}.ipynb{anchor})"
        return match.group(0)

    return re.sub(r"(\]\s*)\(([^()\s#]+\.md)(#[^()\s]*)?\)", replace, text)


def _markdown_guides(folder: Path) -> None:
    import nbformat

    for source, page in PAGES.items():
        text = _point_links((ROOT / source).read_text(encoding="utf-8"), source)
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(text, id=f"{page}-text")]
        nbformat.write(nb, folder / f"{page}.ipynb")


def build_docs(out: Path, *, cache: Path | None = None) -> int:
    from adrkit.formats.jsonschemas import SCHEMA_NAMES, schema_text
    from adrkit.publish import BuildOptions, build_site
    from adrkit.storage.log import find_log

    with tempfile.TemporaryDirectory(prefix="adrkit-docs-") as tmp:
        guides = Path(tmp) / "guides"
        guides.mkdir()
        _markdown_guides(guides)
        log = find_log(str(ROOT / "decisions"))
        options = BuildOptions(out=out, guides=[guides, ROOT / "notebooks"],
                               cache_dir=cache or Path(tmp) / "cache")
        report = build_site(log, options, progress=lambda m: print(f"docs: {m}", file=sys.stderr))
    for problem in [*report.failures, *report.warnings]:
        print(f"docs: {problem}", file=sys.stderr)
    schemas = out / "schemas"
    schemas.mkdir(exist_ok=True)
    for name, (file, _) in SCHEMA_NAMES.items():
        (schemas / file).write_text(schema_text(name), encoding="utf-8")
    print(out)
    return 1 if report.failures or report.warnings else 0


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site-docs"
    sys.exit(build_docs(target.resolve()))
