"""Commands that set karta up and keep it: the database, people and their accounts, units,
the organisation's profile, backups, upgrades, the web server and the demo."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from commands.common import (
    DUE_SHIFTS,
    GENDERS,
    ROLES,
    UNIT_KINDS,
    Russian,
    command,
    current,
    group,
    own_sqlite_file,
    pairs,
    print_json,
)

# ----------------------------------------------------------------------------- init, people

F = TypeVar("F", bound=Callable[..., Any])


def _profile_options(organisation: str) -> Callable[[F], F]:
    """The options of an organisation's profile, the same for ``init`` and ``org add``."""
    def decorate(function: F) -> F:
        for option in reversed([
            click.option("--org", "full_name", required=True, metavar="НАИМЕНОВАНИЕ",
                         help=f"Полное наименование {organisation}."),
            click.option("--short-name", default="",
                         help="Сокращённое наименование (МКУ «УО …»)."),
            click.option("--parent", default="",
                         help="Вышестоящий орган («Администрация … района»)."),
            click.option("--place", default="",
                         help="Место составления документов («г. Заозерск»)."),
            click.option("--head-name", default="", help="Руководитель: «И.О. Фамилия»."),
            click.option("--head-position", default="", help="Должность руководителя."),
            click.option("--prefix", "order_prefix", default="01-09/",
                         help="Индекс журнала приказов (по умолчанию «01-09/»)."),
        ]):
            function = option(function)
        return function
    return decorate


@command()
@_profile_options("организации")
@click.option("--tz", "timezone", default="Europe/Moscow",
              help="Часовой пояс для показа времени (по умолчанию Europe/Moscow).")
@click.option("--due-shift", type=DUE_SHIFTS, default="previous",
              help="Срок, выпавший на выходной или праздник: перенести на предыдущий рабочий "
                   "день по производственному календарю (по умолчанию) или не переносить.")
@click.option("--admin", "admin_login", default="admin", metavar="ЛОГИН",
              help="Логин администратора (по умолчанию «admin»).")
@click.option("--admin-name", default="", help="ФИО администратора.")
@click.option("--code", default="main", metavar="КОД",
              help="Короткий код организации латиницей (по умолчанию «main»).")
@click.option("--region", is_flag=True,
              help="База региона: первая организация — министерство (орган региона), "
                   "управления добавляются командой «karta org add».")
def init(full_name: str, short_name: str, parent: str, place: str, head_name: str,
         head_position: str, order_prefix: str, timezone: str, due_shift: str,
         admin_login: str, admin_name: str, code: str, region: bool) -> None:
    """Создать базу данных, профиль организации и администратора."""
    from registry.people import Profile, initialise

    db = current().database(initialised=False)
    initialise(db, Profile(full_name=full_name, short_name=short_name, parent_body=parent,
                           place=place, head_position=head_position, head_name=head_name,
                           order_prefix=order_prefix, timezone=timezone,
                           due_shift=due_shift),
               admin_login=admin_login, admin_name=admin_name, code=code,
               kind="region" if region else "municipal")
    click.echo(f"База данных создана: {db.safe_url}; администратор «{admin_login}».")
    if not own_sqlite_file(db):  # a shared database: the administrator needs a way in
        from registry.accounts import issue_token

        _, token = issue_token(db, admin_login, label="выдан при создании базы")
        click.echo("Персональный токен администратора (показывается один раз, храните как "
                   f"пароль):\n{token}")
        click.echo("Команды от имени администратора: export KARTA_TOKEN=…; пароль для "
                   f"веб-интерфейса: karta people passwd {admin_login}")


