"""Indicators in the registry (issue 22): the organisation's показатели with their targets,
the values schools and the department give for each period, and the monitoring that compares
them (``workflow.indicators`` holds the rules).

A school sees the form of the indicators it owes for a period, submits its values with
evidence (a file or a link) in one transaction, and may be returned; once the department
accepts a value it is locked — a correction is a logged decision with its basis. The
department enters its own values the same way. Every step is one event naming the rows it
changed, so ``audit verify`` proves the values present are the values logged. Values derived
from karta's own workflow (the share of schools whose reports were accepted) are computed
when read, never stored.
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from registry.database import Database, utcnow
from registry.files import read_limited
from registry.history import record
from registry.notifications import Addressed, notify
from registry.people import acting_person, require_whole_organisation, roles_of
from registry.state import Touch
from registry.tables import (
    Activity,
    Assignment,
    Indicator,
    IndicatorValue,
    Occurrence,
    Roadmap,
    Unit,
)
from registry.units import find_unit
from workflow.errors import ConcurrentUpdate, KartaError, PermissionDenied, UnknownReference, said
from workflow.indicators import (
    DIRECTIONS,
    OWED,
    ROLLUPS,
    SOURCES,
    UNITS,
    Bounds,
    SchoolValue,
    check_value,
    meets,
    parse_number,
    parse_period,
    period_label,
    round_exact,
    rounded,
    shown,
    value_machine,
    value_state_label,
)

SCHOOL_KINDS = ("general", "preschool", "additional")
MAX_INDICATORS = 500  # of one organisation
MAX_LINK = 1000
MAX_EVIDENCE_FILES = 5
_CODE = re.compile(r"^[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё._-]{0,19}$")
_LINK = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
DEPARTMENT = "управление образования"  # who gives the department's own values
# what the monitoring reads of a value (rows of columns: cheaper than objects, read-only)
VALUE_COLUMNS = tuple(col(c) for c in (
    IndicatorValue.indicator_id, IndicatorValue.period, IndicatorValue.unit_key,
    IndicatorValue.state, IndicatorValue.value, IndicatorValue.numerator,
    IndicatorValue.denominator, IndicatorValue.evidence, IndicatorValue.version))


# ----------------------------------------------------------------------------- reading

@dataclass
class IndicatorInfo:
    """An indicator as lists, forms and documents show it."""

    id: int
    code: str
    name: str
    unit: str
    direction: str
    source: str
    rollup: str
    fraction: bool
    numerator: str
    denominator: str
    threshold: str
    minimum: str
    maximum: str
    group_kind: str
    group_label: str
    units: list[int]
    activities: list[str]
    targets: dict[str, str]
    evidence: bool
    source_phrase: str
    roadmap_id: int | None
    active: bool
    version: int

    @classmethod
    def of(cls, row: Indicator) -> IndicatorInfo:
        return cls(row.id or 0, row.code, row.name, row.unit, row.direction, row.source,
                   row.rollup, row.fraction, row.numerator, row.denominator, row.threshold,
                   row.minimum, row.maximum, row.group_kind, row.group_label,
                   [int(u) for u in json.loads(row.units or "[]")],
                   [str(a) for a in json.loads(row.activities or "[]")],
                   {str(k): str(v) for k, v in json.loads(row.targets or "{}").items()},
                   row.evidence, row.source_phrase, row.roadmap_id, row.active, row.version)

    @property
    def bounds(self) -> Bounds:
        return Bounds(self.unit, parse_number(self.minimum, self.code),
                      parse_number(self.maximum, self.code), self.fraction)

    def target(self, period: str) -> Decimal | None:
        return parse_number(self.targets.get(period), self.code)

    @property
    def group(self) -> str:
        """Whose values it counts, in words."""
        if self.source == "department":
            return DEPARTMENT
        if self.group_label:
            return self.group_label
        return {"general": "общеобразовательные организации", "preschool": "дошкольные "
                "организации", "additional": "организации дополнительного образования"}.get(
            self.group_kind, "все образовательные организации")

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data.update(unit_label=UNITS.get(self.unit, self.unit),
                    direction_label=DIRECTIONS.get(self.direction, self.direction),
                    source_label=SOURCES.get(self.source, self.source),
                    rollup_label=ROLLUPS.get(self.rollup, self.rollup), group=self.group,
                    targets_shown={p: shown(parse_number(t, self.code), self.unit)
                                   for p, t in sorted(self.targets.items())})
        return data


def _own(session: Session) -> int:
    """The organisation the acting person belongs to: a regional auditor's reading session
    sees every organisation's rows, but the department's pages show its own (the region's
    view across organisations is ``registry.region_indicators``)."""
    return int(session.info.get("organisation_id") or 0)


def _indicators(session: Session, active_only: bool = True) -> list[Indicator]:
    query = select(Indicator).where(col(Indicator.organisation_id) == _own(session)) \
        .order_by(col(Indicator.id))
    if active_only:
        query = query.where(col(Indicator.active).is_(True))
    return list(session.exec(query))


def _indicator(session: Session, code: str) -> Indicator:
    wanted = (code or "").strip()
    found = session.exec(select(Indicator).where(col(Indicator.code) == wanted[:20],
                                                 col(Indicator.organisation_id) ==
                                                 _own(session))).first()
    if found is None:
        raise UnknownReference(wanted[:40] or "—", "нет такого показателя"
                               + said(" (karta indicators list)"))
    return found


def list_indicators(db: Database, login: str | None) -> list[IndicatorInfo]:
    """Every indicator of the organisation (anyone of it may read them)."""
    with db.reading() as session:
        acting_person(session, login)
        return [IndicatorInfo.of(row) for row in _indicators(session, active_only=False)]


def _schools(session: Session, info: IndicatorInfo, units: list[Unit]) -> list[Unit]:
    """The units that owe a value of a school-given indicator."""
    if info.units:
        chosen = set(info.units)
        return [unit for unit in units if unit.id in chosen]
    kinds = (info.group_kind,) if info.group_kind else SCHOOL_KINDS
    return [unit for unit in units if unit.kind in kinds]


def _units(session: Session) -> list[Unit]:
    return list(session.exec(select(Unit).where(col(Unit.organisation_id) == _own(session))
                             .order_by(col(Unit.name))))


# ----------------------------------------------------------------------------- defining

def _checked_targets(targets: Mapping[str, Any], code: str, unit: str) -> dict[str, str]:
    checked: dict[str, str] = {}
    for period, raw in targets.items():
        number = parse_number(raw, f"{code}, цель на {period}")
        if number is None:
            continue
        check_value(Bounds(unit), f"{code}, цель на {period}", number)
        checked[parse_period(str(period))] = str(number)
    return dict(sorted(checked.items()))


def add_indicator(db: Database, login: str | None, *, code: str, name: str, unit: str,
                  direction: str = "up", source: str = "schools", rollup: str = "mean",
                  fraction: bool = False, numerator: str = "", denominator: str = "",
                  threshold: str | None = None, minimum: str | None = None,
                  maximum: str | None = None, group_kind: str = "", group_label: str = "",
                  units: Iterable[str] = (), activities: Iterable[str] = (),
                  roadmap_id: int | None = None, targets: Mapping[str, Any] | None = None,
                  evidence: bool = False, source_phrase: str = "") -> IndicatorInfo:
    """Define an indicator (a clerk or an administrator): every field checked, its targets
    by period, the schools it concerns (a kind of school, or named units such as the
    schools with low results), the activities that serve it."""
    with db.transaction() as session:
        person = acting_person(session, login, "indicator_add")
        return create_indicator(
            session, person, code=code, name=name, unit=unit, direction=direction,
            source=source, rollup=rollup, fraction=fraction, numerator=numerator,
            denominator=denominator, threshold=threshold, minimum=minimum, maximum=maximum,
            group_kind=group_kind, group_label=group_label, units=units,
            activities=activities, roadmap_id=roadmap_id, targets=targets,
            evidence=evidence, source_phrase=source_phrase)


def create_indicator(session: Session, person: Any, *, code: str, name: str, unit: str,
                     direction: str = "up", source: str = "schools", rollup: str = "mean",
                     fraction: bool = False, numerator: str = "", denominator: str = "",
                     threshold: str | None = None, minimum: str | None = None,
                     maximum: str | None = None, group_kind: str = "",
                     group_label: str = "", units: Iterable[str] = (),
                     activities: Iterable[str] = (), roadmap_id: int | None = None,
                     targets: Mapping[str, Any] | None = None, evidence: bool = False,
                     source_phrase: str = "") -> IndicatorInfo:
    """An indicator created within the caller's transaction (defined by hand, or adopted
    from the proposals of a roadmap being imported), logged."""
    code = (code or "").strip()
    name = " ".join((name or "").split())
    if not _CODE.match(code):
        raise KartaError(f"код показателя «{code[:30]}»: буквы, цифры, точка или дефис, до 20 "
                         "знаков (например, П1 или 2.3)")
    if not name or len(name) > 500:
        raise KartaError(f"{code}: укажите наименование показателя (до 500 знаков)")
    for value, allowed, what in ((unit, UNITS, "единица измерения"),
                                 (direction, DIRECTIONS, "направление"),
                                 (source, SOURCES, "источник значения"),
                                 (rollup, ROLLUPS, "правило свода")):
        if value not in allowed:
            raise KartaError(f"{code}: {what} «{str(value)[:20]}» — одно из: "
                             f"{', '.join(allowed)}")
    if group_kind and group_kind not in SCHOOL_KINDS:
        raise KartaError(f"{code}: вид школ «{group_kind[:20]}» — одно из: "
                         f"{', '.join(SCHOOL_KINDS)}")
    if fraction and unit != "%":
        raise KartaError(f"{code}: числитель и знаменатель вводятся для показателя в %")
    limit = parse_number(threshold, f"{code}, порог")
    if rollup == "share_meeting" and limit is None:
        raise KartaError(f"{code}: для доли школ, достигших порога, укажите порог")
    low = parse_number(minimum, f"{code}, минимум")
    high = parse_number(maximum, f"{code}, максимум")
    if low is not None and high is not None and low > high:
        raise KartaError(f"{code}: минимум {shown(low)} больше максимума {shown(high)}")
    checked_targets = _checked_targets(targets or {}, code, unit)
    if session.exec(select(Indicator.id).where(col(Indicator.code) == code)).first():
        raise KartaError(f"показатель {code} уже есть")
    if len(_indicators(session, active_only=False)) >= MAX_INDICATORS:
        raise KartaError(f"не больше {MAX_INDICATORS} показателей в организации")
    unit_ids = []
    for unit_name in units:
        found = find_unit(session, unit_name)
        if found is None:
            raise UnknownReference(unit_name[:80], "нет такого подразделения"
                                   + said(" (karta units)"))
        unit_ids.append(found.id)
    codes = [a.strip() for a in activities if a.strip()]
    if roadmap_id is not None:
        roadmap = session.get(Roadmap, roadmap_id)
        if roadmap is None or roadmap.organisation_id != person.organisation_id:
            raise UnknownReference(str(roadmap_id), "нет такой дорожной карты")
        known = set(session.exec(select(Activity.code).where(
            col(Activity.roadmap_id) == roadmap_id)))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise UnknownReference(", ".join(unknown)[:80],
                                   f"нет таких мероприятий в дорожной карте {roadmap_id}")
    elif codes:
        raise KartaError(f"{code}: мероприятия указываются вместе с дорожной картой")
    if source == "workflow" and not codes:
        raise KartaError(f"{code}: значение по исполнению мероприятий считается по "
                         "мероприятиям — укажите их")
    row = Indicator(organisation_id=person.organisation_id, roadmap_id=roadmap_id,
                    code=code, name=name, unit=unit, direction=direction, source=source,
                    rollup=rollup, fraction=fraction, numerator=numerator.strip()[:500],
                    denominator=denominator.strip()[:500],
                    threshold=str(limit) if limit is not None else "",
                    minimum=str(low) if low is not None else "",
                    maximum=str(high) if high is not None else "",
                    group_kind=group_kind, group_label=" ".join(group_label.split())[:200],
                    units=json.dumps(unit_ids), activities=json.dumps(codes,
                                                                      ensure_ascii=False),
                    targets=json.dumps(checked_targets), evidence=evidence,
                    source_phrase=source_phrase.strip()[:2000])
    session.add(row)
    session.flush()
    record(session, login=person.login, object_ref=f"показатель {code}",
           event="indicator_add", comment=name, roadmap_id=roadmap_id,
           touches=[("indicator", row.id or 0)])
    return IndicatorInfo.of(row)


_GROUP_KINDS = {"оо": "general", "доо": "preschool", "одо": "additional",
                "общеобразовательные организации": "general"}


def adopt_proposals(session: Session, person: Any, roadmap_id: int, proposals: list[Any],
                    chosen: Iterable[Mapping[str, Any]]) -> list[IndicatorInfo]:
    """Create the indicators a clerk chose among a roadmap's proposals, in the import's own
    transaction (the roadmap and its indicators are stored together, or neither). Each
    choice names a proposal by its number in the preview (from 1) and may give its own
    code and name; the source phrase is kept. Nothing is adopted that was not chosen."""
    from registry.people import PERMISSIONS

    chosen = list(chosen)
    if not chosen:
        return []
    if not set(PERMISSIONS["indicator_add"]) & set(roles_of(person)):
        raise PermissionDenied(person.login, "indicator_add", PERMISSIONS["indicator_add"],
                               roles_of(person))
    taken = {row.code for row in _indicators(session, active_only=False)}
    created = []
    for choice in chosen:
        number = int(choice.get("number") or 0)
        if not 1 <= number <= len(proposals):
            raise UnknownReference(str(number), f"нет предложенного показателя с таким "
                                                f"номером (их {len(proposals)})")
        proposal = proposals[number - 1]
        code = str(choice.get("code") or "").strip()
        if not code:  # the next free «П…»
            count = 1
            while f"П{count}" in taken:
                count += 1
            code = f"П{count}"
        taken.add(code)
        targets = {period: str(value) for period, value in proposal.targets.items()}
        codes = list(proposal.activity_codes or ([proposal.activity_code]
                                                 if proposal.activity_code else []))
        source = proposal.source if proposal.source != "workflow" or codes else "schools"
        threshold = None
        if proposal.rollup == "share_meeting":  # a school counts when it reaches the target
            values = [Decimal(v) for v in targets.values()]
            threshold = str(max(values)) if values else ("100" if proposal.unit == "%"
                                                         else "1")
        created.append(create_indicator(
            session, person, code=code, name=str(choice.get("name") or proposal.name),
            unit=proposal.unit, direction=proposal.direction, source=source,
            rollup=proposal.rollup, numerator=proposal.numerator,
            denominator=proposal.denominator, threshold=threshold,
            group_kind=_GROUP_KINDS.get(proposal.group.lower(), ""),
            group_label=proposal.group, roadmap_id=roadmap_id,
            activities=codes, targets=targets, source_phrase=proposal.source_phrase))
    return created


def set_target(db: Database, login: str | None, code: str, period: str,
               target: str | None, expected_version: int | None = None) -> IndicatorInfo:
    """Set (or, with None, remove) an indicator's target for a period; logged."""
    period = parse_period(period)
    with db.transaction() as session:
        person = acting_person(session, login, "indicator_target")
        row = _indicator(session, code)
        number = parse_number(target, f"{row.code}, цель на {period}")
        if number is not None:
            check_value(Bounds(row.unit), f"{row.code}, цель на {period}", number)
        targets = json.loads(row.targets or "{}")
        before = targets.get(period)
        if number is None:
            targets.pop(period, None)
        else:
            targets[period] = str(number)
        version = expected_version if expected_version is not None else row.version
        changed = session.execute(update(Indicator).where(
            col(Indicator.id) == row.id, col(Indicator.version) == version).values(
            targets=json.dumps(dict(sorted(targets.items()))), version=version + 1))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(f"показатель {row.code}")
        record(session, login=person.login, object_ref=f"показатель {row.code}",
               event="indicator_target",
               comment=f"цель на {period_label(period)}: "
                       f"{shown(parse_number(before, row.code), row.unit)} → "
                       f"{shown(number, row.unit)}",
               touches=[("indicator", row.id or 0)])
        session.expire_all()
        return IndicatorInfo.of(session.get(Indicator, row.id))  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- values

