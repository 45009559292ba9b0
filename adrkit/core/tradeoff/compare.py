"""What changed between two trade-off tables: the one of a decision and the one of the
decision that supersedes it (or any two).

`compare(old, new)` says which options were added and dropped, which criteria were
added and dropped, which weights changed (as declared and as a share of the total),
which scores changed, whether the scale, the question or the chosen option changed,
and what the change did to the outcome:

- the winner of each table;
- the old table *rescored with the new weights*: the old options and the old scores,
  with each criterion weighed as the new table weighs it (a criterion the new table
  dropped weighs 0; one it added has no old scores, so it cannot count). Its winner
  says whether the old winner would still win under the new weights, with only the
  weights changed;
- where the old winner ranks in the new table, if it is still an option.

Options and criteria are matched by name. `pair_tables` matches the tables of two data
files: by name, and the one table left on each side with each other.

Pure (standard library only).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from adrkit.core.tradeoff.analysis import Ranking
from adrkit.core.tradeoff.model import Tradeoff
from adrkit.core.wording import and_list, num, plain

__all__ = ["WeightChange", "ScoreChange", "Outcome", "TradeoffDiff", "compare", "pair_tables"]


@dataclass(frozen=True)
class WeightChange:
    """A criterion whose weight changed (or that was added or dropped: one side is None)."""

    criterion: str
    old: float | None
    new: float | None
    old_share: float | None   # percent of the sum of weights
    new_share: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "old": _plain(self.old), "new": _plain(self.new),
                "old_share": self.old_share, "new_share": self.new_share}

    def describe(self) -> str:
        def side(w: float | None, share: float | None) -> str:
            return "-" if w is None else f"{num(w)} ({num(share, 0)} %)"
        return f"{self.criterion}: weight {side(self.old, self.old_share)} → {side(self.new, self.new_share)}"


@dataclass(frozen=True)
class ScoreChange:
    option: str
    criterion: str
    old: float
    new: float

    def to_dict(self) -> dict[str, Any]:
        return {"option": self.option, "criterion": self.criterion, "old": plain(self.old), "new": plain(self.new)}

    def describe(self) -> str:
        return f"{self.option}, {self.criterion}: {num(self.old)} → {num(self.new)}"


@dataclass(frozen=True)
class Outcome:
    """A ranking's result, in short: who is first (several when tied) and the totals."""

    winners: tuple[str, ...]
    totals: tuple[tuple[str, float, int], ...]   # (option, total, rank), best first
    problem: str = ""                           # why there is no ranking, if there is none

    @classmethod
    def of(cls, t: Tradeoff) -> "Outcome":
        found = t.problems()
        if found:
            return cls((), (), str(found[0]))
        if not t.options or not t.criteria:
            return cls((), (), "it has no options or no criteria")
        return cls.from_ranking(t.ranking())

    @classmethod
    def from_ranking(cls, ranking: Ranking) -> "Outcome":
        return cls(tuple(ranking.winners), tuple((e.name, e.total, e.rank) for e in ranking))

    @property
    def winner(self) -> str | None:
        return self.winners[0] if len(self.winners) == 1 else None

    def rank_of(self, name: str) -> int | None:
        return next((rank for n, _, rank in self.totals if n == name), None)

    def words(self) -> str:
        if self.problem:
            return f"no ranking ({self.problem})"
        if not self.winners:
            return "no ranking"
        if len(self.winners) > 1:
            return f"{and_list(self.winners)} tie for first place"
        return f'"{self.winners[0]}" wins'

    def to_dict(self) -> dict[str, Any]:
        return {"winners": list(self.winners), "totals": [{"option": n, "total": t, "rank": r} for n, t, r in self.totals],
                "problem": self.problem or None}


