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
    "Link",
    "StatusChange",
    "Decision",
    "slugify",
    "parse_filename",
    "make_stem",
    "canonical_status",
    "REVIEW_KEYS",
]

MAX_NUMBER = 999999  # file names carry up to six digits

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
        return {"status": self.status, "date": self.date, **dict(self.extra)}


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
             "tags", "supersedes", "superseded-by", "links", "status-history", "template")

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
        if self.template:
            data["template"] = self.template
        for key, value in self.extra.items():
            data.setdefault(key, value)
        if self.key_order:  # keep the order the author wrote; new keys go last
            rank = {k: i for i, k in enumerate(self.key_order)}
            data = dict(sorted(data.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        return data

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
            decision_makers=_str_list(data.get("decision-makers"), "decision-makers", path),
            consulted=_str_list(data.get("consulted"), "consulted", path),
            informed=_str_list(data.get("informed"), "informed", path),
            tags=_str_list(data.get("tags"), "tags", path),
            supersedes=_str_list(data.get("supersedes"), "supersedes", path),
            superseded_by=_str_list(data.get("superseded-by"), "superseded-by", path),
            links=links, status_history=history,
            template=str(data["template"]) if data.get("template") else None,
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


def _date_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


# --- file names -------------------------------------------------------------------

def slugify(title: str, *, max_length: int = 60) -> str:
    """A file-name-safe slug. Letters of any script are kept (lower-cased, NFKC);
    everything else becomes a single hyphen. Returns '' when nothing is left."""
    text = unicodedata.normalize("NFKC", title).lower()
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN":
            out.append(ch)
        elif cat == "Mn" and out:  # combining marks stay with their letter
            out.append(ch)
        else:
            out.append("-")
    slug = re.sub(r"-+", "-", "".join(out)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def make_stem(number: int, slug: str) -> str:
    return f"{number:04d}-{slug}"


def parse_filename(name: str) -> tuple[int, str] | None:
    """'0007-use-postgresql.ipynb' -> (7, 'use-postgresql'); None if not a record name."""
    m = _FILENAME.match(name)
    if not m:
        return None
    return int(m.group("number")), m.group("slug")
