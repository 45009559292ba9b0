"""Stage 4 of the pipeline: notebooks to sanitized HTML fragments.

One `Converter` per process holds one nbconvert `HTMLExporter` (adrkit's template,
based on `lab`, validating once per notebook) and one sanitizer, and reuses both for
every notebook it converts. Each markdown cell's HTML and each HTML, SVG or markdown
output is cleaned on its own while the exporter assembles the page
(`Sanitizer.fragment`), then the whole body is sanitized (`Sanitizer.clean`).

What a page costs, and what is not paid twice:

- the exporter's templates are compiled once per process, and kept compiled in the
  cache folder between builds (a Jinja bytecode cache);
- nbconvert's BeautifulSoup pass over every page (alt text, tabindex) is skipped: the
  template writes both itself, and the sanitizer parses the page anyway;
- the code highlighter is made once per language, not once per notebook;
- a markdown cell is rendered once per process for each distinct text (the guidance
  cells a template puts in every record are the same text each time); a cell with
  attachments is always rendered on its own;
- a trade-off table or lifecycle is rendered once per process for each distinct table;
- preprocessors that have nothing to do for a prepared notebook are off.

A cold build spreads the notebooks over a process pool (forked, so a script that calls
the build needs no `__main__` guard), each worker building its own `Converter` once,
and draws the parts of the decision graph there too; a build of a few notebooks
converts them in one worker process started at once, beside the rest of the build
(importing nbconvert and converting one page costs about as much as everything else a
rebuild of ten thousand decisions does), or in-process on one core. Jobs are handed out a few at a time and each worker reads its notebook
itself, checking it still has the digest the build keyed it by, so the parent never
holds every notebook at once.

A guide (`Job.kind == GUIDE`) is converted by the same exporter and sanitizer, prepared
as a guide (code shown, no data file) and with links rewritten for a page in `guides/`.

A notebook that cannot be converted (invalid JSON structure, a failing cell under
`--execute`, a renderer error) comes back as a `Converted` with `error` set, so the
build reports it and goes on.
"""
from __future__ import annotations

import hashlib
import html
import re
from concurrent.futures import Future, ProcessPoolExecutor
from queue import SimpleQueue
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from adrkit.core.errors import AdrkitError
from adrkit.core.text import display_text
from adrkit.formats.celltags import CONFIRMATION, KIND_TAGS
from adrkit.formats.notebook import loads_notebook, repair_notebook, sections_of, skip_slow_imports
from adrkit.formats.datafile import parse_data
from adrkit.publish.model import GUIDE
from adrkit.publish.prepare import prepare_notebook
from adrkit.publish.report import Problem
from adrkit.publish.review import shown_tradeoffs, toc_of
from adrkit.services.kernel import quiet_kernel
from adrkit.storage.processes import usable_cores

__all__ = ["Job", "Converted", "Drawn", "Converter", "Conversion", "Workers", "convert_all", "TEMPLATE_DIR", "POOL_THRESHOLD",
           "worker_count", "page_text", "SUMMARY_LIMIT"]

TEMPLATE_DIR = Path(__file__).with_name("templates")
TEMPLATE_NAME = "adrkit"
POOL_THRESHOLD = 24  # below this many notebooks, starting workers costs more than it saves
SEARCH_TEXT_LIMIT = 30_000
SUMMARY_LIMIT = 400
_IN_FLIGHT = 256    # jobs handed to each worker ahead of time: enough for while the build assembles the site
_PARSE_CHUNK = 128  # records read in a worker per job

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_SKIP_TEXT = re.compile(r"<svg\b.*?</svg>|<a class=\"anchor-link\"[^>]*>[^<]*</a>", re.S)


@dataclass
class Job:
    """One notebook to convert: where it is, the digests the build keyed it by, and how
    to prepare it. A guide has no data file; `guide_log` is the default log's folder as
    seen from the guide's folder, `decisions_href` where that log's pages are as seen
    from `guides/`."""

    ident: str
    kind: str
    path: str
    digest: str
    data_path: str = ""
    data_digest: str | None = None
    execute: bool = False
    cwd: str = "."
    guide_log: str = ""
    decisions_href: str = "../"
    size: int = 0
    output_limit: int | None = None  # larger outputs become a note (site.max_output_size)


