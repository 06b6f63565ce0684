"""The organisation profile and the people who act in karta."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, text
from sqlmodel import Session, col, select

from registry.database import Database, utcnow
from registry.tables import Organisation, Person
from workflow.errors import ConfigurationError, KartaError, PermissionDenied, UnknownUser, said
from workflow.roles import ROLES  # one list of roles, with their labels

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


def _check_profile(profile: Profile) -> None:
    if not profile.full_name.strip():
        raise ConfigurationError("укажите полное наименование организации: --org «…»")
    if profile.due_shift not in ("previous", "none"):
        raise ConfigurationError("--due-shift: previous (на предыдущий рабочий день) или none")
    try:
        ZoneInfo(profile.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"неизвестный часовой пояс «{profile.timezone}»") from None


_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
MUNICIPAL_ROLES = ("admin", "clerk", "head", "executor", "auditor")
REGION_ADMIN_ROLES = ("admin", "region_auditor")


def initialise(db: Database, profile: Profile, admin_login: str = "admin",
               admin_name: str = "", code: str = "main",
               kind: str = "municipal") -> Organisation:
    """Create the schema, the first organisation (a department, or a region's ministry that
    will hold departments) and its administrator, who holds every role; refuse a second
    time."""
    _check_profile(profile)
    if not _CODE.match(code) or kind not in ("municipal", "region"):
        raise ConfigurationError(f"неверный код организации «{code}»: латиница, цифры, «-»")
    db.create_schema()
    from registry.seal import key_path, make_key

    where = key_path(db.folder)  # a SQLite file's key beside it; a server's, configured
    if where is not None and not where.exists():
        make_key(where)
    with db.transaction() as session:
        if session.exec(select(Organisation)).first() is not None:
            raise KartaError(f"база данных {db.safe_url} уже создана; профиль не изменён")
        organisation = Organisation(**profile.__dict__, code=code, kind=kind)
        session.add(organisation)
        session.flush()
        # a department's first administrator holds every role of a department; a region's
        # (the ministry's) only administration and the region-wide reading: the ministry
        # does not do the departments' work
        roles = REGION_ADMIN_ROLES if kind == "region" else MUNICIPAL_ROLES
        admin = Person(login=admin_login, full_name=admin_name or admin_login,
                       roles=",".join(roles), organisation_id=organisation.id or 0)
        session.add(admin)
        session.flush()
        session.info["organisation_id"] = organisation.id
        from registry.history import record
        from registry.templates import install_defaults

        rules = install_defaults(session, admin_login)
        record(session, login=admin_login, object_ref="профиль", event="init",
               comment=f"создана база данных для «{profile.full_name}»",
               details={"after": {k: v for k, v in profile.__dict__.items()}},
               touches=[("organisation", organisation.id or 0), ("person", admin.id or 0),
                        *(("rule", rule_id) for rule_id in rules)])
    return organisation


_STANDING_IN = text(
    "SELECT p.login, p.roles, p.full_name, p.position FROM substitution s JOIN person p ON "
    "p.id = s.person_id WHERE s.deputy_id = :deputy AND s.first_day <= :today AND "
    "s.last_day >= :today AND NOT s.cancelled ORDER BY s.id")
_ACT_WITHIN = text("SELECT set_config('karta.organisation', :organisation, true), "
                   "set_config('karta.region', :region, true)")
_PERSON_BY_LOGIN = select(Person.__table__).where(  # type: ignore[attr-defined]
    col(Person.login) == bindparam("login"))


# who may do what (DOMAIN roles); reading needs no role beyond being a known person
# (who may fire an occurrence's events is said by its states, workflow/states; unknown
# actions are refused)
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "import": ("clerk",),
    "approve": ("clerk",), "correct": ("clerk",), "sign": ("head",), "plan": ("clerk",),
    "annual_report": ("clerk",),
    "set_period": ("clerk",), "set_deadline": ("clerk",), "occurrence_add": ("clerk",),
    "template_add": ("admin",), "template_activate": ("admin",), "rule_add": ("admin",),
    "rule_remove": ("admin",), "person_add": ("admin",), "grant": ("admin",),
    "profile": ("admin",), "revoke": ("admin",), "person_edit": ("admin",),
    "passwd": ("admin",), "unit_add": ("admin", "clerk"), "unit_map": ("clerk", "admin"),
    "upgrade": ("admin",), "backup": ("admin",), "restore": ("admin",),
    "journal": ("clerk", "admin"), "organisation_add": ("admin",),
    "rerender": ("clerk", "admin"),
    "revise": ("clerk",), "route": ("clerk",), "basis": ("clerk",),
    "indicator_add": ("clerk", "admin"), "indicator_target": ("clerk",),
    "monitoring_note": ("clerk", "head"), "monitoring_order": ("clerk",),
    # auditors read the threads; those who do the work write in them
    "comment": ("clerk", "head", "executor", "admin"),
}


def roles_of(person: Person) -> list[str]:
    return [role for role in person.roles.split(",") if role]


def require_whole_organisation(person: Person, what: str) -> None:
    """Refuse (logged) an executor who has no organisation-wide role."""
    if not {"admin", "clerk", "head", "auditor", "region_auditor"} & set(roles_of(person)):
        raise PermissionDenied(person.login, what, ("auditor", "clerk", "head"),
                               roles_of(person),
                               reason=f"«{what}» доступно сотрудникам управления и аудиторам")


def login_taken(session: Session, login: str) -> bool:
    """Whether any organisation of the database has this login (logins are unique in the
    whole database: a person logs in without naming their organisation)."""
    return session.connection().execute(_PERSON_BY_LOGIN, {"login": login}).first() is not None


def acting_person(session: Session, login: str | None, action: str | None = None) -> Person:
    """The known person behind ``--user``/``KARTA_USER``; refuse anyone else, and refuse
    an action their roles do not allow (``PermissionDenied``, logged by the transaction)."""
    if not login:
        raise ConfigurationError("укажите пользователя: --user ЛОГИН или переменная KARTA_USER")
    row = session.connection().execute(_PERSON_BY_LOGIN, {"login": login}).first()
    if row is None:
        raise UnknownUser(login)
    person = Person(**row._mapping)  # a transient copy for reading: never added back
    # the session acts within this person's organisation from now on (see registry.scope)
    session.info["organisation_id"] = person.organisation_id
    session.info["region_wide"] = "region_auditor" in roles_of(person)
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # the second wall: row-level security
        region = session.info["region_wide"] and not session.info.get("writing")
        connection.execute(_ACT_WITHIN, {"organisation": str(person.organisation_id),
                                         "region": "on" if region else "off"})
    standing_in = list(connection.execute(_STANDING_IN, {
        "deputy": person.id, "today": local_today(organisation(session))}))
    if standing_in:  # a deputy acts with the roles of whom they replace, and the log says so
        held = roles_of(person)
        for absent in standing_in:
            held += [role for role in absent.roles.split(",") if role and role not in held]
        person.roles = ",".join(held)
        session.info["acting_for"] = [{"login": absent.login, "name": absent.full_name,
                                       "position": absent.position} for absent in standing_in]
    else:
        session.info.pop("acting_for", None)
    if action is not None:
        needed = PERMISSIONS.get(action)
        if needed is None:  # deny by default
            raise PermissionDenied(person.login, action, (), roles_of(person),
                                   reason=f"неизвестное действие «{action}»")
        if not set(needed) & set(roles_of(person)):
            raise PermissionDenied(person.login, action, needed, roles_of(person))
    return person


def names_of(session: Session) -> dict[str, str]:
    """Every login with the person's full name, for lists people read."""
    return {login: name or login for login, name in session.exec(
        select(Person.login, Person.full_name))}


