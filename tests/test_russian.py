"""Russian for documents: dates, plurals, names and noun phrases in the case a sentence needs."""

from __future__ import annotations

import re

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


_FIELD = st.sampled_from(sorted(russian.DATE_FIELDS))
_LITERAL = st.sampled_from([".", " ", ", ", "-", "/", "'г.'", "'года'", "''", "«", "»"])


@given(st.lists(st.one_of(_FIELD, _LITERAL), min_size=1, max_size=8), st.dates())
def test_a_pattern_of_date_fields_formats_any_date(parts: list[str], day: object) -> None:
    # adjacent letters would merge into one longer field: keep fields apart with a literal
    pattern = " ".join(parts)
    assert isinstance(russian.format_date(day, pattern), str)  # type: ignore[arg-type]


@given(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
       st.integers(1, 6), st.dates())
def test_any_other_field_is_refused_by_karta_whatever_babel_accepts(
        letter: str, width: int, day: object) -> None:
    field = letter * width
    if field in russian.DATE_FIELDS:
        return
    with pytest.raises(ValueError, match=f"поле «{field}» не бывает в дате документа"):
        russian.format_date(day, f"dd.MM.y {field}")  # type: ignore[arg-type]


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


@pytest.mark.parametrize("name,gender", [
    ("Белокреницкая Елена Викторовна", "f"), ("Иванов Иван Ильич", "m"),
    ("Ханченко Ирина Геннадьевна", "f"), ("Ханченко Игорь Геннадьевич", "m"),
    ("Мамедов Эльдар Рашид оглы", "m"), ("Волкова Е.В.", "f"), ("Петров П.П.", "m"),
    ("Ханченко И.Г.", ""),
])
def test_gender_from_the_patronymic_when_not_given(name: str, gender: str) -> None:
    assert russian.gender_of(name, "") == gender
    assert russian.gender_of(name, "m") == "m"  # what is stored wins


def test_names_decline_by_the_patronymic_when_no_gender_is_stored() -> None:
    assert russian.decline_full_name("Ханченко Ирина Геннадьевна", "", "dative") == \
        "Ханченко Ирине Геннадьевне"
    assert russian.surname_with_initials("Иванова Мария Петровна", "", "dative") == \
        "Ивановой М.П."
    assert russian.surname_with_initials("Волкова Е.В.", "", "dative") == "Волковой Е.В."
    assert russian.initials_then_surname("Волкова Е. В.") == "Е.В. Волкова"


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
    ("старший инспектор", "dative", "старшему инспектору"),
    ("исполняющий обязанности заместителя начальника", "dative",
     "исполняющему обязанности заместителя начальника"),
    ("исполняющая обязанности начальника", "accusative", "исполняющую обязанности начальника"),
    ("заведующий хозяйством", "dative", "заведующему хозяйством"),
    ("заместитель начальника и главный бухгалтер", "dative",
     "заместителю начальника и главному бухгалтеру"),
    ("ведущий специалист по культуре и спорту", "instrumental",
     "ведущим специалистом по культуре и спорту"),
    ("педагог-оценщик", "dative", "педагогу-оценщику"),
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
    ("ОГЭ по математике", "Об ОГЭ по математике"),
])
def test_titles_about(title: str, expected: str) -> None:
    assert russian.about(title) == expected


@pytest.mark.parametrize("title,about,of", [
    # the whole coordinated group takes the case, not only the first noun
    ("Сбор и анализ данных", "О сборе и анализе данных", "сбора и анализа данных"),
    ("Проектная, исследовательская деятельность на уровне ОУ",
     "О проектной, исследовательской деятельности на уровне ОУ",
     "проектной, исследовательской деятельности на уровне ОУ"),
    ("Консультирование и тьюторское сопровождение по вопросам реализации программ",
     "О консультировании и тьюторском сопровождении по вопросам реализации программ",
     "консультирования и тьюторского сопровождения по вопросам реализации программ"),
    ("Выявление организаций с необъективными результатами и профилактическая работа с ними",
     "О выявлении организаций с необъективными результатами и профилактической работе с ними",
     "выявления организаций с необъективными результатами и профилактической работы с ними"),
    ("Создание раздела сайта «Повышение качества», обновление информации",
     "О создании раздела сайта «Повышение качества», обновлении информации",
     "создания раздела сайта «Повышение качества», обновления информации"),
    # «и» inside a dependent stays there: «через организацию и проведение конференций»
    ("Обеспечение роста кадров через организацию и проведение конференций",
     "Об обеспечении роста кадров через организацию и проведение конференций",
     "обеспечения роста кадров через организацию и проведение конференций"),
    ("Оказание помощи учителям, имеющим проблемы и дефициты.",
     "Об оказании помощи учителям, имеющим проблемы и дефициты",
     "оказания помощи учителям, имеющим проблемы и дефициты"),
    ("Всероссийская олимпиада школьников", "О Всероссийской олимпиаде школьников",
     "Всероссийской олимпиады школьников"),
])
def test_titles_decline_the_whole_coordinated_group(title: str, about: str, of: str) -> None:
    assert russian.about(title) == about
    assert russian.subject(title, "genitive") == of