@dataclass
class Converted:
    """A converted page body and what the build needs to know about it."""

    ident: str
    body: str = ""
    text: str = ""
    decisions: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    sections: list[list[str]] = field(default_factory=list)
    shown: dict[str, list[str]] = field(default_factory=dict)
    tradeoffs: dict[str, Any] = field(default_factory=dict)  # shown valid tables, for the what-if
    toc: list[dict[str, Any]] = field(default_factory=list)  # the body's sections (`review.toc_of`)
    ids: list[str] = field(default_factory=list)      # the ids of the body's elements
    anchors: list[str] = field(default_factory=list)  # its local links with a #fragment (checked by the build)
    problems: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    title: str = ""       # guides: the first H1, else the file name
    titled: bool = False  # guides: the title came from an H1 in the body

    def meta(self) -> dict[str, Any]:
        """Everything but the body and text: what the page cache keeps in memory's reach."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("ident", "body", "text")}
        data["summary"] = summary_of(self.text)
        return data  # shallow: its lists are this result's own, made for the page


class _Changed(Exception):
    """The file changed between the build keying it and the worker reading it."""


def _make_exporter(isolate: Callable[[str], str], bytecode_dir: Path | None) -> Any:
    """The page exporter; `isolate` cleans each markdown cell's HTML and each HTML,
    SVG and markdown output on its own (nbconvert's `clean_html` filter, applied when
    `sanitize_html` is set)."""
    from nbconvert.exporters.html import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.datatypefilter import DataTypeFilter
    from nbconvert.filters.highlight import Highlight2HTML
    from traitlets.config import Config

    class PageExporter(HTMLExporter):
        """HTMLExporter without the BeautifulSoup pass over every page: adrkit's template
        writes alt text and tabindex itself, and the sanitizer parses the page anyway.
        Widget views never reach it (`prepare` drops them), so the plain data-type filter
        picks each output's format."""

        def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
            lang = nb.metadata.get("language_info", {})
            self.register_filter("highlight_code", highlighter(lang.get("pygments_lexer", lang.get("name"))))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    @lru_cache(maxsize=16)
    def highlighter(lexer: str | None) -> Any:
        return Highlight2HTML(pygments_lexer=lexer, parent=exporter)

    off = {"enabled": False}
    config = Config({"TagRemovePreprocessor": off, "RegexRemovePreprocessor": off,
                     "HighlightMagicsPreprocessor": off, "CSSHTMLHeaderPreprocessor": off})
    exporter = PageExporter(config=config, template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATE_DIR)],
                            optimistic_validation=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, anchor_link_text="#", sanitize_html=True)
    exporter.register_filter("clean_html", _memo(isolate))
    exporter.register_filter("filter_data_type", DataTypeFilter(parent=exporter))
    exporter.register_filter("markdown2html", _memo_markdown(exporter.markdown2html))
    if bytecode_dir is not None:
        _bytecode_cache(exporter.environment, bytecode_dir)
    return exporter


def _memo(clean: Callable[[str], str], limit: int = 1024) -> Callable[[str], str]:
    """`clean`, remembering its result per text (a pure function of it)."""
    memo: dict[str, str] = {}

    def cleaned(html: str) -> str:
        done = memo.get(html)
        if done is None:
            if len(memo) >= limit:
                memo.clear()
            done = memo[html] = clean(html)
        return done

    return cleaned


def _fast_copy_node(nbformat: Any) -> Any:
    """A notebook node that nbconvert's deep copies leave as it is: the exporter copies
    every notebook twice before rendering it (once the largest single cost of a page),
    and each node handed to it is made for that one export (`Converter._export`), so
    nothing else sees what its preprocessors change."""

    class Node(nbformat.NotebookNode):
        def __deepcopy__(self, memo: dict[int, Any]) -> "Node":
            return self

    return Node


