"""Trade-off tables: options scored against weighted criteria.

A `Tradeoff` holds the question, the criteria (decision drivers) with their weights,
the options with their scores, arguments ("Good, because ...") and descriptions, an
optional baseline, and the chosen option with the reason. It edits itself with
checked operations, reads and writes the dict shape stored in a decision's data file
(`to_dict`, `from_dict`), and says what is wrong with it (`problems`, `warnings`).

What follows from the table (ranking, Pugh, sensitivity, AHP) is
`adrkit.core.tradeoff.analysis`, also reachable as methods. Drawing it (HTML,
markdown, code comments, charts) is `adrkit.render`; reading and writing the data
file is `adrkit.storage.datafile`.

Pure: the standard library only.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from adrkit.core.errors import ValidationError
from adrkit.core.tradeoff import analysis
from adrkit.core.tradeoff.analysis import AhpResult, Pugh, Ranking, Sensitivity
from adrkit.core.wording import num, plain, quoted

__all__ = ["KINDS", "DEFAULT_SCALE", "Criterion", "Argument", "Option", "Judgement",
           "Tradeoff", "load_tradeoffs"]

KINDS = ("good", "neutral", "bad")  # argument kinds, MADR's "Good/Neutral/Bad, because"
DEFAULT_SCALE = (1.0, 5.0)

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


# --- small helpers -----------------------------------------------------------------------

def _at(where: str | None, *parts: str) -> str:
    return ", ".join(p for p in (where, *parts) if p)



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
                              fix="use one of " + (quoted(self.option_names) or "the options (none yet)"))

    def criterion(self, name: str) -> Criterion:
        for c in self.criteria:
            if c.name == name:
                return c
        raise ValidationError(f'no criterion named "{name}"', where="criteria",
                              fix="use one of " + (quoted(self.criterion_names) or "the criteria (none yet)"))

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
        data["scale"] = {"min": plain(self.scale[0]), "max": plain(self.scale[1])}
        data["criteria"] = []
        for c in self.criteria:
            item: dict[str, Any] = {"name": c.name, "weight": plain(c.weight)}
            if c.description:
                item["description"] = c.description
            data["criteria"].append(item)
        data["options"] = []
        for o in self.options:
            item = {"name": o.name}
            if o.description:
                item["description"] = o.description
            item["scores"] = {k: plain(v) for k, v in o.scores.items()}
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
            data["pairwise"] = [{"a": j.a, "b": j.b, "ratio": plain(j.ratio)} for j in self.pairwise]
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
            bad(f"the scale runs from {num(low)} to {num(high)}", "scale",
                "give a smaller 'min' than 'max', e.g. {min: 1, max: 5}")
        crit_names = self.criterion_names
        for name in _duplicates(crit_names):
            bad(f'two criteria are named "{name}"', "criteria", "give each criterion its own name")
        for name in _duplicates(self.option_names):
            bad(f'two options are named "{name}"', "options", "give each option its own name")
        for c in self.criteria:
            if c.weight < 0 or not math.isfinite(c.weight):
                bad(f'the weight of "{c.name}" is {num(c.weight, 6)}', f'criterion "{c.name}", weight',
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
                    bad(f'score {num(v)} for "{k}" is outside the scale {num(low)} to {num(high)}',
                        f"{at}, scores", f"give a number from {num(low)} to {num(high)}")
            for c in crit_names:
                if c not in o.scores:
                    bad(f'no score for "{c}"', f"{at}, scores",
                        f"add '{c}: <{num(low)} to {num(high)}>' under scores")
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
                    "use one of " + (quoted(self.option_names) or "the options (none yet)"))
        seen: set[frozenset[str]] = set()
        for j in self.pairwise:
            at = f'pairwise "{j.a}" vs "{j.b}"'
            for n in (j.a, j.b):
                if n not in known:
                    bad(f'"{n}" is not a criterion', at, use)
            if j.a == j.b:
                bad("compares a criterion with itself", at, "compare two different criteria")
            if not (j.ratio > 0 and math.isfinite(j.ratio)):
                bad(f"ratio {num(j.ratio)} is not above 0", at,
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

    # --- analysis (adrkit.core.tradeoff.analysis) ------------------------------------------
    def _matrix(self) -> tuple[list[float], list[list[float]]]:
        weights = [c.weight for c in self.criteria]
        names = self.criterion_names
        rows = [[o.scores[n] for n in names] for o in self.options]
        return weights, rows

    def totals(self) -> dict[str, float]:
        """Each option's weighted sum with the weights normalized (on the score scale)."""
        return analysis.totals(self)

    def ranking(self) -> Ranking:
        """Options best first, ties sharing a rank."""
        return analysis.ranking(self)

    def pugh(self, baseline: str | None = None) -> Pugh:
        """Better / same / worse than the baseline, per criterion, with counts."""
        return analysis.pugh(self, baseline)

    def sensitivity(self) -> Sensitivity:
        """For each criterion, the smallest change of its weight that costs the winner
        first place, and a verdict on how robust the win is."""
        return analysis.sensitivity(self)

    def ahp(self) -> AhpResult:
        """Weights from the pairwise comparisons, and their consistency."""
        return analysis.ahp(self)

    def with_weight(self, criterion: str, weight: float) -> "Tradeoff":
        """A copy with one weight changed (to try out a sensitivity result)."""
        other = self.copy()
        other.set_weight(criterion, weight)
        return other

    def apply_ahp(self, places: int = 4) -> AhpResult:
        """Set the criteria weights to the pairwise-comparison weights (rounded)."""
        result = self.ahp()
        for c in self.criteria:
            c.weight = round(result.weights[c.name], places)
        return result


def load_tradeoffs(data: dict[str, Any], *, path: Any = None) -> dict[str, Tradeoff]:
    """Every trade-off in a data-file dict (as `adrkit.datafile.read_data` returns it),
    by name. Types are checked here; call `.validate()` for the rules across fields."""
    section = (data or {}).get("tradeoffs") or {}
    if not isinstance(section, dict):
        raise ValidationError("'tradeoffs' must map names to tables", path=path, where="tradeoffs",
                              fix="write 'tradeoffs:' then '  main:' and the fields under it")
    return {str(name): Tradeoff.from_dict(value, path=path, where=f"tradeoffs.{name}")
            for name, value in section.items()}


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


