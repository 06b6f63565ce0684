"""karta's command line: parse arguments → call one service function → print.

Only click is imported at start-up; the database layer, importers and rich are imported
inside the commands that need them, so ``karta --help`` answers at once.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from registry.database import Database

STATES = ("planned", "in_progress", "reported", "analysed", "cancelled")
_HEADINGS = {"Options": "Параметры", "Commands": "Команды",
             "Positional arguments": "Аргументы"}


class RussianHelpFormatter(click.HelpFormatter):
    """Click's help layout with Russian headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Использование: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))


click.Context.formatter_class = RussianHelpFormatter
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _help_option(f: Any) -> Any:
    return click.help_option("-h", "--help", help="Показать эту справку и выйти.")(f)


class KartaGroup(click.Group):
    """karta's groups: Russian help on every command; errors as one Russian line."""

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        from workflow.errors import KartaError

        try:
            code = super().main(args, prog_name or "karta", complete_var,
                                standalone_mode=False, **extra)
        except KartaError as error:
            _fail(str(error), error.exit_code)
        except click.exceptions.Abort:
            _fail("прервано", 1)
        except click.ClickException as error:
            _fail(_russian_usage(error.format_message()) + " (см. karta --help)", 2)
        except click.exceptions.Exit as done:
            code = done.exit_code
        except Exception as error:  # the last line of defence: never a traceback
            if os.environ.get("KARTA_DEBUG"):
                raise
            from registry.incidents import explain, report_incident

            known = explain(error)
            if known is not None:
                _fail(str(known), known.exit_code)
            _fail(report_incident(error, _database_folder(), " ".join(sys.argv[1:2])), 70)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        decorator = super().command(*args, **kwargs)

        def wrap(f: Any) -> Any:
            return decorator(_help_option(f))

        return wrap

    def group(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", KartaGroup)
        kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        kwargs.setdefault("subcommand_metavar", "КОМАНДА [АРГУМЕНТЫ]...")
        decorator = super().group(*args, **kwargs)

        def wrap(f: Any) -> Any:
            return decorator(_help_option(f))

        return wrap


class Settings:
    """Global options, resolved lazily so that --help needs no database."""

    def __init__(self, db_url: str | None, user: str | None, files: str | None) -> None:
        self.db_url = db_url or os.environ.get("KARTA_DB")
        self.claimed = user or os.environ.get("KARTA_USER")
        self.files = Path(files) if files else None
        self._db: Database | None = None
        self._login: str | None = None

    @property
    def user(self) -> str | None:
        """The acting person, authenticated once per command (see ``authenticate``)."""
        if self._login is None:
            self._login = authenticate(self.database(), self.claimed)
        return self._login

    def database(self, *, initialised: bool = True, current: bool = True) -> Database:
        if self._db is None:
            from registry.database import Database

            self._db = Database(self.db_url, self.files)
            if initialised:
                self._db.require_initialised(current)
        return self._db


def authenticate(db: Database, claimed: str | None) -> str | None:
    """Who runs this command. A personal token (KARTA_TOKEN) names its owner. A SQLite file
    that belongs to the operating-system user trusts KARTA_USER/--user, as the file itself
    does. Anything else — a shared PostgreSQL server, somebody else's file — needs the
    person's password (asked at the terminal, or KARTA_PASSWORD for scripts)."""
    from registry.accounts import check_password, person_for_token
    from workflow.errors import ConfigurationError

    token = os.environ.get("KARTA_TOKEN")
    if token:
        login = person_for_token(db, token)
        if claimed and claimed != login:
            raise ConfigurationError(f"токен принадлежит «{login}», а указан пользователь "
                                     f"«{claimed}»")
        return login
    if claimed is None or _own_sqlite_file(db):
        return claimed
    password = os.environ.get("KARTA_PASSWORD")
    if password is None and sys.stdin.isatty():
        password = click.prompt(f"Пароль пользователя {claimed}", hide_input=True,
                                err=True, default="", show_default=False)
    if not password:
        raise ConfigurationError(
            "общая база данных: нужен вход — персональный токен в KARTA_TOKEN (karta token "
            "create) или пароль (karta people passwd)")
    return check_password(db, claimed, password, client="командная строка").login


def _own_sqlite_file(db: Database) -> bool:
    """True for a local SQLite file that belongs to the user running karta."""
    if not db.is_sqlite or db.folder is None:
        return False
    path = Path(db.url[len("sqlite:///"):])
    try:
        return path.stat().st_uid == os.getuid()
    except OSError:
        return True  # not created yet: `init` makes it this user's, 0600


_CURRENT: list[Settings] = []  # this command's settings, for the error log's place


def _database_folder() -> Path | None:
    """Where the error log goes: beside the SQLite database of this command, if any."""
    settings = _CURRENT[0] if _CURRENT else None
    url = (settings.db_url if settings else None) or os.environ.get("KARTA_DB") or "karta.db"
    if "://" in url and not url.startswith("sqlite:///"):
        return None
    return Path(url.removeprefix("sqlite:///")).resolve().parent


def _settings() -> Settings:
    return click.get_current_context().find_object(Settings)  # type: ignore[return-value]


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


@click.group(cls=KartaGroup, context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]",
             subcommand_metavar="КОМАНДА [АРГУМЕНТЫ]...")