@dataclass
class FormEntry:
    """One indicator on a school's (or the department's) form for a period."""

    indicator: IndicatorInfo
    state: str
    state_label: str
    value: str
    numerator: str
    denominator: str
    evidence: dict[str, Any]
    comment: str
    version: int
    editable: bool
    target: str

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["indicator"] = self.indicator.as_dict()
        return data


@dataclass
class Form:
    """What a unit owes for a period."""

    period: str
    period_label: str
    unit: str  # the school's name, or the department
    unit_id: int | None
    entries: list[FormEntry] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.period, "period_label": self.period_label, "unit": self.unit,
                "unit_id": self.unit_id, "entries": [e.as_dict() for e in self.entries]}


def _whose(session: Session, person: Any, unit: str | None) -> tuple[int | None, str]:
    """The unit a person gives values for: an executor its own; the department names a
    school, or gives its own values (no unit)."""
    whole = {"clerk", "head"} & set(roles_of(person))
    if unit:
        found = find_unit(session, unit)
        if found is None:
            raise UnknownReference(unit[:80], "нет такого подразделения"
                                   + said(" (karta units)"))
        if not whole and found.id != person.unit_id:
            raise PermissionDenied(person.login, "indicator_submit", ("clerk",),
                                   roles_of(person),
                                   reason=f"значения «{found.name}» вносит сама организация "
                                          "или управление")
        return found.id, found.name
    if person.unit_id is not None and not whole:
        own = session.get(Unit, person.unit_id)
        return person.unit_id, own.name if own else ""
    if not whole:
        raise PermissionDenied(person.login, "indicator_submit", ("executor", "clerk"),
                               roles_of(person),
                               reason="значения вносят школы и специалисты управления")
    return None, DEPARTMENT


