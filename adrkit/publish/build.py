"""`adrkit build`: the project's decision logs as one static site, as a list of stages.

1. gather the sources (`sources.gather`): every log's records, their data files, the
   guides, the logo and the included sites, from file stats first (a file is read only
   when its stat changed since the last build);
2. key every page by what it is made from (`cache.page_key`); when every key and input
   is what the last build into the same folder saw, and the folder is as it left it,
   stop: the site is up to date (its report is repeated);
3. take from the page cache what it has (`recall`), while the decision graph is drawn
   in the background;
4. convert the rest (`convert`), in a process pool when there are many, each body going
   straight into the cache;
5. assemble the site (links, navigation, the other sites' decisions) and check it;
6. write it (`emit.write_site`): every file rendered only if what it is made from
   changed, the rest taken from the current site, into a staging folder swapped in
   whole (`output.SiteWriter`); remember the build; prune the cache; report.

Decisions and guides are the same thing to every stage (`model.Source`, `model.Page`).
Nothing is written to the output folder before stage 6, so a build that fails leaves
the previous site as it was. One notebook that cannot be read or converted is reported
with its file and the reason, and the rest of the site is built.
"""
from __future__ import annotations

import gc
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from adrkit.publish.cache import PageCache, build_fingerprint, page_key
from adrkit.publish.checks import check_site
from adrkit.publish.convert import Converted, Job, convert_all, pooled, worker_count
from adrkit.publish.emit import Site, write_site
from adrkit.publish.graph import GraphDrawer, plan_graph
from adrkit.publish.links import SiteLinks
from adrkit.publish.model import DECISION, GUIDE, Page, Source
from adrkit.publish.output import SiteWriter, check_out_dir, site_intact
from adrkit.publish.pages import SiteRenderer, SiteSettings
from adrkit.publish.report import BuildReport, Problem, Progress, as_progress
from adrkit.publish.sources import Gathered, gather, guide_folders
from adrkit.storage.log import DecisionLog
from adrkit.storage.project import Project, project_of
from adrkit.storage.records import RecordIndex, no_gc
from adrkit.storage.statcache import StatCache

__all__ = ["BuildOptions", "build_site", "guide_folders", "default_cache"]


@dataclass
class BuildOptions:
    out: Path | None = None          # default: the project's configured site folder
    strict: bool = False             # the caller turns warnings into a failing exit code
    execute: bool = False            # re-run notebooks with nbclient (cached by content)
    drafts: bool = False             # publish drafts too
    cache_dir: Path | None = None    # default: <project>/.adrkit-cache
    parallel: bool | None = None     # None: a process pool when there are many pages
    guides: list[Path] | None = None  # guide folders; None: site.guides of .adrkit.yaml
    include: list[str] | None = None  # other sites' decisions.json; None: site.include


def default_cache(project: Project) -> Path:
    return project.config.root / ".adrkit-cache"


