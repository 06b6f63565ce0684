"""Work over many documents at once: PDF of a year's journal, a roadmap's documents or a
selection; re-rendering drafts after a template changed; starting every occurrence of a
roadmap due in a month (or a year), with the orders the rules give.

Both use the machine's cores: PDFs through one warm LibreOffice per core
(``documents.office``), renders in a pool of processes (fork: each inherits the compiled
templates and the Russian dictionaries already loaded). Nothing is rendered inside a write
transaction: a re-rendered draft is written in one short transaction of its own, with a
compare-and-set on the file it replaces, as soon as its render arrives. The caller is told
how far the batch is (``progress(done, total)``) and shows it as it likes.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import update
from sqlmodel import Session, col, select

from registry.database import Database
from registry.documents import (
    _document_filter,
    checked_content,
    document_bytes,
    file_of,
    render_document,
    renderer_version,
)
from registry.exports import NAME_CHARACTERS, office_name, output_folder, write_new
from registry.history import record
from registry.people import acting_person
from registry.tables import Document, TemplateVersion
from workflow.errors import KartaError, said

Progress = Callable[[int, int], None]
J = TypeVar("J")
R = TypeVar("R")
JOURNAL_NAMES = {"orders": "приказов", "notes": "справок", "reports": "отчётов"}
LEGAL_RECORDS = ("подписанные и зарегистрированные документы не пересобираются: это "
                 "документы, имеющие юридическую силу; изменить их можно только новым "
                 "документом" + said(" (karta documents correct)"))


def cores() -> int:
    """The processors this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _quiet(done: int, total: int) -> None:
    """No progress shown."""


# ----------------------------------------------------------------------------- PDF

@dataclass
class PdfBatch:
    """What a PDF batch made: the files written, the documents that failed and why, and
    how they were converted."""

    written: list[Path] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    without_file: list[int] = field(default_factory=list)  # orders registered without one
    way: str = ""
    seconds: float = 0.0


def pdf_selection(db: Database, login: str | None, *, year: int | None = None,
                  journal: str | None = None, roadmap: int | None = None,
                  ids: tuple[int, ...] = ()) -> list[Document]:
    """The documents a person asked PDFs of and may see: a year's journal (``year``, with
    ``journal`` one of orders, notes, reports), a roadmap's documents, or given numbers."""
    if year is None and roadmap is None and not ids:
        raise KartaError("укажите, какие документы" + said(
            ": --year ГОД (журнал за год), --roadmap КАРТА (документы дорожной карты) или "
            "--id НОМЕР", ": журнал за год, документы дорожной карты или номера"))
    if journal is not None and journal not in JOURNAL_NAMES:
        raise KartaError(f"неизвестный журнал «{journal}»; журналы: "
                         + ", ".join(JOURNAL_NAMES.values()))
    with db.reading() as session:
        person = acting_person(session, login)
        query = select(Document).order_by(col(Document.journal), col(Document.year),
                                          col(Document.number), col(Document.id))
        visible = _document_filter(session, person)
        if visible is not None:
            query = query.where(visible)
        if year is not None:
            query = query.where(col(Document.year) == year)
        if journal is not None:
            query = query.where(col(Document.journal) == journal)
        if roadmap is not None:
            query = query.where(col(Document.roadmap_id) == roadmap)
        if ids:
            query = query.where(col(Document.id).in_(ids))
        found = list(session.exec(query))
    if ids:
        missing = sorted(set(ids) - {d.id for d in found})
        if missing:
            raise KartaError("нет таких документов: " + ", ".join(map(str, missing))
                             + said(" (karta documents)"))
    if not found:
        raise KartaError("таких документов нет: PDF не из чего делать")
    return found


def pdf_names(documents: list[Document]) -> dict[int, str]:
    """Each document's PDF under its office name; two with the same name (drafts of one
    title) are told apart by their numbers in karta."""
    names = {d.id or 0: office_name(d, ".pdf") for d in documents}
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    for document_id, name in names.items():
        if seen[name] > 1:
            stem, tag = name[:-4], f" (документ {document_id})"
            if len(stem) + len(tag) > NAME_CHARACTERS:  # still a name Windows accepts
                stem = stem[:NAME_CHARACTERS - len(tag) - 1].rstrip(" .,;«…") + "…"
            names[document_id] = f"{stem}{tag}.pdf"
    return names


