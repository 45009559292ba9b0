"""Trade-off tables: options scored against weighted criteria, and what follows.

A `Tradeoff` holds the question, the criteria (decision drivers) with their weights,
the options with their scores, arguments ("Good, because ...") and descriptions, an
optional baseline, and the chosen option with the reason. From that it computes:

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

It also renders itself: a static, accessible HTML table (`to_html`, `_repr_html_`),
MADR markdown (`to_markdown`), and a code comment (`to_comment`). It reads and writes
the `tradeoffs` section of a decision's data file (see `adrkit.datafile`).

Pure: the standard library and PyYAML only; pandas is imported inside `to_frame`.
"""
from __future__ import annotations

import copy
import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .errors import NotFoundError, UsageError, ValidationError

__all__ = [
    "KINDS",
    "DEFAULT_SCALE",
    "FRAGILE_PERCENT",
    "SENSITIVE_PERCENT",
    "CONSISTENCY_LIMIT",
    "Criterion",
    "Argument",
    "Option",
    "Judgement",
    "Tradeoff",
    "RankedOption",
    "Ranking",
    "PughRow",
    "Pugh",
    "Flip",
    "WeightSensitivity",
    "Sensitivity",
    "AhpResult",
    "ahp_weights",
    "comment_marker",
    "load_tradeoffs",
    "load_tradeoff",
    "save_tradeoff",
]

KINDS = ("good", "neutral", "bad")  # argument kinds, MADR's "Good/Neutral/Bad, because"
DEFAULT_SCALE = (1.0, 5.0)
FRAGILE_PERCENT = 10.0     # a weight change this small (or smaller) flips it: fragile
SENSITIVE_PERCENT = 50.0   # up to this much: sensitive; beyond (or never): robust
CONSISTENCY_LIMIT = 0.10   # Saaty: a consistency ratio at or above this is a warning
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
            9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}

_KIND_LABEL = {"good": "Good", "neutral": "Neutral", "bad": "Bad"}


# --- the model -----------------------------------------------------------------------

@dataclass
class Criterion:
    """A decision driver and how much it matters (any non-negative number)."""

    name: str
    weight: float = 1.0
    description: str = ""


@dataclass
class Argument:
    """One "Good/Neutral/Bad, because <text>", optionally about one criterion."""

    kind: str
    text: str
    criterion: str | None = None

    @property
    def label(self) -> str:
        return f"{_KIND_LABEL.get(self.kind, self.kind.title())}, because {self.text}"


@dataclass
class Option:
    """A considered option: its scores by criterion name, and its arguments."""

    name: str
    description: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    arguments: list[Argument] = field(default_factory=list)

    def arguments_of(self, kind: str) -> list[Argument]:
        return [a for a in self.arguments if a.kind == kind]


@dataclass
class Judgement:
    """A pairwise comparison: criterion `a` is `ratio` times as important as `b`."""

    a: str
    b: str
    ratio: float


