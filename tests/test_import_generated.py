"""`adrkit import` on ADR folders in every common real-world shape (see adrfolders.py),
checked against the ground truth each folder is generated with.

For each folder, in a fresh project: `adrkit init`, `adrkit import FOLDER --json`, then
the invariants, each a function below that returns what it found wrong:

- imported:  exit 0; one decision per record file, none for README/index/template
             files or the extra markdown parts of a record; numbers kept from the names
             (date-named records numbered in date order; all numbers distinct);
- fields:    title, status (none when the record states none), date (when given) and
             the successor of a superseded record, as the record states them;
- reimport:  importing the same folder again changes nothing;
- lint:      `adrkit lint --json` finds nothing;
- export:    `adrkit export --format source` gives every record file back byte for byte
             at its own relative path, with a folder-per-record's sibling files;
- site:      `adrkit build --drafts` succeeds with a page per record; every link between
             records on a page leads to the target's page (and a `#anchor` to the heading
             it named there); no warning about a link, as the source breaks none.

Two kinds of test: `test_generated_folder_is_imported_faithfully` draws folders with
hypothesis (shrunk to a small one on failure, printed with its files and truth), and
`test_shape[SHAPE-INVARIANT]` runs one hand-written folder per shape, so a failure names
the shape and the invariant at once (`-k "naming and export"`).

adrkit is driven through its command line only (`adrkit.cli.main`, in this process;
ADRKIT_GEN_SUBPROCESS=1 runs `python -m adrkit` instead).

Settings (environment):
    ADRKIT_GEN_EXAMPLES=N      generated folders per run (default 40)
    ADRKIT_GEN_SHRINK=0        report the first failing folder as drawn, without shrinking it
    ADRKIT_GEN_INVARIANTS=a,b  check only these invariants (e.g. fields,export)
"""
from __future__ import annotations

import contextlib
import datetime as dt
import html.parser
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings

from adrfolders import (DATE_NAMINGS, AdrFolder, LinkSpec, adr_folders, folder_spec, record_spec,
                        render)

FIXED_EPOCH = "1767225600"
EXAMPLES = int(os.environ.get("ADRKIT_GEN_EXAMPLES", "40"))
SHRINK = os.environ.get("ADRKIT_GEN_SHRINK", "1") not in ("", "0")
SUBPROCESS = os.environ.get("ADRKIT_GEN_SUBPROCESS", "") not in ("", "0")
INVARIANTS = ("imported", "fields", "reimport", "lint", "export", "site")
CHOSEN = tuple(x for x in INVARIANTS
               if x in (os.environ.get("ADRKIT_GEN_INVARIANTS") or ",".join(INVARIANTS)).split(","))


# --- running adrkit ----------------------------------------------------------------------

@dataclass
class Result:
    code: int
    out: str
    err: str

    def tail(self, lines: int = 6) -> str:
        text = (self.err or self.out).strip().splitlines()
        return "\n      ".join(text[-lines:])


def adrkit(*args, cwd: Path) -> Result:
    """Run one adrkit command in `cwd` with a fixed date, as a user would."""
    argv = [str(a) for a in args]
    if SUBPROCESS:
        env = {k: v for k, v in os.environ.items() if k != "ADRKIT_DIR"}
        env.update(SOURCE_DATE_EPOCH=FIXED_EPOCH, PYTHONIOENCODING="utf-8")
        proc = subprocess.run([sys.executable, "-m", "adrkit", *argv], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=300)
        return Result(proc.returncode, proc.stdout, proc.stderr)
    from adrkit.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_cwd, saved_env = os.getcwd(), dict(os.environ)
    os.chdir(cwd)
    os.environ.pop("ADRKIT_DIR", None)
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except Exception:  # a crash is a finding, reported with its traceback
                traceback.print_exc()
                code = 70
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return Result(int(code or 0), out.getvalue(), err.getvalue())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def first_difference(want: bytes, got: bytes) -> str:
    for n, (a, b) in enumerate(zip(want.splitlines(True), got.splitlines(True)), start=1):
        if a != b:
            return f"line {n}: want {a!r}, got {b!r}"
    return f"lengths differ: want {len(want)} bytes, got {len(got)} bytes (ends {want[-12:]!r} / {got[-12:]!r})"


# --- one folder through adrkit ---------------------------------------------------------

