"""Commands for documents, the template registry and the rules: parse → one call → print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cli import _echo_document, _print_json, _roadmap_id, _settings, main, parse_date


@main.command()
@click.argument("roadmap")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def approve(roadmap: str, as_json: bool) -> None:
    """Подготовить проект приказа об утверждении дорожной карты ROADMAP (R1) с картой в
    приложении; подписание приказа (karta sign) утверждает карту."""
    from registry.documents import document_as_dict
    from registry.orders import approve_roadmap

    settings = _settings()
    document = approve_roadmap(settings.database(), settings.user, roadmap)
    data = document_as_dict(document)
    if as_json:
        _print_json(data)
        return
    _echo_document(data)
    click.echo(f"Подпишите приказ: karta sign {document.id}")


@main.command()
@click.argument("document_id", metavar="N", type=int)
@click.option("--date", "sign_date", metavar="ДД.ММ.ГГГГ",
              help="Дата подписания (по умолчанию сегодня).")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def sign(document_id: int, sign_date: str | None, as_json: bool) -> None:
    """Подписать проект приказа N: присвоить номер и дату по журналу приказов."""
    from registry.documents import document_as_dict
    from registry.orders import sign as sign_document

    settings = _settings()
    document = sign_document(settings.database(), settings.user, document_id,
                             parse_date(sign_date))
    data = document_as_dict(document)
    if as_json:
        _print_json(data)
        return
    click.echo(f"Приказ подписан: от {document.doc_date:%d.%m.%Y} № {document.number_text}")
    _echo_document(data)


@main.command()
@click.option("--roadmap", "roadmap", required=True, metavar="ID",
              help="Дорожная карта (1 или R1).")
@click.option("--year", required=True, type=int, help="Год плана.")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def plan(roadmap: str, year: int, as_json: bool) -> None:
    """Сформировать «План мероприятий на год» по дорожной карте."""
    from registry.documents import document_as_dict
    from registry.orders import make_plan

    settings = _settings()
    document = make_plan(settings.database(), settings.user, f"R{_roadmap_id(roadmap)}", year)
    data = document_as_dict(document)
    if as_json:
        _print_json(data)
    else:
        _echo_document(data)


# ----------------------------------------------------------------------------- documents

@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
@click.pass_context
def documents(ctx: click.Context, as_json: bool) -> None:
    """Документы: список, просмотр, выгрузка, пересборка."""
    if ctx.invoked_subcommand is not None:
        return
    from registry.documents import list_documents

    settings = _settings()
    rows = list_documents(settings.database(), settings.user)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("Документов нет.")
    for row in rows:
        number = f"№ {row['number']}" if row["number"] else "проект"
        when = f" от {row['date']}" if row["date"] else ""
        click.echo(f"{row['id']}\t{row['status']}\t{number}{when}\t{row['title']}")


@documents.command("show")
@click.argument("document_id", metavar="N", type=int)
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON (с данными документа).")
def documents_show(document_id: int, as_json: bool) -> None:
    """Показать документ N: регистрацию, шаблон, файл."""
    import json

    from registry.documents import document_as_dict, get_document

    settings = _settings()
    document = get_document(settings.database(), settings.user, document_id)
    data: dict[str, Any] = document_as_dict(document)
    if as_json:
        data["context"] = json.loads(document.context)
        _print_json(data)
        return
    for key, value in data.items():
        click.echo(f"{key}: {value}")


@documents.command("open")
@click.argument("document_id", metavar="N", type=int)
def documents_open(document_id: int) -> None:
    """Открыть файл документа N в программе по умолчанию."""
    import tempfile

    from registry.documents import document_bytes, get_document
    from registry.exports import office_name, write_new
    from workflow.errors import KartaError

    settings = _settings()
    db = settings.database()
    document = get_document(db, settings.user, document_id)
    data = document_bytes(db, document)  # refuses a missing or changed file
    path = write_new(Path(tempfile.mkdtemp(prefix="karta-")) / office_name(document), data)
    click.echo(str(path))
    if click.launch(str(path)) != 0:
        raise KartaError(f"не удалось открыть {path.name}: нет программы для .docx; "
                         f"выгрузите его: karta documents export {document_id}")


@documents.command("export")
@click.argument("document_id", metavar="N", type=int)
@click.option("--pdf", is_flag=True, help="Также преобразовать в PDF (нужен LibreOffice).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("."),
              help="Папка для файлов (по умолчанию текущая).")
@click.option("--force", is_flag=True, help="Заменить файлы с такими же именами.")
def documents_export(document_id: int, pdf: bool, out: Path, force: bool) -> None:
    """Выгрузить документ N в папку под понятным именем."""
    from registry.exports import export

    settings = _settings()
    for path in export(settings.database(), settings.user, document_id, out, pdf, force):
        click.echo(str(path))


@documents.command("correct")
@click.argument("document_id", metavar="N", type=int)
@click.option("--reason", required=True, help="Что и почему исправляется.")
def documents_correct(document_id: int, reason: str) -> None:
    """Подготовить проект приказа, исправляющего подписанный приказ N (сам приказ N не
    меняется)."""
    from registry.documents import document_as_dict
    from registry.orders import correct

    settings = _settings()
    document = correct(settings.database(), settings.user, document_id, reason)
    _echo_document(document_as_dict(document))
    click.echo(f"Подпишите приказ: karta sign {document.id}")


@documents.command("regenerate")
@click.argument("document_id", metavar="N", type=int)
def documents_regenerate(document_id: int) -> None:
    """Пересобрать документ N из сохранённых данных и версии шаблона и сверить побайтно."""
    from registry.documents import regenerate

    settings = _settings()
    result = regenerate(settings.database(), settings.user, document_id)
    restored = "; файл восстановлен в хранилище" if result["restored"] else ""
    click.echo(f"Документ {document_id}: пересобран, совпадает побайтно "
               f"(SHA-256 {result['sha256']}){restored}")


# ----------------------------------------------------------------------------- templates

@main.group()
def templates() -> None:
    """Реестр шаблонов документов: версии, проверка, активная версия."""


@templates.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def templates_list(as_json: bool) -> None:
    """Показать все версии всех шаблонов."""
    from registry.templates import list_templates

    settings = _settings()
    rows = [t.as_dict() for t in list_templates(settings.database(), settings.user)]
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        mark = "*" if row["active"] else " "
        click.echo(f"{mark} {row['name']} v{row['version']}\t{row['kind']}\t"
                   f"{str(row['sha256'])[:12]}…\t{row['created_by']}\t{row['comment']}")


@templates.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def templates_show(name: str, as_json: bool) -> None:
    """Показать шаблон NAME: версии, правила и описание данных его вида."""
    from registry.templates import show_template

    settings = _settings()
    data = show_template(settings.database(), settings.user, name)
    if as_json:
        _print_json(data)
        return
    click.echo(f"Шаблон {data['name']}: вид {data['kind']} — {data['label']}")
    for version in data["versions"]:  # type: ignore[attr-defined]
        mark = "активна" if version["active"] else ""
        click.echo(f"  v{version['version']} {version['sha256']} {version['created_by']} "
                   f"{version['created_at']} {version['comment']} {mark}".rstrip())
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
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="Имя шаблона.")
@click.option("--kind", required=True, help=KIND_HELP)
@click.option("--comment", default="", help="Зачем эта версия.")
def templates_add(file: Path, name: str, kind: str, comment: str) -> None:
    """Зарегистрировать FILE как новую версию шаблона (после проверки)."""
    from registry.templates import add_template

    settings = _settings()
    info = add_template(settings.database(), settings.user, file, name, kind, comment)
    state = "активна" if info.active else f"не активна: karta templates activate {name} " \
                                           f"{info.version}"
    click.echo(f"Шаблон {name} v{info.version} зарегистрирован (SHA-256 {info.sha256}); "
               f"{state}.")


@templates.command("activate")
@click.argument("name")
@click.argument("version", type=int)
def templates_activate(name: str, version: int) -> None:
    """Сделать версию VERSION шаблона NAME активной."""
    from registry.templates import activate

    settings = _settings()
    info = activate(settings.database(), settings.user, name, version)
    click.echo(f"Активна версия {info.version} шаблона {name}.")


@templates.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kind", required=True, help=KIND_HELP)
def templates_check(file: Path, kind: str) -> None:
    """Проверить FILE как шаблон вида KIND, ничего не регистрируя."""
    from registry.templates import check_file
    from workflow.errors import KartaError

    problems = check_file(file, kind)
    if problems:
        raise KartaError(f"шаблон «{file.name}»: " + "; ".join(problems))
    click.echo(f"Шаблон {file.name} пригоден для вида {kind}.")


# ----------------------------------------------------------------------------- rules

@main.group()
def rules() -> None:
    """Правила: какие документы формирует переход и когда."""


@rules.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def rules_list(as_json: bool) -> None:
    """Показать правила."""
    from registry.templates import list_rules

    settings = _settings()
    rows = list_rules(settings.database(), settings.user)
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['event']} → {row['template']}\t{row['when_text']}")


@rules.command("add")
@click.argument("event")
@click.argument("template")
@click.option("--when", "condition", default="always",
              help="Условие: always, order_needed, has_decisions, has_recommendations.")
def rules_add(event: str, template: str, condition: str) -> None:
    """Добавить правило: событие EVENT формирует документ по шаблону TEMPLATE."""
    from registry.templates import add_rule

    settings = _settings()
    rule = add_rule(settings.database(), settings.user, event, template, condition)
    click.echo(f"Правило {rule['id']} добавлено: {event} → {template} ({condition}).")


@rules.command("remove")
@click.argument("rule_id", metavar="ID", type=int)
def rules_remove(rule_id: int) -> None:
    """Удалить правило ID."""
    from registry.templates import remove_rule

    settings = _settings()
    remove_rule(settings.database(), settings.user, rule_id)
    click.echo(f"Правило {rule_id} удалено.")
