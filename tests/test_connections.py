"""Pooled PostgreSQL connections: one idle a while is pinged before use, so a connection the
server closed meanwhile is replaced instead of failing the next command (issue 26 took the
ping off connections used a moment ago)."""

from __future__ import annotations

import pytest

import registry.database
from registry.database import Database
from registry.people import list_people
from tests.conftest import PG_URL


@pytest.mark.skipif(PG_URL is None, reason="KARTA_TEST_PG_URL not set (CI sets it)")
def test_a_connection_closed_by_the_server_is_replaced(db: Database,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL's pool")
    list_people(db, "admin")
    with db.engine.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with Database(db.url).engine.connect() as other:  # the server closes the pooled one
        other.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
    monkeypatch.setattr(registry.database, "PING_AFTER_SECONDS", 0.0)
    assert "admin" in [person.login for person in list_people(db, "admin")]
