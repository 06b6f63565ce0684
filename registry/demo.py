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
from registry.people import Profile, add_person, initialise
from registry.roadmaps import import_roadmap, list_activities
from registry.verify import verify
from workflow.errors import KartaError
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


def run_demo(out: Path) -> Iterator[str]:
    """Create a fresh SQLite database in ``out``, import the bundled roadmap and take a few
    occurrences through their life; yield what happens, line by line, in Russian."""
    prepare_folder(out)
    db = Database(f"sqlite:///{out / 'karta.db'}", out / "karta-files")
    initialise(db, Profile(
        full_name="Муниципальное казенное учреждение «Управление образования ЗАТО город Заозерск»",
        short_name="МКУ «Управление образования ЗАТО город Заозерск»",
        parent_body="Администрация закрытого административно-территориального образования "
                    "город Заозерск Мурманской области",
        place="г. Заозерск", head_position="Начальник МКУ «Управление образования ЗАТО "
                                           "город Заозерск»",
        head_name="С.Л. Андреева", timezone="Europe/Moscow",
    ), admin_login="admin", admin_name="Администратор")
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
    sample.write_bytes(resources.files("workflow.samples").joinpath(SAMPLE).read_bytes())
    result = import_roadmap(db, sample, "clerk")
    yield (f"3. Импортирована дорожная карта R{result.roadmap} «{result.title}»: период "
           f"{result.period}, мероприятий {result.activities}, исполнений {result.occurrences}.")
    for part in result.skipped:
        yield f"   пропущено: {part['title']} — {part['reason']}"

    draft = approve_roadmap(db, "clerk", f"R{result.roadmap}")
    approved = sign(db, "head", draft.id or 0, date(2020, 11, 30))
    yield (f"   утверждена: приказ от 30.11.2020 № {approved.number_text} "
           f"(документ {approved.id})")

    first = f"{result.roadmap}:1@2021"
    report = out / "отчёт_1_2021.txt"
    report.write_text("Специалисты приняли участие в 3 семинарах по подготовке к ОГЭ.\n",
                      encoding="utf-8")
    analysis = {
        "figures": [("Участников семинаров", "12"), ("Доля ОО, направивших специалистов",
                                                      "100%")],
        "decisions": ["Руководителям ОО включить участие в семинарах в планы методической "
                      "работы на 2022 год."],
        "recommendations": [("МБОУ СОШ № 1", "направить на семинары учителей математики")],
    }
    steps: list[tuple[str, str, str, str, list[Path], dict[str, Any]]] = [
        (first, "start", "clerk", "Организовано участие специалистов", [], {"order": True}),
        (first, "report", "clerk", "Участие в 3 семинарах, 12 слушателей", [report], {}),
        (first, "return", "head", "Нет списка участников по ОО", [], {}),
        (first, "report", "clerk", "Приложен список участников по ОО", [report], {}),
        (first, "analyse", "head", "Компетентность специалистов повышена; продолжить в 2022",
         [], analysis),
        (f"{result.roadmap}:5@2021", "start", "clerk", "", [], {}),
        (f"{result.roadmap}:21@2023", "cancel", "head", "Мероприятие включено в план 2023 "
                                                        "года другого проекта", [], {}),
    ]
    yield "4. Исполнение мероприятий и документы:"
    for ref, event, user, comment, files, options in steps:
        done = apply_event(db, ref, event, user, comment=comment or None, files=files,
                           **options)
        yield (f"   {done.ref}: {state_label(done.source)} → {state_label(done.dest)} "
               f"({user})")
        for document in done.documents:
            number = f"№ {document['number']}" if document["number"] else "проект приказа"
            yield f"      документ {document['id']}: {document['title']} ({number})"
    for row in list_documents(db, "admin"):
        if row["status"] == "draft":
            signed = sign(db, "head", int(str(row["id"])))
            yield f"   подписан документ {signed.id}: № {signed.number_text}"
    plan = make_plan(db, "clerk", f"R{result.roadmap}", 2022)
    yield f"   сформирован документ {plan.id}: {plan.title}"
    try:
        apply_event(db, f"{result.roadmap}:2@2021", "analyse", "head", comment="выводы")
    except KartaError as error:
        yield f"   отказ, как и должно быть: {error}"

    yield f"5. История {first}:"
    for entry in history(db, first, "admin"):
        yield f"   {describe_event(entry)}"
    in_progress = list_activities(db, "admin", result.roadmap, "in_progress")
    yield f"6. В работе сейчас: {', '.join(str(a['ref']) for a in in_progress)}."
    folder = out / "documents"
    exported = [path for row in list_documents(db, "admin")
                for path in export(db, "admin", int(str(row["id"])), folder)]
    yield f"7. Документы ({len(exported)}) выгружены в {folder}:"
    for path in exported:
        yield f"   {path.name}"
    checked = verify(db, "admin")
    yield (f"8. Журнал решений: целостность {'подтверждена' if checked.ok else 'НАРУШЕНА'} "
           f"(событий {checked.events}, документов {checked.documents}, файлов "
           f"{checked.files}).")
    database = _shown(out / "karta.db")
    yield (f"Готово. Продолжить в командной строке: .venv/bin/karta --db {database} --user "
           f"admin activities --roadmap {result.roadmap}")
    yield (f"Веб-интерфейс: .venv/bin/karta --db {database} serve, затем откройте "
           "http://127.0.0.1:8000/ и войдите:")
    for login in DEMO_LOGINS:
        yield f"   {login:8} пароль {demo_password(login)}"
    db.dispose()


DEMO_LOGINS = ("clerk", "head", "school", "auditor", "admin")


def demo_password(login: str) -> str:
    """The demo's passwords: printed for a newcomer, never for a real database."""
    return f"{login}-demo-2026"


def _shown(path: Path) -> Path:
    """A path as short as works from the current folder."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path.resolve()