def build_site(log: DecisionLog, options: BuildOptions | None = None, *,
               progress: Progress | Callable[[str], None] | None = None) -> BuildReport:
    """Build the site of the project `log` belongs to (every log its settings list);
    returns what was built, skipped, warned about and failed."""
    options = options or BuildOptions()
    say = as_progress(progress)
    started = time.perf_counter()
    project = project_of(log)
    out = Path(options.out) if options.out else project.config.root / project.config.site_out
    report = BuildReport(out=out)
    folders = guide_folders(project, options.guides, report.warnings)
    check_out_dir(out, [*(lg.dir for lg in project.logs), project.config.root, *folders])
    cache_dir = Path(options.cache_dir) if options.cache_dir else default_cache(project)
    files = StatCache(cache_dir / "records.sqlite")
    try:
        with PageCache(cache_dir) as cache:
            found = gather(project, cache=files, folders=folders, out=out,                     # 1
                           includes=options.include if options.include is not None
                           else project.config.site_include)
            _key_pages(found, options)                                                          # 2
            inputs = _inputs_key(found, options, out)
            last = cache.last_build(str(out.absolute()))
            if _up_to_date(last, inputs, out):
                return _repeat(last, report, started)
            with no_gc():
                found.split(options.drafts)
            gc.freeze()  # what a build reads is kept to its end: the collector need not walk it
            report.warnings.extend(found.warnings)
            report.failures.extend(found.failures)
            graph = GraphDrawer(plan_graph(found.decisions, project.multi), build_fingerprint(),
                                cache.get_blob, cache.put_blob).start()
            with no_gc():
                pages, todo = _recall(found.sources, cache)                                     # 3
            report.skipped = len(pages)
            gc.freeze()
            pages += _convert(todo, cache, options, say, report)                                # 4
            site = _assemble(project, found, pages, graph, options)                             # 5
            report.warnings.extend(check_site(site.pages, site.guides, site.links, found.decisions + found.unpublished,
                                              {lg.name: lg for lg in project.logs}, project.default.name))
            manifest = _write(site, out, cache, last, RecordIndex(project.default, files), say)  # 6
            report.pages, report.guides = len(site.pages), len(site.guides)
            report.seconds = time.perf_counter() - started
            cache.remember_build(str(out.absolute()), {"inputs": inputs, "manifest": manifest,
                                                       "report": _report_state(report)})
            cache.prune()
    finally:
        files.close()
        gc.unfreeze()
    return report


# --- 2. keys -------------------------------------------------------------------------

def _key_pages(found: Gathered, options: BuildOptions) -> None:
    for src in found.records + found.guides:
        if src.kind == GUIDE:
            src.key = page_key(GUIDE, src.digest, None, where=f"{src.guide_log}\0{src.decisions_href}")
        else:
            src.key = page_key(DECISION, src.digest, src.data_digest, execute=options.execute)


def _inputs_key(found: Gathered, options: BuildOptions, out: Path) -> str:
    """Everything the site is made from, as one hash."""
    h = hashlib.sha256(f"{build_fingerprint()}\0{out.absolute()}\0{options.drafts}\0{options.execute}".encode())
    for item in found.inputs:
        h.update(f"\0{item}".encode())
    for src in found.records + found.guides:
        h.update(f"\0{src.kind}\0{src.file}\0{src.key}\0{src.path}".encode())
    for problem in found.warnings:
        h.update(f"\0{problem}".encode())
    return h.hexdigest()


def _up_to_date(last: dict[str, Any], inputs: str, out: Path) -> bool:
    return last.get("inputs") == inputs and isinstance(last.get("manifest"), dict) \
        and site_intact(out, last["manifest"])


def _repeat(last: dict[str, Any], report: BuildReport, started: float) -> BuildReport:
    """The report of a build that had nothing to do: the last one's, with every page
    taken as it was."""
    state = last.get("report") or {}
    report.pages, report.guides = int(state.get("pages", 0)), int(state.get("guides", 0))
    report.skipped = report.pages + report.guides
    report.warnings = [Problem.from_dict(p) for p in state.get("warnings", [])]
    report.failures = [Problem.from_dict(p) for p in state.get("failures", [])]
    report.seconds = time.perf_counter() - started
    return report


def _report_state(report: BuildReport) -> dict[str, Any]:
    return {"pages": report.pages, "guides": report.guides,
            "warnings": [p.to_dict() for p in report.warnings],
            "failures": [p.to_dict() for p in report.failures]}


# --- 3, 4. pages ------------------------------------------------------------------------

def _recall(sources: list[Source], cache: PageCache) -> tuple[list[Page], list[Source]]:
    """The pages the cache has, and the sources left to convert."""
    metas = cache.metas(src.key for src in sources)
    pages, todo = [], []
    for src in sources:
        meta = metas.get(src.key)
        if meta is None:
            todo.append(src)
        else:
            pages.append(Page.from_meta(src, src.key, meta))
    return pages, todo


