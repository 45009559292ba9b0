"""Numbers and names written for people: the one place that decides how a weight, a
score, a change or a list of names reads in a sentence, a table cell or a comment.

Pure (standard library only); used by the trade-off analysis for its summaries and by
every renderer, so a number reads the same on the page, in markdown and in a widget.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

__all__ = ["num", "fine", "signed", "plain", "quoted", "and_list"]


def num(x: float | int | None, places: int = 2) -> str:
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


def fine(x: float | int | None, places: int = 2) -> str:
    """Like `_num`, but a number too small for `places` decimals to show two significant
    digits gets three (0.0125 is '0.0125', not '0.01'; 0.25 stays '0.25')."""
    if x is None or isinstance(x, bool) or not math.isfinite(float(x)) or abs(x) >= 10 ** (1 - places):
        return num(x, places)
    return num(x, _places_for(x, places, 3))


def signed(x: float) -> str:
    """A signed amount ('+1.5', '−0.0042'); '' for zero, never '−0'."""
    text = num(abs(x), 1 if abs(x) >= 10 else 2)
    if text == "0":
        return ""
    return ("+" if x > 0 else "−") + text


def plain(x: float) -> float | int:
    """Store integral numbers as int so the YAML reads '5', not '5.0'."""
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return x
    return int(x) if float(x).is_integer() else float(x)


def quoted(names: Iterable[str]) -> str:
    """'"A", "B"' for a list of names in a message."""
    return ", ".join(f'"{n}"' for n in names)


def and_list(names: Sequence[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
