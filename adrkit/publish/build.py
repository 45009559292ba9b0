"""`adrkit build`: the decision log as a static site, as a flat list of stages.

1. discover the records and their data files, and key each by content (`cache.page_key`)
2. take unchanged pages from the cache
3. read the rest (front matter) and 4. convert them, in parallel when there are many
5. resolve links and backlinks, check them, render every page, the index, the search
   index, the timeline, the graph, `decisions.json` and the feed
6. write the site into a staging folder and swap it in; prune the cache; report

Guides (tutorial notebooks from the guide folders, see `guides`) go through the same
stages beside the decisions: discovered and keyed by content, taken from the cache or
converted by the same exporter, checked, and written to `guides/`.

Nothing is written to the output folder before stage 6, so a build that fails leaves
the previous site as it was. One notebook that cannot be read or converted is reported
with its file and the reason, and the rest of the site is built.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from adrkit.core.errors import AdrkitError, UsageError
from adrkit.core.decision import Decision, parse_filename
from adrkit.formats.notebook import decision_from_notebook, load_template, loads_notebook
from adrkit.storage.log import DecisionLog
from adrkit.publish.cache import PageCache, code_fingerprint, page_key
from adrkit.publish.guides import GUIDES_DIR, GuidePage, guide_notebooks, guide_slug
from adrkit.publish.links import Page, SiteLinks
from adrkit.publish.files import (check_linked_files, copy_linked_files, publish_logo, read_inside,
                                  unpublishable_records)
from adrkit.publish.output import SiteWriter, check_out_dir
from adrkit.publish.report import BuildReport, Problem

__all__ = ["BuildOptions", "build_site", "guide_folders", "ASSETS"]

ASSETS = Path(__file__).with_name("assets")
Progress = Callable[[str], None]


@dataclass
class BuildOptions:
    out: Path | None = None        # default: the log's configured site folder
    strict: bool = False           # the caller turns warnings into a failing exit code
    execute: bool = False          # re-run notebooks with nbclient (cached by content)
    drafts: bool = False           # publish drafts too
    cache_dir: Path | None = None  # default: <project>/.adrkit-cache/publish
    parallel: bool | None = None   # None: a process pool when there are many pages
    guides: list[Path] | None = None  # guide folders; None: site.guides of .adrkit.yaml
    today: str | None = None       # YYYY-MM-DD that review dates and debt are judged on; None: today (UTC)


@dataclass
class _Source:
    """A record found on disk (stage 1)."""

    path: Path
    number: int
    slug: str
    raw: bytes
    data: bytes | None
    key: str


@dataclass
class _GuideSource:
    """A guide notebook found in a guide folder (stage 1)."""

    path: Path
    folder: Path
    slug: str
    raw: bytes
    guide_log: str  # the decision folder, relative to the guide's folder
    key: str

    @property
    def stem(self) -> str:
        return f"{GUIDES_DIR}/{self.slug}"


@dataclass
class _State:
    report: BuildReport
    pages: list[Page] = field(default_factory=list)
    unpublished: dict[str, Decision] = field(default_factory=dict)
    guides: list[GuidePage] = field(default_factory=list)
    decisions: list[tuple[Path, Decision]] = field(default_factory=list)  # every record read


def default_out(log: DecisionLog) -> Path:
    return log.config.root / log.config.site_out


def default_cache(log: DecisionLog) -> Path:
    return log.config.root / ".adrkit-cache" / "publish"


def build_site(log: DecisionLog, options: BuildOptions | None = None, *,
               progress: Progress | None = None) -> BuildReport:
    """Build the site of `log`; returns what was built, skipped, warned about and failed."""
    options = options or BuildOptions()
    say = progress or (lambda message: None)
    started = time.perf_counter()
    out = Path(options.out) if options.out else default_out(log)
    state = _State(BuildReport(out=out))
    folders = guide_folders(log, options, state.report.warnings)
    check_out_dir(out, [log.dir, log.config.root, *folders])
    cache = PageCache(options.cache_dir or default_cache(log))

    sources = _discover(log, options, state)                                   # 1
    guide_sources = _discover_guides(log, folders, state)
    jobs = _from_cache(sources, cache, options, state)                         # 2, 3
    guide_jobs = _guides_from_cache(guide_sources, cache, state)
    from_cache = len(state.pages) + len(state.guides)
    if jobs or guide_jobs:
        _convert(log, jobs, cache, options, state, say, guide_jobs)            # 4
    state.report.skipped = from_cache
    state.pages.sort(key=lambda p: (p.decision.number, p.stem))
    order = {src.stem: i for i, src in enumerate(guide_sources)}
    state.guides.sort(key=lambda g: order.get(g.stem, len(order)))
    links = SiteLinks(state.pages, state.unpublished)                          # 5
    _check(log, links, state)
    manifest_key = str(out.absolute())
    previous = _manifest(cache.get_blob("manifest", manifest_key))
    writer = SiteWriter(out, previous)
    try:
        _render(log, links, writer, cache, options, state)
        writer.commit()                                                        # 6
    except BaseException:
        writer.abort()
        cache.close()
        raise
    cache.put_blob("manifest", manifest_key, json.dumps(writer.manifest, separators=(",", ":")))
    cache.prune()
    cache.close()
    state.report.pages = len(state.pages)
    state.report.guides = len(state.guides)
    state.report.seconds = time.perf_counter() - started
    return state.report


def _manifest(text: str | None) -> dict[str, list[Any]]:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# --- 1. discover ---------------------------------------------------------------------

def _discover(log: DecisionLog, options: BuildOptions, state: _State) -> list[_Source]:
    sources = []
    state.report.warnings.extend(unpublishable_records(log.dir))
    for path in log.record_paths():
        number, slug = parse_filename(path.name)  # type: ignore[misc]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            state.report.failures.append(Problem("unreadable", f"cannot be read: {exc.strerror}", str(path)))
            continue
        data = read_inside(path.with_suffix(".yaml"), log.dir)  # not through a link out of the log
        sources.append(_Source(path, number, slug, raw, data, page_key(
            raw, data, execute=options.execute, output_limit=log.config.site_max_output)))
    notebooks = {s.path.stem for s in sources}
    for data_path in sorted(log.dir.glob("*.yaml")):
        if parse_filename(data_path.name) and data_path.stem not in notebooks:
            state.report.warnings.append(Problem(
                "stale-data", "this data file belongs to no decision notebook", str(data_path),
                fix="rename it to match its notebook or delete it"))
    return sources


def guide_folders(log: DecisionLog, options: BuildOptions, warnings: list[Problem]) -> list[Path]:
    """The guide folders of a build: `options.guides` (relative to the working folder;
    a missing one is a usage error), else `site.guides` of the settings (relative to
    the project root; a missing one is a warning)."""
    if options.guides is not None:
        folders = []
        for folder in options.guides:
            path = Path(folder).absolute()
            if not path.is_dir():
                raise UsageError(f"--guides {folder}: no such folder",
                                 fix="give a folder that holds tutorial notebooks, e.g. notebooks")
            folders.append(path)
        return list(dict.fromkeys(folders))
    folders = []
    for rel in log.config.site_guides:
        path = log.config.root / rel
        if not path.is_dir():
            warnings.append(Problem("config", f"guides folder '{rel}' does not exist",
                                    str(log.config.path), "site.guides",
                                    "fix the path (relative to .adrkit.yaml) or remove it"))
            continue
        folders.append(path)
    return list(dict.fromkeys(folders))


def _discover_guides(log: DecisionLog, folders: list[Path], state: _State) -> list[_GuideSource]:
    """Top-level notebooks of each guide folder, by folder then name; the log's own
    records are never guides."""
    records = {p.resolve() for p in log.record_paths()}
    taken: set[str] = set()
    sources = []
    for folder in folders:
        guide_log = Path(os.path.relpath(log.dir.resolve(), folder.resolve())).as_posix()
        try:
            paths = guide_notebooks(folder, records)
            state.report.warnings.extend(unpublishable_records(folder, guides=True))
        except OSError as exc:
            state.report.warnings.append(Problem("unreadable", f"cannot be listed: {exc.strerror}", str(folder)))
            continue
        for path in paths:
            try:
                raw = path.read_bytes()
            except OSError as exc:
                state.report.failures.append(Problem("unreadable", f"cannot be read: {exc.strerror}", str(path)))
                continue
            base = slug = guide_slug(path.name)
            n = 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            sources.append(_GuideSource(path, folder, slug, raw, guide_log,
                                        page_key(raw, None, execute=False, guide=guide_log,
                                                 output_limit=log.config.site_max_output)))
    return sources


# --- 2, 3. cache and reading -------------------------------------------------------

def _guides_from_cache(sources: list[_GuideSource], cache: PageCache, state: _State) -> list[_GuideSource]:
    """Guides whose key the cache knows go straight to the site; returns the rest."""
    jobs = []
    for src in sources:
        entry = cache.get(src.key)
        if entry is not None and isinstance(entry.get("guide"), dict):
            state.guides.append(_guide_page(src, entry["guide"]))
        else:
            jobs.append(src)
    return jobs


def _guide_page(src: _GuideSource, converted: dict[str, Any]) -> GuidePage:
    problems = [Problem.from_dict(p).at(src.path) for p in converted.get("problems") or []]
    for dropped in converted.get("dropped") or []:
        problems.append(Problem("remote-image", f"image from another host left out: {dropped}",
                                str(src.path), "text", "copy the image into the guides folder and link it"))
    for outside in converted.get("outside") or []:
        problems.append(Problem("broken-link", f"'{outside}' points outside the guides folder, "
                                "so the site cannot include it", str(src.path), "text",
                                "move the file into the guides folder or link it by URL"))
    return GuidePage(src.slug, src.path, src.folder, title=str(converted.get("title") or src.path.stem),
                     titled=bool(converted.get("titled")), body=converted.get("body", ""),
                     text=converted.get("text", ""), mentions=list(converted.get("decisions") or []),
                     files=list(converted.get("files") or []), problems=problems)


def _from_cache(sources: list[_Source], cache: PageCache, options: BuildOptions,
                state: _State) -> list[tuple[_Source, Decision, dict[str, Any]]]:
    """Pages whose key the cache knows go straight to the site; returns the rest."""
    jobs = []
    for src in sources:
        entry = cache.get(src.key)
        decision = None
        if entry is not None:
            try:
                decision = Decision.from_front_matter(entry["front_matter"], number=src.number,
                                                      slug=src.slug, path=src.path)
            except (AdrkitError, KeyError, TypeError):
                entry, decision = None, None
        if decision is None:
            try:
                nb = loads_notebook(src.raw, path=src.path)
                decision = decision_from_notebook(nb, number=src.number, slug=src.slug, path=src.path)
            except AdrkitError as exc:
                state.report.failures.append(Problem("unreadable", exc.message, str(src.path),
                                                     exc.where or "", exc.fix or ""))
                continue
            entry = {"front_matter": decision.to_front_matter()}
        state.decisions.append((src.path, decision))
        if not _published(decision, options):
            state.unpublished[decision.stem] = decision
            if "page" not in entry:
                cache.put(src.key, entry)
            continue
        if "page" in entry:
            state.pages.append(_page(decision, src.path, entry["page"]))
        else:
            jobs.append((src, decision, entry))
    return jobs


def _published(decision: Decision, options: BuildOptions) -> bool:
    return options.drafts or decision.status != "draft"


def _page(decision: Decision, path: Path, converted: dict[str, Any]) -> Page:
    problems = [_at_file(Problem.from_dict(p), path) for p in converted.get("problems") or []]
    for dropped in converted.get("dropped") or []:
        problems.append(Problem("remote-image", f"image from another host left out: {dropped}",
                                str(path), "text", "copy the image into the decision folder and link it"))
    for outside in converted.get("outside") or []:
        problems.append(Problem("broken-link", f"'{outside}' points outside the decision folder, "
                                "so the site cannot include it", str(path), "text",
                                "move the file into the decision folder or link it by URL"))
    return Page(decision, path, body=converted.get("body", ""), text=converted.get("text", ""),
                mentions=list(converted.get("decisions") or []), files=list(converted.get("files") or []),
                sections=list(converted.get("sections") or []), problems=problems,
                error=converted.get("error"), tradeoffs=dict(converted.get("tradeoffs") or {}))


_DATA_FILE = "data file"


def _at_file(problem: Problem, path: Path) -> Problem:
    """`problem` of the notebook at `path`, named after the file it is about: the data
    file for a problem whose place is the data file ('data file, tradeoffs.main')."""
    where = problem.where
    if where == _DATA_FILE or where.startswith(_DATA_FILE + ","):
        rest = where[len(_DATA_FILE):].lstrip(", ")
        return Problem(problem.kind, problem.message, str(path.with_suffix(".yaml")), rest, problem.fix)
    return problem.at(path)


# --- 4. convert ---------------------------------------------------------------------

def _convert(log: DecisionLog, jobs: list[tuple[_Source, Decision, dict[str, Any]]], cache: PageCache,
             options: BuildOptions, state: _State, say: Progress,
             guide_jobs: list[_GuideSource] | None = None) -> None:
    from adrkit.publish.convert import POOL_THRESHOLD, Job, convert_all, worker_count

    work = [Job(stem=src.path.stem, path=str(src.path), raw=src.raw, data_path=str(src.path.with_suffix(".yaml")),
                execute=options.execute, cwd=str(log.dir), output_limit=log.config.site_max_output)
            for src, _, _ in jobs]
    guides = {src.stem: src for src in guide_jobs or []}
    work += [Job(stem=src.stem, path=str(src.path), raw=src.raw, data_path="", cwd=str(src.folder),
                 guide=True, guide_log=src.guide_log, output_limit=log.config.site_max_output)
             for src in guides.values()]
    by_stem = {src.path.stem: (src, decision, entry) for src, decision, entry in jobs}
    total = len(work)
    step = max(1, total // 10)
    workers = worker_count(total)
    pooled = total >= POOL_THRESHOLD and workers > 1 and options.parallel is not False or options.parallel is True
    state.report.workers = workers if pooled else 1
    say(f"converting {total} notebook{'s' if total != 1 else ''}"
        + (f" on {workers} cores" if pooled and workers > 1 else ""))

    def tick(done: int, of: int, result: Any) -> None:
        if done % step == 0 and done != of:
            say(f"converted {done}/{of}")

    for result in convert_all(work, parallel=options.parallel, progress=tick):
        if result.stem in guides:
            guide = guides[result.stem]
            if result.error:
                state.report.failures.append(Problem("conversion", f"could not be converted: {result.error}",
                                                     str(guide.path)))
                continue
            cache.put(guide.key, {"guide": result.to_dict()})
            state.guides.append(_guide_page(guide, result.to_dict()))
            state.report.converted += 1
            continue
        src, decision, entry = by_stem[result.stem]
        if result.error:
            state.report.failures.append(Problem("conversion", f"could not be converted: {result.error}",
                                                 str(src.path)))
        else:
            cache.put(src.key, {**entry, "page": result.to_dict()})
        state.pages.append(_page(decision, src.path, result.to_dict()))
        state.report.converted += 0 if result.error else 1


# --- 5. check and render ---------------------------------------------------------------

def _check(log: DecisionLog, links: SiteLinks, state: _State) -> None:
    templates: dict[str, Any] = {}
    warnings = state.report.warnings
    warnings.extend(_record_rules(log, state.decisions))
    for page in state.pages:
        warnings.extend(page.problems)
        warnings.extend(links.broken(page))
        warnings.extend(check_linked_files(page, log.dir, "decision folder"))
        if page.error or not page.decision.template:
            continue
        name = page.decision.template
        if name not in templates:
            try:
                templates[name] = load_template(name, log.dir)
            except AdrkitError:
                templates[name] = None
        if templates[name] is None:
            continue
        for section in templates[name].missing_sections(page.sections):
            warnings.append(Problem("missing-section", f"required section '{section.heading}' is missing",
                                    str(page.path), "sections",
                                    f"add a markdown cell headed '{'#' * section.level} {section.heading}' "
                                    f"(template {name})"))
    for guide in state.guides:
        warnings.extend(guide.problems)
        for ref in guide.mentions:
            if not links.exists(ref):
                warnings.append(Problem("broken-link", f"the guide links to '{ref}', which is not a decision "
                                        "in this log", str(guide.path), "text", "fix the link or remove it"))
        warnings.extend(check_linked_files(guide, guide.folder, "guides folder"))


# Lint rules (`adrkit.lint`) a build reports as warnings, by finding code.
_RECORD_RULES = ("unknown-status", "duplicate-number")


def _record_rules(log: DecisionLog, decisions: list[tuple[Path, Decision]]) -> list[Problem]:
    """The findings of `adrkit lint`'s status and numbering rules over every record read."""
    from adrkit.services.lint import check_duplicate_numbers, check_status
    from adrkit.storage.log import Record

    records = [Record(path, decision, {}) for path, decision in decisions]
    paths = {path.name: path for path, _ in decisions}
    problems = []
    for rule in (check_duplicate_numbers, check_status):
        for finding in rule(records, log):
            if finding.code in _RECORD_RULES:
                problems.append(Problem(finding.code, finding.message, str(paths.get(finding.path, finding.path)),
                                        finding.field, finding.fix))
    return problems


