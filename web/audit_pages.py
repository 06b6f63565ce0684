"""Журнал решений: the log with filters, «Проверить журнал» (a background job), exports."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from registry.audit import export_log, page_log
from registry.history import DOCUMENT_STATES, EVENT_LABELS
from web.app import page
from web.document_pages import _download
from web.job_pages import start_job
from web.security import Actor, actor, checked_form, database, form_date
from workflow.machine import EVENTS

router = APIRouter()


@router.get("/audit")
def log(request: Request, who: Actor = Depends(actor), since: str = "", user: str = "",
        event: str = "", text: str = "", page_number: int = 1) -> Response:
    found = page_log(database(request), who.login,
                     since=form_date({"since": since}, "since"), user=user[:64] or None,
                     event=event[:40] or None, text=text[:100] or None, page=page_number)
    return page(request, "audit.html", title="Журнал решений", found=found,
                events=sorted({*EVENT_LABELS, *EVENTS}),
                states=DOCUMENT_STATES, filters={"since": since[:10], "user": user[:64],
                                                 "event": event[:40], "text": text[:100]})


@router.post("/audit/verify")
def start_verify(request: Request, form: dict[str, object] = Depends(checked_form)
                 ) -> Response:
    return start_job(request, "verify")


@router.get("/audit/export.{fmt}")
def export(request: Request, fmt: str, who: Actor = Depends(actor), year: str = ""
           ) -> Response:
    if fmt not in ("docx", "csv"):
        from workflow.errors import KartaError

        raise KartaError("формат выгрузки: docx или csv")
    chosen = int(year) if year.isdigit() else None
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"log.{fmt}"
        export_log(database(request), who.login, fmt, target, chosen)
        data = target.read_bytes()
    name = f"Журнал решений{' за ' + str(chosen) if chosen else ''}.{fmt}"
    media: dict[str, Any] = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "csv": "text/csv; charset=utf-8"}
    return _download(data, name, media[fmt])
