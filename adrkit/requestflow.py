"""The request lifecycle of a decision: how a request flows through a service.

Pure model and text renderers (standard library only). A `Lifecycle` is a list of
stages in order (the happy path), failure exits leaving from named stages (a label
and a status code), observability taps on stages (log, metrics, trace), and the
annotations a backend engineer needs to see on a stage: timeout, retries with
backoff, circuit breaker, cache, queue hand-off with a dead-letter queue, and
idempotency.

It is stored in the decision's data file under `lifecycles: {name: ...}` in this
shape (`to_dict` writes it, `from_dict` reads and validates it):

    title: Checkout request
    stages:
    - name: Request
      taps: [log]
    - name: Charge Payment
      timeout: 2s
      retry: {attempts: 3, backoff: exponential, delay: 200ms, jitter: true}
      circuit-breaker: {target: Payment API, failures: 5, reset: 30s}
      idempotency: {key: Idempotency-Key header, ttl: 24h}
    - name: Response
      taps: [log, metrics]
    exits:
    - {from: Charge Payment, label: Return 503, status: 503, when: circuit open}

Renderers: `to_dot` (Graphviz, left to right), `to_mermaid` (flowchart for
markdown), `to_text` (an outline for terminals). `to_html` and `_repr_html_` embed
a rendered SVG; they import `adrkit.render` when called, never at import time.
"""
from __future__ import annotations

import copy
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .errors import ValidationError

__all__ = [
    "TAPS",
    "ANNOTATION_KINDS",
    "BACKOFFS",
    "CACHE_STRATEGIES",
    "Timeout",
    "Retry",
    "CircuitBreaker",
    "Cache",
    "QueueHandoff",
    "Idempotency",
    "Exit",
    "Stage",
    "Lifecycle",
    "parse_annotation",
    "parse_settings",
    "format_settings",
    "annotation_fields",
    "Annotation",
    "dot_quote",
    "dot_html",
    "dot_attrs",
    "mermaid_text",
]

TAPS = ("log", "metrics", "trace")
BACKOFFS = ("exponential", "linear", "fixed", "none")
CACHE_STRATEGIES = ("read-through", "cache-aside", "write-through", "write-behind")

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$")
_DURATION_FIX = "write a number and a unit, e.g. 500ms, 2s, 5m, 1h or 7d"


# --- small field parsers ------------------------------------------------------------

def _clean(text: Any) -> str:
    """Text with control characters dropped and runs of whitespace made one space."""
    raw = "" if text is None else str(text)
    raw = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in raw)
    return " ".join(raw.split())


def _duration(value: Any, where: str, *, path: Any = None) -> str:
    if isinstance(value, bool):
        raise ValidationError(f"'{value}' is not a duration", path=path, where=where, fix=_DURATION_FIX)
    if isinstance(value, (int, float)):
        if value <= 0:
            raise ValidationError(f"duration must be positive, not {value}", path=path, where=where,
                                  fix=_DURATION_FIX)
        return f"{value:g}s"
    text = _clean(value).lower()
    m = _DURATION.match(text)
    if not m or float(m.group(1)) <= 0:
        raise ValidationError(f"'{_clean(value)}' is not a duration", path=path, where=where,
                              fix=_DURATION_FIX)
    return f"{m.group(1)}{m.group(2)}"


def _count(value: Any, where: str, *, path: Any = None, minimum: int = 1) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        number = None
    if number is None or number < minimum:
        raise ValidationError(f"'{value}' is not a whole number of at least {minimum}", path=path,
                              where=where, fix=f"give a whole number such as {max(minimum, 3)}")
    return number


def _flag(value: Any, where: str, *, path: Any = None) -> bool:
    if isinstance(value, bool):
        return value
    text = _clean(value).lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0", ""):
        return False
    raise ValidationError(f"'{value}' is not yes or no", path=path, where=where, fix="write true or false")


def _choice(value: Any, choices: tuple[str, ...], where: str, *, path: Any = None) -> str:
    text = _clean(value).lower().replace("_", "-").replace(" ", "-")
    if text not in choices:
        raise ValidationError(f"unknown choice '{_clean(value)}'", path=path, where=where,
                              fix="use one of " + ", ".join(choices))
    return text


def _text(value: Any, where: str, *, path: Any = None, required: bool = False) -> str:
    if isinstance(value, (dict, list)):
        raise ValidationError("must be plain text", path=path, where=where, fix="write a single line of text")
    text = _clean(value)
    if required and not text:
        raise ValidationError("must not be empty", path=path, where=where, fix="write a name or label")
    return text


# --- annotations ------------------------------------------------------------------

@dataclass(frozen=True)
class Timeout:
    """The stage gives up after `after` (e.g. '2s')."""

    after: str

    def describe(self) -> str:
        return f"timeout {self.after}"


@dataclass(frozen=True)
class Retry:
    """Failed calls are retried up to `attempts` times in all, waiting `delay` first
    and growing the wait by `backoff`, with random `jitter` when set."""

    attempts: int = 3
    backoff: str = "exponential"
    delay: str = ""
    jitter: bool = False

    def describe(self) -> str:
        text = f"retry x{self.attempts}"
        if self.backoff != "none":
            text += f", {self.backoff} backoff"
            if self.delay:
                text += f" from {self.delay}"
        elif self.delay:
            text += f", {self.delay} apart"
        if self.jitter:
            text += " + jitter"
        return text


@dataclass(frozen=True)
class CircuitBreaker:
    """Calls to `target` stop for `reset` after `failures` failures in a row."""

    target: str = ""
    failures: int = 5
    reset: str = "30s"

    def describe(self) -> str:
        on = f" on {self.target}" if self.target else ""
        return f"circuit breaker{on}: opens after {self.failures} failures, half-open after {self.reset}"

    def short(self) -> str:
        return f"circuit breaker\n{self.failures} failures / {self.reset}"


