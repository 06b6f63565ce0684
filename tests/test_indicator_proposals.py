"""Indicators proposed from a roadmap at import (issue 22, item 2): on the three seeds
against golden files written by hand from the documents, on target tables and lines, on
arbitrary text, and on a crafted file built to make proposing slow."""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.database import Database
from registry.roadmaps import preview_import
from tests.conftest import SEEDS, SLAVGOROD, YENISEISK, ZAOZERSK, Karta
from workflow.importing import Period, read_roadmap
from workflow.importing import indicators as proposing
from workflow.importing.indicator_phrases import (
    counted_of,
    is_indicator,
    nominative,
    single_target,
    split_phrases,
    year_targets,
)
from workflow.importing.indicators import (
    IndicatorProposal,
    describe_origin,
    describe_targets,
    propose,
    propose_indicators,
)
from workflow.indicators import DIRECTIONS, ROLLUPS, SOURCES, UNITS
from workflow.roadmap import ActivityDraft, RoadmapDraft

GOLDEN = SEEDS / "golden"
SEED_PERIODS = {SLAVGOROD: Period(2020, 2022), ZAOZERSK: None, YENISEISK: None}


def _shape(proposal: IndicatorProposal) -> dict[str, Any]:
    return {"name": proposal.name, "unit": proposal.unit, "direction": proposal.direction,
            "targets": {period: str(value) for period, value in proposal.targets.items()},
            "group": proposal.group, "origin": proposal.origin,
            "activity_codes": list(proposal.activity_codes)}


# ----------------------------------------------------------------------------- the seeds

@pytest.mark.parametrize("seed, golden", [
    (YENISEISK, "yeniseisk_indicators.json"),
    (ZAOZERSK, "zaozersk_indicators.json"),
    (SLAVGOROD, "slavgorod_indicators.json"),
])
def test_the_seeds_propose_what_their_golden_files_list(seed: Path, golden: str) -> None:
    """The golden files were written from the documents by hand: every «… %», «доля …»
    and «100% школ …» phrase of a planned result and every row of the criteria table (of
    both levels), and nothing else."""
    draft = read_roadmap(seed, SEED_PERIODS[seed])
    expected = json.loads((GOLDEN / golden).read_text(encoding="utf-8"))
    assert [_shape(p) for p in propose_indicators(draft)] == expected


def test_every_share_phrase_of_a_planned_result_is_proposed() -> None:
    """Independent of the golden file: each line or run-on part of a planned result that
    says «%» or «доля/доли» is the source of a proposal (or a duplicate of one)."""
    draft = read_roadmap(YENISEISK)
    proposals = propose_indicators(draft)
    for activity in draft.activities:
        for phrase in split_phrases(activity.planned_result):
            if re.search(r"%|(?<![а-яё])дол[яи]", phrase, re.I):
                named = [p for p in proposals if activity.code in p.activity_codes
                         and p.name.lower()[:25] in phrase.lower()]
                assert named, (activity.code, phrase)


def test_no_activity_title_is_proposed() -> None:
    """Slavgorod's titles say «Утверждение муниципальных показателей …», «Проведение
    мониторинга показателей …»: work to do, not an indicator; its table has no planned
    results, so nothing is proposed. The other seeds' titles are never a proposal's name;
    Zaozersk's table by levels («Проведение мониторинга показателей объективности …») is
    a list of activities, not of criteria."""
    assert propose_indicators(read_roadmap(SLAVGOROD, Period(2020, 2022))) == []
    for seed in (ZAOZERSK, YENISEISK):
        draft = read_roadmap(seed)
        titles = {activity.title for activity in draft.activities}
        names = {proposal.name for proposal in propose_indicators(draft)}
        assert not titles & names
        assert not any(name.startswith("Проведение мониторинга") for name in names)