@pytest.mark.parametrize("title", [
    "Проведен муниципальный мониторинг повышения качества",  # a verb first
    "Мониторинга эффективности управленческих решений",  # not a nominative
    "Анализ работы школ. Корректировка дорожной карты",  # two sentences
    "Анализ условий для роста результатов Корректировка дорожной карты",  # a lost full stop
    "Школа заместителей директоров по предъявлению опыта По запросам руководителей",
    "Учет дефицитов; учет компетенций",  # a list
    "«Точка роста» в школах района",  # a quote first
    "Наличие системы подготовки наблюдателей",  # a state, not something done
])
def test_titles_that_cannot_be_declined_safely_are_quoted_whole(title: str) -> None:
    name = russian.quoted(russian.clean_title(title))
    assert russian.about(title) == f"Об исполнении мероприятия {name}"
    assert russian.subject(title, "genitive") == f"исполнения мероприятия {name}"
    assert russian.decline_title(title, "prepositional") is None


def test_a_quote_inside_a_quoted_title_becomes_lapki() -> None:
    assert russian.about("«Точка роста»") == "Об исполнении мероприятия «Точка роста»"
    assert russian.quoted("Семинар «Наставничество». Итоги") == \
        "«Семинар „Наставничество“. Итоги»"


@pytest.mark.parametrize("phrase,expected", [
    ("единый государственный экзамен", "О едином государственном экзамене"),
    ("ежегодная конференция", "О ежегодной конференции"),
    ("юбилейная выставка", "О юбилейной выставке"),
    ("январский педагогический совет", "О январском педагогическом совете"),
    ("итоги года", "Об итогах года"),
    ("экзамен", "Об экзамене"),
    ("утверждение плана", "Об утверждении плана"),
    ("организация работы", "Об организации работы"),
])
def test_o_or_ob_by_the_sound(phrase: str, expected: str) -> None:
    assert russian.about(phrase) == expected


_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


@given(st.text(alphabet=_CYRILLIC, min_size=1, max_size=12).filter(
    lambda w: w[0] not in "ъыь" and w not in ("всем", "всём", "всех", "всё", "мне")))
def test_ob_only_before_a_vowel_sound(word: str) -> None:
    """«об» before а, и, о, у, э; «о» before е, ё, ю, я and every consonant."""
    expected = "об" if word[0] in "аиоуэ" else "о"
    assert russian.preposition_o(word) == expected
    assert russian.preposition_o(word.capitalize() + " и другие") == expected


@given(st.text(alphabet="АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ", min_size=2, max_size=5))
def test_ob_before_an_abbreviation_by_its_first_sound(abbreviation: str) -> None:
    """Letter by letter, «М» is «эм» (об МКУ); said as a word («СОШ»), «с» (о СОШ)."""
    as_word = len(abbreviation) > 2 and abbreviation[0] not in "АЕИОУЭЮЯ" and \
        abbreviation[1] in "АЕИОУЭЮЯ"
    sounds = "АИОУЭ" if as_word else "АИОУЭЛМНРСФ"
    expected = "об" if abbreviation[0] in sounds else "о"
    assert russian.preposition_o(abbreviation) == expected


def test_obo() -> None:
    assert russian.preposition_o("всём") == "обо"
    assert russian.preposition_o("мне") == "обо"
    assert russian.preposition_o("МКУ «ЦБУМР»") == "об"
    assert russian.preposition_o("ВПР") == "о"
    assert russian.preposition_o("СОШ № 1") == "о"