def export_pdfs(db: Database, login: str | None, out: Path, *, year: int | None = None,
                journal: str | None = None, roadmap: int | None = None,
                ids: tuple[int, ...] = (), force: bool = False, workers: int | None = None,
                warm: bool = True, progress: Progress = _quiet) -> PdfBatch:
    """PDFs of a selection of documents into ``out``, under their office names: every file
    checked against its registered SHA-256 first, none written over without ``force`` nor
    through a symlink (refused before anything is converted), converted by ``workers``
    warm LibreOffices at once (one per core by default)."""
    import time
    from concurrent.futures import ThreadPoolExecutor
    from queue import SimpleQueue

    from documents.office import ConversionFailed, pdf_converters

    selected = pdf_selection(db, login, year=year, journal=journal, roadmap=roadmap, ids=ids)
    documents = [d for d in selected if d.file_path]
    batch = PdfBatch(without_file=[d.id or 0 for d in selected if not d.file_path])
    if not documents:
        raise KartaError("выбранные документы внесены в журнал без файлов: PDF не из чего "
                         "делать")
    folder = output_folder(out)
    names = pdf_names(documents)
    for name in names.values():
        target = folder / name
        if target.is_symlink():
            raise KartaError(f"«{target}» — символическая ссылка: karta не пишет через ссылки")
        if target.exists() and not force:
            raise KartaError(f"файл «{target}» уже есть"
                             + said("; чтобы заменить его, добавьте --force")
                             + " (ничего не преобразовано)")
    count = max(1, min(workers or cores(), len(documents)))
    started = time.perf_counter()
    progress(0, len(documents))
    with pdf_converters(count, warm) as converters:
        batch.way = converters[0].way
        free: SimpleQueue[Any] = SimpleQueue()
        for converter in converters:
            free.put(converter)

        def convert(document: Document) -> bytes:
            data = document_bytes(db, document)  # refuses a missing or changed file
            converter = free.get()
            try:
                return converter.convert(data, names[document.id or 0])
            finally:
                free.put(converter)

        with ThreadPoolExecutor(count) as pool:
            futures = {pool.submit(convert, d): d for d in documents}
            try:
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        document = futures[future]
                        try:
                            pdf = future.result()
                        except ConversionFailed as error:
                            batch.failed.append((document.id or 0, error.reason))
                        except KartaError as error:
                            batch.failed.append((document.id or 0, str(error)))
                        else:
                            batch.written.append(write_new(folder / names[document.id or 0],
                                                           pdf, force))
                        progress(len(batch.written) + len(batch.failed), len(documents))
            except BaseException:
                # stop the offices first: the conversions under way then end at once, and
                # the pool's threads with them
                for future in futures:
                    future.cancel()
                for converter in converters:
                    converter.stop()
                raise
    batch.seconds = time.perf_counter() - started
    order = {folder / names[d.id or 0]: index for index, d in enumerate(documents)}
    batch.written.sort(key=lambda path: order[path])  # in the journal's order, as selected
    batch.failed.sort()
    return batch


# ----------------------------------------------------------------------------- re-render

@dataclass
class Rerender:
    """What re-rendering a template's drafts found and did."""

    template: str
    version: int
    drafts: list[dict[str, Any]] = field(default_factory=list)  # to re-render (or done)
    kept: list[dict[str, Any]] = field(default_factory=list)  # signed or registered
    failed: list[dict[str, Any]] = field(default_factory=list)
    done: int = 0
    seconds: float = 0.0
    workers: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {"template": self.template, "version": self.version, "drafts": self.drafts,
                "kept": self.kept, "failed": self.failed, "done": self.done,
                "workers": self.workers, "seconds": round(self.seconds, 3)}


def _row(document: Document) -> dict[str, Any]:
    return {"id": document.id, "title": document.title, "status": document.status,
            "number": document.number_text or None,
            "template": f"{document.template_name} v{document.template_version}"}