def _memo_markdown(render: Any) -> Any:
    """nbconvert's markdown filter, remembering its HTML per (text, notebook folder) for
    cells without attachments."""
    from jinja2 import pass_context

    memo: dict[tuple[str, str], str] = {}

    @pass_context
    def markdown2html(context: Any, source: str) -> str:
        cell = context.get("cell", {})
        if cell.get("attachments"):
            return render(context, source)
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        key = (source, path)
        done = memo.get(key)
        if done is None:
            if len(memo) > 1024:
                memo.clear()
            done = memo[key] = render(context, source)
        return done

    return markdown2html


def _bytecode_cache(environment: Any, folder: Path) -> None:
    import jinja2

    try:
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    except OSError:
        pass


class Converter:
    """One exporter and one sanitizer, reused for every notebook of a process."""

    def __init__(self, bytecode_dir: Path | None = None) -> None:
        import nbformat
        from nbformat.v4.rwbase import rejoin_lines

        from adrkit.publish.sanitize import Sanitizer

        self._nbformat = nbformat
        self._node = _fast_copy_node(nbformat)
        self._rejoin_lines = rejoin_lines
        self._sanitizer = Sanitizer()
        self._exporter = _make_exporter(self._sanitizer.fragment, bytecode_dir)

    def convert(self, job: Job) -> Converted:
        try:
            return self._convert(job)
        except _Changed as exc:
            return Converted(job.ident, error=str(exc))
        except AdrkitError as exc:
            return Converted(job.ident, error=str(exc.message) + (f" ({exc.where})" if exc.where else ""))
        except Exception as exc:  # any failure of one notebook is reported, never fatal
            return Converted(job.ident, error=_reason(exc))

    def _convert(self, job: Job) -> Converted:
        raw = _read(job.path, job.digest)
        nb = loads_notebook(raw, path=job.path)
        repairs = _repairs(nb, raw)
        if job.kind == GUIDE:
            return self._convert_guide(job, nb, repairs)
        data_problem = None
        try:
            data = _read_data(job)
        except AdrkitError as exc:
            data, data_problem = {}, Problem("invalid-data", exc.message, where="data file",
                                             fix=exc.fix or "fix the YAML")
        if job.execute:
            nb = self._execute(nb, job)
        prepared = prepare_notebook(nb, data, data_problem=data_problem, output_limit=job.output_limit)
        clean, found = self._sanitizer.clean(self._export(prepared.notebook, job.cwd))
        clean = display_text(_unlink_refused(clean, found.files, job, "decision folder"))  # as every page shows text
        return Converted(
            ident=job.ident, body=clean, text=page_text(clean), decisions=found.decisions,
            files=found.files, outside=found.outside, dropped=found.dropped,
            sections=[[s.key, s.heading] for s in sections_of(nb)], shown=prepared.shown,
            tradeoffs=shown_tradeoffs(data, prepared.shown), toc=toc_of(clean), **_anchors_of(clean),
            problems=[p.to_dict() for p in repairs + prepared.problems])

    def _convert_guide(self, job: Job, nb: dict[str, Any], repairs: list[Problem]) -> Converted:
        from adrkit.publish.guides import guide_title

        title, titled = guide_title(nb, Path(job.path).stem)
        prepared = prepare_notebook(nb, {}, guide=True, output_limit=job.output_limit)
        body = self._export(prepared.notebook, job.cwd)
        clean, found = self._sanitizer.clean(body, guide_log=job.guide_log, decisions_href=job.decisions_href)
        clean = display_text(_unlink_refused(clean, found.files, job, "guides folder"))  # as every page shows text
        return Converted(ident=job.ident, body=clean, text=page_text(clean), decisions=found.decisions,
                         files=found.files, outside=found.outside, dropped=found.dropped,
                         title=title, titled=titled,
                         problems=[p.to_dict() for p in repairs + prepared.problems])

    def _export(self, notebook: dict[str, Any], cwd: str) -> str:
        node = self._node(self._nbformat.from_dict(notebook))
        self._rejoin_lines(node)  # sources and outputs stored as lists of lines
        # One name for every page: nbconvert keeps each notebook's metadata by name and path.
        body, _ = self._exporter.from_notebook_node(node, resources={"metadata": {"name": "page", "path": cwd}})
        return body

    def _execute(self, nb: dict[str, Any], job: Job) -> dict[str, Any]:
        from nbclient import NotebookClient

        node = self._nbformat.from_dict(nb)
        self._rejoin_lines(node)
        for cell in node.cells:  # widget cells are replaced by static renders anyway;
            tags = cell.get("metadata", {}).get("tags") or []  # checks run only with 'confirm'
            if cell.cell_type == "code" and set(tags) & {*KIND_TAGS, CONFIRMATION}:
                cell.metadata["tags"] = [*tags, "skip-execution"]
        kernel = (node.metadata.get("kernelspec") or {}).get("name") or "python3"
        with quiet_kernel() as config:  # IPC: no "running over TCP without encryption" warning
            client = NotebookClient(node, timeout=600, kernel_name=kernel, config=config,
                                    resources={"metadata": {"path": job.cwd}})
            client.execute()
        for cell in node.cells:
            tags = cell.get("metadata", {}).get("tags")
            if tags and "skip-execution" in tags:
                cell.metadata["tags"] = [t for t in tags if t != "skip-execution"]
        return node


