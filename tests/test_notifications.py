"""Nobody forgets (issue 21): an inbox for everyone, mail through a real SMTP server the
test starts (aiosmtpd), retries while it is down and nothing lost, reminders exactly once
across runs and runners, a header injection that stays text."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes
from email.message import Message
from email.policy import default
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.assignments import act
from registry.database import Database, utcnow
from registry.mail import send_pending, set_mail
from registry.notifications import choose, inbox, mark_read
from registry.occurrences import apply_event
from registry.people import add_person, update_person
from registry.reminders import calendar_span, remind
from registry.roadmaps import import_roadmap
from tests.browser import free_port
from tests.conftest import ZAOZERSK, pinned_today
from workflow.errors import KartaError
from workflow.workdays import working_days_between

SCHOOL = "МБОУ СОШ № 1"


class Inbox:
    """A real SMTP server on a free local port, keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.port = free_port()
        self.refuse: set[str] = set()
        outer = self

        class Handler:
            async def handle_RCPT(self, server: Any, session: Any, envelope: Any,  # noqa: N802
                                  address: str, options: Any) -> str:
                if address in outer.refuse:
                    return "550 no such mailbox"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server: Any, session: Any,  # noqa: N802
                                  envelope: Any) -> str:
                outer.messages.append(message_from_bytes(envelope.content, policy=default))
                return "250 Message accepted"

        self.handler = Handler()
        self.controller: Any = None

    def start(self) -> None:  # a fresh server each time (as a restarted one would be)
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    server = Inbox()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def office(db: Database, smtp: Inbox) -> Database:
    add_person(db, "admin", "school", "Петров Пётр Петрович", "m", "завуч", ["executor"],
               unit=SCHOOL)
    for login, address in (("school", "school1@example.org"), ("clerk", "clerk@example.org"),
                           ("head", "head@example.org")):
        update_person(db, "admin", login, {"email": address})
    set_mail(db, "admin", host="127.0.0.1", port=smtp.port, security="none",
             sender="karta@example.org", site="https://karta.example.org")
    import_roadmap(db, ZAOZERSK, "clerk")
    return db


def _titles(db: Database, login: str) -> list[str]:
    return [n["title"] for n in inbox(db, login)["items"]]


def test_a_returned_report_reaches_the_school_in_karta_and_by_mail(
        office: Database, smtp: Inbox) -> None:
    apply_event(office, "1:5@2021", "start", "clerk")
    act(office, "school", "1:5@2021", "report", comment="Проверка проведена")
    assert any("Отчёт представлен: 1:5@2021 / МБОУ СОШ № 1" in t
               for t in _titles(office, "clerk"))
    act(office, "head", "1:5@2021", "return", unit=SCHOOL, comment="Нет протоколов")
    told = _titles(office, "school")
    assert told == ["Отчёт возвращён на доработку: 1:5@2021 / МБОУ СОШ № 1 — Нет протоколов"]
    result = send_pending(office)
    assert result.sent >= 3 and result.failed == 0
    to_school = [m for m in smtp.messages if "school1@example.org" in m["To"]]
    assert len(to_school) == 1
    body = to_school[0].get_payload(decode=True).decode()
    assert "https://karta.example.org/o/1:5@2021#executors" in body
    assert "Нет протоколов" in body and "Проверка проведена" not in body  # titles only
    assert send_pending(office).sent == 0  # sent once
    assert mark_read(office, "school") == 1 and inbox(office, "school", True)["total"] == 0


def test_a_mail_server_down_delays_mail_and_loses_none(office: Database,
                                                       smtp: Inbox) -> None:
    apply_event(office, "1:5@2021", "start", "clerk", order=True)  # a draft to sign
    smtp.stop()
    down = send_pending(office)
    assert down.sent == 0 and down.retried >= 1 and down.failed == 0
    assert "почтовый сервер недоступен" in (down.errors or [""])[0]
    assert send_pending(office).sent == 0  # not due again before its back-off
    smtp.start()
    later = send_pending(office, now=utcnow() + timedelta(minutes=2))
    assert later.sent == down.retried
    subjects = [m["Subject"] for m in smtp.messages]
    assert any("Проект приказа на подпись" in str(s) for s in subjects)
    assert send_pending(office, now=utcnow() + timedelta(hours=1)).sent == 0