def _render(log: DecisionLog, links: SiteLinks, writer: SiteWriter, cache: PageCache,
            options: BuildOptions, state: _State) -> None:
    from adrkit.publish.checks import checks_stage
    from adrkit.publish.feeds import atom_feed, decisions_json, search_index_js
    from adrkit.publish.pages import SiteRenderer, SiteSettings

    config = log.config
    logo, problems = publish_logo(log.config, writer)
    state.report.warnings.extend(problems)
    guides = state.guides
    renderer = SiteRenderer(SiteSettings(title=config.site_title, logo=logo, drafts=options.drafts,
                                         guides=bool(guides)),
                            bytecode_dir=cache.dir / "templates")
    pages = state.pages
    checks_stage(log, state.decisions, pages, links, renderer, writer, today=options.today)    # 5c
    for i, page in enumerate(pages):
        prev = pages[i - 1] if i > 0 else None
        nxt = pages[i + 1] if i + 1 < len(pages) else None
        writer.write(page.file, renderer.decision(page, links, prev, nxt))
    for i, guide in enumerate(guides):
        prev = guides[i - 1] if i > 0 else None
        nxt = guides[i + 1] if i + 1 < len(guides) else None
        writer.write(guide.file, renderer.guide(guide, prev, nxt))
    if guides:
        writer.write(f"{GUIDES_DIR}/index.html", renderer.guides(guides))
    writer.write("index.html", renderer.index(pages, guides))
    writer.write("timeline.html", renderer.timeline(pages))
    svg, note = _graph(renderer, pages, links, cache)
    writer.write("graph.html", renderer.graph(pages, links, svg, note))
    writer.write("decisions.json", decisions_json(pages, links, config.site_title))
    writer.write("feed.xml", atom_feed(pages, config.site_title))
    writer.write("search-index.js", search_index_js(pages, guides))
    for asset in sorted(ASSETS.iterdir()):
        if asset.is_file():
            writer.copy(f"assets/{asset.name}", asset)
    copied: set[str] = set()  # published files only, symbolic links out of a folder never followed
    for page in pages:
        copy_linked_files(writer, log.dir, page.files, "files/", copied)
    for guide in guides:
        copy_linked_files(writer, guide.folder, guide.files, f"{GUIDES_DIR}/files/", copied)


def _graph(renderer: Any, pages: list[Page], links: SiteLinks, cache: PageCache) -> tuple[str, str]:
    from adrkit.publish.renders import graph_svg
    from adrkit.publish.sanitize import Sanitizer

    nodes, edges = renderer.graph_parts(pages, links)
    drafts = sorted(links.unpublished.values(), key=lambda d: d.stem)
    key = hashlib.sha256(json.dumps([code_fingerprint(), [list(vars(n).values()) for n in nodes],
                                     [list(vars(e).values()) for e in edges],
                                     [[d.stem, d.title, d.status] for d in drafts]]).encode()).hexdigest()
    cached = cache.get_blob("graph", key)
    if cached is not None and "\n" in cached:
        note, svg = cached.split("\n", 1)
        return svg, note
    svg, note = graph_svg(nodes, edges, [p.decision for p in pages], unpublished=drafts)
    svg = _strip_prolog(svg)
    clean, _ = Sanitizer().clean(svg)
    note = " ".join(note.split())
    cache.put_blob("graph", key, f"{note}\n{clean}")
    return clean, note


def _strip_prolog(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg
