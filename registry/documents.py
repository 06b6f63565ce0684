"""Generating, numbering, signing, storing and reproducing documents.

Documents are made inside the caller's transaction: the transition, its history, its journal
numbers and its documents land together or not at all. Files are written under a temporary
name and renamed into a content-addressed store before the commit; a failed transaction can
leave an unreferenced file behind, never a registered half-written one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from documents import russian
from documents.contexts import JOURNALS, KINDS, document_title
from documents.render import compiled
from registry.database import Database, utcnow
from registry.history import LoggedEvent, record
from registry.people import acting_person, organisation
from registry.tables import (
    Activity,
    Document,
    HistoryEvent,
    JournalCounter,
    Occurrence,
    Organisation,
    Person,
    Roadmap,
    Section,
    TemplateVersion,
)
from registry.templates import CONDITIONS, active_version, rules_for
from workflow.errors import KartaError, UnknownReference
from workflow.refs import activity_ref, occurrence_ref, roadmap_ref

ORDER_WORD = re.compile(r"приказ", re.I)


# ----------------------------------------------------------------------------- plain data

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


def activity_data(activity: Activity, section: Section | None) -> dict[str, Any]:
    return {
        "ref": activity_ref(activity.roadmap_id, activity.code), "code": activity.code,
        "title": activity.title, "deadline_text": activity.deadline_text,
        "responsible": json.loads(activity.executors),
        "responsible_text": activity.executors_text,
        "planned_result": activity.planned_result,
        "section": section.heading if section else "",
    }


def occurrence_data(activity: Activity, occurrence: Occurrence) -> dict[str, Any]:
    return {
        "ref": occurrence_ref(activity.roadmap_id, activity.code, occurrence.period),
        "period": occurrence.period, "period_text": russian.period_text(occurrence.period),
        "due": occurrence.due.isoformat() if occurrence.due else None,
        "state": occurrence.state,
    }


def local_today(org: Organisation) -> date:
    return datetime.now(ZoneInfo(org.timezone)).date()


# ----------------------------------------------------------------------------- journal, files

def allocate_number(session: Session, journal: str, year: int) -> int:
    """The next number of a journal in a year, in the caller's transaction: no gaps (a
    rolled-back transaction gives its number back) and no duplicates (the counter row is
    locked until commit)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    inserts: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
    if dialect not in inserts:  # pragma: no cover - the two supported servers are above
        raise KartaError(f"нумерация журналов не поддерживает базу {dialect}")
    table = JournalCounter.__table__  # type: ignore[attr-defined]
    statement = (
        inserts[dialect](table).values(journal=journal, year=year, last=1)
        .on_conflict_do_update(index_elements=["journal", "year"],
                               set_={"last": table.c["last"] + 1})
        .returning(table.c["last"])
    )
    return int(session.connection().execute(statement).scalar_one())


def number_text(org: Organisation, journal: str, number: int) -> str:
    """«01-09/64» for orders (the organisation's index), the plain number elsewhere."""
    return f"{org.order_prefix}{number}" if journal == "orders" else str(number)


def store_bytes(store: Path, data: bytes, suffix: str = ".docx") -> tuple[str, Path]:
    """Write bytes into the content-addressed store: temporary name, fsync, rename."""
    sha = hashlib.sha256(data).hexdigest()
    folder = store / "documents" / sha[:2]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha}{suffix}"
    if not target.exists():
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    return sha, target


# ----------------------------------------------------------------------------- generation

@lru_cache(maxsize=1)
def renderer_version() -> str:
    """What made a file: regenerate is byte-identical for the same versions."""
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for package in ("karta", "docxtpl", "matplotlib"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} ?")
    return ", ".join(parts)


def render_document(template: TemplateVersion, context: dict[str, Any]) -> bytes:
    """Render a template version; pictures its kind has (the completion chart) are drawn
    from the context, so a snapshot rebuilds the same file."""
    images: dict[str, bytes] = {}
    if "chart" in KINDS[template.kind].get("images", ()):
        from documents.charts import completion_chart

        chart = context["chart"]
        images["chart"] = completion_chart(chart["sections"], chart["title"])
    return compiled(template.sha256, template.name, lambda: template.content).render(context,
                                                                                     images)