class Run:
    """A generated folder written to disk and imported into a fresh decision log; the
    other commands run on demand, once each."""

    def __init__(self, folder: AdrFolder, base: Path):
        self.folder = folder
        self.truth = folder.truth
        self.src = base / "repo" / "doc" / "adr"
        self.project = base / "project"
        folder.write(self.src)
        self.project.mkdir(parents=True)
        init = adrkit("init", cwd=self.project)
        assert init.code == 0, init.err
        self.log = self.project / "decisions"
        self.first = adrkit("import", self.src, "--json", cwd=self.project)
        self.report = _json(self.first.out)
        self._cache: dict[str, object] = {}

    @property
    def ok(self) -> bool:
        return self.first.code == 0 and isinstance(self.report, dict)

    @property
    def stems(self) -> dict[str, str]:
        """record path -> the stem of the decision made from it."""
        out = {}
        for f in (self.report or {}).get("files", []):
            target = f.get("target")
            if target and f.get("action") in ("created", "updated", "unchanged"):
                out[f["source"]] = target[:-len(".ipynb")] if target.endswith(".ipynb") else target
        return out

    def decisions(self) -> dict[str, dict]:
        """stem -> `list --json` entry."""
        if "list" not in self._cache:
            res = adrkit("list", "--json", cwd=self.project)
            data = _json(res.out) if res.code == 0 else None
            self._cache["list"] = ({d["stem"]: d for d in data} if isinstance(data, list) else {}, res)
        return self._cache["list"][0]  # type: ignore[index]


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


# --- the invariants ----------------------------------------------------------------------

def check_imported(run: Run) -> list[str]:
    problems = []
    files = {f["source"]: f for f in run.report.get("files", [])}
    stems = run.stems
    for rec in run.truth.records:
        entry = files.get(rec.path)
        if entry is None or rec.path not in stems:
            how = f"action {entry['action']!r}" if entry else "not in the report"
            why = "; ".join(n["message"] for n in (entry or {}).get("notes", []))[:200]
            problems.append(f"{rec.path}: is a record but was not imported ({how}) {why}".rstrip())
    for path in run.truth.non_records + tuple(p for p in run.folder.files if p.endswith("/details.md")):
        entry = files.get(path)
        if entry and entry.get("target"):
            problems.append(f"{path}: is not a record but was imported as {entry['target']}")
    targets = [stems[r.path] for r in run.truth.records if r.path in stems]
    if len(set(targets)) != len(targets):
        problems.append(f"two records became one decision: {sorted(targets)}")
    decisions = run.decisions()
    if len(decisions) != len(run.truth.records):
        problems.append(f"the log lists {len(decisions)} decision(s) for {len(run.truth.records)} record(s)")
    numbers = {}
    for rec in run.truth.records:
        d = decisions.get(stems.get(rec.path, ""))
        if d is None:
            continue
        numbers[rec.path] = d["number"]
        if rec.number is not None and d["number"] != rec.number:
            problems.append(f"{rec.path}: number {d['number']}, but the file name says {rec.number}")
    if len(set(numbers.values())) != len(numbers):
        problems.append(f"numbers used twice: {numbers}")
    dated = [r for r in run.truth.records if r.file_date and r.path in numbers]
    for a in dated:
        for b in dated:
            if a.file_date < b.file_date and numbers[a.path] > numbers[b.path]:
                problems.append(f"{a.path} ({a.file_date}) is numbered {numbers[a.path]}, after "
                                f"{b.path} ({b.file_date}) numbered {numbers[b.path]}: not in date order")
    return problems


def check_fields(run: Run) -> list[str]:
    problems = []
    stems, decisions = run.stems, run.decisions()
    for rec in run.truth.records:
        d = decisions.get(stems.get(rec.path, ""))
        if d is None:
            continue
        if d.get("title") != rec.title:
            problems.append(f"{rec.path}: title {d.get('title')!r}, want {rec.title!r}")
        status = d.get("status") or None
        if status != rec.status:
            said = f"status {rec.status_words!r}" if rec.status_words else "no status"
            problems.append(f"{rec.path}: status {status!r}, want {rec.status!r} (the record says {said})")
        if rec.date is not None and d.get("date") != rec.date:
            problems.append(f"{rec.path}: date {d.get('date')!r}, want {rec.date!r}")
        if rec.successor is not None:
            want = stems.get(rec.successor)
            if want not in (d.get("superseded-by") or []):
                problems.append(f"{rec.path}: superseded-by {d.get('superseded-by')}, want [{want}] "
                                f"(the record says {rec.status_words!r})")
    return problems


