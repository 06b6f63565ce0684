"""Who is acting: passwords (Argon2), personal tokens for the command line, browser sessions.

The service layer takes the acting login from its front end; the front ends establish it
here. The web workspace signs people in with a password and keeps a server-side session.
The command line against a shared database (PostgreSQL) acts only for a person who presents
a personal token (``KARTA_TOKEN``) or a password; ``KARTA_USER`` alone is enough only for a
local SQLite file that belongs to the operating-system user running karta.

Five wrong passwords in a row lock a login for 15 minutes; every refusal is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from registry.database import Database, utcnow
from registry.history import record
from registry.people import acting_person, roles_of
from registry.seal import sealed
from registry.tables import ApiToken, HistoryEvent, Person, WebSession
from workflow.errors import KartaError, PermissionDenied, UnknownUser, said

LOCK_AFTER = 5
LOCK_MINUTES = 15
SESSION_HOURS = 10  # a working day; then the browser asks for the password again
MIN_PASSWORD = 8
TOKEN_PREFIX = "karta_"

_HASHER = PasswordHasher()
_DUMMY = ""  # a hash of a password nobody has: equal work for unknown logins (made once)


def _dummy() -> str:
    global _DUMMY
    if not _DUMMY:
        _DUMMY = _HASHER.hash("karta: a password nobody has")
    return _DUMMY


class LoginRefused(KartaError):
    """A wrong password, a locked login, an unknown or revoked token."""

    exit_code = 3


def _where(client: str) -> str:
    """Where an attempt came from, for the event's comment — unless the front end already
    records it with every event (the web's address goes into the event's details)."""
    from registry.history import CLIENT

    return f" ({client})" if client and not CLIENT.get() else ""


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    from datetime import UTC

    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


# ----------------------------------------------------------------------------- passwords

def check_strength(login: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise KartaError(f"пароль короче {MIN_PASSWORD} знаков")
    if password.strip().lower() in (login.lower(), "password", "пароль", "12345678",
                                    "qwertyui"):
        raise KartaError("пароль слишком простой: не используйте логин и очевидные слова")


def set_password(db: Database, actor: str | None, login: str, password: str,
                 client: str = "", current: str | None = None) -> None:
    """Set a person's password: an administrator for a person of their own organisation
    (another organisation's people are not found), a person for themselves — with their
    current password, when they have one (a session left open is not enough)."""
    check_strength(login, password)
    with db.reading() as session:
        author = acting_person(session, actor)
        own = author.login == login
        if own and author.password_hash and not (
                current and _verify(author.password_hash, current)):
            refusal = "укажите текущий пароль" if not current else "текущий пароль неверен"
        else:
            refusal = ""
    if refusal:  # a wrong current password counts as a wrong password (and is logged)
        if current:
            _count_failure(db, login, "неверный текущий пароль при смене пароля" +
                           (f" ({client})" if client else ""))
        raise LoginRefused(refusal)
    digest = _HASHER.hash(password)  # Argon2 before the write transaction, not inside it
    with db.transaction() as session:
        author = acting_person(session, actor)
        if author.login != login and "admin" not in roles_of(author):
            raise PermissionDenied(author.login, "passwd", ("admin",), roles_of(author),
                                   reason="сменить чужой пароль может только администратор")
        person = session.exec(select(Person).where(Person.login == login)).first()
        if person is None:  # another organisation's person is not found (registry.tenancy)
            raise UnknownUser(login)
        person.password_hash, person.failed_logins, person.locked_until = digest, 0, None
        session.add(person)
        end_sessions_of(session, person.id or 0)
        record(session, login=author.login, object_ref=f"пользователь {login}",
               event="passwd", comment="пароль задан" + (f" ({client})" if client else ""),
               touches=[("person", person.id or 0)])


# Every refusal of a log-in says the same to the person at the door, whether the login
# exists, the password is wrong or the login is locked (no guessing which logins exist);
# the log says which it was.
REFUSED = (f"неверный логин или пароль (после {LOCK_AFTER} неверных попыток вход "
           f"блокируется на {LOCK_MINUTES} мин.)")


class _Attempts:
    """Log-in attempts per client address and per login in the last minute, in this
    process: a flood is refused before any password is hashed or anything is written."""

    WINDOW = 60.0
    PER_ADDRESS = 120  # an office behind one address signs in at nine
    PER_LOGIN = 10

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._seen: dict[str, list[float]] = {}

    def allow(self, address: str, login: str) -> bool:
        import time

        now = time.monotonic()
        keys = ((f"a:{address}", self.PER_ADDRESS), (f"l:{login.lower()[:64]}", self.PER_LOGIN))
        with self._lock:
            if len(self._seen) > 100_000:  # a flood of distinct keys: forget the oldest
                self._seen.clear()
            recent = {key: [t for t in self._seen.get(key, []) if now - t < self.WINDOW]
                      for key, _ in keys}
            allowed = all(len(recent[key]) < limit for key, limit in keys)
            for key, _ in keys:
                recent[key].append(now)
                self._seen[key] = recent[key][-max(self.PER_ADDRESS, self.PER_LOGIN):]
            return allowed

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


ATTEMPTS = _Attempts()


def check_password(db: Database, login: str, password: str, client: str = "") -> Person:
    """The person, when the password is theirs and the login is not locked; otherwise
    ``LoginRefused`` (one message for every reason), with the refusal logged in the log of
    the login's organisation. The password is checked with no lock held: a flood of
    attempts never holds the database's writers up; beyond a few attempts a minute per
    address or login it is refused before hashing anything."""
    where = _where(client)
    if not ATTEMPTS.allow(client, login):
        raise LoginRefused("слишком много попыток входа; повторите через минуту")
    with db.reading() as session:
        row = session.connection().execute(_BY_LOGIN, {"login": login}).first()
    now = utcnow()
    if row is None or not row.password_hash:
        _verify(_dummy(), password)  # the same work as for a known login
        _log_refused(db, login, "неверный логин или пароль" + where)
        raise LoginRefused(REFUSED)
    locked = _aware(row.locked_until)
    if locked is not None and locked > now:
        minutes = max(1, int((locked - now).total_seconds() // 60) + 1)
        _log_refused(db, login, f"вход заблокирован после {LOCK_AFTER} неверных паролей; "
                                f"осталось {minutes} мин." + where)
        raise LoginRefused(REFUSED)
    if not _verify(row.password_hash, password):
        _count_failure(db, login, "неверный пароль" + where)
        raise LoginRefused(REFUSED)
    if row.failed_logins or row.locked_until:
        with db.transaction(exclusive=False) as session:
            session.execute(update(Person).where(col(Person.id) == row.id).values(
                failed_logins=0, locked_until=None))
    return Person(**row._mapping)


_BY_LOGIN = select(Person.__table__).where(  # type: ignore[attr-defined]
    col(Person.login) == bindparam("login"))


def _log_refused(db: Database, login: str, reason: str) -> None:
    with db.transaction() as session:
        record(session, login=login[:64] or "?", object_ref=f"вход {login[:64]}",
               event="login_failed", comment=reason)


def _count_failure(db: Database, login: str, reason: str) -> None:
    """A wrong password: counted (the fifth in a row locks the login), and logged."""
    with db.transaction() as session:
        person = session.connection().execute(_BY_LOGIN, {"login": login}).first()
        if person is not None:
            failures = person.failed_logins + 1
            values: dict[str, object] = {"failed_logins": failures}
            if failures >= LOCK_AFTER:
                values = {"failed_logins": 0,
                          "locked_until": utcnow() + timedelta(minutes=LOCK_MINUTES)}
                reason += (f"; вход заблокирован на {LOCK_MINUTES} мин. после {LOCK_AFTER} "
                           "неверных паролей")
            session.connection().execute(update(Person.__table__).where(  # type: ignore[attr-defined]
                Person.__table__.c.id == person.id).values(**values))  # type: ignore[attr-defined]
        record(session, login=login[:64] or "?", object_ref=f"вход {login[:64]}",
               event="login_failed", comment=reason)


def _verify(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


# ----------------------------------------------------------------------------- tokens

def issue_token(db: Database, actor: str | None, login: str | None = None,
                label: str = "") -> tuple[int, str]:
    """A new personal token (shown once; only its SHA-256 is kept): for yourself, or by an
    administrator for somebody else. Returns (id, token)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.transaction() as session:
        author = acting_person(session, actor)
        owner = author
        if login and login != author.login:
            if "admin" not in roles_of(author):
                raise PermissionDenied(author.login, "token", ("admin",), roles_of(author),
                                       reason="выдать токен другому может только "
                                              "администратор")
            found = session.exec(select(Person).where(Person.login == login)).first()
            if found is None:
                raise UnknownUser(login)
            owner = found
        row = ApiToken(person_id=owner.id or 0, token_hash=_sha(token), label=label[:200],
                       created_at=utcnow())
        session.add(row)
        session.flush()
        record(session, login=author.login, object_ref=f"токен {row.id}", event="token_create",
               comment=f"токен для {owner.login}" + (f": {label}" if label else ""),
               touches=[("token", row.id or 0)])
        return row.id or 0, token


def person_for_token(db: Database, token: str) -> str:
    """The login a token belongs to; ``LoginRefused`` (logged) otherwise."""
    with db.reading() as session:
        row = session.exec(select(ApiToken).where(
            ApiToken.token_hash == _sha(token.strip()))).first()
        person = session.get(Person, row.person_id) if row is not None else None
        if row is not None and not row.revoked and person is not None:
            return person.login
    with db.transaction() as session:
        record(session, login="?", object_ref="вход по токену", event="login_failed",
               comment="неизвестный или отозванный токен")
    raise LoginRefused("токен неизвестен или отозван (karta token create)")


def list_tokens(db: Database, actor: str | None) -> list[dict[str, object]]:
    """Your tokens; an administrator sees everybody's."""
    with db.reading() as session:
        author = acting_person(session, actor)
        query = select(ApiToken, Person).join(Person, col(Person.id) == col(ApiToken.person_id))
        if "admin" not in roles_of(author):
            query = query.where(col(ApiToken.person_id) == author.id)
        return [{"id": token.id, "login": person.login, "label": token.label,
                 "created_at": token.created_at.isoformat(timespec="seconds"),
                 "revoked": token.revoked}
                for token, person in session.exec(query.order_by(col(ApiToken.id)))]


def revoke_token(db: Database, actor: str | None, token_id: int) -> None:
    with db.transaction() as session:
        author = acting_person(session, actor)
        row = session.get(ApiToken, token_id)
        if row is None or (row.person_id != author.id and "admin" not in roles_of(author)):
            raise KartaError(f"нет токена {token_id}" + said(" (karta token list)"))
        row.revoked = True
        session.add(row)
        record(session, login=author.login, object_ref=f"токен {token_id}",
               event="token_revoke", comment="токен отозван", touches=[("token", token_id)])


# ----------------------------------------------------------------------------- sessions

@dataclass(frozen=True)
class SignedIn:
    """A browser session: the cookie's token (shown once) and the CSRF token of its forms."""

    token: str
    csrf: str
    login: str


def open_session(db: Database, login: str, password: str, client: str = "") -> SignedIn:
    """Check the password and open a session; both the log-in and a refusal are logged."""
    person = check_password(db, login, password, client)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = utcnow()
    with db.transaction() as session:
        session.execute(delete(WebSession).where(col(WebSession.expires_at) < now))
        # the session exists by its «login» event (sealed with the log's key): a row put
        # into the table by hand opens nothing (``session_problem``)
        opened = record(session, login=person.login, object_ref=f"вход {person.login}",
                        event="login", comment="вход в веб-интерфейс" + _where(client),
                        details={"session": _sha(token)})
        session.add(WebSession(id=_sha(token), person_id=person.id or 0, csrf=csrf,
                               created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS),
                               client=client[:100], event_seq=opened.seq))
    return SignedIn(token, csrf, person.login)


