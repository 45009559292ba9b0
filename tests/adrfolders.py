"""ADR folders in the shapes real repositories use, as hypothesis strategies, with the
ground truth an importer must recover from them.

A folder is drawn in two steps. The strategies draw a *spec*: plain, frozen choices
(`FolderSpec` holding `RecordSpec`s: naming, layout, front matter, where the metadata
sits, how the status is spelled, which links lead where, which text hazards apply).
`render` turns a spec into an `AdrFolder`: every file's bytes and the `Truth` about
them. The two steps are apart so that the strategies shrink well and the plain
example tests can write a spec by hand (`folder_spec`, `record_spec`).

    folder = render(draw(folder_specs()))
    truth = folder.write(path)     # the files on disk; the same Truth as folder.truth

The ground truth of a record (`RecordTruth`):

- `path`: the record file, relative to the folder (posix);
- `number`: the number its name carries (`0007-x.md`, `ADR_007.md`, `adr0007.md`), or
  None when the importer chooses it (date-named records: by date order; records in
  team subfolders that each count from 1: any free numbers, as long as they differ);
- `file_date`: the date a date-named file carries (`20220203-x.md`), ISO;
- `title`: from the `# ` heading (a number prefix such as `3. ` or `ADR-0003: ` is not
  part of it), a setext `===` heading, or the front matter `title` when there is no
  heading;
- `status`: the canonical status (draft, proposed, accepted, rejected, deprecated,
  superseded) the record states, or None when it states none; `status_words`: the
  status as written;
- `date`: ISO `YYYY-MM-DD` (`YYYY-MM` for a `Month YYYY` date), or None when the record
  gives none (a date-named record's date is its file name's when it writes none);
- `successor`: the path of the record that supersedes it, when its status names one;
- `links`: `LinkTruth` for every link in its text that leads to another record, with
  the link text, the href as written and the GitHub-style id of the heading it targets.

What is ambiguous by design, and so never generated:

- a record with no title anywhere (`ADR_001.md` holding neither a `# ` heading nor a
  front matter `title`): every record here has a heading or a front matter title;
- `NN/NN/YYYY` dates that read as a real date both ways (`07/03/2019`): slash dates are
  written with a day above 12, so only one reading is a calendar date;
- two date-named records of the same date: their relative order is the importer's
  choice, so `Truth` only orders records of different dates;
- a bare `Partly superseded` with no successor (is it superseded, or still accepted in
  part?): a partly superseded record always names the record that supersedes it;
- broken YAML front matter holding the status, date or title (a lenient reader might
  or might not recover them): broken front matter holds only site-generator keys, and
  the record states its status in its text, if at all;
- a status and a different status for the same record in two places: when the front
  matter and the text both give one, they mean the same canonical status;
- `0000-template.md`: a template named like a record; templates here are named
  `template.md`, `adr-template.md` or `TEMPLATE.md`.
"""
from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from hypothesis import strategies as st

__all__ = [
    "STATUSES", "NAMINGS", "LAYOUTS", "META_STYLES", "HAZARDS", "LANGS",
    "LinkSpec", "RecordSpec", "FolderSpec", "LinkTruth", "RecordTruth", "Truth", "AdrFolder",
    "render", "github_id", "record_spec", "folder_spec",
    "namings", "layouts", "front_matters", "meta_styles", "status_spellings", "date_formats",
    "link_specs", "hazard_sets", "record_specs", "folder_specs", "adr_folders",
]

STATUSES = ("draft", "proposed", "accepted", "rejected", "deprecated", "superseded")

# --- the vocabulary ----------------------------------------------------------------------

# (title, slug for the file name, language of the record)
TITLES = (
    ("Record architecture decisions", "record-architecture-decisions", "en"),
    ("Use PostgreSQL for orders", "use-postgresql-for-orders", "en"),
    ("Cache sessions in Redis", "cache-sessions-in-redis", "en"),
    ("Adopt event sourcing (for billing)", "adopt-event-sourcing-for-billing", "en"),
    ("Publish events with Kafka & Avro", "publish-events-with-kafka-avro", "en"),
    ("Keep the monolith: split later", "keep-the-monolith-split-later", "en"),
    ("Use the slug as the record's identity", "use-the-slug-as-the-records-identity", "en"),
    ("Event store", "event-store", "en"),
    ("Verwende Redis als Cache", "verwende-redis-als-cache", "de"),
    ("Einführung von Feature-Flags", "einfuehrung-von-feature-flags", "de"),
    ("Utiliser Kafka pour les événements", "utiliser-kafka-pour-les-evenements", "fr"),
    ("Usar GraphQL para la API pública", "usar-graphql-para-la-api-publica", "es"),
    ("Adotar testes de contrato", "adotar-testes-de-contrato", "pt"),
    ("使用 Redis 作为缓存", "use-redis-as-cache", "zh"),
    ("Retire the v1 API", "retire-the-v1-api", "en"),
    ("Use gRPC between services", "use-grpc-between-services", "en"),
)

LANGS = ("en", "de", "fr", "es", "pt", "zh")


@dataclass(frozen=True)
class Lang:
    status_heading: str
    keys: dict  # field -> metadata key as this language writes it
    colon: str  # what follows a metadata key
    words: dict  # canonical -> {variant: [texts]}; '{link}' stands for the successor link
    see: str  # a sentence around a link to another record: '{link}' inside


EN_WORDS = {
    "accepted": {"plain": ["Accepted"], "synonym": ["Approved", "Active", "Agreed"],
                 "qualified": ["Accepted (records an existing practice)"]},
    "proposed": {"plain": ["Proposed"], "synonym": ["Pending", "In Review", "Under Review"],
                 "qualified": ["Proposed (awaiting the architecture review)"]},
    "rejected": {"plain": ["Rejected"], "synonym": ["Declined"]},
    "deprecated": {"plain": ["Deprecated"], "synonym": ["Obsolete", "Retired"],
                   "misspelled": ["Depreciated"]},
    "superseded": {"plain": ["Superseded by {link}"], "synonym": ["Replaced by {link}"],
                   "misspelled": ["Superceded by {link}"], "qualified": ["Partly superseded by {link}"]},
    "draft": {"plain": ["Draft"], "synonym": ["WIP"]},
}

