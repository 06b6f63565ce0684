"""The database schema (SQLModel): profile, people, roadmaps, activities, occurrences, history.

Every state-bearing row carries ``last_event``: the ``seq`` of the log event that last changed
it. A row naming an event beyond the log's end proves the log was cut (``audit verify``).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict
from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Base(SQLModel):
    """Every table: pydantic builds a model's validator when it is first used, not when
    karta starts (22 of them cost ~0.13 s on every command)."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


class Organisation(Base, table=True):
    """A department's profile: its names, place, head and journal format. One database may
    hold a whole region: every municipal department, and the region's ministry (``kind``
    region), whose people may read across departments."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(default="main", index=True, unique=True)  # «zaozersk»: used in commands
    kind: str = "municipal"  # municipal or region
    full_name: str
    short_name: str = ""
    parent_body: str = ""
    place: str = ""
    head_position: str = ""
    head_name: str = ""
    order_prefix: str = "01-09/"
    timezone: str = "Europe/Moscow"
    due_shift: str = "previous"  # a due date on a day off moves: previous, none
    last_event: int = 0


class Unit(Base, table=True):
    """A school, kindergarten or department that executes activities («МБОУ СОШ № 1»)."""

    __table_args__ = (UniqueConstraint("organisation_id", "key", name="uq_unit_key"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(default=1, foreign_key="organisation.id", index=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    key: str = Field(index=True)  # the normalised name
    kind: str = "other"  # general, preschool, additional, department, other
    last_event: int = 0


class Person(Base, table=True):
    """Somebody who acts in karta; every change names one."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(default=1, foreign_key="organisation.id", index=True)
    login: str = Field(index=True, unique=True)
    full_name: str = ""
    gender: str = ""  # "m", "f" or "" when unknown
    position: str = ""
    phone: str = ""
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    roles: str = ""  # comma-separated: admin, clerk, head, executor, auditor
    overrides: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    password_hash: str = ""  # Argon2; empty: no password set (cannot log in)
    failed_logins: int = 0
    locked_until: datetime | None = None
    calendar_token_hash: str = ""  # SHA-256 of the personal calendar subscription token
    email: str = ""  # where karta's messages go (checked when set)
    last_event: int = 0


