"""Organisation scope enforced below the use cases.

One database may hold a region: a ministry and its departments. ``acting_person`` records in
the session whose organisation it acts within (``session.info["organisation_id"]``); from
then on every ORM query of the session — selects, ``session.get``, ORM updates and deletes —
gets the organisation's filter added here, for every table that carries an
``organisation_id`` and for the rows reached through a person (tokens, browser sessions).
A use case that forgets to filter therefore finds nothing of another organisation, rather
than someone else's people, tokens, rules or documents.

A regional auditor's *reading* session reads across organisations (the consolidated views);
any session that writes stays inside the writer's own organisation, whatever their roles.
Rows whose ``organisation_id`` is NULL are shared defaults where that means something (the
region's template versions and document rules) and belong to no organisation elsewhere.

On PostgreSQL the same rule is a second wall in the database (row-level security, see
``registry.pgroles``); here it is the first, on both databases.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlmodel import col

from registry import tables

# tables whose NULL organisation means «the region's defaults, seen by everyone»
SHARED_DEFAULTS: tuple[type[Any], ...] = (tables.TemplateVersion, tables.TemplateRule)
# tables of an organisation's own rows: only its own are ever seen
OWN_ROWS: tuple[type[Any], ...] = (
    tables.Unit, tables.Person, tables.Roadmap, tables.UnitAlias, tables.HistoryEvent,
    tables.JournalCounter, tables.Document, tables.DraftRevision, tables.Visa, tables.Job,
    tables.Upload, tables.Assignment, tables.Notification, tables.MailSettings,
    tables.Substitution, tables.Indicator, tables.IndicatorValue, tables.Acquaintance,
    tables.Comment,
)
# rows that belong to a person, and so to the person's organisation
THROUGH_PERSON: tuple[type[Any], ...] = (tables.ApiToken, tables.WebSession,
                                         tables.NotificationChoice)


def scope_of(session: Session) -> int | None:
    """The organisation a session is confined to, or None (nobody acts yet, or a regional
    auditor reading across organisations)."""
    organisation = session.info.get("organisation_id")
    if organisation is None:
        return None
    if session.info.get("region_wide") and not session.info.get("writing"):
        return None
    return int(organisation)


@lru_cache(maxsize=256)
def _criteria(organisation: int) -> tuple[Any, ...]:
    """The filters of one organisation, built once: building them (16 lambda criteria)
    cost more than many of the statements they are added to."""
    options = [with_loader_criteria(cls, lambda c: c.organisation_id == organisation,
                                    include_aliases=True, track_closure_variables=True)
               for cls in OWN_ROWS]
    options += [with_loader_criteria(cls, lambda c: or_(c.organisation_id.is_(None),
                                                        c.organisation_id == organisation),
                                     include_aliases=True, track_closure_variables=True)
                for cls in SHARED_DEFAULTS]
    options += [with_loader_criteria(cls, lambda c: c.person_id.in_(
        select(col(tables.Person.id)).where(col(tables.Person.organisation_id) == organisation)),
                                     include_aliases=True, track_closure_variables=True)
                for cls in THROUGH_PERSON]
    return tuple(options)


@event.listens_for(Session, "do_orm_execute")
def _confine(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        return  # the parent row was already found within the scope
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("karta_across_organisations"):
        return  # a deliberate, reviewed exception (verify reads the whole chain)
    organisation = scope_of(state.session)
    if organisation is not None:
        state.statement = state.statement.options(*_criteria(organisation))
