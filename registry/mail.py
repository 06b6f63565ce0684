"""Mail that really goes out: each organisation's server, messages sent with retries and
back-off, daily digests, and the reminders that feed them.

Sending is work done outside any request: ``send_pending`` takes the messages due, claims
each one (a compare-and-set on its state, so two senders — two servers, a server and a cron
job — never send the same message twice), sends it, and marks it sent; a server that is
down or refuses puts the message back with a later attempt (1, 5, 30 minutes, 2 and 12 hours,
then failed and shown to the administrator with the reason). Nothing is lost while the mail
server is down. The web server runs it every minute; ``karta notify send`` runs it from
cron or a systemd timer.

A message carries the notification's title and a link to karta — never the content of a
report or a document. Names and titles are put in headers through the standard library's
header encoding, so a name with «\\r\\nBcc:» in it is text, not a header.

The SMTP password is sealed with the key outside the database (``registry.seal``) with
Fernet (AES-128 with HMAC-SHA256, from the cryptography package): the database, its backups
and the log hold only the sealed form.
"""

from __future__ import annotations

import base64
import re
import secrets
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from registry.database import Database, upsert_insert, utcnow
from registry.history import record
from registry.people import acting_person, roles_of
from registry.tables import MailSettings, Organisation, Person
from registry.tables import Notification as Row
from workflow.errors import KartaError, PermissionDenied

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=12))
BATCH = 200  # messages claimed at a time
SMTP_SECONDS = 20
_EMAIL = re.compile(r"^[^@\s<>\"',;:\\]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
_HEADER_UNSAFE = re.compile(r"[\r\n\x00]")


def check_address(address: str) -> str:
    """An e-mail address as karta accepts it (one mailbox; no names, no lists)."""
    address = address.strip()
    if address and not _EMAIL.match(address):
        raise KartaError(f"«{address[:80]}» — не адрес электронной почты")
    return address


def header_text(text: str) -> str:
    """Text for a header: no line breaks (a name can never add a header)."""
    return _HEADER_UNSAFE.sub(" ", text).strip()[:200]


# ----------------------------------------------------------------------------- settings

def _fernet(db: Database) -> Any:
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = db.log_key
    if key is None:
        raise KartaError("пароль почтового сервера хранится только запечатанным ключом вне "
                         "базы данных: создайте его (karta audit key)")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"karta smtp password").derive(key)
    return Fernet(base64.urlsafe_b64encode(derived))


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    security: str
    login: str
    password: str
    sender: str
    site: str
    remind_before: tuple[int, ...]
    escalate_after: int


def set_mail(db: Database, login: str | None, *, host: str, port: int = 587,
             security: str = "starttls", user: str = "", password: str | None = None,
             sender: str, site: str = "", remind_before: str = "5,1",
             escalate_after: int = 3) -> None:
    """An organisation's mail server and reminder rules (administrators); the password is
    sealed, and the log says what changed but never the password."""
    if security not in ("starttls", "ssl", "none"):
        raise KartaError("защита соединения: starttls, ssl или none")
    if not 1 <= port <= 65535:
        raise KartaError("порт — число от 1 до 65535")
    check_address(sender)
    days = tuple(sorted({int(d) for d in re.findall(r"\d+", remind_before)}, reverse=True))
    if not days or any(d > 30 for d in days):
        raise KartaError("напоминания: рабочие дни до срока через запятую, например 5,1")
    if not 1 <= escalate_after <= 60:
        raise KartaError("эскалация: от 1 до 60 рабочих дней просрочки")
    sealed = _fernet(db).encrypt(password.encode()).decode() if password else None
    with db.transaction() as session:
        person = acting_person(session, login)
        if "admin" not in roles_of(person):
            raise PermissionDenied(person.login, "mail", ("admin",), roles_of(person))
        values: dict[str, Any] = {
            "organisation_id": person.organisation_id, "host": host.strip()[:200],
            "port": port, "security": security, "login": user.strip()[:200],
            "sender": sender.strip(), "site": site.strip().rstrip("/")[:200],
            "remind_before": ",".join(map(str, days)), "escalate_after": escalate_after,
            "password_sealed": sealed or "", "last_event": 0}
        current = session.get(MailSettings, person.organisation_id)
        if sealed is None and current is not None:
            values["password_sealed"] = current.password_sealed
        statement = upsert_insert(session.get_bind().dialect.name)(MailSettings).values(
            **values)
        session.execute(statement.on_conflict_do_update(
            index_elements=["organisation_id"],
            set_={k: v for k, v in values.items() if k != "organisation_id"}))
        record(session, login=person.login, object_ref="почтовый сервер", event="mail_settings",
               comment=f"{host}:{port} ({security}), отправитель {sender}, напоминания за "
                       f"{values['remind_before']} раб. дн., эскалация через {escalate_after}"
                       + ("; пароль задан" if sealed else ""))


