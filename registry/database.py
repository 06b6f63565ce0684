"""The database: connecting by URL, creating the schema, and one transaction at a time."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError
from sqlmodel import Session, SQLModel, create_engine

from registry import (
    tables,  # noqa: F401  (defines the tables on SQLModel.metadata)
    tenancy,  # noqa: F401  (confines every session to its organisation)
)
from workflow.errors import ConfigurationError, KartaError, PermissionDenied

DEFAULT_URL = "sqlite:///karta.db"
LOG_LOCK = 5_270_274  # the advisory lock guarding the log's head on PostgreSQL
# one per schema: two karta databases in two schemas of one PostgreSQL database (a test
# run beside another, a staging copy) never wait on each other's log
LOG_LOCK_SQL = f"SELECT pg_advisory_xact_lock({LOG_LOCK}, hashtext(current_schema()))"
PING_AFTER_SECONDS = 5.0  # a pooled PostgreSQL connection idle longer is pinged before use
LOCK_SECONDS = 10  # how long a writer waits for another before giving up with a clear message

_REFUSE_LOG = "журнал решений неизменяем: изменение и удаление записей запрещены"
_REFUSE_SIGNED = "подписанный приказ не изменяется: издайте новый приказ"
_REFUSE_TEMPLATE = "версия шаблона неизменяема: зарегистрируйте новую версию"
# name → what it guards; verify reports a missing one
TRIGGERS = {
    "historyevent_no_update": "журнал решений (изменение)",
    "historyevent_no_delete": "журнал решений (удаление)",
    "document_signed_no_update": "подписанные приказы (изменение)",
    "document_signed_no_delete": "подписанные приказы (удаление)",
    "templateversion_frozen": "версии шаблонов (изменение)",
}
POSTGRES_TRIGGER_NAMES = {
    "historyevent_append_only": "журнал решений (изменение и удаление)",
    "historyevent_no_truncate": "журнал решений (TRUNCATE)",
    "document_signed_frozen": "подписанные приказы",
    "templateversion_frozen": "версии шаблонов",
}
# a signed order's columns are frozen; only ``last_event`` (the log's stamp) may be written
_DOCUMENT_COLUMNS = tuple(column.name for column in tables.Document.__table__.columns  # type: ignore[attr-defined]
                          if column.name not in ("id", "last_event"))


def guard_statements(sqlite: bool, document_columns: Iterable[str] = _DOCUMENT_COLUMNS
                     ) -> tuple[str, ...]:
    """The triggers that keep the log append-only, signed orders and template versions
    frozen. A migration passes the document columns its schema has at that step."""
    frozen = ", ".join(c for c in document_columns if c not in ("id", "last_event"))
    if sqlite:
        return (
            "CREATE TRIGGER IF NOT EXISTS historyevent_no_update BEFORE UPDATE ON historyevent "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_LOG}'); END",
            "CREATE TRIGGER IF NOT EXISTS historyevent_no_delete BEFORE DELETE ON historyevent "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_LOG}'); END",
            "CREATE TRIGGER IF NOT EXISTS document_signed_no_update BEFORE UPDATE OF "
            f"{frozen} ON document "
            f"WHEN OLD.status = 'signed' BEGIN SELECT RAISE(ABORT, '{_REFUSE_SIGNED}'); END",
            "CREATE TRIGGER IF NOT EXISTS document_signed_no_delete BEFORE DELETE ON document "
            f"WHEN OLD.status = 'signed' BEGIN SELECT RAISE(ABORT, '{_REFUSE_SIGNED}'); END",
            "CREATE TRIGGER IF NOT EXISTS templateversion_frozen BEFORE UPDATE OF name, kind, "
            f"version, sha256, content ON templateversion BEGIN SELECT RAISE(ABORT, "
            f"'{_REFUSE_TEMPLATE}'); END",
        )
    return (
        "CREATE OR REPLACE FUNCTION karta_refuse_log_change() RETURNS trigger AS $$ BEGIN "
        f"RAISE EXCEPTION '{_REFUSE_LOG}'; END $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION karta_refuse_signed_change() RETURNS trigger AS $$ BEGIN "
        f"RAISE EXCEPTION '{_REFUSE_SIGNED}'; END $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION karta_refuse_template_change() RETURNS trigger AS $$ BEGIN "
        f"RAISE EXCEPTION '{_REFUSE_TEMPLATE}'; END $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS historyevent_append_only ON historyevent",
        "CREATE TRIGGER historyevent_append_only BEFORE UPDATE OR DELETE ON historyevent "
        "FOR EACH ROW EXECUTE FUNCTION karta_refuse_log_change()",
        # row triggers do not fire on TRUNCATE: a statement trigger does
        "DROP TRIGGER IF EXISTS historyevent_no_truncate ON historyevent",
        "CREATE TRIGGER historyevent_no_truncate BEFORE TRUNCATE ON historyevent "
        "FOR EACH STATEMENT EXECUTE FUNCTION karta_refuse_log_change()",
        "DROP TRIGGER IF EXISTS templateversion_frozen ON templateversion",
        "CREATE TRIGGER templateversion_frozen BEFORE UPDATE OF name, kind, version, sha256, "
        "content ON templateversion FOR EACH ROW EXECUTE FUNCTION karta_refuse_template_change()",
        "DROP TRIGGER IF EXISTS document_signed_frozen ON document",
        f"CREATE TRIGGER document_signed_frozen BEFORE UPDATE OF {frozen} OR DELETE "
        "ON document FOR EACH ROW WHEN (OLD.status = 'signed') "
        "EXECUTE FUNCTION karta_refuse_signed_change()",
    )


SQLITE_TRIGGERS = guard_statements(True)
POSTGRES_TRIGGERS = guard_statements(False)


def upsert_insert(dialect: str) -> Any:
    """The INSERT of the database in use that knows ``on_conflict_do_nothing``: PostgreSQL's
    is imported only for PostgreSQL (its dialect module takes ~70 ms to import, on every
    command that writes)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def normalise_url(url: str | None) -> str:
    """A SQLAlchemy URL from ``--db``: a URL as is, a bare path as a SQLite file."""
    if not url:
        return DEFAULT_URL
    if "://" in url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            # psycopg 3 is the driver we ship; plain URLs would ask for psycopg2
            return "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{url}"


