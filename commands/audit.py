"""Commands for the audit and people's roles: parse → one call → print."""

from __future__ import annotations

from pathlib import Path

import click

from cli import _echo_events, _print_json, _settings, main, parse_date, people


@main.group()
def audit() -> None:
    """Аудит: проверка целостности журнала и файлов, чтение и выгрузка журнала решений."""


@audit.command("verify")
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.Path(path_type=Path),
              metavar="ФАЙЛ", help="Сверить с контрольными точками из файла (можно несколько "
                                   "раз); файл karta-checkpoints.jsonl рядом с базой "
                                   "сверяется всегда.")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def audit_verify(checkpoints: tuple[Path, ...], as_json: bool) -> None:
    """Проверить журнал: цепочку хешей, обрыв, восстановление состояния по журналу, защиту
    таблиц и SHA-256 каждого сохранённого файла."""
    from registry.verify import verify
    from workflow.errors import KartaError

    settings = _settings()
    result = verify(settings.database(), settings.user, list(checkpoints))
    if as_json:
        _print_json(result.as_dict())
    elif not result.ok:
        for problem in result.problems[1:20]:
            click.echo(f"  {problem}", err=True)
    if not as_json:
        for warning in result.warnings:
            click.echo(f"Предупреждение: {warning}", err=True)
    if not result.ok:
        raise KartaError("нарушена целостность: " + result.problems[0]
                         + (f" (и ещё проблем: {len(result.problems) - 1})"
                            if len(result.problems) > 1 else ""))
    if not as_json:
        click.echo(f"Целостность подтверждена: событий {result.events}, записей "
                   f"{result.rows}, документов {result.documents}, файлов {result.files}"
                   + (f", контрольных точек {result.checkpoints}" if result.checkpoints
                      else "") + ".")


@audit.command("checkpoint")
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="ФАЙЛ",
              help="Файл контрольных точек (по умолчанию karta-checkpoints.jsonl рядом с "
                   "базой); храните его вне сервера базы данных.")
def audit_checkpoint(out: Path | None) -> None:
    """Зафиксировать вершину журнала (номер и хеш последнего события) вне базы данных."""
    from registry.verify import take_checkpoint

    settings = _settings()
    mark = take_checkpoint(settings.database(), settings.user, out)
    click.echo(f"Контрольная точка: событие № {mark['seq']}, хеш {mark['hash']}")
    click.echo(f"Записана в {mark['file']}; сохраните её копию у аудитора.")


@audit.command("log")
@click.option("--since", metavar="ДД.ММ.ГГГГ", help="С этой даты.")
@click.option("--user", "user_filter", metavar="ЛОГИН", help="Только действия этого "
                                                             "пользователя.")
@click.option("--object", "object_ref", metavar="REF",
              help="Только об этом объекте: R1, 1:2.4, 1:2.4@2022 или «документ 5».")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def audit_log(since: str | None, user_filter: str | None, object_ref: str | None,
              as_json: bool) -> None:
    """Показать журнал принятых решений."""
    from registry.audit import read_log

    settings = _settings()
    _echo_events(read_log(settings.database(), settings.user, parse_date(since), user_filter,
                          object_ref), as_json)


@audit.command("export")
@click.option("--format", "fmt", type=click.Choice(["docx", "csv"]), default="docx",
              help="Формат: docx (по умолчанию) или csv.")
@click.option("--year", type=int, help="Только за этот год.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Файл (по умолчанию «Журнал решений.docx» в текущей папке).")
@click.option("--force", is_flag=True, help="Заменить существующий файл.")
def audit_export(fmt: str, year: int | None, out: Path | None, force: bool) -> None:
    """Выгрузить «Журнал принятых решений»."""
    from registry.audit import export_log

    settings = _settings()
    target = out or Path(f"Журнал решений{' за ' + str(year) if year else ''}.{fmt}")
    click.echo(str(export_log(settings.database(), settings.user, fmt, target, year, force)))


def _roles_command(name: str, grant: bool, summary: str) -> None:
    @people.command(name, help=summary)
    @click.argument("login")
    @click.argument("role", type=click.Choice(["admin", "clerk", "head", "executor",
                                               "auditor"]))
    def command(login: str, role: str) -> None:
        from registry.people import change_roles

        settings = _settings()
        person = change_roles(settings.database(), settings.user, login, role, grant=grant)
        click.echo(f"Роли «{login}»: {person.roles.replace(',', ', ') or 'нет'}.")


