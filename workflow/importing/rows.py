"""Turning the rows of a roadmap table into sections and activities.

Every item of the table is accounted for in the ledger: a header, a numbering row, a
section, an activity (with the fields it filled), a continuation of the activity above, an
artefact (a page number, a drawn line) or a blank line. Repairs — a number restored from its
neighbours, cells matched to columns by content, a page number cut from a fragment, a
section title joined from its lines — are recorded on the activity and in the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflow.errors import RoadmapFormatError, RoadmapLimitExceeded
from workflow.importing import limits
from workflow.importing.align import align_cells
from workflow.importing.columns import ColumnMap, is_header, is_numbering_row
from workflow.importing.executors import split_executors
from workflow.importing.layout import Table
from workflow.importing.ledger import Ledger
from workflow.importing.limits import Deadline
from workflow.importing.numbering import repair_dotted, repair_plain
from workflow.importing.pages import RUNNING, page_debris, running_heads
from workflow.importing.sections import Heading, kind_of, settle
from workflow.importing.sources import Item
from workflow.importing.text import (
    FOOTNOTE_END,
    GLUED_NUMBER,
    PAGE_NUMBER,
    broken_word,
    clean,
    is_emphasised,
    is_page_number,
    is_separator,
    join_fragments,
    page_numbers,
    single_line,
)
from workflow.importing.title import MARKDOWN_HEADING
from workflow.roadmap import ActivityDraft, SectionDraft

__all__ = ["ACTIVITY_CODE", "read_rows", "roman_to_int", "section_code_of", "split_executors"]

ACTIVITY_CODE = re.compile(r"^\d{1,4}(?:\s*\.\s*\d{1,3})*\.?$")
# a number no roadmap has: refused by name, never read as a continuation of the row above
_HUGE_CODE = re.compile(r"^\d{5,}(?:\.\d+)*\.?$")
_SECTION_HEAD = re.compile(
    r"^(?P<word>(?:задача|раздел|направление|блок|модуль|подпрограмма|цель|этап)\s*"
    r"(?:№\s*)?(?P<wordnum>\d+|[IVXLC]+)\b\.?:?)"
    r"|^(?P<num>\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,5})\s*[.)]\s+(?=\S)",
    re.I,
)
_SUB_ITEM = ("-", "–", "—", "•", "·", "*")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_BROKEN_OFF = re.compile(r"\s(?:и|или|в|во|на|по|с|со|для|о|об|от|к|за|из|при|а также)$")
_SENTENCE_END = re.compile(r"[.;!?]$")
# The field names of the ledger, by the names of ColumnMap.
_LEDGER_FIELDS = {"code": "code", "title": "title", "deadline": "deadline",
                  "executors": "responsible", "result": "result"}


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

    def filled(self) -> list[str]:
        """Ledger names of the fields with text."""
        return [_LEDGER_FIELDS[name] for name in _LEDGER_FIELDS if getattr(self, name)]


@dataclass
class _Entry:
    """An activity being read: its fields so far, its rows, and the repairs made."""

    fields: _Fields
    item: Item
    section: SectionDraft | None
    rows: list[tuple[Item, str, list[str]]] = field(default_factory=list)  # item, role, fields
    repairs: list[tuple[str, int, str]] = field(default_factory=list)  # kind, line, text


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
    «II. Оценка…» → («II», «Оценка…»), «Задача 0: Создание…» → («0», «Задача 0:
    Создание…»); unnumbered → ordinal."""
    match = _SECTION_HEAD.match(heading)
    if not match:
        return str(ordinal), heading
    number = match.group("wordnum") or match.group("num")
    if "." in number:  # «1.2. Нормативная база» under «Раздел 1»
        return number, heading[match.end():].strip()
    # «02» is «2»; a Roman number stays as the clerk wrote it («II»: codes «II.3»)
    code = str(int(number)) if number.isdigit() else number
    if match.group("word"):
        return code, heading
    return code, heading[match.end():].strip()


