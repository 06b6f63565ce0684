"""Occurrences from deadlines: expanding and re-expanding schedules, occurrences added on
demand, what is overdue or due soon, and calendars."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from registry.database import Database
from registry.history import record
from registry.people import acting_person, organisation
from registry.roadmaps import Resolved, resolve
from registry.scope import Scope, visible_activities
from registry.state import Touch
from registry.tables import Activity, HistoryEvent, Occurrence, Organisation, Roadmap, Section
from workflow.deadlines import OccurrenceSpec, expand, read_deadline
from workflow.errors import KartaError, UnknownReference
from workflow.importing import Period
from workflow.machine import occurrence_machine, state_label
from workflow.refs import activity_ref, occurrence_ref, roadmap_ref
from workflow.workdays import shift_due

OPEN_STATES = occurrence_machine().open_states  # planned, in progress
PERIOD_LABEL = re.compile(r"^(?:\d{4}(?:-Q[1-4]|-\d{2}|/\d{2}|-\d{4})?|\d{4}-\d{2}-\d{2})$")


def occurrence_rows(activity_id: int | None, specs: list[OccurrenceSpec],
                    shift: str) -> list[dict[str, Any]]:
    """Rows for an activity's new occurrences, due dates moved off days off by the
    organisation's rule."""
    initial = occurrence_machine().initial
    return [{"activity_id": activity_id, "period": spec.period, "period_start": spec.start,
             "due": shift_due(spec.due, shift), "due_nominal": spec.due, "state": initial,
             "version": 1} for spec in specs]


def specs_for(activity: Activity, roadmap: Roadmap) -> list[OccurrenceSpec]:
    return expand(read_deadline(activity.deadline_text), roadmap.first_year, roadmap.last_year,
                  roadmap.school_years)


@dataclass
class Reexpansion:
    """What re-expanding changed: labels added, due dates moved, occurrences removed (never
    started) and occurrences kept although the schedule no longer has them (they have a
    history)."""

    added: list[str]
    moved: list[str]
    removed: list[str]
    kept: list[str]
    changed_ids: list[int] = field(default_factory=list)  # occurrences added, moved, removed

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in ("added", "moved", "removed", "kept")}

    def merge(self, other: Reexpansion) -> None:
        for name in ("added", "moved", "removed", "kept", "changed_ids"):
            getattr(self, name).extend(getattr(other, name))

    def touches(self) -> list[Touch]:
        return [("occurrence", occurrence_id) for occurrence_id in self.changed_ids]


def reexpand(session: Session, activity: Activity, roadmap: Roadmap,
             org: Organisation) -> Reexpansion:
    """Bring an activity's occurrences in line with its phrase and the roadmap's period,
    keeping the state, version and history of every occurrence that has any."""
    specs = {spec.period: spec for spec in specs_for(activity, roadmap)}
    existing = {o.period: o for o in session.exec(
        select(Occurrence).where(Occurrence.activity_id == activity.id))}
    result = Reexpansion([], [], [], [])
    new = [spec for label, spec in specs.items() if label not in existing]
    if new:
        session.execute(insert(Occurrence), occurrence_rows(activity.id, new, org.due_shift))
        result.added = [occurrence_ref(roadmap.id or 0, activity.code, s.period) for s in new]
        result.changed_ids += [i or 0 for i in session.exec(select(Occurrence.id).where(
            Occurrence.activity_id == activity.id,
            col(Occurrence.period).in_([s.period for s in new])))]
    for label, occurrence in existing.items():
        ref = occurrence_ref(roadmap.id or 0, activity.code, label)
        spec = specs.get(label)
        if spec is not None:
            due = shift_due(spec.due, org.due_shift)
            if (occurrence.due, occurrence.due_nominal) != (due, spec.due):
                session.execute(update(Occurrence).where(col(Occurrence.id) == occurrence.id)
                                .values(due=due, due_nominal=spec.due,
                                        period_start=spec.start))
                result.moved.append(ref)
                result.changed_ids.append(occurrence.id or 0)
            continue
        touched = session.exec(select(HistoryEvent.id).where(
            HistoryEvent.occurrence_id == occurrence.id)).first()
        if occurrence.state == occurrence_machine().initial and touched is None:
            # only if still untouched: a transition may have started it meanwhile
            gone = session.execute(delete(Occurrence).where(
                col(Occurrence.id) == occurrence.id, col(Occurrence.version) == 1,
                col(Occurrence.state) == occurrence_machine().initial))
            if gone.rowcount != 1:  # type: ignore[attr-defined]
                result.kept.append(ref)
                continue
            result.removed.append(ref)
            result.changed_ids.append(occurrence.id or 0)
        else:
            result.kept.append(ref)
    return result


