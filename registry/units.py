"""Units — schools, kindergartens, departments — as identities, not substrings.

An activity names its executors as text («МБОУ СОШ № 1», «Руководители ОУ», «МКУ «ЦБУМР»»).
At import every name is linked to a unit by its normalised form, or to a group of units
(«ОО», «Руководители ОУ» → every general-education unit), or left unlinked until a clerk
confirms what it means (``karta units map``). An executor may report on an occurrence only
when their unit is linked to the activity — «МБОУ СОШ № 1» never matches «МБОУ СОШ № 12».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from registry.database import Database
from registry.history import record
from registry.people import acting_person
from registry.state import Touch
from registry.tables import Activity, ActivityUnit, Person, Roadmap, Unit, UnitAlias
from workflow.errors import KartaError, said
from workflow.refs import activity_ref

KINDS = {
    "general": "общеобразовательная организация",
    "preschool": "дошкольная организация",
    "additional": "организация дополнительного образования",
    "department": "управление образования и его учреждения",
    "other": "иная организация",
}
NO_UNIT = "none"  # an alias saying the text names no executor unit

_GROUPS = (  # executor texts naming every unit of a kind
    ("general", re.compile(
        r"^(?:руководител\w* |директор\w* |администраци\w* )?(?:оо|оу|оош|сош|школ\w*|"
        r"общеобразовательн\w* (?:организаци|учрежден)\w*|образовательн\w* "
        r"(?:организаци|учрежден)\w*)$")),
    ("preschool", re.compile(r"^(?:руководител\w* |заведующ\w* )?(?:доо|доу|мбдоу|мдоу|"
                             r"дошкольн\w* (?:образовательн\w* )?(?:организаци|учрежден)\w*)$")),
    ("additional", re.compile(r"^(?:руководител\w* )?(?:удо|оудо|организаци\w* "
                              r"дополнительного образования)$")),
)
_KIND_OF_NAME = (
    ("preschool", re.compile(r"\b(?:доу|доо|детский сад|д/с|дошкольн)")),
    ("additional", re.compile(r"\b(?:удо|дод|дом детского|центр детского|дополнительного)")),
    ("general", re.compile(r"\b(?:сош|оош|нош|школа|гимназия|лицей|кадетск|цо)\b")),
    ("department", re.compile(r"(?:управлени|комитет|отдел|мку|методическ|цбумр|мумо|"
                              r"специалист)")),
)


def normalise(text: str) -> str:
    """The form two spellings of one unit share: lower case, «ё» as «е», no quotes, one
    space, «№1» as «№ 1»."""
    key = text.lower().replace("ё", "е")
    key = re.sub(r"[«»\"“”„'`]", "", key)
    key = re.sub(r"№\s*", "№ ", key)
    key = re.sub(r"[\s\u00a0]+", " ", key)
    return key.strip(" .,;:-")


def guess_kind(name: str) -> str:
    key = normalise(name)
    for kind, pattern in _KIND_OF_NAME:
        if pattern.search(key):
            return kind
    return "other"


def group_of(name: str) -> str:
    """The group of units a text names («ОО» → general), or ""."""
    key = normalise(name)
    for kind, pattern in _GROUPS:
        if pattern.match(key):
            return kind
    return ""


def _own(session: Session) -> int:
    from registry.people import current_organisation

    return current_organisation(session) or 0


def find_unit(session: Session, name: str) -> Unit | None:
    """The acting organisation's unit of that name (any spelling)."""
    return session.exec(select(Unit).where(col(Unit.key) == normalise(name),
                                           col(Unit.organisation_id) == _own(session))).first()


def create_unit(session: Session, name: str, kind: str) -> tuple[Unit, list[Touch]]:
    """A new unit, and the activities naming it linked to it: (unit, rows changed)."""
    unit = Unit(name=name.strip(), key=normalise(name), kind=kind,
                organisation_id=_own(session))
    session.add(unit)
    session.flush()
    return unit, [("unit", unit.id or 0), *_relink(session, unit.key)]


