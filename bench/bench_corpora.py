"""Real ADR folders: what import, export and the site make of them, and how fast,
against adr-viewer and log4brains.

    .venv/bin/python bench/bench_corpora.py [CORPORA_DIR ...] [--runs 3] [--peer-runs 1] [--no-peers]

First, for every corpus (default: ../shared/corpora and tests/corpora; a missing folder is
named on stderr), the checks of bench/roundtrip_report.py against the independent
reading of every record: records imported, statuses as read, records given back byte
for byte by `export --format source`, pages built, broken links the source did not
already have, lint findings. That table goes into bench/README.md between the
corpora-fidelity markers on every run.

Then the timings, each command as a whole process the way a user runs it:

- `adrkit import CORPUS` into a fresh project made with `adrkit init` (a new project for
  every run, so every run imports every record);
- `adrkit build`: cold (no cache, no site), then a no-op rebuild;
- `adr-viewer` (its own venv, .peer/venv-adrviewer) on the original markdown folder.

Then log4brains (.peer/node_modules) builds log4brains' own corpus as adrkit exports it
with `--format log4brains` (top-level folder), holding .peer/.build.lock, and is compared
with adrkit's builds of that corpus and with the sum of adrkit's builds of all of them.

Times are medians of the runs (--runs for adrkit and adr-viewer, --peer-runs for
log4brains); peak memory is the largest resident memory of the whole process tree,
sampled by bench_site.run. Prints the tables with ratios and writes them into
bench/README.md between the corpora markers.
"""
from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_site import (ADR_VIEWER, LOG4BRAINS, PEER, Result, Sample, adrkit_build,  # noqa: E402
                        bench_adr_viewer, run, table, write_readme)

DEFAULT_CORPORA = [ROOT.parent / "shared" / "corpora", ROOT / "tests" / "corpora"]
START, END = "<!-- corpora-bench:start -->", "<!-- corpora-bench:end -->"
FIDELITY = "<!-- corpora-fidelity:start -->", "<!-- corpora-fidelity:end -->"
LOCK = PEER / ".build.lock"
ADRKIT = [sys.executable, "-m", "adrkit"]
L4B_ENV = {"NEXT_TELEMETRY_DISABLED": "1", "CI": "1"}


@dataclass
class CorpusRun:
    name: str
    project: Path
    records: int
    imported: Result
    cold: Result
    noop: Result
    viewer: Result | None = None
    viewer_records: int = 0


def corpora_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _shown(folder: Path) -> str:
    """A corpora folder as the README names it (relative to the repository)."""
    try:
        return f"`{os.path.relpath(folder.resolve(), ROOT)}`"
    except ValueError:
        return f"`{folder}`"


def fidelity(folders: list[Path]) -> str:
    """The checks of roundtrip_report on every corpus, as the README section."""
    from roundtrip_report import check_corpus, table

    results = []
    for corpus in folders:
        print(f"{corpus.name}: checks ...", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="adrkit-corpus-check-") as tmp:
            results.append(check_corpus(corpus, Path(tmp)))
    problems = [f"- {r.name}: {kind}: {line}" for r in results for kind, lines in r.problems.items()
                for line in lines] + [f"- {r.name}: failed: {r.error}" for r in results if r.error]
    text = ("## Import, export and site on the real corpora (`python bench/bench_corpora.py`)\n\n"
            "Each corpus imported into a fresh log and checked against the independent reading of "
            "every record in tests/corpora_expected (bench/roundtrip_report.py): records imported "
            "(and nothing else), statuses as read, records `export --format source` gives back byte "
            "for byte, pages `build --drafts` makes, link warnings of the build that the source did "
            "not already deserve, `adrkit lint` findings.\n\n" + table(results) + "\n")
    if problems:
        text += "\nDisagreements:\n\n" + "\n".join(problems) + "\n"
    return text


def quiet(cmd: list[str], cwd: Path) -> None:
    """Run an untimed setup step; stop with its error output if it fails."""
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                         f"{proc.stderr.decode(errors='replace')[-2000:]}")