def set_period(db: Database, login: str | None, ref: str, period: Period) -> Reexpansion:
    """Change a roadmap's period and re-expand every activity, in one transaction."""
    with db.transaction() as session:
        person = acting_person(session, login, "set_period")
        roadmap = resolve(session, ref).roadmap
        before = f"{roadmap.first_year}-{roadmap.last_year}"
        roadmap.first_year, roadmap.last_year = period.first, period.last
        roadmap.school_years = period.school_years
        session.add(roadmap)
        session.flush()
        org = organisation(session)
        total = Reexpansion([], [], [], [])
        for activity in session.exec(select(Activity).where(Activity.roadmap_id == roadmap.id)):
            total.merge(reexpand(session, activity, roadmap, org))
        record(session, login=person.login, object_ref=roadmap_ref(roadmap.id or 0),
               event="set_period", roadmap_id=roadmap.id,
               comment=f"период {before} → {period.label}; " + _summary(total),
               details={"before": before, "after": period.label, **total.as_dict()},
               touches=[("roadmap", roadmap.id or 0), *total.touches()])
        return total


def set_deadline(db: Database, login: str | None, ref: str, phrase: str) -> Reexpansion:
    """Edit an activity's deadline phrase and re-expand its occurrences."""
    schedule = read_deadline(phrase)
    if schedule.flagged:
        raise KartaError(f"сроки «{phrase}» не распознаны: {schedule.problem}")
    with db.transaction() as session:
        person = acting_person(session, login, "set_deadline")
        found, activity = _activity(session, ref)
        before = activity.deadline_text
        activity.deadline_text = phrase
        activity.deadline_kind, activity.deadline_flagged = schedule.kind, False
        session.add(activity)
        session.flush()
        result = reexpand(session, activity, found.roadmap, organisation(session))
        record(session, login=person.login, object_ref=found.ref, event="set_deadline",
               roadmap_id=found.roadmap.id, activity_id=activity.id,
               comment=f"сроки «{before}» → «{phrase}»; " + _summary(result),
               details={"before": before, "after": phrase, **result.as_dict()},
               touches=[("activity", activity.id or 0), *result.touches()])
        return result


def _activity(session: Session, ref: str) -> tuple[Resolved, Activity]:
    """An activity reference (not a roadmap or an occurrence), resolved."""
    found = resolve(session, ref)
    if found.activity is None or found.occurrence is not None:
        raise UnknownReference(ref, "нужна ссылка на мероприятие, например 1:2.4")
    return found, found.activity


def _summary(result: Reexpansion) -> str:
    return (f"добавлено {len(result.added)}, сроки изменены у {len(result.moved)}, удалено "
            f"{len(result.removed)}, сохранено с историей {len(result.kept)}")


def add_occurrence(db: Database, login: str | None, ref: str, period: str,
                   due: date | None = None, comment: str = "") -> str:
    """Add an occurrence by hand (an on-demand activity, or a period the phrase misses)."""
    if not PERIOD_LABEL.match(period):
        raise KartaError(f"неверный период «{period}»: например 2022, 2022-Q3, 2022-05, "
                         "2021/22 или дата 2022-05-14")
    with db.transaction() as session:
        person = acting_person(session, login, "occurrence_add")
        found, activity = _activity(session, ref)
        exists = session.exec(select(Occurrence.id).where(
            Occurrence.activity_id == activity.id, Occurrence.period == period)).first()
        new_ref = occurrence_ref(found.roadmap.id or 0, activity.code, period)
        if exists is not None:
            raise KartaError(f"исполнение {new_ref} уже есть")
        try:
            start = _period_start(period)
        except ValueError:
            raise KartaError(f"неверный период «{period}»: такого месяца или дня нет") from None
        roadmap = found.roadmap
        first = date(roadmap.first_year, 9 if roadmap.school_years else 1, 1)
        last = date(roadmap.last_year + (1 if roadmap.school_years else 0),
                    8 if roadmap.school_years else 12, 31)
        if not first <= start <= last:
            raise KartaError(f"период {period} вне периода дорожной карты "
                             f"R{roadmap.id} ({first:%d.%m.%Y}–{last:%d.%m.%Y}); измените "
                             "период дорожной карты, если она продлена")
        if due is not None and not first <= due <= date(last.year + 1, 12, 31):
            raise KartaError(f"срок {due:%d.%m.%Y} вне периода дорожной карты R{roadmap.id} "
                             f"({first:%d.%m.%Y}–{last:%d.%m.%Y})")
        org = organisation(session)
        session.execute(insert(Occurrence), [{
            "activity_id": activity.id, "period": period, "period_start": start,
            "due": shift_due(due, org.due_shift), "due_nominal": due,
            "state": occurrence_machine().initial, "version": 1}])
        occurrence_id = session.exec(select(Occurrence.id).where(
            Occurrence.activity_id == activity.id, Occurrence.period == period)).one()
        record(session, login=person.login, object_ref=new_ref, event="occurrence_add",
               roadmap_id=found.roadmap.id, activity_id=activity.id,
               occurrence_id=occurrence_id, to_state=occurrence_machine().initial,
               comment=comment or f"добавлено исполнение за {period}"
                                  + (f", срок {due:%d.%m.%Y}" if due else ""),
               touches=[("occurrence", occurrence_id or 0)])
        return new_ref


