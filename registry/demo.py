"""``karta demo``: the main job end to end on the embedded default, on a bundled roadmap."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from registry.accounts import set_password
from registry.database import Database
from registry.documents import list_documents
from registry.exports import export
from registry.history import describe_event
from registry.occurrences import apply_event, history
from registry.orders import approve_roadmap, make_plan, sign
from registry.people import Profile, add_person, initialise, office_today
from registry.roadmaps import import_roadmap, list_activities
from registry.verify import verify
from workflow.errors import KartaError
from workflow.importing import Period
from workflow.machine import state_label

SAMPLE = "zaozersk_order_and_roadmap.txt"
MARKER = ".karta-demo"  # a folder holding this file was made by `karta demo`


def prepare_folder(out: Path) -> None:
    """An empty folder for the demo: a previous demo's folder (it has the marker) is
    cleared — its own contents only, never following links; anything else is refused."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise KartaError(f"«{out}» не папка; укажите папку для демонстрации: --out ПАПКА")
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise KartaError(f"папка {out} не пуста и не создана командой karta demo; karta "
                             "ничего в ней не удаляет — укажите другую: --out ПАПКА")
        for child in out.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Папка демонстрации karta: karta demo может её очистить.\n",
                              encoding="utf-8")


# The demo's roadmap is the real Заозерск one, with its years and some of its «Сроки» moved
# around today's date, so that whatever day `karta demo` runs, the clerk's first screen has a
# few occurrences to start this month, a few overdue and a few awaiting reports (issue 17).
START_NOW = ("4", "5", "6")  # «Ежегодно, <this month>»: start this month
WAITING = ("2", "3", "7")  # «Ежегодно, <next month>»: started (7 also reported)
OVERDUE = ("8", "9", "10")  # «Ежегодно, <two months ago>»: its latest due date has passed
SHOWCASE = "1"  # last year's cycle with a return for rework and an order
CANCELLED = "21"  # next year's occurrence cancelled


def demo_period(today: date) -> Period:
    """Last year, this year and next year."""
    return Period(today.year - 1, today.year + 1)


def demo_roadmap(today: date) -> str:
    """The bundled roadmap's text with its period around ``today`` and its deadlines set so
    that something is due this month, something overdue and something coming."""
    from workflow.deadlines import MONTHS

    text = resources.files("workflow.samples").joinpath(SAMPLE).read_text(encoding="utf-8")
    period = demo_period(today)
    text = text.replace("2021-2023", period.label).replace(
        "30.11.2020", f"30.11.{today.year - 2}").replace("\n2021\t\t\n", f"\n{period.first}\t\t\n")

    def month(shift: int) -> str:
        return MONTHS[(today.month - 1 + shift) % 12]

    phrases = {**{code: f"Ежегодно, {month(0)}" for code in START_NOW},
               **{code: f"Ежегодно, {month(1)}" for code in WAITING},
               **{code: f"Ежегодно, {month(-2)}" for code in OVERDUE}}
    lines = []
    for line in text.split("\n"):
        cells = line.split("\t")
        code = cells[0].rstrip(".")
        if len(cells) >= 3 and code in phrases and cells[2] == "Ежегодно":
            cells[2] = phrases.pop(code)
        lines.append("\t".join(cells))
    assert not phrases, f"the sample changed: no rows {sorted(phrases)}"
    return "\n".join(lines)


def run_demo(out: Path, today: date | None = None) -> Iterator[str]:
    """Create a fresh SQLite database in ``out``, import the bundled roadmap and take its
    occurrences through their life around ``today`` (the office's today by default); yield
    what happens, line by line, in Russian."""
    prepare_folder(out)
    db = Database(f"sqlite:///{out / 'karta.db'}", out / "karta-files")
    try:
        yield from _run(db, out, today)
    finally:
        db.dispose()


def _run(db: Database, out: Path, today: date | None) -> Iterator[str]:
    yield from populate(db, out, today)
    roadmap = 1
    showcase = f"{roadmap}:{SHOWCASE}@{(today or office_today(db, 'admin')).year - 1}"
    yield f"5. История {showcase}:"
    for entry in history(db, showcase, "admin"):
        yield f"   {describe_event(entry)}"
    in_progress = list_activities(db, "admin", roadmap, "in_progress")
    yield f"6. В работе сейчас: {', '.join(str(a['ref']) for a in in_progress)}."
    folder = out / "documents"
    exported = [path for row in list_documents(db, "admin")
                for path in export(db, "admin", int(str(row["id"])), folder)]
    yield f"7. Документы ({len(exported)}) выгружены в {folder}:"
    for path in exported[:12]:
        yield f"   {path.name}"
    if len(exported) > 12:
        yield f"   … и ещё {len(exported) - 12}"
    checked = verify(db, "admin")
    yield (f"8. Журнал решений: целостность {'подтверждена' if checked.ok else 'НАРУШЕНА'} "
           f"(событий {checked.events}, документов {checked.documents}, файлов "
           f"{checked.files}).")
    database = _shown(out / "karta.db")
    yield (f"Готово. Продолжить в командной строке: .venv/bin/karta --db {database} --user "
           f"admin activities --roadmap R{roadmap}")
    yield (f"Веб-интерфейс: .venv/bin/karta --db {database} serve, затем откройте "
           "http://127.0.0.1:8000/ и войдите:")
    for login in DEMO_LOGINS:
        yield f"   {login:8} пароль {demo_password(login)}  — {DEMO_ROLES[login]}"