@dataclass(frozen=True)
class Cache:
    """Reads go through a cache (`strategy`) held in `store`, entries kept `ttl`."""

    strategy: str = "read-through"
    ttl: str = ""
    store: str = ""

    def describe(self) -> str:
        text = f"{self.strategy} cache"
        if self.store:
            text += f" ({self.store})"
        if self.ttl:
            text += f", TTL {self.ttl}"
        return text

    def short(self) -> str:
        return self.strategy + (f"\nTTL {self.ttl}" if self.ttl else "")


@dataclass(frozen=True)
class QueueHandoff:
    """Slow work is handed to `queue` and done later by `worker`; messages that fail
    `max_attempts` times go to the `dead_letter` queue."""

    queue: str
    worker: str = ""
    dead_letter: str = ""
    max_attempts: int | None = None

    def describe(self) -> str:
        text = f"hands off to queue '{self.queue}'"
        if self.worker:
            text += f" -> {self.worker}"
        if self.dead_letter:
            text += f"; dead-letter '{self.dead_letter}'"
            if self.max_attempts:
                text += f" after {self.max_attempts} attempts"
        return text


@dataclass(frozen=True)
class Idempotency:
    """Repeated requests with the same `key` have the effect of one; keys kept `ttl`."""

    key: str
    ttl: str = ""

    def describe(self) -> str:
        return f"idempotent by {self.key}" + (f" (kept {self.ttl})" if self.ttl else "")


# kind -> (class, attribute on Stage, field specs). A field spec is
# (yaml key, attribute, parser name, required, default); the first field is what a
# bare scalar ('timeout: 2s') sets.
_FieldSpec = tuple[str, str, Any, bool, Any]
_ANNOTATIONS: dict[str, tuple[type, str, tuple[_FieldSpec, ...]]] = {
    "timeout": (Timeout, "timeout", (
        ("after", "after", "duration", True, None),)),
    "retry": (Retry, "retry", (
        ("attempts", "attempts", "count", False, 3),
        ("backoff", "backoff", BACKOFFS, False, "exponential"),
        ("delay", "delay", "duration?", False, ""),
        ("jitter", "jitter", "flag", False, False))),
    "circuit-breaker": (CircuitBreaker, "circuit_breaker", (
        ("target", "target", "text", False, ""),
        ("failures", "failures", "count", False, 5),
        ("reset", "reset", "duration", False, "30s"))),
    "cache": (Cache, "cache", (
        ("strategy", "strategy", CACHE_STRATEGIES, False, "read-through"),
        ("ttl", "ttl", "duration?", False, ""),
        ("store", "store", "text", False, ""))),
    "queue": (QueueHandoff, "queue", (
        ("name", "queue", "text!", True, None),
        ("worker", "worker", "text", False, ""),
        ("dead-letter", "dead_letter", "text", False, ""),
        ("max-attempts", "max_attempts", "count?", False, None))),
    "idempotency": (Idempotency, "idempotency", (
        ("key", "key", "text!", True, None),
        ("ttl", "ttl", "duration?", False, ""))),
}
ANNOTATION_KINDS = tuple(_ANNOTATIONS)
Annotation = Timeout | Retry | CircuitBreaker | Cache | QueueHandoff | Idempotency


def annotation_fields(kind: str) -> list[str]:
    """The settings an annotation kind takes, in order (for forms and hints)."""
    _check_kind(kind)
    return [spec[0] for spec in _ANNOTATIONS[kind][2]]


def _check_kind(kind: str, where: str = "annotation", path: Any = None) -> None:
    if kind not in _ANNOTATIONS:
        raise ValidationError(f"unknown annotation '{kind}'", path=path, where=where,
                              fix="use one of " + ", ".join(ANNOTATION_KINDS))


def _parse_field(parser: Any, value: Any, where: str, path: Any) -> Any:
    optional = isinstance(parser, str) and parser.endswith("?")
    if optional and (value is None or _clean(value) == ""):
        return None if parser == "count?" else ""
    name = parser.rstrip("?") if isinstance(parser, str) else parser
    if isinstance(name, tuple):
        return _choice(value, name, where, path=path)
    if name == "duration":
        return _duration(value, where, path=path)
    if name == "count":
        return _count(value, where, path=path)
    if name == "flag":
        return _flag(value, where, path=path)
    return _text(value, where, path=path, required=(name == "text!"))


def parse_annotation(kind: str, value: Any, *, where: str = "", path: Any = None) -> Annotation:
    """An annotation from its stored form: a mapping of settings, or a bare scalar
    for the first setting ('timeout: 2s', 'idempotency: Idempotency-Key header')."""
    where = where or kind
    _check_kind(kind, where, path)
    cls, _, specs = _ANNOTATIONS[kind]
    if isinstance(value, (Timeout, Retry, CircuitBreaker, Cache, QueueHandoff, Idempotency)):
        if not isinstance(value, cls):
            raise ValidationError(f"a {type(value).__name__} is not a {kind} annotation", path=path,
                                  where=where, fix=f"pass a {cls.__name__}")
        value = _annotation_value(kind, value)
    if value is None or value is True:
        value = {}
    if not isinstance(value, dict):
        value = {specs[0][0]: value}
    given = {str(k).strip().lower().replace("_", "-"): v for k, v in value.items()}
    known = {spec[0] for spec in specs}
    unknown = sorted(set(given) - known)
    if unknown:
        raise ValidationError(f"unknown setting '{unknown[0]}' for {kind}", path=path, where=where,
                              fix="use " + ", ".join(spec[0] for spec in specs))
    kwargs = {}
    for key, attr, parser, required, default in specs:
        raw = given.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                raise ValidationError(f"{kind} needs '{key}'", path=path, where=f"{where}.{key}",
                                      fix=f"add {key}: ...")
            kwargs[attr] = default
            continue
        kwargs[attr] = _parse_field(parser, raw, f"{where}.{key}", path)
    return cls(**kwargs)


