"""What follows from a trade-off table: ranking, Pugh view, sensitivity and AHP.

- the ranking: the weighted sum of each option's scores with the weights normalized
  to sum to one, so a total sits on the score scale; equal totals are reported as ties;
- the Pugh view: each option better / same / worse than the baseline per criterion;
- the sensitivity: for each criterion, the smallest change of its weight alone that
  costs the winner first place. Changing weight k by d changes every option's total
  to (A_i + d*s_ik) / (S + d), where A_i is the option's unnormalized weighted sum
  and S the sum of weights. The denominator is shared and positive, so the winner W
  keeps first place against option i exactly while (A_W - A_i) + d*(s_Wk - s_ik) > 0:
  a line in d with one root. Sensitivity is therefore solved, not searched: one root
  per option and criterion;
- criteria weights from pairwise comparisons (AHP), with Saaty's consistency ratio.

Sums add their terms one by one, left to right (`add_up`), not with the compensated
`sum()` of Python 3.12 and later: a table then ranks to the same last digit on every
Python version and in the published site's what-if script, which computes the same
numbers in the browser.

Pure (standard library only). The functions take a `Tradeoff` and are also its
methods (`t.ranking()`, `t.sensitivity()`, ...).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from adrkit.core.errors import ValidationError
from adrkit.core.wording import and_list, fine, num, quoted, signed

if TYPE_CHECKING:
    from adrkit.core.tradeoff.model import Tradeoff

__all__ = [
    "FRAGILE_PERCENT", "SENSITIVE_PERCENT", "CONSISTENCY_LIMIT",
    "RankedOption", "Ranking", "PughRow", "Pugh", "Flip", "WeightSensitivity", "Sensitivity",
    "AhpResult", "totals", "ranking", "pugh", "sensitivity", "ahp", "ahp_weights", "add_up", "tolerance",
]

FRAGILE_PERCENT = 10.0     # a weight change this small (or smaller) flips it: fragile
SENSITIVE_PERCENT = 50.0   # up to this much: sensitive; beyond (or never): robust
CONSISTENCY_LIMIT = 0.10   # Saaty: a consistency ratio at or above this is a warning
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
            9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}


@dataclass(frozen=True)
class RankedOption:
    name: str
    total: float   # normalized weighted sum, on the score scale
    rank: int      # competition ranking: 1, 1, 3 when the first two tie


@dataclass(frozen=True)
class Ranking:
    """Options best first. Options whose totals are equal share a rank."""

    entries: tuple[RankedOption, ...]

    def __iter__(self) -> Iterator[RankedOption]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index: int) -> RankedOption:
        return self.entries[index]

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    @property
    def winners(self) -> list[str]:
        """Every option ranked first (more than one when they tie)."""
        return [e.name for e in self.entries if e.rank == 1]

    @property
    def winner(self) -> str | None:
        """The one top-ranked option, or None when several tie (or there are none)."""
        top = self.winners
        return top[0] if len(top) == 1 else None

    @property
    def tied(self) -> bool:
        return len(self.winners) > 1

    def ties(self) -> list[list[str]]:
        """Every group of two or more options that share a rank."""
        groups: dict[int, list[str]] = {}
        for e in self.entries:
            groups.setdefault(e.rank, []).append(e.name)
        return [names for names in groups.values() if len(names) > 1]

    def of(self, name: str) -> RankedOption:
        for e in self.entries:
            if e.name == name:
                return e
        raise KeyError(name)


@dataclass(frozen=True)
class PughRow:
    option: str
    marks: dict[str, int]   # criterion -> +1 better, 0 same, -1 worse than the baseline
    better: int
    same: int
    worse: int
    weighted: float         # sum of weight * mark, with the weights as declared

    @property
    def net(self) -> int:
        return self.better - self.worse


@dataclass(frozen=True)
class Pugh:
    """Every option but the baseline, compared with it criterion by criterion."""

    baseline: str
    criteria: tuple[str, ...]
    rows: tuple[PughRow, ...]

    def row(self, option: str) -> PughRow:
        for r in self.rows:
            if r.option == option:
                return r
        raise KeyError(option)


@dataclass(frozen=True)
class Flip:
    """A weight change at which `challenger` draws level with the winner; any change
    beyond it (in the same direction) makes the challenger rank above the winner."""

    change: float
    challenger: str


@dataclass(frozen=True)
class WeightSensitivity:
    """How far one criterion's weight can move, alone, before the winner changes."""

    criterion: str
    weight: float
    up: Flip | None      # smallest increase that changes the winner, if any
    down: Flip | None    # smallest decrease (keeping the weight >= 0), if any
    total: float | None = None   # the sum of all weights (for `share`)

    @property
    def flip(self) -> Flip | None:
        """The smaller of the two changes (by absolute size), or None."""
        found = [f for f in (self.up, self.down) if f is not None]
        return min(found, key=lambda f: abs(f.change)) if found else None

    @property
    def change(self) -> float | None:
        f = self.flip
        return f.change if f else None

    @property
    def percent(self) -> float | None:
        """The change relative to the weight, in percent (None for a zero weight)."""
        f = self.flip
        if f is None or self.weight == 0:
            return None
        return f.change / self.weight * 100.0

    @property
    def share(self) -> float | None:
        """For a zero weight: the new weight as a percent of the new sum of weights
        (a percent change of 0 is undefined). None for other weights, without a flip
        or without `total`."""
        f = self.flip
        if f is None or self.weight != 0 or self.total is None:
            return None
        new_total = self.total + f.change
        return f.change / new_total * 100.0 if new_total > 0 else None

    @property
    def size(self) -> float:
        """How big the flip is, in percent, for the verdict: the relative change of a
        nonzero weight, the `share` of a zero one; infinite without a flip."""
        pct = self.percent
        if pct is not None:
            return abs(pct)
        share = self.share
        return share if share is not None else math.inf

    @property
    def new_weight(self) -> float | None:
        f = self.flip
        return None if f is None else self.weight + f.change

    @property
    def challenger(self) -> str | None:
        f = self.flip
        return f.challenger if f else None

    def describe(self) -> str:
        f = self.flip
        if f is None:
            return "no change of this weight alone flips it"
        pct = self.percent
        if pct is None:
            share = self.share
            of_total = f" ({fine(share, 1)} % of the total)" if share is not None else ""
            return (f"giving it a weight of {fine(self.weight + f.change)}{of_total} brings "
                    f"{f.challenger} level; any more and it wins")
        return (f"{signed(pct)} % ({fine(self.weight)} → {fine(self.weight + f.change)}) brings "
                f"{f.challenger} level; any further and it wins")