_NOUNS = ["сбор", "анализ", "проведение", "организация", "разработка", "реализация",
          "консультирование", "сопровождение", "мониторинг", "поддержка", "координация",
          "деятельность", "экспертиза", "диагностика"]
_ADJECTIVES = ["методический", "тьюторский", "проектный", "муниципальный", "адресный",
               "информационный", ""]
_DEPENDENTS = ["данных", "программ повышения качества", "результатов ВПР в ОО",
               "по вопросам оценки", "с руководителями ОО", "(далее – ГМО)"]


def _nominative(adjective: str, noun: str) -> str:
    if not adjective:
        return noun
    from documents.phrases import parses

    head = next(p for p in parses(noun) if p.tag.case == "nomn")
    form = next(p for p in parses(adjective) if p.tag.case == "nomn")
    return form.inflect({"nomn", head.tag.gender or "masc", "sing"}).word + " " + noun


@given(st.sampled_from(_ADJECTIVES), st.sampled_from(_NOUNS), st.sampled_from(["и", ","]),
       st.sampled_from(_ADJECTIVES), st.sampled_from(_NOUNS), st.sampled_from(_DEPENDENTS))
def test_both_coordinated_groups_take_the_case(adj1: str, noun1: str, joint: str, adj2: str,
                                               noun2: str, dependent: str) -> None:
    """«A и B <dependents>» in the genitive: every word of both groups is genitive, the
    dependents are untouched."""
    from documents.phrases import cases_of

    first, second = _nominative(adj1, noun1), _nominative(adj2, noun2)
    glue = " и " if joint == "и" else ", "
    title = f"{first.capitalize()}{glue}{second} {dependent}"
    declined = russian.subject(title, "genitive")
    if dependent.startswith("(далее"):  # «(далее – ГМО)» has no place in a heading
        dependent = ""
    assert declined.endswith(" " + dependent if dependent else "")
    head = declined[: -len(dependent) - 1] if dependent else declined
    words = head.replace(",", " ").split()
    assert len(words) == len((first + " " + second).split()) + (joint == "и")
    for word in words:
        if word != "и":
            assert "gent" in cases_of(word), (title, declined)


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


@pytest.mark.parametrize("label,expected", [
    ("2022", "2022 г."), ("2022-05", "май 2022 г."), ("2022-Q3", "III квартал 2022 г."),
    ("2021/22", "2021/22 учебный год"), ("2021-2023", "2021–2023 гг."),
])
def test_period_labels_for_tables(label: str, expected: str) -> None:
    assert russian.period_label(label) == expected


def test_a_monthly_activity_is_listed_once_with_its_months() -> None:
    months = [{"period": f"2022-{m:02d}", "due": f"2022-{m:02d}-28"} for m in range(1, 13)]
    assert russian.schedule(months) == "ежемесячно, январь–декабрь 2022 г."
    school = [{"period": f"{2021 + (m < 9)}-{m:02d}", "due": None}
              for m in (*range(9, 13), *range(1, 9))]
    assert russian.schedule(school) == "ежемесячно, сентябрь 2021 г. – август 2022 г."
    quarters = [{"period": f"2022-Q{q}", "due": None} for q in range(1, 5)]
    assert russian.schedule(quarters) == "ежеквартально, I–IV кварталы 2022 г."
    twice = [{"period": "2022-05", "due": "2022-05-31"}, {"period": "2022-12",
                                                          "due": "2022-12-30"}]
    # the roadmap names months, not days: the plan names the months (issue 23, item 11)
    assert russian.schedule(twice, "декабрь, май") == "май 2022 г.\nдекабрь 2022 г."
    assert russian.schedule(twice, "до 31 мая, до 30 декабря") == "31.05.2022\n30.12.2022"


