"""The database schema (SQLModel): profile, people, roadmaps, activities, occurrences, history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Organisation(SQLModel, table=True):
    """The department's profile: its names, place, head and journal format."""

    id: int | None = Field(default=None, primary_key=True)
    full_name: str
    short_name: str = ""
    parent_body: str = ""
    place: str = ""
    head_position: str = ""
    head_name: str = ""
    order_prefix: str = "01-09/"
    timezone: str = "Europe/Moscow"
    due_shift: str = "previous"  # a due date on a day off moves: previous, none


class Person(SQLModel, table=True):
    """Somebody who acts in karta; every change names one."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(index=True, unique=True)
    full_name: str = ""
    gender: str = ""  # "m", "f" or "" when unknown
    position: str = ""
    phone: str = ""
    unit: str = ""  # an executor's organisation or unit, as roadmaps name it
    roles: str = ""  # comma-separated: admin, clerk, head, executor, auditor
    overrides: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class Roadmap(SQLModel, table=True):
    """An imported roadmap: its title, period and the file it came from."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    first_year: int
    last_year: int
    source_name: str
    source_sha256: str = Field(index=True)
    imported_at: datetime
    imported_by: str
    approved_document_id: int | None = None
    school_years: bool = False


class Section(SQLModel, table=True):
    """A section of a roadmap («1. Нормативно-правовое обеспечение», «Задача 0: …»)."""

    id: int | None = Field(default=None, primary_key=True)
    roadmap_id: int = Field(foreign_key="roadmap.id", index=True)
    code: str
    title: str = Field(sa_column=Column(Text, nullable=False))
    heading: str = Field(sa_column=Column(Text, nullable=False))
    position: int


class Activity(SQLModel, table=True):
    """An activity of a roadmap, with its raw deadline phrase and executors."""

    __table_args__ = (UniqueConstraint("roadmap_id", "code", name="uq_activity_code"),)

    id: int | None = Field(default=None, primary_key=True)
    roadmap_id: int = Field(foreign_key="roadmap.id", index=True)
    section_id: int | None = Field(default=None, foreign_key="section.id")
    code: str
    title: str = Field(sa_column=Column(Text, nullable=False))
    deadline_text: str = Field(sa_column=Column(Text, nullable=False))
    deadline_kind: str = ""
    deadline_flagged: bool = False
    executors_text: str = Field(sa_column=Column(Text, nullable=False))
    executors: str = Field(sa_column=Column(Text, nullable=False))  # JSON list
    planned_result: str = Field(sa_column=Column(Text, nullable=False))
    position: int


class Occurrence(SQLModel, table=True):
    """One execution of an activity for one period; the state machine runs on these."""

    __table_args__ = (
        UniqueConstraint("activity_id", "period", name="uq_occurrence_period"),
        Index("ix_occurrence_state", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    period: str
    period_start: date
    due: date | None = None
    due_nominal: date | None = None  # as the phrase says, before moving off holidays
    state: str
    version: int = 1


class HistoryEvent(SQLModel, table=True):
    """One recorded decision: who, when (UTC), what, from → to, why, with which files.

    The log is append-only (triggers refuse UPDATE and DELETE) and hash-chained: ``hash`` is
    the SHA-256 of the event's canonical content, which includes ``seq`` and the previous
    event's hash.
    """

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(default=0, sa_column_kwargs={"unique": True})
    prev_hash: str = ""
    hash: str = ""
    at: datetime = Field(index=True)
    login: str
    roadmap_id: int | None = Field(default=None, foreign_key="roadmap.id", index=True)
    activity_id: int | None = Field(default=None, foreign_key="activity.id")
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id", index=True)
    object_ref: str
    event: str
    from_state: str = ""
    to_state: str = ""
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    files: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class TemplateVersion(SQLModel, table=True):
    """One immutable version of a document template, stored with its bytes and SHA-256."""

    __table_args__ = (UniqueConstraint("name", "version", name="uq_template_version"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    kind: str
    version: int
    sha256: str
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
    created_by: str
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    active: bool = False


class TemplateRule(SQLModel, table=True):
    """Which template a transition produces, and when."""

    id: int | None = Field(default=None, primary_key=True)
    event: str
    template_name: str
    condition: str = "always"
    position: int = 0


class JournalCounter(SQLModel, table=True):
    """The last number given in a journal in a year."""

    journal: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class Document(SQLModel, table=True):
    """A generated document: its registration, its template version, its data and its file."""

    __table_args__ = (UniqueConstraint("journal", "year", "number", name="uq_journal_number"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    title: str = Field(sa_column=Column(Text, nullable=False))
    status: str  # draft, signed, registered
    journal: str | None = None
    year: int | None = None
    number: int | None = None
    number_text: str = ""
    doc_date: date | None = None
    roadmap_id: int | None = Field(default=None, foreign_key="roadmap.id", index=True)
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id", index=True)
    history_event_id: int | None = Field(default=None, foreign_key="historyevent.id")
    template_name: str
    template_version: int
    template_sha256: str
    context: str = Field(sa_column=Column(Text, nullable=False))
    file_sha256: str
    file_path: str
    file_size: int
    draft_sha256: str = ""
    renderer: str = ""  # karta (and matplotlib, for charts) versions that made the file
    created_at: datetime
    created_by: str
    signed_at: datetime | None = None
    signed_by: str = ""