def unit_for_person(session: Session, name: str) -> tuple[Unit | None, list[Touch]]:
    """The unit a person is added to, created (kind guessed) when it is new; (unit, rows
    changed by creating it)."""
    if not name.strip():
        return None, []
    found = find_unit(session, name)
    if found is not None:
        return found, []
    return create_unit(session, name, guess_kind(name))


def _meaning(session: Session, name: str) -> tuple[int | None, str]:
    """What an executor text means: (unit id, group); (None, "") when nobody knows yet."""
    key = normalise(name)
    own = _own(session)
    alias = session.exec(select(UnitAlias).where(col(UnitAlias.key) == key,
                                                 col(UnitAlias.organisation_id) == own)).first()
    if alias is not None:
        return alias.unit_id, alias.unit_group
    unit = session.exec(select(Unit).where(col(Unit.key) == key,
                                           col(Unit.organisation_id) == own)).first()
    if unit is not None:
        return unit.id, ""
    group = group_of(name)
    if group:
        return None, group
    if guess_kind(name) == "department":
        return None, "department"
    return None, ""


def executor_links(session: Session, activities: list[tuple[int, list[str]]],
                   meanings: dict[str, tuple[int | None, str]] | None = None
                   ) -> list[dict[str, Any]]:
    """The rows linking the executors of activities (id, names) to units, to be written
    (every column but ``id``; ``last_event`` 0); ``meanings`` keeps what each name means
    across the calls of one import."""
    rows: list[dict[str, Any]] = []
    if meanings is None:
        meanings = {}  # a roadmap names few bodies, often
    for activity_id, names in activities:
        for name in dict.fromkeys(n for n in names if n.strip()):
            if name not in meanings:
                meanings[name] = _meaning(session, name)
            unit_id, group = meanings[name]
            rows.append({"activity_id": activity_id, "name": name, "unit_id": unit_id,
                         "unit_group": group, "last_event": 0})
    return rows


def may_report(session: Session, person: Person, activity: Activity) -> bool:
    """True when the person's unit is linked to the activity, itself or through a group."""
    if person.unit_id is None:
        return False
    unit = session.get(Unit, person.unit_id)
    if unit is None:
        return False
    found = session.exec(select(ActivityUnit.id).where(
        col(ActivityUnit.activity_id) == activity.id,
        or_(col(ActivityUnit.unit_id) == unit.id,
            (col(ActivityUnit.unit_group) == unit.kind) & (unit.kind != "other")))).first()
    return found is not None


def unit_activity_filter(unit: Unit) -> Any:
    """A WHERE clause on ActivityUnit selecting the links that reach this unit."""
    return or_(col(ActivityUnit.unit_id) == unit.id,
               (col(ActivityUnit.unit_group) == unit.kind) & (unit.kind != "other"))


# ----------------------------------------------------------------------------- commands

@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    kind: str
    people: int

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "kind": self.kind,
                "kind_label": KINDS.get(self.kind, self.kind), "people": self.people}


def add_unit(db: Database, actor: str | None, name: str, kind: str) -> UnitInfo:
    """Register a unit; its normalised name must be new."""
    if kind not in KINDS:
        raise KartaError(f"неизвестный вид подразделения «{kind}»; виды: {', '.join(KINDS)}")
    if not normalise(name):
        raise KartaError("укажите наименование подразделения")
    with db.transaction() as session:
        author = acting_person(session, actor, "unit_add")
        if find_unit(session, name) is not None:
            raise KartaError(f"подразделение «{name}» уже есть")
        unit, touches = create_unit(session, name, kind)
        record(session, login=author.login, object_ref=f"подразделение {unit.id}",
               event="unit_add", comment=f"{unit.name} ({KINDS[kind]})", touches=touches)
        return UnitInfo(unit.id or 0, unit.name, unit.kind, 0)