@command()
def upgrade() -> None:
    """Обновить схему базы данных до версии этой karta (сначала сделайте karta backup)."""
    from registry.schema import upgrade as upgrade_schema

    settings = current()
    db = settings.database(current=False)
    # the old schema may predate tokens: the person is checked after the migration
    before, after = upgrade_schema(db, settings.claimed)
    from registry.templates import upgrade_shipped

    for version in upgrade_shipped(db, settings.claimed):
        state = "действует" if version.active else "ждёт karta templates activate"
        click.echo(f"Шаблон {version.name}: новая версия {version.version} из поставки karta "
                   f"({state}).")
    if before == after:
        click.echo(f"Схема базы данных уже версии {after}.")
        return
    click.echo(f"Схема базы данных обновлена: {before} → {after}; журнал заверил состояние "
               "всех записей.")
    if not own_sqlite_file(db) and settings.claimed:
        from registry.accounts import issue_token

        _, token = issue_token(db, settings.claimed, label="выдан при обновлении схемы")
        click.echo(f"Персональный токен {settings.claimed} (показывается один раз):\n{token}")


@command()
@click.argument("file", metavar="ФАЙЛ", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Заменить существующий файл.")
def backup(file: Path, force: bool) -> None:
    """Сделать резервную копию ФАЙЛ (.zip): база данных, все файлы и контрольная точка."""
    from registry.backup import make_backup

    settings = current()
    manifest = make_backup(settings.database(), settings.user, file, force)
    point = manifest["checkpoint"]
    click.echo(f"Резервная копия {manifest['file']}: записей "
               f"{sum(manifest['tables'].values())}, файлов {manifest['files']}, журнал до "
               f"события № {point['seq'] if point else 0}; SHA-256 копии {manifest['sha256']}")


@command()
@click.argument("file", metavar="ФАЙЛ", type=click.Path(path_type=Path))
def restore(file: Path) -> None:
    """Восстановить резервную копию ФАЙЛ в новую пустую базу (--db); --user — её
    администратор."""
    from registry.backup import restore_backup
    from registry.verify import verify

    settings = current()
    db = settings.database(initialised=False)
    manifest = restore_backup(db, settings.claimed, file)
    result = verify(db, settings.claimed)
    state = "подтверждена" if result.ok else "НАРУШЕНА: " + result.problems[0]
    click.echo(f"Восстановлено в {db.safe_url} из копии от {manifest['made_at'][:10]}; "
               f"целостность {state}.")


@group()
def people() -> None:
    """Пользователи: добавить, показать список, роли, пароли."""


@people.command("add")
@click.argument("login", metavar="ЛОГИН")
@click.option("--name", "full_name", required=True, help="ФИО полностью.")
@click.option("--gender", type=GENDERS, default=None,
              help="Пол: м или ж — нужен для склонения ФИО в документах.")
@click.option("--position", default="", help="Должность.")
@click.option("--role", "roles", multiple=True, type=ROLES,
              help="Роль (можно несколько раз).")
@click.option("--phone", default="", help="Телефон для отметки об исполнителе.")
@click.option("--unit", default="", help="Организация или подразделение исполнителя, как в "
                                         "дорожной карте («Руководители ОУ», «МБОУ СОШ № 1»).")
@click.option("--override", "overrides", multiple=True, metavar="ПОЛЕ.ПАДЕЖ=ТЕКСТ",
              help="Ручная форма для документов, если склонение неверно: "
                   "position.dative=«главному специалисту …» (можно несколько раз).")
def people_add(login: str, full_name: str, gender: str | None, position: str,
               roles: tuple[str, ...], phone: str, unit: str,
               overrides: tuple[str, ...]) -> None:
    """Добавить пользователя ЛОГИН."""
    from registry.people import add_person

    settings = current()
    add_person(settings.database(), settings.user, login, full_name, gender or "", position,
               list(roles) or ["clerk"], phone=phone, unit=unit,
               overrides=dict(pairs(overrides, "=", "--override")))
    click.echo(f"Пользователь «{login}» добавлен.")


@people.command("set")
@click.argument("login", metavar="ЛОГИН")
@click.option("--name", "full_name", help="ФИО полностью.")
@click.option("--gender", type=GENDERS, help="Пол: м или ж.")
@click.option("--position", help="Должность (в ней человек и подписывает, если не "
                                  "руководитель).")
@click.option("--phone", help="Телефон для отметки об исполнителе.")
@click.option("--unit", help="Подразделение исполнителя («МБОУ СОШ № 1»).")
@click.option("--email", help="Адрес электронной почты для уведомлений (свой может задать "
                              "каждый).")
def people_set(login: str, **values: str | None) -> None:
    """Изменить данные пользователя ЛОГИН (ФИО, пол, должность, телефон, подразделение,
    почта)."""
    from registry.people import update_person

    settings = current()
    changes = {name: value for name, value in values.items() if value is not None}
    update_person(settings.database(), settings.user, login, changes)
    click.echo(f"Данные пользователя «{login}» изменены: {', '.join(changes)}.")


@people.command("substitute")
@click.argument("absent", metavar="ЛОГИН")
@click.option("--deputy", required=True, metavar="ЛОГИН", help="Кто замещает.")
@click.option("--from", "first", required=True, metavar="ДД.ММ.ГГГГ", help="С какого дня.")
@click.option("--to", "last", required=True, metavar="ДД.ММ.ГГГГ", help="По какой день.")
@click.option("--reason", required=True, metavar="ТЕКСТ",
              help="Основание: отпуск, командировка, приказ № ….")
def people_substitute(absent: str, deputy: str, first: str, last: str, reason: str) -> None:
    """Назначить замещение: на время отсутствия ЛОГИН его задачи, визы и подпись переходят к
    заместителю, который подписывает «И.о. …»; в журнале — оба."""
    from commands.common import parse_date
    from registry.people import set_substitution

    settings = current()
    start, end = parse_date(first), parse_date(last)
    assert start is not None and end is not None
    set_substitution(settings.database(), settings.user, absent, deputy, start, end, reason)
    click.echo(f"{deputy} замещает {absent} с {first} по {last}.")


@people.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def people_list(as_json: bool) -> None:
    """Показать пользователей."""
    from registry.people import list_people

    settings = current()
    found = list_people(settings.database(), settings.user)
    rows = [{"login": p.login, "name": p.full_name, "gender": p.gender,
             "position": p.position, "roles": p.roles.split(",") if p.roles else []}
            for p in found]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['login']}\t{row['name']}\t{row['position']}\t"
                   f"{', '.join(row['roles'])}")  # type: ignore[arg-type]



