"""Consolidated views for a region's ministry: completion by organisation and section for a
year, what is overdue by organisation — as a table, a chart and an .xlsx workbook. Only a
regional auditor reads across organisations."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from registry.database import Database, utcnow
from registry.people import acting_person, roles_of
from registry.tables import Activity, Occurrence, Organisation, Roadmap, Section
from workflow.errors import PermissionDenied
from workflow.machine import occurrence_machine

OPEN = occurrence_machine().open_states  # planned, in progress


def region_summary(db: Database, login: str | None, year: int,
                   as_of: date | None = None) -> dict[str, Any]:
    """Per organisation and per section of its roadmaps: occurrences of the year, done
    (analysed), cancelled, overdue and the share done — one grouped query."""
    when = as_of or min(date(year, 12, 31), utcnow().date())
    with db.reading() as session:
        person = acting_person(session, login)
        require_region_auditor(person)
        # an occurrence belongs to the year its due date (else its start) falls in
        moment = func.coalesce(col(Occurrence.due), col(Occurrence.period_start))
        in_year = (func.extract("year", moment) == year) if not db.is_sqlite else \
            (func.strftime("%Y", moment) == str(year))
        late = case(((col(Occurrence.state).in_(OPEN)) & (col(Occurrence.due) < when), 1),
                    else_=0)
        rows = session.execute(
            sa_select(col(Organisation.id), col(Organisation.code), col(Organisation.full_name),
                      col(Section.heading), func.count(),
                   func.sum(case((col(Occurrence.state) == "analysed", 1), else_=0)),
                   func.sum(case((col(Occurrence.state) == "cancelled", 1), else_=0)),
                   func.sum(late))
            .select_from(Occurrence)
            .join(Activity, col(Activity.id) == col(Occurrence.activity_id))
            .join(Roadmap, col(Roadmap.id) == col(Activity.roadmap_id))
            .join(Organisation, col(Organisation.id) == col(Roadmap.organisation_id))
            .join(Section, col(Section.id) == col(Activity.section_id), isouter=True)
            .where(in_year)
            .group_by(col(Organisation.id), col(Organisation.code), col(Organisation.full_name),
                      col(Section.heading))
            .order_by(col(Organisation.code), col(Section.heading))).all()
        everyone = list(session.exec(select(Organisation).order_by(col(Organisation.code))))
    organisations: dict[int, dict[str, Any]] = {
        o.id or 0: {"code": o.code, "name": o.short_name or o.full_name, "kind": o.kind,
                    "total": 0, "done": 0, "cancelled": 0, "overdue": 0, "sections": []}
        for o in everyone}
    for org_id, _code, _name, heading, total, done, cancelled, overdue in rows:
        section = {"name": heading or "Без раздела", "total": int(total), "done": int(done or 0),
                   "cancelled": int(cancelled or 0), "overdue": int(overdue or 0)}
        section["percent"] = _percent(section)
        target = organisations[org_id]
        target["sections"].append(section)
        for key in ("total", "done", "cancelled", "overdue"):
            target[key] += section[key]
    result = [dict(o, percent=_percent(o)) for o in organisations.values()
              if o["kind"] != "region" or o["total"]]
    totals = {key: sum(o[key] for o in result) for key in ("total", "done", "cancelled",
                                                           "overdue")}
    return {"year": year, "as_of": when.isoformat(), "organisations": result,
            "totals": {**totals, "percent": _percent(totals)}}


def require_region_auditor(person: Any) -> None:
    """Only a regional auditor reads across the region's organisations."""
    if "region_auditor" not in roles_of(person):
        raise PermissionDenied(person.login, "region", ("region_auditor",), roles_of(person),
                               reason="сводные данные региона доступны аудитору региона")


def _percent(counts: dict[str, Any]) -> int:
    countable = counts["total"] - counts["cancelled"]
    return round(100 * counts["done"] / countable) if countable else 0


def append_row(sheet: Any, values: list[Any]) -> None:
    """A row of a sheet, every text kept as text: a name beginning with «=» (imported from
    anybody's roadmap) is shown, never run as a formula by Excel."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
            cell.data_type = "s"


def summary_workbook(summary: dict[str, Any]) -> bytes:
    """The summary as an .xlsx workbook: organisations, and organisations by section."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "По организациям"
    heading = ["Организация", "Код", "Исполнений", "Выполнено", "Отменено", "Просрочено",
               "Выполнено, %"]
    sheet.append([f"Реализация дорожных карт за {summary['year']} год (на "
                  f"{date.fromisoformat(summary['as_of']):%d.%m.%Y})"])
    sheet.append(heading)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for org in summary["organisations"]:
        append_row(sheet, [org["name"], org["code"], org["total"], org["done"], org["cancelled"],
                        org["overdue"], org["percent"]])
    totals = summary["totals"]
    sheet.append(["Всего по региону", "", totals["total"], totals["done"], totals["cancelled"],
                  totals["overdue"], totals["percent"]])
    sheet.column_dimensions["A"].width = 60
    sections = book.create_sheet("По разделам")
    sections.append(["Организация", "Раздел", "Исполнений", "Выполнено", "Отменено",
                     "Просрочено", "Выполнено, %"])
    for cell in sections[1]:
        cell.font = Font(bold=True)
    for org in summary["organisations"]:
        for section in org["sections"]:
            append_row(sections, [org["name"], section["name"], section["total"],
                               section["done"], section["cancelled"], section["overdue"],
                               section["percent"]])
    sections.column_dimensions["A"].width = 50
    sections.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
