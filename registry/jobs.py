"""Long work in the background with progress a page can poll: named jobs with JSON arguments
(«Проверка журнала», a roadmap import, …), each started by a person and run as them.

One interface (``JobService``: ``start``, ``get``, ``run_worker``), two ways to run:

- PostgreSQL (an office, possibly several ``karta serve`` processes behind a proxy): a job
  is a row of table ``job`` and a task in procrastinate's queue (``registry.queue``); a
  worker inside any server process runs it and writes its stage and progress to the row,
  so every process shows every job, and a finished result outlives a restart
  (``QueuedJobs``). A running job whose process died stops sending its heartbeat and is
  shown as stopped.
- SQLite (one process): threads of the server, state in memory (``ThreadJobs``).

A job belongs to its starter (login and organisation): anybody else is told «нет такого
задания». Its ids are random. It runs through the same service functions as the command
line, with the starter's login, so their roles are checked there, and its changes enter the
log with their name and the client address of the request that started it. A new kind of
work is one more function registered with ``job_kind``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from registry.database import Database, utcnow
from registry.history import CLIENT
from registry.tables import Job, Person
from workflow.errors import KartaError, UnknownReference, said

Report = Callable[[str, float], None]
Work = Callable[[Database, str, dict[str, Any], Report], dict[str, Any]]
HEARTBEAT_SECONDS = 10.0  # a running job says it is alive this often…
STALE_SECONDS = 60.0  # …and one silent for this long died with its process
REPORT_SECONDS = 0.5  # progress is written at most this often (a stage change at once)
KEEP_SECONDS = 3600  # finished in-memory jobs (SQLite) are forgotten after an hour…
KEEP_DAYS = 30  # …and those in the table (PostgreSQL) after a month
NOT_FOUND = "нет такого задания"


@dataclass(frozen=True)
class JobKind:
    """A named piece of work: what it is called, which permission starting it needs
    (``registry.people.PERMISSIONS``; None: any known person, the work checks itself)."""

    name: str
    title: str
    action: str | None
    work: Work
    check: Callable[[Person], None] | None = None  # a further refusal, at start


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, title: str, action: str | None = None,
             check: Callable[[Person], None] | None = None) -> Callable[[Work], Work]:
    """Register ``work(db, login, arguments, report) -> result`` (JSON in, JSON out)."""
    def register(work: Work) -> Work:
        if name in KINDS:
            raise ValueError(f"job kind {name} registered twice")
        KINDS[name] = JobKind(name, title, action, work, check)
        return work
    return register


@dataclass
class JobStatus:
    """A job as a page shows it."""

    id: str
    kind: str
    title: str
    login: str
    organisation_id: int
    state: str = "queued"  # queued, running, done, failed, stopped
    stage: str = "в очереди"
    progress: float = 0.0
    result: dict[str, Any] | None = None
    error: str = ""
    created_at: datetime = field(default_factory=utcnow)

    @property
    def done(self) -> bool:
        return self.state in ("done", "failed", "stopped")


# ----------------------------------------------------------------------------- the kinds

def _whole_organisation(person: Person) -> None:
    from registry.people import require_whole_organisation

    require_whole_organisation(person, "проверка журнала")


@job_kind("verify", "Проверка журнала", check=_whole_organisation)
def _verify(db: Database, login: str, arguments: dict[str, Any], report: Report
            ) -> dict[str, Any]:
    from registry.verify import verify

    return verify(db, login, progress=report).as_dict()


_SOURCE = re.compile(r"^sources/[0-9a-f]{2}/[0-9a-f]{64}(\.[A-Za-z0-9]{1,8})?$")


@job_kind("import_roadmap", "Импорт дорожной карты", action="import")
def _import_roadmap(db: Database, login: str, arguments: dict[str, Any], report: Report
                    ) -> dict[str, Any]:
    """The uploaded file is in the store already: the job gets its address, never a path."""
    from registry.roadmaps import import_roadmap
    from registry.uploads import upload_file
    from workflow.importing import parse_period

    address = str(arguments.get("address", ""))
    if not _SOURCE.match(address):
        raise KartaError(f"неверный адрес файла в хранилище «{address[:80]}»")
    period_text = str(arguments.get("period") or "")
    period = parse_period(period_text, bool(arguments.get("school_years"))) \
        if period_text else None
    report("чтение файла", 0.05)
    with upload_file(db, address) as path:
        report("разбор и запись дорожной карты", 0.2)
        result = import_roadmap(db, path, login, period, str(arguments.get("title") or "")
                                or None, bool(arguments.get("again")),
                                source_name=str(arguments.get("name") or "") or None,
                                indicators=list(arguments.get("indicators") or [])[:500])
    return result.as_dict()


def _may_start(person: Person) -> None:
    """Who may start occurrences is what the planned state's «start» names."""
    from registry.people import roles_of
    from workflow.machine import occurrence_machine

    machine = occurrence_machine()
    machine.require_permitted(person.login, machine.initial, "start", roles_of(person))


