"""Nobody forgets: what a person should know reaches them (issue 21).

A notification is written in the same transaction as the decision it is about (a report
returned to a school, a report to check, a draft to sign or to visa, an extension asked
for) or by the reminders (a due date near, a due date passed). Each person has an inbox
(the count in the page header, a page of them, read or not) and chooses per kind how it
also reaches them: «в karta» only, «по почте» (one message each, sent by ``registry.mail``
with retries), or «ежедневная сводка» (one message a day). A reminder carries a key that is
unique in the database, so it is written once whatever runs it, how often, on how many
servers, with whatever clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from registry.database import Database, upsert_insert, utcnow
from registry.people import acting_person, organisation, roles_of
from registry.tables import Notification as Row
from registry.tables import NotificationChoice, Person, Unit
from workflow.errors import KartaError

# what a person can be told, with the words of the settings page
KINDS = {
    "report_returned": "отчёт возвращён на доработку",
    "report_submitted": "отчёт исполнителя представлен",
    "draft_to_sign": "проект приказа ждёт подписи",
    "draft_to_visa": "проект ждёт визы",
    "deadline_near": "приближается срок",
    "deadline_passed": "срок прошёл",
    "overdue_escalated": "просрочено исполнителями",
    "extension_requested": "просьба продлить срок",
    "collected": "сбор отчётов завершён",
    "substitution": "начинается замещение",
    "indicators_submitted": "представлены значения показателей",
    "indicators_returned": "значение показателя возвращено",
    "acquaintance": "ознакомьтесь с приказом",
    "comment": "вас назвали в комментарии",
}
CHANNELS = {"karta": "в karta", "mail": "по почте", "digest": "ежедневная сводка"}
PAGE = 50


@dataclass(frozen=True)
class Addressed:
    """Who a notification goes to: person ids, or everyone with a role, or a unit's
    people."""

    people: tuple[int, ...] = ()
    roles: tuple[str, ...] = ()
    unit_id: int | None = None


def _recipients(session: Session, to: Addressed) -> list[Person]:
    people = {person.id: person for person in session.exec(select(Person).where(
        col(Person.id).in_(to.people)))} if to.people else {}
    if to.roles or to.unit_id is not None:
        for person in session.exec(select(Person)):  # (confined to the organisation)
            if to.unit_id is not None and person.unit_id == to.unit_id or \
                    to.roles and set(roles_of(person)) & set(to.roles):
                people.setdefault(person.id, person)
    return [person for person in people.values() if person.roles]  # a deactivated: none


def notify(session: Session, to: Addressed, kind: str, title: str, link: str = "",
           dedupe: str | None = None, exclude: Iterable[str] = ()) -> int:
    """Notifications for the people ``to`` names, in the caller's transaction (they land
    with the decision, or not at all); ``exclude`` logins are not told (whoever acted).
    With ``dedupe``, once per person for ever. How many were written."""
    if kind not in KINDS:
        raise KartaError(f"неизвестный вид уведомления «{kind}»")
    left_out = set(exclude)
    written = 0
    now = utcnow()
    org = organisation(session).id or 0
    for person in _recipients(session, to):
        if person.login in left_out:
            continue
        channel = channel_of(session, person, kind)
        key = f"{dedupe}:{person.id}"[:250] if dedupe else None
        values = {"organisation_id": org, "person_id": person.id, "kind": kind,
                  "title": title[:500], "link": link[:300], "created_at": now, "dedupe": key,
                  "mail_state": {"mail": "pending", "digest": "digest"}.get(channel, ""),
                  "mail_attempts": 0, "mail_next_at": now if channel == "mail" else None,
                  "mail_claim": "", "mail_error": ""}
        statement = upsert_insert(session.get_bind().dialect.name)(Row).values(**values)
        written += len(session.execute(statement.on_conflict_do_nothing(
            index_elements=["dedupe"]).returning(Row.__table__.c.id)).all())  # type: ignore[attr-defined]
    return written


def channel_of(session: Session, person: Person, kind: str) -> str:
    """How this person wants this kind: their choice, else by mail when they have an
    address, else in karta only."""
    chosen = session.exec(select(NotificationChoice.channel).where(
        NotificationChoice.person_id == person.id, NotificationChoice.kind == kind)).first()
    if chosen:
        return str(chosen)
    return "mail" if person.email else "karta"


# ----------------------------------------------------------------------------- the inbox

def unread_count(db: Database, login: str) -> int:
    with db.reading() as session:
        person = acting_person(session, login)
        return int(session.exec(select(func.count()).select_from(Row).where(
            col(Row.person_id) == person.id, col(Row.read_at).is_(None))).one())


def inbox(db: Database, login: str | None, unread_only: bool = False, page: int = 1
          ) -> dict[str, Any]:
    """A person's notifications, newest first."""
    with db.reading() as session:
        person = acting_person(session, login)
        conditions = [col(Row.person_id) == person.id]
        if unread_only:
            conditions.append(col(Row.read_at).is_(None))
        total = int(session.exec(select(func.count()).select_from(Row).where(
            *conditions)).one())
        rows = session.exec(select(Row).where(*conditions).order_by(
            col(Row.id).desc()).offset((max(page, 1) - 1) * PAGE).limit(PAGE))
        return {"total": total, "page": max(page, 1), "items": [
            {"id": row.id, "kind": row.kind, "kind_label": KINDS.get(row.kind, row.kind),
             "title": row.title, "link": row.link, "created_at": row.created_at,
             "read": row.read_at is not None,
             "mail": {"pending": "ждёт отправки", "sending": "отправляется",
                      "sent": "отправлено по почте", "failed": "не отправлено",
                      "digest": "в ежедневной сводке", "digested": "отправлено сводкой",
                      }.get(row.mail_state, "")} for row in rows]}


