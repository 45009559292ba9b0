"""`adrkit diff OLD NEW`: what changed between the trade-offs of two decisions.

Resolves the two references in the log, reads both data files, pairs their trade-off
tables (`adrkit.core.tradeoff.compare.pair_tables`: by name, or the one table of each)
and compares each pair. A decision without a trade-off, a table that does not
validate or two files with no table in common is an error naming the file and the fix.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adrkit.core.errors import NotFoundError, UsageError, ValidationError
from adrkit.core.tradeoff import Tradeoff, load_tradeoffs
from adrkit.core.tradeoff.compare import TradeoffDiff, compare, pair_tables
from adrkit.storage.datafile import read_data
from adrkit.storage.log import DecisionLog, Record

__all__ = ["DecisionDiff", "diff_decisions"]


@dataclass
class DecisionDiff:
    old: Record
    new: Record
    tables: list[TradeoffDiff]

    def lines(self) -> list[str]:
        o, n = self.old.decision, self.new.decision
        head = f"{o.label} {o.title} → {n.label} {n.title}"
        out = [head]
        for diff in self.tables:
            if len(self.tables) > 1 or diff.old_name != "main" or diff.new_name != "main":
                name = diff.new_name if diff.old_name == diff.new_name else f"{diff.old_name} → {diff.new_name}"
                out += ["", f"Trade-off {name}:"]
            out += [f"  {line}" for line in diff.describe()]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old.decision.stem, "new": self.new.decision.stem,
                "tradeoffs": [d.to_dict() for d in self.tables]}


def _tables(rec: Record) -> dict[str, Tradeoff]:
    path = rec.data_path
    tables = load_tradeoffs(read_data(path), path=path)
    if not tables:
        raise NotFoundError(f"{rec.decision.label} has no trade-off table", path=path,
                            fix="add one with the trade-off editor, or compare two decisions that have one")
    for name, t in tables.items():
        found = t.problems(path=path, where=f"tradeoffs.{name}")
        if found:
            raise found[0]
    return tables


def diff_decisions(log: DecisionLog, old_ref: str, new_ref: str, *, table: str | None = None) -> DecisionDiff:
    """The difference of the trade-offs of decisions `old_ref` and `new_ref` (or only of
    table `table`, present in both)."""
    old, new = log.resolve(old_ref), log.resolve(new_ref)
    old_tables, new_tables = _tables(old), _tables(new)
    if table is not None:
        for rec, tables in ((old, old_tables), (new, new_tables)):
            if table not in tables:
                raise UsageError(f"{rec.decision.label} has no trade-off table '{table}'", where="--table",
                                 fix="use one of " + ", ".join(sorted(tables)))
        pairs = [(table, table)]
    else:
        pairs = pair_tables(old_tables, new_tables)
    if not pairs:
        raise ValidationError(f"{old.decision.label} and {new.decision.label} have no trade-off table in common "
                              f"({', '.join(old_tables)} and {', '.join(new_tables)})", path=new.data_path,
                              fix="name the table with --table, or give the tables the same name")
    diffs = [compare(old_tables[a], new_tables[b], old_name=a, new_name=b) for a, b in pairs]
    return DecisionDiff(old, new, diffs)
