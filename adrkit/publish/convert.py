"""Stage 4 of the pipeline: notebooks to sanitized HTML fragments.

One `Converter` per process holds one nbconvert `HTMLExporter` (adrkit's template,
based on `lab`, validating once per notebook) and one sanitizer, and reuses both for
every notebook it converts. Each markdown cell's HTML and each HTML, SVG or markdown
output is cleaned on its own while the exporter assembles the page
(`Sanitizer.fragment`), then the whole body is sanitized (`Sanitizer.clean`). A cold build spreads the notebooks over a process pool,
each worker building its own `Converter` once; a small build converts in-process.

A guide (`Job.guide`) is converted by the same exporter and sanitizer, prepared as a
guide (code shown, no data file) and with links rewritten for a page in `guides/`.

A notebook that cannot be converted (invalid JSON structure, a failing cell under
`--execute`, a renderer error) comes back as a `Converted` with `error` set, so the
build reports it and goes on.
"""
from __future__ import annotations

import html
import os
import re
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from adrkit.storage.datafile import read_data
from adrkit.core.errors import AdrkitError
from adrkit.formats.notebook import loads_notebook, repair_notebook, sections_of
from adrkit.publish.prepare import prepare_notebook
from adrkit.publish.review import shown_tradeoffs
from adrkit.formats.celltags import CONFIRMATION, KIND_TAGS
from adrkit.publish.report import Problem
from adrkit.services.kernel import quiet_kernel
from adrkit.formats.notebook import skip_slow_imports

__all__ = ["Job", "Converted", "Converter", "convert_all", "TEMPLATE_DIR", "POOL_THRESHOLD",
           "worker_count"]

TEMPLATE_DIR = Path(__file__).with_name("templates")
TEMPLATE_NAME = "adrkit"
POOL_THRESHOLD = 24  # below this many notebooks, starting workers costs more than it saves
SEARCH_TEXT_LIMIT = 30_000

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_SKIP_TEXT = re.compile(r"<svg\b.*?</svg>|<a class=\"anchor-link\"[^>]*>[^<]*</a>", re.S)


@dataclass
class Job:
    """One notebook to convert: its bytes as hashed, and where its data file is. A guide
    has no data file; `guide_log` is the decision folder relative to its folder."""

    stem: str
    path: str
    raw: bytes
    data_path: str
    base: str = ""
    execute: bool = False
    cwd: str = "."
    guide: bool = False
    guide_log: str = ""
    output_limit: int | None = None  # larger outputs become a note (site.max_output_size)


@dataclass
class Converted:
    """A converted page body and what the build needs to know about it."""

    stem: str
    body: str = ""
    text: str = ""
    decisions: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    sections: list[list[str]] = field(default_factory=list)
    shown: dict[str, list[str]] = field(default_factory=dict)
    tradeoffs: dict[str, Any] = field(default_factory=dict)  # shown valid tables, for the what-if
    problems: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    title: str = ""       # guides: the first H1, else the file name
    titled: bool = False  # guides: the title came from an H1 in the body

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Converted":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def _make_exporter(isolate: Callable[[str], str]) -> Any:
    """The page exporter; `isolate` cleans each markdown cell's HTML and each HTML,
    SVG and markdown output on its own (nbconvert's `clean_html` filter, applied when
    `sanitize_html` is set)."""
    from nbconvert.exporters.html import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        """HTMLExporter without the BeautifulSoup pass over every page: adrkit's template
        writes alt text and tabindex itself, and the sanitizer parses the page anyway."""

        def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
            lang = nb.metadata.get("language_info", {})
            lexer = lang.get("pygments_lexer", lang.get("name", None))
            resources = self._init_resources(resources)
            resources["should_sanitize_html"] = True  # the template calls clean_html
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return PageExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATE_DIR)],
                        optimistic_validation=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, anchor_link_text="#",
                        sanitize_html=True, filters={"clean_html": isolate})