@_help_option
@click.option("--db", "db_url", metavar="URL",
              help="База данных: адрес SQLAlchemy (sqlite:///…, postgresql://…) или путь к "
                   "файлу SQLite. По умолчанию KARTA_DB или karta.db в текущей папке.")
@click.option("--user", metavar="ЛОГИН",
              help="От чьего имени выполняется команда (по умолчанию KARTA_USER).")
@click.option("--files", metavar="ПАПКА",
              help="Хранилище файлов (по умолчанию KARTA_FILES или karta-files рядом с базой).")
@click.version_option("0.1.0", "--version", message="karta %(version)s",
                      help="Показать версию и выйти.")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, user: str | None, files: str | None) -> None:
    """karta — дорожные карты управления образования: импорт, исполнение мероприятий по
    периодам, сроки, приказы, отчёты и справки, журнал принятых решений.

    \b
    Ссылки: R1 — дорожная карта, 1:2.4 — мероприятие 2.4 карты 1,
    1:2.4@2022 — его исполнение за 2022 год.
    """
    ctx.obj = Settings(db_url, user, files)
    _CURRENT[:] = [ctx.obj]


# ----------------------------------------------------------------------------- init, people

@main.command()
@click.option("--org", "full_name", required=True, metavar="НАИМЕНОВАНИЕ",
              help="Полное наименование организации.")
@click.option("--short-name", default="", help="Сокращённое наименование (МКУ «УО …»).")
@click.option("--parent", default="", help="Вышестоящий орган («Администрация … района»).")
@click.option("--place", default="", help="Место составления документов («г. Заозерск»).")
@click.option("--head-name", default="", help="Руководитель: «И.О. Фамилия».")
@click.option("--head-position", default="", help="Должность руководителя.")
@click.option("--prefix", "order_prefix", default="01-09/", show_default=False,
              help="Индекс журнала приказов (по умолчанию «01-09/»).")
@click.option("--tz", "timezone", default="Europe/Moscow",
              help="Часовой пояс для показа времени (по умолчанию Europe/Moscow).")
@click.option("--due-shift", type=click.Choice(["previous", "none"]), default="previous",
              help="Срок, выпавший на выходной или праздник: previous — на предыдущий рабочий "
                   "день по производственному календарю (по умолчанию), none — не переносить.")
@click.option("--admin", "admin_login", default="admin",
              help="Логин администратора (по умолчанию admin).")
@click.option("--admin-name", default="", help="ФИО администратора.")
def init(full_name: str, short_name: str, parent: str, place: str, head_name: str,
         head_position: str, order_prefix: str, timezone: str, due_shift: str,
         admin_login: str, admin_name: str) -> None:
    """Создать базу данных, профиль организации и администратора."""
    from registry.people import Profile, initialise

    db = _settings().database(initialised=False)
    initialise(db, Profile(full_name=full_name, short_name=short_name, parent_body=parent,
                           place=place, head_position=head_position, head_name=head_name,
                           order_prefix=order_prefix, timezone=timezone,
                           due_shift=due_shift),
               admin_login=admin_login, admin_name=admin_name)
    click.echo(f"База данных создана: {db.safe_url}; администратор «{admin_login}».")
    if not _own_sqlite_file(db):  # a shared database: the administrator needs a way in
        from registry.accounts import issue_token

        _, token = issue_token(db, admin_login, label="выдан при создании базы")
        click.echo("Персональный токен администратора (показывается один раз, храните как "
                   f"пароль):\n{token}")
        click.echo("Команды от имени администратора: export KARTA_TOKEN=…; пароль для "
                   f"веб-интерфейса: karta people passwd {admin_login}")


