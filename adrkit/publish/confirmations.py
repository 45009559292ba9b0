"""Stage 5c of the site (the confirmations): what each decision's check and review
say, and the debt page.

`site_checks` is the one call the build makes (after it has assembled the site, before
it renders any page): it reads every published decision's recorded check
(`NNNN-slug.confirmation.json`, written by `adrkit confirm`; the build never runs a
check itself), its review plan and each log's decision debt; the build hands them to
the renderer, which also makes the context of `debt.html`. It reads the recorded results at every build, never
from the page cache, so a badge is never older than the last `adrkit confirm`.

What the pages show:

- on a decision's page, a badge by its status (passed with the date, failed, error,
  stale, never run, skipped) and a Confirmation panel with why, the error line, and
  the evidence the check displayed (streams and text as text; HTML and SVG through the
  sanitizer; PNG and JPEG as data: images, which the Content-Security-Policy allows);
  its review date, overdue or not; reviews in its history with who and the note;
- in the index, the same badge per row with the check's last line of output, and a
  filter by check state;
- `debt.html`: every debt item by kind, each linking to its record and saying what to do.
"""
from __future__ import annotations

import base64
import binascii
import datetime as _dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

from adrkit.core.confirmation import CheckState
from adrkit.core.errors import AdrkitError
from adrkit.core.reviews import REVIEWED_BY, is_review
from adrkit.formats.celltags import CONFIRMATION
from adrkit.formats.notebook import loads_notebook
from adrkit.publish.links import SiteLinks
from adrkit.services.confirm import check_settings, state_of
from adrkit.services.debt import KINDS, DebtItem, decision_debt
from adrkit.services.review import DueItem, plan_item
from adrkit.storage.log import DecisionLog, Record

__all__ = ["SiteChecks", "CHECK_FILTERS", "gather_checks", "site_checks", "records_of", "history_view"]

# The index filter's choices: (value of data-check, label).
CHECK_FILTERS = (("passed", "passed"), ("failed", "failed"), ("error", "error"),
                 ("stale", "stale"), ("never-run", "never run"), ("skipped", "skipped"),
                 ("none", "no check"))
_IMAGES = ("image/png", "image/jpeg")