def _owed_by(session: Session, unit_id: int | None, units: list[Unit]
             ) -> list[IndicatorInfo]:
    owed = []
    for row in _indicators(session):
        info = IndicatorInfo.of(row)
        if unit_id is None:
            if info.source == "department":
                owed.append(info)
        elif info.source == "schools" and any(u.id == unit_id for u in
                                              _schools(session, info, units)):
            owed.append(info)
    return owed


def _values(session: Session, period: str, unit_key: int | None = None
            ) -> dict[tuple[int, int], IndicatorValue]:
    query = select(IndicatorValue).where(col(IndicatorValue.period) == period,
                                         col(IndicatorValue.organisation_id) == _own(session))
    if unit_key is not None:
        query = query.where(col(IndicatorValue.unit_key) == unit_key)
    return {(v.indicator_id, v.unit_key): v for v in session.exec(query)}


def value_form(db: Database, login: str | None, period: str, unit: str | None = None) -> Form:
    """The indicators a unit owes for a period, with what it has given so far."""
    period = parse_period(period)
    with db.reading() as session:
        person = acting_person(session, login)
        unit_id, unit_name = _whose(session, person, unit)
        owed = _owed_by(session, unit_id, _units(session))
        values = _values(session, period, unit_id or 0)
        form = Form(period, period_label(period), unit_name, unit_id)
        for info in owed:
            row = values.get((info.id, unit_id or 0))
            state = row.state if row else "owed"
            form.entries.append(FormEntry(
                info, state, value_state_label(state), row.value if row else "",
                row.numerator if row else "", row.denominator if row else "",
                json.loads(row.evidence or "{}") if row else {},
                row.comment if row else "", row.version if row else 0,
                state in OWED, info.targets.get(period, "")))
        return form