def rerender(db: Database, login: str | None, name: str, *, dry_run: bool = False,
             workers: int | None = None, progress: Progress = _quiet) -> Rerender:
    """Re-render the drafts made by an older version of template ``name`` with its active
    version, as new stored files of the same drafts (the data they were made from does not
    change), each logged. Signed and registered documents are never re-rendered: they are
    legal records (listed as kept). ``dry_run`` lists what would change."""
    import time

    from registry.templates import active_version

    with db.reading() as session:
        person = acting_person(session, login, "rerender")
        template = active_version(session, name)
        found = list(session.exec(select(Document).where(
            col(Document.organisation_id) == person.organisation_id,
            col(Document.template_name) == name,
            col(Document.template_sha256) != template.sha256).order_by(col(Document.id))))
        content = checked_content(session.connection(), template)
    result = Rerender(name, template.version)
    drafts = [d for d in found if d.status == "draft"]
    result.drafts = [_row(d) for d in drafts]
    result.kept = [_row(d) for d in found if d.status != "draft"]
    if dry_run or not drafts:
        return result
    spec = {"name": template.name, "kind": template.kind, "version": template.version,
            "sha256": template.sha256, "content": content}
    result.workers = max(1, min(workers or cores(), len(drafts)))
    started = time.perf_counter()
    progress(0, len(drafts))
    by_id = {d.id or 0: d for d in drafts}
    jobs = [(d.id or 0, spec, json.loads(d.context)) for d in drafts]
    for document_id, outcome in render_all(db, jobs, result.workers):
        document = by_id[document_id]
        if isinstance(outcome, bytes):
            problem = _store_rerendered(db, login, document, template, outcome)
        else:
            problem = outcome
        if problem is None:
            result.done += 1
        else:
            result.failed.append({**_row(document), "reason": problem})
        progress(result.done + len(result.failed), len(drafts))
    result.seconds = time.perf_counter() - started
    return result


def _may_start(session: Session, login: str | None) -> None:
    """Refuse (logged) a person the planned state's «start» does not name."""
    from registry.people import roles_of
    from workflow.machine import occurrence_machine

    person = acting_person(session, login)
    machine = occurrence_machine()
    machine.require_permitted(person.login, machine.initial, "start", roles_of(person))


def _render_job(job: tuple[int, dict[str, Any], dict[str, Any]]) -> tuple[int, bytes | str]:
    """One render in a worker process: the bytes, or what went wrong in Russian (an error
    object may not survive the way back between processes)."""
    document_id, spec, context = job
    template = TemplateVersion.model_construct(**spec)
    try:
        return document_id, render_document(template, context)
    except KartaError as error:
        return document_id, str(error)
    except Exception as error:  # noqa: BLE001 — a template's failure is that draft's alone
        return document_id, f"шаблон не отрисован: {type(error).__name__}: {error}"


def render_all(db: Database, jobs: list[tuple[int, dict[str, Any], dict[str, Any]]],
               workers: int) -> Iterator[tuple[int, bytes | str]]:
    """Render jobs in ``workers`` processes (in this one for a single worker), yielding each
    result as it arrives so that the caller writes while the others render."""
    return in_processes(db, _render_job, jobs, workers)


def in_processes(db: Database, work: Callable[[J], R], jobs: list[J], workers: int,
                 initializer: Callable[..., None] | None = None,
                 initargs: tuple[Any, ...] = ()) -> Iterator[R]:
    """``work(job)`` for every job in ``workers`` processes (in this one for a single
    worker), each result yielded as it arrives. The children get the parent's modules by
    fork (compiled templates, dictionaries) but not its database connections."""
    if workers <= 1:
        yield from map(work, jobs)
        return
    import multiprocessing

    # the children must not share the parent's database connections: close them first
    # (the parent opens new ones when it writes)
    db.engine.dispose()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                             initializer=_orphan_guard,
                             initargs=(os.getpid(), initializer, initargs)) as pool:
        futures: set[Future[R]] = {pool.submit(work, job) for job in jobs}
        try:
            while futures:
                done, futures = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in futures:
                future.cancel()


