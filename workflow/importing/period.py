"""A roadmap's period: given by the user, or read from the title, and checked against the
dated deadlines of its activities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from workflow.errors import InvalidPeriod, said

if TYPE_CHECKING:
    from workflow.deadlines import DeadlinePart

_DASH = r"\s*[-\u2010-\u2015\u2212]\s*"
_YEAR = r"(?:19|20)\d\d"
_YEAR_RANGE = re.compile(
    rf"(?<![\d.])({_YEAR}){_DASH}({_YEAR})\s*(?:год[аыов]*|гг\.?|г\.\s*г\.?|г\.)",
    re.I,
)
# «на 2021-2023», «на период 2021 – 2023»: a range after «на» needs no «годы»
_RANGE_AFTER_NA = re.compile(rf"\bна\s+(?:период\s+)?({_YEAR}){_DASH}({_YEAR})(?![\d.])", re.I)
_SINGLE_YEAR = re.compile(rf"\b(?:на|в)\s+({_YEAR})\s*(?:год[ауы]?\b|г\.|г\b)", re.I)
# «… «города N» 2021 год», «План работы 2021 г.»: a year with «год» and no preposition,
# read only in the title (an order's text names years of many things)
_BARE_YEAR = re.compile(rf"(?<![\d./\-–—])({_YEAR})\s*(?:год[ауы]?\b|г\.|г\b)", re.I)
# «2021-2022 учебный год», «2021 – 2022 уч. год», «2021-22 уч.г.»
_SCHOOL_YEARS = re.compile(
    rf"(?<![\d.])({_YEAR}){_DASH}((?:19|20)?\d\d)(?!\d)\s*(?:учебн|уч\.?\s*г)", re.I)
_SCHOOL_RANGE = re.compile(
    rf"(?<![\d.])({_YEAR})\s*/\s*(?:19|20)?\d\d"
    rf"(?:{_DASH}({_YEAR})\s*/\s*(?:19|20)?\d\d)?\s*(?:уч|учебн)", re.I)
_MONTH_BEFORE = re.compile(r"(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|"
                           r"октябр|ноябр|декабр)[а-я]*\s*$", re.I)


@dataclass(frozen=True)
class Period:
    """A roadmap's years; with ``school_years`` each year is the first of a school year."""

    first: int
    last: int
    school_years: bool = False

    @property
    def label(self) -> str:
        if self.school_years:
            return (f"{self.first}/{(self.first + 1) % 100:02d}-"
                    f"{self.last}/{(self.last + 1) % 100:02d}")
        return f"{self.first}-{self.last}"

    @property
    def years(self) -> tuple[int, int]:
        """The calendar years the period touches (a school year ends the next year)."""
        return self.first, self.last + 1 if self.school_years else self.last


_SCHOOL_YEAR = r"((?:19|20)\d\d)\s*/\s*(?:(?:19|20)?\d\d)"


def parse_period(text: str, school_years: bool = False) -> Period:
    """Read a period given by the user: «2021-2023», «2021» (calendar years), or
    «2021/22-2023/24» (school years; with ``school_years`` plain years are the first years
    of school years)."""
    school = re.fullmatch(rf"\s*{_SCHOOL_YEAR}(?:{_DASH}{_SCHOOL_YEAR})?\s*", text)
    match = school or re.fullmatch(rf"\s*((?:19|20)\d\d)(?:{_DASH}((?:19|20)\d\d))?\s*", text)
    if not match:
        raise InvalidPeriod(text, "ожидается «ГГГГ-ГГГГ», «ГГГГ» или «ГГГГ/ГГ-ГГГГ/ГГ», "
                                  "например 2021-2023")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise InvalidPeriod(text, "период заканчивается раньше, чем начинается")
    if last - first > 20:
        raise InvalidPeriod(text, "период длиннее 20 лет")
    return Period(first, last, school_years or school is not None)


