"""Page debris in text exports (issue 24): page numbers glued to the end of a line or
dropped inside a heading, and running heads repeated between the rows, recognised by their
sequence as a PDF's are by their place."""

from __future__ import annotations

from pathlib import Path

from tests.line_accounting import assert_accounted
from workflow.importing import read_roadmap

HEADER = "№ п/п\tМероприятие\tСроки\tОтветственный\tПланируемый результат"


def _export(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "выгрузка.txt"
    path.write_text("\n".join(["Дорожная карта по развитию МСОКО на 2021-2023 годы", "",
                               HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_page_numbers_at_the_end_of_titles_are_cut(tmp_path: Path) -> None:
    path = _export(tmp_path, [
        "1. Нормативно-правовое обеспечение",
        "1.1\tРазработка положения о МСОКО\tДекабрь 2021\tУО\tПоложение",
        "1.2\tУтверждение показателей\tЯнварь 2022\tУО\tПриказ",
        "1.3\tМониторинг объективности в образовательных организациях 3 2\tЕжегодно\tУО\t"
        "Справка",
        "1.4\tСовещание руководителей\tЕжегодно\tУО\tПротокол",
        "1.5\tСеминар для заместителей\tЕжегодно\tМУМО\tПротокол",
        "4",
        "1.6\tАнализ результатов ВПР\tЕжегодно\tУО\tСправка",
        "1.7\tАдресные рекомендации школам\tЕжегодно\tУО\tРекомендации",
        "1.8\tОтчёт о реализации дорожной карты 5\tЕжегодно\tУО\tОтчёт",
        "1.9\tКорректировка дорожной карты\tЕжегодно\tУО\tПриказ"])
    draft = read_roadmap(path)
    titles = {a.code: a.title for a in draft.activities}
    assert titles["1.3"] == "Мониторинг объективности в образовательных организациях"
    assert titles["1.8"] == "Отчёт о реализации дорожной карты"
    notes = {a.code: a.repairs for a in draft.activities if a.repairs}
    assert notes == {"1.3": ["номер страницы «3 2» удалён из текста"],
                     "1.8": ["номер страницы «5» удалён из текста"]}
    assert_accounted(draft, path)


def test_a_page_number_inside_a_section_title(tmp_path: Path) -> None:
    """«3. Система работы со школами 4 с низкими результатами»: page 4 between pages 3 and
    5 — and the 13 activities that follow stay in section 3."""
    rows = ["1. Нормативно-правовое обеспечение"]
    rows += [f"1.{n}\tМероприятие раздела один\tЕжегодно\tУО\tСправка" for n in range(1, 5)]
    rows += ["3", "2. Мониторинг"]
    rows += [f"2.{n}\tМониторинг показателей\tЕжегодно\tУО\tСправка" for n in range(1, 4)]
    rows += ["3. Система работы со школами 4 с низкими результатами"]
    rows += [f"3.{n}\tПоддержка школ\tЕжегодно\tУО\tСправка" for n in range(1, 14)]
    rows.insert(len(rows) - 6, "5")
    draft = read_roadmap(_export(tmp_path, rows))
    section = next(s for s in draft.sections if s.code == "3")
    assert section.title == "Система работы со школами с низкими результатами"
    assert sum(1 for a in draft.activities if a.section_code == "3") == 13
    assert [r.text for r in draft.repairs if r.ref == "раздел 3"] == [
        "номер страницы «4» удалён из текста"]


def test_numbers_that_end_titles_row_after_row_are_not_pages(tmp_path: Path) -> None:
    rows = [f"{n}\tЗаседание рабочей группы номер {n}\tЕжегодно\tУО\tПротокол"
            for n in range(1, 12)]
    draft = read_roadmap(_export(tmp_path, ["2", *rows[:5], "3", *rows[5:]]))
    assert [a.title for a in draft.activities][4] == "Заседание рабочей группы номер 5"
    assert not any(a.repairs for a in draft.activities)


def test_a_number_in_a_deadline_is_no_page(tmp_path: Path) -> None:
    rows = ["2", "1\tОтчёт\tдо 5 числа каждого месяца\tУО\tОтчёт",
            "2\tСправка\tЕжегодно\tУО\tСправка", "3\tСовещание\tЕжегодно\tУО\tПротокол",
            "3", "4\tСеминар\tЕжегодно\tУО\tПротокол", "5\tКонференция\tЕжегодно\tУО\tПриказ",
            "6\tКонкурс\tЕжегодно\tУО\tПриказ", "5"]
    draft = read_roadmap(_export(tmp_path, rows))
    assert draft.activities[0].deadline_text == "до 5 числа каждого месяца"


def test_a_running_head_repeated_between_rows_is_no_section(tmp_path: Path) -> None:
    head = "Продолжение приложения к приказу № 526"
    rows = ["1. Мониторинг", "1.1\tВПР\tАпрель 2021\tОО\tОтчёт",
            "1.2\tГИА\tИюнь 2021\tОО\tОтчёт", head, "1.3\tАнализ\tИюль 2021\tУО\tСправка",
            "1.4\tСовещание\tАвгуст 2021\tУО\tПротокол", head,
            "1.5\tРекомендации\tСентябрь 2021\tУО\tРекомендации"]
    path = _export(tmp_path, rows)
    draft = read_roadmap(path)
    assert [s.title for s in draft.sections] == ["Мониторинг"]
    assert {a.section_code for a in draft.activities} == {"1"}
    assert [line.reason for line in draft.lines if line.role == "artefact"] == [
        "колонтитул", "колонтитул"]
    assert_accounted(draft, path)


def test_a_running_head_with_its_page_number(tmp_path: Path) -> None:
    rows = ["1\tВПР\tАпрель 2021\tОО\tОтчёт", "Дорожная карта МСОКО, стр. 2",
            "2\tГИА\tИюнь 2021\tОО\tОтчёт", "Дорожная карта МСОКО, стр. 3",
            "3\tАнализ\tИюль 2021\tУО\tСправка"]
    draft = read_roadmap(_export(tmp_path, rows))
    assert draft.sections == [] and len(draft.activities) == 3


def test_headings_that_differ_by_their_number_are_sections(tmp_path: Path) -> None:
    rows = ["Раздел 1", "1\tВПР\tАпрель 2021\tОО\tОтчёт", "Раздел 2",
            "2\tГИА\tИюнь 2021\tОО\tОтчёт", "Раздел 3", "3\tАнализ\tИюль 2021\tУО\tСправка"]
    draft = read_roadmap(_export(tmp_path, rows))
    assert [s.heading for s in draft.sections] == ["Раздел 1", "Раздел 2", "Раздел 3"]