@job_kind("start_due", "Начало исполнений", check=_may_start)
def _start_due(db: Database, login: str, arguments: dict[str, Any], report: Report
               ) -> dict[str, Any]:
    """Every planned occurrence of a roadmap due in the given days, as ``karta start R1
    --due``; in the server's own process (no pool forked from a server with threads)."""
    from datetime import date

    from registry.batch import start_due

    try:
        roadmap = int(arguments.get("roadmap", 0))
        first = date.fromisoformat(str(arguments.get("first", "")))
        last = date.fromisoformat(str(arguments.get("last", "")))
    except (TypeError, ValueError) as error:
        raise KartaError("неверные данные задания: нужны дорожная карта и срок") from error

    def progress(done: int, total: int) -> None:
        report(f"начато {done} из {total}", done / total if total else 1.0)

    batch = start_due(db, login, f"R{roadmap}", first, last,
                      order=bool(arguments.get("order")), workers=1, progress=progress)
    return {"roadmap": roadmap, "ref": batch.ref, "first": first.isoformat(),
            "last": last.isoformat(), "due": batch.due, "planned": len(batch.planned),
            "others": batch.others, "failed": batch.failed,
            "started": [{"ref": row["ref"], "documents": [
                {"id": d["id"], "title": d["title"]} for d in row["documents"]]}
                for row in batch.started]}


# ----------------------------------------------------------------------------- running one

def execute(db: Database, kind: str, login: str, arguments: dict[str, Any], client: str,
            report: Report) -> tuple[dict[str, Any] | None, str]:
    """Run a job's work as its starter: (result, "") or (None, one Russian line). A failure
    karta cannot name is an incident, numbered and logged, as on a page."""
    token = CLIENT.set(client)
    try:
        found = KINDS.get(kind)
        if found is None:
            raise KartaError(f"неизвестное задание «{kind}»")
        result = found.work(db, login, arguments, report)
        return json.loads(json.dumps(result, ensure_ascii=False, default=str)), ""
    except Exception as error:
        from registry.incidents import explain, report_incident

        known = explain(error)
        if known is not None:
            return None, known.message  # both voices: each reader's page or command picks
        title = KINDS[kind].title if kind in KINDS else kind
        return None, report_incident(error, db.folder, f"задание «{title}»")
    finally:
        CLIENT.reset(token)


def _starter(db: Database, kind: str, login: str) -> tuple[JobKind, int]:
    """The kind and the starter's organisation; a person not allowed to start it is refused
    here (and the refusal logged), before anything is queued."""
    from registry.people import acting_person

    found = KINDS.get(kind)
    if found is None:
        raise KartaError(f"неизвестное задание «{kind}»")
    with db.reading() as session:
        person = acting_person(session, login, found.action)
        if found.check is not None:
            found.check(person)
    return found, person.organisation_id


def _organisation_of(db: Database, login: str) -> int:
    from registry.people import acting_person

    with db.reading() as session:
        return acting_person(session, login).organisation_id