# --- results ---------------------------------------------------------------------------

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
            of_total = f" ({_fine(share, 1)} % of the total)" if share is not None else ""
            return (f"giving it a weight of {_fine(self.weight + f.change)}{of_total} brings "
                    f"{f.challenger} level; any more and it wins")
        return (f"{_signed(pct)} % ({_fine(self.weight)} → {_fine(self.weight + f.change)}) brings "
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


# --- small helpers -----------------------------------------------------------------------

def _num(x: float | int | None, places: int = 2) -> str:
    """A number for people: integers plain, others with up to `places` decimals."""
    if x is None:
        return ""
    if isinstance(x, float) and math.isinf(x):
        return "∞"
    if float(x).is_integer():
        return str(int(x))
    text = _strip(f"{x:.{places}f}")
    if text in ("0", "-0"):  # a nonzero number that rounds to 0: show its first digits
        text = _strip(f"{x:.{_places_for(x, places, 2)}f}")
    return text


def _strip(text: str) -> str:
    """Trailing zeros of the decimals, and a bare decimal point, removed."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _places_for(x: float, places: int, digits: int) -> int:
    """At least `places` decimals, more if needed to show `digits` significant digits."""
    x = abs(float(x))
    if x == 0 or not math.isfinite(x):
        return places
    return max(places, digits - 1 - math.floor(math.log10(x)))


def _fine(x: float | int | None, places: int = 2) -> str:
    """Like `_num`, but a number too small for `places` decimals to show two significant
    digits gets three (0.0125 is '0.0125', not '0.01'; 0.25 stays '0.25')."""
    if x is None or isinstance(x, bool) or not math.isfinite(float(x)) or abs(x) >= 10 ** (1 - places):
        return _num(x, places)
    return _num(x, _places_for(x, places, 3))


def _signed(x: float) -> str:
    """A signed amount ('+1.5', '−0.0042'); '' for zero, never '−0'."""
    text = _num(abs(x), 1 if abs(x) >= 10 else 2)
    if text == "0":
        return ""
    return ("+" if x > 0 else "−") + text


def _plain(x: float) -> float | int:
    """Store integral numbers as int so the YAML reads '5', not '5.0'."""
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return x
    return int(x) if float(x).is_integer() else float(x)


def _at(where: str | None, *parts: str) -> str:
    return ", ".join(p for p in (where, *parts) if p)


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _number(value: Any, *, path: Any, where: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(float(value)):
        raise ValidationError(f"{what} must be a number, not {value!r}", path=path, where=where,
                              fix="write a plain number such as 3 or 0.5")
    return float(value)


def _text(value: Any, *, path: Any, where: str, what: str, required: bool = False) -> str:
    if value is None:
        if required:
            raise ValidationError(f"{what} is missing", path=path, where=where, fix=f"add '{what}: ...'")
        return ""
    if isinstance(value, (dict, list)):
        raise ValidationError(f"{what} must be text", path=path, where=where,
                              fix="write it on one line, quoted if it contains ': '")
    text = str(value).strip()
    if required and not text:
        raise ValidationError(f"{what} is empty", path=path, where=where, fix=f"give it a {what}")
    return text


def _tol(scale: tuple[float, float]) -> float:
    return 1e-9 * max(1.0, abs(scale[0]), abs(scale[1]))


# --- the trade-off ------------------------------------------------------------------------

@dataclass
class Tradeoff:
    """A weighted comparison of options for one question."""

    question: str = ""
    criteria: list[Criterion] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    scale: tuple[float, float] = DEFAULT_SCALE
    baseline: str | None = None
    chosen: str | None = None
    because: str = ""
    pairwise: list[Judgement] = field(default_factory=list)

    # --- lookup --------------------------------------------------------------------
    @property
    def criterion_names(self) -> list[str]:
        return [c.name for c in self.criteria]

    @property
    def option_names(self) -> list[str]:
        return [o.name for o in self.options]

    def option(self, name: str) -> Option:
        for o in self.options:
            if o.name == name:
                return o
        raise ValidationError(f'no option named "{name}"', where="options",
                              fix="use one of " + (_quoted(self.option_names) or "the options (none yet)"))

    def criterion(self, name: str) -> Criterion:
        for c in self.criteria:
            if c.name == name:
                return c
        raise ValidationError(f'no criterion named "{name}"', where="criteria",
                              fix="use one of " + (_quoted(self.criterion_names) or "the criteria (none yet)"))

    @property
    def middle(self) -> float:
        low, high = self.scale
        mid = (low + high) / 2
        return float(math.floor(mid)) if float(low).is_integer() and float(high).is_integer() else mid

    def copy(self) -> "Tradeoff":
        return copy.deepcopy(self)

    # --- edits (used by the widget; each keeps the table consistent) ------------------
    def add_option(self, name: str, description: str = "") -> Option:
        name = self._new_name(name, self.option_names, "option")
        opt = Option(name, description.strip(), {c.name: self.middle for c in self.criteria})
        self.options.append(opt)
        return opt

    def rename_option(self, old: str, new: str) -> None:
        opt = self.option(old)
        if new.strip() == old:
            return
        new = self._new_name(new, self.option_names, "option")
        opt.name = new
        if self.baseline == old:
            self.baseline = new
        if self.chosen == old:
            self.chosen = new

    def remove_option(self, name: str) -> None:
        self.options.remove(self.option(name))
        if self.baseline == name:
            self.baseline = None
        if self.chosen == name:
            self.chosen = None

    def add_criterion(self, name: str, weight: float = 1.0, description: str = "") -> Criterion:
        name = self._new_name(name, self.criterion_names, "criterion")
        crit = Criterion(name, float(weight), description.strip())
        self.criteria.append(crit)
        for opt in self.options:
            opt.scores.setdefault(name, self.middle)
        if self.pairwise:
            self.complete_pairwise()
        return crit

    def rename_criterion(self, old: str, new: str) -> None:
        crit = self.criterion(old)
        if new.strip() == old:
            return
        new = self._new_name(new, self.criterion_names, "criterion")
        crit.name = new
        for opt in self.options:
            if old in opt.scores:
                opt.scores = {(new if k == old else k): v for k, v in opt.scores.items()}
            for arg in opt.arguments:
                if arg.criterion == old:
                    arg.criterion = new
        for j in self.pairwise:
            j.a = new if j.a == old else j.a
            j.b = new if j.b == old else j.b

    def remove_criterion(self, name: str) -> None:
        self.criteria.remove(self.criterion(name))
        for opt in self.options:
            opt.scores.pop(name, None)
            for arg in opt.arguments:
                if arg.criterion == name:
                    arg.criterion = None
        self.pairwise = [j for j in self.pairwise if name not in (j.a, j.b)]

    def set_weight(self, criterion: str, weight: float) -> None:
        self.criterion(criterion).weight = float(weight)

    def set_score(self, option: str, criterion: str, score: float) -> None:
        self.criterion(criterion)
        self.option(option).scores[criterion] = float(score)

    def add_argument(self, option: str, kind: str, text: str, criterion: str | None = None) -> Argument:
        arg = Argument(kind, text.strip(), criterion or None)
        self.option(option).arguments.append(arg)
        return arg

    def remove_argument(self, option: str, index: int) -> None:
        del self.option(option).arguments[index]

    def set_judgement(self, a: str, b: str, ratio: float) -> None:
        """Record that `a` is `ratio` times as important as `b` (replacing any earlier)."""
        self.criterion(a), self.criterion(b)
        self.pairwise = [j for j in self.pairwise if {j.a, j.b} != {a, b}]
        self.pairwise.append(Judgement(a, b, float(ratio)))
        self.complete_pairwise()

    def complete_pairwise(self) -> None:
        """Add an 'equally important' judgement for every pair not yet compared."""
        pairs = {frozenset((j.a, j.b)) for j in self.pairwise}
        names = self.criterion_names
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if frozenset((a, b)) not in pairs:
                    self.pairwise.append(Judgement(a, b, 1.0))

    def judgement(self, a: str, b: str) -> float | None:
        """How many times as important `a` is as `b`, if compared."""
        for j in self.pairwise:
            if (j.a, j.b) == (a, b):
                return j.ratio
            if (j.a, j.b) == (b, a):
                return 1.0 / j.ratio
        return None

    @staticmethod
    def _new_name(name: str, taken: Sequence[str], what: str) -> str:
        name = " ".join(str(name).split())
        if not name:
            raise ValidationError(f"the new {what} has no name", where=what, fix=f"type a name for the {what}")
        if name in taken:
            raise ValidationError(f'there is already an {what} named "{name}"' if what == "option"
                                  else f'there is already a {what} named "{name}"',
                                  where=what, fix="give it a different name")
        return name

    # --- dict / YAML ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The shape stored under `tradeoffs.<name>` in the data file."""
        data: dict[str, Any] = {}
        if self.question:
            data["question"] = self.question
        data["scale"] = {"min": _plain(self.scale[0]), "max": _plain(self.scale[1])}
        data["criteria"] = []
        for c in self.criteria:
            item: dict[str, Any] = {"name": c.name, "weight": _plain(c.weight)}
            if c.description:
                item["description"] = c.description
            data["criteria"].append(item)
        data["options"] = []
        for o in self.options:
            item = {"name": o.name}
            if o.description:
                item["description"] = o.description
            item["scores"] = {k: _plain(v) for k, v in o.scores.items()}
            if o.arguments:
                item["arguments"] = []
                for a in o.arguments:
                    arg: dict[str, Any] = {a.kind: a.text}
                    if a.criterion:
                        arg["criterion"] = a.criterion
                    item["arguments"].append(arg)
            data["options"].append(item)
        if self.baseline:
            data["baseline"] = self.baseline
        if self.chosen:
            data["chosen"] = self.chosen
        if self.because:
            data["because"] = self.because
        if self.pairwise:
            data["pairwise"] = [{"a": j.a, "b": j.b, "ratio": _plain(j.ratio)} for j in self.pairwise]
        return data

    @classmethod
    def from_dict(cls, data: Any, *, path: Any = None, where: str | None = None) -> "Tradeoff":
        """Build from the data-file shape. Raises ValidationError naming the field for
        anything of the wrong type; rules across fields are checked by `validate`."""
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ValidationError("a trade-off must be a mapping of keys", path=path, where=where,
                                  fix="write 'question:', 'criteria:' and 'options:' under its name")
        known = {"question", "scale", "criteria", "options", "baseline", "chosen", "because", "pairwise"}
        unknown = [k for k in data if k not in known]
        if unknown:
            raise ValidationError(f"unknown key '{unknown[0]}'", path=path, where=_at(where, str(unknown[0])),
                                  fix="use " + ", ".join(sorted(known)))
        t = cls(question=_text(data.get("question"), path=path, where=_at(where, "question"), what="question"))
        t.scale = _read_scale(data.get("scale"), path=path, where=_at(where, "scale"))
        t.criteria = _read_list(data.get("criteria"), "criteria", path, where, _read_criterion)
        t.options = _read_list(data.get("options"), "options", path, where, _read_option)
        for key in ("baseline", "chosen"):
            value = _text(data.get(key), path=path, where=_at(where, key), what=key)
            setattr(t, key, value or None)
        t.because = _text(data.get("because"), path=path, where=_at(where, "because"), what="because")
        t.pairwise = _read_list(data.get("pairwise"), "pairwise", path, where, _read_judgement)
        return t

    # --- validation --------------------------------------------------------------------
    def problems(self, *, path: Any = None, where: str | None = None) -> list[ValidationError]:
        """Every broken rule, each naming its field and the fix."""
        out: list[ValidationError] = []

        def bad(message: str, at: str, fix: str) -> None:
            out.append(ValidationError(message, path=path, where=_at(where, at), fix=fix))

        low, high = self.scale
        if not low < high:
            bad(f"the scale runs from {_num(low)} to {_num(high)}", "scale",
                "give a smaller 'min' than 'max', e.g. {min: 1, max: 5}")
        crit_names = self.criterion_names
        for name in _duplicates(crit_names):
            bad(f'two criteria are named "{name}"', "criteria", "give each criterion its own name")
        for name in _duplicates(self.option_names):
            bad(f'two options are named "{name}"', "options", "give each option its own name")
        for c in self.criteria:
            if c.weight < 0 or not math.isfinite(c.weight):
                bad(f'the weight of "{c.name}" is {_num(c.weight, 6)}', f'criterion "{c.name}", weight',
                    "give a weight of 0 or more")
        if self.criteria and all(c.weight == 0 for c in self.criteria):
            bad("every weight is 0, so nothing can be ranked", "criteria",
                "give at least one criterion a weight above 0")
        known = set(crit_names)
        valid = ", ".join(f'"{n}"' for n in crit_names)
        use = f"use one of {valid}" if valid else "add the criteria first"
        for o in self.options:
            at = f'option "{o.name}"'
            for k, v in o.scores.items():
                if k not in known:
                    bad(f'score for "{k}", which is not a criterion', f"{at}, scores",
                        f"{use}, or add \"{k}\" to the criteria" if valid else f'add "{k}" to the criteria')
                elif not math.isfinite(v) or not low <= v <= high:
                    bad(f'score {_num(v)} for "{k}" is outside the scale {_num(low)} to {_num(high)}',
                        f"{at}, scores", f"give a number from {_num(low)} to {_num(high)}")
            for c in crit_names:
                if c not in o.scores:
                    bad(f'no score for "{c}"', f"{at}, scores",
                        f"add '{c}: <{_num(low)} to {_num(high)}>' under scores")
            for i, a in enumerate(o.arguments):
                if a.kind not in KINDS:
                    bad(f"argument {i + 1} is of unknown kind '{a.kind}'", f"{at}, arguments",
                        "use good, neutral or bad")
                if not a.text:
                    bad(f"argument {i + 1} has no text", f"{at}, arguments", "say why, or remove it")
                if a.criterion and a.criterion not in known:
                    bad(f'argument {i + 1} is about "{a.criterion}", which is not a criterion',
                        f"{at}, arguments", f"{use}, or leave 'criterion' out")
        options = set(self.option_names)
        for key in ("baseline", "chosen"):
            value = getattr(self, key)
            if value and value not in options:
                bad(f'{key} "{value}" is not one of the options', key,
                    "use one of " + (_quoted(self.option_names) or "the options (none yet)"))
        seen: set[frozenset[str]] = set()
        for j in self.pairwise:
            at = f'pairwise "{j.a}" vs "{j.b}"'
            for n in (j.a, j.b):
                if n not in known:
                    bad(f'"{n}" is not a criterion', at, use)
            if j.a == j.b:
                bad("compares a criterion with itself", at, "compare two different criteria")
            if not (j.ratio > 0 and math.isfinite(j.ratio)):
                bad(f"ratio {_num(j.ratio)} is not above 0", at,
                    "use 1 to 9 when a matters more, 1/9 to 1 when b does")
            pair = frozenset((j.a, j.b))
            if pair in seen:
                bad("compares this pair twice", at, "keep one comparison per pair")
            seen.add(pair)
        if self.pairwise and not out:
            pairs = {frozenset((j.a, j.b)) for j in self.pairwise}
            for i, a in enumerate(crit_names):
                for b in crit_names[i + 1:]:
                    if frozenset((a, b)) not in pairs:
                        bad(f'no comparison of "{a}" with "{b}"', "pairwise",
                            f"add '- {{a: {a}, b: {b}, ratio: 1}}' (or drop 'pairwise')")
        return out

    def validate(self, *, path: Any = None, where: str | None = None) -> list[str]:
        """Raise the first broken rule as a ValidationError (saying how many more there
        are); return the warnings, which do not stop ranking."""
        found = self.problems(path=path, where=where)
        if found:
            first = found[0]
            if len(found) > 1:
                first.fix = f"{first.fix} ({len(found) - 1} more problem{'s' if len(found) > 2 else ''} after this)"
            raise first
        return self.warnings()

    def warnings(self) -> list[str]:
        """Things worth saying that are not errors: the chosen option is not the top-ranked
        one, inconsistent pairwise comparisons, weights that no longer follow them."""
        notes = []
        if self.problems():
            return notes
        ranking = self.ranking()
        if self.chosen and ranking.winners and self.chosen not in ranking.winners:
            top = " and ".join(f'"{n}"' for n in ranking.winners)
            notes.append(f'The chosen option "{self.chosen}" is not the top-ranked one ({top}); '
                         "say why in the reason, or revisit the weights and scores.")
        if self.pairwise and len(self.criteria) >= 3:
            ahp = self.ahp()
            if not ahp.consistent:
                notes.append(f"The pairwise comparisons are inconsistent: consistency ratio "
                             f"{ahp.cr:.2f} (0.10 or more); revisit them.")
        if self.pairwise and len(self.criteria) >= 2:
            ahp = self.ahp()
            total = sum(c.weight for c in self.criteria)
            if any(abs(c.weight / total - ahp.weights[c.name]) > 0.005 for c in self.criteria):
                notes.append("The weights differ from the ones the pairwise comparisons give; "
                             "apply the pairwise weights again, or drop the comparisons.")
        return notes

    def _require_valid(self) -> None:
        found = self.problems()
        if found:
            raise found[0]

    # --- analysis -------------------------------------------------------------------
    def _matrix(self) -> tuple[list[float], list[list[float]]]:
        weights = [c.weight for c in self.criteria]
        names = self.criterion_names
        rows = [[o.scores[n] for n in names] for o in self.options]
        return weights, rows

    def totals(self) -> dict[str, float]:
        """Each option's weighted sum with the weights normalized (on the score scale)."""
        self._require_valid()
        weights, rows = self._matrix()
        return dict(zip(self.option_names, _totals(weights, rows)))

    def ranking(self) -> Ranking:
        """Options best first, ties sharing a rank."""
        self._require_valid()
        weights, rows = self._matrix()
        return _rank(self.option_names, _totals(weights, rows), _tol(self.scale))

    def pugh(self, baseline: str | None = None) -> Pugh:
        """Better / same / worse than the baseline, per criterion, with counts."""
        self._require_valid()
        base_name = baseline or self.baseline
        if not base_name:
            raise ValidationError("there is no baseline to compare with", where="baseline",
                                  fix="set 'baseline' to one of " + (_quoted(self.option_names) or "the options"))
        base = self.option(base_name)
        rows = []
        for o in self.options:
            if o.name == base.name:
                continue
            marks = {}
            for c in self.criteria:
                diff = o.scores[c.name] - base.scores[c.name]
                marks[c.name] = (diff > 0) - (diff < 0)
            values = list(marks.values())
            weighted = sum(c.weight * marks[c.name] for c in self.criteria)
            rows.append(PughRow(o.name, marks, values.count(1), values.count(0), values.count(-1),
                                weighted))
        return Pugh(base.name, tuple(self.criterion_names), tuple(rows))

    def sensitivity(self) -> Sensitivity:
        """For each criterion, the smallest change of its weight that costs the winner
        first place, and a verdict on how robust the win is (see the module docstring)."""
        self._require_valid()
        weights, rows = self._matrix()
        names = self.option_names
        if not self.criteria or len(self.options) < 2:
            return Sensitivity(None, (), None, 0.0, (), "incomplete",
                               "Add at least two options and one criterion to rank them.")
        total_w = sum(weights)
        sums = [sum(w * s for w, s in zip(weights, row)) for row in rows]
        ranking = _rank(names, [a / total_w for a in sums], _tol(self.scale))
        if ranking.tied:
            tied = tuple(ranking.winners)
            return Sensitivity(None, tied, None, 0.0, (), "tied",
                               f"{_and(tied)} tie for first place: any change that favours one "
                               "of them decides it.")
        win = names.index(ranking.winner)  # type: ignore[arg-type]
        second = ranking.entries[1]
        per_weight = []
        for k, crit in enumerate(self.criteria):
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
        verdict, summary = _verdict(ranking.winner, margin, per_weight, self.scale)  # type: ignore[arg-type]
        return Sensitivity(ranking.winner, (), second.name, margin, tuple(per_weight), verdict, summary)

    def with_weight(self, criterion: str, weight: float) -> "Tradeoff":
        """A copy with one weight changed (to try out a sensitivity result)."""
        other = self.copy()
        other.set_weight(criterion, weight)
        return other

    def ahp(self) -> AhpResult:
        """Weights from the pairwise comparisons, and their consistency."""
        self._require_valid()
        if not self.pairwise:
            raise ValidationError("there are no pairwise comparisons", where="pairwise",
                                  fix="add '- {a: X, b: Y, ratio: 3}' for each pair of criteria")
        return ahp_weights(self.criterion_names, [(j.a, j.b, j.ratio) for j in self.pairwise])

    def apply_ahp(self, places: int = 4) -> AhpResult:
        """Set the criteria weights to the pairwise-comparison weights (rounded)."""
        result = self.ahp()
        for c in self.criteria:
            c.weight = round(result.weights[c.name], places)
        return result

    # --- representations ----------------------------------------------------------------
    def to_frame(self):
        """A pandas DataFrame: options (best first) x criteria, weighted total, rank."""
        import pandas as pd

        ranking = self.ranking()
        rows = []
        for e in ranking:
            opt = self.option(e.name)
            rows.append({**{c: opt.scores[c] for c in self.criterion_names},
                         "weighted total": e.total, "rank": e.rank})
        frame = pd.DataFrame(rows, index=pd.Index(ranking.names, name="option"),
                             columns=[*self.criterion_names, "weighted total", "rank"])
        frame.attrs["weights"] = {c.name: c.weight for c in self.criteria}
        return frame

    def to_html(self) -> str:
        """A static, accessible HTML rendering: scores, totals and ranks, the Pugh view,
        the sensitivity and warnings. No scripts; every text is escaped."""
        return _render_html(self)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_markdown(self, heading_level: int = 2) -> str:
        """MADR sections: Considered Options (with a score table), Decision Outcome and
        Pros and Cons of the Options."""
        return _render_markdown(self, heading_level)

    def to_comment(self, language: str = "java", *, over: str | Sequence[str] | None = None) -> str:
        """'// Using X over Y because:' with '+' and '-' lines from X's arguments; the
        comment marker follows the language (name or file suffix). With nothing chosen
        and a tie for first place it names the tie instead (`over` is then only checked),
        with each tied option's arguments. No text can end the comment early."""
        return _render_comment(self, language, over)

    # --- files -------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, name: str = "main") -> "Tradeoff":
        """The trade-off `name` from a data file."""
        from .datafile import read_data

        path = Path(path)
        tables = load_tradeoffs(read_data(path), path=path)
        if name not in tables:
            raise NotFoundError(f"no trade-off named '{name}'", path=path, where="tradeoffs",
                                fix="use one of " + (", ".join(tables) or "(none yet: add one in the widget)"))
        return tables[name]

    def save(self, path: str | Path, name: str = "main", *, force: bool = False) -> None:
        """Validate, then write this trade-off into the data file atomically."""
        from .datafile import data_file

        self.validate(path=path, where=f"tradeoffs.{name}")
        data_file(path).put("tradeoffs", name, self.to_dict(), force=force)


def load_tradeoffs(data: dict[str, Any], *, path: Any = None) -> dict[str, Tradeoff]:
    """Every trade-off in a data-file dict (as `adrkit.datafile.read_data` returns it),
    by name. Types are checked here; call `.validate()` for the rules across fields."""
    section = (data or {}).get("tradeoffs") or {}
    if not isinstance(section, dict):
        raise ValidationError("'tradeoffs' must map names to tables", path=path, where="tradeoffs",
                              fix="write 'tradeoffs:' then '  main:' and the fields under it")
    return {str(name): Tradeoff.from_dict(value, path=path, where=f"tradeoffs.{name}")
            for name, value in section.items()}


def load_tradeoff(path: str | Path, name: str = "main") -> Tradeoff:
    return Tradeoff.load(path, name)


def save_tradeoff(tradeoff: Tradeoff, path: str | Path, name: str = "main", *, force: bool = False) -> None:
    tradeoff.save(path, name, force=force)


# --- reading the dict shape ---------------------------------------------------------------

def _read_list(value: Any, key: str, path: Any, where: str | None, reader) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"'{key}' must be a list", path=path, where=_at(where, key),
                              fix=f"write each item on a '- ' line under '{key}:'")
    return [reader(item, path=path, where=_at(where, f"{key}[{i + 1}]")) for i, item in enumerate(value)]


