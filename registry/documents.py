"""Generating, storing, registering and reproducing documents.

A document is made in three steps. *Drafting* reads the database (a snapshot) and gives the
plain context of each document a command produces. *Preparing* renders it — outside any
write transaction, within the sandbox's time and size budget — and, when it is numbered in
a journal (or cites a number given in the same step), with a placeholder where the number
goes. *Registering*, in the command's short write transaction, takes the numbers from the
journals' counters (a row lock until the commit), stamps them into the rendered parts
(``documents.stamping``), stores the files, inserts the rows and logs them. A render is never
thrown away because another writer numbered first; a template that does more with a number
than print it is rendered in the transaction, after numbering (``run_with_documents``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlmodel import Session, col, select

from documents import russian
from documents.contexts import JOURNALS, KINDS, document_title
from documents.render import CompiledTemplate, compiled
from documents.stamping import (
    in_fitted_table,
    placeholder,
    placeholder_token,
    stamp_parts,
    stampable_text,
)
from registry.database import Database, utcnow
from registry.files import StoredFile
from registry.history import record
from registry.journals import number_text, take_numbers
from registry.people import acting_person, local_today, names_of, organisation, roles_of
from registry.tables import (
    Activity,
    Document,
    Occurrence,
    Organisation,
    Person,
    Roadmap,
    Section,
    TemplateVersion,
)
from workflow.errors import KartaError, UnknownReference, said
from workflow.refs import activity_ref, occurrence_ref, roadmap_ref
from workflow.workdays import working_days_before

ORDER_WORD = re.compile(r"приказ", re.I)
SCHOOLS_EARLIER = 5  # working days between the schools' reports and the department's


# ----------------------------------------------------------------------------- plain data

def require_full_name(person: Person) -> None:
    """A person whose name would be printed in a document must have one: a bare login
    («admin») is never printed."""
    name = person.full_name.strip()
    if not name or name == person.login or len(name.split()) < 2:
        raise KartaError(f"у пользователя «{person.login}» не указаны фамилия, имя и отчество: "
                         "документ не подготовлен; укажите их "
                         + said(f"(в командной строке — karta people set {person.login} "
                                "--name «Фамилия Имя Отчество»)",
                                "(«Администрирование» → «Пользователи»)"))


def person_data(person: Person) -> dict[str, Any]:
    return {"login": person.login, "full_name": person.full_name, "gender": person.gender,
            "position": person.position, "phone": person.phone,
            "overrides": json.loads(person.overrides or "{}")}


def organisation_data(org: Organisation) -> dict[str, Any]:
    return {"full_name": org.full_name, "short_name": org.short_name,
            "parent_body": org.parent_body, "place": org.place,
            "head_position": org.head_position, "head_name": org.head_name}


def roadmap_data(session: Session, roadmap: Roadmap) -> dict[str, Any]:
    approval = None
    if roadmap.approved_document_id:
        order = session.get(Document, roadmap.approved_document_id)
        if order is not None and order.doc_date is not None:
            approval = {"number": order.number_text, "date": order.doc_date.isoformat()}
    return {
        "ref": roadmap_ref(roadmap.id or 0), "title": roadmap.title,
        "first_year": roadmap.first_year, "last_year": roadmap.last_year,
        "period": f"{roadmap.first_year}-{roadmap.last_year}", "approval": approval,
        "short_title": russian.head_noun_phrase(roadmap.title),
        "attached": russian.agree(roadmap.title, russian.ATTACHED),
        "approved_mark": russian.agree(roadmap.title, russian.APPROVED),
    }


def activity_data(activity: Activity, section: Section | None,
                  people: dict[str, list[dict[str, Any]]] | None = None,
                  units: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    from registry.units import group_of

    names = json.loads(activity.executors)
    return {
        "ref": activity_ref(activity.roadmap_id, activity.code), "code": activity.code,
        "title": activity.title, "deadline_text": activity.deadline_text,
        "responsible": names,
        "responsible_text": activity.executors_text,
        "planned_result": activity.planned_result,
        "section": section.heading if section else "",
        # for addressing the points of an order: which group each executor names, and
        # the people of its unit («Специалистам МКУ «…» (Иванова И.И., Петрова П.П.)»)
        # and, for a group («ОО»), the organisations it names with their people (the
        # acquaintance sheet lists each of them)
        "executors": [{"name": name, "group": group_of(name),
                       "people": (people or {}).get(name, []),
                       "units": (units or {}).get(name, [])} for name in names],
    }


def group_units(session: Session, activity: Activity) -> dict[str, list[dict[str, Any]]]:
    """For each executor of an activity that names a group of schools («ОО», «ДОО»), the
    organisation's units of that kind, each with its people (not a head who signs)."""
    from registry.tables import ActivityUnit, Unit

    groups = {name: group for name, group in session.execute(
        select(ActivityUnit.name, ActivityUnit.unit_group)  # type: ignore[call-overload]
        .where(col(ActivityUnit.activity_id) == activity.id,
               col(ActivityUnit.unit_id).is_(None),
               col(ActivityUnit.unit_group).in_(("general", "preschool", "additional"))))}
    if not groups:
        return {}
    kinds = set(groups.values())
    members: dict[int, list[dict[str, Any]]] = {}
    units = list(session.exec(select(Unit).where(col(Unit.kind).in_(kinds))
                              .order_by(col(Unit.name))))
    for person in session.exec(select(Person).where(
            col(Person.unit_id).in_([u.id for u in units]))
            .order_by(col(Person.full_name))):
        if person.full_name.strip() and "head" not in person.roles.split(","):
            members.setdefault(person.unit_id or 0, []).append(person_data(person))
    return {name: [{"name": u.name, "people": members.get(u.id or 0, [])}
                   for u in units if u.kind == group] for name, group in groups.items()}