@main.command()
def upgrade() -> None:
    """Обновить схему базы данных до версии этой karta (сначала сделайте karta backup)."""
    from registry.schema import upgrade as upgrade_schema

    settings = _settings()
    db = settings.database(current=False)
    # the old schema may predate tokens: the person is checked after the migration
    before, after = upgrade_schema(db, settings.claimed)
    if before == after:
        click.echo(f"Схема базы данных уже версии {after}.")
        return
    click.echo(f"Схема базы данных обновлена: {before} → {after}; журнал заверил состояние "
               "всех записей.")
    if not _own_sqlite_file(db) and settings.claimed:
        from registry.accounts import issue_token

        _, token = issue_token(db, settings.claimed, label="выдан при обновлении схемы")
        click.echo(f"Персональный токен {settings.claimed} (показывается один раз):\n{token}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Заменить существующий файл.")
def backup(file: Path, force: bool) -> None:
    """Сделать резервную копию FILE (.zip): база данных, все файлы и контрольная точка."""
    from registry.backup import make_backup

    settings = _settings()
    manifest = make_backup(settings.database(), settings.user, file, force)
    point = manifest["checkpoint"]
    click.echo(f"Резервная копия {manifest['file']}: записей "
               f"{sum(manifest['tables'].values())}, файлов {manifest['files']}, журнал до "
               f"события № {point['seq'] if point else 0}; SHA-256 копии {manifest['sha256']}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
def restore(file: Path) -> None:
    """Восстановить резервную копию FILE в новую пустую базу (--db); --user — её
    администратор."""
    from registry.backup import restore_backup
    from registry.verify import verify

    settings = _settings()
    db = settings.database(initialised=False)
    manifest = restore_backup(db, settings.claimed, file)
    result = verify(db, settings.claimed)
    state = "подтверждена" if result.ok else "НАРУШЕНА: " + result.problems[0]
    click.echo(f"Восстановлено в {db.safe_url} из копии от {manifest['made_at'][:10]}; "
               f"целостность {state}.")


@main.group()
def people() -> None:
    """Пользователи: добавить, показать список, роли, пароли."""


@people.command("add")
@click.argument("login")
@click.option("--name", "full_name", required=True, help="ФИО полностью.")
@click.option("--gender", type=click.Choice(["m", "f"]), default=None,
              help="Пол (m или f) — нужен для склонения ФИО в документах.")
@click.option("--position", default="", help="Должность.")
@click.option("--role", "roles", multiple=True,
              help="Роль: admin, clerk, head, executor, auditor (можно несколько раз).")
@click.option("--phone", default="", help="Телефон для отметки об исполнителе.")
@click.option("--unit", default="", help="Организация или подразделение исполнителя, как в "
                                         "дорожной карте («Руководители ОУ», «МБОУ СОШ № 1»).")
@click.option("--override", "overrides", multiple=True, metavar="ПОЛЕ.ПАДЕЖ=ТЕКСТ",
              help="Ручная форма для документов, если склонение неверно: "
                   "position.dative=«главному специалисту …» (можно несколько раз).")
def people_add(login: str, full_name: str, gender: str | None, position: str,
               roles: tuple[str, ...], phone: str, unit: str,
               overrides: tuple[str, ...]) -> None:
    """Добавить пользователя LOGIN."""
    from registry.people import add_person

    settings = _settings()
    add_person(settings.database(), settings.user, login, full_name, gender or "", position,
               list(roles) or ["clerk"], phone=phone, unit=unit,
               overrides=dict(_pairs(overrides, "=", "--override")))
    click.echo(f"Пользователь «{login}» добавлен.")


@people.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def people_list(as_json: bool) -> None:
    """Показать пользователей."""
    from registry.people import list_people

    settings = _settings()
    found = list_people(settings.database(), settings.user)
    rows = [{"login": p.login, "name": p.full_name, "gender": p.gender,
             "position": p.position, "roles": p.roles.split(",") if p.roles else []}
            for p in found]
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['login']}\t{row['name']}\t{row['position']}\t"
                   f"{', '.join(row['roles'])}")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- import, lists