def test_the_same_indicator_named_twice_is_one_proposal_listing_both_activities() -> None:
    proposals = propose_indicators(read_roadmap(YENISEISK))
    advice = [p for p in proposals if p.name.startswith("Доля ОУ, в которых осуществляется")]
    assert len(advice) == 1
    assert advice[0].activity_code == "1.9" and advice[0].activity_codes == ("1.9", "2.8")
    assert all(p.activity_code == p.activity_codes[0] for p in proposals)


def test_what_is_counted_is_said_in_the_nominative() -> None:
    by_name = {p.name: p for p in propose_indicators(read_roadmap(YENISEISK))}
    fewer = by_name["Сокращение доли учащихся, не набравших минимальные баллы в школах с НОР"]
    assert fewer.numerator == "учащиеся, не набравшие минимальные баллы в школах с НОР"
    assert fewer.denominator == "учащиеся"
    assert fewer.rollup == "weighted_mean" and fewer.source == "schools"
    outreach = by_name["Доля ОУ, в которых организована просветительская работа"]
    assert (outreach.numerator, outreach.denominator) == (
        "ОУ, в которых организована просветительская работа", "ОУ")
    # the share of schools whose executors are the schools: the workflow knows it
    assert outreach.rollup == "share_meeting" and outreach.source == "workflow"
    assert outreach.source_phrase == (
        "Доля ОУ, в которых организована просветительская работа (100% школ с НОР) "
        "(Информация на сайте общеобразовательных учреждений)")
    assert by_name["Оказана помощь 100% школ с НОР"].denominator == "школы с НОР"
    assert by_name["Участие педагогов школ с НОР в работе ГМО"].denominator == \
        "педагоги школ с НОР"
    assert by_name["Рост доли мотивированных учащихся в школах с НОР"].denominator == \
        "учащиеся в школах с НОР"


def test_criteria_of_the_two_levels_are_the_departments_and_each_schools() -> None:
    proposals = propose_indicators(read_roadmap(ZAOZERSK))
    monitoring = [p for p in proposals if p.name.startswith("Наличие мониторинга показателей")]
    assert [(p.source, p.group, p.rollup) for p in monitoring] == [
        ("department", "", "sum"), ("schools", "ОО", "share_meeting")]
    assert all(p.origin == "criteria_table" and not p.activity_code for p in proposals)


def test_proposals_use_only_the_domains_words() -> None:
    for seed, period in SEED_PERIODS.items():
        for p in propose_indicators(read_roadmap(seed, period)):
            assert p.unit in UNITS and p.direction in DIRECTIONS
            assert p.rollup in ROLLUPS and p.source in SOURCES
            assert p.origin in proposing.ORIGINS
            assert p.name and not p.name[0].islower() and p.source_phrase
            assert all(isinstance(value, Decimal) for value in p.targets.values())


# ----------------------------------------------------------------------------- tables and lines

TARGETS_DUMP = "\n".join([
    "Дорожная карта по повышению качества образования на 2021-2023 годы", "",
    "№\tМероприятие\tСроки\tОтветственный\tПланируемый результат",
    "1\tКурсы для учителей\tЕжегодно\tУправление образования\t"
    "Доля учителей, прошедших курсы, не менее 80 %",
    "2\tПодготовка к ГИА\tЕжегодно\tРуководители ОО\t"
    "Доля выпускников, получивших аттестат, %: 2021 — 85, 2022 — 87, 2023 — 90",
    "3\tПроведение мониторинга доли выпускников\tЕжегодно\tУправление образования\t"
    "Проведение мониторинга доли выпускников",
    "", "Целевые показатели реализации дорожной карты", "",
    "Показатель\tЕд. изм.\t2021\t2022\t2023",
    "Доля выпускников 9 классов, получивших аттестат\t%\t95\t96\t97",
    "Количество педагогов, прошедших курсы\tчел.\t20\t25\t30",
    "Средний балл ЕГЭ по математике\tбаллы\t55,5\t56\t57",
    "", "доля учащихся, не освоивших программу, %: 2021 — 5, 2022 — 4, 2023 — 3",
    "", "Целевые индикаторы:", "1. Доля школ, разместивших отчёт о самообследовании на сайте",
    "2. Количество победителей олимпиад", "",
])


