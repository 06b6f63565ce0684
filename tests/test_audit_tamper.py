"""The log proves the present state: every way the hostile review cut or rewrote it is found.

Each test tampers as somebody with direct database access would, then runs verify.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from registry.database import Database
from registry.history import GENESIS, HASHED_FIELDS, event_hash
from registry.occurrences import apply_event
from registry.orders import sign
from registry.roadmaps import import_roadmap
from registry.verify import take_checkpoint, verify
from tests.conftest import ZAOZERSK, run_sql


@pytest.fixture
def busy(db: Database, tmp_path: Path) -> Database:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    apply_event(db, f"{rid}:5@2021", "start", "clerk", order=True)
    apply_event(db, f"{rid}:5@2021", "report", "clerk", comment="отчёт")
    apply_event(db, f"{rid}:6@2021", "start", "clerk")
    sign(db, "head", 1)
    return db


def _unguarded(db: Database, *statements: str) -> None:
    """Drop every guard first, as an intruder with the owner's rights would."""
    if db.is_sqlite:
        run_sql(db, "DROP TRIGGER IF EXISTS historyevent_no_update",
             "DROP TRIGGER IF EXISTS historyevent_no_delete",
             "DROP TRIGGER IF EXISTS document_signed_no_update",
             "DROP TRIGGER IF EXISTS templateversion_frozen", *statements)
    else:
        run_sql(db, "ALTER TABLE historyevent DISABLE TRIGGER USER",
             "ALTER TABLE document DISABLE TRIGGER USER",
             "ALTER TABLE templateversion DISABLE TRIGGER USER", *statements,
             "ALTER TABLE historyevent ENABLE TRIGGER USER",
             "ALTER TABLE document ENABLE TRIGGER USER",
             "ALTER TABLE templateversion ENABLE TRIGGER USER")


def _problems(db: Database, checkpoints: list[Path] | None = None) -> str:
    result = verify(db, "admin", checkpoints)
    assert not result.ok
    return "\n".join(result.problems)