@dataclass(frozen=True)
class Given:
    """One value as a form sends it (text as typed)."""

    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    link: str = ""
    files: tuple[tuple[str, bytes], ...] = ()
    version: int | None = None  # the version the form was read at (0: not given before)


def submit_values(db: Database, login: str | None, period: str, given: Mapping[str, Given],
                  unit: str | None = None, files: Mapping[str, list[Path]] | None = None
                  ) -> list[str]:
    """Submit a unit's values for a period, all or none: each checked (a number, in range,
    a share ≤ 100 %, numerator ≤ denominator), with its evidence when the indicator needs
    it; a value accepted is not given again. Two submits at once: one wins, the other is
    told to reload. Returns the codes submitted."""
    period = parse_period(period)
    if not given:
        raise KartaError("нет значений для отправки")
    machine = value_machine()
    incoming = {code: list(g.files) for code, g in given.items()}
    for code, paths in (files or {}).items():
        incoming.setdefault(code, []).extend((p.name, read_limited(p)) for p in paths)
    with db.transaction(exclusive=False) as session:
        person = acting_person(session, login)
        unit_id, unit_name = _whose(session, person, unit)
        owed = {info.code: info for info in _owed_by(session, unit_id, _units(session))}
        values = _values(session, period, unit_id or 0)
        touches: list[Touch] = []
        shown_values: dict[str, str] = {}
        stored_files = []
        for code, entry in given.items():
            info = owed.get(code)
            if info is None:
                raise UnknownReference(code[:40], f"«{unit_name}» не вносит этот показатель")
            where = f"{info.code} ({unit_name}, {period_label(period)})"
            value = check_value(info.bounds, where, parse_number(entry.value, where),
                                parse_number(entry.numerator, where),
                                parse_number(entry.denominator, where))
            link = (entry.link or "").strip()
            if link and (len(link) > MAX_LINK or not _LINK.match(link)):
                raise KartaError(f"{where}: ссылка — адрес страницы, начинающийся с http:// "
                                 "или https://")
            attached = incoming.get(code, [])
            if len(attached) > MAX_EVIDENCE_FILES:
                raise KartaError(f"{where}: не больше {MAX_EVIDENCE_FILES} файлов")
            if info.evidence and not link and not attached:
                raise KartaError(f"{where}: приложите подтверждение — файл или ссылку "
                                 "(например, страницу на сайте школы)")
            row = values.get((info.id, unit_id or 0))
            state = row.state if row else "owed"
            machine.require_permitted(person.login, state, "submit", roles_of(person))
            machine.fire(where, state, "submit")
            stored = [db.store.put(data, "evidence", Path(name).suffix, name, session=session)
                      for name, data in attached]
            stored_files += stored
            evidence = json.dumps({"link": link, "files": [
                {"name": s.name, "sha256": s.sha256, "size": s.size, "path": s.path}
                for s in stored]}, ensure_ascii=False)
            fields: dict[str, Any] = {"state": "submitted", "value": str(value if not info.fraction
                                                         else rounded(value)),
                      "numerator": str(parse_number(entry.numerator, where) or "")
                      if info.fraction else "",
                      "denominator": str(parse_number(entry.denominator, where) or "")
                      if info.fraction else "",
                      "evidence": evidence, "comment": "", "submitted_by": person.login,
                      "submitted_at": utcnow()}
            if row is None:
                if entry.version:
                    raise ConcurrentUpdate(where)
                row = IndicatorValue(organisation_id=person.organisation_id,
                                     indicator_id=info.id, period=period, unit_id=unit_id,
                                     unit_key=unit_id or 0, **fields)
                session.add(row)
                try:
                    session.flush()
                except IntegrityError:  # the same value submitted at this very moment
                    raise ConcurrentUpdate(where) from None
            else:
                version = entry.version if entry.version is not None else row.version
                changed = session.execute(update(IndicatorValue).where(
                    col(IndicatorValue.id) == row.id, col(IndicatorValue.version) == version,
                    col(IndicatorValue.state) == state).values(version=version + 1, **fields))
                if changed.rowcount != 1:  # type: ignore[attr-defined]
                    raise ConcurrentUpdate(where)
            touches.append(("indicator_value", row.id or 0))
            shown_values[info.code] = shown(Decimal(fields["value"]), info.unit)
        record(session, login=person.login,
               object_ref=f"показатели: {unit_name}, {period_label(period)}",
               event="indicator_submit", from_state="owed", to_state="submitted",
               comment="; ".join(f"{code} = {text}" for code, text in shown_values.items()),
               files=stored_files, details={"period": period, "unit": unit_name,
                                            "values": shown_values},
               touches=touches)
        notify(session, Addressed(roles=("clerk",)), "indicators_submitted",
               f"Значения показателей за {period_label(period)}: {unit_name}",
               f"/indicators/values?period={period}", exclude=[person.login])
        return list(shown_values)


