"""Round-trip fidelity on real ADR folders: import each corpus into a fresh decision
log, export it back to each record's own format, and compare every record's text
with its source.

    .venv/bin/python bench/roundtrip_report.py [CORPORA_DIR] [--json]

Prints one row per corpus: records, the share reproduced exactly after normalizing
whitespace and line endings, the share byte-identical, and the worst similarity
(difflib ratio); then each record that is not exact, with the first difference.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"


def normalize(text: str) -> str:
    """Line endings to LF, trailing spaces off every line, runs of blank lines to one,
    no blank lines at either end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


@dataclass
class RecordResult:
    source: str
    exact: bool
    byte_exact: bool
    ratio: float
    reason: str = ""


@dataclass
class CorpusResult:
    name: str
    records: list[RecordResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    @property
    def exact_share(self) -> float:
        return sum(r.exact for r in self.records) / len(self.records) if self.records else 0.0

    @property
    def byte_share(self) -> float:
        return sum(r.byte_exact for r in self.records) / len(self.records) if self.records else 0.0

    @property
    def worst(self) -> float:
        return min((r.ratio for r in self.records), default=1.0)

    def to_dict(self) -> dict:
        return {"corpus": self.name, "records": len(self.records), "exact": self.exact_share,
                "byte-exact": self.byte_share, "worst-similarity": self.worst, "seconds": self.seconds,
                "error": self.error,
                "not-exact": [{"source": r.source, "similarity": r.ratio, "reason": r.reason}
                              for r in self.records if not r.exact]}


def similarity(a: str, b: str) -> float:
    """difflib's ratio over characters; over lines for long texts, where the
    character comparison is quadratic."""
    if len(a) + len(b) <= 40000:
        return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return difflib.SequenceMatcher(None, a.split("\n"), b.split("\n"), autojunk=False).ratio()


def _first_difference(a: str, b: str) -> str:
    la, lb = a.split("\n"), b.split("\n")
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}: source {x[:70]!r} vs export {y[:70]!r}"
    return f"source has {len(la)} lines, export {len(lb)}"


def roundtrip(corpus: Path, work: Path) -> CorpusResult:
    """Import `corpus` into `work`/decisions, export with --format source into
    `work`/out, and compare file by file."""
    from adrkit.core.errors import AdrkitError
    from adrkit.services.exporter import export_markdown
    from adrkit.services.importer import import_markdown
    from adrkit.storage.log import DecisionLog

    result = CorpusResult(corpus.name)
    started = time.perf_counter()
    log = DecisionLog(work / "decisions")
    out = work / "out"
    try:
        report = import_markdown(corpus, log)
        export_markdown(log, out, fmt="source")
    except AdrkitError as exc:
        result.error = str(exc)
        return result
    for file in report.files:
        if file.action not in ("created", "updated", "unchanged"):
            continue
        source = corpus / file.source
        exported = out / file.source
        original = source.read_bytes()
        if not exported.is_file():
            result.records.append(RecordResult(file.source, False, False, 0.0, "not exported"))
            continue
        back = exported.read_bytes()
        a, b = normalize(original.decode("utf-8")), normalize(back.decode("utf-8"))
        exact = a == b
        ratio = 1.0 if exact else similarity(a, b)
        result.records.append(RecordResult(file.source, exact, original == back, ratio,
                                           "" if exact else _first_difference(a, b)))
    result.seconds = time.perf_counter() - started
    return result


def corpora_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="?", default=str(DEFAULT_CORPORA))
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    folder = Path(args.corpora)
    if not folder.is_dir():
        print(f"no corpora at {folder}", file=sys.stderr)
        return 2
    results = []
    for corpus in corpora_in(folder):
        with tempfile.TemporaryDirectory(prefix="adrkit-roundtrip-") as tmp:
            results.append(roundtrip(corpus, Path(tmp)))
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
        return 0
    width = max(len(r.name) for r in results)
    print(f"{'corpus':<{width}}  records  exact   bytes   worst    seconds")
    for r in results:
        if r.error:
            print(f"{r.name:<{width}}  failed: {r.error}")
            continue
        print(f"{r.name:<{width}}  {len(r.records):>7}  {r.exact_share:>6.1%}  {r.byte_share:>6.1%}  "
              f"{r.worst:.4f}  {r.seconds:>7.2f}")
    total = [x for r in results for x in r.records]
    if total:
        print(f"{'all':<{width}}  {len(total):>7}  {sum(x.exact for x in total) / len(total):>6.1%}  "
              f"{sum(x.byte_exact for x in total) / len(total):>6.1%}  {min(x.ratio for x in total):.4f}")
    for r in results:
        for x in r.records:
            if not x.exact:
                print(f"  {r.name}/{x.source}: similarity {x.ratio:.4f}; {x.reason}")
    return 0 if all(not r.error for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