def _years(*values: str) -> dict[str, str]:
    return dict(zip(("2021", "2022", "2023"), values))


def test_target_tables_and_lines_by_year_are_proposed(tmp_path: Path) -> None:
    path = tmp_path / "targets.txt"
    path.write_text(TARGETS_DUMP, encoding="utf-8")
    draft = read_roadmap(path)
    # the target table after the activities is a table of its own, not rows of activity 3
    assert [a.title for a in draft.activities][-1] == "Проведение мониторинга доли выпускников"
    assert draft.sections == []
    shapes = [(p.name, p.unit, p.direction, {k: str(v) for k, v in p.targets.items()},
               p.origin, p.activity_code) for p in propose_indicators(draft)]
    assert shapes == [
        ("Доля учителей, прошедших курсы", "%", "at_least", _years("80", "80", "80"),
         "planned_result", "1"),
        ("Доля выпускников, получивших аттестат", "%", "up", _years("85", "87", "90"),
         "planned_result", "2"),
        ("Доля выпускников 9 классов, получивших аттестат", "%", "up",
         _years("95", "96", "97"), "target_table", ""),
        ("Количество педагогов, прошедших курсы", "чел.", "up", _years("20", "25", "30"),
         "target_table", ""),
        ("Средний балл ЕГЭ по математике", "баллы", "up", _years("55.5", "56", "57"),
         "target_table", ""),
        ("Доля учащихся, не освоивших программу", "%", "down", _years("5", "4", "3"),
         "target_table", ""),
        ("Доля школ, разместивших отчёт о самообследовании на сайте", "%", "at_least", {},
         "criteria_table", ""),
        ("Количество победителей олимпиад", "чел.", "at_least", {}, "criteria_table", ""),
    ]


def test_a_target_table_in_a_word_file_is_read_apart_from_the_roadmap(tmp_path: Path) -> None:
    from tests.hostile_files import TITLE, docx, paragraph, table

    roadmap = [["№ п/п", "Мероприятие", "Сроки", "Ответственные", "Планируемый результат"],
               ["1.", "Курсы для учителей", "Ежегодно", "Управление образования",
                "Оказана помощь 100% школ с НОР"]]
    targets = [["Наименование показателя", "Единица измерения", "2021 год", "2022 год",
                "2023 год"],
               ["Доля выпускников, получивших аттестат", "%", "95", "96", "97,5"]]
    path = tmp_path / "карта.docx"
    path.write_bytes(docx(paragraph(TITLE) + table(roadmap) + paragraph("Целевые показатели")
                          + table(targets)))
    draft = read_roadmap(path)
    assert len(draft.activities) == 1
    found = propose_indicators(draft)
    assert [(p.name, p.group, {k: str(v) for k, v in p.targets.items()}) for p in found] == [
        ("Оказана помощь 100% школ с НОР", "школы с НОР", _years("100", "100", "100")),
        ("Доля выпускников, получивших аттестат", "", _years("95", "96", "97.5")),
    ]


@pytest.mark.parametrize("phrase, target", [
    ("Участие педагогов школ с НОР в работе ГМО (100%)", Decimal(100)),
    ("Отслеживание в 100% школ с НОР", Decimal(100)),
    ("Доля учителей, прошедших курсы, не менее 80 %", Decimal(80)),
    ("Увеличение доли выпускников до 95 %", Decimal(95)),
    # what is counted, not a target
    ("Сокращение количества учащихся, пропускающих занятия (свыше 30% от общего количества)",
     None),
    ("Доля учащихся свыше 30% от общего числа", None),
    ("Доля школ с результатами выше 50 % — 90 %", Decimal(90)),
    # two different figures: the clerk says which is the target
    ("Доля школ, в которых 50 % учащихся выполнили работу, — 90 %", None),
])
def test_a_target_stated_without_a_year(phrase: str, target: Decimal | None) -> None:
    unit = "чел." if phrase.startswith("Сокращение количества") else "%"
    assert single_target(phrase, unit)[0] == target