def fresh_project(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    quiet(ADRKIT + ["init"], path)
    return path


def bench_corpus(corpus: Path, work: Path, runs: int, peers: bool) -> CorpusRun:
    imported = Result("adrkit import")
    for _ in range(runs):
        project = fresh_project(work / "project")
        imported.samples.append(run(ADRKIT + ["import", str(corpus)], project))
    records = len(list((project / "decisions").glob("*.ipynb")))
    cold, noop = Result("adrkit cold build"), Result("adrkit no-op rebuild")
    for _ in range(runs):
        shutil.rmtree(project / ".adrkit-cache", ignore_errors=True)
        shutil.rmtree(project / "site", ignore_errors=True)
        cold.samples.append(run(adrkit_build(project), project))
    for _ in range(runs):
        noop.samples.append(run(adrkit_build(project), project))
    result = CorpusRun(corpus.name, project, records, imported, cold, noop)
    if peers:
        try:
            result.viewer = bench_adr_viewer(corpus, work, runs)
        except SystemExit as exc:  # adr-viewer cannot read this folder's shape
            print(f"adr-viewer failed on {corpus.name}; left out for it: {str(exc)[-200:]}", file=sys.stderr)
        page = work / "adr-viewer.html"
        if result.viewer and page.is_file():
            # adr-viewer writes one collapsible panel per record it read
            result.viewer_records = page.read_text(encoding="utf-8").count('class="panel panel-default"')
    return result


L4B_CORPUS = "thomvaill__log4brains"


def log4brains_project(corpus: CorpusRun, project: Path) -> int:
    """Export `corpus` with `--format log4brains` into `project`/docs/adr and write a
    .log4brains.yml for it. log4brains reads the ADR folder's top level only (a
    subfolder needs a package entry of its own), so subfolders are left out. Returns
    the number of records in the folder."""
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    out = project / "docs" / "adr"
    quiet(ADRKIT + ["export", "--format", "log4brains", "--out", str(out)], corpus.project)
    for sub in [p for p in out.iterdir() if p.is_dir()]:
        shutil.rmtree(sub)
    (project / ".log4brains.yml").write_text(
        "project:\n  name: Real corpora\n  tz: Etc/UTC\n  adrFolder: ./docs/adr\n", encoding="utf-8")
    return len(list(out.glob("*.md")))


def bench_log4brains(project: Path, runs: int) -> tuple[Result, int] | None:
    """`log4brains build` on `project`, holding the peer lock: log4brains builds inside
    its own install (a Next.js project under node_modules), so two builds at once from
    one install spoil each other. Returns the result and the ADRs in its adrs.json."""
    if not LOG4BRAINS.exists():
        print(f"log4brains not found at {LOG4BRAINS}: npm install --prefix {PEER} log4brains", file=sys.stderr)
        return None
    result = Result("log4brains build")
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for _ in range(runs):
            for attempt in range(2):
                shutil.rmtree(project / "out", ignore_errors=True)
                shutil.rmtree(project / ".log4brains", ignore_errors=True)
                try:
                    result.samples.append(run([str(LOG4BRAINS), "build", "--out", "out"], project, L4B_ENV))
                    break
                except SystemExit as exc:
                    if attempt:
                        raise
                    print(f"log4brains build failed, retrying once: {str(exc)[-300:]}", file=sys.stderr)
    # log4brains can exit 0 when some pages failed to render; its ADR data file is
    # written only by a build that succeeded
    data = sorted((project / "out" / "data").glob("*/adrs.json"))
    if not data:
        raise SystemExit(f"log4brains build in {project} wrote no out/data/*/adrs.json: it failed")
    return result, len(json.loads(data[-1].read_text(encoding="utf-8")))


def total(name: str, results: list[Result]) -> Result:
    """The sum of the medians and the largest peak of several separate processes."""
    return Result(name, [Sample(sum(r.seconds for r in results), max(r.peak_mb for r in results))])


def corpus_table(rows: list[CorpusRun], peers: bool) -> str:
    head = "| corpus | records | import | cold build | no-op rebuild | peak memory (cold) |"
    rule = "| --- | ---: | ---: | ---: | ---: | ---: |"
    if peers:
        head += " adr-viewer (records) | adr-viewer peak | cold / adr-viewer | no-op / adr-viewer |"
        rule += " ---: | ---: | ---: | ---: |"
    lines = [head, rule]
    for r in rows:
        line = (f"| {r.name} | {r.records} | {r.imported.seconds:.2f} s | {r.cold.seconds:.2f} s | "
                f"{r.noop.seconds:.2f} s | {r.cold.peak_mb:.0f} MB |")
        if peers:
            v = r.viewer
            line += (f" {v.seconds:.2f} s ({r.viewer_records}) | {v.peak_mb:.0f} MB | "
                     f"{r.cold.seconds / v.seconds:.1f}x | {r.noop.seconds / v.seconds:.1f}x |"
                     if v else " - | - | - | - |")
        lines.append(line)
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="*", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--runs", type=int, default=3, help="runs of each adrkit and adr-viewer command")
    ap.add_argument("--peer-runs", type=int, default=1, help="runs of log4brains (about 1-2 min each)")
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args()

    folders = []
    for given in args.corpora:
        if given.is_dir():
            folders += corpora_in(given)
        else:
            print(f"no ADR corpora at {given}; left out", file=sys.stderr)
    if not folders:
        print("skipped: no ADR corpora (folders of ADR folders, such as ../shared/corpora)", file=sys.stderr)
        return 0
    checked = fidelity(folders)
    print(checked)
    write_readme(checked, *FIDELITY)
    peers = not args.no_peers
    if peers and not ADR_VIEWER.exists():
        print(f"adr-viewer not found at {ADR_VIEWER}; its columns are left out", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="adrkit-corpora-bench-") as tmp:
        work = Path(tmp)
        rows: list[CorpusRun] = []
        for corpus in folders:
            print(f"{corpus.name} ...", file=sys.stderr)
            rows.append(bench_corpus(corpus, work / corpus.name, args.runs, peers))
        viewer_ok = peers and any(r.viewer for r in rows)
        seen = [r for r in rows if r.viewer and r.viewer_records]  # the corpora adr-viewer found records in
        records = sum(r.records for r in rows)
        n = len(rows)
        sums = [total(f"adrkit import ({n} processes, summed)", [r.imported for r in rows]),
                total(f"adrkit cold build ({n} processes, summed)", [r.cold for r in rows]),
                total(f"adrkit no-op rebuild ({n} processes, summed)", [r.noop for r in rows])]
        if viewer_ok and seen:
            sums.append(total(f"adr-viewer ({len(seen)} processes, summed; {sum(r.viewer_records for r in seen)} "
                              f"records read)", [r.viewer for r in seen]))
            if len(seen) < n:  # else they are the rows above
                sums.append(total(f"adrkit cold build of the same {len(seen)} corpora (summed)",
                                  [r.cold for r in seen]))
                sums.append(total(f"adrkit no-op rebuild of the same {len(seen)} corpora (summed)",
                                  [r.noop for r in seen]))
        l4b = l4b_row = None
        own = [r for r in rows if r.name == L4B_CORPUS]
        if peers and not own:
            print(f"log4brains skipped: its own corpus {L4B_CORPUS} is not in {args.corpora}", file=sys.stderr)
        elif peers:
            l4b_row = own[0]
            exported = log4brains_project(l4b_row, work / "log4brains")
            print(f"log4brains on {exported} exported records of {L4B_CORPUS} ...", file=sys.stderr)
            try:
                l4b = bench_log4brains(work / "log4brains", args.peer_runs)
            except SystemExit as exc:
                print(f"log4brains left out of the tables: {exc}", file=sys.stderr)

    cold = sums[1]
    verdicts = []
    l4b_table = ""
    if l4b and l4b_row:
        result, adrs = l4b
        result.name = f"log4brains build ({adrs} records read)"
        l4b_table = table([l4b_row.cold, l4b_row.noop, result], f"{L4B_CORPUS}: {l4b_row.records}") + "\n\n"
        t, m = l4b_row.cold.seconds / result.seconds, l4b_row.cold.peak_mb / result.peak_mb
        verdicts.append(f"- {L4B_CORPUS}: adrkit cold build vs log4brains: {t:.3f}x the time (1/{1 / t:.0f}); "
                        f"peak memory {m:.3f}x (1/{1 / m:.1f}); no-op rebuild "
                        f"{l4b_row.noop.seconds / result.seconds:.3f}x the time")
        verdicts.append(f"- all corpora: adrkit's {n} cold builds (summed, {records} records) take "
                        f"{cold.seconds / result.seconds:.3f}x the time of log4brains' one build of "
                        f"{adrs} records")
    if viewer_ok and seen:
        v, cold_seen, noop_seen = (sums[3], sums[4], sums[5]) if len(sums) > 4 else (sums[3], sums[1], sums[2])
        verdicts.append(f"- adrkit cold builds vs adr-viewer (both summed over the corpora adr-viewer found records in): "
                        f"{cold_seen.seconds / v.seconds:.1f}x the time; no-op rebuilds "
                        f"{noop_seen.seconds / v.seconds:.1f}x")

    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    command = f"python bench/bench_corpora.py --runs {args.runs} --peer-runs {args.peer_runs}"
    if args.no_peers:
        command += " --no-peers"
    notes = [
        f"Each corpus of {' and '.join(_shown(p) for p in args.corpora)} is imported with `adrkit import` into a fresh project made "
        f"with `adrkit init` (new project each run, so every record is written each time), then built "
        f"cold (no cache, no site) and rebuilt with nothing changed. Each command is a whole process, "
        f"interpreter start-up included; times are medians of {args.runs} runs, peak memory is the "
        f"largest over the process tree.",
    ]
    if peers:
        notes.append(
            "adr-viewer reads each original markdown folder, top level only (the records it read "
            "are in brackets), and writes one page with no search, no per-decision pages and no "
            "graph.")
        notes.append(
            f"log4brains takes one to two minutes a build, so it runs {args.peer_runs} time(s), on "
            f"its own corpus ({L4B_CORPUS}, the one corpus in its format) as `adrkit export --format "
            f"log4brains` writes it, top-level folder only (log4brains reads subfolders only as "
            f"separately configured packages; adrkit builds all {l4b_row.records if l4b_row else 0} "
            f"records). Not on every corpus at once: on one folder holding the seven corpora of "
            f"../shared/corpora, one "
            f"log4brains package each, log4brains 1.x fails to render the records superseded within "
            f"a package ('You forgot to pass the superseder'). Its Next.js cache lives inside its "
            f"install and is not cleared between builds.")
    text = (f"## Real corpora ({machine}; `{command}`)\n\n" + "\n\n".join(notes) + "\n\n"
            + corpus_table(rows, viewer_ok) + "\n\n"
            + table(sums, f"all {n} corpora, {records}") + "\n\n" + l4b_table + "\n".join(verdicts) + "\n")
    print(text)
    write_readme(text, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
