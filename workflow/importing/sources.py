"""Reading roadmap files into one neutral shape: a sequence of text lines and table rows.

Every format becomes a list of ``Item``: a paragraph of text, or a row of cells. Tables in a
.docx keep their boundary (``table`` index); a plain-text dump has none, rows are the lines
with tabs. Merged cells are expanded so a row has one entry per grid column: a horizontal
span keeps its text in the first column, a vertical span repeats its text (a deadline merged
over several activities applies to each) and the row says which of its cells do
(``Item.spanned``: a «№» merged over sub-rows makes them rows of one activity).

Every file is read within the limits of ``limits.py``: a file too big, too wide, too deep or
too slow to read is refused with the limit it breached; every row and line passes through a
``Tally`` that counts it and removes characters a database refuses (NUL).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from workflow.errors import RoadmapFormatError, RoadmapLimitExceeded
from workflow.importing import limits
from workflow.importing.limits import Deadline, Tally, count, megabytes

SUPPORTED = (".docx", ".xlsx", ".pdf", ".doc", ".odt", ".rtf", ".csv", ".txt", ".tsv", ".md")
CONVERTED = (".doc", ".odt", ".rtf")  # read through LibreOffice as .docx


@dataclass(slots=True)
class Item:
    """A paragraph (``cells`` is None) or a table row, with where it came from.

    ``line`` numbers the units of the source 1…N without gaps; an item that covers several
    (a CSV record over three lines, a run of blank sheet rows) ends at ``end``. ``artefact``
    says why a reader already knows the item is no content (a PDF's running header);
    ``wide`` marks a row whose one filled cell spans the whole table (a section row);
    ``spanned`` holds the columns whose text is that of a cell merged down from the row
    above (a vertical merge: the text is repeated, the clerk sees it once);
    ``notes`` say what the reader repaired (a word the layout broke, joined again).
    """

    line: int
    text: str = ""
    cells: list[str] | None = None
    table: int | None = None
    end: int | None = None
    artefact: str = ""
    wide: bool = False
    notes: list[str] | None = None  # what a reader repaired in the item, in Russian
    spanned: tuple[int, ...] = ()

    @property
    def is_row(self) -> bool:
        return self.cells is not None


def read_items(path: Path, deadline: Deadline | None = None) -> list[Item]:
    """Read a roadmap file of any supported type into items."""
    return items_from_bytes(path.name, read_source(path), deadline)


def read_source(path: Path) -> bytes:
    """The bytes of a roadmap file: refused when its type is unknown, when it is not a
    regular file, when it is empty or bigger than its type's limit (``MAX_CSV_BYTES`` for a
    CSV, ``MAX_FILE_BYTES`` for the others)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise RoadmapFormatError(
            path.name, None,
            f"неизвестный тип файла «{suffix or 'без расширения'}»; поддерживаются "
            + ", ".join(SUPPORTED),
        )
    if path.is_dir():
        raise RoadmapFormatError(path.name, None, "это папка, а не файл")
    if not path.is_file():  # also a pipe or a device, which could be read forever
        raise RoadmapFormatError(path.name, None, "файл не найден")
    name, limit = limits.file_bytes_limit(suffix)
    too_big = RoadmapLimitExceeded(path.name, name, "файл больше допустимого "
                                   f"размера {megabytes(limit)}")
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > limit:
                raise too_big
            data = handle.read(limit + 1)  # the size may change meanwhile
    except OSError as error:
        raise RoadmapFormatError(path.name, None, "не удалось прочитать файл: "
                                                  f"{error.strerror or error}") from None
    if len(data) > limit:
        raise too_big
    if not data:
        raise RoadmapFormatError(path.name, None, "файл пуст")
    return data