def decide(db: Database, login: str | None, code: str, period: str, unit: str | None,
           event: str, comment: str | None = None, *, value: str | None = None,
           numerator: str | None = None, denominator: str | None = None,
           expected_version: int | None = None) -> str:
    """Accept, return, correct (a new value with its basis) or exclude one unit's value
    (``unit`` None: the department's own). Returns the new state."""
    period = parse_period(period)
    machine = value_machine()
    with db.transaction(exclusive=False) as session:
        person = acting_person(session, login)
        info = IndicatorInfo.of(_indicator(session, code))
        if unit:
            found = find_unit(session, unit)
            if found is None:
                raise UnknownReference(unit[:80], "нет такого подразделения"
                                       + said(" (karta units)"))
            unit_id, unit_name = found.id, found.name
        else:
            unit_id, unit_name = None, DEPARTMENT
        where = f"{info.code} ({unit_name}, {period_label(period)})"
        row = _values(session, period, unit_id or 0).get((info.id, unit_id or 0))
        state = row.state if row else "owed"
        machine.require_permitted(person.login, state, event, roles_of(person))
        step = machine.fire(where, state, event, comment=comment)
        fields: dict[str, Any] = {"state": step.dest, "decided_by": person.login}
        if event == "return":
            fields["comment"] = (comment or "").strip()[:2000]
        if event == "correct":
            exact = check_value(info.bounds, where, parse_number(value, where),
                                parse_number(numerator, where),
                                parse_number(denominator, where))
            fields.update(value=str(rounded(exact) if info.fraction else exact),
                          numerator=str(parse_number(numerator, where) or "")
                          if info.fraction else "",
                          denominator=str(parse_number(denominator, where) or "")
                          if info.fraction else "")
        if row is None:  # excluded before anything was given
            row = IndicatorValue(organisation_id=person.organisation_id, indicator_id=info.id,
                                 period=period, unit_id=unit_id, unit_key=unit_id or 0,
                                 **fields)
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                raise ConcurrentUpdate(where) from None
            before = ""
        else:
            version = expected_version if expected_version is not None else row.version
            before = shown(parse_number(row.value, where), info.unit)
            changed = session.execute(update(IndicatorValue).where(
                col(IndicatorValue.id) == row.id, col(IndicatorValue.version) == version,
                col(IndicatorValue.state) == state).values(version=version + 1, **fields))
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                raise ConcurrentUpdate(where)
        text = (comment or "").strip()
        if event == "correct":
            text = f"{before} → {shown(Decimal(fields['value']), info.unit)}; основание: {text}"
        record(session, login=person.login, object_ref=where, event=f"indicator_{event}",
               from_state=step.source, to_state=step.dest, comment=text,
               details={"indicator": info.code, "period": period, "unit": unit_name},
               touches=[("indicator_value", row.id or 0)])
        if event == "return" and unit_id is not None:
            notify(session, Addressed(unit_id=unit_id), "indicators_returned",
                   f"Значение показателя возвращено: {where} — {text[:200]}",
                   f"/indicators/form?period={period}", exclude=[person.login])
        return step.dest


# ----------------------------------------------------------------------------- monitoring

@dataclass(slots=True)
class SchoolFigure:
    unit_id: int | None
    unit: str
    state: str
    state_label: str
    value: Decimal | None
    numerator: str
    denominator: str
    below: bool
    evidence: dict[str, Any]
    version: int

    def as_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}
        data["value"] = str(self.value) if self.value is not None else None
        return data