@dataclass
class SiteChecks:
    """Per published decision: its check state, evidence and review; and the log's debt."""

    today: _dt.date
    states: dict[str, CheckState] = field(default_factory=dict)
    evidence: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    reviews: dict[str, DueItem] = field(default_factory=dict)
    debt: list[DebtItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    debt_logs: list[str] = field(default_factory=list)  # the log of each debt item ('' : the only one)

    def decision_view(self, stem: str) -> dict[str, Any] | None:
        """What decision.html.j2's Confirmation panel shows (None: no check)."""
        state = self.states.get(stem)
        if state is None:
            return None
        result = state.result
        why = state.why
        if result is not None and state.state in ("passed", "failed", "error"):
            why = {"passed": "its check passed", "failed": "its check failed",
                   "error": "its check ended in an error"}[state.state] + f" on {result.day}"
        return {"state": state.state, "label": state.label, "why": _sentence(why),
                "error": result.error if result and state.state in ("failed", "error") else "",
                "date": result.day if result else "", "duration": f"{result.duration:.1f}" if result else "",
                "cells": ", ".join(str(c) for c in result.cells) if result else "",
                "kernel": result.kernel if result else "", "python": result.python if result else "",
                "adrkit": result.adrkit if result else "", "outcome": result.outcome if result else "",
                "evidence": self.evidence.get(stem, [])}

    def index_view(self, stem: str) -> dict[str, str]:
        """The index row's badge: state (or 'none'), label and the check's last line."""
        state = self.states.get(stem)
        if state is None:
            return {"state": "none", "label": "", "summary": "", "why": ""}
        summary = state.result.summary if state.result and state.state in ("passed", "stale") else ""
        if state.result and state.state in ("failed", "error"):
            summary = state.result.error
        return {"state": state.state, "label": state.label, "summary": summary, "why": _sentence(state.why)}

    def review_view(self, stem: str) -> dict[str, Any] | None:
        item = self.reviews.get(stem)
        if item is None:
            return None
        return {"due": item.due.isoformat() if item.due else "", "when": item.when(), "basis": _dated(item.basis),
                "overdue": item.overdue, "soon": item.days_left is not None and 0 <= item.days_left <= 30,
                "problem": item.problem or ""}

    def filters(self, stems: list[str]) -> list[tuple[str, str]]:
        """The filter choices present among `stems`."""
        present = {self.index_view(s)["state"] for s in stems}
        if not present - {"none"}:
            return []  # no decision here has a check: no column, no filter
        return [(value, label) for value, label in CHECK_FILTERS if value in present]

    def debt_groups(self, links: SiteLinks) -> list[dict[str, Any]]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for item, log in zip(self.debt, self.debt_logs or [""] * len(self.debt)):
            page = links.resolve(item.stem, log) if log else links.resolve(item.stem)
            groups.setdefault(item.kind, []).append({
                "label": item.label, "title": item.title, "href": page.href if page else None,
                "message": _sentence(item.message), "fix": _sentence(item.fix), "kind": item.kind})
        return [{"kind": kind, "heading": KINDS[kind], "entries": groups[kind]} for kind in KINDS if kind in groups]


def history_view(change: Any) -> dict[str, str]:
    """A status-history entry for the page; a review names who and the note."""
    extra = dict(change.extra)
    view = {"status": change.status, "date": change.date, "reviewed_by": "", "note": ""}
    if is_review(change):
        view["reviewed_by"] = str(extra.get(REVIEWED_BY) or "")
        view["note"] = str(extra.get("note") or "")
    return view


def _dated(text: str) -> list[tuple[str, bool]]:
    """`text` in parts, (part, is it a YYYY-MM-DD date): the page keeps each date on one line."""
    parts = re.split(r"(\d{4}-\d{2}-\d{2})", text)
    return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text[:1].upper() + text[1:] if text else ""


def gather_checks(log: DecisionLog, records: list[Record], published: set[str], *,
                  today: _dt.date) -> SiteChecks:
    """Check states, evidence and review plans of the published records, and the debt
    of every record read."""
    now = _dt.datetime.combine(today, _dt.time(23, 59), _dt.timezone.utc)
    found = SiteChecks(today=today)
    try:
        stale_days = check_settings(log).get("stale-after")
    except Exception as exc:  # a bad setting is reported, the site still builds
        found.problems.append(str(exc))
        stale_days = None
    from adrkit.publish.sanitize import Sanitizer

    sanitizer = Sanitizer()
    for rec in records:
        stem = rec.decision.stem
        if stem not in published:
            continue
        state = state_of(rec, now=now, stale_after_days=stale_days)
        if state is not None:
            found.states[stem] = state
            if state.result is not None:
                found.evidence[stem] = _evidence(state.result.evidence, sanitizer)
        item = plan_item(rec, today)
        if item is not None:
            found.reviews[stem] = item
    try:
        found.debt = decision_debt(log, today=today, now=now, records=records)
    except Exception as exc:
        found.problems.append(str(exc))
    return found


def _evidence(items: list[dict[str, Any]], sanitizer: Any) -> list[dict[str, str]]:
    """Recorded outputs as page parts: {'kind': 'text'|'error'|'html', 'text'/'html': ...}.
    Text is escaped by the template; HTML and SVG are sanitized here."""
    parts = []
    for item in items:
        kind = item.get("type")
        if kind == "stream":
            parts.append({"kind": "stderr" if item.get("name") == "stderr" else "text",
                          "text": str(item.get("text") or "")})
        elif kind == "error":
            parts.append({"kind": "error", "text": str(item.get("text") or ""),
                          "traceback": str(item.get("traceback") or "")})
        elif kind == "display":
            part = _display(item.get("data") or {}, sanitizer)
            if part:
                parts.append(part)
    return parts


def _display(data: Any, sanitizer: Any) -> dict[str, str] | None:
    if not isinstance(data, dict):  # a results file edited by hand: show nothing rather than fail
        return None
    for mime in ("text/html", "image/svg+xml"):
        if isinstance(data.get(mime), str) and data[mime].strip():
            clean, _ = sanitizer.clean(data[mime])
            if clean.strip():
                return {"kind": "html", "html": f'<div class="check-rich">{clean}</div>'}
    for mime in _IMAGES:
        value = data.get(mime)
        if isinstance(value, str) and value.strip():
            try:
                raw = base64.b64decode(value, validate=False)
            except (binascii.Error, ValueError):
                continue
            alt = html.escape(str(data.get("text/plain") or "what the check drew").strip()[:200], quote=True)
            encoded = base64.b64encode(raw).decode("ascii")
            clean, _ = sanitizer.clean(f'<img src="data:{mime};base64,{encoded}" alt="{alt}">')
            return {"kind": "html", "html": f'<div class="check-rich">{clean}</div>'}
    for mime in ("text/markdown", "text/plain"):
        if isinstance(data.get(mime), str) and data[mime].strip():
            return {"kind": "text", "text": data[mime]}
    return None


def records_of(sources: list[Any]) -> list[Record]:
    """Records of the decisions a build read (`adrkit.publish.model.Source`): only a
    notebook the record index saw a `confirmation` tag in is parsed again (for its check
    cells and fingerprint); the others get an empty notebook, which is all the debt
    rules need of them."""
    records = []
    for src in sources:
        notebook: dict[str, Any] = {"cells": []}
        entry = getattr(src, "record", None)
        if entry is None or getattr(entry, "has_checks", True):
            try:
                raw = src.path.read_bytes()
                if CONFIRMATION.encode() in raw:
                    notebook = loads_notebook(raw, path=src.path)
            except (OSError, AdrkitError):
                pass  # the build has reported it already
        records.append(Record(src.path, src.decision, notebook))
    return records


def site_checks(logs: list[tuple[DecisionLog, list[Any]]], published: set[str], today: str) -> SiteChecks:
    """Checks, reviews and debt of every log (each with the sources read from it),
    keyed by page ident (`log:stem`); `today` (YYYY-MM-DD) is the day they are judged on."""
    day = _dt.date.fromisoformat(today)
    total = SiteChecks(today=day)
    for log, sources in logs:
        name = getattr(log, "name", "")
        mine = {ident.split(":", 1)[1] for ident in published if ident.split(":", 1)[0] == name}
        found = gather_checks(log, records_of(sources), mine, today=day)
        total.states.update({f"{name}:{k}": v for k, v in found.states.items()})
        total.evidence.update({f"{name}:{k}": v for k, v in found.evidence.items()})
        total.reviews.update({f"{name}:{k}": v for k, v in found.reviews.items()})
        total.debt.extend(found.debt)
        total.debt_logs.extend([name] * len(found.debt))
        total.problems.extend(found.problems)
    return total
