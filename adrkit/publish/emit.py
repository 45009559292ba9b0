"""Stage 6 of the pipeline: write every file of the site into the staging folder,
rendering only what would come out different.

Each file has a render key: the hash of everything it is made from (its template
context, the cache key of a page's body, the site's settings; the code is in every
page key and in the settings key). When the last build wrote the same file from the same
key and the file is untouched, it is hard-linked from the current site instead of
rendered again (`SiteWriter.keep`), so a rebuild after one change renders that page,
the pages that show its title, and the parts of the index, search index and graph that
hold it, not ten thousand pages. A page's body is read from the page cache only when the
page is rendered.

What the site made of each page (its place, its face, its template context) is
returned as a `SiteState`, which the build keeps for the next one (see `quick`).
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from adrkit.publish.cache import PageCache, build_fingerprint
from adrkit.publish.catalog import SCHEMA_NAME, SCHEMA_PATH, Remote, decisions_document, entry_line
from adrkit.publish.feeds import atom_feed
from adrkit.publish.graph import Drawing
from adrkit.publish.guides import GUIDES_DIR
from adrkit.publish.links import SiteLinks
from adrkit.publish.model import Page
from adrkit.publish.output import SiteWriter
from adrkit.publish.pages import SiteRenderer
from adrkit.publish.report import Progress
from adrkit.publish.search import SearchDoc, SearchPart, part_script, search_parts
from adrkit.publish.files import copy_linked_files, write_logo
from adrkit.storage.processes import may_fork

__all__ = ["Site", "SiteState", "write_site", "ASSETS", "render_key", "settings_key", "decisions_key",
           "write_search_part", "entry_of"]

ASSETS = Path(__file__).with_name("assets")


@dataclass
class Site:
    """The assembled site: its pages in order, how they link, what it lists from
    other sites, and how it looks."""

    title: str
    pages: list[Page]                      # decisions: by log, then number
    guides: list[Page]
    links: SiteLinks
    renderer: SiteRenderer
    remotes: list[Remote] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)
    multi: bool = False
    logo: Path | None = None
    drawings: Callable[[], list[Drawing]] = list
    debt: dict[str, Any] | None = None     # the debt page's context (`SiteRenderer.debt`)

    def neighbours(self, pages: list[Page]) -> list[tuple[Page, Page | None, Page | None]]:
        """(page, previous, next) within each log (guides: within the guides)."""
        out = []
        for i, page in enumerate(pages):
            prev = pages[i - 1] if i > 0 and pages[i - 1].log == page.log else None
            nxt = pages[i + 1] if i + 1 < len(pages) and pages[i + 1].log == page.log else None
            out.append((page, prev, nxt))
        return out


@dataclass
class SiteState:
    """What a build made of each page, for the next build: per page (site order) its
    ident, page key, face, file, date and number. Its template context (without the page
    key) goes straight into the page cache (`PageCache.put_view`)."""

    pages: list[list[Any]] = field(default_factory=list)


def render_key(*parts: Any) -> str:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def settings_key(renderer: SiteRenderer) -> str:
    return render_key(renderer.settings.key(), build_fingerprint())


def decisions_key(settings: str, title: str, logs: list[dict[str, Any]], pages: list[tuple[str, str]]) -> str:
    """decisions.json is made from the front matter, links and text of every page (all
    in their page keys), the site's logs and its title."""
    return render_key(settings, "decisions.json", title, logs, pages)


def write_site(site: Site, writer: SiteWriter, cache: PageCache, digest: Callable[[Path], str | None],
               progress: Progress, out: str) -> SiteState:
    """Write the whole site into `writer`. `digest(path)` hashes a file linked from a
    page (from file stats when it is known); each page's view is kept in `cache` for
    the output folder `out` (`PageCache.keep_views` once the site is in place)."""
    cache.drop_views(out)
    emit = _Emit(site, writer, cache, settings_key(site.renderer), out)
    key = decisions_key(emit.settings, site.title, site.logs, [(p.ident, p.key) for p in site.pages])
    with _decisions_json(site, writer, key) as entry:
        emit.decision_pages(progress, entry)
    emit.guide_pages()
    emit.lists()
    emit.machine_readable()
    emit.files(digest)
    return emit.state


