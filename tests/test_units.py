"""Units are identities, not substrings: «МБОУ СОШ № 1» is not «МБОУ СОШ № 12»."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.database import Database
from registry.occurrences import apply_event, history, show
from registry.people import add_person
from registry.roadmaps import import_roadmap, list_activities
from registry.schedule import agenda
from registry.units import add_unit, group_of, map_executor, normalise, unmatched
from registry.verify import verify
from workflow.errors import PermissionDenied
from workflow.importing import Period

ROADMAP = """№;Мероприятие;Сроки;Ответственные;Планируемый результат
1;Проведение школьного этапа олимпиады;Ежегодно, октябрь;МБОУ СОШ №12;Протокол
2;Семинар для учителей математики;Ежегодно, ноябрь;МБОУ «СОШ № 1»;Программа семинара
3;Мониторинг адаптации первоклассников;Ежегодно, декабрь;Руководители ОУ;Справка
4;Методический день;Ежегодно, март;МБОУ Лицей «Эрудит»;План
"""


@pytest.fixture
def schools(db: Database, tmp_path: Path) -> Database:
    source = tmp_path / "карта.csv"
    source.write_text(ROADMAP, encoding="utf-8")
    import_roadmap(db, source, "clerk", Period(2022, 2023))
    add_person(db, "admin", "first", "Первова Анна Ивановна", "f", "завуч", ["executor"],
               unit="МБОУ СОШ № 1")
    add_person(db, "admin", "twelfth", "Двенадцатов Иван Петрович", "m", "завуч",
               ["executor"], unit="МБОУ СОШ №12")
    for ref in ("1:1@2022", "1:2@2022", "1:3@2022"):
        apply_event(db, ref, "start", "clerk")
    return db


def test_an_executor_of_school_1_cannot_report_for_school_12(schools: Database) -> None:
    from registry.assignments import act, list_assignments

    # each occurrence is assigned to the units its activity names, by identity
    assert [a.executor for a in list_assignments(schools, "clerk", "1:1@2022")] == \
        ["МБОУ СОШ №12"]
    with pytest.raises(PermissionDenied, match="вашему подразделению не поручено"):
        act(schools, "first", "1:1@2022", "report", comment="отчёт")
    assert act(schools, "twelfth", "1:1@2022", "report", comment="отчёт").dest == "reported"
    assert act(schools, "first", "1:2@2022", "report", comment="отчёт").dest == "reported"
    with pytest.raises(PermissionDenied):
        act(schools, "twelfth", "1:2@2022", "report", comment="отчёт")
    # «Руководители ОУ» names every general-education school: each has its assignment
    assert sorted(a.executor for a in list_assignments(schools, "clerk", "1:3@2022")) == \
        ["МБОУ СОШ № 1", "МБОУ СОШ №12"]
    assert act(schools, "twelfth", "1:3@2022", "report", comment="отчёт").dest == "reported"
    assert verify(schools, "admin").ok


def test_an_executor_sees_only_their_unit(schools: Database) -> None:
    seen = [a["code"] for a in list_activities(schools, "first")]
    assert seen == ["2", "3"]
    with pytest.raises(PermissionDenied, match="не относится к вашему подразделению"):
        show(schools, "1:1@2022", "first")
    with pytest.raises(PermissionDenied):
        history(schools, "1:1", "first")
    due = agenda(schools, "first", date(2022, 1, 1), 3650)
    assert {item.code for items in due.values() for item in items} == {"2", "3"}


def test_unmatched_executors_are_listed_and_confirmed_by_a_clerk(schools: Database) -> None:
    assert [row["name"] for row in unmatched(schools, "clerk")] == ["МБОУ Лицей «Эрудит»"]
    add_unit(schools, "clerk", "МБОУ «Лицей «Эрудит»»", "general")
    assert unmatched(schools, "clerk") == []  # the new unit's name matched it
    map_executor(schools, "clerk", "МБОУ Лицей «Эрудит»", group="none")
    assert [row["name"] for row in unmatched(schools, "clerk")] == []
    assert verify(schools, "admin").ok


@given(st.sampled_from(["МБОУ СОШ № 1", "МБОУ «СОШ №1»", "мбоу  сош № 1", "МБОУ СОШ  №  1."]))
def test_spellings_of_one_school_share_a_key(name: str) -> None:
    assert normalise(name) == "мбоу сош № 1"
    assert normalise(name) != normalise("МБОУ СОШ № 12")


@pytest.mark.parametrize(("text", "group"), [
    ("ОО", "general"), ("Руководители ОУ", "general"), ("общеобразовательные организации",
                                                        "general"),
    ("ДОО", "preschool"), ("Руководители ДОУ", "preschool"), ("МБОУ СОШ № 1", ""),
    ("Управление образования", ""),
])
def test_group_words(text: str, group: str) -> None:
    assert group_of(text) == group
