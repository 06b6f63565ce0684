"""Indicators in the registry (issue 22): defined with targets, collected from each school
with evidence, returned, accepted and locked, corrected only by a logged decision; the
monitoring compares target and actual, names the schools below target and who has not
given a value; bad input refused with nothing lost; every value vouched for by the log."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, text

from registry.assignments import act
from registry.database import Database
from registry.indicators import (
    Given,
    add_indicator,
    decide,
    list_indicators,
    make_monitoring_note,
    monitoring,
    not_submitted,
    set_target,
    submit_values,
    value_form,
)
from registry.notifications import inbox
from registry.occurrences import apply_event
from registry.people import add_person
from registry.roadmaps import import_roadmap
from registry.tables import HistoryEvent, IndicatorValue
from registry.verify import verify
from tests.conftest import YENISEISK, ZAOZERSK, Karta, csrf_of, signed_in
from workflow.errors import (
    ConcurrentUpdate,
    KartaError,
    PermissionDenied,
    TransitionNotAllowed,
    UnknownReference,
)

SCHOOLS = ("МБОУ СОШ № 1", "МБОУ СОШ № 12", "МБОУ СОШ № 3")
LINK = "https://school1.example.org/nor"


@pytest.fixture
def district(db: Database) -> Database:
    """Three schools with a person each; the Заозерск roadmap; two indicators: the share of
    pupils who passed (numerator/denominator, evidence needed, target 85 → 90) and the number
    of teachers trained (a sum), and the department's own share of schools visited."""
    for number, name in enumerate(SCHOOLS, start=1):
        add_person(db, "admin", f"school{number}", f"Петров Пётр {number}", "m", "завуч",
                   ["executor"], unit=name)
    import_roadmap(db, ZAOZERSK, "clerk")
    add_indicator(db, "clerk", code="П1", name="Доля обучающихся, преодолевших минимальный "
                  "порог ВПР", unit="%", direction="up", rollup="weighted_mean",
                  fraction=True, numerator="обучающиеся, преодолевшие порог",
                  denominator="обучающиеся, писавшие ВПР", evidence=True,
                  targets={"2021": "85", "2022": "90"})
    add_indicator(db, "clerk", code="П2", name="Педагоги, прошедшие курсы повышения "
                  "квалификации", unit="чел.", rollup="sum", targets={"2021": "20"})
    add_indicator(db, "clerk", code="П3", name="Доля школ, посещённых специалистами",
                  unit="%", source="department", targets={"2021": "100"})
    return db


def _titles(db: Database, login: str) -> list[str]:
    return [n["title"] for n in inbox(db, login)["items"]]


def _log_length(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(
            HistoryEvent.__table__)).scalar_one())  # type: ignore[arg-type]


def _values(db: Database) -> list[tuple[Any, ...]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(
            IndicatorValue.__table__).order_by(IndicatorValue.__table__.c.id))]  # type: ignore[attr-defined]


def test_a_school_submits_its_form_and_the_department_accepts_it(district: Database) -> None:
    form = value_form(district, "school1", "2021")
    assert form.unit == SCHOOLS[0]
    assert [e.indicator.code for e in form.entries] == ["П1", "П2"]  # not the department's
    assert {e.state_label for e in form.entries} == {"не представлено"}
    submitted = submit_values(district, "school1", "2021", {
        "П1": Given(numerator="172", denominator="200", link=LINK),
        "П2": Given(value="7")})
    assert submitted == ["П1", "П2"]
    # the clerk is told, sees who has not given values yet
    assert "Значения показателей за 2021 год: МБОУ СОШ № 1" in _titles(district, "clerk")
    assert not_submitted(district, "clerk", "2021")["П1"] == [SCHOOLS[1], SCHOOLS[2]]
    assert decide(district, "clerk", "П1", "2021", SCHOOLS[0], "accept") == "accepted"
    decide(district, "head", "П2", "2021", SCHOOLS[0], "accept")
    # locked: the school cannot give it again
    with pytest.raises(TransitionNotAllowed):
        submit_values(district, "school1", "2021", {"П2": Given(value="8")})
    first = {m.indicator.code: m.periods[0] for m in monitoring(district, "head",
                                                                 periods=["2021"])}
    assert first["П1"].actual == Decimal("86.0") and first["П1"].reached
    assert first["П1"].deviation == Decimal("1.0")
    assert (first["П1"].owed, first["П1"].accepted) == (3, 1)
    assert first["П2"].actual == Decimal(7) and first["П2"].reached is False
    assert first["П2"].below == []  # a sum has no per-school target
    assert verify(district, "admin").ok