def shown_settings(db: Database, login: str | None) -> dict[str, Any]:
    """The organisation's mail settings as the administrator's page shows them (whether a
    password is set, never the password)."""
    with db.reading() as session:
        person = acting_person(session, login)
        row = session.get(MailSettings, person.organisation_id)
        if row is None:
            return {"host": "", "port": 587, "security": "starttls", "login": "",
                    "password_set": False, "sender": "", "site": "", "remind_before": "5,1",
                    "escalate_after": 3}
        return {"host": row.host, "port": row.port, "security": row.security,
                "login": row.login, "password_set": bool(row.password_sealed),
                "sender": row.sender, "site": row.site, "remind_before": row.remind_before,
                "escalate_after": row.escalate_after}


def mail_settings(db: Database, organisation_id: int) -> Settings | None:
    with db.engine.connect() as connection:
        row = connection.execute(select(MailSettings.__table__).where(  # type: ignore[attr-defined]
            MailSettings.__table__.c.organisation_id == organisation_id)).first()  # type: ignore[attr-defined]
    if row is None or not row.host:
        return None
    password = _fernet(db).decrypt(row.password_sealed.encode()).decode() \
        if row.password_sealed else ""
    return Settings(row.host, row.port, row.security, row.login, password, row.sender,
                    row.site, tuple(int(d) for d in row.remind_before.split(",") if d),
                    row.escalate_after)


# ----------------------------------------------------------------------------- sending

Connect = Callable[[Settings], smtplib.SMTP]


def connect(settings: Settings) -> smtplib.SMTP:
    """A connection to the organisation's server, secured as configured."""
    if settings.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port,
                                                timeout=SMTP_SECONDS,
                                                context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_SECONDS)
        if settings.security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if settings.login:
        server.login(settings.login, settings.password)
    return server