def check_reimport(run: Run) -> list[str]:
    before = snapshot(run.log)
    again = adrkit("import", run.src, "--json", cwd=run.project)
    if again.code != 0:
        return [f"second import exited {again.code}: {again.tail()}"]
    problems = []
    after = snapshot(run.log)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        problems.append(f"second import changed {changed}")
    summary = (_json(again.out) or {}).get("summary", {})
    if summary.get("created") or summary.get("updated"):
        problems.append(f"second import reports {summary}")
    return problems


def check_lint(run: Run) -> list[str]:
    res = adrkit("lint", "--json", cwd=run.project)
    findings = _json(res.out)
    if not isinstance(findings, list):
        return [f"lint exited {res.code} without JSON: {res.tail()}"]
    problems = [f"{f.get('path')}: {f.get('field')}: {f.get('message')} [{f.get('code')}]"
                for f in findings]
    if res.code != 0 and not problems:
        problems.append(f"lint exited {res.code}: {res.tail()}")
    return problems


def check_export(run: Run) -> list[str]:
    out = run.project / "export-source"
    res = adrkit("export", "--format", "source", "--out", out, cwd=run.project)
    if res.code != 0:
        return [f"export --format source exited {res.code}: {res.tail()}"]
    problems = []
    for rel in run.truth.export:
        want = run.folder.files[rel]
        path = out / rel
        if not path.is_file():
            near = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
                          and p.name.split(".")[0][:4] == Path(rel).name.split(".")[0][:4])[:3]
            problems.append(f"export: {rel} missing" + (f" (written: {near})" if near else ""))
        elif path.read_bytes() != want:
            problems.append(f"export: {rel} differs: {first_difference(want, path.read_bytes())}")
    return problems


