"""What people look at every week: their tasks by role, and a roadmap as a matrix of
activities × years with each occurrence's state — the picture a head wants."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from documents import russian
from registry.database import Database
from registry.people import acting_person, names_of, organisation, roles_of, today_in
from registry.scope import Scope, roadmap_scope, visible_activities
from registry.tables import Activity, Assignment, Document, Occurrence, Roadmap, Section, Unit
from workflow.assignments import OWING, assignment_state_label
from workflow.errors import PermissionDenied, UnknownReference
from workflow.machine import occurrence_machine, state_label
from workflow.refs import occurrence_ref, roadmap_ref

OPEN = occurrence_machine().open_states  # planned, in progress
SOON_DAYS = 30
LIST_LIMIT = 50


@dataclass
class TaskGroup:
    """One list on a person's home page."""

    key: str
    title: str
    hint: str
    items: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0


def _item(activity: Activity, occurrence: Occurrence, today: date) -> dict[str, Any]:
    due = occurrence.due
    return {
        "ref": occurrence_ref(activity.roadmap_id, activity.code, occurrence.period),
        "roadmap": roadmap_ref(activity.roadmap_id), "code": activity.code,
        "title": activity.title, "period": occurrence.period,
        "period_text": russian.period_text(occurrence.period), "due": due,
        "days": (due - today).days if due else None, "state": occurrence.state,
        "state_label": state_label(occurrence.state), "executors": activity.executors_text,
    }


def _occurrences(session: Session, scope: Scope | None, *conditions: Any,
                 order: Any = None) -> tuple[list[dict[str, Any]], int]:
    """Occurrences matching the conditions within the scope: the first ones and the count."""
    today = today_in(session)
    query = select(Activity, Occurrence).join(
        Occurrence, col(Occurrence.activity_id) == col(Activity.id)).where(*conditions)
    counting = select(func.count()).select_from(Occurrence).join(
        Activity, col(Occurrence.activity_id) == col(Activity.id)).where(*conditions)
    if scope is not None:
        query = query.where(col(Activity.id).in_(scope))
        counting = counting.where(col(Activity.id).in_(scope))
    ordered = query.order_by(order if order is not None else col(Occurrence.due),
                             col(Activity.position)).limit(LIST_LIMIT)
    items = [_item(a, o, today) for a, o in session.exec(ordered)]
    return items, int(session.exec(counting).one())


def _assignment_group(session: Session, key: str, title: str, hint: str, today: date,
                      *conditions: Any) -> TaskGroup:
    """Assignments matching the conditions (the session is confined to the organisation),
    as items of the task lists: the occurrence, with the executor named."""
    query = select(Assignment, Activity, Occurrence).join(
        Occurrence, col(Assignment.occurrence_id) == col(Occurrence.id)).join(
        Activity, col(Occurrence.activity_id) == col(Activity.id)).where(*conditions)
    counting = select(func.count()).select_from(Assignment).where(*conditions)
    items = []
    for assignment, activity, occurrence in session.exec(
            query.order_by(col(Assignment.due), col(Assignment.id)).limit(LIST_LIMIT)):
        item = _item(activity, occurrence, today)
        item.update({"executors": assignment.executor, "state": assignment.state,
                     "state_label": assignment_state_label(assignment.state),
                     "due": assignment.due,
                     "days": (assignment.due - today).days if assignment.due else None})
        items.append(item)
    return TaskGroup(key, title, hint, items, int(session.exec(counting).one()))


