"""Recognising header rows and mapping columns by their header text, never by position."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from workflow.importing.text import clean, single_line

# Checked in this order: the first field whose pattern matches a header cell takes it.
# «Период реализации отдельного действия» is a deadline although it names an action;
# «Планируемый результат (документы …)» is a result although it names documents.
FIELD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("code", re.compile(r"^(?:№|n|no|nn|№№)\s*(?:п\s*/\s*п|пп)?\.?$|^номер|^код$")),
    ("deadline", re.compile(r"срок|^период|период реализации|дата|когда|"
                            r"время (?:проведения|исполн)")),
    ("executors", re.compile(r"ответствен|исполнител|кто\b")),
    ("result", re.compile(r"результат|итог|документ|показател[ья] (?:результ|выполн)|"
                          r"форма (?:отчет|заверш)|выход")),
    ("title", re.compile(r"мероприят|наименование|направлени|содержание|действ|вид работ|"
                         r"задач|работ[аы]")),
)
_TITLE_FIRST = re.compile(r"мероприят|наименование")
_OTHER_HEADER_WORDS = re.compile(
    r"показател|источник|уровень|критери|примечан|индикатор|значени|наименование|"
    r"категори|количеств|целев|финансир|объем|статус|ед\.?\s?изм|единиц"
)
# a year over a column of targets («2021», «2021 год», «2021/2022», «2021-2022 уч. год»):
# with «Показатель» it heads a target table, which must not run on as roadmap rows
_YEAR_CELL = re.compile(r"^(?:19|20)\d\d(?:\s?(?:год|г)\.?|\s?[/-]\s?(?:19|20)?\d\d"
                        r"(?:\s?уч[а-я.]{0,6}\s?г[а-я.]{0,3})?)?$")


_NUMBERED = re.compile(r"^\d+(?:\.\d+)*\.?$")


@lru_cache(maxsize=1 << 16)
def _normalise(cell: str) -> str:
    text = single_line(clean(cell)).lower().replace("ё", "е")
    return _WHITESPACE.sub(" ", text).strip(" :.")


_WHITESPACE = re.compile(r"\s+")


def forget_headers() -> None:
    """Empty the cache of normalised cells (a large file fills it)."""
    _normalise.cache_clear()


def field_of(cell: str) -> str | None:
    """The roadmap field a header cell names, if any."""
    text = _normalise(cell)
    if not text:
        return None
    for name, pattern in FIELD_PATTERNS:
        if pattern.search(text):
            return name
    return None


def is_header(cells: list[str]) -> bool:
    """A header row of any table: a «№ п/п» cell, or two cells that read like column names."""
    filled = [cell for cell in cells if cell.strip()]
    if not filled:
        return False
    first = _normalise(filled[0])
    if _NUMBERED.match(first):
        return False  # a numbered row is data, whatever its cells say (asked of every row)
    texts = [first, *(_normalise(cell) for cell in filled[1:])]
    if FIELD_PATTERNS[0][1].search(texts[0]) and len(texts) >= 2:
        return True
    named = sum(1 for text in texts if len(text) < 90 and (field_of(text) or
                                                          _OTHER_HEADER_WORDS.search(text)
                                                          or _YEAR_CELL.match(text)))
    return named >= 2 and named >= len(texts) - 1


def is_genuine_header(cells: list[str]) -> bool:
    """A header that starts a new table even after rows: «№ п/п | …», or short capitalised
    cells naming at least two different columns. A continuation fragment that merely holds
    column words («мероприятия по | результаты работы») is not one."""
    if not is_header(cells):
        return False
    texts = [single_line(clean(cell)) for cell in cells if clean(cell)]
    if FIELD_PATTERNS[0][1].search(_normalise(texts[0])):
        return True
    if any(not (text[:1].isupper() or _YEAR_CELL.match(text)) or len(text) > 60
           for text in texts):
        return False
    named = {field_of(text) or ("other" if _OTHER_HEADER_WORDS.search(_normalise(text))
                                else "year" if _YEAR_CELL.match(text) else None)
             for text in texts}
    named.discard(None)
    return len(named) >= 2


def is_header_tail(cells: list[str]) -> bool:
    """The second line of a header broken in two («п/п | мероприятия | исполнения», or just
    «результат» under «Планируемый»): short cells in small letters, none a number."""
    texts = [single_line(clean(cell)).strip(" :.") for cell in cells if cell.strip()]
    return len(texts) >= 1 and all(
        0 < len(text) <= 40 and (text[0].islower() or text in ("п/п", "пп"))
        for text in texts)


def is_numbering_row(cells: list[str]) -> bool:
    """The «1 | 2 | 3 | 4» row many tables print under their header."""
    texts = [cell.strip().rstrip(".") for cell in cells if cell.strip()]
    return len(texts) >= 3 and texts == [str(n) for n in range(1, len(texts) + 1)]


@dataclass(frozen=True)
class ColumnMap:
    """Which column holds which field; ``None`` when a field has no column."""

    code: int | None
    title: int
    deadline: int | None
    executors: int | None
    result: int | None
    headers: tuple[str, ...]
    deadline_end: int | None = None  # «Сроки: начало | окончание» under one merged cell

    def missing_reason(self) -> str | None:
        """Why this table is not a roadmap, or None when it is."""
        if self.deadline is None:
            return "нет столбца сроков («Сроки», «Срок реализации»)"
        return None


def map_columns(header_rows: list[list[str]]) -> ColumnMap | None:
    """Map fields to columns from one or more header rows; None without an activity column."""
    header_rows = [row for row in header_rows if not is_numbering_row(row)] or header_rows
    width = max(len(row) for row in header_rows)
    merged = []
    for i in range(width):
        parts: list[str] = []
        for row in header_rows:
            text = row[i].strip() if i < len(row) else ""
            if text and (not parts or parts[-1] != text):  # a vertical merge repeats its text
                parts.append(text)
        merged.append(" ".join(parts))
    found: dict[str, int] = {}
    for index, cell in enumerate(merged):
        name = field_of(cell)
        if name and name not in found:
            found[name] = index
        elif name == "title" and _TITLE_FIRST.search(_normalise(cell)) \
                and not _TITLE_FIRST.search(_normalise(merged[found["title"]])):
            # «Направление | Мероприятие»: the activity column wins over a category column
            found["title"] = index
    if "title" not in found:
        return None
    deadline = found.get("deadline")
    deadline_end = None
    if deadline is not None and deadline + 1 < width and len(header_rows) > 1:
        top = header_rows[0]
        lower = _normalise(merged[deadline + 1])
        if (deadline + 1 >= len(top) or not top[deadline + 1].strip()) and \
                re.match(r"^(?:оконч|заверш|конец|по\b|до\b)", lower):
            deadline_end = deadline + 1
    return ColumnMap(
        code=found.get("code"),
        title=found["title"],
        deadline=deadline,
        executors=found.get("executors"),
        result=found.get("result"),
        headers=tuple(single_line(clean(cell)) for cell in merged),
        deadline_end=deadline_end,
    )
