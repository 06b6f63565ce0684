"""Дорожные карты: the list with progress, import with a preview, and a roadmap's matrix."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from registry.database import Database
from registry.overview import roadmap_matrix
from registry.people import office_today
from registry.roadmaps import list_roadmaps, preview_import
from registry.uploads import find_upload, forget_upload, keep_upload, upload_file
from web.app import page
from web.job_pages import start_job
from web.security import TEXT_SUFFIXES, Actor, actor, checked_form, database, read_upload, text
from workflow.deadlines import MONTHS
from workflow.errors import KartaError, PermissionDenied
from workflow.importing import Period, parse_period
from workflow.indicators import DIRECTIONS, SOURCES
from workflow.machine import occurrence_machine, state_label
from workflow.roadmap import LINE_ROLES

router = APIRouter()
ROADMAP_TYPES = (".docx", ".xlsx", ".pdf", ".doc", ".odt", ".rtf", *TEXT_SUFFIXES)


def _period(form: dict[str, object]) -> Period | None:
    value = text(form, "period", 40)
    return parse_period(value, bool(form.get("school_years"))) if value else None



def _upload_limit() -> int:
    """The largest roadmap any type may be (the importer then holds each type to its own)."""
    from workflow.importing import limits

    return max(limits.MAX_FILE_BYTES, limits.MAX_CSV_BYTES)

@router.get("/roadmaps")
def roadmaps(request: Request, who: Actor = Depends(actor)) -> Response:
    rows = list_roadmaps(database(request), who.login)
    for row in rows:
        states: dict[str, int] = row["states"]  # type: ignore[assignment]
        countable = sum(states.values()) - states.get("cancelled", 0)
        row["percent"] = round(100 * states.get("analysed", 0) / countable) if countable else 0
    return page(request, "roadmaps.html", title="Дорожные карты", rows=rows)


@router.get("/roadmaps/import")
def import_form(request: Request, who: Actor = Depends(actor)) -> Response:
    return page(request, "import.html", title="Импорт дорожной карты", preview=None,
                error="", types=", ".join(ROADMAP_TYPES))


@router.post("/roadmaps/import")
async def import_preview(request: Request, form: dict[str, object] = Depends(checked_form)
                         ) -> Response:
    from starlette.concurrency import run_in_threadpool

    who = actor(request)
    db = database(request)
    upload = form.get("file")
    key = text(form, "upload", 100)
    found = ""
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            name, suffix, data = await read_upload(upload, ROADMAP_TYPES, _upload_limit())
            key = await run_in_threadpool(keep_upload, db, who.login, name, suffix, data)
        address, name = await run_in_threadpool(find_upload, db, key, who.login)
        found = key
        preview = await run_in_threadpool(_preview, db, address, who.login, _period(form),
                                          text(form, "title", 500) or None, name)
    except PermissionDenied:
        raise  # «Нет прав», not the form again
    except KartaError as error:
        return page(request, "import.html", status=422, title="Импорт дорожной карты",
                    preview=None, error=error.for_web, upload=found,
                    period=text(form, "period", 40), types=", ".join(ROADMAP_TYPES))
    return page(request, "import.html", title="Импорт: проверьте, что будет создано",
                preview=preview, roles=LINE_ROLES, directions=DIRECTIONS, sources=SOURCES,
                error="", upload=key,
                period=text(form, "period", 40),
                school_years=bool(form.get("school_years")),
                title_override=text(form, "title", 500), types=", ".join(ROADMAP_TYPES))


def _preview(db: Database, address: str, login: str, period: Period | None,
             title: str | None, name: str) -> dict[str, Any]:
    with upload_file(db, address) as path:
        return preview_import(db, path, login, period, title, name)


@router.post("/roadmaps/import/confirm")
def import_confirm(request: Request, form: dict[str, object] = Depends(checked_form)
                   ) -> Response:
    """The import runs as a background job (a big roadmap takes a while): the upload is in
    the file store already, and the job gets its address, never a path."""
    who = actor(request)
    db = database(request)
    key = text(form, "upload", 100)
    address, name = find_upload(db, key, who.login)
    period = text(form, "period", 40)
    if period:
        parse_period(period, bool(form.get("school_years")))  # refused now, not in the job
    chosen = []
    multi = form["__multi__"]
    for number in [str(n) for n in multi.getlist("indicator")][:500]:  # type: ignore[attr-defined]
        if not number.isdigit() or not 0 < int(number) <= 10_000:
            raise KartaError("неверный номер предложенного показателя")
        chosen.append({"number": int(number),
                       "code": text(form, f"indicator-code-{number}", 20),
                       "name": text(form, f"indicator-name-{number}", 500)})
    response = start_job(request, "import_roadmap", {
        "address": address, "name": name, "period": period,
        "school_years": bool(form.get("school_years")),
        "title": text(form, "title", 500), "again": bool(form.get("again")),
        "indicators": chosen})
    forget_upload(db, key)
    return response


@router.get("/roadmaps/{roadmap_id}")
def roadmap(request: Request, roadmap_id: int, who: Actor = Depends(actor),
            state: str = "", executor: str = "", section: str = "",
            overdue: str = "") -> Response:
    machine = occurrence_machine()
    chosen_state = state if state in machine.states else None
    chosen_section = int(section) if section.isdigit() else None
    db = database(request)
    today = office_today(db, who.login)
    matrix = roadmap_matrix(db, who.login, roadmap_id, today,
                            chosen_state, executor[:100] or None, chosen_section,
                            overdue == "1")
    template = "_matrix.html" if request.headers.get("hx-request") == "true" else \
        "roadmap.html"
    months = []
    if template == "roadmap.html" and who.has("clerk"):
        from registry.batch import planned_months

        months = [(f"{year:04d}-{month:02d}", f"{MONTHS[month - 1]} {year}", count)
                  for year, month, count in planned_months(db, who.login, roadmap_id)]
    return page(request, template, title=f"{matrix['ref']}: {matrix['title'][:80]}",
                matrix=matrix, states=[(s, state_label(s)) for s in machine.states],
                months=months, this_month=f"{today.year:04d}-{today.month:02d}",
                yearly=YEARLY, this_year=today.year,
                filters={"state": chosen_state or "", "executor": executor[:100],
                         "section": chosen_section, "overdue": overdue == "1"},
                imported=request.query_params.get("imported") == "1")


@router.post("/roadmaps/{roadmap_id}/start-due")
def roadmap_start_due(request: Request, roadmap_id: int,
                      form: dict[str, object] = Depends(checked_form)) -> Response:
    """Start every planned occurrence due in the chosen month, as a background job: each
    its own decision in the log, with the orders the rules give (``karta start R1 --due``)."""
    import re

    from workflow.dates import month_days

    chosen = re.fullmatch(r"(\d{4})-(\d{2})", text(form, "month", 7))
    if not chosen or not 1 <= int(chosen.group(2)) <= 12 or int(chosen.group(1)) < 1:
        raise KartaError("выберите месяц, исполнения которого начать")
    first, last = month_days(int(chosen.group(1)), int(chosen.group(2)))
    return start_job(request, "start_due", {
        "roadmap": roadmap_id, "first": first.isoformat(), "last": last.isoformat(),
        "order": bool(form.get("order"))})


YEARLY = {"plan": "План мероприятий на год", "annual": "Информация о реализации за год"}


@router.post("/roadmaps/{roadmap_id}/yearly")
def roadmap_yearly(request: Request, roadmap_id: int,
                   form: dict[str, object] = Depends(checked_form)) -> Response:
    """«План мероприятий на год» or «Информация о реализации … за год» (with its chart), as
    ``karta plan`` and ``karta annual-report``: made at once, then shown."""
    from registry.orders import make_annual_report, make_plan

    who = actor(request)
    kind, year = text(form, "kind", 10), text(form, "year", 4)
    if kind not in YEARLY or not year.isdigit():
        raise KartaError("выберите документ и год")
    make = make_plan if kind == "plan" else make_annual_report
    document = make(database(request), who.login, f"R{roadmap_id}", int(year))
    return RedirectResponse(f"/documents/{document.id}", status_code=303)


@router.post("/roadmaps/{roadmap_id}/basis")
def roadmap_basis(request: Request, roadmap_id: int,
                  form: dict[str, object] = Depends(checked_form)) -> Response:
    from registry.roadmaps import set_basis

    who = actor(request)
    set_basis(database(request), who.login, f"R{roadmap_id}", text(form, "basis", 2000))
    return RedirectResponse(f"/roadmaps/{roadmap_id}?basis=1", status_code=303)