def executor_people(session: Session, activity: Activity) -> dict[str, list[dict[str, Any]]]:
    """The people of the unit each executor of an activity is linked to (not the head, who
    signs), by the executor's name."""
    from registry.tables import ActivityUnit

    found: dict[str, list[dict[str, Any]]] = {}
    for name, person in session.execute(
            select(ActivityUnit.name, Person)  # type: ignore[call-overload]
            .join(Person, col(Person.unit_id) == col(ActivityUnit.unit_id))
            .where(col(ActivityUnit.activity_id) == activity.id)
            .order_by(col(Person.full_name))):
        if person.full_name.strip() and "head" not in person.roles.split(","):
            found.setdefault(name, []).append(person_data(person))
    return found


def occurrence_data(activity: Activity, occurrence: Occurrence) -> dict[str, Any]:
    return {
        "ref": occurrence_ref(activity.roadmap_id, activity.code, occurrence.period),
        "period": occurrence.period, "period_text": russian.period_text(occurrence.period),
        "due": occurrence.due.isoformat() if occurrence.due else None,
        "state": occurrence.state,
    }


def basis_data(text: str | None) -> dict[str, Any]:
    """The legal basis an order's preamble opens with, as the template needs it."""
    cleaned = " ".join((text or "").split()).rstrip(" ,;.")
    return {"text": russian.upper_first(cleaned) if cleaned else "",
            "according": cleaned.lower().startswith("в соответствии с")}


def refuse_later_citations(context: dict[str, Any], day: date, what: str) -> None:
    """An order cites only documents that exist on its date ``day``: one dated later (a
    legal basis «от 20.03.2026», an amended order, an analytic note) is refused, naming it;
    ``what`` is the refused thing with its date («приказ от 15.01.2021»)."""
    from documents.citations import later_citations

    later = later_citations(context, day)
    if later:
        raise KartaError(f"{what} не может ссылаться на документ более поздней даты: "
                         f"{later[0].what}; проверьте дату в основании или дату документа")


def added_points(points: list[str] | None) -> list[str]:
    """Additional points of an order, each a sentence."""
    return [russian.sentence(" ".join(point.split())) for point in points or []
            if point.strip()]


# ----------------------------------------------------------------------------- drafting

@dataclass
class DocumentDraft:
    """One document a command will register: its template, its context (without the
    registration, which preparing adds) and where it belongs."""

    kind: str
    template: TemplateVersion
    context: dict[str, Any]
    roadmap_id: int | None
    occurrence_id: int | None
    status: str = ""  # draft (orders), registered (numbered at once), signed
    doc_date: date | None = None
    replaces: int | None = None  # signing: the draft document this becomes

    @property
    def journal(self) -> str | None:
        return KINDS[self.kind]["journal"]

    @property
    def numbered(self) -> bool:
        return bool(self.journal) and self.status in ("registered", "signed")