def _orphan_guard(parent: int, initializer: Callable[..., None] | None,
                  initargs: tuple[Any, ...]) -> None:
    """A worker ends with the process that started it, even one killed with SIGKILL (no
    cleanup runs then, and forked workers wait on a queue whose other end they hold
    themselves: they would live on). Linux is asked to kill the worker when its parent
    dies; a parent that died before the request is seen here."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    if initializer is not None:
        initializer(*initargs)


def _store_rerendered(db: Database, login: str | None, document: Document,
                      template: TemplateVersion, data: bytes) -> str | None:
    """Write one re-rendered draft in a short transaction of its own: the new file, the
    template version it was made with, the log event; None, or why it was not written (it
    was signed or changed meanwhile)."""
    import hashlib

    from registry.files import StoredFile

    # a folder store is written now, outside the transaction; a database store inside it
    stored = db.store.put(data, "documents", ".docx") if db.files_dir else \
        StoredFile("", hashlib.sha256(data).hexdigest(), len(data), "")
    with db.transaction(exclusive=False) as session:
        person = acting_person(session, login, "rerender")
        if not db.files_dir:
            stored = db.store.put(data, "documents", ".docx", session=session)
        changed = session.execute(update(Document).where(
            col(Document.id) == document.id, col(Document.status) == "draft",
            col(Document.file_sha256) == document.file_sha256).values(
            template_version=template.version, template_sha256=template.sha256,
            file_sha256=stored.sha256, file_path=stored.path, file_size=stored.size,
            renderer=renderer_version()))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            return "за это время проект подписан или изменён другим пользователем"
        row = session.get(Document, document.id)
        assert row is not None
        session.refresh(row)
        record(session, login=person.login, object_ref=f"документ {document.id}",
               event="document_rerender", roadmap_id=document.roadmap_id,
               occurrence_id=document.occurrence_id,
               comment=f"{document.title}: шаблон {template.name} "
                       f"v{document.template_version} → v{template.version}",
               files=[file_of(row)],
               details={"from": {"template_version": document.template_version,
                                 "template_sha256": document.template_sha256,
                                 "file_sha256": document.file_sha256}},
               touches=[("document", document.id or 0)])
    return None



# ----------------------------------------------------------------------------- many starts

@dataclass
class StartBatch:
    """What starting a roadmap's occurrences due in a window found and did."""

    ref: str
    first: date
    last: date
    due: int = 0  # occurrences due in the window
    others: dict[str, int] = field(default_factory=dict)  # not planned: count by state
    planned: list[dict[str, Any]] = field(default_factory=list)  # ref, title, due: to start
    started: list[dict[str, Any]] = field(default_factory=list)  # TransitionResult.as_dict
    failed: list[dict[str, str]] = field(default_factory=list)  # ref and reason
    workers: int = 1
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "first": self.first.isoformat(),
                "last": self.last.isoformat(), "due": self.due, "others": self.others,
                "planned": self.planned, "started": self.started, "failed": self.failed,
                "workers": self.workers, "seconds": round(self.seconds, 3)}


_WORKER: dict[str, Database] = {}  # the database a process of a batch works on


def _worker_database(url: str, files_dir: str | None) -> None:
    """A process of the pool opens its own database (never its parent's connections)."""
    _WORKER["db"] = Database(url, Path(files_dir) if files_dir else None)


def _start_one(job: tuple[str, str | None, dict[str, Any]]) -> dict[str, Any]:
    """One start in a process of the pool, on the database that process opened."""
    return _start_on(_WORKER["db"], job)


def _start_on(db: Database, job: tuple[str, str | None, dict[str, Any]]) -> dict[str, Any]:
    """One start: what it did, or why not, in Russian (an error object may not survive the
    way back between processes)."""
    from registry.occurrences import apply_event

    ref, login, options = job
    try:
        return {"ok": apply_event(db, ref, "start", login, **options).as_dict()}
    except KartaError as error:
        return {"ref": ref, "reason": str(error)}