def test_targets_by_year_keep_school_years_and_refuse_what_is_no_period() -> None:
    assert year_targets("2021/2022 уч. год — 85, 2022-2023 — 87")[0] == {
        "2021/22": Decimal(85), "2022/23": Decimal(87)}  # as occurrences write them
    assert year_targets("на 2021-2023 годы")[0] == {}
    assert year_targets("1899 — 5, 2150 — 7")[0] == {}


@pytest.mark.parametrize("phrase, expected", [
    ("Рост доли мотивированных учащихся", True),
    ("Оказана помощь 100% школ с НОР", True),
    ("Сокращение количества учащихся «группы риска»", True),
    ("Повышение уровня квалификации молодых специалистов", False),
    ("Проведение мониторинга доли выпускников", False),
    ("Количество заседаний", False),  # a count with no direction is no goal
    ("Приказ о составе муниципальной рабочей группы", False),
])
def test_what_is_an_indicator(phrase: str, expected: bool) -> None:
    assert is_indicator(phrase) is expected


def test_a_cell_naming_several_results_is_split_at_each() -> None:
    assert split_phrases(
        "Рост доли школ с НОР, достигших положительной динамики в результатах ЕГЭ по "
        "математике и русскому языку Сокращение доли учащихся, не набравших минимальные "
        "баллы в школах с НОР 100% вовлечение учащихся школ с НОР") == [
        "Рост доли школ с НОР, достигших положительной динамики в результатах ЕГЭ по "
        "математике и русскому языку",
        "Сокращение доли учащихся, не набравших минимальные баллы в школах с НОР",
        "100% вовлечение учащихся школ с НОР"]
    assert split_phrases("Оказана помощь 100% школ с НОР в г. Енисейске") == [
        "Оказана помощь 100% школ с НОР в г. Енисейске"]


def test_the_nominative_of_what_is_counted() -> None:
    assert nominative("учителей, прошедших курсы") == "учителя, прошедшие курсы"
    assert nominative("призеров олимпиад") == "призеры олимпиад"
    assert nominative("педагогов, ШМО, управленческих команд, предъявивших опыт работы") == \
        "педагоги, ШМО, управленческие команды, предъявившие опыт работы"
    assert counted_of("Доля школ с НОР, достигших положительной динамики", "%").numerator == \
        "школы с НОР, достигшие положительной динамики"


def test_the_words_the_preview_shows() -> None:
    years = {"2021": Decimal(100), "2022": Decimal(100), "2023": Decimal(100)}
    assert describe_targets(years, "%") == "2021–2023 — 100\u00a0%"
    assert describe_targets({"2021": Decimal(85), "2023": Decimal("87.5")}, "%") == \
        "2021 — 85\u00a0%, 2023 — 87,5\u00a0%"
    assert describe_targets({}, "%") == "не указаны"
    assert describe_origin("planned_result", ("1.9", "2.8")) == \
        "планируемые результаты мероприятий 1.9, 2.8"
    assert describe_origin("planned_result", ("1.4",)) == \
        "планируемый результат мероприятия 1.4"


# ----------------------------------------------------------------------------- the preview

def test_the_preview_carries_the_proposals_as_plain_data(db: Database) -> None:
    preview = preview_import(db, YENISEISK, "admin")
    json.dumps(preview)  # plain data: no Decimal, no dataclass
    first = preview["indicators"][0]
    assert first == {
        "name": "Участие педагогов школ с НОР в работе ГМО", "unit": "%",
        "direction": "at_least", "targets": {str(y): "100" for y in range(2020, 2025)},
        "group": "школы с НОР", "numerator": "", "denominator": "педагоги школ с НОР",
        "source_phrase": "Участие педагогов школ с НОР в работе ГМО (100%)",
        "origin": "planned_result", "activity_code": "1.4", "activity_codes": ["1.4"],
        "rollup": "weighted_mean", "source": "schools",
        "targets_text": "2020–2024 — 100\u00a0%",
        "origin_text": "планируемый результат мероприятия 1.4",
    }
    assert len(preview["indicators"]) == 20 and preview["indicator_notes"] == []