def draft_for(kind: str, template: TemplateVersion, context: dict[str, Any],
              today: date, roadmap_id: int | None,
              occurrence_id: int | None) -> DocumentDraft:
    """A new document: orders are born as drafts without a number; the other kinds are
    numbered in their journal and dated at once."""
    is_order = KINDS[kind]["journal"] == "orders"
    return DocumentDraft(kind, template, context, roadmap_id, occurrence_id,
                         status="draft" if is_order else "registered",
                         doc_date=None if is_order else today)


@dataclass
class PreparedDocument:
    """A rendered document waiting to be registered: its file stored, or — numbered, or
    citing a number given in the same step — its parts rendered with placeholders
    (``parts``), or still to be rendered once numbered (``late``)."""

    draft: DocumentDraft
    year: int | None
    number: int | None
    number_text: str
    context: dict[str, Any]
    title: str
    data: bytes
    stored: StoredFile
    mark: str = ""  # the placeholder of its own number
    parts: list[tuple[str, bytes]] | None = None
    template: CompiledTemplate | None = None
    late: bool = False
    numbering: Numbering | None = None


@dataclass
class Preparation:
    """What drafting read: the documents to make, and the placeholder of each one's number."""

    drafts: list[DocumentDraft]
    org: Organisation
    token: str = field(default_factory=placeholder_token)

    def mark(self, draft: DocumentDraft) -> str:
        """The placeholder a numbered draft is rendered with."""
        return placeholder(self.token, next(index for index, found in enumerate(self.drafts)
                                            if found is draft))


# ----------------------------------------------------------------------------- rendering

@lru_cache(maxsize=1)
def renderer_version() -> str:
    """What made a file: regenerate is byte-identical for the same versions."""
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for package in ("karta", "docxtpl", "pillow"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} ?")
    return ", ".join(parts)


def render_document(template: TemplateVersion, context: dict[str, Any],
                    content: Callable[[], bytes] | None = None) -> bytes:
    """Render a template version; pictures its kind has (the completion chart) are drawn
    from the context, so a snapshot rebuilds the same file."""
    images = _images(template, context)
    loader = content or (lambda: template.content)
    if template.sha256 in shipped_digests():  # karta's own, byte for byte: in this process
        return compiled(template.sha256, template.name, loader).render(context, images)
    from documents.jail import jail  # anyone else's: in a process the kernel holds to limits

    return jail().render(template.sha256, template.name, loader, context, images)


def _images(template: TemplateVersion, context: dict[str, Any]) -> dict[str, bytes]:
    """The pictures a template's kind draws from the context (the completion chart)."""
    images: dict[str, bytes] = {}
    if "chart" in KINDS[template.kind].get("images", ()):
        from documents.charts import completion_chart

        chart = context["chart"]
        images["chart"] = completion_chart(chart["sections"], chart["title"])
    return images


@lru_cache(maxsize=1)
def shipped_digests() -> frozenset[str]:
    """The SHA-256 of every template shipped with this karta (documents/templates)."""
    from registry.templates import SHIPPED

    return frozenset(hashlib.sha256(path.read_bytes()).hexdigest()
                     for path in SHIPPED.glob("*.docx"))


def template_loader(db: Database, template: TemplateVersion) -> Callable[[], bytes]:
    """The bytes of a version whose row was read without them (only needed the first time
    a process renders that version)."""

    def load() -> bytes:
        with db.reading() as session:
            return checked_content(session.connection(), template)

    return load


def checked_content(connection: Any, template: TemplateVersion) -> bytes:
    """A template version's bytes, once its row is found as the log left it and its bytes
    have the SHA-256 the row names: a version swapped in the database (bytes and digest
    together) is never used for a new document."""
    from registry.state import matches_log

    data = connection.execute(
        select(TemplateVersion.content).where(  # type: ignore[call-overload]
            col(TemplateVersion.id) == template.id)).scalar_one()
    if not matches_log(connection, "template", template.id or 0):
        raise KartaError(f"шаблон «{template.name}» v{template.version} не совпадает с тем, "
                         "что записано в журнале решений (изменён в обход karta); документ "
                         "не сформирован — запустите "
                         + said("karta audit verify", "«Проверить журнал»"))
    if hashlib.sha256(data).hexdigest() != template.sha256:
        raise KartaError(f"шаблон «{template.name}» v{template.version}: содержимое не "
                         "совпадает с зарегистрированным SHA-256 (шаблон изменён в обход "
                         "karta; запустите " + said("karta audit verify", "«Проверить журнал»")
                         + ")")
    return bytes(data)