_roles_command("grant", True, "Выдать пользователю LOGIN роль ROLE.")
_roles_command("revoke", False, "Отозвать у пользователя LOGIN роль ROLE.")


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
@click.pass_context
def profile(ctx: click.Context, as_json: bool) -> None:
    """Профиль организации: показать; изменить — «karta profile set»."""
    if ctx.invoked_subcommand is not None:
        return
    from registry.people import PROFILE_FIELDS, acting_person, organisation

    settings = _settings()
    db = settings.database()
    with db.reading() as session:
        acting_person(session, settings.user)
        current = organisation(session)
        data = {name: getattr(current, name) for name in PROFILE_FIELDS}
    if as_json:
        _print_json(data)
        return
    for name, value in data.items():
        click.echo(f"{name}: {value}")


@profile.command("set")
@click.option("--org", "full_name", help="Полное наименование организации.")
@click.option("--short-name", help="Сокращённое наименование.")
@click.option("--parent", "parent_body", help="Вышестоящий орган.")
@click.option("--place", help="Место составления документов.")
@click.option("--head-name", help="Руководитель: «И.О. Фамилия».")
@click.option("--head-position", help="Должность руководителя.")
@click.option("--prefix", "order_prefix", help="Индекс журнала приказов («01-09/»).")
@click.option("--tz", "timezone", help="Часовой пояс (Europe/Moscow).")
@click.option("--due-shift", type=click.Choice(["previous", "none"]),
              help="Перенос сроков с выходных: previous или none (новые исполнения).")
def profile_set(**values: str | None) -> None:
    """Изменить профиль организации (например, при смене руководителя)."""
    from registry.people import update_profile

    settings = _settings()
    changes = {name: value for name, value in values.items() if value is not None}
    update_profile(settings.database(), settings.user, changes)
    click.echo("Профиль изменён: " + ", ".join(changes) + ".")


@main.group()
def store() -> None:
    """Хранилище файлов: проверка целостности и очистка."""


@store.command("check")
@click.option("--clean", is_flag=True,
              help="Удалить временные файлы прерванных записей (сами документы не трогаются).")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def store_check(clean: bool, as_json: bool) -> None:
    """Найти отсутствующие файлы, файлы без ссылок и остатки прерванных записей."""
    from registry.verify import check_store
    from workflow.errors import KartaError

    settings = _settings()
    report = check_store(settings.database(), settings.user, clean)
    if as_json:
        _print_json(report)
    else:
        click.echo(f"Хранилище: {report['where']}; файлов {report['stored']}, нужных базе "
                   f"{report['referenced']}.")
        for address in report["missing"]:
            click.echo(f"  отсутствует: {address}")
        if report["orphans"]:
            click.echo(f"  без ссылок (остались от отменённых действий, не мешают): "
                       f"{len(report['orphans'])}")
        if report["leftovers"]:
            done = f", удалено: {report['removed']}" if clean else " (karta store check --clean)"
            click.echo(f"  временные файлы прерванных записей: {len(report['leftovers'])}{done}")
    if report["missing"]:
        raise KartaError(f"в хранилище нет {len(report['missing'])} нужных файлов; "
                         "восстановите их из резервной копии или karta documents regenerate")


@main.command("app-role")
@click.argument("role")
@click.option("--schema", default="public", help="Схема PostgreSQL (по умолчанию public).")
@click.option("--apply", "apply_now", is_flag=True,
              help="Выполнить сразу (подключение должно быть от владельца таблиц).")
def app_role(role: str, schema: str, apply_now: bool) -> None:
    """Права роли ROLE, от которой karta работает с PostgreSQL: чтение и запись своих
    таблиц, но без очистки и изменения журнала решений и его защиты."""
    from registry.pgroles import app_role_sql, grant_app_role

    if apply_now:
        statements = grant_app_role(_settings().database(), role, schema)
    else:
        statements = app_role_sql(role, schema)
    for statement in statements:
        click.echo(statement + ";")
    if apply_now:
        click.echo(f"Права роли {role} настроены.")