@dataclass
class _Emit:
    """One write of `site` into `writer`: page bodies read from `cache`, every file
    keyed under the site's `settings` key, and what was made of each page recorded in
    `state`."""

    site: Site
    writer: SiteWriter
    cache: PageCache
    settings: str
    out: str  # the output folder, as the page cache knows it
    state: SiteState = field(default_factory=SiteState)

    def decision_pages(self, progress: Progress, entry: Callable[[Page, list[Any]], None]) -> None:
        site, renderer = self.site, self.site.renderer
        order = site.neighbours(site.pages)
        todo: list[tuple[int, str]] = []  # (place in `order`, render key): its context is made again
        for i, (page, prev, nxt) in enumerate(order):
            context = renderer.decision(page, site.links, prev, nxt)
            key = self._page_key(page, context)
            if key is not None:
                todo.append((i, key))
            entry(page, context["relations"])
            self.state.pages.append([page.ident, page.key, page.face, page.file, page.decision.date,
                                     page.decision.number])

        def make(i: int) -> tuple[Page, dict[str, Any]]:
            page, prev, nxt = order[i]
            return page, renderer.decision(page, site.links, prev, nxt)

        progress.start("writing pages", len(todo))
        render_pages(todo, make, self.writer, self.cache, renderer, progress)
        progress.finish()

    def guide_pages(self) -> None:
        site = self.site
        for page, prev, nxt in site.neighbours(site.guides):
            self._body_page(page, site.renderer.guide(page, prev, nxt))
            self.state.pages.append([page.ident, page.key, page.face, page.file, "", 0])
        if site.guides:
            self.page(f"{GUIDES_DIR}/index.html", site.renderer.guides(site.guides))

    def _body_page(self, page: Page, context: dict[str, Any]) -> None:
        """A decision's or guide's page, around its converted body."""
        key = self._page_key(page, context)
        if key is not None:
            render_pages([(0, key)], lambda _: (page, context), self.writer, self.cache, self.site.renderer,
                         Progress())

    def _page_key(self, page: Page, context: dict[str, Any]) -> str | None:
        """The render key of a page around a body, None when the current site's copy
        is kept; what the page was made of is recorded either way."""
        self.cache.put_view(self.out, page.ident, _view(context))
        key = render_key(self.settings, page.file, context)
        return None if self.writer.keep(page.file, key) else key

    def page(self, rel: str, context: dict[str, Any], key_context: Any = None) -> None:
        key = render_key(self.settings, rel, context if key_context is None else key_context)
        if not self.writer.keep(rel, key):
            self.writer.write_lines(rel, self.site.renderer.render_pieces(context), key)

    def lists(self) -> None:
        site, renderer = self.site, self.site.renderer
        parts = search_parts(_search_docs(site))
        scripts = [part.file for part in parts]
        self.page("index.html", renderer.index(site.pages, site.guides, site.remotes, site.logs, scripts, site.multi))
        self.page("timeline.html", renderer.timeline(site.pages, site.links))
        if site.debt is not None:
            self.page("debt.html", site.debt)
        context = renderer.graph(site.pages, site.links, site.drawings())
        shown = {**context, "svgs": [hashlib.sha256(svg.encode()).hexdigest() for svg in context["svgs"]]}
        self.page("graph.html", context, shown)
        for part in parts:
            write_search_part(self.writer, part, self.cache)

    def machine_readable(self) -> None:
        self.writer.write("feed.xml", atom_feed(self.site.pages, self.site.title))
        self.writer.copy(SCHEMA_NAME, SCHEMA_PATH, key=render_key(self.settings, SCHEMA_NAME))

    def files(self, digest: Callable[[Path], str | None]) -> None:
        """The site's assets, the logo, and the files pages link to. Only files whose
        real location is inside the page's folder are copied: a symbolic link out of it
        (`etc -> /etc`) is not followed (the checks warned about it)."""
        site, writer = self.site, self.writer
        for asset in sorted(ASSETS.iterdir()):
            if asset.is_file():
                writer.copy(f"assets/{asset.name}", asset, key=render_key(self.settings, "asset", asset.name))
        if site.logo is not None:
            name = site.renderer.settings.logo or f"assets/logo{site.logo.suffix.lower()}"
            write_logo(writer, name, site.logo, key=f"file:{digest(site.logo)}")
        copied: set[str] = set()  # published, inert files only; links out of a folder never followed
        for page in [*site.pages, *site.guides]:
            folder = page.source.folder
            prefix = f"{page.source.site_dir}/files/" if page.source.site_dir else "files/"
            copy_linked_files(writer, folder, page.files, prefix, copied, digest)


PARALLEL_PAGES = 400  # fewer pages than this are rendered in this process alone


Todo = list[tuple[int, str]]                        # (what `make` takes, render key) of each page
Make = Callable[[int], tuple[Page, dict[str, Any]]]  # a page and its template context, made when rendered


def render_pages(todo: Todo, make: Make, writer: SiteWriter, cache: PageCache, renderer: SiteRenderer,
                 progress: Progress) -> None:
    """Render each page of `todo` (its context made by `make` as it is rendered, so
    no more than one is held at a time) around its body from `cache` into `writer`.
    Many pages are shared with a forked process on a machine with more than one core:
    it renders every other page into the same staging folder and sends back what it
    wrote; whatever it did not send back is rendered here."""
    theirs: Todo = []
    child = None
    if len(todo) >= PARALLEL_PAGES and may_fork():
        cache.commit()  # the other process reads the bodies through a connection of its own
        theirs, todo = todo[1::2], todo[0::2]
        child = _PageChild(theirs, make, writer, cache, renderer)
    done = 0
    for item in todo:
        _render_one(item, make, writer, cache, renderer)
        done += 1
        progress.advance(done * (2 if child else 1))
    if child is not None:
        wrote = child.finish()
        for item in theirs:
            file = wrote.get(item[1])
            if file is not None:
                writer.adopt(*file)
            else:
                _render_one(item, make, writer, cache, renderer)


