"""What changed between two trade-offs (`adrkit.core.tradeoff.compare`), drawn for people
as static HTML from a Jinja template: the verdict (would the old winner still win under
the new weights?), the outcomes, every criterion's weight before and after, the scores
that changed, and the options and criteria added or dropped. Every text is escaped.
"""
from __future__ import annotations

from typing import Any

from adrkit.core.tradeoff.compare import TradeoffDiff
from adrkit.core.wording import and_list, num, signed
from adrkit.render.jinja import render

__all__ = ["diff_html"]


def _weight_rows(diff: TradeoffDiff, old_weights: dict[str, float], new_weights: dict[str, float],
                 old_shares: dict[str, float], new_shares: dict[str, float]) -> list[dict[str, Any]]:
    names = list(new_weights) + [n for n in old_weights if n not in new_weights]
    rows = []
    for name in names:
        old, new = old_weights.get(name), new_weights.get(name)
        if old is None:
            change, kind = "added", "added"
        elif new is None:
            change, kind = "dropped", "dropped"
        else:
            moved = new_shares[name] - old_shares[name]
            if abs(moved) < 0.5:
                change, kind = "about the same" if old != new else "same", "same"
            else:
                change = f"{'↑' if moved > 0 else '↓'} {signed(moved)} points"
                kind = "up" if moved > 0 else "down"
        rows.append({"name": name, "kind": kind, "change": change,
                     "old": "" if old is None else f"{num(old)} ({num(old_shares[name], 0)} %)",
                     "new": "" if new is None else f"{num(new)} ({num(new_shares[name], 0)} %)"})
    return rows


def _shares(weights: dict[str, float]) -> dict[str, float]:
    total = 0.0
    for w in weights.values():
        total += w
    return {k: (w / total * 100.0 if total > 0 else 0.0) for k, w in weights.items()}


def diff_html(diff: TradeoffDiff, *, old_label: str, new_label: str, old_weights: dict[str, float],
              new_weights: dict[str, float]) -> str:
    """The difference as an HTML fragment. `old_label` and `new_label` name the two
    records in the table heads ('0004', '0006'); the weights are each table's, by
    criterion, in table order."""
    old_shares, new_shares = _shares(old_weights), _shares(new_weights)
    outcome = [f"{old_label}: {diff.old.words()}.", f"{new_label}: {diff.new.words()}."]
    return render("tradeoff_diff.html.j2", d=diff, old_label=old_label, new_label=new_label,
                  verdict=diff.verdict(), where=diff.in_new_table(), outcome=outcome,
                  still=diff.still_wins,
                  weights=_weight_rows(diff, old_weights, new_weights, old_shares, new_shares),
                  added=and_list(diff.options_added) if diff.options_added else "",
                  dropped=and_list(diff.options_dropped) if diff.options_dropped else "",
                  crit_added=and_list(diff.criteria_added) if diff.criteria_added else "",
                  crit_dropped=and_list(diff.criteria_dropped) if diff.criteria_dropped else "",
                  scale=(f"{num(diff.old_scale[0])} to {num(diff.old_scale[1])} → "
                         f"{num(diff.new_scale[0])} to {num(diff.new_scale[1])}")
                  if diff.old_scale != diff.new_scale else "",
                  scores=[{"option": s.option, "criterion": s.criterion, "old": num(s.old), "new": num(s.new),
                           "kind": "up" if s.new > s.old else "down"} for s in diff.scores])