# ----------------------------------------------------------------------------- the web

@command()
@click.option("--host", default="127.0.0.1", show_default=False,
              help="Адрес, на котором слушать (по умолчанию 127.0.0.1; за обратным прокси "
                   "оставьте его).")
@click.option("--port", default=8000, type=int, help="Порт (по умолчанию 8000).")
@click.option("--behind-proxy", is_flag=True,
              help="Работа за обратным прокси с HTTPS: адрес клиента из X-Forwarded-For, "
                   "cookie только по HTTPS.")
@click.option("--workers", default=1, type=int,
              help="Сколько фоновых заданий (проверка журнала, импорт) этот процесс "
                   "выполняет одновременно, с PostgreSQL (по умолчанию 1; 0 — не выполнять: "
                   "их выполнят другие процессы karta serve той же базы).")
def serve(host: str, port: int, behind_proxy: bool, workers: int) -> None:
    """Запустить веб-интерфейс: вход по паролю, задачи, дорожные карты, документы, сроки,
    журнал решений, администрирование."""
    import uvicorn

    from web.app import create_app

    workers = max(0, min(workers, 16))
    settings = current()
    db = settings.database()
    if not db.is_sqlite and workers > 0:  # the job queue must be of this karta's version
        from registry.queue import require_queue_current

        require_queue_current(db)
    app = create_app(db, secure_cookies=behind_proxy, trust_proxy=behind_proxy, follow_up=True,
                     workers=workers)
    click.echo(f"karta: веб-интерфейс на http://{host}:{port}/ (база {db.safe_url}); "
               "остановить — Ctrl+C")
    if not db.is_sqlite:
        click.echo(f"karta: фоновые задания из общей очереди: до {workers} одновременно"
                   if workers > 0 else "karta: фоновые задания здесь не выполняются "
                   "(--workers 0): их выполнят другие процессы karta serve")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                proxy_headers=behind_proxy, server_header=False)


# ----------------------------------------------------------------------------- demo