def local_today(org: Organisation) -> date:
    """Today where the organisation is (its time zone), not where the server is: an office
    in Moscow served from a UTC machine starts its day three hours earlier."""
    return utcnow().astimezone(ZoneInfo(org.timezone)).date()


def today_in(session: Session) -> date:
    """``local_today`` of the organisation the session acts within."""
    return local_today(organisation(session))


def office_today(db: Database, login: str | None) -> date:
    """``today_in`` for a page or command that has no session open yet."""
    with db.reading() as session:
        acting_person(session, login)
        return today_in(session)


def time_zone(db: Database, session: Session) -> str:
    """The acting organisation's time zone."""
    return organisation(session).timezone


_PROFILES: WeakKeyDictionary[Any, dict[int | None, Organisation]] = WeakKeyDictionary()


def current_organisation(session: Session) -> int | None:
    """The organisation the session acts within (set by ``acting_person``), or None before
    anybody acts."""
    found = session.info.get("organisation_id")
    return int(found) if found is not None else None


def organisation(session: Session) -> Organisation:
    """The profile of the organisation the session acts within (the first one before anybody
    acts); read once per engine and organisation, and read again after ``profile set``."""
    engine = session.get_bind()
    wanted = current_organisation(session)
    cache = _PROFILES.setdefault(engine, {})
    found = cache.get(wanted)
    if found is None:
        query = select(Organisation).order_by(col(Organisation.id))
        if wanted is not None:
            query = query.where(Organisation.id == wanted)
        found = session.exec(query).first()
        if found is None:
            raise ConfigurationError("профиль организации не создан: выполните «karta init "
                                     "--org …»")
        cache[wanted] = found
    return found


