"""Rows with more cells than the header: cells matched to columns by what they hold.

Conversion leaves rows wider than their header: an empty cell where a page broke, a page
number in a cell of its own. Dropping the extra cells by position shifts a planned result
into «Ответственные»; instead each way of dropping empty or page-number cells is scored by
how well every remaining cell suits its column, and the best one is kept.
"""

from __future__ import annotations

import re
from itertools import combinations

from workflow.deadlines import read_deadline
from workflow.importing.columns import ColumnMap
from workflow.importing.text import clean, is_page_number

_MAX_EXTRA = 4  # more extra cells than this is another table, not a damaged row
_CODE = re.compile(r"^\d{1,4}(?:\s*\.\s*\d{1,3})*\.?$")
_EXECUTOR = re.compile(r"(?:^|[\s,;«(])(?:[А-ЯЁ]{2,}|[А-ЯЁ]\.\s*[А-ЯЁ]\.)|руководител|"
                       r"управлени|комитет|отдел\b|специалист|методист|директор|заместител|"
                       r"педагог|учител|координатор|рабоч[аи][яе] групп", re.I)
_DEADLINE_WORD = re.compile(r"ежегодн|ежемесячн|ежекварт|постоянн|в течение|до \d|по мере|"
                            r"по графику|согласно|по плану|(?:19|20)\d\d|январ|феврал|март|"
                            r"апрел|\bма[йя]\b|июн|июл|август|сентябр|октябр|ноябр|декабр|"
                            r"квартал|полугоди|раз в", re.I)


def is_droppable(cell: str) -> bool:
    """An extra cell conversion may have added: empty, or a page number alone."""
    text = clean(cell)
    return not text or is_page_number(text)


def _fits(text: str, field: str) -> float:
    """How well a cell's text suits a field (higher is better; empty is neutral)."""
    text = clean(text)
    if not text:
        return 0.0
    if field == "code":
        return 3.0 if _CODE.match(text) else -3.0
    if field == "deadline":
        if len(text) > 150:
            return -2.0
        if not read_deadline(text).flagged:
            return 3.0
        return 1.5 if _DEADLINE_WORD.search(text) else -1.0
    if field == "executors":
        if _CODE.match(text):
            return -2.0
        score = 2.0 if _EXECUTOR.search(text) else -0.5
        return score - (1.5 if len(text) > 200 else 0.0)
    if field == "result":
        if _CODE.match(text):
            return -2.0
        return 1.0 - (1.5 if not read_deadline(text).flagged and len(text) < 60 else 0.0)
    return -2.0 if _CODE.match(text) else 1.0  # title


def align_cells(cells: list[str], columns: ColumnMap, width: int) -> tuple[list[str], list[int]]:
    """``cells`` cut to ``width`` by dropping the extra cells that fit worst; returns the
    cells and the indices dropped. A row no wider than ``width``, or one whose extra cells
    are all empty past the last column, is returned as it is."""
    extra = len(cells) - width
    if extra <= 0 or width <= 0:
        return cells, []
    if not any(cell.strip() for cell in cells[width:]) and not any(
            is_page_number(clean(cell)) for cell in cells[:width] if cell.strip()):
        return cells[:width], []  # trailing empty cells: nothing moves
    droppable = [index for index, cell in enumerate(cells) if is_droppable(cell)]
    if extra > _MAX_EXTRA or len(droppable) < extra:
        return cells, []
    fields = _fields_by_column(columns, width)
    best: tuple[float, int, tuple[int, ...]] | None = None
    for dropped in combinations(droppable, extra):
        kept = [cell for index, cell in enumerate(cells) if index not in dropped]
        score = sum(_fits(cell, fields[index]) for index, cell in enumerate(kept)
                    if fields[index])
        # on a tie, drop page numbers before empty cells, and later cells before earlier
        # ones (what comes first keeps its place)
        tie = sum(1 for index in dropped if cells[index].strip())
        key = (score, tie, dropped)
        if best is None or key > best:
            best = key
    assert best is not None
    dropped = best[2]
    return [cell for index, cell in enumerate(cells) if index not in dropped], list(dropped)


def _fields_by_column(columns: ColumnMap, width: int) -> list[str]:
    fields = [""] * width
    for name in ("code", "title", "deadline", "executors", "result"):
        index = getattr(columns, name)
        if index is not None and index < width:
            fields[index] = name
    return fields
