"""The limits of one roadmap read, in one place, and the two helpers that enforce them.

A roadmap is a table of a few hundred rows; every limit here is far above any real one and
far below what would exhaust the machine. Each breach raises ``RoadmapLimitExceeded``
naming the file and the limit in Russian; ``limit`` on the error is the constant's name.
The readers look the constants up at call time (``limits.NAME``) so a test can lower one.
"""

from __future__ import annotations

import time

from workflow.errors import RoadmapLimitExceeded

MB = 1024 * 1024

# The file as given: roadmaps are kilobytes to a few megabytes, scans are not roadmaps.
MAX_FILE_BYTES = 20 * MB
# A CSV holds its rows as plain text, 250-330 bytes a row of a real roadmap: MAX_ROWS rows
# take up to about 30 MB. An import of a CSV this size (rows and text at their limits)
# peaks under 500 MB (tests/test_import_memory.py); the other formats keep MAX_FILE_BYTES
# (a .xlsx of 100,000 rows is a few megabytes).
MAX_CSV_BYTES = 32 * MB


def file_bytes_limit(suffix: str) -> tuple[str, int]:
    """The size limit of a file of this type: (the constant's name, its value)."""
    if suffix == ".csv":
        return "MAX_CSV_BYTES", MAX_CSV_BYTES
    return "MAX_FILE_BYTES", MAX_FILE_BYTES

# .docx and .xlsx are ZIP packages of XML parts.
MAX_ZIP_ENTRIES = 1000  # a Word or Excel file has tens of parts; a few hundred with images
MAX_ZIP_DIRECTORY_BYTES = 1 * MB  # checked before zipfile reads the directory into objects
MAX_UNPACKED_BYTES = 200 * MB  # declared uncompressed sizes of all parts together
MAX_COMPRESSION_RATIO = 100  # XML compresses 5-20 times; a zip bomb a thousand times
RATIO_CHECKED_FROM_BYTES = 1 * MB  # tiny parts may compress better and are harmless
MAX_XML_ELEMENTS = 4_000_000  # all XML elements parsed from one file (time)
MAX_PART_ELEMENTS = 250_000  # one part that a library parses whole into a tree (memory)
MAX_BLOCK_ELEMENTS = 200_000  # one paragraph or table row held in memory at a time
MAX_BLOCK_BYTES = 16 * MB  # the XML of that paragraph or row (a text node can be huge)
MAX_XML_DEPTH = 100  # nested tables three deep are about 20 levels
MAX_GRID_SPAN = 64  # w:gridSpan / w:gridBefore: columns one Word cell covers or skips
MAX_MERGED_RANGES = 100_000  # merged areas in one Excel sheet
MAX_ROW_ELEMENTS = 16_384  # cells written in one Excel row (Excel's own column limit)

# PDF: a roadmap is a few to a few dozen pages; a 300-page PDF is a book, not a roadmap.
MAX_PDF_PAGES = 300
# All streams of a PDF inflated (contents, forms, fonts, maps): text pages take tens of KB
# each, embedded fonts a few MB; any filter chain that unpacks past this is a bomb.
MAX_PDF_UNPACKED_BYTES = 64 * MB
# Glyphs laid out on one page: a dense A4 page in small print holds about 10,000.
MAX_PDF_PAGE_GLYPHS = 50_000

# .doc, .odt and .rtf are converted by LibreOffice first; a start of LibreOffice takes a few
# seconds, the conversion of a roadmap a few more.
CONVERT_SECONDS = 60.0

# The shape of what is read, in every format.
MAX_ROWS = 100_000  # table rows, lines and paragraphs of one file
MAX_COLUMNS = 64  # filled columns of a row
MAX_CELLS = 1_000_000  # cells of all rows together (rows × columns)
MAX_CELL_CHARS = 20_000  # one cell (about ten pages of text)
MAX_LINE_CHARS = 100_000  # one line of a dump or one paragraph of a document
MAX_TEXT_CHARS = 20_000_000  # all text read from one file

# Time for the whole read (file to draft), checked between rows and elements.
READ_SECONDS = 30.0