def prepare(db: Database, preparation: Preparation) -> list[PreparedDocument]:
    """Render every draft outside any write transaction: numbered ones (and those citing a
    number given in the same step) with placeholders, waiting for their numbers; the others
    whole, their files stored (a folder store now; a database store when registered)."""
    org = preparation.org
    marks = {preparation.mark(draft) for draft in preparation.drafts if draft.numbered}
    numbering = Numbering(org, marks)
    # a number the templates print as it is (an orders' prefix without markup)
    stamps = stampable_text(number_text(org, "orders", 1))
    prepared = []
    for draft in preparation.drafts:
        journal = draft.journal or ""
        mark = preparation.mark(draft) if draft.numbered else ""
        year = draft.doc_date.year if draft.numbered and draft.doc_date else None
        context = {
            **draft.context,
            "document": {
                "kind": draft.kind, "title": document_title(draft.kind, draft.context),
                "is_draft": draft.status == "draft", "number": mark or None,
                "date": draft.doc_date.isoformat() if draft.doc_date else None,
                "journal": JOURNALS.get(journal, ""),
            },
        }
        title = context["document"]["title"]
        waits = bool(mark) or _cited_mark(context) in marks
        if not waits:
            data = _document_file(db, draft.template, context)
            prepared.append(PreparedDocument(draft, None, None, "", context, title, data,
                                             _put(db, data)))
            continue
        document = PreparedDocument(draft, year, None, "", context, title, b"",
                                    StoredFile("", "", 0, ""), mark=mark, numbering=numbering)
        found = _stamping_render(db, draft.template, context, marks) if stamps else None
        if found is None:
            document.late = True  # rendered in the transaction, once numbered
        else:
            document.template, document.parts = found
        numbering.documents.append(document)
        prepared.append(document)
    return prepared


def _cited_mark(context: dict[str, Any]) -> str:
    note = context.get("note")
    return str(note.get("number") or "") if isinstance(note, dict) else ""


def _document_file(db: Database, template: TemplateVersion, context: dict[str, Any]) -> bytes:
    from registry.drafts import document_file

    return document_file(db, template, context, template_loader(db, template))


def _put(db: Database, data: bytes) -> StoredFile:
    """A rendered file in a folder store (synced while the transaction runs); a database
    store writes it in the transaction (``stored_in``)."""
    if db.files_dir:
        return db.store.put(data, "documents", ".docx", sync_later=True)
    return StoredFile("", hashlib.sha256(data).hexdigest(), len(data), "")


def _stamping_render(db: Database, template: TemplateVersion, context: dict[str, Any],
                     marks: set[str]) -> tuple[CompiledTemplate, list[tuple[str, bytes]]] | None:
    """The parts of a document rendered with placeholders, when stamping the numbers in
    gives the bytes a render with them gives (``documents.stamping``); else None. Only
    karta's own templates, rendered in this process, whole from a template (no revision
    corrected in Word, no sheet appended)."""
    if template.sha256 not in shipped_digests() or "revision" in context \
            or "approval_sheet" in context:
        return None
    found = compiled(template.sha256, template.name, template_loader(db, template))
    if not found.stamps_numbers:
        return None
    parts = found.render_parts(context, _images(template, context))
    if any(in_fitted_table(content.decode("utf-8"), marks) for part, content in parts
           if part.endswith(".xml")):
        return None
    return found, parts


class Numbering:
    """The numbers of one preparation's documents, taken in the write transaction."""

    def __init__(self, org: Organisation, marks: set[str]) -> None:
        self.org = org
        self.marks = marks
        self.documents: list[PreparedDocument] = []
        self.done = False

    def finish(self, session: Session, db: Database) -> None:
        """Take the numbers (in the order of the drafts, one journal after another in one
        order for every writer), stamp them into the rendered parts — or render the late
        documents now — and store the files; once per transaction."""
        if self.done:
            return
        numbered = [d for d in self.documents if d.mark]
        counts = Counter((d.draft.journal or "", d.year or 0) for d in numbered)
        following = {key: take_numbers(session, key[0], key[1], count)
                     for key, count in sorted(counts.items())}
        given: dict[str, str] = {}
        for document in numbered:
            key = (document.draft.journal or "", document.year or 0)
            document.number = following[key]
            following[key] += 1
            document.number_text = number_text(self.org, key[0], document.number)
            given[document.mark] = document.number_text
        for document in self.documents:
            context = document.context
            context["document"] = {**context["document"],
                                   "number": given.get(document.mark) or None}
            cited = _cited_mark(context)
            if cited in given:
                context["note"] = {**context["note"], "number": given[cited]}
            if document.parts is not None and document.template is not None:
                data = document.template.assemble(stamp_parts(document.parts, given))
            else:
                data = _document_file(db, document.draft.template, context)
            document.data, document.stored = data, _put(db, data)
            document.parts = None
        self.done = True


