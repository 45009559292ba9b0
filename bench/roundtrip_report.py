"""Import, round trip, site and lint on real ADR folders, checked against an independent
human reading of every record (tests/corpora_expected/<corpus>.yaml).

    .venv/bin/python bench/roundtrip_report.py [CORPORA_DIR ...] [--json] [--no-site]

For each corpus (default: ../shared/corpora and tests/corpora), in a fresh log:

- imported: every file the reading calls a record comes in, and no other file does;
- status: the canonical status of each record is the reading's (adrkit's `draft` is
  the reading's `proposed`: the reading has no draft, its header says so);
- date and title: as the reading gives them, where it gives them (a date taken from
  the file name, or a month, stands for the reading's null);
- byte-exact: `export --format source` gives every record file back byte for byte;
- pages: `build --drafts` makes a page per record;
- broken links: every link warning of the build is a link the source already breaks
  (the import reported it as dangling or outside the folder);
- lint: `adrkit lint` finds nothing.

Prints one row per corpus, then every disagreement; `check_corpus` is what
tests/test_corpora.py asserts on and bench/bench_corpora.py reports.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPORA = ROOT.parent / "shared" / "corpora"
TEST_CORPORA = ROOT / "tests" / "corpora"
EXPECTED = ROOT / "tests" / "corpora_expected"

__all__ = ["CorpusResult", "check_corpus", "corpora_in", "default_corpora", "expected_of"]


def corpora_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def default_corpora() -> list[Path]:
    found = []
    for folder in (SHARED_CORPORA, TEST_CORPORA):
        if folder.is_dir():
            found += corpora_in(folder)
    return found


def expected_of(corpus: Path) -> dict | None:
    import yaml

    path = EXPECTED / f"{corpus.name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None


@dataclass
class CorpusResult:
    name: str
    records: int = 0              # records the reading lists
    imported: int = 0             # of those, imported
    statuses: int = 0             # of those, with the reading's status
    exact: int = 0                # of those, given back byte for byte
    pages: int = 0                # pages built
    seconds: float = 0.0
    problems: dict[str, list[str]] = field(default_factory=dict)  # kind -> lines
    error: str = ""

    def add(self, kind: str, line: str) -> None:
        self.problems.setdefault(kind, []).append(line)

    @property
    def ok(self) -> bool:
        return not self.error and not self.problems

    def count(self, kind: str) -> int:
        return len(self.problems.get(kind, []))

    def to_dict(self) -> dict:
        return {"corpus": self.name, "records": self.records, "imported": self.imported,
                "statuses": self.statuses, "byte-exact": self.exact, "pages": self.pages,
                "seconds": round(self.seconds, 2), "error": self.error, "problems": self.problems}


def _reading_status(status: str | None) -> str | None:
    return "proposed" if status == "draft" else (status or None)


def _date_agrees(got: str, want: str | None, file_date: str | None) -> bool:
    if want:
        return got == want
    return not got or len(got) < 10 or got == file_date


def check_corpus(corpus: Path, work: Path, *, site: bool = True) -> CorpusResult:
    """Every check of the module docstring on one corpus, in the folder `work`."""
    from adrkit.core.errors import AdrkitError
    from adrkit.services.exporter import export_markdown
    from adrkit.services.importer import import_markdown
    from adrkit.services.lint import lint_log
    from adrkit.storage.log import DecisionLog, init_log

    result = CorpusResult(corpus.name)
    expected = expected_of(corpus)
    if expected is None:
        result.error = f"no reading at {EXPECTED / (corpus.name + '.yaml')}"
        return result
    started = time.perf_counter()
    init_log(work)
    log = DecisionLog(work / "decisions")
    try:
        report = import_markdown(corpus, log)
        export_markdown(log, work / "source", fmt="source")
    except AdrkitError as exc:
        result.error = str(exc)
        return result
    files = {f.source: f for f in report.files}
    decisions = {r.path.stem: r.decision for r in log.records()}
    result.records = len(expected["records"])
    for want in expected["records"]:
        _check_record(corpus, work, want, files, decisions, result)
    for other in expected.get("not_records") or []:
        entry = files.get(other["path"])
        if entry is not None and entry.target:
            result.add("imported, not a record", f"{other['path']} ({other.get('reason', '')})")
    for finding in lint_log(DecisionLog(work / "decisions")):
        result.add("lint", finding.line())
    if site:
        _check_site(work, report, decisions, result)
    result.seconds = time.perf_counter() - started
    return result


def _check_record(corpus: Path, work: Path, want: dict, files: dict, decisions: dict, result: CorpusResult) -> None:
    path = want["path"]
    entry = files.get(path)
    if entry is None or entry.action not in ("created", "updated", "unchanged"):
        how = entry.action if entry else "not found"
        result.add("not imported", f"{path}: {how} " + "; ".join(n.message for n in (entry.notes if entry else [])))
        return
    result.imported += 1
    d = decisions[entry.target[:-len(".ipynb")]]
    if _reading_status(d.status) == _reading_status(want.get("status")):
        result.statuses += 1
    else:
        result.add("status", f"{path}: {d.status or None!r}, the reading says {want.get('status')!r} "
                             f"({want.get('status_text')!r})")
    file_date = (d.extra.get("source") or {}).get("file-date")
    from adrkit.formats.markdown import parse_record_name

    name = path.rsplit("/", 1)[-1] if not re.search(r"(?i)/(readme|index|_index)\.md$", path) \
        else path.rsplit("/", 2)[-2]
    file_date = file_date or parse_record_name(name).date
    if not _date_agrees(d.date, want.get("date"), file_date):
        result.add("date", f"{path}: {d.date!r}, the reading says {want.get('date')!r} ({want.get('date_text')!r})")
    if want.get("title") and d.title != want["title"]:
        result.add("title", f"{path}: {d.title!r}, the reading says {want['title']!r}")
    original = (corpus / path).read_bytes()
    back = work / "source" / path
    if back.is_file() and back.read_bytes() == original:
        result.exact += 1
    else:
        result.add("not byte-exact", f"{path}: {_first_difference(original, back)}")


def _first_difference(original: bytes, back: Path) -> str:
    if not back.is_file():
        return "not exported"
    got = back.read_bytes()
    for n, (a, b) in enumerate(zip(original.splitlines(True), got.splitlines(True)), start=1):
        if a != b:
            return f"line {n}: source {a[:70]!r}, export {b[:70]!r}"
    return f"source has {len(original)} bytes, export {len(got)}"


_QUOTED = re.compile(r"'([^']+)'")


def _check_site(work: Path, report, decisions: dict, result: CorpusResult) -> None:
    """A page per record; every link warning names a link the import found broken."""
    from adrkit.publish.build import BuildOptions, build_site
    from adrkit.storage.log import find_log

    built = build_site(find_log(start=work), BuildOptions(out=work / "site", drafts=True, parallel=False,
                                                          cache_dir=work / ".cache"))
    result.pages = built.pages
    imported = sum(1 for f in report.files if f.target and f.action in ("created", "updated", "unchanged"))
    if built.pages != imported:
        result.add("pages", f"{built.pages} pages for {imported} records")
    for failure in built.failures:
        result.add("pages", f"{Path(failure.path).name}: {failure.message}")
    broken = {}  # notebook stem -> what the import said is broken in the source
    for f in report.files:
        if f.target:
            broken[f.target[:-len(".ipynb")]] = " ".join(
                unquote(n.message) for n in f.notes if n.kind.startswith(("dangling", "outside")))
    for w in built.warnings:
        if w.kind not in ("broken-link",):
            continue
        stem = Path(w.path).stem
        said = broken.get(stem, "")
        names = [unquote(m) for m in _QUOTED.findall(w.message)]
        if not any(_mentioned(name, said) for name in names):
            result.add("broken link", f"{Path(w.path).name}: {w.message}")


def _mentioned(name: str, said: str) -> bool:
    """Whether a warning's path or stem is among the links the import reported."""
    name = name.strip()
    if not name or not said:
        return False
    variants = {name, name.rsplit("/", 1)[-1], re.sub(r"^\.\./", "", name)}
    return any(v and v in said for v in variants)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="*", help="corpus folders, or folders of corpora")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--no-site", action="store_true", help="skip the site build (faster)")
    args = parser.parse_args(argv)
    folders: list[Path] = []
    for given in args.corpora:
        path = Path(given)
        folders += [path] if expected_of(path) is not None else corpora_in(path)
    folders = folders or default_corpora()
    if not folders:
        print("no corpora found (../shared/corpora, tests/corpora)", file=sys.stderr)
        return 2
    results = []
    for corpus in folders:
        with tempfile.TemporaryDirectory(prefix="adrkit-corpus-") as tmp:
            results.append(check_corpus(corpus, Path(tmp), site=not args.no_site))
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False))
        return 0 if all(r.ok for r in results) else 1
    print(table(results))
    for r in results:
        if r.error:
            print(f"  {r.name}: failed: {r.error}")
        for kind, lines in r.problems.items():
            for line in lines:
                print(f"  {r.name}: {kind}: {line}")
    return 0 if all(r.ok for r in results) else 1


def table(results: list[CorpusResult]) -> str:
    """The figures per corpus as a markdown table."""
    lines = ["| corpus | records | imported | status as read | byte-exact | pages | new broken links | lint findings |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    total = CorpusResult("all")
    for r in results:
        lines.append(f"| {r.name} | {r.records} | {r.imported} | {r.statuses} | {r.exact} | {r.pages} | "
                     f"{r.count('broken link')} | {r.count('lint')} |" if not r.error else
                     f"| {r.name} | failed: {r.error} |")
        for attr in ("records", "imported", "statuses", "exact", "pages"):
            setattr(total, attr, getattr(total, attr) + getattr(r, attr))
    broken = sum(r.count("broken link") for r in results)
    lint = sum(r.count("lint") for r in results)
    lines.append(f"| **all {len(results)}** | {total.records} | {total.imported} | {total.statuses} | {total.exact} "
                 f"| {total.pages} | {broken} | {lint} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