@main.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--period", metavar="ГГГГ-ГГГГ",
              help="Период дорожной карты, если в документе он не указан.")
@click.option("--title", default=None, help="Название дорожной карты вместо найденного.")
@click.option("--school-years", is_flag=True,
              help="Период по учебным годам (сентябрь–август): 2021-2023 — это 2021/22–2023/24.")
@click.option("--again", is_flag=True, help="Импортировать файл, даже если он уже импортирован.")
@click.option("--dry-run", is_flag=True,
              help="Только показать, что будет создано (ничего не записывается).")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def import_(file: Path, period: str | None, title: str | None, school_years: bool,
            again: bool, dry_run: bool, as_json: bool) -> None:
    """Импортировать дорожную карту из FILE (.docx, .xlsx, .csv, .txt)."""
    from registry.roadmaps import import_roadmap, preview_import
    from workflow.importing import parse_period

    settings = _settings()
    if school_years and not period:
        from workflow.errors import KartaError

        raise KartaError("укажите период вместе с --school-years, например --period 2021-2023")
    years = parse_period(period, school_years) if period else None
    if dry_run:
        _echo_preview(preview_import(settings.database(), file, settings.user, years, title),
                      as_json)
        return
    result = import_roadmap(settings.database(), file, settings.user, years, title, again)
    if as_json:
        _print_json(result.as_dict())
        return
    click.echo(f"Импортирована дорожная карта R{result.roadmap}: «{result.title}»")
    click.echo(f"Период {result.period}; разделов {result.sections}, мероприятий "
               f"{result.activities}, исполнений {result.occurrences}.")
    if result.flagged:
        click.echo(f"Сроки не распознаны, проверьте: {', '.join(result.flagged)}")
    for part in result.skipped:
        lines = part["lines"]
        click.echo(f"Пропущено (строки {lines[0]}–{lines[1]}): {part['title']} — "  # type: ignore[index]
                   f"{part['reason']}")


def _echo_preview(preview: dict[str, Any], as_json: bool) -> None:
    if as_json:
        _print_json(preview)
        return
    click.echo(f"Будет импортирована дорожная карта «{preview['title']}» (ничего не записано)")
    click.echo(f"Период {preview['period']}; разделов {len(preview['sections'])}, мероприятий "
               f"{len(preview['activities'])}, исполнений {preview['occurrences']}.")
    if preview["already"]:
        click.echo(f"Этот файл уже импортирован как {preview['already']['ref']}.")
    for section in preview["sections"]:
        click.echo(f"  раздел {section['heading']}")
    for activity in preview["activities"]:
        mark = f" — сроки не распознаны: {activity['problem']}" if activity["flagged"] else ""
        click.echo(f"  {activity['code']}. {activity['title'][:70]} | {activity['deadline_text']}"
                   f"{mark}")
    for part in preview["skipped"]:
        lines = part["lines"]
        click.echo(f"Пропущено (строки {lines[0]}–{lines[1]}): {part['title']} — "
                   f"{part['reason']}")


def parse_date(value: str | None) -> date | None:
    """A date typed by a user: ДД.ММ.ГГГГ or ГГГГ-ММ-ДД; a clear error otherwise."""
    if value is None:
        return None
    from datetime import datetime

    from workflow.errors import KartaError

    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise KartaError(f"неверная дата «{value}»: ожидается ДД.ММ.ГГГГ (и такая дата должна "
                     "существовать)")


def today() -> date:
    return date.today()