# ----------------------------------------------------------------------------- registering

_INSERT_DOCUMENT = insert(Document).returning(col(Document.id))


def stored_in(session: Session, db: Database, document: PreparedDocument) -> StoredFile:
    """The document's file in the store (a database store writes it in this transaction),
    numbered first when it waits for its number."""
    if document.numbering is not None:
        document.numbering.finish(session, db)
    if db.files_dir:
        return document.stored
    return db.store.put(document.data, "documents", ".docx", session=session)


def register(session: Session, db: Database, document: PreparedDocument, person: Person,
             history_id: int | None) -> Document:
    """Insert a prepared document (in the caller's transaction) and log it."""
    draft = document.draft
    stored = stored_in(session, db, document)
    row = Document(
        organisation_id=person.organisation_id,
        kind=draft.kind, title=document.title, status=draft.status,
        journal=draft.journal,
        year=document.year, number=document.number, number_text=document.number_text,
        doc_date=draft.doc_date, roadmap_id=draft.roadmap_id,
        occurrence_id=draft.occurrence_id, history_event_id=history_id,
        template_name=draft.template.name, template_version=draft.template.version,
        template_sha256=draft.template.sha256,
        context=json.dumps(document.context, ensure_ascii=False, sort_keys=True),
        file_sha256=stored.sha256, file_path=stored.path, file_size=stored.size,
        created_at=utcnow(), created_by=person.login, renderer=renderer_version(),
    )
    # a Core insert: the ORM's unit of work costs more than the statement on this path
    row.id = session.connection().execute(
        _INSERT_DOCUMENT, row.model_dump(exclude={"id"})).scalar_one()
    is_order = draft.status == "draft"
    what = "проект приказа" if is_order else f"№ {row.number_text}" if row.number else ""
    record(session, login=person.login, object_ref=f"документ {row.id}",
           event="document_draft" if is_order else "document_register",
           roadmap_id=draft.roadmap_id, occurrence_id=draft.occurrence_id,
           comment=f"{row.title} {what}".strip(), files=[file_of(row)],
           touches=[("document", row.id or 0)])
    return row


def register_file(session: Session, db: Database, data: bytes, name: str) -> StoredFile:
    """A file that comes with a registration (an order made outside karta)."""
    from pathlib import Path

    return db.store.put(data, "documents", Path(name).suffix, name, session=session)


def file_of(document: Document) -> StoredFile:
    return StoredFile(f"документ_{document.id}.docx", document.file_sha256, document.file_size,
                      document.file_path)


T = TypeVar("T")
R = TypeVar("R")


def run_with_documents(db: Database, read: Callable[[Session], tuple[T, list[DocumentDraft]]],
                       write: Callable[[Session, T, list[PreparedDocument]], R],
                       cite_note: bool = False, exclusive: bool = True) -> R:
    """The shape of every command that makes documents: read and draft (a snapshot), render
    (no lock held), then one short write transaction that registers them, taking their
    numbers as it does (``register``). With ``cite_note`` the documents of an analysis cite
    its analytic note; ``exclusive=False`` for writes that guard themselves by
    compare-and-set (see ``Database.transaction``)."""
    with db.reading() as session:
        state, drafts = read(session)
        preparation = Preparation(drafts, organisation(session))
        acting = dict(session.info)  # whose journals: the organisation read acted in
    if cite_note:
        note_context(preparation)
    prepared = prepare(db, preparation)
    with db.transaction(exclusive) as session:
        session.info.update(acting)
        return write(session, state, prepared)


# ----------------------------------------------------------------------------- transitions

def _condition_holds(condition: str, activity: Activity, details: dict[str, Any],
                     order_requested: bool) -> bool:
    from registry.templates import CONDITIONS

    if condition == "always":
        return True
    if condition == "order_needed":
        return order_requested or bool(ORDER_WORD.search(activity.planned_result)
                                       or ORDER_WORD.search(activity.title))
    if condition == "has_decisions":
        return bool(details.get("decisions"))
    if condition == "has_recommendations":
        return bool(details.get("recommendations"))
    raise KartaError(f"неизвестное условие правила «{condition}»; условия: "
                     + ", ".join(CONDITIONS))


