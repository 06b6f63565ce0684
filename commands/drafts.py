"""Commands for a draft on its way to signing: a revision corrected in Word, the approval
route and visas (subcommands of ``karta documents``): parse → one call → print."""

from __future__ import annotations

from pathlib import Path

import click

from commands.common import command, current, print_json
from commands.documents import documents
from documents.russian import screen_date


@documents.command("revise")
@click.argument("document_id", metavar="НОМЕР", type=int)
@click.argument("file", metavar="ФАЙЛ", type=click.Path(path_type=Path))
@click.option("--comment", default="", help="Что исправлено.")
def documents_revise(document_id: int, file: Path, comment: str) -> None:
    """Загрузить проект приказа НОМЕР, исправленный в Word или LibreOffice, из файла ФАЙЛ:
    это новая редакция того же проекта; при подписании номер и дата вносятся в неё.
    Исправления в режиме рецензирования и примечания должны быть приняты или удалены, поля
    даты, номера и подписи — сохранены."""
    from registry.drafts import revise
    from registry.files import read_limited

    settings = current()
    revision = revise(settings.database(), settings.user, document_id, read_limited(file),
                      file.name, comment)
    click.echo(f"Правка {revision.number} проекта {document_id} загружена "
               f"(SHA-256 {revision.file_sha256}).")


@documents.command("revisions")
@click.argument("document_id", metavar="НОМЕР", type=int)
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def documents_revisions(document_id: int, as_json: bool) -> None:
    """Показать правки проекта НОМЕР, загруженные из файлов."""
    from registry.drafts import revisions

    settings = current()
    rows = revisions(settings.database(), settings.user, document_id)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(f"Правок нет: проект {document_id} таков, каким его сформировал шаблон.")
    for row in rows:
        note = f" — {row['comment']}" if row["comment"] else ""
        click.echo(f"Правка {row['number']}: {row['name']}, {screen_date(row['created_at'])}, "
                   f"{row['created_by']}{note}")


@documents.command("route")
@click.argument("document_id", metavar="НОМЕР", type=int)
@click.option("--to", "logins", multiple=True, metavar="ЛОГИН",
              help="Кому направить проект на визу (можно несколько раз, в порядке листа "
                   "согласования).")
@click.option("--again", is_flag=True,
              help="Направить проект повторно тем же лицам (после доработки).")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def documents_route(document_id: int, logins: tuple[str, ...], again: bool,
                    as_json: bool) -> None:
    """Лист согласования проекта приказа НОМЕР: направить проект на визы (--to) или
    показать, кто завизировал, кто вернул с замечаниями и чьих виз нет."""
    from registry.visas import route, send_for_visas

    settings = current()
    db = settings.database()
    if logins or again:
        send_for_visas(db, settings.user, document_id, list(logins))
    shown = route(db, settings.user, document_id)
    if as_json:
        print_json(shown)
        return
    if not shown["visas"]:
        click.echo(f"Проект {document_id} на согласование не направлялся "
                   f"(karta documents route {document_id} --to ЛОГИН).")
        return
    click.echo(f"Лист согласования: {shown['title']} (круг {shown['round']})")
    for visa in shown["visas"]:
        if not visa["current"]:
            continue
        when = f", {screen_date(visa['decided_at'])}" if visa["decided_at"] else ""
        remarks = f": {visa['remarks']}" if visa["remarks"] else ""
        click.echo(f"  {visa['place']}. {visa['position']} {visa['short_name']} — "
                   f"{visa['status_label']}{when}{remarks}")
    if shown["missing"]:
        click.echo("Подписать пока нельзя: нет виз — " + "; ".join(shown["missing"]))
    elif shown["status"] == "draft":
        click.echo(f"Все визы получены: karta sign {document_id}")


@documents.command("visa")
@click.argument("document_id", metavar="НОМЕР", type=int)
@click.option("--remarks", default="", help="Замечания к проекту, если есть.")
def documents_visa(document_id: int, remarks: str) -> None:
    """Завизировать проект приказа НОМЕР, направленный вам на согласование."""
    from registry.visas import decide

    settings = current()
    decide(settings.database(), settings.user, document_id, give=True, remarks=remarks)
    click.echo(f"Виза на проекте {document_id} поставлена.")


@documents.command("return")
@click.argument("document_id", metavar="НОМЕР", type=int)
@click.option("--remarks", required=True, help="Замечания, с которыми проект возвращается.")
def documents_return(document_id: int, remarks: str) -> None:
    """Вернуть проект приказа НОМЕР автору с замечаниями, не визируя его."""
    from registry.visas import decide

    settings = current()
    decide(settings.database(), settings.user, document_id, give=False, remarks=remarks)
    click.echo(f"Проект {document_id} возвращён автору с замечаниями.")


# ----------------------------------------------------------------------------- the basis

@command()
@click.argument("roadmap", metavar="КАРТА")
@click.argument("text", metavar="ТЕКСТ", required=False)
@click.option("--clear", is_flag=True, help="Удалить основание.")
def basis(roadmap: str, text: str | None, clear: bool) -> None:
    """Правовое основание приказов по дорожной карте КАРТА: акт, которым она утверждена или
    требуется («В соответствии с приказом Министерства образования от 01.02.2021 № 123»).
    С него начинается преамбула каждого приказа по карте; у отдельного приказа основание
    задаётся при переходе (--basis). Без ТЕКСТ — показать основание."""
    from registry.roadmaps import list_roadmaps, set_basis
    from workflow.errors import KartaError

    settings = current()
    db = settings.database()
    if text is not None or clear:
        if clear and text:
            raise KartaError("укажите либо ТЕКСТ, либо --clear")
        done = set_basis(db, settings.user, roadmap, "" if clear else text or "")
        click.echo(f"Основание приказов по R{done.id}: «{done.basis}»" if done.basis else
                   f"Основание приказов по R{done.id} удалено.")
        return
    number = roadmap.upper().removeprefix("R")
    found = next((r for r in list_roadmaps(db, settings.user) if str(r["id"]) == number), None)
    if found is None:
        raise KartaError(f"нет дорожной карты «{roadmap}» (karta roadmaps)")
    click.echo(f"Основание приказов по {found['ref']}: «{found['basis']}»" if found["basis"]
               else f"У {found['ref']} основание не задано (karta basis {found['ref']} "
                    "«В соответствии с …»).")
