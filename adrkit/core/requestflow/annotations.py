"""Request lifecycle stage annotations: timeout, retry, circuit breaker, cache, queue
hand-off and idempotency, with the field parsers that read them from the data file and
from the widget's one-line settings text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from adrkit.core.errors import ValidationError

__all__ = ["TAPS", "BACKOFFS", "CACHE_STRATEGIES", "ANNOTATION_KINDS", "Annotation", "Timeout", "Retry",
           "CircuitBreaker", "Cache", "QueueHandoff", "Idempotency", "parse_annotation",
           "parse_settings", "format_settings", "annotation_fields", "clean_text"]

TAPS = ("log", "metrics", "trace")
BACKOFFS = ("exponential", "linear", "fixed", "none")
CACHE_STRATEGIES = ("read-through", "cache-aside", "write-through", "write-behind")

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$")
_DURATION_FIX = "write a number and a unit, e.g. 500ms, 2s, 5m, 1h or 7d"


# --- small field parsers ------------------------------------------------------------

def clean_text(text: Any) -> str:
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
    text = clean_text(value).lower()
    m = _DURATION.match(text)
    if not m or float(m.group(1)) <= 0:
        raise ValidationError(f"'{clean_text(value)}' is not a duration", path=path, where=where,
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
    text = clean_text(value).lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0", ""):
        return False
    raise ValidationError(f"'{value}' is not yes or no", path=path, where=where, fix="write true or false")


def _choice(value: Any, choices: tuple[str, ...], where: str, *, path: Any = None) -> str:
    text = clean_text(value).lower().replace("_", "-").replace(" ", "-")
    if text not in choices:
        raise ValidationError(f"unknown choice '{clean_text(value)}'", path=path, where=where,
                              fix="use one of " + ", ".join(choices))
    return text


def _text(value: Any, where: str, *, path: Any = None, required: bool = False) -> str:
    if isinstance(value, (dict, list)):
        raise ValidationError("must be plain text", path=path, where=where, fix="write a single line of text")
    text = clean_text(value)
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
    if optional and (value is None or clean_text(value) == ""):
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