def _annotation_value(kind: str, ann: Annotation) -> Any:
    """The stored form: a scalar for a timeout, else a mapping without defaults."""
    _, _, specs = _ANNOTATIONS[kind]
    if kind == "timeout":
        return ann.after  # type: ignore[union-attr]
    out: dict[str, Any] = {}
    for key, attr, _parser, required, _default in specs:
        value = getattr(ann, attr)
        if required or value not in (None, "", False):
            out[key] = value
    return out


def format_settings(kind: str, annotation: Annotation | None) -> str:
    """One line of settings ('attempts=3, backoff=exponential'); what `parse_settings` reads."""
    _check_kind(kind)
    if annotation is None:
        return ""
    value = _annotation_value(kind, annotation)
    if not isinstance(value, dict):
        return str(value)
    return ", ".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in value.items())


def parse_settings(text: str, kind: str, *, path: Any = None) -> Annotation:
    """An annotation from one line of settings, as typed in a form:
    'attempts=3, backoff=exponential, delay=100ms' (a bare value sets the first one)."""
    _check_kind(kind, kind, path)
    text = (text or "").strip()
    if not text:
        return parse_annotation(kind, {}, path=path)
    if "=" not in text and ":" not in text:
        return parse_annotation(kind, text, path=path)
    values: dict[str, str] = {}
    last = None
    for part in re.split(r"\s*[,;]\s*", text):
        m = re.match(r"^([A-Za-z][\w-]*)\s*[=:]\s*(.*)$", part)
        if m:
            last = m.group(1)
            values[last] = m.group(2)
        elif last is not None and part:
            values[last] += ", " + part
        elif part:
            raise ValidationError(f"cannot read '{part}'", path=path, where=kind,
                                  fix="write settings as key=value, separated by commas, e.g. "
                                      + ", ".join(f"{k}=..." for k in annotation_fields(kind)))
    return parse_annotation(kind, values, path=path)


# --- exits and stages ----------------------------------------------------------------

@dataclass
class Exit:
    """A failure path leaving the stage named `source`: 'Return 400' with status 400,
    taken `when` something holds ('invalid input')."""

    source: str
    label: str
    status: int | None = None
    when: str = ""

    @property
    def display(self) -> str:
        """The label, with the status code added when the label does not show it."""
        if self.status is not None and str(self.status) not in self.label:
            return f"{self.label} ({self.status})"
        return self.label

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.label, self.status)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"from": self.source, "label": self.label}
        if self.status is not None:
            out["status"] = self.status
        if self.when:
            out["when"] = self.when
        return out


@dataclass
class Stage:
    """One step of the happy path, with its taps and annotations."""

    name: str
    taps: tuple[str, ...] = ()
    note: str = ""
    timeout: Timeout | None = None
    retry: Retry | None = None
    circuit_breaker: CircuitBreaker | None = None
    cache: Cache | None = None
    queue: QueueHandoff | None = None
    idempotency: Idempotency | None = None

    _KEYS = ("name", "note", "taps", *ANNOTATION_KINDS)

    def annotations(self) -> dict[str, Annotation]:
        """The annotations set on this stage, by kind, in the canonical order."""
        out = {}
        for kind, (_, attr, _) in _ANNOTATIONS.items():
            value = getattr(self, attr)
            if value is not None:
                out[kind] = value
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.note:
            out["note"] = self.note
        if self.taps:
            out["taps"] = list(self.taps)
        for kind, ann in self.annotations().items():
            out[kind] = _annotation_value(kind, ann)
        return out