def add_organisation(db: Database, actor: str | None, code: str, profile: Profile,
                     admin_login: str, admin_name: str) -> Organisation:
    """Add a department to a region's database, with its own administrator (a region's
    administrator does it: admin and region_auditor)."""
    _check_profile(profile)
    check_login(admin_login)
    if not _CODE.match(code):
        raise ConfigurationError(f"неверный код организации «{code}»: латиница, цифры, «-»")
    with db.transaction() as session:
        author = acting_person(session, actor, "organisation_add")
        if "region_auditor" not in roles_of(author):
            raise PermissionDenied(author.login, "organisation_add", ("region_auditor",),
                                   roles_of(author), reason="добавлять организации может "
                                   "администратор региона")
        if session.exec(select(Organisation).where(Organisation.code == code)).first():
            raise KartaError(f"организация с кодом «{code}» уже есть")
        if login_taken(session, admin_login):
            raise KartaError(f"пользователь «{admin_login}» уже есть")
        found = Organisation(**profile.__dict__, code=code, kind="municipal")
        session.add(found)
        session.flush()
        admin = Person(login=admin_login, full_name=admin_name, organisation_id=found.id or 0,
                       roles=",".join(MUNICIPAL_ROLES))
        session.add(admin)
        session.flush()
        from registry.history import record

        record(session, login=author.login, object_ref=f"организация {code}",
               event="organisation_add", comment=f"{profile.full_name}; администратор "
                                                 f"{admin_login}",
               touches=[("organisation", found.id or 0), ("person", admin.id or 0)])
        return found


def list_organisations(db: Database, actor: str | None) -> list[Organisation]:
    """The organisations a person may see: their own, or all for the region."""
    with db.reading() as session:
        person = acting_person(session, actor)
        query = select(Organisation).order_by(col(Organisation.id))
        if "region_auditor" not in roles_of(person):
            query = query.where(Organisation.id == person.organisation_id)
        return list(session.exec(query))


def add_person(db: Database, actor: str | None, login: str, full_name: str, gender: str,
               position: str, roles: list[str], phone: str = "",
               overrides: dict[str, str] | None = None, unit: str = "") -> Person:
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
    check_login(login)
    with db.transaction() as session:
        author = acting_person(session, actor, "person_add")
        if login_taken(session, login):
            raise KartaError(f"пользователь «{login}» уже есть")
        from registry.units import unit_for_person

        found, unit_touches = unit_for_person(session, unit)
        person = Person(login=login, full_name=full_name, gender=gender, position=position,
                        roles=",".join(roles), phone=phone,
                        organisation_id=author.organisation_id,
                        unit_id=found.id if found else None,
                        overrides=json.dumps(overrides or {}, ensure_ascii=False))
        session.add(person)
        session.flush()
        from registry.history import record

        where = f"; подразделение: {found.name}" + (" (новое)" if unit_touches else "") \
            if found else ""
        record(session, login=author.login, object_ref=f"пользователь {login}",
               event="person_add",
               comment=f"{full_name}, {position}; роли: {', '.join(roles)}{where}",
               details={"after": {"login": login, "full_name": full_name, "gender": gender,
                                  "position": position, "roles": roles, "phone": phone,
                                  "unit": found.name if found else ""}},
               touches=[("person", person.id or 0), *unit_touches])
    return person