def read_rows(parts: list[tuple[Table, ColumnMap]], file: str, ledger: Ledger,
              deadline: Deadline | None = None, text_export: bool = False) -> tuple[
        list[SectionDraft], list[ActivityDraft]]:
    """Sections and activities of a roadmap table (and of the tables that continue it), in
    order, codes carrying the section when numbering restarts in every section; refused
    when ``deadline`` passes. In a ``text_export`` page numbers and running heads left in
    the text are found first (``pages.py``)."""
    reader = _RowReader(file, ledger, deadline, _dotted_prefixes(parts))
    if text_export:
        reader.clear_pages(parts)
    for index, (table, columns) in enumerate(parts):
        reader.table(table, columns, continues=index > 0)
    reader.settle_sections()
    if not reader.entries:
        first = parts[0][0]
        raise RoadmapFormatError(file, first.header[0].line if first.header
                                 else first.first_line, _why_no_activities(parts,
                                                                           reader.sections))
    return reader.sections, reader.activities()


def _why_no_activities(parts: list[tuple[Table, ColumnMap]],
                       sections: list[SectionDraft]) -> str:
    """«В таблице нет ни одного мероприятия», and why when the table says: a «№» column
    with no number in any row (numbers Word draws from a field or a picture, or typed in
    another column) makes every row a section title."""
    reason = "в таблице нет ни одного мероприятия"
    columns = parts[0][1]
    if columns.code is None or not sections:
        return reason
    header = columns.headers[columns.code] if columns.code < len(columns.headers) else "№"
    return (f"{reason}: в столбце «{header}» нет ни одного номера, поэтому все строки ("
            f"{len(sections)}) прочитаны как названия разделов; номера не найдены ни в "
            "тексте ячеек, ни в автоматической нумерации Word — впишите номера мероприятий "
            "или удалите пустой столбец «№»")


