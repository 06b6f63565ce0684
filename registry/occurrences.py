"""Advancing occurrences through the state machine, one transaction per transition."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from documents.russian import sheets_of
from registry.assignments import (
    create_assignments,
    departments_own,
    has_assignments,
    summary_of,
)
from registry.database import Database
from registry.documents import (
    DocumentDraft,
    PreparedDocument,
    document_as_dict,
    local_today,
    person_data,
    register,
    report_data,
    reporting_unit,
    run_with_documents,
    transition_drafts,
)
from registry.files import read_limited
from registry.history import event_as_dict, events_for, local_time, record
from registry.notifications import Addressed, notify
from registry.people import (
    acting_person,
    names_of,
    organisation,
    roles_of,
    time_zone,
)
from registry.roadmaps import Resolved, activity_as_dict, occurrence_as_dict, resolve
from registry.scope import require_visible, roadmap_scope
from registry.state import Touch
from registry.tables import Activity, Assignment, Document, Occurrence, Person, Section, Unit
from registry.units import may_report
from workflow.errors import ConcurrentUpdate, KartaError, PermissionDenied, UnknownReference, said
from workflow.machine import EVENTS, occurrence_machine, state_label
from workflow.refs import roadmap_ref
from workflow.roles import WHOLE_ORGANISATION


@dataclass(frozen=True)
class TransitionResult:
    """What a transition did."""

    ref: str
    event: str
    source: str
    dest: str
    version: int
    at: str
    documents: tuple[dict[str, object], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"ref": self.ref, "event": self.event, "from": self.source, "to": self.dest,
                "version": self.version, "at": self.at, "documents": list(self.documents)}


def _with_questions(document: dict[str, object], context: dict[str, Any]) -> dict[str, object]:
    """A drafted order with the questions its clerk should settle (executors it cannot
    address, agreement errors in the title)."""
    if document.get("status") != "draft" or "activity" not in context:
        return document
    from documents.addressees import clerk_questions

    questions = clerk_questions(context)
    return {**document, "questions": questions} if questions else document


_COMPARE_AND_SET = (
    update(Occurrence)
    .where(col(Occurrence.id) == bindparam("occurrence"),
           col(Occurrence.state) == bindparam("source"),
           col(Occurrence.version) == bindparam("version"))
    .values(state=bindparam("dest"), version=bindparam("next_version"))
)


def apply_event(db: Database, ref: str, event: str, login: str | None, *,
                comment: str | None = None, files: list[Path] | None = None,
                expected_version: int | None = None, order: bool = False,
                figures: list[tuple[str, str]] | None = None,
                decisions: list[str] | None = None,
                recommendations: list[tuple[str, str]] | None = None,
                attachments: list[tuple[str, bytes]] | None = None,
                basis: str | None = None,
                points: list[str] | None = None,
                without: list[str] | None = None, added: list[str] | None = None,
                collected: dict[str, Any] | None = None,
                new_due: date | None = None) -> TransitionResult:
    """Fire ``event`` on the occurrence ``ref``.

    The occurrence is read and the documents the rules give are drafted and rendered first,
    with no lock held; then one short transaction makes a compare-and-set on the
    occurrence's state and version (when somebody else changed it since it was read, or
    since ``expected_version``, nothing is written and ``ConcurrentUpdate`` is raised), claims
    the journal numbers, and writes the history record and the documents together.
    ``files`` are paths (command line), ``attachments`` names and bytes (web uploads).
    Starting assigns the occurrence to each executor its activity names (less ``without``,
    plus ``added`` units; ``registry.assignments``), with a ``new_due`` date when its own
    has passed; ``collect`` is fired with the summary of those assignments (``collected``).
    """
    details = _details(event, comment, figures, decisions, recommendations)
    if basis and basis.strip():  # what the order this transition makes opens with
        details["basis"] = basis.strip()
    if points and any(point.strip() for point in points):
        details["points"] = [point.strip() for point in points if point.strip()]
    incoming = [(path.name, read_limited(path)) for path in files or []]
    incoming += list(attachments or [])
    machine = occurrence_machine()

    def read(session: Session) -> tuple[tuple[Any, ...], list[DocumentDraft]]:
        person = acting_person(session, login)
        found = _occurrence(session, ref)
        assert found.occurrence is not None and found.activity is not None
        occurrence = found.occurrence
        # who may fire it is what the state's transition names (deny by default)
        machine.require_permitted(person.login, occurrence.state, event, roles_of(person))
        _check_own_unit(session, person, event, found.activity, found.ref)
        if new_due is not None:
            if event != "start":
                raise KartaError("новый срок задаётся при начале исполнения")
            today = local_today(organisation(session))
            if new_due < today:
                raise KartaError(f"новый срок {new_due:%d.%m.%Y} уже прошёл")
            details["due_moved"] = {"from": occurrence.due.isoformat() if occurrence.due
                                    else None, "to": new_due.isoformat()}
            session.expunge(occurrence)  # what the order says; written with the start
            occurrence.due = new_due
        assigned = event == "report" and has_assignments(session, occurrence.id or 0)
        if assigned and "clerk" not in roles_of(person):
            raise KartaError(f"{found.ref} поручено нескольким исполнителям: отчёт "
                             "представляется по заданию своего подразделения")
        version = expected_version if expected_version is not None else occurrence.version
        step = occurrence_machine().fire(found.ref, occurrence.state, event,
                                         comment=comment, has_files=bool(incoming))
        today = local_today(organisation(session))
        report = None
        if event == "report":
            report = {"text": (comment or "").strip(), "author": person_data(person),
                      "date": today.isoformat(),
                      "files": [{"name": name, "sha256": hashlib.sha256(data).hexdigest(),
                                 "size": len(data), "pages": sheets_of(name, data)}
                                for name, data in incoming],
                      "executors": [], "not_reported": [],
                      # a school's report is its own, printed under its name
                      "unit": reporting_unit(session, person)}
            if assigned:  # the clerk reports for all, closing the collection: who did not
                summary = summary_of(departments_own(session, list(session.exec(
                    select(Assignment).where(col(Assignment.occurrence_id) == occurrence.id)
                    .order_by(col(Assignment.id))))))
                report.update(summary)
                details["collected"] = summary
        elif event == "collect":
            if not collected:
                raise KartaError(f"{found.ref}: сбор отчётов завершается по заданиям "
                                 "исполнителей" + said(" (karta collect)"))
            report = collected_report(collected, comment, person, today)
            details["collected"] = collected
        elif event == "analyse":
            report = report_data(session, occurrence, person, None)
        drafts = transition_drafts(
            session, event=event, roadmap=found.roadmap, activity=found.activity,
            occurrence=occurrence, person=person, report=report, details=details,
            order_requested=order, basis=basis, points=points)
        return (found, step, version), drafts

    def write(session: Session, state: tuple[Any, ...],
              prepared: list[PreparedDocument]) -> TransitionResult:
        found, step, version = state
        person = acting_person(session, login)
        # roles may have changed meanwhile
        machine.require_permitted(person.login, step.source, event, roles_of(person))
        occurrence = found.occurrence
        changed = session.connection().execute(_COMPARE_AND_SET, {
            "occurrence": occurrence.id, "source": step.source, "version": version,
            "dest": step.dest, "next_version": version + 1,
        })
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(found.ref)
        stored = [db.store.put(data, "attachments", Path(name).suffix, name, session=session)
                  for name, data in incoming]
        touched: list[Touch] = [("occurrence", occurrence.id or 0)]
        if new_due is not None:
            session.execute(update(Occurrence).where(col(Occurrence.id) == occurrence.id)
                            .values(due=new_due))
        if event == "start":
            touched += create_assignments(session, occurrence, found.activity, without, added)
            if without or added:
                details["executors_changed"] = {"without": list(without or []),
                                                "added": list(added or [])}
        entry = record(session, login=person.login, object_ref=found.ref, event=event,
                       roadmap_id=found.roadmap.id, activity_id=found.activity.id,
                       occurrence_id=occurrence.id, from_state=step.source,
                       to_state=step.dest, comment=(comment or "").strip(), files=stored,
                       details=details, touches=touched)
        made = [register(session, db, document, person, entry.id) for document in prepared]
        for document in made:  # a draft order waits for the head's signature
            if document.status == "draft" and document.journal == "orders":
                notify(session, Addressed(roles=("head",)), "draft_to_sign",
                       f"Проект приказа на подпись: «{document.title[:200]}»",
                       f"/documents/{document.id}", exclude=[person.login])
        if event == "collect":
            notify(session, Addressed(roles=("clerk", "head")), "collected",
                   f"Сбор отчётов завершён: {found.ref}", f"/o/{found.ref}",
                   exclude=[person.login])
        at = local_time(entry.at, time_zone(db, session)).isoformat(timespec="seconds")
        return TransitionResult(found.ref, event, step.source, step.dest, version + 1, at,
                                tuple(_with_questions(document_as_dict(d), p.context)
                                      for d, p in zip(made, prepared)))

    return run_with_documents(db, read, write, cite_note=True, exclusive=False)


def collected_report(collected: dict[str, Any], comment: str | None, person: Person,
                     today: date, own: str | None = None) -> dict[str, Any]:
    """The department's summary report from its executors' reports: its ``own`` text (the
    clerk's report closing the collection) first, each executor's text, all their files,
    and who did not report (listed by the templates, not in the text)."""
    lines = [own.strip()] if own and own.strip() else []
    files = []
    for executor in collected["executors"]:
        if executor["state"] == "accepted":
            text = executor["text"] or "отчёт в приложении"
            lines.append(f"{executor['name']}: {text}")
            files += executor["files"]
    if comment and comment.strip():
        lines.append(comment.strip())
    return {"text": "\n".join(lines), "files": files, "author": person_data(person),
            "date": today.isoformat(), "executors": collected["executors"],
            "not_reported": collected["not_reported"], "unit": ""}


def _occurrence(session: Session, ref: str) -> Resolved:
    found = resolve(session, ref)
    if found.occurrence is None or found.activity is None:
        raise UnknownReference(ref, "нужна ссылка на исполнение за период, например "
                                    "1:2.4@2022" + said(" (см. karta activities)"))
    return found


def _require_visible(session: Session, person: Person, found: Resolved) -> None:
    if found.activity is not None:
        require_visible(session, person, found.activity.id, found.ref)
        return
    scope = roadmap_scope(session, person)
    if scope is not None and found.roadmap.id not in scope:
        require_visible(session, person, None, found.ref)


def may_fire(session: Session, person: Person, event: str, activity: Activity,
             state: str, assigned: bool = False) -> bool:
    """Whether the person's roles (and, for an executor's report, unit) allow the event on
    the occurrence; with assignments (``assigned``) executors report on their own
    assignment, and only then may the collection of reports be closed."""
    roles = set(roles_of(person))
    if not occurrence_machine().permitted(state, event, roles):
        return False
    if event == "collect":
        return assigned
    if event == "report" and "clerk" not in roles:
        return not assigned and may_report(session, person, activity)
    return True


def _check_own_unit(session: Session, person: Person, event: str, activity: Activity,
                    ref: str) -> None:
    """An executor (not a clerk) reports only on activities their unit is linked to."""
    roles = roles_of(person)
    if event != "report" or "clerk" in roles:
        return
    if not may_report(session, person, activity):
        unit = session.get(Unit, person.unit_id) if person.unit_id else None
        raise PermissionDenied(
            person.login, event, ("clerk",), roles,
            reason=f"исполнитель «{unit.name if unit else 'без подразделения'}» не указан "
                   f"среди ответственных за {ref} ({activity.executors_text})")


def parse_pairs(values: list[str] | tuple[str, ...], separator: str,
                what: str) -> list[tuple[str, str]]:
    """«показатель = значение», «адресат: текст» as typed by a person (command line or
    browser), split; a line without the separator is a clear error naming it."""
    pairs = []
    for value in values:
        left, found, right = value.partition(separator)
        if not found or not left.strip() or not right.strip():
            raise KartaError(f"{what}: «{value[:60]}» должно быть вида «…{separator} …»")
        pairs.append((left.strip(), right.strip()))
    return pairs


def _details(event: str, comment: str | None, figures: list[tuple[str, str]] | None,
             decisions: list[str] | None,
             recommendations: list[tuple[str, str]] | None) -> dict[str, object]:
    """What an event records beyond its comment: for an analysis, its conclusions, figures,
    management decisions and addressed recommendations."""
    if event != "analyse":
        if figures or decisions or recommendations:
            raise KartaError("показатели, решения и рекомендации указываются при анализе"
                             + said(" (karta analyse)"))
        return {}
    return {
        "conclusions": (comment or "").strip(),
        "figures": [{"name": name, "value": value} for name, value in figures or []],
        "decisions": [text.strip() for text in decisions or [] if text.strip()],
        "recommendations": [{"addressee": who, "text": text}
                            for who, text in recommendations or []],
    }


def show(db: Database, ref: str, login: str | None) -> dict[str, object]:
    """Everything about a roadmap, an activity or an occurrence, for ``karta show``."""
    with db.reading() as session:
        person = acting_person(session, login)
        found = resolve(session, ref)
        _require_visible(session, person, found)
        zone = organisation(session).timezone
        roadmap = found.roadmap
        result: dict[str, object] = {
            "roadmap": {"ref": roadmap_ref(roadmap.id or 0), "title": roadmap.title,
                        "period": f"{roadmap.first_year}-{roadmap.last_year}",
                        "source": roadmap.source_name, "sha256": roadmap.source_sha256},
        }
        if found.activity is None:
            from registry.documents import roadmap_data

            summary = roadmap_data(session, roadmap)
            states: dict[str, int] = {}
            for (state,) in session.execute(
                    select(Occurrence.state).join(Activity, col(Activity.id) == col(
                        Occurrence.activity_id)).where(Activity.roadmap_id == roadmap.id)):
                states[state] = states.get(state, 0) + 1
            result["roadmap"].update({  # type: ignore[attr-defined]
                "approval": summary["approval"], "states": states,
                "school_years": roadmap.school_years,
                "imported": f"{roadmap.imported_at:%d.%m.%Y} {roadmap.imported_by}"})
            return result
        activity = found.activity
        section = session.get(Section, activity.section_id) if activity.section_id else None
        occurrences = list(session.exec(
            select(Occurrence).where(Occurrence.activity_id == activity.id)
            .order_by(col(Occurrence.period_start), col(Occurrence.period))))
        result["activity"] = activity_as_dict(activity, section, occurrences)
        if found.occurrence is not None:
            occurrence = found.occurrence
            machine = occurrence_machine()
            assigned = has_assignments(session, occurrence.id or 0)
            entries = events_for(session, occurrence_ids=[occurrence.id or 0])
            if not WHOLE_ORGANISATION & set(roles_of(person)):  # a school: not the others'
                own = {a for a in session.exec(select(Assignment.id).where(
                    Assignment.occurrence_id == occurrence.id,
                    Assignment.unit_id == person.unit_id))} if person.unit_id else set()
                entries = [e for e in entries if not e.event.startswith("assignment_")
                           or json.loads(e.details or "{}").get("assignment") in own]
            result["occurrence"] = {
                **occurrence_as_dict(activity, occurrence),
                "state_label": state_label(occurrence.state),
                "allowed": [
                    {"event": name, "label": EVENTS[name].label,
                     "needs": EVENTS[name].requirement or None,
                     "permitted": may_fire(session, person, name, activity,
                                           occurrence.state, assigned)}
                    for name in machine.allowed_events(occurrence.state)
                ],
                "assigned": assigned,
                "history": [event_as_dict(e, zone, names_of(session)) for e in entries],
                "documents": [document_as_dict(d) for d in session.exec(
                    select(Document).where(Document.occurrence_id == occurrence.id)
                    .order_by(col(Document.id)))],
            }
        return result


def history(db: Database, ref: str, login: str | None) -> list[dict[str, object]]:
    """The recorded events of a roadmap, an activity (all its periods) or one occurrence."""
    with db.reading() as session:
        person = acting_person(session, login)
        found = resolve(session, ref)
        _require_visible(session, person, found)
        zone = organisation(session).timezone
        if found.occurrence is not None:
            entries = events_for(session, occurrence_ids=[found.occurrence.id or 0])
        elif found.activity is not None:
            ids = list(session.exec(select(Occurrence.id).where(
                Occurrence.activity_id == found.activity.id)).all())
            entries = events_for(session, activity_id=found.activity.id,
                                 occurrence_ids=[i for i in ids if i is not None])
        else:
            entries = events_for(session, roadmap_id=found.roadmap.id)
        names = names_of(session)
        return [event_as_dict(entry, zone, names) for entry in entries]