def _roadmap_id(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip().lstrip("Rr")
    if not text.isdigit():
        from workflow.errors import UnknownReference

        raise UnknownReference(value, "номер дорожной карты: 1 или R1")
    return int(text)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def roadmaps(as_json: bool) -> None:
    """Показать импортированные дорожные карты."""
    from registry.roadmaps import list_roadmaps

    settings = _settings()
    rows = list_roadmaps(settings.database(), settings.user)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("Дорожных карт нет: импортируйте файл командой «karta import ФАЙЛ».")
        return
    from rich.table import Table

    table = Table("Ссылка", "Название", "Период", "Мероприятий", "Исполнений", "Файл")
    for row in rows:
        table.add_row(str(row["ref"]), str(row["title"]), str(row["period"]),
                      str(row["activities"]), str(row["occurrences"]), str(row["source"]))
    _console().print(table)


@main.command()
@click.option("--roadmap", "roadmap", metavar="ID", help="Только эта дорожная карта (1 или R1).")
@click.option("--status", type=click.Choice(STATES), default=None,
              help="Только исполнения в этом состоянии.")
@click.option("--overdue", is_flag=True,
              help="Только просроченные исполнения (запланированные и выполняемые).")
@click.option("--as-of", "as_of", metavar="ДД.ММ.ГГГГ",
              help="На какую дату считать просрочку (по умолчанию сегодня).")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def activities(roadmap: str | None, status: str | None, overdue: bool, as_of: str | None,
               as_json: bool) -> None:
    """Показать мероприятия и их исполнения по периодам."""
    from registry.roadmaps import list_activities
    from workflow.machine import state_label

    settings = _settings()
    when = (parse_date(as_of) or today()) if overdue else None
    rows = list_activities(settings.database(), settings.user, _roadmap_id(roadmap), status,
                           when)
    if as_json:
        _print_json(rows)
        return
    from rich.table import Table

    table = Table("Ссылка", "Мероприятие", "Сроки", "Ответственные", "Исполнения")
    for row in rows:
        occurrences = "\n".join(
            f"{o['ref']} {state_label(str(o['state']))}"
            + (f" до {o['due']}" if o["due"] else "")
            for o in row["occurrences"]  # type: ignore[attr-defined]
        )
        table.add_row(str(row["ref"]), str(row["title"]), str(row["deadline_text"]),
                      ", ".join(row["responsible"]), occurrences)  # type: ignore[arg-type]
    _console().print(table)


@main.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def show(ref: str, as_json: bool) -> None:
    """Показать дорожную карту, мероприятие или исполнение по ссылке REF."""
    from registry.occurrences import show as show_ref
    from workflow.machine import state_label

    settings = _settings()
    data = show_ref(settings.database(), ref, settings.user)
    if as_json:
        _print_json(data)
        return
    roadmap: dict[str, Any] = data["roadmap"]  # type: ignore[assignment]
    click.echo(f"Дорожная карта {roadmap['ref']}: {roadmap['title']} ({roadmap['period']})")
    if "states" in roadmap:
        approval = roadmap["approval"]
        click.echo("Утверждена приказом от " + date.fromisoformat(approval["date"]).strftime(
            "%d.%m.%Y") + " № " + approval["number"]
                   if approval else "Не утверждена (karta approve " + roadmap["ref"] + ")")
        click.echo(f"Файл: {roadmap['source']} (SHA-256 {roadmap['sha256'][:16]}…), импорт "
                   f"{roadmap['imported']}")
        from workflow.machine import state_label

        click.echo("Исполнения: " + (", ".join(
            f"{state_label(state)} — {count}" for state, count in roadmap["states"].items())
            or "нет"))
    activity: dict[str, Any] | None = data.get("activity")  # type: ignore[assignment]
    if activity:
        click.echo(f"Мероприятие {activity['ref']}: {activity['title']}")
        if activity["section"]:
            click.echo(f"Раздел: {activity['section']}")
        click.echo(f"Сроки: {activity['deadline_text'] or '—'}"
                   + (" (не распознаны)" if activity["deadline_flagged"] else ""))
        click.echo(f"Ответственные: {', '.join(activity['responsible']) or '—'}")
        if activity["planned_result"]:
            click.echo(f"Планируемый результат: {activity['planned_result']}")
    occurrence: dict[str, Any] | None = data.get("occurrence")  # type: ignore[assignment]
    if occurrence:
        click.echo(f"Исполнение {occurrence['ref']}: {occurrence['state_label']}, "
                   f"срок {occurrence['due'] or 'не установлен'}, версия {occurrence['version']}")
        allowed = ", ".join(f"{a['event']} ({a['label']})" for a in occurrence["allowed"])
        click.echo(f"Допустимые действия: {allowed or 'нет (состояние конечное)'}")
        for entry in occurrence["history"]:
            _echo_event(entry)
    elif activity:
        for o in activity["occurrences"]:
            click.echo(f"  {o['ref']}: {state_label(o['state'])}"
                       + (f", срок {o['due']}" if o["due"] else ""))


def _echo_event(entry: dict[str, Any]) -> None:
    from registry.history import describe_event

    click.echo(f"  {describe_event(entry)}")


# ----------------------------------------------------------------------------- transitions

def _pairs(values: tuple[str, ...], separator: str, option: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        left, found, right = value.partition(separator)
        if not found or not left.strip() or not right.strip():
            from workflow.errors import KartaError

            raise KartaError(f"{option} ожидает «…{separator}…», получено «{value}»")
        pairs.append((left.strip(), right.strip()))
    return pairs


def _transition_command(event: str, summary: str, comment_help: str,
                        extra: list[Any] | None = None) -> None:
    def command(ref: str, comment: str | None, files: tuple[Path, ...], as_json: bool,
                **options: Any) -> None:
        from registry.occurrences import apply_event
        from workflow.machine import state_label

        settings = _settings()
        if event == "report" and ref == "annual":
            _annual_report(settings, options, as_json)
            return
        result = apply_event(
            settings.database(), ref, event, settings.user, comment=comment, files=list(files),
            order=options.get("order", False),
            figures=_pairs(options.get("figures", ()), "=", "--figure"),
            decisions=list(options.get("decisions", ())),
            recommendations=_pairs(options.get("recommendations", ()), ":", "--recommend"))
        if as_json:
            _print_json(result.as_dict())
            return
        click.echo(f"{result.ref}: {state_label(result.source)} → {state_label(result.dest)}"
                   f" (версия {result.version}, {result.at.replace('T', ' ')[:16]})")
        for document in result.documents:
            _echo_document(document)

    for decorator in reversed([
        main.command(event, help=summary),
        click.argument("ref"),
        click.option("--comment", "-m", metavar="ТЕКСТ", help=comment_help),
        click.option("--file", "files", multiple=True, type=click.Path(path_type=Path),
                     help="Приложить файл (можно несколько раз)."),
        *(extra or []),
        click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON."),
    ]):
        command = decorator(command)


def _echo_document(document: dict[str, Any]) -> None:
    number = f"№ {document['number']}" if document["number"] else "проект, без номера"
    click.echo(f"  документ {document['id']}: {document['title']} ({number}) — "
               f"{document['file']}")


_transition_command("start", "Начать исполнение REF (запланировано → выполняется); "
                             "по правилам готовит проект приказа о проведении.",
                    "Комментарий.",
                    [click.option("--order", is_flag=True,
                                  help="Подготовить проект приказа о проведении, даже если "
                                       "дорожная карта его не называет.")])
_transition_command(
    "report", "Представить отчёт по REF (выполняется → отчёт представлен); нужен текст отчёта "
              "или файл. «karta report annual --roadmap ID --year Г» формирует информацию о "
              "реализации дорожной карты за год.", "Текст отчёта.",
    [click.option("--roadmap", "roadmap", metavar="ID",
                  help="Для «report annual»: дорожная карта (1 или R1)."),
     click.option("--year", type=int, help="Для «report annual»: отчётный год."),
     click.option("--as-of", "as_of", metavar="ДД.ММ.ГГГГ",
                  help="Для «report annual»: дата подсчёта просрочки (по умолчанию конец года "
                       "или сегодня).")])


def _annual_report(settings: Settings, options: dict[str, Any], as_json: bool) -> None:
    from registry.documents import document_as_dict
    from registry.orders import make_annual_report
    from workflow.errors import KartaError

    if not options.get("roadmap") or not options.get("year"):
        raise KartaError("для «karta report annual» укажите --roadmap ID и --year ГОД")
    document = make_annual_report(settings.database(), settings.user,
                                  f"R{_roadmap_id(options['roadmap'])}", options["year"],
                                  parse_date(options.get("as_of")))
    data = document_as_dict(document)
    if as_json:
        _print_json(data)
    else:
        _echo_document(data)
_transition_command("return", "Вернуть отчёт по REF на доработку (отчёт представлен → "
                              "выполняется); нужна причина.", "Причина возврата.")
_transition_command(
    "analyse", "Провести анализ по REF (отчёт представлен → проанализировано); нужны выводы. "
               "Формирует аналитическую справку, приказ об итогах (если есть решения) и "
               "адресные рекомендации (если есть адресаты).", "Выводы анализа.",
    [click.option("--figure", "figures", multiple=True, metavar="ПОКАЗАТЕЛЬ=ЗНАЧЕНИЕ",
                  help="Показатель для справки (можно несколько раз)."),
     click.option("--decision", "decisions", multiple=True, metavar="ТЕКСТ",
                  help="Управленческое решение — пункт приказа об итогах, с инфинитива "
                       "(можно несколько раз)."),
     click.option("--recommend", "recommendations", multiple=True, metavar="АДРЕСАТ: ТЕКСТ",
                  help="Адресная рекомендация (можно несколько раз).")])
_transition_command("cancel", "Отменить исполнение REF; нужна причина.", "Причина отмены.")


@main.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def history(ref: str, as_json: bool) -> None:
    """Показать историю решений по REF (карта, мероприятие или исполнение)."""
    from registry.occurrences import history as read_history

    settings = _settings()
    _echo_events(read_history(settings.database(), ref, settings.user), as_json)


def _echo_events(entries: list[dict[str, Any]], as_json: bool) -> None:
    """A history or a log: JSON, or one line per event for people."""
    if as_json:
        _print_json(entries)
        return
    if not entries:
        click.echo("Записей нет.")
    for entry in entries:
        _echo_event(entry)


# ----------------------------------------------------------------------------- the web

@main.command()
@click.option("--host", default="127.0.0.1", show_default=False,
              help="Адрес, на котором слушать (по умолчанию 127.0.0.1; за обратным прокси "
                   "оставьте его).")
@click.option("--port", default=8000, type=int, help="Порт (по умолчанию 8000).")
@click.option("--behind-proxy", is_flag=True,
              help="Работа за обратным прокси с HTTPS: адрес клиента из X-Forwarded-For, "
                   "cookie только по HTTPS.")
def serve(host: str, port: int, behind_proxy: bool) -> None:
    """Запустить веб-интерфейс: вход по паролю, задачи, дорожные карты, документы, сроки,
    журнал решений, администрирование."""
    import uvicorn

    from web.app import create_app

    settings = _settings()
    db = settings.database()
    app = create_app(db, secure_cookies=behind_proxy, trust_proxy=behind_proxy)
    click.echo(f"karta: веб-интерфейс на http://{host}:{port}/ (база {db.safe_url}); "
               "остановить — Ctrl+C")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                proxy_headers=behind_proxy, server_header=False)


# ----------------------------------------------------------------------------- demo

@main.command()
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("karta-demo"),
              help="Папка для базы и файлов демонстрации (по умолчанию ./karta-demo).")
def demo(out: Path) -> None:
    """Показать работу karta от начала до конца на встроенной дорожной карте."""
    from registry.demo import run_demo

    for line in run_demo(out):
        click.echo(line)


# ----------------------------------------------------------------------------- errors

_CLICK_MESSAGES = (
    ("Missing argument", "не указан обязательный аргумент"),
    ("Missing option", "не указан обязательный параметр"),
    ("No such option", "неизвестный параметр"),
    ("No such command", "неизвестная команда"),
    ("Invalid value for", "неверное значение для"),
    ("Got unexpected extra argument", "лишний аргумент"),
    ("requires an argument", "требует значения"),
    ("is not one of", "не из списка"),
    ("does not exist", "не существует"),
)


def _russian_usage(message: str) -> str:
    for english, russian in _CLICK_MESSAGES:
        message = message.replace(english, russian)
    return message


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"ошибка: {message}", err=True)
    sys.exit(code)


# the commands about documents, templates, rules and deadlines live in commands/
import commands.accounts  # noqa: E402, F401
import commands.audit  # noqa: E402, F401
import commands.documents  # noqa: E402, F401
import commands.schedule  # noqa: E402, F401

if __name__ == "__main__":
    main()