def create_document(session: Session, db: Database, *, kind: str, template: TemplateVersion,
                    context: dict[str, Any], person: Person, org: Organisation,
                    roadmap_id: int | None, occurrence_id: int | None,
                    history_id: int | None) -> Document:
    """Render and register one document. Orders are born as drafts without a number;
    the other kinds are numbered in their journal at once."""
    journal = KINDS[kind]["journal"]
    today = local_today(org)
    is_order = journal == "orders"
    number = allocate_number(session, journal, today.year) if journal and not is_order else None
    context = {
        **context,
        "document": {
            "kind": kind, "title": document_title(kind, context), "is_draft": is_order,
            "number": number_text(org, journal, number) if number else None,
            "date": None if is_order else today.isoformat(),
            "journal": JOURNALS.get(journal or "", ""),
        },
    }
    data = render_document(template, context)
    sha, path = store_bytes(db.files_dir, data)
    document = Document(
        kind=kind, title=context["document"]["title"],
        status="draft" if is_order else "registered", journal=journal,
        year=today.year if number else None, number=number,
        number_text=context["document"]["number"] or "",
        doc_date=None if is_order else today, roadmap_id=roadmap_id,
        occurrence_id=occurrence_id, history_event_id=history_id,
        template_name=template.name, template_version=template.version,
        template_sha256=template.sha256,
        context=json.dumps(context, ensure_ascii=False, sort_keys=True),
        file_sha256=sha, file_path=str(path), file_size=len(data), created_at=utcnow(),
        created_by=person.login, renderer=renderer_version(),
    )
    # a Core insert: the ORM's unit of work costs more than the statement on this path
    values = document.model_dump(exclude={"id"})
    document.id = session.connection().execute(_INSERT_DOCUMENT, values).scalar_one()
    what = "проект приказа" if is_order else f"№ {document.number_text}" if number else ""
    record(session, login=person.login, object_ref=f"документ {document.id}",
           event="document_draft" if is_order else "document_register",
           roadmap_id=roadmap_id, occurrence_id=occurrence_id,
           comment=f"{document.title} {what}".strip(),
           files=[_stored(document)], details=registration(document))
    return document


def registration(document: Any) -> dict[str, object]:
    """What the log vouches for about a document: verify compares the row with it."""
    return {
        "status": document.status, "number": document.number_text,
        "date": document.doc_date.isoformat() if document.doc_date else None,
        "template": f"{document.template_name} v{document.template_version}",
        "template_sha256": document.template_sha256,
        "context_sha256": hashlib.sha256(document.context.encode("utf-8")).hexdigest(),
        "file_sha256": document.file_sha256,
    }


_INSERT_DOCUMENT = insert(Document).returning(col(Document.id))


def _stored(document: Document) -> Any:
    from registry.history import StoredFile

    return StoredFile(f"документ_{document.id}.docx", document.file_sha256, document.file_size,
                      document.file_path)


def _condition_holds(condition: str, activity: Activity, details: dict[str, Any],
                     order_requested: bool) -> bool:
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