def _read_scale(value: Any, *, path: Any, where: str) -> tuple[float, float]:
    if value is None:
        return DEFAULT_SCALE
    if isinstance(value, dict) and set(value) <= {"min", "max"} and len(value) == 2:
        low, high = value["min"], value["max"]
    elif isinstance(value, list) and len(value) == 2:
        low, high = value
    else:
        raise ValidationError("scale must say its min and max", path=path, where=where,
                              fix="write 'scale: {min: 1, max: 5}'")
    return (_number(low, path=path, where=where, what="scale min"),
            _number(high, path=path, where=where, what="scale max"))


def _read_criterion(item: Any, *, path: Any, where: str) -> Criterion:
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict):
        raise ValidationError("a criterion must be a mapping", path=path, where=where,
                              fix="write '- {name: Cost, weight: 3}'")
    extra = set(item) - {"name", "weight", "description"}
    if extra:
        raise ValidationError(f"unknown key '{sorted(extra)[0]}'", path=path, where=where,
                              fix="use name, weight, description")
    name = _text(item.get("name"), path=path, where=where, what="name", required=True)
    where = where.rsplit(", ", 1)[0] + f', criterion "{name}"' if ", " in where else f'criterion "{name}"'
    weight = item.get("weight", 1)
    return Criterion(name, _number(weight, path=path, where=_at(where, "weight"), what="weight"),
                     _text(item.get("description"), path=path, where=where, what="description"))