P = {
    "en": ("The team needs a shared answer before the next release; the current setup "
           "costs an on-call page a week.",
           "We will do it, and we will revisit it when the traffic doubles.",
           "Good: one way to do it. Bad: a migration for the old services."),
    "de": ("Das Team braucht eine gemeinsame Antwort vor dem nächsten Release; die "
           "Größe der Daten wächst schnell.",
           "Wir entscheiden uns dafür und prüfen die Entscheidung in sechs Monaten.",
           "Gut: ein einheitlicher Weg. Schlecht: Migrationsaufwand für Altdienste."),
    "fr": ("L’équipe a besoin d’une réponse commune avant la prochaine version ; « la "
           "dette » augmente.",
           "Nous retenons cette option et la réévaluerons dans six mois.",
           "Avantage : une seule manière de faire. Inconvénient : une migration à prévoir."),
    "es": ("El equipo necesita una respuesta común antes de la próxima versión; la "
           "migración será pequeña.",
           "Adoptamos esta opción y la revisaremos en seis meses.",
           "Bueno: una sola forma de hacerlo. Malo: hay que migrar los servicios antiguos."),
    "pt": ("A equipe precisa de uma resposta comum antes da próxima versão; a migração "
           "será pequena.",
           "Adotamos esta opção e vamos revê-la em seis meses.",
           "Bom: uma única forma de fazer. Ruim: migração dos serviços antigos."),
    "zh": ("团队需要在下一个版本发布之前达成一致；当前方案每周都会触发告警。",
           "我们采用该方案，并在流量翻倍时重新评估。",
           "优点：只有一种做法。缺点：旧服务需要迁移。"),
}

LANG = {
    "en": Lang("Status", {"status": "Status", "date": "Date", "deciders": "Deciders"}, ": ", EN_WORDS,
               "This builds on {link}, which still holds."),
    "de": Lang("Status", {"status": "Status", "date": "Datum", "deciders": "Entscheider"}, ": ", {
        "accepted": {"plain": ["Akzeptiert"], "synonym": ["Angenommen"]},
        "proposed": {"plain": ["Vorgeschlagen"]}, "rejected": {"plain": ["Abgelehnt"]},
        "deprecated": {"plain": ["Veraltet"]}, "superseded": {"plain": ["Ersetzt durch {link}"]},
        "draft": {"plain": ["Entwurf"]}}, "Siehe auch {link}."),
    "fr": Lang("Statut", {"status": "Statut", "date": "Date", "deciders": "Décideurs"}, " : ", {
        "accepted": {"plain": ["Accepté"], "synonym": ["Validé"]},
        "proposed": {"plain": ["Proposé"]}, "rejected": {"plain": ["Rejeté"]},
        "deprecated": {"plain": ["Déprécié"], "synonym": ["Obsolète"]},
        "superseded": {"plain": ["Remplacé par {link}"]},
        "draft": {"plain": ["Brouillon"]}}, "Voir aussi {link}."),
    "es": Lang("Estado", {"status": "Estado", "date": "Fecha", "deciders": "Decisores"}, ": ", {
        "accepted": {"plain": ["Aceptado"]}, "proposed": {"plain": ["Propuesto"]},
        "rejected": {"plain": ["Rechazado"]}, "deprecated": {"plain": ["Obsoleto"]},
        "superseded": {"plain": ["Reemplazado por {link}"], "synonym": ["Sustituido por {link}"]},
        "draft": {"plain": ["Borrador"]}}, "Véase también {link}."),
    "pt": Lang("Status", {"status": "Status", "date": "Data", "deciders": "Decisores"}, ": ", {
        "accepted": {"plain": ["Aceito"]}, "proposed": {"plain": ["Proposto"]},
        "rejected": {"plain": ["Rejeitado"]}, "deprecated": {"plain": ["Obsoleto"], "synonym": ["Depreciado"]},
        "superseded": {"plain": ["Substituído por {link}"]},
        "draft": {"plain": ["Rascunho"]}}, "Veja também {link}."),
    "zh": Lang("状态", {"status": "状态", "date": "日期", "deciders": "决策者"}, "：", {
        "accepted": {"plain": ["已接受"]}, "proposed": {"plain": ["已提议"]},
        "rejected": {"plain": ["已拒绝"]}, "deprecated": {"plain": ["已弃用"]},
        "superseded": {"plain": ["已被 {link} 取代"]},
        "draft": {"plain": ["草稿"]}}, "另见 {link}。"),
}

# Section layouts: (level, heading, paragraph index or literal text)
SECTIONS = {
    ("en", "nygard"): ((2, "Context", 0), (2, "Decision", 1), (2, "Consequences", 2)),
    ("en", "madr"): (
        (2, "Context and Problem Statement", 0),
        (2, "Considered Options", "* Option 1: Keep the monolith\n* Option 2 - Use Kafka (managed)"),
        (2, "Decision Outcome", 'Chosen option: "Option 2 - Use Kafka (managed)", because it is run for us.'),
        (2, "Pros and Cons of the Options", None),
        (3, "Option 1: Keep the monolith", "* Good, because nothing changes\n* Bad, because deploys stay slow"),
        (3, "Option 2 - Use Kafka (managed)", "* Good, because it scales\n* Bad, because it costs money"),
        (2, "More Information", 2),
    ),
    ("de", "nygard"): ((2, "Kontext", 0), (2, "Entscheidung", 1), (2, "Konsequenzen", 2)),
    ("fr", "nygard"): ((2, "Contexte et problématique", 0), (2, "Résultat de la décision", 1),
                       (2, "Conséquences", 2)),
    ("es", "nygard"): ((2, "Contexto", 0), (2, "Decisión", 1), (2, "Consecuencias", 2)),
    ("pt", "nygard"): ((2, "Contexto", 0), (2, "Decisão", 1), (2, "Consequências", 2)),
    ("zh", "nygard"): ((2, "背景", 0), (2, "决策", 1), (2, "后果", 2)),
}