def _parse_taps(value: Any, where: str, path: Any = None) -> tuple[str, ...]:
    """Taps as a list, or as text such as 'log + metrics'."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = [t for t in re.split(r"[+,/&\s]+|\band\b", value) if t and t.strip()]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise ValidationError("taps must be a list", path=path, where=where,
                              fix="write taps: [log, metrics, trace]")
    found = []
    for item in items:
        tap = _clean(item).lower()
        tap = {"logs": "log", "logging": "log", "metric": "metrics", "tracing": "trace",
               "traces": "trace"}.get(tap, tap)
        if tap not in TAPS:
            raise ValidationError(f"unknown tap '{_clean(item)}'", path=path, where=where,
                                  fix="use any of " + ", ".join(TAPS))
        if tap not in found:
            found.append(tap)
    return tuple(t for t in TAPS if t in found)


def _parse_status(value: Any, where: str, path: Any = None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        code = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        code = None
    if code is None or not 100 <= code <= 599:
        raise ValidationError(f"'{value}' is not an HTTP status code", path=path, where=where,
                              fix="give a number from 100 to 599, e.g. 400, 401 or 500")
    return code


def _stage_where(index: int, name: str = "") -> str:
    return f"stage {index + 1}" + (f" '{name}'" if name else "")


def _stage_from_dict(raw: Any, index: int, path: Any) -> Stage:
    where = _stage_where(index)
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, dict):
        raise ValidationError("is not a stage", path=path, where=where,
                              fix="write each stage as '- name: ...' with its settings under it")
    data = {str(k).strip().lower().replace("_", "-"): v for k, v in raw.items()}
    name = _text(data.get("name"), f"{where}.name", path=path, required=True)
    where = _stage_where(index, name)
    if "exits" in data:
        raise ValidationError("exits do not go inside a stage", path=path, where=f"{where}.exits",
                              fix=f"list them under the top-level 'exits:' with 'from: {name}'")
    unknown = [k for k in data if k not in Stage._KEYS]
    if unknown:
        raise ValidationError(f"unknown key '{unknown[0]}'", path=path, where=where,
                              fix="a stage takes " + ", ".join(Stage._KEYS))
    stage = Stage(name=name, taps=_parse_taps(data.get("taps"), f"{where}.taps", path),
                  note=_text(data.get("note"), f"{where}.note", path=path))
    for kind, (_, attr, _) in _ANNOTATIONS.items():
        if data.get(kind) is not None and data.get(kind) is not False:
            setattr(stage, attr, parse_annotation(kind, data[kind], where=f"{where}.{kind}", path=path))
    return stage


def _exit_from_dict(raw: Any, index: int, path: Any) -> Exit:
    where = f"exit {index + 1}"
    if not isinstance(raw, dict):
        raise ValidationError("is not an exit", path=path, where=where,
                              fix="write '- {from: Validation, label: Return 400, status: 400}'")
    data = {str(k).strip().lower(): v for k, v in raw.items()}
    unknown = [k for k in data if k not in ("from", "label", "status", "when")]
    if unknown:
        raise ValidationError(f"unknown key '{unknown[0]}'", path=path, where=where,
                              fix="an exit takes from, label, status, when")
    source = _text(data.get("from"), f"{where}.from", path=path)
    if not source:
        raise ValidationError("does not say which stage it leaves from", path=path, where=f"{where}.from",
                              fix="add 'from: <stage name>'")
    status = _parse_status(data.get("status"), f"{where}.status", path)
    label = _text(data.get("label"), f"{where}.label", path=path)
    if not label:
        if status is None:
            raise ValidationError("needs a label or a status code", path=path, where=where,
                                  fix="add 'label: Return 400' or 'status: 400'")
        label = f"Return {status}"
    return Exit(source=source, label=label, status=status,
                when=_text(data.get("when"), f"{where}.when", path=path))


# --- the lifecycle -----------------------------------------------------------------------

@dataclass
class Lifecycle:
    """Stages in order, with failure exits, taps and annotations.

    Editing methods validate first and change nothing when they raise
    `ValidationError`, so a view can show the message and keep its state."""

    stages: list[Stage] = field(default_factory=list)
    exits: list[Exit] = field(default_factory=list)
    title: str = ""
    name: str = "main"

    # --- construction ----------------------------------------------------------
    @classmethod
    def default(cls, name: str = "main") -> "Lifecycle":
        """The classic lifecycle: Request -> Validation -> Auth -> Business Logic ->
        Response, failing with 400, 401 and 500; logged at entry, logged and
        measured at the response."""
        return cls(
            name=name,
            title="Request lifecycle",
            stages=[Stage("Request", taps=("log",)), Stage("Validation"), Stage("Auth"),
                    Stage("Business Logic"), Stage("Response", taps=("log", "metrics"))],
            exits=[Exit("Validation", "Return 400", 400, "invalid input"),
                   Exit("Auth", "Return 401", 401, "not authenticated"),
                   Exit("Business Logic", "Return 500", 500, "unhandled error")],
        )

    @classmethod
    def from_dict(cls, data: Any, *, name: str = "main", path: Any = None) -> "Lifecycle":
        """Read and validate the stored form (see the module docstring)."""
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ValidationError("is not a lifecycle", path=path, where=None,
                                  fix="write 'stages:' and a list of '- name: ...' under it")
        unknown = [k for k in data if k not in ("title", "stages", "exits")]
        if unknown:
            raise ValidationError(f"unknown key '{unknown[0]}'", path=path, where=None,
                                  fix="a lifecycle takes title, stages, exits")
        raw_stages = data.get("stages")
        if raw_stages is not None and not isinstance(raw_stages, list):
            raise ValidationError("'stages' must be a list", path=path, where="stages",
                                  fix="write each stage as '- name: ...'")
        raw_exits = data.get("exits") or []
        if not isinstance(raw_exits, list):
            raise ValidationError("'exits' must be a list", path=path, where="exits",
                                  fix="write each exit as '- {from: Auth, label: Return 401, status: 401}'")
        lifecycle = cls(
            name=name,
            title=_text(data.get("title"), "title", path=path),
            stages=[_stage_from_dict(raw, i, path) for i, raw in enumerate(raw_stages or [])],
            exits=[_exit_from_dict(raw, i, path) for i, raw in enumerate(raw_exits)],
        )
        lifecycle.validate(path=path)
        return lifecycle

    def to_dict(self) -> dict[str, Any]:
        """The stored form; the name is the key it is stored under, not a field."""
        out: dict[str, Any] = {}
        if self.title:
            out["title"] = self.title
        out["stages"] = [s.to_dict() for s in self.stages]
        if self.exits:
            out["exits"] = [e.to_dict() for e in self.exits]
        return out

    def copy(self) -> "Lifecycle":
        return copy.deepcopy(self)

    # --- rules ---------------------------------------------------------------------
    def validate(self, *, path: Any = None) -> "Lifecycle":
        """Check every rule; raise ValidationError naming the first broken one."""
        if not self.stages:
            raise ValidationError("the lifecycle has no stages", path=path, where="stages",
                                  fix="add at least one stage, e.g. '- name: Request'")
        seen: dict[str, int] = {}
        for i, stage in enumerate(self.stages):
            if not stage.name.strip():
                raise ValidationError("has no name", path=path, where=_stage_where(i),
                                      fix="give every stage a name")
            folded = stage.name.casefold()
            if folded in seen:
                raise ValidationError(f"duplicate stage name '{stage.name}' (also stage {seen[folded] + 1})",
                                      path=path, where=_stage_where(i, stage.name),
                                      fix="give each stage a different name")
            seen[folded] = i
        names = [s.name for s in self.stages]
        keys = set()
        for i, ex in enumerate(self.exits):
            if ex.source not in names:
                raise ValidationError(f"exit '{ex.label}' leaves from '{ex.source}', which is not a stage",
                                      path=path, where=f"exit {i + 1}.from",
                                      fix="use one of " + ", ".join(names))
            key = (ex.source, ex.label, ex.status)
            if key in keys:
                raise ValidationError(f"exit '{ex.label}' from '{ex.source}' is listed twice", path=path,
                                      where=f"exit {i + 1}", fix="remove one of them")
            keys.add(key)
        return self

    def _checked(self, change: Callable[["Lifecycle"], Any]) -> Any:
        """Apply `change` to a copy, validate it, then take it over (all or nothing)."""
        trial = self.copy()
        result = change(trial)
        trial.validate()
        self.stages, self.exits, self.title = trial.stages, trial.exits, trial.title
        return result

    # --- lookups -----------------------------------------------------------------
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def index_of(self, name: str) -> int:
        wanted = _clean(name)
        for i, stage in enumerate(self.stages):
            if stage.name == wanted:
                return i
        for i, stage in enumerate(self.stages):
            if stage.name.casefold() == wanted.casefold():
                return i
        raise ValidationError(f"no stage named '{wanted}'", where="stages",
                              fix="use one of " + (", ".join(self.stage_names()) or "(none yet: add a stage)"))

    def stage(self, name: str) -> Stage:
        return self.stages[self.index_of(name)]

    def exits_from(self, name: str) -> list[Exit]:
        return [e for e in self.exits if e.source == name]

    # --- edits ----------------------------------------------------------------------
    def add_stage(self, name: str, *, after: str | None = None, index: int | None = None) -> Stage:
        """Insert a stage after the stage `after`, at `index`, or at the end."""
        clean = _text(name, "stage name", required=True)

        def change(lc: Lifecycle) -> Stage:
            stage = Stage(clean)
            if after is not None:
                at = lc.index_of(after) + 1
            elif index is not None:
                at = max(0, min(index, len(lc.stages)))
            else:
                at = len(lc.stages)
            lc.stages.insert(at, stage)
            return stage

        self._checked(change)
        return self.stage(clean)

    def remove_stage(self, name: str) -> None:
        """Remove a stage and the exits leaving from it."""
        def change(lc: Lifecycle) -> None:
            stage = lc.stage(name)
            lc.stages.remove(stage)
            lc.exits = [e for e in lc.exits if e.source != stage.name]

        self._checked(change)

    def rename_stage(self, old: str, new: str) -> None:
        """Rename a stage; its exits follow it."""
        clean = _text(new, "stage name", required=True)

        def change(lc: Lifecycle) -> None:
            stage = lc.stage(old)
            for ex in lc.exits:
                if ex.source == stage.name:
                    ex.source = clean
            stage.name = clean

        self._checked(change)

    def move_stage(self, name: str, index: int) -> None:
        """Move a stage to position `index` (0-based) of the happy path."""
        def change(lc: Lifecycle) -> None:
            if not 0 <= index < len(lc.stages):
                raise ValidationError(f"position {index + 1} is outside 1..{len(lc.stages)}",
                                      where="stages", fix="move the stage within the list")
            stage = lc.stage(name)
            lc.stages.remove(stage)
            lc.stages.insert(index, stage)

        self._checked(change)

    def add_exit(self, stage: str, label: str = "", status: int | str | None = None,
                 when: str = "") -> Exit:
        """Add a failure exit leaving from `stage`; the label defaults to 'Return <status>'."""
        code = _parse_status(status, "exit status")
        text = _text(label, "exit label")
        if not text:
            if code is None:
                raise ValidationError("an exit needs a label or a status code", where="exit",
                                      fix="give a label such as 'Return 400', or a status code")
            text = f"Return {code}"

        def change(lc: Lifecycle) -> Exit:
            ex = Exit(lc.stage(stage).name, text, code, _text(when, "exit when"))
            lc.exits.append(ex)
            return ex

        return self._checked(change)

    def remove_exit(self, stage: str, label: str) -> None:
        def change(lc: Lifecycle) -> None:
            source = lc.stage(stage).name
            hits = [e for e in lc.exits if e.source == source and e.label == _clean(label)]
            if not hits:
                raise ValidationError(f"stage '{source}' has no exit '{_clean(label)}'", where="exits",
                                      fix="use one of " + (", ".join(e.label for e in lc.exits_from(source))
                                                           or "(none)"))
            lc.exits.remove(hits[0])

        self._checked(change)

    def set_taps(self, stage: str, taps: Iterable[str] | str) -> None:
        parsed = _parse_taps(taps if isinstance(taps, str) else list(taps), "taps")
        self._checked(lambda lc: setattr(lc.stage(stage), "taps", parsed))

    def set_note(self, stage: str, note: str) -> None:
        text = _text(note, "note")
        self._checked(lambda lc: setattr(lc.stage(stage), "note", text))

    def set_annotation(self, stage: str, kind: str, value: Any) -> None:
        """Set an annotation (its stored form, settings text, or object); None clears it."""
        _check_kind(kind)
        attr = _ANNOTATIONS[kind][1]
        if value is None:
            parsed = None
        elif isinstance(value, str):
            parsed = parse_settings(value, kind)
        else:
            parsed = parse_annotation(kind, value)
        self._checked(lambda lc: setattr(lc.stage(stage), attr, parsed))

    # --- renderers -----------------------------------------------------------------
    def to_dot(self, *, title: bool = True) -> str:
        """Graphviz DOT, left to right: the happy path bold, failure exits dashed red,
        taps dotted grey, async hops (queues) dashed purple, dependencies orange.

        With `title=False` the drawing carries no title label, for a figure whose
        caption shows the title instead."""
        return _Dot(self, title=title).render()

    def to_mermaid(self) -> str:
        """A Mermaid flowchart (LR) for markdown; GitHub renders it."""
        return _mermaid(self)

    def to_text(self) -> str:
        """A plain outline for terminals."""
        return _text_outline(self)

    def to_html(self) -> str:
        """A figure with the rendered SVG inline (or the DOT source and a note on how to
        get a renderer when none is installed)."""
        from .render.diagrams import lifecycle_html

        return lifecycle_html(self)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.to_text() if not cycle else "Lifecycle(...)")


# --- DOT ---------------------------------------------------------------------------

FONT = "Helvetica"
_COLORS = {
    "stage": ("#e8f0fe", "#1a56db", "#0b2a6f"),
    "exit": ("#fdecea", "#c62828", "#8e1c1c"),
    "tap": ("#f5f5f5", "#9e9e9e", "#616161"),
    "async": ("#f3e8fd", "#7b3fbf", "#4a2275"),
    "dlq": ("#fdecea", "#c62828", "#8e1c1c"),
    "dependency": ("#fff4e5", "#e07b00", "#7a4300"),
    "cache": ("#e6f6f4", "#00897b", "#00564d"),
}


def dot_quote(text: Any) -> str:
    """A DOT double-quoted string; newlines become DOT line breaks."""
    raw = "" if text is None else str(text)
    raw = "".join(ch for ch in raw if ch == "\n" or unicodedata.category(ch) != "Cc")
    raw = raw.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{raw}"'


def dot_html(text: Any) -> str:
    """Text made safe inside a DOT HTML-like label."""
    raw = "" if text is None else str(text)
    raw = "".join(ch for ch in raw if unicodedata.category(ch) != "Cc")
    # Graphviz expands \N, \G, \E ... even in HTML-like labels; a doubled backslash is literal.
    raw = raw.replace("\\", "\\\\")
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def dot_attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, _Html):
            parts.append(f"{key}=<{value.markup}>")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            parts.append(f"{key}={value}")
        else:
            parts.append(f"{key}={dot_quote(value)}")
    return "[" + ", ".join(parts) + "]" if parts else ""


@dataclass(frozen=True)
class _Html:
    markup: str


def _style(kind: str, **extra: Any) -> dict[str, Any]:
    fill, line, text = _COLORS[kind]
    return {"style": "filled", "fillcolor": fill, "color": line, "fontcolor": text, **extra}


class _Dot:
    """Builds the DOT text of one lifecycle; node ids are generated, never user text."""

    def __init__(self, lifecycle: Lifecycle, *, title: bool = True):
        self.lc = lifecycle
        self.title = lifecycle.title if title else ""
        self.lines: list[str] = []

    def node(self, node_id: str, **attrs: Any) -> None:
        self.lines.append(f"  {node_id} {dot_attrs(attrs)}")

    def edge(self, a: str, b: str, **attrs: Any) -> None:
        self.lines.append(f"  {a} -> {b} {dot_attrs(attrs)}".rstrip())

    def comment(self, text: str) -> None:
        self.lines.append(f"  // {text}")

    def stage_label(self, stage: Stage) -> _Html:
        rows = [f"<b>{dot_html(stage.name)}</b>"]
        rows += [f'<font point-size="9">{dot_html(line)}</font>' for line in _stage_details(stage)]
        return _Html("<br/>".join(rows))

    def render(self) -> str:
        lc = self.lc
        head = [f"digraph {dot_quote('lifecycle ' + lc.name)} {{",
                f"  graph {dot_attrs({'rankdir': 'LR', 'fontname': FONT, 'nodesep': 0.3, 'ranksep': 0.45, 'bgcolor': 'transparent', 'label': self.title or None, 'labelloc': 't' if self.title else None, 'fontsize': 14})}",
                f"  node {dot_attrs({'fontname': FONT, 'fontsize': 11, 'shape': 'box', 'style': 'rounded', 'margin': '0.15,0.06'})}",
                f"  edge {dot_attrs({'fontname': FONT, 'fontsize': 9, 'arrowsize': 0.7})}"]
        ids = {s.name: f"s{i}" for i, s in enumerate(lc.stages)}

        self.comment("happy path")
        for stage in lc.stages:
            self.node(ids[stage.name], label=self.stage_label(stage), shape="box",
                      tooltip="\n".join([stage.name, *(a.describe() for a in stage.annotations().values())]),
                      **_style("stage", style="rounded,filled", penwidth=1.5), **{"class": "stage"})
        for a, b in zip(lc.stages, lc.stages[1:]):
            self.edge(ids[a.name], ids[b.name], tooltip=f"{a.name} -> {b.name}",
                      color=_COLORS["stage"][1], penwidth=2, weight=10,
                      **{"class": "happy"})

        same_rank: dict[str, list[str]] = {ids[s.name]: [] for s in lc.stages}
        self.render_exits(ids, same_rank)
        self.render_taps(ids, same_rank)
        self.render_annotations(ids, same_rank)

        for stage_id, members in same_rank.items():
            if members:
                self.lines.append("  { rank=same; " + "; ".join([stage_id, *members]) + "; }")
        return "\n".join(head + self.lines + ["}"]) + "\n"

    def render_exits(self, ids: dict[str, str], same_rank: dict[str, list[str]]) -> None:
        if not self.lc.exits:
            return
        self.comment("failure exits")
        exit_ids: dict[tuple[str, int | None], str] = {}
        sources: dict[str, list[str]] = {}
        for ex in self.lc.exits:
            if ex.key not in exit_ids:
                exit_ids[ex.key] = f"x{len(exit_ids)}"
                self.node(exit_ids[ex.key], label=ex.display, tooltip=ex.display, shape="box",
                          **_style("exit", style="rounded,filled"), **{"class": "exit"})
            sources.setdefault(exit_ids[ex.key], []).append(ids[ex.source])
        for ex in self.lc.exits:
            color, text = _COLORS["exit"][1], _COLORS["exit"][2]
            cause = f"{ex.when} -> " if ex.when else ""
            self.edge(ids[ex.source], exit_ids[ex.key], label=ex.when or None,
                      tooltip=f"{ex.source}: {cause}{ex.display}", style="dashed",
                      color=color, fontcolor=text, **{"class": "failure"})
        for exit_id, stage_ids in sources.items():
            if len(stage_ids) == 1:
                same_rank[stage_ids[0]].append(exit_id)

    def render_taps(self, ids: dict[str, str], same_rank: dict[str, list[str]]) -> None:
        tapped = [s for s in self.lc.stages if s.taps]
        if not tapped:
            return
        self.comment("observability taps")
        for stage in tapped:
            tap_id = f"t{ids[stage.name][1:]}"
            taps = " + ".join(stage.taps)
            self.node(tap_id, label=taps, tooltip=f"{stage.name}: {taps}", shape="note", fontsize=9,
                      **_style("tap"), **{"class": "tap"})
            self.edge(tap_id, ids[stage.name], tooltip=f"{stage.name}: {taps}", style="dotted",
                      arrowhead="none",
                      color=_COLORS["tap"][1], **{"class": "tap"})
            same_rank[ids[stage.name]].insert(0, tap_id)

    def render_annotations(self, ids: dict[str, str], same_rank: dict[str, list[str]]) -> None:
        for stage in self.lc.stages:
            sid = ids[stage.name]
            n = sid[1:]
            if stage.cache:
                self.comment(f"cache of stage {int(n) + 1}")
                cache = stage.cache
                self.node(f"c{n}", label=cache.store or "cache", tooltip=cache.describe(), shape="cylinder",
                          **_style("cache"), **{"class": "cache"})
                self.edge(sid, f"c{n}", label=cache.short(), tooltip=cache.describe(), dir="both",
                          style="dashed",
                          color=_COLORS["cache"][1], fontcolor=_COLORS["cache"][2], **{"class": "cache"})
                same_rank[sid].append(f"c{n}")
            if stage.circuit_breaker and stage.circuit_breaker.target:
                self.comment(f"dependency of stage {int(n) + 1}")
                cb = stage.circuit_breaker
                self.node(f"d{n}", label=cb.target, tooltip=cb.describe(), shape="component",
                          **_style("dependency"), **{"class": "dependency"})
                self.edge(sid, f"d{n}", label=cb.short(), tooltip=cb.describe(), style="dashed",
                          color=_COLORS["dependency"][1],
                          fontcolor=_COLORS["dependency"][2], **{"class": "dependency"})
                same_rank[sid].append(f"d{n}")
            if stage.queue:
                self.comment(f"async hand-off of stage {int(n) + 1}")
                q = stage.queue
                tip = q.describe()
                self.node(f"q{n}", label=q.queue, tooltip=tip, shape="cylinder", **_style("async"),
                          **{"class": "queue"})
                self.edge(sid, f"q{n}", label="enqueue", tooltip=tip, style="dashed", color=_COLORS["async"][1],
                          fontcolor=_COLORS["async"][2], **{"class": "async"})
                last = f"q{n}"
                if q.worker:
                    self.node(f"w{n}", label=q.worker, tooltip=tip, shape="box",
                              **_style("async", style="rounded,dashed,filled"), **{"class": "worker"})
                    self.edge(f"q{n}", f"w{n}", label="consume", tooltip=tip, style="dashed",
                              color=_COLORS["async"][1],
                              fontcolor=_COLORS["async"][2], **{"class": "async"})
                    last = f"w{n}"
                if q.dead_letter:
                    when = f"after {q.max_attempts} attempts" if q.max_attempts else "on failure"
                    self.node(f"dlq{n}", label=q.dead_letter, tooltip=tip, shape="cylinder", **_style("dlq"),
                              **{"class": "dead-letter"})
                    self.edge(last, f"dlq{n}", label=when, tooltip=tip, style="dotted", color=_COLORS["dlq"][1],
                              fontcolor=_COLORS["dlq"][2], **{"class": "failure"})


# --- Mermaid -----------------------------------------------------------------------

def mermaid_text(text: Any) -> str:
    """Text made safe inside a quoted Mermaid label (entity codes for the specials)."""
    raw = _clean(text)
    return "".join(f"#{ord(ch)};" if ch in '"#&<>`|\\' else ch for ch in raw)


def _mermaid(lc: Lifecycle) -> str:
    lines = ["flowchart LR"]
    if lc.title:  # front matter; a JSON string is a valid YAML double-quoted scalar
        lines[:0] = ["---", f"title: {json.dumps(_clean(lc.title), ensure_ascii=False)}", "---"]
    classes: dict[str, list[str]] = {}
    link_styles: dict[str, list[int]] = {}
    edges: list[str] = []

    def node(node_id: str, shape: tuple[str, str], label: str, cls: str) -> None:
        lines.append(f'  {node_id}{shape[0]}"{label}"{shape[1]}')
        classes.setdefault(cls, []).append(node_id)

    def edge(a: str, arrow: str, b: str, label: str, cls: str) -> None:
        text = f'|"{mermaid_text(label)}"|' if label else ""
        link_styles.setdefault(cls, []).append(len(edges))
        edges.append(f"  {a} {arrow}{text} {b}")

    ids = {s.name: f"s{i}" for i, s in enumerate(lc.stages)}
    for stage in lc.stages:
        parts = [mermaid_text(stage.name)]
        for line in _stage_details(stage):
            parts.append(f"<small>{mermaid_text(line)}</small>")
        node(ids[stage.name], ("[", "]"), "<br/>".join(parts), "stage")
    for a, b in zip(lc.stages, lc.stages[1:]):
        edge(ids[a.name], "==>", ids[b.name], "", "happy")
    exit_ids: dict[tuple[str, int | None], str] = {}
    for ex in lc.exits:
        if ex.key not in exit_ids:
            exit_ids[ex.key] = f"x{len(exit_ids)}"
            node(exit_ids[ex.key], ("([", "])"), mermaid_text(ex.display), "exit")
        edge(ids[ex.source], "-.->", exit_ids[ex.key], ex.when, "failure")
    for stage in lc.stages:
        sid, n = ids[stage.name], ids[stage.name][1:]
        if stage.taps:
            node(f"t{n}", (">", "]"), mermaid_text(" + ".join(stage.taps)), "tap")
            edge(f"t{n}", "-.-", sid, "", "tap")
        if stage.cache:
            node(f"c{n}", ("[(", ")]"), mermaid_text(stage.cache.store or "cache"), "cache")
            edge(sid, "<-.->", f"c{n}", stage.cache.short().replace("\n", ", "), "cache")
        if stage.circuit_breaker and stage.circuit_breaker.target:
            cb = stage.circuit_breaker
            node(f"d{n}", ("[[", "]]"), mermaid_text(cb.target), "dependency")
            edge(sid, "-.->", f"d{n}", cb.short().replace("\n", ", "), "dependency")
        if stage.queue:
            q = stage.queue
            node(f"q{n}", ("[(", ")]"), mermaid_text(q.queue), "queue")
            edge(sid, "-.->", f"q{n}", "enqueue", "async")
            last = f"q{n}"
            if q.worker:
                node(f"w{n}", ("(", ")"), mermaid_text(q.worker), "queue")
                edge(f"q{n}", "-.->", f"w{n}", "consume", "async")
                last = f"w{n}"
            if q.dead_letter:
                node(f"dlq{n}", ("[(", ")]"), mermaid_text(q.dead_letter), "exit")
                edge(last, "-.->", f"dlq{n}", f"after {q.max_attempts} attempts" if q.max_attempts
                     else "on failure", "failure")
    lines.extend(edges)
    for cls, (fill, line, text) in (("stage", _COLORS["stage"]), ("exit", _COLORS["exit"]),
                                    ("tap", _COLORS["tap"]), ("cache", _COLORS["cache"]),
                                    ("dependency", _COLORS["dependency"]), ("queue", _COLORS["async"])):
        if cls in classes:
            lines.append(f"  classDef {cls} fill:{fill},stroke:{line},color:{text}")
            lines.append(f"  class {','.join(classes[cls])} {cls}")
    for cls, color, extra in (("happy", _COLORS["stage"][1], ",stroke-width:2px"),
                              ("failure", _COLORS["exit"][1], ""), ("tap", _COLORS["tap"][1], ""),
                              ("cache", _COLORS["cache"][1], ""),
                              ("dependency", _COLORS["dependency"][1], ""), ("async", _COLORS["async"][1], "")):
        if cls in link_styles:
            lines.append(f"  linkStyle {','.join(map(str, link_styles[cls]))} stroke:{color}{extra}")
    return "\n".join(lines) + "\n"


def _stage_details(stage: Stage) -> list[str]:
    """Annotation lines shown inside a stage's box (the rest get their own nodes)."""
    out = []
    if stage.timeout:
        out.append(stage.timeout.describe())
    if stage.retry:
        out.append(stage.retry.describe())
    if stage.idempotency:
        out.append(stage.idempotency.describe())
    if stage.circuit_breaker and not stage.circuit_breaker.target:
        out.append(stage.circuit_breaker.describe())
    if stage.note:
        out.append(stage.note)
    return out


# --- text outline ----------------------------------------------------------------------

def _text_outline(lc: Lifecycle) -> str:
    count = len(lc.stages)
    head = f"{lc.title or 'Request lifecycle'} '{lc.name}': {count} stage{'s' if count != 1 else ''}"
    lines = [head]
    width = len(str(count))
    for i, stage in enumerate(lc.stages, 1):
        line = f"  {i:>{width}}. {stage.name}"
        if stage.taps:
            line += f"  [{' + '.join(stage.taps)}]"
        lines.append(line)
        pad = " " * (width + 6)
        if stage.note:
            lines.append(f"{pad}{stage.note}")
        for ann in stage.annotations().values():
            lines.append(f"{pad}{ann.describe()}")
        for ex in lc.exits_from(stage.name):
            cause = f"{ex.when} -> " if ex.when else ""
            lines.append(f"{pad}fails: {cause}{ex.display}")
        if i < count:
            lines.append(f"{' ' * (width + 2)}  |")
    return "\n".join(lines) + "\n"