@command()
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("karta-demo"),
              help="Папка для базы и файлов демонстрации (по умолчанию ./karta-demo).")
def demo(out: Path) -> None:
    """Показать работу karta от начала до конца на встроенной дорожной карте."""
    from registry.demo import run_demo

    for line in run_demo(out):
        click.echo(line)


def _roles_command(name: str, grant: bool, summary: str) -> None:
    @people.command(name, help=summary)
    @click.argument("login", metavar="ЛОГИН")
    @click.argument("role", metavar="РОЛЬ", type=ROLES)
    def command(login: str, role: str) -> None:
        from registry.people import change_roles

        settings = current()
        person = change_roles(settings.database(), settings.user, login, role, grant=grant)
        click.echo(f"Роли «{login}»: {person.roles.replace(',', ', ') or 'нет'}.")


_roles_command("grant", True, "Выдать пользователю ЛОГИН роль РОЛЬ.")
_roles_command("revoke", False, "Отозвать у пользователя ЛОГИН роль РОЛЬ.")


@group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
@click.pass_context
def profile(ctx: click.Context, as_json: bool) -> None:
    """Профиль организации: показать; изменить — «karta profile set»."""
    if ctx.invoked_subcommand is not None:
        return
    from registry.people import read_profile

    settings = current()
    data = read_profile(settings.database(), settings.user)
    if as_json:
        print_json(data)
        return
    labels = {"full_name": "Полное наименование", "short_name": "Сокращённое наименование",
              "parent_body": "Вышестоящий орган", "place": "Место составления",
              "head_position": "Должность руководителя", "head_name": "Руководитель",
              "order_prefix": "Индекс журнала приказов", "timezone": "Часовой пояс",
              "due_shift": "Сроки с выходных"}
    for name, value in data.items():
        if name == "due_shift":
            value = DUE_SHIFTS.labels.get(str(value), value)
        click.echo(f"{labels.get(name, name)}: {value or '—'}")


@profile.command("set")
@click.option("--org", "full_name", help="Полное наименование организации.")
@click.option("--short-name", help="Сокращённое наименование.")
@click.option("--parent", "parent_body", help="Вышестоящий орган.")
@click.option("--place", help="Место составления документов.")
@click.option("--head-name", help="Руководитель: «И.О. Фамилия».")
@click.option("--head-position", help="Должность руководителя.")
@click.option("--prefix", "order_prefix", help="Индекс журнала приказов («01-09/»).")
@click.option("--tz", "timezone", help="Часовой пояс (Europe/Moscow).")
@click.option("--due-shift", type=DUE_SHIFTS,
              help="Перенос сроков с выходных (для новых исполнений).")
def profile_set(**values: str | None) -> None:
    """Изменить профиль организации (например, при смене руководителя)."""
    from registry.people import update_profile

    settings = current()
    changes = {name: value for name, value in values.items() if value is not None}
    update_profile(settings.database(), settings.user, changes)
    click.echo("Профиль изменён: " + ", ".join(changes) + ".")


@people.command("passwd")
@click.argument("login", metavar="ЛОГИН")
@click.option("--password-stdin", is_flag=True,
              help="Прочитать пароль из стандартного ввода (для сценариев), а не спрашивать.")
def people_passwd(login: str, password_stdin: bool) -> None:
    """Задать пароль пользователя ЛОГИН (администратор — сотруднику своей организации,
    пользователь — себе, назвав текущий пароль)."""
    from registry.accounts import set_password
    from workflow.errors import KartaError

    settings = current()
    own = login == settings.user
    was: str | None = None
    if password_stdin:  # one's own: the current password on the first line, then the new
        if own:
            was = sys.stdin.readline().rstrip("\r\n") or None
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if own:
            was = click.prompt("Текущий пароль (Enter, если его нет)", hide_input=True,
                               err=True, default="", show_default=False) or None
        password = click.prompt("Новый пароль", hide_input=True, err=True)
        if click.prompt("Ещё раз", hide_input=True, err=True) != password:
            raise KartaError("пароли не совпадают")
    set_password(settings.database(), settings.user, login, password,
                 client="командная строка", current=was)
    click.echo(f"Пароль пользователя «{login}» задан.")


