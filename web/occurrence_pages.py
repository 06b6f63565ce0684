"""An occurrence: details, the actions its state and your roles allow, history, documents."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from registry.occurrences import apply_event, parse_pairs, show
from web.app import page
from web.security import Actor, actor, checked_form, database, lines, read_upload, text
from workflow.errors import KartaError
from workflow.machine import EVENTS

router = APIRouter()
ATTACHMENT_TYPES = (".docx", ".xlsx", ".pdf", ".odt", ".doc", ".rtf", ".csv", ".txt")
MAX_ATTACHMENTS = 10


@router.get("/o/{ref:path}")
def occurrence(request: Request, ref: str, who: Actor = Depends(actor)) -> Response:
    data = show(database(request), ref, who.login)
    if "occurrence" not in data:
        raise KartaError(f"«{ref}» — не исполнение за период")
    return page(request, "occurrence.html", title=f"Исполнение {ref}", data=data,
                events=EVENTS, done=request.query_params.get("done", ""))


@router.post("/o/{ref:path}/{event}")
async def act(request: Request, ref: str, event: str,
              form: dict[str, object] = Depends(checked_form)) -> Response:
    from starlette.concurrency import run_in_threadpool

    who = actor(request)
    if event not in EVENTS:
        raise KartaError(f"неизвестное действие «{event[:20]}»")
    attachments: list[tuple[str, bytes]] = []
    multi = form["__multi__"]
    for upload in multi.getlist("files")[:MAX_ATTACHMENTS + 1]:  # type: ignore[attr-defined]
        if isinstance(upload, UploadFile) and upload.filename:
            if len(attachments) == MAX_ATTACHMENTS:
                raise KartaError(f"не больше {MAX_ATTACHMENTS} файлов за раз")
            name, _, data = await read_upload(upload, ATTACHMENT_TYPES)
            attachments.append((name, data))
    version = text(form, "version", 10)
    result = await run_in_threadpool(
        lambda: apply_event(
            database(request), ref, event, who.login, comment=text(form, "comment") or None,
            expected_version=int(version) if version.isdigit() else None,
            order=bool(form.get("order")),
            figures=parse_pairs(lines(form, "figures"), "=", "Показатели"),
            decisions=lines(form, "decisions"),
            recommendations=parse_pairs(lines(form, "recommendations"), ":", "Рекомендации"),
            attachments=attachments, basis=text(form, "basis", 2000) or None,
            points=lines(form, "points")))
    return RedirectResponse(f"/o/{result.ref}?done={event}", status_code=303)