@dataclass
class Sent:
    """What one run of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    digests: int = 0
    errors: list[str] | None = None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def send_pending(db: Database, now: datetime | None = None, connector: Connect = connect,
                 digests: bool = True) -> Sent:
    """Send every message due (and, once a day, the digests), organisation by
    organisation; safe to run anywhere at once."""
    now = now or utcnow()
    result = Sent(errors=[])
    with db.engine.connect() as connection:
        organisations = list(connection.execute(select(Organisation.id)))  # type: ignore[call-overload]
    for (organisation_id,) in organisations:
        settings = mail_settings(db, organisation_id)
        if settings is None:
            continue
        _send_organisation(db, organisation_id, settings, now, connector, result)
        if digests:
            _send_digests(db, organisation_id, settings, now, connector, result)
    return result


def _claim(db: Database, organisation_id: int, now: datetime) -> tuple[str, list[Any]]:
    """Take the messages due for this sender (a compare-and-set per message)."""
    token = secrets.token_hex(8)
    table = Row.__table__  # type: ignore[attr-defined]
    with db.writing_engine.begin() as connection:
        due = [row.id for row in connection.execute(select(table.c.id).where(
            table.c.organisation_id == organisation_id, table.c.mail_state == "pending",
            table.c.mail_next_at <= now).order_by(table.c.id).limit(BATCH))]
        for row_id in due:
            connection.execute(update(table).where(
                table.c.id == row_id, table.c.mail_state == "pending").values(
                mail_state="sending", mail_claim=token))
        rows = list(connection.execute(select(table, Person.__table__.c.email,  # type: ignore[attr-defined]
                                              Person.__table__.c.full_name).join(  # type: ignore[attr-defined]
            Person.__table__, Person.__table__.c.id == table.c.person_id).where(  # type: ignore[attr-defined]
            table.c.mail_claim == token, table.c.mail_state == "sending")))
    return token, rows


def _send_organisation(db: Database, organisation_id: int, settings: Settings,
                       now: datetime, connector: Connect, result: Sent) -> None:
    _, rows = _claim(db, organisation_id, now)
    if not rows:
        return
    try:
        server = connector(settings)
    except (OSError, smtplib.SMTPException) as error:
        for row in rows:
            _retry(db, row, now, f"почтовый сервер недоступен: {_reason(error)}", result)
        return
    try:
        for row in rows:
            if not row.email:
                _finish(db, row.id, "failed", "у получателя нет адреса почты")
                result.failed += 1
                continue
            try:
                server.send_message(_message(settings, row.email, row.full_name, row.title,
                                             row.link))
            except smtplib.SMTPRecipientsRefused as error:  # a bounce: no retry helps
                _finish(db, row.id, "failed", f"адрес отвергнут: {_reason(error)}")
                result.failed += 1
            except (OSError, smtplib.SMTPException) as error:
                _retry(db, row, now, _reason(error), result)
            else:
                _finish(db, row.id, "sent", "")
                result.sent += 1
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass


def _message(settings: Settings, to: str, name: str, title: str, link: str,
             body: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr(("karta", settings.sender))
    local, _, domain = to.partition("@")
    message["To"] = Address(display_name=header_text(name), username=local, domain=domain)
    message["Subject"] = header_text(f"karta: {title}")
    address = f"{settings.site}{link}" if settings.site and link else link
    message.set_content(body or (f"{title}\n\n" + (f"Открыть в karta: {address}\n"
                                                   if address else "")
                                 + "\nЭто сообщение karta; отвечать на него не нужно."))
    return message


def _reason(error: BaseException) -> str:
    return re.sub(r"\s+", " ", str(error) or type(error).__name__)[:300]


def _finish(db: Database, row_id: int, state: str, error: str) -> None:
    table = Row.__table__  # type: ignore[attr-defined]
    with db.writing_engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == row_id).values(
            mail_state=state, mail_error=error, mail_claim=""))


def _retry(db: Database, row: Any, now: datetime, error: str, result: Sent) -> None:
    attempts = row.mail_attempts + 1
    table = Row.__table__  # type: ignore[attr-defined]
    if attempts > len(BACKOFF):
        state, next_at = "failed", None
        result.failed += 1
    else:
        state, next_at = "pending", now + BACKOFF[attempts - 1]
        result.retried += 1
    with db.writing_engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == row.id).values(
            mail_state=state, mail_attempts=attempts, mail_next_at=next_at,
            mail_error=error, mail_claim=""))
    if result.errors is not None and error not in result.errors:
        result.errors.append(error)


def _send_digests(db: Database, organisation_id: int, settings: Settings, now: datetime,
                  connector: Connect, result: Sent) -> None:
    """One message a day per person with what they chose to get as a digest."""
    table = Row.__table__  # type: ignore[attr-defined]
    people = Person.__table__  # type: ignore[attr-defined]
    with db.writing_engine.begin() as connection:
        token = secrets.token_hex(8)
        connection.execute(update(table).where(
            table.c.organisation_id == organisation_id, table.c.mail_state == "digest",
            # what came before today: a day's notifications in one message, the next day
            table.c.created_at < now.replace(hour=0, minute=0, second=0, microsecond=0)
        ).values(
            mail_state="digesting", mail_claim=token))
        rows = list(connection.execute(select(table, people.c.email, people.c.full_name).join(
            people, people.c.id == table.c.person_id).where(table.c.mail_claim == token)
            .order_by(table.c.person_id, table.c.id)))
    by_person: dict[int, list[Any]] = {}
    for row in rows:
        by_person.setdefault(row.person_id, []).append(row)
    if not by_person:
        return
    try:
        server = connector(settings)
    except (OSError, smtplib.SMTPException) as error:
        with db.writing_engine.begin() as connection:
            connection.execute(update(table).where(table.c.mail_claim == token).values(
                mail_state="digest", mail_claim="", mail_error=_reason(error)))
        return
    try:
        for person_rows in by_person.values():
            first = person_rows[0]
            lines = [f"— {row.title}" + (f": {settings.site}{row.link}" if settings.site and
                                         row.link else "") for row in person_rows]
            body = ("Что произошло в karta:\n\n" + "\n".join(lines)
                    + "\n\nЭто ежедневная сводка karta; отвечать на неё не нужно.")
            state = "digested"
            try:
                if first.email:
                    server.send_message(_message(settings, first.email, first.full_name,
                                                 f"сводка: {len(lines)} уведомл.", "", body))
                    result.digests += 1
            except (OSError, smtplib.SMTPException):
                state = "digest"  # the next run tries again
            with db.writing_engine.begin() as connection:
                connection.execute(update(table).where(
                    table.c.id.in_([row.id for row in person_rows])).values(
                    mail_state=state, mail_claim=""))
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass


def outbox(db: Database, login: str | None) -> dict[str, Any]:
    """What waits to be sent and why (the administrator's page)."""
    with db.reading() as session:
        person = acting_person(session, login)
        if "admin" not in roles_of(person):
            raise PermissionDenied(person.login, "mail", ("admin",), roles_of(person))
        rows = list(session.exec(select(Row).where(
            col(Row.mail_state).in_(("pending", "sending", "failed"))).order_by(
            col(Row.id).desc()).limit(100)))
        names = {p.id: p.full_name or p.login for p in session.exec(select(Person))}
        return {"waiting": sum(1 for r in rows if r.mail_state != "failed"),
                "failed": sum(1 for r in rows if r.mail_state == "failed"),
                "rows": [{"to": names.get(r.person_id, ""), "title": r.title,
                          "state": r.mail_state, "attempts": r.mail_attempts,
                          "next_at": r.mail_next_at, "error": r.mail_error} for r in rows]}


