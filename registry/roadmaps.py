"""Roadmaps in the database: storing an import whole, listing, and resolving references."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from documents.russian import period_text
from registry.database import Database
from registry.people import acting_person, current_organisation
from registry.scope import in_organisation, roadmap_scope, visible_activities
from registry.tables import Activity, Occurrence, Roadmap, Section
from workflow.collection import collection_paused
from workflow.deadlines import expand
from workflow.errors import KartaError, UnknownReference, said
from workflow.machine import occurrence_machine
from workflow.refs import Ref, activity_ref, occurrence_ref, parse_ref, roadmap_ref
from workflow.roadmap import RoadmapDraft

if TYPE_CHECKING:
    from workflow.importing import Period


@dataclass
class ImportResult:
    """What ``karta import`` reports."""

    roadmap: int
    title: str
    period: str
    sections: int
    activities: int
    occurrences: int
    flagged: list[str] = field(default_factory=list)
    skipped: list[dict[str, object]] = field(default_factory=list)
    lines: dict[str, object] = field(default_factory=dict)  # RoadmapDraft.accounting()
    repairs: list[dict[str, object]] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)  # the codes of those adopted
    warnings: list[str] = field(default_factory=list)
    approval: dict[str, object] | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "roadmap": self.roadmap, "ref": roadmap_ref(self.roadmap), "title": self.title,
            "period": self.period, "sections": self.sections, "activities": self.activities,
            "occurrences": self.occurrences, "flagged_deadlines": self.flagged,
            "skipped": self.skipped, "lines": self.lines, "repairs": self.repairs,
            "warnings": self.warnings, "approval": self.approval,
            "indicators": self.indicators,
        }


def preview_import(db: Database, path: Path, login: str | None,
                   period: Period | None = None, title: str | None = None,
                   source_name: str | None = None) -> dict[str, Any]:
    """What an import would create, without writing anything (``import --dry-run`` and the
    web's preview): sections, activities with how each deadline phrase is read or why it
    is flagged and the repairs made on each, parts skipped with reasons, what became of
    every line of the file (``lines``: counts that sum to its total; ``line_roles``: one
    entry per line), warnings, the appendix stamp, whether this file is already imported,
    and the indicators the roadmap seems to name (``indicators``: plain dicts of
    ``IndicatorProposal.as_dict()`` with ``targets_text`` and ``origin_text`` for reading;
    ``indicator_notes``:
    what proposing left out) — proposals only, nothing is stored."""
    with collection_paused():
        return _preview(db, path, login, period, title, source_name)


def _preview(db: Database, path: Path, login: str | None, period: Period | None,
             title: str | None, source_name: str | None) -> dict[str, Any]:
    with db.reading() as session:
        acting_person(session, login, "import")
        from workflow.importing import Period, read_roadmap  # only where one is read

        draft = read_roadmap(path, period, title)
        if source_name:
            draft.source_name = source_name
        same = session.exec(select(Roadmap).where(
            Roadmap.source_sha256 == draft.source_sha256,
            Roadmap.organisation_id == current_organisation(session))).first()
    depths = section_depths([(s.code, s.parent) for s in draft.sections])
    from workflow.importing.indicators import describe_origin, describe_targets, propose

    proposals = propose(draft)
    activities = []
    counts: dict[str, int] = {}  # occurrences by deadline phrase: a roadmap repeats a few
    for activity in draft.activities:
        schedule = activity.schedule
        if activity.deadline_text not in counts:
            counts[activity.deadline_text] = len(expand(
                schedule, draft.first_year, draft.last_year, draft.school_years))
        activities.append({
            "code": activity.code, "title": activity.title, "section": activity.section_code,
            "deadline_text": activity.deadline_text, "deadline_kind": schedule.kind,
            "flagged": schedule.flagged, "problem": schedule.problem or "",
            "occurrences": counts[activity.deadline_text], "executors": activity.executors,
            "planned_result": activity.planned_result, "line": activity.line,
            "repairs": activity.repairs,
        })
    return {
        "title": draft.title, "source": draft.source_name,
        "period": Period(draft.first_year, draft.last_year, draft.school_years).label,
        "sections": [{"code": s.code, "heading": s.heading, "title": s.title,
                      "parent": s.parent, "depth": depths[s.code], "line": s.line}
                     for s in draft.sections],
        "activities": activities, "skipped": [part.as_dict() for part in draft.skipped],
        "occurrences": sum(a["occurrences"] for a in activities),
        "flagged": sum(1 for a in activities if a["flagged"]),
        "lines": draft.accounting(),
        "line_roles": [line.as_dict() for line in draft.lines],
        "repairs": [repair.as_dict() for repair in draft.repairs],
        "warnings": draft.warnings,
        "approval": draft.approval.as_dict() if draft.approval else None,
        "already": {"ref": roadmap_ref(same.id or 0),
                    "at": same.imported_at.date().isoformat()} if same else None,
        "indicators": [proposal.as_dict() | {
            "targets_text": describe_targets(proposal.targets, proposal.unit),
            "origin_text": describe_origin(proposal.origin, proposal.activity_codes),
        } for proposal in proposals.items],
        "indicator_notes": proposals.notes,
    }


def section_depths(sections: list[tuple[str, str | None]]) -> dict[str, int]:
    """How deep each section (code, parent code) sits in the tree of groups: 0 at the top."""
    parents = dict(sections)
    depths: dict[str, int] = {}
    for code, _ in sections:
        depth, at, seen = 0, parents.get(code), {code}
        while at is not None and at in parents and at not in seen:  # never a loop
            seen.add(at)
            depth += 1
            at = parents.get(at)
        depths[code] = depth
    return depths


def import_roadmap(db: Database, path: Path, login: str | None,
                   period: Period | None = None, title: str | None = None,
                   again: bool = False, source_name: str | None = None,
                   indicators: Sequence[Mapping[str, Any]] = ()) -> ImportResult:
    """Read a roadmap file and store it in one transaction: whole or not at all. The same
    file twice is refused unless ``again`` (a second roadmap from it is then wanted).
    ``source_name`` is the file's name as the user knows it (an upload's original name).
    ``indicators`` are the proposed indicators the clerk chose in the preview (by number,
    with a code and name of their own if given): created in the same transaction."""
    with db.reading() as session:
        acting_person(session, login, "import")  # refuse an unknown user before reading anything
    with collection_paused():
        return _import(db, path, login, period, title, again, source_name, indicators)


def _import(db: Database, path: Path, login: str | None, period: Period | None,
            title: str | None, again: bool, source_name: str | None,
            indicators: Sequence[Mapping[str, Any]] = ()) -> ImportResult:
    from workflow.importing import read_roadmap

    draft = read_roadmap(path, period, title)
    if source_name:
        draft.source_name = source_name
    with db.transaction() as session:
        person = acting_person(session, login, "import")
        if not again:
            same = session.exec(select(Roadmap).where(
                Roadmap.source_sha256 == draft.source_sha256,
                Roadmap.organisation_id == person.organisation_id)).first()
            if same is not None:
                raise KartaError(f"{path.name}: этот файл уже импортирован как "
                                 f"{roadmap_ref(same.id or 0)} ({same.imported_at:%d.%m.%Y}); "
                                 "повторный импорт нужно подтвердить"
                                 + said(" (--again)", " (отметьте «импортировать повторно»)"))
        result = _store(session, db, draft, path, person.login)
        if indicators:
            from registry.indicators import adopt_proposals
            from workflow.importing.indicators import propose

            adopted = adopt_proposals(session, person, result.roadmap, propose(draft).items,
                                      indicators)
            result.indicators = [info.code for info in adopted]
        return result


def _store(session: Session, db: Database, draft: RoadmapDraft, path: Path,
           login: str) -> ImportResult:
    from registry.imports import store_draft
    from workflow.importing import Period

    stored = store_draft(session, db, draft, path, login)
    return ImportResult(
        roadmap=stored.roadmap, title=draft.title,
        period=Period(draft.first_year, draft.last_year, draft.school_years).label,
        sections=len(draft.sections), activities=len(draft.activities),
        occurrences=stored.occurrences, flagged=stored.flagged,
        skipped=[part.as_dict() for part in draft.skipped],
        lines=draft.accounting(), repairs=[repair.as_dict() for repair in draft.repairs],
        warnings=draft.warnings,
        approval=draft.approval.as_dict() if draft.approval else None,
    )


# ----------------------------------------------------------------------------- resolving

@dataclass(frozen=True)
class Resolved:
    """What a reference names: a roadmap, and maybe an activity and one occurrence."""

    ref: str
    roadmap: Roadmap
    activity: Activity | None = None
    occurrence: Occurrence | None = None


_OCCURRENCE_ANYWHERE = (
    select(Roadmap, Activity, Occurrence)
    .join(Activity, col(Activity.roadmap_id) == col(Roadmap.id))
    .join(Occurrence, col(Occurrence.activity_id) == col(Activity.id))
    .where(col(Activity.code) == bindparam("code"), col(Occurrence.period) == bindparam("period"))
)
_OCCURRENCE_IN_ROADMAP = _OCCURRENCE_ANYWHERE.where(
    col(Activity.roadmap_id) == bindparam("roadmap"))


def resolve(session: Session, text: str) -> Resolved:
    """Find what a REF names; raise ``UnknownReference`` with the reason otherwise."""
    ref = parse_ref(text)
    if ref.is_roadmap:
        roadmap = session.get(Roadmap, ref.roadmap)
        if roadmap is None or not in_organisation(session, roadmap):
            raise UnknownReference(text, "нет такой дорожной карты" + said(" (karta roadmaps)"))
        return Resolved(roadmap_ref(roadmap.id or 0), roadmap)
    if ref.period is not None:
        # the common case (every transition): one prepared query for all three
        query = _OCCURRENCE_IN_ROADMAP if ref.roadmap is not None else _OCCURRENCE_ANYWHERE
        rows = [row for row in session.execute(query, {"code": ref.code, "period": ref.period,
                                                       "roadmap": ref.roadmap}).all()
                if in_organisation(session, row[0])]
        if len(rows) == 1:
            roadmap, activity, occurrence = rows[0]
            return Resolved(occurrence_ref(roadmap.id, activity.code, occurrence.period),
                            roadmap, activity, occurrence)
    activity = _find_activity(session, ref)
    roadmap = session.get(Roadmap, activity.roadmap_id)
    assert roadmap is not None and roadmap.id is not None
    if ref.period is None:
        return Resolved(activity_ref(roadmap.id, activity.code), roadmap, activity)
    occurrence = session.exec(
        select(Occurrence).where(Occurrence.activity_id == activity.id,
                                 Occurrence.period == ref.period)
    ).first()
    if occurrence is None:
        periods = session.exec(
            select(Occurrence.period).where(Occurrence.activity_id == activity.id)
            .order_by(col(Occurrence.period_start))
        ).all()
        known = ", ".join(periods) if periods else "исполнений нет"
        raise UnknownReference(text, f"у мероприятия {activity_ref(roadmap.id, activity.code)} "
                                     f"нет исполнения за «{ref.period}»; есть: {known}")
    return Resolved(occurrence_ref(roadmap.id, activity.code, occurrence.period), roadmap,
                    activity, occurrence)


def _find_activity(session: Session, ref: Ref) -> Activity:
    query = select(Activity, Roadmap).join(Roadmap, col(Roadmap.id) == col(Activity.roadmap_id)
                                           ).where(Activity.code == ref.code)
    if ref.roadmap is not None:
        query = query.where(Activity.roadmap_id == ref.roadmap)
    found = [activity for activity, roadmap in session.exec(query)
             if in_organisation(session, roadmap)]
    if not found:
        where = f"в дорожной карте R{ref.roadmap}" if ref.roadmap is not None else ""
        raise UnknownReference(ref.text, f"нет мероприятия с кодом «{ref.code}» {where}".strip())
    if len(found) > 1:
        options = ", ".join(activity_ref(a.roadmap_id, a.code) for a in found)
        raise UnknownReference(ref.text, f"неоднозначно, уточните дорожную карту: {options}")
    return found[0]


# ----------------------------------------------------------------------------- listings

def list_roadmaps(db: Database, login: str | None) -> list[dict[str, object]]:
    """Every roadmap with its counts, for ``karta roadmaps``."""
    with db.reading() as session:
        person = acting_person(session, login)
        scope = roadmap_scope(session, person)
        from sqlalchemy import func

        # two grouped queries for all roadmaps, not two per roadmap
        activities = dict(session.exec(select(Activity.roadmap_id, func.count())
                                       .group_by(col(Activity.roadmap_id))).all())
        states: dict[int, dict[str, int]] = {}
        for roadmap_id, state, count in session.exec(
                select(Activity.roadmap_id, Occurrence.state, func.count())
                .join(Occurrence, col(Occurrence.activity_id) == col(Activity.id))
                .group_by(col(Activity.roadmap_id), col(Occurrence.state))):
            states.setdefault(roadmap_id, {})[state] = count
        rows: list[dict[str, object]] = []
        for roadmap in session.exec(select(Roadmap).order_by(col(Roadmap.id))):
            if scope is not None and roadmap.id not in scope:
                continue
            own = states.get(roadmap.id or 0, {})
            rows.append({
                "id": roadmap.id, "ref": roadmap_ref(roadmap.id or 0), "title": roadmap.title,
                "period": f"{roadmap.first_year}-{roadmap.last_year}",
                "source": roadmap.source_name, "activities": activities.get(roadmap.id or 0, 0),
                "occurrences": sum(own.values()), "states": own,
                "imported_at": roadmap.imported_at.isoformat(timespec="seconds"),
                "imported_by": roadmap.imported_by, "basis": roadmap.basis,
            })
        return rows


def set_basis(db: Database, login: str | None, ref: str, text: str) -> Roadmap:
    """The legal basis the orders of a roadmap cite first («В соответствии с приказом
    Министерства … от … № … «…»»); an empty text removes it. Logged before and after."""
    from sqlalchemy import update

    from registry.history import record

    basis = " ".join(text.split()).rstrip(" ,;")
    if len(basis) > 2000:
        raise KartaError("основание длиннее 2000 знаков")
    with db.transaction() as session:
        person = acting_person(session, login, "basis")
        roadmap = resolve(session, ref).roadmap
        from registry.documents import refuse_later_citations
        from registry.people import local_today, organisation

        today = local_today(organisation(session))
        refuse_later_citations({"basis": {"text": basis}}, today,
                               f"основание приказов (сегодня {today:%d.%m.%Y})")
        before = roadmap.basis
        session.execute(update(Roadmap).where(col(Roadmap.id) == roadmap.id)
                        .values(basis=basis))
        record(session, login=person.login, object_ref=roadmap_ref(roadmap.id or 0),
               event="basis", roadmap_id=roadmap.id,
               comment=f"основание приказов: «{basis}»" if basis else
               "основание приказов удалено", details={"before": before, "after": basis},
               touches=[("roadmap", roadmap.id or 0)])
        session.refresh(roadmap)
        return roadmap


def list_activities(db: Database, login: str | None, roadmap_id: int | None = None,
                    state: str | None = None,
                    overdue_as_of: date | None = None) -> list[dict[str, object]]:
    """Activities with their occurrences, for ``karta activities``; with a state or an
    overdue date only the matching occurrences, and only activities that have some."""
    return page_activities(db, login, roadmap_id, state, overdue_as_of, size=None)["rows"]  # type: ignore[no-any-return]


def page_activities(db: Database, login: str | None, roadmap_id: int | None = None,
                    state: str | None = None, overdue_as_of: date | None = None,
                    page: int = 1, size: int | None = 50) -> dict[str, Any]:
    """A page of ``list_activities`` (``size=None``: all), with the total: one query for
    the activities of the page, one for their occurrences."""
    from sqlalchemy import exists, func

    if state is not None and state not in occurrence_machine().states:
        raise KartaError(f"неизвестное состояние «{state}»; состояния: "
                         + ", ".join(occurrence_machine().states))
    with db.reading() as session:
        person = acting_person(session, login)
        if roadmap_id is not None and session.get(Roadmap, roadmap_id) is None:
            raise UnknownReference(f"R{roadmap_id}", "нет такой дорожной карты"
                                   + said(" (karta roadmaps)"))
        matching: list[Any] = []
        if state is not None:
            matching.append(col(Occurrence.state) == state)
        if overdue_as_of is not None:
            matching += [col(Occurrence.state).in_(occurrence_machine().open_states),
                         col(Occurrence.due) < overdue_as_of]
        conditions: list[Any] = []
        scope = visible_activities(session, person)
        if scope is not None:
            conditions.append(col(Activity.id).in_(scope))
        if roadmap_id is not None:
            conditions.append(col(Activity.roadmap_id) == roadmap_id)
        if matching:
            conditions.append(exists().where(
                col(Occurrence.activity_id) == col(Activity.id), *matching))
        total = int(session.exec(select(func.count()).select_from(Activity)
                                 .where(*conditions)).one())
        pages = max(1, -(-total // size)) if size else 1
        page = min(max(page, 1), pages)
        query = select(Activity, Section).join(
            Section, isouter=True, onclause=col(Activity.section_id) == col(Section.id)
        ).where(*conditions).order_by(col(Activity.roadmap_id), col(Activity.position))
        if size:
            query = query.offset((page - 1) * size).limit(size)
        pairs = list(session.execute(query))
        ids = [activity.id for activity, _ in pairs]
        occurrences: dict[int, list[Occurrence]] = {}
        if ids:
            for occurrence in session.exec(
                    select(Occurrence).where(col(Occurrence.activity_id).in_(ids), *matching)
                    .order_by(col(Occurrence.period_start), col(Occurrence.period))):
                occurrences.setdefault(occurrence.activity_id, []).append(occurrence)
        rows = [activity_as_dict(activity, section, occurrences.get(activity.id or 0, []))
                for activity, section in pairs]
        return {"rows": rows, "total": total, "page": page, "pages": pages}


def activity_as_dict(activity: Activity, section: Section | None,
                     occurrences: list[Occurrence]) -> dict[str, object]:
    """The JSON shape of one activity in ``karta activities --json``."""
    return {
        "ref": activity_ref(activity.roadmap_id, activity.code),
        "code": activity.code,
        "section": section.heading if section else None,
        "title": activity.title,
        "deadline_text": activity.deadline_text,
        "deadline_kind": activity.deadline_kind,
        "deadline_flagged": activity.deadline_flagged,
        "responsible": json.loads(activity.executors),
        "responsible_text": activity.executors_text,
        "planned_result": activity.planned_result,
        "occurrences": [occurrence_as_dict(activity, o) for o in occurrences],
    }


def occurrence_as_dict(activity: Activity, occurrence: Occurrence) -> dict[str, object]:
    return {
        "ref": occurrence_ref(activity.roadmap_id, activity.code, occurrence.period),
        "period": occurrence.period, "period_text": period_text(occurrence.period),
        "due": occurrence.due.isoformat() if occurrence.due else None,
        "due_nominal": occurrence.due_nominal.isoformat() if occurrence.due_nominal else None,
        "state": occurrence.state,
        "version": occurrence.version,
    }