_EVENT = HistoryEvent.__table__  # type: ignore[attr-defined]
_PERSON = Person.__table__  # type: ignore[attr-defined]
_OPENING = core_select(_EVENT.c.event, _EVENT.c.login, _EVENT.c.details, _EVENT.c.hash,
                       _EVENT.c.seal).where(_EVENT.c.seq == bindparam("seq"))
_LOGIN_OF = core_select(_PERSON.c.login).where(_PERSON.c.id == bindparam("person"))
_VALID_SESSIONS: dict[str, tuple[int, str]] = {}  # session id → (event, login) found valid


def session_problem(connection: Any, row: Any, key: bytes | None) -> str:
    """What is wrong with a session row (empty when it was opened by karta): it must name
    a «login» event of the same person, for this session, sealed when there is a key."""
    import json

    if row["event_seq"] is None:
        return "не открыт входом, записанным в журнал"
    opening = connection.execute(_OPENING, {"seq": row["event_seq"]}).first()
    person = connection.execute(_LOGIN_OF, {"person": row["person_id"]}).scalar()
    if opening is None or opening.event != "login" or opening.login != person:
        return "в журнале нет входа, которым он открыт"
    if json.loads(opening.details or "{}").get("session") != row["id"]:
        return "вход в журнале открыл другой сеанс"
    if key is not None and not sealed(key, opening.hash, opening.seal):
        return "вход, которым он открыт, не заверен ключом журнала"
    return ""