def documents_for_transition(session: Session, db: Database, *, event: str, roadmap: Roadmap,
                             activity: Activity, occurrence: Occurrence, person: Person,
                             entry: LoggedEvent, details: dict[str, Any],
                             order_requested: bool) -> list[Document]:
    """The documents the rules give for a transition, made in its transaction."""
    rules = [rule for rule in rules_for(session, event)
             if _condition_holds(rule.condition, activity, details, order_requested)]
    if not rules:
        return []
    org = organisation(session)
    section = session.get(Section, activity.section_id) if activity.section_id else None
    base: dict[str, Any] = {
        "organisation": organisation_data(org), "executor": person_data(person),
        "today": local_today(org).isoformat(), "roadmap": roadmap_data(session, roadmap),
        "activity": activity_data(activity, section),
        "occurrence": occurrence_data(activity, occurrence), "corrects": None,
    }
    if event == "start":
        base["report_due"] = occurrence.due.isoformat() if occurrence.due else None
    if event in ("report", "analyse"):
        base["report"] = _last_report(session, occurrence, entry, details, person)
    if event == "analyse":
        base["analysis"] = {
            "conclusions": details.get("conclusions", ""),
            "figures": details.get("figures", []),
            "decisions": details.get("decisions", []),
            "recommendations": details.get("recommendations", []),
            "author": person_data(person), "date": local_today(org).isoformat(),
        }
    made: list[Document] = []
    for rule in rules:
        template = active_version(session, rule.template_name)
        context = {name: base[name] for name in KINDS[template.kind]["context"]
                   if name in base}
        if "note" in KINDS[template.kind]["context"]:
            note = next((d for d in made if d.kind == "analytic_note"), None)
            context["note"] = ({"title": note.title, "number": note.number_text,
                                "date": note.doc_date.isoformat() if note.doc_date else None}
                               if note else {"title": "", "number": "", "date": None})
        made.append(create_document(
            session, db, kind=template.kind, template=template, context=context,
            person=person, org=org, roadmap_id=roadmap.id, occurrence_id=occurrence.id,
            history_id=entry.id))
    return made


def _last_report(session: Session, occurrence: Occurrence, entry: LoggedEvent,
                 details: dict[str, Any], person: Person) -> dict[str, Any]:
    """The executor's report: the one being made now, or the last one recorded."""
    source: HistoryEvent | LoggedEvent | None
    author: Person | None
    if entry.event == "report":
        source, author = entry, person
    else:
        source = session.exec(
            select(HistoryEvent).where(HistoryEvent.occurrence_id == occurrence.id,
                                       HistoryEvent.event == "report")
            .order_by(col(HistoryEvent.id).desc())).first()
        author = session.exec(select(Person).where(Person.login == source.login)).first() \
            if source else None
    if source is None:
        return {"text": "", "files": [], "author": person_data(person), "date": None}
    files = [{"name": f["name"], "sha256": f["sha256"], "size": f["size"]}
             for f in json.loads(source.files or "[]")]
    return {"text": source.comment, "files": files,
            "author": person_data(author or person),
            "date": source.at.date().isoformat()}


# ----------------------------------------------------------------------------- approve, sign

def approve_roadmap(db: Database, login: str | None, ref: str) -> Document:
    """Draft the order approving a roadmap, with the roadmap as its appendix."""
    from registry.roadmaps import resolve

    with db.transaction() as session:
        person = acting_person(session, login, "approve")
        roadmap = resolve(session, ref).roadmap
        if roadmap.approved_document_id:
            approved = session.get(Document, roadmap.approved_document_id)
            raise KartaError(f"{roadmap_ref(roadmap.id or 0)} уже утверждена приказом "
                             f"№ {approved.number_text if approved else '?'}")
        pending = session.exec(select(Document).where(
            Document.roadmap_id == roadmap.id, Document.kind == "order_approve",
            Document.status == "draft")).first()
        if pending is not None:
            raise KartaError(f"проект приказа об утверждении уже есть: документ {pending.id} "
                             f"(karta sign {pending.id})")
        rules = [rule for rule in rules_for(session, "approve")]
        if not rules:
            raise KartaError("нет правила для утверждения дорожной карты (karta rules add "
                             "approve ШАБЛОН)")
        org = organisation(session)
        context = {
            "organisation": organisation_data(org), "executor": person_data(person),
            "today": local_today(org).isoformat(), "roadmap": roadmap_data(session, roadmap),
            "corrects": None, **_sections_context(session, roadmap),
        }
        entry = record(session, login=person.login, object_ref=roadmap_ref(roadmap.id or 0),
                       event="approve_draft", roadmap_id=roadmap.id,
                       comment="подготовлен проект приказа об утверждении")
        made = [create_document(session, db, kind="order_approve",
                                template=active_version(session, rule.template_name),
                                context=context, person=person, org=org,
                                roadmap_id=roadmap.id, occurrence_id=None, history_id=entry.id)
                for rule in rules]
        return made[0]


