"""What Word and Excel do every day to a roadmap's «№» column (issue 24): a number cell
merged down over the sub-rows of one activity, and Word's automatic list numbering."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

from tests.office import convert_all, require_office
from tests.word_numbering import add_list, add_num, number
from workflow.errors import RoadmapFormatError
from workflow.importing import read_roadmap
from workflow.importing.autonumber import format_number

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


def _xlsx(path: Path, title: str, rows: list[list[object]],
          merged: tuple[int, int] | None = None) -> None:
    """A roadmap sheet: its title, the header, ``rows``; ``merged`` rows (first, last, counted
    among ``rows`` from 0) share one № cell merged down, as Excel shows it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([title])
    sheet.append(HEADER)
    for values in rows:
        sheet.append(values)
    if merged is not None:
        sheet.merge_cells(start_row=3 + merged[0], start_column=1, end_row=3 + merged[1],
                          end_column=1)
    book.save(str(path))


def _merged_xlsx(path: Path) -> None:
    rows: list[list[object]] = [["1.", "Проведение ВПР", "Апрель 2021", "ОО"]]
    rows += [list(values) for values in SUB_ROWS]
    rows.append([2.2, "Отчёт о реализации", "Ежегодно", "Управление образования"])
    _xlsx(path, "План работы по оценке качества образования на 2021 год", rows,
          merged=(1, len(SUB_ROWS)))


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
    path = tmp_path / "повтор.xlsx"
    _xlsx(path, "План работы на 2021 год", [["2.1.", "Семинар", "Апрель 2021", "ОО"],
                                            ["2.1.", "Совещание", "Май 2021", "ОО"]])
    with pytest.raises(RoadmapFormatError, match="код мероприятия «2.1» повторяется"):
        read_roadmap(path)


# -- Word's automatic numbering ----------------------------------------------------------


def _numbered_docx(path: Path, sections: list[tuple[str, list[str]]], *, levels: int = 2,
                   restart: dict[int, int] | None = None, per_section: bool = False) -> None:
    """A roadmap whose «№» column is Word's numbering: with two levels the section rows
    («1.») and the activities («1.1.») of one list; with one level the activities only,
    ``per_section`` a list started again («Начать заново») in every section."""
    document = docx.Document()
    document.add_paragraph("Дорожная карта по развитию МСОКО на 2021-2023 годы")
    if levels == 2:
        abstract = add_list(document, [("decimal", "%1."), ("decimal", "%1.%2.")], restart)
    else:
        abstract = add_list(document, [("decimal", "%1.")])
    main = add_num(document, abstract)
    table = document.add_table(rows=0, cols=4)
    for cell, text in zip(table.add_row().cells, HEADER):
        cell.text = text
    for index, (section, activities) in enumerate(sections, 1):
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        if levels == 2:
            merged.text = section
            number(merged.paragraphs[0], main, 0)
        else:
            merged.text = f"{index}. {section}"
        own = add_num(document, abstract, {0: 1}) if per_section else main
        for title in activities:
            cells = table.add_row().cells
            number(cells[0].paragraphs[0], own, 1 if levels == 2 else 0)
            for cell, text in zip(cells[1:], [title, "Ежегодно", "Управление образования"]):
                cell.text = text
    document.save(str(path))


SECTIONS = [("Нормативно-правовое обеспечение", ["Приказ о рабочей группе",
                                                  "Положение о мониторинге"]),
            ("Мониторинг качества подготовки обучающихся", ["Проведение ВПР",
                                                            "Анализ результатов ГИА",
                                                            "Адресные рекомендации"])]


def test_two_levels_of_word_numbering_give_the_numbers_word_shows(tmp_path: Path) -> None:
    path = tmp_path / "нумерация.docx"
    _numbered_docx(path, SECTIONS)
    draft = read_roadmap(path)
    assert [(s.code, s.title) for s in draft.sections] == [
        ("1", "Нормативно-правовое обеспечение"),
        ("2", "Мониторинг качества подготовки обучающихся")]
    assert [(a.code, a.section_code) for a in draft.activities] == [
        ("1.1", "1"), ("1.2", "1"), ("2.1", "2"), ("2.2", "2"), ("2.3", "2")]


