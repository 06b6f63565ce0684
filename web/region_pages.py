"""«Регион»: the consolidated views of a region's ministry (regional auditors only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from registry.database import utcnow
from registry.region import region_summary, summary_workbook
from web.app import page
from web.document_pages import _download
from web.security import Actor, actor, database

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
