"""Reading a PDF with a text layer (how most roadmaps are published) into items.

Each page is read with pdfplumber: ruled tables by their lines, every row an item whose
cells are the text of its table cells (lines wrapped inside a cell joined again); the
text outside the tables line by line. A page without ruled tables whose text holds a row of
column names is read as an unruled table: the words of every line are put in the columns
the header's words stand over, one row per line, so a cell wrapped over lines gives
continuation rows the row reader merges. Running headers and footers (a line in the top or
bottom margin that repeats on other pages, or is a page number) are items marked as
artefacts. A row broken across a page is two rows here and one activity after reading.

A scanned PDF has no text layer and is refused saying so. Reading is bounded like every
format: the file's size, MAX_PDF_PAGES pages, the rows, cells and text of ``Tally``, every
stream inflated within one budget for the file and the glyphs of a page counted
(``pdf_streams``), and the time budget, checked inside each page as well.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from workflow.errors import KartaError, RoadmapFormatError
from workflow.importing import limits
from workflow.importing.columns import is_header
from workflow.importing.limits import Deadline, Tally, count, shown
from workflow.importing.sources import Item
from workflow.importing.text import PAGE_NUMBER, broken_word, is_page_number

_MARGIN = 0.065  # running headers and footers sit in the outer 6.5 % of the page height
_LINE_TOLERANCE = 3.0  # words whose tops differ less than this are on one line (points)
_COLUMN_GAP = 7.0  # a gap wider than this between words separates header columns (points)
RUNNING = "колонтитул"


@dataclass
class _Line:
    """A line of text outside the tables, or a row of a table, at its place on a page."""

    page: int
    top: float
    bottom: float
    text: str = ""
    cells: list[str] | None = None
    table: int | None = None
    wide: bool = False
    artefact: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class _Columns:
    """The columns of an unruled table: the x where each starts (from its header)."""

    starts: list[float] = field(default_factory=list)


def read_pdf(name: str, data: bytes, deadline: Deadline) -> list[Item]:
    """The text lines and table rows of every page, in reading order."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise RoadmapFormatError(name, None, "файл .pdf повреждён или не является PDF")
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    for logger in ("pdfminer", "pdfplumber"):
        logging.getLogger(logger).setLevel(logging.ERROR)  # a broken PDF is our error
    from workflow.importing import pdf_streams

    pdf_streams.install()  # every stream inflated within the file's budget
    tally = Tally(name, deadline)
    lines: list[_Line] = []
    chars = 0
    try:
        with pdf_streams.budget(name, deadline), pdfplumber.open(io.BytesIO(data)) as pdf:
            reader = _PageReader(deadline)
            for number, page in enumerate(_pages(pdf, tally), 1):
                deadline.check()
                pdf_streams.new_page()
                chars += len(page.chars)
                lines.extend(reader.read(page, number))
                page.close()  # drop the page's parsed objects
    except KartaError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise RoadmapFormatError(name, None, "файл PDF защищён паролем; сохраните его без "
                                             "пароля") from None
    except Exception as error:  # pdfminer raises many types for a broken file
        wrapped = error.args[0] if error.args else None  # pdfplumber wraps pdfminer's
        if isinstance(wrapped, KartaError):  # a limit reached inside pdfminer's work
            raise wrapped from None
        text = shown(str(error), 120) or type(error).__name__
        if "password" in text.lower() or "encrypt" in text.lower():
            raise RoadmapFormatError(name, None, "файл PDF защищён паролем; сохраните его "
                                                 "без пароля") from None
        raise RoadmapFormatError(name, None, "файл .pdf повреждён или не является PDF") \
            from None
    if not chars or not any(line.text.strip() or line.cells for line in lines):
        raise RoadmapFormatError(name, None, "в PDF нет текстового слоя (отсканированный "
                                             "документ): распознайте текст или возьмите "
                                             "исходный файл .docx")
    _mark_running(lines)
    items: list[Item] = []
    for number, line in enumerate(lines, 1):
        if line.cells is not None:
            items.append(Item(line=number, cells=tally.row(line.cells, number),
                              table=line.table, wide=line.wide, artefact=line.artefact,
                              notes=line.notes))
        else:
            items.append(Item(line=number, text=tally.text(line.text, number),
                              artefact=line.artefact))
    return items