def _sections_context(session: Session, roadmap: Roadmap, year: int | None = None
                      ) -> dict[str, Any]:
    sections = list(session.exec(select(Section).where(Section.roadmap_id == roadmap.id)
                                 .order_by(col(Section.position))))
    activities = list(session.exec(select(Activity).where(Activity.roadmap_id == roadmap.id)
                                   .order_by(col(Activity.position))))
    occurrences: dict[int, list[Occurrence]] = {}
    if year is not None:
        for occurrence in session.exec(select(Occurrence).where(
                col(Occurrence.activity_id).in_([a.id for a in activities]))
                .order_by(col(Occurrence.period_start))):
            if occurrence.period_start.year == year or (
                    occurrence.due is not None and occurrence.due.year == year):
                occurrences.setdefault(occurrence.activity_id, []).append(occurrence)
    by_section: dict[int | None, list[dict[str, Any]]] = {}
    by_id = {s.id: s for s in sections}
    count = 0
    for activity in activities:
        item = activity_data(activity, by_id.get(activity.section_id))
        if year is not None:
            own = occurrences.get(activity.id or 0, [])
            if not own:
                continue
            item["occurrences"] = [occurrence_data(activity, o) for o in own]
        by_section.setdefault(activity.section_id, []).append(item)
        count += 1
    groups = [{"code": "", "title": "", "heading": "", "activities": by_section.get(None, [])}] \
        if by_section.get(None) else []
    groups += [{"code": s.code, "title": s.title, "heading": s.heading,
                "activities": by_section.get(s.id, [])} for s in sections
               if by_section.get(s.id)]
    return {"sections": groups, "activities_count": count}


def sign(db: Database, login: str | None, document_id: int,
         sign_date: date | None = None) -> Document:
    """Sign a draft order: it gets its number and date, its final file is rendered and
    registered; signing the approval order approves the roadmap."""
    with db.transaction() as session:
        person = acting_person(session, login, "sign")
        document = session.get(Document, document_id)
        if document is None:
            raise UnknownReference(str(document_id), "нет такого документа (karta documents)")
        if document.status != "draft":
            raise KartaError(f"документ {document_id} не проект приказа (состояние "
                             f"«{document.status}», № {document.number_text or '—'}); "
                             "подписанный приказ не изменяется — издайте новый")
        org = organisation(session)
        when = sign_date or local_today(org)
        changed = session.execute(update(Document).where(
            col(Document.id) == document_id, col(Document.status) == "draft")
            .values(status="signing"))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise KartaError(f"документ {document_id} уже подписывается другим пользователем")
        journal = document.journal or "orders"
        number = allocate_number(session, journal, when.year)
        context = json.loads(document.context)
        context["document"] = {**context["document"], "is_draft": False,
                               "number": number_text(org, journal, number),
                               "date": when.isoformat()}
        template = session.exec(select(TemplateVersion).where(
            TemplateVersion.name == document.template_name,
            TemplateVersion.version == document.template_version)).one()
        data = render_document(template, context)
        sha, path = store_bytes(db.files_dir, data)
        document.draft_sha256 = document.file_sha256
        document.status, document.number, document.year = "signed", number, when.year
        document.number_text = context["document"]["number"]
        document.doc_date = when
        document.context = json.dumps(context, ensure_ascii=False, sort_keys=True)
        document.file_sha256, document.file_path, document.file_size = sha, str(path), len(data)
        document.signed_at, document.signed_by = utcnow(), person.login
        document.renderer = renderer_version()
        session.add(document)
        record(session, login=person.login, object_ref=f"документ {document.id}", event="sign",
               roadmap_id=document.roadmap_id, occurrence_id=document.occurrence_id,
               from_state="draft", to_state="signed",
               comment=f"{document.title} от {russian.format_date(when)} "
                       f"№ {document.number_text}", files=[_stored(document)],
               details=registration(document))
        if document.kind == "order_approve" and document.roadmap_id:
            roadmap = session.get(Roadmap, document.roadmap_id)
            assert roadmap is not None
            roadmap.approved_document_id = document.id
            session.add(roadmap)
            record(session, login=person.login, object_ref=roadmap_ref(roadmap.id or 0),
                   event="approved", roadmap_id=roadmap.id, to_state="approved",
                   comment=f"утверждена приказом от {russian.format_date(when)} "
                           f"№ {document.number_text}")
        session.flush()
        return document