def _read_option(item: Any, *, path: Any, where: str) -> Option:
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict):
        raise ValidationError("an option must be a mapping", path=path, where=where,
                              fix="write '- name: PostgreSQL' and its scores under it")
    extra = set(item) - {"name", "description", "scores", "arguments"}
    if extra:
        raise ValidationError(f"unknown key '{sorted(extra)[0]}'", path=path, where=where,
                              fix="use name, description, scores, arguments")
    name = _text(item.get("name"), path=path, where=where, what="name", required=True)
    where = where.rsplit(", ", 1)[0] + f', option "{name}"' if ", " in where else f'option "{name}"'
    scores_raw = item.get("scores") or {}
    if not isinstance(scores_raw, dict):
        raise ValidationError("scores must map criteria to numbers", path=path, where=_at(where, "scores"),
                              fix="write 'scores: {Cost: 4, Latency: 3}'")
    scores = {str(k): _number(v, path=path, where=_at(where, "scores", f'"{k}"'), what=f'score for "{k}"')
              for k, v in scores_raw.items()}
    args = _read_list(item.get("arguments"), "arguments", path, where, _read_argument)
    return Option(name, _text(item.get("description"), path=path, where=where, what="description"),
                  scores, args)


def _read_argument(item: Any, *, path: Any, where: str) -> Argument:
    if isinstance(item, str):
        text = item.strip()
        for kind in KINDS:
            prefix = f"{kind}, because"
            if text.lower().startswith(prefix):
                return Argument(kind, text[len(prefix):].strip())
        raise ValidationError(f"argument {text!r} does not say good, neutral or bad", path=path,
                              where=where, fix="write '- good: <text>' (or neutral: / bad:)")
    if not isinstance(item, dict):
        raise ValidationError("an argument must be a mapping", path=path, where=where,
                              fix="write '- good: <text>' with an optional 'criterion: <name>'")
    kinds = [k for k in KINDS if k in item]
    extra = set(item) - {*KINDS, "criterion"}
    if len(kinds) != 1 or extra:
        raise ValidationError("an argument needs exactly one of good, neutral or bad", path=path,
                              where=where, fix="write '- good: <text>' with an optional 'criterion: <name>'")
    kind = kinds[0]
    text = _text(item[kind], path=path, where=where, what=kind)
    criterion = _text(item.get("criterion"), path=path, where=where, what="criterion") or None
    return Argument(kind, text, criterion)