_LOGIN = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


def check_login(login: str) -> None:
    """A login is a short word of Latin letters, digits and «._@-» (it appears in URLs)."""
    if not _LOGIN.match(login):
        raise ConfigurationError(f"неверный логин «{login[:40]}»: латинские буквы, цифры и "
                                 "знаки «._@-», не длиннее 64")


PERSON_FIELDS = ("full_name", "gender", "position", "phone", "unit", "email")


def _only_own_email(actor: str | None, login: str, changes: dict[str, str]) -> bool:
    """A person may change their own e-mail address; the rest is the administrator's."""
    return actor == login and set(changes) == {"email"}


def update_person(db: Database, actor: str | None, login: str,
                  changes: dict[str, str]) -> Person:
    """Change a person's name, gender, position, phone or unit (an administrator); logged
    with the values before and after."""
    unknown = [name for name in changes if name not in PERSON_FIELDS]
    if unknown:
        raise ConfigurationError(f"неизвестное поле «{unknown[0]}»")
    if not changes:
        raise ConfigurationError("укажите, что изменить" + said(" (karta people set --help)"))
    if "gender" in changes and changes["gender"] not in ("m", "f", ""):
        raise ConfigurationError("пол: м или ж")
    if "full_name" in changes and len(changes["full_name"].split()) < 2:
        raise ConfigurationError("укажите фамилию, имя и отчество полностью")
    if "email" in changes:
        from registry.mail import check_address

        changes = {**changes, "email": check_address(changes["email"])}
    with db.transaction() as session:
        author = acting_person(session, actor, None if _only_own_email(actor, login, changes)
                               else "person_edit")
        person = _colleague(session, author, login)
        before: dict[str, object] = {}
        touches: list[Any] = []
        for name, value in changes.items():
            if name == "unit":
                from registry.tables import Unit
                from registry.units import unit_for_person

                current = session.get(Unit, person.unit_id) if person.unit_id else None
                before["unit"] = current.name if current else ""
                found, unit_touches = unit_for_person(session, value)
                person.unit_id = found.id if found else None
                touches += unit_touches
            else:
                before[name] = getattr(person, name)
                setattr(person, name, value.strip())
        session.add(person)
        from registry.history import record

        record(session, login=author.login, object_ref=f"пользователь {login}",
               event="person_edit",
               comment=", ".join(f"{name}: «{before[name]}» → «{value}»"
                                 for name, value in changes.items()),
               details={"before": before, "after": changes},
               touches=[("person", person.id or 0), *touches])
        return person


PROFILE_FIELDS = ("full_name", "short_name", "parent_body", "place", "head_position",
                  "head_name", "order_prefix", "timezone", "due_shift")


