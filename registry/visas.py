"""The approval route of a draft order (лист согласования, DOMAIN §7): the clerk sends the
draft to named officials; each gives a visa or returns the draft with remarks; signing waits
until every visa of the current round is given. A draft corrected after visas were given or
refused goes round again to the same people. Every step is logged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from documents import russian
from registry.database import Database, utcnow
from registry.history import VISA_STATES, record
from registry.people import acting_person, organisation, roles_of
from registry.state import Touch
from registry.tables import Document, Organisation, Person, Visa
from workflow.errors import KartaError, PermissionDenied, said


def current_round(session: Session, document_id: int) -> list[Visa]:
    """The visas of the draft's last round, in the order of the sheet (empty: never sent)."""
    last = session.exec(select(func.max(Visa.round_number)).where(
        Visa.document_id == document_id)).one()
    if not last:
        return []
    return list(session.exec(select(Visa).where(
        Visa.document_id == document_id, Visa.round_number == last)
        .order_by(col(Visa.place))))


def _name(visa: Visa) -> str:
    return russian.initials_then_surname(visa.person_name)


def missing(visas: list[Visa]) -> list[str]:
    """Who has not given a visa yet, as the refusal names them."""
    given = []
    for visa in visas:
        if visa.status == "pending":
            given.append(f"{_name(visa)} ({visa.person_position})")
        elif visa.status == "returned":
            given.append(f"{_name(visa)} (вернул(а) проект с замечаниями)")
    return given


def require_approved(session: Session, document: Document) -> None:
    """Refuse to sign a draft whose route has visas missing, naming whose."""
    absent = missing(current_round(session, document.id or 0))
    if absent:
        raise KartaError(f"проект {document.id} не согласован, подписать нельзя: нет виз — "
                         + "; ".join(absent))


def approval_data(session: Session, document: Document,
                  org: Organisation) -> dict[str, Any] | None:
    """What the approval sheet prints (None when the draft was never sent for visas)."""
    visas = current_round(session, document.id or 0)
    if not visas:
        return None
    zone = ZoneInfo(org.timezone)
    rows = []
    for visa in visas:
        when = None
        if visa.decided_at is not None and visa.status != "pending":
            at = visa.decided_at if visa.decided_at.tzinfo else \
                visa.decided_at.replace(tzinfo=UTC)
            when = at.astimezone(zone).date().isoformat()
        rows.append({"position": russian.upper_first(visa.person_position),
                     "name": _name(visa), "date": when, "status": visa.status,
                     "remarks": visa.remarks})
    return {"title": document.title, "round": visas[0].round_number, "rows": rows}


def _draft(session: Session, document_id: int) -> Document:
    from registry.orders import _draft_order

    return _draft_order(session, document_id)


def _colleague(session: Session, actor: Person, login: str) -> Person:
    from registry.documents import require_full_name

    person = session.exec(select(Person).where(
        Person.login == login.strip(), Person.organisation_id == actor.organisation_id)).first()
    if person is None:
        raise KartaError(f"нет пользователя «{login.strip()}» в вашей организации "
                         + said("(karta people)"))
    require_full_name(person)
    if not person.position.strip():
        raise KartaError(f"у пользователя «{person.login}» не указана должность: она "
                         "печатается в листе согласования "
                         + said(f"(karta people set {person.login} --position «…»)",
                                "(«Администрирование» → «Пользователи»)"))
    return person


def _new_round(session: Session, document: Document, people: list[Person],
               sender: str) -> list[Touch]:
    last = session.exec(select(func.max(Visa.round_number)).where(
        Visa.document_id == document.id)).one() or 0
    now = utcnow()
    rows = [Visa(organisation_id=document.organisation_id, document_id=document.id or 0,
                 round_number=last + 1, place=place, person_id=person.id or 0,
                 person_position=person.position.strip(), person_name=person.full_name,
                 sent_at=now, sent_by=sender) for place, person in enumerate(people, start=1)]
    session.add_all(rows)
    session.flush()
    return [("visa", row.id or 0) for row in rows]


def send_for_visas(db: Database, login: str | None, document_id: int,
                   logins: list[str]) -> list[Visa]:
    """Send a draft order to the people named (or, with none named, again to the people of
    its last round) for their visas."""
    with db.transaction() as session:
        person = acting_person(session, login, "route")
        document = _draft(session, document_id)
        current = current_round(session, document_id)
        waiting = [visa for visa in current if visa.status == "pending"]
        if waiting and (logins or len(waiting) == len(current)):
            raise KartaError(f"проект {document_id} уже на согласовании: ждут визы — "
                             + ", ".join(_name(visa) for visa in waiting))
        if logins:
            people = [_colleague(session, person, name)
                      for name in dict.fromkeys(n.strip() for n in logins if n.strip())]
        elif current:
            known = {p.id: p.login for p in session.exec(select(Person).where(
                col(Person.id).in_([v.person_id for v in current])))}
            people = [_colleague(session, person, known.get(v.person_id, "?"))
                      for v in current]
        else:
            raise KartaError("укажите, кому направить проект на визы"
                             + said(": --to ЛОГИН (можно несколько раз)",
                                    " (отметьте согласующих)"))
        if not people:
            raise KartaError("укажите, кому направить проект на визы"
                             + said(": --to ЛОГИН", " (отметьте согласующих)"))
        touches = _new_round(session, document, people, person.login)
        names = ", ".join(russian.initials_then_surname(p.full_name) for p in people)
        record(session, login=person.login, object_ref=f"документ {document_id}",
               event="visa_route", roadmap_id=document.roadmap_id,
               occurrence_id=document.occurrence_id,
               comment=f"проект «{document.title}» направлен на согласование: {names}",
               touches=touches)
        from registry.notifications import Addressed, notify

        notify(session, Addressed(people=tuple(p.id or 0 for p in people)), "draft_to_visa",
               f"Проект на визу: «{document.title[:200]}»",
               f"/documents/{document_id}#route-title", exclude=[person.login])
        return current_round(session, document_id)


