"""``karta demo``: the main job end to end on the embedded default, on a bundled roadmap."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from registry.database import Database
from registry.occurrences import apply_event, history
from registry.people import Profile, add_person, initialise
from registry.roadmaps import import_roadmap, list_activities
from workflow.errors import KartaError
from workflow.machine import state_label

SAMPLE = "zaozersk_order_and_roadmap.txt"


def run_demo(out: Path) -> Iterator[str]:
    """Create a fresh SQLite database in ``out``, import the bundled roadmap and take a few
    occurrences through their life; yield what happens, line by line, in Russian."""
    if out.exists() and any(out.iterdir()):
        if not (out / "karta.db").exists():
            raise KartaError(f"папка {out} не пуста и не похожа на папку демонстрации; "
                             "укажите другую: --out ПАПКА")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
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
               "специалист МКУ «Управление образования ЗАТО город Заозерск»", ["clerk"])
    add_person(db, "admin", "head", "Андреева Светлана Леонидовна", "f",
               "начальник МКУ «Управление образования ЗАТО город Заозерск»", ["head"])
    yield "2. Добавлены пользователи: clerk (специалист), head (начальник)."

    sample = out / SAMPLE
    sample.write_bytes(resources.files("workflow.samples").joinpath(SAMPLE).read_bytes())
    result = import_roadmap(db, sample, "clerk")
    yield (f"3. Импортирована дорожная карта R{result.roadmap} «{result.title}»: период "
           f"{result.period}, мероприятий {result.activities}, исполнений {result.occurrences}.")
    for part in result.skipped:
        yield f"   пропущено: {part['title']} — {part['reason']}"

    first = f"{result.roadmap}:1@2021"
    report = out / "отчёт_1_2021.txt"
    report.write_text("Специалисты приняли участие в 3 семинарах по подготовке к ОГЭ.\n",
                      encoding="utf-8")
    steps = [
        (first, "start", "clerk", "Организовано участие специалистов", []),
        (first, "report", "clerk", "Участие в 3 семинарах, 12 слушателей", [report]),
        (first, "return", "head", "Нет списка участников по ОО", []),
        (first, "report", "clerk", "Приложен список участников по ОО", [report]),
        (first, "analyse", "head", "Компетентность специалистов повышена; продолжить в 2022",
         []),
        (f"{result.roadmap}:5@2021", "start", "clerk", "", []),
        (f"{result.roadmap}:21@2023", "cancel", "head", "Мероприятие включено в план 2023 "
                                                        "года другого проекта", []),
    ]
    yield "4. Исполнение мероприятий:"
    for ref, event, user, comment, files in steps:
        done = apply_event(db, ref, event, user, comment=comment or None, files=files)
        yield (f"   {done.ref}: {state_label(done.source)} → {state_label(done.dest)} "
               f"({user})")
    try:
        apply_event(db, f"{result.roadmap}:2@2021", "analyse", "head", comment="выводы")
    except KartaError as error:
        yield f"   отказ, как и должно быть: {error}"

    yield f"5. История {first}:"
    for entry in history(db, first, "admin"):
        move = f"{state_label(str(entry['from']))} → {state_label(str(entry['to']))}"
        at = str(entry["at"])[:16].replace("T", " ")
        yield f"   {at} {entry['user']}: {move}, {entry['comment']}"
    in_progress = list_activities(db, "admin", result.roadmap, "in_progress")
    yield f"6. В работе сейчас: {', '.join(str(a['ref']) for a in in_progress)}."
    yield (f"Готово. Продолжить: karta --db {out / 'karta.db'} --user admin activities "
           f"--roadmap {result.roadmap}")
    db.dispose()