def test_schools_below_target_and_the_weighted_figure(district: Database) -> None:
    given = {"school1": ("172", "200"), "school2": ("40", "50"), "school3": ("95", "100")}
    for login, (numerator, denominator) in given.items():
        submit_values(district, login, "2021", {"П1": Given(numerator=numerator,
                                                            denominator=denominator,
                                                            link=LINK)})
    for name in SCHOOLS:
        decide(district, "clerk", "П1", "2021", name, "accept")
    figure = monitoring(district, "head", "П1", ["2021"])[0].periods[0]
    # (172 + 40 + 95) / (200 + 50 + 100) = 307 / 350 = 87.714… → 87.7
    assert figure.actual == Decimal("87.7")
    assert [s.unit for s in figure.below] == [SCHOOLS[1]]  # 80 % < 85 %
    assert figure.missing == []


def test_a_returned_value_goes_back_to_the_school_with_the_reason(district: Database) -> None:
    submit_values(district, "school2", "2021", {"П1": Given(numerator="10", denominator="50",
                                                            link=LINK)})
    with pytest.raises(KartaError, match="причину возврата"):
        decide(district, "clerk", "П1", "2021", SCHOOLS[1], "return")
    decide(district, "clerk", "П1", "2021", SCHOOLS[1], "return",
           "в знаменателе не все классы")
    entry = value_form(district, "school2", "2021").entries[0]
    assert (entry.state, entry.comment, entry.editable) == ("returned",
                                                            "в знаменателе не все классы", True)
    assert any("в знаменателе не все классы" in t for t in _titles(district, "school2"))
    submit_values(district, "school2", "2021", {"П1": Given(numerator="40", denominator="120",
                                                            link=LINK)})
    assert value_form(district, "school2", "2021").entries[0].value == "33.3"


def test_a_correction_after_acceptance_is_a_logged_decision(district: Database) -> None:
    submit_values(district, "school1", "2021", {"П2": Given(value="7")})
    decide(district, "clerk", "П2", "2021", SCHOOLS[0], "accept")
    with pytest.raises(KartaError, match="основание исправления"):
        decide(district, "clerk", "П2", "2021", SCHOOLS[0], "correct", value="9")
    with pytest.raises(PermissionDenied):
        decide(district, "school1", "П2", "2021", SCHOOLS[0], "correct", "сам", value="9")
    decide(district, "clerk", "П2", "2021", SCHOOLS[0], "correct",
           "письмо школы от 12.01.2022 № 5", value="9")
    assert monitoring(district, "clerk", "П2", ["2021"])[0].periods[0].actual == 9
    with district.engine.connect() as connection:
        logged = connection.execute(text("SELECT comment FROM historyevent WHERE event = "
                                         "'indicator_correct'")).scalar_one()
    assert logged == "7\u00a0чел. → 9\u00a0чел.; основание: письмо школы от 12.01.2022 № 5"
    assert verify(district, "admin").ok
    # a value changed behind karta's back is named by audit verify
    with district.engine.begin() as connection:
        connection.execute(text("UPDATE indicatorvalue SET value = '90'"))
    problems = " ".join(verify(district, "admin").problems)
    assert "значение показателя" in problems


@pytest.mark.parametrize(("given", "message"), [
    ({"П1": Given(numerator="210", denominator="200", link=LINK)}, "числитель 210 больше"),
    ({"П1": Given(numerator="5", denominator="0", link=LINK)}, "знаменатель не может"),
    ({"П1": Given(numerator="5", denominator="20")}, "приложите подтверждение"),
    ({"П1": Given(numerator="5", denominator="20", link="javascript:alert(1)")}, "ссылка"),
    ({"П2": Given(value="семь")}, "не число"),
    ({"П2": Given(value="7,5")}, "целое число"),
    ({"П2": Given(value="-1")}, "отрицательным"),
    ({"П3": Given(value="50")}, "не вносит этот показатель"),
    ({"П9": Given(value="1")}, "не вносит этот показатель"),
])
def test_bad_values_are_refused_and_nothing_is_saved(district: Database, given: dict[str, Given],
                                                     message: str) -> None:
    before = (_values(district), _log_length(district))
    with pytest.raises(KartaError, match=message):
        # a good value beside the bad one is not saved either: all or none
        submit_values(district, "school1", "2021", {"П2": Given(value="3"), **given}
                      if "П2" not in given else given)
    assert (_values(district), _log_length(district)) == before


