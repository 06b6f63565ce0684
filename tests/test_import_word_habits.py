"""What Word and Excel do every day to a roadmap's «№» column (issue 24): a number cell
merged down over the sub-rows of one activity, and Word's automatic list numbering."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

from workflow.errors import RoadmapFormatError
from workflow.importing import read_roadmap

HEADER = ["№ п/п", "Мероприятие", "Сроки", "Ответственный"]
# «2.1.» over five rows, as a clerk lays out an activity with parts in Word
SUB_ROWS = [("2.1.", "Мониторинг объективности оценивания:", "", "Управление образования"),
            ("", "- в общеобразовательных организациях;", "Сентябрь 2021", "ОО"),
            ("", "- в организациях дополнительного образования;", "Октябрь 2021", "УДО"),
            ("", "Анализ результатов", "Ноябрь 2021", "МКУ «ЦБУМР»"),
            ("", "Совещание с руководителями", "Декабрь 2021", "")]


def _merged_docx(path: Path, merge_others: bool = False) -> None:
    document = docx.Document()
    document.add_paragraph("Дорожная карта по развитию МСОКО на 2021-2023 годы")
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.add_row().cells, HEADER):
        cell.text = text
    for cell, text in zip(table.add_row().cells, ["1.", "Проведение ВПР", "Апрель 2021",
                                                  "ОО"]):
        cell.text = text
    start = len(table.rows)
    rows = SUB_ROWS if not merge_others else [
        (code, title, "Сентябрь - декабрь 2021" if code else "",
         "Управление образования" if code else "") for code, title, _, _ in SUB_ROWS]
    for values in rows:
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    table.cell(start, 0).merge(table.cell(start + len(rows) - 1, 0))
    if merge_others:  # the deadline and the executor merged down too
        table.cell(start, 2).merge(table.cell(start + len(rows) - 1, 2))
        table.cell(start, 3).merge(table.cell(start + len(rows) - 1, 3))
    for cell, text in zip(table.add_row().cells, ["2.2.", "Отчёт о реализации", "Ежегодно",
                                                  "Управление образования"]):
        cell.text = text
    document.save(str(path))


def test_a_number_merged_down_in_word_is_one_activity_with_its_sub_rows(
        tmp_path: Path) -> None:
    path = tmp_path / "объединённый номер.docx"
    _merged_docx(path)
    draft = read_roadmap(path)
    assert [a.code for a in draft.activities] == ["1", "2.1", "2.2"]
    merged = draft.activities[1]
    assert merged.title == ("Мониторинг объективности оценивания: - в общеобразовательных "
                            "организациях; - в организациях дополнительного образования; "
                            "Анализ результатов Совещание с руководителями")
    assert merged.deadline_text == "Сентябрь 2021 Октябрь 2021 Ноябрь 2021 Декабрь 2021"
    assert merged.executors == ["Управление образования", "ОО", "УДО", "МКУ «ЦБУМР»"]
    roles = [line.role for line in draft.lines]
    assert roles.count("continuation") == 4 and "skipped" not in roles


def test_cells_merged_down_with_the_number_are_read_once(tmp_path: Path) -> None:
    path = tmp_path / "объединены и сроки.docx"
    _merged_docx(path, merge_others=True)
    merged = read_roadmap(path).activities[1]
    assert merged.deadline_text == "Сентябрь - декабрь 2021"
    assert merged.executors == ["Управление образования"]


def test_a_deadline_merged_over_several_activities_applies_to_each(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("План мероприятий на 2022 год")
    table = document.add_table(rows=0, cols=4)
    for cell, text in zip(table.add_row().cells, HEADER):
        cell.text = text
    for values in [("1.", "Семинар", "Ежеквартально", "МУМО"), ("2.", "Совещание", "", "УО")]:
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    table.cell(1, 2).merge(table.cell(2, 2))
    path = tmp_path / "общий срок.docx"
    document.save(str(path))
    draft = read_roadmap(path)
    assert [(a.code, a.deadline_text) for a in draft.activities] == [
        ("1", "Ежеквартально"), ("2", "Ежеквартально")]


def _merged_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["План работы по оценке качества образования на 2021 год"])
    sheet.append(HEADER)
    sheet.append(["1.", "Проведение ВПР", "Апрель 2021", "ОО"])
    first = sheet.max_row + 1
    for values in SUB_ROWS:
        sheet.append(list(values))
    sheet.merge_cells(start_row=first, start_column=1, end_row=sheet.max_row, end_column=1)
    sheet.append([2.2, "Отчёт о реализации", "Ежегодно", "Управление образования"])
    book.save(str(path))


def test_a_number_merged_down_in_excel_is_one_activity(tmp_path: Path) -> None:
    path = tmp_path / "объединённый номер.xlsx"
    _merged_xlsx(path)
    draft = read_roadmap(path)
    assert [a.code for a in draft.activities] == ["1", "2.1", "2.2"]
    assert draft.activities[1].deadline_text == \
        "Сентябрь 2021 Октябрь 2021 Ноябрь 2021 Декабрь 2021"
    assert draft.activities[1].title.endswith("Совещание с руководителями")


def test_a_number_repeated_without_a_merge_is_still_refused(tmp_path: Path) -> None:
    """Only a merge makes rows one activity: the same number typed twice is an error."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["План работы на 2021 год"])
    sheet.append(HEADER)
    sheet.append(["2.1.", "Семинар", "Апрель 2021", "ОО"])
    sheet.append(["2.1.", "Совещание", "Май 2021", "ОО"])
    path = tmp_path / "повтор.xlsx"
    book.save(str(path))
    with pytest.raises(RoadmapFormatError, match="код мероприятия «2.1» повторяется"):
        read_roadmap(path)