def correct(db: Database, login: str | None, document_id: int, reason: str) -> Document:
    """Draft a new order correcting a signed one: the signed order and its number never
    change; the new order cites it and, once signed, has a number of its own."""
    if not reason.strip():
        raise KartaError("укажите причину исправления: --reason «…»")
    with db.transaction() as session:
        person = acting_person(session, login, "correct")
        original = session.get(Document, document_id)
        if original is None:
            raise UnknownReference(str(document_id), "нет такого документа (karta documents)")
        if original.status != "signed" or original.journal != "orders":
            raise KartaError(f"исправить можно только подписанный приказ; документ "
                             f"{document_id} — {original.status}")
        template = active_version(session, original.template_name)
        if "corrects" not in KINDS[template.kind]["context"]:
            raise KartaError(f"шаблон «{template.name}» не умеет ссылаться на исправляемый "
                             "приказ")
        context = json.loads(original.context)
        context.pop("document", None)
        org = organisation(session)
        context.update({
            "executor": person_data(person), "today": local_today(org).isoformat(),
            "corrects": {"number": original.number_text,
                         "date": original.doc_date.isoformat() if original.doc_date else None,
                         "title": original.title, "reason": reason.strip()},
        })
        entry = record(session, login=person.login, object_ref=f"документ {original.id}",
                       event="correct_draft", roadmap_id=original.roadmap_id,
                       occurrence_id=original.occurrence_id, comment=reason.strip())
        return create_document(session, db, kind=template.kind, template=template,
                               context=context, person=person, org=org,
                               roadmap_id=original.roadmap_id,
                               occurrence_id=original.occurrence_id, history_id=entry.id)


def _roadmap_year(session: Session, login: str | None, action: str, ref: str,
                  year: int) -> tuple[Person, Roadmap, Organisation, dict[str, Any]]:
    """The acting person, the roadmap (its period must hold the year), the profile and the
    context every roadmap document of a year starts from."""
    from registry.roadmaps import resolve

    person = acting_person(session, login, action)
    roadmap = resolve(session, ref).roadmap
    if not roadmap.first_year <= year <= roadmap.last_year:
        raise KartaError(f"{year} год вне периода дорожной карты "
                         f"{roadmap.first_year}–{roadmap.last_year}")
    org = organisation(session)
    context = {
        "organisation": organisation_data(org), "executor": person_data(person),
        "today": local_today(org).isoformat(), "roadmap": roadmap_data(session, roadmap),
        "year": year,
    }
    return person, roadmap, org, context


def make_plan(db: Database, login: str | None, ref: str, year: int) -> Document:
    """«План мероприятий на Y год»: the roadmap's occurrences of that year, by section."""
    with db.transaction() as session:
        person, roadmap, org, context = _roadmap_year(session, login, "plan", ref, year)
        context.update(_sections_context(session, roadmap, year))
        entry = record(session, login=person.login, object_ref=roadmap_ref(roadmap.id or 0),
                       event="plan", roadmap_id=roadmap.id, comment=f"план на {year} год")
        return create_document(session, db, kind="plan",
                               template=active_version(session, "plan"), context=context,
                               person=person, org=org, roadmap_id=roadmap.id,
                               occurrence_id=None, history_id=entry.id)


