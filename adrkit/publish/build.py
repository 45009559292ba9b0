"""`adrkit build`: the project's decision logs as one static site, as a list of stages.

1. gather the sources (`sources.gather`): every log's records, their data files, the
   guides, the logo and the included sites, from file stats first (a file is read only
   when its stat changed since it was last read);
2. key every page by what it is made from (`cache.page_key`);
3. start converting, beside what follows, the pages the cache does not have
   (`convert.Conversion`: a process pool when there are many), each body going straight
   into the cache; when there are none, and every key and input is what the last build
   into the same folder saw, and the folder is as it left it, stop: the site is up to
   date (its report is repeated);
4. when only the words of a few pages changed, write them and what quotes them, and
   take the rest of the site as it is (`quick`); else:
5. read every record's front matter, take the pages the cache has (`recall`) and the
   converted ones, assemble the site (links, navigation, the graph, the other sites'
   decisions) and check it (`checks`);
6. write it (`emit.write_site`): every file rendered only if what it is made from
   changed, the rest taken from the current site, into a staging folder swapped in
   whole (`output.SiteWriter`); remember what was made of each page; prune the cache.

Decisions and guides are the same thing to every stage (`model.Source`, `model.Page`).
Nothing is written to the output folder before the last step, so a build that fails
leaves the previous site as it was. One notebook that cannot be read or converted is
reported with its file and the reason, and the rest of the site is built.
"""
from __future__ import annotations

import gc
import hashlib
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from adrkit.publish.cache import PageCache, build_fingerprint, page_key
from adrkit.publish.model import DECISION, GUIDE, Page, Source
from adrkit.publish.output import check_out_dir, site_intact
from adrkit.publish.report import BuildReport, Problem, Progress, as_progress
from adrkit.publish.sources import Gathered, gather, guide_folders
from adrkit.storage.log import DecisionLog
from adrkit.storage.project import Project, project_of
from adrkit.storage.records import RecordIndex, no_gc, read_items
from adrkit.storage.statcache import StatCache

if TYPE_CHECKING:  # the later stages' modules are imported when a build gets to them
    from adrkit.publish.convert import Converted, Workers
    from adrkit.publish.emit import Site, SiteState
    from adrkit.publish.graph import GraphDrawer

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
    today: str | None = None       # YYYY-MM-DD that review dates and debt are judged on; None: today (UTC)
    max_output: int | None = None  # largest notebook output published; None: site.max_output_size


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
    if options.max_output is None:
        options = replace(options, max_output=project.config.site_max_output)
    out = Path(options.out) if options.out else project.config.root / project.config.site_out
    report = BuildReport(out=out)
    folders = guide_folders(project, options.guides, report.warnings)
    check_out_dir(out, [*(lg.dir for lg in project.logs), project.config.root, *folders])
    with _caches(project, options) as (files, cache), _workers(options, cache) as workers:
        found = gather(project, cache=files, folders=folders, out=out, includes=_includes(project, options),  # 1
                       on_change=workers.expect)
        _key_pages(found, options)                                                                  # 2
        converting = _Converting(_unconverted(found, cache), cache, options, say, report, workers)   # 3
        inputs, last = _inputs_key(found, options, out), cache.last_build(str(out.absolute()))
        if not converting.sources and _up_to_date(last, inputs, out):
            return _repeat(last, report, started)
        quick = _quick(found, options, out, last, cache, converting, report)                        # 4
        if quick is not None:
            _remember(cache, out, inputs, report, *quick)
            return _finished(report, started)
        _read_records(found, options, report, converting)                                           # 5
        graph = _graph(found, project, cache, converting)
        pages = _recall(converting.others(found.sources), cache, report) + converting.pages(found.sources)
        site = _assemble(project, found, pages, graph, options)
        report.warnings.extend(_confirmations(site, found, project, options))                        # 5c
        report.warnings.extend(_check(site, found, project))
        manifest, state = _write(site, out, cache, last, RecordIndex(project.default, files), say)  # 6
        report.pages, report.guides = len(site.pages), len(site.guides)
        _remember(cache, out, inputs, report, manifest, _site_state(found, options, out, state, site))
        cache.keep_views(str(out.absolute()))
        cache.prune()
    return _finished(report, started)