@group()
def token() -> None:
    """Персональные токены для командной строки при общей базе (PostgreSQL)."""


@token.command("create")
@click.option("--for", "owner", metavar="ЛОГИН",
              help="Для другого пользователя (только администратор).")
@click.option("--label", default="", help="Для чего токен («ноутбук Ивановой»).")
def token_create(owner: str | None, label: str) -> None:
    """Выдать персональный токен (показывается один раз)."""
    from registry.accounts import issue_token

    settings = current()
    token_id, value = issue_token(settings.database(), settings.user, owner, label)
    click.echo(f"Токен {token_id} (показывается один раз, храните как пароль):")
    click.echo(value)


@token.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def token_list(as_json: bool) -> None:
    """Показать токены (администратор видит все)."""
    from registry.accounts import list_tokens

    settings = current()
    rows = list_tokens(settings.database(), settings.user)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        state = "отозван" if row["revoked"] else "действует"
        click.echo(f"{row['id']}\t{row['login']}\t{state}\t{row['label']}")


@token.command("revoke")
@click.argument("token_id", metavar="НОМЕР", type=int)
def token_revoke(token_id: int) -> None:
    """Отозвать токен НОМЕР."""
    from registry.accounts import revoke_token

    settings = current()
    revoke_token(settings.database(), settings.user, token_id)
    click.echo(f"Токен {token_id} отозван.")


@group()
def units() -> None:
    """Подразделения-исполнители: школы, детские сады, управление; сопоставление с
    ответственными в дорожных картах."""


@units.command("add")
@click.argument("name", metavar="ИМЯ")
@click.option("--kind", type=UNIT_KINDS, default="general",
              help="Вид подразделения (по умолчанию общеобразовательная).")
def units_add(name: str, kind: str) -> None:
    """Добавить подразделение ИМЯ («МБОУ СОШ № 1»)."""
    from registry.units import add_unit

    settings = current()
    info = add_unit(settings.database(), settings.user, name, kind)
    click.echo(f"Подразделение {info.id} «{info.name}» добавлено.")


@units.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def units_list(as_json: bool) -> None:
    """Показать подразделения."""
    from registry.units import list_units

    settings = current()
    rows = [u.as_dict() for u in list_units(settings.database(), settings.user)]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['name']}\t{row['kind_label']}\tпользователей: "
                   f"{row['people']}")


@units.command("unmatched")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def units_unmatched(as_json: bool) -> None:
    """Показать ответственных из дорожных карт, не сопоставленных с подразделениями."""
    from registry.units import unmatched

    settings = current()
    rows = unmatched(settings.database(), settings.user)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("Все ответственные сопоставлены с подразделениями.")
    for row in rows:
        refs = ", ".join(row["activities"][:8])  # type: ignore[index]
        click.echo(f"«{row['name']}»: {refs}")


@units.command("map")
@click.argument("text", metavar="ТЕКСТ")
@click.argument("unit", metavar="ПОДРАЗДЕЛЕНИЕ", required=False)
@click.option("--group", type=Russian({"general": "все-общеобразовательные",
                                      "preschool": "все-дошкольные",
                                      "additional": "все-дополнительного-образования",
                                      "department": "управление", "none": "не-исполнитель"}),
              help="Вместо подразделения — группа подразделений, или «не-исполнитель».")
def units_map(text: str, unit: str | None, group: str | None) -> None:
    """Подтвердить, что ответственный ТЕКСТ — это подразделение ПОДРАЗДЕЛЕНИЕ (или группа)."""
    from registry.units import map_executor

    settings = current()
    changed = map_executor(settings.database(), settings.user, text, unit, group)
    click.echo(f"Сопоставление сохранено; обновлено связей с мероприятиями: {changed}.")


@command("app-role")
@click.argument("role", metavar="РОЛЬ")
@click.option("--schema", default="public", help="Схема PostgreSQL (по умолчанию public).")
@click.option("--apply", "apply_now", is_flag=True,
              help="Выполнить сразу (подключение должно быть от владельца таблиц).")
