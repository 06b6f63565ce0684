"""Commands of the executors' assignments: who an occurrence is assigned to and where each
report stands, accepting and returning each, closing the collection, executive discipline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from commands.common import command, current, emit_table, print_json
from documents.russian import screen_date


def echo_assignment_step(step: dict[str, Any]) -> None:
    from workflow.assignments import assignment_state_label

    click.echo(f"{step['ref']} / {step['executor']}: "
               f"{assignment_state_label(step['source'])} → "
               f"{assignment_state_label(step['dest'])}")
    if step.get("collected"):
        click.echo(f"{step['ref']}: отчёты всех исполнителей приняты — сбор завершён, "
                   "сводный отчёт представлен.")


def act_on_assignment(event: str, ref: str, unit: str | None, comment: str | None,
                      files: tuple[Path, ...], as_json: bool) -> None:
    from registry.assignments import act

    settings = current()
    step = act(settings.database(), settings.user, ref, event, unit=unit, comment=comment,
               files=list(files))
    if as_json:
        print_json(step.as_dict())
    else:
        echo_assignment_step(step.as_dict())


@command("assignments")
@click.argument("ref", metavar="ССЫЛКА")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def assignments(ref: str, as_json: bool) -> None:
    """Задания исполнителей исполнения ССЫЛКА: кто представил отчёт, кто нет, сколько дней
    просрочено (школа видит только своё)."""
    from registry.assignments import list_assignments

    settings = current()
    rows = list_assignments(settings.database(), settings.user, ref)
    if as_json:
        print_json([row.as_dict() for row in rows])
        return
    if not rows:
        click.echo(f"У {ref} нет заданий исполнителям.")
        return
    emit_table(["Исполнитель", "Состояние", "Срок", "Отчёт", "Просрочка, дн."],
               [[row.executor, row.state_label, screen_date(row.due),
                 screen_date(row.reported_at), "" if not row.days_late else str(row.days_late)]
                for row in rows])


@command("accept")
@click.argument("ref", metavar="ССЫЛКА")
@click.option("--unit", required=True, metavar="ИСПОЛНИТЕЛЬ",
              help="Чей отчёт принять: «МБОУ СОШ № 1».")
@click.option("--comment", "-m", metavar="ТЕКСТ", help="Комментарий.")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def accept(ref: str, unit: str, comment: str | None, as_json: bool) -> None:
    """Принять отчёт исполнителя по ССЫЛКА; когда приняты все, сбор отчётов завершается
    сводным отчётом."""
    act_on_assignment("accept", ref, unit, comment, (), as_json)


@command("withdraw")
@click.argument("ref", metavar="ССЫЛКА")
@click.option("--unit", required=True, metavar="ИСПОЛНИТЕЛЬ",
              help="С кого снять задание: «МБОУ СОШ № 1».")
@click.option("--comment", "-m", metavar="ТЕКСТ", help="Причина (обязательно).")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def withdraw(ref: str, unit: str, comment: str | None, as_json: bool) -> None:
    """Снять задание с исполнителя по ССЫЛКА (организация закрыта, мероприятие её не
    касается); нужна причина."""
    act_on_assignment("withdraw", ref, unit, comment, (), as_json)


@command("collect")
@click.argument("ref", metavar="ССЫЛКА")
@click.option("--comment", "-m", metavar="ТЕКСТ",
              help="Причина, если не все исполнители отчитались (они будут названы).")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def collect(ref: str, comment: str | None, as_json: bool) -> None:
    """Завершить сбор отчётов по ССЫЛКА (выполняется → отчёт представлен): сводный отчёт из
    принятых отчётов исполнителей и перечень не представивших."""
    from commands.work import echo_step
    from registry.assignments import collect as collect_reports

    settings = current()
    result = collect_reports(settings.database(), settings.user, ref, comment)
    if as_json:
        print_json(result.as_dict())
    else:
        echo_step(result.as_dict())


@command("discipline")
@click.option("--year", type=int, required=True, metavar="ГОД",
              help="Год, за который считать задания (по их срокам).")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def discipline(year: int, as_json: bool) -> None:
    """Исполнительская дисциплина за год: по каждому исполнителю — заданий, отчётов в срок,
    с опозданием, возвращённых, не представленных."""
    from registry.assignments import discipline as table

    settings = current()
    rows = table(settings.database(), settings.user, year)
    if as_json:
        print_json(rows)
        return
    across = any("organisation" in row for row in rows)  # a regional auditor's, per district
    emit_table((["Организация"] if across else []) + [
        "Исполнитель", "Заданий", "В срок", "С опозданием", "Возвращено", "Не представлено"],
               [([row["organisation"]] if across else []) + [row["executor"], *(
                   str(row[key]) for key in (
                       "assigned", "on_time", "late", "returned", "not_reported"))]
                for row in rows])


@command("extend")
@click.argument("ref", metavar="ССЫЛКА")
@click.option("--until", required=True, metavar="ДД.ММ.ГГГГ", help="До какого дня продлить.")
@click.option("--comment", "-m", metavar="ТЕКСТ", help="Причина (обязательно).")
@click.option("--unit", metavar="ИСПОЛНИТЕЛЬ",
              help="Чьё задание (школа — своего подразделения, по умолчанию).")
def extend(ref: str, until: str, comment: str | None, unit: str | None) -> None:
    """Попросить продлить срок задания по ССЫЛКА; решение принимает специалист или
    руководитель (karta extension)."""
    from commands.common import parse_date
    from registry.assignments import request_extension

    settings = current()
    day = parse_date(until)
    assert day is not None
    request_extension(settings.database(), settings.user, ref, day, comment or "", unit)
    click.echo(f"{ref}: запрошено продление срока до {screen_date(day)}.")


@command("extension")
@click.argument("ref", metavar="ССЫЛКА")
@click.option("--unit", required=True, metavar="ИСПОЛНИТЕЛЬ", help="Чьё задание.")
@click.option("--grant/--refuse", required=True, help="Продлить срок или отказать.")
@click.option("--comment", "-m", metavar="ТЕКСТ", help="Комментарий (при отказе — причина).")
def extension(ref: str, unit: str, grant: bool, comment: str | None) -> None:
    """Решить по просьбе исполнителя продлить срок задания по ССЫЛКА."""
    from datetime import date

    from registry.assignments import decide_extension

    settings = current()
    decided = decide_extension(settings.database(), settings.user, ref, unit, grant,
                               comment or "")
    until = screen_date(date.fromisoformat(decided["until"]))
    click.echo(f"{ref} / {unit}: " + (f"срок продлён до {until}." if grant else
                                      f"в продлении до {until} отказано."))
