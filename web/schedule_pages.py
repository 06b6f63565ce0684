"""Сроки: the agenda by executor, what is overdue, and a personal calendar subscription."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from registry.accounts import issue_calendar_token, person_for_calendar, revoke_calendar_token
from registry.people import office_today
from registry.schedule import calendar_ics, overdue, page_agenda
from web.app import page
from web.security import Actor, actor, checked_form, database

router = APIRouter()
DAYS = (7, 14, 30, 90)


@router.get("/deadlines")
def deadlines(request: Request, who: Actor = Depends(actor), days: int = 14,
              page_number: int = 1) -> Response:
    return _page(request, who, days, page_number=page_number)


LATE_SHOWN = 200  # the overdue list's first rows; the counts say how many there are
AGENDA_PAGE = 100  # occurrences on a page of the agenda


def _page(request: Request, who: Actor, days: int, calendar_url: str = "",
          note: str = "", page_number: int = 1) -> Response:
    days = days if days in DAYS else 14
    db = database(request)
    today = office_today(db, who.login)
    found = page_agenda(db, who.login, today, days, page_number, size=AGENDA_PAGE)
    late = overdue(db, who.login, today, limit=LATE_SHOWN)
    return page(request, "deadlines.html", title="Сроки", groups=found["groups"],
                found=found, size=AGENDA_PAGE, late=late, late_total=found["overdue"], days=days,
                choices=DAYS, today=today, calendar_url=calendar_url, note=note)


@router.post("/deadlines/calendar")
def new_calendar(request: Request, form: dict[str, object] = Depends(checked_form)
                 ) -> Response:
    who = actor(request)
    if form.get("revoke"):
        revoke_calendar_token(database(request), who.login)
        return _page(request, who, 14, note="Ссылка на календарь отозвана.")
    token = issue_calendar_token(database(request), who.login)
    # shown once, in this answer only (not in a redirect's address)
    return _page(request, who, 14, str(request.url_for("calendar", token=token)))


@router.get("/calendar/{token}.ics", name="calendar")
def calendar(request: Request, token: str) -> Response:
    """A personal calendar: the secret in the URL stands for the person (revocable)."""
    login = person_for_calendar(database(request), token)
    if login is None:
        return Response("Календарь не найден: ссылка отозвана или неверна.\n", status_code=404,
                        media_type="text/plain; charset=utf-8")
    return Response(calendar_ics(database(request), login, None),
                    media_type="text/calendar; charset=utf-8")