def app_role(role: str, schema: str, apply_now: bool) -> None:
    """Права роли РОЛЬ, от которой karta работает с PostgreSQL: чтение и запись своих
    таблиц, но без очистки и изменения журнала решений и его защиты."""
    from registry.pgroles import app_role_sql, grant_app_role

    if apply_now:
        statements = grant_app_role(current().database(), role, schema)
    else:
        statements = app_role_sql(role, schema)
    for statement in statements:
        click.echo(statement + ";")
    if apply_now:
        click.echo(f"Права роли {role} настроены.")


@group()
def org() -> None:
    """Организации региона в одной базе: добавить управление, показать список."""


@org.command("add")
@click.argument("code", metavar="КОД")
@_profile_options("управления (комитета) образования")
@click.option("--admin", "admin_login", required=True, metavar="ЛОГИН",
              help="Логин администратора управления.")
@click.option("--admin-name", required=True, help="ФИО администратора управления.")
def org_add(code: str, full_name: str, short_name: str, parent: str, place: str,
            head_name: str, head_position: str, order_prefix: str, admin_login: str,
            admin_name: str) -> None:
    """Добавить в базу региона управление образования КОД со своим администратором."""
    from registry.accounts import issue_token
    from registry.people import Profile, add_organisation

    settings = current()
    db = settings.database()
    added = add_organisation(db, settings.user, code, Profile(
        full_name=full_name, short_name=short_name, parent_body=parent, place=place,
        head_name=head_name, head_position=head_position, order_prefix=order_prefix),
        admin_login, admin_name)
    click.echo(f"Организация «{added.full_name}» ({code}) добавлена; администратор "
               f"«{admin_login}».")
    if not own_sqlite_file(db):
        _, token = issue_token(db, settings.user, admin_login, "выдан при создании организации")
        click.echo(f"Персональный токен администратора (показывается один раз):\n{token}")


@org.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def org_list(as_json: bool) -> None:
    """Показать организации (аудитор региона видит все)."""
    from registry.people import list_organisations

    settings = current()
    rows = [{"code": o.code, "kind": o.kind, "name": o.full_name}
            for o in list_organisations(settings.database(), settings.user)]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        kind = "регион" if row["kind"] == "region" else "управление"
        click.echo(f"{row['code']}\t{kind}\t{row['name']}")


@command()
@click.option("--year", type=int, required=True, metavar="ГОД", help="Год.")
@click.option("--as-of", "as_of", metavar="ДД.ММ.ГГГГ",
              help="Дата подсчёта просрочки (по умолчанию конец года или сегодня).")
@click.option("--xlsx", "xlsx", type=click.Path(path_type=Path), default=None,
              metavar="ФАЙЛ", help="Выгрузить в книгу Excel.")
@click.option("--force", is_flag=True, help="Заменить существующий файл.")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def region(year: int, as_of: str | None, xlsx: Path | None, force: bool,
           as_json: bool) -> None:
    """Сводка по региону: выполнение дорожных карт по организациям и разделам, просрочка."""
    from commands.common import emit_table, parse_date
    from registry.region import region_summary, summary_workbook

    settings = current()
    summary = region_summary(settings.database(), settings.user, year, parse_date(as_of))
    if as_json:
        print_json(summary)
        return
    rows = [[org["name"], org["code"], str(org["total"]), str(org["done"]),
             str(org["overdue"]), f"{org['percent']}%"] for org in summary["organisations"]]
    totals = summary["totals"]
    rows.append(["Всего по региону", "", str(totals["total"]), str(totals["done"]),
                 str(totals["overdue"]), f"{totals['percent']}%"])
    emit_table(["Организация", "Код", "Исполнений", "Выполнено", "Просрочено", "Выполнено, %"],
               rows, title=f"Реализация дорожных карт за {year} год")
    if xlsx is not None:
        from registry.exports import write_new

        write_new(xlsx, summary_workbook(summary), force)
        click.echo(f"Книга Excel: {xlsx}")