@dataclass
class PeriodFigure:
    """An indicator in one period: its target, the actual value, how far off."""

    period: str
    label: str
    target: Decimal | None
    actual: Decimal | None
    deviation: Decimal | None
    reached: bool | None
    owed: int  # units that owe a value
    accepted: int
    submitted: int  # given, not yet accepted
    schools: list[SchoolFigure] = field(default_factory=list)
    # what the actual value was rolled up from (a region pools them across organisations)
    values: list[SchoolValue] = field(default_factory=list, repr=False)

    @property
    def below(self) -> list[SchoolFigure]:
        return [s for s in self.schools if s.below]

    @property
    def missing(self) -> list[SchoolFigure]:
        return [s for s in self.schools if s.state in OWED]

    def as_dict(self, unit: str = "") -> dict[str, Any]:
        return {"period": self.period, "label": self.label,
                "target": str(self.target) if self.target is not None else None,
                "actual": str(self.actual) if self.actual is not None else None,
                "deviation": str(self.deviation) if self.deviation is not None else None,
                "target_shown": shown(self.target, unit), "actual_shown": shown(self.actual,
                                                                                unit),
                "deviation_shown": _signed(self.deviation, unit), "reached": self.reached,
                "owed": self.owed, "accepted": self.accepted, "submitted": self.submitted,
                "schools": [s.as_dict() for s in self.schools],
                "below": [s.unit for s in self.below],
                "missing": [s.unit for s in self.missing]}


def _signed(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{shown(abs(value), unit)}"


@dataclass
class Monitoring:
    indicator: IndicatorInfo
    periods: list[PeriodFigure]

    def as_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator.as_dict(),
                "periods": [p.as_dict(self.indicator.unit) for p in self.periods]}