def items_from_bytes(name: str, data: bytes, deadline: Deadline | None = None) -> list[Item]:
    """Items of a roadmap file's bytes; ``name`` gives the type and names the file in
    errors. The read is refused when it outlasts ``deadline`` (READ_SECONDS by default)."""
    deadline = deadline or Deadline(name)
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        from workflow.importing.word import read_docx

        return read_docx(name, data, deadline)
    if suffix == ".xlsx":
        from workflow.importing.excel import read_xlsx

        return read_xlsx(name, data, deadline)
    if suffix == ".pdf":
        from workflow.importing.pdf import read_pdf

        return read_pdf(name, data, deadline)
    if suffix in CONVERTED:
        from workflow.importing.convert import read_converted

        return read_converted(name, data, deadline)
    tally = Tally(name, deadline)
    text = _decode(name, data).replace("\x00", "")  # NUL: see limits.safe_text
    if suffix == ".csv":
        return _read_csv(text, tally)
    return _read_dump(text, tally)


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # «Unicode text» saved by Excel or Word
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RoadmapFormatError(name, None, "файл в кодировке UTF-16 повреждён") from None
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RoadmapFormatError(name, None, "файл не в кодировке UTF-8 или Windows-1251")


# What str.splitlines() splits on; "\r\n" is one break.
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def _check_lines(text: str, tally: Tally, breaks: str = _LINE_BREAKS) -> None:
    """Refuse a text with more lines than MAX_ROWS before it is split into lines."""
    lines = sum(text.count(mark) for mark in breaks) - text.count("\r\n")
    if text and text[-1] not in breaks:
        lines += 1  # the last line has no break of its own; a final break opens none
    if lines > limits.MAX_ROWS:
        raise tally.refuse("MAX_ROWS", f"в файле больше {count(limits.MAX_ROWS)} строк")


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _read_dump(text: str, tally: Tally) -> list[Item]:
    """Tab-separated rows, or Markdown-style «| a | b |» rows (converters leave both)."""
    _check_lines(text, tally)
    items: list[Item] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > limits.MAX_LINE_CHARS:
            tally.text(line, number)  # refuses it, naming the limit
        if "\t" in line:
            items.append(Item(line=number, cells=tally.row(line.split("\t"), number)))
        elif _PIPE_ROW.match(line):
            cells = [cell.strip() for cell in line.strip()[1:-1].split("|")]
            items.append(Item(line=number, cells=tally.row(cells, number)))
        else:
            items.append(Item(line=number, text=tally.text(line, number)))
    return items


def _read_csv(text: str, tally: Tally) -> list[Item]:
    # The csv module wants "\n" or "\r\n"; a file from old Mac software ends lines with "\r".
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_lines(text, tally, "\n")
    longest = _longest_line(text)
    if longest > limits.MAX_LINE_CHARS:
        raise tally.refuse("MAX_LINE_CHARS", "строка текста длиннее "
                                             f"{count(limits.MAX_LINE_CHARS)} символов")
    # whole lines only: a sample that ends inside a long quoted cell hides the delimiter
    end = text.rfind("\n", 0, 4096)
    sample = text[:end] if end > 0 else text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        reader = csv.reader(io.StringIO(text), dialect)
    except (csv.Error, TypeError):  # no dialect found, or a guess csv cannot use
        # a title line without delimiters, or a long quoted cell, defeats the sniffer:
        # take the delimiter the sample has most of
        delimiter = max(";,\t", key=sample.count) if sample else ","
        reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)
    items: list[Item] = []
    try:
        first = 1  # a record's first physical line; a quoted cell may hold line breaks
        for row in reader:
            number = reader.line_num
            last = number if number > first else None
            if len([cell for cell in row if cell.strip()]) <= 1 and len(row) <= 1:
                items.append(Item(line=first, text=tally.text(row[0] if row else "", first),
                                  end=last))
            else:
                items.append(Item(line=first, cells=tally.row(row, first), table=0, end=last))
            first = number + 1
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise tally.refuse("MAX_CELL_CHARS", "ячейка длиннее "
                                                 f"{count(limits.MAX_CELL_CHARS)} символов",
                               reader.line_num) from None
        raise RoadmapFormatError(tally.file, reader.line_num,
                                 f"строка CSV не разбирается: {error}") from None
    return items


def _longest_line(text: str) -> int:
    longest = start = 0
    while (end := text.find("\n", start)) >= 0:
        longest = max(longest, end - start)
        start = end + 1
    return max(longest, len(text) - start)