def my_tasks(db: Database, login: str | None, today: date) -> dict[str, Any]:
    """The home page: what needs this person, by their roles."""
    with db.reading() as session:
        person = acting_person(session, login)
        roles = set(roles_of(person))
        scope = visible_activities(session, person)
        unit = session.get(Unit, person.unit_id) if person.unit_id else None
        soon = today + timedelta(days=SOON_DAYS)
        month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - \
            timedelta(days=1)
        groups: list[TaskGroup] = []

        def add(key: str, title: str, hint: str, *conditions: Any) -> None:
            items, count = _occurrences(session, scope, *conditions)
            groups.append(TaskGroup(key, title, hint, items, count))

        if "executor" in roles and not roles & {"clerk", "head"}:
            if person.unit_id is not None:
                groups.append(_assignment_group(
                    session, "assignments", "Задания моему подразделению",
                    "представьте отчёт до срока; возвращённые — доработайте",
                    today, col(Assignment.unit_id) == person.unit_id,
                    col(Assignment.state).in_(OWING)))
            add("mine", "В работе у моего подразделения", "представьте отчёт до срока",
                col(Occurrence.state) == "in_progress",
                ~exists().where(col(Assignment.occurrence_id) == col(Occurrence.id)))
            add("due", "Срок скоро или прошёл", f"запланированные и в работе со сроком до "
                f"{soon:%d.%m.%Y}", col(Occurrence.state).in_(OPEN), col(Occurrence.due) <= soon)
        if "clerk" in roles:
            add("start", "Начать в этом месяце", f"запланированные со сроком с "
                f"{today:%d.%m.%Y} до {month_end:%d.%m.%Y}", col(Occurrence.state) == "planned",
                col(Occurrence.due) >= today, col(Occurrence.due) <= month_end)
            add("overdue", "Просрочено", "срок прошёл, отчёта нет",
                col(Occurrence.state).in_(OPEN), col(Occurrence.due) < today)
            add("waiting", "Ожидают отчёта исполнителей", "начатые мероприятия",
                col(Occurrence.state) == "in_progress")
        if roles & {"clerk", "head"}:
            groups.append(_assignment_group(
                session, "check", "Отчёты исполнителей на проверку",
                "примите или верните на доработку", today,
                col(Assignment.state) == "reported"))
        if "head" in roles:
            from registry.visas import current_round, missing

            names = names_of(session)
            add("analyse", "Отчёты на анализ", "проведите анализ или верните на доработку",
                col(Occurrence.state) == "reported")
            zone = ZoneInfo(organisation(session).timezone)  # the day it was made, there
            drafts = list(session.exec(select(Document).where(
                Document.status == "draft", Document.journal == "orders",
                Document.organisation_id == person.organisation_id)
                .order_by(col(Document.id))))
            groups.append(TaskGroup(
                "sign", "Проекты приказов на подпись", "прочитайте и подпишите",
                [{"document": d.id, "title": d.title,
                  "created": (d.created_at if d.created_at.tzinfo else d.created_at.replace(
                      tzinfo=UTC)).astimezone(zone).date(),
                  "created_by": names.get(d.created_by, d.created_by),
                  "missing": missing(current_round(session, d.id or 0))}
                 for d in drafts[:LIST_LIMIT]], len(drafts)))
        from registry.visas import awaiting

        waiting = awaiting(session, person)
        if waiting:  # whoever a draft was sent to for a visa, whatever their role
            names = names_of(session)
            for item in waiting:
                item["created_by"] = names.get(item["created_by"], item["created_by"])
            groups.insert(0, TaskGroup("visa", "Проекты на визу",
                                       "завизируйте или верните с замечаниями",
                                       waiting[:LIST_LIMIT], len(waiting)))
        if not groups:  # an auditor or an administrator: the organisation at a glance
            add("overdue", "Просрочено по всем дорожным картам", "для сведения",
                col(Occurrence.state).in_(OPEN), col(Occurrence.due) < today)
        return {"login": person.login, "name": person.full_name or person.login,
                "roles": sorted(roles), "unit": unit.name if unit else "",
                "organisation": organisation(session).short_name
                or organisation(session).full_name,
                "groups": [group.__dict__ for group in groups], "today": today}


# ----------------------------------------------------------------------------- the matrix

def _column(occurrence: Occurrence, school_years: bool) -> int:
    start = occurrence.period_start
    if school_years and start.month < 9:
        return start.year - 1
    return start.year


_MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def chip_label(period: str) -> str:
    """A period as short as a matrix cell allows: «год», «май», «III кв.», «14.05»."""
    if len(period) == 4 or "/" in period:
        return "год"
    if "-Q" in period:
        return f"{_ROMAN.get(period[-1], period[-1])} кв."
    if len(period) == 7 and period[5:].isdigit():
        return _MONTHS[int(period[5:]) - 1] if 1 <= int(period[5:]) <= 12 else period
    if len(period) == 10:
        return f"{period[8:]}.{period[5:7]}"
    return period


def column_label(year: int, school_years: bool) -> str:
    return f"{year}/{(year + 1) % 100:02d}" if school_years else str(year)


