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

`to_dot` draws it as Graphviz DOT text (`adrkit.core.requestflow.dot`); Mermaid, the
text outline and HTML are `adrkit.render.requestflow`.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from adrkit.core.errors import ValidationError
from adrkit.core.requestflow.annotations import (_ANNOTATIONS, ANNOTATION_KINDS, TAPS, Annotation, Cache,
                                                 CircuitBreaker, Idempotency, QueueHandoff, Retry,
                                                 Timeout, _annotation_value, _check_kind, _text,
                                                 clean_text, parse_annotation, parse_settings)

__all__ = ["Exit", "Stage", "Lifecycle", "stage_details"]


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
        tap = clean_text(item).lower()
        tap = {"logs": "log", "logging": "log", "metric": "metrics", "tracing": "trace",
               "traces": "trace"}.get(tap, tap)
        if tap not in TAPS:
            raise ValidationError(f"unknown tap '{clean_text(item)}'", path=path, where=where,
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
        wanted = clean_text(name)
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
            hits = [e for e in lc.exits if e.source == source and e.label == clean_text(label)]
            if not hits:
                raise ValidationError(f"stage '{source}' has no exit '{clean_text(label)}'", where="exits",
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

    # --- drawing ------------------------------------------------------------------
    def to_dot(self, *, title: bool = True) -> str:
        """Graphviz DOT, left to right: the happy path bold, failure exits dashed red,
        taps dotted grey, async hops (queues) dashed purple, dependencies orange.

        With `title=False` the drawing carries no title label, for a figure whose
        caption shows the title instead."""
        from adrkit.core.requestflow.dot import lifecycle_dot

        return lifecycle_dot(self, title=title)


def stage_details(stage: Stage) -> list[str]:
    """The annotations of a stage as short lines, for labels."""
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
