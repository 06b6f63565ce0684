"""Commands for the audit and the file store: parse → one call → print."""

from __future__ import annotations

from pathlib import Path

import click

from commands.common import (
    current,
    echo_events,
    echo_summary,
    group,
    page_size,
    paging,
    parse_date,
    print_json,
)


@group()
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
    from workflow.errors import KartaError, in_voice

    settings = current()
    result = verify(settings.database(), settings.user, list(checkpoints))
    result.warnings = [in_voice(w, "cli") for w in result.warnings]
    if as_json:
        print_json(result.as_dict())
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

    settings = current()
    mark = take_checkpoint(settings.database(), settings.user, out)
    click.echo(f"Контрольная точка: событие № {mark['seq']}, хеш {mark['hash']}")
    click.echo(f"Записана в {mark['file']}; сохраните её копию у аудитора.")


@audit.command("key")
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="ФАЙЛ",
              help="Куда записать ключ (по умолчанию KARTA_LOG_KEY или karta-log.key рядом "
                   "с базой SQLite).")
def audit_key(out: Path | None) -> None:
    """Создать ключ журнала вне базы данных: им заверяются события, контрольные точки и
    входы в веб-интерфейс (владелец базы не сможет переписать журнал незаметно)."""
    from registry.seal import ENVIRONMENT, key_path, make_key
    from workflow.errors import KartaError

    settings = current()
    target = out or key_path(settings.database().folder)
    if target is None:
        raise KartaError(f"укажите файл ключа: --out ФАЙЛ (и {ENVIRONMENT}=ФАЙЛ на серверах "
                         "karta)")
    made = make_key(target)
    click.echo(f"Ключ журнала создан: {made} (доступен только владельцу).")
    if out is not None:
        click.echo(f"Укажите его серверам karta: {ENVIRONMENT}={made}; храните копию вне "
                   "сервера базы данных.")


@audit.command("log")
@click.option("--since", metavar="ДД.ММ.ГГГГ", help="С этой даты.")
@click.option("--user", "user_filter", metavar="ЛОГИН", help="Только действия этого "
                                                             "пользователя.")
@click.option("--object", "object_ref", metavar="ССЫЛКА",
              help="Только об этом объекте: R1, 1:2.4, 1:2.4@2022 или «документ 5».")
@paging
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def audit_log(since: str | None, user_filter: str | None, object_ref: str | None,
              limit: int | None, page: int, as_json: bool) -> None:
    """Показать журнал принятых решений (новые записи сверху, по страницам; с --json — весь
    журнал по порядку)."""
    from registry.audit import page_log, read_log

    settings = current()
    size = page_size(limit, as_json)
    if size is not None and not object_ref:  # one indexed query for the page
        found = page_log(settings.database(), settings.user, since=parse_date(since),
                         user=user_filter, page=page, size=size)
        if not as_json:
            echo_summary(len(found["rows"]), found["total"], found["page"], found["pages"],
                         "Записей")
        echo_events(found["rows"], as_json)
        return
    entries = read_log(settings.database(), settings.user, parse_date(since), user_filter,
                       object_ref)
    if size is None:
        echo_events(entries, as_json)
        return
    pages = max(1, -(-len(entries) // size))
    page = min(page, pages)
    if not as_json:
        echo_summary(min(size, len(entries)), len(entries), page, pages, "Записей")
    echo_events(entries[(page - 1) * size: page * size], as_json)


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

    settings = current()
    target = out or Path(f"Журнал решений{' за ' + str(year) if year else ''}.{fmt}")
    click.echo(str(export_log(settings.database(), settings.user, fmt, target, year, force)))


@group()
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

    settings = current()
    report = check_store(settings.database(), settings.user, clean)
    if as_json:
        print_json(report)
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