@contextmanager
def _caches(project: Project, options: BuildOptions) -> Iterator[tuple[StatCache, PageCache]]:
    """The record index's store and the page cache, closed (committed) at the end;
    what a build reads is kept to its end, so the cycle collector is told not to walk it."""
    folder = Path(options.cache_dir) if options.cache_dir else default_cache(project)
    files = StatCache(folder / "records.sqlite")
    try:
        with PageCache(folder) as cache:
            yield files, cache
    finally:
        files.close()
        gc.unfreeze()


@contextmanager
def _workers(options: BuildOptions, cache: PageCache) -> Iterator[Workers]:
    """Conversion workers, started as soon as it is known that notebooks changed."""
    from adrkit.publish.convert import Workers

    workers = Workers(parallel=options.parallel, bytecode_dir=cache.dir / "nbconvert-templates")
    try:
        yield workers
    finally:
        workers.close()


def _includes(project: Project, options: BuildOptions) -> list[str]:
    return options.include if options.include is not None else project.config.site_include


def _finished(report: BuildReport, started: float) -> BuildReport:
    report.seconds = time.perf_counter() - started
    return report


# --- 2. keys -------------------------------------------------------------------------

def _key_pages(found: Gathered, options: BuildOptions) -> None:
    limit = options.max_output
    for src in found.records + found.guides:
        if src.kind == GUIDE:
            src.key = page_key(GUIDE, src.digest, None, where=f"{src.guide_log}\0{src.decisions_href}",
                               output_limit=limit)
        else:
            src.key = page_key(DECISION, src.digest, src.data_digest, execute=options.execute, output_limit=limit)


def _other_inputs(found: Gathered, options: BuildOptions, out: Path) -> str:
    """Everything the site is made from but the pages, as one hash."""
    h = hashlib.sha256(f"{build_fingerprint()}\0{out.absolute()}\0{options.drafts}\0{options.execute}"
                       f"\0{_today(options)}".encode())  # reviews and debt are judged on a day
    for item in (*found.inputs, *map(str, found.warnings)):
        h.update(f"\0{item}".encode())
    return h.hexdigest()


def _today(options: BuildOptions) -> str:
    import datetime as _dt

    return options.today or _dt.datetime.now(_dt.timezone.utc).date().isoformat()


def _inputs_key(found: Gathered, options: BuildOptions, out: Path) -> str:
    """Everything the site is made from, as one hash."""
    h = hashlib.sha256(_other_inputs(found, options, out).encode())
    for src in found.records + found.guides:
        h.update(f"\0{src.kind}\0{src.file}\0{src.key}\0{src.path}".encode())
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
    return _finished(report, started)


def _remember(cache: PageCache, out: Path, inputs: str, report: BuildReport, manifest: dict[str, Any],
              site: dict[str, Any]) -> None:
    """What the next build needs of this one: its inputs, the files it wrote, what it
    made of each page, and its report (repeated by a build with nothing to do)."""
    cache.remember_build(str(out.absolute()), {
        "inputs": inputs, "manifest": manifest, "site": site,
        "report": {"pages": report.pages, "guides": report.guides,
                   "warnings": [p.to_dict() for p in report.warnings],
                   "failures": [p.to_dict() for p in report.failures]}})


# --- 3. converting ------------------------------------------------------------------------

def _unconverted(found: Gathered, cache: PageCache) -> list[Source]:
    """The records and guides whose page key the cache does not have. Their front
    matter is not read first: a draft among them is converted and left out later."""
    known = cache.known()
    return [src for src in found.records + found.guides if src.key not in known]


