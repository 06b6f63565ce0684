"""Reminders and escalation, by the production calendar, exactly once.

For every open assignment (a school that owes a report) and every occurrence in progress
without assignments: its people are reminded N working days before the due date (N per
organisation; 5 and 1 by default) and the day after it; K working days overdue the head is
told (escalation). Each reminder's key names the thing, its due date and the step, and keys
are unique in the database: a run repeated, two servers running it at once, a clock that
jumps back — each reminder is written once. A reminder written is a notification (inbox,
mail or digest as the person chose) and one log event per run names how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from registry.database import Database, upsert_insert, utcnow
from registry.history import record
from registry.people import local_today
from registry.tables import (
    Activity,
    Assignment,
    MailSettings,
    NotificationChoice,
    Occurrence,
    Organisation,
    Person,
)
from registry.tables import Notification as Row
from workflow.assignments import OWING
from workflow.refs import occurrence_ref
from workflow.workdays import working_days_between

DEFAULT_BEFORE = (5, 1)
DEFAULT_ESCALATE = 3


# calendar days that surely hold n working days (weekends and the longest run of public
# holidays, the New Year's ten days): only deadlines that near are counted day by day
def calendar_span(working: int) -> timedelta:
    return timedelta(days=working * 2 + 21)


@dataclass
class Reminded:
    """What one run wrote."""

    near: int = 0
    passed: int = 0
    escalated: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def remind(db: Database, today: date | None = None) -> Reminded:
    """Write the reminders due today in every organisation (idempotent)."""
    result = Reminded()
    with db.engine.connect() as connection:
        organisations = list(connection.execute(select(Organisation.__table__)))  # type: ignore[attr-defined]
    for org in organisations:
        day = today or local_today(org)  # type: ignore[arg-type]
        _organisation(db, org, day, result)
    return result


def _organisation(db: Database, org: Any, today: date, result: Reminded) -> None:
    people_table = Person.__table__  # type: ignore[attr-defined]
    with db.engine.connect() as connection:
        settings = connection.execute(select(MailSettings.__table__).where(  # type: ignore[attr-defined]
            MailSettings.__table__.c.organisation_id == org.id)).first()  # type: ignore[attr-defined]
        before = tuple(int(d) for d in settings.remind_before.split(",") if d) \
            if settings else DEFAULT_BEFORE
        escalate = settings.escalate_after if settings else DEFAULT_ESCALATE
        people = list(connection.execute(select(people_table).where(
            people_table.c.organisation_id == org.id, people_table.c.roles != "")))
        chosen = {(row.person_id, row.kind): row.channel for row in connection.execute(
            select(NotificationChoice.__table__))}  # type: ignore[attr-defined]
        assignments = list(connection.execute(
            select(Assignment.__table__, Activity.__table__.c.roadmap_id,  # type: ignore[attr-defined]
                   Activity.__table__.c.code, Activity.__table__.c.title,  # type: ignore[attr-defined]
                   Occurrence.__table__.c.period)  # type: ignore[attr-defined]
            .join(Occurrence.__table__, Occurrence.__table__.c.id ==  # type: ignore[attr-defined]
                  Assignment.__table__.c.occurrence_id)  # type: ignore[attr-defined]
            .join(Activity.__table__, Activity.__table__.c.id ==  # type: ignore[attr-defined]
                  Occurrence.__table__.c.activity_id)  # type: ignore[attr-defined]
            .where(Assignment.__table__.c.organisation_id == org.id,  # type: ignore[attr-defined]
                   Assignment.__table__.c.state.in_(OWING),  # type: ignore[attr-defined]
                   Occurrence.__table__.c.state == "in_progress",  # type: ignore[attr-defined]
                   Assignment.__table__.c.due.between(  # type: ignore[attr-defined]
                       today - calendar_span(max(escalate, 1)),
                       today + calendar_span(max(before, default=0))))))
    by_unit: dict[int, list[Any]] = {}
    heads, clerks = [], []
    for person in people:
        roles = set(person.roles.split(","))
        if person.unit_id is not None and "executor" in roles:
            by_unit.setdefault(person.unit_id, []).append(person)
        if "head" in roles:
            heads.append(person)
        if "clerk" in roles:
            clerks.append(person)
    rows: list[dict[str, Any]] = []
    now = utcnow()

    def add(to: list[Any], kind: str, title: str, link: str, key: str) -> None:
        for person in to:
            channel = chosen.get((person.id, kind)) or ("mail" if person.email else "karta")
            rows.append({"organisation_id": org.id, "person_id": person.id, "kind": kind,
                         "title": title[:500], "link": link, "created_at": now,
                         "dedupe": f"{key}:{person.id}"[:250],
                         "mail_state": {"mail": "pending", "digest": "digest"}.get(
                             channel, ""), "mail_attempts": 0,
                         "mail_next_at": now if channel == "mail" else None,
                         "mail_claim": "", "mail_error": ""})

    counts = {"near": 0, "passed": 0, "escalated": 0}
    for row in assignments:
        ref = occurrence_ref(row.roadmap_id, row.code, row.period)
        left = working_days_between(today, row.due)
        what = f"{ref} «{row.title[:80]}» ({row.executor})"
        link = f"/o/{ref}#executors"
        owners = by_unit.get(row.unit_id, []) if row.unit_id is not None else clerks
        if left in before:
            add(owners, "deadline_near", f"Срок отчёта {row.due:%d.%m.%Y}: {what}", link,
                f"near:a{row.id}:{row.due}:{left}")
            counts["near"] += 1
        elif left == -1:
            add(owners, "deadline_passed", f"Срок отчёта прошёл {row.due:%d.%m.%Y}: {what}",
                link, f"passed:a{row.id}:{row.due}")
            counts["passed"] += 1
        elif left == -escalate:
            add(heads + clerks, "overdue_escalated", f"Просрочено на {escalate} раб. дн.: "
                f"{what}", link, f"escalated:a{row.id}:{row.due}")
            counts["escalated"] += 1
    if not rows:
        return
    written = 0
    table = Row.__table__  # type: ignore[attr-defined]
    with db.transaction(exclusive=False) as session:
        session.info["organisation_id"] = org.id
        connection = session.connection()
        # a day's second run finds its reminders written: skip them before inserting
        # (a runner at the same moment is still kept out by the unique dedupe key)
        keys = [row["dedupe"] for row in rows]
        present: set[str] = set()
        for chunk in range(0, len(keys), 900):
            present.update(connection.execute(select(table.c.dedupe).where(
                table.c.organisation_id == org.id,
                table.c.dedupe.in_(keys[chunk:chunk + 900]))).scalars())
        fresh = [row for row in rows if row["dedupe"] not in present]
        if fresh:
            # one statement sent for many rows (compiled once); RETURNING gives the rows
            # actually written, since a driver's row count of ON CONFLICT is unreliable
            statement = upsert_insert(connection.dialect.name)(table).on_conflict_do_nothing(
                index_elements=["dedupe"]).returning(table.c.id)
            written = len(connection.execute(statement, fresh).all())
        if written:
            record(session, login="karta", object_ref="напоминания", event="reminders",
                   comment=f"напоминаний: {written} (о сроке {counts['near']}, о просрочке "
                           f"{counts['passed']}, руководителю {counts['escalated']})")
    if written:
        result.near += counts["near"]
        result.passed += counts["passed"]
        result.escalated += counts["escalated"]


