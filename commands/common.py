"""What every command shares: the Russian help layout, the one place errors become a
Russian line, the settings and who is acting, and the output helpers. Command modules import
this; nothing here imports them (cli.py assembles the commands)."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from workflow.roles import ROLE_LABELS

if TYPE_CHECKING:
    from registry.database import Database

def _normal(text: str) -> str:
    return text.strip().lower().replace("ё", "е")


class Russian(click.ParamType):
    """A value from a list, typed in Russian («выполняется», «ж», «специалист») or as karta
    names it (in_progress, f, clerk); help shows the Russian names."""

    name = "значение"

    def __init__(self, labels: dict[str, str], aliases: dict[str, str] | None = None) -> None:
        self.labels = labels
        self.lookup = {_normal(key): key for key in labels}
        self.lookup |= {_normal(label): key for key, label in labels.items()}
        self.lookup |= {_normal(alias): key for alias, key in (aliases or {}).items()}

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "[" + "|".join(self.labels.values()) + "]"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        found = self.lookup.get(_normal(str(value)))
        if found is None:
            self.fail(f"«{value}» — допустимо: {', '.join(self.labels.values())}", param, ctx)
        return found


STATE_NAMES = {"planned": "запланировано", "in_progress": "выполняется",
               "reported": "отчёт-представлен", "analysed": "проанализировано",
               "cancelled": "отменено"}
STATES = Russian(STATE_NAMES, {"отчет представлен": "reported", "представлен": "reported",
                               "в работе": "in_progress"})
GENDERS = Russian({"m": "м", "f": "ж"}, {"мужской": "m", "женский": "f", "муж": "m",
                                         "жен": "f"})
# typed as one word: «аудитор-региона»
ROLE_NAMES = {role: label.replace(" ", "-") for role, label in ROLE_LABELS.items()}
ROLES = Russian(ROLE_NAMES, {"начальник": "head", "клерк": "clerk"})
DUE_SHIFTS = Russian({"previous": "на-рабочий-день", "none": "не-переносить"},
                     {"предыдущий": "previous", "нет": "none"})
UNIT_KINDS = Russian({"general": "общеобразовательная", "preschool": "дошкольная",
                      "additional": "дополнительного-образования",
                      "department": "управление", "other": "иная"},
                     {"школа": "general", "сад": "preschool"})
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
LOCALE = Path(__file__).resolve().parent / "locale"


def _speak_russian() -> None:
    """Give click its Russian message catalogue (compiled with Babel, see
    ``commands/locale/build.py``) and Russian names of value types in help («ЧИСЛО»)."""
    import gettext

    from click import core, decorators, exceptions, formatting, parser, termui, types, utils

    translation = gettext.translation("click", localedir=LOCALE, languages=["ru"])
    for module in (core, decorators, exceptions, formatting, parser, termui, types, utils):
        if hasattr(module, "_"):
            module._ = translation.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translation.ngettext  # type: ignore[attr-defined]
    for kind, name in ((types.STRING, "текст"), (types.INT, "число"), (types.FLOAT, "число"),
                       (types.BOOL, "да_нет"), (types.UUID, "uuid")):
        kind.name = name


_speak_russian()


def command(*args: Any, **kwargs: Any) -> Any:
    """``@command()``: a click command with Russian help and metavars."""
    kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
    decorator = click.command(*args, **kwargs)

    def wrap(f: Any) -> Any:
        return decorator(help_option(f))

    return wrap


def group(*args: Any, **kwargs: Any) -> Any:
    """``@group()``: a group of commands with Russian help."""
    kwargs.setdefault("cls", KartaGroup)
    kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
    kwargs.setdefault("subcommand_metavar", "КОМАНДА [АРГУМЕНТЫ]...")
    decorator = click.group(*args, **kwargs)

    def wrap(f: Any) -> Any:
        return decorator(help_option(f))

    return wrap


def help_option(f: Any) -> Any:
    return click.help_option("-h", "--help", help="Показать эту справку и выйти.")(f)


class KartaGroup(click.Group):
    """karta's groups: Russian help on every command; errors as one Russian line; commands
    listed in the order they were added (the order of the work), by sections when given."""

    sections: tuple[tuple[str, tuple[click.Command, ...]], ...] = ()

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not self.sections:
            rows = [(name, command.get_short_help_str(limit=300))
                    for name, command in self.commands.items() if not command.hidden]
            if rows:
                with formatter.section("Команды"):
                    formatter.write_dl(rows)
            return
        for title, commands in self.sections:
            with formatter.section(title):
                formatter.write_dl([(command.name or "", command.get_short_help_str(limit=300))
                                    for command in commands])

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        from workflow.errors import KartaError

        try:
            code = super().main(args, prog_name or "karta", complete_var,
                                standalone_mode=False, **extra)
        except KartaError as error:
            fail(str(error), error.exit_code)
        except click.exceptions.Abort:
            fail("прервано", 1)
        except click.ClickException as error:
            # click quotes names as Python does ('--status'); Russian text quotes «…»
            message = re.sub(r"'([^']*)'", r"«\1»", error.format_message()).rstrip(".")
            fail(message + " (см. karta --help)", 2)
        except click.exceptions.Exit as done:
            code = done.exit_code
        except Exception as error:  # the last line of defence: never a traceback
            if os.environ.get("KARTA_DEBUG"):
                raise
            from registry.incidents import explain, report_incident

            known = explain(error)
            if known is not None:
                fail(str(known), known.exit_code)
            fail(report_incident(error, database_folder(), " ".join(sys.argv[1:2])), 70)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        decorator = super().command(*args, **kwargs)

        def wrap(f: Any) -> Any:
            return decorator(help_option(f))

        return wrap

    def group(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", KartaGroup)
        kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        kwargs.setdefault("subcommand_metavar", "КОМАНДА [АРГУМЕНТЫ]...")
        decorator = super().group(*args, **kwargs)

        def wrap(f: Any) -> Any:
            return decorator(help_option(f))

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
    if claimed is None or own_sqlite_file(db):
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


def own_sqlite_file(db: Database) -> bool:
    """True for a local SQLite file that belongs to the user running karta."""
    if not db.is_sqlite or db.folder is None:
        return False
    path = Path(db.url[len("sqlite:///"):])
    try:
        return path.stat().st_uid == os.getuid()
    except OSError:
        return True  # not created yet: `init` makes it this user's, 0600


_CURRENT: list[Settings] = []  # this command's settings, for the error log's place


def remember(settings: Settings) -> Settings:
    """Keep this command's settings where the error handler can find them."""
    _CURRENT[:] = [settings]
    return settings