def find_period(texts: list[str], titles: int = 0) -> Period | None:
    """The first period a text names («на 2021-2023 годы», «2020 — 2024 гг.», «в 2016
    году», «2021/2022 учебный год», «на 2021/2022 – 2023/2024 учебные годы»), outside
    «quoted» names of other documents. The first ``titles`` texts are titles: there a year
    with «год» and no preposition counts too («… «города N» 2021 год»)."""
    for index, text in enumerate(texts):
        own = _without_quoted(text)
        match = _SCHOOL_RANGE.search(own)
        if match:
            return Period(int(match.group(1)), int(match.group(2) or match.group(1)), True)
        match = _SCHOOL_YEARS.search(own)
        if match:  # «2021-2024 учебные годы»: the school years that start 2021 … 2023
            first, last = int(match.group(1)), _full_year(match.group(2), int(match.group(1)))
            if first < last <= first + 20:
                return Period(first, last - 1, True)
        for pattern in (_YEAR_RANGE, _RANGE_AFTER_NA):
            match = pattern.search(own)
            if match:
                first, last = int(match.group(1)), int(match.group(2))
                if first <= last <= first + 20:
                    return Period(first, last)
        match = _SINGLE_YEAR.search(own)
        if match:
            return Period(int(match.group(1)), int(match.group(1)))
        if index < titles:
            for match in _BARE_YEAR.finditer(own):
                if not _MONTH_BEFORE.search(own[:match.start()]):  # «14 декабря 2020 г.»
                    return Period(int(match.group(1)), int(match.group(1)))
    return None


def _full_year(text: str, century_of: int) -> int:
    """«22» after 2021 is 2022; a four-digit year is itself."""
    return int(text) if len(text) == 4 else century_of // 100 * 100 + int(text)


def _without_quoted(text: str) -> str:
    """The text with each «quoted» name replaced by a space, as re.sub(r"«[^»]*»", " ")
    does, in linear time: the regular expression rescans to the end from every «."""
    parts: list[str] = []
    start = 0
    while (opening := text.find("«", start)) >= 0:
        closing = text.find("»", opening + 1)
        if closing < 0:
            break  # no » after this «, so none after any later « either
        parts.append(text[start:opening])
        parts.append(" ")
        start = closing + 1
    parts.append(text[start:])
    return "".join(parts)


def bounds(period: Period) -> tuple[date, date]:
    """The first and the last day of a period: January to December, or September of the
    first school year to August of the last one's second year."""
    if period.school_years:
        return date(period.first, 9, 1), date(period.last + 1, 8, 31)
    return date(period.first, 1, 1), date(period.last, 12, 31)


def _part_span(part: DeadlinePart) -> tuple[date, date] | None:
    """The days a dated part of a deadline can fall on, or None for an undated part."""
    from workflow.deadlines import month_end

    if part.due is not None:
        return part.due, part.due
    if part.year is None:
        return None
    last_year = part.end_year or part.year
    if part.kind == "school_year":
        return date(part.year, 9, 1), date(part.year + 1, 8, 31)
    if part.kind in ("once", "monthly", "quarterly") and part.windows:
        first = min(window.first for window in part.windows)
        last = max(window.last for window in part.windows)
        if any(window.first > window.last for window in part.windows):
            # «ноябрь - январь»: from the first window's start into the next year
            first, last = part.windows[0].first, part.windows[-1].last
            if last_year == part.year:
                last_year += 1
        return date(part.year, first, 1), month_end(last_year, last)
    if part.kind in ("once", "monthly", "quarterly") or part.end_year is not None:
        return date(part.year, 1, 1), date(last_year, 12, 31)
    # a repetition from a dated start («ежегодно с 2022 г.»): its first year
    first_month = part.windows[0].first if part.windows else 1
    return date(part.year, first_month, 1), date(part.year, 12, 31)


def outside_period(period: Period, deadlines: list[tuple[str, str]]) -> list[str]:
    """The activities (code, deadline phrase) with a dated deadline that falls outside the
    period, to the month: «Февраль 2021» is outside the school year 2021/22, as «Декабрь
    2024» is outside 2021-2023; as «1.2 («Декабрь 2024»)»."""
    from workflow.deadlines import read_deadline

    first, last = bounds(period)
    found: list[str] = []
    for code, phrase in deadlines:
        for part in read_deadline(phrase).parts:
            span = _part_span(part)
            if span is not None and (span[1] < first or span[0] > last):
                found.append(f"{code} («{phrase}»)")
                break
    return found


