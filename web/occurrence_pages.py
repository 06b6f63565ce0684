"""An occurrence: details, the actions its state and your roles allow, history, documents."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from registry.assignments import act as act_on
from registry.assignments import (
    collect,
    decide_extension,
    list_assignments,
    reports_by_assignment,
    request_extension,
)
from registry.attachments import IMAGES, SHOWN_AS_PAGES, occurrence_files, open_file
from registry.occurrences import apply_event, parse_pairs, show
from registry.people import office_of
from registry.renditions import page_of, pages_of
from web.app import page
from web.security import (
    Actor,
    actor,
    checked_form,
    database,
    form_date,
    lines,
    read_upload,
    text,
)
from workflow.assignments import EVENTS as ASSIGNMENT_EVENTS
from workflow.errors import KartaError
from workflow.machine import EVENTS

router = APIRouter()
ATTACHMENT_TYPES = (".docx", ".xlsx", ".pdf", ".odt", ".doc", ".rtf", ".csv", ".txt")
MAX_ATTACHMENTS = 10


# ----------------------------------------------------------------------------- files
# (registered before the occurrence's own address, whose reference may hold «/»)

@router.get("/o/{ref:path}/files/{sha256}/page/{number}.png")
def file_page(request: Request, ref: str, sha256: str, number: int,
              who: Actor = Depends(actor)) -> Response:
    db = database(request)
    found, data = open_file(db, who.login, ref, sha256[:64])
    return Response(page_of(db, data, number, found.name), media_type="image/png",
                    headers={"cache-control": "private, max-age=3600"})


@router.get("/o/{ref:path}/files/{sha256}/file")
def file_download(request: Request, ref: str, sha256: str,
                  who: Actor = Depends(actor)) -> Response:
    found, data = open_file(database(request), who.login, ref, sha256[:64])
    media = IMAGES.get(found.suffix, "application/octet-stream")
    inline = found.suffix in IMAGES
    return Response(data, media_type=media, headers={
        "content-disposition": f"{'inline' if inline else 'attachment'}; filename=\"file"
                               f"{found.suffix}\"; filename*=UTF-8''{quote(found.name)}",
        "x-content-type-options": "nosniff"})


@router.get("/o/{ref:path}/files/{sha256}")
def file_view(request: Request, ref: str, sha256: str, who: Actor = Depends(actor)
              ) -> Response:
    db = database(request)
    found, data = open_file(db, who.login, ref, sha256[:64])
    pages = pages_of(db, data, found.name) if found.suffix in SHOWN_AS_PAGES else None
    return page(request, "file.html", title=f"Файл «{found.name}»", ref=ref,
                file=found.as_dict(), pages=len(pages) if pages else 0)


# ----------------------------------------------------------------------------- assignments

@router.post("/o/{ref:path}/assignment/{assignment_id}/extend")
def ask_extension(request: Request, ref: str, assignment_id: int,
                  form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    until = form_date(form, "until")
    if until is None:
        raise KartaError("укажите новый срок")
    request_extension(database(request), who.login, ref, until, text(form, "comment"),
                      assignment_id=assignment_id)
    return RedirectResponse(f"/o/{ref}?done=extension_request#executors", status_code=303)


@router.post("/o/{ref:path}/assignment/{assignment_id}/extension")
def decide_on_extension(request: Request, ref: str, assignment_id: int,
                        form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    grant = text(form, "decision", 10) == "grant"
    decide_extension(database(request), who.login, ref, None, grant, text(form, "comment"),
                     assignment_id=assignment_id)
    done = "extension_granted" if grant else "extension_refused"
    return RedirectResponse(f"/o/{ref}?done={done}#executors", status_code=303)


@router.post("/o/{ref:path}/assignment/{assignment_id}/{event}")
async def act_on_assignment(request: Request, ref: str, assignment_id: int, event: str,
                            form: dict[str, object] = Depends(checked_form)) -> Response:
    from starlette.concurrency import run_in_threadpool

    who = actor(request)
    if event not in ASSIGNMENT_EVENTS:
        raise KartaError(f"неизвестное действие «{event[:20]}»")
    attachments = await _attachments(form)
    version = text(form, "version", 10)
    step = await run_in_threadpool(lambda: act_on(
        database(request), who.login, ref, event, assignment_id=assignment_id,
        comment=text(form, "comment") or None, attachments=attachments,
        expected_version=int(version) if version.isdigit() else None))
    done = "collect" if step.collected else f"assignment_{event}"
    return RedirectResponse(f"/o/{step.ref}?done={done}#executors", status_code=303)


async def _attachments(form: dict[str, object]) -> list[tuple[str, bytes]]:
    attachments: list[tuple[str, bytes]] = []
    multi = form["__multi__"]
    for upload in multi.getlist("files")[:MAX_ATTACHMENTS + 1]:  # type: ignore[attr-defined]
        if isinstance(upload, UploadFile) and upload.filename:
            if len(attachments) == MAX_ATTACHMENTS:
                raise KartaError(f"не больше {MAX_ATTACHMENTS} файлов за раз")
            name, _, data = await read_upload(upload, ATTACHMENT_TYPES)
            attachments.append((name, data))
    return attachments


# ----------------------------------------------------------------------------- occurrence

@router.get("/o/{ref:path}")
def occurrence(request: Request, ref: str, who: Actor = Depends(actor)) -> Response:
    db = database(request)
    data = show(db, ref, who.login)
    if "occurrence" not in data:
        raise KartaError(f"«{ref}» — не исполнение за период")
    from registry.comments import Target, comments

    return page(request, "occurrence.html", title=f"Исполнение {ref}", data=data,
                thread=[c.as_dict() for c in comments(db, who.login, Target("occurrence", ref))],
                thread_action=f"/o/{ref}/comment",
                events=EVENTS, done=request.query_params.get("done", ""),
                today_iso=office_of(db, who.login).today.isoformat(),
                assignments=[row.as_dict() for row in list_assignments(db, who.login, ref)],
                files=[f.as_dict() for f in occurrence_files(db, who.login, ref)])


@router.post("/o/{ref:path}/comment")
def comment_occurrence(request: Request, ref: str,
                       form: dict[str, object] = Depends(checked_form)) -> Response:
    """A comment in the occurrence's thread."""
    from registry.comments import Target, add_comment

    add_comment(database(request), actor(request).login, Target("occurrence", ref),
                text(form, "text", 20000))
    return RedirectResponse(f"/o/{ref}#comments", status_code=303)


@router.post("/o/{ref:path}/{event}")
async def act(request: Request, ref: str, event: str,
              form: dict[str, object] = Depends(checked_form)) -> Response:
    from starlette.concurrency import run_in_threadpool

    who = actor(request)
    if event not in EVENTS:
        raise KartaError(f"неизвестное действие «{event[:20]}»")
    if event == "collect":
        result = await run_in_threadpool(lambda: collect(
            database(request), who.login, ref, text(form, "comment") or None))
        return RedirectResponse(f"/o/{result.ref}?done=collect", status_code=303)
    attachments = await _attachments(form)
    if event == "report" and await run_in_threadpool(
            lambda: reports_by_assignment(database(request), who.login, ref)):
        # a school reports on the occurrence: on its own unit's assignment of it
        step = await run_in_threadpool(lambda: act_on(
            database(request), who.login, ref, "report", comment=text(form, "comment") or None,
            attachments=attachments))
        return RedirectResponse(f"/o/{step.ref}?done=assignment_report#executors",
                                status_code=303)
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
            points=lines(form, "points"), new_due=form_date(form, "new_due")))
    return RedirectResponse(f"/o/{result.ref}?done={event}", status_code=303)
