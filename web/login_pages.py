"""Log-in and log-out."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from registry.accounts import LoginRefused, close_session, open_session, same_token
from web.app import page
from web.security import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    actor,
    checked_form,
    client_address,
    database,
    new_login_nonce,
    session_cookie_age,
    set_cookie,
)

router = APIRouter()


def _safe_next(target: str) -> str:
    """Only a path of this site: never an absolute URL (no open redirect)."""
    parsed = urlparse(target or "/")
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _form(request: Request, error: str = "", login: str = "", status: int = 200) -> Response:
    nonce = new_login_nonce()
    response = page(request, "login.html", status=status, nonce=nonce, error=error,
                    login=login, next=_safe_next(request.query_params.get("next", "/")),
                    title="Вход")
    set_cookie(response, request, LOGIN_COOKIE, nonce, 3600)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _form(request)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    nonce = str(form.get("nonce") or "")
    login_name = str(form.get("login") or "").strip()[:64]
    if not nonce or not same_token(nonce, request.cookies.get(LOGIN_COOKIE, "")):
        return _form(request, "Форма входа устарела: введите логин и пароль ещё раз.",
                     login_name, 403)
    from starlette.concurrency import run_in_threadpool

    try:
        signed = await run_in_threadpool(open_session, database(request), login_name,
                                         str(form.get("password") or "")[:200],
                                         client_address(request))
    except LoginRefused as refused:
        return _form(request, str(refused), login_name, 401)
    target = _safe_next(str(form.get("next") or "/"))
    response = RedirectResponse(target, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, signed.token, session_cookie_age())
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await checked_form(request)
    actor(request)
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(close_session, database(request),
                            request.cookies.get(SESSION_COOKIE, ""), client_address(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