def count(number: int) -> str:
    """A number in groups of three, as Russian text writes it: 100 000."""
    return f"{number:,}".replace(",", " ")


def megabytes(size: int) -> str:
    """A size in whole megabytes, «20 МБ», or kilobytes below one, «64 КБ»."""
    if size < MB:
        return f"{count(size // 1024)} КБ"
    return f"{count(size // MB)} МБ"


class Deadline:
    """The time budget of one read; ``check()`` raises once it is spent."""

    def __init__(self, file: str, seconds: float | None = None) -> None:
        self.file = file
        self.seconds = READ_SECONDS if seconds is None else seconds
        self.end = time.monotonic() + self.seconds

    def extend(self, seconds: float) -> None:
        """Give back time spent on a step with a budget of its own (a conversion)."""
        self.end += seconds

    def check(self) -> None:
        """Raise ``RoadmapLimitExceeded`` when the budget is spent."""
        if time.monotonic() > self.end:
            raise RoadmapLimitExceeded(
                self.file, "READ_SECONDS",
                f"чтение файла заняло больше {self.seconds:g} с; файл слишком велик "
                "или повреждён",
            )


class Tally:
    """What one read has produced so far: every row and line passes through it, is
    counted against the limits, and leaves without characters a database refuses."""

    def __init__(self, file: str, deadline: Deadline) -> None:
        self.file = file
        self.deadline = deadline
        self.lines = 0  # rows and lines of text
        self.cells = 0
        self.chars = 0

    def refuse(self, limit: str, reason: str, line: int | None = None) -> RoadmapLimitExceeded:
        """The error for a breached limit (to ``raise``)."""
        return RoadmapLimitExceeded(self.file, limit, reason, line)

    def row(self, cells: list[str], line: int) -> list[str]:
        """Check one table row and return its cells, cleaned; empty cells past the last
        allowed column are dropped (spreadsheets format whole rows), filled ones refused."""
        self._add_line(line)
        if len(cells) > MAX_COLUMNS:
            if any(cell.strip() for cell in cells[MAX_COLUMNS:]):
                raise self.refuse("MAX_COLUMNS", f"строка таблицы шире {count(MAX_COLUMNS)} "
                                                 "столбцов", line)
            cells = cells[:MAX_COLUMNS]
        self.cells += len(cells)
        if self.cells > MAX_CELLS:
            raise self.refuse("MAX_CELLS", f"в таблицах больше {count(MAX_CELLS)} ячеек", line)
        for cell in cells:
            if len(cell) > MAX_CELL_CHARS:
                raise self.refuse("MAX_CELL_CHARS", f"ячейка длиннее {count(MAX_CELL_CHARS)} "
                                                    "символов", line)
        self._add_chars(sum(len(cell) for cell in cells), line)
        return [safe_text(cell) for cell in cells]

    def text(self, text: str, line: int) -> str:
        """Check one line or paragraph of text and return it, cleaned."""
        self._add_line(line)
        if len(text) > MAX_LINE_CHARS:
            raise self.refuse("MAX_LINE_CHARS", f"строка текста длиннее "
                                                f"{count(MAX_LINE_CHARS)} символов", line)
        self._add_chars(len(text), line)
        return safe_text(text)

    def _add_line(self, line: int) -> None:
        self.deadline.check()
        self.lines += 1
        if self.lines > MAX_ROWS:
            raise self.refuse("MAX_ROWS", f"в файле больше {count(MAX_ROWS)} строк", line)

    def _add_chars(self, size: int, line: int) -> None:
        self.chars += size
        if self.chars > MAX_TEXT_CHARS:
            raise self.refuse("MAX_TEXT_CHARS", f"текста в файле больше "
                                                f"{count(MAX_TEXT_CHARS)} символов", line)


def safe_text(text: str) -> str:
    """The text without NUL (PostgreSQL text refuses it) and lone surrogates (no database
    encodes them); both come only from broken or hostile files."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def shown(text: str, length: int = 40) -> str:
    """A value from a file as a message may quote it: on one line, printable, at most
    ``length`` characters."""
    text = "".join(ch if ch.isprintable() else " " for ch in text[:length * 4])
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1] + "…"