def session_login(db: Database, token: str) -> tuple[str, str] | None:
    """(login, csrf) of a live session, or None."""
    if not token:
        return None
    with db.reading() as session:
        row = session.get(WebSession, _sha(token))
        if row is None or (_aware(row.expires_at) or utcnow()) < utcnow():
            return None
        person = session.get(Person, row.person_id)
        if person is None:
            return None
        if _VALID_SESSIONS.get(row.id) != (row.event_seq or 0, person.login):
            if session_problem(session.connection(), row.model_dump(), db.log_key):
                return None  # a row nobody opened by logging in: no session
            _VALID_SESSIONS[row.id] = (row.event_seq or 0, person.login)
        return person.login, row.csrf


def close_session(db: Database, token: str, client: str = "") -> None:
    with db.transaction() as session:
        row = session.get(WebSession, _sha(token))
        if row is None:
            return
        person = session.get(Person, row.person_id)
        session.execute(delete(WebSession).where(col(WebSession.id) == row.id))
        record(session, login=person.login if person else "?",
               object_ref=f"вход {person.login if person else '?'}", event="logout",
               comment="выход из веб-интерфейса" + _where(client))


def same_token(given: str, expected: str) -> bool:
    """Constant-time comparison for CSRF tokens."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def end_sessions_of(session: Session, person_id: int) -> None:
    """Sign a person out everywhere (their password changed or roles were taken away)."""
    session.execute(update(WebSession).where(col(WebSession.person_id) == person_id)
                    .values(expires_at=utcnow()))


# ----------------------------------------------------------------------------- calendars

def issue_calendar_token(db: Database, login: str | None) -> str:
    """A new secret for the person's calendar subscription URL (the old one stops working)."""
    token = secrets.token_urlsafe(24)
    _set_calendar_hash(db, login, _sha(token), "выдана ссылка на календарь сроков")
    return token


def revoke_calendar_token(db: Database, login: str | None) -> None:
    _set_calendar_hash(db, login, "", "ссылка на календарь сроков отозвана")


def _set_calendar_hash(db: Database, login: str | None, value: str, comment: str) -> None:
    with db.transaction() as session:
        person = acting_person(session, login)
        row = session.get(Person, person.id)
        assert row is not None
        row.calendar_token_hash = value
        session.add(row)
        record(session, login=person.login, object_ref=f"пользователь {person.login}",
               event="calendar_token", comment=comment, touches=[("person", person.id or 0)])


def person_for_calendar(db: Database, token: str) -> str | None:
    """The login a calendar secret belongs to, or None."""
    if not token or len(token) > 100:
        return None
    with db.reading() as session:
        person = session.exec(select(Person).where(
            Person.calendar_token_hash == _sha(token))).first()
        return person.login if person else None
