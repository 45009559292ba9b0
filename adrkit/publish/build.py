"""`adrkit build`: the decision log as a static site, as a flat list of stages.

1. discover the records and their data files, and key each by content (`cache.page_key`)
2. take unchanged pages from the cache
3. read the rest (front matter) and 4. convert them, in parallel when there are many
5. resolve links and backlinks, check them, render every page, the index, the search
   index, the timeline, the graph, `decisions.json` and the feed
6. write the site into a staging folder and swap it in; prune the cache; report

Nothing is written to the output folder before stage 6, so a build that fails leaves
the previous site as it was. One notebook that cannot be read or converted is reported
with its file and the reason, and the rest of the site is built.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import AdrkitError
from ..model import Decision, parse_filename
from ..notebook_io import decision_from_notebook, load_template, loads_notebook
from ..store import DecisionLog
from .cache import PageCache, code_fingerprint, page_key
from .links import Page, SiteLinks
from .output import SiteWriter, check_out_dir
from .report import BuildReport, Problem

__all__ = ["BuildOptions", "build_site", "ASSETS"]

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
class _State:
    report: BuildReport
    pages: list[Page] = field(default_factory=list)
    unpublished: dict[str, Decision] = field(default_factory=dict)


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
    check_out_dir(out, [log.dir, log.config.root])
    cache = PageCache(options.cache_dir or default_cache(log))
    state = _State(BuildReport(out=out))

    sources = _discover(log, options, state)                                   # 1
    jobs = _from_cache(sources, cache, options, state)                         # 2, 3
    from_cache = len(state.pages)
    if jobs:
        _convert(log, jobs, cache, options, state, say)                        # 4
    state.report.skipped = from_cache
    state.pages.sort(key=lambda p: (p.decision.number, p.stem))
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
    for path in log.record_paths():
        number, slug = parse_filename(path.name)  # type: ignore[misc]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            state.report.failures.append(Problem("unreadable", f"cannot be read: {exc.strerror}", str(path)))
            continue
        data_path = path.with_suffix(".yaml")
        try:
            data = data_path.read_bytes()
        except FileNotFoundError:
            data = None
        sources.append(_Source(path, number, slug, raw, data, page_key(raw, data, execute=options.execute)))
    notebooks = {s.path.stem for s in sources}
    for data_path in sorted(log.dir.glob("*.yaml")):
        if parse_filename(data_path.name) and data_path.stem not in notebooks:
            state.report.warnings.append(Problem(
                "stale-data", "this data file belongs to no decision notebook", str(data_path),
                fix=f"rename it to match its notebook or delete it"))
    return sources


# --- 2, 3. cache and reading -------------------------------------------------------

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
    problems = [Problem.from_dict(p).at(path) for p in converted.get("problems") or []]
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
                error=converted.get("error"))


# --- 4. convert ---------------------------------------------------------------------

def _convert(log: DecisionLog, jobs: list[tuple[_Source, Decision, dict[str, Any]]], cache: PageCache,
             options: BuildOptions, state: _State, say: Progress) -> None:
    from .convert import POOL_THRESHOLD, Job, convert_all, worker_count

    work = [Job(stem=src.path.stem, path=str(src.path), raw=src.raw, data_path=str(src.path.with_suffix(".yaml")),
                execute=options.execute, cwd=str(log.dir)) for src, _, _ in jobs]
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
    for page in state.pages:
        warnings.extend(page.problems)
        warnings.extend(links.broken(page))
        for rel in page.files:
            source = log.dir / rel
            if not source.is_file():
                warnings.append(Problem("broken-link", f"links to '{rel}', which does not exist",
                                        str(page.path), "text", "add the file or fix the link"))
        if page.error or not page.decision.template:
            continue
        name = page.decision.template
        if name not in templates:
            try:
                templates[name] = load_template(name, log.dir).required_sections
            except AdrkitError:
                templates[name] = []
        keys = {k.lower() for k, _ in page.sections} | {h.lower() for _, h in page.sections}
        for section in templates[name]:
            if section.key.lower() not in keys and section.heading.lower() not in keys:
                warnings.append(Problem("missing-section", f"required section '{section.heading}' is missing",
                                        str(page.path), "sections",
                                        f"add a markdown cell headed '{'#' * section.level} {section.heading}' "
                                        f"(template {name})"))


def _render(log: DecisionLog, links: SiteLinks, writer: SiteWriter, cache: PageCache,
            options: BuildOptions, state: _State) -> None:
    from .feeds import atom_feed, decisions_json, search_index_js
    from .pages import SiteRenderer, SiteSettings

    config = log.config
    logo = _logo(log, writer, state)
    renderer = SiteRenderer(SiteSettings(title=config.site_title, logo=logo, drafts=options.drafts),
                            bytecode_dir=cache.dir / "templates")
    pages = state.pages
    for i, page in enumerate(pages):
        prev = pages[i - 1] if i > 0 else None
        nxt = pages[i + 1] if i + 1 < len(pages) else None
        writer.write(page.href, renderer.decision(page, links, prev, nxt))
    writer.write("index.html", renderer.index(pages))
    writer.write("timeline.html", renderer.timeline(pages))
    svg, note = _graph(renderer, pages, links, cache)
    writer.write("graph.html", renderer.graph(pages, links, svg, note))
    writer.write("decisions.json", decisions_json(pages, links, config.site_title))
    writer.write("feed.xml", atom_feed(pages, config.site_title))
    writer.write("search-index.js", search_index_js(pages))
    for asset in sorted(ASSETS.iterdir()):
        if asset.is_file():
            writer.copy(f"assets/{asset.name}", asset)
    copied: set[str] = set()
    for page in pages:
        for rel in page.files:
            source = log.dir / rel
            if rel not in copied and source.is_file():
                writer.copy(f"files/{rel}", source)
                copied.add(rel)


def _logo(log: DecisionLog, writer: SiteWriter, state: _State) -> str | None:
    logo = log.config.site_logo
    if not logo:
        return None
    if "://" in str(logo) or str(logo).startswith("//"):
        state.report.warnings.append(Problem(
            "config", "site logo must be a file in the project, not a URL (the site loads nothing "
            "from other hosts)", str(log.config.path), "site.logo", "save the image beside .adrkit.yaml"))
        return None
    path = Path(logo)
    if not path.is_absolute():
        path = log.config.root / path
    if not path.is_file():
        state.report.warnings.append(Problem("config", f"site logo '{logo}' does not exist",
                                             str(log.config.path), "site.logo",
                                             "fix the path (relative to .adrkit.yaml)"))
        return None
    name = f"assets/logo{path.suffix.lower()}"
    writer.copy(name, path)
    return name


def _graph(renderer: Any, pages: list[Page], links: SiteLinks, cache: PageCache) -> tuple[str, str]:
    from .renders import graph_svg
    from .sanitize import Sanitizer

    nodes, edges = renderer.graph_parts(pages, links)
    key = hashlib.sha256(json.dumps([code_fingerprint(), [list(vars(n).values()) for n in nodes],
                                     [list(vars(e).values()) for e in edges]]).encode()).hexdigest()
    cached = cache.get_blob("graph", key)
    if cached is not None and "\n" in cached:
        note, svg = cached.split("\n", 1)
        return svg, note
    svg, note = graph_svg(nodes, edges, [p.decision for p in pages])
    svg = _strip_prolog(svg)
    clean, _ = Sanitizer().clean(svg)
    note = " ".join(note.split())
    cache.put_blob("graph", key, f"{note}\n{clean}")
    return clean, note


def _strip_prolog(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg
