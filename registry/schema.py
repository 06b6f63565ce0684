"""Schema versions: a new database is created at the newest version; an older one is
upgraded by ``karta upgrade`` (Alembic migrations in ``registry/migrations``), after which
the log vouches for the state of every row as the upgrade found it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from registry.database import Database
from workflow.errors import ConfigurationError

if TYPE_CHECKING:  # Alembic is imported only to migrate: not on every command's start-up
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST = "0001"  # the schema of release 0.1.0, which had no version table
HEAD = "0014"  # the newest migration (a test checks it against the migrations folder)


def karta_owned(name: str | None, type_: str, parent_names: object) -> bool:
    """Whether a database object is karta's to compare with its models (procrastinate's
    queue tables live beside them and are procrastinate's, see ``registry.queue``)."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest schema version this karta knows."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(connection: Connection) -> str | None:
    """The version of a database; a 0.1.0 database (no version table) is «0001»."""
    from alembic.runtime.migration import MigrationContext

    version = MigrationContext.configure(connection).get_current_revision()
    if version is None and inspect(connection).has_table("organisation"):
        return FIRST
    return version


def stamp_new(db: Database) -> None:
    """Mark a database just created from the models as being at the newest version."""
    from alembic import command

    with db.engine.begin() as connection:
        command.stamp(_config(connection), head())


def require_current(db: Database) -> None:
    """Refuse to work on a database of another version, with what to do (one cheap query:
    this runs before every command)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with db.engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")
                                         ).scalar()
    except DBAPIError:
        version = FIRST  # no version table: release 0.1.0
    if version == HEAD:
        return
    from alembic.script import ScriptDirectory

    known = ScriptDirectory.from_config(_config())
    if version is not None and known.get_revision(version) is not None:
        raise ConfigurationError(f"база данных версии схемы {version}, а karta работает с "
                                 f"версией {head()}: сделайте резервную копию (karta backup) "
                                 "и выполните «karta upgrade»")
    raise ConfigurationError(f"база данных версии схемы «{version}» создана более новой "
                             "версией karta; обновите karta")


def upgrade(db: Database, actor: str | None) -> tuple[str, str]:
    """Migrate the database to the newest version and log the upgrade, vouching for every
    row as found (older logs did not vouch for rows). Returns (from, to)."""
    from alembic import command

    from registry.history import record
    from registry.people import acting_person
    from registry.state import every_row

    with db.engine.connect() as connection:
        before = current(connection)
    if before is None:
        raise ConfigurationError("база данных не создана: выполните «karta init --org …»")
    if not db.is_sqlite:  # the background jobs' queue: procrastinate's own schema
        from registry.queue import ensure_queue_schema

        with db.engine.begin() as connection:
            ensure_queue_schema(connection)
    if before == head():
        return before, before
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        if db.is_sqlite:
            # SQLite rebuilds tables to change them; references are checked after, not while
            # (the pragma works only outside a transaction, so on the raw connection)
            connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA foreign_keys=OFF")
        with connection.begin():
            if MigrationContext.configure(connection).get_current_revision() is None:
                command.stamp(_config(connection), FIRST)
            command.upgrade(_config(connection), "head")
            if db.is_sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise ConfigurationError(f"обновление схемы прервано: нарушены связи "
                                             f"таблиц ({broken[0][0]}); база не изменена")
        if db.is_sqlite:
            connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA foreign_keys=ON")
    with db.transaction() as session:
        person = acting_person(session, actor, "upgrade")
        record(session, login=person.login, object_ref="схема базы данных", event="upgrade",
               comment=f"схема обновлена: версия {before} → {head()}; состояние всех записей "
                       "на момент обновления заверено журналом",
               details={"before": before, "after": head()},
               touches=every_row(session.connection()))
    return before, head()
