"""Importing roadmaps from .docx, .xlsx, .csv and plain-text dumps.

``read_roadmap(path, period)`` finds the roadmap table by its headers, maps its columns by
header text, reads sections and activities, merges continuation lines, and lists every
other part of the document as skipped with the reason. It touches no database.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from workflow.errors import InvalidPeriod, PeriodRequired, RoadmapFormatError
from workflow.importing.columns import ColumnMap, map_columns
from workflow.importing.layout import Table, TextRegion, segment
from workflow.importing.limits import Deadline, safe_text
from workflow.importing.rows import read_rows
from workflow.importing.sources import Item, items_from_bytes, read_source
from workflow.importing.text import clean, single_line
from workflow.roadmap import RoadmapDraft, SkippedPart

_DASH = r"\s*[-\u2010-\u2015\u2212]\s*"
_YEAR_RANGE = re.compile(
    rf"(?<!\d)((?:19|20)\d\d){_DASH}((?:19|20)\d\d)\s*(?:год[аы]?|гг\.?|г\.\s*г\.?|г\.)",
    re.I,
)
_SINGLE_YEAR = re.compile(r"\bна\s+((?:19|20)\d\d)\s*(?:год|г\.)", re.I)
_SCHOOL_YEARS = re.compile(rf"(?<!\d)((?:19|20)\d\d){_DASH}((?:19|20)\d\d)\s*учебн", re.I)
_SCHOOL_RANGE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)\s*/\s*(?:19|20)?\d\d"
    rf"(?:{_DASH}((?:19|20)\d\d)\s*/\s*(?:19|20)?\d\d)?\s*(?:уч|учебн)", re.I)


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
_TITLE_START = re.compile(r"^(?:дорожная карта|план\b|план-график|комплекс мер|"
                          r"перечень мероприятий|программа)", re.I)
_ORDER_MARK = re.compile(r"\bприказ\b|п\s*р\s*и\s*к\s*а\s*з|приказываю", re.I)


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


def find_period(texts: list[str]) -> Period | None:
    """The first period a text names («на 2021-2023 годы», «2020 — 2024 гг.», «2021 год»,
    «на 2021/2022 – 2023/2024 учебные годы»), outside «quoted» names of other documents."""
    for text in texts:
        own = _without_quoted(text)
        match = _SCHOOL_RANGE.search(own)
        if match:
            return Period(int(match.group(1)), int(match.group(2) or match.group(1)), True)
        match = _SCHOOL_YEARS.search(own)
        if match:  # «2021-2024 учебные годы»: the school years that start 2021 … 2023
            first, last = int(match.group(1)), int(match.group(2))
            if first < last <= first + 20:
                return Period(first, last - 1, True)
        match = _YEAR_RANGE.search(own)
        if match:
            first, last = int(match.group(1)), int(match.group(2))
            if first <= last <= first + 20:
                return Period(first, last)
        match = _SINGLE_YEAR.search(own)
        if match:
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


def _block_text(items: list[Item]) -> str:
    return single_line(clean("\n".join(item.text for item in items)))


def _paragraphs(items: list[Item]) -> list[str]:
    """Consecutive non-blank lines joined into paragraphs."""
    paragraphs: list[str] = []
    current: list[str] = []
    for item in items + [Item(line=0, text="")]:
        text = clean(item.text)
        if text:
            current.append(text)
        elif current:
            paragraphs.append(single_line(" ".join(current)))
            current = []
    return paragraphs


def read_roadmap(path: Path, period: Period | None = None,
                 title: str | None = None) -> RoadmapDraft:
    """Read a roadmap file into a draft; raise ``RoadmapFormatError`` or ``PeriodRequired``."""
    data = read_source(path)
    deadline = Deadline(path.name)  # one time budget for reading, finding and parsing
    items = items_from_bytes(path.name, data, deadline)
    blocks = segment(items, deadline)
    candidates: list[tuple[Table, ColumnMap]] = []
    skipped_tables: list[tuple[Table, str]] = []
    for block in blocks:
        if isinstance(block, Table):
            columns = map_columns([item.cells or [] for item in block.header]) \
                if block.header else None
            reason = None
            if not block.header:
                reason = "таблица без строки заголовков"
            elif columns is None:
                reason = "нет столбца мероприятий («Мероприятие», «Наименование мероприятия»)"
            else:
                reason = columns.missing_reason()
            if reason is None and columns is not None:
                candidates.append((block, columns))
            else:
                skipped_tables.append((block, reason or ""))
    if not candidates:
        raise RoadmapFormatError(
            path.name, None,
            "не найдена таблица дорожной карты: нужны столбцы мероприятий и сроков "
            "(«Мероприятие», «Сроки»)",
        )
    table, columns = max(candidates, key=lambda c: sum(1 for i in c[0].body if i.is_row))
    for other, _ in candidates:
        if other is not table:
            skipped_tables.append((other, "ещё одна таблица мероприятий; импортирована "
                                          "самая большая таблица, эту импортируйте отдельно"))
    sections, activities = read_rows(table, columns, path.name, deadline)
    if not activities:
        raise RoadmapFormatError(path.name, table.first_line, "в таблице нет ни одного мероприятия")

    before: list[Item] = []
    for block in blocks:
        if block is table:
            break
        if isinstance(block, TextRegion):
            before.extend(block.items)
    caption = _block_text(table.caption)
    earlier = list(reversed(_paragraphs(before)))
    # a file name can hold bytes that are not UTF-8, which no database stores
    found_title = safe_text(title or _roadmap_title(caption, earlier) or path.stem)
    found_period = period or find_period([caption, found_title, *earlier])
    if found_period is None:
        raise PeriodRequired(path.name)

    draft = RoadmapDraft(
        title=found_title, first_year=found_period.first, last_year=found_period.last,
        school_years=found_period.school_years,
        source_name=safe_text(path.name), source_sha256=hashlib.sha256(data).hexdigest(),
        source=data,
        sections=sections, activities=activities, columns=columns.headers,
    )
    draft.skipped = _skipped(blocks, table, skipped_tables, found_title)
    return draft


def _roadmap_title(caption: str, earlier: list[str]) -> str | None:
    for text in [caption, *earlier]:
        if text and _TITLE_START.match(text) and not text.endswith(".") and len(text) < 400:
            return text
    return caption if caption and len(caption) < 400 else None


def _skipped(blocks: list[Table | TextRegion], roadmap: Table,
             tables: list[tuple[Table, str]], title: str) -> list[SkippedPart]:
    reasons = {id(table): reason for table, reason in tables}
    skipped: list[SkippedPart] = []
    for block in blocks:
        if isinstance(block, TextRegion):
            lines = [item for item in block.items if item.text.strip()
                     and single_line(clean(item.text)) not in title]
            if not lines:
                continue  # only the roadmap's own title
            text = _block_text(lines)
            if _ORDER_MARK.search(text):
                kind, reason = "order", "текст приказа, а не таблица мероприятий"
            else:
                kind, reason = "text", "текст вне таблицы мероприятий"
            skipped.append(SkippedPart(kind, _short(text), lines[0].line, lines[-1].line, reason))
        elif block is not roadmap:
            title = _block_text(block.caption) or " | ".join(
                c for c in (block.header[0].cells or []) if c.strip()) if block.header else ""
            skipped.append(SkippedPart("table", _short(title or "таблица без названия"),
                                       block.first_line, block.last_line, reasons[id(block)]))
    return skipped


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
