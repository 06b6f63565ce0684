"""What a person may see and touch.

One database may hold a whole region. A person acts within their organisation: clerks,
heads, auditors and administrators see all of it; an executor only the activities their
unit is linked to, and the occurrences, documents and history of those; a regional auditor
(``region_auditor``) reads every organisation. ``acting_person`` records the organisation
in the session (``session.info``) so that references (``resolve``), numbering, templates and
the log follow it. Every reading service checks this, so no front end can show more (a
guessed URL or reference of another organisation is simply not found; of another unit,
refused and logged).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import false
from sqlmodel import Session, col, select

from registry.people import roles_of
from registry.tables import Activity, ActivityUnit, Person, Roadmap, Unit
from registry.units import unit_activity_filter
from workflow.errors import PermissionDenied

WHOLE_ORGANISATION = {"admin", "clerk", "head", "auditor"}


def region_wide(person: Person) -> bool:
    return "region_auditor" in roles_of(person)


# a sub-query of activity ids (``col(Activity.id).in_(scope)``)
Scope = Any


def visible_activities(session: Session, person: Person) -> Scope | None:
    """The activities a person may see as a sub-query of their ids, for ``IN (…)`` in the
    query that lists them (the database joins it on its indexes; a list of ids sent with
    every query was a sixth of the web server's time at region size), or None for all."""
    if region_wide(person):
        return None
    own = select(Activity.id).join(Roadmap, col(Roadmap.id) == col(Activity.roadmap_id)).where(
        col(Roadmap.organisation_id) == person.organisation_id)
    if WHOLE_ORGANISATION & set(roles_of(person)):
        return own
    unit = session.get(Unit, person.unit_id) if person.unit_id else None
    if unit is None:
        return select(Activity.id).where(false())
    return select(ActivityUnit.activity_id).where(unit_activity_filter(unit),
                                                  col(ActivityUnit.activity_id).in_(own))


def roadmap_scope(session: Session, person: Person) -> set[int] | None:
    """The roadmap ids a person may see (their organisation's; an executor's, those holding
    a visible activity), or None for all."""
    if region_wide(person):
        return None
    if WHOLE_ORGANISATION & set(roles_of(person)):
        return {roadmap_id for roadmap_id in session.exec(select(Roadmap.id).where(
            Roadmap.organisation_id == person.organisation_id)) if roadmap_id is not None}
    scope = visible_activities(session, person)
    assert scope is not None
    return set(session.exec(select(Activity.roadmap_id).where(col(Activity.id).in_(scope))))


def in_organisation(session: Session, roadmap: Roadmap) -> bool:
    """Whether a roadmap belongs to the organisation the session acts within (a regional
    auditor's session sees every organisation's)."""
    if session.info.get("region_wide"):
        return True
    wanted = session.info.get("organisation_id")
    return wanted is None or roadmap.organisation_id == wanted


def require_visible(session: Session, person: Person, activity_id: int | None,
                    what: str) -> None:
    """Refuse (logged) a person who may not see this activity's records."""
    scope = visible_activities(session, person)
    if scope is None or (activity_id is not None and session.exec(select(Activity.id).where(
            col(Activity.id) == activity_id, col(Activity.id).in_(scope))).first() is not None):
        return
    raise PermissionDenied(person.login, "read", ("clerk", "head", "auditor"), roles_of(person),
                           reason=f"«{what}» не относится к вашему подразделению")