def dated_years(deadlines: list[str]) -> list[int]:
    """The years the dated deadlines name, sorted, each once."""
    from workflow.deadlines import read_deadline

    years: set[int] = set()
    for phrase in deadlines:
        for part in read_deadline(phrase).parts:
            span = _part_span(part)
            if span is not None:
                years.update((span[0].year, span[1].year))
    return sorted(years)


def suggest_period(deadlines: list[str]) -> str:
    """What to give as ``--period`` for a roadmap whose title names none: the years its
    dated deadlines span (school years when its months run September to August), or
    the form of the option when no deadline names a year."""
    years = dated_years(deadlines)
    if not years or years[-1] - years[0] > 20:
        return said("--period ГГГГ-ГГГГ", "в поле «Период» (например, 2021-2023)") + \
            " (первый и последний год дорожной карты)"
    if school_year_order(deadlines, dated=True) and len(years) > 1:
        first, last = years[0], years[-1] - 1
        label = f"{first}" if first == last else f"{first}-{last}"
        return said(f"--period {label} --school-years",
                    f"в поле «Период» {label} и отметьте «по учебным годам»") + \
            f" (по срокам мероприятий: {Period(first, last, True).label}, сентябрь–август)"
    label = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
    return said(f"--period {label}", f"в поле «Период» {label}") + " (по срокам мероприятий)"


def _months_in_order(deadlines: list[str], dated: bool) -> list[int]:
    """The first month of each deadline that names months with no year («Февраль»,
    «Сентябрь, апрель», «Ежегодно, май») — or, ``dated``, with a year («Май 2015») — in
    the order of the table."""
    from workflow.deadlines import read_deadline

    months: list[int] = []
    for phrase in deadlines:
        for part in read_deadline(phrase).parts:
            if part.windows and (part.kind == "once" and part.year is not None if dated
                                 else part.kind == "yearly" and part.year is None):
                months.append(part.windows[0].first)
                break
    return months


def _inversions(keys: list[int]) -> int:
    return sum(1 for i, a in enumerate(keys) for b in keys[i + 1:] if a > b)


def school_year_order(deadlines: list[str], dated: bool = False) -> bool:
    """True when the months of the deadlines run through a school year: (August or)
    September to December first, then January to August — nearly in that order and far
    from the calendar's (a calendar plan in any order is not; six months at least)."""
    months = _months_in_order(deadlines, dated)[:400]  # the order shows long before that
    autumn = sum(1 for month in months if month >= 9)
    if len(months) < 6 or autumn < 2 or len(months) - autumn < 2 or len(set(months)) < 4 \
            or months[0] < 8:
        return False
    pairs = len(months) * (len(months) - 1) // 2
    # the school year's first council is in August as often as in September
    school = min(_inversions([(m - start) % 12 for m in months]) for start in (8, 9))
    return school * 20 <= pairs and _inversions(months) * 10 >= pairs * 3


def school_year_hint(period: Period, titles: list[str],
                     deadlines: list[str]) -> str | None:
    """Why a roadmap read by calendar years looks like a school-year plan — its title
    names a school year, or its months run September to August — with what to do; None
    when it does not (or is read by school years already)."""
    if period.school_years:
        return None
    named = next((found for text in titles if (found := find_period([text])) is not None
                  and found.school_years), None)
    if named is not None:
        reason = f"в заголовке указан учебный год ({named.label})"
        first, last = named.first, named.last
    elif school_year_order(deadlines):
        reason = "месяцы в сроках идут с сентября по август"
        first, last = period.first, max(period.first, period.last - 1)
    else:
        return None
    label = f"{first}" if first == last else f"{first}-{last}"
    return (f"похоже, это план на учебный год: {reason}, а сроки прочитаны по календарным "
            f"годам {period.label} (например, «Февраль» — февраль {period.first} г.); если "
            f"план по учебным годам, импортируйте его с периодом {Period(first, last, True).label}"
            + said(f": --period {label} --school-years", " (отметьте «по учебным годам»)"))