class Clock:
    """karta's one clock: every «now» and «today» comes from here. Tests that depend on the
    day move it (``Clock.offset``) instead of racing the real date."""

    offset = timedelta(0)


def utcnow() -> datetime:
    """Now, in UTC (stored as UTC in every database)."""
    return datetime.now(UTC) + Clock.offset


class Database:
    """One database reached by URL; every change goes through ``transaction()``."""

    _folder: Path | None

    def __init__(self, url: str | None = None, files_dir: Path | None = None) -> None:
        from registry.files import DatabaseStore, FileStore, FolderStore

        self.url = normalise_url(url)
        self.engine: Engine = _make_engine(self.url)
        # SQLite: writers take the write lock up front (made once: what is cached per
        # engine, such as the organisation's profile, stays cached for writers too)
        self.writing_engine: Engine = self.engine.execution_options(sqlite_begin="IMMEDIATE") \
            if self.is_sqlite else self.engine
        self.time_zone: str | None = None
        self.store: FileStore
        if self.is_sqlite:
            self.files_dir: Path | None = (files_dir or _default_files_dir(self.url)).resolve()
            self.store = FolderStore(self.files_dir)
        else:  # a shared server: the files live in the database, not on one machine
            self.files_dir = None
            self.store = DatabaseStore(self.engine, self.safe_url)

    @property
    def folder(self) -> Path | None:
        """The folder of a SQLite database file (for its error log and checkpoints)."""
        if "_folder" not in self.__dict__:  # resolved once: asked by every transaction
            self._folder = Path(self.url[len("sqlite:///"):]).resolve().parent \
                if self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:" \
                else None
        return self._folder

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def create_schema(self) -> None:
        """Create every table that does not exist yet, and the triggers that keep the log
        append-only and signed orders unchangeable."""
        try:
            SQLModel.metadata.create_all(self.engine)
            with self.engine.begin() as connection:
                for statement in (SQLITE_TRIGGERS if self.is_sqlite else POSTGRES_TRIGGERS):
                    connection.exec_driver_sql(statement)
                if not self.is_sqlite:  # the background jobs' queue (registry.queue)
                    from registry.queue import ensure_queue_schema

                    ensure_queue_schema(connection)
            if self.folder is not None:  # the file is its owner's alone
                os.chmod(self.url[len("sqlite:///"):], 0o600)
            from registry.schema import stamp_new

            stamp_new(self)
        except OperationalError as error:
            raise ConfigurationError(f"база данных недоступна ({self.safe_url}): "
                                     f"{_first_line(error)}") from None

    def is_initialised(self) -> bool:
        """True when ``karta init`` has created the schema here (a SQLite file that does
        not exist is not created by asking)."""
        if self.folder is not None and not Path(self.url[len("sqlite:///"):]).exists():
            return False
        try:
            return inspect(self.engine).has_table("organisation")
        except OperationalError as error:
            raise ConfigurationError(f"база данных недоступна ({self.safe_url}): "
                                     f"{_first_line(error)}") from None

    def require_initialised(self, current: bool = True) -> None:
        """Raise a clear error when the database has not been created by ``karta init``,
        or (with ``current``) is of another schema version than this karta."""
        if not self.is_initialised():
            raise ConfigurationError(
                f"база данных {self.safe_url} не создана: выполните «karta init --org …»"
            )
        if current:
            from registry.schema import require_current

            require_current(self)

    @property
    def safe_url(self) -> str:
        """The URL without a password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self, exclusive: bool = True) -> Iterator[Session]:
        """A session whose changes land together on success and not at all on error.

        On PostgreSQL an ``exclusive`` transaction (the default: changes that read rows and
        write them back) takes the log's lock first, so such writers queue as on SQLite; the
        hot paths (transitions, signing) guard themselves with compare-and-set and pass
        ``exclusive=False``: they lock only their rows, and the log's head for the append."""
        # SQLite: take the write lock up front, so two writers queue instead of the second
        # failing on a stale snapshot; the compare-and-set then tells who came second
        session = Session(self.writing_engine, expire_on_commit=False)
        session.info["writing"] = True  # confined to the writer's organisation (tenancy)
        session.info["log_key"] = self.log_key  # seals the events it writes (registry.seal)
        try:
            if not self.is_sqlite:
                connection = session.connection()
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_SECONDS}s'")
                if exclusive:
                    connection.exec_driver_sql(LOG_LOCK_SQL)
            yield session
            self.store.settle()  # the files these records name are durable first
            session.commit()
            if session.info.get("log_head"):
                self._checkpoint(*session.info["log_head"])
        except PermissionDenied as denied:
            session.rollback()
            self._log_refusal(denied)
            raise
        except SQLAlchemyError as error:
            session.rollback()
            if isinstance(error, OperationalError):
                raise database_error(error) from None
            raise _number_too_large(error) or error from None
        except OverflowError as error:  # an id past 64 bits (SQLite refuses to bind it)
            session.rollback()
            raise _number_too_large(error) or error from None
        except BaseException:
            session.rollback()
            raise
        finally:
            self.store.settle(quiet=True)
            session.close()

    @property
    def log_key(self) -> bytes | None:
        """The key outside the database that seals the log here, or None."""
        from registry.seal import load_key

        return load_key(self.folder)

    def _checkpoint(self, seq: int, head: str) -> None:
        """The log's head after a change, sealed, in the checkpoint file outside the
        database (only where there is a key: an unsealed line proves nothing)."""
        key = self.log_key
        if key is None:
            return
        from registry.seal import append_checkpoint, checkpoints_path

        try:
            append_checkpoint(checkpoints_path(self.folder), {
                "organisation": "", "seq": seq, "hash": head,
                "at": utcnow().isoformat(timespec="seconds"), "by": "karta",
                "log": self.log_root()}, key)
        except OSError:
            pass  # the change is made; verify will say the checkpoints lag behind

    def log_root(self) -> str:
        """The hash of the log's first event: which database's log a checkpoint is of
        (one checkpoint file may serve several databases of a server)."""
        if not getattr(self, "_log_root", ""):
            with self.engine.connect() as connection:
                self._log_root = str(connection.exec_driver_sql(
                    "SELECT hash FROM historyevent WHERE seq = 1").scalar() or "")
        return self._log_root

    def _log_refusal(self, denied: PermissionDenied) -> None:
        """A refused attempt is a decision too: log it in a transaction of its own."""
        from registry.history import record

        with self.transaction() as session:
            record(session, login=denied.login, object_ref=f"действие {denied.action}",
                   event="denied", comment=str(denied),
                   details={"needed": list(denied.needed), "held": list(denied.held)})

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reading only."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
        except PermissionDenied as denied:
            session.close()
            self._log_refusal(denied)
            raise
        except OperationalError as error:
            raise database_error(error) from None
        except (SQLAlchemyError, OverflowError) as error:
            raise _number_too_large(error) or error from None
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _number_too_large(error: BaseException) -> KartaError | None:
    """An id, reference or year past what a database integer holds: nothing by that number
    exists («not found», not a failure); None for any other error."""
    from registry.incidents import too_large_a_number

    if not too_large_a_number(error):
        return None
    from workflow.errors import UnknownReference

    return UnknownReference("номер", "такого нет: число больше любого номера в базе")