def _period_start(label: str) -> date:
    year = int(label[:4])
    if "-Q" in label:
        return date(year, 3 * int(label[-1]) - 2, 1)
    if "/" in label:
        return date(year, 9, 1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", label):
        return date.fromisoformat(label)
    if re.fullmatch(r"\d{4}-\d{2}", label):
        return date(year, int(label[5:]), 1)
    return date(year, 1, 1)


# ----------------------------------------------------------------------------- what is due

@dataclass(frozen=True)
class DueItem:
    """One open occurrence with a due date, for agendas and overdue lists."""

    ref: str
    activity_ref: str
    code: str
    title: str
    period: str
    due: date
    state: str
    responsible: tuple[str, ...]
    section: str
    days: int  # days left (negative: overdue)

    def as_dict(self) -> dict[str, object]:
        data = dict(self.__dict__)
        data["due"] = self.due.isoformat()
        data["responsible"] = list(self.responsible)
        return data


def open_items(session: Session, as_of: date, roadmap_id: int | None = None,
               until: date | None = None, scope: Scope | None = None,
               offset: int = 0, limit: int | None = None) -> list[DueItem]:
    """Open occurrences (planned or in progress) due before ``until`` (or any time), by due
    date; ``offset``/``limit`` take one page of them."""
    query = (select(Occurrence, Activity, Section)
             .join(Activity, col(Activity.id) == col(Occurrence.activity_id))
             .join(Section, col(Section.id) == col(Activity.section_id), isouter=True)
             .where(col(Occurrence.state).in_(OPEN_STATES), col(Occurrence.due).is_not(None)))
    if roadmap_id is not None:
        query = query.where(Activity.roadmap_id == roadmap_id)
    if until is not None:
        query = query.where(col(Occurrence.due) <= until)
    if scope is not None:
        query = query.where(col(Activity.id).in_(scope))
    query = query.order_by(col(Occurrence.due), col(Activity.position), col(Occurrence.id))
    if limit is not None:
        query = query.offset(offset).limit(limit)
    items = []
    for occurrence, activity, section in session.execute(query):
        assert occurrence.due is not None
        items.append(DueItem(
            ref=occurrence_ref(activity.roadmap_id, activity.code, occurrence.period),
            activity_ref=activity_ref(activity.roadmap_id, activity.code), code=activity.code,
            title=activity.title, period=occurrence.period, due=occurrence.due,
            state=occurrence.state, responsible=tuple(json.loads(activity.executors)),
            section=section.heading if section else "", days=(occurrence.due - as_of).days))
    return items


def count_open(session: Session, until: date | None, scope: Scope | None,
               since: date | None = None) -> int:
    """How many open occurrences are due by ``until`` (and from ``since``)."""
    from sqlalchemy import func

    query = (select(func.count()).select_from(Occurrence)
             .join(Activity, col(Activity.id) == col(Occurrence.activity_id))
             .where(col(Occurrence.state).in_(OPEN_STATES), col(Occurrence.due).is_not(None)))
    if until is not None:
        query = query.where(col(Occurrence.due) <= until)
    if since is not None:
        query = query.where(col(Occurrence.due) >= since)
    if scope is not None:
        query = query.where(col(Activity.id).in_(scope))
    return int(session.exec(query).one())


def page_agenda(db: Database, login: str | None, as_of: date, days: int, page: int = 1,
                size: int = 50) -> dict[str, Any]:
    """A page of the agenda (by due date, grouped by executor on the page), with the counts
    first: overdue, and due within ``days``."""
    if days < 0:
        raise KartaError("--days не может быть отрицательным")
    with db.reading() as session:
        person = acting_person(session, login)
        scope = visible_activities(session, person)
        until = as_of + timedelta(days=days)
        total = count_open(session, until, scope)
        late = count_open(session, as_of - timedelta(days=1), scope)
        pages = max(1, -(-total // size))
        page = min(max(page, 1), pages)
        items = open_items(session, as_of, until=until, scope=scope,
                           offset=(page - 1) * size, limit=size)
    groups: dict[str, list[DueItem]] = {}
    for item in items:
        for name in item.responsible or ("Ответственный не указан",):
            groups.setdefault(name, []).append(item)
    return {"groups": dict(sorted(groups.items())), "total": total, "overdue": late,
            "soon": total - late, "page": page, "pages": pages}


def overdue(db: Database, login: str | None, as_of: date,
            roadmap_id: int | None = None, limit: int | None = None) -> list[DueItem]:
    """Open occurrences whose due date has passed (the first ``limit`` of them)."""
    with db.reading() as session:
        person = acting_person(session, login)
        return open_items(session, as_of, roadmap_id, as_of - timedelta(days=1),
                          visible_activities(session, person), limit=limit)


def agenda(db: Database, login: str | None, as_of: date, days: int,
           executor: str | None = None) -> dict[str, list[DueItem]]:
    """Overdue and due within ``days``, grouped by executor (an occurrence with several
    executors is listed under each); ``executor`` keeps the groups whose name contains it."""
    if days < 0:
        raise KartaError("--days не может быть отрицательным")
    with db.reading() as session:
        person = acting_person(session, login)
        items = open_items(session, as_of, until=as_of + timedelta(days=days),
                           scope=visible_activities(session, person))
    groups: dict[str, list[DueItem]] = {}
    for item in items:
        for name in item.responsible or ("Ответственный не указан",):
            if executor and executor.lower() not in name.lower():
                continue
            groups.setdefault(name, []).append(item)
    return dict(sorted(groups.items()))


# ----------------------------------------------------------------------------- calendar

def calendar_ics(db: Database, login: str | None, ref: str | None) -> bytes:
    """RFC 5545: one all-day event per dated occurrence of a roadmap (or, without ``ref``,
    of every roadmap the person sees), with reminders a week and a day before; UIDs are
    stable so a re-import updates events instead of doubling them."""
    from icalendar import Alarm, Calendar, Event

    with db.reading() as session:
        person = acting_person(session, login)
        roadmap = resolve(session, ref).roadmap if ref else None
        org = organisation(session)
        titles = {r.id: r.title for r in session.exec(select(Roadmap))}
        query = (select(Occurrence, Activity)
                 .join(Activity, col(Activity.id) == col(Occurrence.activity_id))
                 .where(col(Occurrence.due).is_not(None)))
        if roadmap is not None:
            query = query.where(Activity.roadmap_id == roadmap.id)
        scope = visible_activities(session, person)
        if scope is not None:
            query = query.where(col(Activity.id).in_(scope))
        rows = list(session.execute(query.order_by(col(Occurrence.due),
                                                   col(Activity.position))))
    calendar = Calendar()
    calendar.add("prodid", "-//karta//дорожные карты//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = f"{roadmap_ref(roadmap.id or 0)}: {roadmap.title}" if roadmap else \
        f"Сроки дорожных карт: {person.full_name or person.login}"
    calendar.add("x-wr-calname", name[:250])
    calendar.add("x-wr-timezone", org.timezone)
    stamp = datetime(2000, 1, 1)  # stable output: the file changes only when the data does
    for occurrence, activity in rows:
        ref_text = occurrence_ref(activity.roadmap_id, activity.code, occurrence.period)
        event = Event()
        event.add("uid", f"{ref_text}@karta-{org.id}")
        event.add("dtstamp", stamp)
        event.add("dtstart", occurrence.due)
        event.add("dtend", occurrence.due + timedelta(days=1))
        event.add("summary", f"{activity.code}. {activity.title}"[:250])
        executors = ", ".join(json.loads(activity.executors))
        event.add("description", f"Дорожная карта: {titles.get(activity.roadmap_id, '')}\n"
                                 f"Исполнение: {ref_text}\n"
                                 f"Сроки: {activity.deadline_text}\nОтветственные: {executors}\n"
                                 f"Состояние: {state_label(occurrence.state)}")
        event.add("categories", ["karta", roadmap_ref(activity.roadmap_id)])
        event.add("transp", "TRANSPARENT")
        for days, text in ((7, "через неделю"), (1, "завтра")):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Срок {text}: {activity.code}. {activity.title}"[:250])
            alarm.add("trigger", timedelta(days=-days))
            event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
