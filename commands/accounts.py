"""Commands for accounts and units: passwords, personal tokens, schools and departments."""

from __future__ import annotations

import sys

import click

from cli import _print_json, _settings, main, people


@people.command("passwd")
@click.argument("login")
@click.option("--password-stdin", is_flag=True,
              help="Прочитать пароль из стандартного ввода (для сценариев), а не спрашивать.")
def people_passwd(login: str, password_stdin: bool) -> None:
    """Задать пароль пользователя LOGIN (администратор — любому, пользователь — себе)."""
    from registry.accounts import set_password
    from workflow.errors import KartaError

    settings = _settings()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Новый пароль", hide_input=True, err=True)
        if click.prompt("Ещё раз", hide_input=True, err=True) != password:
            raise KartaError("пароли не совпадают")
    set_password(settings.database(), settings.user, login, password,
                 client="командная строка")
    click.echo(f"Пароль пользователя «{login}» задан.")


@main.group()
def token() -> None:
    """Персональные токены для командной строки при общей базе (PostgreSQL)."""


@token.command("create")
@click.option("--for", "owner", metavar="ЛОГИН",
              help="Для другого пользователя (только администратор).")
@click.option("--label", default="", help="Для чего токен («ноутбук Ивановой»).")
def token_create(owner: str | None, label: str) -> None:
    """Выдать персональный токен (показывается один раз)."""
    from registry.accounts import issue_token

    settings = _settings()
    token_id, value = issue_token(settings.database(), settings.user, owner, label)
    click.echo(f"Токен {token_id} (показывается один раз, храните как пароль):")
    click.echo(value)


@token.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def token_list(as_json: bool) -> None:
    """Показать токены (администратор видит все)."""
    from registry.accounts import list_tokens

    settings = _settings()
    rows = list_tokens(settings.database(), settings.user)
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        state = "отозван" if row["revoked"] else "действует"
        click.echo(f"{row['id']}\t{row['login']}\t{state}\t{row['label']}")


@token.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
def token_revoke(token_id: int) -> None:
    """Отозвать токен ID."""
    from registry.accounts import revoke_token

    settings = _settings()
    revoke_token(settings.database(), settings.user, token_id)
    click.echo(f"Токен {token_id} отозван.")


@main.group()
def units() -> None:
    """Подразделения-исполнители: школы, детские сады, управление; сопоставление с
    ответственными в дорожных картах."""


@units.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(["general", "preschool", "additional", "department",
                                           "other"]), default="general",
              help="Вид: general — общеобразовательная (по умолчанию), preschool — дошкольная, "
                   "additional — дополнительного образования, department — управление и его "
                   "учреждения, other — иная.")
def units_add(name: str, kind: str) -> None:
    """Добавить подразделение NAME («МБОУ СОШ № 1»)."""
    from registry.units import add_unit

    settings = _settings()
    info = add_unit(settings.database(), settings.user, name, kind)
    click.echo(f"Подразделение {info.id} «{info.name}» добавлено.")


@units.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def units_list(as_json: bool) -> None:
    """Показать подразделения."""
    from registry.units import list_units

    settings = _settings()
    rows = [u.as_dict() for u in list_units(settings.database(), settings.user)]
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['name']}\t{row['kind_label']}\tпользователей: "
                   f"{row['people']}")


@units.command("unmatched")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def units_unmatched(as_json: bool) -> None:
    """Показать ответственных из дорожных карт, не сопоставленных с подразделениями."""
    from registry.units import unmatched

    settings = _settings()
    rows = unmatched(settings.database(), settings.user)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("Все ответственные сопоставлены с подразделениями.")
    for row in rows:
        refs = ", ".join(row["activities"][:8])  # type: ignore[index]
        click.echo(f"«{row['name']}»: {refs}")


@units.command("map")
@click.argument("text")
@click.argument("unit", required=False)
@click.option("--group", type=click.Choice(["general", "preschool", "additional", "department",
                                            "none"]),
              help="Вместо подразделения — группа: все общеобразовательные (general), "
                   "дошкольные (preschool) и т. д.; none — не исполнитель.")
def units_map(text: str, unit: str | None, group: str | None) -> None:
    """Подтвердить, что ответственный TEXT — это подразделение UNIT (или группа)."""
    from registry.units import map_executor

    settings = _settings()
    changed = map_executor(settings.database(), settings.user, text, unit, group)
    click.echo(f"Сопоставление сохранено; обновлено связей с мероприятиями: {changed}.")