class _Converting:
    """The conversion of the pages the cache does not have, started at once (see
    `convert.Conversion`); `pages()` waits for them (each body goes into the cache)."""

    def __init__(self, todo: list[Source], cache: PageCache, options: BuildOptions, say: Progress,
                 report: BuildReport, workers: Workers):
        from adrkit.publish.convert import Conversion

        self.sources = todo
        self._cache, self._say, self._report = cache, say, report
        self._jobs = [_job(src, options) for src in todo]
        self._by_ident = {job.ident: src for job, src in zip(self._jobs, todo)}
        self._pages: list[Page] | None = None
        self._failures: dict[int, Problem] = {}  # by id() of the source
        self.graph: GraphDrawer | None = None
        records = read_items([src.record for src in todo if src.record is not None and src.record.deferred])
        self.conversion: Conversion = Conversion(self._jobs, parallel=options.parallel,
                                                 bytecode_dir=cache.dir / "nbconvert-templates", started=workers,
                                                 records=records)
        report.workers = self.conversion.workers

    def others(self, sources: list[Source]) -> list[Source]:
        """The `sources` this conversion does not make."""
        mine = {id(src) for src in self.sources}
        return [src for src in sources if id(src) not in mine]

    def pages(self, published: list[Source] | None = None) -> list[Page]:
        """The converted pages (of `published` only, when given: a draft or a record
        that cannot be read was converted for nothing); their failures go to the report."""
        keep = None if published is None else {id(src) for src in published}
        if self._pages is None:
            count = sum(1 for src in self.sources if keep is None or id(src) in keep)
            if count:
                self._say.note(f"converting {count} notebook{'s' if count != 1 else ''}"
                               + (f" on {self.conversion.workers} cores" if self.conversion.workers > 1 else ""))
            self._pages = self._collect(count, keep)
        for key, problem in self._failures.items():
            if keep is None or key in keep:
                self._report.failures.append(problem)
        self._failures.clear()
        pages = [p for p in self._pages if keep is None or id(p.source) in keep]
        self._report.converted = sum(1 for p in pages if not p.error)
        return pages

    def _collect(self, total: int, keep: set[int] | None) -> list[Page]:
        from adrkit.publish.convert import Drawn

        out: list[Page] = []
        self._say.start("converting", total)
        done = 0
        for result in self.conversion.results():
            if isinstance(result, Drawn):
                if self.graph is not None:
                    self.graph.accept(result.part, result.svg, result.note)
                continue
            src = self._by_ident[result.ident]
            done += keep is None or id(src) in keep
            page = _converted(src, result, self._cache, self._report)
            if result.error:
                self._failures[id(src)] = Problem("conversion", f"could not be converted: {result.error}",
                                                  str(src.path))
            if page is not None:
                out.append(page)
            self._say.advance(done)
        self._say.finish()
        return out


def _job(src: Source, options: BuildOptions) -> Any:
    from adrkit.publish.convert import Job

    try:
        size = src.path.stat().st_size
    except OSError:
        size = 0
    return Job(ident=str(src.path), kind=src.kind, path=str(src.path), digest=src.digest,
               data_path=str(src.data_path) if src.data_path else "", data_digest=src.data_digest,
               execute=options.execute and src.kind == DECISION, cwd=str(src.folder),
               guide_log=src.guide_log, decisions_href=src.decisions_href, size=size,
               output_limit=options.max_output)


def _converted(src: Source, result: Converted, cache: PageCache, report: BuildReport) -> Page | None:
    if result.error:
        if src.kind == GUIDE:
            return None  # a guide that cannot be converted is left out
        return Page.from_meta(src, src.key, {"error": result.error})
    meta = result.meta()
    cache.put(src.key, meta, result.body, result.text)
    return Page.from_meta(src, src.key, meta)


# --- 4. when only words changed -------------------------------------------------------------

def _quick(found: Gathered, options: BuildOptions, out: Path, last: dict[str, Any], cache: PageCache,
           converting: _Converting, report: BuildReport) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Write the site by `quick` when it applies: (manifest, site state), the report
    filled in; None when the full build is needed (the conversions go on for it)."""
    from adrkit.publish import quick
    from adrkit.publish.pages import SiteRenderer, SiteSettings

    old = last.get("site")
    plan = quick.plan(found.records + found.guides, _other_inputs(found, options, out), old, options.drafts)
    if plan is None:
        return None

    def changed() -> list[Page]:
        converted = {p.key: p for p in converting.pages()}
        rest = [s for s in plan.changed if s.key not in converted]
        recalled = {p.key: p for p in _recall(rest, cache, BuildReport(out=out))}
        return [page for s in plan.changed if (page := converted.get(s.key) or recalled.get(s.key))]

    settings = SiteSettings(**old["settings"])  # type: ignore[index]
    renderer = SiteRenderer(settings, bytecode_dir=cache.dir / "site-templates")
    done = quick.write(plan, changed, out=out, cache=cache, renderer=renderer, last=last,
                       sources=found.records, guide_sources=found.guides, title=settings.title)
    if done is None or report.failures:
        return None
    before = last.get("report") or {}
    report.pages, report.guides = int(before.get("pages", 0)), int(before.get("guides", 0))
    report.warnings = [Problem.from_dict(p) for p in before.get("warnings", [])]
    report.failures = [Problem.from_dict(p) for p in before.get("failures", [])]
    report.skipped = report.pages + report.guides - report.converted
    return done


# --- 5. the whole site ------------------------------------------------------------------------

def _read_records(found: Gathered, options: BuildOptions, report: BuildReport, converting: _Converting) -> None:
    """Every record's front matter: the ones to publish, the drafts, the unreadable.
    Records that changed in numbers were read by the conversion's workers."""
    with no_gc():
        entries = {str(src.path): src.record for src in found.records if src.record is not None}
        for path, facts in converting.conversion.parsed():
            entry = entries.get(path)
            if entry is not None:
                entry.accept(facts)
        found.split(options.drafts)
    gc.freeze()  # kept to the end of the build: the collector need not walk it
    report.warnings.extend(found.warnings)
    report.failures.extend(found.failures)


