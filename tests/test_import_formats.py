"""The importer on .docx, .xlsx and .csv files and on layouts the seeds do not show."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from openpyxl import Workbook

from tests.conftest import SLAVGOROD, YENISEISK
from workflow.errors import RoadmapFormatError
from workflow.importing import Period, read_roadmap


def _seed_rows(path: Path) -> list[list[str]]:
    """The table of a seed dump as rows, from its header on; loose section lines become
    rows with one filled cell, as they are in a real document."""
    rows: list[list[str]] = []
    for line in path.open(encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("-----") or not line.strip():
            continue
        if "\t" in line:
            rows.append(line.split("\t"))
        elif rows:
            rows.append([line.strip(), "", "", "", ""][: len(rows[0])])
    return rows


def _docx_from_rows(path: Path, rows: list[list[str]], *, intro: list[str],
                    bold_sections: bool = False, extra_table: bool = True,
                    split_at: int | None = None) -> None:
    """A Word document like the real ones: title paragraphs, the roadmap table with section
    rows merged across the table, optionally split in two tables, and another table."""
    document = docx.Document()
    for text in intro:
        document.add_paragraph(text)
    header, body = rows[0], rows[1:]
    chunks = [body[:split_at], body[split_at:]] if split_at else [body]
    for number, chunk in enumerate(chunks):
        width = len(header)
        table = document.add_table(rows=0, cols=width)
        if number == 0:
            cells = table.add_row().cells
            for cell, text in zip(cells, header):
                cell.text = text
            numbering = table.add_row().cells  # «1 | 2 | 3 | 4» under the header
            for index, cell in enumerate(numbering, 1):
                cell.text = str(index)
        for row in chunk:
            cells = table.add_row().cells
            filled = [c for c in row if c.strip()]
            if len(filled) == 1 and row[0].strip():  # a section row: merge across the table
                merged = cells[0].merge(cells[-1])
                text = row[0].replace("<i>", "").replace("</i>", "")
                if bold_sections:
                    text = text.split(". ", 1)[-1] if text[0].isdigit() else text
                    run = merged.paragraphs[0].add_run(text)
                    run.bold = True
                else:
                    merged.text = text
                continue
            for cell, text in zip(cells, row + [""] * (width - len(row))):
                cell.text = text
        if number == 0 and split_at:
            document.add_paragraph("")  # Word leaves a paragraph between split tables
    if extra_table:
        document.add_paragraph("Критерии реализации дорожной карты")
        criteria = document.add_table(rows=2, cols=3)
        for cell, text in zip(criteria.rows[0].cells, ["№ п/п", "Показатель", "Источник"]):
            cell.text = text
        for cell, text in zip(criteria.rows[1].cells, ["1.", "Доля ОО", "Мониторинг"]):
            cell.text = text
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(14)
    document.save(str(path))


def _activities(path: Path, period: Period | None = None) -> list[tuple[str, str, str]]:
    draft = read_roadmap(path, period)
    return [(a.code, a.title, a.deadline_text) for a in draft.activities]


def test_docx_with_merged_section_rows_reads_like_the_dump(tmp_path: Path) -> None:
    target = tmp_path / "slavgorod.docx"
    _docx_from_rows(target, _seed_rows(SLAVGOROD),
                    intro=["Дорожная карта по развитию МСОКО г. Славгорода на 2021-2023 годы"])
    draft = read_roadmap(target)
    assert (draft.first_year, draft.last_year) == (2021, 2023)
    assert len(draft.activities) == 57
    assert _activities(target) == _activities(SLAVGOROD, Period(2021, 2023))
    assert [part.kind for part in draft.skipped] == ["table"]
    assert "нет столбца" in draft.skipped[0].reason


def test_docx_split_across_two_tables_and_bold_unnumbered_sections(tmp_path: Path) -> None:
    target = tmp_path / "yeniseisk.docx"
    rows = _seed_rows(YENISEISK)
    # «Задача 2» and «Задача 4» are loose lines in the dump: give them rows here
    _docx_from_rows(target, rows, intro=["План мероприятий на 2020 — 2024 гг."],
                    bold_sections=True, extra_table=False, split_at=30)
    draft = read_roadmap(target)
    assert (draft.first_year, draft.last_year) == (2020, 2024)
    assert [s.code for s in draft.sections] == ["0", "1", "2", "3", "4", "5"]
    assert draft.skipped == []
    expected = [a.code for a in read_roadmap(YENISEISK).activities]
    assert [a.code for a in draft.activities] == expected
    titles = [a.title for a in draft.activities]
    assert "Интенсивная школа для учащихся 5-9 классов" in titles


def test_docx_vertically_merged_deadline_applies_to_each_row(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Дорожная карта на 2022 год")
    table = document.add_table(rows=4, cols=4)
    for cell, text in zip(table.rows[0].cells, ["№", "Мероприятие", "Сроки", "Ответственный"]):
        cell.text = text
    for index, row in enumerate(table.rows[1:], 1):
        row.cells[0].text = f"{index}."
        row.cells[1].text = f"Мероприятие {index}"
        row.cells[3].text = "Комитет"
    table.cell(1, 2).text = "Ежегодно"
    table.cell(1, 2).merge(table.cell(3, 2))
    target = tmp_path / "merged.docx"
    document.save(str(target))
    assert _activities(target) == [("1", "Мероприятие 1", "Ежегодно"),
                                   ("2", "Мероприятие 2", "Ежегодно"),
                                   ("3", "Мероприятие 3", "Ежегодно")]


def test_xlsx_with_merged_section_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Дорожная карта по развитию МСОКО на 2021-2023 годы"])
    sheet.append([])
    rows = _seed_rows(SLAVGOROD)
    for row in rows:
        sheet.append(row)
        filled = [c for c in row if c.strip()]
        if len(filled) == 1 and row[0].strip():
            sheet.merge_cells(start_row=sheet.max_row, start_column=1,
                              end_row=sheet.max_row, end_column=4)
    target = tmp_path / "roadmap.xlsx"
    book.save(str(target))
    assert _activities(target) == _activities(SLAVGOROD, Period(2021, 2023))
    assert len(read_roadmap(target).sections) == 8


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_in_either_delimiter(tmp_path: Path, delimiter: str) -> None:
    target = tmp_path / "roadmap.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for row in _seed_rows(YENISEISK):
            writer.writerow(row)
    draft = read_roadmap(target, Period(2020, 2024))
    assert len(draft.activities) == 64
    assert draft.activities[0].code == "0.1"
    assert [s.code for s in draft.sections] == ["0", "1", "2", "3", "4", "5"]


def test_columns_are_mapped_by_header_not_position(tmp_path: Path) -> None:
    dump = (
        "Дорожная карта на 2021-2023 годы\n"
        "Ответственные исполнители\tПериод реализации отдельного действия\t"
        "Основные направления деятельности\tПрогнозируемый результат (количественные "
        "характеристики результата)\tN п/п\n"
        "1\t2\t3\t4\t5\n"
        "Раздел I. Мониторинг\t\t\t\t\n"
        "УО\tЕжеквартально\tМониторинг посещаемости\tОтчёт\t1\n"
        "УО, ОО\tДо 01.08.2021\tПодготовка <b>справки</b><sup>1</sup>\tСправка\t2\n"
    )
    target = tmp_path / "other.txt"
    target.write_text(dump, encoding="utf-8")
    draft = read_roadmap(target)
    assert [(a.code, a.title, a.deadline_text, a.executors, a.planned_result)
            for a in draft.activities] == [
        ("1", "Мониторинг посещаемости", "Ежеквартально", ["УО"], "Отчёт"),
        ("2", "Подготовка справки", "До 01.08.2021", ["УО", "ОО"], "Справка"),
    ]
    assert draft.sections[0].code == "I"  # as written (issue 24)
    assert draft.sections[0].heading == "Раздел I. Мониторинг"


def test_sub_items_page_numbers_and_broken_lines(tmp_path: Path) -> None:
    dump = (
        "План мероприятий на 2022 год\n"
        "№\tМероприятия\tСроки\tОтветственный\n"
        "1. Организационные мероприятия\t\t\t\n"
        "1.1\tПодготовка приказов:\tЯнварь 2022\tУО\n"
        "- о составе рабочей группы;\n"
        "- о назначении координатора\n"
        "\n"
        "3 2\n"
        "\n"
        "1.2\tМониторинг результатов\tФевраль\tУО\n"
        "\tоценочных процедур\t\t\n"
    )
    target = tmp_path / "list.txt"
    target.write_text(dump, encoding="utf-8")
    draft = read_roadmap(target)
    first, second = draft.activities
    assert first.title == ("Подготовка приказов: - о составе рабочей группы; "
                           "- о назначении координатора")
    assert second.title == "Мониторинг результатов оценочных процедур"
    assert len(draft.sections) == 1
    assert (draft.first_year, draft.last_year) == (2022, 2022)


def test_duplicate_codes_are_refused_with_the_line(tmp_path: Path) -> None:
    target = tmp_path / "dup.txt"
    target.write_text("Дорожная карта на 2021 год\n№\tМероприятие\tСроки\n"
                      "1.1\tПервое\tЕжегодно\n1.1\tВторое\tЕжегодно\n", encoding="utf-8")
    with pytest.raises(RoadmapFormatError) as error:
        read_roadmap(target)
    assert error.value.line == 4
    assert "«1.1» повторяется" in str(error.value)
    assert "dup.txt, строка 4" in str(error.value)


def test_no_roadmap_table(tmp_path: Path) -> None:
    target = tmp_path / "letter.txt"
    target.write_text("Письмо\nУважаемые коллеги!\n№\tПоказатель\tИсточник\n1\tДоля\tОО\n",
                      encoding="utf-8")
    with pytest.raises(RoadmapFormatError) as error:
        read_roadmap(target)
    assert "не найдена таблица дорожной карты" in str(error.value)


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    target = tmp_path / "broken.docx"
    target.write_bytes(b"this is not a word document")
    with pytest.raises(RoadmapFormatError) as error:
        read_roadmap(target)
    assert str(error.value) == ("broken.docx: файл .docx повреждён или не является "
                                "документом Word")


def test_unknown_file_type(tmp_path: Path) -> None:
    target = tmp_path / "roadmap.pages"
    target.write_bytes(b"PK\x03\x04")
    with pytest.raises(RoadmapFormatError) as error:
        read_roadmap(target)
    assert "неизвестный тип файла «.pages»" in str(error.value)


def test_cp1251_dump(tmp_path: Path) -> None:
    target = tmp_path / "old.txt"
    target.write_bytes(SLAVGOROD.read_text(encoding="utf-8").encode("cp1251"))
    assert len(read_roadmap(target, Period(2020, 2022)).activities) == 57


def test_markdown_pipe_table_with_a_header_broken_in_two(tmp_path: Path) -> None:
    dump = (
        "# План мероприятий на 2023 год\n\n"
        "| № | Наименование | Срок | Ответственный | Ожидаемый |\n"
        "| п/п | мероприятия | исполнения | исполнитель | результат |\n"
        "|---|---|---|---|---|\n"
        "| I. | **Организационные мероприятия** | | | |\n"
        "| 1. | Совещание руководителей ОО | Январь 2023 | Отдел образования | Протокол |\n"
        "| 2. | Мониторинг сайтов ОО | Ежеквартально | Методический кабинет | Справка |\n"
        "| II. | **Оценка качества** | | | |\n"
        "| 1. | Проведение ВПР | Апрель - май 2023 | Руководители ОО | Отчёт |\n"
    )
    target = tmp_path / "plan.md"
    target.write_text(dump, encoding="utf-8")
    draft = read_roadmap(target)
    assert (draft.first_year, draft.last_year) == (2023, 2023)
    # Roman section numbers stay as the clerk wrote them, in the codes too (issue 24)
    assert [s.code for s in draft.sections] == ["I", "II"]
    assert [(a.code, a.title, a.deadline_text, a.planned_result) for a in draft.activities] == [
        ("I.1", "Совещание руководителей ОО", "Январь 2023", "Протокол"),
        ("I.2", "Мониторинг сайтов ОО", "Ежеквартально", "Справка"),
        ("II.1", "Проведение ВПР", "Апрель - май 2023", "Отчёт"),
    ]


def test_category_column_and_plain_section_rows(tmp_path: Path) -> None:
    dump = (
        "Дорожная карта на 2022-2024 годы\n"
        "№\tНаправление\tМероприятие\tСрок\tОтветственные\n"
        "\t\tНормативное обеспечение\t\t\n"
        "1\tМСОКО\tУтверждение положения о МСОКО\tДекабрь 2022\tУО\n"
        "2\tМСОКО\tКорректировка показателей по итогам мониторинга и\tЕжегодно\tУО\n"
        "\t\tВПР\t\t\n"
        "\t\tОценка качества\t\t\n"
        "1\tВПР\tПроведение ВПР\tАпрель\tОО\n"
    )
    target = tmp_path / "other.txt"
    target.write_text(dump, encoding="utf-8")
    draft = read_roadmap(target)
    assert [s.title for s in draft.sections] == ["Нормативное обеспечение", "Оценка качества"]
    assert [(a.code, a.title) for a in draft.activities] == [
        ("1.1", "Утверждение положения о МСОКО"),
        ("1.2", "Корректировка показателей по итогам мониторинга и ВПР"),
        ("2.1", "Проведение ВПР"),
    ]


def test_docx_header_over_two_rows_with_merged_cells(tmp_path: Path) -> None:
    """A Word header whose «№ п/п» and «Мероприятие» cells span two rows and whose «Сроки»
    is split into «начало | окончание» under a merged cell."""
    document = docx.Document()
    document.add_paragraph("Дорожная карта на 2023-2024 годы")
    table = document.add_table(rows=4, cols=5)
    for column, text in enumerate(["№ п/п", "Мероприятие", "Сроки", "", "Ответственный"]):
        table.cell(0, column).text = text
    table.cell(1, 2).text = "начало"
    table.cell(1, 3).text = "окончание"
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 1).merge(table.cell(1, 1))
    table.cell(0, 4).merge(table.cell(1, 4))
    table.cell(0, 2).merge(table.cell(0, 3))
    for row, values in ((2, ["1.", "Семинар", "Январь 2023", "Февраль 2023", "УО"]),
                        (3, ["2.", "Конкурс", "Март 2024", "Апрель 2024", "ОО"])):
        for column, text in enumerate(values):
            table.cell(row, column).text = text
    target = tmp_path / "two_rows.docx"
    document.save(str(target))
    draft = read_roadmap(target)
    assert [(a.code, a.title, a.deadline_text, a.executors) for a in draft.activities] == [
        ("1", "Семинар", "Январь 2023 - Февраль 2023", ["УО"]),
        ("2", "Конкурс", "Март 2024 - Апрель 2024", ["ОО"])]
    from workflow.deadlines import expand

    [spec] = expand(draft.activities[0].schedule, 2023, 2024)
    assert (spec.start.isoformat(), spec.due.isoformat() if spec.due else None) == \
        ("2023-01-01", "2023-02-28")


def test_an_approval_stamp_with_a_latin_n_for_the_number_sign(tmp_path: Path) -> None:
    """«N 5976», as legal databases (КонсультантПлюс) print «№», is the act's number."""
    dump = ("УТВЕРЖДЕН\nприказом комитета по образованию\nот 12.03.2014 N 5976\n\n"
            "Комплекс мер по повышению качества образования на 2014-2015 годы\n\n"
            "N п/п\tМероприятие\tСрок\tОтветственный\n"
            "I.\t**Организационные меры**\t\t\n"
            "1.\tСовещание руководителей ОО\tМарт 2014\tКомитет\n"
            "II.\t**Оценка качества**\t\t\n"
            "1.\tПроведение мониторинга\tАпрель 2014\tОО\n")
    target = tmp_path / "комплекс мер.txt"
    target.write_text(dump, encoding="utf-8")
    draft = read_roadmap(target)
    assert draft.approval is not None
    assert (draft.approval.number, draft.approval.date) == ("5976", date(2014, 3, 12))
    assert draft.title == "Комплекс мер по повышению качества образования на 2014-2015 годы"
    assert [a.code for a in draft.activities] == ["I.1", "II.1"]