def test_import_dry_run_lists_the_proposed_indicators(karta: Karta) -> None:
    result = karta("import", "--dry-run", str(YENISEISK))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Предлагаемые показатели (20; при импорте не создаются — каждый "
                        "подтверждается отдельно):")
    assert lines[start + 1:start + 4] == [
        "  1. Участие педагогов школ с НОР в работе ГМО",
        "     %, не ниже; цели: 2020–2024 — 100\u00a0%; группа: школы с НОР; значение: "
        "вносит каждая школа",
        "     откуда: планируемый результат мероприятия 1.4 — «Участие педагогов школ с НОР "
        "в работе ГМО (100%)»",
    ]
    assert "откуда: планируемые результаты мероприятий 1.9, 2.8 — «Доля ОУ" in result.output
    assert "Импортирована" not in result.output
    nothing = karta("import", "--dry-run", "--period", "2020-2022", str(SLAVGOROD))
    assert "Предлагаемые показатели: в дорожной карте не найдены." in nothing.output


def test_the_web_preview_shows_the_proposals_in_a_table(db: Database) -> None:
    from fastapi.testclient import TestClient

    from registry.accounts import set_password
    from web.app import create_app

    set_password(db, "admin", "admin", "пароль-admin-2026")
    app = create_app(db)
    with TestClient(app) as client:
        form = client.get("/login")
        nonce = re.search(r'name="nonce" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"login": "admin", "password": "пароль-admin-2026",
                                    "nonce": nonce, "next": "/"})
        csrf = re.search(r'name="csrf" value="([^"]+)"',  # type: ignore[union-attr]
                         client.get("/").text).group(1)
        page = client.post("/roadmaps/import", data={"csrf": csrf}, files={
            "file": ("zaozersk.txt", ZAOZERSK.read_bytes(), "text/plain")})
    assert page.status_code == 200, page.text
    assert "Предлагаемые показатели (20)" in page.text
    assert 'Предлагаемые показатели: <a href="#indicators">20</a>' in page.text
    # each proposal's name stands in a field to edit, beside the box that chooses it
    assert 'name="indicator-name-7" rows="2" maxlength="500">Наличие мониторинга показателей ' \
           "(мониторинг по показателям с негативными последствиями не оценивается)" in page.text
    assert "вносит каждая школа" in page.text and "таблица критериев (показателей)" in page.text


# ----------------------------------------------------------------------------- bounds

def _draft(results: list[str]) -> RoadmapDraft:
    activities = [ActivityDraft(code=str(n), title="Мероприятие", deadline_text="Ежегодно",
                                executors_text="ОО", executors=["ОО"], planned_result=text,
                                section_code=None, position=n, line=n)
                  for n, text in enumerate(results, 1)]
    return RoadmapDraft(title="Карта", first_year=2021, last_year=2023, source_name="x.txt",
                        source_sha256="0", activities=activities)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=st.sampled_from(
    list("доляДоляРостСокращение%()«»,.:;— -\n0123456789/шкОУНОРгодучащихсяколичество")),
    max_size=300), max_size=8))
def test_any_text_gives_bounded_proposals_without_crashing(results: list[str]) -> None:
    found = propose(_draft(results))
    assert len(found.items) <= proposing.MAX_PROPOSALS
    for proposal in found.items:
        assert proposal.unit in UNITS and proposal.direction in DIRECTIONS
        assert len(proposal.name) <= proposing.MAX_PHRASE_CHARS
        assert all(re.match(r"^\d{4}(?:/\d{4})?$", period) for period in proposal.targets)
        json.dumps(proposal.as_dict())


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_any_unicode_phrase_is_read_without_crashing(text: str) -> None:
    for phrase in split_phrases(text):
        is_indicator(phrase)
        year_targets(phrase)
        single_target(phrase, "%")
        counted_of(phrase, "%")