def populate(db: Database, out: Path, today: date | None = None) -> Iterator[str]:
    """The demo's department, people and roadmap, and its occurrences' states around
    ``today``: last year's analysed, this year's to start, overdue or awaiting reports,
    next year's planned (one cancelled)."""
    initialise(db, Profile(
        full_name="Муниципальное казенное учреждение «Управление образования ЗАТО город Заозерск»",
        short_name="МКУ «Управление образования ЗАТО город Заозерск»",
        parent_body="Администрация закрытого административно-территориального образования "
                    "город Заозерск Мурманской области",
        place="г. Заозерск", head_position="Начальник МКУ «Управление образования ЗАТО "
                                           "город Заозерск»",
        head_name="С.Л. Андреева", timezone="Europe/Moscow",
        # due dates as written: a demo run on the last day of a month still has something
        # due this month (moved to the previous working day it would already be overdue)
        due_shift="none",
    ), admin_login="admin", admin_name="Администратор")
    today = today or office_today(db, "admin")
    yield (f"1. Создана база {out / 'karta.db'} и профиль МКУ «Управление образования "
           "ЗАТО город Заозерск».")
    add_person(db, "admin", "clerk", "Белокреницкая Елена Викторовна", "f",
               "специалист МКУ «Управление образования ЗАТО город Заозерск»", ["clerk"],
               phone="8 (81556) 3-15-42")
    add_person(db, "admin", "head", "Андреева Светлана Леонидовна", "f",
               "начальник МКУ «Управление образования ЗАТО город Заозерск»", ["head"])
    add_person(db, "admin", "school", "Петров Пётр Петрович", "m",
               "заместитель директора по учебной работе", ["executor"], unit="МБОУ СОШ № 1")
    add_person(db, "admin", "auditor", "Смирнова Ольга Павловна", "f",
               "главный специалист министерства образования", ["auditor"])
    for login in DEMO_LOGINS:
        set_password(db, "admin", login, demo_password(login))
    yield ("2. Добавлены пользователи: clerk (специалист), head (начальник), school "
           "(исполнитель, МБОУ СОШ № 1), auditor (аудитор); у каждого пароль для входа в "
           "веб-интерфейс.")

    sample = out / SAMPLE
    sample.write_text(demo_roadmap(today), encoding="utf-8")
    result = import_roadmap(db, sample, "clerk")
    roadmap = f"R{result.roadmap}"
    yield (f"3. Импортирована дорожная карта {roadmap} «{result.title}»: период "
           f"{result.period}, мероприятий {result.activities}, исполнений {result.occurrences}.")
    for part in result.skipped:
        yield f"   пропущено: {part['title']} — {part['reason']}"
    approved_on = date(today.year - 2, 11, 30)
    draft = approve_roadmap(db, "clerk", roadmap)
    approved = sign(db, "head", draft.id or 0, approved_on)
    yield (f"   утверждена: приказ от {approved_on:%d.%m.%Y} № {approved.number_text} "
           f"(документ {approved.id})")

    yield "4. Исполнение мероприятий и документы:"
    last_year = today.year - 1
    report = out / f"отчёт_{SHOWCASE}_{last_year}.txt"
    report.write_text("Специалисты приняли участие в 3 семинарах по подготовке к ОГЭ.\n",
                      encoding="utf-8")
    showcase = f"{result.roadmap}:{SHOWCASE}@{last_year}"
    analysis = {
        "figures": [("Участников семинаров", "12"), ("Доля ОО, направивших специалистов",
                                                      "100%")],
        "decisions": [f"Руководителям ОО включить участие в семинарах в планы методической "
                      f"работы на {today.year} год."],
        "recommendations": [("МБОУ СОШ № 1", "направить на семинары учителей математики")],
    }
    steps: list[tuple[str, str, str, str, list[Path], dict[str, Any]]] = [
        (showcase, "start", "clerk", "Организовано участие специалистов", [], {"order": True}),
        (showcase, "report", "clerk", "Участие в 3 семинарах, 12 слушателей", [report], {}),
        (showcase, "return", "head", "Нет списка участников по ОО", [], {}),
        (showcase, "report", "clerk", "Приложен список участников по ОО", [report], {}),
        (showcase, "analyse", "head", f"Компетентность специалистов повышена; продолжить в "
                                      f"{today.year} году", [], analysis),
    ]
    for ref, event, user, comment, files, options in steps:
        yield from _step(db, ref, event, user, comment, files, options)

    # every other occurrence whose due date has passed was done in its time, except the
    # latest one of each OVERDUE activity; the next one of each WAITING activity is started
    occurrences = [(str(activity["code"]), str(o["ref"]), date.fromisoformat(str(o["due"])))
                   for activity in list_activities(db, "admin", result.roadmap, "planned")
                   for o in activity["occurrences"]  # type: ignore[attr-defined]
                   if o["due"]]
    overdue_latest = {max((o for o in occurrences if o[0] == code and o[2] < today),
                          key=lambda o: o[2])[1] for code in OVERDUE}
    closed = 0
    for _code, ref, due in occurrences:
        if due >= today or ref in overdue_latest:
            continue
        for event, user, comment in (("start", "clerk", ""),
                                     ("report", "clerk", "Мероприятие проведено в срок"),
                                     ("analyse", "head", "Выполнено, замечаний нет")):
            apply_event(db, ref, event, user, comment=comment or None)
        closed += 1
    yield (f"   проведены и проанализированы в свой срок ещё {closed} исполнений "
           f"прошлых периодов")
    for code in WAITING:
        coming = min((o for o in occurrences if o[0] == code and o[2] >= today),
                     key=lambda o: o[2])[1]
        yield from _step(db, coming, "start", "clerk", "", [], {})
        if code == WAITING[0]:  # the school has reported on its assignment: to check
            from registry.assignments import act

            done = act(db, "school", coming, "report",
                       comment="Учителя школы приняли участие в вебинарах, список приложен")
            yield f"   {done.ref} / {done.executor}: отчёт школы представлен (school)"
        if code == WAITING[-1]:  # one report waits for the head's analysis
            yield from _step(db, coming, "report", "clerk", "Отчёт об исполнении направлен",
                             [], {})
    yield from _indicators(db, today)
    yield from _step(db, f"{result.roadmap}:{CANCELLED}@{today.year + 1}", "cancel", "head",
                     "Мероприятие включено в план другого проекта", [], {})
    for row in list_documents(db, "admin"):
        if row["status"] == "draft":
            signed = sign(db, "head", int(str(row["id"])))
            yield f"   подписан документ {signed.id}: № {signed.number_text}"
    plan = make_plan(db, "clerk", roadmap, today.year + 1)
    yield f"   сформирован документ {plan.id}: {plan.title}"
    try:
        apply_event(db, f"{result.roadmap}:{START_NOW[0]}@{today.year}", "analyse", "head",
                    comment="выводы")
    except KartaError as error:
        yield f"   отказ, как и должно быть: {error}"