def _read_judgement(item: Any, *, path: Any, where: str) -> Judgement:
    if isinstance(item, list) and len(item) == 3:
        a, b, ratio = item
    elif isinstance(item, dict) and set(item) == {"a", "b", "ratio"}:
        a, b, ratio = item["a"], item["b"], item["ratio"]
    else:
        raise ValidationError("a pairwise comparison needs a, b and ratio", path=path, where=where,
                              fix="write '- {a: Cost, b: Latency, ratio: 3}' (Cost matters 3 times as much)")
    if isinstance(ratio, str) and "/" in ratio:  # "1/3"
        num, _, den = ratio.partition("/")
        try:
            ratio = float(num) / float(den)
        except (ValueError, ZeroDivisionError):
            pass
    return Judgement(_text(a, path=path, where=where, what="a", required=True),
                     _text(b, path=path, where=where, what="b", required=True),
                     _number(ratio, path=path, where=where, what="ratio"))


def _duplicates(names: Iterable[str]) -> list[str]:
    seen, dup = set(), []
    for n in names:
        if n in seen and n not in dup:
            dup.append(n)
        seen.add(n)
    return dup


# --- computations --------------------------------------------------------------------------

def _totals(weights: list[float], rows: list[list[float]]) -> list[float]:
    total_w = sum(weights)
    if not weights or total_w <= 0:
        return [0.0 for _ in rows]
    return [sum(w * s for w, s in zip(weights, row)) / total_w for row in rows]


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


