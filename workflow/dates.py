"""Dates as people type them, for every front end: a day (ДД.ММ.ГГГГ, or ГГГГ-ММ-ДД as a
browser's date field sends it) and a span of days (a month, a year, a day, two days)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from workflow.deadlines import MONTHS
from workflow.errors import KartaError

_DAY = r"(\d{1,2}\.\d{1,2}\.\d{4})"


def typed_date(value: str) -> date:
    """ДД.ММ.ГГГГ or ГГГГ-ММ-ДД; a clear Russian error otherwise."""
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise KartaError(f"неверная дата «{value}»: ожидается ДД.ММ.ГГГГ (и такая дата должна "
                     "существовать)")


def month_days(year: int, month: int) -> tuple[date, date]:
    """The first and the last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def typed_window(value: str) -> tuple[date, date]:
    """Days typed as a month (12.2026, «декабрь 2026»), a year (2026), a day (ДД.ММ.ГГГГ) or
    two days (ДД.ММ.ГГГГ-ДД.ММ.ГГГГ): the first and the last day."""
    text = " ".join(value.strip().lower().split())
    month = re.fullmatch(r"(\d{1,2})\.(\d{4})", text)
    named = re.fullmatch(r"([а-яё]+) (\d{4})", text)
    number = None
    if month:
        number, year = int(month.group(1)), int(month.group(2))
    elif named and named.group(1).replace("ё", "е") in MONTHS:
        number, year = MONTHS.index(named.group(1).replace("ё", "е")) + 1, int(named.group(2))
    if number is not None and 1 <= number <= 12 and 1 <= year <= 9999:
        return month_days(year, number)
    if re.fullmatch(r"\d{4}", text) and int(text) >= 1:
        return date(int(text), 1, 1), date(int(text), 12, 31)
    days = re.fullmatch(_DAY + r" ?[-–—] ?" + _DAY, text)
    try:
        first, last = (typed_date(days.group(1)), typed_date(days.group(2))) if days \
            else (typed_date(text), typed_date(text))
    except KartaError:
        raise KartaError(f"неверный срок «{value}»: ожидается месяц (12.2026 или «декабрь "
                         "2026»), год (2026), день (ДД.ММ.ГГГГ) или дни "
                         "(ДД.ММ.ГГГГ-ДД.ММ.ГГГГ)") from None
    if last < first:
        raise KartaError(f"неверный срок «{value}»: первый день позже последнего")
    return first, last
