"""Commands for documents, the template registry and the rules: parse → one call → print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from commands.common import (
    Russian,
    check_workers,
    command,
    current,
    echo_document,
    echo_summary,
    emit_table,
    group,
    page_size,
    paging,
    parse_date,
    print_json,
    progress_shown,
    roadmap_number,
)
from documents.russian import screen_date


@command()
@click.argument("roadmap", metavar="КАРТА")
@click.option("--basis", metavar="ТЕКСТ",
              help="Правовое основание приказа вместо основания дорожной карты (karta basis).")
@click.option("--point", "points", multiple=True, metavar="ТЕКСТ",
              help="Дополнительный пункт приказа перед пунктом о контроле (можно несколько "
                   "раз).")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def approve(roadmap: str, basis: str | None, points: tuple[str, ...], as_json: bool) -> None:
    """Подготовить проект приказа об утверждении дорожной карты КАРТА (R1) с картой в
    приложении; подписание приказа (karta sign) утверждает карту."""
    from registry.documents import document_as_dict
    from registry.orders import approve_roadmap

    settings = current()
    document = approve_roadmap(settings.database(), settings.user, roadmap, basis,
                               list(points))
    data = document_as_dict(document)
    if as_json:
        print_json(data)
        return
    echo_document(data)
    click.echo(f"Подпишите приказ: karta sign {document.id}")


@command()
@click.argument("document_id", metavar="НОМЕР", type=int)
@click.option("--date", "sign_date", metavar="ДД.ММ.ГГГГ",
              help="Дата подписания (по умолчанию сегодня; не позже сегодняшней и не раньше "
                   "последнего подписанного приказа журнала).")
@click.option("--as", "as_position", metavar="ДОЛЖНОСТЬ",
              help="В какой должности подписывает не руководитель: «И.о. начальника "
                   "управления образования», «Заместитель начальника …».")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def sign(document_id: int, sign_date: str | None, as_position: str | None,
         as_json: bool) -> None:
    """Подписать проект приказа НОМЕР: присвоить номер и дату по журналу приказов; в блоке
    подписи — тот, кто подписывает."""
    from registry.documents import document_as_dict
    from registry.orders import sign as sign_document

    settings = current()
    document = sign_document(settings.database(), settings.user, document_id,
                             parse_date(sign_date), as_position)
    data = document_as_dict(document)
    if as_json:
        print_json(data)
        return
    click.echo(f"Приказ подписан: от {document.doc_date:%d.%m.%Y} № {document.number_text}")
    echo_document(data)


@command()
@click.option("--roadmap", "roadmap", required=True, metavar="НОМЕР",
              help="Дорожная карта (1 или R1).")
@click.option("--year", required=True, type=int, help="Год плана.")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def plan(roadmap: str, year: int, as_json: bool) -> None:
    """Сформировать «План мероприятий на год» по дорожной карте."""
    from registry.documents import document_as_dict
    from registry.orders import make_plan

    settings = current()
    document = make_plan(settings.database(), settings.user, f"R{roadmap_number(roadmap)}", year)
    data = document_as_dict(document)
    if as_json:
        print_json(data)
    else:
        echo_document(data)


@command("annual-report")
@click.option("--roadmap", "roadmap", required=True, metavar="КАРТА",
              help="Дорожная карта (1 или R1).")
@click.option("--year", required=True, type=int, metavar="ГОД", help="Отчётный год.")
@click.option("--as-of", "as_of", metavar="ДД.ММ.ГГГГ",
              help="Дата подсчёта просрочки (по умолчанию конец года или сегодня).")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def annual_report(roadmap: str, year: int, as_of: str | None, as_json: bool) -> None:
    """Сформировать информацию о реализации дорожной карты за год (с диаграммой)."""
    from registry.documents import document_as_dict
    from registry.orders import make_annual_report

    settings = current()
    document = make_annual_report(settings.database(), settings.user,
                                  f"R{roadmap_number(roadmap)}", year, parse_date(as_of))
    data = document_as_dict(document)
    if as_json:
        print_json(data)
    else:
        echo_document(data)


# ----------------------------------------------------------------------------- documents

@group(invoke_without_command=True)
@paging
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
@click.pass_context
def documents(ctx: click.Context, limit: int | None, page: int, as_json: bool) -> None:
    """Документы: список (новые сверху, по страницам), просмотр, выгрузка, пересборка."""
    if ctx.invoked_subcommand is not None:
        return
    from registry.documents import find_documents
    from registry.history import DOCUMENT_STATES

    settings = current()
    found = find_documents(settings.database(), settings.user, page=page,
                           size=page_size(limit, as_json) or 10_000_000)
    if as_json:
        print_json(found["rows"])
        return
    if not found["rows"]:
        click.echo("Документов нет.")
        return
    echo_summary(len(found["rows"]), found["total"], found["page"], found["pages"],
                 "Документов")
    rows = []
    for row in found["rows"]:
        number = f"№ {row['number']}" if row["number"] else "—"
        when = screen_date(row["date"]) or "—"
        rows.append([str(row["id"]), DOCUMENT_STATES.get(row["status"], row["status"]),
                     number, when, row["title"]])
    emit_table(["№ п/п", "Состояние", "Номер", "Дата", "Документ"], rows)


@documents.command("acquaint")
@click.argument("document_id", metavar="НОМЕР", type=int)
def documents_acquaint(document_id: int) -> None:
    """Отметить, что вы ознакомлены с подписанным приказом НОМЕР (если он вас называет)."""
    from registry.acquaintance import acknowledge

    settings = current()
    acknowledge(settings.database(), settings.user, document_id)
    click.echo(f"Отмечено: вы ознакомлены с приказом (документ {document_id}).")


@documents.command("acquaintance")
@click.argument("document_id", metavar="НОМЕР", type=int)
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def documents_acquaintance(document_id: int, as_json: bool) -> None:
    """Кто из названных в приказе НОМЕР ознакомлен с ним и когда."""
    from registry.acquaintance import acquaintance

    settings = current()
    named = acquaintance(settings.database(), settings.user, document_id)
    if as_json:
        print_json([n.as_dict() for n in named])
        return
    if not named:
        click.echo("Приказ не называет никого из пользователей karta.")
        return
    emit_table(["Ф. И. О.", "Должность", "Ознакомлен(а)"],
               [[n.name, n.position, f"{n.at:%d.%m.%Y %H:%M}" if n.at else "нет"]
                for n in named],
               title=f"Ознакомлены {sum(1 for n in named if n.at)} из {len(named)}")


@documents.command("show")
@click.argument("document_id", metavar="НОМЕР", type=int)
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON (с данными документа).")
def documents_show(document_id: int, as_json: bool) -> None:
    """Показать документ НОМЕР: регистрацию, шаблон, файл."""
    import json

    from documents.contexts import JOURNALS, kind_label
    from registry.documents import document_as_dict, get_document
    from registry.history import DOCUMENT_STATES
    from registry.people import office_of

    settings = current()
    db = settings.database()
    document = get_document(db, settings.user, document_id)
    zone = office_of(db, settings.user).zone
    data: dict[str, Any] = document_as_dict(document, zone=None if as_json else zone)
    if as_json:
        data["context"] = json.loads(document.context)
        print_json(data)
        return
    labels = {"id": "Документ", "title": "Заголовок", "kind": "Вид", "status": "Состояние",
              "journal": "Журнал", "number": "Номер", "date": "Дата", "template": "Шаблон",
              "template_sha256": "SHA-256 шаблона", "file_sha256": "SHA-256 файла",
              "file": "Файл в хранилище", "created_by": "Подготовил",
              "created_at": "Подготовлен", "signed_by": "Подписал", "renderer": "Программы"}
    shown = {**data, "kind": kind_label(document.kind),
             "status": DOCUMENT_STATES.get(document.status, document.status),
             "journal": JOURNALS.get(document.journal or "", "—"),
             "date": screen_date(data["date"]), "created_at": screen_date(data["created_at"])}
    for key, label in labels.items():
        click.echo(f"{label}: {shown.get(key) or '—'}")
    revision = json.loads(document.context).get("revision")
    if revision:
        click.echo(f"Правка из файла: {revision['number']} (karta documents revisions "
                   f"{document_id})")
    if document.journal == "orders":
        from registry.visas import route

        visas = route(settings.database(), settings.user, document_id)
        if visas["visas"]:
            state = ("нет виз — " + "; ".join(visas["missing"])) if visas["missing"] \
                else "все визы получены"
            click.echo(f"Согласование: {state} (karta documents route {document_id})")


@documents.command("open")
@click.argument("document_id", metavar="НОМЕР", type=int)
def documents_open(document_id: int) -> None:
    """Открыть файл документа НОМЕР в программе по умолчанию."""
    import shutil
    import tempfile

    from registry.documents import get_document
    from registry.drafts import output_bytes
    from registry.exports import office_name, write_new
    from workflow.errors import KartaError

    settings = current()
    db = settings.database()
    document = get_document(db, settings.user, document_id)
    data = output_bytes(db, settings.user, document)  # refuses a missing or changed file
    path = write_new(Path(tempfile.mkdtemp(prefix="karta-")) / office_name(document), data)
    opener = next((shutil.which(name) for name in ("xdg-open", "open", "start")
                   if shutil.which(name)), None)
    if opener is None or click.launch(str(path)) != 0:
        raise KartaError(f"документ {document_id} не открыт: на этом компьютере нет программы "
                         f"для просмотра .docx; файл сохранён: {path}")
    click.echo(f"Открыт: {path}")


@documents.command("export")
@click.argument("document_id", metavar="НОМЕР", type=int)
@click.option("--pdf", is_flag=True, help="Также преобразовать в PDF (нужен LibreOffice).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("."),
              help="Папка для файлов (по умолчанию текущая).")
@click.option("--force", is_flag=True, help="Заменить файлы с такими же именами.")
@click.option("--acquaintance", is_flag=True,
              help="Добавить последней страницей лист ознакомления с приказом (для "
                   "подписанного приказа).")
def documents_export(document_id: int, pdf: bool, out: Path, force: bool,
                     acquaintance: bool) -> None:
    """Выгрузить документ НОМЕР в папку под понятным именем (проект — с листом
    согласования, если он направлялся на визы)."""
    from registry.exports import export

    settings = current()
    for path in export(settings.database(), settings.user, document_id, out, pdf, force,
                       acquaintance):
        click.echo(str(path))


@documents.command("pdf")
@click.option("--year", type=int, metavar="ГОД",
              help="Журнал за год: документы, зарегистрированные в этом году.")
@click.option("--journal", "journal_name",
              type=Russian({"orders": "приказов", "notes": "справок", "reports": "отчётов"}),
              help="Только этот журнал (с --year).")
@click.option("--roadmap", metavar="КАРТА", help="Документы дорожной карты (1 или R1): "
                                                  "приказ об утверждении, планы, документы "
                                                  "исполнений.")
@click.option("--id", "ids", type=int, multiple=True, metavar="НОМЕР",
              help="Документ НОМЕР (можно несколько раз).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("."),
              help="Папка для PDF (по умолчанию текущая).")
@click.option("--force", is_flag=True, help="Заменить PDF с такими же именами.")
@click.option("--workers", type=int, callback=check_workers, metavar="ЧИСЛО",
              help="Сколько LibreOffice работают одновременно (по умолчанию — по числу "
                   "процессоров).")
@click.option("--per-file", is_flag=True,
              help="Запускать LibreOffice для каждого файла (медленнее; как karta documents "
                   "export --pdf).")
def documents_pdf(year: int | None, journal_name: str | None, roadmap: str | None,
                  ids: tuple[int, ...], out: Path, force: bool, workers: int | None,
                  per_file: bool) -> None:
    """Сделать PDF документов — журнала за год, дорожной карты или выбранных — через
    LibreOffice, запущенный один раз на всю выгрузку; файлы названы, как их называет
    делопроизводитель; существующие не заменяются без --force."""
    from registry.batch import export_pdfs
    from workflow.errors import KartaError

    settings = current()
    with progress_shown("PDF") as shown:
        batch = export_pdfs(settings.database(), settings.user, out, year=year,
                            journal=journal_name, roadmap=roadmap_number(roadmap), ids=ids,
                            force=force, workers=workers, warm=not per_file, progress=shown)
    for path in batch.written:
        click.echo(str(path))
    click.echo(f"PDF: {len(batch.written)} за {batch.seconds:.1f} с ({batch.way}).", err=True)
    if batch.without_file:
        click.echo("Внесены в журнал без файла, PDF нет: документы "
                   + ", ".join(map(str, batch.without_file)) + ".", err=True)
    if batch.failed:
        raise KartaError(f"не преобразованы в PDF: {len(batch.failed)} — " + "; ".join(
            f"документ {number}: {reason}" for number, reason in batch.failed[:5]))


@documents.command("rerender")
@click.option("--template", "name", required=True, metavar="ИМЯ",
              help="Шаблон, активная версия которого сменилась (order_start, plan, …).")
@click.option("--dry-run", is_flag=True, help="Только показать, что будет пересобрано.")
@click.option("--workers", type=int, callback=check_workers, metavar="ЧИСЛО",
              help="Сколько процессов отрисовывают одновременно (по умолчанию — по числу "
                   "процессоров).")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def documents_rerender(name: str, dry_run: bool, workers: int | None, as_json: bool) -> None:
    """Пересобрать проекты приказов, сделанные не активной (прежней) версией шаблона ИМЯ,
    по его активной версии: новый файл того же проекта из тех же данных, с записью в журнале
    решений. Подписанные и зарегистрированные документы не пересобираются: они имеют
    юридическую силу."""
    from registry.batch import LEGAL_RECORDS, rerender
    from workflow.errors import KartaError

    settings = current()
    with progress_shown("Пересборка") as shown:
        result = rerender(settings.database(), settings.user, name, dry_run=dry_run,
                          workers=workers, progress=shown)
    if as_json:
        print_json(result.as_dict())
    else:
        verb = "будут пересобраны" if dry_run else "пересобраны"
        if not result.drafts:
            click.echo(f"Проектов, сделанных прежними версиями шаблона {name}, нет "
                       f"(активна v{result.version}).")
        else:
            click.echo(f"Проекты по шаблону {name} v{result.version}: {verb} "
                       f"{len(result.drafts) if dry_run else result.done} из "
                       f"{len(result.drafts)}.")
            for row in result.drafts:
                click.echo(f"  документ {row['id']}: {row['title']} ({row['template']} → "
                           f"v{result.version})")
        if result.kept:
            click.echo(f"Не пересобраны: {len(result.kept)} — {LEGAL_RECORDS}.")
            for row in result.kept:
                click.echo(f"  документ {row['id']}: {row['title']} (№ {row['number'] or '—'}"
                           f", {row['template']})")
    if result.failed:
        raise KartaError(f"не пересобраны: {len(result.failed)} — " + "; ".join(
            f"документ {row['id']}: {row['reason']}" for row in result.failed[:5]))


@documents.command("correct")
@click.argument("document_id", metavar="НОМЕР", type=int)
@click.option("--reason", required=True, help="Почему приказ изменяется (отменяется).")
@click.option("--point", "points", multiple=True, metavar="П=ТЕКСТ",
              help="Новая редакция пункта П («2=Провести до 01.04.2021.», «2.1=…»); "
                   "можно несколько раз.")
@click.option("--add", "added", multiple=True, metavar="ТЕКСТ",
              help="Дополнить приказ новым пунктом; можно несколько раз.")
@click.option("--drop", "dropped", multiple=True, metavar="П",
              help="Исключить пункт П; можно несколько раз.")
@click.option("--cancel", is_flag=True, help="Признать приказ утратившим силу.")
def documents_correct(document_id: int, reason: str, points: tuple[str, ...],
                      added: tuple[str, ...], dropped: tuple[str, ...], cancel: bool) -> None:
    """Подготовить проект приказа о внесении изменений в подписанный приказ НОМЕР (только
    изменяемые пункты) или о признании его утратившим силу; сам приказ НОМЕР не меняется."""
    from documents.amend import Change
    from registry.documents import document_as_dict
    from registry.orders import correct

    changes = []
    for given in points:
        number, equals, text = given.partition("=")
        if not equals:
            raise click.BadParameter(f"«{given[:40]}»: пишите номер пункта и новую редакцию "
                                     "через «=»: --point \"2=Новый текст\"",
                                     param_hint="--point")
        changes.append(Change("replace", number.strip(), text))
    changes += [Change("drop", number) for number in dropped]
    changes += [Change("add", text=text) for text in added]
    settings = current()
    document = correct(settings.database(), settings.user, document_id, reason, changes, cancel)
    echo_document(document_as_dict(document))
    click.echo(f"Подпишите приказ: karta sign {document.id}")


@documents.command("regenerate")
@click.argument("document_id", metavar="НОМЕР", type=int)
def documents_regenerate(document_id: int) -> None:
    """Пересобрать документ НОМЕР из сохранённых данных и версии шаблона и сверить побайтно."""
    from registry.documents import regenerate

    settings = current()
    result = regenerate(settings.database(), settings.user, document_id)
    restored = "; файл восстановлен в хранилище" if result["restored"] else ""
    click.echo(f"Документ {document_id}: пересобран, совпадает побайтно "
               f"(SHA-256 {result['sha256']}){restored}")


# ----------------------------------------------------------------------------- journals

@group()
def journal() -> None:
    """Журналы регистрации: продолжить журнал, который вёлся до karta; внести приказ,
    изданный вне karta."""


@journal.command("set")
@click.option("--journal", "name", type=Russian({"orders": "приказов", "notes": "справок",
                                                 "reports": "отчётов"}), default="orders",
              help="Журнал (по умолчанию — приказов).")
@click.option("--year", type=int, required=True, metavar="ГОД", help="Год журнала.")
@click.option("--next", "next_number", type=int, required=True, metavar="НОМЕР",
              help="Номер, который получит следующий документ (например 64).")
def journal_set(name: str, year: int, next_number: int) -> None:
    """Продолжить журнал: следующий документ года получит номер НОМЕР."""
    from registry.journals import continue_journal

    settings = current()
    continue_journal(settings.database(), settings.user, name, year, next_number)
    click.echo(f"Журнал продолжен: следующий номер за {year} год — {next_number}.")


@journal.command("register")
@click.argument("number", metavar="НОМЕР")
@click.option("--date", "when", required=True, metavar="ДД.ММ.ГГГГ", help="Дата приказа.")
@click.option("--title", required=True, help="Заголовок приказа («О …»).")
@click.option("--file", "source", type=click.Path(path_type=Path), default=None,
              help="Файл приказа (необязательно).")
def journal_register(number: str, when: str, title: str, source: Path | None) -> None:
    """Внести в журнал приказов приказ НОМЕР, изданный вне karta (нумерация не прерывается)."""
    from registry.journals import register_external

    settings = current()
    document = register_external(settings.database(), settings.user, number,
                                 parse_date(when), title, source)
    click.echo(f"Внесён приказ № {document.number_text} от {document.doc_date:%d.%m.%Y} "
               f"(документ {document.id}).")


# ----------------------------------------------------------------------------- templates

@group()
def templates() -> None:
    """Реестр шаблонов документов: версии, проверка, активная версия."""


@templates.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def templates_list(as_json: bool) -> None:
    """Показать все версии всех шаблонов."""
    from registry.templates import list_templates

    settings = current()
    rows = [t.as_dict() for t in list_templates(settings.database(), settings.user)]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        mark = "*" if row["active"] else " "
        click.echo(f"{mark} {row['name']} v{row['version']}\t{row['kind']}\t"
                   f"{str(row['sha256'])[:12]}…\t{row['created_by']}\t{row['comment']}")


@templates.command("show")
@click.argument("name", metavar="ИМЯ")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def templates_show(name: str, as_json: bool) -> None:
    """Показать шаблон ИМЯ: версии, правила и описание данных его вида."""
    from registry.templates import show_template

    settings = current()
    data = show_template(settings.database(), settings.user, name)
    if as_json:
        print_json(data)
        return
    click.echo(f"Шаблон {data['name']}: вид {data['kind']} — {data['label']}")
    for version in data["versions"]:  # type: ignore[attr-defined]
        mark = "активна" if version["active"] else ""
        click.echo(f"  v{version['version']} {version['sha256']} {version['created_by']} "
                   f"{screen_date(version['created_at'])} {version['comment']} {mark}".rstrip())
    for rule in data["rules"]:  # type: ignore[attr-defined]
        click.echo(f"  правило {rule['id']}: {rule['event']} ({rule['when']})")
    click.echo("Данные, доступные в шаблоне:")
    for line in data["context"]:  # type: ignore[attr-defined]
        click.echo(f"  {line}")
    click.echo("Фильтры:")
    for filter_name, text in data["filters"].items():  # type: ignore[attr-defined]
        click.echo(f"  {filter_name}: {text}")


KIND_HELP = ("Вид: order_approve, order_start, report, analytic_note, order_results, "
             "recommendations, plan.")


@templates.command("add")
@click.argument("file", metavar="ФАЙЛ", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="Имя шаблона.")
@click.option("--kind", required=True, help=KIND_HELP)
@click.option("--comment", default="", help="Зачем эта версия.")
def templates_add(file: Path, name: str, kind: str, comment: str) -> None:
    """Зарегистрировать ФАЙЛ как новую версию шаблона (после проверки)."""
    from registry.templates import add_template

    settings = current()
    info = add_template(settings.database(), settings.user, file, name, kind, comment)
    state = "активна" if info.active else f"не активна: karta templates activate {name} " \
                                           f"{info.version}"
    click.echo(f"Шаблон {name} v{info.version} зарегистрирован (SHA-256 {info.sha256}); "
               f"{state}.")


@templates.command("activate")
@click.argument("name", metavar="ИМЯ")
@click.argument("version", metavar="ВЕРСИЯ", type=int)
def templates_activate(name: str, version: int) -> None:
    """Сделать версию ВЕРСИЯ шаблона ИМЯ активной."""
    from registry.templates import activate

    settings = current()
    info = activate(settings.database(), settings.user, name, version)
    click.echo(f"Активна версия {info.version} шаблона {name}.")


@templates.command("check")
@click.argument("file", metavar="ФАЙЛ", type=click.Path(path_type=Path))
@click.option("--kind", required=True, help=KIND_HELP)
def templates_check(file: Path, kind: str) -> None:
    """Проверить ФАЙЛ как шаблон вида ВИД, ничего не регистрируя."""
    from registry.templates import check_file
    from workflow.errors import KartaError

    problems = check_file(file, kind)
    if problems:
        raise KartaError(f"шаблон «{file.name}»: " + "; ".join(problems))
    click.echo(f"Шаблон {file.name} пригоден для вида {kind}.")


# ----------------------------------------------------------------------------- rules

@group()
def rules() -> None:
    """Правила: какие документы формирует переход и когда."""


@rules.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def rules_list(as_json: bool) -> None:
    """Показать правила."""
    from registry.templates import list_rules

    settings = current()
    rows = list_rules(settings.database(), settings.user)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['event']} → {row['template']}\t{row['when_text']}")


@rules.command("add")
@click.argument("event", metavar="СОБЫТИЕ")
@click.argument("template", metavar="ШАБЛОН")
@click.option("--when", "condition", default="always",
              help="Условие: always, order_needed, has_decisions, has_recommendations.")
def rules_add(event: str, template: str, condition: str) -> None:
    """Добавить правило: событие СОБЫТИЕ формирует документ по шаблону ШАБЛОН."""
    from registry.templates import add_rule

    settings = current()
    rule = add_rule(settings.database(), settings.user, event, template, condition)
    click.echo(f"Правило {rule['id']} добавлено: {event} → {template} ({condition}).")


@rules.command("remove")
@click.argument("rule_id", metavar="НОМЕР", type=int)
def rules_remove(rule_id: int) -> None:
    """Удалить правило НОМЕР."""
    from registry.templates import remove_rule

    settings = current()
    remove_rule(settings.database(), settings.user, rule_id)
    click.echo(f"Правило {rule_id} удалено.")
