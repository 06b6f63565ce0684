"""Every executor reports: an assignment per school (or department-level executor) of an
occurrence, each with its own due date, report, acceptance or return (DOMAIN.md §8).

Starting an occurrence assigns it to each executor its activity names: a unit by its
identity, every unit of a group («ОО» → every general-education school, «ДОО» → every
kindergarten), a department-level executor by its name. A school reports on its own
assignment only and never sees another's; the clerk or the head accepts each report or
returns it; when none is owed any more the occurrence is collected — its summary report made
and the occurrence «отчёт представлен» — and the clerk may close the collection early with a
reason, which names who did not report. Each step is one transaction with a
compare-and-set on the assignment (two clerks at once: one wins), logged with what it
touched. Occurrences started before assignments existed keep working as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from registry.database import Database, utcnow
from registry.files import read_limited
from registry.history import local_time, record
from registry.notifications import Addressed, notify
from registry.people import acting_person, local_today, organisation, roles_of
from registry.roadmaps import Resolved, resolve
from registry.state import Touch
from registry.tables import Activity, ActivityUnit, Assignment, Occurrence, Person, Unit
from registry.units import normalise
from workflow.assignments import DONE, OWING, assignment_machine, assignment_state_label
from workflow.errors import ConcurrentUpdate, KartaError, PermissionDenied, UnknownReference, said
from workflow.workdays import working_days_before

SCHOOLS_EARLIER = 5  # working days: schools report to the department before its deadline
MAX_FILES = 10  # files with one report
GROUP_LABELS = {"general": "общеобразовательные организации", "preschool": "дошкольные "
                "организации", "additional": "организации дополнительного образования"}


@dataclass(frozen=True)
class Executor:
    """Who an assignment goes to: a unit, or a department-level executor by name."""

    name: str
    key: str
    unit_id: int | None = None


@dataclass
class AssignmentRow:
    """An assignment as lists and pages show it."""

    id: int
    ref: str
    executor: str
    unit_id: int | None
    state: str
    state_label: str
    due: date | None
    reported_at: str | None
    days_late: int | None
    returns: int
    version: int
    report: dict[str, Any] = field(default_factory=dict)
    actions: list[dict[str, Any]] = field(default_factory=list)
    extension: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["due"] = self.due.isoformat() if self.due else None
        return data


# ----------------------------------------------------------------------------- assigning

def executors_of(session: Session, activity: Activity) -> list[Executor]:
    """Everyone an activity names, groups expanded to their units (by identity, never by
    a substring of a name), in the order the activity names them."""
    own = organisation(session).id
    found: dict[str, Executor] = {}
    links = list(session.exec(select(ActivityUnit).where(
        col(ActivityUnit.activity_id) == activity.id).order_by(col(ActivityUnit.id))))
    # only the units the links can name (an organisation has dozens of schools)
    ids = {link.unit_id for link in links if link.unit_id is not None}
    groups = {link.unit_group for link in links if link.unit_group in GROUP_LABELS}
    units = {unit.id: unit for unit in session.exec(select(Unit).where(
        col(Unit.organisation_id) == own,
        or_(col(Unit.id).in_(ids), col(Unit.kind).in_(groups))).order_by(col(Unit.name)))} \
        if ids or groups else {}
    for link in links:
        if link.unit_id is not None and link.unit_id in units:
            unit = units[link.unit_id]
            found.setdefault(f"unit:{unit.id}", Executor(unit.name, f"unit:{unit.id}", unit.id))
        elif link.unit_group in GROUP_LABELS:
            for unit in units.values():
                if unit.kind == link.unit_group:
                    found.setdefault(f"unit:{unit.id}",
                                     Executor(unit.name, f"unit:{unit.id}", unit.id))
        elif link.unit_group == "department" or link.unit_group == "":
            key = f"text:{normalise(link.name)}"[:200]
            found.setdefault(key, Executor(link.name, key))
    return list(found.values())


def _unit_by_name(session: Session, name: str) -> Unit:
    unit = session.exec(select(Unit).where(col(Unit.key) == normalise(name))).first()
    if unit is None:
        raise KartaError(f"нет подразделения «{name}»" + said(" (karta units)"))
    return unit


def create_assignments(session: Session, occurrence: Occurrence, activity: Activity,
                       without: list[str] | None = None,
                       added: list[str] | None = None) -> list[Touch]:
    """The occurrence's assignments, at its start: everyone its activity names, less the
    units the clerk took off (``without``), plus units the clerk added (``added``, by name);
    the rows made, for the start's log event to vouch for."""
    executors = executors_of(session, activity)
    for name in added or []:
        unit = _unit_by_name(session, name)
        if not any(e.unit_id == unit.id for e in executors):
            executors.append(Executor(unit.name, f"unit:{unit.id}", unit.id))
    dropped = {normalise(name) for name in without or []}
    unknown = dropped - {normalise(e.name) for e in executors}
    if unknown:
        raise KartaError(f"среди исполнителей нет: {', '.join(sorted(unknown))}")
    executors = [e for e in executors if normalise(e.name) not in dropped]
    if not executors:
        return []
    due = schools_due(occurrence.due)
    org = organisation(session).id or 0
    rows = [Assignment(organisation_id=org, occurrence_id=occurrence.id or 0,
                       unit_id=e.unit_id, executor=e.name, executor_key=e.key,
                       state=assignment_machine().initial, due=due if e.unit_id else
                       occurrence.due) for e in executors]
    session.add_all(rows)
    session.flush()
    return [("assignment", row.id or 0) for row in rows]