class _RowReader:
    """Reads the items of a table one by one, keeping what the last one opened."""

    def __init__(self, file: str, ledger: Ledger, deadline: Deadline | None,
                 dotted: set[str]) -> None:
        self.file = file
        self.ledger = ledger
        self.deadline = deadline
        self.dotted = dotted
        self.sections: list[SectionDraft] = []
        self.entries: list[_Entry] = []
        self.section: SectionDraft | None = None
        self.levels: list[tuple[int, SectionDraft]] = []  # open Markdown headings
        self.last = ""  # "section" or "entry": what the last content opened
        self.pages: list[int] = []  # page numbers seen, to recognise one glued to text
        self.spill: tuple[SectionDraft, list[str]] | None = None  # a spilled section row
        self.body: list[Item] = []  # the items of the table being read, and where we are
        self.position = 0
        self.headings: list[Heading] = []  # how each section's heading was written
        self.debris: dict[int, list[str]] = {}  # page numbers cut from a line's text

    # -- tables and items ------------------------------------------------------------------

    def table(self, table: Table, columns: ColumnMap, continues: bool) -> None:
        header_cells = [c.strip() for c in (table.header[0].cells or [])] if table.header \
            else []
        width = table.width
        if continues:
            for item in table.caption:
                self.item(item, columns, header_cells, width)
        for item in table.header:
            cells = item.cells or []
            self.ledger.mark(item, "numbering" if is_numbering_row(cells) else "header")
        self.body = table.body
        for position, item in enumerate(table.body):
            if self.deadline is not None:
                self.deadline.check()
            self.position = position
            self.item(item, columns, header_cells, width)

    def item(self, item: Item, columns: ColumnMap, header_cells: list[str], width: int) -> None:
        if item.artefact:  # marked by the ledger already
            if item.artefact == PAGE_NUMBER:
                self.pages.extend(page_numbers(clean(item.text)))
            return
        if item.is_row:
            self.row(item, columns, header_cells, width)
        else:
            self.line(item)

    def line(self, item: Item) -> None:
        """A loose line between rows: a section, a Markdown heading, a sub-item or broken
        line of the activity above, a page number."""
        text = single_line(clean(item.text))
        if not text:
            self.ledger.mark(item, "blank")
            return
        heading = MARKDOWN_HEADING.match(item.text)
        if heading:
            title = single_line(clean(MARKDOWN_HEADING.sub("", item.text)))
            if title:
                self.open_section(title, item, level=len(heading.group(1)))
                return
        if is_page_number(text):
            self.pages.extend(page_numbers(text))
            self.ledger.mark(item, "artefact", reason=PAGE_NUMBER)
            return
        if is_separator([text]):
            self.ledger.mark(item, "artefact", reason="линия")
            return
        if self.continues_section(text):
            self.join_section(text, item)
            return
        if (text.startswith(_SUB_ITEM) or text[0].islower()) and self.entries:
            # «- …» sub-item or a line broken off the activity above
            self.continue_entry(_Fields("", text, "", "", ""), item)
            return
        self.open_section(text, item)

    def row(self, item: Item, columns: ColumnMap, header_cells: list[str], width: int) -> None:
        cells = item.cells or []
        if not any(cell.strip() for cell in cells):
            self.ledger.mark(item, "blank")
            return
        if is_separator(cells):
            self.ledger.mark(item, "artefact", reason="линия")
            return
        if is_numbering_row(cells):
            self.ledger.mark(item, "numbering")
            return
        if [c.strip() for c in cells] == header_cells or (is_header(cells) and not self.entries):
            self.ledger.mark(item, "header")
            return
        if self.entries and columns.code is not None and columns.code in item.spanned:
            # a sub-row under a «№» merged down over it: the clerk sees the number once,
            # the row belongs to the activity above; cells merged down with the number
            # were read in the first row already
            self.merged_sub_row(item, cells, columns, width)
            return
        texts = [clean(cell) for cell in cells if clean(cell)]
        if all(is_page_number(text) for text in texts):
            # an activity always has a title: a row of numbers alone is a page number
            for text in texts:
                self.pages.extend(page_numbers(text))
            self.ledger.mark(item, "artefact", reason=PAGE_NUMBER)
            return
        cells, notes = self.aligned(cells, columns, width, item)
        fields = _fields(cells, columns)
        filled = [index for index, cell in enumerate(cells) if clean(cell)]
        distinct = {single_line(clean(cells[index])) for index in filled}
        # a number the layout wrapped («1.10» over «0») is still one number
        code_like = bool(ACTIVITY_CODE.match(re.sub(r"\s+", "", fields.code)))
        if columns.code is not None and _HUGE_CODE.match(fields.code.strip()):
            raise RoadmapFormatError(self.file, item.line,
                                     f"номер мероприятия «{fields.code.strip()[:20]}» больше "
                                     "9 999 — таких номеров в дорожной карте не бывает")

        if columns.code is not None and code_like and self.broken_code(fields, item):
            self.continue_entry(fields, item, notes)
            return
        if columns.code is not None and code_like and self.spilled_section(fields, cells,
                                                                          columns, item):
            return
        if len(distinct) == 1 and filled[0] in (0, columns.code, columns.title):
            # one text across the row: a section title, unless it continues a cell above
            text = distinct.pop()
            if self.single_text(text, cells, filled[0], fields, columns, item, code_like):
                return
        others_empty = not (fields.deadline or fields.executors or fields.result)
        if fields.title and others_empty and fields.code:
            code = fields.code.rstrip(". ")
            title_cell = cells[columns.title] if columns.title < len(cells) else ""
            numbered_section = (
                roman_to_int(code) is not None  # «I. | Организационные мероприятия»
                or (code_like and is_emphasised(title_cell))  # «1. | **Раздел** | | |»
                or bool(_SECTION_HEAD.match(fields.code))  # «Раздел 2 | Оценка качества»
            )
            if numbered_section:
                separator = " " if _SECTION_HEAD.match(fields.code) else ". "
                self.open_section(f"{code}{separator}{single_line(fields.title)}", item)
                return
        if columns.code is not None:
            starts_activity = code_like
        else:  # no «№» column: a capitalised title starts an activity, the rest continues
            starts_activity = bool(fields.title) and not fields.title[0].islower() \
                and not fields.title.startswith(_SUB_ITEM)
            fields.code = ""
        if starts_activity:
            entry = _Entry(fields, item, self.section,
                           repairs=[*self.debris_notes(item), *notes])
            entry.rows.append((item, "activity", fields.filled()))
            self.entries.append(entry)
            self.last = "entry"
        elif self.entries:
            self.continue_entry(fields, item, notes)
        elif fields.title:
            self.open_section(single_line(fields.title), item)
        else:
            self.ledger.mark(item, "skipped", reason="строка перед первым мероприятием без "
                                                    "наименования")

    def merged_sub_row(self, item: Item, cells: list[str], columns: ColumnMap,
                       width: int) -> None:
        """A row whose «№» is a vertical merge from the row above continues the activity
        above: its own cells are added, the cells merged down are not read twice."""
        own = ["" if index in item.spanned else cell for index, cell in enumerate(cells)]
        if not any(clean(cell) for cell in own):
            self.entries[-1].rows.append((item, "continuation", []))
            return
        own, notes = self.aligned(own, columns, width, item)
        self.continue_entry(_fields(own, columns), item, notes)

    def broken_code(self, fields: _Fields, item: Item) -> bool:
        """«3.1.» | page break | «4» in a narrow «№» column: a bare number on a row whose
        title goes on in small letters is the end of the number above, broken with its
        row («3.1.4»); the number above takes it (``fields.code`` is emptied)."""
        code = re.sub(r"\s+", "", fields.code)
        if not (self.entries and code.isdigit() and fields.title[:1].islower()):
            return False
        above = self.entries[-1]
        before = re.sub(r"\s+", "", above.fields.code)
        if "." not in before.rstrip(".") or len(above.rows) > 1:
            return False  # only a dotted number, on the last row its activity has so far
        joined = f"{before}{code}"
        above.repairs.append(("wrap", item.line, f"№ разорван переносом страницы: «{before}» "
                                                 f"и «{code}» — «{joined.rstrip('.')}»"))
        above.fields.code = joined
        fields.code = ""
        return True

    # -- rows wider than the header --------------------------------------------------------

    def aligned(self, cells: list[str], columns: ColumnMap, width: int,
                item: Item) -> tuple[list[str], list[tuple[str, int, str]]]:
        """The row's cells matched to the columns; repairs saying what was dropped."""
        kept, dropped = align_cells(cells, columns, width)
        notes: list[tuple[str, int, str]] = []
        if not dropped:
            return kept, notes
        for index in dropped:
            text = clean(cells[index])
            if text:
                self.pages.extend(page_numbers(text))
                notes.append(("artefact", item.line,
                              f"номер страницы «{text}» в отдельной ячейке удалён"))
        if min(dropped) < len(kept):
            notes.append(("alignment", item.line,
                          f"в строке {len(cells)} ячеек при {width} столбцах: ячейки "
                          "сопоставлены столбцам по содержанию"))
        return kept, notes

    # -- sections --------------------------------------------------------------------------

    def spilled_section(self, fields: _Fields, cells: list[str], columns: ColumnMap,
                        item: Item) -> bool:
        """«4. | Меры … учебных | | Предметов»: a number without a dot-part that prefixes
        the codes that follow is a section, whatever other cells its title spilled into."""
        code = re.sub(r"\s+", "", fields.code).rstrip(".")
        if "." in code or code not in self.dotted or not fields.title:
            return False
        parts = [single_line(clean(cell)) for index, cell in enumerate(cells)
                 if index != columns.code and clean(cell)]
        self.open_section(f"{code}. {_spilled(parts)}", item)
        if len(parts) > 1:
            assert self.section is not None
            self.spill = (self.section, parts)
            self.ledger.repair(item.line, "section", f"название раздела «{code}» собрано из "
                                                     f"{len(parts)} ячеек строки",
                               f"раздел {code}")
        return True

    def single_text(self, text: str, cells: list[str], column: int, fields: _Fields,
                    columns: ColumnMap, item: Item, code_like: bool) -> bool:
        """Handle a row with one text; False when it is an activity row after all."""
        if code_like:
            return False
        if self.continues_section(text):
            self.join_section(text, item)
            return True
        if text.startswith(_SUB_ITEM) or text[0].islower():
            if self.entries:
                self.continue_entry(_Fields("", text, "", "", ""), item)
                return True
            return False
        emphasised = any(is_emphasised(cell) for cell in cells if cell.strip())
        in_code_column = bool(fields.code)  # text where the number goes: a heading
        if in_code_column or emphasised or item.wide or _SECTION_HEAD.match(text):
            self.open_section(text, item)
            return True
        if column == columns.title and self.entries and self.continues_entry(
                self.with_following(text, columns)):
            self.continue_entry(_Fields("", text, "", "", ""), item)
            return True
        self.open_section(text, item)
        return True

    def with_following(self, text: str, columns: ColumnMap) -> str:
        """``text`` with the lower-case fragments alone in the title column that follow it
        (a page break may fall inside a continuation row: «Формулировка адресных» |
        «рекомендаций.»), page numbers and blank lines between skipped."""
        joined = text
        for item in self.body[self.position + 1:self.position + 6]:
            cells = item.cells
            if item.artefact or (cells is None and not item.text.strip()):
                continue
            if cells is None:
                fragment = single_line(clean(item.text))
                if is_page_number(fragment):
                    continue
            else:
                filled = [index for index, cell in enumerate(cells) if clean(cell)]
                if filled != [columns.title]:
                    break
                fragment = single_line(clean(cells[columns.title]))
            if not fragment[:1].islower():
                break
            joined = f"{joined} {fragment}"
        return joined

    def continues_entry(self, text: str) -> bool:
        """A text alone in the title column continues the activity above when that title
        broke off («… мониторинга и»), the text itself breaks off («Обсуждение на» before
        a page break) or is a sentence («Формулировка …»)."""
        previous = self.entries[-1].fields.title if self.entries else ""
        # a title never ends broken off; a text that does goes on in the next row
        return _broken_off(previous) or _broken_off(text) or bool(_SENTENCE_END.search(text))

    def continues_section(self, text: str) -> bool:
        """A lower-case line right after a section title is the title's second line."""
        return self.last == "section" and self.section is not None and (
            text[0].islower() and not text.startswith(_SUB_ITEM))

    def open_section(self, heading: str, item: Item, level: int = 99) -> None:
        heading = _without_footnote(heading)
        while self.levels and self.levels[-1][0] >= level:
            self.levels.pop()
        # a Markdown heading sits under the heading of the level above; a section row's
        # place in the tree is settled when every heading is read (``sections.py``)
        parent = self.levels[-1][1].code if self.levels and level < 99 else None
        position = len(self.sections) + 1
        numbered = _SECTION_HEAD.match(heading)
        code, title = section_code_of(heading, position)
        if not numbered:
            code = f"#{position}"  # its code is given when every heading is read
        elif any(section.code == code for section in self.sections):
            code = str(position)  # two «Раздел 1» or «I»: keep both apart
            while any(section.code == code for section in self.sections):
                code = f"{code}'"
        section = SectionDraft(code=code, title=title, heading=heading,
                               position=position, line=item.line, parent=parent)
        emphasised = is_emphasised(item.text) if item.cells is None else any(
            is_emphasised(cell) for cell in item.cells if cell.strip())
        word = numbered.group("word") if numbered else ""
        self.headings.append(Heading(section, bool(numbered), kind_of(
            code, bool(numbered), word.split()[0] if word else "", emphasised)))
        self.sections.append(section)
        self.levels.append((level, section))
        self.section = section
        self.last = "section"
        self.ledger.mark(item, "section", ref=f"раздел {code}")
        for kind, line, note in self.debris_notes(item):
            self.ledger.repair(line, kind, note, f"раздел {code}")

    def join_section(self, text: str, item: Item) -> None:
        """The second line of a section title broken outside the table."""
        section = self.section
        assert section is not None
        if self.spill is not None and self.spill[0] is section:
            # the title column goes on below a row whose title spilled into another column
            parts = self.spill[1]
            parts[0] = f"{parts[0]} {text}"
            section.title = _without_footnote(_spilled(parts))
            section.heading = f"{section.code}. {section.title}"
        else:
            section.heading = _without_footnote(f"{section.heading} {text}")
            section.title = _without_footnote(f"{section.title} {text}")
        self.ledger.mark(item, "section", ref=f"раздел {section.code}")
        for kind, line, note in self.debris_notes(item):
            self.ledger.repair(line, kind, note, f"раздел {section.code}")
        self.ledger.repair(item.line, "section", f"название раздела «{section.code}» "
                                                 "продолжено со следующей строки",
                           f"раздел {section.code}")

    def clear_pages(self, parts: list[tuple[Table, ColumnMap]]) -> None:
        """Mark the running heads of a text export and cut the page numbers left in its
        text, keeping a note for the activity or section they were cut from."""
        items: list[Item] = []
        code_column: dict[int, int | None] = {}
        for index, (table, columns) in enumerate(parts):
            for item in [*(table.caption if index else []), *table.body]:
                items.append(item)
                code_column[id(item)] = columns.code
        for item in running_heads(items, _SECTION_HEAD):
            item.artefact = RUNNING
            self.ledger.mark(item, "artefact", reason=RUNNING)
        for item in items:
            if item.cells is not None and is_numbering_row(item.cells):
                code_column[id(item)] = -1  # never a page number: skip the whole row below
        rows = [item for item in items if code_column[id(item)] != -1]
        by_id = {id(item): item for item in rows}
        for item_id, cuts in page_debris(rows, code_column).items():
            item = by_id[item_id]
            for cut in cuts:
                if cut.cell is None:
                    item.text = cut.text
                elif item.cells is not None:
                    item.cells[cut.cell] = cut.text
            self.debris[item.line] = [cut.note for cut in cuts]

    def debris_notes(self, item: Item) -> list[tuple[str, int, str]]:
        """The notes of page numbers cut from ``item``'s text, once."""
        return [("artefact", item.line, note) for note in self.debris.pop(item.line, [])]

    def settle_sections(self) -> None:
        """Codes for headings without a number, and the section tree (``sections.py``)."""
        counts: dict[int, int] = {}
        for entry in self.entries:
            if entry.section is not None:
                counts[id(entry.section)] = counts.get(id(entry.section), 0) + 1
        for heading in self.headings:
            heading.activities = counts.get(id(heading.section), 0)
        self.ledger.rename_sections(settle(self.headings))

    # -- continuation ----------------------------------------------------------------------

    def continue_entry(self, fields: _Fields, item: Item,
                       notes: list[tuple[str, int, str]] | None = None) -> None:
        """Merge a continuation row or line into the activity above, cutting a page number
        glued where the page broke."""
        entry = self.entries[-1]
        entry.repairs.extend(self.debris_notes(item))
        entry.repairs.extend(notes or [])
        for name in ("title", "deadline", "executors", "result"):
            fragment = getattr(fields, name)
            if not fragment:
                continue
            before = getattr(entry.fields, name)
            before, cut_before = self.cut_page_number(before, end=True)
            fragment, cut_after = self.cut_page_number(fragment, end=True)
            for cut in (cut_before, cut_after):
                if cut:
                    entry.repairs.append(("artefact", item.line,
                                          f"номер страницы «{cut}» удалён из текста"))
            if before and broken_word(before, fragment):  # «Ежекварталь» | page | «но»
                head, tail = before.rsplit(" ", 1)[-1], fragment.split(" ", 1)[0]
                entry.repairs.append(("wrap", item.line, "слово, разорванное переносом "
                                      f"страницы, собрано: «{head} {tail}» → «{head}{tail}»"))
                setattr(entry.fields, name, f"{before}{fragment}")
                continue
            setattr(entry.fields, name, join_fragments(before, fragment))
        entry.rows.append((item, "continuation", fields.filled()))
        _check_length(entry.fields, self.file, item.line)

    def cut_page_number(self, text: str, end: bool) -> tuple[str, str]:
        """``text`` without a page number glued to its end («обучающихся7») or one that
        follows the pages seen so far («обучающихся 7»); and what was cut."""
        glued = GLUED_NUMBER.search(text)
        if glued:
            return text[:glued.start()].rstrip(), glued.group(1)
        if self.pages:
            spaced = re.search(r"(?<=[а-яё»),.;])\s+(\d{1,3})$", text)
            if spaced and abs(int(spaced.group(1)) - self.pages[-1]) <= 1:
                return text[:spaced.start()].rstrip(), spaced.group(1)
        return text, ""

    # -- activities ------------------------------------------------------------------------

    def activities(self) -> list[ActivityDraft]:
        entries = self.entries
        raw_codes = [re.sub(r"\s+", "", entry.fields.code).rstrip(".") for entry in entries]
        plain = all("." not in code for code in raw_codes if code)
        section_codes = [entry.section.code if entry.section else None for entry in entries]
        restarts = False
        if not any(raw_codes):
            numbering_codes, notes = raw_codes, {}
        elif plain:
            numbering = repair_plain(raw_codes, section_codes)
            numbering_codes, notes, restarts = (numbering.codes, numbering.notes,
                                                numbering.restarts)
        else:
            numbering = repair_dotted(raw_codes)
            numbering_codes, notes = numbering.codes, numbering.notes
        activities: list[ActivityDraft] = []
        seen: dict[str, int] = {}
        counters: dict[str | None, int] = {}
        for position, (entry, code) in enumerate(zip(entries, numbering_codes), 1):
            if self.deadline is not None:
                self.deadline.check()
            section_code = entry.section.code if entry.section else None
            counters[section_code] = counters.get(section_code, 0) + 1
            if not code:
                code = str(counters[section_code])
                if section_code is not None and (restarts or not plain):
                    code = f"{section_code}.{code}"
            elif restarts and section_code is not None:
                code = f"{section_code}.{code}"
            line = entry.item.line
            if code in seen:
                raise RoadmapFormatError(
                    self.file, line,
                    f"код мероприятия «{code}» повторяется (впервые в строке {seen[code]})")
            seen[code] = line
            fields = entry.fields
            if not fields.title:
                raise RoadmapFormatError(self.file, line,
                                         f"у мероприятия «{code}» нет наименования")
            repairs = list(entry.repairs)
            if position - 1 in notes:
                repairs.insert(0, ("code", line, notes[position - 1]))
            for kind, at, text in repairs:
                self.ledger.repair(at, kind, text, code)
            executors = split_executors(fields.executors)
            executors_text = single_line(fields.executors) if "«" in fields.executors \
                else fields.executors
            activities.append(ActivityDraft(
                code=code, title=single_line(fields.title),
                deadline_text=single_line(fields.deadline), executors_text=executors_text,
                executors=executors, planned_result=fields.result, section_code=section_code,
                position=position, line=line, repairs=[text for _, _, text in repairs],
            ))
            for item, role, filled in entry.rows:
                self.ledger.mark(item, role, filled, ref=code)
        return activities


