"""Indicators across a region (issue 22, item 6): a regional auditor sees each indicator the
organisations share — one regional roadmap's indicator adopted under the same code — across
organisations and by organisation, for a period, and exports it.

An organisation's figure is its own monitoring (``registry.indicators``: its schools, its
target, its roll-up). The region's figure pools what the organisations' figures were rolled
up from, by the same rule: a sum adds every school's value; a mean or a weighted mean takes
every school of the region (a region's mean is not the mean of the departments' means);
a share of schools reaching a threshold counts every school against its own organisation's
threshold; the share of schools whose reports were accepted counts every school; values the
departments give themselves are averaged (summed when the rule is a sum). The region's target
is, for a sum, the sum of the organisations' targets; otherwise their target when they agree,
and none when they differ.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import literal
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from registry.database import Database, utcnow
from registry.indicators import (
    VALUE_COLUMNS,
    IndicatorInfo,
    PeriodFigure,
    _figures,
    _number,
    _school_goal,
    _signed,
)
from registry.people import acting_person
from registry.region import append_row, require_region_auditor
from registry.tables import Indicator, IndicatorValue, Organisation, Unit
from workflow.indicators import (
    SchoolValue,
    meets,
    parse_period,
    period_label,
    roll_up,
    shown,
)


@dataclass
class OrganisationFigure:
    """One organisation's figure of a shared indicator."""

    code: str
    name: str
    figure: PeriodFigure
    unit: str

    def as_dict(self) -> dict[str, Any]:
        f = self.figure
        return {"code": self.code, "name": self.name,
                "target": shown(f.target, self.unit), "actual": shown(f.actual, self.unit),
                "deviation": _signed(f.deviation, self.unit), "reached": f.reached,
                "owed": f.owed, "accepted": f.accepted, "submitted": f.submitted,
                "below": [s.unit for s in f.below], "missing": [s.unit for s in f.missing],
                "numbers": _numbers(f.target, f.actual, f.deviation)}


def _numbers(*values: Decimal | None) -> list[float | int | None]:
    """Target, actual and deviation as numbers (cells Excel can count with)."""
    return [_number(v) for v in values]


@dataclass
class RegionIndicator:
    """A shared indicator in one period: the region's figure and each organisation's."""

    code: str
    name: str
    unit: str
    direction: str
    period: str
    target: Decimal | None = None
    actual: Decimal | None = None
    organisations: list[OrganisationFigure] = field(default_factory=list)

    @property
    def deviation(self) -> Decimal | None:
        if self.actual is None or self.target is None:
            return None
        return self.actual - self.target

    @property
    def reached(self) -> bool | None:
        if self.actual is None or self.target is None:
            return None
        return meets(self.actual, self.target, self.direction)

    def as_dict(self) -> dict[str, Any]:
        orgs = self.organisations
        return {"code": self.code, "name": self.name, "unit": self.unit,
                "period": self.period, "period_label": period_label(self.period),
                "target": shown(self.target, self.unit), "actual": shown(self.actual, self.unit),
                "deviation": _signed(self.deviation, self.unit), "reached": self.reached,
                "organisations": [o.as_dict() for o in orgs],
                "reached_count": sum(1 for o in orgs if o.figure.reached),
                "below_count": sum(1 for o in orgs if o.figure.reached is False),
                "owed": sum(o.figure.owed for o in orgs),
                "accepted": sum(o.figure.accepted for o in orgs),
                "numbers": _numbers(self.target, self.actual, self.deviation)}


def _pooled(infos: list[IndicatorInfo], figures: list[PeriodFigure]) -> Decimal | None:
    """The region's actual value from what each organisation's figure was rolled up from."""
    first = infos[0]
    rules = {i.rollup for i in infos}
    if first.source == "department":
        values = [SchoolValue(f.actual) for f in figures if f.actual is not None]
        return roll_up("sum" if rules == {"sum"} else "mean", values)
    if first.source == "workflow":
        return roll_up("mean", [v for f in figures for v in f.values])
    if len(rules) > 1:
        return None  # the organisations roll their schools up differently: no common figure
    rule = rules.pop()
    if rule == "share_meeting":  # each school against its own organisation's threshold
        reached: list[SchoolValue] = []
        for info, figure in zip(infos, figures, strict=True):
            goal = _school_goal(info, figure.target)
            if goal is None:
                continue
            reached += [SchoolValue(Decimal(100 if v.reaches(goal, info.direction) else 0))
                        for v in figure.values]
        return roll_up("mean", reached)
    return roll_up(rule, [v for f in figures for v in f.values], direction=first.direction)


def _region_target(infos: list[IndicatorInfo], figures: list[PeriodFigure]) -> Decimal | None:
    """What the region aims at: for a sum, the sum of every organisation's target (none
    when one has none); otherwise the organisations' target when they agree."""
    if {i.rollup for i in infos} == {"sum"}:
        if any(f.target is None for f in figures):
            return None
        return sum((f.target for f in figures if f.target is not None), Decimal(0))
    targets = {f.target for f in figures if f.target is not None}
    return targets.pop() if len(targets) == 1 else None