def _and(names: Sequence[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _verdict(winner: str, margin: float, weights: list[WeightSensitivity],
             scale: tuple[float, float]) -> tuple[str, str]:
    lead = f'"{winner}" leads by {_num(margin, 2)} (on the scale {_num(scale[0])} to {_num(scale[1])}).'
    flips = [w for w in weights if w.flip is not None]
    if not flips:
        return "robust", (f"{lead} Robust: no change of any single weight makes another option win.")
    # A zero weight has no percent change; it is judged by its new share of the total.
    closest = min(flips, key=lambda w: w.size)
    pct = closest.size
    if closest.percent is None:
        of_total = f" ({_fine(closest.share, 1)} % of the total)" if closest.share is not None else ""
        detail = (f'giving "{closest.criterion}" a weight of {_fine(closest.new_weight)}{of_total} '
                  f'brings "{closest.challenger}" level, and any more makes it win')
    else:
        detail = (f'changing the weight of "{closest.criterion}" by {_signed(closest.percent)} % '  # type: ignore[arg-type]
                  f'({_fine(closest.weight)} → {_fine(closest.new_weight)}) brings "{closest.challenger}" '
                  "level, and any further change makes it win")
    if pct <= FRAGILE_PERCENT + 1e-9:
        return "fragile", f"{lead} Fragile: {detail}."
    if pct <= SENSITIVE_PERCENT + 1e-9:
        return "sensitive", f"{lead} Sensitive: {detail}."
    return "robust", (f"{lead} Robust: no single weight change under {_num(SENSITIVE_PERCENT)} % "
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


# --- HTML ------------------------------------------------------------------------------------

_CSS = """
.adrkit-tradeoff table{border-collapse:collapse;margin:0.4em 0 1em 0}
.adrkit-tradeoff caption{text-align:left;font-weight:600;padding:0.2em 0}
.adrkit-tradeoff th,.adrkit-tradeoff td{border:1px solid #c8c8c8;padding:0.25em 0.6em}
.adrkit-tradeoff td{text-align:right}
.adrkit-tradeoff th[scope=row]{text-align:left;font-weight:normal}
.adrkit-tradeoff tr.adrkit-winner th,.adrkit-tradeoff tr.adrkit-winner td{font-weight:700}
.adrkit-tradeoff .adrkit-note{font-size:0.9em;font-weight:normal}
.adrkit-tradeoff .adrkit-warning{border-left:4px solid #b26b00;padding-left:0.5em}
""".strip()


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _render_html(t: Tradeoff) -> str:
    parts = ['<div class="adrkit-tradeoff">', f"<style>{_CSS}</style>"]
    problems = t.problems()
    title = t.question or "Trade-off"
    if problems:
        parts.append(f"<p><strong>{_e(title)}</strong></p>")
        parts.append('<p class="adrkit-warning" role="alert">This trade-off cannot be ranked yet:</p><ul>')
        parts += [f"<li>{_e(p)}</li>" for p in problems]
        parts.append("</ul></div>")
        return "\n".join(parts)
    if not t.options or not t.criteria:
        parts.append(f"<p><strong>{_e(title)}</strong></p>")
        parts.append("<p>Add at least one option and one criterion to rank the options.</p></div>")
        return "\n".join(parts)
    ranking = t.ranking()
    sens = t.sensitivity()
    total_w = sum(c.weight for c in t.criteria)
    low, high = t.scale
    # scores, totals and ranks
    parts.append('<table class="adrkit-scores">')
    parts.append(f"<caption>{_e(title)} <span class=\"adrkit-note\">(scores {_e(_num(low))} to "
                 f"{_e(_num(high))}, higher is better; weights normalized)</span></caption>")
    head = ['<th scope="col">Option</th>']
    for c in t.criteria:
        share = c.weight / total_w * 100
        desc = f' title="{_e(c.description)}"' if c.description else ""
        head.append(f'<th scope="col"{desc}>{_e(c.name)}<br><span class="adrkit-note">weight '
                    f"{_e(_num(c.weight))} ({_e(_num(share, 0))} %)</span></th>")
    head += ['<th scope="col">Weighted total</th>', '<th scope="col">Rank</th>']
    parts.append("<thead><tr>" + "".join(head) + "</tr></thead><tbody>")
    for e in ranking:
        opt = t.option(e.name)
        marks = []
        if e.rank == 1:
            marks.append("★ tied first" if ranking.tied else "★ top-ranked")
        if e.name == t.chosen:
            marks.append("✓ chosen")
        if e.name == t.baseline:
            marks.append("baseline")
        note = f' <span class="adrkit-note">({_e(", ".join(marks))})</span>' if marks else ""
        desc = f'<br><span class="adrkit-note">{_e(opt.description)}</span>' if opt.description else ""
        cls = ' class="adrkit-winner"' if e.rank == 1 else ""
        cells = "".join(f"<td>{_e(_num(opt.scores[c]))}</td>" for c in t.criterion_names)
        rank = f"{e.rank}=" if any(e.name in g for g in ranking.ties()) else str(e.rank)
        parts.append(f'<tr{cls}><th scope="row">{_e(e.name)}{note}{desc}</th>{cells}'
                     f"<td>{_e(f'{e.total:.2f}')}</td><td>{_e(rank)}</td></tr>")
    parts.append("</tbody></table>")
    # outcome and warnings
    parts.append(f"<p>{_e(_outcome_sentence(t, ranking))}</p>")
    for note in t.warnings():
        parts.append(f'<p class="adrkit-warning" role="note"><strong>Note:</strong> {_e(note)}</p>')
    # sensitivity
    parts.append(f'<p class="adrkit-verdict"><strong>Sensitivity: {_e(sens.verdict)}.</strong> '
                 f"{_e(sens.summary)}</p>")
    if sens.weights:
        parts.append('<table class="adrkit-sensitivity">')
        parts.append(f"<caption>Smallest change of one weight that brings another option level with "
                     f"{_e(_and([sens.winner]))} <span class=\"adrkit-note\">(any further change makes it "
                     "win)</span></caption>")
        parts.append('<thead><tr><th scope="col">Criterion</th><th scope="col">Weight</th>'
                     '<th scope="col">Change</th><th scope="col">New weight</th>'
                     '<th scope="col">Level, then ahead</th></tr></thead><tbody>')
        for w in sens.weights:
            if w.flip is None:
                parts.append(f'<tr><th scope="row">{_e(w.criterion)}</th><td>{_e(_num(w.weight))}</td>'
                             '<td colspan="3" style="text-align:left">no change of this weight alone '
                             "flips it</td></tr>")
                continue
            change = _signed(w.change)  # type: ignore[arg-type]
            if w.percent is not None:
                pct = f" ({_signed(w.percent)} %)"
            else:  # a zero weight, raised: the change is the new weight
                change = f"+{_fine(w.change)}"
                pct = f" ({_fine(w.share, 1)} % of the total)" if w.share is not None else ""
            parts.append(f'<tr><th scope="row">{_e(w.criterion)}</th><td>{_e(_num(w.weight))}</td>'
                         f"<td>{_e(change + pct)}</td><td>{_e(_fine(w.new_weight))}</td>"  # type: ignore[arg-type]
                         f'<td style="text-align:left">{_e(w.challenger)}</td></tr>')
        parts.append("</tbody></table>")
    # Pugh
    if t.baseline and len(t.options) > 1:
        pugh = t.pugh()
        symbol = {1: ("+", "better"), 0: ("S", "same"), -1: ("−", "worse")}
        parts.append('<table class="adrkit-pugh">')
        parts.append(f"<caption>Pugh matrix against the baseline {_e(_and([pugh.baseline]))} "
                     '<span class="adrkit-note">(+ better, S same, − worse)</span></caption>')
        head = ['<th scope="col">Option</th>'] + [f'<th scope="col">{_e(c)}</th>' for c in pugh.criteria]
        head += ['<th scope="col">Better</th>', '<th scope="col">Same</th>', '<th scope="col">Worse</th>',
                 '<th scope="col">Weighted</th>']
        parts.append("<thead><tr>" + "".join(head) + "</tr></thead><tbody>")
        for r in pugh.rows:
            cells = "".join(f'<td><abbr title="{symbol[r.marks[c]][1]}">{symbol[r.marks[c]][0]}</abbr></td>'
                            for c in pugh.criteria)
            parts.append(f'<tr><th scope="row">{_e(r.option)}</th>{cells}<td>{r.better}</td>'
                         f"<td>{r.same}</td><td>{r.worse}</td><td>{_e(_signed(r.weighted) or '0')}</td></tr>")
        parts.append("</tbody></table>")
    # arguments
    if any(o.arguments or o.description for o in t.options):
        parts.append("<details><summary>Pros and cons of the options</summary>")
        for o in t.options:
            parts.append(f"<p><strong>{_e(o.name)}</strong>"
                         + (f" — {_e(o.description)}" if o.description else "") + "</p>")
            if o.arguments:
                parts.append("<ul>" + "".join(
                    f"<li>{_e(a.label)}"
                    + (f' <span class="adrkit-note">({_e(a.criterion)})</span>' if a.criterion else "")
                    + "</li>" for kind in KINDS for a in o.arguments_of(kind)) + "</ul>")
        parts.append("</details>")
    parts.append("</div>")
    return "\n".join(parts)


def _outcome_sentence(t: Tradeoff, ranking: Ranking) -> str:
    if t.chosen:
        return f'Chosen option: "{t.chosen}", because {t.because or "..."}'
    top = ranking.winners
    if len(top) == 1:
        return f'No option chosen yet; the weighted ranking puts "{top[0]}" first.'
    return f"No option chosen yet; {_and(top)} tie for first place."


# --- markdown -----------------------------------------------------------------------------------

def _md_cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _md_line(text: str) -> str:
    return " ".join(str(text).split())


def _render_markdown(t: Tradeoff, level: int) -> str:
    if not 1 <= level <= 5:
        raise UsageError(f"heading level {level} is out of range", fix="use 1 to 5")
    h, h2 = "#" * level, "#" * (level + 1)
    out = [f"{h} Considered Options", ""]
    if t.question:
        out += [_md_line(t.question), ""]
    out += [f"* {_md_line(o.name)}" for o in t.options] or ["* (none yet)"]
    out.append("")
    valid = not t.problems()
    ranking = t.ranking() if valid and t.options and t.criteria else None
    if ranking is not None:
        total_w = sum(c.weight for c in t.criteria)
        head = ["Option"] + [f"{_md_cell(c.name)} (weight {_num(c.weight)}, {_num(c.weight / total_w * 100, 0)} %)"
                             for c in t.criteria] + ["Weighted total", "Rank"]
        out.append("| " + " | ".join(head) + " |")
        out.append("| --- | " + " | ".join("---:" for _ in head[1:]) + " |")
        ties = {n for g in ranking.ties() for n in g}
        for e in ranking:
            opt = t.option(e.name)
            name = f"**{_md_cell(e.name)}**" if e.rank == 1 else _md_cell(e.name)
            if e.name == t.chosen:
                name += " (chosen)"
            if e.name == t.baseline:
                name += " (baseline)"
            cells = [name] + [_num(opt.scores[c]) for c in t.criterion_names]
            cells += [f"{e.total:.2f}", f"{e.rank}=" if e.name in ties else str(e.rank)]
            out.append("| " + " | ".join(cells) + " |")
        out += ["", f"Scores run from {_num(t.scale[0])} to {_num(t.scale[1])}, higher is better; "
                    "the weighted total uses the weights normalized to sum to 1.", ""]
    out += [f"{h} Decision Outcome", ""]
    if t.chosen:
        out.append(f'Chosen option: "{_md_line(t.chosen)}", because {_md_line(t.because) or "..."}')
    elif ranking is not None:
        out.append(_outcome_sentence(t, ranking))
    else:
        out.append("No option chosen yet.")
    out.append("")
    if ranking is not None and len(t.options) > 1:
        sens = t.sensitivity()
        out += [f"Sensitivity: {_md_line(sens.summary)}", ""]
        for note in t.warnings():
            out += [f"> **Note:** {_md_line(note)}", ""]
    elif not valid:
        out += ["> **Note:** the trade-off table has problems: "
                + "; ".join(_md_line(str(p)) for p in t.problems()), ""]
    out += [f"{h} Pros and Cons of the Options", ""]
    for o in t.options:
        out += [f"{h2} {_md_line(o.name)}", ""]
        if o.description:
            out += [_md_line(o.description), ""]
        bullets = [f"* {_md_line(a.label)}" for kind in KINDS for a in o.arguments_of(kind)]
        if bullets:
            out += bullets + [""]
    return "\n".join(out).rstrip("\n") + "\n"


# --- code comments --------------------------------------------------------------------------------

_MARKERS: dict[str, tuple[str, str]] = {}
for _names, _marker in (
    ("c cpp c++ cc h hpp cs csharp c# java js javascript mjs cjs ts typescript tsx jsx go golang rs "
     "rust kt kotlin kts swift scala sc dart php groovy gradle proto protobuf zig v sol solidity "
     "fs fsharp jsonc scss less", ("// ", "")),
    ("py python rb ruby sh bash zsh fish shell ps1 powershell pl perl r yaml yml toml tf hcl "
     "terraform ex exs elixir nim cmake make makefile dockerfile conf ini properties jl julia "
     "cr crystal coffee tcl awk nix", ("# ", "")),
    ("sql hs haskell lua ada adb elm purs purescript vhdl", ("-- ", "")),
    ("lisp el elisp clj clojure cljs scm scheme rkt racket asm s ini-semicolon", (";; ", "")),
    ("erl erlang hrl tex latex m matlab octave prolog", ("% ", "")),
    ("vb vbnet vba bas", ("' ", "")),
    ("f90 fortran", ("! ", "")),
    ("bat cmd batch", ("REM ", "")),
    ("html htm xml svg xhtml md markdown vue", ("<!-- ", " -->")),
    ("css", ("/* ", " */")),
    ("ml ocaml", ("(* ", " *)")),
):
    for _n in _names.split():
        _MARKERS[_n] = _marker


# languages whose compilers turn \uXXXX into a character before reading comments
_UNICODE_ESCAPES = {"java", "scala", "sc"}
# languages in which a backslash at the end of a line continues a line comment
_LINE_SPLICE = {"c", "cpp", "c++", "cc", "h", "hpp", "make", "makefile"}


def _language_key(language: str) -> str:
    key = str(language).strip().lower()
    return key.rsplit(".", 1)[-1] if "." in key and not key.endswith(".") else key


def comment_marker(language: str) -> tuple[str, str]:
    """(prefix, suffix) of a line comment in a language, given by name or file suffix."""
    key = _language_key(language)
    if key in _MARKERS:
        return _MARKERS[key]
    raise UsageError(f"no comment marker known for language '{language}'",
                     fix="use a language name or file suffix such as java, go, py, sql, html")


def _comment_safe(text: str, key: str, suffix: str) -> str:
    """One line of comment text that cannot end the comment it sits in: the closing
    sequence of a block-style marker is broken up, and so are the tricks that end a
    line comment early (Java's \\u escapes) or carry it onto the next line (a final
    backslash in C and make)."""
    text = _md_line(text)
    if suffix == " */":
        text = text.replace("*/", "* /")
    elif suffix == " -->":
        text = re.sub(r"--(!?)>", r"--\1&gt;", text)
    elif suffix == " *)":  # OCaml comments nest and read string literals inside them
        text = text.replace("(*", "( *").replace("*)", "* )").replace('"', "'")
        text = re.sub(r"\{([a-z_]*)\|", r"{\1 |", text)
    if key in _UNICODE_ESCAPES:  # an odd run of backslashes before 'u' starts an escape
        text = re.sub(r"\\+(?=u)", lambda m: m.group(0) + "\\" * (len(m.group(0)) % 2), text)
    if key in _LINE_SPLICE:
        text = text.rstrip("\\").rstrip()
    return text


def _render_comment(t: Tradeoff, language: str, over: str | Sequence[str] | None) -> str:
    prefix, suffix = comment_marker(language)
    key = _language_key(language)
    t._require_valid()
    if not t.options:
        raise ValidationError("there are no options to write about", where="options", fix="add options first")
    ranking = t.ranking() if t.criteria else None
    if over is not None:
        for name in [over] if isinstance(over, str) else list(over):
            t.option(name)
    lines: list[str] = []
    if not t.chosen and ranking is not None and ranking.tied:
        # nothing chosen and no single winner: name the tie, with each tied option's case
        tied = ranking.winners
        lines.append(f"No winner yet: {_join(tied)} tie on the weighted score.")
        for name in tied:
            opt = t.option(name)
            cases = ([f"+ {a.text}" for a in opt.arguments_of("good")]
                     + [f"- {a.text}" for a in opt.arguments_of("bad")])
            if cases:
                lines += [f"{name}:", *cases]
    else:
        using = t.chosen or (ranking.names[0] if ranking else t.options[0].name)
        t.option(using)
        if over is None:
            order = ranking.names if ranking else t.option_names
            others = [n for n in order if n != using][:1]
        else:
            others = [over] if isinstance(over, str) else list(over)
        lines.append(f"Using {using}" + (f" over {_join(others)}" if others else "") + " because:")
        opt = t.option(using)
        lines += [f"+ {a.text}" for a in opt.arguments_of("good")]
        lines += [f"- {a.text}" for a in opt.arguments_of("bad")]
        if len(lines) == 1 and t.because:
            lines.append(f"+ {t.because}")
    return "\n".join(f"{prefix}{_comment_safe(line, key, suffix)}{suffix}".rstrip()
                     for line in lines) + "\n"


def _join(names: Sequence[str]) -> str:
    """'A', 'A and B', or 'A, B, C' (unquoted, for code comments)."""
    return " and ".join(names) if len(names) < 3 else ", ".join(names)
