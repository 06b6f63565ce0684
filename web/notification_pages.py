"""«Уведомления»: a person's inbox, and how each kind reaches them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from registry.notifications import CHANNELS, KINDS, choices, choose, inbox, mark_read
from registry.people import update_person
from web.app import page
from web.security import Actor, actor, checked_form, database, text

router = APIRouter()


@router.get("/notifications")
def notifications(request: Request, who: Actor = Depends(actor), unread: int = 0,
                  page_number: int = 1) -> Response:
    db = database(request)
    found = inbox(db, who.login, unread_only=bool(unread), page=min(max(page_number, 1), 10**6))
    return page(request, "notifications.html", title="Уведомления", inbox=found,
                unread_only=bool(unread), choices=choices(db, who.login), kinds=KINDS,
                channels=CHANNELS, done=request.query_params.get("done", "")[:20])


@router.post("/notifications/{notification_id}/open")
def open_one(request: Request, notification_id: int,
             form: dict[str, object] = Depends(checked_form)) -> Response:
    """Mark one read and go to what it is about (always an address inside karta)."""
    who = actor(request)
    db = database(request)
    mark_read(db, who.login, [notification_id])
    link = text(form, "link", 300)
    target = link if link.startswith("/") and not link.startswith("//") else "/notifications"
    return RedirectResponse(target, status_code=303)


@router.post("/notifications/read")
def read_all(request: Request, form: dict[str, object] = Depends(checked_form)) -> Response:
    mark_read(database(request), actor(request).login)
    return RedirectResponse("/notifications?done=read", status_code=303)


@router.post("/notifications/settings")
def settings(request: Request, form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    db = database(request)
    email = text(form, "email", 200)
    if email != who.email:
        update_person(db, who.login, who.login, {"email": email})
    for kind in KINDS:
        channel = text(form, f"channel-{kind}", 20)
        if channel and channel != choices(db, who.login)[kind]:
            choose(db, who.login, kind, channel)
    return RedirectResponse("/notifications?done=settings#settings", status_code=303)