def region_indicators(db: Database, login: str | None, period: str | int | None = None
                      ) -> dict[str, Any]:
    """Every indicator shared by organisations of the region (by code) for a period: the
    region's target and actual, and each organisation's figure; also each organisation's
    indicators. Only a regional auditor reads across organisations."""
    chosen = parse_period(str(period or utcnow().year))
    with db.reading() as session:
        person = acting_person(session, login)
        require_region_auditor(person)
        organisations = {o.id: o for o in session.exec(select(Organisation))}
        indicators = list(session.exec(select(Indicator).where(col(Indicator.active).is_(True))
                                       .order_by(col(Indicator.code),
                                                 col(Indicator.organisation_id))))
        # plain rows, not objects: every organisation's units and the period's values
        units: dict[int, list[Any]] = defaultdict(list)
        for school in session.execute(sa_select(
                col(Unit.id), col(Unit.name), col(Unit.kind), col(Unit.organisation_id))
                .order_by(col(Unit.name))):
            units[school.organisation_id].append(school)
        rows: dict[int, list[Any]] = defaultdict(list)
        columns = [literal("{}").label("evidence") if getattr(c, "key", "") == "evidence"
                   else c for c in VALUE_COLUMNS]  # the region shows no evidence
        for row in session.execute(sa_select(*columns).where(
                col(IndicatorValue.period) == chosen)):
            rows[row.indicator_id].append(row)
        periods = set(session.exec(select(IndicatorValue.period).distinct()))
        by_code: dict[str, list[tuple[IndicatorInfo, PeriodFigure]]] = defaultdict(list)
        owner = {i.id or 0: i.organisation_id for i in indicators}
        for indicator in indicators:
            info = IndicatorInfo.of(indicator)
            figure = _figures(session, info, units[indicator.organisation_id],
                              rows.get(info.id, []), [chosen], only=True)[0]
            by_code[info.code].append((info, figure))
    for pairs in by_code.values():
        periods |= {p for info, _ in pairs for p in info.targets}
    shared: list[RegionIndicator] = []
    by_organisation: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for code, items in sorted(by_code.items()):
        infos = [info for info, _ in items]
        figures = [figure for _, figure in items]
        names = Counter(info.name for info in infos)
        units_of = Counter(info.unit for info in infos)
        unit = units_of.most_common(1)[0][0]
        region = RegionIndicator(code, names.most_common(1)[0][0], unit, infos[0].direction,
                                 chosen)
        for info, figure in items:
            org = organisations[owner[info.id]]
            entry = OrganisationFigure(org.code, org.short_name or org.full_name, figure,
                                       info.unit)
            region.organisations.append(entry)
            by_organisation[org.code].append({**entry.as_dict(), "indicator": info.code,
                                              "name": info.name})
        region.organisations.sort(key=lambda o: o.name)
        if len(units_of) == 1 and len({i.direction for i in infos}) == 1:
            region.target = _region_target(infos, figures)
            region.actual = _pooled(infos, figures)
        shared.append(region)
    names_of = {o.code: o.short_name or o.full_name for o in organisations.values()}
    return {"period": chosen, "period_label": period_label(chosen),
            "periods": sorted(periods | {chosen}),
            "indicators": [r.as_dict() for r in shared],
            "shared": [r.as_dict() for r in shared if len(r.organisations) > 1],
            "organisations": [{"code": code, "name": names_of.get(code, code),
                               "indicators": items}
                              for code, items in sorted(by_organisation.items(),
                                                        key=lambda i: names_of.get(i[0], ""))]}


def region_indicators_workbook(summary: dict[str, Any]) -> bytes:
    """The region's indicators as an .xlsx workbook: by indicator (the region's figure, then
    each organisation's) and by organisation."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "По показателям"
    heading = ["Код", "Показатель", "Ед.", "Организация", "Цель", "Факт", "Отклонение",
               "Достигнут", "Принято значений", "Должны представить", "Ниже цели",
               "Не представили"]
    sheet.append([f"Мониторинг показателей в регионе за {summary['period_label']}"])
    sheet.append(heading)
    for item in summary["indicators"]:
        append_row(sheet, [item["code"], item["name"], item["unit"], "Всего по региону",
                           *_cells(item), item["accepted"], item["owed"], "", ""])
        for org in item["organisations"]:
            append_row(sheet, [item["code"], item["name"], item["unit"], org["name"],
                               *_cells(org), org["accepted"], org["owed"],
                               ", ".join(org["below"]), ", ".join(org["missing"])])
    orgs = book.create_sheet("По организациям")
    orgs.append(["Организация", "Код", "Показатель", "Цель", "Факт", "Отклонение", "Достигнут",
                 "Принято значений", "Должны представить"])
    for org in summary["organisations"]:
        for item in org["indicators"]:
            append_row(orgs, [org["name"], item["indicator"], item["name"],
                              *_cells(item), item["accepted"], item["owed"]])
    for page, row in ((sheet, 2), (orgs, 1)):
        for cell in page[row]:
            cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["D"].width = 40
    orgs.column_dimensions["A"].width = 40
    orgs.column_dimensions["C"].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cells(item: dict[str, Any]) -> list[Any]:
    return [*item["numbers"], {True: "да", False: "нет", None: ""}[item["reached"]]]