def roadmap_matrix(db: Database, login: str | None, roadmap_id: int, today: date,
                   state: str | None = None, executor: str | None = None,
                   section: int | None = None, overdue: bool = False) -> dict[str, Any]:
    """A roadmap as rows of activities (by section) and columns of years, each cell the
    occurrences of that year with their states; filters narrow the occurrences shown, and
    the completion by section counts all of them."""
    with db.reading() as session:
        person = acting_person(session, login)
        roadmap = session.get(Roadmap, roadmap_id)
        visible = roadmap_scope(session, person)
        if roadmap is None:
            raise UnknownReference(f"R{roadmap_id}", "нет такой дорожной карты")
        if visible is not None and roadmap_id not in visible:
            raise PermissionDenied(person.login, "read", ("clerk",), roles_of(person),
                                   reason=f"дорожная карта R{roadmap_id} не относится к "
                                          "вашему подразделению")
        scope = visible_activities(session, person)
        sections = list(session.exec(select(Section).where(
            Section.roadmap_id == roadmap_id).order_by(col(Section.position))))
        query = select(Activity, Occurrence).join(
            Occurrence, col(Occurrence.activity_id) == col(Activity.id)).where(
            Activity.roadmap_id == roadmap_id)
        if scope is not None:
            query = query.where(col(Activity.id).in_(scope))
        rows = list(session.exec(query.order_by(col(Activity.position),
                                                col(Occurrence.period_start))))
    # the roadmap's years, and any other year an occurrence falls in (a dated item outside
    # the period still shows)
    found_years = {_column(o, roadmap.school_years) for _, o in rows}
    years = sorted(set(range(roadmap.first_year, roadmap.last_year + 1)) | found_years)
    by_activity: dict[int, dict[str, Any]] = {}
    chart: dict[int | None, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    needle = (executor or "").strip().lower()
    for activity, occurrence in rows:
        late = occurrence.state in OPEN and occurrence.due is not None and occurrence.due < today
        group = chart.setdefault(activity.section_id, {"total": 0, "done": 0, "cancelled": 0,
                                                       "late": 0})
        group["total"] += 1
        group["done"] += occurrence.state == "analysed"
        group["cancelled"] += occurrence.state == "cancelled"
        group["late"] += late
        counts[occurrence.state] = counts.get(occurrence.state, 0) + 1
        if (state and occurrence.state != state) or (overdue and not late) or \
                (section is not None and activity.section_id != section) or \
                (needle and needle not in activity.executors_text.lower()):
            continue
        row = by_activity.setdefault(activity.id or 0, {
            "code": activity.code, "title": activity.title,
            "executors": ", ".join(json.loads(activity.executors)),
            "deadline": activity.deadline_text, "section_id": activity.section_id,
            "cells": {year: [] for year in years},
        })
        year = _column(occurrence, roadmap.school_years)
        row["cells"].setdefault(year, []).append({
            "ref": occurrence_ref(roadmap_id, activity.code, occurrence.period),
            "period": occurrence.period, "short": chip_label(occurrence.period),
            "period_text": russian.period_text(occurrence.period), "state": occurrence.state,
            "state_label": state_label(occurrence.state), "due": occurrence.due,
            "late": late,
        })
    groups: list[dict[str, Any]] = []
    by_id = {s.id: s for s in sections}
    shown_groups: set[int | None] = set()
    for heading, section_id in [(s.heading, s.id) for s in sections] + [("", None)]:
        activities = [row for row in by_activity.values() if row["section_id"] == section_id]
        if activities:
            # the group headings above the section, outermost first, each shown once
            above: list[Section] = []
            parent = by_id[section_id].parent_id if section_id in by_id else None
            while parent in by_id and parent not in shown_groups and len(above) < 10:
                above.insert(0, by_id[parent])
                parent = by_id[parent].parent_id
            for heading_above in above:
                shown_groups.add(heading_above.id)
                groups.append({"heading": heading_above.heading, "activities": [],
                               "group": True})
            groups.append({"heading": heading, "activities": activities, "group": False})
    names = {s.id: s.heading for s in sections}
    bars = []
    for section_id, group in chart.items():
        countable = group["total"] - group["cancelled"]
        bars.append({"name": names.get(section_id, "Без раздела") if section_id else
                     "Без раздела", "percent": round(100 * group["done"] / countable)
                     if countable else 0, **group})
    return {
        "id": roadmap_id, "ref": roadmap_ref(roadmap_id), "title": roadmap.title,
        "period": f"{roadmap.first_year}–{roadmap.last_year}", "basis": roadmap.basis,
        "columns": [(year, column_label(year, roadmap.school_years)) for year in years],
        "groups": groups, "chart": bars, "counts": counts,
        "sections": [{"id": s.id, "heading": s.heading} for s in sections],
        "shown": sum(len(cells) for row in by_activity.values()
                     for cells in row["cells"].values()),
    }