@dataclass(frozen=True)
class Sensitivity:
    """The winner, its margin, each weight's sensitivity and an overall verdict."""

    winner: str | None
    tied: tuple[str, ...]              # options tied for first place (empty if unique)
    runner_up: str | None
    margin: float                      # winner's total minus the runner-up's
    weights: tuple[WeightSensitivity, ...]
    verdict: str                       # robust | sensitive | fragile | tied | incomplete
    summary: str

    def of(self, criterion: str) -> WeightSensitivity:
        for w in self.weights:
            if w.criterion == criterion:
                return w
        raise KeyError(criterion)

    @property
    def most_sensitive(self) -> WeightSensitivity | None:
        """The criterion whose smallest change flips the winner, judged by
        `WeightSensitivity.size` (relative change, or share of the total for a zero weight)."""
        best = None
        for w in self.weights:
            if w.flip is None:
                continue
            if best is None or w.size < best.size:
                best = w
        return best


@dataclass(frozen=True)
class AhpResult:
    """Weights from pairwise comparisons (principal eigenvector) and their consistency."""

    weights: dict[str, float]   # sums to 1
    lambda_max: float
    ci: float                   # consistency index (lambda_max - n) / (n - 1)
    cr: float                   # consistency ratio CI / RI
    n: int

    @property
    def consistent(self) -> bool:
        return self.cr < CONSISTENCY_LIMIT

    def describe(self) -> str:
        text = f"consistency ratio {self.cr:.3f}"
        if self.consistent:
            return text + " (consistent: below 0.10)"
        return text + " (0.10 or more: the comparisons contradict each other; revisit them)"