def database_error(error: Exception) -> KartaError:
    """A database failure as one Russian line; a lock held too long says so."""
    text = _first_line(error)
    if "deadlock detected" in text:
        from workflow.errors import ConcurrentUpdate

        return ConcurrentUpdate("запись")
    if "locked" in text or "lock timeout" in text or "busy" in text:
        return ConfigurationError(
            f"база данных занята другим пользователем дольше {LOCK_SECONDS} с; повторите "
            "действие чуть позже")
    from registry.incidents import explain

    known = explain(error)
    if isinstance(known, ConfigurationError):
        return known
    return ConfigurationError(f"ошибка базы данных: {text}")


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def _default_files_dir(url: str) -> Path:
    configured = os.environ.get("KARTA_FILES")
    if configured:
        return Path(configured)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url[len("sqlite:///"):]).resolve().parent / "karta-files"
    return Path("karta-files").resolve()


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": LOCK_SECONDS,
                                                  "isolation_level": None})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):  # type: ignore[no-untyped-def]
            # the driver's own transaction handling is off (isolation_level=None): begin here
            mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    try:
        engine = create_engine(url)
    except (ImportError, SQLAlchemyError, ValueError) as error:
        raise ConfigurationError(f"неверный адрес базы данных «{url}»: {error}") from None

    # a connection that waited in the pool a while is pinged before it is used (the
    # server or a firewall may have closed it meanwhile); one used a moment ago is not —
    # a ping on every checkout (``pool_pre_ping``) was a tenth of every PostgreSQL profile
    @event.listens_for(engine, "checkin")
    def _returned(_connection, record):  # type: ignore[no-untyped-def]
        record.info["karta_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(connection, record, _proxy):  # type: ignore[no-untyped-def]
        since = record.info.get("karta_idle_since")
        if since is not None and time.monotonic() - since < PING_AFTER_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(connection)
        except engine.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:  # the pool drops it and connects again
            raise DisconnectionError("соединение с базой данных закрыто")

    return engine
