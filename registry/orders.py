"""Orders and roadmap documents: approving a roadmap, signing, correcting, the year's plan and
the annual report. Every command drafts from a snapshot, renders outside the write lock and
registers in one short transaction (``registry.documents.run_with_documents``)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from documents import russian
from documents.amend import Change, amendments, inner_quotes, order_points
from registry.database import Database, utcnow
from registry.documents import (
    DocumentDraft,
    PreparedDocument,
    activity_data,
    document_bytes,
    draft_for,
    file_of,
    local_today,
    occurrence_data,
    organisation_data,
    person_data,
    refuse_later_citations,
    register,
    renderer_version,
    require_full_name,
    roadmap_data,
    run_with_documents,
    stored_in,
)
from registry.history import DOCUMENT_STATES, record
from registry.people import acting_person, organisation
from registry.tables import (
    Activity,
    Document,
    HistoryEvent,
    Occurrence,
    Organisation,
    Person,
    Roadmap,
    Section,
    TemplateVersion,
)
from registry.templates import active_version, install_shipped, rules_for
from workflow.errors import KartaError, UnknownReference, said
from workflow.machine import occurrence_machine
from workflow.refs import occurrence_ref, roadmap_ref


def approve_roadmap(db: Database, login: str | None, ref: str, basis: str | None = None,
                    points: list[str] | None = None) -> Document:
    """Draft the order approving a roadmap, with the roadmap as its appendix; its preamble
    opens with ``basis`` (else the roadmap's), ``points`` come before the control point."""
    from registry.documents import added_points, basis_data


    def read(session: Session) -> tuple[Person, list[DocumentDraft]]:
        person = acting_person(session, login, "approve")
        require_full_name(person)
        roadmap = _unapproved(session, ref)
        rules = rules_for(session, "approve")
        if not rules:
            raise KartaError("нет правила для утверждения дорожной карты"
                             + said(" (karta rules add approve ШАБЛОН)",
                                    " (его добавляет администратор)"))
        org = organisation(session)
        context = {
            "organisation": organisation_data(org), "executor": person_data(person),
            "today": local_today(org).isoformat(), "roadmap": roadmap_data(session, roadmap),
            "corrects": None, **_sections_context(session, roadmap),
            "basis": basis_data(basis if basis and basis.strip() else roadmap.basis),
            "points": added_points(points),
        }
        today = local_today(org)
        refuse_later_citations(context, today, f"проект приказа (сегодня {today:%d.%m.%Y})")
        return person, [draft_for("order_approve", active_version(session, rule.template_name),
                                  context, local_today(org), roadmap.id, None)
                        for rule in rules]

    def write(session: Session, person: Person, prepared: list[PreparedDocument]) -> Document:
        person = acting_person(session, login, "approve")
        roadmap = _unapproved(session, ref)
        entry = record(session, login=person.login, object_ref=roadmap_ref(roadmap.id or 0),
                       event="approve_draft", roadmap_id=roadmap.id,
                       comment="подготовлен проект приказа об утверждении")
        return [register(session, db, document, person, entry.id) for document in prepared][0]

    return run_with_documents(db, read, write)


def _unapproved(session: Session, ref: str) -> Roadmap:
    from registry.roadmaps import resolve

    roadmap = resolve(session, ref).roadmap
    if roadmap.approved_document_id:
        approved = session.get(Document, roadmap.approved_document_id)
        raise KartaError(f"{roadmap_ref(roadmap.id or 0)} уже утверждена приказом "
                         f"№ {approved.number_text if approved else '?'}")
    pending = session.exec(select(Document).where(
        Document.roadmap_id == roadmap.id, Document.kind == "order_approve",
        Document.status == "draft")).first()
    if pending is not None:
        raise KartaError(f"проект приказа об утверждении уже есть: документ {pending.id}"
                         + said(f" (karta sign {pending.id})"))
    return roadmap


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
            if occurrence.state == "cancelled":
                continue  # cancelled for that year: not in its plan
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
    # a group heading («3. …» over «3.1. …») stays above its sections when any of them has
    # activities: the document keeps the roadmap's tree
    shown = set()
    for section_id in (key for key, found in by_section.items() if key is not None and found):
        at: int | None = section_id
        while at is not None and at not in shown:
            shown.add(at)
            parent = by_id.get(at)
            at = parent.parent_id if parent is not None else None
    groups += [{"code": s.code, "title": s.title, "heading": s.heading,
                "activities": by_section.get(s.id, [])} for s in sections if s.id in shown]
    return {"sections": groups, "activities_count": count,
            "has_results": any(str(a["planned_result"]).strip()
                               for found in by_section.values() for a in found)}


def sign(db: Database, login: str | None, document_id: int,
         sign_date: date | None = None, as_position: str | None = None) -> Document:
    """Sign a draft order: it gets its number and date, its final file is rendered and
    registered; signing the approval order approves the roadmap. The signature block names
    who signs: the head as the profile names them, or an acting head or deputy in the
    position given (``as_position``, «И.о. начальника …») or stored as theirs. The date may
    not be later than today, nor earlier than the journal's last signed order."""

    def read(session: Session) -> tuple[Document, list[DocumentDraft]]:
        person = acting_person(session, login, "sign")
        require_full_name(person)
        document = _draft_order(session, document_id)
        org = organisation(session)
        when = sign_date or local_today(org)
        # an order of 15.01.2021 never cites an order of 2026 (issue 23, item 16)
        refuse_later_citations(json.loads(document.context), when, f"приказ от {when:%d.%m.%Y}")
        _check_sign_date(session, document, when, local_today(org))
        template = session.exec(select(TemplateVersion).where(
            TemplateVersion.name == document.template_name,
            TemplateVersion.version == document.template_version)).one()
        context = json.loads(document.context)
        context.pop("document", None)
        context["organisation"] = {**context["organisation"],
                                   **signatory(org, person, as_position,
                                               session.info.get("acting_for"))}
        # the visas: all given, or signing waits; the sheet is the order's last page
        from registry.visas import approval_data, require_approved

        require_approved(session, document)
        context.pop("approval_sheet", None)
        sheet = approval_data(session, document, org)
        if sheet is not None:
            context["approval_sheet"] = sheet
            last_visa = max((row["date"] for row in sheet["rows"] if row["date"]), default=None)
            if last_visa is not None and when.isoformat() < last_visa:
                raise KartaError(f"дата подписания {when:%d.%m.%Y} раньше последней визы "
                                 f"({russian.format_date(last_visa)}): приказ подписывают после "
                                 "согласования")
        return document, [DocumentDraft(document.kind, template, context, document.roadmap_id,
                                        document.occurrence_id, status="signed", doc_date=when,
                                        replaces=document.id)]

    def write(session: Session, draft: Document, prepared: list[PreparedDocument]) -> Document:
        from registry.visas import approval_data, require_approved

        person = acting_person(session, login, "sign")
        (signed,) = prepared
        require_approved(session, draft)  # a visa withdrawn or a new round meanwhile
        if approval_data(session, draft, organisation(session)) != \
                signed.context.get("approval_sheet"):
            raise KartaError(f"лист согласования проекта {document_id} изменился во время "
                             "подписания; повторите подписание")
        stored = stored_in(session, db, signed)
        when = signed.draft.doc_date
        assert when is not None
        values = {
            "status": "signed", "number": signed.number, "year": signed.year,
            "number_text": signed.number_text, "doc_date": when,
            "context": json.dumps(signed.context, ensure_ascii=False, sort_keys=True),
            "draft_sha256": draft.file_sha256, "file_sha256": stored.sha256,
            "file_path": stored.path, "file_size": stored.size, "signed_at": utcnow(),
            "signed_by": person.login, "renderer": renderer_version(),
        }
        changed = session.execute(update(Document).where(
            col(Document.id) == document_id, col(Document.status) == "draft",
            col(Document.file_sha256) == draft.file_sha256).values(**values))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise KartaError(f"документ {document_id} уже подписан или изменён другим "
                             "пользователем; обновите "
                             + said("данные (karta documents)", "страницу"))
        document = session.get(Document, document_id)
        assert document is not None
        session.refresh(document)
        touches = [("document", document_id)]
        if document.kind == "order_approve" and document.roadmap_id:
            session.execute(update(Roadmap).where(col(Roadmap.id) == document.roadmap_id)
                            .values(approved_document_id=document_id))
            touches.append(("roadmap", document.roadmap_id))
        record(session, login=person.login, object_ref=f"документ {document.id}", event="sign",
               roadmap_id=document.roadmap_id, occurrence_id=document.occurrence_id,
               from_state="draft", to_state="signed",
               comment=f"{document.title} от {russian.format_date(when)} "
                       f"№ {document.number_text}", files=[file_of(document)],
               touches=touches)
        if document.kind == "order_approve" and document.roadmap_id:
            record(session, login=person.login, object_ref=roadmap_ref(document.roadmap_id),
                   event="approved", roadmap_id=document.roadmap_id, to_state="approved",
                   comment=f"утверждена приказом от {russian.format_date(when)} "
                           f"№ {document.number_text}")
        if document.journal == "orders":
            from registry.acquaintance import tell_named

            tell_named(session, document, person.login)
        return document

    return run_with_documents(db, read, write, exclusive=False)


def signatory(org: Organisation, person: Person, as_position: str | None,
              acting_for: list[dict[str, str]] | None = None) -> dict[str, str]:
    """Who the signature block names: the head in the profile's position, or whoever signs
    in the position they sign in; a deputy standing in for the head (a substitution) signs
    «И.о. начальника …» without being told."""
    name = russian.initials_then_surname(person.full_name)
    position = (as_position or "").strip()
    head = org.head_name.strip()
    if not position and name != head and org.head_position.strip() and any(
            russian.initials_then_surname(who["name"]) == head for who in acting_for or []):
        position = "И.о. " + russian.lower_first(russian.decline_phrase(
            org.head_position.strip(), "genitive"))
    if not position:
        if name == org.head_name.strip() and org.head_position.strip():
            position = org.head_position
        elif person.position.strip():
            position = person.position
        else:
            raise KartaError(f"в какой должности подписывает {name}? Укажите её "
                             + said("(в командной строке — --as «И.о. начальника управления "
                                    "образования»)", "в поле «В должности» («И.о. начальника "
                                    "управления образования»)"))
    return {"head_position": russian.upper_first(position), "head_name": name}


def _check_sign_date(session: Session, document: Document, when: date, today: date) -> None:
    if when > today:
        raise KartaError(f"дата подписания {when:%d.%m.%Y} позже сегодняшней ({today:%d.%m.%Y})")
    last = session.exec(select(Document).where(
        Document.organisation_id == document.organisation_id,
        Document.journal == (document.journal or "orders"), Document.year == when.year,
        Document.status == "signed").order_by(col(Document.number).desc())).first()
    if last is not None and last.doc_date is not None and when < last.doc_date:
        raise KartaError(f"дата подписания {when:%d.%m.%Y} раньше последнего приказа журнала: "
                         f"№ {last.number_text} от {last.doc_date:%d.%m.%Y} — номера идут по "
                         "датам")


def _own_document(session: Session, document_id: int) -> Document | None:
    """A document of the acting organisation (another's is as unknown as a typo)."""
    from registry.people import current_organisation

    document = session.get(Document, document_id)
    if document is None or document.organisation_id != current_organisation(session):
        return None
    return document


def _draft_order(session: Session, document_id: int) -> Document:
    document = _own_document(session, document_id)
    if document is None:
        raise UnknownReference(str(document_id), "нет такого документа"
                               + said(" (karta documents)"))
    if document.status != "draft":
        raise KartaError(f"документ {document_id} не проект приказа (состояние "
                         f"«{document.status}», № {document.number_text or '—'}); "
                         "подписанный приказ не изменяется — издайте новый")
    return document


AMEND_TEMPLATE = "order_amend"


def _ensure_template(db: Database, login: str | None, name: str) -> None:
    """A database made by an older karta lacks the template of a newer kind: register the
    shipped one (logged) before it is first needed."""
    with db.reading() as session:
        acting_person(session, login)
        if session.exec(select(TemplateVersion.id).where(TemplateVersion.name == name)
                        ).first() is not None:
            return
    with db.transaction() as session:
        person = acting_person(session, login)
        install_shipped(session, person.login)


def correct(db: Database, login: str | None, document_id: int, reason: str,
            changes: list[Change] | None = None, cancel: bool = False) -> Document:
    """Draft an amending order for a signed one — only the points that change («пункт 2
    изложить в следующей редакции: …», «пункт 3 исключить», «дополнить пунктом 5 …») — or,
    with ``cancel``, the order that declares it void. The signed order and its number never
    change; the new order cites it and, once signed, has a number of its own."""
    if not reason.strip():
        raise KartaError("укажите причину изменений" + said(": --reason «…»"))
    if cancel and changes:
        raise KartaError("приказ либо изменяется, либо признаётся утратившим силу — не то и "
                         "другое сразу")
    if not cancel and not changes:
        raise KartaError("укажите, что меняется в приказе" + said(
            " (--point N=«новая редакция», --add, --drop N) или --cancel, чтобы признать его "
            "утратившим силу", ": исправьте текст пунктов, добавьте или исключите пункт — или "
            "отметьте «признать приказ утратившим силу»"))
    _ensure_template(db, login, AMEND_TEMPLATE)

    def read(session: Session) -> tuple[Document, list[DocumentDraft]]:
        person = acting_person(session, login, "correct")
        require_full_name(person)
        original = _own_document(session, document_id)
        if original is None:
            raise UnknownReference(str(document_id), "нет такого документа"
                                   + said(" (karta documents)"))
        if original.status != "signed" or original.journal != "orders":
            state = DOCUMENT_STATES.get(original.status, original.status)
            raise KartaError(f"изменить можно только подписанный приказ; документ "
                             f"{document_id} — {state}")
        lines = [] if cancel else amendments(order_points(document_bytes(db, original)),
                                             changes or [])
        template = active_version(session, AMEND_TEMPLATE)
        org = organisation(session)
        context = {
            "organisation": organisation_data(org), "executor": person_data(person),
            "today": local_today(org).isoformat(),
            "amends": {"number": original.number_text,
                       "date": original.doc_date.isoformat() if original.doc_date else None,
                       "title": inner_quotes(original.title), "reason": reason.strip(),
                       "cancel": cancel, "changes": lines},
        }
        return original, [draft_for(template.kind, template, context, local_today(org),
                                    original.roadmap_id, original.occurrence_id)]

    def write(session: Session, original: Document,
              prepared: list[PreparedDocument]) -> Document:
        person = acting_person(session, login, "correct")
        entry = record(session, login=person.login, object_ref=f"документ {original.id}",
                       event="correct_draft", roadmap_id=original.roadmap_id,
                       occurrence_id=original.occurrence_id, comment=reason.strip(),
                       details={"cancel": cancel,
                                "changes": prepared[0].context["amends"]["changes"]})
        return register(session, db, prepared[0], person, entry.id)

    return run_with_documents(db, read, write)


MONITORING_ORDER = "order_monitoring"
DECISION_MONTH = 30  # days the organisations below target have to answer an order


def make_monitoring_order(db: Database, login: str | None, note_id: int,
                          decisions: list[str] | None = None, points: list[str] | None = None,
                          basis: str | None = None) -> Document:
    """Draft «Об итогах мониторинга показателей за …» from a registered monitoring справка:
    its figures taken note of, the management decisions given — or, when none are, drafted
    from the справка (each organisation below target to analyse why and send its plan;
    those that gave no value to give it), each with a date — citing the справка."""
    from registry.documents import added_points, basis_data

    _ensure_template(db, login, MONITORING_ORDER)

    def read(session: Session) -> tuple[Document, list[DocumentDraft]]:
        person = acting_person(session, login, "monitoring_order")
        require_full_name(person)
        note = _own_document(session, note_id)
        if note is None or note.kind != "monitoring_note":
            raise UnknownReference(str(note_id), "нет такой аналитической справки о "
                                                 "результатах мониторинга"
                                   + said(" (karta documents)"))
        source = json.loads(note.context)
        org = organisation(session)
        today = local_today(org)
        given = [" ".join(d.split()) for d in decisions or [] if d.strip()]
        context = {
            "organisation": organisation_data(org), "executor": person_data(person),
            "today": today.isoformat(), "corrects": None, "basis": basis_data(basis),
            "points": added_points(points), "period": source["period"],
            "period_label": source["period_label"],
            "note": {"title": note.title, "number": note.number_text,
                     "date": note.doc_date.isoformat() if note.doc_date else None},
            "indicators": source["indicators"], "totals": source["totals"],
            "decisions": [russian.upper_first(russian.sentence(d)) for d in given]
            or drafted_decisions(source, today),
        }
        refuse_later_citations(context, today, f"проект приказа (сегодня {today:%d.%m.%Y})")
        return note, [draft_for(MONITORING_ORDER, active_version(session, MONITORING_ORDER),
                                context, today, None, None)]

    def write(session: Session, note: Document, prepared: list[PreparedDocument]) -> Document:
        person = acting_person(session, login, "monitoring_order")
        entry = record(session, login=person.login, object_ref="мониторинг показателей",
                       event="monitoring_order",
                       comment=f"по справке № {note.number_text} "
                               f"({prepared[0].context['period_label']})",
                       details={"note": note.id,
                                "decisions": prepared[0].context["decisions"]})
        return register(session, db, prepared[0], person, entry.id)

    return run_with_documents(db, read, write)


def drafted_decisions(note: dict[str, Any], today: date) -> list[str]:
    """The decisions a monitoring справка suggests, as an order writes them: to the head of
    each organisation below target (the справка's recommendation), to those that gave no
    value; each due a month on (its last working day)."""
    from registry.indicators import DEPARTMENT
    from workflow.workdays import previous_working_day

    due = f"{previous_working_day(today + timedelta(days=DECISION_MONTH)):%d.%m.%Y}"
    decisions = [f"Руководителю {r['addressee']} {r['text']} в срок до {due}."
                 for r in note.get("recommendations") or []
                 if r.get("addressee") and r["addressee"] != DEPARTMENT]
    owed: dict[str, list[str]] = {}  # each organisation: the indicators it gave no value of
    for indicator in note.get("indicators") or []:
        for name in indicator.get("missing") or []:
            if name != DEPARTMENT:
                owed.setdefault(name, []).append(str(indicator["code"]))
    together: dict[tuple[str, ...], list[str]] = {}  # those owing the same, in one point
    for name, owing in sorted(owed.items()):
        together.setdefault(tuple(owing), []).append(name)
    for codes, names in together.items():
        whom = "Руководителю" if len(names) == 1 else "Руководителям"
        which = f"показателя {codes[0]}" if len(codes) == 1 else \
            f"показателей {', '.join(codes)}"
        decisions.append(f"{whom} {', '.join(names)} представить значения {which} за "
                         f"{note['period_label']} в срок до {due}.")
    return decisions


def _roadmap_year(session: Session, login: str | None, action: str, ref: str,
                  year: int) -> tuple[Person, Roadmap, Organisation, dict[str, Any]]:
    """The acting person, the roadmap (its period must hold the year), the profile and the
    context every roadmap document of a year starts from."""
    from registry.roadmaps import resolve

    person = acting_person(session, login, action)
    require_full_name(person)
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


def _roadmap_document(db: Database, login: str | None, action: str, ref: str, year: int,
                      kind: str, extra: Any, comment: str) -> Document:
    """A document about a roadmap's year (plan, annual report): ``extra(session, roadmap)``
    adds what the kind needs to the context."""

    def read(session: Session) -> tuple[int, list[DocumentDraft]]:
        _, roadmap, org, context = _roadmap_year(session, login, action, ref, year)
        context.update(extra(session, roadmap, org))
        return roadmap.id or 0, [draft_for(kind, active_version(session, kind), context,
                                           local_today(org), roadmap.id, None)]

    def write(session: Session, roadmap_id: int, prepared: list[PreparedDocument]) -> Document:
        person = acting_person(session, login, action)
        entry = record(session, login=person.login, object_ref=roadmap_ref(roadmap_id),
                       event=action, roadmap_id=roadmap_id, comment=comment)
        return register(session, db, prepared[0], person, entry.id)

    return run_with_documents(db, read, write)


def make_plan(db: Database, login: str | None, ref: str, year: int) -> Document:
    """«План мероприятий на Y год»: the roadmap's occurrences of that year, by section."""
    return _roadmap_document(
        db, login, "plan", ref, year, "plan",
        lambda session, roadmap, org: _sections_context(session, roadmap, year),
        f"план на {year} год")


def make_annual_report(db: Database, login: str | None, ref: str, year: int,
                       as_of: date | None = None) -> Document:
    """«Информация о реализации дорожной карты за год»: counts by state and section, the
    done, overdue and cancelled lists, a chart of completion by section, and the
    indicators' targets against their actual values."""

    def totals(session: Session, roadmap: Roadmap, org: Organisation) -> dict[str, Any]:
        from registry.indicators import roadmap_year_figures

        when = as_of or min(date(year, 12, 31), local_today(org))
        return {"as_of": when.isoformat(), **_year_totals(session, roadmap, year, when),
                "indicators": roadmap_year_figures(session, roadmap.id or 0, year)}

    return _roadmap_document(db, login, "annual_report", ref, year, "annual_report", totals,
                             f"информация о реализации за {year} год")


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
        is_overdue = (occurrence.state in occurrence_machine().open_states
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
