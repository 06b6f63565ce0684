"""Registration journals: numbers per journal and year, without gaps or duplicates.

Documents are rendered before the write transaction (a template never holds other writers
up) with a placeholder where their number goes; the write transaction takes the numbers
from the journal's counter — a short row lock, held to the commit — and stamps them into
the rendered documents (``registry.documents``, ``documents.stamping``). Nobody's render is
ever thrown away because another writer numbered first, and a rolled-back transaction takes
nothing, so numbers stay without gaps.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from registry.tables import JournalCounter, Organisation

_COUNTERS = JournalCounter.__table__  # type: ignore[attr-defined]


def _own(session: Session) -> int:
    """The organisation whose journals the session numbers in."""
    from registry.people import current_organisation

    found = current_organisation(session)
    if found is None:
        raise RuntimeError("numbering needs the acting person's organisation")
    return found


def last_number(session: Session, journal: str, year: int) -> int:
    """The last number given in a journal in a year (0 before the first)."""
    found = session.connection().execute(select(_COUNTERS.c["last"]).where(
        _COUNTERS.c.organisation_id == _own(session), _COUNTERS.c.journal == journal,
        _COUNTERS.c.year == year)).scalar()
    return int(found or 0)


def take_numbers(session: Session, journal: str, year: int, count: int) -> int:
    """In the write transaction: the first of ``count`` numbers, the journal's next ones,
    taken (the counter row stays locked until the transaction ends; the first number of a
    year creates it). On PostgreSQL the log's lock is taken first, as every writer that
    appends takes it before any counter: no two writers wait for each other crosswise."""
    from registry.database import LOG_LOCK_SQL, upsert_insert

    connection = session.connection()
    if connection.dialect.name == "postgresql":
        session.flush()
        connection.exec_driver_sql(LOG_LOCK_SQL)
    insert = upsert_insert(connection.dialect.name)
    last = _COUNTERS.c["last"]
    statement = insert(_COUNTERS).values(
        organisation_id=_own(session), journal=journal, year=year, last=count)
    statement = statement.on_conflict_do_update(
        index_elements=[_COUNTERS.c.organisation_id, _COUNTERS.c.journal, _COUNTERS.c.year],
        set_={"last": last + count}).returning(last)
    return int(connection.execute(statement).scalar_one()) - count + 1


def claim_numbers(session: Session, journal: str, year: int, expected: int,
                  count: int) -> None:
    """In the write transaction: move the counter from ``expected`` to ``expected + count``
    (a number given outside karta, a journal continued); an error when another writer moved
    it meanwhile (the callers read ``expected`` in the same transaction, holding the log's
    lock, so nobody can)."""
    from registry.database import upsert_insert

    connection = session.connection()
    insert = upsert_insert(connection.dialect.name)
    # the counter row must exist to be locked: the first number of a year creates it (two
    # writers creating it at once: the second waits for the first and finds it)
    own = _own(session)
    connection.execute(insert(_COUNTERS).values(organisation_id=own, journal=journal,
                                                year=year, last=0).on_conflict_do_nothing())
    this = (_COUNTERS.c.organisation_id == own, _COUNTERS.c.journal == journal,
            _COUNTERS.c.year == year)
    found = connection.execute(select(_COUNTERS.c["last"]).where(*this)
                               .with_for_update()).scalar()
    if int(found or 0) != expected:
        raise RuntimeError(f"journal {journal} {year} moved from {expected} to {found}")
    connection.execute(_COUNTERS.update().where(*this).values(last=expected + count))


def number_text(org: Organisation, journal: str, number: int) -> str:
    """«01-09/64» for orders (the organisation's index), the plain number elsewhere."""
    return f"{org.order_prefix}{number}" if journal == "orders" else str(number)


# ----------------------------------------------------------------------------- continuing

def continue_journal(db: Any, login: str | None, journal: str, year: int,
                     next_number: int) -> int:
    """Continue an office's journal that was kept before karta: the next number given in
    ``year`` will be ``next_number`` (numbers never go back)."""
    from registry.history import record
    from registry.people import acting_person
    from workflow.errors import KartaError

    if journal not in ("orders", "notes", "reports"):
        raise KartaError(f"неизвестный журнал «{journal}»: orders, notes или reports")
    if next_number < 1:
        raise KartaError("номер должен быть положительным")
    with db.transaction() as session:
        person = acting_person(session, login, "journal")
        current = last_number(session, journal, year)
        if next_number <= current:
            raise KartaError(f"в журнале за {year} год уже выдан № {current}: следующий не "
                             f"может быть меньше {current + 1}")
        claim_numbers(session, journal, year, current, next_number - 1 - current)
        record(session, login=person.login, object_ref=f"журнал {journal} {year}",
               event="journal_set", comment=f"продолжение журнала: следующий номер "
                                            f"{next_number} (было {current + 1})",
               details={"journal": journal, "year": year, "next": next_number})
    return next_number


def register_external(db: Any, login: str | None, number: str, when: Any, title: str,
                      source: Any = None) -> Any:
    """Enter an order made outside karta into the orders journal (its number must be the
    journal's next, so numbering stays whole), with its file when there is one."""
    import hashlib
    import json
    import re

    from registry.database import utcnow
    from registry.documents import local_today, register_file
    from registry.history import record
    from registry.people import acting_person, organisation
    from registry.tables import Document
    from workflow.errors import KartaError, said

    found = re.search(r"(\d+)\s*$", number.strip())
    if found is None or not title.strip():
        raise KartaError("укажите номер приказа (например 01-09/65) и его заголовок")
    serial = int(found.group(1))
    data = source.read_bytes() if source is not None else b""
    with db.transaction() as session:
        person = acting_person(session, login, "journal")
        org = organisation(session)
        if when > local_today(org):
            raise KartaError(f"дата приказа {when:%d.%m.%Y} позже сегодняшней")
        current = last_number(session, "orders", when.year)
        if serial != current + 1:
            raise KartaError(f"следующий номер журнала приказов за {when.year} год — "
                             f"{current + 1}, а не {serial}: внесите пропущенные или продолжите "
                             "журнал" + said(" (karta journal set)"))
        claim_numbers(session, "orders", when.year, current, 1)
        stored = register_file(session, db, data, source.name if source else "") if data \
            else None
        row = Document(organisation_id=person.organisation_id,
                       kind="order_external", title=title.strip(), status="signed",
                       journal="orders", year=when.year, number=serial,
                       number_text=number.strip(), doc_date=when, template_name="",
                       template_version=0, template_sha256="",
                       context=json.dumps({"external": True}), file_sha256=stored.sha256
                       if stored else "", file_path=stored.path if stored else "",
                       file_size=len(data), created_at=utcnow(), created_by=person.login,
                       signed_at=utcnow(), signed_by=person.login)
        session.add(row)
        session.flush()
        record(session, login=person.login, object_ref=f"документ {row.id}",
               event="document_external",
               comment=f"{title.strip()} от {when:%d.%m.%Y} № {number.strip()}",
               files=[stored] if stored else [],
               details={"sha256": hashlib.sha256(data).hexdigest() if data else None},
               touches=[("document", row.id or 0)])
        return row