def transition_drafts(session: Session, *, event: str, roadmap: Roadmap, activity: Activity,
                      occurrence: Occurrence, person: Person, report: dict[str, Any] | None,
                      details: dict[str, Any], order_requested: bool,
                      basis: str | None = None,
                      points: list[str] | None = None) -> list[DocumentDraft]:
    """The documents the rules give for a transition (DOMAIN §6), drafted; an order opens
    with ``basis`` (else its roadmap's) and has ``points`` before the control point."""
    from registry.templates import active_version, rules_for

    rules = [rule for rule in rules_for(session, event)
             if _condition_holds(rule.condition, activity, details, order_requested)]
    if not rules:
        return []
    require_full_name(person)
    org = organisation(session)
    today = local_today(org)
    section = session.get(Section, activity.section_id) if activity.section_id else None
    base: dict[str, Any] = {
        "organisation": organisation_data(org),
        "executor": person_data(_preparer(session, occurrence, person, event)),
        "today": today.isoformat(), "roadmap": roadmap_data(session, roadmap),
        "activity": activity_data(activity, section, executor_people(session, activity),
                                  group_units(session, activity)),
        "occurrence": occurrence_data(activity, occurrence), "corrects": None,
        "basis": basis_data(basis if basis and basis.strip() else roadmap.basis),
        "points": added_points(points),
    }
    # nothing cited may be dated after today, let alone after the order's own date
    refuse_later_citations({"basis": base["basis"], "points": base["points"]}, today,
                           f"проект приказа (сегодня {today:%d.%m.%Y})")
    if event == "start":
        base["report_due"] = occurrence.due.isoformat() if occurrence.due else None
        # the schools report to the department first, by a date of their own
        base["schools_due"] = working_days_before(occurrence.due, SCHOOLS_EARLIER).isoformat() \
            if occurrence.due else None
    if event in ("report", "collect", "analyse"):
        base["report"] = report
    if event == "analyse":
        base["analysis"] = {
            "conclusions": details.get("conclusions", ""),
            "figures": details.get("figures", []),
            "decisions": details.get("decisions", []),
            "recommendations": details.get("recommendations", []),
            # who compiled the note signs it: the clerk handling the occurrence when the
            # head recorded the analysis, never the head over a specialist's work
            "author": person_data(_compiler(session, occurrence, person)),
            "date": today.isoformat(),
        }
    drafts: list[DocumentDraft] = []
    for rule in rules:
        template = active_version(session, rule.template_name)
        context = {name: base[name] for name in KINDS[template.kind]["context"]
                   if name in base}
        if "note" in KINDS[template.kind]["context"]:
            context["note"] = {"title": "", "number": "", "date": None}
        drafts.append(draft_for(template.kind, template, context, today, roadmap.id,
                                occurrence.id))
    return drafts


def _preparer(session: Session, occurrence: Occurrence, person: Person, event: str) -> Person:
    """Whom the executor mark names: the clerk who handles the occurrence (who started it)
    when the head's analysis drafts an order — never the signatory — else the person
    acting."""
    from registry.people import roles_of
    from registry.tables import HistoryEvent

    if event != "analyse":
        return person
    started = session.exec(select(HistoryEvent.login).where(
        HistoryEvent.occurrence_id == occurrence.id, HistoryEvent.event == "start")
        .order_by(col(HistoryEvent.id).desc())).first()
    clerk = session.exec(select(Person).where(Person.login == started)).first() \
        if started else None
    if clerk is not None and "clerk" in roles_of(clerk) and clerk.full_name.strip():
        return clerk
    return person


def _compiler(session: Session, occurrence: Occurrence, person: Person) -> Person:
    """Who compiled an analysis's notes (the analytic note, the recommendations): the
    person recording it, or — when that is the head — the clerk who handles the occurrence
    (``_preparer``), as an office's specialist compiles the note its head reads."""
    from registry.people import roles_of

    if "head" not in roles_of(person) or "clerk" in roles_of(person):
        return person
    return _preparer(session, occurrence, person, "analyse")


