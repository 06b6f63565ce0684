"""Issue 10: any real roadmap in any format, nothing silently lost, every repair shown.

Each test builds its own file showing one category of damage seen in real roadmaps and
checks what the importer makes of it: the fields, the repair recorded, and that every line
of the source is accounted for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SLAVGOROD, YENISEISK, ZAOZERSK, Karta
from tests.line_accounting import assert_accounted
from workflow.importing import Period, read_roadmap


def _dump(tmp_path: Path, text: str, name: str = "roadmap.txt") -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


# -------------------------------------------------------------------- line accounting


@pytest.mark.parametrize("seed", [SLAVGOROD, ZAOZERSK, YENISEISK], ids=lambda p: p.stem)
def test_every_line_of_a_seed_is_accounted_for(seed: Path) -> None:
    draft = read_roadmap(seed, Period(2020, 2024))
    accounting = assert_accounted(draft, seed)
    assert accounting["activity"] == len(draft.activities)


def test_zaozersk_accounting_in_detail() -> None:
    draft = read_roadmap(ZAOZERSK)
    accounting = assert_accounted(draft, ZAOZERSK)
    assert accounting["total"] == 95
    assert (accounting["title"], accounting["header"], accounting["activity"],
            accounting["continuation"]) == (2, 1, 21, 2)
    # the order (lines 5-36 less blanks) and the two other tables are skipped with reasons
    skipped = [line for line in draft.lines if line.role == "skipped"]
    assert {line.reason for line in skipped} == {
        "текст приказа, а не таблица мероприятий",
        "нет столбца мероприятий («Мероприятие», «Наименование мероприятия») (строк: 4)",
        "нет столбца мероприятий («Мероприятие», «Наименование мероприятия») (строк: 17)",
    }
    by_line = {line.line: line for line in draft.lines}
    # row 7's executor cell broke across a page: the next row is its continuation
    continuation = [line for line in draft.lines if line.role == "continuation"]
    assert [(line.ref, line.fields) for line in continuation] == [
        ("7", ("responsible",)), ("16", ("result",))]
    assert by_line[42].role == "activity" and by_line[42].ref == "1"
    assert set(by_line[42].fields) == {"code", "title", "deadline", "responsible", "result"}
    assert draft.skipped[1].rows == 4 and draft.skipped[2].rows == 17


def test_import_json_counts_sum_to_the_files_lines(karta: Karta) -> None:
    result = karta("import", str(ZAOZERSK), "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    lines = found["lines"]
    roles = ("title", "stamp", "header", "numbering", "section", "activity", "continuation",
             "artefact", "blank", "skipped")
    assert sum(lines[role] for role in roles) == lines["total"] == 95
    assert found["repairs"] == [] and found["warnings"] == []


def test_dry_run_shows_accounting_and_writes_nothing(karta: Karta) -> None:
    result = karta("import", str(SLAVGOROD), "--period", "2020-2022", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    preview = json.loads(result.output)
    assert preview["lines"]["total"] == len(SLAVGOROD.read_text(encoding="utf-8")
                                            .splitlines())
    assert len(preview["line_roles"]) == preview["lines"]["total"]
    assert preview["line_roles"][5] == {"line": 6, "role": "header"}
    text = karta("import", str(SLAVGOROD), "--period", "2020-2022", "--dry-run")
    assert "Строки файла: 80 — название дорожной карты 2, заголовок таблицы 1, раздел 8, " \
           "мероприятие 57, артефакт (номер страницы, колонтитул, линия) 1, пустая строка 11." \
        in text.output
    assert karta("roadmaps", "--json").output.strip() == "[]"


# ------------------------------------------------- 1. the period written in other ways

HEADER = "№\tМероприятие\tСроки\tОтветственные\tПланируемый результат\n"


@pytest.mark.parametrize(("title", "period"), [
    ("Дорожная карта МСОКО «города Славгорода» 2021 год", Period(2021, 2021)),
    ("План мероприятий по повышению качества образования в 2016 году", Period(2016, 2016)),
    ("План работы на 2021/2022 учебный год", Period(2021, 2021, True)),
    ("Дорожная карта на 2021-2023 годы", Period(2021, 2023)),
    ("Комплекс мер 2020 — 2024 гг.", Period(2020, 2024)),
    ("План-график на 2022–2024", Period(2022, 2024)),
    ("Дорожная карта на 2021 г.", Period(2021, 2021)),
])
def test_period_in_the_title(tmp_path: Path, title: str, period: Period) -> None:
    path = _dump(tmp_path, f"{title}\n\n{HEADER}1.\tСеминар\tЕжегодно\tУО\tПротокол\n")
    draft = read_roadmap(path)
    assert Period(draft.first_year, draft.last_year, draft.school_years) == period
    assert draft.title == title
    assert_accounted(draft, path)


def test_dates_outside_the_period_are_a_warning_naming_them(tmp_path: Path) -> None:
    path = _dump(tmp_path, "Дорожная карта на 2021-2022 годы\n" + HEADER
                 + "1.\tСеминар\tДекабрь 2021\tУО\tПротокол\n"
                 + "2.\tКонкурс\tДо 01.08.2024\tУО\tПриказ\n"
                 + "3.\tСовещание\t2019 год\tУО\tПротокол\n")
    draft = read_roadmap(path)
    assert draft.warnings == ["сроки вне периода 2021-2022 (2): 2 («До 01.08.2024»), "
                              "3 («2019 год»)"]


def test_a_date_in_the_order_above_is_not_the_period(tmp_path: Path) -> None:
    path = _dump(tmp_path, "ПРИКАЗ от 14 декабря 2020 г. № 526\n\nДорожная карта по МСОКО\n\n"
                 + HEADER + "1.\tСеминар\tЕжегодно\tУО\tПротокол\n")
    with pytest.raises(Exception, match="не найден период"):
        read_roadmap(path)


# ------------------------------------------------ 2. the № column damaged by conversion


def _numbered(codes: list[str], sections: dict[int, str] | None = None) -> str:
    rows = ["Дорожная карта на 2022 год", HEADER.rstrip("\n")]
    for index, code in enumerate(codes):
        if sections and index in sections:
            rows.append(f"{sections[index]}\t\t\t\t")
        rows.append(f"{code}\tМероприятие номер {index + 1}\tЕжегодно\tУО\tОтчёт")
    return "\n".join(rows) + "\n"


def test_one_printed_for_ten_to_nineteen_is_repaired_and_recorded(tmp_path: Path) -> None:
    codes = [str(n) for n in range(1, 10)] + ["1"] * 10 + ["20", "21"]
    path = _dump(tmp_path, _numbered(codes, {0: "1. Первый раздел", 6: "2. Второй раздел",
                                            14: "3. Третий раздел"}))
    draft = read_roadmap(path)
    assert [a.code for a in draft.activities] == [str(n) for n in range(1, 22)]
    assert draft.activities[12].repairs == ["№ в источнике «1», принят «13»"]
    assert [a.title for a in draft.activities][12] == "Мероприятие номер 13"
    assert len([r for r in draft.repairs if r.kind == "code"]) == 10
    assert draft.repairs[3].ref == "13" and draft.repairs[3].line == 17
    assert_accounted(draft, path)


def test_restart_per_section_decided_from_the_whole_column(tmp_path: Path) -> None:
    codes = ["1", "2", "3", "1", "2", "2", "4", "1", "2"]
    path = _dump(tmp_path, _numbered(codes, {0: "1. Первый", 3: "2. Второй", 7: "3. Третий"}))
    draft = read_roadmap(path)
    assert [a.code for a in draft.activities] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3",
                                                  "2.4", "3.1", "3.2"]
    assert draft.activities[5].repairs == ["№ в источнике «2», принят «3»"]


def test_a_skipped_number_is_kept_and_a_duplicate_without_explanation_refused(
        tmp_path: Path) -> None:
    draft = read_roadmap(_dump(tmp_path, _numbered(["1", "2", "4", "5"])))
    assert [a.code for a in draft.activities] == ["1", "2", "4", "5"]
    assert not draft.repairs
    from workflow.errors import RoadmapFormatError

    with pytest.raises(RoadmapFormatError, match="«2» повторяется"):
        read_roadmap(_dump(tmp_path, _numbered(["1", "2", "2"]), "dup.txt"))


def test_dotted_codes_losing_a_digit(tmp_path: Path) -> None:
    codes = [f"1.{n}" for n in range(1, 10)] + ["1.1", "1.1", "1.12", "2.1"]
    draft = read_roadmap(_dump(tmp_path, _numbered(codes)))
    assert [a.code for a in draft.activities][9:] == ["1.10", "1.11", "1.12", "2.1"]
    assert draft.activities[9].repairs == ["№ в источнике «1.1», принят «1.10»"]


# --------------------------------------------------- 3. rows wider than their header


def test_extra_cells_are_aligned_by_content_not_position(tmp_path: Path) -> None:
    path = _dump(tmp_path, "Дорожная карта на 2022 год\n" + HEADER
                 + "1.\tСеминар для заместителей\t\tЕжегодно\tУО\tПротокол семинара\n"
                 + "2.\tКонкурс методических разработок\tМарт 2022\tМКУ «ЦБУМР»\t7\t"
                   "Приказ об итогах\n"
                 + "3.\tСовещание\tЕжеквартально\tОО\tСправка\n")
    draft = read_roadmap(path)
    first, second, third = draft.activities
    assert (first.deadline_text, first.executors, first.planned_result) == (
        "Ежегодно", ["УО"], "Протокол семинара")
    assert (second.deadline_text, second.executors, second.planned_result) == (
        "Март 2022", ["МКУ «ЦБУМР»"], "Приказ об итогах")
    assert second.repairs == ["номер страницы «7» в отдельной ячейке удалён",
                              "в строке 6 ячеек при 5 столбцах: ячейки сопоставлены столбцам "
                              "по содержанию"]
    assert third.planned_result == "Справка" and not third.repairs
    assert_accounted(draft, path)


def test_a_planned_result_never_lands_in_the_executors(tmp_path: Path) -> None:
    path = _dump(tmp_path, "Дорожная карта на 2022 год\n" + HEADER
                 + "1.\tСеминар\tЕжегодно\t\tРуководители ОО\tПовышение доли школ с "
                   "объективными результатами ВПР до 90 %\n")
    [activity] = read_roadmap(path).activities
    assert activity.executors == ["Руководители ОО"]
    assert activity.planned_result.startswith("Повышение доли школ")


# ------------------------------------------------------- 4. page numbers inside rows


def test_page_numbers_in_every_form_are_removed_and_counted(tmp_path: Path) -> None:
    path = _dump(tmp_path, "Дорожная карта на 2022 год\n" + HEADER
                 + "1.\tМониторинг результатов\tЕжегодно\tУО\tСправка\n"
                 + "3 2\n"
                 + "<b>4</b>\n"
                 + "500 + 7\n"
                 + "\t\t\t\t8\n"
                 + "2.\tПовышение квалификации педагогических работников по вопросам "
                   "оценивания\tЕжегодно\tУО\tПовышение уровня подготовки педагогов9\n"
                 + "\t\t\t\tобучающихся10\n"
                 + "3.\tСовещание\tЕжегодно\tУО\tПротокол\n")
    draft = read_roadmap(path)
    second = draft.activities[1]
    assert second.planned_result == "Повышение уровня подготовки педагогов обучающихся"
    assert second.repairs == ["номер страницы «9» удалён из текста",
                              "номер страницы «10» удалён из текста"]
    accounting = assert_accounted(draft, path)
    assert accounting["artefact"] == 4
    assert accounting["reasons"] == {"номер страницы": 4}
    assert accounting["continuation"] == 1


# ----------------------------------------------- 5. Markdown headings between rows


def test_markdown_headings_are_sections_nested_under_their_group(tmp_path: Path) -> None:
    path = _dump(tmp_path, "# План мероприятий на 2023 год\n\n"
                 "| № | Мероприятие | Сроки | Ответственные |\n"
                 "|---|---|---|---|\n"
                 "## Организационные меры\n"
                 "### Нормативная база\n"
                 "| 1 | Приказ о рабочей группе | Январь 2023 | УО |\n"
                 "### Кадры\n"
                 "| 2 | Курсы повышения квалификации | Ежегодно | ОО |\n"
                 "## **Оценка качества**\n"
                 "| 3 | Проведение ВПР | Апрель 2023 | ОО |\n", "plan.md")
    draft = read_roadmap(path)
    assert [(s.code, s.title, s.parent) for s in draft.sections] == [
        ("1", "Организационные меры", None), ("2", "Нормативная база", "1"),
        ("3", "Кадры", "1"), ("4", "Оценка качества", None)]
    assert [(a.code, a.section_code) for a in draft.activities] == [
        ("1", "2"), ("2", "3"), ("3", "4")]
    assert draft.title == "План мероприятий на 2023 год"
    assert_accounted(draft, path)


# -------------------------------------- 6. a section title broken outside the table


def test_a_section_title_broken_over_two_lines_is_joined(tmp_path: Path) -> None:
    path = _dump(tmp_path, "Дорожная карта на 2022 год\n" + HEADER
                 + "1.\tСеминар\tЕжегодно\tУО\tПротокол\n"
                 + "2. Система оценки качества подготовки\n"
                 + "обучающихся¹\n"
                 + "2.1\tПроведение ВПР\tАпрель\tОО\tОтчёт\n")
    draft = read_roadmap(path)
    assert draft.sections[0].title == "Система оценки качества подготовки обучающихся"
    assert draft.activities[0].title == "Семинар"
    assert [r.text for r in draft.repairs] == [
        "название раздела «2» продолжено со следующей строки"]
    assert assert_accounted(draft, path)["section"] == 2


# ------------------------------------------ 7. a section row spilling into a column


def test_a_section_row_whose_title_spills_into_another_column(tmp_path: Path) -> None:
    path = _dump(tmp_path, "Дорожная карта на 2022 год\n" + HEADER
                 + "4.\tМеры по повышению качества преподавания учебных\t\t\tПредметов\n"
                 + "4.1\tМетодические семинары\tЕжегодно\tУО\tПротокол\n"
                 + "4.2\tОткрытые уроки\tЕжегодно\tОО\tПлан\n")
    draft = read_roadmap(path)
    assert [(s.code, s.title) for s in draft.sections] == [
        ("4", "Меры по повышению качества преподавания учебных предметов")]
    assert [(a.code, a.section_code) for a in draft.activities] == [("4.1", "4"), ("4.2", "4")]
    assert assert_accounted(draft, path)["activity"] == 2


# -------------------------------------- 8. a continuation row with its title only


def test_title_only_rows_continue_the_activity_above(tmp_path: Path) -> None:
    path = _dump(tmp_path, "Дорожная карта на 2022 год\n" + HEADER
                 + "1.\tПроведение анализа результатов мониторинга.\tЕжегодно\tУО\tСправка\n"
                 + "\tФормулировка адресных рекомендаций для ОО.\t\t\t\n"
                 + "\t- по повышению объективности;\t\t\t\n"
                 + "2.\tСеминар\tЕжегодно\tУО\tПротокол\n")
    draft = read_roadmap(path)
    assert draft.sections == []
    assert draft.activities[0].title == ("Проведение анализа результатов мониторинга. "
                                         "Формулировка адресных рекомендаций для ОО. "
                                         "- по повышению объективности;")
    assert assert_accounted(draft, path)["continuation"] == 2


# --------------------------------------------------------------------- 9. executors


@pytest.mark.parametrize("cell", [
    "Управление образования МКУ «ЦБУМР» ОО",
    "Управление\nобразования МКУ «ЦБУМР» ОО",
    "Управление образования\nМКУ «ЦБУМР» ОО",
    "Управление образования МКУ\n«ЦБУМР» ОО",
    "Управление образования МКУ «ЦБУМР»\nОО",
])
def test_executors_split_the_same_wherever_a_page_breaks(cell: str) -> None:
    from workflow.importing.executors import split_executors

    assert split_executors(cell) == ["Управление образования", "МКУ «ЦБУМР»", "ОО"]


@pytest.mark.parametrize(("cell", "names"), [
    ("Н.Е. Иванов К.А. Петрова", ["Н.Е. Иванов", "К.А. Петрова"]),
    ("Иванов Н.Е. Петрова К.А.", ["Иванов Н.Е.", "Петрова К.А."]),
    ("МБОУ СОШ № 1", ["МБОУ СОШ № 1"]),
    ("МБОУ СОШ № 1 МБОУ СОШ № 2", ["МБОУ СОШ № 1", "МБОУ СОШ № 2"]),
    ("Руководители ОО", ["Руководители ОО"]),
])
def test_executors_names_and_schools(cell: str, names: list[str]) -> None:
    from workflow.importing.executors import split_executors

    assert split_executors(cell) == names


def test_executor_cell_broken_over_a_page_in_a_dump(tmp_path: Path) -> None:
    path = _dump(tmp_path, "Дорожная карта на 2022 год\n" + HEADER
                 + "1.\tСеминар\tЕжегодно\tУправление образования\tПротокол\n"
                 + "\t\t\tМКУ «ЦБУМР» ОО\t\n")
    [activity] = read_roadmap(path).activities
    assert activity.executors == ["Управление образования", "МКУ «ЦБУМР»", "ОО"]


# ---------------------------------------------------------------- 10. appendix stamp


def test_the_title_never_starts_inside_the_appendix_stamp(tmp_path: Path) -> None:
    path = _dump(tmp_path, "Приложение № 1\nк приказу МКУ «ЦБУМР»\nот 30.11.2020 № 01-09/64\n"
                 "Дорожная карта по развитию МСОКО\nна 2021-2023 годы\n" + HEADER
                 + "1.\tСеминар\tЕжегодно\tУО\tПротокол\n")
    draft = read_roadmap(path)
    assert draft.title == "Дорожная карта по развитию МСОКО на 2021-2023 годы"
    assert draft.approval is not None
    assert (draft.approval.number, str(draft.approval.date)) == ("01-09/64", "2020-11-30")
    accounting = assert_accounted(draft, path)
    assert (accounting["stamp"], accounting["title"]) == (3, 2)


def test_an_approval_stamp_in_words(tmp_path: Path) -> None:
    path = _dump(tmp_path, "УТВЕРЖДЕНА\nприказом Комитета по образованию\n"
                 "от «14» декабря 2020 г. № 526\n\nПлан мероприятий на 2021 год\n" + HEADER
                 + "1.\tСеминар\tЕжегодно\tУО\tПротокол\n")
    draft = read_roadmap(path)
    assert draft.title == "План мероприятий на 2021 год"
    assert draft.approval is not None
    assert (draft.approval.number, str(draft.approval.date)) == ("526", "2020-12-14")


# ------------------------------------------ tables: fragments, continuations, others


def test_a_fragment_with_column_words_does_not_end_the_table(tmp_path: Path) -> None:
    path = _dump(tmp_path, "Дорожная карта на 2022 год\n" + HEADER
                 + "1.\tОрганизация\tЕжегодно\tУО\tОтчёт\n"
                 + "\tмероприятия по\t\t\tрезультаты работы\n"
                 + "\tРаботы\t\t\tМероприятия\n"
                 + "2.\tСеминар\tЕжегодно\tУО\tПротокол\n")
    draft = read_roadmap(path)
    assert [a.code for a in draft.activities] == ["1", "2"]
    assert draft.activities[0].planned_result == "Отчёт результаты работы\nМероприятия"
    assert draft.skipped == []


def test_a_second_table_with_the_same_columns_continues_the_roadmap(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Дорожная карта на 2022-2023 годы")
    for part, codes in enumerate((["1.", "2."], ["3.", "4."])):
        table = document.add_table(rows=0, cols=4)
        cells = table.add_row().cells
        for cell, text in zip(cells, ["№ п/п", "Мероприятие", "Срок", "Ответственный"]):
            cell.text = text
        for code in codes:
            cells = table.add_row().cells
            for cell, text in zip(cells, [code, f"Мероприятие {code}", "Ежегодно", "УО"]):
                cell.text = text
        document.add_paragraph(str(part + 5))  # a page number between the parts
    table = document.add_table(rows=0, cols=3)
    for values in (["№ п/п", "Показатель", "Источник"], ["1.", "Доля ОО", "Мониторинг"],
                   ["2.", "Доля педагогов", "Отчёт"]):
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    path = tmp_path / "parts.docx"
    document.save(str(path))
    draft = read_roadmap(path)
    assert [a.code for a in draft.activities] == ["1", "2", "3", "4"]
    [skipped] = draft.skipped
    assert skipped.rows == 3 and skipped.reason.endswith("(строк: 3)")
    accounting = assert_accounted(draft, path)
    assert (accounting["header"], accounting["artefact"], accounting["skipped"]) == (2, 2, 3)


# ------------------------------------------------------------ 11. deadline phrases


@pytest.mark.parametrize(("phrase", "kind", "first_two"), [
    ("до 25 числа каждого месяца", "monthly",
     [("2022-01", "2022-01-25"), ("2022-02", "2022-02-25")]),
    ("ежемесячно до 5 числа", "monthly", [("2022-01", "2022-01-05"), ("2022-02", "2022-02-05")]),
    ("Ежемесячно, до 10 числа месяца, следующего за отчетным", "monthly",
     [("2022-01", "2022-02-10"), ("2022-02", "2022-03-10")]),
    ("до 31 числа каждого месяца", "monthly",
     [("2022-01", "2022-01-31"), ("2022-02", "2022-02-28")]),
    ("ежеквартально до 5 числа месяца, следующего за отчетным кварталом", "quarterly",
     [("2022-Q1", "2022-04-05"), ("2022-Q2", "2022-07-05")]),
    ("до 15 числа последнего месяца квартала", "quarterly",
     [("2022-Q1", "2022-03-15"), ("2022-Q2", "2022-06-15")]),
    ("каждый месяц", "monthly", [("2022-01", "2022-01-31"), ("2022-02", "2022-02-28")]),
    ("1 раз в полугодие", "yearly", [("2022-06", "2022-06-30"), ("2022-12", "2022-12-31")]),
    ("до 01.09 ежегодно", "yearly", [("2022", "2022-09-01")]),
    ("еженедельно", "continuous", [("2022", "2022-12-31")]),
    ("по окончании учебного года", "external", [("2022", None)]),
])
def test_deadline_phrases_clerks_write(phrase: str, kind: str,
                                       first_two: list[tuple[str, str | None]]) -> None:
    from workflow.deadlines import expand, read_deadline

    schedule = read_deadline(phrase)
    assert (schedule.kind, schedule.flagged) == (kind, False)
    specs = expand(schedule, 2022, 2022)
    assert [(s.period, s.due.isoformat() if s.due else None) for s in specs][:2] == first_two


def test_a_number_broken_with_its_row_over_a_page(tmp_path: Path) -> None:
    """«3.1.» at the foot of a page, «4» at the top of the next with the rest of the row
    (a narrow «№» column in a PDF): one activity «3.1.4», not «3.1» and an activity «4»."""
    path = _dump(tmp_path, "Дорожная карта на 2023 год\n" + HEADER
                 + "3. Система работы со школами\t\t\t\t\n"
                 + "3.1. Выявление школ\t\t\t\t\n"
                 + "3.1.1\tМониторинг результатов\tЕжегодно\tУО\tСправка\n"
                 + "3.1.2\tАнализ ГИА\tЕжегодно\tУО\tСправка\n"
                 + "3.1.3\tСовещание\tЕжегодно\tУО\tПротокол\n"
                 + "3.1.\tАнализ показателей\tДо\tМКУ\tАдресные\n"
                 + "4\tэффективности руководителей\t01.08.2023\t«ЦБУМР», ОО\tрекомендации\n"
                 + "3.1.5\tСеминар\tЕжегодно\tМУМО\tПротокол\n")
    draft = read_roadmap(path)
    assert [a.code for a in draft.activities] == ["3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5"]
    broken = draft.activities[3]
    assert (broken.title, broken.deadline_text) == ("Анализ показателей эффективности "
                                                    "руководителей", "До 01.08.2023")
    assert broken.repairs == ["№ разорван переносом страницы: «3.1.» и «4» — «3.1.4»"]