def list_units(db: Database, actor: str | None) -> list[UnitInfo]:
    with db.reading() as session:
        acting_person(session, actor)
        counts: dict[int, int] = {}
        for unit_id in session.exec(select(Person.unit_id)):
            if unit_id is not None:
                counts[unit_id] = counts.get(unit_id, 0) + 1
        return [UnitInfo(u.id or 0, u.name, u.kind, counts.get(u.id or 0, 0))
                for u in session.exec(select(Unit).where(
                    col(Unit.organisation_id) == _own(session)).order_by(col(Unit.name)))]


def unmatched(db: Database, actor: str | None) -> list[dict[str, object]]:
    """Executor texts no unit or group is linked to yet, with the activities naming them."""
    with db.reading() as session:
        acting_person(session, actor)
        rows = session.execute(
            select(ActivityUnit.name, Activity.roadmap_id, Activity.code)
            .join(Activity, col(Activity.id) == col(ActivityUnit.activity_id))
            .join(Roadmap, col(Roadmap.id) == col(Activity.roadmap_id))
            .where(col(ActivityUnit.unit_id).is_(None), col(ActivityUnit.unit_group) == "",
                   col(Roadmap.organisation_id) == _own(session))
            .order_by(col(ActivityUnit.name)))
        names: dict[str, str] = {}
        refs: dict[str, list[str]] = {}
        for name, roadmap_id, code in rows:
            key = normalise(name)
            names.setdefault(key, name)
            refs.setdefault(key, []).append(activity_ref(roadmap_id, code))
        return [{"name": names[key], "activities": refs[key]} for key in names]


def map_executor(db: Database, actor: str | None, text: str, unit_name: str | None = None,
                 group: str | None = None) -> int:
    """Confirm what an executor text means — a unit, a group of units, or nobody
    (``group="none"``) — for existing and future imports; returns the links changed."""
    if (unit_name is None) == (group is None):
        raise KartaError("укажите подразделение или группу" + said(" (--group)"))
    if group is not None and group not in (*KINDS, NO_UNIT):
        raise KartaError(f"неизвестная группа «{group}»; группы: {', '.join(KINDS)}, none")
    key = normalise(text)
    if not key:
        raise KartaError("укажите текст исполнителя, как в дорожной карте")
    with db.transaction() as session:
        author = acting_person(session, actor, "unit_map")
        unit_id = None
        if unit_name is not None:
            unit = find_unit(session, unit_name)
            if unit is None:
                raise KartaError(f"нет подразделения «{unit_name}»"
                                 + said(" (karta units list; добавьте: karta units add)"))
            unit_id = unit.id
        session.execute(delete(UnitAlias).where(col(UnitAlias.key) == key,
                                                col(UnitAlias.organisation_id) == _own(session)))
        alias = UnitAlias(key=key, unit_id=unit_id, unit_group=group or "",
                          organisation_id=_own(session))
        session.add(alias)
        session.flush()
        touches = _relink(session, key)
        meaning = unit_name or (KINDS.get(group or "", "не исполнитель"))
        record(session, login=author.login, object_ref=f"исполнитель «{text}»",
               event="unit_map", comment=f"«{text}» → {meaning}",
               touches=[("unit_alias", alias.id or 0), *touches])
        return len(touches)


def _relink(session: Session, key: str) -> list[Touch]:
    """Bring every link whose text has this normalised form in line with what it means."""
    touches: list[Touch] = []
    own = select(Activity.id).join(Roadmap, col(Roadmap.id) == col(Activity.roadmap_id)).where(
        col(Roadmap.organisation_id) == _own(session))
    for link in session.exec(select(ActivityUnit).where(
            col(ActivityUnit.activity_id).in_(own))):
        if normalise(link.name) != key:
            continue
        unit_id, group = _meaning(session, link.name)
        if (link.unit_id, link.unit_group) != (unit_id, group):
            link.unit_id, link.unit_group = unit_id, group
            session.add(link)
            touches.append(("activity_unit", link.id or 0))
    return touches