def test_a_refused_address_fails_alone_and_a_name_cannot_add_headers(
        office: Database, smtp: Inbox) -> None:
    update_person(office, "admin", "school", {
        "full_name": "Петров Пётр\r\nBcc: thief@example.org Петрович"})
    smtp.refuse.add("clerk@example.org")
    apply_event(office, "1:5@2021", "start", "clerk")
    act(office, "school", "1:5@2021", "report", comment="отчёт")
    act(office, "head", "1:5@2021", "return", unit=SCHOOL, comment="доработать")
    result = send_pending(office)
    assert result.failed >= 1 and result.sent >= 1  # the clerk's bounced, others went
    for message in smtp.messages:
        assert message["Bcc"] is None
        assert "thief" not in str(message["To"]) or "\n" not in str(message["To"])
    with pytest.raises(KartaError, match="не адрес электронной почты"):
        update_person(office, "admin", "head", {"email": "head@example.org\r\nBcc: x@y.z"})


def test_reminders_are_written_once_whatever_runs_them(office: Database) -> None:
    apply_event(office, "1:5@2021", "start", "clerk")
    # the school's due date is 23.12.2021; 5 working days before it is 16.12.2021
    with pinned_today(date(2021, 12, 16)):
        first = remind(office, date(2021, 12, 16))
        again = remind(office, date(2021, 12, 16))
    assert first.near >= 1 and again.near == 0
    near = [t for t in _titles(office, "school") if t.startswith("Срок отчёта 23.12.2021")]
    assert len(near) == 1
    remind(office, date(2021, 12, 24))  # the day after: passed
    remind(office, date(2021, 12, 24))
    passed = [t for t in _titles(office, "school") if "прошёл" in t]
    assert len(passed) == 1
    remind(office, date(2021, 12, 28))  # 3 working days overdue: the head is told
    assert any(t.startswith("Просрочено на 3 раб. дн.") for t in _titles(office, "head"))
    act(office, "school", "1:5@2021", "report", comment="отчёт")
    before = len(_titles(office, "school"))
    remind(office, date(2021, 12, 29))
    assert len(_titles(office, "school")) == before  # none after the report is in


