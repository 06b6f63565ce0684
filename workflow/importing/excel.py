"""Reading a .xlsx into items with openpyxl in read-only (streaming) mode.

openpyxl streams worksheet rows but reads the shared strings, styles and workbook parts
whole, fills gaps between rows, and keeps merged ranges out of reach in read-only mode. So
every XML part is scanned first, without building a tree: the scan bounds what openpyxl
will hold, refuses a DTD, and collects the merged ranges that the rows need.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import IO, Any
from xml.parsers import expat

from workflow.errors import KartaError, RoadmapFormatError
from workflow.importing import limits
from workflow.importing.limits import Deadline, Tally, count, shown
from workflow.importing.package import Package
from workflow.importing.sources import Item

_CONTENT_TYPES = "[Content_Types].xml"
_MEDIA = ("image/", "audio/", "video/")


@dataclass
class _Merge:
    """A merged range that spans rows: its first column repeats its text below."""

    first_row: int
    last_row: int
    column: int


@dataclass
class _Scan:
    """What the scan of all parts found: the vertical merges of each worksheet part, and
    how much text all parts hold (openpyxl keeps shared strings and a row's text whole)."""

    merges: dict[str, list[_Merge]] = field(default_factory=dict)
    chars: int = 0


def read_xlsx(name: str, data: bytes, deadline: Deadline) -> list[Item]:
    """The rows of every worksheet, in order; blank rows become blank lines."""
    package = Package(name, data, "книгой Excel", deadline)
    try:
        scan = _scan(package)
    finally:
        package.close()
    from openpyxl.reader.excel import ExcelReader

    tally = Tally(name, deadline)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it cannot keep
            # openpyxl's load_workbook, with the shared strings read by expat
            reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True,
                                 keep_links=False)
            reader.read_strings = lambda: _read_strings(reader)  # type: ignore[method-assign]
            reader.read()
            book = reader.wb
            try:
                return _rows(book.worksheets, scan, tally)
            finally:
                book.close()
    except KartaError:
        raise
    except Exception as error:  # openpyxl raises many types for a broken book
        raise RoadmapFormatError(name, None, f"не удалось прочитать книгу Excel: "
                                             f"{_one_line(error)}") from None


def _rows(sheets: list[object], scan: _Scan, tally: Tally) -> list[Item]:
    items: list[Item] = []
    line = 0
    for sheet_index, sheet in enumerate(sheets):
        sheet.reset_dimensions()  # type: ignore[attr-defined]  # the declared size may lie
        # openpyxl keeps the part's name private; the scan knows merges by part name
        merges = scan.merges.get(getattr(sheet, "_worksheet_path", ""), [])
        starts: dict[int, list[_Merge]] = {}
        for merge in merges:
            starts.setdefault(merge.first_row, []).append(merge)
        active: dict[int, tuple[str, int]] = {}  # column → (text, last row)
        previous_blank = False
        for row_index, row in enumerate(
                sheet.iter_rows(values_only=True), start=1):  # type: ignore[attr-defined]
            line += 1
            tally.deadline.check()
            values = _within_columns(list(row), tally, line)
            cells = ["" if value is None else _cell_text(value) for value in values]
            spanned: list[int] = []
            for column, (text, last) in list(active.items()):
                if row_index > last:
                    del active[column]
                    continue
                if len(cells) < column:
                    cells.extend([""] * (column - len(cells)))
                cells[column - 1] = text
                if text.strip():
                    spanned.append(column - 1)
            for merge in starts.pop(row_index, []):
                if merge.column <= limits.MAX_COLUMNS:
                    value = values[merge.column - 1] if merge.column <= len(values) else None
                    active[merge.column] = ("" if value is None else _cell_text(value),
                                            merge.last_row)
            while cells and not cells[-1].strip():
                cells.pop()
            if not any(cell.strip() for cell in cells):
                # one blank line stands for a run of them (openpyxl fills gaps with rows)
                if not previous_blank:
                    items.append(Item(line=line, text=tally.text("", line)))
                else:
                    items[-1].end = line  # the run covers this row too
                previous_blank = True
                continue
            previous_blank = False
            items.append(Item(line=line, cells=tally.row(cells, line), table=sheet_index,
                              spanned=tuple(sorted(spanned))))
    return items