@dataclass(frozen=True)
class TradeoffDiff:
    """The difference between trade-off `old` and trade-off `new` (see the module docstring)."""

    old_question: str
    new_question: str
    options_added: tuple[str, ...]
    options_dropped: tuple[str, ...]
    criteria_added: tuple[str, ...]
    criteria_dropped: tuple[str, ...]
    weights: tuple[WeightChange, ...]       # criteria in both tables whose weight or share changed
    scores: tuple[ScoreChange, ...]         # (option, criterion) pairs in both tables, changed
    old_scale: tuple[float, float]
    new_scale: tuple[float, float]
    old_chosen: str | None
    new_chosen: str | None
    old: Outcome
    new: Outcome
    rescored: Outcome                       # the old table under the new weights
    old_name: str = "main"
    new_name: str = "main"
    notes: tuple[str, ...] = field(default=())

    @property
    def old_winner(self) -> str | None:
        return self.old.winner

    @property
    def still_wins(self) -> bool | None:
        """Whether the old winner also wins the old table under the new weights (None
        when either has no single winner)."""
        if self.old.winner is None or self.rescored.problem or not self.rescored.winners:
            return None
        return self.rescored.winner == self.old.winner

    @property
    def changed(self) -> bool:
        return bool(self.options_added or self.options_dropped or self.criteria_added
                    or self.criteria_dropped or self.weights or self.scores
                    or self.old_scale != self.new_scale or self.old_chosen != self.new_chosen
                    or self.old_question != self.new_question)

    def verdict(self) -> str:
        """One sentence: would the old winner still win under the new weights?"""
        old = self.old.winner
        if self.old.problem:
            return f"The old table cannot be ranked ({self.old.problem})."
        if old is None:
            return f"In the old table {self.old.words()}, so there is no single old winner to test."
        if self.rescored.problem:
            return (f'Whether "{old}" would still win under the new weights cannot be said: '
                    f"{self.rescored.problem}.")
        if self.rescored.winner == old:
            return f'Under the new weights, with the old scores, "{old}" would still win.'
        if len(self.rescored.winners) > 1:
            return (f'Under the new weights, with the old scores, "{old}" would no longer win outright: '
                    f"{and_list(self.rescored.winners)} would tie.")
        return (f'Under the new weights, with the old scores, "{old}" would no longer win: '
                f'"{self.rescored.winner}" would.')

    def in_new_table(self) -> str:
        """Where the old winner stands in the new table."""
        old = self.old.winner
        if old is None or self.new.problem:
            return ""
        if old in self.options_dropped:
            return f'"{old}" is not an option in the new table.'
        rank = self.new.rank_of(old)
        if rank is None:
            return ""
        if rank == 1:
            return f'In the new table "{old}" is still first.' if len(self.new.winners) == 1 else \
                f'In the new table "{old}" shares first place.'
        return f'In the new table "{old}" ranks {_ordinal(rank)}; {self.new.words()}.'

    def describe(self) -> list[str]:
        """The difference as lines of text (the terminal and the page say the same)."""
        lines = []
        if self.old_question != self.new_question and self.new_question:
            lines.append(f'Question: "{self.old_question}" → "{self.new_question}"'
                         if self.old_question else f'Question: "{self.new_question}"')
        lines.append(f"Outcome: {self.old.words()} → {self.new.words()}.")
        if self.old_chosen != self.new_chosen:
            lines.append(f"Chosen: {_name(self.old_chosen)} → {_name(self.new_chosen)}.")
        lines.append(self.verdict())
        where = self.in_new_table()
        if where:
            lines.append(where)
        if self.options_added:
            lines.append(f"Options added: {and_list(self.options_added)}.")
        if self.options_dropped:
            lines.append(f"Options dropped: {and_list(self.options_dropped)}.")
        if self.criteria_added:
            lines.append(f"Criteria added: {and_list(self.criteria_added)}.")
        if self.criteria_dropped:
            lines.append(f"Criteria dropped: {and_list(self.criteria_dropped)}.")
        if self.old_scale != self.new_scale:
            lines.append(f"Scale: {num(self.old_scale[0])} to {num(self.old_scale[1])} → "
                         f"{num(self.new_scale[0])} to {num(self.new_scale[1])}.")
        if self.weights:
            lines.append("Weights changed:")
            lines += [f"  {w.describe()}" for w in self.weights]
        if self.scores:
            lines.append("Scores changed:")
            lines += [f"  {s.describe()}" for s in self.scores]
        if not self.changed:
            lines.append("The two tables are the same.")
        lines += list(self.notes)
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_table": self.old_name, "new_table": self.new_name,
            "question": {"old": self.old_question, "new": self.new_question},
            "options": {"added": list(self.options_added), "dropped": list(self.options_dropped)},
            "criteria": {"added": list(self.criteria_added), "dropped": list(self.criteria_dropped)},
            "weights": [w.to_dict() for w in self.weights],
            "scores": [s.to_dict() for s in self.scores],
            "scale": {"old": [plain(v) for v in self.old_scale], "new": [plain(v) for v in self.new_scale]},
            "chosen": {"old": self.old_chosen, "new": self.new_chosen},
            "outcome": {"old": self.old.to_dict(), "new": self.new.to_dict(),
                        "old_under_new_weights": self.rescored.to_dict()},
            "old_winner_still_wins": self.still_wins,
            "verdict": self.verdict(),
            "changed": self.changed,
        }


