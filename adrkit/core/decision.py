"""The decision record itself: statuses, links, front matter and file names.

Pure data and parsing; no file I/O. A `Decision` is what the front matter of a decision
notebook says, plus the number and slug taken from its file name. Keys adrkit does not
know are kept in `extra` in their original order, so nothing read is ever dropped.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from adrkit.core.errors import FormatError, ValidationError

__all__ = [
    "STATUSES",
    "MAX_NUMBER",
    "PUBLISHED_STATUSES",
    "TEMPLATE_KEY",
    "Link",
    "StatusChange",
    "Decision",
    "slugify",
    "slug_budget",
    "parse_filename",
    "make_stem",
    "canonical_status",
    "real_date",
    "REVIEW_KEYS",
]

MAX_NUMBER = 999999  # file names carry up to six digits

TEMPLATE_KEY = "adrkit-template"  # front-matter key naming the template a record was made from
STATUSES = ("draft", "proposed", "accepted", "rejected", "deprecated", "superseded")
PUBLISHED_STATUSES = tuple(s for s in STATUSES if s != "draft")
# When a decision is due for review: a date, or a period after acceptance (see core.reviews).
# Kept in `extra` as written; summaries show them when set.
REVIEW_KEYS = ("review-by", "review-after")

_FILENAME = re.compile(r"^(?P<number>\d{1,6})-(?P<slug>[^/\\]+?)(?:\.(?P<ext>ipynb|yaml|md))?$")

# Every spelling seen in real ADR folders, mapped to the canonical status.
_STATUS_WORDS = {
    "draft": "draft", "wip": "draft", "work in progress": "draft",
    "proposed": "proposed", "proposal": "proposed", "pending": "proposed",
    "in review": "proposed", "under review": "proposed", "under consideration": "proposed",
    "open": "proposed", "suggested": "proposed", "review": "proposed",
    "accepted": "accepted", "approved": "accepted", "agreed": "accepted",
    "adopted": "accepted", "decided": "accepted", "done": "accepted", "implemented": "accepted",
    "active": "accepted", "complete": "accepted", "completed": "accepted",
    "rejected": "rejected", "declined": "rejected", "refused": "rejected",
    "deprecated": "deprecated", "retired": "deprecated", "obsolete": "deprecated",
    "superseded": "superseded", "superceded": "superseded", "replaced": "superseded",
    # French, German and Spanish, as seen in real folders (accents folded away)
    "propose": "proposed", "accepte": "accepted", "rejete": "rejected", "refuse": "rejected",
    "deprecie": "deprecated", "remplace": "superseded", "brouillon": "draft",
    "en cours": "proposed", "valide": "accepted",
    "vorgeschlagen": "proposed", "akzeptiert": "accepted", "angenommen": "accepted",
    "abgelehnt": "rejected", "veraltet": "deprecated", "ersetzt": "superseded", "entwurf": "draft",
    "propuesto": "proposed", "aceptado": "accepted", "rechazado": "rejected",
    "obsoleto": "deprecated", "reemplazado": "superseded", "borrador": "draft",
}


def canonical_status(text: str | None) -> str | None:
    """Map a status as written anywhere ("Superceded by [3]", "✅ Accepted.",
    "- Status: in review") to a canonical one, or None if nothing matches."""
    if text is None:
        return None
    words = unicodedata.normalize("NFKD", str(text)).lower()
    words = "".join(ch for ch in words if not unicodedata.combining(ch))  # accepté -> accepte
    words = re.sub(r"[^\w\s-]", " ", words)  # emoji, punctuation, brackets
    words = " ".join(words.replace("_", " ").split())
    if not words:
        return None
    if words in _STATUS_WORDS:
        return _STATUS_WORDS[words]
    for length in (3, 2, 1):  # longest phrase first: "under review" before "review"
        tokens = words.split()
        for i in range(len(tokens) - length + 1):
            phrase = " ".join(tokens[i:i + length])
            if phrase in _STATUS_WORDS:
                return _STATUS_WORDS[phrase]
    return None


@dataclass(frozen=True)
class Link:
    """A typed link from one decision to another, by the target's file stem.
    Any other keys written on the link (a note, an author) are kept in `extra`."""

    rel: str
    target: str
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"rel": self.rel, "target": self.target, **dict(self.extra)}


@dataclass(frozen=True)
class StatusChange:
    status: str
    date: str
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        dated = {"date": self.date} if self.date else {}
        return {"status": self.status, **dated, **dict(self.extra)}


def _list_of(value: Any, key: str, path: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(f"'{key}' must be a list", path=path, where=key,
                          fix=f"write each entry on its own '- ' line under '{key}:'")
    return value


def _str_list(value: Any, key: str, path: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise FormatError(f"'{key}' must be a list of names", path=path, where=key,
                      fix=f"write it as {key}: [a, b]")


@dataclass
class Decision:
    """One architecture decision record (front matter plus identity)."""

    number: int
    slug: str
    title: str
    status: str = "proposed"
    date: str = ""
    decision_makers: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    supersedes: list[str] = field(default_factory=list)
    superseded_by: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    status_history: list[StatusChange] = field(default_factory=list)
    template: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    key_order: list[str] = field(default_factory=list, repr=False, compare=False)

    @property
    def stem(self) -> str:
        return make_stem(self.number, self.slug)

    @property
    def label(self) -> str:
        return f"{self.number:04d}"

    # --- front matter ---------------------------------------------------------
    _KEYS = ("title", "status", "date", "decision-makers", "consulted", "informed",
             "tags", "supersedes", "superseded-by", "links", "status-history", "template",
             "adrkit-template", "author", "categories")
    # Quarto's spelling of the same facts, written beside MADR's so Quarto renders a
    # decision notebook with its people and topics; always derived, never stored apart.
    _MIRRORS = (("decision-makers", "author"), ("tags", "categories"))

    def to_front_matter(self) -> dict[str, Any]:
        """Front matter as an ordered dict; empty optional keys are left out."""
        data: dict[str, Any] = {"title": self.title, "status": self.status}
        if self.date:
            data["date"] = self.date
        for key, value in (("decision-makers", self.decision_makers),
                           ("consulted", self.consulted), ("informed", self.informed),
                           ("tags", self.tags), ("supersedes", self.supersedes),
                           ("superseded-by", self.superseded_by)):
            if value:
                data[key] = list(value)
        if self.links:
            data["links"] = [link.to_dict() for link in self.links]
        if self.status_history:
            data["status-history"] = [c.to_dict() for c in self.status_history]
        if self.template:  # 'template' alone is Quarto's (pandoc's) template file
            data[TEMPLATE_KEY] = self.template
        for source, mirror in self._MIRRORS:
            if data.get(source):
                data[mirror] = list(data[source])
        for key, value in self.extra.items():
            data.setdefault(key, value)
        if self.key_order:  # keep the order the author wrote; new keys go last
            rank = {k: i for i, k in enumerate(self.key_order)}
            data = dict(sorted(data.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        mirrors = dict(self._MIRRORS)
        ordered: dict[str, Any] = {}
        for key, value in data.items():  # each mirror right after what it mirrors
            if key in mirrors.values() and key in ordered:
                continue
            ordered[key] = value
            if key in mirrors and mirrors[key] in data:
                ordered[mirrors[key]] = data[mirrors[key]]
        return ordered

    @classmethod
    def from_front_matter(cls, data: dict[str, Any], *, number: int, slug: str,
                          path: Any = None) -> "Decision":
        """Build a Decision from parsed front matter; statuses are kept as written
        lower-cased so lint can report unknown ones (see `check_status`)."""
        if not isinstance(data, dict):
            raise FormatError("front matter is not a mapping of keys", path=path,
                              where="front matter", fix="write 'key: value' lines between '---'")
        title = data.get("title")
        if title is None or not str(title).strip():
            raise FormatError("front matter has no title", path=path, where="title",
                              fix="add 'title: ...'")
        links = []
        for i, raw in enumerate(_list_of(data.get("links"), "links", path)):
            if not isinstance(raw, dict) or "rel" not in raw or "target" not in raw:
                raise FormatError(f"link {i + 1} needs 'rel' and 'target'", path=path,
                                  where="links", fix="write - {rel: relates-to, target: 0003-slug}")
            links.append(Link(str(raw["rel"]), str(raw["target"]),
                              tuple((k, v) for k, v in raw.items() if k not in ("rel", "target"))))
        history = []
        for i, raw in enumerate(_list_of(data.get("status-history"), "status-history", path)):
            if not isinstance(raw, dict) or "status" not in raw:
                raise FormatError(f"status-history entry {i + 1} needs a 'status'", path=path,
                                  where="status-history", fix="write - {status: accepted, date: 2026-01-31}")
            history.append(StatusChange(str(raw["status"]), _date_text(raw.get("date")),
                                        tuple((k, v) for k, v in raw.items() if k not in ("status", "date"))))
        extra = {k: v for k, v in data.items() if k not in cls._KEYS}
        status = data.get("status")
        return cls(
            number=number, slug=slug, title=str(title).strip(),
            status=str(status).strip().lower() if status is not None else "proposed",
            date=_date_text(data.get("date")),
            decision_makers=_str_list(_or_mirror(data, "decision-makers", "author"), "decision-makers", path),
            consulted=_str_list(data.get("consulted"), "consulted", path),
            informed=_str_list(data.get("informed"), "informed", path),
            tags=_str_list(_or_mirror(data, "tags", "categories"), "tags", path),
            supersedes=_str_list(data.get("supersedes"), "supersedes", path),
            superseded_by=_str_list(data.get("superseded-by"), "superseded-by", path),
            links=links, status_history=history,
            template=_template_name(data),
            extra=extra, key_order=list(data),
        )

    def check_status(self, path: Any = None) -> None:
        if self.status not in STATUSES:
            raise ValidationError(f"unknown status '{self.status}'", path=path, where="status",
                                  fix="use one of " + ", ".join(STATUSES))

    def to_summary(self) -> dict[str, Any]:
        """The JSON shape used by `list --json`, `show --json` and decisions.json."""
        return {
            "number": self.number, "slug": self.slug, "stem": self.stem,
            "title": self.title, "status": self.status, "date": self.date,
            "decision-makers": self.decision_makers, "consulted": self.consulted,
            "informed": self.informed, "tags": self.tags,
            "supersedes": self.supersedes, "superseded-by": self.superseded_by,
            "links": [link.to_dict() for link in self.links],
            "status-history": [c.to_dict() for c in self.status_history],
        } | {key: self.extra[key] for key in REVIEW_KEYS if self.extra.get(key) not in (None, "")}


def _template_name(data: dict[str, Any]) -> str | None:
    """The adrkit template a record was made from: `adrkit-template`, or the plain
    `template` that records written before 0.1.0 carry (rewritten on the next save)."""
    value = data.get(TEMPLATE_KEY) or data.get("template")
    return str(value) if value else None


def _or_mirror(data: dict[str, Any], key: str, mirror: str) -> Any:
    """`key`'s value; when it is absent, the Quarto mirror's (a notebook written by
    Quarto users names its people in `author`), reduced to plain names."""
    if data.get(key) is not None or data.get(mirror) is None:
        return data.get(key)
    value = data[mirror]
    items = value if isinstance(value, list) else [value]
    names = [item.get("name") if isinstance(item, dict) else item for item in items]
    return [n for n in names if isinstance(n, (str, int, float)) and str(n).strip()] or None


def _date_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


# --- file names -------------------------------------------------------------------

# A record's file name is NNNNNN-slug.ipynb; while it is written, a temporary file
# .NNNNNN-slug.ipynb.XXXXXXXX.tmp stands beside it. Both must fit the file system's
# name limit (255 bytes on most).
_NUMBER_BYTES = 7       # "999999-"
_SUFFIX_BYTES = 6       # ".ipynb"
_TEMP_BYTES = 14        # "." + ".XXXXXXXX" + ".tmp"


def slug_budget(name_max: int = 255) -> int:
    """The most bytes of UTF-8 a slug may have so that its record's file name, and the
    temporary name it is written under, fit a file system limit of `name_max` bytes."""
    return max(name_max - _NUMBER_BYTES - _SUFFIX_BYTES - _TEMP_BYTES, 16)


def _cut_bytes(slug: str, limit: int) -> str:
    """`slug` cut to at most `limit` bytes of UTF-8, at a hyphen when one is near,
    never inside a character or between a letter and its combining marks."""
    if len(slug.encode("utf-8")) <= limit:
        return slug
    cut = slug.encode("utf-8")[:limit].decode("utf-8", "ignore")
    if unicodedata.category(slug[len(cut)]) == "Mn":  # the cut splits a letter from its marks
        while cut and unicodedata.category(cut[-1]) == "Mn":
            cut = cut[:-1]
        cut = cut[:-1]
    head = cut.rsplit("-", 1)[0]
    if "-" in cut and len(head) >= len(cut) // 2:
        cut = head
    return cut.strip("-")


def slugify(title: str, *, max_length: int = 60, max_bytes: int | None = None) -> str:
    """A file-name-safe slug. Letters of any script are kept (lower-cased, NFKC);
    everything else becomes a single hyphen. At most `max_length` characters and
    `max_bytes` bytes of UTF-8 (default: what fits a 255-byte name limit with the
    number, suffix and temporary-file affixes, see `slug_budget`). Returns '' when
    nothing is left."""
    text = unicodedata.normalize("NFKC", title).lower()
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN":
            out.append(ch)
        elif cat == "Mn" and out and out[-1] != "-":  # combining marks stay with their letter
            out.append(ch)
        else:
            out.append("-")
    slug = re.sub(r"-+", "-", "".join(out)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return _cut_bytes(slug.strip("-"), slug_budget() if max_bytes is None else max_bytes)


def real_date(text: str | None) -> str | None:
    """`text` when it is a calendar date (YYYY-MM-DD, optionally followed by a time),
    else None: `2026-02-30` and `2026-13-01` are not dates, and are never published
    as one."""
    import datetime

    text = (text or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[Tt ].*)?", text):
        return None
    try:
        datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return text[:10]


def make_stem(number: int, slug: str) -> str:
    return f"{number:04d}-{slug}"


def parse_filename(name: str) -> tuple[int, str] | None:
    """'0007-use-postgresql.ipynb' -> (7, 'use-postgresql'); None if not a record name."""
    m = _FILENAME.match(name)
    if not m:
        return None
    return int(m.group("number")), m.group("slug")