def update_profile(db: Database, actor: str | None, changes: dict[str, str]) -> Organisation:
    """Change the organisation's profile (a new head, a new journal index); logged with the
    values before and after. Documents already made keep what they said."""
    unknown = [name for name in changes if name not in PROFILE_FIELDS]
    if unknown:
        raise ConfigurationError(f"неизвестное поле профиля «{unknown[0]}»")
    if not changes:
        raise ConfigurationError("укажите, что изменить" + said(" (karta profile set --help)"))
    if "due_shift" in changes and changes["due_shift"] not in ("previous", "none"):
        raise ConfigurationError(said("--due-shift", "перенос срока с выходного")
                                 + ": previous или none")
    if "timezone" in changes:
        try:
            ZoneInfo(changes["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigurationError(f"неизвестный часовой пояс «{changes['timezone']}»") \
                from None
    if "full_name" in changes and not changes["full_name"].strip():
        raise ConfigurationError("полное наименование не может быть пустым")
    with db.transaction() as session:
        author = acting_person(session, actor, "profile")
        profile = session.get(Organisation, author.organisation_id)
        if profile is None:
            raise ConfigurationError("профиль организации не создан: выполните «karta init»")
        before = {name: getattr(profile, name) for name in changes}
        for name, value in changes.items():
            setattr(profile, name, value)
        session.add(profile)
        from registry.history import record

        record(session, login=author.login, object_ref="профиль", event="profile",
               comment=", ".join(f"{name}: «{before[name]}» → «{value}»"
                                 for name, value in changes.items()),
               details={"before": before, "after": changes},
               touches=[("organisation", profile.id or 0)])
    for engine in (db.engine, db.writing_engine):  # this process reads the new profile
        _PROFILES.pop(engine, None)
    return profile


def change_roles(db: Database, actor: str | None, login: str, role: str,
                 grant: bool) -> Person:
    """Grant or revoke a role; the last administrator cannot lose the admin role."""
    if role not in ROLES:
        raise ConfigurationError(f"неизвестная роль «{role}»; роли: {', '.join(ROLES)}")
    action = "grant" if grant else "revoke"
    with db.transaction() as session:
        author = acting_person(session, actor, action)
        person = _colleague(session, author, login)
        before = roles_of(person)
        if grant and role in before or not grant and role not in before:
            raise KartaError(f"у пользователя «{login}» роль «{role}» "
                             + ("уже есть" if grant else "и так отсутствует"))
        if role == "region_auditor" and grant and "region_auditor" not in roles_of(author):
            raise PermissionDenied(author.login, action, ("region_auditor",),
                                   roles_of(author),
                                   reason="роль регионального аудитора выдаёт регион")
        if not grant and role == "admin":
            admins = [p for p in session.exec(select(Person).where(
                Person.organisation_id == person.organisation_id)) if "admin" in roles_of(p)]
            if len(admins) == 1:
                raise KartaError("нельзя отозвать роль admin у последнего администратора")
        after = [*before, role] if grant else [r for r in before if r != role]
        person.roles = ",".join(after)
        session.add(person)
        from registry.history import record

        record(session, login=author.login, object_ref=f"пользователь {login}", event=action,
               comment=f"роль {role}", details={"before": before, "after": after},
               touches=[("person", person.id or 0)])
        return person


def _colleague(session: Session, author: Person, login: str) -> Person:
    """A person of the author's organisation (another's is as unknown as a typo)."""
    person = session.exec(select(Person).where(Person.login == login)).first()
    if person is None or (person.organisation_id != author.organisation_id
                          and "region_auditor" not in roles_of(author)):
        raise UnknownUser(login)
    return person


def list_people(db: Database, actor: str | None) -> list[Person]:
    with db.reading() as session:
        author = acting_person(session, actor)
        require_whole_organisation(author, "список пользователей")
        query = select(Person).order_by(Person.login)
        if "region_auditor" not in roles_of(author):
            query = query.where(Person.organisation_id == author.organisation_id)
        return list(session.exec(query))


# ----------------------------------------------------------------------------- for the pages

@dataclass(frozen=True)
class Office:
    """What pages need to show an organisation's things to a person: names for logins,
    the time zone, today."""

    names: dict[str, str]
    zone: str
    today: date


def office_of(db: Database, login: str | None) -> Office:
    with db.reading() as session:
        acting_person(session, login)
        org = organisation(session)
        return Office(names_of(session), org.timezone, local_today(org))


def read_profile(db: Database, login: str | None, purpose: str = "") -> dict[str, str]:
    """The organisation's profile, field by field (``PROFILE_FIELDS``); with a ``purpose``
    («администрирование») only for the organisation's staff, not its executors."""
    with db.reading() as session:
        person = acting_person(session, login)
        if purpose:
            require_whole_organisation(person, purpose)
        found = organisation(session)
        return {name: getattr(found, name) for name in PROFILE_FIELDS}


@dataclass(frozen=True)
class Who:
    """A signed-in person as the pages show them, with their unread notifications."""

    login: str
    name: str
    roles: frozenset[str]
    unread: int = 0
    email: str = ""


def who_is(db: Database, login: str) -> Who:
    from sqlalchemy import func

    from registry.tables import Notification

    with db.reading() as session:
        person = acting_person(session, login)
        unread = session.exec(select(func.count()).select_from(Notification).where(
            col(Notification.person_id) == person.id,
            col(Notification.read_at).is_(None))).one()
        return Who(person.login, person.full_name or person.login, frozenset(roles_of(person)),
                   int(unread), person.email)


# ----------------------------------------------------------------------------- substitution

def set_substitution(db: Database, actor: str | None, absent: str, deputy: str,
                     first_day: date, last_day: date, reason: str) -> int:
    """A deputy acts for ``absent`` from ``first_day`` to ``last_day`` (an administrator
    for anyone, a person for themselves); refused when the two are one person, the period is
    backwards, or it overlaps another substitution of the same person. Logged."""
    from sqlmodel import or_

    from registry.history import record
    from registry.tables import Substitution

    if last_day < first_day:
        raise KartaError(f"замещение кончается ({last_day:%d.%m.%Y}) раньше, чем начинается "
                         f"({first_day:%d.%m.%Y})")
    if not reason.strip():
        raise KartaError("укажите основание замещения (отпуск, командировка, приказ № …)")
    with db.transaction() as session:
        author = acting_person(session, actor)
        if author.login != absent and "admin" not in roles_of(author):
            raise PermissionDenied(author.login, "substitution", ("admin",), roles_of(author),
                                   reason="назначить замещение другому может только "
                                          "администратор")
        away = _colleague(session, author, absent)
        stand_in = _colleague(session, author, deputy)
        if away.id == stand_in.id:
            raise KartaError("человек не может замещать сам себя")
        clash = session.exec(select(Substitution).where(
            or_(Substitution.person_id == away.id, Substitution.deputy_id == away.id),
            col(Substitution.cancelled).is_(False), Substitution.first_day <= last_day,
            Substitution.last_day >= first_day)).first()
        if clash is not None:
            raise KartaError(f"у {away.full_name or away.login} уже есть замещение с "
                             f"{clash.first_day:%d.%m.%Y} по {clash.last_day:%d.%m.%Y}")
        row = Substitution(organisation_id=author.organisation_id, person_id=away.id or 0,
                           deputy_id=stand_in.id or 0, first_day=first_day, last_day=last_day,
                           reason=reason.strip()[:500])
        session.add(row)
        session.flush()
        record(session, login=author.login, object_ref=f"замещение {row.id}",
               event="substitution", comment=f"{stand_in.full_name or deputy} замещает "
               f"{away.full_name or absent} с {first_day:%d.%m.%Y} по {last_day:%d.%m.%Y}: "
               f"{reason.strip()}", touches=[("substitution", row.id or 0)])
        from registry.notifications import Addressed, notify

        notify(session, Addressed(people=(stand_in.id or 0,)), "substitution",
               f"Вы замещаете {away.full_name or absent} с {first_day:%d.%m.%Y} по "
               f"{last_day:%d.%m.%Y}", "/", exclude=[author.login])
        return row.id or 0


def substitutions(db: Database, actor: str | None) -> list[dict[str, Any]]:
    """The organisation's substitutions, the current and coming ones first."""
    from registry.tables import Substitution

    with db.reading() as session:
        acting_person(session, actor)
        names = {p.id: p.full_name or p.login for p in session.exec(select(Person))}
        today = local_today(organisation(session))
        return [{"id": s.id, "absent": names.get(s.person_id, ""),
                 "deputy": names.get(s.deputy_id, ""), "first_day": s.first_day,
                 "last_day": s.last_day, "reason": s.reason,
                 "now": s.first_day <= today <= s.last_day}
                for s in session.exec(select(Substitution).where(
                    col(Substitution.cancelled).is_(False)).order_by(
                    col(Substitution.last_day).desc()))]