def schools_due(due: date | None) -> date | None:
    """Schools report some working days before the department's own deadline."""
    if due is None:
        return None
    earlier = working_days_before(due, SCHOOLS_EARLIER)
    return earlier


def reports_by_assignment(db: Database, login: str | None, ref: str) -> bool:
    """Whether this person's report on ``ref`` goes to an assignment (an executor, on an
    occurrence assigned to executors) rather than to the occurrence itself."""
    with db.reading() as session:
        person = acting_person(session, login)
        roles = roles_of(person)
        if "clerk" in roles or "executor" not in roles:
            return False
        found = resolve(session, ref)
        return found.occurrence is not None and \
            has_assignments(session, found.occurrence.id or 0)


def has_assignments(session: Session, occurrence_id: int) -> bool:
    return session.exec(select(Assignment.id).where(
        Assignment.occurrence_id == occurrence_id)).first() is not None


# ----------------------------------------------------------------------------- reading

def _visible_to(session: Session, person: Person) -> Any:
    """An executor sees its own unit's assignments only; the department sees them all."""
    roles = set(roles_of(person))
    if roles & {"admin", "clerk", "head", "auditor", "region_auditor"}:
        return True
    if person.unit_id is None:
        return col(Assignment.id) == -1
    return col(Assignment.unit_id) == person.unit_id


def _row(found: Resolved, assignment: Assignment, today: date, person: Person,
         session: Session, zone: str = "UTC") -> AssignmentRow:
    machine = assignment_machine()
    late = None
    if assignment.due is not None:
        until = assignment.reported_at.date() if assignment.reported_at else today
        late = max(0, (until - assignment.due).days) if assignment.state in OWING or \
            assignment.reported_at else None
    actions = [{"event": event, "label": machine.events[event].label,
                "permitted": _may(session, person, assignment, event)}
               for event in machine.allowed_events(assignment.state)]
    return AssignmentRow(
        id=assignment.id or 0, ref=found.ref, executor=assignment.executor,
        unit_id=assignment.unit_id, state=assignment.state,
        state_label=assignment_state_label(assignment.state), due=assignment.due,
        reported_at=local_time(assignment.reported_at, zone).isoformat(timespec="seconds")
        if assignment.reported_at else None, days_late=late, returns=assignment.returns,
        version=assignment.version, report=json.loads(assignment.report or "{}"),
        actions=actions, extension=json.loads(assignment.extension or "{}"))


