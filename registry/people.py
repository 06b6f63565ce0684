"""The organisation profile and the people who act in karta."""

from __future__ import annotations

import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from registry.database import Database, utcnow
from registry.tables import HistoryEvent, Organisation, Person
from workflow.errors import ConfigurationError, KartaError, UnknownUser

ROLES = ("admin", "clerk", "head", "executor", "auditor")
OVERRIDE_CASES = ("nominative", "genitive", "dative", "accusative", "instrumental",
                  "prepositional")


@dataclass(frozen=True)
class Profile:
    """What ``karta init`` is told about the department."""

    full_name: str
    short_name: str = ""
    parent_body: str = ""
    place: str = ""
    head_position: str = ""
    head_name: str = ""
    order_prefix: str = "01-09/"
    timezone: str = "Europe/Moscow"
    due_shift: str = "previous"


def initialise(db: Database, profile: Profile, admin_login: str = "admin",
               admin_name: str = "") -> Organisation:
    """Create the schema, the profile and the administrator; refuse a second time."""
    if not profile.full_name.strip():
        raise ConfigurationError("укажите полное наименование организации: --org «…»")
    if profile.due_shift not in ("previous", "none"):
        raise ConfigurationError("--due-shift: previous (на предыдущий рабочий день) или none")
    try:
        ZoneInfo(profile.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"неизвестный часовой пояс «{profile.timezone}»") from None
    db.create_schema()
    with db.transaction() as session:
        if session.exec(select(Organisation)).first() is not None:
            raise KartaError(f"база данных {db.safe_url} уже создана; профиль не изменён")
        organisation = Organisation(**profile.__dict__)
        session.add(organisation)
        session.add(Person(login=admin_login, full_name=admin_name or admin_login,
                           roles=",".join(ROLES)))
        session.add(HistoryEvent(
            at=utcnow(), login=admin_login, object_ref="профиль", event="init",
            comment=f"создана база данных для «{profile.full_name}»",
            files=json.dumps([]),
        ))
        session.flush()
        from registry.templates import install_defaults

        install_defaults(session, admin_login)
    return organisation


_PERSON_BY_LOGIN = select(Person).where(col(Person.login) == bindparam("login"))


def acting_person(session: Session, login: str | None) -> Person:
    """The known person behind ``--user``/``KARTA_USER``; refuse anyone else."""
    if not login:
        raise ConfigurationError("укажите пользователя: --user ЛОГИН или переменная KARTA_USER")
    person = session.exec(_PERSON_BY_LOGIN, params={"login": login}).first()
    if person is None:
        raise UnknownUser(login)
    return person


def time_zone(db: Database, session: Session) -> str:
    """The organisation's time zone, read once per Database (it is set at ``init``)."""
    if db.time_zone is None:
        db.time_zone = organisation(session).timezone
    return db.time_zone


def organisation(session: Session) -> Organisation:
    """The profile created by ``karta init``."""
    found = session.exec(select(Organisation)).first()
    if found is None:
        raise ConfigurationError("профиль организации не создан: выполните «karta init --org …»")
    return found


def add_person(db: Database, actor: str | None, login: str, full_name: str, gender: str,
               position: str, roles: list[str], phone: str = "",
               overrides: dict[str, str] | None = None) -> Person:
    """Add a person; the login must be new and the roles known."""
    for key in overrides or {}:
        field, _, case = key.partition(".")
        if field not in ("name", "short", "position") or case not in OVERRIDE_CASES:
            raise ConfigurationError(
                f"неверная замена «{key}»: ожидается name|short|position.падеж, "
                f"например position.dative; падежи: {', '.join(OVERRIDE_CASES)}")
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise ConfigurationError(
            f"неизвестная роль «{unknown[0]}»; роли: {', '.join(ROLES)}")
    if gender not in ("m", "f", ""):
        raise ConfigurationError("пол: m (мужской) или f (женский)")
    with db.transaction() as session:
        author = acting_person(session, actor)
        if session.exec(select(Person).where(Person.login == login)).first() is not None:
            raise KartaError(f"пользователь «{login}» уже есть")
        person = Person(login=login, full_name=full_name, gender=gender, position=position,
                        roles=",".join(roles), phone=phone,
                        overrides=json.dumps(overrides or {}, ensure_ascii=False))
        session.add(person)
        session.add(HistoryEvent(
            at=utcnow(), login=author.login, object_ref=f"пользователь {login}",
            event="person_add", comment=f"{full_name}, {position}; роли: {', '.join(roles)}",
        ))
    return person


def list_people(db: Database, actor: str | None) -> list[Person]:
    with db.reading() as session:
        acting_person(session, actor)
        return list(session.exec(select(Person).order_by(Person.login)))