def _read_strings(reader: Any) -> None:
    """``ExcelReader.read_strings``, the table read by ``shared_strings``."""
    from openpyxl.xml.constants import SHARED_STRINGS

    found = reader.package.find(SHARED_STRINGS)
    if found is not None:
        with reader.archive.open(found.PartName[1:]) as source:
            reader.shared_strings = shared_strings(source)


def shared_strings(source: IO[bytes]) -> list[str]:
    """The shared strings of a book as openpyxl's ``read_string_table`` reads them — the
    text of each ``si``, its plain ``t`` and the ``t`` of its runs, phonetic runs left out,
    «x005F_» removed — by expat, without an element and a ``Text`` object for each string
    (a large book has a hundred thousand; the scan has bounded the part already)."""
    strings: list[str] = []
    path: list[str] = []  # the local names of the open elements
    plain = ""  # the si's own t (the last one, as openpyxl keeps it)
    runs: list[str] = []  # the t of each run (r), in order
    current: list[str] | None = None  # the text of the t being read

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal plain, runs, current
        local = tag[tag.rfind("}") + 1:]
        path.append(local)
        if local == "si":
            plain, runs = "", []
        elif local == "r" and len(path) > 1 and path[-2] == "si":
            runs.append("")
        elif local == "t" and len(path) > 1 and (
                path[-2] == "si" or path[-2] == "r" and len(path) > 2 and path[-3] == "si"):
            current = []

    def end(tag: str) -> None:
        nonlocal plain, current
        local = path.pop()
        if local == "t" and current is not None:
            if path[-1] == "si":
                plain = "".join(current)
            else:
                runs[-1] = "".join(current)
            current = None
        elif local == "si":
            strings.append((plain + "".join(runs)).replace("x005F_", ""))

    def text(data: str) -> None:
        if current is not None:
            current.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    while chunk := source.read(1 << 16):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return strings


def _within_columns(values: list[object], tally: Tally, line: int) -> list[object]:
    """The row cut to MAX_COLUMNS; a filled cell further right is refused."""
    if len(values) <= limits.MAX_COLUMNS:
        return values
    beyond = values[limits.MAX_COLUMNS:]
    if beyond.count(None) != len(beyond) and any(
            value is not None and str(value).strip() for value in beyond):
        raise tally.refuse("MAX_COLUMNS", f"строка таблицы шире {limits.MAX_COLUMNS} "
                                          "столбцов", line)
    return values[:limits.MAX_COLUMNS]


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        try:
            return value.strftime("%d.%m.%Y")  # type: ignore[no-any-return, attr-defined]
        except ValueError:  # a time of day has no date
            return str(value)
    return str(value)


def _one_line(error: BaseException) -> str:
    return shown(str(error), 200) or type(error).__name__


# -- the scan -----------------------------------------------------------------------------


def _scan(package: Package) -> _Scan:
    """Scan every XML part once, without a tree, within the limits."""
    media = _media_parts(package)
    scan = _Scan()
    for name, info in package.infos.items():
        if info.is_dir() or not info.file_size or not _looks_like_xml(package, name):
            continue  # openpyxl's parsers refuse a part that is not XML at its first byte
        part = _PartScan(package, name, scan)
        package.scan(name, part.start, dtd_allowed=name in media, text=part.text)
        if part.merges:
            scan.merges[name] = part.merges
    return scan


def _media_parts(package: Package) -> set[str]:
    """Parts declared as images, sound or video (an SVG image may carry a DTD)."""
    if not package.has(_CONTENT_TYPES):
        return set()
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}

    def content_type(tag: str, attributes: dict[str, str], depth: int) -> None:
        kind = attributes.get("ContentType", "")
        if tag.endswith("}Default"):
            defaults[attributes.get("Extension", "").lower()] = kind
        elif tag.endswith("}Override"):
            overrides[attributes.get("PartName", "").lstrip("/")] = kind

    package.scan(_CONTENT_TYPES, content_type)
    media = set()
    for name in package.infos:
        kind = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower(), "")
        if kind.startswith(_MEDIA):
            media.add(name)
    return media


