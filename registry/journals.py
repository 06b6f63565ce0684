"""Registration journals: numbers per journal and year, without gaps or duplicates.

Documents are rendered before the write transaction (a template never holds other writers
up), so the number printed in a document is predicted from the journal's counter when the
document is prepared, and claimed in the write transaction only if nobody took it meanwhile
(compare-and-set on the counter row); otherwise the document is prepared again with the next
numbers. A rolled-back transaction claims nothing, so numbers stay without gaps.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from registry.tables import JournalCounter, Organisation

_COUNTERS = JournalCounter.__table__  # type: ignore[attr-defined]


class NumbersTaken(Exception):
    """Another writer registered in the journal since the numbers were predicted."""


def last_number(session: Session, journal: str, year: int) -> int:
    """The last number given in a journal in a year (0 before the first)."""
    found = session.connection().execute(select(_COUNTERS.c["last"]).where(
        _COUNTERS.c.journal == journal, _COUNTERS.c.year == year)).scalar()
    return int(found or 0)


def claim_numbers(session: Session, journal: str, year: int, expected: int,
                  count: int) -> None:
    """In the write transaction: move the counter from ``expected`` to ``expected + count``,
    or raise ``NumbersTaken`` when it is no longer at ``expected``."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    # the counter row must exist to be locked: the first number of a year creates it (two
    # writers creating it at once: the second waits for the first and finds it)
    connection.execute(insert(_COUNTERS).values(journal=journal, year=year, last=0)
                       .on_conflict_do_nothing())
    found = connection.execute(select(_COUNTERS.c["last"]).where(
        _COUNTERS.c.journal == journal, _COUNTERS.c.year == year).with_for_update()).scalar()
    if int(found or 0) != expected:
        raise NumbersTaken(journal)
    connection.execute(_COUNTERS.update().where(
        _COUNTERS.c.journal == journal, _COUNTERS.c.year == year).values(
        last=expected + count))


def number_text(org: Organisation, journal: str, number: int) -> str:
    """«01-09/64» for orders (the organisation's index), the plain number elsewhere."""
    return f"{org.order_prefix}{number}" if journal == "orders" else str(number)