def _indicators(db: Database, today: date) -> Iterator[str]:
    """Two indicators with targets for last year and this: the school's values for last
    year accepted (and the monitoring справка made of them), this year's waiting to be
    checked — the «Показатели» page has something to show."""
    from registry.indicators import (
        Given,
        add_indicator,
        decide,
        make_monitoring_note,
        submit_values,
    )

    last, this = str(today.year - 1), str(today.year)
    add_indicator(db, "clerk", code="П1", name="Доля обучающихся, преодолевших минимальный "
                  "порог ВПР по математике", unit="%", rollup="weighted_mean", fraction=True,
                  numerator="обучающиеся, преодолевшие порог",
                  denominator="обучающиеся, писавшие ВПР", evidence=True,
                  targets={last: "85", this: "87"})
    add_indicator(db, "clerk", code="П2", name="Педагоги, прошедшие курсы повышения "
                  "квалификации по вопросам объективности оценивания", unit="чел.",
                  rollup="sum", targets={last: "10", this: "12"})
    site = "https://school1.example.ru/vpr"
    submit_values(db, "school", last, {"П1": Given(numerator="172", denominator="200",
                                                   link=site), "П2": Given(value="9")})
    for code in ("П1", "П2"):
        decide(db, "clerk", code, last, "МБОУ СОШ № 1", "accept")
    note = make_monitoring_note(db, "clerk", last)
    submit_values(db, "school", this, {"П1": Given(numerator="181", denominator="205",
                                                   link=site)})
    yield (f"   показатели П1 и П2: значения школы за {last} год приняты (справка о "
           f"результатах мониторинга № {note.number_text}), за {this} год — ждут проверки")


def _step(db: Database, ref: str, event: str, user: str, comment: str, files: list[Path],
          options: dict[str, Any]) -> Iterator[str]:
    done = apply_event(db, ref, event, user, comment=comment or None, files=files, **options)
    yield f"   {done.ref}: {state_label(done.source)} → {state_label(done.dest)} ({user})"
    for document in done.documents:
        number = f"№ {document['number']}" if document["number"] else "проект приказа"
        yield f"      документ {document['id']}: {document['title']} ({number})"


DEMO_LOGINS = ("clerk", "head", "school", "auditor", "admin")
DEMO_ROLES = {"clerk": "специалист: начинает исполнения, готовит приказы",
              "head": "начальник: анализирует отчёты, подписывает",
              "school": "исполнитель (МБОУ СОШ № 1): представляет отчёты",
              "auditor": "аудитор: читает журнал решений",
              "admin": "администратор: люди, роли, шаблоны"}


def demo_password(login: str) -> str:
    """The demo's passwords: printed for a newcomer, never for a real database."""
    return f"{login}-demo-2026"


def _shown(path: Path) -> Path:
    """A path as short as works from the current folder."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path.resolve()
