"""Keeping data across releases: schema versions, the upgrade of a 0.1.0 database, and
backup and restore."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from registry.database import Database
from registry.occurrences import apply_event
from registry.schema import HEAD, current, head, karta_owned, upgrade
from registry.verify import verify
from tests.conftest import Karta
from workflow.errors import ConfigurationError, KartaError

RELEASE = Path(__file__).parent / "data" / "release-0.1.0"


def test_head_constant_matches_the_migrations() -> None:
    assert HEAD == head()


@pytest.fixture
def old(tmp_path: Path) -> Database:
    """A copy of a database made by release 0.1.0 (`karta demo`), with its files."""
    shutil.copy(RELEASE / "karta.db", tmp_path / "karta.db")
    shutil.copytree(RELEASE / "karta-files", tmp_path / "karta-files")
    return Database(f"sqlite:///{tmp_path / 'karta.db'}", tmp_path / "karta-files")


def test_an_old_database_is_refused_until_upgraded(old: Database) -> None:
    with pytest.raises(ConfigurationError, match="выполните «karta upgrade»"):
        old.require_initialised()


def test_a_release_0_1_0_database_upgrades_keeps_its_data_and_verifies(old: Database) -> None:
    with old.engine.connect() as connection:
        assert current(connection) == "0001"
        events_before = connection.exec_driver_sql("SELECT count(*) FROM historyevent").scalar()
        documents = connection.exec_driver_sql(
            "SELECT id, status, number_text, file_sha256 FROM document ORDER BY id").all()
    assert upgrade(old, "admin") == ("0001", HEAD)
    old.require_initialised()  # now current
    with old.engine.connect() as connection:
        assert current(connection) == HEAD
        assert connection.exec_driver_sql(
            "SELECT id, status, number_text, file_sha256 FROM document ORDER BY id"
        ).all() == documents
        assert connection.exec_driver_sql("SELECT count(*) FROM historyevent").scalar() == \
            events_before + 1
        # the upgraded schema is the schema a new database gets
        differences = compare_metadata(MigrationContext.configure(
            connection, opts={"include_name": karta_owned}),
                                       SQLModel.metadata)
    assert differences == []
    result = verify(old, "admin")
    assert result.ok, result.problems
    assert result.documents == len(documents)
    # and work goes on: a transition after the upgrade is logged and verifies
    apply_event(old, "1:5@2022", "start", "clerk")
    assert verify(old, "admin").ok
    assert upgrade(old, "admin") == (HEAD, HEAD)  # a second upgrade changes nothing
    old.dispose()


def test_upgrade_command(tmp_path: Path) -> None:
    shutil.copy(RELEASE / "karta.db", tmp_path / "karta.db")
    shutil.copytree(RELEASE / "karta-files", tmp_path / "karta-files")
    karta = Karta(f"sqlite:///{tmp_path / 'karta.db'}", tmp_path)
    refused = karta("roadmaps")
    assert refused.exit_code == 2 and "выполните «karta upgrade»" in refused.stderr
    done = karta("upgrade")
    assert done.exit_code == 0, done.stderr
    assert f"обновлена: 0001 → {HEAD}" in done.stdout
    assert karta("roadmaps").exit_code == 0


@pytest.fixture
def worked(db: Database, tmp_path: Path) -> Database:
    """A database with an import, transitions with documents and an attachment."""
    from registry.orders import sign
    from registry.roadmaps import import_roadmap
    from tests.conftest import ZAOZERSK

    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    attachment = tmp_path / "справка.txt"
    attachment.write_text("справка о проведении", encoding="utf-8")
    apply_event(db, f"{rid}:5@2021", "start", "clerk", order=True)
    apply_event(db, f"{rid}:5@2021", "report", "clerk", files=[attachment])
    # a draft corrected in Word and sent round for a visa (the tables of migration 0004)
    from registry.documents import document_bytes, get_document
    from registry.drafts import revise
    from registry.visas import decide, send_for_visas
    from tests.test_drafts_visas import edited

    revise(db, "clerk", 1, edited(document_bytes(db, get_document(db, "clerk", 1))), "п.docx")
    send_for_visas(db, "clerk", 1, ["head"])
    decide(db, "head", 1, give=True)
    sign(db, "head", 1)
    return db


@pytest.mark.parametrize("into", ["sqlite", "postgresql"])
def test_backup_and_restore_round_trip(worked: Database, tmp_path: Path, into: str,
                                       request: pytest.FixtureRequest) -> None:
    """Everything comes back — rows, ids, numbers, files, the log — into a new database of
    either kind, and verify passes there against the backup's checkpoint."""
    from registry.backup import make_backup, restore_backup
    from registry.documents import list_documents
    from registry.roadmaps import list_activities
    from tests.conftest import PG_URL, _pg_schema_url

    if into == "postgresql" and PG_URL is None:
        pytest.skip("KARTA_TEST_PG_URL not set (CI sets it)")
    archive = tmp_path / "копия.zip"
    manifest = make_backup(worked, "admin", archive)
    assert manifest["tables"]["historyevent"] > 10 and manifest["files"] >= 4
    with pytest.raises(KartaError, match="уже есть"):
        make_backup(worked, "admin", archive)
    urls = _pg_schema_url() if into == "postgresql" else iter(
        [f"sqlite:///{tmp_path / 'restored.db'}"])
    url = next(urls)
    restored = Database(url, tmp_path / "restored-files")
    try:
        restore_backup(restored, "admin", archive)
        assert verify(restored, "admin").ok, verify(restored, "admin").problems
        assert list_documents(restored, "admin") == list_documents(worked, "admin")
        assert list_activities(restored, "admin") == list_activities(worked, "admin")
        for row in list_documents(restored, "admin"):
            assert restored.store.read(str(row["file"])) == worked.store.read(str(row["file"]))
        apply_event(restored, "1:5@2022", "start", "clerk")  # ids continue after the copy
        assert verify(restored, "admin").ok
        with pytest.raises(ConfigurationError, match="только в новую пустую базу"):
            restore_backup(restored, "admin", archive)
    finally:
        restored.dispose()
        for _ in urls:  # drop the PostgreSQL schema
            pass