def make_annual_report(db: Database, login: str | None, ref: str, year: int,
                       as_of: date | None = None) -> Document:
    """«Информация о реализации дорожной карты за год»: counts by state and section, the
    done, overdue and cancelled lists, and a chart of completion by section."""
    with db.transaction() as session:
        person, roadmap, org, context = _roadmap_year(session, login, "annual_report", ref,
                                                      year)
        when = as_of or min(date(year, 12, 31), local_today(org))
        context.update({"as_of": when.isoformat(), **_year_totals(session, roadmap, year, when)})
        entry = record(session, login=person.login, object_ref=roadmap_ref(roadmap.id or 0),
                       event="annual_report", roadmap_id=roadmap.id,
                       comment=f"информация о реализации за {year} год")
        return create_document(session, db, kind="annual_report",
                               template=active_version(session, "annual_report"),
                               context=context, person=person, org=org,
                               roadmap_id=roadmap.id, occurrence_id=None, history_id=entry.id)


def _year_totals(session: Session, roadmap: Roadmap, year: int, as_of: date) -> dict[str, Any]:
    sections = {s.id: s for s in session.exec(select(Section).where(
        Section.roadmap_id == roadmap.id).order_by(col(Section.position)))}
    rows = list(session.execute(
        select(Occurrence, Activity)
        .join(Activity, col(Activity.id) == col(Occurrence.activity_id))
        .where(Activity.roadmap_id == roadmap.id)
        .order_by(col(Activity.position), col(Occurrence.period_start))))
    in_year = [(o, a) for o, a in rows
               if o.period_start.year == year or (o.due is not None and o.due.year == year)]
    last_comment: dict[tuple[int, str], str] = {}
    ids = [o.id for o, _ in in_year]
    if ids:
        for entry in session.exec(select(HistoryEvent).where(
                col(HistoryEvent.occurrence_id).in_(ids),
                col(HistoryEvent.event).in_(("analyse", "cancel"))).order_by(
                col(HistoryEvent.id))):
            last_comment[(entry.occurrence_id or 0, entry.event)] = entry.comment

    def blank(name: str) -> dict[str, Any]:
        return {"name": name, "total": 0, "done": 0, "reported": 0, "overdue": 0,
                "cancelled": 0, "planned": 0, "in_progress": 0, "percent": 0}

    totals = blank("Всего")
    by_section: dict[int | None, dict[str, Any]] = {}
    lists: dict[str, list[dict[str, Any]]] = {"done": [], "overdue": [], "cancelled": []}
    for occurrence, activity in in_year:
        section = sections.get(activity.section_id)
        group = by_section.setdefault(activity.section_id,
                                      blank(section.heading if section else "Без раздела"))
        is_overdue = (occurrence.state in ("planned", "in_progress")
                      and occurrence.due is not None and occurrence.due <= as_of)
        counts = {"done": occurrence.state == "analysed",
                  "reported": occurrence.state == "reported",
                  "cancelled": occurrence.state == "cancelled",
                  "planned": occurrence.state == "planned",
                  "in_progress": occurrence.state == "in_progress", "overdue": is_overdue}
        for target in (group, totals):
            target["total"] += 1
            for key, hit in counts.items():
                target[key] += int(hit)
        item = {"ref": occurrence_ref(activity.roadmap_id, activity.code, occurrence.period),
                "code": activity.code, "title": activity.title, "period": occurrence.period,
                "due": occurrence.due.isoformat() if occurrence.due else None,
                "responsible_text": activity.executors_text, "reason": ""}
        if counts["done"]:
            lists["done"].append({**item, "reason": last_comment.get(
                (occurrence.id or 0, "analyse"), "")})
        elif counts["cancelled"]:
            lists["cancelled"].append({**item, "reason": last_comment.get(
                (occurrence.id or 0, "cancel"), "")})
        elif is_overdue:
            lists["overdue"].append(item)
    for group in [*by_section.values(), totals]:
        countable = group["total"] - group["cancelled"]
        group["percent"] = round(100 * group["done"] / countable) if countable else 0
    ordered = [by_section[key] for key in [*sections, None] if key in by_section]
    return {
        "totals": totals, "sections": ordered, **lists,
        "chart": {"title": f"Доля выполненных исполнений по разделам, {year} год",
                  "sections": ordered},
    }


# ----------------------------------------------------------------------------- reading

