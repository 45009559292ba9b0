"""What a decision's data file says, in brief, for `adrkit show --json` and scripts: each
trade-off's winner, totals, verdict and chosen option, and each lifecycle's name, title
and stages. A table that cannot be ranked says why instead."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from adrkit.core.errors import AdrkitError
from adrkit.core.requestflow import Lifecycle
from adrkit.core.tradeoff import Tradeoff
from adrkit.storage.datafile import read_data

__all__ = ["data_summary", "tradeoff_summary"]


def tradeoff_summary(t: Tradeoff) -> dict[str, Any]:
    """question, chosen, winner (None on a tie), tied, totals (option -> total), verdict."""
    out: dict[str, Any] = {"question": t.question or None, "chosen": t.chosen}
    problems = t.problems()
    if problems:
        return out | {"problems": [str(p) for p in problems]}
    if not t.options or not t.criteria:
        return out | {"winner": None, "tied": [], "totals": {}, "verdict": "incomplete"}
    ranking = t.ranking()
    sens = t.sensitivity()
    return out | {"winner": ranking.winner, "tied": ranking.winners if ranking.tied else [],
                  "totals": {e.name: round(e.total, 4) for e in ranking}, "verdict": sens.verdict,
                  "summary": sens.summary}


def data_summary(path: str | Path) -> dict[str, Any]:
    """{'tradeoffs': {name: summary}, 'lifecycles': {name: {title, stages}}}; with
    'data-problem' when the file cannot be read."""
    try:
        data = read_data(path)
    except AdrkitError as exc:
        return {"tradeoffs": {}, "lifecycles": {}, "data-problem": str(exc)}
    tradeoffs: dict[str, Any] = {}
    for name, raw in (data.get("tradeoffs") or {}).items():
        try:
            tradeoffs[str(name)] = tradeoff_summary(Tradeoff.from_dict(raw, path=path, where=f"tradeoffs.{name}"))
        except AdrkitError as exc:
            tradeoffs[str(name)] = {"problems": [str(exc)]}
    lifecycles: dict[str, Any] = {}
    for name, raw in (data.get("lifecycles") or {}).items():
        try:
            lc = Lifecycle.from_dict(raw, name=str(name), path=path)
            lifecycles[str(name)] = {"title": lc.title or None, "stages": lc.stage_names()}
        except AdrkitError as exc:
            lifecycles[str(name)] = {"problems": [str(exc)]}
    return {"tradeoffs": tradeoffs, "lifecycles": lifecycles}