def _last_seq(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT max(seq) FROM historyevent").scalar())


def test_deleting_the_last_events_is_found(busy: Database) -> None:
    last = _last_seq(busy)
    _unguarded(busy, f"DELETE FROM historyevent WHERE seq > {last - 3}")
    problems = _problems(busy)
    assert "которого нет в журнале" in problems and "журнал обрезан" in problems


def test_truncating_the_log_is_refused_on_postgresql_and_found_anyway(busy: Database) -> None:
    if not busy.is_sqlite:
        with pytest.raises(DBAPIError, match="журнал решений неизменяем"):
            run_sql(busy, "TRUNCATE historyevent CASCADE")
        run_sql(busy, "ALTER TABLE historyevent DISABLE TRIGGER USER",
             "TRUNCATE historyevent CASCADE", "ALTER TABLE historyevent ENABLE TRIGGER USER")
    else:  # SQLite has no TRUNCATE: DELETE without WHERE is its truncation
        _unguarded(busy, "UPDATE document SET history_event_id = NULL",
                   "DELETE FROM historyevent")
    problems = _problems(busy)
    assert "журнал кончается событием № 0" in problems


def test_a_rewritten_chain_rehashed_with_karta_s_own_function_fails_the_checkpoint(
        busy: Database, tmp_path: Path) -> None:
    checkpoints = tmp_path / "точки.jsonl"
    take_checkpoint(busy, "admin", checkpoints)
    # rewrite event 3's comment and re-hash the whole chain consistently
    from sqlalchemy import select

    from registry.tables import HistoryEvent

    table = HistoryEvent.__table__  # type: ignore[attr-defined]
    with busy.engine.connect() as connection:
        rows = [dict(r._mapping) for r in connection.execute(
            select(table).order_by(table.c.seq))]
    rows[2]["comment"] = "переписано задним числом"
    previous = GENESIS
    statements = []
    for row in rows:
        row["prev_hash"] = previous
        row["hash"] = event_hash({name: row[name] for name in HASHED_FIELDS})
        previous = row["hash"]
        comment = str(row["comment"]).replace("'", "''")
        statements.append(f"UPDATE historyevent SET comment = '{comment}', prev_hash = "
                          f"'{row['prev_hash']}', hash = '{row['hash']}' WHERE id = {row['id']}")
    _unguarded(busy, *statements)
    without = verify(busy, "admin")  # the chain itself is consistent again…
    assert not any("хеш не совпадает" in p for p in without.problems)
    problems = _problems(busy, [checkpoints])  # …but not with the auditor's checkpoint
    assert "журнал переписан" in problems


def test_a_log_shorter_than_a_checkpoint_is_found(busy: Database, tmp_path: Path) -> None:
    checkpoints = tmp_path / "точки.jsonl"
    take_checkpoint(busy, "admin", checkpoints)
    last = _last_seq(busy)
    _unguarded(busy, f"DELETE FROM historyevent WHERE seq = {last}")
    assert f"журнал короче — события № {last}–{last} удалены" in _problems(busy, [checkpoints])


def test_a_forged_checkpoint_file_is_refused(busy: Database, tmp_path: Path) -> None:
    checkpoints = tmp_path / "точки.jsonl"
    take_checkpoint(busy, "admin", checkpoints)
    mark = json.loads(checkpoints.read_text(encoding="utf-8"))
    mark["seq"] = 1
    checkpoints.write_text(json.dumps(mark) + "\n", encoding="utf-8")
    from workflow.errors import KartaError

    with pytest.raises(KartaError, match="контрольная точка повреждена"):
        verify(busy, "admin", [checkpoints])


def test_an_edited_occurrence_state_is_named(busy: Database) -> None:
    run_sql(busy, "UPDATE occurrence SET state = 'analysed' WHERE id = (SELECT o.id FROM "
               "occurrence o JOIN activity a ON a.id = o.activity_id WHERE a.code = '6' AND "
               "o.period = '2021')")
    problems = _problems(busy)
    assert "исполнение" in problems and "изменена в обход журнала" in problems
    assert "(состояние: в базе «analysed», по журналу «in_progress»)" in problems


def test_an_edited_role_is_named(busy: Database) -> None:
    run_sql(busy, "UPDATE person SET roles = 'admin,clerk,head' WHERE login = 'clerk'")
    assert "пользователь clerk: изменена в обход журнала (роли: в базе «admin,clerk,head», " \
           "по журналу «clerk»)" in _problems(busy)


def test_a_password_hash_set_behind_karta_is_named(busy: Database) -> None:
    run_sql(busy, "UPDATE person SET password_hash = 'forged' WHERE login = 'admin'")
    assert "пользователь admin: изменена в обход журнала (пароль:" in _problems(busy)


def test_edited_roadmap_rows_are_named(busy: Database) -> None:
    run_sql(busy, "UPDATE activity SET title = 'Другое мероприятие' WHERE code = '3'")
    run_sql(busy, "UPDATE roadmap SET last_year = 2030")
    problems = _problems(busy)
    assert "мероприятие" in problems and "(наименование: в базе «Другое мероприятие»" in problems
    assert "(конец периода: в базе «2030», по журналу «2023»)" in problems


def test_added_and_deleted_rows_are_named(busy: Database) -> None:
    run_sql(busy, "INSERT INTO apitoken (person_id, token_hash, label, created_at, revoked, "
               "last_event) VALUES (1, 'x', 'чужой', '2026-01-01 00:00:00', false, 0)",
         "DELETE FROM occurrence WHERE id = (SELECT max(id) FROM occurrence)")
    problems = _problems(busy)
    assert "токен доступа" in problems and "записи нет в журнале" in problems
    assert "удалена из базы в обход karta" in problems


def test_a_template_s_bytes_updated_directly_are_found(busy: Database) -> None:
    with pytest.raises(DBAPIError, match="версия шаблона неизменяема"):
        run_sql(busy, "UPDATE templateversion SET content = X'00' WHERE name = 'report'"
             if busy.is_sqlite else
             "UPDATE templateversion SET content = '\\x00'::bytea WHERE name = 'report'")
    _unguarded(busy, "UPDATE templateversion SET content = X'504B0304' WHERE name = 'report'"
               if busy.is_sqlite else
               "UPDATE templateversion SET content = '\\x504b0304'::bytea WHERE name = 'report'")
    assert "шаблон report v1: содержимое шаблона изменено в обход karta" in _problems(busy)


def test_a_dropped_trigger_is_reported(busy: Database) -> None:
    if busy.is_sqlite:
        run_sql(busy, "DROP TRIGGER historyevent_no_delete")
        assert "нет защиты «журнал решений (удаление)»" in _problems(busy)
    else:
        from tests.conftest import _pg_schema_url

        # another karta in another schema of the same database keeps its own triggers:
        # they must not stand in for this one's
        urls = _pg_schema_url()
        neighbour = Database(next(urls), None)
        try:
            neighbour.create_schema()
            run_sql(busy, "ALTER TABLE historyevent DISABLE TRIGGER historyevent_no_truncate")
            run_sql(busy, "DROP TRIGGER document_signed_frozen ON document")
            problems = _problems(busy)
            assert "нет защиты «журнал решений (TRUNCATE)»" in problems
            assert "нет защиты «подписанные приказы»" in problems
        finally:
            neighbour.dispose()
            for _ in urls:
                pass


def test_a_clean_busy_database_verifies(busy: Database) -> None:
    result = verify(busy, "admin")
    assert result.ok, result.problems
    assert result.rows > 100


def test_store_check_lists_missing_orphans_and_leftovers(busy: Database) -> None:
    import os
    import time

    from registry.files import FolderStore
    from registry.verify import check_store
    from tests.conftest import remove_stored

    clean = check_store(busy, "admin")
    assert clean["missing"] == [] and clean["orphans"] == [] and clean["leftovers"] == []
    orphan = busy.store.put(b"rendered, then the transaction failed", "documents", ".docx")
    with busy.reading() as session:
        from registry.tables import Document

        document = session.get(Document, 2)
        assert document is not None
    remove_stored(busy, document.file_path)
    if isinstance(busy.store, FolderStore):
        stale = busy.store.root / "documents" / "ab" / ".incoming-killed"
        stale.parent.mkdir(parents=True, exist_ok=True)
        stale.write_bytes(b"half")
        os.utime(stale, (time.time() - 7200, time.time() - 7200))
    report = check_store(busy, "admin", clean=True)
    assert report["missing"] == [document.file_path.split("/", 0)[0]]
    assert report["orphans"] == [orphan.path]
    if isinstance(busy.store, FolderStore):
        assert report["leftovers"] == ["documents/ab/.incoming-killed"]
        assert report["removed"] == 1 and not stale.exists()
    assert "отсутствует в хранилище" in _problems(busy)


def test_the_application_role_cannot_truncate_alter_or_rewrite_the_log(db: Database) -> None:
    """On PostgreSQL karta runs as a role without TRUNCATE/ALTER on the log (README): this
    checks the privileges `karta app-role` gives, and that karta works under them."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL roles; SQLite is guarded by triggers and file permissions")
    import uuid

    from registry.pgroles import grant_app_role

    role = f"karta_app_{uuid.uuid4().hex[:8]}"
    schema = db.url.split("search_path%3D")[1]
    run_sql(db, f"CREATE ROLE {role} NOLOGIN")
    try:
        grant_app_role(db, role, schema)
        # the test schema's URL already passes «options=-csearch_path=…»: add the role
        app = Database(f"{db.url}%20-crole%3D{role}", None)
        try:
            import_roadmap(app, ZAOZERSK, "clerk")
            apply_event(app, "1:5@2021", "start", "clerk", order=True)
            result = verify(app, "admin")
            assert result.ok and result.warnings == [], result.warnings
            for statement in ("TRUNCATE historyevent", "DELETE FROM historyevent",
                              "UPDATE historyevent SET comment = 'x'",
                              "ALTER TABLE historyevent DISABLE TRIGGER USER",
                              "DROP TRIGGER historyevent_no_truncate ON historyevent"):
                with pytest.raises(DBAPIError, match="permission denied|must be owner"):
                    run_sql(app, statement)
        finally:
            app.dispose()
        assert verify(db, "admin").warnings  # the owner itself is warned about
    finally:
        run_sql(db, f"DROP OWNED BY {role}", f"DROP ROLE {role}")