@pytest.mark.parametrize("period,due,phrase,expected", [
    ("2022", "2022-12-30", "Ежегодно", "в течение 2022 г."),
    ("2022", "2022-12-31", "Постоянно", "в течение 2022 г."),
    ("2021/22", "2022-08-31", "в течение учебного года", "в течение 2021/22 учебного года"),
    ("2022-05", "2022-05-31", "Ежегодно, май", "май 2022 г."),
    ("2022-Q4", "2022-12-30", "ежеквартально", "IV квартал 2022 г."),
    ("2022", "2022-01-25", "ежегодно до 25 января", "25.01.2022"),
    ("2022", "2022-12-30", "до 30.12", "30.12.2022"),
    ("2022", "2022-06-15", "Ежегодно", "15.06.2022"),  # moved by the clerk: a date
])
def test_a_plan_names_a_deadline_as_a_clerk_does(period: str, due: str, phrase: str,
                                                 expected: str) -> None:
    assert russian.due_phrase(period, due, phrase) == expected
    assert russian.schedule([{"period": "2022", "due": None}], "По графику") == "По графику"


def test_sheets_of_an_attached_file_when_the_file_says() -> None:
    pdf = b"%PDF-1.4\n1 0 obj <</Type /Pages /Count 3>>\n" + \
        b"".join(b"%d 0 obj <</Type /Page /Parent 1 0 R>>\n" % n for n in (2, 3, 4))
    assert russian.sheets_of("акт.pdf", pdf) == 3
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("docProps/app.xml", "<Properties><Pages>2</Pages></Properties>")
    assert russian.sheets_of("справка.docx", buffer.getvalue()) == 2
    assert russian.sheets_of("список.xlsx", b"PK") is None
    assert russian.sheets_of("битый.docx", b"not a zip") is None


def test_attachments_as_an_office_lists_them() -> None:
    assert russian.attachment({"name": "список участников.xlsx", "pages": 3, "size": 3000,
                               "sha256": "ab" * 32}) == "Список участников на 3 л. в 1 экз."
    assert russian.attachment({"name": "акт.pdf", "size": 100}) == \
        "Акт в электронном виде (файл PDF)"


@pytest.mark.parametrize("name,expected", [  # never a bare file name (issue 23, item 12)
    ("Отчёт1.docx", "Отчёт"), ("список_участников (2).xlsx", "Список участников"),
    ("Отчет - копия.doc", "Отчет"), ("отчёт_v2 final.docx", "Отчёт"),
    ("Отчёт 2021.docx", "Отчёт 2021"), ("Протокол от 12.03.2021.pdf", "Протокол от 12.03.2021"),
    ("IMG_2034.jpg", "Фотография"), ("scan0001.pdf", "Документ"), ("data.csv", "Таблица"),
])
def test_an_attachment_is_named_as_an_office_names_it(name: str, expected: str) -> None:
    assert russian.attachment_name({"name": name}) == expected


def test_a_picture_is_one_sheet_and_an_odt_says_its_pages() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("meta.xml", '<office:meta><meta:document-statistic '
                                     'meta:page-count="4"/></office:meta>')
    assert russian.sheets_of("справка.odt", buffer.getvalue()) == 4
    assert russian.sheets_of("фото.JPG", b"\xff\xd8") == 1


@pytest.mark.parametrize("text,expected", [
    ("№ 01-05/2", "№\u00a001-05/2"),
    ("от 30.11.2020 № 01-09/64", "от 30.11.2020 №\u00a001-09/64"),
    ("на 2021-2023 годы", "на 2021–2023\u00a0годы"),
    ("14 декабря 2020 г.", "14\u00a0декабря\u00a02020\u00a0г."),
    ("С.Л. Андреева", "С.Л.\u00a0Андреева"),
    ("(Белокреницкая Е.В., Ханченко И.Г.)", "(Белокреницкая\u00a0Е.В., Ханченко\u00a0И.Г.)"),
    ("г. Заозерск", "г.\u00a0Заозерск"),
    ("учащихся 10-11 классов", "учащихся 10-11 классов"),  # not years: unchanged
    ("до 30.12.2021", "до 30.12.2021"),
])
def test_typography_keeps_together_what_must_not_break(text: str, expected: str) -> None:
    assert russian.typography(text) == expected


@given(st.text(alphabet=st.sampled_from(list("№ \t.-–—0123456789гдекабрягодыАЕСЛВ")),
               max_size=60))
def test_typography_only_changes_spaces_and_dashes(text: str) -> None:
    """Whatever the text, only spaces become no-break and hyphens en dashes."""

    def bare(value: str) -> str:
        return re.sub(r"[\s\u00a0\u2060]", "", value).replace("–", "-").replace("—", "-")

    assert bare(russian.typography(text)) == bare(text)
