"""Администрирование: people, roles, passwords, units, the organisation's profile, templates
and rules. Every change is checked and logged by the service it calls."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from documents.contexts import KINDS
from registry.accounts import set_password
from registry.mail import outbox, set_mail, shown_settings
from registry.people import (
    PROFILE_FIELDS,
    ROLES,
    add_person,
    change_roles,
    list_people,
    read_profile,
    set_substitution,
    substitutions,
    update_profile,
)
from registry.templates import (
    CONDITIONS,
    EVENTS,
    activate,
    add_rule,
    add_template,
    list_rules,
    list_templates,
    remove_rule,
)
from registry.units import KINDS as UNIT_KINDS
from registry.units import add_unit, list_units, map_executor, unmatched
from web.app import page
from web.security import (
    Actor,
    actor,
    checked_form,
    database,
    form_date,
    notice_query,
    read_upload,
    shown_notice,
    text,
)
from workflow.errors import KartaError
from workflow.roles import ROLE_LABELS

router = APIRouter()
PROFILE_LABELS = {"full_name": "Полное наименование", "short_name": "Сокращённое наименование",
                  "parent_body": "Вышестоящий орган", "place": "Место составления",
                  "head_position": "Должность руководителя",
                  "head_name": "Руководитель (И.О. Фамилия)",
                  "order_prefix": "Индекс журнала приказов", "timezone": "Часовой пояс",
                  "due_shift": "Перенос сроков с выходных (previous или none)"}


def _back(request: Request, section: str, note: str = "") -> Response:
    return RedirectResponse(f"/admin?{notice_query(actor(request), 'note', note)}#{section}",
                            status_code=303)


@router.get("/admin")
def admin(request: Request, who: Actor = Depends(actor)) -> Response:
    db = database(request)
    profile = read_profile(db, who.login, "администрирование")  # not for executors
    units = list_units(db, who.login)
    return page(request, "admin.html", title="Администрирование",
                people=list_people(db, who.login), units=units,
                unit_names={unit.id: unit.name for unit in units},
                unmatched=unmatched(db, who.login),
                templates=list_templates(db, who.login), rules=list_rules(db, who.login),
                profile=profile,
                profile_labels=PROFILE_LABELS, roles=ROLES, role_labels=ROLE_LABELS,
                unit_kinds=UNIT_KINDS, kinds={k: v["label"] for k, v in KINDS.items()},
                events=EVENTS, conditions=CONDITIONS,
                substitutions=substitutions(db, who.login),
                mail=shown_settings(db, who.login) if who.has("admin") else None,
                outbox=outbox(db, who.login) if who.has("admin") else None,
                note=shown_notice(request, "note"))


@router.post("/admin/substitutions")
def new_substitution(request: Request, form: dict[str, object] = Depends(checked_form)
                     ) -> Response:
    who = actor(request)
    first, last = form_date(form, "first_day"), form_date(form, "last_day")
    if first is None or last is None:
        raise KartaError("укажите, с какого и по какой день")
    set_substitution(database(request), who.login, text(form, "absent", 64),
                     text(form, "deputy", 64), first, last, text(form, "reason", 500))
    return _back(request, "substitutions", "Замещение назначено")


@router.post("/admin/mail")
def mail_server(request: Request, form: dict[str, object] = Depends(checked_form)
                ) -> Response:
    who = actor(request)
    port = text(form, "port", 5)
    escalate = text(form, "escalate_after", 2)
    set_mail(database(request), who.login, host=text(form, "host", 200),
             port=int(port) if port.isdigit() else 0,
             security=text(form, "security", 10), user=text(form, "login", 200),
             password=text(form, "password", 200) or None, sender=text(form, "sender", 200),
             site=text(form, "site", 200), remind_before=text(form, "remind_before", 20),
             escalate_after=int(escalate) if escalate.isdigit() else 0)
    return _back(request, "mail", "Почтовый сервер сохранён")


@router.post("/admin/people")
def new_person(request: Request, form: dict[str, object] = Depends(checked_form)
               ) -> Response:
    who = actor(request)
    roles = [r for r in ROLES if form.get(f"role_{r}")] or ["executor"]
    gender = text(form, "gender", 1)
    add_person(database(request), who.login, text(form, "login", 64), text(form, "name", 200),
               gender if gender in ("m", "f") else "", text(form, "position", 300), roles,
               phone=text(form, "phone", 60), unit=text(form, "unit", 300))
    password = text(form, "password", 200)
    if password:
        set_password(database(request), who.login, text(form, "login", 64), password)
    return _back(request, "people", "Пользователь добавлен")


@router.post("/admin/people/{login}/role")
def role(request: Request, login: str, form: dict[str, object] = Depends(checked_form)
         ) -> Response:
    who = actor(request)
    change_roles(database(request), who.login, login[:64], text(form, "role", 20),
                 grant=text(form, "action", 10) == "grant")
    return _back(request, "people", "Роли изменены")


@router.post("/admin/people/{login}/password")
def password(request: Request, login: str, form: dict[str, object] = Depends(checked_form)
             ) -> Response:
    who = actor(request)
    set_password(database(request), who.login, login[:64], text(form, "password", 200),
                 current=text(form, "current", 200) or None)
    return _back(request, "people", "Пароль задан")


@router.post("/admin/units")
def new_unit(request: Request, form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    add_unit(database(request), who.login, text(form, "name", 300), text(form, "kind", 20))
    return _back(request, "units", "Подразделение добавлено")


@router.post("/admin/units/map")
def map_unit(request: Request, form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    target = text(form, "target", 300)
    group = target.removeprefix("group:") if target.startswith("group:") else None
    map_executor(database(request), who.login, text(form, "text", 300),
                 None if group else target, group)
    return _back(request, "units", "Сопоставление сохранено")


@router.post("/admin/profile")
def profile(request: Request, form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    current = read_profile(database(request), who.login)
    changes = {name: text(form, name, 500) for name in PROFILE_FIELDS
               if name in form and text(form, name, 500) != current[name]}
    if changes:
        update_profile(database(request), who.login, changes)
    return _back(request, "profile", "Профиль сохранён" if changes else "Изменений нет")


@router.post("/admin/templates")
async def new_template(request: Request, form: dict[str, object] = Depends(checked_form)
                       ) -> Response:
    from starlette.concurrency import run_in_threadpool

    who = actor(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise KartaError("выберите файл шаблона .docx")
    _, _, data = await read_upload(upload, (".docx",), 10 * 1024 * 1024)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.docx"
        path.write_bytes(data)
        info = await run_in_threadpool(add_template, database(request), who.login, path,
                                       text(form, "name", 100), text(form, "kind", 40),
                                       text(form, "comment", 500))
    return _back(request, "templates", f"Шаблон {info.name} v{info.version} зарегистрирован")


@router.post("/admin/templates/{name}/{version}/activate")
def activate_template(request: Request, name: str, version: int,
                      form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    activate(database(request), who.login, name[:100], version)
    return _back(request, "templates", f"Активна версия {version} шаблона {name[:100]}")


@router.post("/admin/rules")
def new_rule(request: Request, form: dict[str, object] = Depends(checked_form)) -> Response:
    who = actor(request)
    add_rule(database(request), who.login, text(form, "event", 20), text(form, "template", 100),
             text(form, "condition", 40) or "always")
    return _back(request, "rules", "Правило добавлено")


@router.post("/admin/rules/{rule_id}/remove")
def drop_rule(request: Request, rule_id: int, form: dict[str, object] = Depends(checked_form)
              ) -> Response:
    who = actor(request)
    remove_rule(database(request), who.login, rule_id)
    return _back(request, "rules", "Правило удалено")
