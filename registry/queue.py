"""The job queue of an office's karta: procrastinate over the same PostgreSQL database.

Karta applies procrastinate's schema itself (``karta init`` and ``karta upgrade``, in the
schema karta's tables are in), never by hand, and notes which procrastinate made it (a
comment on ``procrastinate_jobs``): ``karta upgrade`` applies procrastinate's own migrations
since then, and ``karta serve`` runs no jobs over a queue not brought up to date.

One task is registered, ``karta.job``, whose only argument is the id of a row of table
``job`` (``registry.jobs``): the name of the work, its JSON arguments and its starter are
there, so nothing but a name and an id crosses processes. Deferring is synchronous (the
pages run in threads), through a small pool of its own; the worker runs inside ``karta
serve`` on the server's event loop, and procrastinate runs the synchronous task in a
thread, so the loop is never blocked.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from registry.database import Database
from workflow.errors import ConfigurationError

QUEUE = "karta"
TASK = "karta.job"
GRACEFUL_SECONDS = 10.0  # a stopping server lets running jobs finish this long


def conninfo(db: Database) -> str:
    """The database's address for psycopg (SQLAlchemy's URL without the driver name, its
    options — a test's search_path among them — kept)."""
    url = db.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def installed_version() -> str:
    """The version of procrastinate karta runs with."""
    from importlib.metadata import version

    return version("procrastinate")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def pending_migrations(since: str, until: str) -> list[Path]:
    """procrastinate's migrations from a schema of version ``since`` to one of ``until``,
    in order (each release's «pre» before its «post»)."""
    from procrastinate.schema import migrations_path

    return [path for path in sorted(Path(migrations_path).glob("*.sql"))
            if _version(since) < _version(path.name.split("_")[0]) <= _version(until)]


def _stamped(connection: Connection) -> str | None:
    """The procrastinate version whose schema the database has (karta notes it on the jobs
    table), or None when the queue has no schema."""
    found = connection.exec_driver_sql(
        "SELECT to_regclass('procrastinate_jobs') IS NOT NULL, "
        "obj_description(to_regclass('procrastinate_jobs'), 'pg_class')").one()
    if not found[0]:
        return None
    # a schema with no note is taken as the installed version's
    return str(found[1] or "").removeprefix("procrastinate ") or installed_version()


def ensure_queue_schema(connection: Connection) -> bool:
    """Create procrastinate's tables and functions, or bring them to the installed
    version with procrastinate's own migrations; nothing when they are current
    (idempotent). True when anything was done. PostgreSQL only."""
    wanted = installed_version()
    stamped = _stamped(connection)
    if stamped is not None and _version(stamped) > _version(wanted):
        raise ConfigurationError(f"очередь заданий в базе создана procrastinate {stamped}, "
                                 f"а установлен {wanted}: обновите karta")
    if stamped is not None and _version(stamped) == _version(wanted):
        return False
    from procrastinate.schema import SchemaManager

    # many statements at once, no parameters: straight to the driver
    driver = connection.connection.driver_connection
    assert driver is not None
    if stamped is None:
        driver.execute(SchemaManager.get_schema())  # type: ignore[attr-defined]
    else:
        for migration in pending_migrations(stamped, wanted):
            driver.execute(migration.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    connection.exec_driver_sql(f"COMMENT ON TABLE procrastinate_jobs IS "
                               f"'procrastinate {wanted}'")
    return True


def require_queue_current(db: Database) -> None:
    """Refuse to run jobs over a queue whose schema this procrastinate cannot use (none,
    a newer one, or one with migrations not applied yet)."""
    wanted = installed_version()
    with db.engine.connect() as connection:
        stamped = _stamped(connection)
    if stamped is not None and _version(stamped) > _version(wanted):
        raise ConfigurationError(f"очередь заданий в базе создана procrastinate {stamped}, "
                                 f"а установлен {wanted}: обновите karta")
    if stamped is None or pending_migrations(stamped, wanted):
        found = "не создана" if stamped is None else f"версии procrastinate {stamped}"
        raise ConfigurationError(f"очередь заданий в базе {found}, а karta работает с "
                                 f"procrastinate {wanted}: выполните «karta upgrade»")


class Queue:
    """procrastinate's app for one database, with karta's one task."""

    def __init__(self, db: Database, run: Callable[[str], None]) -> None:
        import procrastinate

        self.db = db
        self.info = conninfo(db)
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(
            conninfo=self.info, min_size=1, max_size=4))

        def karta_job(job_id: str) -> None:
            run(job_id)

        self.app.task(name=TASK, queue=QUEUE)(karta_job)
        self._deferrer: Any = None
        self._lock = threading.Lock()

    def has_live_worker(self) -> bool:
        """Whether any process's worker has said it is alive lately (procrastinate's
        workers' heartbeats)."""
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.db.engine.connect() as connection:
                return bool(connection.exec_driver_sql(
                    "SELECT EXISTS (SELECT 1 FROM procrastinate_workers WHERE "
                    "last_heartbeat > now() - interval '1 minute')").scalar())
        except SQLAlchemyError:  # a procrastinate without that table: no hint, no harm
            return True

    def defer(self, job_id: str) -> None:
        """Put a job in the queue (from a page's thread)."""
        with self._lock:
            if self._deferrer is None:
                import procrastinate

                # an app of its own, by task name: the worker's app is async, on the loop
                self._deferrer = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(
                    conninfo=self.info, min_size=1, max_size=2))
                self._deferrer.open()
        self._deferrer.configure_task(TASK, queue=QUEUE).defer(job_id=job_id)

    async def work(self, concurrency: int, name: str) -> None:
        """Run jobs until cancelled (the server stops): then running ones get
        ``GRACEFUL_SECONDS`` to finish."""
        await asyncio.to_thread(require_queue_current, self.db)
        async with self.app.open_async():
            await self.app.run_worker_async(
                queues=[QUEUE], concurrency=concurrency, name=f"karta {name}",
                install_signal_handlers=False, delete_jobs="always",
                shutdown_graceful_timeout=GRACEFUL_SECONDS)

    def close(self) -> None:
        with self._lock:
            if self._deferrer is not None:
                self._deferrer.close()
                self._deferrer = None
