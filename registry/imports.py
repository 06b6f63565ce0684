"""Storing a roadmap draft: rows written in chunks, vouched for by the log in parts, all in
the caller's one transaction.

A roadmap of 100,000 rows makes some 400,000 occurrences. Nothing here holds them all: the
activities go in ``ACTIVITY_CHUNK`` at a time (fewer when their occurrences would pass
``CHUNK_ROWS``) as plain rows in batched INSERTs with ids reserved for them, their
occurrences and executor links with them, each row stamped with the event that will vouch
for it. Every ``EVENT_ROWS`` rows an ``import_rows`` event vouches for the rows written
since the last one — each row with its digest, exactly as any event vouches
(``registry.state``), so ``audit verify`` replays and checks them like any other — and the
``import`` event closes the import: the roadmap, its sections, the last rows, the source
file and the summary. An import of fewer rows is one ``import`` event, as before. The
transaction holds the log's head throughout (an import is an exclusive writer), so the
events get the numbers planned for them. A failure anywhere rolls back the caller's one
transaction: the import lands whole or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from registry.database import Database, utcnow
from registry.history import next_seq, record
from registry.people import current_organisation, organisation
from registry.state import Touch, Vouched, table_of, vouch_written, written_whole
from registry.tables import Roadmap
from registry.units import executor_links
from workflow.deadlines import expand, read_deadline
from workflow.importing.limits import count
from workflow.machine import occurrence_machine
from workflow.refs import activity_ref, roadmap_ref
from workflow.roadmap import ActivityDraft, RoadmapDraft
from workflow.workdays import shift_due

ACTIVITY_CHUNK = 2000  # activities written per batch (with their occurrences and links)
CHUNK_ROWS = 20_000  # …or fewer, when their occurrences are as many
EVENT_ROWS = 20_000  # rows one log event vouches for (its details hold a digest for each)

_SECTIONS = table_of("section")


@dataclass
class Stored:
    """What storing a draft made."""

    roadmap: int
    occurrences: int
    flagged: list[str]


def store_draft(session: Session, db: Database, draft: RoadmapDraft, path: Path,
                login: str) -> Stored:
    """Write the draft's roadmap, sections, activities, occurrences and executor links,
    and the log events that vouch for them, in the caller's transaction."""
    roadmap = Roadmap(
        organisation_id=current_organisation(session) or 0,
        title=draft.title, first_year=draft.first_year, last_year=draft.last_year,
        source_name=draft.source_name, source_sha256=draft.source_sha256,
        imported_at=utcnow(), imported_by=login, school_years=draft.school_years,
    )
    session.add(roadmap)
    session.flush()
    assert roadmap.id is not None
    connection = session.connection()
    section_ids: dict[str, int] = {}
    if draft.sections:
        ids = connection.execute(insert(_SECTIONS).returning(
            _SECTIONS.c.id, sort_by_parameter_order=True), [{
                "roadmap_id": roadmap.id, "code": section.code, "title": section.title,
                "heading": section.heading, "position": section.position, "last_event": 0,
            } for section in draft.sections]).scalars().all()
        section_ids = {section.code: section_id
                       for section, section_id in zip(draft.sections, ids, strict=True)}
        nested = [{"row": section_ids[section.code], "parent": section_ids[section.parent]}
                  for section in draft.sections if section.parent in section_ids]
        if nested:  # the tree: a parent's id is known once every section is written
            connection.execute(update(_SECTIONS).where(_SECTIONS.c.id == bindparam("row"))
                               .values(parent_id=bindparam("parent")), nested)
    # the file first: its bytes need not be held while the rows are written
    source = db.store.put(draft.source, "sources", path.suffix, draft.source_name,
                          session=session)
    draft.source = b""
    writer = _Writer(session, login, roadmap.id, section_ids, draft,
                     organisation(session).due_shift)
    chunk: list[ActivityDraft] = []
    rows = 0
    for activity in draft.activities:
        chunk.append(activity)
        rows += 1 + len(writer.plan(activity.deadline_text))
        # a chunk ends at its number of activities or of rows: monthly occurrences over a
        # long period are thousands of rows for each activity
        if len(chunk) == ACTIVITY_CHUNK or rows >= CHUNK_ROWS:
            writer.write(chunk)
            chunk, rows = [], 0
    if chunk:
        writer.write(chunk)
    touches: list[Touch] = [("roadmap", roadmap.id)]
    touches += [("section", section_id) for section_id in section_ids.values()]
    summary = (f"импорт «{draft.source_name}»: разделов {len(draft.sections)}, "
               f"мероприятий {len(draft.activities)}, исполнений {writer.occurrences}, "
               f"период {draft.first_year}–{draft.last_year}")
    # the roadmap and its sections, written first, are stamped now (the rows written
    # since the last event are stamped already)
    record(session, login=login, object_ref=roadmap_ref(roadmap.id), event="import",
           roadmap_id=roadmap.id, to_state="imported", comment=summary, files=[source],
           touches=touches + writer.pending, vouched=writer.vouched, seq=writer.seq)
    return Stored(roadmap.id, writer.occurrences, writer.flagged)


