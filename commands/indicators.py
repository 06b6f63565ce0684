"""Commands of the indicators (показатели): defining them with targets, each school's form and
its values with evidence, the department's decisions on them, and the monitoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from commands.common import Russian, current, emit_table, group, pairs, print_json

DIRECTIONS = Russian({"up": "рост", "down": "снижение", "at_least": "не-ниже"})
SOURCES = Russian({"schools": "школы", "department": "управление", "workflow": "исполнение"},
                  {"школа": "schools"})
ROLLUPS = Russian({"sum": "сумма", "mean": "среднее", "weighted_mean": "взвешенное",
                   "share_meeting": "доля-достигших"}, {"отношение-сумм": "weighted_mean"})
SCHOOL_KINDS = Russian({"general": "общеобразовательные", "preschool": "дошкольные",
                        "additional": "дополнительного-образования"},
                       {"оо": "general", "доо": "preschool", "одо": "additional"})


@group()
def indicators() -> None:
    """Показатели дорожной карты: цели по периодам, значения школ и управления,
    мониторинг «цель — факт»."""


def _choices(mapping: Any) -> click.Choice:
    return click.Choice(list(mapping))


@indicators.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def indicators_list(as_json: bool) -> None:
    """Показатели организации с целевыми значениями."""
    from registry.indicators import list_indicators

    settings = current()
    found = list_indicators(settings.database(), settings.user)
    if as_json:
        print_json([info.as_dict() for info in found])
        return
    if not found:
        click.echo("Показателей нет (karta indicators add).")
        return
    rows = []
    for info in found:
        data = info.as_dict()
        targets = "; ".join(f"{p}: {t}" for p, t in data["targets_shown"].items())
        rows.append([info.code, info.name, info.unit, data["direction_label"],
                     info.group, targets or "—"])
    emit_table(["Код", "Показатель", "Ед.", "Направление", "Чьи значения", "Цели"], rows)


@indicators.command("add")
@click.argument("code", metavar="КОД")
@click.argument("name", metavar="НАИМЕНОВАНИЕ")
@click.option("--measure", "unit", required=True, metavar="ЕДИНИЦА",
              help="Единица измерения: %, чел., ед. или баллы.")
@click.option("--direction", type=DIRECTIONS, default="up",
              help="Каким показатель должен стать: рост, снижение или не ниже цели "
                   "(по умолчанию рост).")
@click.option("--source", type=SOURCES, default="schools",
              help="Кто даёт значение: каждая школа, управление, или исполнение — доля "
                   "школ, чьи отчёты по мероприятиям приняты (по умолчанию школы).")
@click.option("--rollup", type=ROLLUPS, default="mean",
              help="Свод значений школ: сумма, среднее, взвешенное (отношение сумм "
                   "числителей и знаменателей) или доля школ, достигших порога (по "
                   "умолчанию среднее).")
@click.option("--fraction", is_flag=True,
              help="Школа вводит числитель и знаменатель (для показателя в %).")
@click.option("--numerator", default="", metavar="ТЕКСТ", help="Что в числителе, словами.")
@click.option("--denominator", default="", metavar="ТЕКСТ",
              help="Что в знаменателе, словами.")
@click.option("--threshold", default=None, metavar="ЧИСЛО",
              help="Порог для доли школ, достигших его.")
@click.option("--min", "minimum", default=None, metavar="ЧИСЛО", help="Наименьшее значение.")
@click.option("--max", "maximum", default=None, metavar="ЧИСЛО", help="Наибольшее значение.")
@click.option("--schools", "group_kind", type=SCHOOL_KINDS, default=None,
              help="Чьи значения (по умолчанию все образовательные организации).")
@click.option("--school", "units", multiple=True, metavar="ПОДРАЗДЕЛЕНИЕ",
              help="Только названные школы (можно несколько раз), например школы с НОР.")
@click.option("--group", "group_label", default="", metavar="ТЕКСТ",
              help="Как группа названа в дорожной карте («школы с НОР»).")
@click.option("--roadmap", "roadmap_id", type=int, default=None, metavar="НОМЕР",
              help="Дорожная карта показателя.")
@click.option("--activity", "activities", multiple=True, metavar="КОД",
              help="Мероприятие, которое служит показателю (можно несколько раз).")
@click.option("--target", "targets", multiple=True, metavar="ПЕРИОД=ЧИСЛО",
              help="Целевое значение на период: 2022=87 или 2022/23=90.")
@click.option("--evidence", is_flag=True, help="К значению нужно подтверждение: файл "
                                               "или ссылка.")
def indicators_add(code: str, name: str, **fields: Any) -> None:
    """Добавить показатель КОД (специалист или администратор)."""
    from registry.indicators import add_indicator

    settings = current()
    fields["targets"] = dict(pairs(fields["targets"], "=", "--target"))
    fields["group_kind"] = fields["group_kind"] or ""
    info = add_indicator(settings.database(), settings.user, code=code, name=name, **fields)
    click.echo(f"Показатель {info.code} добавлен: {info.name} ({info.unit}; {info.group}).")


@indicators.command("target")
@click.argument("code", metavar="КОД")
@click.argument("period", metavar="ПЕРИОД")
@click.argument("value", metavar="ЧИСЛО", required=False)
@click.option("--remove", is_flag=True, help="Убрать целевое значение на период.")
def indicators_target(code: str, period: str, value: str | None, remove: bool) -> None:
    """Задать целевое значение показателя КОД на ПЕРИОД (решение записывается в журнал)."""
    from registry.indicators import set_target
    from workflow.errors import KartaError

    if (value is None) != remove:
        raise KartaError("укажите ЧИСЛО или --remove")
    settings = current()
    info = set_target(settings.database(), settings.user, code, period, value)
    click.echo(f"{info.code}: цели — " + ("; ".join(
        f"{p}: {t}" for p, t in info.as_dict()["targets_shown"].items()) or "нет"))


@indicators.command("form")
@click.argument("period", metavar="ПЕРИОД")
@click.option("--unit", default=None, metavar="ПОДРАЗДЕЛЕНИЕ",
              help="Школа (для специалиста управления; без него — значения управления).")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def indicators_form(period: str, unit: str | None, as_json: bool) -> None:
    """Какие показатели нужно представить за ПЕРИОД и что уже представлено."""
    from registry.indicators import value_form

    settings = current()
    form = value_form(settings.database(), settings.user, period, unit)
    if as_json:
        print_json(form.as_dict())
        return
    click.echo(f"{form.unit}, {form.period_label}:")
    if not form.entries:
        click.echo("  показателей для представления нет.")
        return
    emit_table(["Код", "Показатель", "Ед.", "Цель", "Значение", "Состояние", "Замечание"],
               [[e.indicator.code, e.indicator.name, e.indicator.unit,
                 (e.target or "—").replace(".", ","),
                 (f"{e.numerator}/{e.denominator}" if e.indicator.fraction and e.numerator
                  else e.value) or "—", e.state_label, e.comment]
                for e in form.entries])


@indicators.command("submit")
@click.argument("period", metavar="ПЕРИОД")
@click.option("--value", "values", multiple=True, required=True, metavar="КОД=ЧИСЛО",
              help="Значение: П2=7; для доли числитель/знаменатель: П1=172/200.")
@click.option("--link", "links", multiple=True, metavar="КОД=АДРЕС",
              help="Подтверждение ссылкой (страница на сайте школы).")
@click.option("--file", "files", multiple=True, metavar="КОД=ФАЙЛ",
              help="Подтверждение файлом (можно несколько раз).")
@click.option("--unit", default=None, metavar="ПОДРАЗДЕЛЕНИЕ",
              help="За какую школу (специалист управления).")
def indicators_submit(period: str, values: tuple[str, ...], links: tuple[str, ...],
                      files: tuple[str, ...], unit: str | None) -> None:
    """Представить значения показателей за ПЕРИОД — все сразу или ни одного."""
    from registry.indicators import Given, submit_values

    link_of = dict(pairs(links, "=", "--link"))
    paths: dict[str, list[Path]] = {}
    for code, path in pairs(files, "=", "--file"):
        paths.setdefault(code, []).append(Path(path))
    given = {}
    for code, typed in pairs(values, "=", "--value"):
        numerator, slash, denominator = typed.partition("/")
        given[code] = Given(numerator=numerator, denominator=denominator, link=link_of.get(
            code, "")) if slash else Given(value=typed, link=link_of.get(code, ""))
    settings = current()
    codes = submit_values(settings.database(), settings.user, period, given, unit, paths)
    click.echo(f"Представлено за {period}: {', '.join(codes)}.")


def _decide(event: str, code: str, period: str, unit: str | None, comment: str | None,
            value: str | None = None) -> None:
    from registry.indicators import decide
    from workflow.indicators import value_state_label

    numerator = denominator = None
    if value and "/" in value:
        numerator, _, denominator = value.partition("/")
        value = None
    settings = current()
    state = decide(settings.database(), settings.user, code, period, unit, event, comment,
                   value=value, numerator=numerator, denominator=denominator)
    click.echo(f"{code} ({unit or 'управление образования'}, {period}): "
               f"{value_state_label(state)}.")


def _one_value(f: Any) -> Any:
    """КОД ПЕРИОД [--unit]: the value a decision is about."""
    f = click.option("--unit", default=None, metavar="ПОДРАЗДЕЛЕНИЕ",
                     help="Школа (без него — значение управления).")(f)
    f = click.argument("period", metavar="ПЕРИОД")(f)
    return click.argument("code", metavar="КОД")(f)


@indicators.command("accept")
@_one_value
def indicators_accept(code: str, period: str, unit: str | None) -> None:
    """Принять значение показателя КОД за ПЕРИОД (после этого оно не меняется)."""
    _decide("accept", code, period, unit, None)


@indicators.command("return")
@_one_value
@click.option("--comment", required=True, metavar="ТЕКСТ", help="Причина возврата.")
def indicators_return(code: str, period: str, unit: str | None, comment: str) -> None:
    """Вернуть значение на доработку с причиной (школа получит уведомление)."""
    _decide("return", code, period, unit, comment)


@indicators.command("correct")
@_one_value
@click.option("--value", required=True, metavar="ЧИСЛО", help="Исправленное значение "
                                                             "(для доли: 172/200).")
@click.option("--comment", required=True, metavar="ТЕКСТ", help="Основание исправления.")
def indicators_correct(code: str, period: str, unit: str | None, value: str,
                       comment: str) -> None:
    """Исправить принятое значение — решением с основанием, которое записывается в журнал."""
    _decide("correct", code, period, unit, comment, value)


@indicators.command("exclude")
@_one_value
@click.option("--comment", required=True, metavar="ТЕКСТ", help="Причина.")
def indicators_exclude(code: str, period: str, unit: str | None, comment: str) -> None:
    """Исключить значение школы из мониторинга за период (например, школа закрыта)."""
    _decide("exclude", code, period, unit, comment)


@indicators.command("monitor")
@click.argument("code", metavar="КОД", required=False)
@click.option("--period", "periods", multiple=True, metavar="ПЕРИОД",
              help="Только эти периоды (можно несколько раз).")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def indicators_monitor(code: str | None, periods: tuple[str, ...], as_json: bool) -> None:
    """Мониторинг: цель, факт, отклонение по периодам; школы ниже цели; кто не представил."""
    from registry.indicators import monitoring

    settings = current()
    found = monitoring(settings.database(), settings.user, code, periods)
    if as_json:
        print_json([m.as_dict() for m in found])
        return
    for item in found:
        data = item.as_dict()
        click.echo(f"{item.indicator.code}. {item.indicator.name} ({item.indicator.unit}; "
                   f"{item.indicator.group})")
        if not data["periods"]:
            click.echo("  ни целей, ни значений пока нет.")
            continue
        emit_table(["Период", "Цель", "Факт", "Отклонение", "Достигнут", "Принято",
                    "Ниже цели", "Не представили"],
                   [[p["label"], p["target_shown"], p["actual_shown"], p["deviation_shown"],
                     {True: "да", False: "нет", None: "—"}[p["reached"]],
                     f"{p['accepted']} из {p['owed']}", ", ".join(p["below"]) or "—",
                     ", ".join(p["missing"]) or "—"] for p in data["periods"]])


@indicators.command("note")
@click.argument("period", metavar="ПЕРИОД")
def indicators_note(period: str) -> None:
    """Составить аналитическую справку о результатах мониторинга показателей за ПЕРИОД
    (цель, факт, отклонение; кто ниже цели и кто не представил; адресные рекомендации)."""
    from registry.indicators import make_monitoring_note

    settings = current()
    document = make_monitoring_note(settings.database(), settings.user, period)
    click.echo(f"Справка зарегистрирована: № {document.number_text} (документ {document.id}; "
               f"karta documents show {document.id}).")


@indicators.command("order")
@click.argument("note_id", type=int, metavar="СПРАВКА")
@click.option("--decision", "decisions", multiple=True, metavar="ТЕКСТ",
              help="Управленческое решение — пункт приказа («Руководителю МБОУ СОШ № 3 …»); "
                   "можно несколько. Без них пункты составляются по рекомендациям справки.")
@click.option("--point", "points", multiple=True, metavar="ТЕКСТ",
              help="Дополнительный пункт перед пунктом о контроле; можно несколько.")
@click.option("--basis", metavar="ТЕКСТ", help="Правовое основание в начале преамбулы.")
def indicators_order(note_id: int, decisions: tuple[str, ...], points: tuple[str, ...],
                     basis: str | None) -> None:
    """Подготовить проект приказа «Об итогах мониторинга показателей» по аналитической
    справке СПРАВКА (номер документа): решения по организациям ниже цели и не
    представившим значения; подписывает руководитель (karta sign)."""
    from registry.orders import make_monitoring_order

    settings = current()
    document = make_monitoring_order(settings.database(), settings.user, note_id,
                                     list(decisions), list(points), basis)
    click.echo(f"Проект приказа подготовлен: документ {document.id} «{document.title}» "
               f"(подпись: karta sign {document.id}).")


@indicators.command("region")
@click.argument("period", metavar="ПЕРИОД", required=False)
@click.option("--org", metavar="КОД", help="Показатели одной организации.")
@click.option("--xlsx", type=click.Path(path_type=Path), default=None, metavar="ФАЙЛ",
              help="Выгрузить в книгу Excel.")
@click.option("--force", is_flag=True, help="Заменить существующий файл.")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def indicators_region(period: str | None, org: str | None, xlsx: Path | None, force: bool,
                      as_json: bool) -> None:
    """Показатели в регионе за ПЕРИОД (по умолчанию текущий год): общие показатели
    организаций — факт по региону и по каждой организации (аудитор региона)."""
    from registry.region_indicators import region_indicators, region_indicators_workbook
    from workflow.errors import UnknownReference

    settings = current()
    summary = region_indicators(settings.database(), settings.user, period)
    if as_json:
        print_json(summary)
        return
    reached = {True: "да", False: "нет", None: "—"}
    if org:
        chosen = next((o for o in summary["organisations"] if o["code"] == org), None)
        if chosen is None:
            raise UnknownReference(org, "нет такой организации с показателями (karta org list)")
        emit_table(["Показатель", "Цель", "Факт", "Отклонение", "Достигнут", "Принято",
                    "Ниже цели"],
                   [[f"{i['indicator']}. {i['name']}", i["target"], i["actual"],
                     i["deviation"], reached[i["reached"]], f"{i['accepted']} из {i['owed']}",
                     ", ".join(i["below"]) or "—"] for i in chosen["indicators"]],
                   title=f"{chosen['name']}: показатели за {summary['period_label']}")
    else:
        for item in summary["indicators"]:
            rows = [["Всего по региону", item["target"], item["actual"], item["deviation"],
                     reached[item["reached"]], f"{item['accepted']} из {item['owed']}"]] \
                if len(item["organisations"]) > 1 else []
            rows += [[o["name"], o["target"], o["actual"], o["deviation"],
                      reached[o["reached"]], f"{o['accepted']} из {o['owed']}"]
                     for o in item["organisations"]]
            emit_table(["Организация", "Цель", "Факт", "Отклонение", "Достигнут", "Принято"],
                       rows, title=f"{item['code']}. {item['name']} "
                                   f"({summary['period_label']})")
        if not summary["indicators"]:
            click.echo("Ни одна организация региона пока не ведёт показатели.")
    if xlsx is not None:
        from registry.exports import write_new

        write_new(xlsx, region_indicators_workbook(summary), force)
        click.echo(f"Книга Excel: {xlsx}")