def _may(session: Session, person: Person, assignment: Assignment, event: str) -> bool:
    roles = roles_of(person)
    if not assignment_machine().permitted(assignment.state, event, roles):
        return False
    if event == "report" and "clerk" not in roles:  # an executor: its own unit only
        return assignment.unit_id is not None and assignment.unit_id == person.unit_id
    return True


def list_assignments(db: Database, login: str | None, ref: str) -> list[AssignmentRow]:
    """The assignments of an occurrence this person may see, in the activity's order."""
    with db.reading() as session:
        person = acting_person(session, login)
        found = _occurrence(session, ref)
        assert found.occurrence is not None
        org = organisation(session)
        today = local_today(org)
        rows = session.exec(select(Assignment).where(
            col(Assignment.occurrence_id) == found.occurrence.id,
            _visible_to(session, person)).order_by(col(Assignment.id)))
        return [_row(found, a, today, person, session, org.timezone) for a in rows]


def _occurrence(session: Session, ref: str) -> Resolved:
    found = resolve(session, ref)
    if found.occurrence is None:
        raise UnknownReference(ref, "нужна ссылка на исполнение за период, например "
                                    "1:2.4@2022")
    return found


# ----------------------------------------------------------------------------- acting

@dataclass(frozen=True)
class AssignmentStep:
    """What an action on an assignment did (and whether it completed the collection)."""

    ref: str
    executor: str
    event: str
    source: str
    dest: str
    version: int
    collected: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def act(db: Database, login: str | None, ref: str, event: str, *, unit: str | None = None,
        assignment_id: int | None = None, comment: str | None = None,
        files: list[Path] | None = None,
        attachments: list[tuple[str, bytes]] | None = None,
        expected_version: int | None = None) -> AssignmentStep:
    """Report, accept, return or withdraw one executor's assignment of occurrence ``ref``
    (an executor: its own unit's; the department names the unit). When no report is owed
    any more, the occurrence is collected (its summary report made) by the same person."""
    incoming = [(path.name, read_limited(path)) for path in files or []]
    incoming += list(attachments or [])
    if len(incoming) > MAX_FILES:
        raise KartaError(f"к отчёту можно приложить не больше {MAX_FILES} файлов")
    machine = assignment_machine()
    with db.transaction(exclusive=False) as session:
        person = acting_person(session, login)
        found = _occurrence(session, ref)
        assert found.occurrence is not None and found.activity is not None
        occurrence = found.occurrence
        if occurrence.state != "in_progress":
            raise KartaError(f"{found.ref}: исполнение не в работе ("
                             f"{_occurrence_state(occurrence.state)}); задания исполнителей "
                             "меняются, пока оно выполняется")
        assignment = _the_assignment(session, person, found, unit, assignment_id)
        where = f"{found.ref} / {assignment.executor}"
        if event == "report" and not _may(session, person, assignment, event) and \
                machine.permitted(assignment.state, event, roles_of(person)):
            raise PermissionDenied(person.login, event, ("clerk",), roles_of(person),
                                   reason=f"это задание «{assignment.executor}», а не вашего "
                                          "подразделения")
        machine.require_permitted(person.login, assignment.state, event, roles_of(person))
        step = machine.fire(where, assignment.state, event, comment=comment,
                            has_files=bool(incoming))
        version = expected_version if expected_version is not None else assignment.version
        values: dict[str, Any] = {"state": step.dest, "version": version + 1}
        stored = []
        if event == "report":
            stored = [db.store.put(data, "attachments", Path(name).suffix, name,
                                   session=session) for name, data in incoming]
            from documents.russian import sheets_of

            values["reported_at"] = utcnow()
            values["report"] = json.dumps({
                "text": (comment or "").strip(), "by": person.login,
                "author": person.full_name or person.login,
                "files": [{"name": s.name, "sha256": s.sha256, "size": s.size,
                           "path": s.path, "pages": sheets_of(name, data)}
                          for s, (name, data) in zip(stored, incoming, strict=True)]},
                ensure_ascii=False)
        elif event == "return":  # the reason stays with the report it is about
            values["returns"] = assignment.returns + 1
            values["report"] = json.dumps({
                **json.loads(assignment.report or "{}"),
                "returned": {"by": person.full_name or person.login,
                             "at": utcnow().isoformat(timespec="seconds"),
                             "reason": (comment or "").strip()}}, ensure_ascii=False)
        changed = session.execute(update(Assignment).where(
            col(Assignment.id) == assignment.id, col(Assignment.state) == step.source,
            col(Assignment.version) == version).values(**values))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(where)
        record(session, login=person.login, object_ref=where, event=f"assignment_{event}",
               roadmap_id=found.roadmap.id, activity_id=found.activity.id,
               occurrence_id=occurrence.id, from_state=step.source, to_state=step.dest,
               comment=(comment or "").strip(), files=stored,
               details={"assignment": assignment.id, "executor": assignment.executor},
               touches=[("assignment", assignment.id or 0)])
        link = f"/o/{found.ref}#executors"
        if event == "report":  # the department checks it
            notify(session, Addressed(roles=("clerk", "head")), "report_submitted",
                   f"Отчёт представлен: {where}", link, exclude=[person.login])
        elif event == "return":  # the school learns why
            notify(session, Addressed(unit_id=assignment.unit_id) if assignment.unit_id
                   else Addressed(roles=("clerk",)), "report_returned",
                   f"Отчёт возвращён на доработку: {where} — {(comment or '').strip()[:200]}",
                   link, exclude=[person.login])
        complete = step.dest in DONE and not _still_owed(session, occurrence.id or 0)
    collected = False
    if complete:
        from workflow.machine import occurrence_machine

        if occurrence_machine().permitted("in_progress", "collect", roles_of(person)):
            collect(db, login, found.ref, comment="все отчёты исполнителей приняты")
            collected = True
    return AssignmentStep(found.ref, assignment.executor, event, step.source, step.dest,
                          version + 1, collected)


