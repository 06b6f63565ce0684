"""Reading «Сроки» phrases into schedules and expanding them into occurrences.

A phrase is read into a ``DeadlineSchedule``: a list of parts (one-off dates and windows,
yearly windows, quarterly, monthly, continuous, on demand, external schedule, school years).
The raw phrase is always kept; a phrase nobody can read is flagged, never guessed, and then
treated as yearly so the clerk still sees it every year.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

MONTH_STEMS: tuple[tuple[str, int], ...] = (
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма", 5), ("июн", 6),
    ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
)
_MONTH = (
    r"(?:январ[а-я]*|феврал[а-я]*|март[а-я]*|апрел[а-я]*|ма[йяе]|июн[а-я]*|июл[а-я]*"
    r"|август[а-я]*|сентябр[а-я]*|октябр[а-я]*|ноябр[а-я]*|декабр[а-я]*)"
)
_TOKEN = re.compile(
    rf"(?P<date>\b\d{{1,2}}\.\d{{1,2}}\.\d{{4}}\b)"
    rf"|(?P<school>\b(?P<sy1>(?:19|20)\d\d)\s*[-/]\s*(?P<sy2>(?:19|20)?\d\d)\s*(?:уч|учеб))"
    rf"|(?P<month>\b{_MONTH}(?![а-я]))"
    rf"|(?P<year>\b(?:19|20)\d\d(?!\d))"
    rf"|(?P<dash>-)"
)
_TIMES_A_YEAR = re.compile(r"(\d+)\s*раз[а]?\s*в\s*год")
_EVERY_N_YEARS = re.compile(r"(?:1|один)\s*раз\s*в\s*(\d+)\s*(?:год|лет)")

KINDS = ("once", "yearly", "quarterly", "monthly", "continuous", "on_demand", "external",
         "school_year", "every_n_years", "unparsed")


@dataclass(frozen=True)
class DeadlinePart:
    """One rule inside a phrase.

    ``kind`` is one of ``KINDS``. ``year``/``end_year`` bound a one-off part; ``months`` are
    (first, last) month windows; ``step`` is the n of «1 раз в n года».
    """

    kind: str
    year: int | None = None
    end_year: int | None = None
    months: tuple[tuple[int, int], ...] = ()
    due: date | None = None
    step: int = 1


@dataclass(frozen=True)
class DeadlineSchedule:
    """How karta reads a deadline phrase; ``flagged`` when it could not read it."""

    raw: str
    parts: tuple[DeadlinePart, ...] = field(default_factory=tuple)
    flagged: bool = False

    @property
    def kind(self) -> str:
        """The kind of the whole phrase: the part kind, or «combined» for several kinds."""
        kinds = {part.kind for part in self.parts}
        if not kinds:
            return "unparsed"
        return kinds.pop() if len(kinds) == 1 else "combined"


@dataclass(frozen=True)
class OccurrenceSpec:
    """One occurrence a schedule yields: period label, its start and due date (if known)."""

    period: str
    start: date
    due: date | None


def normalise_phrase(phrase: str) -> str:
    """Lower case, one kind of dash, «ё» as «е», single spaces."""
    text = phrase.lower().replace("ё", "е")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def month_number(word: str) -> int:
    """The number of a Russian month name in any case (``word`` already lower case)."""
    for stem, number in MONTH_STEMS:
        if word.startswith(stem):
            return number
    raise ValueError(word)


def read_deadline(phrase: str) -> DeadlineSchedule:
    """Read a «Сроки» phrase; never raises, flags what it cannot read."""
    text = normalise_phrase(phrase)
    parts: list[DeadlinePart] = []
    recurring = _recurring_kind(text)

    # Dated parts: explicit dates, school years, and month groups bound to years.
    pending_months: list[tuple[int, int]] = []
    bound = False
    last_year: int | None = None
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.lastgroup if tok.lastgroup in ("date", "month", "year", "dash") else "school"
        if kind == "date":
            due = _safe_date(tok.group("date"))
            if due is None:
                return DeadlineSchedule(raw=phrase, flagged=True)
            parts.append(DeadlinePart("once", year=due.year, due=due))
        elif kind == "school":
            first = int(tok.group("sy1"))
            parts.append(DeadlinePart("school_year", year=first, end_year=first + 1))
        elif kind == "month":
            if bound:
                pending_months, bound = [], False
            first = month_number(tok.group("month"))
            window = (first, first)
            # «сентябрь - октябрь», «ноябрь-декабрь»
            if i + 2 < len(tokens) and tokens[i + 1].lastgroup == "dash" \
                    and tokens[i + 2].lastgroup == "month":
                window = (first, month_number(tokens[i + 2].group("month")))
                i += 2
            pending_months.append(window)
        elif kind == "year":
            year = int(tok.group("year"))
            # «ноябрь 2021г.- январь 2022г.»: a window across the new year
            if (pending_months and not bound and i + 3 < len(tokens)
                    and tokens[i + 1].lastgroup == "dash" and tokens[i + 2].lastgroup == "month"
                    and tokens[i + 3].lastgroup == "year"):
                start_month = pending_months[-1][0]
                end_month = month_number(tokens[i + 2].group("month"))
                end_year = int(tokens[i + 3].group("year"))
                parts.append(DeadlinePart("once", year=year, end_year=end_year,
                                          months=((start_month, end_month),)))
                pending_months, bound = [], True
                i += 4
                continue
            # «2020-2022 г.г.»: a window of whole years
            if (not pending_months and i + 2 < len(tokens) and tokens[i + 1].lastgroup == "dash"
                    and tokens[i + 2].lastgroup == "year"):
                end_year = int(tokens[i + 2].group("year"))
                parts.append(DeadlinePart("once", year=year, end_year=end_year))
                i += 3
                continue
            if pending_months:
                parts.append(DeadlinePart("once", year=year, months=tuple(pending_months)))
                bound = True
            else:
                parts.append(DeadlinePart("once", year=year))
            last_year = year
        i += 1

    unbound_months = tuple(pending_months) if not bound else ()
    if recurring is not None:
        kind, step, windows = recurring
        windows = windows or unbound_months
        dated_once = [p for p in parts if p.kind == "once"]
        if kind == "yearly" and dated_once and not windows:
            # «Ежегодно февраль 2021г., 2022г.» or «сентябрь - октябрь 2021 г. ежегодно»:
            # the dated parts already say when; «ежегодно» only repeats them.
            if all(p.months for p in dated_once) and len(dated_once) == 1:
                only = dated_once[0]
                parts = [p for p in parts if p is not only]
                parts.append(DeadlinePart("yearly", year=only.year, months=only.months))
        else:
            parts.append(DeadlinePart(kind, months=windows, step=step, year=last_year
                                      if kind == "every_n_years" else None))
    elif unbound_months:
        # «сентябрь», «Июнь»: a month with no year recurs every year
        parts.append(DeadlinePart("yearly", months=unbound_months))

    if not parts:
        return DeadlineSchedule(raw=phrase, flagged=True)
    return DeadlineSchedule(raw=phrase, parts=tuple(parts))


def _recurring_kind(text: str) -> tuple[str, int, tuple[tuple[int, int], ...]] | None:
    """The recurring rule a phrase names, if any: (kind, step, month windows)."""
    match = _EVERY_N_YEARS.search(text)
    if match and int(match.group(1)) > 1:
        return "every_n_years", int(match.group(1)), ()
    match = _TIMES_A_YEAR.search(text)
    if match:
        # «2 раза в год (декабрь, май)»: the windows in brackets say when
        return "yearly", 1, _windows_in_brackets(text)
    if "ежеквартальн" in text or "раз в квартал" in text:
        return "quarterly", 1, ()
    if "ежемесячн" in text or "раз в месяц" in text:
        return "monthly", 1, ()
    if "ежегодн" in text or "каждый год" in text:
        return "yearly", 1, ()
    if re.search(r"постоянн|в течение (?:всего |учебного )?(?:года|периода)|систематическ", text):
        return "continuous", 1, ()
    if re.search(r"по мере|по запрос|по необходимост|при необходимост|по требовани", text):
        return "on_demand", 1, ()
    if re.search(r"по графику|согласно|по плану|в соответствии с|по срокам", text):
        return "external", 1, ()
    return None


def _windows_in_brackets(text: str) -> tuple[tuple[int, int], ...]:
    inner = re.search(r"\(([^)]*)\)", text)
    if not inner:
        return ()
    windows: list[tuple[int, int]] = []
    for chunk in re.split(r"[,;]", inner.group(1)):
        months = re.findall(_MONTH, chunk)
        if months:
            windows.append((month_number(months[0]), month_number(months[-1])))
    return tuple(windows)


def _safe_date(text: str) -> date | None:
    day, month, year = (int(x) for x in text.split("."))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def expand(schedule: DeadlineSchedule, first_year: int, last_year: int) -> list[OccurrenceSpec]:
    """The occurrences a schedule yields over a roadmap's period, one per distinct label.

    A flagged phrase yields one occurrence a year with no due date, so that it still
    appears in every year's work until the clerk sets it right.
    """
    years = range(first_year, last_year + 1)
    specs: list[OccurrenceSpec] = []
    parts = schedule.parts or (DeadlinePart("unparsed"),)
    for part in parts:
        specs.extend(_expand_part(part, years))
    return _distinct(specs)


def _expand_part(part: DeadlinePart, years: range) -> list[OccurrenceSpec]:
    kind = part.kind
    if kind == "once":
        assert part.year is not None
        if part.due is not None:
            return [OccurrenceSpec(str(part.year), date(part.year, 1, 1), part.due)]
        end_year = part.end_year or part.year
        if part.end_year and part.end_year != part.year and not part.months:
            label = f"{part.year}-{part.end_year}"
            return [OccurrenceSpec(label, date(part.year, 1, 1), date(end_year, 12, 31))]
        if part.months:
            return [
                OccurrenceSpec(str(part.year), date(part.year, first, 1),
                               month_end(end_year if part.end_year else part.year, last))
                for first, last in part.months
            ]
        return [OccurrenceSpec(str(part.year), date(part.year, 1, 1), date(part.year, 12, 31))]
    if kind == "school_year":
        assert part.year is not None
        label = f"{part.year}/{(part.year + 1) % 100:02d}"
        return [OccurrenceSpec(label, date(part.year, 9, 1), date(part.year + 1, 8, 31))]
    if kind == "quarterly":
        return [
            OccurrenceSpec(f"{year}-Q{q}", date(year, 3 * q - 2, 1), month_end(year, 3 * q))
            for year in years for q in range(1, 5)
        ]
    if kind == "monthly":
        return [
            OccurrenceSpec(f"{year}-{month:02d}", date(year, month, 1), month_end(year, month))
            for year in years for month in range(1, 13)
        ]
    if kind == "every_n_years":
        start = part.year or years.start
        return [
            OccurrenceSpec(str(year), date(year, 1, 1), date(year, 12, 31))
            for year in range(start, years.stop, part.step)
        ]
    if kind == "yearly" and part.months:
        start = part.year or years.start
        several = len(part.months) > 1
        return [
            OccurrenceSpec(
                f"{year}-{last:02d}" if several else str(year),
                date(year, first, 1), month_end(year, last),
            )
            for year in years if year >= start
            for first, last in part.months
        ]
    if kind in ("yearly", "continuous"):
        return [OccurrenceSpec(str(y), date(y, 1, 1), date(y, 12, 31)) for y in years]
    # external schedule, on demand and unparsed: a yearly slot whose date is set later
    return [OccurrenceSpec(str(y), date(y, 1, 1), None) for y in years]


def _distinct(specs: list[OccurrenceSpec]) -> list[OccurrenceSpec]:
    """Keep one occurrence per label; when labels collide, label them by month instead."""
    by_label: dict[str, list[OccurrenceSpec]] = {}
    for spec in specs:
        by_label.setdefault(spec.period, []).append(spec)
    result: list[OccurrenceSpec] = []
    for group in by_label.values():
        if len(group) == 1 or any(spec.due is None for spec in group):
            result.append(group[0])
            continue
        for spec in group:
            assert spec.due is not None
            month_label = f"{spec.due.year}-{spec.due.month:02d}"
            result.append(OccurrenceSpec(month_label, spec.start, spec.due))
    unique: dict[str, OccurrenceSpec] = {}
    for spec in result:
        unique.setdefault(spec.period, spec)
    return sorted(unique.values(), key=lambda s: (s.start, s.period))