def note_context(preparation: Preparation) -> None:
    """Orders and recommendations made by an analysis cite its analytic note: its title,
    and the number it gets when registered (its placeholder until then) and its date."""
    note = next((d for d in preparation.drafts if d.kind == "analytic_note"), None)
    if note is None or note.doc_date is None or not note.numbered:
        return
    cited = {"title": document_title(note.kind, note.context),
             "number": preparation.mark(note), "date": note.doc_date.isoformat()}
    for draft in preparation.drafts:
        if "note" in draft.context:
            draft.context["note"] = cited


def reporting_unit(session: Session, person: Person) -> str:
    """The organisation a report comes from when it is not the department itself: the
    reporting person's school (their unit), whose report is printed under its own name, not
    under the department's; "" for the department's own staff."""
    from registry.tables import Unit
    from workflow.roles import WHOLE_ORGANISATION

    if person.unit_id is None or WHOLE_ORGANISATION & set(roles_of(person)):
        return ""
    unit = session.get(Unit, person.unit_id)
    return unit.name if unit is not None and unit.kind != "department" else ""


def report_data(session: Session, occurrence: Occurrence, person: Person,
                current: dict[str, Any] | None) -> dict[str, Any]:
    """The executor's report: the one being made now, or the last one recorded — as its
    registered report printed it (its text, its attachments with their sheets, who
    reported), else as the log recorded it."""
    from registry.tables import HistoryEvent

    if current is not None:
        return current
    source = session.exec(
        select(HistoryEvent).where(HistoryEvent.occurrence_id == occurrence.id,
                                   col(HistoryEvent.event).in_(("report", "collect")))
        .order_by(col(HistoryEvent.id).desc())).first()
    if source is None:
        return {"text": "", "files": [], "author": person_data(person), "date": None,
                "executors": [], "not_reported": [], "unit": ""}
    printed = session.exec(select(Document.context).where(
        col(Document.history_event_id) == source.id, col(Document.kind) == "report")
        .order_by(col(Document.id).desc())).first()
    if printed:
        report = json.loads(printed).get("report")
        if isinstance(report, dict):
            return {"unit": "", **report}
    author = session.exec(select(Person).where(Person.login == source.login)).first()
    files = [{"name": f["name"], "sha256": f["sha256"], "size": f["size"], "pages": None}
             for f in json.loads(source.files or "[]")]
    collected = json.loads(source.details or "{}").get("collected")
    if collected:  # the summary of the executors' reports
        from registry.occurrences import collected_report

        if source.event == "report":  # the clerk's own report, closing the collection
            return {**collected_report(collected, None, author or person, source.at.date(),
                                       own=source.comment), "files": files + [
                f for e in collected["executors"] if e["state"] == "accepted"
                for f in e["files"]]}
        return collected_report(collected, source.comment, author or person,
                                source.at.date())
    return {"text": source.comment, "files": files,
            "author": person_data(author or person),
            "date": source.at.date().isoformat(), "executors": [], "not_reported": [],
            "unit": reporting_unit(session, author) if author is not None else ""}


# ----------------------------------------------------------------------------- reading

def document_as_dict(document: Document, names: dict[str, str] | None = None,
                     zone: str | None = None) -> dict[str, Any]:
    """The JSON shape of a document (with ``names``, who made and signed it by name; with
    ``zone``, when it was made in the organisation's time, else in UTC)."""
    found = names or {}
    made = document.created_at
    if zone:
        made = (made if made.tzinfo else made.replace(tzinfo=UTC)).astimezone(ZoneInfo(zone))
    return {
        "created_by_name": found.get(document.created_by, document.created_by),
        "signed_by_name": found.get(document.signed_by, document.signed_by) or None,
        "id": document.id, "kind": document.kind, "title": document.title,
        "status": document.status, "journal": document.journal,
        "number": document.number_text or None,
        "date": document.doc_date.isoformat() if document.doc_date else None,
        "template": f"{document.template_name} v{document.template_version}",
        "template_sha256": document.template_sha256,
        "file_sha256": document.file_sha256, "file": document.file_path,
        "created_by": document.created_by, "renderer": document.renderer,
        "created_at": made.isoformat(timespec="seconds"),
        "signed_by": document.signed_by or None,
    }


def list_documents(db: Database, login: str | None) -> list[dict[str, Any]]:
    with db.reading() as session:
        person = acting_person(session, login)
        query = select(Document).order_by(col(Document.id))
        visible = _document_filter(session, person)
        if visible is not None:
            query = query.where(visible)
        return [document_as_dict(d) for d in session.exec(query)]


