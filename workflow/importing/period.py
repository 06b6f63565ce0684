"""A roadmap's period: given by the user, or read from the title, and checked against the
dated deadlines of its activities."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflow.errors import InvalidPeriod

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
_SCHOOL_YEARS = re.compile(rf"(?<![\d.])({_YEAR}){_DASH}({_YEAR})\s*учебн", re.I)
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
            first, last = int(match.group(1)), int(match.group(2))
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


def outside_period(period: Period, deadlines: list[tuple[str, str]]) -> list[str]:
    """The activities (code, deadline phrase) whose dated deadlines fall outside the
    period, as «1.2 («Декабрь 2024»)»."""
    from workflow.deadlines import read_deadline

    first, last = period.years
    found: list[str] = []
    for code, phrase in deadlines:
        years: set[int] = set()
        for part in read_deadline(phrase).parts:
            for year in (part.year, part.end_year, part.due.year if part.due else None):
                if year is not None:
                    years.add(year)
        if any(year < first or year > last for year in years):
            found.append(f"{code} («{phrase}»)")
    return found
