"""Who is at the browser: the session cookie, CSRF tokens, and uploads checked by content.

Sessions are server-side (``registry.accounts``): the cookie holds a random token, HttpOnly
and SameSite=Lax, Secure behind HTTPS. Every form carries the session's CSRF token; the log-in
form, before any session exists, uses a double-submit cookie. Uploaded files are checked by
size and by their first bytes, and never stored under the name the browser sent.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fastapi import Request, Response
from starlette.datastructures import UploadFile

from registry.accounts import SESSION_HOURS, same_token, session_login
from registry.database import Database
from workflow.dates import typed_date
from workflow.errors import KartaError

SESSION_COOKIE = "karta_session"
LOGIN_COOKIE = "karta_login"
UPLOAD_BYTES = 20 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NotSignedIn(Exception):
    """No live session: the browser is sent to the log-in page."""


class CsrfRefused(Exception):
    """A form without the session's CSRF token."""


class BodyTooLarge(Exception):
    """A request body larger than any form of karta (or of no declared size)."""


@dataclass
class Actor:
    """The signed-in person, as the pages need them."""

    login: str
    csrf: str
    name: str = ""
    roles: set[str] = field(default_factory=set)
    unread: int = 0  # notifications not yet read (the count in the header)
    email: str = ""

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def database(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def client_address(request: Request) -> str:
    """The browser's address (behind a reverse proxy, the one it forwards)."""
    forwarded = request.headers.get("x-forwarded-for", "") \
        if request.app.state.trust_proxy else ""
    address = forwarded.split(",")[0].strip() or (request.client.host if request.client
                                                   else "")
    return address[:60]


def actor(request: Request) -> Actor:
    """The dependency of every page: the signed-in person or ``NotSignedIn``."""
    cached = getattr(request.state, "actor", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    db = database(request)
    found = session_login(db, request.cookies.get(SESSION_COOKIE, ""))
    if found is None:
        raise NotSignedIn()
    login, csrf = found
    from registry.people import who_is

    person = who_is(db, login)
    request.state.actor = Actor(login, csrf, person.name, set(person.roles), person.unread,
                                person.email)
    return request.state.actor  # type: ignore[no-any-return]


MAX_BODY = 64 * 1024 * 1024  # the largest upload (a roadmap, attachments) and its form


async def checked_form(request: Request) -> dict[str, object]:
    """The dependency of every POST: the form, after the CSRF check. Nobody's body is read
    before their session is known, and none past MAX_BODY: an anonymous gigabyte is
    refused by its declared length, not spooled to disk first."""
    who = actor(request)
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        if request.headers.get("content-type", "").startswith("multipart/"):
            raise BodyTooLarge("укажите размер отправляемых данных (Content-Length)")
    elif int(declared) > MAX_BODY:
        raise BodyTooLarge(f"отправлено больше {MAX_BODY // (1024 * 1024)} МБ")
    form = await request.form(max_files=64, max_fields=2000)
    given = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
    if not given or not same_token(given, who.csrf):
        raise CsrfRefused()
    return dict(form.multi_items()) | {"__multi__": form}


def text(form: dict[str, object], name: str, limit: int = 4000) -> str:
    """A text field: control characters (NUL among them) removed, length bounded."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise KartaError(f"поле «{name}» длиннее {limit} знаков")
    return _CONTROL.sub("", value).strip()


def form_date(form: dict[str, object], name: str) -> date | None:
    """A date field (the browser sends ГГГГ-ММ-ДД; people type ДД.ММ.ГГГГ)."""
    value = text(form, name, 20)
    return typed_date(value) if value else None


def lines(form: dict[str, object], name: str) -> list[str]:
    return [line.strip() for line in text(form, name, 20000).splitlines() if line.strip()]


def set_cookie(response: Response, request: Request, name: str, value: str,
               max_age: int) -> None:
    """An HttpOnly, SameSite=Lax cookie for the whole site; Secure behind HTTPS."""
    secure = request.url.scheme == "https" or bool(request.app.state.secure_cookies)
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=secure, path="/")


def session_cookie_age() -> int:
    return SESSION_HOURS * 3600


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


# ----------------------------------------------------------------------------- uploads

_KINDS = {  # suffix → what its first bytes must be
    ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04", ".pdf": b"%PDF",
    ".doc": b"\xd0\xcf\x11\xe0", ".odt": b"PK\x03\x04", ".rtf": b"{\\rtf",
}
TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".md")


async def read_upload(upload: UploadFile, allowed: tuple[str, ...],
                      limit: int = UPLOAD_BYTES) -> tuple[str, str, bytes]:
    """An uploaded file: (safe display name, checked suffix, bytes); refused when too big,
    of a type not allowed, or when its content is not what its name says."""
    name = Path((upload.filename or "").replace("\\", "/")).name
    name = _CONTROL.sub("", name)[:200] or "файл"
    suffix = Path(name).suffix.lower()
    if suffix not in allowed:
        raise KartaError(f"файл «{name}»: допустимые типы — {', '.join(allowed)}")
    data = bytearray()
    while chunk := await upload.read(1 << 20):
        data.extend(chunk)
        if len(data) > limit:
            raise KartaError(f"файл «{name}» больше {limit // (1024 * 1024)} МБ")
    if not data:
        raise KartaError(f"файл «{name}» пуст")
    magic = _KINDS.get(suffix)
    if magic is not None and not bytes(data[:len(magic)]) == magic:
        raise KartaError(f"файл «{name}» не является файлом {suffix} (содержимое не совпадает "
                         "с типом)")
    if suffix in TEXT_SUFFIXES and b"\x00" in data[:4096]:
        raise KartaError(f"файл «{name}» не текстовый")
    return name, suffix, bytes(data)


# ----------------------------------------------------------------------------- notices

def _notice_seal(csrf: str, text: str) -> str:
    import hashlib
    import hmac

    return hmac.new(csrf.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def notice_query(who: Actor, key: str, text: str) -> str:
    """«key=text&seal=…» for the address a form redirects to: the page shows the text as
    a success notice only with a seal made from the person's session, so a link crafted by
    someone else shows nothing."""
    from urllib.parse import quote

    return f"{key}={quote(text)}&seal={_notice_seal(who.csrf, text)}"


def shown_notice(request: Request, key: str) -> str:
    """The notice ``notice_query`` put in this address, or empty."""
    text = request.query_params.get(key, "")[:300]
    seal = request.query_params.get("seal", "")
    if not text or not seal:
        return ""
    return text if same_token(seal, _notice_seal(actor(request).csrf, text)) else ""