class ApiToken(Base, table=True):
    """A personal token for the command line against a shared database (stored hashed)."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(index=True, unique=True)  # SHA-256 of the token
    label: str = ""
    created_at: datetime
    revoked: bool = False
    last_event: int = 0


class WebSession(Base, table=True):
    """A signed-in browser: the cookie holds a random token, the row its SHA-256."""

    id: str = Field(primary_key=True)  # SHA-256 of the session token
    person_id: int = Field(foreign_key="person.id", index=True)
    event_seq: int | None = None  # the sealed «login» event that opened it
    csrf: str
    created_at: datetime
    expires_at: datetime
    client: str = ""


class StoredBlob(Base, table=True):
    """A stored file's bytes, for deployments that keep files in the database."""

    address: str = Field(primary_key=True)  # documents/ab/ab12….docx
    sha256: str = Field(index=True)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Roadmap(Base, table=True):
    """An imported roadmap: its title, period and the file it came from."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(default=1, foreign_key="organisation.id", index=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    first_year: int
    last_year: int
    source_name: str
    source_sha256: str = Field(index=True)
    imported_at: datetime
    imported_by: str
    approved_document_id: int | None = None
    school_years: bool = False
    # the legal basis an order of this roadmap cites first («В соответствии с приказом …»)
    basis: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    last_event: int = 0


class Section(Base, table=True):
    """A section of a roadmap («1. Нормативно-правовое обеспечение», «Задача 0: …»)."""

    id: int | None = Field(default=None, primary_key=True)
    roadmap_id: int = Field(foreign_key="roadmap.id", index=True)
    code: str
    title: str = Field(sa_column=Column(Text, nullable=False))
    heading: str = Field(sa_column=Column(Text, nullable=False))
    position: int
    # the group heading it is nested in («3.1. …» under «3. …»); None at the top
    parent_id: int | None = Field(default=None, foreign_key="section.id")
    last_event: int = 0


class Activity(Base, table=True):
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
    last_event: int = 0


class ActivityUnit(Base, table=True):
    """One executor named by an activity, linked to a unit or a group of units (all
    general-education schools for «ОО»); unlinked while a clerk has not confirmed it."""

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    name: str = Field(sa_column=Column(Text, nullable=False))  # as the roadmap names it
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    unit_group: str = ""  # general, preschool, additional, department, or "" for one unit
    last_event: int = 0


class UnitAlias(Base, table=True):
    """A clerk's confirmation: this executor text means that unit (or group, or nobody)."""

    __table_args__ = (UniqueConstraint("organisation_id", "key", name="uq_unitalias_key"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(default=1, foreign_key="organisation.id", index=True)
    key: str = Field(index=True)  # the normalised executor text
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    unit_group: str = ""  # as ActivityUnit; "none" when it names no executor unit
    last_event: int = 0


class Occurrence(Base, table=True):
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
    last_event: int = 0


class Assignment(Base, table=True):
    """One executor's share of an occurrence: a unit (a school) or a department-level
    executor named by the activity, with its own due date, state and report
    (``workflow.assignments``; ``registry.assignments``)."""

    __table_args__ = (
        UniqueConstraint("occurrence_id", "executor_key", name="uq_assignment_executor"),
        # what the pages ask: an occurrence's assignments (within the organisation), a
        # school's open ones, an organisation's year by due date
        Index("ix_assignment_occurrence_org", "occurrence_id", "organisation_id"),
        Index("ix_assignment_unit_state", "unit_id", "state"),
        Index("ix_assignment_org_due", "organisation_id", "due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    occurrence_id: int = Field(foreign_key="occurrence.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    executor: str = Field(sa_column=Column(Text, nullable=False))  # the unit's or the text's
    executor_key: str  # unit:ID, or the normalised text of a department-level executor
    state: str
    due: date | None = None
    reported_at: datetime | None = None
    report: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    returns: int = 0  # how many times the report was returned
    extension: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = 1
    last_event: int = 0


class HistoryEvent(Base, table=True):
    """One recorded decision: who, when (UTC), what, from → to, why, with which files.

    The log is append-only (triggers refuse UPDATE and DELETE) and hash-chained: ``hash`` is
    the SHA-256 of the event's canonical content, which includes ``seq`` and the previous
    event's hash.
    """

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(default=0, sa_column_kwargs={"unique": True})
    organisation_id: int | None = Field(default=None, index=True)  # whose decision
    prev_hash: str = ""
    hash: str = ""
    seal: str = ""  # HMAC of ``hash`` with the key outside the database (registry.seal)
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


class TemplateVersion(Base, table=True):
    """One immutable version of a document template, stored with its bytes and SHA-256; a
    version without an organisation is the region's default, which a department may
    override with its own versions of the same name."""

    __table_args__ = (UniqueConstraint("organisation_id", "name", "version",
                                       name="uq_template_version"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                        index=True)
    name: str = Field(index=True)
    kind: str
    version: int
    sha256: str
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
    created_by: str
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    active: bool = False
    last_event: int = 0


class TemplateRule(Base, table=True):
    """Which template a transition produces, and when; an organisation's own rules, or (no
    organisation) the region's defaults, used by organisations without rules of their own."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                        index=True)
    event: str
    template_name: str
    condition: str = "always"
    position: int = 0
    last_event: int = 0


class JournalCounter(Base, table=True):
    """The last number given in a journal of a department in a year."""

    organisation_id: int = Field(default=1, primary_key=True)
    journal: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class Document(Base, table=True):
    """A generated document: its registration, its template version, its data and its file."""

    __table_args__ = (UniqueConstraint("organisation_id", "journal", "year", "number",
                                       name="uq_journal_number"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(default=1, foreign_key="organisation.id", index=True)
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
    renderer: str = ""  # karta (and Pillow, for charts) versions that made the file
    created_at: datetime
    created_by: str
    signed_at: datetime | None = None
    signed_by: str = ""
    last_event: int = 0


class DraftRevision(Base, table=True):
    """A draft order corrected outside karta (Word, LibreOffice) and uploaded back: one
    revision of the same draft, its file kept by SHA-256; the draft's file is its last
    revision, and signing stamps the number and date into it."""

    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_revision_number"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(default=1, foreign_key="organisation.id", index=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    number: int  # 1, 2, … (the rendering of the template is revision 0)
    name: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    file_sha256: str
    file_path: str
    file_size: int
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime
    created_by: str
    last_event: int = 0


class Visa(Base, table=True):
    """One line of a draft's approval route (лист согласования): to whom the draft was sent,
    in which round, and whether they gave their visa or returned the draft with remarks."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(default=1, foreign_key="organisation.id", index=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    round_number: int = 1  # a new round after a returned draft is corrected
    place: int = 1  # the line on the sheet
    person_id: int = Field(foreign_key="person.id", index=True)
    person_position: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                              default=""))
    person_name: str = ""  # full name when sent
    status: str = "pending"  # pending, given, returned
    remarks: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    sent_at: datetime
    sent_by: str
    decided_at: datetime | None = None
    last_event: int = 0
class Job(Base, table=True):
    """A piece of long work started from the web (``registry.jobs``): which named job with
    which JSON arguments, whose it is, and how far it got. Any server process of an office
    reads it; a finished job's result outlives a restart."""

    id: str = Field(primary_key=True)  # random, unguessable (secrets.token_urlsafe)
    kind: str  # a name in registry.jobs.KINDS: verify, import_roadmap, …
    title: str
    login: str = Field(index=True)  # the starter: the job runs as them, only they read it
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    client: str = ""  # where the starter was («веб, 10.0.0.5»): logged with its changes
    arguments: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    state: str = "queued"  # queued, running, done, failed
    stage: str = ""
    progress: float = 0.0
    result: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    worker: str = ""  # host and process that runs it
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None  # a running job older than this is one that died


class Upload(Base, table=True):
    """A file uploaded in the browser, waiting for its owner's confirmation (the import's
    preview): in the file store by its SHA-256, found by a random key from any server
    process (``registry.uploads``)."""

    id: str = Field(primary_key=True)  # random, unguessable
    login: str = Field(index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    address: str  # in the file store: sources/ab/ab12….docx
    name: str  # the name the browser gave, for display only
    created_at: datetime


class Rendition(Base, table=True):
    """A file as LibreOffice renders it (its PDF, its pages as pictures), made once per
    content: found by the source's SHA-256, kept in the file store (``registry.renditions``).
    Whoever may read the source may read its rendition; it is a cache, not a record."""

    source_sha256: str = Field(primary_key=True)
    form: str = Field(primary_key=True)  # «pdf», «png60»
    addresses: str  # JSON list of store addresses (one PDF, or the pages in order)
    created_at: datetime


class Notification(Base, table=True):
    """Something a person should know (a report returned, a draft to sign, a deadline
    near): in their inbox, and by mail when they chose it (``registry.notifications``).
    ``dedupe`` makes a reminder exactly-once whatever runs it how often."""

    __table_args__ = (
        UniqueConstraint("dedupe", name="uq_notification_dedupe"),
        Index("ix_notification_person_read", "person_id", "read_at"),
        Index("ix_notification_mail", "mail_state", "mail_next_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    kind: str
    title: str = Field(sa_column=Column(Text, nullable=False))
    link: str = ""
    created_at: datetime
    read_at: datetime | None = None
    dedupe: str | None = None
    mail_state: str = ""  # "", pending, sending, sent, failed, digest, digested
    mail_attempts: int = 0
    mail_next_at: datetime | None = None
    mail_claim: str = ""
    mail_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class NotificationChoice(Base, table=True):
    """How a person wants a kind of notification: in karta only, by mail, or in a daily
    digest."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    kind: str = Field(primary_key=True)
    channel: str


class MailSettings(Base, table=True):
    """An organisation's mail server and its reminder rules. The password is sealed with the
    key outside the database: neither the log, nor a backup, nor the database holds it in
    clear."""

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    host: str = ""
    port: int = 587
    security: str = "starttls"  # starttls, ssl, none
    login: str = ""
    password_sealed: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                               default=""))
    sender: str = ""
    site: str = ""  # the address of karta's web workspace, for links in mail
    remind_before: str = "5,1"  # working days before a due date
    escalate_after: int = 3  # working days overdue before the head is told
    last_event: int = 0


class Substitution(Base, table=True):
    """A deputy acting for an absent person for a period (замещение): the absent person's
    tasks, visas and signing go to the deputy, who signs «И.о. …»; the log names both."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)  # who is away
    deputy_id: int = Field(foreign_key="person.id", index=True)
    first_day: date
    last_day: date
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    cancelled: bool = False
    last_event: int = 0


class Acquaintance(Base, table=True):
    """A person named in a signed order confirmed in karta that they have read it
    (ознакомлен); the printed acquaintance sheet is filled from these rows."""

    __table_args__ = (UniqueConstraint("document_id", "person_id", name="uq_acquaintance"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    at: datetime
    last_event: int = 0


class Comment(Base, table=True):
    """A comment in the thread of an occurrence or a document (``registry.comments``): who
    wrote what and when, and whom it names; it changes no state."""

    __table_args__ = (Index("ix_comment_object", "object_kind", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    object_kind: str  # occurrence, document
    object_id: int
    person_id: int = Field(foreign_key="person.id")
    at: datetime
    text: str = Field(sa_column=Column(Text, nullable=False))
    mentioned: str = ""  # logins named «@логин», comma-separated
    last_event: int = 0


class Indicator(Base, table=True):
    """An indicator (показатель) of an organisation's roadmap: what is counted, in what unit,
    which way it should go, its target for each period, who gives the actual value and how
    the schools' values roll up (``workflow.indicators``; ``registry.indicators``)."""

    __table_args__ = (UniqueConstraint("organisation_id", "code", name="uq_indicator_code"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    roadmap_id: int | None = Field(default=None, foreign_key="roadmap.id")
    code: str  # «П1»: how people and commands name it
    name: str = Field(sa_column=Column(Text, nullable=False))
    unit: str  # %, чел., ед., баллы
    direction: str  # up, down, at_least
    source: str  # schools, department, workflow
    rollup: str  # sum, mean, weighted_mean, share_meeting
    fraction: bool = False  # a school gives a numerator and a denominator
    numerator: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    denominator: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    threshold: str = ""  # a school's value that counts as reached (share_meeting)
    minimum: str = ""
    maximum: str = ""
    group_kind: str = ""  # whose schools: general, preschool, additional; "" every school
    group_label: str = ""  # as the roadmap says it: «школы с НОР»
    units: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    activities: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    targets: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    evidence: bool = False  # a value needs a file or a link
    source_phrase: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    active: bool = True
    version: int = 1
    last_event: int = 0


class IndicatorValue(Base, table=True):
    """One school's (or the department's: ``unit_key`` 0) value of an indicator for a
    period, with its evidence and its lifecycle (``workflow.indicators``)."""

    __table_args__ = (
        UniqueConstraint("indicator_id", "period", "unit_key", name="uq_indicatorvalue"),
        Index("ix_indicatorvalue_org_period", "organisation_id", "period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    indicator_id: int = Field(foreign_key="indicator.id")
    period: str
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    unit_key: int = 0  # the unit's id, 0 for the department's own value
    state: str
    value: str = ""  # exact decimal
    numerator: str = ""
    denominator: str = ""
    evidence: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    submitted_by: str = ""
    submitted_at: datetime | None = None
    decided_by: str = ""
    version: int = 1
    last_event: int = 0