def mark_read(db: Database, login: str | None, ids: list[int] | None = None) -> int:
    """Mark a person's notifications read (those given, or all); how many."""
    with db.transaction(exclusive=False) as session:
        person = acting_person(session, login)
        statement = update(Row).where(col(Row.person_id) == person.id,
                                      col(Row.read_at).is_(None))
        if ids is not None:
            statement = statement.where(col(Row.id).in_(ids))
        return int(session.execute(statement.values(read_at=utcnow())).rowcount or 0)  # type: ignore[attr-defined]


def choices(db: Database, login: str | None) -> dict[str, str]:
    """The person's channel for every kind (their default where not chosen)."""
    with db.reading() as session:
        person = acting_person(session, login)
        return {kind: channel_of(session, person, kind) for kind in KINDS}


def choose(db: Database, login: str | None, kind: str, channel: str) -> None:
    if kind not in KINDS:
        raise KartaError(f"неизвестный вид уведомления «{kind}»")
    if channel not in CHANNELS:
        raise KartaError(f"неизвестный способ «{channel}»: {', '.join(CHANNELS)}")
    with db.transaction(exclusive=False) as session:
        person = acting_person(session, login)
        if channel != "karta" and not person.email:
            raise KartaError("укажите адрес электронной почты в профиле, чтобы получать "
                             "уведомления по почте")
        statement = upsert_insert(session.get_bind().dialect.name)(NotificationChoice).values(
            person_id=person.id, kind=kind, channel=channel)
        session.execute(statement.on_conflict_do_update(
            index_elements=["person_id", "kind"], set_={"channel": channel}))


# ----------------------------------------------------------------------------- addressing

def unit_people(session: Session, unit_id: int | None) -> Addressed:
    return Addressed(unit_id=unit_id) if unit_id is not None else Addressed()


def unit_name(session: Session, unit_id: int | None) -> str:
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    return unit.name if unit else ""


def local_day(moment: datetime, zone: str) -> date:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone)).date()