def start_due(db: Database, login: str | None, ref: str, first: date, last: date, *,
              order: bool = False, basis: str | None = None, points: list[str] | None = None,
              dry_run: bool = False, workers: int | None = None,
              progress: Progress = _quiet) -> StartBatch:
    """Start every planned occurrence of roadmap (or activity) ``ref`` due from ``first`` to
    ``last``, each as its own transition (``registry.occurrences.apply_event``: the same
    checks, the same orders by the rules, its own event in the log), rendered by ``workers``
    processes at once. One that cannot start (somebody started it meanwhile, a template
    fails) is listed with its reason and does not stop the others; the ones started stay
    started. ``dry_run`` lists what would start."""
    import time

    from registry.roadmaps import resolve
    from registry.tables import Activity, Occurrence
    from workflow.refs import occurrence_ref

    if last < first:
        raise KartaError(f"срок «с» ({first:%d.%m.%Y}) позже срока «по» ({last:%d.%m.%Y})")
    with db.reading() as session:
        _may_start(session, login)
        found = resolve(session, ref)
        if found.occurrence is not None:
            raise KartaError(f"{found.ref} — одно исполнение: без срока начните его "
                             + said(f"командой «karta start {found.ref}»",
                                    "на его странице («Начать»)")
                             + "; срок — для дорожной карты или мероприятия")
        query = select(Activity, Occurrence).join(
            Occurrence, col(Occurrence.activity_id) == col(Activity.id)).where(
            col(Activity.roadmap_id) == found.roadmap.id,
            col(Occurrence.due) >= first, col(Occurrence.due) <= last)
        if found.activity is not None:
            query = query.where(col(Activity.id) == found.activity.id)
        rows = list(session.exec(query.order_by(col(Occurrence.due), col(Activity.position))))
    batch = StartBatch(found.ref, first, last, due=len(rows))
    for activity, occurrence in rows:
        if occurrence.state == "planned":
            batch.planned.append({
                "ref": occurrence_ref(activity.roadmap_id, activity.code, occurrence.period),
                "title": activity.title,
                "due": occurrence.due.isoformat() if occurrence.due else None})
        else:
            batch.others[occurrence.state] = batch.others.get(occurrence.state, 0) + 1
    if not rows:
        raise KartaError(f"у {found.ref} нет исполнений со сроком с {first:%d.%m.%Y} по "
                         f"{last:%d.%m.%Y}: начинать нечего"
                         + said(f" (сроки — karta activities --roadmap {found.roadmap.id})",
                                " (сроки — на странице дорожной карты)"))
    if dry_run or not batch.planned:
        return batch
    options: dict[str, Any] = {"order": order, "basis": basis, "points": points}
    batch.workers = max(1, min(workers or cores(), len(batch.planned)))
    started = time.perf_counter()
    progress(0, len(batch.planned))
    # one worker: this process, on this database; several: each opens its own
    work = _start_one if batch.workers > 1 else partial(_start_on, db)
    outcomes = in_processes(db, work,
                            [(row["ref"], login, options) for row in batch.planned],
                            batch.workers, _worker_database,
                            (db.url, str(db.files_dir) if db.files_dir else None))
    for outcome in outcomes:
        if "ok" in outcome:
            batch.started.append(outcome["ok"])
        else:
            batch.failed.append(outcome)
        progress(len(batch.started) + len(batch.failed), len(batch.planned))
    position = {row["ref"]: index for index, row in enumerate(batch.planned)}
    batch.started.sort(key=lambda row: position[str(row["ref"])])
    batch.failed.sort(key=lambda row: position[row["ref"]])
    batch.seconds = time.perf_counter() - started
    return batch


def planned_months(db: Database, login: str | None, roadmap_id: int
                   ) -> list[tuple[int, int, int]]:
    """The months with planned occurrences of a roadmap, as (year, month, how many), for
    choosing what to start at once."""
    from sqlalchemy import func
    from sqlalchemy import select as columns

    from registry.roadmaps import resolve
    from registry.tables import Activity, Occurrence

    with db.reading() as session:
        _may_start(session, login)
        found = resolve(session, f"R{roadmap_id}")
        rows = session.execute(columns(col(Occurrence.due), func.count()).join(
            Activity, col(Occurrence.activity_id) == col(Activity.id)).where(
            col(Activity.roadmap_id) == found.roadmap.id, col(Occurrence.state) == "planned",
            col(Occurrence.due).is_not(None)).group_by(col(Occurrence.due))).all()
    months: dict[tuple[int, int], int] = {}
    for due, count in rows:
        months[(due.year, due.month)] = months.get((due.year, due.month), 0) + int(count)
    return [(year, month, count) for (year, month), count in sorted(months.items())]