def _broken_off(text: str) -> bool:
    """A text that breaks off mid-phrase: after a comma, a hyphen, an opening bracket, a
    colon, a preposition or a conjunction."""
    return text.endswith((",", "-", "(", ":")) or bool(_BROKEN_OFF.search(text))


def _spilled(parts: list[str]) -> str:
    """A section title from the title cell and the cells it spilled into («… учебных» +
    «Предметов»: the spill was capitalised as a cell of its own)."""
    title = parts[0]
    for part in parts[1:]:
        if not _SENTENCE_END.search(title) and not re.match(r"^[А-ЯЁ]{2,}\b", part):
            part = part[:1].lower() + part[1:]
        title = f"{title} {part}"
    return title


def _without_footnote(text: str) -> str:
    return FOOTNOTE_END.sub("", text).rstrip()


def _check_length(fields: _Fields, file: str, line: int) -> None:
    """Refuse a cell that continuation lines have grown past MAX_CELL_CHARS: joining them
    one by one would otherwise take time quadratic in their number."""
    longest = max(len(fields.title), len(fields.deadline), len(fields.executors),
                  len(fields.result))
    if longest > limits.MAX_CELL_CHARS:
        raise RoadmapLimitExceeded(file, "MAX_CELL_CHARS",
                                   f"ячейка длиннее {limits.count(limits.MAX_CELL_CHARS)} "
                                   "символов вместе с продолжением на следующих строках", line)


def _dotted_prefixes(parts: list[tuple[Table, ColumnMap]]) -> set[str]:
    prefixes: set[str] = set()
    for table, columns in parts:
        if columns.code is None:
            continue
        for item in table.body:
            if item.is_row:
                cells = item.cells or []
                code = clean(cells[columns.code]) if columns.code < len(cells) else ""
                code = re.sub(r"\s+", "", code).rstrip(".")
                if ACTIVITY_CODE.match(code) and "." in code:
                    prefixes.add(code.split(".")[0])
    return prefixes
