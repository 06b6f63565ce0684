"""Reading «Сроки» phrases into schedules and expanding them into occurrences.

A phrase is read into a ``DeadlineSchedule``: a list of parts — one-off dates and windows,
yearly windows, quarterly, monthly, n times a year, once every n years, continuous, on
demand, external schedule, school years — and any combination of them. The raw phrase is
always kept. A phrase nobody can read is flagged with the reason, never guessed; it then
yields one undated occurrence a year so the clerk still sees it.

The grammar works on tokens: explicit dates («01.08.2021», «15 мая 2022»), months in any
case, month windows («сентябрь - октябрь», «ноябрь 2021г.- январь 2022г.»), quarters and
half-years, years and year ranges, school years («2021-2022 уч.год»), and keywords for the
recurring kinds. Month groups bind to the years that follow them («Июнь - август 2021г.,
2022 г.»); a month group with no year recurs every year («Ежегодно, август», «сентябрь»).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

MONTH_STEMS: tuple[tuple[str, int], ...] = (
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма", 5), ("июн", 6),
    ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
)
_MONTH = (
    r"(?:январ[а-я]*|феврал[а-я]*|март[а-я]*|апрел[а-я]*|ма[йяе]|июн[а-я]*|июл[а-я]*"
    r"|август[а-я]*|сентябр[а-я]*|октябр[а-я]*|ноябр[а-я]*|декабр[а-я]*)"
)
_ORDINAL = r"(?P<{name}>[1-4]|iv|i{{1,3}})\s*(?:-?(?:й|го|е|ое))?\s*"
_TOKEN = re.compile(
    r"(?P<date>(?<![\d.])\d{1,2}\.\d{1,2}\.\d{4}(?![\d.]))"
    rf"|(?P<daymonth>(?<![\d.])(?P<day>\d{{1,2}})\s+(?P<dmonth>{_MONTH})(?![а-я]))"
    rf"|(?P<quarter>\b{_ORDINAL.format(name='q')}квартал[а-я]*)"
    rf"|(?P<half>\b{_ORDINAL.format(name='h')}полугоди[а-я]*)"
    r"|(?P<school>(?<!\d)(?P<sy1>(?:19|20)\d\d)\s*[-/]\s*(?P<sy2>(?:19|20)?\d\d)(?!\d)"
    r"\s*(?:уч|учеб))"
    rf"|(?P<month>\b{_MONTH}(?![а-я]))"
    r"|(?P<year>(?<!\d)(?:19|20)\d\d(?!\d))"
    r"|(?P<dash>-)"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_FREQUENCY_WORD = re.compile(r"ежемесячн|ежекварт|раз в (?:месяц|квартал)|кажд[а-я]* "
                             r"(?:месяц|квартал)|помесячн")
# «с сентября по декабрь»: a window of months, as «сентябрь - декабрь»
_FROM_TO = re.compile(rf"\bс\s+({_MONTH})\s+по\s+({_MONTH})(?![а-я])")
_TIMES_A_YEAR = re.compile(r"(\d+)\s*раз[а]?\s*в\s*(?:год|учебн)")
_EVERY_N_YEARS = re.compile(r"(?:1|один)\s*раз\s*в\s*(\d+)\s*(?:год|лет)")
_NEXT_YEAR = re.compile(r"следующ[а-я]*\s+за\s+отч[её]тн")
# «до 25 числа», «не позднее 5-го числа», «к 10 числу»
_DAY_OF_MONTH = re.compile(r"(?<![\d.])([1-9]|[12]\d|3[01])\s*-?\s*(?:го|ого)?\s*числ[аоу]")
# «до 01.09 ежегодно»: a day and a month with no year
_DAY_MONTH_NUMBERS = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})(?![\d]|\.\d)")
_HALF_YEARLY = re.compile(r"(?:1|один)\s*раз\s*в\s*(?:полугоди|полгода)|раз в полугоди|"
                          r"раз в полгода|каждое полугодие|ежеполугодн")

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
          "октябрь", "ноябрь", "декабрь")
MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                   "сентября", "октября", "ноября", "декабря")
KIND_LABELS = {
    "once": "разово", "yearly": "ежегодно", "quarterly": "ежеквартально",
    "monthly": "ежемесячно", "continuous": "постоянно (отчёт ежегодно)",
    "on_demand": "по мере необходимости", "external": "по внешнему графику",
    "school_year": "по учебным годам", "every_n_years": "раз в несколько лет",
    "combined": "несколько правил", "unparsed": "не распознано",
}


@dataclass(frozen=True)
class Window:
    """Months from ``first`` to ``last``; ``day`` is the due day in ``last`` when given."""

    first: int
    last: int
    day: int | None = None


@dataclass(frozen=True)
class DeadlinePart:
    """One rule inside a phrase.

    ``kind`` is a key of ``KIND_LABELS``. ``year``/``end_year`` bound a dated part;
    ``windows`` say in which months; ``step`` is the n of «1 раз в n года»;
    ``next_year`` moves the due date into the year after the reported one. For a monthly
    or quarterly part ``day`` is the due day of the month («до 25 числа каждого месяца»)
    and ``following`` puts it in the month after the period reported on («до 10 числа
    месяца, следующего за отчетным»).
    """

    kind: str
    year: int | None = None
    end_year: int | None = None
    windows: tuple[Window, ...] = ()
    due: date | None = None
    step: int = 1
    next_year: bool = False
    day: int | None = None
    following: bool = False


@dataclass(frozen=True)
class DeadlineSchedule:
    """How karta reads a deadline phrase; ``flagged`` with a ``problem`` when it cannot."""

    raw: str
    parts: tuple[DeadlinePart, ...] = field(default_factory=tuple)
    flagged: bool = False
    problem: str = ""

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


def _ordinal(text: str) -> int:
    return int(text) if text.isdigit() else _ROMAN[text]


def _window_of(token: re.Match[str]) -> Window:
    group = token.lastgroup
    if group == "daymonth":
        month = month_number(token.group("dmonth"))
        return Window(month, month, int(token.group("day")))
    if group == "quarter":
        quarter = _ordinal(token.group("q"))
        return Window(3 * quarter - 2, 3 * quarter)
    if group == "half":
        half = _ordinal(token.group("h"))
        return Window(1, 6) if half == 1 else Window(7, 12)
    month = month_number(token.group("month"))
    return Window(month, month)


_WINDOW_TOKENS = ("daymonth", "quarter", "half", "month")


@lru_cache(maxsize=4096)  # a roadmap repeats few phrases; the schedule is immutable
def read_deadline(phrase: str) -> DeadlineSchedule:
    """Read a «Сроки» phrase; never raises, flags what it cannot read with the reason."""
    text = _FROM_TO.sub(r"\1 - \2", normalise_phrase(phrase))
    tokens = list(_TOKEN.finditer(text))
    parts: list[DeadlinePart] = []
    pending: list[Window] = []  # month windows waiting for the years they belong to
    bound = False  # the pending windows have met a year already
    last_year: int | None = None
    ends: dict[int, int] = {}  # where in the text a dated month ends, by id of its part
    i = 0
    while i < len(tokens):
        token = tokens[i]
        group = token.lastgroup
        if group == "date":
            day, month, year = (int(x) for x in token.group("date").split("."))
            try:
                due = date(year, month, day)
            except ValueError:
                return DeadlineSchedule(raw=phrase, flagged=True,
                                        problem=f"дата {token.group('date')} не существует")
            parts.append(DeadlinePart("once", year=year, due=due))
        elif group == "school":
            first = int(token.group("sy1"))
            parts.append(DeadlinePart("school_year", year=first, end_year=first + 1))
        elif group in _WINDOW_TOKENS:
            if bound:
                pending, bound = [], False
            window = _window_of(token)
            # «сентябрь - октябрь», «ноябрь-декабрь»: one window
            if (i + 2 < len(tokens) and tokens[i + 1].lastgroup == "dash"
                    and tokens[i + 2].lastgroup in _WINDOW_TOKENS):
                end = _window_of(tokens[i + 2])
                window = Window(window.first, end.last, end.day)
                i += 2
            pending.append(window)
        elif group == "year":
            year = int(token.group("year"))
            after = [t.lastgroup for t in tokens[i + 1: i + 4]]
            if pending and not bound and after[:3] == ["dash", "month", "year"]:
                # «ноябрь 2021г.- январь 2022г.»: a window across the new year
                end_month = month_number(tokens[i + 2].group("month"))
                end_year = int(tokens[i + 3].group("year"))
                if end_year < year:
                    return DeadlineSchedule(raw=phrase, flagged=True,
                                            problem=f"окно сроков заканчивается ({end_year}) "
                                                    f"раньше, чем начинается ({year})")
                parts.append(DeadlinePart("once", year=year, end_year=end_year,
                                          windows=(Window(pending[-1].first, end_month),)))
                pending, bound = [], True
                i += 4
                continue
            if not pending and after[:2] == ["dash", "year"]:
                # «2020-2022 г.г.»: a window of whole years
                end_year = int(tokens[i + 2].group("year"))
                if end_year < year:
                    return DeadlineSchedule(raw=phrase, flagged=True,
                                            problem=f"период {year}-{end_year} заканчивается "
                                                    "раньше, чем начинается")
                parts.append(DeadlinePart("once", year=year, end_year=end_year))
                i += 3
                continue
            parts.append(DeadlinePart("once", year=year, windows=tuple(pending)))
            ends[id(parts[-1])] = token.end()
            bound = bool(pending)
            last_year = year
        i += 1

    if not parts and not pending:
        # «до 01.09 ежегодно»: a day and month in numbers with no year recur every year
        for match in _DAY_MONTH_NUMBERS.finditer(text):
            day, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]:
                pending.append(Window(month, month, day))
    unbound = tuple(pending) if not bound else ()
    recurring = _recurring_kind(text)
    next_year = bool(_NEXT_YEAR.search(text))
    day_match = _DAY_OF_MONTH.search(text)
    if recurring is not None and recurring[0] in ("monthly", "quarterly"):
        # «до 25 числа каждого месяца», «ежеквартально до 5 числа месяца, следующего за
        # отчетным кварталом»: the day is kept, «следующего» moves it past the period.
        # Months named with it bound the repetition, as a clerk means them: «Ежемесячно
        # Сентябрь - октябрь 2022» is September and October 2022, «Ежемесячно Май 2022» May
        # 2022, «ежемесячно, сентябрь - май» those months of every year. Only one month
        # written before the word says where the repetition starts: «октябрь 2021г.
        # Ежемесячно» (a page created in October, updated every month after)
        kind = recurring[0]
        due_day = int(day_match.group(1)) if day_match else None
        word = _FREQUENCY_WORD.search(text)
        dated = [p for p in parts if p.kind == "once" and p.due is None]
        parts = [p for p in parts if not (p.kind == "once" and p.due is None)]
        for within in dated:
            one_month = len(within.windows) == 1 and within.end_year is None and \
                within.windows[0].first == within.windows[0].last
            starts = one_month and word is not None and ends.get(id(within), 0) <= word.start()
            parts.append(DeadlinePart(kind, year=within.year,
                                      end_year=None if starts else
                                      within.end_year or within.year,
                                      windows=within.windows, day=due_day,
                                      following=next_year))
        if not dated:
            parts.append(DeadlinePart(kind, day=due_day, following=next_year,
                                      windows=unbound))
            unbound = ()  # the months bound the repetition, they are no yearly part
        recurring = None
    if recurring is not None:
        kind, step, windows = recurring
        windows = windows or unbound
        dated = [p for p in parts if p.kind == "once" and p.due is None]
        if kind == "yearly" and not windows and len(dated) == 1 and dated[0].windows:
            # «сентябрь - октябрь 2021 г. ежегодно»: yearly from that year in that window
            only = dated[0]
            parts = [p for p in parts if p is not only]
            parts.append(DeadlinePart("yearly", year=only.year, windows=only.windows))
        elif kind == "yearly" and not windows and dated and all(p.windows for p in dated):
            pass  # «Ежегодно февраль 2021г., 2022г.»: the dates already say every year
        else:
            start_year = last_year if kind == "every_n_years" else None
            parts.append(DeadlinePart(kind, windows=windows, step=step, next_year=next_year,
                                      year=start_year))
    elif unbound:
        # «сентябрь», «Июнь», «до 25 января»: a month with no year recurs every year
        parts.append(DeadlinePart("yearly", windows=unbound, next_year=next_year))

    if not parts:
        reason = ("в сроках нет ни даты, ни месяца, ни периодичности" if text
                  else "сроки не указаны")
        return DeadlineSchedule(raw=phrase, flagged=True, problem=reason)
    return DeadlineSchedule(raw=phrase, parts=tuple(parts))


def _recurring_kind(text: str) -> tuple[str, int, tuple[Window, ...]] | None:
    """The recurring rule a phrase names, if any: (kind, step, month windows)."""
    match = _EVERY_N_YEARS.search(text)
    if match and int(match.group(1)) > 1:
        return "every_n_years", int(match.group(1)), ()
    if _HALF_YEARLY.search(text):  # «1 раз в полугодие»: twice a year, one in each half
        return "yearly", 1, (Window(1, 6), Window(7, 12))
    if _TIMES_A_YEAR.search(text):
        # «2 раза в год (декабрь, май)»: the windows in brackets say when
        return "yearly", 1, _windows_in_brackets(text)
    if re.search(r"ежеквартальн|раз в квартал|кажд(?:ый|ого) квартал|месяца квартала", text):
        return "quarterly", 1, ()
    if re.search(r"ежемесячн|раз в месяц|кажд(?:ый|ого|ое) месяц|помесячн", text):
        return "monthly", 1, ()
    if "ежегодн" in text or "каждый год" in text or "раз в год" in text:
        return "yearly", 1, ()
    if re.search(r"постоянн|в течение (?:всего |учебного |календарного )?(?:года|периода)|"
                 r"систематическ|в течение учебного|весь период|еженедельн|ежедневн|"
                 r"кажд(?:ую|ый) (?:неделю|день)|регулярно", text):
        # a weekly or daily activity is reported on like a continuous one: once a year
        return "continuous", 1, ()
    if re.search(r"по мере|по запрос|по необходимост|при необходимост|по требовани|"
                 r"по факту|при выявлени", text):
        return "on_demand", 1, ()
    if re.search(r"по графику|согласно|по плану|в соответствии с|по срокам|по итогам|"
                 r"в сроки,? установленн|по расписанию|по окончании|по завершении", text):
        return "external", 1, ()
    return None


def _windows_in_brackets(text: str) -> tuple[Window, ...]:
    inner = re.search(r"\(([^)]*)\)", text)
    if not inner:
        return ()
    windows: list[Window] = []
    for chunk in re.split(r"[,;]", inner.group(1)):
        months = re.findall(_MONTH, chunk)
        if months:
            windows.append(Window(month_number(months[0]), month_number(months[-1])))
    return tuple(windows)


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _window_due(year: int, window: Window) -> date:
    if window.day is not None:
        return date(year, window.last, min(window.day, calendar.monthrange(year, window.last)[1]))
    return month_end(year, window.last)


def expand(schedule: DeadlineSchedule, first_year: int, last_year: int,
           school_years: bool = False) -> list[OccurrenceSpec]:
    """The occurrences a schedule yields over a roadmap's period, one per distinct label.

    With ``school_years`` the period's years are the first years of school years (2021 is
    2021/22, September to August): «декабрь, май» means December 2021 and May 2022. On-demand
    activities yield nothing (the clerk adds occurrences); a flagged phrase yields one
    undated occurrence a year.
    """
    years = range(first_year, last_year + 1)
    specs: list[OccurrenceSpec] = []
    parts = schedule.parts or (DeadlinePart("unparsed"),)
    dated = any(part.kind in ("once", "school_year") for part in parts)
    for part in parts:
        if part.kind == "external" and dated:
            continue  # «По итогам ЕГЭ, июнь 2022»: the date says when; the rest says why
        specs.extend(_expand_part(part, years, school_years))
    return _distinct(specs)


def _school_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _expand_part(part: DeadlinePart, years: range, school: bool) -> list[OccurrenceSpec]:
    kind = part.kind
    if kind == "once":
        assert part.year is not None
        if part.due is not None:
            return [OccurrenceSpec(str(part.year), date(part.year, 1, 1), part.due)]
        if part.end_year and not part.windows:
            label = f"{part.year}-{part.end_year}"
            return [OccurrenceSpec(label, date(part.year, 1, 1), date(part.end_year, 12, 31))]
        if part.windows:
            end_year = part.end_year or part.year
            return [OccurrenceSpec(str(part.year), date(part.year, w.first, 1),
                                   _window_due(end_year, w)) for w in part.windows]
        return [OccurrenceSpec(str(part.year), date(part.year, 1, 1), date(part.year, 12, 31))]
    if kind == "school_year":
        assert part.year is not None
        return [OccurrenceSpec(_school_label(part.year), date(part.year, 9, 1),
                               date(part.year + 1, 8, 31))]
    if kind in ("quarterly", "monthly"):
        months = _months(years, school)
        if part.year is not None or part.windows:
            within = _months_within(part)
            if kind == "monthly":
                months = [month for month in months if within(*month)]
            else:  # a quarter counts when one of its months is named
                months = [(y, m) for y, m in months if m % 3 == 1 and any(
                    within(y, m + offset) for offset in range(3))]
        if kind == "monthly":
            return [OccurrenceSpec(f"{y}-{m:02d}", date(y, m, 1), _due_in(y, m, part))
                    for y, m in months]
        return [OccurrenceSpec(f"{y}-Q{(m - 1) // 3 + 1}", date(y, m, 1), _due_in(y, m + 2, part))
                for y, m in months if m % 3 == 1]
    if kind == "every_n_years":
        start = part.year or years.start
        return [OccurrenceSpec(str(y), date(y, 1, 1), date(y, 12, 31))
                for y in range(start, years.stop, part.step)]
    if kind == "yearly" and part.windows:
        start = part.year or years.start
        several = len(part.windows) > 1
        specs = []
        for year in years:
            if year < start:
                continue
            for window in part.windows:
                # in a school year, September to December fall in its first calendar year
                actual = year if not school or window.first >= 9 else year + 1
                due_year = actual + 1 if part.next_year else actual
                label = _school_label(year) if school else str(year)
                if several:
                    label = f"{actual}-{window.last:02d}"
                specs.append(OccurrenceSpec(label, date(actual, window.first, 1),
                                            _window_due(due_year, window)))
        return specs
    if kind in ("yearly", "continuous"):
        if school:
            return [OccurrenceSpec(_school_label(y), date(y, 9, 1), date(y + 1, 8, 31))
                    for y in years]
        return [OccurrenceSpec(str(y), date(y, 1, 1), date(y, 12, 31)) for y in years]
    if kind == "on_demand":
        return []  # the clerk adds an occurrence when the need arises
    # an external schedule or an unread phrase: a yearly slot whose date is set later
    if school:
        return [OccurrenceSpec(_school_label(y), date(y, 9, 1), None) for y in years]
    return [OccurrenceSpec(str(y), date(y, 1, 1), None) for y in years]


def _in_window(month: int, window: Window) -> bool:
    """A month within a window; «сентябрь - май» runs over the new year."""
    if window.first <= window.last:
        return window.first <= month <= window.last
    return month >= window.first or month <= window.last


def _months_within(part: DeadlinePart) -> Callable[[int, int], bool]:
    """Whether a (year, month) is within the months a monthly or quarterly part names:
    its windows in every year, from its first dated month to its last, or — with no end —
    from its month on."""
    if part.year is None:
        return lambda year, month: any(_in_window(month, w) for w in part.windows)
    if part.end_year is None:
        start = (part.year, part.windows[0].first if part.windows else 1)
        return lambda year, month: (year, month) >= start
    last_year = part.end_year
    if not part.windows:
        return lambda year, month: part.year is not None and part.year <= year <= last_year
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for window in part.windows:
        # a window across the new year («ноябрь 2021 - январь 2022») ends the year after
        end_year = last_year if window.first <= window.last or last_year > part.year \
            else part.year + 1
        spans.append(((part.year, window.first), (end_year, window.last)))
    return lambda year, month: any(start <= (year, month) <= end for start, end in spans)


def _due_in(year: int, month: int, part: DeadlinePart) -> date:
    """The due date of a monthly or quarterly period that ends in ``month``: its last day,
    or ``part.day`` of it, or of the month after when ``part.following``."""
    if part.following:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if part.day is None:
            return month_end(year, month)
    if part.day is None:
        return month_end(year, month)
    return date(year, month, min(part.day, calendar.monthrange(year, month)[1]))


def _months(years: range, school: bool) -> list[tuple[int, int]]:
    if not school:
        return [(y, m) for y in years for m in range(1, 13)]
    return [(y if m >= 9 else y + 1, m) for y in years for m in (*range(9, 13), *range(1, 9))]


def _distinct(specs: list[OccurrenceSpec]) -> list[OccurrenceSpec]:
    """Keep one occurrence per label; when dated labels collide, label them by month."""
    by_label: dict[str, list[OccurrenceSpec]] = {}
    for spec in specs:
        by_label.setdefault(spec.period, []).append(spec)
    result: list[OccurrenceSpec] = []
    for group in by_label.values():
        dated = [spec for spec in group if spec.due is not None]
        if len(dated) <= 1:
            result.append(dated[0] if dated else group[0])
            continue
        for spec in dated:
            assert spec.due is not None
            result.append(OccurrenceSpec(f"{spec.due.year}-{spec.due.month:02d}", spec.start,
                                         spec.due))
    unique: dict[str, OccurrenceSpec] = {}
    for spec in result:
        unique.setdefault(spec.period, spec)
    return sorted(unique.values(), key=lambda s: (s.start, s.period))


def describe_part(part: DeadlinePart) -> str:
    """A part in Russian words, for ``karta deadline``."""
    windows = ", ".join(
        (f"до {w.day} {MONTHS_GENITIVE[w.last - 1]}" if w.day else
         f"{MONTHS[w.first - 1]}–{MONTHS[w.last - 1]}" if w.first != w.last
         else MONTHS[w.first - 1])
        for w in part.windows)
    bits = [KIND_LABELS[part.kind]]
    if part.kind in ("monthly", "quarterly") and part.year and part.end_year is None:
        first = part.windows[0].first if part.windows else 1
        bits.append(f"с {MONTHS_GENITIVE[first - 1]} {part.year}")
        windows = ""
    elif part.year:
        bits.append(str(part.year) if part.kind in ("once", "monthly", "quarterly")
                    else f"с {part.year}")
    if part.end_year and part.end_year != part.year:
        bits.append(f"по {part.end_year}")
    if part.due:
        bits.append(f"срок {part.due:%d.%m.%Y}")
    if windows:
        bits.append(windows)
    if part.day is not None:
        bits.append(f"до {part.day} числа")
    if part.following:
        bits.append("месяца, следующего за отчётным" if part.kind == "monthly"
                    else "первого месяца следующего квартала")
    if part.step > 1:
        bits.append(f"раз в {part.step} года")
    if part.next_year:
        bits.append("в следующем году")
    return ", ".join(bits)