def database_folder() -> Path | None:
    """Where the error log goes: beside the SQLite database of this command, if any."""
    settings = _CURRENT[0] if _CURRENT else None
    url = (settings.db_url if settings else None) or os.environ.get("KARTA_DB") or "karta.db"
    if "://" in url and not url.startswith("sqlite:///"):
        return None
    return Path(url.removeprefix("sqlite:///")).resolve().parent


def current() -> Settings:
    """The settings of the running command."""
    return click.get_current_context().find_object(Settings)  # type: ignore[return-value]


def print_json(data: object) -> None:
    """Data as JSON, every text worded for the command line (``workflow.errors.said``)."""
    from workflow.errors import in_voice

    click.echo(in_voice(json.dumps(data, ensure_ascii=False, indent=2, default=str), "cli"))


def paging(f: Any) -> Any:
    """``--limit`` and ``--page`` for a listing (50 rows a page unless told)."""
    f = click.option("--page", "page", default=1, type=int, metavar="НОМЕР",
                     callback=_positive, help="Страница списка (по умолчанию первая).")(f)
    return click.option("--limit", "limit", default=None, type=int, metavar="ЧИСЛО",
                        callback=_positive,
                        help="Строк на странице (по умолчанию 50; с --json — все).")(f)


def _positive(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 100_000:
        raise click.BadParameter(f"«{value}» — нужно число от 1 до 100000", ctx, param)
    return value


def page_size(limit: int | None, as_json: bool) -> int | None:
    """Rows per page: as asked; 50 for people; everything for --json (scripts)."""
    return limit if limit is not None else (None if as_json else 50)


def echo_summary(shown: int, total: int, page: int, pages: int, what: str) -> None:
    """The counts before a listing, and how to see the rest."""
    if total == 0:
        return
    line = f"{what}: {total}"
    if pages > 1:
        line += f"; страница {page} из {pages}, показано {shown}" + (
            f" (следующая: --page {page + 1})" if page < pages else "")
    click.echo(line + ".")


def emit_table(headers: list[str], rows: list[list[str]], title: str | None = None,
               late: set[int] | None = None) -> None:
    """A table for people at a terminal (rich), plain tab-separated lines otherwise — fast
    to print and to pipe into other tools."""
    if not sys.stdout.isatty():
        if title:
            click.echo(f"# {title}")
        for row in rows:
            click.echo("\t".join(cell.replace("\n", " ; ") for cell in row))
        return
    from rich.table import Table

    table = Table(*headers, title=title, title_justify="left")
    for index, row in enumerate(rows):
        table.add_row(*row, style="bold red" if late and index in late else None)
    console().print(table)


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


class ProgressShown:
    """How far a batch is, for ``progress(done, total)`` callbacks of the service layer: a
    rich progress bar on stderr when it is a terminal, else a plain line at every tenth
    (and the last), so that logs and pipes stay readable. The bar starts at the first call:
    a batch starts its worker processes before that, never with the bar's thread running."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.bar: Any = None
        self.task: Any = None
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        if sys.stderr.isatty():
            if self.bar is None:
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeElapsedColumn,
                    TimeRemainingColumn,
                )

                self.bar = Progress(TextColumn(self.what), BarColumn(), MofNCompleteColumn(),
                                    TextColumn("прошло"), TimeElapsedColumn(),
                                    TextColumn("осталось"), TimeRemainingColumn(),
                                    console=Console(stderr=True), transient=True)
                self.bar.start()
                self.task = self.bar.add_task(self.what, total=total)
            self.bar.update(self.task, completed=done, total=total)
            return
        step = max(1, total // 10)
        if done > self.shown and (done == total or done % step == 0) and done > 0:
            self.shown = done
            click.echo(f"{self.what}: {done} из {total}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


@contextmanager
def progress_shown(what: str) -> Iterator[ProgressShown]:
    """A ``ProgressShown`` that is closed however the batch ends."""
    shown = ProgressShown(what)
    try:
        yield shown
    finally:
        shown.close()



def check_workers(ctx: click.Context, param: click.Parameter, value: int | None
                  ) -> int | None:
    """``--workers``: how many processes a batch uses (1…64)."""
    if value is not None and not 1 <= value <= 64:
        raise click.BadParameter(f"«{value}» — нужно число от 1 до 64", ctx, param)
    return value


def parse_date(value: str | None) -> date | None:
    """A date typed by a user: ДД.ММ.ГГГГ or ГГГГ-ММ-ДД; a clear error otherwise."""
    from workflow.dates import typed_date

    return None if value is None else typed_date(value)


def today() -> date:
    """The date (where no organisation is involved yet), by karta's one clock."""
    from registry.database import utcnow

    return utcnow().date()


def office_date() -> date:
    """Today in the acting person's organisation, by its time zone (not the machine's)."""
    from registry.people import office_today

    settings = current()
    return office_today(settings.database(), settings.user)


def roadmap_number(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip().lstrip("Rr")
    if not text.isdigit():
        from workflow.errors import UnknownReference

        raise UnknownReference(value, "номер дорожной карты: 1 или R1")
    return int(text)



def echo_event(entry: dict[str, Any], with_object: bool = False) -> None:
    from registry.history import describe_event

    line = describe_event(entry)
    click.echo(f"  {entry['object']}: {line}" if with_object else f"  {line}")



def pairs(values: tuple[str, ...], separator: str, option: str) -> list[tuple[str, str]]:
    """An option's «left<separator>right» values (see ``registry.occurrences.parse_pairs``)."""
    from registry.occurrences import parse_pairs

    return parse_pairs(values, separator, option)


def echo_document(document: dict[str, Any]) -> None:
    number = f"№ {document['number']}" if document["number"] else "проект, без номера"
    click.echo(f"  документ {document['id']}: {document['title']} ({number}) — "
               f"{document['file']}")
    from workflow.errors import in_voice

    for question in document.get("questions") or []:
        click.echo(f"    проверьте: {in_voice(question, 'cli')}")



def echo_events(entries: list[dict[str, Any]], as_json: bool, with_object: bool = True) -> None:
    """A history or a log: JSON, or one line per event for people."""
    if as_json:
        print_json(entries)
        return
    if not entries:
        click.echo("Записей нет.")
    for entry in entries:
        echo_event(entry, with_object)

def fail(message: str, code: int) -> NoReturn:
    click.echo(f"ошибка: {message}", err=True)
    sys.exit(code)


