"""Whom the points of an order address: officials and groups in the dative, never the body
that issues the order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents.addressees import addressees, is_issuer
from registry.database import Database
from registry.occurrences import apply_event
from registry.people import add_person
from registry.roadmaps import import_roadmap
from tests.conftest import SLAVGOROD, YENISEISK, ZAOZERSK
from tests.docx_structure import structure
from workflow.importing import Period

ZAOZERSK_ORG = {"short_name": "МКУ «Управление образования ЗАТО город Заозерск»",
                "full_name": "Муниципальное казенное учреждение «Управление образования ЗАТО "
                             "город Заозерск»"}
SLAVGOROD_ORG = {"short_name": "", "full_name": "Комитет по образованию Администрации города "
                                                "Славгорода Алтайского края"}
YENISEISK_ORG = {"short_name": "МКУ «Управление образования г. Енисейска»",
                 "full_name": "Муниципальное казенное учреждение «Управление образования "
                              "г. Енисейска»"}


def person(full_name: str, position: str = "специалист", gender: str = "") -> dict[str, Any]:
    return {"login": "", "full_name": full_name, "gender": gender, "position": position,
            "phone": "", "overrides": {}}


@pytest.mark.parametrize("name,organisation", [
    ("МКУ «Управление образования ЗАТО город Заозерск»", ZAOZERSK_ORG),
    ("Муниципальное казенное учреждение «Управление образования ЗАТО город Заозерск»",
     ZAOZERSK_ORG),
    ("Комитет", SLAVGOROD_ORG),
    ("МКУ «Управление образования»", YENISEISK_ORG),
    ("МКУ «Управление образования г.Енисейска»", YENISEISK_ORG),
    ("Специалисты МКУ «Управление образования»", YENISEISK_ORG),
])
def test_the_issuing_body_is_recognised_however_the_roadmap_spells_it(
        name: str, organisation: dict[str, str]) -> None:
    assert is_issuer(name, organisation)


@pytest.mark.parametrize("name", ["ОО", "Руководители ОУ", "МУМО", "МКУ «ЦБУМР»",
                                  "Отдел общего образования", "МБОУ СОШ № 1"])
def test_other_executors_are_not_the_issuing_body(name: str) -> None:
    assert not is_issuer(name, ZAOZERSK_ORG)
    assert not is_issuer(name, SLAVGOROD_ORG)


def test_the_issuing_body_becomes_its_specialists_by_name() -> None:
    bel = person("Белокреницкая Елена Викторовна", "специалист МКУ «Управление образования "
                                                    "ЗАТО город Заозерск»", "f")
    han = person("Ханченко Ирина Геннадьевна", "старший инспектор")
    own = {"name": ZAOZERSK_ORG["short_name"], "group": "department", "people": [bel, han]}
    assert addressees([own, {"name": "ОО", "group": "general", "people": []}],
                      ZAOZERSK_ORG) == [
        {"text": "Специалистам МКУ «Управление образования ЗАТО город Заозерск» "
                 "(Белокреницкая Е.В., Ханченко И.Г.)", "own": True},
        {"text": "Руководителям общеобразовательных организаций", "own": False},
    ]
    # one person: by name and position, the gender taken from the patronymic
    alone = {**own, "people": [han]}
    assert addressees([alone], ZAOZERSK_ORG)[0]["text"] == \
        "Ханченко И.Г., старшему инспектору"
    # nobody known: the specialists of the body, in the genitive when it has no short name
    assert addressees(["Комитет"], SLAVGOROD_ORG)[0]["text"] == \
        "Специалистам Комитета по образованию Администрации города Славгорода Алтайского края"


def test_an_activity_naming_nobody_still_addresses_someone() -> None:
    assert addressees([], ZAOZERSK_ORG) == [{"text": "Ответственным исполнителям",
                                            "own": False}]


def test_every_seed_executor_is_addressed_in_the_dative() -> None:
    found = {a["text"] for a in addressees(
        ["МКУ «Управление образования»", "Руководители ОУ", "Специалисты МКУ «Управление "
         "образования»", "Отдел общего образования совместно с руководителями ОУ",
         "Рабочая группа МКУ «Управление образования г.Енисейска»", "Руководители ГМО",
         "Школы-партнеры МКУ «Управление образования»"], YENISEISK_ORG)}
    assert found == {
        "Специалистам МКУ «Управление образования г. Енисейска»",  # merged: said twice
        "Руководителям общеобразовательных организаций",
        "Отделу общего образования совместно с руководителями ОУ",
        "Рабочей группе МКУ «Управление образования г.Енисейска»",
        "Руководителям ГМО",
        "Руководителям школ-партнеров МКУ «Управление образования»",
    }
    assert [a["text"] for a in addressees(["Комитет", "МУМО", "Руководители ОО",
                                           "МБОУ СОШ № 1"], SLAVGOROD_ORG)] == [
        "Специалистам Комитета по образованию Администрации города Славгорода Алтайского "
        "края", "Специалистам МУМО", "Руководителям общеобразовательных организаций",
        "Руководителю МБОУ СОШ № 1"]


_EXECUTORS = ["МКУ «Управление образования ЗАТО город Заозерск»", "ОО", "Руководители ОУ",
              "МУМО", "МКУ «ЦБУМР»", "Отдел общего образования", "МБОУ СОШ № 1",
              "Специалисты МКУ «Управление образования ЗАТО город Заозерск»"]


@given(st.lists(st.sampled_from(_EXECUTORS), max_size=8))
def test_addressees_never_name_the_body_itself_and_come_once(names: list[str]) -> None:
    found = addressees(names, ZAOZERSK_ORG)
    texts = [a["text"] for a in found]
    assert len(texts) == len(set(texts))
    assert all(not text.startswith(("МКУ «Управление", "ОО")) for text in texts)
    assert [a["own"] for a in found] == sorted((a["own"] for a in found), reverse=True)
    assert sum(a["own"] for a in found) <= 1


def test_a_start_order_addresses_the_specialists_and_the_schools(db: Database) -> None:
    for login, name in (("bel", "Белокреницкая Елена Викторовна"),
                        ("han", "Ханченко Ирина Геннадьевна")):
        add_person(db, "admin", login, name, "", "специалист", ["executor"],
                   unit="МКУ «Управление образования ЗАТО город Заозерск»")
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    [order] = apply_event(db, f"{rid}:6@2021", "start", "clerk", order=True).documents
    paragraphs = structure(db.store.read(order["file"]))["paragraphs"]
    points = paragraphs[paragraphs.index("ПРИКАЗЫВАЮ:") + 1:]
    assert points[0] == ("1. Специалистам МКУ «Управление образования ЗАТО город Заозерск» "
                         "(Белокреницкая Е.В., Ханченко И.Г.):")
    assert points[1] == "1.1. Организовать исполнение мероприятия в срок до 30.12.2021."
    assert "«Организация независимого наблюдения за проведением ВПР в ОО»" in \
        paragraphs[paragraphs.index("ПРИКАЗЫВАЮ:") - 1]  # the title once, in the preamble
    assert points[2].startswith("1.2. Обобщить информацию")
    assert points[3].startswith("2. Руководителям общеобразовательных организаций обеспечить")
    assert points[4] == "3. Контроль за исполнением настоящего приказа оставляю за собой."


def test_without_the_body_among_the_executors_the_clerk_gathers_the_report(
        db: Database) -> None:
    rid = import_roadmap(db, YENISEISK, "clerk").roadmap
    [order] = apply_event(db, f"{rid}:3.7@2021", "start", "clerk", order=True).documents
    paragraphs = structure(db.store.read(order["file"]))["paragraphs"]
    assert "О проектной, исследовательской деятельности на уровне ОУ" in paragraphs
    points = paragraphs[paragraphs.index("ПРИКАЗЫВАЮ:") + 1:]
    assert points[0] == ("1. Руководителям общеобразовательных организаций обеспечить "
                         "исполнение мероприятия в срок до 30.12.2021.")
    assert points[1].startswith("2. Белокреницкой Е.В., специалисту, обобщить информацию")


def test_a_title_that_cannot_be_declined_is_quoted_in_the_order_and_the_journal(
        db: Database) -> None:
    rid = import_roadmap(db, SLAVGOROD, "clerk", period=Period(2020, 2022)).roadmap
    [order] = apply_event(db, f"{rid}:7.8@2021", "start", "clerk", order=True).documents
    title = "Об исполнении мероприятия «Мониторинга эффективности управленческих решений»"
    assert order["title"] == title
    assert title in structure(db.store.read(order["file"]))["paragraphs"]


# issue 23: addressee lines as an office writes them (golden, from the seeds' executors)
ADDRESSEE_LINES = [
    # a position mid-sentence from a small letter, the abbreviation kept
    ([{"name": ZAOZERSK_ORG["short_name"], "group": "department",
       "people": [person("Ханченко Ирина Геннадьевна", "Специалист МКУ «Управление "
                                                       "образования ЗАТО город Заозерск»")]}],
     ZAOZERSK_ORG, ["Ханченко И.Г., специалисту МКУ «Управление образования ЗАТО город "
                    "Заозерск»"]),
    ([{"name": ZAOZERSK_ORG["short_name"], "group": "department",
       "people": [person("Белокреницкая Елена Викторовна", "Ведущий специалист", "f")]}],
     ZAOZERSK_ORG, ["Белокреницкой Е.В., ведущему специалисту"]),
    # a short name that is an ordinary phrase is declined
    (["Управление образования", "ОО"], {"short_name": "Управление образования",
                                        "full_name": "Управление образования администрации "
                                                     "Енисейского района"},
     ["Специалистам Управления образования",
      "Руководителям общеобразовательных организаций"]),
    # what is neither a body nor a person is no addressee
    (["По графику ДИРО", "ОО", "В соответствии с планом работы"], ZAOZERSK_ORG,
     ["Руководителям общеобразовательных организаций"]),
    (["Отдел общего образования совместно с руководителями ОУ", "Руководители ГМО"],
     YENISEISK_ORG, ["Отделу общего образования совместно с руководителями ОУ",
                     "Руководителям ГМО"]),
]


@pytest.mark.parametrize("executors,organisation,lines", ADDRESSEE_LINES)
def test_addressee_lines(executors: list[Any], organisation: dict[str, str],
                         lines: list[str]) -> None:
    assert [a["text"] for a in addressees(executors, organisation)] == lines


def test_the_clerk_is_asked_what_the_order_cannot_say() -> None:
    from documents.addressees import clerk_questions, unaddressed

    assert unaddressed(["По графику ДИРО", "ОО"], ZAOZERSK_ORG) == ["По графику ДИРО"]
    questions = clerk_questions({
        "organisation": ZAOZERSK_ORG,
        "activity": {"title": "Размещение информация для формирования позитивного отношения",
                     "executors": [{"name": "По графику ДИРО", "group": "", "people": []}]}})
    from workflow.errors import in_voice

    assert [in_voice(q, "cli") for q in questions] == [
        "ответственный «По графику ДИРО» не подразделение и не человек: в приказе он не "
        "назван; кому поручить исполнение? (дополнительный пункт — --point)",
        "в названии «Размещение информация» слово «информация» не согласовано (вероятно, "
        "«информации»): исправьте название мероприятия в дорожной карте"]
    assert in_voice(questions[0], "web").endswith("(дополнительный пункт)")