def _read(path: str, digest: str) -> bytes:
    """The notebook's bytes, provided they are still the ones the build keyed."""
    raw = Path(path).read_bytes()
    if digest and hashlib.sha256(raw).hexdigest() != digest:
        raise _Changed("changed while the site was being built; build again")
    return raw


def _read_data(job: Job) -> dict[str, Any]:
    if not job.data_path or job.data_digest is None:
        return {}
    try:
        raw = Path(job.data_path).read_bytes()
    except FileNotFoundError:
        raise _Changed("its data file was removed while the site was being built; build again")
    if hashlib.sha256(raw).hexdigest() != job.data_digest:
        raise _Changed("its data file changed while the site was being built; build again")
    return parse_data(raw, job.data_path)
_HREF = re.compile(r'<a\b[^>]*?\shref="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')


def _anchors_of(body: str) -> dict[str, list[str]]:
    """The ids of a cleaned body and its local links with a `#fragment` (to this page,
    or to another page of the site), for the build's anchor check."""
    ids = sorted({html.unescape(v) for v in _ID.findall(body)})
    anchors = []
    for raw in _HREF.findall(body):
        href = html.unescape(raw)
        path, sep, frag = href.partition("#")
        if sep and frag and ":" not in path and not path.startswith("//"):
            anchors.append(href)
    return {"ids": ids, "anchors": list(dict.fromkeys(anchors))}


def _unlink_refused(body: str, files: list[str], job: Job, name: str) -> str:
    """`body` with its links to local files the site will not publish (outside the
    folder, or refused for what they hold) turned into text; the build warns about them."""
    if not files:
        return body
    from adrkit.publish.files import linked_file_problems
    from adrkit.publish.sanitize import unlink_files

    _, unlink = linked_file_problems(Path(job.path), files, Path(job.cwd), name)
    return unlink_files(body, unlink) if unlink else body


def _repairs(nb: dict[str, Any], raw: bytes | None = None) -> list[Problem]:
    """Warnings for what `repair_notebook` repaired in memory (a bad cell id...)."""
    return [Problem("notebook-repaired", f"the cell {what}" if where.startswith("cell") else what,
                    where=where, fix="open and save the notebook in JupyterLab, which repairs it")
            for where, what in repair_notebook(nb, raw)]


