"""The domain objects of a build: what is published (`Source`), what each notebook
became (`Page`), and where everything sits in the site.

A `Source` is one notebook found by stage 1 (`adrkit.publish.sources`): a decision
record of one of the project's logs, or a guide. A `Page` is that notebook published:
what the conversion learned about it (links, files, sections, problems), never its
body, which stays in the page cache under `Page.key` until the page is written, so a
build of ten thousand decisions holds only their front matter in memory.

Decisions and guides are one kind of thing with two templates: both are gathered,
keyed, cached, converted, checked and written by the same stages.

Where a page lives: a decision of a project with one log at the site root
(`0007-use-x.html`); with several logs, in its log's folder (`payments/0007-use-x.html`);
a guide in `guides/`. Every `href` here is relative to the site root; a page one
folder down prefixes it with `../`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from adrkit.core.decision import Decision
from adrkit.publish.report import Problem

__all__ = ["Source", "Page", "DECISION", "GUIDE", "page_href", "face_of", "front_of"]

DECISION = "decision"
GUIDE = "guide"


def page_href(name: str, folder: str = "") -> str:
    """The URL of page `name`.html in `folder` of the site, relative to the site root:
    every character of the name that is not unreserved is percent-encoded, so '#', '?',
    '/' and spaces stay part of the file name."""
    file = f"{quote(name, safe='')}.html"
    return f"{quote(folder)}/{file}" if folder else file


@dataclass
class Source:
    """A notebook the site publishes, as stage 1 found it."""

    kind: str                      # DECISION or GUIDE
    path: Path                     # the notebook
    folder: Path                   # its log or guide folder: its links resolve, and its files stay, inside
    name: str                      # the page's name in its site folder ('0007-use-x', 'getting-started')
    site_dir: str                  # the page's folder in the site: '', 'payments' or 'guides'
    digest: str                    # SHA-256 of the notebook
    log: str = ""                  # the decision's log (a guide: '')
    data_path: Path | None = None  # a decision's data file
    data_digest: str | None = None
    record: Any = None             # a decision's entry in the record index
    decision: Decision | None = None  # a decision's front matter, once read (`Gathered.split`)
    guide_log: str = ""            # a guide: the default log's folder as seen from the guide's folder
    decisions_href: str = "../"    # a guide: the default log's pages, as seen from guides/
    key: str = ""                  # the page key (`adrkit.publish.cache.page_key`)

    @property
    def file(self) -> str:
        return f"{self.site_dir}/{self.name}.html" if self.site_dir else f"{self.name}.html"


@dataclass
class Page:
    """A published page: its source and what converting it found. The body is in the
    page cache under `key`."""

    source: Source
    key: str
    mentions: list[str] = field(default_factory=list)  # decisions the text links to (stems)
    files: list[str] = field(default_factory=list)     # local files it links to, relative to its folder
    headings: str = ""  # its sections, one "template key\theading" a line (one string: a log holds thousands)
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None                           # the conversion failed: the page says why
    title: str = ""                                    # a guide's title (a decision's is in its front matter)
    titled: bool = False
    summary: str = ""                                  # the opening words of the text
    # What only its own page or the anchor check reads is kept as JSON text, one string
    # each, decoded on use (see the properties below): a site holds ten thousand pages.
    tradeoffs_json: str = "{}"  # the valid trade-off tables it shows, by name
    toc_json: str = "[]"        # its sections (`review.toc_of`), for the contents
    ids_json: str = "[]"        # the ids of its body's elements (anchors land there)
    anchors_json: str = "[]"    # its links with a #fragment to this or another page
    face: str = ""  # a hash of all the rest of the site shows of the page: everything but its words

    decision: Decision = field(init=False, repr=False)  # a decision's front matter (a guide: None)

    def __post_init__(self) -> None:
        self.decision = self.source.decision  # type: ignore[assignment]

    @property
    def kind(self) -> str:
        return self.source.kind

    @property
    def tradeoffs(self) -> dict[str, Any]:
        return json.loads(self.tradeoffs_json) if self.tradeoffs_json != "{}" else {}

    @property
    def toc(self) -> list[dict[str, Any]]:
        return json.loads(self.toc_json)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(json.loads(self.ids_json))

    @property
    def anchors(self) -> list[str]:
        return json.loads(self.anchors_json)

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(template key, heading) of each section of the notebook."""
        return [tuple(line.split("\t", 1)) for line in self.headings.splitlines() if "\t" in line]  # type: ignore[misc]

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def log(self) -> str:
        return self.source.log

    @property
    def stem(self) -> str:
        """A decision's stem; a guide's `guides/<slug>`."""
        if self.source.kind == GUIDE:
            return f"{self.source.site_dir}/{self.source.name}"
        return self.decision.stem

    @property
    def ident(self) -> str:
        """Unique in the site: `log:stem` for a decision, the stem for a guide."""
        return f"{self.log}:{self.stem}" if self.source.kind == DECISION else self.stem

    @property
    def file(self) -> str:
        """The page's file in the site."""
        return self.source.file

    @property
    def href(self) -> str:
        """The page's URL relative to the site root."""
        return page_href(self.source.name, self.source.site_dir)

    @property
    def local_href(self) -> str:
        """The page's URL relative to its own folder."""
        return page_href(self.source.name)

    @property
    def root(self) -> str:
        """The way from the page's folder back to the site root."""
        return "../" if self.source.site_dir else ""

    @property
    def caption(self) -> str:
        if self.source.kind == GUIDE:
            return self.title
        return f"{self.decision.label} {self.decision.title}"

    @classmethod
    def from_meta(cls, source: Source, key: str, meta: dict[str, Any]) -> "Page":
        """The page of `source` from what converting it found (`Converted.meta()`,
        as the page cache keeps it); its problems name the files they are about."""
        folder = "decision folder" if source.kind == DECISION else "guides folder"
        problems = [_at_file(Problem.from_dict(p), source) for p in meta.get("problems") or []]
        for dropped in meta.get("dropped") or []:
            problems.append(Problem("remote-image", f"image from another host left out: {dropped}",
                                    str(source.path), "text", f"copy the image into the {folder} and link it"))
        for outside in meta.get("outside") or []:
            problems.append(Problem("broken-link", f"'{outside}' points outside the {folder}, "
                                    "so the site cannot include it", str(source.path), "text",
                                    f"move the file into the {folder} or link it by URL"))
        return cls(source, key, mentions=list(meta.get("decisions") or []), files=list(meta.get("files") or []),
                   headings="\n".join(f"{k}\t{h}" for k, h in meta.get("sections") or []),
                   problems=problems, error=meta.get("error"),
                   title=str(meta.get("title") or source.path.stem), titled=bool(meta.get("titled")),
                   summary=str(meta.get("summary") or ""), face=face_of(source, meta),
                   tradeoffs_json=_compact(meta.get("tradeoffs") or {}), toc_json=_compact(meta.get("toc") or []),
                   ids_json=_compact(sorted(meta.get("ids") or ())), anchors_json=_compact(meta.get("anchors") or []))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def face_of(source: Source, meta: dict[str, Any]) -> str:
    """A hash of what the rest of the site shows of a page: its front matter and what
    its conversion found (links, files, sections, problems), not its words. Two builds
    that give a page the same face differ only in that page's text."""
    found = json.dumps({k: v for k, v in meta.items() if k != "summary"}, sort_keys=True, ensure_ascii=False)
    return f"{front_of(source)}:{_hash(found)}"


def front_of(source: Source) -> str:
    """A hash of a decision's front matter as written ('' for a guide)."""
    return _hash(source.record.front_matter_text) if source.record is not None else ""


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


_DATA_FILE = "data file"


def _at_file(problem: Problem, source: Source) -> Problem:
    """`problem` of the notebook of `source`, named after the file it is about: the data
    file for a problem whose place is the data file ('data file, tradeoffs.main')."""
    where = problem.where
    if where == _DATA_FILE or where.startswith(_DATA_FILE + ","):
        rest = where[len(_DATA_FILE):].lstrip(", ")
        return Problem(problem.kind, problem.message, str(source.path.with_suffix(".yaml")), rest, problem.fix)
    return problem.at(source.path)