class _Writer:
    """Writes chunks of activities, each row stamped with the event that will vouch for
    it and vouched for as written, and writes that event whenever ``EVENT_ROWS`` rows
    wait for one."""

    def __init__(self, session: Session, login: str, roadmap_id: int,
                 section_ids: dict[str, int], draft: RoadmapDraft, shift: str) -> None:
        self.session = session
        self.login = login
        self.roadmap_id = roadmap_id
        self.section_ids = section_ids
        self.draft = draft
        self.shift = shift
        self.seq = next_seq(session)  # the event the next rows will be vouched by
        self.vouched: dict[str, Vouched] = {}  # rows waiting for that event
        self.pending: list[Touch] = []  # …and rows it must read back to vouch for
        self.written = 0  # rows vouched for by earlier events
        self.occurrences = 0
        self.flagged: list[str] = []
        self.meanings: dict[str, tuple[int | None, str]] = {}
        # a roadmap repeats few deadline phrases: their occurrences are worked out once
        self.plans: dict[str, list[dict[str, Any]]] = {}
        self.initial = occurrence_machine().initial
        self.next_ids: dict[str, int] = {}  # SQLite: the next free id of each kind

    def write(self, chunk: list[ActivityDraft]) -> None:
        """Write a chunk of activities with their occurrences and executor links."""
        seq = self.seq
        activities = [{
            "roadmap_id": self.roadmap_id,
            "section_id": self.section_ids.get(activity.section_code or ""),
            "code": activity.code, "title": activity.title,
            "deadline_text": activity.deadline_text,
            "deadline_kind": activity.schedule.kind,
            "deadline_flagged": activity.schedule.flagged,
            "executors_text": activity.executors_text,
            "executors": json.dumps(activity.executors, ensure_ascii=False),
            "planned_result": activity.planned_result, "position": activity.position,
            "last_event": seq,
        } for activity in chunk]
        ids = self.insert("activity", activities)
        occurrences: list[dict[str, Any]] = []
        for activity, activity_id in zip(chunk, ids, strict=True):
            schedule = activity.schedule
            if schedule.flagged:
                self.flagged.append(f"{activity_ref(self.roadmap_id, activity.code)}: "
                                    f"«{activity.deadline_text}» — {schedule.problem}")
            occurrences.extend({**plan, "activity_id": activity_id, "last_event": seq}
                               for plan in self.plan(activity.deadline_text))
        self.insert("occurrence", occurrences)
        self.occurrences += len(occurrences)
        links = executor_links(self.session, [
            (activity_id, activity.executors)
            for activity, activity_id in zip(chunk, ids, strict=True)], self.meanings)
        for link in links:
            link["last_event"] = seq
        self.insert("activity_unit", links)
        if len(self.vouched) + len(self.pending) >= EVENT_ROWS:
            self.vouch()

    def insert(self, kind: str, rows: list[dict[str, Any]]) -> list[int]:
        """Write rows of one kind with ids reserved for them (a plain batched INSERT: with
        RETURNING, SQLAlchemy spends more on each row than the database); their ids."""
        if not rows:
            return []
        table = table_of(kind)
        ids = self.reserve(kind, len(rows))
        for row, row_id in zip(rows, ids, strict=True):
            row["id"] = row_id
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            # straight to sqlite3's executemany: SQLAlchemy's handling of each parameter
            # costs more than SQLite's insert; dates as SQLAlchemy stores them (ISO text)
            names = list(rows[0])
            columns = ", ".join(f'"{name}"' for name in names)
            connection.exec_driver_sql(
                f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" * len(names))})',
                [tuple(value.isoformat() if type(value) is date else value
                       for value in (row[name] for name in names)) for row in rows])
        elif connection.dialect.name == "postgresql":
            # COPY on the transaction's own connection: the server reads the rows as a
            # stream, and no INSERT is built for them
            names = list(rows[0])
            columns = ", ".join(f'"{name}"' for name in names)
            raw: Any = connection.connection.dbapi_connection
            statement = f'COPY "{table.name}" ({columns}) FROM STDIN'
            try:
                with raw.cursor() as cursor, cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row([row[name] for name in names])
            except raw.Error as error:  # as SQLAlchemy would have raised it
                raise DBAPIError.instance(statement, None, error, raw.Error) from error
        else:
            connection.execute(insert(table), rows)
        if written_whole(kind, rows[0]):
            self.vouched.update(vouch_written(kind, rows))
        else:  # a column this writer does not know of: read the rows back
            self.pending += [(kind, row_id) for row_id in ids]
        return ids

    def reserve(self, kind: str, count: int) -> list[int]:
        """``count`` new ids for rows of one kind: from the table's sequence on PostgreSQL;
        on SQLite, after the largest (this transaction holds the only write lock)."""
        connection = self.session.connection()
        name = table_of(kind).name
        if connection.dialect.name == "postgresql":
            # the values one session takes in a row are consecutive unless another took
            # some meanwhile: then (only then) they come back one by one
            first, last, taken = connection.execute(text(
                "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) "
                "THEN NULL ELSE array_agg(id ORDER BY id) END FROM (SELECT nextval("
                "pg_get_serial_sequence(:table, 'id')) AS id FROM generate_series(1, :count)) "
                "AS reserved"), {"table": name, "count": count}).one()
            return list(range(first, last + 1)) if taken is None else list(taken)
        if kind not in self.next_ids:
            self.next_ids[kind] = int(connection.execute(text(
                f'SELECT coalesce(max(id), 0) + 1 FROM "{name}"')).scalar_one())
        first = self.next_ids[kind]
        self.next_ids[kind] = first + count
        return list(range(first, first + count))

    def plan(self, phrase: str) -> list[dict[str, Any]]:
        """The occurrence rows a deadline phrase yields (without their activity)."""
        plan = self.plans.get(phrase)
        if plan is None:
            draft = self.draft
            specs = expand(read_deadline(phrase), draft.first_year, draft.last_year,
                           draft.school_years)
            plan = self.plans[phrase] = [{
                "period": spec.period, "period_start": spec.start,
                "due": shift_due(spec.due, self.shift), "due_nominal": spec.due,
                "state": self.initial, "version": 1,
            } for spec in specs]
        return plan

    def vouch(self) -> None:
        """The event vouching for the rows written since the last one."""
        first = self.written + 1
        self.written += len(self.vouched) + len(self.pending)
        record(self.session, login=self.login, object_ref=roadmap_ref(self.roadmap_id),
               event="import_rows", roadmap_id=self.roadmap_id,
               comment=f"«{self.draft.source_name}» {count(first)}–{count(self.written)}",
               touches=self.pending, vouched=self.vouched, seq=self.seq, stamp=False)
        self.vouched, self.pending = {}, []
        self.seq += 1
