"""Stage 5, the timeline: every change of a decision's status, filed at the date it
happened, newest first, grouped by year.

A decision is recorded at its date (with its status of that day, when the status
history says it); each later entry of its status history is its own event at its own
date. A supersession is filed at the date the history gives it or, when the history
does not date it, at the date its successor was accepted (else the successor's date),
so it stands beside that acceptance. Decisions without a date are listed last.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adrkit.core.reviews import REVIEWED_BY, is_review
from adrkit.publish.links import SiteLinks, Target
from adrkit.publish.model import Page

__all__ = ["TimelineEvent", "timeline_events", "timeline_years"]

UNDATED = "Undated"


@dataclass
class TimelineEvent:
    date: str
    page: Page
    kind: str                 # recorded | became | superseded | reviewed
    status: str = ""          # the status the event gives ('' when the history does not say)
    by: list[Target] = field(default_factory=list)   # successors, for a supersession
    order: int = 0            # events of one decision on one day: later ones higher
    reviewed_by: str = ""     # for a review: who reviewed it

    def to_context(self, multi: bool = False) -> dict[str, Any]:
        d = self.page.decision
        return {"date": self.date, "label": d.label, "title": d.title, "href": self.page.href,
                "kind": self.kind, "status": self.status, "by": self.by, "current": d.status,
                "reviewed_by": self.reviewed_by, "log": self.page.log if multi else ""}


def _acceptance(page: Page) -> str:
    d = page.decision
    dates = [h.date for h in d.status_history if h.status == "accepted" and h.date]
    return dates[-1] if dates else d.date


def _superseded_at(successors: list[Page]) -> tuple[str, list[Target]]:
    """When a superseded decision was superseded (its successors' acceptance), and by whom."""
    dates = sorted(filter(None, (_acceptance(p) for p in successors)))
    return (dates[0] if dates else ""), [Target(p.caption, p.href) for p in successors]


def timeline_events(pages: list[Page], links: SiteLinks | None = None) -> list[TimelineEvent]:
    """Every event of every published decision, newest first (undated last)."""
    from adrkit.publish.review import successor_pages

    links = links or SiteLinks(pages)
    newer = successor_pages(pages, links)
    events: list[TimelineEvent] = []
    for page in pages:
        d = page.decision
        history = [h for h in d.status_history if h.date]
        on_the_day = [h.status for h in history if h.date == d.date and not is_review(h)]
        if on_the_day:
            first = on_the_day[-1]
        elif not history:
            first = d.status
        else:
            first = ""
        successors: list[Target] | None = None
        if d.status == "superseded":
            when, successors = _superseded_at(newer.get(page.ident, []))
        events.append(TimelineEvent(d.date, page, "recorded", first,
                                    (successors or []) if first == "superseded" else []))
        filed = first == "superseded"
        for i, h in enumerate(history, start=1):
            if is_review(h):  # a review changes no status: its own kind of event
                who = str(dict(h.extra).get(REVIEWED_BY) or "")
                events.append(TimelineEvent(h.date, page, "reviewed", h.status, order=i, reviewed_by=who))
                continue
            if h.date == d.date:
                continue
            if h.status == "superseded":
                events.append(TimelineEvent(h.date, page, "superseded", h.status, successors or [], i))
                filed = True
            else:
                events.append(TimelineEvent(h.date, page, "became", h.status, order=i))
        if d.status == "superseded" and not filed and successors is not None and when:
            events.append(TimelineEvent(when, page, "superseded", "superseded", successors, len(history) + 1))
    dated = sorted((e for e in events if e.date), key=lambda e: (e.date, e.page.decision.number, e.order),
                   reverse=True)
    undated = sorted((e for e in events if not e.date), key=lambda e: (e.page.decision.number, e.order),
                     reverse=True)
    return dated + undated


def timeline_years(pages: list[Page], links: SiteLinks | None = None, *,
                   multi: bool = False) -> list[tuple[str, list[dict[str, Any]]]]:
    """The events by year (as the timeline page lists them), newest year first; with
    `multi` each names its log."""
    years: dict[str, list[dict[str, Any]]] = {}
    for event in timeline_events(pages, links):
        year = event.date[:4] if event.date[:4].isdigit() else UNDATED
        years.setdefault(year, []).append(event.to_context(multi))
    return list(years.items())
