"""Acquaintance with signed orders in karta (issue 21, item 6).

The people an order names (``documents.sheets.people_named``: the staff of the executors it
addresses, the schools of a group, the clerk it names — never its signatory) are told when it
is signed; each confirms «ознакомлен(а)» in karta, once, as a logged decision; the order's
page shows who has and who has not, with dates; the printed «Лист ознакомления» carries
those dates. Only a person named in the order confirms, and only for themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from documents import russian
from documents.sheets import people_named
from registry.database import Database, utcnow
from registry.history import record
from registry.people import acting_person
from registry.tables import Acquaintance, Document, Person
from workflow.errors import KartaError, PermissionDenied, UnknownReference, said


@dataclass
class Named:
    """A person an order names, and when they confirmed reading it (None: not yet)."""

    login: str
    name: str
    position: str
    at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {"login": self.login, "name": self.name, "position": self.position,
                "at": self.at}


def _signed_order(session: Session, document_id: int) -> Document:
    from registry.orders import _own_document

    document = _own_document(session, document_id)
    if document is None:
        raise UnknownReference(str(document_id), "нет такого документа"
                               + said(" (karta documents)"))
    if document.status != "signed" or document.journal != "orders" or document.doc_date is None:
        raise KartaError(f"с документом {document_id} не знакомятся: ознакомление — с "
                         "подписанным приказом")
    return document


def _named(session: Session, document: Document) -> list[Person]:
    """The people of karta an order names (by login), in the order it names them."""
    logins = [p["login"] for p in people_named(json.loads(document.context),
                                               document.signed_by) if p.get("login")]
    if not logins:
        return []
    found = {p.login: p for p in session.exec(select(Person).where(
        col(Person.login).in_(logins), Person.organisation_id == document.organisation_id))}
    return [found[login] for login in logins if login in found]


def _title(document: Document) -> str:
    return (f"приказ от {russian.format_date(document.doc_date.isoformat())} "
            f"№ {document.number_text}" if document.doc_date else document.title)


def acquaintance(db: Database, login: str | None, document_id: int) -> list[Named]:
    """Who a signed order names and when each confirmed reading it (the organisation's
    time)."""
    with db.reading() as session:
        acting_person(session, login)
        document = _signed_order(session, document_id)
        return _status(session, document)


def _status(session: Session, document: Document) -> list[Named]:
    from registry.history import local_time
    from registry.people import organisation

    zone = organisation(session).timezone
    done = {row.person_id: local_time(row.at, zone) for row in session.exec(
        select(Acquaintance).where(Acquaintance.document_id == document.id))}
    return [Named(p.login, p.full_name or p.login, p.position, done.get(p.id or 0))
            for p in _named(session, document)]


def acquainted_dates(db: Database, login: str | None, document_id: int) -> dict[str, datetime]:
    """The logins that confirmed reading a signed order, with when (for the printed sheet)."""
    return {n.login: n.at for n in acquaintance(db, login, document_id) if n.at is not None}


def acknowledge(db: Database, login: str | None, document_id: int) -> datetime:
    """The acting person confirms they have read a signed order that names them."""
    with db.transaction() as session:
        person = acting_person(session, login)
        document = _signed_order(session, document_id)
        if person.id not in {p.id for p in _named(session, document)}:
            raise PermissionDenied(person.login, "acquaint", ("названный в приказе",),
                                   [], reason="ознакамливаются те, кого приказ называет")
        if session.exec(select(Acquaintance).where(
                Acquaintance.document_id == document.id,
                Acquaintance.person_id == person.id)).first() is not None:
            raise KartaError(f"вы уже ознакомлены с приказом {document.number_text}")
        now = utcnow()
        row = Acquaintance(organisation_id=document.organisation_id,
                           document_id=document.id or 0, person_id=person.id or 0, at=now)
        session.add(row)
        session.flush()
        record(session, login=person.login, object_ref=f"документ {document.id}",
               event="acquainted", roadmap_id=document.roadmap_id,
               occurrence_id=document.occurrence_id,
               comment=f"ознакомлен(а) с приказом: {_title(document)} «{document.title}»",
               touches=[("acquaintance", row.id or 0)])
        return now


def tell_named(session: Session, document: Document, signer: str) -> int:
    """When an order is signed: each person it names is asked to read it (once)."""
    from registry.notifications import Addressed, notify

    people = tuple(p.id or 0 for p in _named(session, document))
    if not people:
        return 0
    return notify(session, Addressed(people=people), "acquaintance",
                  f"Ознакомьтесь: {_title(document)} «{document.title}»",
                  f"/documents/{document.id}", dedupe=f"acquaintance:{document.id}",
                  exclude=[signer])