RELEASE_PG_TRIGGERS = (  # what release 0.1.0 created on PostgreSQL
    "CREATE OR REPLACE FUNCTION karta_refuse_log_change() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'журнал решений неизменяем'; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION karta_refuse_signed_change() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'подписанный приказ не изменяется'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER historyevent_append_only BEFORE UPDATE OR DELETE ON historyevent "
    "FOR EACH ROW EXECUTE FUNCTION karta_refuse_log_change()",
    "CREATE TRIGGER document_signed_frozen BEFORE UPDATE OR DELETE ON document "
    "FOR EACH ROW WHEN (OLD.status = 'signed') EXECUTE FUNCTION karta_refuse_signed_change()",
)


def test_a_release_0_1_0_postgresql_database_upgrades_and_verifies(old: Database,
                                                                   tmp_path: Path) -> None:
    """The same 0.1.0 data on PostgreSQL (its tables and rows as 0.1.0 made them, with its
    triggers): the migrations run there too, and the result verifies."""
    from sqlalchemy import Column, ForeignKey, MetaData, Table
    from sqlalchemy.types import BLOB, DateTime, LargeBinary, String, TypeDecorator

    from tests.conftest import PG_URL, _pg_schema_url

    if PG_URL is None:
        pytest.skip("KARTA_TEST_PG_URL not set (CI sets it)")
    urls = _pg_schema_url()
    target = Database(next(urls), None)
    try:
        source = MetaData()
        source.reflect(old.engine)
        current = SQLModel.metadata.tables
        made = MetaData()
        for table in source.sorted_tables:
            columns = []
            for column in table.columns:
                model = current.get(table.name)
                kind = model.c[column.name].type if model is not None and \
                    column.name in model.c else String()
                if isinstance(column.type, BLOB):
                    kind = LargeBinary()
                elif isinstance(kind, TypeDecorator) and \
                        isinstance(kind.impl_instance, DateTime):
                    # 0.1.0 wrote naive UTC; the column itself is what 0.1.0 made
                    kind = DateTime(timezone=True)
                keys = [ForeignKey(f"{k.column.table.name}.{k.column.name}")
                        for k in column.foreign_keys]
                columns.append(Column(column.name, kind, *keys, primary_key=column.primary_key,
                                      nullable=column.nullable))
            copy = Table(table.name, made, *columns)
            for constraint in table.constraints:
                if constraint.__class__.__name__ == "UniqueConstraint":
                    from sqlalchemy import UniqueConstraint

                    copy.append_constraint(UniqueConstraint(
                        *[c.name for c in constraint.columns], name=constraint.name))
            for index in table.indexes:
                from sqlalchemy import Index

                Index(index.name, *[copy.c[c.name] for c in index.columns],
                      unique=bool(index.unique))
        made.create_all(target.engine)
        with old.engine.connect() as reading, target.engine.begin() as writing:
            for table in source.sorted_tables:
                rows = [dict(r._mapping) for r in reading.execute(table.select())]
                if rows:
                    writing.execute(made.tables[table.name].insert(), rows)
            for table in ("organisation", "person", "roadmap", "section", "activity",
                          "occurrence", "historyevent", "templateversion", "templaterule",
                          "document"):
                writing.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))")
            for statement in RELEASE_PG_TRIGGERS:
                writing.exec_driver_sql(statement)
        assert upgrade(target, "admin")[1] == HEAD
        with target.engine.connect() as connection:  # the job queue's own schema too
            assert connection.exec_driver_sql(
                "SELECT to_regclass('procrastinate_jobs') IS NOT NULL").scalar()
        with target.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(
            connection, opts={"include_name": karta_owned}),
                                           SQLModel.metadata)
        assert differences == [], "\n".join(map(str, differences))
        # the files of the release were in its folder; a PostgreSQL karta keeps them in
        # the database: put them there, as an office moving its store would
        from registry.files import FolderStore

        for address in FolderStore(RELEASE / "karta-files").addresses():
            kind, _, rest = address.partition("/")
            target.store.put((RELEASE / "karta-files" / address).read_bytes(), kind,
                             Path(rest).suffix)
        result = verify(target, "admin")
        problems = [p for p in result.problems if "отсутствует" not in p]
        assert problems == [], problems
        apply_event(target, "1:5@2022", "start", "clerk")
        assert verify(target, "admin").ok
    finally:
        target.dispose()
        for _ in urls:
            pass
