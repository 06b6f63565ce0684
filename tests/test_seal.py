"""The log sealed with a key outside the database (issue 18, item 16): a chain rewritten and
re-hashed by the database's owner, a cut end, a forged browser session — each named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from registry.accounts import set_password
from registry.database import Database
from registry.history import event_hash
from registry.occurrences import apply_event
from registry.people import add_person, initialise
from registry.roadmaps import import_roadmap
from registry.seal import KEY_FILE
from registry.verify import verify
from tests.conftest import PROFILE, ZAOZERSK, run_sql


def test_a_sqlite_database_gets_its_key_beside_it(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KARTA_LOG_KEY")
    db = Database(f"sqlite:///{tmp_path / 'karta.db'}", tmp_path / "files")
    initialise(db, PROFILE)
    key = tmp_path / KEY_FILE
    assert key.is_file() and key.stat().st_mode & 0o777 == 0o600
    result = verify(db, "admin")
    assert result.ok and result.warnings == [], result.warnings
    # every change leaves a sealed checkpoint outside the database
    marks = [json.loads(line) for line in
             (tmp_path / "karta-checkpoints.jsonl").read_text(encoding="utf-8").splitlines()]
    assert marks and all(mark.get("seal") for mark in marks)
    db.dispose()


def _rewrite_last_event(db: Database, comment: str) -> None:
    """The database's owner rewrites the last event and computes its hash again (the chain
    stays consistent: only the key can tell)."""
    from sqlalchemy import select

    from registry.tables import HistoryEvent

    table = HistoryEvent.__table__  # type: ignore[attr-defined]
    with db.engine.connect() as connection:
        row = connection.execute(select(table).order_by(table.c.seq.desc()).limit(1)
                                 ).mappings().first()
    values = dict(row)
    values["comment"] = comment
    from registry.history import HASHED_FIELDS

    new_hash = event_hash({name: values[name] for name in HASHED_FIELDS})
    trigger = ("DROP TRIGGER historyevent_no_update" if db.is_sqlite else
               "DROP TRIGGER historyevent_append_only ON historyevent")
    quoted = comment.replace("'", "''")
    run_sql(db, trigger, f"UPDATE historyevent SET comment = '{quoted}', hash = '{new_hash}' "
                         f"WHERE seq = {values['seq']}")


def test_a_rewritten_and_rehashed_event_is_named(db: Database) -> None:
    import_roadmap(db, ZAOZERSK, "clerk")
    apply_event(db, "1:5@2021", "start", "clerk", comment="начато")
    assert verify(db, "admin").ok
    _rewrite_last_event(db, "переписано владельцем базы")
    result = verify(db, "admin")
    assert not result.ok
    assert any("печать не совпадает с ключом журнала" in p for p in result.problems), \
        result.problems


def test_a_log_cut_at_its_end_is_named_by_the_automatic_checkpoints(db: Database) -> None:
    import_roadmap(db, ZAOZERSK, "clerk")
    apply_event(db, "1:5@2021", "start", "clerk", comment="начато")
    apply_event(db, "1:6@2021", "start", "clerk", comment="начато")
    with db.engine.connect() as connection:
        last = connection.exec_driver_sql("SELECT max(seq) FROM historyevent").scalar()
    trigger = ("DROP TRIGGER historyevent_no_delete" if db.is_sqlite else
               "DROP TRIGGER historyevent_append_only ON historyevent")
    run_sql(db, trigger, f"DELETE FROM historyevent WHERE seq = {last}")
    result = verify(db, "admin")
    assert any("журнал короче" in problem for problem in result.problems), result.problems


def test_a_session_row_inserted_by_hand_opens_nothing(db: Database) -> None:
    from web.app import create_app

    add_person(db, "admin", "school", "Петров Пётр Петрович", "m", "завуч", ["executor"],
               unit="МБОУ СОШ № 1")
    set_password(db, "admin", "school", "пароль-школы-1")
    app = create_app(db)
    client = TestClient(app, follow_redirects=False)
    form = client.get("/login")
    nonce = re.search(r'name="nonce" value="([^"]+)"', form.text).group(1)
    assert client.post("/login", data={"login": "school", "password": "пароль-школы-1",
                                       "nonce": nonce, "next": "/"}).status_code == 303
    assert client.get("/").status_code == 200  # a real session works
    # an intruder with write access to the table makes a session for the administrator
    import hashlib

    token = "forged-token-of-the-intruder"
    with db.engine.connect() as connection:
        seq = connection.exec_driver_sql(
            "SELECT max(seq) FROM historyevent WHERE event = 'login'").scalar()
        admin_id = connection.exec_driver_sql(
            "SELECT id FROM person WHERE login = 'admin'").scalar()
    forged = hashlib.sha256(token.encode()).hexdigest()
    for event_seq in ("NULL", str(seq)):  # without a login event, or with somebody else's
        run_sql(db, f"DELETE FROM websession WHERE id = '{forged}'",
                "INSERT INTO websession (id, person_id, csrf, created_at, expires_at, client, "
                f"event_seq) VALUES ('{forged}', "
                f"{admin_id}, 'x', '2026-01-01 00:00:00', '2999-01-01 00:00:00', '', "
                f"{event_seq})")
        intruder = TestClient(app, follow_redirects=False, cookies={"karta_session": token})
        assert intruder.get("/admin").status_code == 303  # to the log-in page
        result = verify(db, "admin")
        assert any("сеанс веб-интерфейса" in problem for problem in result.problems)