# --- computations ----------------------------------------------------------------------------

def add_up(values: Iterable[float]) -> float:
    """The sum of `values`, added one by one from the left (see the module docstring)."""
    total = 0.0
    for v in values:
        total += v
    return total



def tolerance(scale: tuple[float, float]) -> float:
    """How close two totals must be to count as a tie on this scale."""
    return 1e-9 * max(1.0, abs(scale[0]), abs(scale[1]))


def totals(t: "Tradeoff") -> dict[str, float]:
    """Each option's weighted sum with the weights normalized (on the score scale)."""
    t._require_valid()
    weights, rows = t._matrix()
    return dict(zip(t.option_names, _totals(weights, rows)))


def ranking(t: "Tradeoff") -> Ranking:
    """Options best first, ties sharing a rank."""
    t._require_valid()
    weights, rows = t._matrix()
    return _rank(t.option_names, _totals(weights, rows), tolerance(t.scale))


def pugh(t: "Tradeoff", baseline: str | None = None) -> Pugh:
    """Better / same / worse than the baseline, per criterion, with counts."""
    t._require_valid()
    base_name = baseline or t.baseline
    if not base_name:
        raise ValidationError("there is no baseline to compare with", where="baseline",
                              fix="set 'baseline' to one of " + (quoted(t.option_names) or "the options"))
    base = t.option(base_name)
    rows = []
    for o in t.options:
        if o.name == base.name:
            continue
        marks = {}
        for c in t.criteria:
            diff = o.scores[c.name] - base.scores[c.name]
            marks[c.name] = (diff > 0) - (diff < 0)
        values = list(marks.values())
        weighted = add_up(c.weight * marks[c.name] for c in t.criteria)
        rows.append(PughRow(o.name, marks, values.count(1), values.count(0), values.count(-1),
                            weighted))
    return Pugh(base.name, tuple(t.criterion_names), tuple(rows))


def sensitivity(t: "Tradeoff") -> Sensitivity:
    """For each criterion, the smallest change of its weight that costs the winner
    first place, and a verdict on how robust the win is (see the module docstring)."""
    t._require_valid()
    weights, rows = t._matrix()
    names = t.option_names
    if not t.criteria or len(t.options) < 2:
        return Sensitivity(None, (), None, 0.0, (), "incomplete",
                           "Add at least two options and one criterion to rank them.")
    total_w = add_up(weights)
    sums = [add_up(w * s for w, s in zip(weights, row)) for row in rows]
    ranking = _rank(names, [a / total_w for a in sums], tolerance(t.scale))
    if ranking.tied:
        tied = tuple(ranking.winners)
        return Sensitivity(None, tied, None, 0.0, (), "tied",
                           f"{and_list(tied)} tie for first place: any change that favours one "
                           "of them decides it.")
    win = names.index(ranking.winner)  # type: ignore[arg-type]
    second = ranking.entries[1]
    per_weight = []
    for k, crit in enumerate(t.criteria):
        up: Flip | None = None
        down: Flip | None = None
        wk = weights[k]
        s_win = rows[win][k]
        lead_floor = total_w * 1e-12
        for i, row in enumerate(rows):
            if i == win:
                continue
            diff = row[k] - s_win
            if diff == 0:
                continue
            d = (sums[win] - sums[i]) / diff   # the root of the line described above
            if diff > 0:
                if up is None or d < up.change:
                    up = Flip(d, names[i])
            elif wk + d > lead_floor:          # the weight must stay >= 0 past the root
                if down is None or d > down.change:
                    down = Flip(d, names[i])
        per_weight.append(WeightSensitivity(crit.name, wk, up, down, total_w))
    margin = ranking.entries[0].total - second.total
    verdict, summary = _verdict(ranking.winner, margin, per_weight, t.scale)  # type: ignore[arg-type]
    return Sensitivity(ranking.winner, (), second.name, margin, tuple(per_weight), verdict, summary)


def ahp(t: "Tradeoff") -> AhpResult:
    """Weights from the pairwise comparisons, and their consistency."""
    t._require_valid()
    if not t.pairwise:
        raise ValidationError("there are no pairwise comparisons", where="pairwise",
                              fix="add '- {a: X, b: Y, ratio: 3}' for each pair of criteria")
    return ahp_weights(t.criterion_names, [(j.a, j.b, j.ratio) for j in t.pairwise])


