"""A roadmap's period (issue 24): school-year plans told from calendar ones, every dated
deadline outside the period named, a period suggested from a roadmap's own dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Karta
from workflow.deadlines import expand
from workflow.errors import PeriodRequired, in_voice
from workflow.importing import Period, read_roadmap

HEADER = "№ п/п\tМероприятие\tСроки\tОтветственный\n"
# a methodical service's plan for a school year, as departments publish them
SCHOOL_PLAN = [("Совещание руководителей ОО по итогам ГИА", "Август"),
               ("Мониторинг объективности ВПР", "Сентябрь, апрель"),
               ("Семинар для заместителей директоров", "Октябрь"),
               ("Муниципальный этап олимпиады", "Ноябрь - декабрь"),
               ("Анализ результатов полугодия", "Январь"),
               ("Пробный ОГЭ по математике", "Февраль"),
               ("Конкурс «Учитель года»", "Март"),
               ("Итоговое совещание", "Май")]


def _plan(tmp_path: Path, title: str, rows: list[tuple[str, str]] = SCHOOL_PLAN,
          name: str = "план.txt") -> Path:
    lines = [title, "", HEADER.rstrip("\n")]
    lines += [f"{number}.\t{what}\t{when}\tМУМО" for number, (what, when) in
              enumerate(rows, 1)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("title", [
    "План работы муниципальной методической службы на 2021-2022 учебный год",
    "План работы МУМО на 2021 – 2022 уч. год",
    "План мероприятий на 2021-22 уч.г.",
    "План работы на 2021/2022 учебный год",
])
def test_a_school_year_in_the_title_reads_the_months_in_that_school_year(
        tmp_path: Path, title: str) -> None:
    draft = read_roadmap(_plan(tmp_path, title))
    assert (draft.first_year, draft.last_year, draft.school_years) == (2021, 2021, True)
    february = next(a for a in draft.activities if a.deadline_text == "Февраль")
    dues = [spec.due for spec in expand(february.schedule, 2021, 2021, True)]
    assert [due.isoformat() for due in dues if due] == ["2022-02-28"]
    twice = next(a for a in draft.activities if a.deadline_text == "Сентябрь, апрель")
    assert [spec.due.isoformat() for spec in expand(twice.schedule, 2021, 2021, True)
            if spec.due] == ["2021-09-30", "2022-04-30"]
    assert draft.warnings == []


def test_a_calendar_period_given_for_a_school_year_plan_is_questioned(tmp_path: Path) -> None:
    """The clerk gives «--period 2021»: the title says otherwise, and the preview says so
    with what to type."""
    path = _plan(tmp_path, "План работы МУМО на 2021-2022 учебный год")
    draft = read_roadmap(path, Period(2021, 2021))
    said = ("похоже, это план на учебный год: в заголовке указан учебный год "
            "(2021/22-2021/22), а сроки прочитаны по календарным годам 2021-2021 (например, "
            "«Февраль» — февраль 2021 г.); если план по учебным годам, импортируйте его с "
            "периодом 2021/22-2021/22")
    assert [in_voice(w, "cli") for w in draft.warnings] == [
        said + ": --period 2021 --school-years"]
    # the import page speaks of its own checkbox
    assert [in_voice(w, "web") for w in draft.warnings] == [
        said + " (отметьте «по учебным годам»)"]


def test_months_running_september_to_august_suggest_school_years(tmp_path: Path) -> None:
    """No year in the title at all: the clerk gives one, and the order of the months
    shows a school year."""
    path = _plan(tmp_path, "План работы муниципального методического объединения")
    draft = read_roadmap(path, Period(2021, 2022))
    assert len(draft.warnings) == 1
    assert draft.warnings[0].startswith("похоже, это план на учебный год: месяцы в сроках "
                                        "идут с сентября по август, а сроки прочитаны по "
                                        "календарным годам 2021-2022")
    assert in_voice(draft.warnings[0], "cli").endswith("--period 2021 --school-years")
    # read by school years, nothing to say
    assert read_roadmap(path, Period(2021, 2021, True)).warnings == []


def test_a_calendar_plan_is_not_taken_for_a_school_year(tmp_path: Path) -> None:
    rows = [(what, when) for what, when in sorted(
        SCHOOL_PLAN, key=lambda row: ["Январь", "Февраль", "Март", "Сентябрь, апрель", "Май",
                                      "Август", "Октябрь", "Ноябрь - декабрь"].index(row[1]))]
    draft = read_roadmap(_plan(tmp_path, "План мероприятий на 2022 год", rows))
    assert draft.warnings == []


def test_dates_outside_a_school_year_are_named_to_the_month(tmp_path: Path) -> None:
    rows = [("Совещание", "Сентябрь 2021"), ("Пробный ОГЭ", "Февраль 2021"),
            ("Итоговое совещание", "Май 2022"), ("Отчёт", "До 01.08.2021"),
            ("Анализ", "Сентябрь 2022")]
    draft = read_roadmap(_plan(tmp_path, "План работы на 2021-2022 учебный год", rows))
    assert draft.warnings == ["сроки вне периода 2021/22-2021/22 (3): 2 («Февраль 2021»), "
                              "4 («До 01.08.2021»), 5 («Сентябрь 2022»)"]


def test_dates_outside_a_calendar_period_are_named_to_the_month(tmp_path: Path) -> None:
    rows = [("Совещание", "Декабрь 2021"), ("Конкурс", "Январь 2022"),
            ("Мониторинг", "Ежемесячно май 2020"), ("Отчёт", "2020-2021 гг.")]
    draft = read_roadmap(_plan(tmp_path, "Дорожная карта на 2021 год", rows))
    assert draft.warnings == ["сроки вне периода 2021-2021 (2): 2 («Январь 2022»), "
                              "3 («Ежемесячно май 2020»)"]


# -- a roadmap that names no period ------------------------------------------------------


def test_no_period_suggests_the_years_of_its_own_dates(tmp_path: Path) -> None:
    rows = [("Совещание", "Март 2014"), ("Семинар", "Ежегодно"), ("Отчёт", "Декабрь 2015")]
    with pytest.raises(PeriodRequired) as error:
        read_roadmap(_plan(tmp_path, "Дорожная карта по развитию МСОКО", rows))
    assert str(error.value) == ("план.txt: в документе не найден период дорожной карты («на "
                                "2021-2023 годы»); укажите его: --period 2014-2015 (по срокам "
                                "мероприятий)")


def test_no_period_and_dated_months_of_a_school_year(tmp_path: Path) -> None:
    rows = [("Совещание", "Август 2014"), ("Семинар", "Октябрь 2014"),
            ("Конкурс", "Ноябрь 2014"), ("Олимпиада", "Декабрь 2014"),
            ("Пробный ОГЭ", "Февраль 2015"), ("Итоги", "Май 2015")]
    with pytest.raises(PeriodRequired, match=r"укажите его: --period 2014 --school-years \(по "
                                             r"срокам мероприятий: 2014/15-2014/15, "
                                             r"сентябрь–август\)$"):
        read_roadmap(_plan(tmp_path, "План работы методической службы", rows))


def test_no_period_and_no_dates_shows_the_form_of_the_option(tmp_path: Path) -> None:
    rows = [("Совещание", "Ежегодно"), ("Семинар", "Постоянно")]
    with pytest.raises(PeriodRequired, match=r"укажите его: --period ГГГГ-ГГГГ \(первый и "
                                             r"последний год дорожной карты\)$"):
        read_roadmap(_plan(tmp_path, "Дорожная карта", rows))


def test_the_dry_run_shows_the_school_year_suggestion(karta: Karta, tmp_path: Path) -> None:
    path = _plan(tmp_path, "План работы МУМО (методическое объединение)")
    result = karta("import", str(path), "--period", "2021", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "Внимание: похоже, это план на учебный год: месяцы в сроках идут с сентября по " \
           "август" in result.stdout
    assert "--period 2021 --school-years" in result.stdout
