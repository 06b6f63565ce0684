"""Turning the rows of a roadmap table into sections and activities."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflow.errors import RoadmapFormatError, RoadmapLimitExceeded
from workflow.importing import limits
from workflow.importing.columns import ColumnMap, is_header, is_numbering_row
from workflow.importing.layout import Table
from workflow.importing.limits import Deadline
from workflow.importing.text import (
    clean,
    is_emphasised,
    is_page_number,
    is_separator,
    join_fragments,
    single_line,
)
from workflow.roadmap import ActivityDraft, SectionDraft

ACTIVITY_CODE = re.compile(r"^\d{1,3}(?:\s*\.\s*\d{1,3})*\.?$")
_SECTION_HEAD = re.compile(
    r"^(?P<word>(?:задача|раздел|направление|блок|модуль|подпрограмма|цель|этап)\s*"
    r"(?:№\s*)?(?P<wordnum>\d+|[IVXLC]+)\b\.?:?)"
    r"|^(?P<num>\d{1,2}|[IVXLC]{1,5})\s*[.)]\s+(?=\S)",
    re.I,
)
_SUB_ITEM = ("-", "–", "—", "•", "·", "*")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(text: str) -> int | None:
    """The value of a Roman numeral, or None when ``text`` is not one."""
    text = text.upper()
    if not text or any(ch not in _ROMAN for ch in text):
        return None
    total = 0
    for ch, nxt in zip(text, text[1:] + " "):
        value = _ROMAN[ch]
        total += -value if nxt in _ROMAN and _ROMAN[nxt] > value else value
    return total


@dataclass
class _Fields:
    code: str
    title: str
    deadline: str
    executors: str
    result: str

    def merge(self, other: _Fields) -> None:
        self.title = join_fragments(self.title, other.title)
        self.deadline = join_fragments(self.deadline, other.deadline)
        self.executors = join_fragments(self.executors, other.executors)
        self.result = join_fragments(self.result, other.result)


def _fields(cells: list[str], columns: ColumnMap) -> _Fields:
    def take(index: int | None) -> str:
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    deadline = take(columns.deadline)
    end = take(columns.deadline_end)
    if end and end != deadline:
        deadline = f"{deadline} - {end}" if deadline else end
    return _Fields(
        code=single_line(take(columns.code)), title=take(columns.title),
        deadline=deadline, executors=take(columns.executors),
        result=take(columns.result),
    )


def section_code_of(heading: str, ordinal: int) -> tuple[str, str]:
    """(code, title) of a section heading: «1. Нормативно…» → («1», «Нормативно…»),
    «Задача 0: Создание…» → («0», «Задача 0: Создание…»); unnumbered → ordinal."""
    match = _SECTION_HEAD.match(heading)
    if not match:
        return str(ordinal), heading
    number = match.group("wordnum") or match.group("num")
    value = int(number) if number.isdigit() else roman_to_int(number)
    code = str(value) if value is not None else number
    if match.group("word"):
        return code, heading
    return code, heading[match.end():].strip()


def read_rows(table: Table, columns: ColumnMap, file: str,
              deadline: Deadline | None = None) -> tuple[
        list[SectionDraft], list[ActivityDraft]]:
    """Sections and activities of a roadmap table, in order, codes carrying the section
    when numbering restarts in every section; refused when ``deadline`` passes."""
    sections: list[SectionDraft] = []
    entries: list[tuple[_Fields, int, SectionDraft | None]] = []
    section: SectionDraft | None = None
    header_cells = [c.strip() for c in (table.header[0].cells or [])] if table.header else []
    dotted_prefixes = _dotted_prefixes(table, columns)

    def open_section(heading: str, line: int) -> None:
        nonlocal section
        code, title = section_code_of(heading, len(sections) + 1)
        section = SectionDraft(code=code, title=title, heading=heading,
                               position=len(sections) + 1, line=line)
        sections.append(section)

    for item in table.body:
        if deadline is not None:
            deadline.check()
        if not item.is_row:
            text = single_line(clean(item.text))
            if not text or is_page_number(text):
                continue
            if text.startswith(_SUB_ITEM) or text[0].islower():
                if entries:  # «- …» sub-item or a line broken off the activity above
                    entries[-1][0].title = join_fragments(entries[-1][0].title, text)
                    _check_length(entries[-1][0], file, item.line)
                continue
            open_section(text, item.line)
            continue
        cells = item.cells or []
        if (not any(cell.strip() for cell in cells) or is_separator(cells)
                or is_numbering_row(cells)
                or ([c.strip() for c in cells] == header_cells)
                or (is_header(cells) and not entries)):
            continue
        fields = _fields(cells, columns)
        distinct = {single_line(clean(cell)) for cell in cells if clean(cell)}
        others_empty = not (fields.deadline or fields.executors or fields.result)
        code_like = bool(ACTIVITY_CODE.match(fields.code))

        filled = [index for index, cell in enumerate(cells) if clean(cell)]
        if len(distinct) == 1 and filled[0] in (0, columns.code, columns.title):
            # one text across the row: a section title, unless it continues a cell above
            text = distinct.pop()
            emphasised = any(is_emphasised(cell) for cell in cells if cell.strip())
            own_column = filled[0] in (columns.code, columns.title)
            previous = entries[-1][0].title if entries else ""
            broken_off = previous.endswith((",", "-", "(", ":")) or bool(
                re.search(r"\s(?:и|в|во|на|по|с|со|для|о|об|от|к|за|из|при)$", previous))
            if (not code_like and not text[0].islower()
                    and (fields.code or emphasised or _SECTION_HEAD.match(text)
                         or (own_column and not broken_off))):
                open_section(text, item.line)
                continue
        if fields.title and others_empty and fields.code:
            code = fields.code.rstrip(". ")
            title_cell = cells[columns.title] if columns.title < len(cells) else ""
            numbered_section = (
                (code_like and code in dotted_prefixes)  # «2. | Система… | | |» then «2.1 …»
                or roman_to_int(code) is not None  # «I. | Организационные мероприятия»
                or (code_like and is_emphasised(title_cell))  # «1. | **Раздел** | | |»
                or bool(_SECTION_HEAD.match(fields.code))  # «Раздел 2 | Оценка качества»
            )
            if numbered_section:
                separator = " " if _SECTION_HEAD.match(fields.code) else ". "
                open_section(f"{code}{separator}{single_line(fields.title)}", item.line)
                continue
        if columns.code is not None:
            starts_activity = code_like
        else:  # no «№» column: a capitalised title starts an activity, the rest continues
            starts_activity = bool(fields.title) and not fields.title[0].islower() \
                and not fields.title.startswith(_SUB_ITEM)
            fields.code = ""
        if starts_activity:
            entries.append((fields, item.line, section))
        elif entries:
            entries[-1][0].merge(fields)
            _check_length(entries[-1][0], file, item.line)
        elif fields.title:
            open_section(single_line(fields.title), item.line)
    return sections, _activities(entries, sections, file, deadline)


def _check_length(fields: _Fields, file: str, line: int) -> None:
    """Refuse a cell that continuation lines have grown past MAX_CELL_CHARS: joining them
    one by one would otherwise take time quadratic in their number."""
    longest = max(len(fields.title), len(fields.deadline), len(fields.executors),
                  len(fields.result))
    if longest > limits.MAX_CELL_CHARS:
        raise RoadmapLimitExceeded(file, "MAX_CELL_CHARS",
                                   f"ячейка длиннее {limits.count(limits.MAX_CELL_CHARS)} "
                                   "символов вместе с продолжением на следующих строках", line)


def _dotted_prefixes(table: Table, columns: ColumnMap) -> set[str]:
    prefixes: set[str] = set()
    for item in table.body:
        if item.is_row and columns.code is not None:
            cells = item.cells or []
            code = clean(cells[columns.code]) if columns.code < len(cells) else ""
            code = re.sub(r"\s+", "", code).rstrip(".")
            if ACTIVITY_CODE.match(code) and "." in code:
                prefixes.add(code.split(".")[0])
    return prefixes


def _activities(entries: list[tuple[_Fields, int, SectionDraft | None]],
                sections: list[SectionDraft], file: str,
                deadline: Deadline | None) -> list[ActivityDraft]:
    raw_codes = [re.sub(r"\s+", "", fields.code).rstrip(".") for fields, _, _ in entries]
    plain = all("." not in code for code in raw_codes if code)
    restarts = plain and len(sections) > 1 and _numbering_restarts(entries, raw_codes)
    activities: list[ActivityDraft] = []
    seen: dict[str, int] = {}
    counters: dict[str | None, int] = {}
    for position, ((fields, line, section), code) in enumerate(zip(entries, raw_codes), 1):
        if deadline is not None:
            deadline.check()
        section_code = section.code if section else None
        counters[section_code] = counters.get(section_code, 0) + 1
        if not code:
            code = str(counters[section_code])
            if section_code is not None and (restarts or not plain):
                code = f"{section_code}.{code}"
        elif restarts and section_code is not None:
            code = f"{section_code}.{code}"
        if code in seen:
            raise RoadmapFormatError(
                file, line, f"код мероприятия «{code}» повторяется (впервые в строке {seen[code]})"
            )
        seen[code] = line
        if not fields.title:
            raise RoadmapFormatError(file, line, f"у мероприятия «{code}» нет наименования")
        executors_text = single_line(fields.executors) if "«" in fields.executors \
            else fields.executors
        activities.append(ActivityDraft(
            code=code, title=single_line(fields.title), deadline_text=single_line(fields.deadline),
            executors_text=executors_text, executors=split_executors(fields.executors),
            planned_result=fields.result, section_code=section_code, position=position,
            line=line,
        ))
    return activities


def _numbering_restarts(entries: list[tuple[_Fields, int, SectionDraft | None]],
                        codes: list[str]) -> bool:
    """Plain numbers restart per section when a later section starts again from 1, or when
    a number repeats."""
    numbers = [code for code in codes if code]
    if len(set(numbers)) != len(numbers):
        return True
    first_in_section: dict[int, str] = {}
    for (_, _, section), code in zip(entries, codes):
        if section is not None and code:
            first_in_section.setdefault(section.position, code)
    return list(first_in_section.values()).count("1") > 1


# Executors: split on commas, semicolons and line breaks outside «quotes», and before a new
# body that follows a closed quote or an abbreviation («Руководители ОУ МКУ «…»»).
_EXECUTOR_START = re.compile(
    r"^(?:[А-ЯЁ]{2,}|Руководител|Специалист|Отдел|Комитет|Управлени|Рабоч|Школ|Методист|"
    r"Заместител|Директор|Педагог|Учител|Начальник|Главн|Ведущ|Координатор|Тьютор)"
)


_CAPITALS = re.compile(r"[А-ЯЁ]{2,}")
_BINDING_WORDS = frozenset(("с", "и", "при", "для", "в", "на"))
# «МБОУ СОШ № 1», «МБДОУ ДС № 5», «МБУ ДО ЦДТ»: a legal form and a type of school are one
# name, not two bodies
_LEGAL_FORM = re.compile(r"М[БАК]?(?:Д|У)?ОУ|М[БАК]?У|Г[БА]?ОУ|ЧОУ|АНО|М[БАК]?УДО|ДО")
_SCHOOL_TYPE = re.compile(r"^(?:СОШ|ООШ|НОШ|СШ|ДС|ЦО|ДЮСШ|ЦДТ|ДДТ|ДО|ЦДО|ЦРР|ДШИ|ДДЮТ|СКОШ|"
                          r"«)")


def split_executors(text: str) -> list[str]:
    """A normalised list of executors from one cell."""
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    # The last word of the text gathered so far, kept as we go: rebuilding it from
    # ``current`` at every token made a long cell quadratic. Only a one-token word can be
    # an abbreviation or a preposition (a word of several tokens holds «,» or «;»).
    last_token = ""  # the last token that is not a space
    word_tokens = 0  # tokens in the last word
    in_word = False  # the last token added was not a space
    for token in re.split(r"(\s+|[,;\n])", text):
        if not token:
            continue
        depth += token.count("«") - token.count("»")
        if depth <= 0 and token in (",", ";", "\n"):
            pieces.append("".join(current))
            current = []
            depth = 0
            last_token, word_tokens, in_word = "", 0, False
            continue
        if token.isspace():
            current.append(" ")
            in_word = False
            continue
        starts_new = (
            depth - (token.count("«") - token.count("»")) <= 0
            and word_tokens > 0
            and _EXECUTOR_START.match(token)
            and (last_token.endswith("»")
                 or word_tokens == 1 and _CAPITALS.fullmatch(last_token))
            and not (word_tokens == 1 and last_token in _BINDING_WORDS)
            and not (_LEGAL_FORM.fullmatch(last_token) and _SCHOOL_TYPE.match(token))
        )
        if starts_new:
            pieces.append("".join(current).strip())
            current = []
            in_word = False
        current.append(token)
        word_tokens = word_tokens + 1 if in_word else 1
        last_token = token
        in_word = True
    pieces.append("".join(current))
    result: list[str] = []
    seen: set[str] = set()
    for piece in pieces:
        name = re.sub(r"\s+", " ", piece).strip(" .")
        name = name[:1].upper() + name[1:]
        if name and name not in seen:
            seen.add(name)
            result.append(name)
    return result