def _pages(pdf: Any, tally: Tally) -> Any:
    """The pages of ``pdf`` one by one, refused past MAX_PDF_PAGES before the next is
    built (pdfplumber's own list builds them all first)."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    top = 0.0
    for index, page_object in enumerate(PDFPage.create_pages(pdf.doc)):
        if index >= limits.MAX_PDF_PAGES:
            raise tally.refuse("MAX_PDF_PAGES", f"в PDF больше {count(limits.MAX_PDF_PAGES)} "
                                                "страниц")
        tally.deadline.check()
        page = Page(pdf, page_object, page_number=index + 1, initial_doctop=top)
        top += page.height
        yield page


class _PageReader:
    """Reads pages one after another; an unruled table's columns carry over pages."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.tables = 0
        self.columns: _Columns | None = None

    def read(self, page: Any, number: int) -> list[_Line]:
        lines: list[_Line] = []
        boxes: list[tuple[float, float, float, float]] = []
        for table in page.find_tables():
            self.deadline.check()
            self.tables += 1
            boxes.append(table.bbox)
            for row, cells in zip(table.rows, table.extract()):
                notes: list[str] = []
                texts = [_unwrap(cell, notes) if cell is not None else "" for cell in cells]
                wide = len(cells) > 1 and cells[0] is not None and all(
                    cell is None for cell in cells[1:])
                lines.append(_Line(number, row.bbox[1], row.bbox[3], cells=texts,
                                   table=self.tables, wide=wide, notes=notes))
        words = [word for word in page.extract_words(keep_blank_chars=False,
                                                     use_text_flow=False)
                 if not any(_inside(word, box) for box in boxes)]
        height = float(page.height)
        for line_words in _lines_of(words):
            top = min(w["top"] for w in line_words)
            bottom = max(w["bottom"] for w in line_words)
            text = " ".join(w["text"] for w in line_words)
            in_margin = top < height * _MARGIN or bottom > height * (1 - _MARGIN)
            if not boxes and not in_margin:
                row = self.unruled(line_words)
                if row is not None:
                    lines.append(_Line(number, top, bottom, cells=row, table=self.tables))
                    continue
            lines.append(_Line(number, top, bottom, text=text,
                               artefact="margin" if in_margin else ""))
        if boxes:
            self.columns = None  # ruled tables on this page: no unruled one continues
        lines.sort(key=lambda line: line.top)
        return lines

    def unruled(self, words: list[dict[str, Any]]) -> list[str] | None:
        """A line of an unruled table as cells, or None when it is text: a line whose
        word groups read like column names starts the table."""
        groups = _groups(words)
        texts = [" ".join(w["text"] for w in group) for group in groups]
        if len(groups) >= 3 and is_header(texts):
            self.tables += 1
            self.columns = _Columns([group[0]["x0"] for group in groups])
            return texts
        if self.columns is None:
            return None
        starts = self.columns.starts
        if any(group[0]["x0"] < start - _COLUMN_GAP < group[-1]["x1"]
               for group in groups for start in starts[1:]):
            return None  # words running across a column's start: a line across the table
        cells = [""] * len(starts)
        for word in words:
            middle = (word["x0"] + word["x1"]) / 2
            column = 0
            for index, start in enumerate(starts):
                if word["x0"] >= start - _COLUMN_GAP or middle >= start:
                    column = index
            cells[column] = f"{cells[column]} {word['text']}".strip()
        return cells


def _inside(word: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    middle_x = (word["x0"] + word["x1"]) / 2
    middle_y = (word["top"] + word["bottom"]) / 2
    return x0 <= middle_x <= x1 and top <= middle_y <= bottom


def _lines_of(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into lines by their tops, each line in reading order."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= _LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _groups(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words of a line split where the gap between them is wider than a column gap."""
    groups: list[list[dict[str, Any]]] = []
    for word in words:
        if groups and word["x0"] - groups[-1][-1]["x1"] <= _COLUMN_GAP:
            groups[-1].append(word)
        else:
            groups.append([word])
    return groups


def _unwrap(text: str, notes: list[str]) -> str:
    """A cell's text with the lines the layout wrapped joined again: a space, none after a
    hyphen that ends a line («учебно-\\nметодический») or inside a word too long for its
    column that the layout broke without a hyphen («Ежекварталь\\nно»: a note says so), a
    line break kept before a «- …» sub-item."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = ""
    for line in lines:
        if not joined:
            joined = line
        elif line.startswith(("- ", "– ", "— ", "• ")):
            joined = f"{joined}\n{line}"
        elif joined.endswith("-") and not joined.endswith(" -"):
            joined = f"{joined}{line}"
        elif broken_word(joined, line):
            head = joined.rsplit(" ", 1)[-1]
            tail = line.split(" ", 1)[0]
            notes.append(f"слово, разорванное переносом строки, собрано: «{head} {tail}» → "
                         f"«{head}{tail}»")
            joined = f"{joined}{line}"
        else:
            joined = f"{joined} {line}"
    return joined


def _mark_running(lines: list[_Line]) -> None:
    """Mark the running headers and footers: a margin line that is a page number, or whose
    text (digits aside) recurs in the margin of another page."""
    pages_of: dict[str, set[int]] = {}
    for line in lines:
        if line.artefact == "margin":
            pages_of.setdefault(_shape(line.text), set()).add(line.page)
    # a running header often repeats the title (or its start) from the first page
    first_page = _shape(" ".join(line.text for line in lines[:12] if line.page == 1))
    for line in lines:
        if line.artefact != "margin":
            continue
        if is_page_number(line.text):
            line.artefact = PAGE_NUMBER
        elif len(pages_of.get(_shape(line.text), ())) > 1 or (
                line.page > 1 and len(line.text) >= 8 and _shape(line.text) in first_page):
            line.artefact = RUNNING
        else:
            line.artefact = ""  # a title near the top of the first page is text


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()
