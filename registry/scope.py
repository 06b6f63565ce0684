"""What a person may see. Clerks, heads, auditors and administrators see the whole
organisation; an executor sees only the activities their unit is linked to, and the
occurrences, documents and history of those. Every reading service checks it, so no front
end can show more (a guessed URL or reference is refused, and the refusal is logged)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from registry.people import roles_of
from registry.tables import Activity, ActivityUnit, Person, Unit
from registry.units import unit_activity_filter
from workflow.errors import PermissionDenied

WHOLE_ORGANISATION = {"admin", "clerk", "head", "auditor"}


def activity_scope(session: Session, person: Person) -> set[int] | None:
    """The activity ids a person may see, or None for all of them."""
    if WHOLE_ORGANISATION & set(roles_of(person)):
        return None
    unit = session.get(Unit, person.unit_id) if person.unit_id else None
    if unit is None:
        return set()
    return {activity_id for activity_id in session.exec(
        select(ActivityUnit.activity_id).where(unit_activity_filter(unit)))}


def roadmap_scope(session: Session, person: Person) -> set[int] | None:
    """The roadmap ids a person may see (those holding a visible activity), or None."""
    scope = activity_scope(session, person)
    if scope is None:
        return None
    if not scope:
        return set()
    return set(session.exec(select(Activity.roadmap_id).where(col(Activity.id).in_(scope))))


def require_visible(session: Session, person: Person, activity_id: int | None,
                    what: str) -> None:
    """Refuse (logged) a person who may not see this activity's records."""
    scope = activity_scope(session, person)
    if scope is None or (activity_id is not None and activity_id in scope):
        return
    raise PermissionDenied(person.login, "read", ("clerk", "head", "auditor"), roles_of(person),
                           reason=f"«{what}» не относится к вашему подразделению")
