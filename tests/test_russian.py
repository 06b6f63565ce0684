"""Russian for documents: dates, plurals, names and noun phrases in the case a sentence needs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents import russian


@pytest.mark.parametrize("pattern,expected", [
    ("dd.MM.y", "14.12.2020"), ("d MMMM y 'г.'", "14 декабря 2020 г."),
    ("LLLL y", "декабрь 2020"),
])
def test_dates_by_explicit_patterns(pattern: str, expected: str) -> None:
    assert russian.format_date("2020-12-14", pattern) == expected
    assert "\u202f" not in russian.long_date("2020-12-14")  # no narrow no-break space
    assert russian.long_date("2021-03-01") == "1 марта 2021 г."


@pytest.mark.parametrize("number,expected", [
    (1, "1 мероприятие"), (2, "2 мероприятия"), (5, "5 мероприятий"), (11, "11 мероприятий"),
    (21, "21 мероприятие"), (22, "22 мероприятия"), (111, "111 мероприятий"),
])
def test_plurals(number: int, expected: str) -> None:
    assert russian.plural(number, "мероприятие") == expected


@given(st.integers(min_value=0, max_value=10_000))
def test_plural_follows_the_russian_rule_for_every_number(number: int) -> None:
    word = russian.plural(number, "мероприятие").split(" ", 1)[1]
    last, last_two = number % 10, number % 100
    if last == 1 and last_two != 11:
        assert word == "мероприятие"
    elif 2 <= last <= 4 and not 12 <= last_two <= 14:
        assert word == "мероприятия"
    else:
        assert word == "мероприятий"


@pytest.mark.parametrize("name,gender,case,expected", [
    ("Белокреницкая Елена Викторовна", "f", "dative", "Белокреницкой Елене Викторовне"),
    ("Ханченко Ирина Геннадьевна", "f", "dative", "Ханченко Ирине Геннадьевне"),
    ("Иванов Иван Иванович", "m", "accusative", "Иванова Ивана Ивановича"),
    ("Иванов Иван Иванович", "m", "instrumental", "Ивановым Иваном Ивановичем"),
])
def test_full_names(name: str, gender: str, case: str, expected: str) -> None:
    assert russian.decline_full_name(name, gender, case) == expected


def test_surname_with_initials_declines_only_the_surname() -> None:
    assert russian.surname_with_initials("Волкова Елена Викторовна", "f", "dative") == \
        "Волковой Е.В."
    assert russian.surname_with_initials("Иванов Иван Иванович", "m", "genitive") == \
        "Иванова И.И."
    assert russian.initials_then_surname("Андреева Светлана Леонидовна") == "С.Л. Андреева"


@pytest.mark.parametrize("phrase,case,expected", [
    ("специалист по культуре и спорту I категории", "dative",
     "специалисту по культуре и спорту I категории"),
    ("главный специалист отдела образования", "dative",
     "главному специалисту отдела образования"),
    ("Начальник МКУ «ЦБУМР»", "instrumental", "Начальником МКУ «ЦБУМР»"),
    ("Руководители ОУ", "dative", "Руководителям ОУ"),
    ("МКУ «Управление образования»", "dative", "МКУ «Управление образования»"),
    ("Школы-партнеры", "dative", "Школам-партнерам"),
    ("И.о. начальника МКУ", "dative", "И.о. начальника МКУ"),
    ("Дорожная карта по обеспечению объективности", "genitive",
     "Дорожной карты по обеспечению объективности"),
])
def test_noun_phrases_keep_capitals_quotes_and_abbreviations(phrase: str, case: str,
                                                             expected: str) -> None:
    assert russian.decline_phrase(phrase, case) == expected


@pytest.mark.parametrize("title,expected", [
    ("Участие в семинарах", "Об участии в семинарах"),
    ("Проведение мониторинга", "О проведении мониторинга"),
    ("Организация проведения проверки результатов ВПР", "Об организации проведения проверки "
                                                        "результатов ВПР"),
    ("ВПР в ОО", "О ВПР в ОО"),
])
def test_titles_about(title: str, expected: str) -> None:
    assert russian.about(title) == expected


def test_agreement_with_the_thing_approved() -> None:
    assert russian.agree("Дорожная карта", russian.APPROVED) == "УТВЕРЖДЕНА"
    assert russian.agree("Положение о конкурсе", russian.APPROVED) == "УТВЕРЖДЕНО"
    assert russian.agree("Показатели", russian.APPROVED) == "УТВЕРЖДЕНЫ"
    assert russian.agree("План мероприятий", russian.ATTACHED) == "прилагаемый"


@pytest.mark.parametrize("label,expected", [
    ("2022", "2022 год"), ("2022-Q3", "III квартал 2022 года"), ("2022-05", "май 2022 года"),
    ("2021/22", "2021/22 учебный год"), ("2020-2022", "2020–2022 годы"),
])
def test_period_words(label: str, expected: str) -> None:
    assert russian.period_text(label) == expected