def test_two_runners_at_once_send_each_message_once(office: Database, smtp: Inbox) -> None:
    apply_event(office, "1:5@2021", "start", "clerk")
    for _ in range(3):
        act(office, "school", "1:5@2021", "report", comment="отчёт")
        act(office, "head", "1:5@2021", "return", unit=SCHOOL, comment="ещё раз")
    threads = [threading.Thread(target=send_pending, args=(office,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recipients = [m["To"] for m in smtp.messages]
    assert len(recipients) == 9  # 3 reports to clerk and head, 3 returns to the school
    assert send_pending(office).sent == 0


def test_a_digest_instead_of_single_messages(office: Database, smtp: Inbox) -> None:
    choose(office, "clerk", "report_submitted", "digest")
    apply_event(office, "1:5@2021", "start", "clerk")
    act(office, "school", "1:5@2021", "report", comment="отчёт")
    today = send_pending(office)
    assert not [m for m in smtp.messages if "clerk@example.org" in m["To"]]
    tomorrow = send_pending(office, now=utcnow() + timedelta(days=1))
    assert tomorrow.digests == 1
    digest = [m for m in smtp.messages if "clerk@example.org" in m["To"]]
    assert len(digest) == 1 and "сводка" in str(digest[0]["Subject"])
    assert today.digests == 0


def test_the_smtp_password_is_sealed_outside_the_database(office: Database,
                                                           smtp: Inbox) -> None:
    set_mail(office, "admin", host="127.0.0.1", port=smtp.port, security="none",
             user="karta", password="секретный-пароль-smtp", sender="karta@example.org")
    with office.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT password_sealed FROM mailsettings").scalar()
        logged = " ".join(connection.exec_driver_sql(
            "SELECT comment || details FROM historyevent").scalars())
    assert stored and "секретный" not in stored
    assert "секретный" not in logged and "пароль задан" in logged


def test_ten_thousand_open_assignments_are_each_reminded_once(db: Database) -> None:
    """The reminder run at size: 10,000 open assignments (bulk rows of a real
    organisation) are each reminded, and a second run writes nothing (its time is measured
    in bench/bench_assignments.py, not here)."""
    from sqlalchemy import insert

    from registry.tables import Assignment, Occurrence

    for number in range(1, 11):
        add_person(db, "admin", f"s{number}", "Петров Пётр Петрович", "m", "завуч",
                   ["executor"], unit=f"МБОУ СОШ № {number}")
    import_roadmap(db, ZAOZERSK, "clerk")
    with db.engine.begin() as connection:
        units = [row[0] for row in connection.exec_driver_sql("SELECT id FROM unit")]
        occurrences = [row[0] for row in connection.exec_driver_sql(
            "SELECT id FROM occurrence")]
        connection.execute(Occurrence.__table__.update().values(state="in_progress"))  # type: ignore[attr-defined]
        rows = [{"organisation_id": 1, "occurrence_id": occurrence, "unit_id": unit,
                 "executor": "школа", "executor_key": f"unit:{unit}:{copy}",
                 "state": "assigned", "due": date(2022, 3, 1), "report": "",
                 "returns": 0, "extension": "", "version": 1, "last_event": 0}
                for occurrence in occurrences for unit in units for copy in range(17)]
        connection.execute(insert(Assignment.__table__), rows[:10_000])  # type: ignore[attr-defined]
    first = remind(db, date(2022, 2, 21))  # 5 working days before 01.03.2022
    assert first.near == 10_000
    assert remind(db, date(2022, 2, 21)).near == 0


def test_a_deputy_signs_for_the_absent_head_as_acting_head(db: Database) -> None:
    """During a substitution the deputy signs the head's drafts «И.о. начальника …» with no
    option typed, gives the head's visas, and the log names both; after it, nothing."""
    from registry.audit import read_log
    from registry.orders import sign
    from registry.people import set_substitution
    from tests.docx_structure import text_of
    from workflow.errors import PermissionDenied

    add_person(db, "admin", "deputy", "Петрова Ольга Николаевна", "f",
               "заместитель начальника", ["clerk"])
    import_roadmap(db, ZAOZERSK, "clerk")
    started = apply_event(db, "1:5@2021", "start", "clerk", order=True)
    draft = int(str(started.documents[0]["id"]))
    with pytest.raises(KartaError, match="сам себя"):
        set_substitution(db, "admin", "head", "head", date(2021, 3, 1), date(2021, 3, 10),
                         "отпуск")
    set_substitution(db, "admin", "head", "deputy", date(2021, 3, 1), date(2021, 3, 10),
                     "отпуск, приказ № 12-к")
    with pytest.raises(KartaError, match="уже есть замещение"):
        set_substitution(db, "admin", "head", "clerk", date(2021, 3, 5), date(2021, 3, 20),
                         "командировка")
    with pinned_today(date(2021, 3, 15)), pytest.raises(PermissionDenied):
        sign(db, "deputy", draft)  # not during the substitution: no head's rights
    with pinned_today(date(2021, 3, 2)):
        assert any("Вы замещаете" in t for t in _titles(db, "deputy"))
        signed = sign(db, "deputy", draft)
    text = text_of(db.store.read(signed.file_path)).replace("\u00a0", " ")
    assert "И.о. начальника МКУ «Управление образования ЗАТО город Заозерск»" in text
    assert "О.Н. Петрова" in text
    event = next(e for e in read_log(db, "admin") if e["event"] == "sign")
    assert event["user"] == "deputy" and event["details"]["acting_for"] == ["head"]
    assert "за Андреева Светлана Леонидовна" in event["name"]


@given(today=st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 12, 31)),
       working=st.integers(min_value=1, max_value=10), late=st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_reminder_window_holds_every_day_a_reminder_is_due(today: date, working: int,
                                                               late: bool) -> None:
    """The run reads only deadlines within calendar_span of today: any deadline ``working``
    working days ahead (or behind) lies inside it, New Year's holidays and all."""
    step = timedelta(days=-1 if late else 1)
    due = today
    while abs(working_days_between(today, due)) < working:
        due += step
    assert abs((due - today).days) <= calendar_span(working).days
