"""Working days by the Russian production calendar (the maintained ``holidays`` package:
public holidays, days off moved by government decree, and Saturdays made working days)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=2)
def _russia(named: bool = False) -> Any:
    import holidays

    # names in Russian load translations: only when a name is asked for
    return holidays.country_holidays("RU", language="ru" if named else None)


def is_working_day(day: date) -> bool:
    """A working day: not a weekend unless made a working day, not a holiday or day off."""
    return bool(_russia().is_working_day(day))


def holiday_name(day: date) -> str | None:
    """The holiday or day off a date is, if any."""
    name = _russia(named=True).get(day)
    return str(name) if name else None


def previous_working_day(day: date) -> date:
    """The date itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_before(day: date, count: int) -> date:
    """The working day ``count`` working days before ``day`` (schools report to the
    department a few working days before its own deadline)."""
    for _ in range(count):
        day = previous_working_day(day - timedelta(days=1))
    return day


def shift_due(day: date | None, shift: str) -> date | None:
    """A due date moved by the organisation's rule (``previous`` or ``none``)."""
    if day is None or shift == "none":
        return day
    return previous_working_day(day)


@lru_cache(maxsize=4096)
def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
    earlier): from a Friday to the next Monday is 1."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
