"""The database schema (SQLModel): profile, people, roadmaps, activities, occurrences, history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
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


class Person(SQLModel, table=True):
    """Somebody who acts in karta; every change names one."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(index=True, unique=True)
    full_name: str = ""
    gender: str = ""  # "m", "f" or "" when unknown
    position: str = ""
    roles: str = ""  # comma-separated: admin, clerk, head, executor, auditor


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
    state: str
    version: int = 1


class HistoryEvent(SQLModel, table=True):
    """One recorded decision: who, when (UTC), what, from → to, why, with which files."""

    id: int | None = Field(default=None, primary_key=True)
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