def _occurrence_state(state: str) -> str:
    from workflow.machine import state_label

    return state_label(state)


def _the_assignment(session: Session, person: Person, found: Resolved,
                    unit: str | None, assignment_id: int | None = None) -> Assignment:
    occurrence = found.occurrence
    assert occurrence is not None
    query = select(Assignment).where(col(Assignment.occurrence_id) == occurrence.id)
    if unit or assignment_id is not None:
        key = normalise(unit or "")
        rows = [a for a in session.exec(query)
                if a.id == assignment_id or (unit and normalise(a.executor) == key)]
        if not rows:
            raise UnknownReference(unit or str(assignment_id), f"не исполнитель {found.ref}"
                                   + said(f" (karta assignments {found.ref})"))
        assignment = rows[0]
        if "clerk" not in roles_of(person) and "head" not in roles_of(person) and \
                assignment.unit_id != person.unit_id:
            raise PermissionDenied(person.login, "report", ("clerk",), roles_of(person),
                                   reason=f"задание «{assignment.executor}» — не вашего "
                                          "подразделения")
        return assignment
    if person.unit_id is None:
        raise KartaError(f"укажите исполнителя: у {found.ref} несколько заданий"
                         + said(f" (karta assignments {found.ref})"))
    own = session.exec(query.where(col(Assignment.unit_id) == person.unit_id)).first()
    if own is None:
        raise PermissionDenied(person.login, "report", ("clerk",), roles_of(person),
                               reason=f"вашему подразделению не поручено {found.ref}")
    return own


def _still_owed(session: Session, occurrence_id: int) -> bool:
    return session.exec(select(Assignment.id).where(
        col(Assignment.occurrence_id) == occurrence_id,
        col(Assignment.state).not_in(DONE))).first() is not None


