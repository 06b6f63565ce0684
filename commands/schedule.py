"""Commands about deadlines: reading a phrase, periods, occurrences, agenda, calendar."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from commands.common import (
    command,
    current,
    echo_summary,
    emit_table,
    group,
    office_date,
    page_size,
    paging,
    parse_date,
    print_json,
    roadmap_number,
    today,
)
from documents.russian import screen_date


@command()
@click.argument("phrase", metavar="СРОКИ")
@click.option("--period", metavar="ГГГГ-ГГГГ", help="Период дорожной карты (по умолчанию "
                                                    "текущий год).")
@click.option("--school-years", is_flag=True, help="Период по учебным годам (сентябрь–август).")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def deadline(phrase: str, period: str | None, school_years: bool, as_json: bool) -> None:
    """Показать, как karta читает срок СРОКИ: вид и исполнения (период, начало, срок)."""
    from workflow.deadlines import KIND_LABELS, describe_part, expand, read_deadline
    from workflow.errors import KartaError
    from workflow.importing import Period, parse_period
    from workflow.workdays import holiday_name, previous_working_day

    years = parse_period(period, school_years) if period else \
        Period(today().year, today().year, school_years)
    schedule = read_deadline(phrase)
    if schedule.flagged:
        raise KartaError(f"сроки «{phrase}» не распознаны: {schedule.problem}")
    specs = expand(schedule, years.first, years.last, years.school_years)
    rows = [{"period": s.period, "start": s.start.isoformat(),
             "due": s.due.isoformat() if s.due else None,
             "due_working_day": previous_working_day(s.due).isoformat() if s.due else None,
             "day_off": holiday_name(s.due) if s.due else None} for s in specs]
    if as_json:
        print_json({"phrase": phrase, "kind": schedule.kind, "period": years.label,
                     "parts": [describe_part(p) for p in schedule.parts],
                     "occurrences": rows})
        return
    click.echo(f"«{phrase}»: {KIND_LABELS[schedule.kind]}")
    for part in schedule.parts:
        click.echo(f"  — {describe_part(part)}")
    if not rows:
        click.echo("  исполнения создаются вручную: karta occurrence add МЕРОПРИЯТИЕ "
                   "--period ПЕРИОД")
    for row in rows:
        due = screen_date(row["due"]) or "срок не установлен"
        moved = f" → {screen_date(row['due_working_day'])} (рабочий день)" \
            if row["due"] and row["due_working_day"] != row["due"] else ""
        click.echo(f"  {row['period']}: с {screen_date(row['start'])}, срок {due}{moved}")


@command("set-period")
@click.argument("roadmap", metavar="КАРТА")
@click.argument("period", metavar="ПЕРИОД")
@click.option("--school-years", is_flag=True, help="Период по учебным годам (сентябрь–август).")
def set_period_command(roadmap: str, period: str, school_years: bool) -> None:
    """Изменить период дорожной карты КАРТА и пересчитать исполнения (история и
    состояния сохраняются)."""
    from registry.schedule import set_period
    from workflow.importing import parse_period

    settings = current()
    result = set_period(settings.database(), settings.user, f"R{roadmap_number(roadmap)}",
                        parse_period(period, school_years))
    _echo_reexpansion(result)


@command("set-deadline")
@click.argument("activity", metavar="МЕРОПРИЯТИЕ")
@click.argument("phrase", metavar="СРОКИ")
def set_deadline_command(activity: str, phrase: str) -> None:
    """Изменить сроки мероприятия МЕРОПРИЯТИЕ (1:2.4) и пересчитать его исполнения."""
    from registry.schedule import set_deadline

    settings = current()
    _echo_reexpansion(set_deadline(settings.database(), settings.user, activity, phrase))


def _echo_reexpansion(result: Any) -> None:
    click.echo(f"Добавлено исполнений: {len(result.added)}; сроки изменены: {len(result.moved)}"
               f"; удалено (не начатых): {len(result.removed)}.")
    if result.kept:
        click.echo("Сохранены, хотя их больше нет в графике (есть история): "
                   + ", ".join(result.kept))


@group()
def occurrence() -> None:
    """Исполнения мероприятий: добавить вручную (для мероприятий «по мере необходимости»)."""


@occurrence.command("add")
@click.argument("activity", metavar="МЕРОПРИЯТИЕ")
@click.option("--period", required=True, help="Период: 2022, 2022-Q3, 2022-05, 2021/22 или "
                                              "дата 2022-05-14.")
@click.option("--due", metavar="ДД.ММ.ГГГГ", help="Срок исполнения.")
@click.option("--comment", default="", help="Основание (запрос ОО, выявленная проблема).")
def occurrence_add(activity: str, period: str, due: str | None, comment: str) -> None:
    """Добавить исполнение мероприятия МЕРОПРИЯТИЕ за период."""
    from registry.schedule import add_occurrence

    settings = current()
    ref = add_occurrence(settings.database(), settings.user, activity, period, parse_date(due),
                         comment)
    click.echo(f"Добавлено исполнение {ref}.")


@command()
@click.option("--days", default=14, show_default=False, type=int,
              help="Сколько дней вперёд (по умолчанию 14).")
@click.option("--executor", default=None, help="Только исполнители, в названии которых есть "
                                               "этот текст.")
@click.option("--as-of", "as_of", metavar="ДД.ММ.ГГГГ", help="На какую дату (по умолчанию "
                                                             "сегодня).")
@paging
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def agenda(days: int, executor: str | None, as_of: str | None, limit: int | None, page: int,
           as_json: bool) -> None:
    """Что просрочено и что подходит по срокам, по исполнителям (сначала — сколько)."""
    from registry.schedule import agenda as read_agenda
    from registry.schedule import page_agenda
    from workflow.machine import state_label

    settings = current()
    when = parse_date(as_of) or office_date()
    found: dict[str, Any]
    if executor:  # a text filter over executors' names: the whole agenda, filtered
        groups = read_agenda(settings.database(), settings.user, when, days, executor)
        found = {"groups": groups, "total": sum(len(v) for v in groups.values()),
                 "page": 1, "pages": 1}
    else:
        found = page_agenda(settings.database(), settings.user, when, days, page,
                            page_size(limit, as_json) or 1_000_000)
    if as_json:
        print_json({**found, "groups": {name: [item.as_dict() for item in items]
                                        for name, items in found["groups"].items()}})
        return
    if not found["groups"]:
        click.echo(f"На {when:%d.%m.%Y} просроченных и подходящих по срокам исполнений нет.")
        return
    if "overdue" in found:
        click.echo(f"На {when:%d.%m.%Y}: просрочено {found['overdue']}, срок в ближайшие "
                   f"{days} дн. — {found['soon']}.")
    echo_summary(len(found["groups"]), found["total"], found["page"], found["pages"],
                 "Исполнений в списке")
    for name, items in found["groups"].items():
        rows = []
        late = set()
        for index, item in enumerate(items):
            left = f"просрочено на {-item.days} дн." if item.days < 0 else f"{item.days} дн."
            if item.days < 0:
                late.add(index)
            rows.append([item.ref, item.title, f"{item.due:%d.%m.%Y}", left,
                         state_label(item.state)])
        emit_table(["Исполнение", "Мероприятие", "Срок", "Осталось", "Состояние"], rows,
                   title=name, late=late)


@command()
@click.option("--roadmap", "roadmap", required=True, metavar="НОМЕР",
              help="Дорожная карта (1 или R1).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Файл .ics (по умолчанию вывод в консоль).")
def calendar(roadmap: str, out: Path | None) -> None:
    """Календарь сроков дорожной карты (iCalendar, RFC 5545) с напоминаниями."""
    from registry.schedule import calendar_ics

    settings = current()
    data = calendar_ics(settings.database(), settings.user, f"R{roadmap_number(roadmap)}")
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)
        click.echo(f"Календарь записан: {out}")