def _render_one(item: tuple[int, str], make: Make, writer: SiteWriter, cache: PageCache,
                renderer: SiteRenderer) -> str:
    page, context = make(item[0])
    body, _ = cache.body(page.key)
    writer.write(page.file, renderer.render(context, body, page), item[1])
    return page.file


class _PageChild:
    """A forked process rendering `todo` into `writer`'s staging folder; `finish()`
    waits for it and returns the manifest entries of the files it wrote (empty when it
    failed: the caller renders them itself)."""

    def __init__(self, todo: Todo, make: Make, writer: SiteWriter, cache: PageCache, renderer: SiteRenderer):
        import gc
        import multiprocessing

        gc.freeze()  # what the build holds stays shared with the child, not copied as it is walked
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_render_in_child, args=(todo, make, writer, cache.dir, renderer, send),
                                        daemon=True)
        self._process.start()
        send.close()

    def finish(self) -> dict[str, tuple[str, list[Any]]]:
        """By render key: (file, manifest entry) of each page the child wrote."""
        wrote: dict[str, tuple[str, list[Any]]] = {}
        try:
            wrote = self._receive.recv()
        except (EOFError, OSError):
            pass
        finally:
            self._receive.close()
            self._process.join()
        return wrote if self._process.exitcode == 0 and isinstance(wrote, dict) else {}


def _render_in_child(todo: Todo, make: Make, writer: SiteWriter, cache_dir: Path, renderer: SiteRenderer,
                     send: Any) -> None:
    wrote: dict[str, tuple[str, list[Any]]] = {}
    with PageCache(cache_dir) as cache:
        for item in todo:
            file = _render_one(item, make, writer, cache, renderer)
            wrote[item[1]] = (file, writer.manifest[file])
    send.send(wrote)
    send.close()


@contextmanager
def _decisions_json(site: Site, writer: SiteWriter, key: str) -> Iterator[Callable[[Page, list[Any]], None]]:
    """A function taking each decision page (with its relations) to its line of
    decisions.json, written as the pages are; nothing when the file is unchanged."""
    if writer.keep("decisions.json", key):
        yield lambda page, relations: None
        return
    head, *_ = decisions_document((), title=site.title, logs=site.logs, count=len(site.pages))
    lines: list[str] = []

    def entry(page: Page, relations: list[Any]) -> None:
        lines.append(entry_line(entry_of(page, relations)))
        if len(lines) >= 256:
            flush()

    with writer.stream("decisions.json", key) as out:
        first = [True]

        def flush() -> None:
            for line in lines:
                out(("\n    " if first[0] else ",\n    ") + line)
                first[0] = False
            lines.clear()

        out(head)
        yield entry
        flush()
        out("\n  ]\n}\n" if not first[0] else "]\n}\n")


def _view(context: dict[str, Any]) -> str:
    """A page's context as the next build keeps it: without its page key."""
    return json.dumps({k: v for k, v in context.items() if k != "key"}, ensure_ascii=False, separators=(",", ":"))


def write_search_part(writer: SiteWriter, part: SearchPart, cache: PageCache) -> None:
    if not writer.keep(part.file, part.render_key):
        writer.write(part.file, part_script(part, cache.texts), part.render_key)


def _search_docs(site: Site) -> list[SearchDoc]:
    docs = []
    for page in site.pages:
        d = page.decision
        fields = (("type", "decision"), ("s", page.ident if site.multi else d.stem), ("n", d.label),
                  ("t", d.title), ("g", list(d.tags)), ("st", d.status), ("l", page.log))
        docs.append(SearchDoc(fields, page.key))
    for page in site.guides:
        docs.append(SearchDoc((("type", "guide"), ("s", page.stem), ("t", page.title), ("u", page.href)), page.key))
    for remote in site.remotes:
        fields = (("type", "remote"), ("s", remote.ident), ("n", remote.label), ("t", remote.title),
                  ("g", list(remote.tags)), ("st", remote.status), ("l", remote.log), ("u", remote.href))
        docs.append(SearchDoc(fields, "", remote.summary))
    return docs


def entry_of(page: Page, relations: list[Any]) -> dict[str, Any]:
    """A decision's entry in decisions.json: what `adrkit list --json` says of it, its
    log, its page, the opening words of its text, its relations as the page shows them."""
    entry: dict[str, Any] = page.decision.to_summary()
    entry["log"] = page.log
    entry["url"] = page.href
    entry["summary"] = page.summary
    entry["relations"] = [{"rel": label, "targets": [t["href"] for t in targets if t["href"]]}
                          for label, targets in relations]
    return entry