def collect(db: Database, login: str | None, ref: str, comment: str | None = None) -> Any:
    """The occurrence collected: its summary report from the accepted assignments, and
    who did not report (a reason is needed when somebody still owes one)."""
    from registry.occurrences import apply_event

    with db.reading() as session:
        acting_person(session, login)
        found = _occurrence(session, ref)
        assert found.occurrence is not None
        rows = list(session.exec(select(Assignment).where(
            col(Assignment.occurrence_id) == found.occurrence.id).order_by(
            col(Assignment.id))))
    if not rows:
        raise KartaError(f"у {found.ref} нет заданий исполнителям: отчёт представляется "
                         + said(f"командой karta report {found.ref}",
                                "на странице исполнения («Отчитаться»)"))
    owing = [a.executor for a in rows if a.state not in DONE]
    if owing and not (comment and comment.strip()):
        raise KartaError(f"отчёты не представили или не приняты: {', '.join(owing)}; чтобы "
                         "завершить сбор без них, укажите причину")
    summary = summary_of(rows)
    return apply_event(db, found.ref, "collect", login, comment=comment,
                       collected=summary)


def summary_of(rows: list[Assignment]) -> dict[str, Any]:
    """What the summary report says: each executor's report, and who did not report."""
    executors = []
    for row in rows:
        report = json.loads(row.report or "{}")
        executors.append({"name": row.executor, "state": row.state,
                          "state_label": assignment_state_label(row.state),
                          "text": report.get("text", ""),
                          "files": [{k: f.get(k) for k in ("name", "sha256", "size", "pages")}
                                    for f in report.get("files", [])],
                          "date": row.reported_at.date().isoformat() if row.reported_at
                          else None})
    return {"executors": executors,
            "not_reported": [row.executor for row in rows if row.state not in DONE]}


# ----------------------------------------------------------------------------- discipline

def departments_own(session: Session, rows: list[Assignment]) -> list[Assignment]:
    """The assignments left when the department's clerk reports for all: the department's
    own shares (its unit, or an executor text naming a department-level body) are covered
    by that report."""
    from registry.units import guess_kind

    kinds = {unit.id: unit.kind for unit in session.exec(select(Unit).where(
        col(Unit.id).in_([row.unit_id for row in rows if row.unit_id is not None])))}
    return [row for row in rows
            if (kinds.get(row.unit_id) if row.unit_id is not None
                else guess_kind(row.executor)) != "department"]


def discipline(db: Database, login: str | None, year: int) -> list[dict[str, Any]]:
    """Executive discipline of each executor for a year: assigned, reported on time, late,
    returned, not reported (overdue and still owing), as every СЭД counts it. A regional
    auditor gets it per organisation («МБОУ СОШ № 1» of one district is not another's)."""
    from registry.scope import region_wide
    from registry.tables import Organisation

    with db.reading() as session:
        person = acting_person(session, login)
        today = local_today(organisation(session))
        first, last = date(year, 1, 1), date(year, 12, 31)
        across = region_wide(person)
        names = {o.id: o.short_name or o.full_name
                 for o in session.exec(select(Organisation))} if across else {}
        table: dict[tuple[int, str], dict[str, Any]] = {}
        for row in session.exec(select(Assignment).where(
                col(Assignment.due) >= first, col(Assignment.due) <= last,
                _visible_to(session, person)).order_by(col(Assignment.organisation_id),
                                                       col(Assignment.executor))):
            key = (row.organisation_id if across else 0, row.executor)
            entry = table.setdefault(key, {
                "executor": row.executor, "assigned": 0, "on_time": 0, "late": 0,
                "returned": 0, "not_reported": 0,
                **({"organisation": names.get(row.organisation_id, "")} if across else {})})
            entry["assigned"] += 1
            entry["returned"] += 1 if row.returns else 0
            if row.reported_at is not None and row.due is not None:
                on_time = row.reported_at.date() <= row.due
                entry["on_time" if on_time else "late"] += 1
            elif row.state in OWING and row.due is not None and row.due < today:
                entry["not_reported"] += 1
        return list(table.values())



# ----------------------------------------------------------------------------- extensions