def _crafted(path: Path, unit: str, rows: int = 200) -> RoadmapDraft:
    """A dump whose every planned-result cell is ``unit`` (formatted with the row and the
    repeat) up to the cell limit."""
    from workflow.importing import limits

    lines = ["Дорожная карта на 2021-2023 годы", "",
             "№\tМероприятие\tСроки\tОтветственный\tПланируемый результат"]
    for n in range(1, rows + 1):
        cell = ""
        k = 0
        while len(cell) < limits.MAX_CELL_CHARS - 400:
            cell += unit.format(n=n, k=k)
            k += 1
        lines.append(f"{n}\tМероприятие {n}\tЕжегодно\tОО\t{cell}")
    path.write_text("\n".join(lines), encoding="utf-8")
    draft = read_roadmap(path)
    assert sum(len(a.planned_result) for a in draft.activities) > 3_000_000
    return draft


@pytest.mark.parametrize("unit, proposed", [
    # a different indicator every few dozen characters, with runs built against the
    # regexes (brackets, «%», long numbers, year pairs): at most MAX_PROPOSALS, said so
    ("Доля школ с НОР №{n}-{k} 100% ((((( 2021 — 2022 — " + "9" * 40 + " %%%% "
     + "доли " * 5 + " Сокращение количества учащихся " + "(" * 30 + " ",
     "at most"),
    # one phrase over and over: read once, the whole column gone through
    ("Доля школ с НОР 100% 2021 — 85 (((( %%%% доли Сокращение количества учащихся; ",
     "read once"),
    # text that never splits into a phrase short enough to be a name
    ("доля " + "9" * 50 + " % ( ( ( ( 2021 2021 — — — " + "а" * 30 + " ", "none"),
], ids=["many", "repeated", "unsplittable"])
def test_a_crafted_huge_planned_result_column_stays_within_bounds(
        tmp_path: Path, unit: str, proposed: str) -> None:
    draft = _crafted(tmp_path / "crafted.txt", unit)
    started = time.monotonic()
    found = propose(draft)
    assert time.monotonic() - started < proposing.PROPOSE_SECONDS + 2
    assert len(found.items) <= proposing.MAX_PROPOSALS
    assert all(len(p.name) <= proposing.MAX_PHRASE_CHARS for p in found.items)
    if proposed == "at most":
        assert len(found.items) == proposing.MAX_PROPOSALS
        assert found.notes[-1].startswith("предложено не больше 500 показателей")
    elif proposed == "read once":
        assert [p.activity_codes for p in found.items][0] == tuple(
            str(n) for n in range(1, 201))
    else:
        assert found.items == [] and found.notes == [
            "фраз длиннее 600 символов не рассмотрено: 200 (название показателя короче)"]


def test_the_bounds_are_said_when_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(proposing, "MAX_PROPOSALS", 3)
    found = propose(read_roadmap(YENISEISK))
    assert len(found.items) == 3
    assert found.notes == ["предложено не больше 3 показателей; остальные не показаны "
                           "(проверьте, та ли это таблица)"]
    long = propose(_draft(["Доля " + "школ " * 200, "Рост доли педагогов"]))
    assert [p.name for p in long.items] == ["Рост доли педагогов"]
    assert long.notes == ["фраз длиннее 600 символов не рассмотрено: 1 (название показателя "
                          "короче)"]
    monkeypatch.setattr(proposing, "PROPOSE_SECONDS", -1.0)
    stopped = propose(read_roadmap(YENISEISK))
    assert stopped.items == [] and stopped.notes == [
        "показатели искались дольше -1 с: предложены найденные до этого, остальные добавьте "
        "вручную"]