def _totals(weights: list[float], rows: list[list[float]]) -> list[float]:
    total_w = add_up(weights)
    if not weights or total_w <= 0:
        return [0.0 for _ in rows]
    return [add_up(w * s for w, s in zip(weights, row)) / total_w for row in rows]


def _rank(names: list[str], totals: list[float], tol: float) -> Ranking:
    order = sorted(range(len(names)), key=lambda i: -totals[i])
    ranked: list[tuple[int, int]] = []  # (rank, index)
    for pos, i in enumerate(order):
        if ranked and abs(totals[i] - totals[ranked[-1][1]]) <= tol:
            ranked.append((ranked[-1][0], i))
        else:
            ranked.append((pos + 1, i))
    ranked.sort()  # options that tie keep their order in the table
    return Ranking(tuple(RankedOption(names[i], totals[i], rank) for rank, i in ranked))


def _verdict(winner: str, margin: float, weights: list[WeightSensitivity],
             scale: tuple[float, float]) -> tuple[str, str]:
    lead = f'"{winner}" leads by {num(margin, 2)} (on the scale {num(scale[0])} to {num(scale[1])}).'
    flips = [w for w in weights if w.flip is not None]
    if not flips:
        return "robust", (f"{lead} Robust: no change of any single weight makes another option win.")
    # A zero weight has no percent change; it is judged by its new share of the total.
    closest = min(flips, key=lambda w: w.size)
    pct = closest.size
    if closest.percent is None:
        of_total = f" ({fine(closest.share, 1)} % of the total)" if closest.share is not None else ""
        detail = (f'giving "{closest.criterion}" a weight of {fine(closest.new_weight)}{of_total} '
                  f'brings "{closest.challenger}" level, and any more makes it win')
    else:
        detail = (f'changing the weight of "{closest.criterion}" by {signed(closest.percent)} % '  # type: ignore[arg-type]
                  f'({fine(closest.weight)} → {fine(closest.new_weight)}) brings "{closest.challenger}" '
                  "level, and any further change makes it win")
    if pct <= FRAGILE_PERCENT + 1e-9:
        return "fragile", f"{lead} Fragile: {detail}."
    if pct <= SENSITIVE_PERCENT + 1e-9:
        return "sensitive", f"{lead} Sensitive: {detail}."
    return "robust", (f"{lead} Robust: no single weight change under {num(SENSITIVE_PERCENT)} % "
                      f"changes the winner; the closest call: {detail}.")


def ahp_weights(criteria: Sequence[str], judgements: Iterable[tuple[str, str, float]]) -> AhpResult:
    """Saaty's AHP: the principal eigenvector of the reciprocal comparison matrix (by
    power iteration), lambda_max, and the consistency ratio against Saaty's random index.
    Every pair of criteria needs one judgement (a, b, ratio): a matters ratio times b."""
    names = list(criteria)
    n = len(names)
    index = {c: i for i, c in enumerate(names)}
    m = [[1.0] * n for _ in range(n)]
    for a, b, ratio in judgements:
        i, j = index[a], index[b]
        m[i][j] = float(ratio)
        m[j][i] = 1.0 / float(ratio)
    if n == 0:
        return AhpResult({}, 0.0, 0.0, 0.0, 0)
    vec = [1.0 / n] * n
    for _ in range(1000):
        nxt = [sum(m[i][j] * vec[j] for j in range(n)) for i in range(n)]
        s = sum(nxt)
        nxt = [x / s for x in nxt]
        if max(abs(x - y) for x, y in zip(nxt, vec)) < 1e-13:
            vec = nxt
            break
        vec = nxt
    lam = sum(sum(m[i][j] * vec[j] for j in range(n)) / vec[i] for i in range(n)) / n
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ci = max(ci, 0.0)
    ri = SAATY_RI.get(n, SAATY_RI[15])
    cr = ci / ri if ri else 0.0
    return AhpResult(dict(zip(names, vec)), lam, ci, cr, n)
