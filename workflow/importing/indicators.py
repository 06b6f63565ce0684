"""Indicators proposed from a roadmap at import (issue 22): a list for the clerk to confirm,
edit or drop — nothing here becomes an indicator by itself.

Three places name them: the planned-result column («Участие педагогов школ с НОР в работе
ГМО (100%)», «Рост доли …», «Сокращение доли …»), criteria tables after the activities
(«Показатель | Источник информации», by level: the municipality's and each school's), and
target tables or lines by year («доля выпускников …, %: 2021 — 85, 2022 — 87»). Activity
titles are never read: «Проведение мониторинга …» is work, not a measure.

The work is bounded whatever the file: a phrase longer than ``MAX_PHRASE_CHARS`` is no
indicator's name, at most ``MAX_PROPOSALS`` are proposed, and proposing stops after
``PROPOSE_SECONDS``; each cut is said in ``Proposals.notes``. The draft itself is bounded by
``limits.py`` already (cells, rows, all text).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from workflow.errors import KartaError
from workflow.importing.indicator_phrases import (
    SPECIFIC_GROUPS,
    counted_of,
    counts_schools,
    direction_of,
    group_of,
    is_indicator,
    measure_of,
    normal_unit,
    single_target,
    split_phrases,
    unit_of,
    year_targets,
)
from workflow.importing.text import clean
from workflow.indicators import parse_number, shown
from workflow.roadmap import ActivityDraft, RoadmapDraft, SkippedPart

__all__ = ["IndicatorProposal", "Proposals", "describe_origin", "describe_targets", "propose",
           "propose_indicators"]

MAX_PROPOSALS = 500  # a roadmap names tens; more is a crafted file or a wrong table
MAX_PHRASE_CHARS = 600  # an indicator's name is a line or two, never a page
PROPOSE_SECONDS = 5.0

ORIGINS = {
    "planned_result": "планируемый результат мероприятия",
    "criteria_table": "таблица критериев (показателей)",
    "target_table": "целевые значения по годам",
}  # in Russian, as the preview says where a proposal came from

_CANDIDATE = re.compile(r"%|дол[яиюе]|долей|процент|количеств|числ|балл", re.I)
_TRAILING_PAREN = re.compile(r"\s?[({]([^(){}]{0,300})[)}]\s?\.?$")
_SPACES = re.compile(r"\s+")
_STATED_TARGET = re.compile(r"[,:—–-]?\s?(?:не\s(?:менее|ниже|более|выше|меньше|больше)|до|"
                            r"на\sуровне|составит|в)?\s?$", re.I)
_INDICATOR_HEADER = re.compile(
    r"^(?:наименование\s+|название\s+)?(?:целев[а-я]{2,3}\s+)?"
    r"(?:показател|индикатор|критери)", re.I)
_UNIT_HEADER = re.compile(r"^(?:ед\.|ед\s|единиц)", re.I)
_YEAR_HEADER = re.compile(r"^((?:19|20)\d\d)(?:\s?[/-]\s?((?:19|20)?\d\d))?\s?"
                          r"(?:г\.?|год|уч\.?\s?г(?:\.|од)?|учебный год)?$", re.I)
_DEPARTMENT_LEVEL = re.compile(r"муницип|управлени[еяю] образования|\bУО\b|район|округ|"
                               r"город", re.I)
_SCHOOL_LEVEL = re.compile(r"образовательн[а-я]{1,3}\s+(?:организац|учрежден)|\bОО\b|"
                           r"\bОУ\b|школ", re.I)
_LIST_HEADING = re.compile(r"^(?:\d{1,2}\.\s?)?(?:целев[а-я]{2,3}\s+)?"
                           r"(?:показател|индикатор|критери)[а-яё]*\b", re.I)
_LIST_ITEM = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})?[.)]|[-–—•·*])\s?")
_SCHOOL_EXECUTORS = re.compile(r"\bОО\b|\bОУ\b|школ|руководител[а-я]{0,3}\s+(?:ОО|ОУ|образ)",
                               re.I)


def _plain(text: str) -> str:
    """A cell or line on one line, markup removed (not through the importer's caches:
    those are emptied when a read ends and would fill again with every cell here)."""
    return _SPACES.sub(" ", clean.__wrapped__(text)).strip()


@dataclass(frozen=True)
class IndicatorProposal:
    """An indicator the roadmap seems to name, with the phrase it came from."""

    name: str
    unit: str  # a key of workflow.indicators.UNITS
    direction: str  # a key of DIRECTIONS
    targets: dict[str, Decimal]  # period («2021», «2022/2023») → target; may be empty
    group: str  # whose schools: «школы с НОР», «ОО», «» when all or not said
    numerator: str  # in words, may be ""
    denominator: str
    source_phrase: str  # the text it came from, as written
    origin: str  # a key of ORIGINS
    activity_code: str  # the activity whose planned result named it first, or ""
    rollup: str  # a suggested key of ROLLUPS
    source: str  # a suggested key of SOURCES
    activity_codes: tuple[str, ...] = ()  # every activity that names it, in order

    def as_dict(self) -> dict[str, object]:
        """Plain data for the preview (JSON, the web page, the confirmation): targets as
        strings («85.5»), never floats."""
        return {
            "name": self.name, "unit": self.unit, "direction": self.direction,
            "targets": {period: str(value) for period, value in self.targets.items()},
            "group": self.group, "numerator": self.numerator,
            "denominator": self.denominator, "source_phrase": self.source_phrase,
            "origin": self.origin, "activity_code": self.activity_code,
            "activity_codes": list(self.activity_codes), "rollup": self.rollup,
            "source": self.source,
        }


@dataclass
class Proposals:
    """The proposals of one roadmap, and what was left out and why (in Russian)."""

    items: list[IndicatorProposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def describe_targets(targets: Mapping[str, Decimal], unit: str) -> str:
    """The targets as a clerk reads them: «2021–2023 — 100 %» when every period has the
    same, else «2021 — 85 %, 2022 — 87 %», «не указаны» when none."""
    if not targets:
        return "не указаны"
    periods = sorted(targets)
    values = [targets[period] for period in periods]
    if len(periods) > 1 and all(value == values[0] for value in values):
        first, last = periods[0], periods[-1]
        return f"{first}–{last} — {shown(values[0], unit)}" \
            if len(periods) == _years_between(first, last) else \
            ", ".join(periods) + f" — {shown(values[0], unit)}"
    return ", ".join(f"{period} — {shown(targets[period], unit)}" for period in periods)


def describe_origin(origin: str, codes: tuple[str, ...] | list[str]) -> str:
    """Where a proposal came from, in Russian: «планируемый результат мероприятия 1.4»,
    «планируемые результаты мероприятий 1.9, 2.8», «таблица критериев (показателей)»."""
    if origin == "planned_result" and len(codes) > 1:
        return "планируемые результаты мероприятий " + ", ".join(codes)
    if origin == "planned_result" and codes:
        return f"{ORIGINS[origin]} {codes[0]}"
    return ORIGINS.get(origin, origin)


def _years_between(first: str, last: str) -> int:
    return int(last[:4]) - int(first[:4]) + 1


def propose_indicators(draft: RoadmapDraft) -> list[IndicatorProposal]:
    """The indicators a roadmap draft names, in document order, one per indicator."""
    return propose(draft).items


def propose(draft: RoadmapDraft) -> Proposals:
    """``propose_indicators`` with the notes of what was cut (too many, too slow)."""
    collector = _Collector(draft)
    try:
        for activity in draft.activities:
            collector.planned_result(activity)
        for part in draft.skipped:
            if part.kind == "table":
                collector.table(part)
            elif part.kind == "text":
                collector.text(part)
    except _Stop:
        pass
    return collector.result()


@dataclass(frozen=True)
class _Served:
    """What a planned result takes from its activity: the code, a group the title names
    («… в школах с НОР») for a result that names none, whether schools execute it."""

    code: str
    group: str
    schools: bool


class _Stop(Exception):
    """A bound was reached: what was found so far is proposed, the rest noted."""


class _Collector:
    def __init__(self, draft: RoadmapDraft) -> None:
        years = range(draft.first_year, draft.last_year + 1)
        self.periods = [f"{year}/{year + 1}" if draft.school_years else str(year)
                        for year in years]
        self.items: list[IndicatorProposal] = []
        self.seen: dict[tuple[str, str, str], int] = {}
        self.known: dict[tuple[str, str, bool], int] = {}  # a phrase read → its proposal
        self.notes: list[str] = []
        self.long = 0
        self.end = time.monotonic() + PROPOSE_SECONDS

    def result(self) -> Proposals:
        notes = list(self.notes)
        if self.long:
            notes.insert(0, f"фраз длиннее {MAX_PHRASE_CHARS} символов не рассмотрено: "
                            f"{self.long} (название показателя короче)")
        return Proposals(self.items, notes)

    def check_time(self) -> None:
        if time.monotonic() > self.end:
            self.notes.append(f"показатели искались дольше {PROPOSE_SECONDS:g} с: "
                              "предложены найденные до этого, остальные добавьте вручную")
            raise _Stop

    # -- sources ---------------------------------------------------------------------------

    def planned_result(self, activity: ActivityDraft) -> None:
        self.check_time()
        text = activity.planned_result
        if not _CANDIDATE.search(text):
            return
        lent = group_of(activity.title)
        served = _Served(activity.code, lent if lent in SPECIFIC_GROUPS else "",
                         bool(_SCHOOL_EXECUTORS.search(" ".join(activity.executors)
                                                       or activity.executors_text)))
        for phrase in split_phrases(text):
            if len(phrase) > MAX_PHRASE_CHARS:
                self.long += 1
            elif is_indicator(phrase):
                # a phrase read once is not read again (a crafted file repeats one)
                known = self.known.get((phrase, served.group, served.schools))
                if known is not None:
                    self.also(known, served.code)
                    continue
                index = self.add(self.read(phrase, "planned_result", served=served))
                if len(self.known) < MAX_PROPOSALS * 20:
                    self.known[(phrase, served.group, served.schools)] = index

    def table(self, part: SkippedPart) -> None:
        rows = [(line.line, [_plain(cell) for cell in line.cells])
                for line in part.content if line.cells is not None]
        header = next((index for index, (_, cells) in enumerate(rows[:8])
                       if any(_INDICATOR_HEADER.match(cell) for cell in cells)), None)
        if header is None:
            return
        columns = [index for index, cell in enumerate(rows[header][1])
                   if _INDICATOR_HEADER.match(cell)]
        years, units, body = _year_columns(rows, header)
        levels = {column: _level(rows[:header + 1], column) for column in columns}
        for _, cells in rows[body:]:
            self.check_time()
            filled = [index for index, cell in enumerate(cells) if cell and cell != "-"]
            if len(filled) == 1 and filled[0] not in columns:
                continue  # a group heading inside the table («Наличие мониторинга …»)
            for column in columns:
                name = cells[column] if column < len(cells) else ""
                if not name or name == "-" or _INDICATOR_HEADER.match(name) and len(name) < 40:
                    continue  # a continuation row, or the header repeated on a new page
                if len(name) > MAX_PHRASE_CHARS:
                    self.long += 1
                    continue
                targets = {period: value for period, value in (
                    (period, _number(cells[index] if index < len(cells) else ""))
                    for index, period in years.items()) if value is not None}
                unit = normal_unit(cells[units]) if units is not None and units < len(cells) \
                    else ""
                self.add(self.read(name, "target_table" if years else "criteria_table",
                                   level=levels[column], unit=unit, targets=targets))

    def text(self, part: SkippedPart) -> None:
        listing = False
        for line in part.content:
            self.check_time()
            phrase = _plain(line.text)
            if not phrase:
                continue
            if len(phrase) > MAX_PHRASE_CHARS:
                self.long += 1
                listing = False
                continue
            item = _LIST_ITEM.match(phrase)
            yearly, _ = year_targets(phrase)
            if yearly and (measure_of(phrase) or unit_of(phrase)):
                self.add(self.read(phrase[item.end():] if item else phrase, "target_table"))
            elif listing and item:  # an item of «Целевые индикаторы:» names one
                self.add(self.read(phrase[item.end():], "criteria_table"))
            elif not item:
                listing = bool(_LIST_HEADING.match(phrase)) and len(phrase) < 200

    # -- one phrase ------------------------------------------------------------------------

    def read(self, phrase: str, origin: str, served: _Served | None = None,
             level: str = "", unit: str = "", targets: dict[str, Decimal] | None = None
             ) -> IndicatorProposal:
        """A proposal from one phrase: the name without the evidence in brackets after a
        planned result («(протоколы заседаний)») and without the target it states, the
        unit, the targets
        by period (one stated without a year holds for every period of the roadmap)."""
        # a planned result may name its evidence in brackets; a table's cell is the name
        body = _without_evidence(phrase) if origin == "planned_result" else phrase
        yearly, span = year_targets(body)
        name = body
        if yearly and span is not None:
            name = body[:span[0]].rstrip(" :—–-,;")
            targets = {**yearly, **(targets or {})}
        default_unit = "ед." if origin == "criteria_table" else "%"
        unit = unit or unit_of(name, "") or unit_of(body, default_unit)
        stated_unit = re.search(r"(?:,|\(|\bв)\s?(?:%|чел\.?|ед\.?|единиц[а-я]*|баллы?)"
                                r"\s?\)?\s?:?$", name)
        if stated_unit:
            name = name[:stated_unit.start()]
        if not targets:
            value, stated = single_target(body, unit)
            targets = dict.fromkeys(self.periods, value) if value is not None else {}
            bracket = _TRAILING_PAREN.search(name)
            if stated and bracket and stated in bracket.group(1):
                name = name[:bracket.start()]
            elif stated and name.endswith(stated):  # «…, не менее 80 %»
                name = _STATED_TARGET.sub("", name[:-len(stated)])
        name = _capitalised(name.strip(" .;,:"))
        group = group_of(body)
        if level:  # a criterion of the schools' level counts schools, of the municipality's
            # level is the department's own
            group = group if group in SPECIFIC_GROUPS else "ОО" if level == "schools" else ""
        if not group and served is not None:
            group = served.group
        direction = direction_of(name, targets,
                                 "at_least" if origin == "criteria_table" else "up")
        counted = counted_of(name, unit)
        rollup, source = _suggestion(name, unit, origin, level, served)
        return IndicatorProposal(
            name=name, unit=unit, direction=direction, targets=targets, group=group,
            numerator=counted.numerator, denominator=counted.denominator,
            source_phrase=phrase, origin=origin,
            activity_code=served.code if served else "", rollup=rollup, source=source,
            activity_codes=(served.code,) if served else ())

    def add(self, proposal: IndicatorProposal) -> int:
        """Keep a proposal, and say where it is; the same indicator named again (by another
        activity) is one proposal listing every activity."""
        key = (_key(proposal.name), proposal.group, proposal.source)
        if key in self.seen:
            index = self.seen[key]
            for code in proposal.activity_codes:
                self.also(index, code)
            return index
        if len(self.items) >= MAX_PROPOSALS:
            self.notes.append(f"предложено не больше {MAX_PROPOSALS} показателей; остальные "
                              "не показаны (проверьте, та ли это таблица)")
            raise _Stop
        self.seen[key] = len(self.items)
        self.items.append(proposal)
        return len(self.items) - 1

    def also(self, index: int, code: str) -> None:
        """Another activity names the proposal at ``index``."""
        first = self.items[index]
        if code not in first.activity_codes:
            self.items[index] = replace(first, activity_codes=(*first.activity_codes, code))


def _key(name: str) -> str:
    return re.sub(r"[^\w%]+", " ", name.lower().replace("ё", "е")).strip()


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _without_evidence(phrase: str) -> str:
    """The phrase without the documents in brackets after it («(протоколы заседаний ШМО)»,
    «(адресные рекомендации)»): brackets with a figure («(100%)», «(свыше 30% от …)») stay."""
    for _ in range(4):
        bracket = _TRAILING_PAREN.search(phrase)
        if bracket is None or re.search(r"\d", bracket.group(1)):
            break
        phrase = phrase[:bracket.start()].rstrip()
    return phrase


def _number(text: str) -> Decimal | None:
    """A target in a cell: «85», «85,5 %», «не менее 90»; None when there is none."""
    found = re.search(r"\d{1,12}(?:[.,]\d{1,6})?", text[:100])
    if found is None:
        return None
    try:
        return parse_number(found.group(0), "цель")
    except KartaError:
        return None


def _year_columns(rows: list[tuple[int, list[str]]], header: int
                  ) -> tuple[dict[int, str], int | None, int]:
    """The columns of a target table: {column: period} of the year columns and the unit
    column, in the header row or the one under it («Значения по годам» over «2021 | 2022»);
    and where the body starts."""
    years: dict[int, str] = {}
    units: int | None = None
    body = header + 1
    for position in (header, header + 1):
        if position >= len(rows):
            break
        found = 0
        for index, cell in enumerate(rows[position][1]):
            year = _YEAR_HEADER.match(cell)
            if year:
                first, second = year.groups()
                if second:
                    later = int(second) if len(second) == 4 else int(first) // 100 * 100 + \
                        int(second)
                    if later != int(first) + 1:
                        continue
                    years[index] = f"{first}/{later}"
                else:
                    years[index] = first
                found += 1
            elif _UNIT_HEADER.match(cell):
                units = index
        if found and position > header:
            body = position + 1
    return years, units, body


def _level(header_rows: list[tuple[int, list[str]]], column: int) -> str:
    """Whose indicator a column of a criteria table holds, by the header cell over it (a
    merged cell keeps its text in its first column): «Уровень муниципалитета» — the
    department's, «Уровень образовательной организации» — each school's; "" when unsaid."""
    for _, cells in reversed(header_rows):
        for index in range(min(column, len(cells) - 1), -1, -1):
            text = cells[index]
            if not text:
                continue
            if _INDICATOR_HEADER.match(text):
                break
            if _SCHOOL_LEVEL.search(text):
                return "schools"
            if _DEPARTMENT_LEVEL.search(text):
                return "department"
            break
    return ""


def _suggestion(name: str, unit: str, origin: str, level: str,
                served: _Served | None) -> tuple[str, str]:
    """(roll-up, source) to start from: a share of schools is the share of schools that
    meet it; a share of people in them is Σ numerators / Σ denominators; counts add up. A
    criterion of the municipality's level is the department's to enter, one of the
    schools' level each school's; a share of schools that the activity's executors
    include is what the workflow knows (the share of schools whose report was accepted)."""
    schools = counts_schools(name) or level == "schools" or origin == "criteria_table"
    if unit == "%":
        rollup = "share_meeting" if schools else "weighted_mean"
    elif unit == "баллы":
        rollup = "weighted_mean"
    elif origin == "criteria_table" and level != "department" and measure_of(name) != "count":
        rollup = "share_meeting"
    else:
        rollup = "sum"
    if level:
        return rollup, level
    if served is not None and unit == "%" and counts_schools(name):
        return rollup, "workflow" if served.schools else "department"
    return rollup, "schools"
