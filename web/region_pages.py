"""«Регион»: the consolidated views of a region's ministry (regional auditors only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from registry.database import utcnow
from registry.region import region_summary, summary_workbook
from registry.region_indicators import region_indicators, region_indicators_workbook
from web.app import page
from web.document_pages import _download
from web.security import Actor, actor, database
from workflow.errors import UnknownReference

router = APIRouter()


@router.get("/region")
def region(request: Request, who: Actor = Depends(actor), year: int = 0) -> Response:
    chosen = year if 2000 <= year <= 2100 else utcnow().year
    summary = region_summary(database(request), who.login, chosen)
    return page(request, "region.html", title=f"Регион: {chosen} год", summary=summary,
                year=chosen)


@router.get("/region/export.xlsx")
def export(request: Request, who: Actor = Depends(actor), year: int = 0) -> Response:
    chosen = year if 2000 <= year <= 2100 else utcnow().year
    data = summary_workbook(region_summary(database(request), who.login, chosen))
    return _download(data, f"Сводка по региону за {chosen} год.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.get("/region/indicators")
def indicators(request: Request, who: Actor = Depends(actor), period: str = "",
               org: str = "") -> Response:
    """Each indicator the departments share: the region's figure and each department's;
    or, with ``org``, one department's indicators."""
    summary = region_indicators(database(request), who.login, period[:20] or None)
    chosen = None
    if org:
        chosen = next((o for o in summary["organisations"] if o["code"] == org[:40]), None)
        if chosen is None:
            raise UnknownReference(org[:40], "нет такой организации с показателями")
    return page(request, "region_indicators.html",
                title=f"Показатели в регионе за {summary['period_label']}", summary=summary,
                chosen=chosen)


@router.get("/region/indicators/export.xlsx")
def indicators_export(request: Request, who: Actor = Depends(actor),
                      period: str = "") -> Response:
    summary = region_indicators(database(request), who.login, period[:20] or None)
    return _download(region_indicators_workbook(summary),
                     f"Показатели в регионе за {summary['period_label']}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