def _recall(sources: list[Source], cache: PageCache, report: BuildReport) -> list[Page]:
    """The pages the cache has."""
    with no_gc():
        metas = cache.metas(src.key for src in sources)
        pages = [Page.from_meta(src, src.key, metas[src.key]) for src in sources if src.key in metas]
    report.skipped += len(pages)
    return pages


def _graph(found: Gathered, project: Project, cache: PageCache, converting: _Converting) -> GraphDrawer:
    """The decision graph's drawings: kept ones, the others made in the conversion's
    process pool when there is one (else when the graph page is written)."""
    from adrkit.publish.graph import GraphDrawer, plan_graph

    graph = GraphDrawer(plan_graph(found.decisions, project.multi, drafts=found.unpublished), build_fingerprint(),
                        cache.get_blob,
                        cache.put_blob)
    converting.graph = graph
    converting.conversion.draw(graph.missing())
    return graph


def _assemble(project: Project, found: Gathered, pages: list[Page], graph: GraphDrawer,
              options: BuildOptions) -> Site:
    from adrkit.publish.emit import Site
    from adrkit.publish.links import SiteLinks
    from adrkit.publish.pages import SiteRenderer, SiteSettings

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


def _confirmations(site: Site, found: Gathered, project: Project, options: BuildOptions) -> list[Problem]:
    """What each published decision's check and review say, and the debt page's
    context (`adrkit.publish.confirmations`), before any page is rendered."""
    from adrkit.publish.confirmations import site_checks

    by_log: dict[str, list[Source]] = {}
    for src in found.decisions + found.unpublished:
        by_log.setdefault(src.log, []).append(src)
    published = {p.ident for p in site.pages}
    checks = site_checks([(lg, by_log.get(lg.name, [])) for lg in project.logs], published, _today(options))
    site.renderer.checks = checks
    site.debt = site.renderer.debt(checks, site.links)
    return [Problem("config", text, str(project.config.path), "checks") for text in checks.problems]


def _check(site: Site, found: Gathered, project: Project) -> list[Problem]:
    from adrkit.publish.checks import check_site

    return check_site(site.pages, site.guides, site.links, found.decisions + found.unpublished,
                      {lg.name: lg for lg in project.logs}, project.default.name)


# --- 6. writing --------------------------------------------------------------------------

def _write(site: Site, out: Path, cache: PageCache, last: dict[str, Any], index: RecordIndex,
           say: Progress) -> tuple[dict[str, Any], SiteState]:
    from adrkit.publish.emit import write_site
    from adrkit.publish.output import SiteWriter

    manifest = last.get("manifest") if isinstance(last.get("manifest"), dict) else {}
    writer = SiteWriter(out, manifest)
    try:
        state = write_site(site, writer, cache, index.file_digest, say, str(out.absolute()))
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return writer.manifest, state


def _site_state(found: Gathered, options: BuildOptions, out: Path, state: SiteState, site: Site) -> dict[str, Any]:
    from adrkit.publish.quick import site_state

    return site_state(found.records + found.guides, _other_inputs(found, options, out), state, site.logs,
                      asdict(site.renderer.settings))
