"""Reading roadmap files into one neutral shape: a sequence of text lines and table rows.

Every format becomes a list of ``Item``: a paragraph of text, or a row of cells. Tables in a
.docx keep their boundary (``table`` index); a plain-text dump has none, rows are the lines
with tabs. Merged cells are expanded so a row has one entry per grid column: a horizontal
span keeps its text in the first column, a vertical span repeats its text (a deadline merged
over several activities applies to each).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from workflow.errors import RoadmapFormatError

SUPPORTED = (".docx", ".xlsx", ".csv", ".txt", ".tsv", ".md")


@dataclass
class Item:
    """A paragraph (``cells`` is None) or a table row, with where it came from."""

    line: int
    text: str = ""
    cells: list[str] | None = None
    table: int | None = None

    @property
    def is_row(self) -> bool:
        return self.cells is not None


def read_items(path: Path) -> list[Item]:
    """Read a roadmap file of any supported type into items."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise RoadmapFormatError(
            path.name, None,
            f"неизвестный тип файла «{suffix or 'без расширения'}»; поддерживаются "
            + ", ".join(SUPPORTED),
        )
    if not path.is_file():
        raise RoadmapFormatError(path.name, None, "файл не найден")
    data = path.read_bytes()
    if suffix == ".docx":
        return _read_docx(path.name, data)
    if suffix == ".xlsx":
        return _read_xlsx(path.name, data)
    text = _decode(path.name, data)
    if suffix == ".csv":
        return _read_csv(text)
    return _read_dump(text)


def _decode(name: str, data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RoadmapFormatError(name, None, "файл не в кодировке UTF-8 или Windows-1251")


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _read_dump(text: str) -> list[Item]:
    """Tab-separated rows, or Markdown-style «| a | b |» rows (converters leave both)."""
    items: list[Item] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "\t" in line:
            items.append(Item(line=number, cells=line.split("\t")))
        elif _PIPE_ROW.match(line):
            cells = [cell.strip() for cell in line.strip()[1:-1].split("|")]
            items.append(Item(line=number, cells=cells))
        else:
            items.append(Item(line=number, text=line))
    return items


def _read_csv(text: str) -> list[Item]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    items: list[Item] = []
    reader = csv.reader(io.StringIO(text), dialect)
    for row in reader:
        number = reader.line_num
        if len([cell for cell in row if cell.strip()]) <= 1 and len(row) <= 1:
            items.append(Item(line=number, text=row[0] if row else ""))
        else:
            items.append(Item(line=number, cells=row, table=0))
    return items


def _read_xlsx(name: str, data: bytes) -> list[Item]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RoadmapFormatError(name, None, "файл .xlsx повреждён или не является книгой Excel")
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken book
        raise RoadmapFormatError(name, None, f"не удалось прочитать книгу Excel: {error}") from None
    items: list[Item] = []
    line = 0
    for sheet_index, sheet in enumerate(book.worksheets):
        merged_down: dict[tuple[int, int], str] = {}
        for merged in sheet.merged_cells.ranges:
            value = sheet.cell(merged.min_row, merged.min_col).value
            for row in range(merged.min_row + 1, merged.max_row + 1):
                # a vertical span repeats its text in the first column it covers
                merged_down[(row, merged.min_col)] = "" if value is None else str(value)
        for row_index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            line += 1
            cells = ["" if value is None else _cell_text(value) for value in row]
            for (merged_row, col), value in merged_down.items():
                if merged_row == row_index and col - 1 < len(cells):
                    cells[col - 1] = value
            while cells and not cells[-1].strip():
                cells.pop()
            filled = [cell for cell in cells if cell.strip()]
            if not filled:
                items.append(Item(line=line, text=""))
            else:
                items.append(Item(line=line, cells=cells, table=sheet_index))
    return items


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")  # type: ignore[no-any-return, attr-defined]
    return str(value)


def _read_docx(name: str, data: bytes) -> list[Item]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RoadmapFormatError(name, None, "файл .docx повреждён или не является документом Word")
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors...
        raise RoadmapFormatError(name, None, f"не удалось открыть документ Word: {error}") from None
    items: list[Item] = []
    body = document.element.body
    line = 0
    table_index = -1
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            line += 1
            items.append(Item(line=line, text=_paragraph_text(child)))
        elif child.tag == qn("w:tbl"):
            table_index += 1
            previous_row: list[str] = []
            for tr in child.iter(qn("w:tr")):
                line += 1
                cells: list[str] = []
                before = tr.find(qn("w:trPr"))
                skip = 0
                if before is not None:
                    grid_before = before.find(qn("w:gridBefore"))
                    if grid_before is not None:
                        skip = int(grid_before.get(qn("w:val"), "0"))
                cells.extend([""] * skip)
                for tc in tr.findall(qn("w:tc")):
                    span = _grid_span(tc)
                    if _is_vmerge_continue(tc):
                        col = len(cells)
                        above = previous_row[col] if col < len(previous_row) else ""
                        cells.extend([above] + [""] * (span - 1))
                    else:
                        text = "\n".join(_paragraph_text(p) for p in tc.iter(qn("w:p")))
                        cells.extend([text.strip()] + [""] * (span - 1))
                previous_row = cells
                items.append(Item(line=line, cells=cells, table=table_index))
    return items


def _grid_span(tc: object) -> int:
    from docx.oxml.ns import qn

    props = tc.find(qn("w:tcPr"))  # type: ignore[attr-defined]
    if props is None:
        return 1
    span = props.find(qn("w:gridSpan"))
    return int(span.get(qn("w:val"), "1")) if span is not None else 1


def _is_vmerge_continue(tc: object) -> bool:
    from docx.oxml.ns import qn

    props = tc.find(qn("w:tcPr"))  # type: ignore[attr-defined]
    if props is None:
        return False
    merge = props.find(qn("w:vMerge"))
    return merge is not None and merge.get(qn("w:val"), "continue") == "continue"


def _paragraph_text(p: object) -> str:
    """A paragraph's text, wrapped in <b>…</b> when all of it is bold or italic."""
    from docx.oxml.ns import qn

    texts: list[str] = []
    emphasised = True
    for run in p.iter(qn("w:r")):  # type: ignore[attr-defined]
        run_text = "".join(
            node.text or "" if node.tag == qn("w:t") else "\n" if node.tag == qn("w:br") else "\t"
            for node in run if node.tag in (qn("w:t"), qn("w:br"), qn("w:tab"))
        )
        if not run_text.strip():
            texts.append(run_text)
            continue
        props = run.find(qn("w:rPr"))
        bold = props is not None and any(
            (flag := props.find(qn(tag))) is not None and flag.get(qn("w:val"), "1") not in
            ("0", "false") for tag in ("w:b", "w:i")
        )
        emphasised = emphasised and bold
        texts.append(run_text)
    text = "".join(texts).replace("\t", " ")
    if text.strip() and emphasised:
        return f"<b>{text.strip()}</b>"
    return text
