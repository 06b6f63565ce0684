"""Commands of the everyday work: importing roadmaps, lists, an occurrence's transitions and
its history."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from commands.common import (
    STATES,
    check_workers,
    command,
    current,
    echo_document,
    echo_event,
    echo_events,
    echo_summary,
    emit_table,
    office_date,
    page_size,
    paging,
    pairs,
    parse_date,
    print_json,
    progress_shown,
    roadmap_number,
)
from documents.russian import screen_date
from workflow.errors import in_voice

# ----------------------------------------------------------------------------- import, lists

@command("import")
@click.argument("file", metavar="ФАЙЛ", type=click.Path(path_type=Path))
@click.option("--period", metavar="ГГГГ-ГГГГ",
              help="Период дорожной карты, если в документе он не указан.")
@click.option("--title", default=None, help="Название дорожной карты вместо найденного.")
@click.option("--school-years", is_flag=True,
              help="Период по учебным годам (сентябрь–август): 2021-2023 — это 2021/22–2023/24.")
@click.option("--again", is_flag=True, help="Импортировать файл, даже если он уже импортирован.")
@click.option("--dry-run", is_flag=True,
              help="Только показать, что будет создано (ничего не записывается).")
@click.option("--indicators", "chosen", default="", metavar="НОМЕРА",
              help="Создать предложенные показатели с этими номерами из --dry-run "
                   "(через запятую: 1,3,5; «все» — все).")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def import_(file: Path, period: str | None, title: str | None, school_years: bool,
            again: bool, dry_run: bool, chosen: str, as_json: bool) -> None:
    """Импортировать дорожную карту из ФАЙЛ (.docx, .xlsx, .pdf, .doc, .odt, .rtf, .csv, .txt)."""
    from registry.roadmaps import import_roadmap, preview_import
    from workflow.importing import parse_period

    settings = current()
    if school_years and not period:
        from workflow.errors import KartaError

        raise KartaError("укажите период вместе с --school-years, например --period 2021-2023")
    years = parse_period(period, school_years) if period else None
    if dry_run:
        echo_preview(preview_import(settings.database(), file, settings.user, years, title),
                      as_json)
        return
    numbers = _chosen_numbers(chosen, lambda: len(preview_import(
        settings.database(), file, settings.user, years, title)["indicators"]))
    result = import_roadmap(settings.database(), file, settings.user, years, title, again,
                            indicators=[{"number": n} for n in numbers])
    if as_json:
        print_json(result.as_dict())
        return
    click.echo(f"Импортирована дорожная карта R{result.roadmap}: «{result.title}»")
    click.echo(f"Период {result.period}; разделов {result.sections}, мероприятий "
               f"{result.activities}, исполнений {result.occurrences}.")
    if result.flagged:
        click.echo(f"Сроки не распознаны, проверьте: {', '.join(result.flagged)}")
    if result.indicators:
        click.echo(f"Созданы показатели: {', '.join(result.indicators)} (karta indicators "
                   "list).")
    echo_findings(result.as_dict())


def _chosen_numbers(text: str, count: Any) -> list[int]:
    """«1,3,5» or «все» (every proposal: counted from the preview only then)."""
    from workflow.errors import KartaError

    text = text.strip().lower()
    if not text:
        return []
    if text in ("все", "all"):
        return list(range(1, count() + 1))
    numbers = []
    for part in text.replace(" ", "").split(","):
        if not part.isdigit() or not 0 < int(part) <= 10_000:
            raise KartaError(f"--indicators: «{part[:20]}» — номер предложенного показателя "
                             "(см. --dry-run)")
        numbers.append(int(part))
    return sorted(set(numbers))


def echo_findings(found: dict[str, Any]) -> None:
    """What an import did besides creating: the stamp, warnings, repairs, skipped parts
    and the accounting of every line of the file."""
    approval = found.get("approval")
    if approval and (approval["number"] or approval["date"]):
        when = f" от {screen_date(approval['date'])}" if approval["date"] else ""
        number = f" № {approval['number']}" if approval["number"] else ""
        click.echo(f"Гриф утверждения:{when}{number} («{approval['text'][:80]}»)")
    for warning in found.get("warnings", []):
        click.echo(f"Внимание: {in_voice(warning, 'cli')}")
    repairs = found.get("repairs", [])
    if repairs:
        click.echo(f"Исправлено при чтении ({len(repairs)}):")
        for repair in repairs:
            ref = f" [{repair['ref']}]" if repair["ref"] else ""
            click.echo(f"  строка {repair['line']}{ref}: {repair['text']}")
    for part in found.get("skipped", []):
        lines = part["lines"]
        click.echo(f"Пропущено (строки {lines[0]}–{lines[1]}): {part['title']} — "
                   f"{part['reason']}")
    accounting = found.get("lines")
    if accounting:
        from workflow.roadmap import LINE_ROLES

        counts = ", ".join(f"{label} {accounting[role]}" for role, label in LINE_ROLES.items()
                           if accounting.get(role))
        click.echo(f"Строки файла: {accounting['total']} — {counts}.")


def echo_preview(preview: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(preview)
        return
    click.echo(f"Будет импортирована дорожная карта «{preview['title']}» (ничего не записано)")
    click.echo(f"Период {preview['period']}; разделов {len(preview['sections'])}, мероприятий "
               f"{len(preview['activities'])}, исполнений {preview['occurrences']}.")
    if preview["already"]:
        click.echo(f"Этот файл уже импортирован как {preview['already']['ref']}.")
    sections = {section["code"]: section for section in preview["sections"]}
    by_section: dict[str | None, list[dict[str, Any]]] = {}
    for activity in preview["activities"]:
        by_section.setdefault(activity["section"], []).append(activity)

    def echo_activities(activities: list[dict[str, Any]], indent: str) -> None:
        for activity in activities:
            mark = f" — сроки не распознаны: {activity['problem']}" if activity["flagged"] \
                else ""
            click.echo(f"{indent}  {activity['code']}. {activity['title'][:70]} | "
                       f"{activity['deadline_text']}{mark}")
            for repair in activity.get("repairs", []):
                click.echo(f"{indent}      исправлено: {repair}")

    echo_activities(by_section.get(None, []), "  ")
    for section in preview["sections"]:
        indent = "  " * (section.get("depth", 0) + 1)
        parent = sections.get(section.get("parent") or "")
        within = f" (в разделе «{parent['heading'][:60]}»)" if parent else ""
        click.echo(f"{indent}раздел {section['heading']}{within}")
        echo_activities(by_section.get(section["code"], []), indent)
    codes = {activity["code"] for activity in preview["activities"]}
    # repairs of an activity are shown under it above; the rest (sections) here
    echo_findings(preview | {"repairs": [r for r in preview.get("repairs", [])
                                         if r["ref"] not in codes]})
    echo_proposals(preview.get("indicators", []), preview.get("indicator_notes", []))


def echo_proposals(proposals: list[dict[str, Any]], notes: list[str]) -> None:
    """The indicators the roadmap seems to name: what, in what unit, which way, the
    targets, whose schools, and the phrase each came from — a proposal, nothing stored."""
    from workflow.indicators import DIRECTIONS, SOURCES

    if not proposals:
        click.echo("Предлагаемые показатели: в дорожной карте не найдены.")
    else:
        click.echo(f"Предлагаемые показатели ({len(proposals)}; при импорте не создаются — "
                   "каждый подтверждается отдельно):")
    for number, proposal in enumerate(proposals, 1):
        click.echo(f"  {number}. {proposal['name']}")
        group = proposal["group"] or "все"
        click.echo(f"     {proposal['unit']}, {DIRECTIONS[proposal['direction']]}; цели: "
                   f"{proposal['targets_text']}; группа: {group}; значение: "
                   f"{SOURCES[proposal['source']]}")
        phrase = proposal["source_phrase"]
        shown = phrase if len(phrase) <= 160 else phrase[:159].rstrip() + "…"
        click.echo(f"     откуда: {proposal['origin_text']} — «{shown}»")
    for note in notes:
        click.echo(f"Внимание: {note}")



@command()
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def roadmaps(as_json: bool) -> None:
    """Показать импортированные дорожные карты."""
    from registry.roadmaps import list_roadmaps

    settings = current()
    rows = list_roadmaps(settings.database(), settings.user)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("Дорожных карт нет: импортируйте файл командой «karta import ФАЙЛ».")
        return
    emit_table(["Ссылка", "Название", "Период", "Мероприятий", "Исполнений", "Файл"],
               [[str(row["ref"]), str(row["title"]), str(row["period"]),
                 str(row["activities"]), str(row["occurrences"]), str(row["source"])]
                for row in rows])


@command()
@click.option("--roadmap", "roadmap", metavar="НОМЕР", help="Только эта дорожная карта (1 или R1).")
@click.option("--status", type=STATES, default=None,
              help="Только исполнения в этом состоянии.")
@click.option("--overdue", is_flag=True,
              help="Только просроченные исполнения (запланированные и выполняемые).")
@click.option("--as-of", "as_of", metavar="ДД.ММ.ГГГГ",
              help="На какую дату считать просрочку (по умолчанию сегодня).")
@paging
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def activities(roadmap: str | None, status: str | None, overdue: bool, as_of: str | None,
               limit: int | None, page: int, as_json: bool) -> None:
    """Показать мероприятия и их исполнения по периодам (по страницам)."""
    from registry.roadmaps import page_activities
    from workflow.machine import state_label

    settings = current()
    when = (parse_date(as_of) or office_date()) if overdue else None
    found = page_activities(settings.database(), settings.user, roadmap_number(roadmap),
                            status, when, page, page_size(limit, as_json))
    if as_json:
        print_json(found["rows"])
        return
    echo_summary(len(found["rows"]), found["total"], found["page"], found["pages"],
                 "Мероприятий" + (" с просроченными исполнениями" if overdue else ""))
    rows = []
    for row in found["rows"]:
        occurrences = "\n".join(
            f"{o['ref']} {state_label(str(o['state']))}"
            + (f" до {screen_date(o['due'])}" if o["due"] else "")
            for o in row["occurrences"]
        )
        rows.append([str(row["ref"]), str(row["title"]), str(row["deadline_text"]),
                     ", ".join(row["responsible"]), occurrences])
    emit_table(["Ссылка", "Мероприятие", "Сроки", "Ответственные", "Исполнения"], rows)


@command()
@click.argument("ref", metavar="ССЫЛКА")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def show(ref: str, as_json: bool) -> None:
    """Показать дорожную карту, мероприятие или исполнение по ссылке ССЫЛКА."""
    from registry.occurrences import show as show_ref
    from workflow.machine import state_label

    settings = current()
    data = show_ref(settings.database(), ref, settings.user)
    if as_json:
        print_json(data)
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
                   f"срок {screen_date(occurrence['due']) or 'не установлен'}, версия "
                   f"{occurrence['version']}")
        allowed = ", ".join(f"{a['event']} ({a['label']})" for a in occurrence["allowed"])
        click.echo(f"Допустимые действия: {allowed or 'нет (состояние конечное)'}")
        for entry in occurrence["history"]:
            echo_event(entry)
    elif activity:
        for o in activity["occurrences"]:
            click.echo(f"  {o['ref']}: {state_label(o['state'])}"
                       + (f", срок {screen_date(o['due'])}" if o["due"] else ""))



# ----------------------------------------------------------------------------- transitions


def echo_step(step: dict[str, Any], indent: str = "") -> None:
    """A transition as ``TransitionResult.as_dict`` gives it: the occurrence, from → to, its
    version and time (when alone), then the documents it made."""
    from workflow.machine import state_label

    alone = "" if indent else f" (версия {step['version']}, {screen_date(step['at'])})"
    click.echo(f"{indent}{step['ref']}: {state_label(str(step['from']))} → "
               f"{state_label(str(step['to']))}{alone}")
    for document in step["documents"]:
        echo_document(document)


def _school_report(ref: str) -> bool:
    """An executor reporting on an occurrence assigned to its unit (a clerk's report on the
    occurrence closes the collection for all)."""
    from registry.assignments import reports_by_assignment

    settings = current()
    return reports_by_assignment(settings.database(), settings.user, ref)


UNIT_OPTION = click.option("--unit", metavar="ИСПОЛНИТЕЛЬ",
                           help="Задание какого исполнителя: «МБОУ СОШ № 1» (школа — своего "
                                "подразделения, по умолчанию).")


def _transition_command(event: str, summary: str, comment_help: str,
                        extra: list[Any] | None = None) -> click.Command:
    """One of the transitions: the same options and output for every event."""

    def run(ref: str, comment: str | None, files: tuple[Path, ...], as_json: bool,
            **options: Any) -> None:
        from registry.occurrences import apply_event

        settings = current()
        if options.get("due"):
            _start_due(ref, {**options, "comment": comment, "files": files}, as_json)
            return
        if options.get("unit") or (event == "report" and _school_report(ref)):
            from commands.assignments import act_on_assignment

            act_on_assignment(event, ref, options.get("unit"), comment, files, as_json)
            return
        result = apply_event(
            settings.database(), ref, event, settings.user, comment=comment, files=list(files),
            order=options.get("order", False),
            figures=pairs(options.get("figures", ()), "=", "--figure"),
            decisions=list(options.get("decisions", ())),
            recommendations=pairs(options.get("recommendations", ()), ":", "--recommend"),
            basis=options.get("basis"), points=list(options.get("points", ())),
            without=list(options.get("without", ())), added=list(options.get("added", ())),
            new_due=parse_date(options.get("new_due")))
        if as_json:
            print_json(result.as_dict())
            return
        echo_step(result.as_dict())

    for decorator in reversed([
        command(event, help=summary),
        click.argument("ref", metavar="ССЫЛКА"),
        click.option("--comment", "-m", metavar="ТЕКСТ", help=comment_help),
        click.option("--file", "files", multiple=True, type=click.Path(path_type=Path),
                     help="Приложить файл (можно несколько раз)."),
        *(extra or []),
        click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON."),
    ]):
        run = decorator(run)
    return run  # type: ignore[return-value]



# what an order made by a transition opens with and adds (karta basis sets the roadmap's)
ORDER_OPTIONS = [
    click.option("--basis", metavar="ТЕКСТ",
                 help="Правовое основание приказа вместо основания дорожной карты: «В "
                      "соответствии с приказом … от … № … «…»»."),
    click.option("--point", "points", multiple=True, metavar="ТЕКСТ",
                 help="Дополнительный пункт приказа перед пунктом о контроле: «Разместить "
                      "настоящий приказ на официальном сайте …» (можно несколько раз)."),
]


def _start_due(ref: str, options: dict[str, Any], as_json: bool) -> None:
    """``karta start R1 --due 12.2026``: every planned occurrence due then, each its own
    transition with its orders, several rendered at once, with a progress bar."""
    from registry.batch import start_due
    from workflow.dates import typed_window
    from workflow.errors import KartaError
    from workflow.machine import state_label

    if options.get("comment") or options.get("files"):
        raise KartaError("комментарий и файлы — для одного исполнения; со сроком (--due) "
                         "начинаются несколько")
    first, last = typed_window(options["due"])
    settings = current()
    with progress_shown("Начало исполнений") as shown:
        batch = start_due(settings.database(), settings.user, ref, first, last,
                          order=options.get("order", False), basis=options.get("basis"),
                          points=list(options.get("points", ())),
                          dry_run=options.get("dry_run", False),
                          workers=options.get("workers"), progress=shown)
    if as_json:
        print_json(batch.as_dict())
    else:
        window = f"со сроком с {screen_date(first)} по {screen_date(last)}"
        if options.get("dry_run"):
            click.echo(f"{batch.ref}: будут начаты {len(batch.planned)} из {batch.due} "
                       f"исполнений {window}.")
            for row in batch.planned:
                click.echo(f"  {row['ref']}: {row['title']} (срок "
                           f"{screen_date(date.fromisoformat(row['due']))})")
        elif not batch.planned:
            click.echo(f"{batch.ref}: запланированных исполнений {window} нет — начинать "
                       "нечего.")
        else:
            click.echo(f"{batch.ref}: начато {len(batch.started)} из {len(batch.planned)} "
                       f"запланированных исполнений {window} ({batch.seconds:.1f} с, "
                       f"процессов: {batch.workers}).")
            for row in batch.started:
                echo_step(row, "  ")
        if batch.others:
            click.echo("Уже не запланированы (не начинаются): " + ", ".join(
                f"{state_label(state)} — {count}" for state, count in
                sorted(batch.others.items())) + ".")
    if batch.failed:
        raise KartaError(f"не начаты: {len(batch.failed)} из {len(batch.planned)} — "
                         + "; ".join(f"{row['ref']}: {row['reason']}"
                                     for row in batch.failed[:5]))


start = _transition_command(
    "start", "Начать исполнение ССЫЛКА (запланировано → выполняется); по правилам готовит "
             "проект приказа о проведении. С --due — все запланированные исполнения дорожной "
             "карты (мероприятия) ССЫЛКА со сроком в этот месяц, год или дни.",
    "Комментарий.",
    [click.option("--order", is_flag=True,
                  help="Подготовить проект приказа о проведении, даже если дорожная карта его "
                       "не называет."),
     *ORDER_OPTIONS,
     click.option("--due", metavar="СРОК",
                  help="Начать все запланированные исполнения карты R1 (или мероприятия 1:2.4) "
                       "со сроком в этот месяц (12.2026, «декабрь 2026»), год (2026) или дни "
                       "(ДД.ММ.ГГГГ-ДД.ММ.ГГГГ); каждое — своим решением в журнале."),
     click.option("--dry-run", is_flag=True,
                  help="С --due: только показать, какие исполнения будут начаты."),
     click.option("--without", "without", multiple=True, metavar="ИСПОЛНИТЕЛЬ",
                  help="Не поручать этому исполнителю (можно несколько раз)."),
     click.option("--add", "added", multiple=True, metavar="ИСПОЛНИТЕЛЬ",
                  help="Поручить ещё и этому подразделению (можно несколько раз)."),
     click.option("--new-due", "new_due", metavar="ДД.ММ.ГГГГ",
                  help="Новый срок исполнения, если срок по карте уже прошёл (приказ и "
                       "задания исполнителям будут с ним)."),
     click.option("--workers", type=int, callback=check_workers, metavar="ЧИСЛО",
                  help="С --due: сколько процессов готовят приказы одновременно (по умолчанию "
                       "— по числу процессоров).")])
report = _transition_command(
    "report", "Представить отчёт по ССЫЛКА; нужен текст отчёта или файл. Школа отчитывается по "
              "заданию своего подразделения; специалист — за исполнителя (--unit) или за всех "
              "сразу (выполняется → отчёт представлен, не отчитавшиеся названы). Информация о "
              "реализации дорожной карты за год — команда «karta annual-report».",
    "Текст отчёта.", [UNIT_OPTION])


return_ = _transition_command("return", "Вернуть на доработку отчёт по ССЫЛКА (отчёт "
                              "представлен → выполняется) или отчёт исполнителя (--unit); "
                              "нужна причина.", "Причина возврата.", [UNIT_OPTION])
analyse = _transition_command(
    "analyse", "Провести анализ по ССЫЛКА (отчёт представлен → проанализировано); нужны выводы. "
               "Формирует аналитическую справку, приказ об итогах (если есть решения) и "
               "адресные рекомендации (если есть адресаты).", "Выводы анализа.",
    [click.option("--figure", "figures", multiple=True, metavar="ПОКАЗАТЕЛЬ=ЗНАЧЕНИЕ",
                  help="Показатель для справки (можно несколько раз)."),
     click.option("--decision", "decisions", multiple=True, metavar="ТЕКСТ",
                  help="Управленческое решение — пункт приказа об итогах, с инфинитива "
                       "(можно несколько раз)."),
     click.option("--recommend", "recommendations", multiple=True, metavar="АДРЕСАТ: ТЕКСТ",
                  help="Адресная рекомендация (можно несколько раз)."),
     *ORDER_OPTIONS])
cancel = _transition_command("cancel", "Отменить исполнение ССЫЛКА; нужна причина.",
                             "Причина отмены.")


@command()
@click.argument("ref", metavar="ССЫЛКА")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def history(ref: str, as_json: bool) -> None:
    """Показать историю решений по ССЫЛКА (карта, мероприятие или исполнение)."""
    from registry.occurrences import history as read_history

    settings = current()
    # a roadmap's or an activity's history names the occurrence of each line
    echo_events(read_history(settings.database(), ref, settings.user), as_json,
                with_object="@" not in ref)




def _thread_target(ref: str | None, document: int | None) -> Any:
    from registry.comments import Target

    if (ref is None) == (document is None):
        raise click.UsageError("укажите исполнение (ССЫЛКА) или документ (--document НОМЕР)")
    return Target("document", str(document)) if document is not None else \
        Target("occurrence", str(ref))


@command()
@click.argument("ref", metavar="ССЫЛКА", required=False)
@click.option("--document", "document", type=int, metavar="НОМЕР",
              help="Комментарий к документу, а не к исполнению.")
@click.option("-m", "--message", "message", required=True, metavar="ТЕКСТ",
              help="Текст; «@логин» — уведомить коллегу.")
def comment(ref: str | None, document: int | None, message: str) -> None:
    """Написать комментарий к исполнению ССЫЛКА (или к документу): состояние не меняется,
    запись попадает в журнал; названные «@логин» получают уведомление."""
    from registry.comments import add_comment

    settings = current()
    target = _thread_target(ref, document)
    add_comment(settings.database(), settings.user, target, message)
    click.echo(f"Комментарий добавлен ({target.label}).")


@command()
@click.argument("ref", metavar="ССЫЛКА", required=False)
@click.option("--document", "document", type=int, metavar="НОМЕР",
              help="Обсуждение документа, а не исполнения.")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def comments(ref: str | None, document: int | None, as_json: bool) -> None:
    """Обсуждение исполнения ССЫЛКА (или документа): кто, когда и что написал."""
    from registry.comments import comments as thread

    settings = current()
    found = thread(settings.database(), settings.user, _thread_target(ref, document))
    if as_json:
        print_json([c.as_dict() for c in found])
        return
    if not found:
        click.echo("Комментариев пока нет.")
    for said in found:
        click.echo(f"{said.at:%d.%m.%Y %H:%M} {said.author}:")
        for line in said.text.splitlines():
            click.echo(f"  {line}")