def _looks_like_xml(package: Package, name: str) -> bool:
    head = package.stream(name).read(64)
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return stripped.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))


class _PartScan:
    """Checks one part as it is scanned; what is checked depends on its root element."""

    def __init__(self, package: Package, name: str, scan: _Scan) -> None:
        self.package = package
        self.name = name
        self.scan = scan
        self.root = ""
        self.elements = 0
        self.row = 0  # the current row number, as openpyxl counts it
        self.rows = 0
        self.row_cells = 0
        self.merged = 0
        self.merges: list[_Merge] = []
        self.strings = 0

    def start(self, tag: str, attributes: dict[str, str], depth: int) -> None:
        """Called for each element of the part."""
        local = tag[tag.rfind("}") + 1:]
        self.elements += 1
        if depth == 1:
            self.root = local
        elif self.root == "worksheet":
            if local == "row":
                self._row(attributes.get("r", ""))
            elif local == "c":
                self.row_cells += 1
                if self.row_cells > limits.MAX_ROW_ELEMENTS:
                    raise self._refuse("MAX_ROW_ELEMENTS", "в строке листа больше "
                                                           f"{count(limits.MAX_ROW_ELEMENTS)} "
                                                           "ячеек")
            elif local == "mergeCell":
                self._merge(attributes.get("ref", ""))
        elif self.root == "sst":
            if local == "si":
                self.strings += 1
                if self.strings > limits.MAX_CELLS:
                    raise self._refuse("MAX_CELLS", "общих строк в книге больше "
                                                    f"{count(limits.MAX_CELLS)}")
        elif self.elements > limits.MAX_PART_ELEMENTS:
            # openpyxl parses this part whole into a tree
            raise self._refuse("MAX_PART_ELEMENTS", f"в части «{shown(self.name, 80)}» больше "
                                                    f"{count(limits.MAX_PART_ELEMENTS)} "
                                                    "XML-элементов")

    def text(self, data: str) -> None:
        """Called for character data."""
        self.scan.chars += len(data)
        if self.scan.chars > limits.MAX_TEXT_CHARS:
            raise self._refuse("MAX_TEXT_CHARS", "текста в файле больше "
                                                 f"{count(limits.MAX_TEXT_CHARS)} символов")

    def _row(self, number: str) -> None:
        self.rows += 1
        self.row_cells = 0
        number = number.strip()
        if not number:
            self.row += 1  # a row without a number follows the one before
        elif not (number.isascii() and number.isdigit()):
            raise self.package.broken(self.name, f"неверный номер строки «{shown(number, 20)}»")
        else:
            self.row = int(number) if len(number) < 10 else limits.MAX_ROWS + 1
        if self.row > limits.MAX_ROWS or self.rows > limits.MAX_ROWS:
            raise self._refuse("MAX_ROWS", f"в листе больше {count(limits.MAX_ROWS)} строк")

    def _merge(self, ref: str) -> None:
        from openpyxl.utils.cell import range_boundaries

        self.merged += 1
        if self.merged > limits.MAX_MERGED_RANGES:
            raise self._refuse("MAX_MERGED_RANGES", "объединённых областей в листе больше "
                                                    f"{count(limits.MAX_MERGED_RANGES)}")
        try:
            first_column, first_row, _, last_row = range_boundaries(ref)
        except (ValueError, TypeError):
            raise self.package.broken(self.name, f"неверная объединённая область «{shown(ref)}»")\
                from None
        if first_row is None or last_row is None or first_column is None:
            raise self.package.broken(self.name, f"неверная объединённая область «{shown(ref)}»")
        if last_row > first_row:
            self.merges.append(_Merge(first_row, min(last_row, limits.MAX_ROWS), first_column))

    def _refuse(self, limit: str, reason: str) -> KartaError:
        return self.package.refuse(limit, reason)
