"""Importing roadmaps from .docx, .xlsx, .pdf, .doc/.odt/.rtf, .csv and plain-text dumps.

``read_roadmap(path, period)`` finds the roadmap table by its headers, maps its columns by
header text, reads sections and activities, merges continuation lines, repairs what
conversion damaged (and says so), and accounts for every line of the source: part of an
activity, a section, a header, the title or the appendix stamp, an artefact removed, or
skipped with the reason. It touches no database.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from workflow.collection import collection_paused
from workflow.errors import PeriodRequired, RoadmapFormatError
from workflow.importing.columns import ColumnMap, forget_headers, map_columns
from workflow.importing.layout import Table, TextRegion, segment
from workflow.importing.ledger import Ledger
from workflow.importing.limits import Deadline, safe_text
from workflow.importing.period import (
    Period,
    find_period,
    outside_period,
    parse_period,
    school_year_hint,
    suggest_period,
)
from workflow.importing.rows import read_rows
from workflow.importing.sources import Item, items_from_bytes, read_source
from workflow.importing.text import PAGE_NUMBER, clean, is_page_number, single_line
from workflow.importing.title import find_title
from workflow.roadmap import PartLine, RoadmapDraft, SkippedPart

__all__ = ["Period", "find_period", "parse_period", "read_roadmap"]

TEXT_EXPORTS = (".txt", ".md", ".csv", ".tsv")  # text without pages: page numbers stay in it
_ORDER_MARK = re.compile(r"\bприказ\b|п\s*р\s*и\s*к\s*а\s*з|приказываю", re.I)


def _block_text(items: list[Item]) -> str:
    return single_line(clean("\n".join(item.text for item in items)))


def _rows(table: Table) -> int:
    return sum(1 for item in table.body if item.is_row)


def _signature(columns: ColumnMap) -> tuple[bool, ...]:
    """Which fields a table has: tables with the same continue one another."""
    return tuple(getattr(columns, name) is not None
                 for name in ("code", "deadline", "executors", "result"))


def read_roadmap(path: Path, period: Period | None = None,
                 title: str | None = None) -> RoadmapDraft:
    """Read a roadmap file into a draft; raise ``RoadmapFormatError`` or ``PeriodRequired``."""
    with collection_paused():
        return _read_roadmap(path, period, title)


def _read_roadmap(path: Path, period: Period | None, title: str | None) -> RoadmapDraft:
    data = read_source(path)
    deadline = Deadline(path.name)  # one time budget for reading, finding and parsing
    items = items_from_bytes(path.name, data, deadline)
    for item in items:  # a paragraph that is a page number alone, anywhere in the file
        if item.cells is None and not item.artefact and is_page_number(clean(item.text)):
            item.artefact = PAGE_NUMBER
    ledger = Ledger(items)
    blocks = segment(items, deadline)
    candidates: list[tuple[Table, ColumnMap]] = []
    skipped_tables: dict[int, str] = {}
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
                skipped_tables[id(block)] = reason or ""
    if not candidates:
        raise RoadmapFormatError(
            path.name, None,
            "не найдена таблица дорожной карты: нужны столбцы мероприятий и сроков "
            "(«Мероприятие», «Сроки»)",
        )
    table, columns = max(candidates, key=lambda c: _rows(c[0]))
    # a second table with the same columns continues the roadmap (a new page, a new part)
    parts = [(other, other_columns) for other, other_columns in candidates
             if other is table or _signature(other_columns) == _signature(columns)]
    for other, _ in candidates:
        if all(other is not part for part, _ in parts):
            skipped_tables[id(other)] = ("ещё одна таблица мероприятий с другими столбцами; "
                                         "импортирована самая большая таблица, эту "
                                         "импортируйте отдельно")
    sections, activities = read_rows(parts, path.name, ledger, deadline,
                                     text_export=path.suffix.lower() in TEXT_EXPORTS)

    first = parts[0][0]
    before: list[Item] = []
    for block in blocks:
        if block is first:
            break
        if isinstance(block, TextRegion):
            before.extend(block.items)
    found = find_title(first.caption, before)
    ledger.mark_all(found.stamp_items, "stamp")
    ledger.mark_all(found.title_items, "title")
    caption = single_line(" ".join(
        clean(item.text) for item in first.caption if item not in found.stamp_items))
    earlier = [single_line(clean(item.text)) for item in reversed(before)
               if item not in found.stamp_items and item.text.strip()]
    # a file name can hold bytes that are not UTF-8, which no database stores
    found_title = safe_text(title or found.title or path.stem)
    found_period = period or find_period([found.title, caption, *earlier], titles=2)
    phrases = [activity.deadline_text for activity in activities]
    if found_period is None:
        raise PeriodRequired(path.name, suggest_period(phrases))

    draft = RoadmapDraft(
        title=found_title, first_year=found_period.first, last_year=found_period.last,
        school_years=found_period.school_years,
        source_name=safe_text(path.name), source_sha256=hashlib.sha256(data).hexdigest(),
        source=data,
        sections=sections, activities=activities, columns=columns.headers,
        approval=found.approval,
    )
    used = {id(item) for item in found.title_items} | {id(item) for item in found.stamp_items}
    draft.skipped = _skipped(blocks, [part for part, _ in parts], skipped_tables, used, ledger)
    for item in items:  # blank lines a layout step set aside (between caption and table)
        if not ledger.marked(item) and not (item.text.strip() if item.cells is None
                                            else any(c.strip() for c in item.cells)):
            ledger.mark(item, "blank")
    draft.lines = ledger.lines()
    draft.repairs = ledger.repairs
    hint = school_year_hint(found_period, [found.title, caption], phrases)
    if hint:
        draft.warnings.append(hint)
    outside = outside_period(found_period, [(a.code, a.deadline_text) for a in activities])
    if outside:
        draft.warnings.append(f"сроки вне периода {found_period.label} ({len(outside)}): "
                              + ", ".join(outside[:20]) + (" …" if len(outside) > 20 else ""))
    # the cells of a large file fill the caches of cleaned text (tens of megabytes) that
    # storing the draft can use better
    clean.cache_clear()
    single_line.cache_clear()
    forget_headers()
    return draft


def _skipped(blocks: list[Table | TextRegion], roadmap: list[Table],
             reasons: dict[int, str], used: set[int], ledger: Ledger) -> list[SkippedPart]:
    """The parts left out, each with its reason, their lines marked in the ledger."""
    skipped: list[SkippedPart] = []
    for block in blocks:
        if isinstance(block, TextRegion) or any(block is part for part in roadmap):
            items = block.items if isinstance(block, TextRegion) else block.caption
            lines = [item for item in items if id(item) not in used and not ledger.marked(item)
                     and not item.artefact]
            ledger.mark_all([item for item in lines if not item.text.strip()], "blank")
            lines = [item for item in lines if item.text.strip()]
            if not lines:
                continue  # only the roadmap's own title
            text = _block_text(lines)
            if _ORDER_MARK.search(text):
                kind, reason = "order", "текст приказа, а не таблица мероприятий"
            else:
                kind, reason = "text", "текст вне таблицы мероприятий"
            ledger.mark_all(lines, "skipped", reason)
            skipped.append(SkippedPart(kind, _short(text), lines[0].line, lines[-1].line, reason,
                                       content=_content(lines)))
        else:
            title = _block_text(block.caption) or " | ".join(
                c for c in (block.header[0].cells or []) if c.strip()) if block.header else ""
            rows = _rows(block) + len(block.header)
            reason = f"{reasons[id(block)]} (строк: {rows})"
            ledger.mark_all([*block.caption, *block.header, *block.body], "skipped", reason)
            skipped.append(SkippedPart("table", _short(title or "таблица без названия"),
                                       block.first_line, block.last_line, reason, rows,
                                       _content([*block.caption, *block.header, *block.body])))
    return skipped


def _content(items: list[Item]) -> list[PartLine]:
    """A skipped part's lines and rows as read (criteria and target tables are read again
    for the indicators they name)."""
    return [PartLine(item.line, item.text, None if item.cells is None else tuple(item.cells))
            for item in items if not item.artefact]


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
