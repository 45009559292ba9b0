"""Dates as people write them in ADRs, read into ISO text.

`2020-01-02`, `2020/01/02`, `14/03/2020`, `03/15/2020`, `19.04.2021`, `10/04/18`,
`January 2020` (-> `2020-01`), `2 January 2020`, `Dec 19, 2022`, `July 15 2021`,
`2017年11月22日`, `&#x31;2/16/2024` (HTML entities), `2022-10-05 (Updated 2023-07-12)`
(the first date counts). A day/month order is needed only when both readings of a
slash date are real dates (`05/02/2018`); `slash_order` infers it for a whole folder
from its unambiguous dates, and day-first is assumed when nothing tells.

A text that holds no real calendar date (`2023-13-10`, `YYYY-MM-DD`) reads as None:
the record keeps the text as written, and adrkit does not report a date it did not read.
"""
from __future__ import annotations

import datetime
import html
import re
from typing import Iterable

__all__ = ["read_date", "slash_order", "DateReading"]

_MONTHS = {
    # English, German, French, Spanish, Portuguese, Italian, Dutch (full and short)
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
    "januar": 1, "februar": 2, "marz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "decembre": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "janeiro": 1, "fevereiro": 2, "marco": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
    "outubro": 10, "dezembro": 12,
}
_MONTH = r"(?P<month>[A-Za-zÀ-ÿ]{3,10})\.?"
_PATTERNS = (
    ("iso", re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?=$|[^\w]|T\d|_)")),
    ("ymd", re.compile(r"(?<!\d)(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?!\d)")),
    ("cjk", re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")),
    ("slash", re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])")),
    ("dot", re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?![\d.])")),
    ("dash-dmy", re.compile(r"(?<![\d-])(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})(?![\d-])")),
    ("day-month", re.compile(rf"(?<!\w)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_MONTH},?\s+(?P<y>\d{{4}})(?!\d)")),
    ("month-day", re.compile(rf"(?<!\w){_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)")),
    ("month-year", re.compile(rf"(?<![\w\d]){_MONTH}\s+(?P<y>\d{{4}})(?!\d)")),
    ("year-month", re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})(?![\d-])")),
)


class DateReading:
    """What a date text says: `iso` (YYYY-MM-DD, YYYY-MM, or None), `shape` (which
    pattern read it) and `ambiguous` (a slash date whose day and month could swap)."""

    def __init__(self, iso: str | None, shape: str = "", ambiguous: bool = False, order: str = ""):
        self.iso, self.shape, self.ambiguous, self.order = iso, shape, ambiguous, order

    def __repr__(self) -> str:
        return f"DateReading({self.iso!r}, {self.shape!r}, ambiguous={self.ambiguous})"


def _fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _day(y: int, m: int, d: int) -> str | None:
    try:
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return None


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y


def read_date(text: str, *, order: str = "dmy") -> DateReading:
    """The first date in `text`; `order` ('dmy' or 'mdy') decides slash dates that
    read as a real date both ways."""
    text = html.unescape(text or "")
    found: list[tuple[int, DateReading]] = []
    for shape, rx in _PATTERNS:
        for m in rx.finditer(text):
            reading = _reading(shape, m, order)
            if reading is not None:
                found.append((m.start(), reading))
                break
    if not found:
        return DateReading(None)
    found.sort(key=lambda f: f[0])
    return found[0][1]


def _reading(shape: str, m: re.Match, order: str) -> DateReading | None:
    g = m.groupdict()
    if shape in ("iso", "ymd", "cjk", "dot", "dash-dmy"):
        iso = _day(int(g["y"]), int(g["m"]), int(g["d"]))
        return DateReading(iso, shape) if iso or shape == "iso" else None
    if shape == "slash":
        a, b, y = int(g["a"]), int(g["b"]), _year(g["y"])
        dmy, mdy = _day(y, b, a), _day(y, a, b)
        if dmy and mdy and dmy != mdy:
            return DateReading(dmy if order == "dmy" else mdy, shape, ambiguous=True, order=order)
        if dmy or mdy:
            return DateReading(dmy or mdy, shape, order="dmy" if dmy else "mdy")
        return DateReading(None, shape)
    if shape == "year-month":
        m_ = int(g["m"])
        return DateReading(f"{int(g['y']):04d}-{m_:02d}", shape) if 1 <= m_ <= 12 else None
    month = _MONTHS.get(_fold(g["month"]).rstrip("."))
    if month is None:
        return None
    if shape == "month-year":
        return DateReading(f"{int(g['y']):04d}-{month:02d}", shape)
    iso = _day(int(g["y"]), month, int(g["d"]))
    return DateReading(iso, shape) if iso else None


def slash_order(texts: Iterable[str]) -> tuple[str, bool]:
    """('dmy' or 'mdy', whether anything told): the day/month order the unambiguous
    slash dates among `texts` use; day-first when none tells or they disagree."""
    votes = {"dmy": 0, "mdy": 0}
    for text in texts:
        text = html.unescape(text or "")
        for m in _PATTERNS[3][1].finditer(text):
            a, b, y = int(m.group("a")), int(m.group("b")), _year(m.group("y"))
            dmy, mdy = _day(y, b, a), _day(y, a, b)
            if dmy and not mdy:
                votes["dmy"] += 1
            elif mdy and not dmy:
                votes["mdy"] += 1
    if votes["mdy"] > votes["dmy"]:
        return "mdy", True
    return "dmy", votes["dmy"] > 0