class _Page(html.parser.HTMLParser):
    """Anchors (href, text) and ids (id -> (tag, text)) of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self.ids: dict[str, tuple[str, str]] = {}
        self._a: list[tuple[str, list[str]]] = []
        self._open: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            self._a.append((a.get("href") or "", []))
        if a.get("id"):
            self.ids.setdefault(a["id"], (tag, ""))
            if re.fullmatch(r"h[1-6]", tag):
                self._open.append((tag, a["id"], []))

    def handle_endtag(self, tag):
        if tag == "a" and self._a:
            href, text = self._a.pop()
            self.anchors.append((href, " ".join("".join(text).split())))
        if self._open and self._open[-1][0] == tag:
            _, ident, text = self._open.pop()
            self.ids[ident] = (tag, " ".join("".join(text).split()))

    def handle_data(self, data):
        for _, text in self._a:
            text.append(data)
        for _, _, text in self._open:
            text.append(data)


_LINK_WARNING = re.compile(r"link|points outside|does not exist|not a decision", re.I)


def check_site(run: Run) -> list[str]:
    site = run.project / "site-out"
    res = adrkit("build", "--drafts", "--out", site, cwd=run.project)
    problems = []
    if res.code != 0:
        problems.append(f"build exited {res.code}: {res.tail()}")
    for line in res.err.splitlines():
        if line.startswith("adrkit: warning:") and _LINK_WARNING.search(line):
            problems.append("build " + line[len("adrkit: "):])
    index = _json((site / "decisions.json").read_text("utf-8")) if (site / "decisions.json").is_file() else None
    if not isinstance(index, dict):
        return problems + ["build wrote no decisions.json"]
    urls = {d.get("stem"): d.get("url") for d in index.get("decisions", [])}
    stems = run.stems
    pages: dict[str, _Page] = {}
    for rec in run.truth.records:
        stem = stems.get(rec.path)
        url = urls.get(stem)
        if not url or not (site / unquote(url)).is_file():
            problems.append(f"{rec.path}: no page in the site for {stem}")
            continue
        page = _Page()
        page.feed((site / unquote(url)).read_text("utf-8"))
        pages[rec.path] = page
    site_root = site.resolve()
    for rec in run.truth.records:
        page = pages.get(rec.path)
        if page is None:
            continue
        here = posixpath.dirname(unquote(urls[stems[rec.path]]))
        for link in rec.links:
            found = [href for href, text in page.anchors if text == " ".join(link.text.split())]
            if not found:
                if link.kind == "body":
                    problems.append(f"{rec.path}: the page has no link '{link.text}' (to {link.target})")
                continue
            target_url = urls.get(stems.get(link.target))
            for href in found:
                parts = urlsplit(href)
                where = f"{rec.path}: link [{link.text}]({link.href}) is '{href}' on the page"
                if parts.scheme or href.startswith("//"):
                    problems.append(f"{where}: it leaves the site")
                    continue
                if not parts.path:
                    dest_rel = unquote(urls[stems[rec.path]])
                else:
                    dest_rel = posixpath.normpath(posixpath.join(here, unquote(parts.path)))
                dest = (site / dest_rel).resolve()
                if not dest.is_relative_to(site_root) or not dest.is_file():
                    problems.append(f"{where}: no such file in the site")
                    continue
                if target_url and dest != (site / unquote(target_url)).resolve():
                    problems.append(f"{where}: leads to {dest_rel}, not to the page of {link.target} "
                                    f"({target_url})")
                    continue
                if link.anchor:
                    target_page = pages.get(link.target)
                    frag = unquote(parts.fragment)
                    if not frag:
                        problems.append(f"{where}: the '#{link.anchor}' is lost")
                    elif target_page is not None and frag not in target_page.ids:
                        problems.append(f"{where}: no id '{frag}' on {dest_rel} (heading "
                                        f"'{link.heading}')")
                    elif target_page is not None and link.heading not in target_page.ids[frag][1]:
                        problems.append(f"{where}: '#{frag}' is {target_page.ids[frag]}, not the heading "
                                        f"'{link.heading}'")
    return problems


CHECKS = {"imported": check_imported, "fields": check_fields, "reimport": check_reimport,
          "lint": check_lint, "export": check_export, "site": check_site}


def failures(run: Run, invariants=CHOSEN) -> list[str]:
    """What the invariants found wrong, each line named by its invariant."""
    if not run.ok:
        return [f"import: exited {run.first.code}: {run.first.tail()}"]
    out = []
    for name in invariants:
        out += [f"{name}: {p}" for p in CHECKS[name](run)]
    return out


# --- generated folders -----------------------------------------------------------------

_PHASES = tuple(p for p in Phase if p != Phase.explain and (SHRINK or p != Phase.shrink))


@settings(max_examples=EXAMPLES, deadline=None, phases=_PHASES, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(adr_folders())
def test_generated_folder_is_imported_faithfully(folder: AdrFolder):
    note(folder.describe())
    with tempfile.TemporaryDirectory(prefix="adrkit-gen-") as tmp:
        run = Run(folder, Path(tmp))
        found = failures(run)
    if found:
        raise AssertionError("\n".join(found))


# --- one plain example per shape ---------------------------------------------------------

R = record_spec
D = dt.date


def _pair(**changes):
    """Two records; the second links to the first."""
    changes.setdefault("links", (LinkSpec(0),))
    first = {k: v for k, v in changes.items() if k not in ("links", "back_link", "part")}
    return (R(0, date=D(2020, 1, 2), **first), R(1, date=D(2020, 3, 15), **changes))


SHAPES = {
    # naming
    **{f"naming {n}": folder_spec(*_pair(heading="plain"), naming=n) for n in
       ("0001-title", "001-title", "1-title", "0001_title", "ADR-0001-title", "adr-001-title",
        "ADR_001", "adr0001", "20220203-title", "2022-02-03-title", "2022-02-03_title")},
    "numbered from 0 with a gap": folder_spec(*_pair(), numbers=(0, 3)),
    # layouts
    "folder per record (README.md) with image and part": folder_spec(
        R(0, heading="plain", date=None), R(1, heading="plain", hazards=frozenset({"image"}), part=True,
                                            links=(LinkSpec(0),)), naming="2022-02-03-title", layout="folder-readme"),
    "folder per record (index.md)": folder_spec(*_pair(hazards=frozenset({"image"}), part=True),
                                                layout="folder-index"),
    "subfolders per team": folder_spec(R(0), R(1, package=1, links=(LinkSpec(0),)), R(2, package=2),
                                       layout="packages", packages=("", "backend", "packages/core/docs/adr")),
    "subfolders per team, each numbered from 1": folder_spec(
        R(0, package=0), R(1, package=1, links=(LinkSpec(0),)), layout="packages",
        packages=("backend", "frontend"), numbers=(1, 1), per_package_numbers=True),
    "README, index and template beside the records": folder_spec(
        *_pair(), non_records=("README.md", "index.md", "template.md")),
    # front matter
    "YAML front matter with site-generator keys": folder_spec(
        R(0, front_matter="yaml", where="fm", fm_title=True, meta="none",
          fm_extras=("slug", "sidebar_label", "nav_order", "parent", "weight")), R(1, heading="plain")),
    "TOML front matter": folder_spec(R(0, front_matter="toml", where="fm", fm_title=True, meta="none",
                                       fm_extras=("weight", "slug", "tags")), R(1)),
    "title from front matter, no heading": folder_spec(
        R(0, heading="none", front_matter="yaml", where="fm", meta="none"),
        R(1, heading="none", front_matter="toml", where="fm", meta="none"), naming="ADR_001"),
    "front matter keys tag, categories, decision-makers, authors": folder_spec(
        R(0, front_matter="yaml", where="both", fm_extras=("tag", "categories", "decision-makers", "authors")),
        R(1, front_matter="yaml", where="fm", meta="none", fm_extras=("tags", "deciders", "author"))),
    "template leftover status: {accepted}": folder_spec(
        R(0, front_matter="yaml", where="fm", meta="none", fm_leftover=True), R(1)),
    "broken YAML: category:Web": folder_spec(R(0, front_matter="yaml", fm_broken="no-space",
                                                 fm_extras=("parent",)), R(1)),
    "broken YAML: unclosed quote": folder_spec(R(0, front_matter="yaml", fm_broken="unclosed-quote"), R(1)),
    "French front matter keys (statut)": folder_spec(
        R(10, front_matter="yaml", where="fm", meta="none", heading="plain"), R(1)),
    # metadata placement
    **{f"metadata {m}": folder_spec(R(0, meta=m, heading="plain"), R(1, meta=m, status="superseded"),
                                    R(2, meta=m, heading="plain"), successors=(None, 2, None))
       for m in ("plain-lines", "bullets", "bold-bullets", "bold-lines", "table-kv", "table-row", "html-table")},
    "status section first": folder_spec(*_pair(status_place="first")),
    "status section after other metadata lines": folder_spec(*_pair(status_place="after-extra")),
    "status section at the end": folder_spec(R(0, status="superseded", status_place="end"),
                                             R(1, status_place="end", back_link=False), successors=(1, None)),
    "setext status heading": folder_spec(*_pair(setext_status=True)),
    "setext title": folder_spec(R(0, heading="setext"), R(1, heading="setext")),
    "title with ADR prefix": folder_spec(R(0, heading="adr-prefix"), R(1, heading="adr-prefix")),
    # status spellings
    "status lower case": folder_spec(*_pair(case="lower")),
    "status upper case": folder_spec(*_pair(case="upper")),
    "status bold": folder_spec(*_pair(decoration="bold")),
    "status emoji: check mark, bold Accepted": folder_spec(R(1, decoration="emoji"), R(0)),
    "status emoji: hourglass, Superseded by": folder_spec(R(0, status="superseded", decoration="emoji"), R(7),
                                                 naming="001-title", successors=(1, None)),
    "status qualified": folder_spec(R(0, variant="qualified"), R(1, status="proposed", variant="qualified")),
    "status partly superseded": folder_spec(R(0, status="superseded", variant="qualified", back_link=True),
                                            R(1), successors=(1, None)),
    "status Superceded (misspelled)": folder_spec(R(0, status="superseded", variant="misspelled"), R(1),
                                                  successors=(1, None)),
    "status Depreciated (misspelled)": folder_spec(R(0, status="deprecated", variant="misspelled"), R(1)),
    "status synonyms (Active, Pending, Declined, Retired, WIP)": folder_spec(
        R(1, variant="synonym"), R(2, status="proposed", variant="synonym"),
        R(3, status="rejected", variant="synonym"), R(4, status="deprecated", variant="synonym"),
        R(5, status="draft", variant="synonym")),
    "successor as a full URL": folder_spec(R(0, status="superseded", successor_url=True), R(1),
                                           successors=(1, None)),
    "status in German": folder_spec(R(8), R(9, status="superseded"), R(1), successors=(None, 2, None)),
    "status in French": folder_spec(R(10, status="proposed"), R(1)),
    "status in Spanish": folder_spec(R(11, status="rejected"), R(1)),
    "status in Portuguese": folder_spec(R(12, status="deprecated"), R(1)),
    "status in Chinese": folder_spec(R(13, status="superseded"), R(1), successors=(1, None)),
    "no status at all": folder_spec(R(0, status=None), R(1, status=None, meta="bullets"),
                                    R(2, status=None, meta="none", front_matter="yaml", fm_extras=("parent",))),
    # dates
    "Date without a colon": folder_spec(*_pair(date_colon=False, date_format="dmy-slash")),
    "date DD/MM/YYYY": folder_spec(*_pair(date_format="dmy-slash", meta="bullets")),
    "date MM/DD/YYYY": folder_spec(*_pair(date_format="mdy-slash")),
    "date Month YYYY": folder_spec(*_pair(date_format="month-year")),
    "date D Month YYYY": folder_spec(*_pair(date_format="day-month-year")),
    "date DD.MM.YYYY (German)": folder_spec(R(8, date_format="dmy-dot", date=D(2021, 4, 19)), R(1)),
    "date in front matter": folder_spec(R(0, front_matter="yaml", where="fm", meta="none"),
                                        R(1, front_matter="toml", where="fm", meta="none")),
    # links
    "link ./ADR-0003-x.md": folder_spec(*_pair(links=(LinkSpec(0, dot=True),)), naming="ADR-0001-title"),
    "link with #anchor": folder_spec(R(3, sections="madr"), R(1, links=(
        LinkSpec(0, anchor=0), LinkSpec(0, anchor=4, text="paren"), LinkSpec(0, anchor=5, text="adr")))),
    "link text with parentheses": folder_spec(*_pair(links=(LinkSpec(0, text="paren"),))),
    "link with a title": folder_spec(*_pair(links=(LinkSpec(0, title_attr=True),))),
    "link to a date-named record": folder_spec(*_pair(links=(LinkSpec(0, text="stem"),)),
                                               naming="20220203-title"),
    "link to a folder-per-record": folder_spec(*_pair(links=(LinkSpec(0, anchor=1),)),
                                               naming="2022-02-03-title", layout="folder-readme"),
    "link across team folders": folder_spec(R(0, package=1), R(1, package=2, links=(LinkSpec(0),)),
                                            layout="packages", packages=("", "backend", "frontend")),
    # text hazards
    **{f"hazard {h}": folder_spec(*_pair(hazards=frozenset({h}))) for h in
       ("crlf", "bom", "no-final-newline", "trailing-spaces", "fenced-status", "comment-status",
        "comment-in-status", "heading-comment", "continuation", "table", "foreign-text")},
    "hazards in a record with no status": folder_spec(
        R(0, status=None, hazards=frozenset({"fenced-status", "comment-status"})), R(1)),
    "CRLF, BOM and no final newline together": folder_spec(
        R(0, hazards=frozenset({"crlf", "bom", "no-final-newline"}), meta="bullets"), R(1)),
}

_RUNS: dict[str, tuple[AdrFolder, list[str]]] = {}


@pytest.fixture(scope="module")
def shape_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("shapes")

    def get(name: str) -> tuple[AdrFolder, list[str]]:
        if name not in _RUNS:
            folder = render(SHAPES[name])
            where = base / re.sub(r"[^\w.-]+", "-", name)
            run = Run(folder, where)
            if not run.ok:
                _RUNS[name] = (folder, [f"import: exited {run.first.code}: {run.first.tail()}"])
            else:
                _RUNS[name] = (folder, [])
                _RUNS[name] = (folder, [f"{inv}: {p}" for inv in INVARIANTS for p in CHECKS[inv](run)])
            shutil.rmtree(where, ignore_errors=True)
        return _RUNS[name]

    return get


@pytest.mark.parametrize("invariant", CHOSEN)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_shape(shape_runs, shape, invariant):
    folder, found = shape_runs(shape)
    mine = [f for f in found if f.startswith(("import:", f"{invariant}:"))]
    if mine:
        pytest.fail("\n".join(mine) + "\n\n" + folder.describe(), pytrace=False)


def test_every_listed_shape_has_an_example():
    names = " ".join(SHAPES)
    for naming in ("0001-title", "001-title", "1-title", "0001_title", "ADR-0001-title", "adr-001-title",
                   "ADR_001", "adr0001", *DATE_NAMINGS):
        assert f"naming {naming}" in names
    assert all(render(spec).truth.records for spec in SHAPES.values())