def find_documents(db: Database, login: str | None, *, kind: str | None = None,
                   status: str | None = None, year: int | None = None,
                   number: str | None = None, page: int = 1,
                   size: int = 50) -> dict[str, Any]:
    """The journals, filtered and a page at a time (newest first)."""

    with db.reading() as session:
        person = acting_person(session, login)
        conditions: list[Any] = []
        visible = _document_filter(session, person)
        if visible is not None:
            conditions.append(visible)
        if kind:
            conditions.append(col(Document.kind) == kind)
        if status:
            conditions.append(col(Document.status) == status)
        if year:
            conditions.append(col(Document.year) == year)
        if number:
            conditions.append(col(Document.number_text).contains(number.strip()))
        from registry.paging import page_of

        rows, total, page, pages = page_of(session, Document, conditions,
                                           [col(Document.id).desc()], page, size)
        names = names_of(session)
        return {"rows": [document_as_dict(d, names) for d in rows], "total": total, "page": page,
                "pages": pages}


def _document_filter(session: Session, person: Person) -> Any:
    """A WHERE clause on Document for what the person may see, or None for everything:
    the organisation's documents; an executor, those of their activities and the roadmaps'
    own orders; a regional auditor, every organisation's."""
    from sqlalchemy import and_, or_

    from registry.scope import WHOLE_ORGANISATION, region_wide, roadmap_scope, visible_activities

    if region_wide(person):
        return None
    if WHOLE_ORGANISATION & set(roles_of(person)):
        return col(Document.organisation_id) == person.organisation_id
    scope = visible_activities(session, person)
    assert scope is not None
    occurrences = select(Occurrence.id).where(col(Occurrence.activity_id).in_(scope))
    return or_(col(Document.occurrence_id).in_(occurrences),
               and_(col(Document.occurrence_id).is_(None),
                    col(Document.roadmap_id).in_(roadmap_scope(session, person) or set())))


def get_document(db: Database, login: str | None, document_id: int) -> Document:
    with db.reading() as session:
        person = acting_person(session, login)
        document = session.get(Document, document_id)
        if document is None:
            raise UnknownReference(str(document_id), "нет такого документа"
                                   + said(" (karta documents)"))
        visible = _document_filter(session, person)
        if visible is not None and session.exec(select(Document.id).where(
                Document.id == document_id, visible)).first() is None:
            from registry.scope import require_visible

            require_visible(session, person, None, f"документ {document_id}")
        return document


def document_bytes(db: Database, document: Document) -> bytes:
    """A document's file, refused when it is missing or not the registered file."""
    if not document.file_path:
        raise KartaError(f"документ {document.id} внесён в журнал без файла")
    problem = db.store.check(document.file_path, document.file_sha256)
    if problem:
        raise KartaError(f"документ {document.id}: {problem}; восстановите его"
                         + said(f": karta documents regenerate {document.id}",
                                " (обратитесь к администратору)"))
    return db.store.read(document.file_path)


def regenerate(db: Database, login: str | None, document_id: int) -> dict[str, Any]:
    """Rebuild a document from its snapshot and its recorded template version; the bytes
    must be identical to the registered file (and restore it if it was lost)."""
    document = get_document(db, login, document_id)  # the person may read it
    with db.reading() as session:
        acting_person(session, login)
        template = session.exec(select(TemplateVersion).where(
            TemplateVersion.name == document.template_name,
            TemplateVersion.version == document.template_version,
            TemplateVersion.sha256 == document.template_sha256)).first()
    if template is None or template.sha256 != document.template_sha256 or \
            hashlib.sha256(template.content).hexdigest() != template.sha256:
        raise KartaError(f"документ {document_id}: версия шаблона {document.template_name} "
                         f"v{document.template_version} не найдена или изменена")
    from registry.drafts import document_file

    data = document_file(db, template, json.loads(document.context))
    sha = hashlib.sha256(data).hexdigest()
    if sha != document.file_sha256:
        now = renderer_version()
        changed = "" if now == document.renderer else \
            f"; файл сделан версией «{document.renderer}», сейчас «{now}»"
        raise KartaError(f"документ {document_id}: пересобранный файл отличается "
                         f"(SHA-256 {sha[:16]}… вместо {document.file_sha256[:16]}…){changed}")
    restored = db.store.check(document.file_path, sha) is not None
    if restored:
        db.store.put(data, "documents", ".docx", force=True)
    return {"id": document_id, "sha256": sha, "identical": True, "restored": restored,
            "file": document.file_path}