def test_a_second_level_that_never_restarts_runs_on(tmp_path: Path) -> None:
    path = tmp_path / "сквозная.docx"
    _numbered_docx(path, SECTIONS, restart={1: 0})  # w:lvlRestart 0: never again
    draft = read_roadmap(path)
    assert [a.code for a in draft.activities] == ["1.1", "1.2", "2.3", "2.4", "2.5"]


def test_one_level_started_again_in_every_section(tmp_path: Path) -> None:
    path = tmp_path / "заново.docx"
    _numbered_docx(path, SECTIONS, levels=1, per_section=True)
    draft = read_roadmap(path)
    assert [a.code for a in draft.activities] == ["1.1", "1.2", "2.1", "2.2", "2.3"]


def test_one_level_running_through_the_sections(tmp_path: Path) -> None:
    path = tmp_path / "подряд.docx"
    _numbered_docx(path, SECTIONS, levels=1)
    assert [a.code for a in read_roadmap(path).activities] == ["1", "2", "3", "4", "5"]


def test_numbering_from_a_paragraph_style(tmp_path: Path) -> None:
    """«Список нумерованный» applied as a style: the numbering is the style's."""
    document = docx.Document()
    document.add_paragraph("План мероприятий на 2022 год")
    table = document.add_table(rows=0, cols=4)
    for cell, text in zip(table.add_row().cells, HEADER):
        cell.text = text
    for title in ("Семинар", "Совещание", "Конференция"):
        cells = table.add_row().cells
        cells[0].paragraphs[0].style = document.styles["List Number"]
        for cell, text in zip(cells[1:], [title, "Май 2022", "МУМО"]):
            cell.text = text
    path = tmp_path / "стиль.docx"
    document.save(str(path))
    assert [a.code for a in read_roadmap(path).activities] == ["1", "2", "3"]


@pytest.mark.parametrize(("kind", "values", "shown"), [
    ("upperRoman", [1, 4, 9, 14], ["I", "IV", "IX", "XIV"]),
    ("lowerRoman", [3], ["iii"]),
    ("russianUpper", [1, 6, 7, 10, 29], ["А", "Е", "Ж", "К", "АА"]),
    ("russianLower", [2], ["б"]),
    ("upperLetter", [1, 27], ["A", "AA"]),
    ("decimalZero", [7, 12], ["07", "12"]),
    ("bullet", [1], [None]),
])
def test_list_number_formats(kind: str, values: list[int], shown: list[str | None]) -> None:
    assert [format_number(value, kind) for value in values] == shown


def test_no_numbers_and_no_numbering_says_why(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("План мероприятий на 2022 год")
    table = document.add_table(rows=0, cols=4)
    for values in [HEADER, ["", "Семинар", "Май 2022", "МУМО"],
                   ["", "Совещание", "Июнь 2022", "УО"]]:
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    path = tmp_path / "без номеров.docx"
    document.save(str(path))
    with pytest.raises(RoadmapFormatError) as error:
        read_roadmap(path)
    assert str(error.value) == (
        "без номеров.docx, строка 2: в таблице нет ни одного мероприятия: в столбце «№ п/п» "
        "нет ни одного номера, поэтому все строки (2) прочитаны как названия разделов; "
        "номера не найдены ни в тексте ячеек, ни в автоматической нумерации Word — впишите "
        "номера мероприятий или удалите пустой столбец «№»")


def test_libreoffice_list_numbering_in_odt(tmp_path: Path) -> None:
    """LibreOffice's own list numbering (.odt) reaches the reader as Word's."""
    require_office()
    path = tmp_path / "нумерация.docx"
    _numbered_docx(path, SECTIONS)
    odt = convert_all([path], ".odt", tmp_path)[0]
    draft = read_roadmap(odt)
    assert [a.code for a in draft.activities] == ["1.1", "1.2", "2.1", "2.2", "2.3"]
    assert [s.title for s in draft.sections] == [title for title, _ in SECTIONS]