def _evidence(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text and text != "{}" else {}


def _stored(text: str) -> Decimal | None:
    """A figure as karta stored it (checked when given, written as a plain decimal)."""
    return Decimal(text) if text else None


def _school_value(info: IndicatorInfo, row: Any) -> SchoolValue:
    return SchoolValue(_stored(row.value) or Decimal(0), _stored(row.numerator),
                       _stored(row.denominator), 100 if info.unit == "%" else 1)


def _period_years(period: str) -> tuple[date, date]:
    if "/" in period:
        first = int(period.split("/")[0])
        return date(first, 9, 1), date(first + 1, 8, 31)
    return date(int(period), 1, 1), date(int(period), 12, 31)


def _derived(session: Session, info: IndicatorInfo, period: str, schools: list[Unit]
             ) -> tuple[Decimal | None, dict[int, bool]]:
    """The share of the indicator's schools whose every assignment of its activities in the
    period was accepted (computed from the workflow, never stored)."""
    if info.roadmap_id is None or not info.activities:
        return None, {}
    first, last = _period_years(period)
    rows = session.exec(
        select(Assignment.unit_id, Assignment.state)
        .join(Occurrence, col(Occurrence.id) == col(Assignment.occurrence_id))
        .join(Activity, col(Activity.id) == col(Occurrence.activity_id))
        .where(col(Activity.roadmap_id) == info.roadmap_id,
               col(Activity.code).in_(info.activities),
               col(Occurrence.period_start) >= first, col(Occurrence.period_start) <= last,
               col(Assignment.unit_id).is_not(None),
               col(Assignment.state) != "withdrawn"))
    done: dict[int, bool] = {}
    for unit_id, state in rows:
        if unit_id is not None:
            done[unit_id] = done.get(unit_id, True) and state == "accepted"
    wanted = {u.id for u in schools}
    counted = {u: ok for u, ok in done.items() if u in wanted}
    if not counted:
        return None, {}
    reached = sum(1 for ok in counted.values() if ok)
    return round_exact(Fraction(100 * reached, len(counted))), counted


def _figures(session: Session, info: IndicatorInfo, units: list[Unit],
             rows: Iterable[Any], periods: Iterable[str], only: bool = False
             ) -> list[PeriodFigure]:
    """The indicator's figures by period (``only``: just the periods asked for) from its
    value rows (``IndicatorValue`` or rows with its columns)."""
    names = {u.id: u.name for u in units}
    schools = _schools(session, info, units) if info.source != "department" else []
    by_period: dict[str, dict[int, Any]] = defaultdict(dict)
    for row in rows:
        by_period[row.period][row.unit_key] = row
    result = []
    chosen = set(periods) if only else set(periods) | set(info.targets) | set(by_period)
    for period in sorted(chosen):
        target = info.target(period)
        given = by_period.get(period, {})
        figure = PeriodFigure(period, period_label(period), target, None, None, None, 0, 0, 0)
        if info.source == "workflow":
            actual, done = _derived(session, info, period, schools)
            figure.actual = actual
            figure.owed = len(done)
            figure.accepted = sum(1 for ok in done.values() if ok)
            for school_id, ok in sorted(done.items(), key=lambda i: names.get(i[0], "")):
                figure.schools.append(SchoolFigure(
                    school_id, names.get(school_id, ""), "accepted" if ok else "owed",
                    "отчёты приняты" if ok else "отчёты не приняты",
                    Decimal(100 if ok else 0), "", "", not ok, {}, 0))
                figure.values.append(SchoolValue(Decimal(100 if ok else 0)))
        else:
            owners: list[tuple[int | None, str]] = [(None, DEPARTMENT)] \
                if info.source == "department" else [(u.id, u.name) for u in schools]
            accepted: list[SchoolValue] = []
            goal = _school_goal(info, target)
            for unit_id, name in owners:
                found = given.get(unit_id or 0)
                state = found.state if found else "owed"
                if state == "excluded":
                    continue
                figure.owed += 1
                school_value = _school_value(info, found) if found and found.value != "" else None
                if state == "accepted" and school_value is not None:
                    figure.accepted += 1
                    accepted.append(school_value)
                elif state == "submitted":
                    figure.submitted += 1
                below = bool(state == "accepted" and school_value is not None and
                             goal is not None and
                             not school_value.reaches(goal, info.direction))
                figure.schools.append(SchoolFigure(
                    unit_id, name, state, value_state_label(state),
                    school_value.value if school_value is not None else None,
                    found.numerator if found else "", found.denominator if found else "", below,
                    _evidence(found.evidence) if found else {},
                    found.version if found else 0))
            figure.values = accepted
            if info.source == "department":
                figure.actual = accepted[0].value if accepted else None
            else:
                threshold = parse_number(info.threshold, info.code)
                figure.actual = _roll(info, accepted, threshold)
        if figure.actual is not None and target is not None:
            figure.deviation = figure.actual - target
            figure.reached = meets(figure.actual, target, info.direction)
        result.append(figure)
    return result


def _school_goal(info: IndicatorInfo, target: Decimal | None) -> Decimal | None:
    """What a single school's value is compared with: the threshold when the indicator
    counts schools reaching it; the target itself for a mean or a share; none for a sum."""
    if info.rollup == "share_meeting":
        return parse_number(info.threshold, info.code)
    if info.rollup == "sum":
        return None
    return target


def _roll(info: IndicatorInfo, values: list[SchoolValue], threshold: Decimal | None
          ) -> Decimal | None:
    from workflow.indicators import roll_up

    return roll_up(info.rollup, values, direction=info.direction, threshold=threshold)


def monitoring(db: Database, login: str | None, code: str | None = None,
               periods: Iterable[str] = ()) -> list[Monitoring]:
    """Every indicator (or one) by period: target, actual, deviation, who is below target
    and who has not given a value — for the organisation's staff and auditors."""
    wanted = [parse_period(p) for p in periods]
    with db.reading() as session:
        person = acting_person(session, login)
        require_whole_organisation(person, "мониторинг показателей")
        indicators = [_indicator(session, code)] if code else _indicators(session)
        units = _units(session)
        query = sa_select(*VALUE_COLUMNS).where(col(IndicatorValue.organisation_id) ==
                                                _own(session))
        if code:
            query = query.where(col(IndicatorValue.indicator_id) == indicators[0].id)
        if wanted:
            query = query.where(col(IndicatorValue.period).in_(wanted))
        rows: dict[int, list[Any]] = defaultdict(list)
        for row in session.execute(query):
            rows[row.indicator_id].append(row)
        result = []
        for indicator in indicators:
            info = IndicatorInfo.of(indicator)
            figures = _figures(session, info, units, rows.get(info.id, []), wanted,
                               only=bool(wanted))
            result.append(Monitoring(info, figures))
        return result


def not_submitted(db: Database, login: str | None, period: str) -> dict[str, list[str]]:
    """For each indicator, the units that have not given (or were returned) a value for the
    period — as «кто не отчитался» for reports."""
    return {m.indicator.code: [s.unit for s in m.periods[0].missing]
            for m in monitoring(db, login, periods=[period]) if m.periods}



def this_year(db: Database, login: str | None) -> int:
    """The organisation's current year (its own time zone): the period a form opens on."""
    from registry.people import local_today, organisation

    with db.reading() as session:
        acting_person(session, login)
        return local_today(organisation(session)).year


def evidence_file(db: Database, login: str | None, code: str, sha256: str
                  ) -> tuple[str, bytes]:
    """A file sent as evidence of an indicator's value, by its SHA-256: the department sees
    every school's, a school its own (checked against its recorded digest)."""
    with db.reading() as session:
        person = acting_person(session, login)
        info = _indicator(session, code)
        whole = bool({"clerk", "head", "admin", "auditor", "region_auditor"} &
                     set(roles_of(person)))
        query = select(IndicatorValue).where(col(IndicatorValue.indicator_id) == info.id)
        if not whole:
            query = query.where(col(IndicatorValue.unit_id) == person.unit_id)
        for row in session.exec(query):
            for item in json.loads(row.evidence or "{}").get("files") or []:
                if item.get("sha256") == sha256:
                    problem = db.store.check(item["path"], sha256)
                    if problem:
                        raise KartaError(f"файл «{item['name']}»: {problem}")
                    return str(item["name"]), db.store.read(item["path"])
    raise UnknownReference(sha256[:12], f"нет такого файла у показателя {code}")


def monitoring_workbook(db: Database, login: str | None) -> bytes:
    """The monitoring as an .xlsx workbook: indicators by period (target, actual, deviation),
    and every school's value; a text beginning with «=» stays text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from registry.region import append_row

    found = monitoring(db, login)
    book = Workbook()
    sheet = book.active
    sheet.title = "Цель и факт"
    heading = ["Код", "Показатель", "Ед.", "Период", "Цель", "Факт", "Отклонение",
               "Достигнут", "Принято значений", "Должны представить", "Ниже цели",
               "Не представили"]
    sheet.append(heading)
    schools = book.create_sheet("Значения школ")
    schools.append(["Код", "Показатель", "Период", "Организация", "Значение", "Числитель",
                    "Знаменатель", "Состояние", "Ниже цели", "Ссылка"])
    for item in found:
        info = item.indicator
        for figure in item.periods:
            append_row(sheet, [info.code, info.name, info.unit, figure.label,
                               _number(figure.target), _number(figure.actual),
                               _number(figure.deviation),
                               {True: "да", False: "нет", None: ""}[figure.reached],
                               figure.accepted, figure.owed,
                               ", ".join(s.unit for s in figure.below),
                               ", ".join(s.unit for s in figure.missing)])
            for school in figure.schools:
                append_row(schools, [info.code, info.name, figure.label, school.unit,
                                     _number(school.value), school.numerator,
                                     school.denominator, school.state_label,
                                     "да" if school.below else "",
                                     str(school.evidence.get("link") or "")])
    for page in (sheet, schools):
        for cell in page[1]:
            cell.font = Font(bold=True)
        page.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# ----------------------------------------------------------------------------- documents

def _in_words(info: IndicatorInfo, figure: PeriodFigure | None,
              below: list[dict[str, str]]) -> dict[str, Any]:
    """An indicator's figure as documents write it (``documents.contexts.INDICATOR_FIGURE``)."""
    return {
        "code": info.code, "name": info.name, "unit": info.unit, "group": info.group,
        "target": shown(figure.target, info.unit) if figure else "—",
        "actual": shown(figure.actual, info.unit) if figure else "—",
        "deviation": _signed(figure.deviation, info.unit) if figure else "—",
        "reached": {True: "да", False: "нет", None: ""}[figure.reached if figure else None],
        "accepted": figure.accepted if figure else 0, "owed": figure.owed if figure else 0,
        "below": below, "missing": [s.unit for s in figure.missing] if figure else []}


def roadmap_year_figures(session: Session, roadmap_id: int, year: int) -> list[dict[str, Any]]:
    """The target/actual section of a roadmap's annual report: its indicators (and the
    organisation's own, tied to no roadmap) for the calendar year — or, for an indicator
    kept by school years, the school year that ends in it — in words."""
    periods = (str(year), f"{year - 1}/{year % 100:02d}")
    indicators = [i for i in _indicators(session) if i.roadmap_id in (roadmap_id, None)]
    if not indicators:
        return []
    units = _units(session)
    rows: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(sa_select(*VALUE_COLUMNS).where(
            col(IndicatorValue.organisation_id) == _own(session),
            col(IndicatorValue.period).in_(periods))):
        rows[row.indicator_id].append(row)
    result = []
    for indicator in indicators:
        info = IndicatorInfo.of(indicator)
        figures = _figures(session, info, units, rows.get(info.id, []), periods, only=True)
        kept = [f for f in figures if f.target is not None or f.accepted or f.submitted]
        if kept:
            figure = next((f for f in kept if f.period == periods[0]), kept[0])
            result.append({**_in_words(info, figure, [{"name": s.unit, "value": shown(
                rounded(s.value) if s.value is not None else None, info.unit)}
                for s in figure.below]), "period_label": figure.label})
    return result


def _note_context(found: list[Monitoring], period: str) -> dict[str, Any]:
    """The справка's figures, in words, with draft recommendations to every organisation
    below target (grouped per organisation: one recommendation naming each indicator)."""
    figures: list[dict[str, Any]] = []
    advice: dict[str, list[str]] = {}
    totals = {"indicators": 0, "reached": 0, "not_reached": 0, "no_data": 0}
    for item in found:
        info = item.indicator
        figure = next((p for p in item.periods if p.period == period), None)
        totals["indicators"] += 1
        reached = figure.reached if figure else None
        totals["reached" if reached else "not_reached" if reached is False else "no_data"] += 1
        below = []
        for school in figure.below if figure else []:
            value = shown(rounded(school.value) if school.value is not None else None,
                          info.unit)
            below.append({"name": school.unit, "value": value})
            goal = _school_goal(info, figure.target if figure else None)
            against = "пороге" if info.rollup == "share_meeting" else "цели"
            advice.setdefault(school.unit, []).append(
                f"{info.code} «{info.name}» ({value} при {against} {shown(goal, info.unit)})")
        figures.append(_in_words(info, figure, below))
    recommendations = [{
        "addressee": name,
        "text": ("проанализировать причины недостижения целевых значений показателей: "
                 if len(items) > 1 else "проанализировать причины недостижения целевого "
                                        "значения показателя ") + "; ".join(items)
        + " — и представить в управление образования план мер по "
        + ("их" if len(items) > 1 else "его") + " достижению"}
        for name, items in sorted(advice.items())]
    return {"period": period, "period_label": period_label(period), "indicators": figures,
            "totals": totals, "recommendations": recommendations}


def make_monitoring_note(db: Database, login: str | None, period: str) -> Any:
    """«Аналитическая справка о результатах мониторинга показателей» for a period, drafted
    from the monitoring (a clerk or the head), registered in the notes' journal."""
    from registry.documents import (
        draft_for,
        organisation_data,
        person_data,
        register,
        require_full_name,
        run_with_documents,
    )
    from registry.people import local_today, organisation
    from registry.templates import active_version

    period = parse_period(period)
    found = monitoring(db, login, periods=[period])
    if not found:
        raise KartaError("показателей нет: справку не о чем составить"
                         + said(" (karta indicators add)"))

    def read(session: Session) -> tuple[None, list[Any]]:
        person = acting_person(session, login, "monitoring_note")
        require_full_name(person)
        org = organisation(session)
        context = {"organisation": organisation_data(org), "executor": person_data(person),
                   "author": person_data(person), "today": local_today(org).isoformat(),
                   **_note_context(found, period)}
        return None, [draft_for("monitoring_note", active_version(session, "monitoring_note"),
                                context, local_today(org), None, None)]

    def write(session: Session, _: None, prepared: list[Any]) -> Any:
        person = acting_person(session, login, "monitoring_note")
        entry = record(session, login=person.login, object_ref="мониторинг показателей",
                       event="monitoring_note",
                       comment=f"справка о результатах мониторинга за {period_label(period)}")
        return register(session, db, prepared[0], person, entry.id)

    return run_with_documents(db, read, write)
