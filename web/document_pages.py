"""Документы: the journals, a document with a preview of its pages, download, sign, correct."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from documents.amend import Change, order_points
from documents.contexts import JOURNALS, KINDS, kind_label
from registry.documents import document_as_dict, document_bytes, find_documents, get_document
from registry.drafts import output_bytes
from registry.exports import document_text, office_name
from registry.history import DOCUMENT_STATES
from registry.orders import correct, sign
from registry.people import office_of
from registry.renditions import page_of, pages_of, pdf_of
from web.app import page
from web.security import (
    Actor,
    actor,
    checked_form,
    database,
    form_date,
    notice_query,
    shown_notice,
    text,
)

router = APIRouter()
PAGE_SIZE = 50


@router.get("/documents")
def documents(request: Request, who: Actor = Depends(actor), kind: str = "",
              status: str = "", year: str = "", number: str = "", page_number: int = 1
              ) -> Response:
    found = find_documents(database(request), who.login, kind=kind if kind in KINDS else None,
                           status=status if status in DOCUMENT_STATES else None,
                           year=int(year) if year.isdigit() else None,
                           number=number[:40] or None, page=page_number, size=PAGE_SIZE)
    return page(request, "documents.html", title="Документы", found=found,
                kinds=[(k, v["label"]) for k, v in KINDS.items()], journals=JOURNALS,
                statuses=DOCUMENT_STATES, filters={"kind": kind, "status": status,
                                                   "year": year, "number": number[:40]})


@router.get("/documents/{document_id}")
def document(request: Request, document_id: int, who: Actor = Depends(actor)) -> Response:
    from registry.drafts import revisions
    from registry.visas import colleagues, route

    db = database(request)
    row = get_document(db, who.login, document_id)
    data = output_bytes(db, who.login, row) if row.file_path else None
    pages = pages_of(db, data) if data else None
    office = office_of(db, who.login)
    names, zone, today = office.names, office.zone, office.today
    is_order_draft = row.status == "draft" and row.journal == "orders"
    visas = route(db, who.login, document_id) if row.journal == "orders" else None
    mine = next((v for v in (visas or {}).get("visas", []) if v["current"]
                 and v["login"] == who.login and v["status"] == "pending"), None)
    named = None
    if row.status == "signed" and row.journal == "orders":
        from registry.acquaintance import acquaintance

        named = [n.as_dict() for n in acquaintance(db, who.login, document_id)]
    from registry.comments import Target, comments

    thread = [c.as_dict() for c in comments(db, who.login, Target("document", str(document_id)))]
    decisions = None
    if row.kind == "monitoring_note" and who.has("clerk"):
        from registry.orders import drafted_decisions

        decisions = drafted_decisions(json.loads(row.context), today)
    return page(request, "document.html", title=f"Документ {document_id}: {row.title[:80]}",
                document=document_as_dict(row, names, zone),
                status_label=DOCUMENT_STATES.get(row.status, row.status),
                kind_label=kind_label(row.kind), pages=len(pages) if pages else 0,
                blocks=None if pages or data is None else document_text(data),
                today=today, name=office_name(row), route=visas, my_visa=mine,
                may_revise=is_order_draft and (who.has("clerk") or row.created_by == who.login),
                may_route=is_order_draft and who.has("clerk"), decisions=decisions,
                thread=thread, thread_action=f"/documents/{document_id}/comment",
                named=named, my_acquaintance=next((n for n in named or []
                                                   if n["login"] == who.login), None),
                revisions=revisions(db, who.login, document_id) if is_order_draft else [],
                people=colleagues(db, who.login) if is_order_draft and who.has("clerk") else [],
                done=shown_notice(request, "done"),
                points=list(order_points(data).items())
                if data and row.status == "signed" and row.journal == "orders" else [])


@router.get("/documents/{document_id}/page/{number}.png")
def preview_page(request: Request, document_id: int, number: int,
                 who: Actor = Depends(actor)) -> Response:
    db = database(request)
    row = get_document(db, who.login, document_id)
    return Response(page_of(db, output_bytes(db, who.login, row), number),
                    media_type="image/png", headers={"cache-control": "private, max-age=3600"})


def _download(data: bytes, name: str, media: str) -> Response:
    ascii_name = "document" + Path(name).suffix
    return Response(data, media_type=media, headers={
        "content-disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(name)}"})


@router.get("/documents/{document_id}/file.docx")
def download(request: Request, document_id: int, who: Actor = Depends(actor),
             acquaintance: int = 0) -> Response:
    """The file (a draft with its approval sheet; a signed order with its acquaintance
    sheet when ``acquaintance=1``)."""
    db = database(request)
    row = get_document(db, who.login, document_id)
    return _download(output_bytes(db, who.login, row, bool(acquaintance)), office_name(row),
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@router.get("/documents/{document_id}/file.pdf")
def download_pdf(request: Request, document_id: int, who: Actor = Depends(actor),
                 acquaintance: int = 0) -> Response:
    db = database(request)
    row = get_document(db, who.login, document_id)
    return _download(pdf_of(db, output_bytes(db, who.login, row, bool(acquaintance))),
                     office_name(row, ".pdf"), "application/pdf")


@router.post("/documents/{document_id}/sign")
def sign_document(request: Request, document_id: int,
                  form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    signed = sign(database(request), who.login, document_id, form_date(form, "date"),
                  text(form, "as_position", 300) or None)
    return RedirectResponse(f"/documents/{signed.id}?signed=1", status_code=303)


@router.post("/documents/{document_id}/comment")
def comment_document(request: Request, document_id: int,
                     form: dict[str, object] = Depends(checked_form)) -> Response:
    """A comment in the document's thread."""
    from registry.comments import Target, add_comment

    add_comment(database(request), actor(request).login, Target("document", str(document_id)),
                text(form, "text", 20000))
    return RedirectResponse(f"/documents/{document_id}#comments", status_code=303)


@router.post("/documents/{document_id}/acquaint")
def acquaint(request: Request, document_id: int,
             form: dict[str, object] = Depends(checked_form)) -> Response:
    """The person named in a signed order confirms reading it."""
    from registry.acquaintance import acknowledge

    who = actor(request)
    acknowledge(database(request), who.login, document_id)
    notice = notice_query(who, "done", "Отмечено: вы ознакомлены с приказом")
    return RedirectResponse(f"/documents/{document_id}?{notice}", status_code=303)


@router.post("/documents/{document_id}/correct")
def correct_document(request: Request, document_id: int,
                     form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    db = database(request)
    points = order_points(document_bytes(db, get_document(db, who.login, document_id)))
    changes = [Change("drop", number) if form.get(f"drop-{number}") else
               Change("replace", number, text(form, f"point-{number}"))
               for number in points if f"point-{number}" in form or f"drop-{number}" in form]
    if text(form, "add"):
        changes.append(Change("add", text=text(form, "add")))
    cancel = bool(form.get("cancel"))
    made = correct(db, who.login, document_id, text(form, "reason", 1000),
                   [] if cancel else changes, cancel)
    return RedirectResponse(f"/documents/{made.id}", status_code=303)