def again_after_revision(session: Session, document: Document, sender: str) -> list[Touch]:
    """A draft corrected after some visas were given or refused goes round again to the
    same people (a visa vouches for the text it saw)."""
    current = current_round(session, document.id or 0)
    if not current or all(visa.status == "pending" for visa in current):
        return []
    people = [session.get(Person, visa.person_id) for visa in current]
    return _new_round(session, document, [p for p in people if p is not None], sender)


def decide(db: Database, login: str | None, document_id: int, give: bool,
           remarks: str = "") -> Visa:
    """The acting person's visa on a draft sent to them: given (with remarks or without),
    or the draft returned to its author with remarks."""
    remarks = remarks.strip()
    if not give and not remarks:
        raise KartaError("укажите замечания, с которыми проект возвращается"
                         + said(": --remarks «…»"))
    with db.transaction() as session:
        person = acting_person(session, login)
        document = _draft(session, document_id)
        mine = [visa for visa in current_round(session, document_id)
                if visa.person_id in _whose(session, person)]
        if not mine:
            raise PermissionDenied(person.login, "visa", ("clerk",), roles_of(person),
                                   reason=f"проект {document_id} не направлялся вам на "
                                          "согласование")
        visa = mine[0]
        if visa.status != "pending":
            raise KartaError(f"по проекту {document_id} вы уже приняли решение: "
                             f"{VISA_STATES[visa.status]}")
        status = "given" if give else "returned"
        changed = session.execute(update(Visa).where(
            col(Visa.id) == visa.id, col(Visa.status) == "pending").values(
            status=status, remarks=remarks, decided_at=utcnow()))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise KartaError(f"виза по проекту {document_id} уже изменена; обновите данные")
        outcome = "виза получена" if give else "проект возвращён автору с замечаниями"
        record(session, login=person.login, object_ref=f"документ {document_id}",
               event="visa_given" if give else "visa_returned",
               roadmap_id=document.roadmap_id, occurrence_id=document.occurrence_id,
               from_state="pending", to_state=status,
               comment=f"{outcome}" + (f": {remarks}" if remarks else ""),
               touches=[("visa", visa.id or 0)])
        session.refresh(visa)
        return visa


def route(db: Database, login: str | None, document_id: int) -> dict[str, Any]:
    """The route of a draft as people read it: every round, every visa, who is missing."""
    from registry.documents import get_document

    document = get_document(db, login, document_id)
    with db.reading() as session:
        acting_person(session, login)
        visas = list(session.exec(select(Visa).where(Visa.document_id == document_id)
                                  .order_by(col(Visa.round_number), col(Visa.place))))
        logins = {p.id: p.login for p in session.exec(select(Person).where(
            col(Person.id).in_([v.person_id for v in visas])))}
        zone = ZoneInfo(organisation(session).timezone)
        current = current_round(session, document_id)
    last = visas[-1].round_number if visas else 0

    def when(at: datetime | None) -> str | None:
        if at is None:
            return None
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        return at.astimezone(zone).isoformat(timespec="minutes")

    return {
        "document": document_id, "title": document.title, "status": document.status,
        "round": last, "missing": missing(current) if document.status == "draft" else [],
        "visas": [{"round": v.round_number, "place": v.place, "login": logins.get(v.person_id),
                   "name": v.person_name, "short_name": _name(v),
                   "position": v.person_position, "status": v.status,
                   "status_label": VISA_STATES[v.status], "remarks": v.remarks,
                   "sent_at": when(v.sent_at), "decided_at": when(v.decided_at),
                   "current": v.round_number == last} for v in visas],
    }


def _whose(session: Session, person: Person) -> list[int]:
    """The person, and whom they stand in for today (a substitution): whose visas they
    give."""
    found = [person.id or 0]
    for absent in session.info.get("acting_for") or []:
        row = session.exec(select(Person.id).where(Person.login == absent["login"])).first()
        if row is not None:
            found.append(row)
    return found


def awaiting(session: Session, person: Person) -> list[dict[str, Any]]:
    """Drafts waiting for this person's visa (their pending visas of a current round)."""
    found = []
    for visa, document in session.execute(
            select(Visa, Document).join(Document, col(Document.id) == col(Visa.document_id))
            .where(col(Visa.person_id).in_(_whose(session, person)),
                   col(Visa.status) == "pending",
                   col(Document.status) == "draft").order_by(col(Visa.sent_at))):
        if any(v.id == visa.id for v in current_round(session, document.id or 0)):
            found.append({"document": document.id, "title": document.title,
                          "created": visa.sent_at.date(), "created_by": visa.sent_by})
    return found


def colleagues(db: Database, login: str | None) -> list[dict[str, str]]:
    """Who a draft can be sent to: the organisation's people with a full name and a
    position (both are printed on the sheet)."""
    with db.reading() as session:
        person = acting_person(session, login)
        return [{"login": p.login, "name": p.full_name, "position": p.position}
                for p in session.exec(select(Person).where(
                    Person.organisation_id == person.organisation_id)
                    .order_by(col(Person.full_name)))
                if len(p.full_name.split()) >= 2 and p.position.strip()]
