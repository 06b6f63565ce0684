"""Occurrences from deadlines in the database: re-expansion, on demand, what is due,
calendars and the annual report."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from registry.database import Database
from registry.documents import regenerate
from registry.occurrences import apply_event, history
from registry.orders import make_annual_report
from registry.roadmaps import import_roadmap, list_activities
from registry.schedule import (
    add_occurrence,
    agenda,
    calendar_ics,
    overdue,
    set_deadline,
    set_period,
)
from tests.conftest import SLAVGOROD, YENISEISK, ZAOZERSK, Karta
from tests.docx_structure import structure
from workflow.errors import KartaError
from workflow.importing import Period


def _occurrences(db: Database, code: str) -> list[dict[str, object]]:
    [row] = [a for a in list_activities(db, "admin") if a["code"] == code]
    return row["occurrences"]  # type: ignore[return-value]


def test_re_expanding_keeps_state_and_history(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    apply_event(db, f"{rid}:1@2023", "start", "clerk")
    result = set_period(db, "admin", f"R{rid}", Period(2022, 2024))
    assert f"{rid}:1@2024" in result.added
    assert f"{rid}:1@2021" in result.removed  # never started: gone
    assert [o["period"] for o in _occurrences(db, "1")] == ["2022", "2023", "2024"]
    assert [o["state"] for o in _occurrences(db, "1")] == ["planned", "in_progress", "planned"]
    apply_event(db, f"{rid}:2@2022", "start", "clerk")
    result = set_deadline(db, "admin", f"{rid}:2", "Ежегодно, август")
    assert f"{rid}:2@2022" in result.moved
    occurrences = _occurrences(db, "2")
    assert occurrences[0]["state"] == "in_progress"
    assert [o["due"] for o in occurrences] == ["2022-08-31", "2023-08-31", "2024-08-30"]
    result = set_deadline(db, "admin", f"{rid}:2", "Декабрь 2023")
    assert result.kept == [f"{rid}:2@2022"]  # started: kept with its history
    assert [o["period"] for o in _occurrences(db, "2")] == ["2022", "2023"]
    assert [e["event"] for e in history(db, f"{rid}:2@2022", "admin")] == ["start"]
    assert [e["event"] for e in history(db, f"R{rid}", "admin")
            if str(e["event"]).startswith("set_")] == ["set_period", "set_deadline",
                                                       "set_deadline"]
    with pytest.raises(KartaError, match="31.02.2021 не существует"):
        set_deadline(db, "admin", f"{rid}:2", "до 31.02.2021")


def test_on_demand_activities_get_occurrences_when_added(db: Database) -> None:
    rid = import_roadmap(db, SLAVGOROD, "clerk", period=Period(2020, 2022)).roadmap
    assert _occurrences(db, "3.3") == []  # «По мере выявления»
    ref = add_occurrence(db, "clerk", f"{rid}:3.3", "2021-03", date(2021, 3, 31),
                         "запрос МБОУ СОШ № 5")
    assert ref == f"{rid}:3.3@2021-03"
    [occurrence] = _occurrences(db, "3.3")
    assert occurrence["due"] == "2021-03-31" and occurrence["state"] == "planned"
    apply_event(db, ref, "start", "clerk")
    with pytest.raises(KartaError, match="уже есть"):
        add_occurrence(db, "clerk", f"{rid}:3.3", "2021-03")
    with pytest.raises(KartaError, match="неверный период"):
        add_occurrence(db, "clerk", f"{rid}:3.3", "весна")


def test_overdue_and_agenda(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    apply_event(db, f"{rid}:1@2021", "start", "clerk")
    apply_event(db, f"{rid}:1@2021", "report", "clerk", comment="сделано")
    late = overdue(db, "admin", date(2022, 1, 10))
    assert len(late) == 20  # 21 yearly activities due 30.12.2021, one reported
    assert all(item.due == date(2021, 12, 30) for item in late)
    assert f"{rid}:1@2021" not in [item.ref for item in late]
    groups = agenda(db, "admin", date(2022, 12, 20), days=14)
    assert set(groups) == {"МКУ «Управление образования ЗАТО город Заозерск»", "ОО"}
    items = groups["ОО"]
    assert {item.days for item in items} == {-355, 10}  # 2021 overdue, 2022 due in 10 days
    assert agenda(db, "admin", date(2022, 12, 20), days=14, executor="нет такого") == {}


def test_calendar_is_valid_ics_with_reminders(db: Database) -> None:
    rid = import_roadmap(db, YENISEISK, "clerk").roadmap
    data = calendar_ics(db, "admin", f"R{rid}")
    calendar = Calendar.from_ical(data)
    events = [c for c in calendar.walk("VEVENT")]
    dated = sum(1 for a in list_activities(db, "admin") for o in a["occurrences"]  # type: ignore[union-attr]
                if o["due"])
    assert len(events) == dated
    first = events[0]
    assert str(first["uid"]).startswith(f"{rid}:") and first["dtstart"].dt <= first["dtend"].dt
    assert [str(a["trigger"].dt) for a in first.walk("VALARM")] == ["-7 days, 0:00:00",
                                                                    "-1 day, 0:00:00"]
    assert calendar_ics(db, "admin", f"R{rid}") == data  # stable


def test_annual_report_counts_lists_and_chart(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    for code in ("1", "2"):
        ref = f"{rid}:{code}@2022"
        apply_event(db, ref, "start", "clerk")
        apply_event(db, ref, "report", "clerk", comment="отчёт")
        apply_event(db, ref, "analyse", "head", comment="Цели достигнуты")
    apply_event(db, f"{rid}:3@2022", "cancel", "head", comment="Вебинары не проводились")
    document = make_annual_report(db, "admin", f"R{rid}", 2022, date(2022, 12, 31))
    context = json.loads(document.context)
    assert context["totals"]["total"] == 21
    assert (context["totals"]["done"], context["totals"]["cancelled"],
            context["totals"]["overdue"]) == (2, 1, 18)
    assert context["totals"]["percent"] == 10  # 2 of 20 not cancelled
    shape = structure(db.store.read(document.file_path))
    assert any("проанализировано – 2" in p for p in shape["paragraphs"])
    assert "– 3. Участие в вебинарах по вопросам обеспечения объективности оценки " \
           "образовательных результатов при проведении Всероссийских проверочных работ " \
           "(далее - ВПР) в Мурманской области (2022 г.): вебинары не проводились." \
           in shape["paragraphs"]
    # a roadmap without sections: no one-row table and no one-bar chart (issue 23, item 13)
    assert shape["tables"] == []
    assert "1. Выполненные мероприятия" in shape["paragraphs"]
    assert not any("по разделам" in p for p in shape["paragraphs"])
    import docx

    assert len(docx.Document(io.BytesIO(db.store.read(document.file_path))).inline_shapes) == 0
    assert regenerate(db, "admin", document.id or 0)["identical"]


def test_the_annual_report_by_sections_gives_the_names_room_and_keeps_the_total(
        db: Database) -> None:
    """Issue 23, item 13: with sections, their table gives the names most of the width
    (the numbers' headers break at soft hyphens), every section row is kept with the next
    so «Всего» never starts a page alone, and the chart is there."""
    import docx


    rid = import_roadmap(db, SLAVGOROD, "clerk", Period(2021, 2022)).roadmap
    document = make_annual_report(db, "admin", f"R{rid}", 2021, date(2021, 12, 31))
    data = db.store.read(document.file_path)
    shape = structure(data)
    assert "1. Исполнение по разделам" in shape["paragraphs"]
    assert "2. Выполненные мероприятия" in shape["paragraphs"]
    table = docx.Document(io.BytesIO(data)).tables[0]
    widths = [column.width.mm for column in table.columns]  # type: ignore[union-attr]
    assert widths[0] > 65 and max(widths[1:]) < 21, widths  # was 3 cm: 7–9 lines a name
    rows = table.rows
    assert [cell.text for cell in rows[-1].cells][0] == "Всего"
    for row in rows[1:-1]:  # the section rows, each with the next
        assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
    assert len(docx.Document(io.BytesIO(data)).inline_shapes) == 1  # the chart


def test_deadline_command(karta: Karta) -> None:
    result = karta("deadline", "Ежеквартально", "--period", "2021-2023", "--json", user=None)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert data["kind"] == "quarterly" and len(data["occurrences"]) == 12
    assert data["occurrences"][3] == {"period": "2021-Q4", "start": "2021-10-01",
                                      "due": "2021-12-31", "due_working_day": "2021-12-30",
                                      "day_off": "Выходной (перенесено с 03.01.2021)"}
    text = karta("deadline", "Декабрь 2021", user=None).output
    assert "2021: с 01.12.2021, срок 31.12.2021 → 30.12.2021 (рабочий день)" in text
    text = karta("deadline", "Декабрь 2020", user=None).output  # a working Thursday
    assert "2020: с 01.12.2020, срок 31.12.2020\n" in text
    bad = karta("deadline", "31.02.2021", user=None)
    assert bad.exit_code == 1
    assert bad.stderr.strip() == ("ошибка: сроки «31.02.2021» не распознаны: дата 31.02.2021 не "
                                  "существует")
    bad = karta("deadline", "Ежегодно", "--period", "2024-2021", user=None)
    assert "период заканчивается раньше, чем начинается" in bad.stderr


def test_schedule_commands(karta: Karta, tmp_path: Path) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    result = karta("activities", "--overdue", "--as-of", "10.01.2022", "--json")
    assert len(json.loads(result.output)) == 21
    result = karta("agenda", "--as-of", "20.12.2022", "--days", "14", "--executor", "ОО")
    assert result.exit_code == 0 and "просрочено" in result.output and "355" in result.output
    ics = tmp_path / "plan.ics"
    assert karta("calendar", "--roadmap", "1", "--out", str(ics)).exit_code == 0
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")
    result = karta("set-period", "R1", "2022-2024")
    assert "Добавлено исполнений: 21; сроки изменены: 0; удалено (не начатых): 21." in \
        result.output
    result = karta("occurrence", "add", "1:5", "--period", "2022-05", "--due", "31.05.2022")
    assert result.output.strip() == "Добавлено исполнение 1:5@2022-05."
    result = karta("annual-report", "--roadmap", "1", "--year", "2022", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["kind"] == "annual_report"
    result = karta("annual-report", "--roadmap", "1")
    assert result.exit_code == 2 and "не указан обязательный параметр «--year»" in \
        result.stderr
    bad = karta("activities", "--overdue", "--as-of", "31.02.2022")
    assert bad.exit_code == 1 and "неверная дата «31.02.2022»" in bad.stderr