def _reason(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    if ename:  # nbclient's CellExecutionError
        return f"a cell failed under --execute: {ename}: {getattr(exc, 'evalue', '')}".strip()
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def page_text(body: str) -> str:
    """The words of a page body, for the search index."""
    text = _SKIP_TEXT.sub(" ", body)
    text = html.unescape(_TAG.sub(" ", text))
    return _SPACE.sub(" ", text).strip()[:SEARCH_TEXT_LIMIT]


def summary_of(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """The opening words of a page's text, cut at a word."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


# --- running many ---------------------------------------------------------------

_worker: Converter | None = None


def _init_worker(bytecode_dir: str | None) -> None:
    global _worker
    import signal

    # A worker just ends on SIGTERM (`adrkit serve` turns it into a clean stop of the parent).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    skip_slow_imports()
    _worker = Converter(Path(bytecode_dir) if bytecode_dir else None)


@dataclass
class ParseJob:
    """Records to read in a worker (`adrkit.storage.records.facts_of_files`)."""

    items: list[Any]  # records.ReadItem each


@dataclass
class Parsed:
    """What a worker read of each record of a `ParseJob`: (path, facts as JSON, or None
    when the file changed since it was hashed)."""

    facts: list[tuple[str, str | None]]


@dataclass
class Drawn:
    """A drawing of the decision graph made in a worker (`adrkit.publish.graph.draw_dot`)."""

    part: int
    svg: str | None
    note: str


def _in_worker(job: Job | ParseJob | tuple[int, str] | None) -> Converted | Drawn | Parsed | None:
    if job is None:
        return None  # started ahead of its jobs: the initializer has run
    if isinstance(job, ParseJob):
        from adrkit.storage.records import facts_of_files

        return Parsed(list(zip((item[0] for item in job.items), facts_of_files(job.items))))
    if isinstance(job, tuple):
        from adrkit.publish.graph import draw_dot

        return Drawn(job[0], *draw_dot(job[1]))
    assert _worker is not None
    return _worker.convert(job)


def worker_count(jobs: int) -> int:
    return max(1, min(usable_cores(), jobs))


def pooled(total: int, parallel: bool | None) -> bool:
    """Whether `total` jobs go to a process pool: `parallel`, or when there are many
    and more than one core."""
    if parallel is None:
        return total >= POOL_THRESHOLD and worker_count(total) > 1
    return parallel and worker_count(total) > 1


class Conversion:
    """Conversions, started: in a process pool when there are many jobs and more than
    one core (which also makes the `drawings` of the decision graph, (part, DOT text),
    first); for a few jobs on more than one core, in one worker process started at once,
    so the caller's own work goes on beside it; else in this process when the results
    are asked for. `parallel` False keeps everything in this process, True asks for the
    pool."""

    def __init__(self, jobs: list[Job], *, parallel: bool | None = None, bytecode_dir: Path | None = None,
                 drawings: list[tuple[int, str]] | None = None, started: "Workers | None" = None,
                 records: list[Any] | None = None):
        self._jobs, self._bytecode_dir = jobs, bytecode_dir
        self.workers = worker_count(len(jobs)) if jobs and pooled(len(jobs), parallel) else 1
        self._pool: ProcessPoolExecutor | None = None
        self._todo: Iterator[Any] = iter(())
        if self.workers > 1:
            self._todo = iter([*(drawings or []), *sorted(jobs, key=lambda j: j.size, reverse=True)])
            self._pool = _take(started, self.workers) or _pool(self.workers, bytecode_dir, fresh=True)
        elif jobs and parallel is None and worker_count(2) > 1:
            self._todo = iter(jobs)
            self._pool = _take(started, 1) or _pool(1, bytecode_dir, fresh=False)
        elif started is not None:
            started.close()
        self._running: set[Future[Any]] = set()
        self._done: SimpleQueue[Future[Any]] = SimpleQueue()
        self._parsing: list[Future[Any]] = []
        if self._pool is not None and self.workers > 1 and records:  # first, so the build has them soon
            self._parsing = [self._pool.submit(_in_worker, ParseJob(records[i:i + _PARSE_CHUNK]))
                             for i in range(0, len(records), _PARSE_CHUNK)]
        self._refill()

    def parsed(self) -> Iterator[tuple[str, str | None]]:
        """(path, facts as JSON or None) of each record given as `records`, read in the
        pool (nothing when there is no pool: the caller reads them itself)."""
        parsing, self._parsing = self._parsing, []
        for future in parsing:
            try:
                result = future.result()
            except Exception:  # a worker that died: the records are read in this process
                continue
            yield from result.facts

    def draw(self, drawings: list[tuple[int, str]]) -> bool:
        """Make these drawings of the decision graph in the pool too, before the
        notebooks still waiting; False when there is no pool (draw them yourself)."""
        if self._pool is None or self.workers < 2 or not drawings:
            return False
        waiting = list(self._todo)
        self._todo = iter([*drawings, *waiting])
        self._refill()
        return True

    def _refill(self) -> None:
        if self._pool is None:
            return
        while len(self._running) < self.workers * _IN_FLIGHT:
            job = next(self._todo, None)
            if job is None:
                return
            future = self._pool.submit(_in_worker, job)
            self._running.add(future)
            future.add_done_callback(self._done.put)

    def results(self) -> Iterator[Converted | Drawn]:
        """Each result as it is ready."""
        if not self._jobs and not self._running:
            self.close()
            return
        if self._pool is None:
            converter = Converter(self._bytecode_dir)
            for job in self._jobs:
                yield converter.convert(job)
            return
        try:
            while self._running:
                future = self._done.get()  # each as it finishes, without waiting on every one
                self._running.discard(future)
                yield future.result()
                self._refill()
        finally:
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            for future in [*self._running, *self._parsing]:
                future.cancel()
            self._pool.shutdown(wait=True)
            self._pool = None


class Workers:
    """Worker processes started ahead of the jobs (`expect(n)`, as soon as it is known
    that about `n` notebooks changed): they import nbconvert while the build goes on
    reading, and a `Conversion` takes them when the jobs are known."""

    def __init__(self, *, parallel: bool | None, bytecode_dir: Path | None):
        self._parallel, self._bytecode_dir = parallel, bytecode_dir
        self.count = 0
        self.pool: ProcessPoolExecutor | None = None

    def expect(self, changed: int) -> None:
        if self.pool is not None or self._parallel is False:
            return
        if pooled(changed, self._parallel):
            self.count = worker_count(changed)
            self.pool = _pool(self.count, self._bytecode_dir, fresh=True)
        elif self._parallel is None and worker_count(2) > 1:
            self.count = 1
            self.pool = _pool(1, self._bytecode_dir, fresh=False)
        else:
            return
        for _ in range(self.count):
            self.pool.submit(_in_worker, None)  # start them now: nothing to convert yet

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


def _take(started: Workers | None, count: int) -> ProcessPoolExecutor | None:
    """`started`'s pool when it has `count` workers (else it is let go)."""
    if started is None or started.pool is None:
        return None
    if started.count == count:
        pool, started.pool = started.pool, None
        return pool
    started.close()
    return None


def _pool(workers: int, bytecode_dir: Path | None, *, fresh: bool) -> ProcessPoolExecutor:
    """Worker processes. A pool for many notebooks (`fresh`) is forked from a fresh
    server process when the program was started as `python -m ...` or interactively (a
    module that is not re-run by a new process): its workers do not carry the build's
    memory. Else, and for one
    worker beside the build, they are forked from this process (a script that calls the
    build needs no `__main__` guard), with what it holds frozen first, so no collection
    in a worker walks, and so copies, it."""
    import gc
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if fresh and "forkserver" in methods and _main_is_not_rerun():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["adrkit.publish.convert"])
    else:
        gc.freeze()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(str(bytecode_dir) if bytecode_dir else None,))


def _main_is_not_rerun() -> bool:
    """A new process that is not forked runs `__main__` again unless it is a package's
    `__main__` (`python -m`) or there is no main file (an interactive session)."""
    import sys

    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return main is None or not getattr(main, "__file__", None) or \
        (spec is not None and spec.name.endswith(".__main__"))


def convert_all(jobs: list[Job], *, parallel: bool | None = None, bytecode_dir: Path | None = None,
                drawings: list[tuple[int, str]] | None = None) -> Iterator[Converted | Drawn]:
    """Convert every job (see `Conversion`); yields results as they finish."""
    yield from Conversion(jobs, parallel=parallel, bytecode_dir=bytecode_dir, drawings=drawings).results()
