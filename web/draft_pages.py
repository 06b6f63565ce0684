"""A draft on its way to signing, in the browser: the corrected file uploaded back, the
approval route (send for visas, give a visa, return with remarks)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from registry.drafts import revise
from registry.visas import decide, send_for_visas
from web.security import actor, checked_form, database, notice_query, read_upload, text
from workflow.errors import KartaError

router = APIRouter()
DRAFT_BYTES = 20 * 1024 * 1024


def _back(request: Request, document_id: int, message: str) -> Response:
    return RedirectResponse(f"/documents/{document_id}?"
                            f"{notice_query(actor(request), 'done', message)}", status_code=303)


@router.post("/documents/{document_id}/revise")
async def upload_revision(request: Request, document_id: int,
                          form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise KartaError("выберите исправленный файл проекта (.docx)")
    name, _, data = await read_upload(upload, (".docx",), DRAFT_BYTES)
    revision = await run_in_threadpool(revise, database(request), who.login, document_id,
                                       data, name, text(form, "comment", 500))
    return _back(request, document_id, f"Правка {revision.number} проекта загружена")


@router.post("/documents/{document_id}/route")
def route_for_visas(request: Request, document_id: int,
                    form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    multi = form["__multi__"]
    logins = [str(value) for value in multi.getlist("to") if str(value).strip()]  # type: ignore[attr-defined]
    if len(logins) > 30:
        raise KartaError("на согласование направляется не больше 30 человек")
    send_for_visas(database(request), who.login, document_id, [name[:100] for name in logins])
    return _back(request, document_id, "Проект направлен на согласование")


DECISIONS = {"visa": (True, "Виза поставлена"),
             "return": (False, "Проект возвращён автору с замечаниями")}


@router.post("/documents/{document_id}/visa")
@router.post("/documents/{document_id}/return")
def decide_on_draft(request: Request, document_id: int,
                    form: dict[str, object] = Depends(checked_form)) -> Response:
    """A visa given (remarks optional), or the draft returned with remarks."""
    who = actor(request)
    give, said = DECISIONS[request.url.path.rsplit("/", 1)[-1]]
    decide(database(request), who.login, document_id, give=give,
           remarks=text(form, "remarks", 2000))
    return _back(request, document_id, said)