EMOJI = {"accepted": "✅", "proposed": "🤔", "rejected": "❌", "deprecated": "⚠️",
         "superseded": "⌛️", "draft": "📝"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8cfc0f01f0005050200" "5fc8f1d20000000049454e44ae426082")
REPO_URL = "https://github.com/acme/platform/blob/main/doc/adr/"

# --- the choices -------------------------------------------------------------------------

NAMINGS = ("0001-title", "001-title", "1-title", "0001_title", "ADR-0001-title", "adr-001-title",
           "ADR_001", "adr0001", "20220203-title", "2022-02-03-title", "2022-02-03_title")
DATE_NAMINGS = ("20220203-title", "2022-02-03-title", "2022-02-03_title")
UNTITLED_NAMINGS = ("ADR_001", "adr0001")  # the name carries no title
LAYOUTS = ("flat", "folder-readme", "folder-index", "packages")
PACKAGE_DIRS = ("backend", "frontend", "packages/core/docs/adr", "team-payments")
META_STYLES = ("adr-tools", "plain-lines", "bullets", "bold-bullets", "bold-lines", "table-kv",
               "table-row", "html-table", "none")
STATUS_PLACES = ("first", "after-extra", "end")  # where an adr-tools `## Status` section sits
HEADINGS = ("plain", "numbered", "adr-prefix", "setext", "none")
FRONT_MATTERS = ("none", "yaml", "toml")
FM_EXTRAS = ("slug", "sidebar_label", "nav_order", "parent", "weight", "tag", "tags", "categories",
             "deciders", "decision-makers", "author", "authors")
DATE_FORMATS = ("iso", "dmy-slash", "mdy-slash", "month-year", "day-month-year", "dmy-dot")
HAZARDS = ("crlf", "bom", "no-final-newline", "trailing-spaces", "fenced-status", "comment-status",
           "comment-in-status", "heading-comment", "continuation", "table", "foreign-text", "image")
NON_RECORDS = ("README.md", "index.md", "template.md", "adr-template.md", "TEMPLATE.md")


@dataclass(frozen=True)
class LinkSpec:
    """A link in a record's text to another record (by index in the folder)."""

    target: int
    dot: bool = False          # './0003-x.md' rather than '0003-x.md' (same folder only)
    anchor: int | None = None  # which of the target's headings (modulo their count)
    text: str = "title"        # title | paren | stem | adr
    title_attr: bool = False   # [text](href "title")


@dataclass(frozen=True)
class RecordSpec:
    title_index: int
    status: str | None = "accepted"
    variant: str = "plain"        # plain | synonym | qualified | misspelled
    case: str = "asis"            # asis | lower | upper
    decoration: str = "none"      # none | bold | emoji
    date: dt.date | None = dt.date(2020, 1, 2)
    date_format: str = "iso"
    date_colon: bool = True       # 'Date 14/03/2019' when False (adr-tools line style only)
    heading: str = "numbered"
    front_matter: str = "none"
    where: str = "body"           # body | fm | both: where status and date are written
    fm_title: bool = False
    fm_extras: tuple[str, ...] = ()
    fm_broken: str | None = None  # None | no-space | unclosed-quote
    fm_leftover: bool = False     # 'status: {accepted}' (YAML only)
    meta: str = "adr-tools"
    status_place: str = "first"
    setext_status: bool = False
    sections: str = "nygard"
    successor_url: bool = False   # the successor named by a full repository URL
    successor_dot: bool = False
    successor_text: str = "numbered"  # numbered | adr | title | stem
    back_link: bool = False       # the successor says 'Supersedes [..](..)' in return
    links: tuple[LinkSpec, ...] = ()
    hazards: frozenset = frozenset()
    part: bool = False            # folder-per-record only: a second markdown file, linked
    package: int = 0              # index into FolderSpec.packages (0: the root)


@dataclass(frozen=True)
class FolderSpec:
    records: tuple[RecordSpec, ...]
    naming: str = "0001-title"
    layout: str = "flat"
    packages: tuple[str, ...] = ("",)  # '' is the root
    per_package_numbers: bool = False
    numbers: tuple[int, ...] = ()      # one per record (numbered namings)
    file_dates: tuple[dt.date, ...] = ()  # one per record (date namings)
    non_records: tuple[str, ...] = ()
    successors: tuple[int | None, ...] = ()  # per record: index of its successor


# --- the truth -------------------------------------------------------------------------------

@dataclass(frozen=True)
class LinkTruth:
    source: str
    target: str
    text: str
    href: str
    anchor: str | None = None   # GitHub-style id of the heading the link targets
    heading: str | None = None  # that heading's text
    kind: str = "body"          # body | status


@dataclass(frozen=True)
class RecordTruth:
    path: str
    number: int | None
    file_date: str | None
    title: str
    status: str | None
    status_words: str | None
    date: str | None
    successor: str | None
    links: tuple[LinkTruth, ...]
    headings: tuple[tuple[int, str], ...]
    shapes: tuple[str, ...]


@dataclass(frozen=True)
class Truth:
    records: tuple[RecordTruth, ...]
    non_records: tuple[str, ...]       # markdown files that are not records
    export: tuple[str, ...]            # files `export --format source` must give back, byte for byte

    def record(self, path: str) -> RecordTruth:
        return next(r for r in self.records if r.path == path)


@dataclass
class AdrFolder:
    spec: FolderSpec
    files: dict[str, bytes]
    truth: Truth

    def __repr__(self) -> str:
        return f"AdrFolder({', '.join(r.path for r in self.truth.records)})"

    def write(self, root: Path) -> Truth:
        for rel, data in self.files.items():
            path = Path(root, *rel.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return self.truth

    def describe(self) -> str:
        """A readable account of the folder: the tree, then each record's truth and text."""
        out = ["files:"] + [f"  {rel} ({len(data)} bytes)" for rel, data in sorted(self.files.items())]
        for r in self.truth.records:
            out.append(f"record {r.path}: number={r.number} title={r.title!r} status={r.status} "
                       f"words={r.status_words!r} date={r.date} successor={r.successor} "
                       f"shapes={','.join(r.shapes)}")
            for link in r.links:
                out.append(f"  link [{link.text}]({link.href}) -> {link.target}"
                           + (f" #{link.anchor}" if link.anchor else ""))
            out.append("  | " + self.files[r.path].decode("utf-8", "replace").replace("\n", "\n  | "))
        return "\n".join(out)


def github_id(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, each space a hyphen
    ('Option 2 - Use Kafka (managed)' -> 'option-2---use-kafka-managed')."""
    text = re.sub(r"<!--.*?-->", "", heading).strip().lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


# --- rendering -----------------------------------------------------------------------------

def _file_name(naming: str, number: int | None, date: dt.date | None, slug: str) -> str:
    """A record's name without '.md' (also the folder name of a folder-per-record)."""
    if naming == "0001-title":
        return f"{number:04d}-{slug}"
    if naming == "001-title":
        return f"{number:03d}-{slug}"
    if naming == "1-title":
        return f"{number}-{slug}"
    if naming == "0001_title":
        return f"{number:04d}_{slug.replace('-', '_')}"
    if naming == "ADR-0001-title":
        return f"ADR-{number:04d}-{slug}"
    if naming == "adr-001-title":
        return f"adr-{number:03d}-{slug}"
    if naming == "ADR_001":
        return f"ADR_{number:03d}"
    if naming == "adr0001":
        return f"adr{number:04d}"
    assert date is not None
    if naming == "20220203-title":
        return f"{date:%Y%m%d}-{slug}"
    if naming == "2022-02-03-title":
        return f"{date:%Y-%m-%d}-{slug}"
    if naming == "2022-02-03_title":
        return f"{date:%Y-%m-%d}_{slug.replace('-', '_')}"
    raise ValueError(naming)


def _date_text(d: dt.date, fmt: str) -> tuple[str, str]:
    """(the date as written, its ISO truth)."""
    if fmt == "dmy-slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}", d.isoformat()
    if fmt == "mdy-slash":
        return f"{d.month:02d}/{d.day:02d}/{d.year}", d.isoformat()
    if fmt == "dmy-dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}", d.isoformat()
    if fmt == "month-year":
        return f"{MONTHS[d.month - 1]} {d.year}", f"{d.year:04d}-{d.month:02d}"
    if fmt == "day-month-year":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}", d.isoformat()
    return d.isoformat(), d.isoformat()


def _yaml_value(text: str) -> str:
    if (not text or text[0] in "[]{}&*!|>'\"%@`#,?:-" or ": " in text or " #" in text
            or text.endswith(":")):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _toml_value(value) -> str:
    if isinstance(value, (int, dt.date)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(_yaml_value(v) for v in values) + "]"


@dataclass
class _Ctx:
    spec: FolderSpec
    paths: list[str]
    names: list[str]   # file name stems (or folder names) per record
    numbers: list[int | None]

    def href(self, source: int, target: int, dot: bool = False) -> str:
        here = posixpath.dirname(self.paths[source]) or "."
        rel = posixpath.relpath(self.paths[target], here)
        if dot and not rel.startswith("../"):
            rel = "./" + rel
        return rel


def _link_text(ctx: _Ctx, target: int, kind: str) -> str:
    title = TITLES[ctx.spec.records[target].title_index][0]
    number = ctx.numbers[target]
    if kind == "paren":
        return f"ADR {number} ({title})" if number is not None else f"{title} (earlier decision)"
    if kind == "stem":
        return ctx.names[target]
    if kind in ("adr", "numbered") and number is not None:
        return f"ADR-{number:04d}" if kind == "adr" else f"{number}. {title}"
    return title


def _status_words(spec: RecordSpec, lang: Lang, link_md: str | None, *, plain_only: bool = False,
                  html: bool = False) -> str:
    """The status as the record writes it: words, case, link and decoration."""
    text = _status_markdown(spec, lang, link_md, plain_only=plain_only)
    if html:
        text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return text


def _status_markdown(spec: RecordSpec, lang: Lang, link_md: str | None, *, plain_only: bool = False) -> str:
    assert spec.status is not None
    table = lang.words[spec.status]
    choices = table.get(spec.variant) or table["plain"]
    words = choices[spec.title_index % len(choices)]
    before, _, after = words.partition("{link}")
    if spec.case == "lower":
        before = before.lower()
    elif spec.case == "upper":
        before = before.upper()
    if link_md is None:
        text = (before + after).strip()
    else:
        text = before + link_md + after
    if plain_only or spec.decoration == "none":
        return text
    if spec.decoration == "bold":
        if link_md is None:
            return f"**{text}**"
        return f"**{before.strip()}** {link_md}{after}"
    # emoji
    if link_md is None:
        return f"{EMOJI[spec.status]} **{text}**" if spec.title_index % 2 else f"{EMOJI[spec.status]} {text}"
    return f"{EMOJI[spec.status]} {text}"


def render(spec: FolderSpec) -> AdrFolder:
    """Every file of the folder a spec describes, and the truth about them."""
    dated = spec.naming in DATE_NAMINGS
    names, paths, numbers = [], [], []
    for i, rec in enumerate(spec.records):
        slug = TITLES[rec.title_index][1]
        number = None if dated else spec.numbers[i]
        date = spec.file_dates[i] if dated else None
        name = _file_name(spec.naming, number, date, slug)
        package = spec.packages[rec.package] if spec.layout == "packages" else ""
        if spec.layout == "folder-readme":
            rel = f"{name}/README.md"
        elif spec.layout == "folder-index":
            rel = f"{name}/index.md"
        else:
            rel = posixpath.join(package, f"{name}.md") if package else f"{name}.md"
        names.append(name)
        paths.append(rel)
        numbers.append(number)
    ctx = _Ctx(spec, paths, names, numbers)
    files: dict[str, bytes] = {}
    truths: list[RecordTruth] = []
    export: list[str] = []
    headings_of = [_headings(rec) for rec in spec.records]
    for i, rec in enumerate(spec.records):
        text, truth, extra = _render_record(i, rec, ctx, headings_of)
        files[paths[i]] = text
        export.append(paths[i])
        for rel, data in extra.items():
            files[rel] = data
            if spec.layout.startswith("folder"):
                export.append(rel)
        truths.append(truth)
    non_records = []
    for name in spec.non_records:
        for package in (spec.packages if spec.layout == "packages" else ("",))[:2]:
            rel = posixpath.join(package, name) if package else name
            if rel in files:
                continue
            files[rel] = _non_record(name, ctx, package).encode("utf-8")
            non_records.append(rel)
    return AdrFolder(spec, files, Truth(tuple(truths), tuple(non_records), tuple(export)))


def _headings(rec: RecordSpec) -> list[tuple[int, str]]:
    lang = TITLES[rec.title_index][2]
    layout = SECTIONS.get((lang, rec.sections)) or SECTIONS[(lang, "nygard")]
    out = [(level, heading) for level, heading, _ in layout]
    if rec.meta == "adr-tools" and rec.status is not None and _placement(rec)[1]:
        out.append((2, LANG[lang].status_heading))  # the `## Status` section, a link target too
    return out


def _render_record(i: int, rec: RecordSpec, ctx: _Ctx, headings_of) -> tuple[bytes, RecordTruth, dict[str, bytes]]:
    spec = ctx.spec
    title, slug, lang_name = TITLES[rec.title_index]
    lang = LANG[lang_name]
    path = ctx.paths[i]
    number = ctx.numbers[i]
    shapes = [f"naming:{spec.naming}", f"layout:{spec.layout}", f"lang:{lang_name}", f"meta:{rec.meta}",
              f"fm:{rec.front_matter}", f"heading:{rec.heading}"]
    extra_files: dict[str, bytes] = {}
    links: list[LinkTruth] = []

    # the status as written
    successor = spec.successors[i] if spec.successors else None
    status_text = fm_status_text = None
    if rec.status is not None:
        link_md = link_html = None
        if rec.status == "superseded":
            assert successor is not None, "a superseded record names its successor"
            href = (REPO_URL + ctx.paths[successor]) if rec.successor_url else ctx.href(i, successor, rec.successor_dot)
            ltext = _link_text(ctx, successor, rec.successor_text)
            link_md = f"[{ltext}]({href})"
            link_html = f'<a href="{href}">{ltext}</a>'
            if not rec.successor_url and any(_placement(rec)):
                links.append(LinkTruth(path, ctx.paths[successor], ltext, href, kind="status"))
            shapes.append("successor:" + ("url" if rec.successor_url else "relative"))
        status_text = _status_words(rec, lang, link_html if rec.meta == "html-table" else link_md,
                                    html=rec.meta == "html-table")
        fm_status_text = _status_words(rec, lang, link_md, plain_only=True)
        if rec.fm_leftover:
            fm_status_text = "{" + _status_words(rec, lang, None, plain_only=True) + "}"
        shapes += [f"status:{rec.status}", f"spelling:{rec.variant}/{rec.case}/{rec.decoration}"]
    else:
        shapes.append("status:none")
    in_fm, in_body = _placement(rec)
    date_text = date_truth = None
    if rec.date is not None and (in_fm or in_body):
        date_text, date_truth = _date_text(rec.date, "iso" if in_fm else rec.date_format)
    file_date = spec.file_dates[i].isoformat() if spec.naming in DATE_NAMINGS else None
    status_truth = rec.status if (in_fm or in_body) else None
    words_truth = None
    if status_truth is not None:
        words_truth = fm_status_text if in_fm else status_text

    lines: list[str] = []
    # 1. front matter
    fm_lines: list[str] = []
    if rec.front_matter != "none":
        fm_lines = _front_matter(rec, ctx, i, title, fm_status_text if in_fm and rec.status else None,
                                 rec.date if in_fm and date_text else None, lang_name)
        lines += fm_lines + [""]
        shapes += [f"fm-key:{k}" for k in rec.fm_extras]
        if rec.fm_broken:
            shapes.append(f"fm-broken:{rec.fm_broken}")
        if rec.fm_leftover and in_fm:
            shapes.append("fm-leftover")
    # 2. the title
    if rec.heading == "numbered" and number is not None:
        lines += [f"# {number}. {title}", ""]
    elif rec.heading == "adr-prefix" and number is not None:
        lines += [f"# ADR-{number:04d}: {title}", ""]
    elif rec.heading == "setext":
        lines += [title, "=" * max(3, len(title)), ""]
    elif rec.heading != "none" or rec.front_matter == "none":
        lines += [f"# {title}", ""]
    # 3. metadata in the text
    status_section: list[str] = []
    body_status = status_text if (in_body and rec.status) else None
    body_date = date_text if in_body else None
    deciders = ["Alice Example", "Bob Example"]
    if "continuation" in rec.hazards:
        deciders_line = "Alice Example,\n  Bob Example"
    else:
        deciders_line = ", ".join(deciders)
    back = _back_links(i, rec, ctx, lang, links)
    k = lang.keys
    c = lang.colon
    meta_lines: list[str] = []
    links_section: list[str] = []
    if rec.meta == "adr-tools":
        if body_date:
            meta_lines.append(f"{k['date']}{c if rec.date_colon else ' '}{body_date}")
        if rec.status_place == "after-extra":
            meta_lines += ["Reviewed: 2021-05-01", "Owner: Platform team"]
        if body_status:
            width = max(3, len(lang.status_heading))
            status_section = [lang.status_heading, "-" * width] if rec.setext_status \
                else [f"## {lang.status_heading}"]
            status_section += [""]
            if "comment-in-status" in rec.hazards:
                status_section += ["<!-- proposed | rejected | accepted | deprecated | superseded -->"]
            status_section += [body_status]
            if back:
                status_section += [""] + back
    elif rec.meta in ("plain-lines", "bullets", "bold-bullets", "bold-lines"):
        pairs = []
        if body_status:
            pairs.append((k["status"], body_status))
        pairs.append((k["deciders"], deciders_line))
        if body_date:
            pairs.append((k["date"], body_date))
        for key, value in pairs:
            if rec.meta == "plain-lines":
                meta_lines.append(f"{key}{c}{value}")
            elif rec.meta == "bullets":
                meta_lines.append(f"{'*' if rec.title_index % 2 else '-'} {key}{c}{value}")
            elif rec.meta == "bold-bullets":
                meta_lines.append(f"* **{key}:** {value}" if rec.title_index % 2 else f"- **{key}**: {value}")
            else:
                meta_lines.append(f"**{key}:** {value}  ")
    elif rec.meta == "table-kv":
        meta_lines = ["| Field | Value |", "| --- | --- |"]
        if body_status:
            meta_lines.append(f"| {k['status']} | {body_status} |")
        if body_date:
            meta_lines.append(f"| {k['date']} | {body_date} |")
        meta_lines.append(f"| {k['deciders']} | {', '.join(deciders)} |")
    elif rec.meta == "table-row":
        cols = [(k["status"], body_status), (k["date"], body_date), (k["deciders"], ", ".join(deciders))]
        cols = [(a, b) for a, b in cols if b]
        meta_lines = ["| " + " | ".join(a for a, _ in cols) + " |",
                      "|" + "|".join("---" for _ in cols) + "|",
                      "| " + " | ".join(b for _, b in cols) + " |"]
    elif rec.meta == "html-table":
        meta_lines = ["<table>"]
        if body_status:
            meta_lines.append(f"  <tr><th>{k['status']}</th><td>{body_status}</td></tr>")
        if body_date:
            meta_lines.append(f"  <tr><th>{k['date']}</th><td>{body_date}</td></tr>")
        meta_lines.append(f"  <tr><th>{k['deciders']}</th><td>{', '.join(deciders)}</td></tr>")
        meta_lines.append("</table>")
    if back and not status_section:
        links_section = ["## Links", ""] + [f"* {b}" for b in back]
    if "comment-status" in rec.hazards:
        lines += ["<!--", f"## {lang.status_heading}", "", _status_words(
            RecordSpec(rec.title_index, status="rejected"), lang, None), "-->", ""]
    if meta_lines:
        lines += meta_lines + [""]
    section_first = bool(status_section) and rec.status_place != "end"
    if section_first:
        lines += status_section + [""]

    # 4. the body
    taken = {ltext} if rec.status == "superseded" and rec.successor_url else set()
    body = _body(i, rec, ctx, lang_name, headings_of, links, extra_files, taken)
    lines += body
    if status_section and not section_first:
        lines += [""] + status_section
    if links_section:
        lines += [""] + links_section
    text = "\n".join(lines).rstrip("\n") + "\n"

    # 5. text hazards
    if "trailing-spaces" in rec.hazards:
        out, skip = [], len(fm_lines)
        for n_line, line in enumerate(text.split("\n")):
            if n_line >= skip and line.strip() and n_line % 3 == 0 and not line.endswith(" "):
                line += "  "
            out.append(line)
        text = "\n".join(out)
    if "no-final-newline" in rec.hazards:
        text = text.rstrip("\n")
    if "crlf" in rec.hazards:
        text = text.replace("\n", "\r\n")
    if "bom" in rec.hazards:
        text = "\ufeff" + text
    shapes += sorted(f"hazard:{h}" for h in rec.hazards)
    if rec.meta == "adr-tools" and status_section:
        shapes.append(f"status-place:{rec.status_place}" + (":setext" if rec.setext_status else ""))
    if date_text:
        shapes.append(f"date:{rec.date_format}" + ("" if rec.date_colon else ":no-colon"))
    truth = RecordTruth(
        path=path,
        number=None if (spec.naming in DATE_NAMINGS or (spec.layout == "packages" and spec.per_package_numbers))
        else number,
        file_date=file_date,
        title=title,
        status=status_truth,
        status_words=words_truth,
        date=date_truth or file_date,
        successor=ctx.paths[successor] if status_truth == "superseded" and successor is not None else None,
        links=tuple(links),
        headings=tuple(headings_of[i]),
        shapes=tuple(shapes),
    )
    return text.encode("utf-8"), truth, extra_files


def _placement(rec: RecordSpec) -> tuple[bool, bool]:
    """Whether the record writes its status and date in its front matter, in its text."""
    in_fm = rec.front_matter != "none" and rec.where in ("fm", "both") and not rec.fm_broken
    in_body = rec.meta != "none" and (rec.front_matter == "none" or rec.where in ("body", "both")
                                      or rec.fm_broken is not None)
    return in_fm, in_body


def _back_links(i: int, rec: RecordSpec, ctx: _Ctx, lang: Lang, links: list[LinkTruth]) -> list[str]:
    """'Supersedes [..](..)' lines for each record this one supersedes and that asks for it."""
    out = []
    for j, other in enumerate(ctx.spec.records):
        if (other.status == "superseded" and other.back_link and ctx.spec.successors[j] == i
                and any(_placement(other))):
            href = ctx.href(i, j)
            text = _link_text(ctx, j, "numbered")
            out.append(f"Supersedes [{text}]({href})")  # as adr-tools writes it, in any language
            links.append(LinkTruth(ctx.paths[i], ctx.paths[j], text, href, kind="status"))
    return out


def _front_matter(rec: RecordSpec, ctx: _Ctx, i: int, title: str, status: str | None,
                  date: dt.date | None, lang: str) -> list[str]:
    number = ctx.numbers[i] if ctx.numbers[i] is not None else i + 1
    slug = TITLES[rec.title_index][1]
    values: list[tuple[str, object]] = []
    if rec.fm_title or rec.heading == "none":
        values.append(("title", title))
    if status is not None:
        values.append(("statut" if lang == "fr" else "status", status))
    if date is not None:
        values.append(("date", date))
    extras = {
        "slug": slug, "sidebar_label": title, "nav_order": number, "parent": "Decisions",
        "weight": number * 10, "tag": "storage", "tags": ["storage", "api"], "categories": ["architecture"],
        "deciders": ["Alice Example", "Bob Example"], "decision-makers": "Alice Example, Bob Example",
        "author": "Alice Example", "authors": ["Alice Example", "Carol Example"],
    }
    if lang == "fr":
        extras["deciders"] = extras.pop("deciders")
    values += [(key, extras[key]) for key in rec.fm_extras]
    if rec.front_matter == "toml":
        out = ["+++"]
        for key, value in values:
            out.append(f"{key} = {_toml_value(value)}")
        out.append("+++")
        return out
    out = ["---"]
    for key, value in values:
        if key in ("status", "statut") and rec.fm_leftover:
            out.append(f"{key}: {value}")
        elif isinstance(value, list):
            out.append(f"{key}: {_yaml_list(value)}")
        elif isinstance(value, dt.date):
            out.append(f"{key}: {value.isoformat()}" if rec.title_index % 2 else f"{key}: '{value.isoformat()}'")
        elif isinstance(value, int):
            out.append(f"{key}: {value}")
        else:
            out.append(f"{key}: {_yaml_value(str(value))}")
    if rec.fm_broken == "no-space":
        out.append("category:Web")
    elif rec.fm_broken == "unclosed-quote":
        out.append('summary: "Cache the sessions')
    out.append("---")
    return out


def _body(i: int, rec: RecordSpec, ctx: _Ctx, lang: str, headings_of, links: list[LinkTruth],
          extra_files: dict[str, bytes], taken: set[str] = frozenset()) -> list[str]:
    layout = SECTIONS.get((lang, rec.sections)) or SECTIONS[(lang, "nygard")]
    path = ctx.paths[i]
    here = posixpath.dirname(path)
    blocks: list[list[str]] = []  # per section: its lines
    for n, (level, heading, para) in enumerate(layout):
        shown = heading
        if "heading-comment" in rec.hazards and n == 1:
            shown = f"{heading} <!-- optional -->"
        sec = [f"{'#' * level} {shown}", ""]
        if isinstance(para, int):
            sec.append(P[lang][para])
        elif isinstance(para, str):
            sec += para.split("\n")
        else:
            sec.pop()  # a heading right above its subsections
        blocks.append(sec)
    first, middle, last = blocks[0], blocks[min(1, len(blocks) - 1)], blocks[-1]
    if "image" in rec.hazards:
        if ctx.spec.layout.startswith("folder"):
            img = "diagram.png"
        else:
            img = f"images/{posixpath.splitext(posixpath.basename(path))[0]}.png"
        extra_files[posixpath.join(here, img) if here else img] = PNG
        first += ["", f"![Context diagram]({img})"]
    if "continuation" in rec.hazards:
        first += ["", "* The current setup fails under load,", "  and nobody owns it.",
                  "* The data grows by 10 GB a month."]
    if "foreign-text" in rec.hazards:
        other = "de" if lang != "de" else "zh"
        first += ["", P[other][0]]
    if "fenced-status" in rec.hazards:
        middle += ["", "```markdown", "## Status", "", "Rejected", "", "Date: 1999-12-31", "```",
                   "", "~~~yaml", "status: deprecated", "~~~"]
    if "comment-status" in rec.hazards:
        middle += ["", "<!--", "## Status", "", "Deprecated", "-->"]
    if "table" in rec.hazards:
        last += ["", "| Option | Cost | Risk |", "| --- | ---: | :---: |", "| Keep | 0 | high |",
                 "| Move | 3 | low |"]
    if ctx.spec.layout.startswith("folder") and rec.part:
        extra_files[posixpath.join(here, "details.md")] = (
            "# Benchmark details\n\n| Run | p99 |\n| --- | --- |\n| 1 | 12 ms |\n").encode("utf-8")
        last += ["", "The measurements are in [the benchmark details](details.md)."]
    # links to other records
    # a link text is used once per record, also against a successor written as a full URL
    # (not a LinkTruth of its own), so a link on the page is found by its text alone
    seen_texts = {link.text for link in links} | set(taken)
    link_lines = []
    lang_obj = LANG[lang]
    for spec in rec.links:
        if spec.target == i or spec.target >= len(ctx.spec.records):
            continue
        href = ctx.href(i, spec.target, spec.dot)
        anchor = heading_text = None
        if spec.anchor is not None:
            candidates = [h for _, h in headings_of[spec.target] if h.isascii()]
            if candidates:
                heading_text = candidates[spec.anchor % len(candidates)]
                anchor = github_id(heading_text)
                href += "#" + anchor
        text = _link_text(ctx, spec.target, spec.text)
        base, k = text, 2
        while text in seen_texts:
            text = f"{base} (part {k})"
            k += 1
        seen_texts.add(text)
        title_attr = f' "{TITLES[ctx.spec.records[spec.target].title_index][0]}"' if spec.title_attr else ""
        link_lines.append(lang_obj.see.replace("{link}", f"[{text}]({href}{title_attr})"))
        links.append(LinkTruth(path, ctx.paths[spec.target], text, href, anchor, heading_text))
    if link_lines:
        last += [""] + link_lines
    out: list[str] = []
    for sec in blocks:
        out += sec + [""]
    return out[:-1]


def _non_record(name: str, ctx: _Ctx, package: str) -> str:
    if name.lower().endswith("template.md"):
        return ("---\nstatus: {proposed | rejected | accepted | deprecated | … | superseded by "
                "[ADR-0005](0005-example.md)}\ndate: {YYYY-MM-DD when the decision was last updated}\n---\n\n"
                "# {short title of solved problem and solution}\n\n## Status\n\n{Accepted}\n\n"
                "## Context and Problem Statement\n\n{Describe the context and problem statement}\n")
    lines = ["---", "layout: default", "title: Decisions", "nav_order: 1", "has_children: true", "---", ""] \
        if name == "index.md" else []
    lines += ["# Architecture decision records", "", "Decisions made in this project:", ""]
    for i, path in enumerate(ctx.paths):
        if package and not path.startswith(package + "/"):
            continue
        rel = posixpath.relpath(path, package or ".")
        lines.append(f"* [{TITLES[ctx.spec.records[i].title_index][0]}]({rel})")
    return "\n".join(lines) + "\n"


# --- strategies ---------------------------------------------------------------------------

def namings() -> st.SearchStrategy[str]:
    return st.sampled_from(NAMINGS)


def layouts() -> st.SearchStrategy[str]:
    return st.sampled_from(LAYOUTS)


def meta_styles() -> st.SearchStrategy[str]:
    return st.sampled_from(META_STYLES)


def date_formats() -> st.SearchStrategy[str]:
    return st.sampled_from(DATE_FORMATS)


def hazard_sets() -> st.SearchStrategy[frozenset]:
    return st.frozensets(st.sampled_from(HAZARDS), max_size=4)


@st.composite
def front_matters(draw, heading: str) -> dict:
    """The front matter choices of one record: kind, title, extra keys, breakage."""
    kind = draw(st.sampled_from(FRONT_MATTERS)) if heading != "none" else draw(st.sampled_from(("yaml", "toml")))
    if kind == "none":
        return {"front_matter": "none"}
    extras = tuple(sorted(draw(st.sets(st.sampled_from(FM_EXTRAS), max_size=4))))
    broken = None
    if kind == "yaml" and heading != "none":
        broken = draw(st.sampled_from((None, None, None, "no-space", "unclosed-quote")))
    return {"front_matter": kind, "fm_extras": extras, "fm_broken": broken,
            "fm_title": heading == "none" or draw(st.booleans()),
            "where": draw(st.sampled_from(("body", "fm", "both"))),
            "fm_leftover": kind == "yaml" and draw(st.integers(0, 5)) == 5}


@st.composite
def status_spellings(draw, lang: str) -> dict:
    """How a status is spelled: variant, case and decoration."""
    variant = draw(st.sampled_from(("plain", "synonym", "qualified", "misspelled")))
    case = draw(st.sampled_from(("asis", "lower", "upper"))) if lang != "zh" else "asis"
    decoration = draw(st.sampled_from(("none", "bold", "emoji")))
    return {"variant": variant, "case": case, "decoration": decoration}


@st.composite
def link_specs(draw, n: int, i: int) -> tuple[LinkSpec, ...]:
    """Up to two links from record i to others of the n records."""
    if n < 2:
        return ()
    out = []
    for _ in range(draw(st.integers(0, 2))):
        target = draw(st.integers(0, n - 2))
        target = target if target < i else target + 1
        out.append(LinkSpec(target=target, dot=draw(st.booleans()),
                            anchor=draw(st.one_of(st.none(), st.integers(0, 6))),
                            text=draw(st.sampled_from(("title", "paren", "stem", "adr"))),
                            title_attr=draw(st.integers(0, 4)) == 4))
    return tuple(out)


@st.composite
def record_specs(draw, i: int, n: int, title_index: int, naming: str, layout: str,
                 packages: int = 1) -> RecordSpec:
    """One record's choices; `i` of `n` (the last record cannot be superseded)."""
    lang = TITLES[title_index][2]
    heading_choices = ["plain", "numbered", "numbered", "setext", "adr-prefix", "none"]
    if naming in DATE_NAMINGS:
        heading_choices = ["plain", "setext", "none"]
    heading = draw(st.sampled_from(heading_choices))
    fm = draw(front_matters(heading))
    status = draw(st.sampled_from(("accepted", "proposed", "superseded", "rejected", "deprecated", "draft",
                                   None)))
    if status == "superseded" and i == n - 1:
        status = "accepted"
    spelling = draw(status_spellings(lang))
    if fm.get("fm_leftover") and status == "superseded":
        fm["fm_leftover"] = False
    date = draw(st.one_of(st.none(), st.dates(dt.date(2016, 1, 1), dt.date(2025, 12, 28))))
    date_format = draw(date_formats()) if lang == "en" else draw(st.sampled_from(("iso", "dmy-slash", "dmy-dot")))
    if date is not None and date_format in ("dmy-slash", "mdy-slash", "dmy-dot") and date.day <= 12:
        date = date.replace(day=date.day + 12)
    if naming in DATE_NAMINGS and date_format == "month-year":
        date_format = "iso"
    meta = draw(meta_styles())
    return RecordSpec(
        title_index=title_index, status=status, **spelling,
        date=date, date_format=date_format,
        date_colon=draw(st.integers(0, 3)) < 3,
        heading=heading, **fm,
        meta=meta,
        status_place=draw(st.sampled_from(STATUS_PLACES)),
        setext_status=draw(st.integers(0, 4)) == 4,
        sections=draw(st.sampled_from(("nygard", "madr"))),
        successor_url=draw(st.integers(0, 4)) == 4,
        successor_dot=draw(st.booleans()),
        successor_text=draw(st.sampled_from(("numbered", "adr", "title", "stem"))),
        back_link=draw(st.booleans()),
        links=draw(link_specs(n, i)),
        hazards=draw(hazard_sets()),
        part=layout.startswith("folder") and draw(st.booleans()),
        package=draw(st.integers(0, packages - 1)) if packages > 1 else 0,
    )


@st.composite
def folder_specs(draw, min_records: int = 1, max_records: int = 8, naming=None, layout=None) -> FolderSpec:
    """A whole folder: naming, layout, numbers or dates, records, successors, other files."""
    naming = draw(namings()) if naming is None else naming
    layout = draw(layouts()) if layout is None else layout
    n = draw(st.integers(min_records, max_records))
    title_indexes = draw(st.lists(st.integers(0, len(TITLES) - 1), unique=True, min_size=n, max_size=n))
    packages: tuple[str, ...] = ("",)
    per_package = False
    if layout == "packages":
        chosen = draw(st.lists(st.sampled_from(PACKAGE_DIRS), unique=True, min_size=1, max_size=2))
        packages = tuple(([""] if draw(st.booleans()) else []) + chosen)
        per_package = naming not in DATE_NAMINGS and draw(st.booleans())
    records = [draw(record_specs(i, n, title_indexes[i], naming, layout, len(packages))) for i in range(n)]
    numbers: tuple[int, ...] = ()
    dates: tuple[dt.date, ...] = ()
    if naming in DATE_NAMINGS:
        start = draw(st.dates(dt.date(2018, 1, 1), dt.date(2024, 1, 1)))
        gaps = draw(st.lists(st.integers(0, 40), min_size=n, max_size=n))
        day, out = start, []
        for gap in gaps:
            day = day + dt.timedelta(days=gap)
            out.append(day)
        dates = tuple(out)
        # a record that writes its date writes the file name's
        records = [r if r.date is None else _replace(r, date=d, date_format=r.date_format
                                                     if r.date_format != "month-year" else "iso")
                   for r, d in zip(records, dates)]
        records = [r if r.date is None or r.date_format not in ("dmy-slash", "mdy-slash") or r.date.day > 12
                   else _replace(r, date_format="iso") for r in records]
    else:
        start = draw(st.integers(0, 1))
        gaps = draw(st.lists(st.sampled_from((1, 1, 1, 2, 5)), min_size=n, max_size=n))
        if per_package:
            counters: dict[int, int] = {}
            out = []
            for r in records:
                counters[r.package] = counters.get(r.package, start - 1) + 1
                out.append(counters[r.package])
            numbers = tuple(out)
        else:
            value, out = start - 1, []
            for gap in gaps:
                value += gap
                out.append(value)
            numbers = tuple(out)
    successors = []
    for i, r in enumerate(records):
        successors.append(draw(st.integers(i + 1, n - 1)) if r.status == "superseded" else None)
    non_records = tuple(sorted(draw(st.sets(st.sampled_from(NON_RECORDS), max_size=3))))
    return FolderSpec(records=tuple(records), naming=naming, layout=layout, packages=packages,
                      per_package_numbers=per_package, numbers=numbers, file_dates=dates,
                      non_records=non_records, successors=tuple(successors))


def adr_folders(**kwargs) -> st.SearchStrategy[AdrFolder]:
    """Rendered folders: `folder_specs(**kwargs).map(render)`."""
    return folder_specs(**kwargs).map(render)


def _replace(rec: RecordSpec, **changes) -> RecordSpec:
    from dataclasses import replace

    return replace(rec, **changes)


# --- hand-written specs for the example tests ------------------------------------------------

def record_spec(title_index: int = 1, **changes) -> RecordSpec:
    """A plain adr-tools record (`# N. Title`, `Date:`, `## Status` Accepted), changed as given."""
    return RecordSpec(title_index=title_index, **changes)


def folder_spec(*records: RecordSpec, naming: str = "0001-title", layout: str = "flat",
                numbers: Iterable[int] | None = None, successors: Iterable[int | None] | None = None,
                file_dates: Iterable[dt.date] | None = None, **changes) -> FolderSpec:
    """A folder of the given records, numbered 1.. (or dated a week apart, each record
    that writes a date writing its file name's), with the given successors (index of
    the superseding record, per record)."""
    n = len(records)
    if naming in DATE_NAMINGS:
        dates = tuple(file_dates) if file_dates is not None else tuple(
            dt.date(2022, 2, 3) + dt.timedelta(days=7 * i) for i in range(n))
        nums: tuple[int, ...] = ()
        records = tuple(r if r.date is None else _replace(r, date=d) for r, d in zip(records, dates))
    else:
        dates = ()
        nums = tuple(numbers) if numbers is not None else tuple(range(1, n + 1))
    succ = tuple(successors) if successors is not None else tuple(None for _ in records)
    return FolderSpec(records=tuple(records), naming=naming, layout=layout, numbers=nums,
                      file_dates=dates, successors=succ, **changes)