class Converter:
    """One exporter and one sanitizer, reused for every notebook of a process."""

    def __init__(self) -> None:
        import nbformat
        from nbformat.v4.rwbase import rejoin_lines

        from adrkit.publish.sanitize import Sanitizer

        self._nbformat = nbformat
        self._rejoin_lines = rejoin_lines
        self._sanitizer = Sanitizer()
        self._exporter = _make_exporter(self._sanitizer.fragment)

    def convert(self, job: Job) -> Converted:
        try:
            return self._convert(job)
        except AdrkitError as exc:
            return Converted(job.stem, error=str(exc.message) + (f" ({exc.where})" if exc.where else ""))
        except Exception as exc:  # any failure of one notebook is reported, never fatal
            return Converted(job.stem, error=_reason(exc))

    def _convert(self, job: Job) -> Converted:
        if job.guide:
            return self._convert_guide(job)
        nb = loads_notebook(job.raw, path=job.path)
        repairs = _repairs(nb)
        data_problem = None
        try:
            data = read_data(job.data_path)
        except AdrkitError as exc:
            data, data_problem = {}, Problem("invalid-data", exc.message, where="data file",
                                             fix=exc.fix or "fix the YAML")
        if job.execute:
            nb = self._execute(nb, job)
        prepared = prepare_notebook(nb, data, data_problem=data_problem, output_limit=job.output_limit)
        node = self._nbformat.from_dict(prepared.notebook)
        self._rejoin_lines(node)  # sources and outputs stored as lists of lines
        body, _ = self._exporter.from_notebook_node(
            node, resources={"metadata": {"name": job.stem, "path": job.cwd}})
        clean, found = self._sanitizer.clean(body, job.base)
        return Converted(
            stem=job.stem, body=clean, text=page_text(clean), decisions=found.decisions,
            files=found.files, outside=found.outside, dropped=found.dropped,
            sections=[[s.key, s.heading] for s in sections_of(nb)], shown=prepared.shown,
            tradeoffs=shown_tradeoffs(data, prepared.shown),
            problems=[p.to_dict() for p in repairs + prepared.problems])

    def _convert_guide(self, job: Job) -> Converted:
        from adrkit.publish.guides import guide_title

        nb = loads_notebook(job.raw, path=job.path)
        repairs = _repairs(nb)
        title, titled = guide_title(nb, Path(job.path).stem)
        prepared = prepare_notebook(nb, {}, guide=True, output_limit=job.output_limit)
        node = self._nbformat.from_dict(prepared.notebook)
        self._rejoin_lines(node)
        body, _ = self._exporter.from_notebook_node(
            node, resources={"metadata": {"name": Path(job.path).stem, "path": job.cwd}})
        clean, found = self._sanitizer.clean(body, guide_log=job.guide_log)
        return Converted(stem=job.stem, body=clean, text=page_text(clean), decisions=found.decisions,
                         files=found.files, outside=found.outside, dropped=found.dropped,
                         title=title, titled=titled,
                         problems=[p.to_dict() for p in repairs + prepared.problems])

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


def _repairs(nb: dict[str, Any]) -> list[Problem]:
    """Warnings for what `repair_notebook` repaired in memory (a bad cell id...)."""
    return [Problem("notebook-repaired", f"the cell {what}" if where.startswith("cell") else what,
                    where=where, fix="open and save the notebook in JupyterLab, which repairs it")
            for where, what in repair_notebook(nb)]


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


# --- running many ---------------------------------------------------------------

_worker: Converter | None = None


def _init_worker() -> None:
    global _worker
    import signal

    # A forked worker inherits the parent's handlers (`adrkit serve` turns SIGTERM into a
    # clean stop of the parent); a worker just ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    skip_slow_imports()
    _worker = Converter()


def _convert_in_worker(job: Job) -> Converted:
    assert _worker is not None
    return _worker.convert(job)


def worker_count(jobs: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, jobs))


def convert_all(jobs: list[Job], *, parallel: bool | None = None,
                progress: Callable[[int, int, Converted], None] | None = None) -> Iterator[Converted]:
    """Convert every job, in a process pool when there are enough of them and more than
    one core; yields results as they finish."""
    total = len(jobs)
    workers = worker_count(total)
    if parallel is None:
        parallel = total >= POOL_THRESHOLD and workers > 1
    if not parallel or workers == 1:
        converter = Converter()
        for done, job in enumerate(jobs, start=1):
            result = converter.convert(job)
            if progress:
                progress(done, total, result)
            yield result
        return
    yield from _pooled(jobs, workers, progress)


def _pooled(jobs: list[Job], workers: int,
            progress: Callable[[int, int, Converted], None] | None) -> Iterable[Converted]:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Larger notebooks first, so no worker is left with one big notebook at the end.
    ordered = sorted(jobs, key=lambda j: len(j.raw), reverse=True)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_init_worker) as pool:
        futures: list[Future[Converted]] = [pool.submit(_convert_in_worker, job) for job in ordered]
        from concurrent.futures import as_completed

        for done, future in enumerate(as_completed(futures), start=1):
            result = future.result()
            if progress:
                progress(done, len(futures), result)
            yield result
