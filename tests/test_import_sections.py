"""Nested headings (issue 24): groups of sections kept as a tree — «3.1. …» under «3. …»,
numbered sections under a bold heading with no number or under a Roman one — stored, and
shown in the preview."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
from openpyxl import Workbook
from sqlmodel import select

from registry.database import Database
from registry.roadmaps import import_roadmap
from registry.tables import Section
from registry.verify import verify
from tests.conftest import Karta
from workflow.importing import read_roadmap

HEADER = ["№ п/п", "Мероприятие", "Сроки", "Ответственный"]
GROUPED = [("Организационные меры", [("Нормативно-правовое обеспечение", ["Приказ о МСОКО",
                                                                          "Положение"]),
                                     ("Информационное обеспечение", ["Раздел на сайте"])]),
           ("Содержательные меры", [("Система оценки качества подготовки обучающихся",
                                     ["Проведение ВПР", "Анализ ГИА", "Адресные рекомендации"])])]


def _tree(path: Path) -> list[tuple[str, str, str | None]]:
    draft = read_roadmap(path)
    return [(section.code, section.title, section.parent) for section in draft.sections]


def _grouped_docx(path: Path) -> None:
    """Bold group rows with no number over numbered section rows, each merged across the
    table, activities numbered again in every section — as a Word roadmap has them."""
    document = docx.Document()
    document.add_paragraph("Дорожная карта по развитию МСОКО на 2022-2024 годы")
    table = document.add_table(rows=0, cols=4)
    for cell, text in zip(table.add_row().cells, HEADER):
        cell.text = text
    number = 0
    for group, sections in GROUPED:
        cells = table.add_row().cells
        cells[0].merge(cells[-1]).paragraphs[0].add_run(group).bold = True
        for title, activities in sections:
            number += 1
            cells = table.add_row().cells
            cells[0].merge(cells[-1]).text = f"{number}. {title}"
            for index, activity in enumerate(activities, 1):
                for cell, text in zip(table.add_row().cells,
                                      [f"{index}.", activity, "Ежегодно", "УО"]):
                    cell.text = text
    document.save(str(path))


def test_bold_groups_over_numbered_sections_in_word(tmp_path: Path) -> None:
    path = tmp_path / "группы.docx"
    _grouped_docx(path)
    draft = read_roadmap(path)
    # the groups are lettered: the numbers are the sections'; no group is an empty section
    assert [(s.code, s.title, s.parent) for s in draft.sections] == [
        ("А", "Организационные меры", None),
        ("1", "Нормативно-правовое обеспечение", "А"),
        ("2", "Информационное обеспечение", "А"),
        ("Б", "Содержательные меры", None),
        ("3", "Система оценки качества подготовки обучающихся", "Б")]
    assert [(a.code, a.section_code) for a in draft.activities] == [
        ("1.1", "1"), ("1.2", "1"), ("2.1", "2"), ("3.1", "3"), ("3.2", "3"), ("3.3", "3")]
    section_lines = [line for line in draft.lines if line.role == "section"]
    assert [line.ref for line in section_lines] == [
        "раздел А", "раздел 1", "раздел 2", "раздел Б", "раздел 3"]


def test_dotted_sections_under_their_numbered_group(tmp_path: Path) -> None:
    path = tmp_path / "вложенные.txt"
    path.write_text(
        "План мероприятий на 2022 год\n\n№\tМероприятие\tСроки\tОтветственный\n"
        "3. Система работы со школами с низкими результатами\n"
        "3.1. Выявление школ\n"
        "3.1.1\tМониторинг результатов ВПР\tАпрель 2022\tУО\n"
        "3.1.2\tАнализ ГИА\tИюль 2022\tУО\n"
        "3.2. Поддержка школ\n"
        "3.2.1\tПрограммы поддержки\tСентябрь 2022\tОО\n"
        "4. Методическое сопровождение\n"
        "4.1\tСеминар для учителей\tНоябрь 2022\tМУМО\n", encoding="utf-8")
    assert _tree(path) == [
        ("3", "Система работы со школами с низкими результатами", None),
        ("3.1", "Выявление школ", "3"), ("3.2", "Поддержка школ", "3"),
        ("4", "Методическое сопровождение", None)]


def test_roman_groups_over_arabic_sections_in_excel(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Комплекс мер на 2022-2023 годы"])
    sheet.append(HEADER)
    rows = [["I. Организационные меры"], ["1. Нормативное обеспечение"],
            ["1.1", "Положение о МСОКО", "Март 2022", "УО"],
            ["2. Кадровое обеспечение"], ["2.1", "Курсы для экспертов", "Май 2022", "МУМО"],
            ["II. Оценка качества"], ["3. Мониторинг"],
            ["3.1", "Проведение ВПР", "Апрель 2022", "ОО"]]
    for row in rows:
        sheet.append(row)
        if len(row) == 1:
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row,
                              end_column=4)
    path = tmp_path / "римские.xlsx"
    book.save(str(path))
    assert _tree(path) == [
        ("I", "Организационные меры", None), ("1", "Нормативное обеспечение", "I"),
        ("2", "Кадровое обеспечение", "I"), ("II", "Оценка качества", None),
        ("3", "Мониторинг", "II")]


def test_sections_of_a_flat_roadmap_stay_flat(tmp_path: Path) -> None:
    """Sections with activities each are siblings, numbered or not."""
    path = tmp_path / "плоская.txt"
    path.write_text(
        "План мероприятий на 2022 год\n\n№\tМероприятие\tСроки\tОтветственный\n"
        "Нормативное обеспечение\n1\tПоложение\tМарт 2022\tУО\n"
        "Оценка качества\n2\tВПР\tАпрель 2022\tОО\n", encoding="utf-8")
    assert _tree(path) == [("1", "Нормативное обеспечение", None),
                           ("2", "Оценка качества", None)]


def test_the_tree_is_shown_in_the_preview(karta: Karta, tmp_path: Path) -> None:
    path = tmp_path / "группы.docx"
    _grouped_docx(path)
    preview = karta("import", str(path), "--dry-run")
    assert preview.exit_code == 0, preview.stderr
    assert "  раздел Организационные меры\n" in preview.stdout
    assert "    раздел 1. Нормативно-правовое обеспечение (в разделе «Организационные " \
           "меры»)\n      1.1. Приказ о МСОКО | Ежегодно\n" in preview.stdout


def test_the_tree_is_stored(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "группы.docx"
    _grouped_docx(path)
    roadmap = import_roadmap(db, path, "clerk").roadmap
    with db.reading() as session:
        sections = session.exec(select(Section).where(Section.roadmap_id == roadmap)
                                .order_by(Section.position)).all()  # type: ignore[arg-type]
        ids = {section.id: section.code for section in sections}
        assert [(s.code, ids.get(s.parent_id)) for s in sections] == [
            ("А", None), ("1", "А"), ("2", "А"), ("Б", None), ("3", "Б")]
    result = verify(db, "admin")  # the log vouches for the sections as nested
    assert result.ok, result.problems


def test_the_roadmap_page_shows_group_headings_over_their_sections(db: Database,
                                                                   tmp_path: Path) -> None:
    from registry.overview import roadmap_matrix

    path = tmp_path / "группы.docx"
    _grouped_docx(path)
    roadmap = import_roadmap(db, path, "clerk").roadmap
    matrix = roadmap_matrix(db, "clerk", roadmap, date(2022, 3, 1))
    assert [(group["heading"], group["group"], len(group["activities"]))
            for group in matrix["groups"]] == [
        ("Организационные меры", True, 0), ("1. Нормативно-правовое обеспечение", False, 2),
        ("2. Информационное обеспечение", False, 1), ("Содержательные меры", True, 0),
        ("3. Система оценки качества подготовки обучающихся", False, 3)]


def test_more_unnumbered_headings_than_letters(tmp_path: Path) -> None:
    rows = ["1. Нормативное обеспечение", "1\tПоложение\tМарт 2022\tУО"]
    for number in range(2, 130):
        rows += [f"Поддержка школ округа «{number}»", f"{number}\tСеминар\tМай 2022\tУО"]
    path = tmp_path / "много.txt"
    path.write_text("План мероприятий на 2022 год\n\n№\tМероприятие\tСроки\tОтветственный\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    codes = [section.code for section in read_roadmap(path).sections]
    assert len(codes) == len(set(codes)) == 129
    assert codes[:3] == ["1", "А", "Б"]


def test_the_plan_keeps_group_headings_over_their_sections(db: Database,
                                                           tmp_path: Path) -> None:
    """Issue 24, item 6: the tree shown in the preview and the roadmap page holds in the plan
    (and the approval order's appendix): a group heading stays above its sections."""
    from registry.orders import make_plan
    from tests.docx_structure import structure

    path = tmp_path / "группы.docx"
    _grouped_docx(path)
    roadmap = import_roadmap(db, path, "clerk").roadmap
    plan = make_plan(db, "clerk", f"R{roadmap}", 2022)
    # the plan's table (its last rows a table of their own, kept with the signature)
    rows = [row[0] for table in structure(db.store.read(plan.file_path))["tables"]
            for row in table]
    assert rows[:3] == ["№ п/п", "Организационные меры", "1. Нормативно-правовое обеспечение"]
    assert rows.index("Содержательные меры") < rows.index(
        "3. Система оценки качества подготовки обучающихся")
