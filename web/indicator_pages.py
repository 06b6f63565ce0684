"""«Показатели»: the monitoring of the roadmap's indicators (target and actual by period,
schools below target, who has not given values), each school's form of values with
evidence, the department's decisions on them, a chart and an .xlsx export."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from registry.indicators import (
    Given,
    add_indicator,
    decide,
    evidence_file,
    make_monitoring_note,
    monitoring,
    monitoring_workbook,
    set_target,
    submit_values,
    this_year,
    value_form,
)
from web.app import page
from web.occurrence_pages import ATTACHMENT_TYPES
from web.security import Actor, actor, checked_form, database, read_upload, text
from workflow.errors import KartaError
from workflow.indicators import DIRECTIONS, ROLLUPS, SOURCES, UNITS, parse_period

router = APIRouter()
MAX_EVIDENCE = 5


def _period(value: str | None, fallback: int) -> str:
    return parse_period(value) if value else str(fallback)


@router.get("/indicators")
def overview(request: Request, who: Actor = Depends(actor)) -> Response:
    """The monitoring page (the department) — a school goes to its form."""
    db = database(request)
    if not who.has("clerk", "head", "admin", "auditor", "region_auditor"):
        return RedirectResponse("/indicators/form", status_code=303)
    found = [m.as_dict() for m in monitoring(db, who.login)]
    return page(request, "indicators.html", title="Показатели", monitoring=found,
                units=UNITS, directions=DIRECTIONS, sources=SOURCES, rollups=ROLLUPS,
                year=this_year(db, who.login), done=request.query_params.get("done", "")[:20])


@router.get("/indicators/export.xlsx")
def export(request: Request, who: Actor = Depends(actor)) -> Response:
    data = monitoring_workbook(database(request), who.login)
    return Response(data, media_type="application/vnd.openxmlformats-officedocument."
                                      "spreadsheetml.sheet", headers={
        "content-disposition": "attachment; filename=\"indicators.xlsx\"; filename*=UTF-8''"
                               + quote("Мониторинг показателей.xlsx")})


@router.post("/indicators")
def define(request: Request, form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    targets = {}
    for line in text(form, "targets", 2000).splitlines():
        period, _, value = line.partition("=")
        if period.strip():
            targets[period.strip()] = value.strip()
    info = add_indicator(
        database(request), who.login, code=text(form, "code", 20),
        name=text(form, "name", 500), unit=text(form, "unit", 10),
        direction=text(form, "direction", 20) or "up",
        source=text(form, "source", 20) or "schools",
        rollup=text(form, "rollup", 20) or "mean", fraction=bool(text(form, "fraction", 5)),
        numerator=text(form, "numerator", 500), denominator=text(form, "denominator", 500),
        threshold=text(form, "threshold", 20) or None, targets=targets,
        evidence=bool(text(form, "evidence", 5)), group_label=text(form, "group_label", 200))
    return RedirectResponse(f"/indicators/{quote(info.code)}?done=added", status_code=303)


@router.post("/indicators/note")
def note(request: Request, form: dict[str, object] = Depends(checked_form)) -> Response:
    """Draft «Аналитическая справка о результатах мониторинга показателей» for a period."""
    who = actor(request)
    document = make_monitoring_note(database(request), who.login,
                                    parse_period(text(form, "period", 20)))
    return RedirectResponse(f"/documents/{document.id}", status_code=303)


@router.post("/indicators/order")
def order(request: Request, form: dict[str, object] = Depends(checked_form)) -> Response:
    """Draft «Об итогах мониторинга показателей» from a monitoring справка."""
    from registry.orders import make_monitoring_order

    who = actor(request)
    note_id = text(form, "note", 12)
    if not note_id.isdigit():
        raise KartaError("не указана справка, по которой готовится приказ")
    document = make_monitoring_order(database(request), who.login, int(note_id),
                                     text(form, "decisions", 20000).splitlines(),
                                     text(form, "points", 4000).splitlines())
    return RedirectResponse(f"/documents/{document.id}", status_code=303)


@router.get("/indicators/form")
def value_form_page(request: Request, who: Actor = Depends(actor), period: str = "",
                    unit: str = "") -> Response:
    db = database(request)
    chosen = _period(period[:20], this_year(db, who.login))
    form = value_form(db, who.login, chosen, unit[:300] or None)
    return page(request, "indicator_form.html", title=f"Показатели: {form.unit}",
                form=form.as_dict(), unit_given=unit[:300],
                done=request.query_params.get("done", "")[:20])


@router.post("/indicators/form")
async def submit(request: Request, form: dict[str, object] = Depends(checked_form)
                 ) -> Response:
    who = actor(request)
    period = parse_period(text(form, "period", 20))
    unit = text(form, "unit", 300) or None
    multi = form["__multi__"]
    given: dict[str, Given] = {}
    for code in [str(c) for c in multi.getlist("code")][:200]:  # type: ignore[attr-defined]
        code = code[:20]
        files: list[tuple[str, bytes]] = []
        for upload in multi.getlist(f"files-{code}")[:MAX_EVIDENCE + 1]:  # type: ignore[attr-defined]
            if isinstance(upload, str) or not getattr(upload, "filename", ""):
                continue
            if len(files) == MAX_EVIDENCE:
                raise KartaError(f"{code}: не больше {MAX_EVIDENCE} файлов")
            name, _, data = await read_upload(upload, ATTACHMENT_TYPES + (".png", ".jpg",
                                                                          ".jpeg"))
            files.append((name, data))
        typed = [text(form, f"{field}-{code}", 40) for field in ("value", "numerator",
                                                                   "denominator")]
        if not any(typed) and not files:
            continue  # not filled in: left for later
        version = text(form, f"version-{code}", 12)
        given[code] = Given(typed[0] or None, typed[1] or None, typed[2] or None,
                            text(form, f"link-{code}", 1000), tuple(files),
                            int(version) if version.isdigit() else None)
    if not given:
        raise KartaError("заполните хотя бы один показатель")
    submit_values(database(request), who.login, period, given, unit)
    back = f"/indicators/form?period={quote(period)}" + (f"&unit={quote(unit)}" if unit else "")
    return RedirectResponse(back + "&done=submitted", status_code=303)


@router.get("/indicators/{code}/chart.png")
def chart(request: Request, code: str, who: Actor = Depends(actor)) -> Response:
    from documents.charts import indicator_chart

    found = monitoring(database(request), who.login, code[:20])[0].as_dict()
    return Response(indicator_chart(found["periods"], found["indicator"]["unit"]),
                    media_type="image/png", headers={"cache-control": "private, no-cache"})


@router.get("/indicators/{code}/files/{sha256}")
def evidence(request: Request, code: str, sha256: str, who: Actor = Depends(actor)
             ) -> Response:
    """A file sent as evidence, found by its SHA-256 among the indicator's values the
    person may see — never by a name or path the browser sends."""
    name, data = evidence_file(database(request), who.login, code[:20], sha256[:64])
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    images = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
    return Response(data, media_type=images.get(suffix, "application/octet-stream"), headers={
        "content-disposition": f"{'inline' if suffix in images else 'attachment'}; "
                               f"filename=\"file{suffix}\"; filename*=UTF-8''{quote(name)}",
        "x-content-type-options": "nosniff"})


@router.get("/indicators/{code}")
def indicator_page(request: Request, code: str, who: Actor = Depends(actor),
                   period: str = "") -> Response:
    db = database(request)
    found = monitoring(db, who.login, code[:20])[0].as_dict()
    periods = [p["period"] for p in found["periods"]]
    chosen = parse_period(period[:20]) if period else (
        str(this_year(db, who.login)) if str(this_year(db, who.login)) in periods else
        (periods[-1] if periods else str(this_year(db, who.login))))
    selected = next((p for p in found["periods"] if p["period"] == chosen), None)
    return page(request, "indicator.html", title=f"Показатель {found['indicator']['code']}",
                m=found, selected=selected, chosen=chosen,
                done=request.query_params.get("done", "")[:20])


@router.post("/indicators/{code}/target")
def target(request: Request, code: str, form: dict[str, object] = Depends(checked_form)
           ) -> Response:
    who = actor(request)
    version = text(form, "version", 12)
    info = set_target(database(request), who.login, code[:20], text(form, "period", 20),
                      text(form, "target", 40) or None,
                      int(version) if version.isdigit() else None)
    return RedirectResponse(f"/indicators/{quote(info.code)}?done=target", status_code=303)


@router.post("/indicators/{code}/decide")
def decide_value(request: Request, code: str,
                 form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    event = text(form, "event", 20)
    if event not in ("accept", "return", "correct", "exclude"):
        raise KartaError("неизвестное решение")
    period = parse_period(text(form, "period", 20))
    version = text(form, "version", 12)
    decide(database(request), who.login, code[:20], period, text(form, "unit", 300) or None,
           event, text(form, "comment", 2000) or None, value=text(form, "value", 40) or None,
           numerator=text(form, "numerator", 40) or None,
           denominator=text(form, "denominator", 40) or None,
           expected_version=int(version) if version.isdigit() else None)
    return RedirectResponse(f"/indicators/{quote(code[:20])}?period={quote(period)}"
                            f"&done={event}#schools", status_code=303)