def request_extension(db: Database, login: str | None, ref: str, until: date, reason: str,
                      unit: str | None = None, assignment_id: int | None = None
                      ) -> dict[str, Any]:
    """An executor asks for a later due date of its assignment, with a reason; the
    department grants or refuses it (``decide_extension``). Logged."""
    if not reason.strip():
        raise KartaError("укажите причину, по которой нужен новый срок")
    with db.transaction(exclusive=False) as session:
        person = acting_person(session, login)
        found = _occurrence(session, ref)
        assignment = _the_assignment(session, person, found, unit, assignment_id)
        if assignment.state not in OWING:
            raise KartaError(f"{found.ref} / {assignment.executor}: отчёт уже представлен — "
                             "продлевать нечего")
        if assignment.due is not None and until <= assignment.due:
            raise KartaError(f"новый срок {until:%d.%m.%Y} не позже нынешнего "
                             f"{assignment.due:%d.%m.%Y}")
        if until < local_today(organisation(session)):
            raise KartaError(f"новый срок {until:%d.%m.%Y} уже прошёл")
        notify(session, Addressed(roles=CHECKERS_OF_EXTENSIONS), "extension_requested",
               f"Просят продлить срок до {until:%d.%m.%Y}: {found.ref} / "
               f"{assignment.executor}", f"/o/{found.ref}#executors", exclude=[person.login])
        request = {"until": until.isoformat(), "reason": reason.strip()[:2000],
                   "by": person.full_name or person.login, "login": person.login,
                   "at": utcnow().isoformat(timespec="seconds"), "decision": None}
        _set_extension(session, assignment, request)
        where = f"{found.ref} / {assignment.executor}"
        record(session, login=person.login, object_ref=where, event="extension_request",
               occurrence_id=found.occurrence.id if found.occurrence else None,
               comment=f"новый срок {until:%d.%m.%Y}: {reason.strip()}",
               details={"assignment": assignment.id, "executor": assignment.executor},
               touches=[("assignment", assignment.id or 0)])
        return request


def decide_extension(db: Database, login: str | None, ref: str, unit: str | None,
                     grant: bool, comment: str = "", assignment_id: int | None = None
                     ) -> dict[str, Any]:
    """The clerk or the head grants (the assignment's due date moves) or refuses a requested
    extension; either is logged, a refusal with its reason."""
    with db.transaction(exclusive=False) as session:
        person = acting_person(session, login)
        roles = set(roles_of(person))
        if not roles & set(CHECKERS_OF_EXTENSIONS):
            raise PermissionDenied(person.login, "extension", CHECKERS_OF_EXTENSIONS,
                                   sorted(roles))
        found = _occurrence(session, ref)
        assignment = _the_assignment(session, person, found, unit, assignment_id)
        request = json.loads(assignment.extension or "{}")
        if not request or request.get("decision") is not None:
            raise KartaError(f"{found.ref} / {assignment.executor}: продления никто не "
                             "просил")
        if not grant and not comment.strip():
            raise KartaError("укажите причину отказа")
        request["decision"] = {"granted": grant, "by": person.full_name or person.login,
                               "at": utcnow().isoformat(timespec="seconds"),
                               "comment": comment.strip()[:2000]}
        until = date.fromisoformat(request["until"])
        values: dict[str, Any] = {"extension": json.dumps(request, ensure_ascii=False)}
        if grant:
            values["due"] = until
        session.execute(update(Assignment).where(col(Assignment.id) == assignment.id)
                        .values(**values))
        where = f"{found.ref} / {assignment.executor}"
        record(session, login=person.login, object_ref=where,
               event="extension_granted" if grant else "extension_refused",
               occurrence_id=found.occurrence.id if found.occurrence else None,
               comment=(f"срок продлён до {until:%d.%m.%Y}" if grant else
                        f"в продлении до {until:%d.%m.%Y} отказано: {comment.strip()}"),
               details={"assignment": assignment.id, "executor": assignment.executor},
               touches=[("assignment", assignment.id or 0)])
        return request


CHECKERS_OF_EXTENSIONS = ("clerk", "head")


def _set_extension(session: Session, assignment: Assignment, request: dict[str, Any]) -> None:
    session.execute(update(Assignment).where(col(Assignment.id) == assignment.id).values(
        extension=json.dumps(request, ensure_ascii=False)))