def document_as_dict(document: Document) -> dict[str, Any]:
    return {
        "id": document.id, "kind": document.kind, "title": document.title,
        "status": document.status, "journal": document.journal,
        "number": document.number_text or None,
        "date": document.doc_date.isoformat() if document.doc_date else None,
        "template": f"{document.template_name} v{document.template_version}",
        "template_sha256": document.template_sha256,
        "file_sha256": document.file_sha256, "file": document.file_path,
        "created_by": document.created_by, "renderer": document.renderer,
        "created_at": document.created_at.isoformat(timespec="seconds"),
        "signed_by": document.signed_by or None,
    }


def list_documents(db: Database, login: str | None) -> list[dict[str, Any]]:
    with db.reading() as session:
        acting_person(session, login)
        return [document_as_dict(d) for d in session.exec(
            select(Document).order_by(col(Document.id)))]


def get_document(db: Database, login: str | None, document_id: int) -> Document:
    with db.reading() as session:
        acting_person(session, login)
        document = session.get(Document, document_id)
        if document is None:
            raise UnknownReference(str(document_id), "нет такого документа (karta documents)")
        return document


def regenerate(db: Database, login: str | None, document_id: int) -> dict[str, Any]:
    """Rebuild a document from its snapshot and its recorded template version; the bytes
    must be identical to the registered file (and restore it if it was lost)."""
    with db.reading() as session:
        acting_person(session, login)
        document = session.get(Document, document_id)
        if document is None:
            raise UnknownReference(str(document_id), "нет такого документа (karta documents)")
        template = session.exec(select(TemplateVersion).where(
            TemplateVersion.name == document.template_name,
            TemplateVersion.version == document.template_version)).first()
    if template is None or template.sha256 != document.template_sha256:
        raise KartaError(f"документ {document_id}: версия шаблона {document.template_name} "
                         f"v{document.template_version} не найдена или изменена")
    data = render_document(template, json.loads(document.context))
    sha = hashlib.sha256(data).hexdigest()
    if sha != document.file_sha256:
        now = renderer_version()
        changed = "" if now == document.renderer else \
            f"; файл сделан версией «{document.renderer}», сейчас «{now}»"
        raise KartaError(f"документ {document_id}: пересобранный файл отличается "
                         f"(SHA-256 {sha[:16]}… вместо {document.file_sha256[:16]}…){changed}")
    path = db.locate(document.file_path)
    restored = not path.exists()
    if restored:
        store_bytes(db.files_dir, data)
    return {"id": document_id, "sha256": sha, "identical": True, "restored": restored,
            "file": str(path)}


def export(db: Database, login: str | None, document_id: int, out: Path,
           pdf: bool = False) -> list[Path]:
    """Copy a document out under a readable name, and convert it to PDF when asked."""
    document = get_document(db, login, document_id)
    source = db.locate(document.file_path)
    if not source.exists():
        raise KartaError(f"файл документа {document_id} не найден в хранилище; восстановите "
                         f"его: karta documents regenerate {document_id}")
    out.mkdir(parents=True, exist_ok=True)
    label = {"draft": "проект", "signed": document.number_text,
             "registered": document.number_text or "б-н"}.get(document.status, "")
    stem = re.sub(r"[^\w\-]+", "_", f"{document.id}_{document.kind}_{label}").strip("_")
    target = out / f"{stem}.docx"
    shutil.copyfile(source, target)
    written = [target]
    if pdf:
        written.append(to_pdf(target, out))
    return written


def to_pdf(source: Path, out: Path) -> Path:
    """Convert with LibreOffice; say clearly when it is not installed."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise KartaError("для --pdf нужен LibreOffice: apt-get install -y libreoffice-writer "
                         "fonts-liberation")
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [office, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", str(out), str(source)],
            capture_output=True, text=True, timeout=180)
    target = out / f"{source.stem}.pdf"
    if result.returncode != 0 or not target.exists():
        raise KartaError(f"LibreOffice не смог преобразовать {source.name} в PDF: "
                         f"{(result.stderr or result.stdout).strip()[:200]}")
    return target