def test_a_share_over_100_percent_is_refused(district: Database) -> None:
    with pytest.raises(KartaError, match="больше 100 %"):
        submit_values(district, "clerk", "2021", {"П3": Given(value="101")})
    submit_values(district, "clerk", "2021", {"П3": Given(value="100")})
    decide(district, "head", "П3", "2021", None, "accept")
    assert monitoring(district, "head", "П3", ["2021"])[0].periods[0].reached


def test_a_school_cannot_give_another_school_s_values(district: Database) -> None:
    with pytest.raises(PermissionDenied, match="вносит сама организация"):
        submit_values(district, "school1", "2021", {"П2": Given(value="3")}, unit=SCHOOLS[1])
    with pytest.raises(UnknownReference):
        submit_values(district, "clerk", "2021", {"П2": Given(value="3")},
                      unit="МБОУ СОШ № 999")
    with pytest.raises(PermissionDenied):
        monitoring(district, "school1")


def test_two_submits_at_once_one_wins(district: Database) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def send(value: str) -> None:
        barrier.wait()
        try:
            submit_values(district, "school1", "2021", {"П2": Given(value=value, version=0)})
            outcomes.append("ok")
        except (ConcurrentUpdate, TransitionNotAllowed):
            outcomes.append("refused")

    threads = [threading.Thread(target=send, args=(v,)) for v in ("3", "4")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["ok", "refused"]
    assert len(_values(district)) == 1
    assert verify(district, "admin").ok


def test_targets_are_changed_by_a_logged_decision(district: Database) -> None:
    info = set_target(district, "clerk", "П1", "2023", "92,5")
    assert info.targets["2023"] == "92.5"
    with pytest.raises(KartaError, match="больше 100 %"):
        set_target(district, "clerk", "П1", "2024", "120")
    with pytest.raises(ConcurrentUpdate):
        set_target(district, "clerk", "П1", "2024", "93", expected_version=1)
    with pytest.raises(PermissionDenied):
        set_target(district, "school1", "П1", "2024", "93")
    assert [i.code for i in list_indicators(district, "school1")] == ["П1", "П2", "П3"]


def test_an_indicator_is_defined_whole_or_not_at_all(district: Database) -> None:
    for fields, message in (
            ({"unit": "штук"}, "единица измерения"),
            ({"rollup": "share_meeting"}, "укажите порог"),
            ({"code": "П 1; DROP"}, "код показателя"),
            ({"targets": {"2021": "сто"}}, "не число"),
            ({"targets": {"21": "5"}}, "укажите год"),
            ({"units": ["МБОУ СОШ № 999"]}, "нет такого подразделения"),
            ({"source": "workflow"}, "укажите их")):
        arguments: dict[str, Any] = {"code": "П7", "name": "Показатель", "unit": "%",
                                     **fields}
        with pytest.raises(KartaError, match=message):
            add_indicator(district, "clerk", **arguments)
    with pytest.raises(PermissionDenied):
        add_indicator(district, "school1", code="П8", name="Показатель", unit="%")
    with pytest.raises(KartaError, match="уже есть"):
        add_indicator(district, "clerk", code="П1", name="Показатель", unit="%")


def test_a_workflow_indicator_is_derived_from_accepted_reports(district: Database) -> None:
    """«Оказана помощь 100% школ с НОР»: the share of the named schools whose reports on
    activity 5 for the year were accepted — computed, never typed."""
    add_indicator(district, "clerk", code="П4", name="Доля школ с НОР, отчёты которых приняты",
                  unit="%", source="workflow", rollup="share_meeting", threshold="100",
                  group_label="школы с НОР", units=SCHOOLS[:2], roadmap_id=1,
                  activities=["5"], targets={"2021": "100"})
    apply_event(district, "1:5@2021", "start", "clerk")
    act(district, "school1", "1:5@2021", "report", comment="проверка проведена")
    act(district, "clerk", "1:5@2021", "accept", unit=SCHOOLS[0])
    figure = monitoring(district, "head", "П4", ["2021"])[0].periods[0]
    assert figure.actual == Decimal("50.0") and figure.reached is False
    assert [s.unit for s in figure.below] == [SCHOOLS[1]]
    assert not _values(district)  # nothing stored


def test_the_command_line_runs_the_cycle_and_refuses_bad_input_in_one_line(
        karta: Karta) -> None:
    for login, roles, unit in (("clerk", "специалист", None), ("head", "руководитель", None),
                               ("school1", "исполнитель", SCHOOLS[0])):
        extra = ["--unit", unit] if unit else []
        assert karta("people", "add", login, "--name", "Иванова Мария Петровна", "--gender",
                     "ж", "--position", "специалист", "--role", roles, *extra).exit_code == 0
    added = karta("indicators", "add", "П1", "Доля обучающихся, преодолевших порог ВПР",
                  "--measure", "%", "--rollup", "взвешенное", "--fraction", "--evidence",
                  "--target", "2021=85", "--target", "2022=87", user="clerk")
    assert added.exit_code == 0, added.output
    refused = karta("indicators", "submit", "2021", "--value", "П1=210/200", "--link",
                    f"П1={LINK}", user="school1")
    assert refused.exit_code != 0
    assert refused.output.strip().splitlines() == [
        "ошибка: П1 (МБОУ СОШ № 1, 2021 год): числитель 210 больше знаменателя 200"]
    assert "не представлено" in karta("indicators", "form", "2021", user="school1").output
    assert karta("indicators", "submit", "2021", "--value", "П1=172/200", "--link",
                 f"П1={LINK}", user="school1").exit_code == 0
    assert karta("indicators", "accept", "П1", "2021", "--unit", SCHOOLS[0],
                 user="head").exit_code == 0
    shown_ = karta("indicators", "monitor", "П1", "--period", "2021", user="head").output
    assert "86\u00a0%" in shown_ and "+1\u00a0%" in shown_ and "1 из 1" in shown_


def test_indicators_proposed_at_import_are_created_only_when_chosen(db: Database) -> None:
    """The clerk chooses among the roadmap's proposals (by their number in the preview,
    with a code or name of their own): the chosen ones are created with the roadmap, in its
    transaction, keeping their source phrase; a wrong choice leaves neither."""
    from registry.roadmaps import preview_import
    from tests.conftest import SEEDS

    yeniseisk = SEEDS / "yeniseisk_roadmap.txt"
    proposed = preview_import(db, yeniseisk, "clerk")["indicators"]
    assert proposed[0]["name"] == "Участие педагогов школ с НОР в работе ГМО"
    with pytest.raises(UnknownReference, match="их 20"):
        import_roadmap(db, yeniseisk, "clerk", indicators=[{"number": 1}, {"number": 99}])
    assert _log_length(db) and not list_indicators(db, "clerk")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM roadmap")).scalar_one() == 0
    result = import_roadmap(db, yeniseisk, "clerk", indicators=[
        {"number": 1, "code": "НОР-1"}, {"number": 6, "name": "Просветительская работа"}])
    assert result.indicators == ["НОР-1", "П1"]
    first, second = list_indicators(db, "clerk")
    assert (first.code, first.unit, first.group_label, first.roadmap_id) == (
        "НОР-1", "%", "школы с НОР", result.roadmap)
    assert first.targets["2022"] == "100"
    assert first.source_phrase == "Участие педагогов школ с НОР в работе ГМО (100%)"
    assert second.name == "Просветительская работа" and second.activities == ["1.10"]
    assert len(proposed) == 20 and verify(db, "admin").ok


def test_the_monitoring_note_names_target_actual_and_who_is_below(district: Database,
                                                                   tmp_path: Any) -> None:
    import docx

    for login, (numerator, denominator) in {"school1": ("172", "200"),
                                            "school2": ("40", "50")}.items():
        submit_values(district, login, "2021", {"П1": Given(numerator=numerator,
                                                            denominator=denominator,
                                                            link=LINK)})
    for name in SCHOOLS[:2]:
        decide(district, "clerk", "П1", "2021", name, "accept")
    with pytest.raises(PermissionDenied):
        make_monitoring_note(district, "school1", "2021")
    document = make_monitoring_note(district, "head", "2021")
    assert document.kind == "monitoring_note" and document.number_text
    with district.reading() as session:
        from registry.documents import document_bytes

        data = document_bytes(district, session.get(type(document), document.id))
    path = tmp_path / "note.docx"
    path.write_bytes(data)
    note = docx.Document(str(path))
    text_ = "\n".join(p.text for p in note.paragraphs).replace("\u00a0", " ")
    assert "о результатах мониторинга показателей за 2021 год" in text_
    assert "Показателей мониторинга – 3: целевое значение достигнуто – 0, не достигнуто – 1" \
        in text_
    table = [[c.text for c in r.cells] for r in note.tables[0].rows]
    # (172 + 40) / (200 + 50) = 84.8 % against 85 %: not reached
    assert table[1][0] == "П1" and table[1][2:] == ["85\u00a0%", "84,8\u00a0%",
                                                    "−0,2\u00a0%", "нет"]
    assert "принято значений: 2 из 3" in table[1][1]
    assert "П1. Доля обучающихся, преодолевших минимальный порог ВПР: МБОУ СОШ № 12 " \
           "(80 %)." in text_
    assert "МБОУ СОШ № 3" in text_  # gave no value
    assert "МБОУ СОШ № 12: проанализировать причины недостижения целевого значения " \
           "показателя П1" in text_
    assert verify(district, "admin").ok


def test_the_annual_report_gains_target_against_actual(district: Database, tmp_path: Any
                                                       ) -> None:
    import docx

    from registry.documents import document_bytes
    from registry.orders import make_annual_report
    from registry.roadmaps import list_roadmaps

    rid = int(str(list_roadmaps(district, "clerk")[0]["ref"])[1:])
    # an indicator of another roadmap is not this roadmap's report's business
    add_indicator(district, "clerk", code="П7", name="Показатель другой дорожной карты",
                  unit="%", roadmap_id=import_roadmap(district, YENISEISK, "clerk").roadmap,
                  targets={"2021": "50"})
    for login in ("school1", "school2"):
        submit_values(district, login, "2021", {"П2": Given(value="12")})
    for name in SCHOOLS[:2]:
        decide(district, "clerk", "П2", "2021", name, "accept")
    document = make_annual_report(district, "clerk", f"R{rid}", 2021)
    with district.reading() as session:
        data = document_bytes(district, session.get(type(document), document.id))
    (tmp_path / "annual.docx").write_bytes(data)
    report = docx.Document(str(tmp_path / "annual.docx"))
    text_ = "\n".join(p.text for p in report.paragraphs)
    assert "4. Достижение целевых значений показателей" in text_
    assert "Показателей – 3, целевое значение достигнуто – 1." in text_
    rows = [[c.text for c in r.cells] for r in report.tables[-1].rows]
    assert [r[0] for r in rows] == ["№", "П1", "П2", "П3"]
    assert rows[2][2:] == ["20\u00a0чел.", "24\u00a0чел.", "+4\u00a0чел.", "да"]
    assert rows[1][3:] == ["—", "—", "—"]  # no value accepted yet


def _note_with_one_below_and_one_missing(district: Database) -> Any:
    submit_values(district, "school1", "2021", {"П1": Given(numerator="172", denominator="200",
                                                            link=LINK)})
    submit_values(district, "school2", "2021", {"П1": Given(numerator="40", denominator="50",
                                                            link=LINK)})
    for name in SCHOOLS[:2]:
        decide(district, "clerk", "П1", "2021", name, "accept")
    return make_monitoring_note(district, "clerk", "2021")


def _text_of(district: Database, document: Any) -> list[str]:
    import io

    import docx

    from registry.documents import document_bytes

    with district.reading() as session:
        data = document_bytes(district, session.get(type(document), document.id))
    return [p.text.replace("\u00a0", " ") for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_an_order_on_the_monitoring_results_is_drafted_from_the_note(district: Database
                                                                      ) -> None:
    from datetime import date, timedelta

    from registry.orders import make_monitoring_order, sign
    from registry.people import local_today
    from workflow.workdays import previous_working_day

    note = _note_with_one_below_and_one_missing(district)
    with pytest.raises(PermissionDenied):
        make_monitoring_order(district, "school1", note.id)
    with pytest.raises(UnknownReference, match="нет такой аналитической справки"):
        make_monitoring_order(district, "clerk", note.id + 100)
    before = _log_length(district)
    order = make_monitoring_order(district, "clerk", note.id)
    assert _log_length(district) == before + 2  # the decision and the draft it made
    assert order.kind == "order_monitoring" and order.status == "draft"
    assert order.title == "Об итогах мониторинга показателей за 2021 год"
    text_ = _text_of(district, order)
    body = "\n".join(text_)
    assert f"По результатам мониторинга показателей за 2021 год (аналитическая справка от " \
           f"{note.doc_date:%d.%m.%Y} № {note.number_text})," in body
    with district.reading() as session:
        from registry.people import organisation

        today = local_today(organisation(session))
    due = f"{previous_working_day(today + timedelta(days=30)):%d.%m.%Y}"
    points = [p for p in text_ if p[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert points[0].startswith("1. Принять к сведению результаты мониторинга: показателей – "
                                "3, целевое значение достигнуто – 0, не достигнуто – 1")
    assert "П1 «Доля обучающихся, преодолевших минимальный порог ВПР» – 84,8 % при цели " \
           "85 %" in points[0]
    assert points[1].startswith("2. Руководителю МБОУ СОШ № 12 проанализировать причины "
                                "недостижения целевого значения показателя П1")
    assert points[1].endswith(f"в срок до {due}.")
    # П2 was given by nobody, П1 by all but one: one point for those owing the same
    assert points[2] == f"3. Руководителям МБОУ СОШ № 1, МБОУ СОШ № 12 представить " \
                        f"значения показателя П2 за 2021 год в срок до {due}."
    assert points[3] == f"4. Руководителю МБОУ СОШ № 3 представить значения показателей " \
                        f"П1, П2 за 2021 год в срок до {due}."
    assert points[4] == "5. Контроль за исполнением настоящего приказа оставляю за собой."
    # the head signs it: a number of the orders' journal
    signed = sign(district, "head", order.id or 0, date.today())
    assert signed.number_text and signed.journal == "orders"
    assert verify(district, "admin").ok


def test_the_order_takes_the_decisions_the_clerk_wrote(district: Database) -> None:
    from registry.orders import make_monitoring_order

    note = _note_with_one_below_and_one_missing(district)
    order = make_monitoring_order(
        district, "clerk", note.id, ["провести совещание с руководителями ОО  ", " "],
        ["Разместить настоящий приказ на официальном сайте"])
    points = [p for p in _text_of(district, order) if p[:2] in ("1.", "2.", "3.", "4.")]
    assert points[1] == "2. Провести совещание с руководителями ОО."
    assert points[2] == "3. Разместить настоящий приказ на официальном сайте."
    assert points[3].startswith("4. Контроль")
    # an order is drafted only from a monitoring справка
    other = apply_event(district, "1:5@2021", "start", "clerk", order=True).documents[0]
    with pytest.raises(UnknownReference):
        make_monitoring_order(district, "clerk", int(str(other["id"])))


def test_the_order_from_the_command_line_and_the_browser(district: Database,
                                                        tmp_path: Any) -> None:



    note = _note_with_one_below_and_one_missing(district)
    karta = Karta(district.url, tmp_path)
    made = karta("indicators", "order", str(note.id), "--decision", "Провести семинар",
                 user="clerk")
    assert made.exit_code == 0, made.stderr
    assert "Проект приказа подготовлен" in made.stdout
    refused = karta("indicators", "order", "9999", user="clerk")
    assert refused.exit_code != 0 and "нет такой аналитической справки" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    client = signed_in(district, "clerk")
    page = client.get(f"/documents/{note.id}")
    assert "Приказ об итогах мониторинга" in page.text
    assert "Руководителю МБОУ СОШ № 12 проанализировать причины" in page.text
    response = client.post("/indicators/order", data={
        "csrf": csrf_of(page.text), "note": str(note.id),
        "decisions": "Руководителю МБОУ СОШ № 12 провести анализ\r\nПровести семинар",
        "points": ""})
    assert response.status_code == 303
    order = client.get(response.headers["location"])
    assert "Об итогах мониторинга показателей за 2021 год" in order.text