def _convert(todo: list[Source], cache: PageCache, options: BuildOptions, say: Progress,
             report: BuildReport) -> list[Page]:
    """Convert `todo`; each body goes into the cache as it comes."""
    if not todo:
        return []
    jobs = [_job(src, options) for src in todo]
    by_ident = {job.ident: src for job, src in zip(jobs, todo)}
    many = pooled(len(jobs), options.parallel)
    workers = worker_count(len(jobs)) if many else 1
    report.workers = workers
    say.note(f"converting {len(jobs)} notebook{'s' if len(jobs) != 1 else ''}"
             + (f" on {workers} cores" if workers > 1 else ""))
    say.start("converting", len(jobs))
    pages = []
    for done, result in enumerate(convert_all(jobs, parallel=options.parallel,
                                              bytecode_dir=cache.dir / "nbconvert-templates"), start=1):
        src = by_ident[result.ident]
        page = _converted(src, result, cache, report)
        if page is not None:
            pages.append(page)
        say.advance(done)
    say.finish()
    return pages


def _job(src: Source, options: BuildOptions) -> Job:
    size = 0
    try:
        size = src.path.stat().st_size
    except OSError:
        pass
    return Job(ident=str(src.path), kind=src.kind, path=str(src.path), digest=src.digest,
               data_path=str(src.data_path) if src.data_path else "", data_digest=src.data_digest,
               execute=options.execute and src.kind == DECISION, cwd=str(src.folder),
               guide_log=src.guide_log, decisions_href=src.decisions_href, size=size)


def _converted(src: Source, result: Converted, cache: PageCache, report: BuildReport) -> Page | None:
    if result.error:
        report.failures.append(Problem("conversion", f"could not be converted: {result.error}", str(src.path)))
        if src.kind == GUIDE:
            return None  # a guide that cannot be converted is left out
        return Page.from_meta(src, src.key, {"error": result.error})
    meta = result.meta()
    cache.put(src.key, meta, result.body, result.text)
    report.converted += 1
    return Page.from_meta(src, src.key, meta)


# --- 5. the site -----------------------------------------------------------------------

def _assemble(project: Project, found: Gathered, pages: list[Page], graph: GraphDrawer,
              options: BuildOptions) -> Site:
    order = {name: i for i, name in enumerate(project.names())}
    decisions = sorted((p for p in pages if p.kind == DECISION),
                       key=lambda p: (order.get(p.log, 0), p.decision.number, p.stem))
    guide_order = {src.path: i for i, src in enumerate(found.guides)}
    guides = sorted((p for p in pages if p.kind == GUIDE), key=lambda p: guide_order.get(p.path, 0))
    remotes = [remote for included in found.includes for remote in included.decisions]
    links = SiteLinks(decisions, [(src.log, src.decision) for src in found.unpublished], remotes,  # type: ignore[misc]
                      multi=project.multi)
    logo = f"assets/logo{found.logo.suffix.lower()}" if found.logo is not None else None
    settings = SiteSettings(title=project.config.site_title, logo=logo, drafts=options.drafts,
                            guides=bool(guides), multi=project.multi)
    cache_dir = Path(options.cache_dir) if options.cache_dir else default_cache(project)
    renderer = SiteRenderer(settings, bytecode_dir=cache_dir / "site-templates")
    counts: dict[str, int] = {}
    for page in decisions:
        counts[page.log] = counts.get(page.log, 0) + 1
    logs = [{"name": lg.name, "title": lg.title or lg.name, "count": counts.get(lg.name, 0)} for lg in project.logs]
    for included in found.includes:
        for name in dict.fromkeys(r.log for r in included.decisions):
            logs.append({"name": name, "title": included.title,
                         "count": sum(1 for r in included.decisions if r.log == name)})
    return Site(project.config.site_title, decisions, guides, links, renderer, remotes=remotes, logs=logs,
                multi=project.multi, logo=found.logo, drawings=graph.drawings)


# --- 6. writing --------------------------------------------------------------------------

def _write(site: Site, out: Path, cache: PageCache, last: dict[str, Any], index: RecordIndex,
           say: Progress) -> dict[str, list[Any]]:
    manifest = last.get("manifest") if isinstance(last.get("manifest"), dict) else {}
    writer = SiteWriter(out, manifest)
    try:
        write_site(site, writer, cache, index.file_digest, say)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return writer.manifest

