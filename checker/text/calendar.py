"""The one calendar of checker: month and weekday names and their numbers.

Dates are read in several places (the date reader, story dates, name finding, the claim
score, ingest's datelines); each reads these tables instead of keeping its own.
"""

from __future__ import annotations

import calendar

#: Full English month names, January first.
MONTH_NAMES: tuple[str, ...] = tuple(calendar.month_name[1:])
#: The abbreviations news copy uses (AP writes "Sept.", others "Sep").
MONTH_ABBREVIATIONS: tuple[str, ...] = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec")
#: Every month name and abbreviation (as written, capitalised) -> month number.
MONTH_NUMBERS: dict[str, int] = {
    **{name: n for n, name in enumerate(MONTH_NAMES, start=1)},
    **{abbr: n for n, name in enumerate(MONTH_NAMES, start=1) for abbr in MONTH_ABBREVIATIONS if name[:3] == abbr[:3]},
}
#: Weekday names, Monday first (``datetime.date.weekday`` numbers).
WEEKDAY_NAMES: tuple[str, ...] = tuple(calendar.day_name)
WEEKDAY_NUMBERS: dict[str, int] = {name: i for i, name in enumerate(WEEKDAY_NAMES)}
#: Lower-case month names, abbreviations and weekdays: words that name days, not things.
CALENDAR_WORDS: frozenset[str] = frozenset(w.lower() for w in (*MONTH_NUMBERS, *WEEKDAY_NAMES))


def month_number(word: str) -> int | None:
    """The month a name or abbreviation stands for ("sept." -> 9), any case."""
    return MONTH_NUMBERS.get(word.strip(".").capitalize())