def _plain(x: float | None) -> float | int | None:
    return None if x is None else plain(x)


def _name(name: str | None) -> str:
    return f'"{name}"' if name else "none"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _shares(t: Tradeoff) -> dict[str, float]:
    total = sum(c.weight for c in t.criteria)
    return {c.name: (c.weight / total * 100.0 if total > 0 else 0.0) for c in t.criteria}


def _weight_changes(old: Tradeoff, new: Tradeoff) -> tuple[WeightChange, ...]:
    old_w = {c.name: c.weight for c in old.criteria}
    old_s, new_s = _shares(old), _shares(new)
    out = []
    for c in new.criteria:
        if c.name not in old_w:
            continue
        # a share that moves by less than this is the same share written differently
        if old_w[c.name] != c.weight or abs(old_s[c.name] - new_s[c.name]) > 1e-9:
            out.append(WeightChange(c.name, old_w[c.name], c.weight, old_s[c.name], new_s[c.name]))
    return tuple(out)


def _score_changes(old: Tradeoff, new: Tradeoff) -> tuple[ScoreChange, ...]:
    old_opts = {o.name: o for o in old.options}
    common = [c.name for c in new.criteria if c.name in set(old.criterion_names)]
    out = []
    for o in new.options:
        before = old_opts.get(o.name)
        if before is None:
            continue
        for c in common:
            a, b = before.scores.get(c), o.scores.get(c)
            if a is not None and b is not None and a != b:
                out.append(ScoreChange(o.name, c, a, b))
    return tuple(out)


def _rescored(old: Tradeoff, new: Tradeoff) -> Outcome:
    """The old table with the new table's weights (dropped criteria weigh 0)."""
    if old.problems():
        return Outcome((), (), "the old table has problems")
    if new.problems():
        return Outcome((), (), "the new table has problems")
    new_w = {c.name: c.weight for c in new.criteria}
    if not any(new_w.get(c.name, 0) > 0 for c in old.criteria):
        return Outcome((), (), "the tables weigh no criterion in common")
    trial = old.copy()
    for c in trial.criteria:
        c.weight = new_w.get(c.name, 0.0)
    trial.pairwise = []
    if not trial.options:
        return Outcome((), (), "the old table has no options")
    return Outcome.from_ranking(trial.ranking())


def compare(old: Tradeoff, new: Tradeoff, *, old_name: str = "main", new_name: str = "main") -> TradeoffDiff:
    """What changed from trade-off `old` to trade-off `new` (see the module docstring)."""
    old_opts, new_opts = old.option_names, new.option_names
    old_crit, new_crit = old.criterion_names, new.criterion_names
    notes = []
    if old.scale != new.scale:
        notes.append("The scales differ, so scores are compared as written.")
    return TradeoffDiff(
        old_question=old.question, new_question=new.question,
        options_added=tuple(n for n in new_opts if n not in old_opts),
        options_dropped=tuple(n for n in old_opts if n not in new_opts),
        criteria_added=tuple(n for n in new_crit if n not in old_crit),
        criteria_dropped=tuple(n for n in old_crit if n not in new_crit),
        weights=_weight_changes(old, new), scores=_score_changes(old, new),
        old_scale=old.scale, new_scale=new.scale, old_chosen=old.chosen, new_chosen=new.chosen,
        old=Outcome.of(old), new=Outcome.of(new), rescored=_rescored(old, new),
        old_name=old_name, new_name=new_name, notes=tuple(notes))


def pair_tables(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Which table of `old` compares with which of `new`: the same names first (in the
    new file's order), then the one table left on each side, if exactly one is."""
    pairs = [(name, name) for name in new if name in old]
    left_old = [n for n in old if n not in new]
    left_new = [n for n in new if n not in old]
    if len(left_old) == 1 and len(left_new) == 1:
        pairs.append((left_old[0], left_new[0]))
    return pairs