def _arguments(arguments: dict[str, Any] | None) -> str:
    try:
        return json.dumps(arguments or {}, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        raise KartaError("аргументы задания должны быть простыми значениями (JSON)") from None


class JobService:
    """Start a named job as a person, read its state back (only they can)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, kind: str, login: str, arguments: dict[str, Any] | None = None
              ) -> JobStatus:
        raise NotImplementedError

    def get(self, job_id: str, login: str) -> JobStatus:
        raise NotImplementedError

    async def run_worker(self, concurrency: int = 1) -> None:
        """Run this process's worker until cancelled (nothing to do for threads)."""

    def close(self) -> None:
        """Let go of connections (the server stops)."""


def job_service(db: Database) -> JobService:
    """The queue on PostgreSQL, threads on SQLite."""
    return ThreadJobs(db) if db.is_sqlite else QueuedJobs(db)


# ----------------------------------------------------------------------------- SQLite

class ThreadJobs(JobService):
    """Jobs in threads of this process, their state in its memory (one server process:
    SQLite). A restart forgets them."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._jobs: dict[str, JobStatus] = {}
        self._lock = threading.Lock()

    def start(self, kind: str, login: str, arguments: dict[str, Any] | None = None
              ) -> JobStatus:
        found, organisation_id = _starter(self.db, kind, login)
        given = json.loads(_arguments(arguments))
        job = JobStatus(secrets.token_urlsafe(18), kind, found.title, login, organisation_id,
                        state="running", stage="начато")
        client = CLIENT.get()

        def report(stage: str, share: float) -> None:
            with self._lock:
                job.stage, job.progress = stage, max(0.0, min(1.0, share))

        def run() -> None:
            result, error = execute(self.db, kind, login, given, client, report)
            with self._lock:  # a reader sees the job running or finished, never half-way
                job.result, job.error = result, error
                job.stage = "ошибка" if error else "готово"
                job.progress = job.progress if error else 1.0
                job.state = "failed" if error else "done"

        with self._lock:
            now = utcnow()
            for key in [k for k, j in self._jobs.items() if j.done and
                        (now - j.created_at).total_seconds() > KEEP_SECONDS]:
                del self._jobs[key]
            self._jobs[job.id] = job
        threading.Thread(target=run, name=f"karta-job-{job.id[:8]}", daemon=True).start()
        return job

    def get(self, job_id: str, login: str) -> JobStatus:
        """A copy of the job as it is now: a page deciding on it (go on to the result, or
        show the progress) must not see it finish between two looks."""
        with self._lock:
            job = self._jobs.get(job_id)
            job = replace(job) if job is not None else None
        if job is None or job.login != login or \
                job.organisation_id != _organisation_of(self.db, login):
            raise UnknownReference(job_id[:20], NOT_FOUND)
        return job


# ----------------------------------------------------------------------------- PostgreSQL

_JOBS = Job.__table__  # type: ignore[attr-defined]


class QueuedJobs(JobService):
    """Jobs in table ``job`` and procrastinate's queue (PostgreSQL): started in any server
    process, run by a worker in any of them, read from all."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        from registry.queue import Queue

        self.queue = Queue(db, self.run)
        self.worker = f"{socket.gethostname()}:{os.getpid()}"

    def start(self, kind: str, login: str, arguments: dict[str, Any] | None = None
              ) -> JobStatus:
        found, organisation_id = _starter(self.db, kind, login)
        job_id = secrets.token_urlsafe(18)
        with self.db.engine.begin() as connection:
            connection.execute(delete(_JOBS).where(
                _JOBS.c.finished_at < utcnow() - timedelta(days=KEEP_DAYS)))
            connection.execute(_JOBS.insert().values(
                id=job_id, kind=kind, title=found.title, login=login,
                organisation_id=organisation_id, client=CLIENT.get()[:200],
                arguments=_arguments(arguments), state="queued", stage="в очереди",
                progress=0.0, result="", error="", worker="", created_at=utcnow()))
        try:
            self.queue.defer(job_id)
        except Exception as error:
            self._finish(job_id, None, f"задание не поставлено в очередь: {error}"[:300])
            raise KartaError("задание не поставлено в очередь: база данных очереди "
                             "недоступна; повторите позже") from None
        return self.get(job_id, login)

    def get(self, job_id: str, login: str) -> JobStatus:
        with self.db.engine.connect() as connection:
            row = connection.execute(select(_JOBS).where(_JOBS.c.id == job_id)).first()
        if row is None or row.login != login or \
                row.organisation_id != _organisation_of(self.db, login):
            raise UnknownReference(job_id[:20], NOT_FOUND)
        job = JobStatus(row.id, row.kind, row.title, row.login, row.organisation_id,
                        row.state, row.stage, row.progress,
                        json.loads(row.result) if row.result else None, row.error,
                        row.created_at)
        beat = row.heartbeat_at or row.started_at
        if row.state == "running" and beat is not None and \
                utcnow() - beat > timedelta(seconds=STALE_SECONDS):
            job.state, job.stage = "stopped", "остановлено"
            job.error = ("задание прервано: процесс сервера, который его выполнял, "
                         "остановился; запустите задание снова")
        elif row.state == "queued" and \
                utcnow() - row.created_at > timedelta(seconds=STALE_SECONDS) and \
                not self.queue.has_live_worker():
            job.stage = "в очереди: " + said(
                "сейчас ни один процесс karta serve не выполняет заданий (все запущены с "
                "--workers 0 или остановлены)", "сейчас задания никто не выполняет (сервер "
                "запущен без исполнителей заданий или остановлен) — сообщите администратору")
        return job

    def run(self, job_id: str) -> None:
        """The queue's task: run one job in this worker's thread, writing its progress."""
        with self.db.engine.begin() as connection:
            row = connection.execute(select(_JOBS).where(
                _JOBS.c.id == job_id, _JOBS.c.state == "queued").with_for_update()).first()
            if row is None:  # unknown, or taken already
                return
            now = utcnow()
            connection.execute(update(_JOBS).where(_JOBS.c.id == job_id).values(
                state="running", stage="начато", started_at=now, heartbeat_at=now,
                worker=self.worker))
        last_moment, last_stage = 0.0, ""

        def report(stage: str, share: float) -> None:
            nonlocal last_moment, last_stage
            moment = time.monotonic()
            if stage == last_stage and moment - last_moment < REPORT_SECONDS:
                return
            last_moment, last_stage = moment, stage
            self._write(job_id, stage=stage[:200], progress=max(0.0, min(1.0, share)),
                        heartbeat_at=utcnow())

        alive = threading.Event()
        beating = threading.Thread(target=self._heartbeat, args=(job_id, alive),
                                   name=f"karta-heartbeat-{job_id[:8]}", daemon=True)
        beating.start()
        try:
            result, error = execute(self.db, row.kind, row.login, json.loads(row.arguments),
                                    row.client, report)
        finally:
            alive.set()
        self._finish(job_id, result, error)

    def _heartbeat(self, job_id: str, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                self._write(job_id, heartbeat_at=utcnow())
            except Exception:  # a missed beat is retried; a dead database shows as stopped
                continue

    def _write(self, job_id: str, **values: Any) -> None:
        with self.db.engine.begin() as connection:
            connection.execute(update(_JOBS).where(_JOBS.c.id == job_id).values(**values))

    def _finish(self, job_id: str, result: dict[str, Any] | None, error: str) -> None:
        values: dict[str, Any] = {"state": "failed" if error else "done",
                                  "stage": "ошибка" if error else "готово",
                                  "error": error, "finished_at": utcnow()}
        if not error:
            values |= {"progress": 1.0,
                       "result": json.dumps(result, ensure_ascii=False, default=str)}
        self._write(job_id, **values)

    async def run_worker(self, concurrency: int = 1) -> None:
        await self.queue.work(concurrency, self.worker)

    def close(self) -> None:
        self.queue.close()
