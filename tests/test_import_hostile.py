"""The importer on hostile and broken files: each is refused with one Russian line that names
the file and the limit it breached, quickly, or read as a good file would be.

Every test builds its file here (python-docx, openpyxl, zipfile). Time bounds are generous:
they catch unbounded work, not slow machines. Peak memory is checked in
``test_import_memory.py``, in a subprocess.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from tests import hostile_files as h
from tests.conftest import YENISEISK, Karta
from tests.test_import_formats import _seed_rows
from workflow.errors import PeriodRequired, RoadmapFormatError, RoadmapLimitExceeded
from workflow.importing import Period, limits, read_roadmap

PERIOD = Period(2021, 2023)
SUFFIXES = (".docx", ".xlsx", ".csv", ".txt", ".tsv", ".md")


def _refused(path: Path, data: bytes | None, fragment: str,
             seconds: float = 10.0) -> RoadmapFormatError:
    """Write ``data`` to ``path``, import it, and check the refusal: one line, the file's
    name first, ``fragment`` in it, within ``seconds``."""
    if data is not None:
        path.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(RoadmapFormatError) as caught:
        read_roadmap(path, PERIOD)
    elapsed = time.monotonic() - started
    message = str(caught.value)
    assert fragment in message
    assert message.startswith(path.name)
    assert "\n" not in message and "Traceback" not in message
    assert elapsed < seconds, f"{elapsed:.1f} s"
    return caught.value


def _limit(error: RoadmapFormatError) -> str:
    assert isinstance(error, RoadmapLimitExceeded)
    return error.limit


def _word_roadmap() -> docx.document.Document:
    """A roadmap made by python-docx: a title and a table of three activities."""
    document = docx.Document()
    document.add_paragraph(h.TITLE)
    rows = h.activity_rows(3)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for cells, values in zip(table.rows, rows):
        for cell, text in zip(cells.cells, values):
            cell.text = text
    return document


def _saved(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_grid(document: docx.document.Document, tag: str, value: str) -> None:
    """Put ``<w:gridSpan>`` on the second row's first cell, or ``<w:gridBefore>`` on the
    second row, with the raw ``value``."""
    row = document.tables[0].rows[1]
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    if tag == "w:gridSpan":
        row.cells[0]._tc.get_or_add_tcPr().append(element)
    else:
        row._tr.get_or_add_trPr().append(element)


def _activities(path: Path) -> list[tuple[str, str, str]]:
    return [(a.code, a.title, a.deadline_text) for a in read_roadmap(path, PERIOD).activities]


EXPECTED = [("1", "Мероприятие номер 1 по оценке качества", "Ежегодно"),
            ("2", "Мероприятие номер 2 по оценке качества", "Декабрь 2022"),
            ("3", "Мероприятие номер 3 по оценке качества", "Ежегодно")]


# -- .docx: merged cells -------------------------------------------------------------------


def test_docx_gridspan_4e8_is_refused_quickly(tmp_path: Path) -> None:
    document = _word_roadmap()
    _set_grid(document, "w:gridSpan", "400000000")
    data = _saved(document)
    assert len(data) < 64 * 1024  # the finding: a 37 KB file that took 3.2 GB
    error = _refused(tmp_path / "span.docx", data, "span.docx, строка 3: объединение ячеек "
                     "w:gridSpan=400000000 больше допустимых 64 столбцов", seconds=5)
    assert _limit(error) == "MAX_GRID_SPAN"


@pytest.mark.parametrize(("tag", "value", "fragment"), [
    ("w:gridBefore", "400000000", "w:gridBefore=400000000 больше допустимых 64 столбцов"),
    ("w:gridBefore", "-5", "недопустимое значение w:gridBefore=«-5»: ожидается целое число "
                           "от 0 до 64"),
    ("w:gridBefore", "два", "недопустимое значение w:gridBefore=«два»"),
    ("w:gridBefore", "9" * 5000, "недопустимое значение w:gridBefore=«9999999999999999999…»"),
    ("w:gridSpan", "0", "недопустимое значение w:gridSpan=«0»: ожидается целое число от 1 "
                        "до 64"),
    ("w:gridSpan", "-1", "недопустимое значение w:gridSpan=«-1»"),
    ("w:gridSpan", "1e9", "недопустимое значение w:gridSpan=«1e9»"),
    ("w:gridSpan", "\n2\n3", "недопустимое значение w:gridSpan=«2 3»"),  # found by hypothesis
])
def test_docx_grid_before_and_span_huge_negative_or_not_a_number(
        tmp_path: Path, tag: str, value: str, fragment: str) -> None:
    document = _word_roadmap()
    _set_grid(document, tag, value)
    _refused(tmp_path / "grid.docx", _saved(document), fragment, seconds=5)


def test_docx_grid_before_and_span_within_limits_read_as_before(tmp_path: Path) -> None:
    """A cell spanning two columns, and a row shifted by w:gridBefore, keep their columns."""
    rows = (h.row(h.HEADER + ["Примечание"])
            + h.row(["1.", "Мероприятие номер 1 по оценке качества", "Ежегодно", "УО", ""])
            + "<w:tr>" + h.cell("2.") + h.cell("Мероприятие номер 2 по оценке качества")
            + h.cell("Декабрь 2022", '<w:gridSpan w:val="2"/>') + h.cell("") + "</w:tr>"
            + h.row(["и его продолжение", "", "", ""], '<w:gridBefore w:val="1"/>'))
    target = tmp_path / "grid.docx"
    target.write_bytes(h.docx(h.paragraph(h.TITLE) + f"<w:tbl>{rows}</w:tbl>"))
    draft = read_roadmap(target, PERIOD)
    assert [(a.code, a.title, a.deadline_text, a.executors) for a in draft.activities] == [
        ("1", "Мероприятие номер 1 по оценке качества", "Ежегодно", ["УО"]),
        ("2", "Мероприятие номер 2 по оценке качества и его продолжение", "Декабрь 2022", [])]


def test_docx_table_wider_than_64_columns_is_refused(tmp_path: Path) -> None:
    wide = h.paragraph(h.TITLE) + h.table([h.HEADER + [f"Столбец {n}" for n in range(70)]])
    _refused(tmp_path / "wide.docx", h.docx(wide), "строка таблицы шире 64 столбцов")


# -- .xlsx: the grid ---------------------------------------------------------------------------


def test_xlsx_cell_at_xfd1048576_is_bounded(tmp_path: Path) -> None:
    data = h.xlsx(cells={"XFD1048576": "x"})
    assert len(data) < 16 * 1024  # the finding: a 5 KB file that took 6.6 GB
    error = _refused(tmp_path / "far.xlsx", data, "far.xlsx: в листе больше 100 000 строк",
                     seconds=5)
    assert _limit(error) == "MAX_ROWS"


def test_xlsx_filled_cell_past_column_64_is_refused(tmp_path: Path) -> None:
    error = _refused(tmp_path / "wide.xlsx", h.xlsx(cells={"BM5": "лишнее"}),
                     "wide.xlsx, строка 5: строка таблицы шире 64 столбцов", seconds=5)
    assert _limit(error) == "MAX_COLUMNS"


def test_xlsx_empty_styled_cell_far_right_and_a_lying_dimension_are_ignored(
        tmp_path: Path) -> None:
    """Excel formats whole rows and writes a sheet's size as it likes: neither is data."""
    book = load_workbook(io.BytesIO(h.xlsx()))
    sheet = book.active
    assert sheet is not None
    sheet["XFD5"].font = Font(bold=True)  # a styled cell with no value, column 16 384
    out = io.BytesIO()
    book.save(out)
    sheet_xml = h.parts_of(out.getvalue())["xl/worksheets/sheet1.xml"]
    lying = sheet_xml.replace(b'<dimension ref="A1:XFD5"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert lying != sheet_xml
    target = tmp_path / "styled.xlsx"
    target.write_bytes(h.replace_parts(out.getvalue(), {"xl/worksheets/sheet1.xml": lying}))
    started = time.monotonic()
    assert _activities(target) == EXPECTED
    assert time.monotonic() - started < 5


def test_xlsx_vertical_merge_repeats_its_text_in_streaming_mode(tmp_path: Path) -> None:
    """Read-only openpyxl has no merged cells: they come from the scan of the sheet XML."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([h.TITLE])
    for values in h.activity_rows(3):
        sheet.append(values)
    sheet["C4"] = None
    sheet["C5"] = None
    sheet.merge_cells("C3:C5")
    sheet.merge_cells("A6:D6")
    sheet["A6"] = "Раздел 2. Итоги"
    sheet.append(["4.", "Итоговое совещание", "Декабрь 2023", "УО"])
    target = tmp_path / "merged.xlsx"
    book.save(target)
    draft = read_roadmap(target, PERIOD)
    assert [a.deadline_text for a in draft.activities] == ["Ежегодно"] * 3 + ["Декабрь 2023"]
    assert [s.title for s in draft.sections] == ["Раздел 2. Итоги"]


def test_xlsx_billion_laughs_in_shared_strings_is_refused(tmp_path: Path) -> None:
    data = h.xlsx()
    laughs = h.BILLION_LAUGHS.replace(f'<w:document xmlns:w="{h.W_NS}"><w:body><w:p><w:r>'
                                      '<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>',
                                      '<sst xmlns="http://schemas.openxmlformats.org/'
                                      'spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')
    assert "<sst" in laughs
    _refused(tmp_path / "laughs.xlsx",
             h.replace_parts(data, {"xl/sharedStrings.xml": laughs.encode()}),
             "часть «xl/sharedStrings.xml» содержит DTD", seconds=5)


def test_xlsx_with_an_svg_image_that_has_a_dtd_is_read(tmp_path: Path) -> None:
    """An SVG image may carry a DTD (Illustrator declares entities): a part declared as an
    image is not refused for it, and openpyxl never parses it."""
    parts = h.parts_of(h.xlsx())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="svg" ContentType="image/svg+xml"/></Types>')
    parts["xl/media/image1.svg"] = (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [<!ENTITY ns "http://www.w3.org/'
        b'2000/svg">]><svg xmlns="&ns;"><rect/></svg>')
    target = tmp_path / "logo.xlsx"
    target.write_bytes(h.zip_of(parts))
    assert _activities(target) == EXPECTED


def test_xlsx_many_rows_without_numbers_are_bounded(tmp_path: Path) -> None:
    rows = b"<row/>" * (limits.MAX_ROWS + 1)
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")
    data = h.replace_parts(h.xlsx(), {"xl/worksheets/sheet1.xml": sheet})
    _refused(tmp_path / "rows.xlsx", data, "в листе больше 100 000 строк", seconds=5)


# -- ZIP bombs and lying archives --------------------------------------------------------------


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    data = h.zip_bomb_docx(1024)
    assert len(data) < 3 * 1024 * 1024  # the finding: 3 MB holding 1 GB, past two minutes
    error = _refused(tmp_path / "bomb.docx", data,
                     "bomb.docx: распакованное содержимое больше 200 МБ", seconds=5)
    assert _limit(error) == "MAX_UNPACKED_BYTES"


def test_docx_bomb_under_the_total_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    error = _refused(tmp_path / "bomb.docx", h.zip_bomb_docx(150),
                     "часть «word/document.xml» сжата в", seconds=5)
    assert "допустимо не больше 100 (похоже на zip-бомбу)" in str(error)
    assert _limit(error) == "MAX_COMPRESSION_RATIO"


def test_docx_part_larger_than_it_declares_is_refused(tmp_path: Path) -> None:
    lying = h.with_declared_size(h.docx(), "word/document.xml", 100)
    _refused(tmp_path / "lying.docx", lying,
             "файл .docx повреждён: часть «word/document.xml» не читается")


def test_zip_with_more_than_1000_parts_is_refused(tmp_path: Path) -> None:
    extra = {f"word/media/{n}.bin": b"" for n in range(1001)}
    error = _refused(tmp_path / "parts.docx", h.docx(extra=extra),
                     "в ZIP-архиве больше 1 000 частей")
    assert _limit(error) == "MAX_ZIP_ENTRIES"


# -- XML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("document", [h.BILLION_LAUGHS, h.EXTERNAL_ENTITY],
                         ids=["billion-laughs", "external-entity"])
def test_docx_dtd_is_refused(tmp_path: Path, document: str) -> None:
    error = _refused(tmp_path / "dtd.docx", h.docx(document=document.encode()),
                     "dtd.docx: часть «word/document.xml» содержит DTD", seconds=5)
    assert "root:" not in str(error)


def test_malformed_xml_inside_the_zip(tmp_path: Path) -> None:
    broken = h.replace_parts(h.docx(), {"word/document.xml": b"<w:document><w:body>"})
    _refused(tmp_path / "broken.docx", broken,
             "файл .docx повреждён: часть «word/document.xml» не читается")
    broken = h.replace_parts(h.xlsx(), {"xl/workbook.xml": b"\xff\xfe<not xml"})
    _refused(tmp_path / "broken.xlsx", broken,
             "файл .xlsx повреждён: часть «xl/workbook.xml» не читается")


def test_unknown_xml_encoding_is_a_broken_part(tmp_path: Path) -> None:
    """Found by the fuzz run: expat raised LookupError for «encoding="UTF-8j"»."""
    document = h.document_xml(h.roadmap_body()).replace(b'encoding="UTF-8"', b'encoding="UTF-8j"')
    _refused(tmp_path / "encoding.docx", h.docx(document=document),
             "файл .docx повреждён: часть «word/document.xml» не читается")
    sheet = h.parts_of(h.xlsx())["xl/worksheets/sheet1.xml"]
    sheet = b'<?xml version="1.0" encoding="KOI-9"?>' + sheet.split(b"?>", 1)[-1]
    _refused(tmp_path / "encoding.xlsx",
             h.replace_parts(h.xlsx(), {"xl/worksheets/sheet1.xml": sheet}),
             "файл .xlsx повреждён: часть «xl/worksheets/sheet1.xml» не читается")


def test_docx_deep_nesting_is_refused(tmp_path: Path) -> None:
    deep = h.paragraph(h.TITLE) + "<w:sdt>" * 5000 + "</w:sdt>" * 5000
    error = _refused(tmp_path / "deep.docx", h.docx(deep),
                     "вложенность XML в части «word/document.xml» глубже 100 уровней")
    assert _limit(error) == "MAX_XML_DEPTH"


def test_docx_paragraph_too_big_to_hold_is_refused(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_BLOCK_ELEMENTS", 1000)
    runs = "<w:p>" + "<w:r><w:t>а</w:t></w:r>" * 600 + "</w:p>"
    error = _refused(tmp_path / "runs.docx", h.docx(h.roadmap_body() + runs),
                     "в одном абзаце или строке таблицы больше 1 000 XML-элементов")
    assert _limit(error) == "MAX_BLOCK_ELEMENTS"
    monkeypatch.setattr(limits, "MAX_BLOCK_BYTES", 64 * 1024)
    text = h.paragraph("слово " * 50_000)  # one text node: no event until it ends
    error = _refused(tmp_path / "text.docx", h.docx(h.roadmap_body() + text),
                     "один абзац или строка таблицы занимает больше 64 КБ XML")
    assert _limit(error) == "MAX_BLOCK_BYTES"


def test_xml_element_and_part_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XML_ELEMENTS", 50)
    _refused(tmp_path / "many.docx", h.docx(h.roadmap_body(10)),
             "XML-элементов в файле больше 50")
    monkeypatch.setattr(limits, "MAX_XML_ELEMENTS", 4_000_000)
    monkeypatch.setattr(limits, "MAX_PART_ELEMENTS", 10)
    error = _refused(tmp_path / "styles.xlsx", h.xlsx(), "XML-элементов")
    assert "в части «" in str(error) and _limit(error) == "MAX_PART_ELEMENTS"


# -- text and CSV ------------------------------------------------------------------------------


def _csv(rows: list[list[str]], lineterminator: str = "\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator=lineterminator)
    for values in rows:
        writer.writerow(values)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize(("field", "fragment"), [
    ("ы" * 30_000, "ячейка длиннее 20 000 символов"),
    ("ы" * 200_000, "строка текста длиннее 100 000 символов"),
    (("ы" * 999 + "\n") * 150, "ячейка длиннее 20 000 символов"),  # over csv's own limit
])
def test_csv_huge_field(tmp_path: Path, field: str, fragment: str) -> None:
    data = _csv(h.activity_rows(3) + [["4.", field, "Ежегодно", "УО"]])
    _refused(tmp_path / "field.csv", data, fragment)


def test_csv_cr_only_line_ends(tmp_path: Path) -> None:
    rows = _seed_rows(YENISEISK)
    plain, old_mac = tmp_path / "plain.csv", tmp_path / "old_mac.csv"
    plain.write_bytes(_csv(rows))
    old_mac.write_bytes(_csv(rows, lineterminator="\r"))
    period = Period(2020, 2024)
    expected = [(a.code, a.title) for a in read_roadmap(plain, period).activities]
    assert len(expected) == 64
    assert [(a.code, a.title) for a in read_roadmap(old_mac, period).activities] == expected


@pytest.mark.parametrize("suffix", [".csv", ".txt", ".tsv"])
def test_nul_bytes_removed(tmp_path: Path, suffix: str) -> None:
    rows = [[h.TITLE, "", "", ""]] + h.activity_rows(3)
    if suffix == ".csv":
        data = _csv(rows)
    else:
        data = "\n".join("\t".join(values) for values in rows).encode("utf-8")
    target = tmp_path / f"nul{suffix}"
    target.write_bytes(data.replace("Мероприятие номер".encode(),
                                    "Меро\x00приятие\x00 номер".encode()).replace(b"\n", b"\x00\n"))
    draft = read_roadmap(target, PERIOD)
    assert [(a.code, a.title, a.deadline_text) for a in draft.activities] == EXPECTED
    assert "\x00" not in repr(draft)


def test_nul_bytes_in_office_xml_are_refused(tmp_path: Path) -> None:
    """XML cannot hold NUL: a part with one is broken, not read with it."""
    nul = h.docx(document=h.document_xml(h.roadmap_body()).replace("номер 1".encode(), b"\x00"))
    _refused(tmp_path / "nul.docx", nul, "повреждён: часть «word/document.xml» не читается")


def test_nul_bytes_never_reach_the_database(karta: Karta, tmp_path: Path) -> None:
    """PostgreSQL refuses 0x00 in text: an import with NUL bytes lands all the same."""
    rows = [[h.TITLE, "", "", ""]] + h.activity_rows(3)
    target = tmp_path / "nul.txt"
    target.write_bytes("\n".join("\t".join(values) for values in rows)
                       .replace("оценке", "оце\x00нке").encode("utf-8"))
    result = karta("import", str(target), "--period", "2021-2023")
    assert result.exit_code == 0, result.output + result.stderr
    listing = karta("activities", "--json")
    assert listing.exit_code == 0, listing.stderr
    assert "оценке" in listing.output and "\\u0000" not in listing.output


@pytest.mark.parametrize(("lines", "fragment", "limit"), [
    (["x"] * 100_001, "в файле больше 100 000 строк", "MAX_ROWS"),
    (["x" * 100_001], "строка текста длиннее 100 000 символов", "MAX_LINE_CHARS"),
    (["1.\t" + "ы" * 20_001 + "\tЕжегодно"], "ячейка длиннее 20 000 символов",
     "MAX_CELL_CHARS"),
    (["1.\tМероприятие" + "\t" * 64 + "лишнее"], "строка таблицы шире 64 столбцов",
     "MAX_COLUMNS"),
    (["\n" * 200_000], "в файле больше 100 000 строк", "MAX_ROWS"),
])
def test_dump_line_count_length_and_cells(tmp_path: Path, lines: list[str], fragment: str,
                                          limit: str) -> None:
    text = "\n".join([h.TITLE, "\t".join(h.HEADER), *lines])
    error = _refused(tmp_path / "dump.txt", text.encode("utf-8"), fragment)
    assert _limit(error) == limit


def test_continuation_lines_cannot_grow_a_cell_without_bound(tmp_path: Path) -> None:
    lines = ["1.\tМероприятие\tЕжегодно\tУО"] + ["\tпродолжение " + "ы" * 990] * 30
    text = "\n".join([h.TITLE, "\t".join(h.HEADER), *lines])
    _refused(tmp_path / "long.txt", text.encode("utf-8"),
             "ячейка длиннее 20 000 символов вместе с продолжением на следующих строках")


def test_cells_and_text_of_a_file_are_bounded(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELLS", 10)
    _refused(tmp_path / "cells.txt", "\n".join("\t".join(r) for r in h.activity_rows(3))
             .encode(), "в таблицах больше 10 ячеек")
    monkeypatch.setattr(limits, "MAX_CELLS", 1_000_000)
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 100)
    _refused(tmp_path / "chars.docx", h.docx(), "текста в файле больше 100 символов")


# -- files that are not what they say -----------------------------------------------------------


def test_cli_shows_a_hostile_file_as_one_line_and_stores_nothing(karta: Karta,
                                                                 tmp_path: Path) -> None:
    document = _word_roadmap()
    _set_grid(document, "w:gridSpan", "400000000")
    target = tmp_path / "span.docx"
    target.write_bytes(_saved(document))
    result = karta("import", str(target))
    assert result.exit_code == 1
    assert result.stderr == ("ошибка: span.docx, строка 3: объединение ячеек "
                             "w:gridSpan=400000000 больше допустимых 64 столбцов\n")
    assert karta("roadmaps", "--json").output.strip() == "[]"


def test_file_name_that_is_not_utf8_is_kept_printable(tmp_path: Path) -> None:
    """Linux file names are bytes: the draft carries no character a database refuses."""
    target = tmp_path / b"plan\xff.txt".decode("utf-8", "surrogateescape")
    target.write_bytes("\n".join("\t".join(r) for r in h.activity_rows(3)).encode())
    draft = read_roadmap(target, PERIOD)
    draft.source_name.encode("utf-8")
    draft.title.encode("utf-8")


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_encrypted_or_ole_file_renamed(tmp_path: Path, suffix: str) -> None:
    _refused(tmp_path / f"secret{suffix}", h.OLE_FILE,
             "файл защищён паролем или сохранён в старом формате Office 97–2003; "
             f"сохраните его без пароля в формате {suffix}")
    good = h.docx() if suffix == ".docx" else h.xlsx()
    _refused(tmp_path / f"zipcrypto{suffix}", h.with_encrypted_flag(good),
             "файл защищён паролем; сохраните его без пароля")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_empty_file(tmp_path: Path, suffix: str) -> None:
    error = _refused(tmp_path / f"empty{suffix}", b"", "файл пуст")
    assert str(error) == f"empty{suffix}: файл пуст"


def test_directory_passed_as_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "roadmap.docx"
    folder.mkdir()
    _refused(folder, None, "roadmap.docx: это папка, а не файл")


def test_file_over_20_mb_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "huge.txt"
    with target.open("wb") as handle:
        handle.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: nothing is written
    error = _refused(target, None, "huge.txt: файл больше допустимого размера 20 МБ")
    assert _limit(error) == "MAX_FILE_BYTES"


def test_csv_over_32_mb_is_refused_and_a_bigger_one_than_20_mb_is_read(tmp_path: Path) -> None:
    """A CSV of 100,000 rows takes some 30 MB: its limit is MAX_CSV_BYTES, not
    MAX_FILE_BYTES (tests/test_import_memory.py imports one at the limit)."""
    target = tmp_path / "huge.csv"
    with target.open("wb") as handle:
        handle.truncate(limits.MAX_CSV_BYTES + 1)
    error = _refused(target, None, "huge.csv: файл больше допустимого размера 32 МБ")
    assert _limit(error) == "MAX_CSV_BYTES"
    rows = "\n".join(";".join(row) for row in h.activity_rows(3))
    padding = "\n" * (limits.MAX_FILE_BYTES + 1024 - len(rows))  # blank lines: no row limit
    big = tmp_path / "big.csv"
    big.write_text(f"{h.TITLE}\n{rows}{padding}", encoding="utf-8")
    with pytest.raises(RoadmapLimitExceeded) as caught:
        read_roadmap(big, PERIOD)
    assert caught.value.limit == "MAX_ROWS"  # read, and refused for its rows, not its size


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".txt"])
def test_time_budget_is_checked_while_reading(tmp_path: Path, suffix: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "READ_SECONDS", 0.0)
    data = {".docx": h.docx(), ".xlsx": h.xlsx(),
            ".txt": "\n".join("\t".join(r) for r in h.activity_rows(3)).encode()}[suffix]
    error = _refused(tmp_path / f"slow{suffix}", data, "чтение файла заняло больше 0 с")
    assert _limit(error) == "READ_SECONDS"


# -- work that used to grow faster than the file ------------------------------------------------


def test_many_one_row_tables_read_in_linear_time(tmp_path: Path) -> None:
    """A roadmap split into 20 000 one-row tables: each used to measure all rows before."""
    rows = h.activity_rows(20_000)
    codes = [f"{n // 900 + 1}.{n % 900 + 1}" for n in range(len(rows))]
    body = h.paragraph(h.TITLE) + h.table([rows[0]]) + "".join(
        h.table([[code] + values[1:]]) for code, values in zip(codes[1:], rows[1:]))
    target = tmp_path / "split.docx"
    target.write_bytes(h.docx(body))
    started = time.monotonic()
    assert len(read_roadmap(target, PERIOD).activities) == 20_000
    assert time.monotonic() - started < 20


def test_hostile_cell_text_is_read_in_linear_time(tmp_path: Path) -> None:
    cells = ["<sup>" + " " * 19_000, "<b " * 6_000, "АА и " * 3_900]
    lines = [f"{n}.\tМероприятие {n}\tЕжегодно\t{text}" for n, text in enumerate(cells, 1)]
    target = tmp_path / "cells.txt"
    target.write_text("\n".join([h.TITLE, "\t".join(h.HEADER), *lines]), encoding="utf-8")
    started = time.monotonic()
    assert len(read_roadmap(target, PERIOD).activities) == 3
    assert time.monotonic() - started < 5


def test_unclosed_quotes_before_the_table_are_searched_in_linear_time(tmp_path: Path) -> None:
    lines = ["«" * 99_000] * 50 + ["\t".join(row) for row in h.activity_rows(3)]
    target = tmp_path / "quotes.txt"
    target.write_text("\n".join(lines), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(PeriodRequired):
        read_roadmap(target)
    assert time.monotonic() - started < 10


def test_1000_row_docx_imports_quickly(tmp_path: Path) -> None:
    rows = h.activity_rows(1000)
    rows[1:] = [[f"{n // 100 + 1}.{n % 100 + 1}"] + values[1:]
                for n, values in enumerate(rows[1:])]
    target = tmp_path / "big.docx"
    target.write_bytes(h.docx(h.paragraph(h.TITLE) + h.table(rows)))
    started = time.monotonic()
    assert len(read_roadmap(target, PERIOD).activities) == 1000
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("count", [999, 1000, 1201, 1500])
def test_activity_1000_and_on_are_activities_not_a_continuation_of_999(
        tmp_path: Path, count: int) -> None:
    """Issue 18, item 15: «1000.» was not read as a number, so every activity from 1000 on
    was silently merged into 999 (and past ~1,200 rows refused for a cell too long)."""
    target = tmp_path / "flat.docx"
    target.write_bytes(h.docx(h.paragraph(h.TITLE) + h.table(h.activity_rows(count))))
    activities = read_roadmap(target, PERIOD).activities
    assert [a.code for a in activities] == [str(n) for n in range(1, count + 1)]
    assert activities[-1].title == f"Мероприятие номер {count} по оценке качества"


def test_a_number_no_roadmap_has_is_refused_by_name(tmp_path: Path) -> None:
    rows = h.activity_rows(3)
    rows[2][0] = "12345."
    target = tmp_path / "huge.docx"
    target.write_bytes(h.docx(h.paragraph(h.TITLE) + h.table(rows)))
    with pytest.raises(RoadmapFormatError, match=r"huge.docx, строка \d+: номер мероприятия "
                                                 r"«12345.» больше 9 999"):
        read_roadmap(target, PERIOD)
