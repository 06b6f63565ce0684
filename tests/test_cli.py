"""The command line as users see it: output, JSON shapes, exact error lines and exit codes."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import click
import pytest

from cli import main
from tests.conftest import SLAVGOROD, YENISEISK, ZAOZERSK, Karta
from workflow.machine import EVENTS


def _json(result: object) -> object:
    return json.loads(result.output)  # type: ignore[attr-defined]


def _state_of(karta: Karta) -> str:
    """Everything a user can list, to compare before and after a refused command."""
    roadmaps = karta("roadmaps", "--json").output
    activities = karta("activities", "--json").output
    return roadmaps + activities


def test_import_json_counts_and_skipped(karta: Karta) -> None:
    result = karta("import", str(ZAOZERSK), "--json", user="admin")
    assert result.exit_code == 0, result.output
    data = _json(result)
    assert data["roadmap"] == 1  # type: ignore[index]
    assert (data["sections"], data["activities"], data["occurrences"]) == (0, 21, 63)  # type: ignore[index]
    assert [part["kind"] for part in data["skipped"]] == ["order", "table", "table"]  # type: ignore[index]


def test_import_needs_a_period_when_the_document_has_none(karta: Karta) -> None:
    result = karta("import", str(SLAVGOROD))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "ошибка: slavgorod_roadmap.txt: в документе не найден период дорожной карты "
        "(«на 2021-2023 годы»); укажите его: --period 2020 (по срокам мероприятий)")
    assert karta("roadmaps", "--json").output.strip() == "[]"
    ok = karta("import", str(SLAVGOROD), "--period", "2020-2022", "--json")
    assert _json(ok)["activities"] == 57  # type: ignore[index]


def test_bad_periods(karta: Karta) -> None:
    result = karta("import", str(SLAVGOROD), "--period", "2023-2021")
    assert result.exit_code != 0
    assert "период заканчивается раньше, чем начинается" in result.stderr
    result = karta("import", str(SLAVGOROD), "--period", "двадцатый")
    assert "ожидается «ГГГГ-ГГГГ»" in result.stderr


def test_activities_json_shape(karta: Karta) -> None:
    karta("import", str(YENISEISK))
    rows = _json(karta("activities", "--roadmap", "R1", "--json"))
    assert len(rows) == 64  # type: ignore[arg-type]
    first = rows[0]  # type: ignore[index]
    assert set(first) >= {"ref", "code", "section", "title", "deadline_text", "responsible",
                          "planned_result", "occurrences"}
    assert first["ref"] == "1:0.1" and first["code"] == "0.1"
    assert first["section"].startswith("Задача 0:")
    assert first["responsible"] == ["МКУ «Управление образования г.Енисейска»"]
    assert first["occurrences"] == [
        {"ref": "1:0.1@2021", "period": "2021", "period_text": "2021 год",
         "due": "2021-10-29",  # 31.10.2021 a Sunday
         "due_nominal": "2021-10-31", "state": "planned", "version": 1}]


def test_cycle_through_the_cli(karta: Karta, tmp_path: Path) -> None:
    karta("import", str(ZAOZERSK))
    report = tmp_path / "report.docx"
    report.write_bytes(b"PK fake report")
    steps = [
        ("start", "1:5@2022", []),
        ("report", "1:5@2022", ["--file", str(report)]),
        ("return", "1:5@2022", ["--comment", "Нет данных"]),
        ("report", "1:5@2022", ["-m", "Данные добавлены"]),
        ("analyse", "1:5@2022", ["--comment", "Объективность повышена"]),
    ]
    for event, ref, extra in steps:
        result = karta(event, ref, *extra)
        assert result.exit_code == 0, result.output + result.stderr
    assert "отчёт представлен → проанализировано (версия 6" in result.output
    entries = [e for e in _json(karta("history", "1:5@2022", "--json"))  # type: ignore[union-attr]
               if e["event"] in EVENTS]
    assert [(e["event"], e["from"], e["to"]) for e in entries] == [  # type: ignore[union-attr]
        ("start", "planned", "in_progress"), ("report", "in_progress", "reported"),
        ("return", "reported", "in_progress"), ("report", "in_progress", "reported"),
        ("analyse", "reported", "analysed")]
    for entry in entries:  # type: ignore[union-attr]
        assert set(entry) >= {"at", "user", "event", "from", "to", "comment"}
    assert entries[1]["files"][0]["name"] == "report.docx"  # type: ignore[index]
    listed = _json(karta("activities", "--status", "analysed", "--json"))
    assert [a["ref"] for a in listed] == ["1:5"]  # type: ignore[union-attr]
    assert [o["ref"] for o in listed[0]["occurrences"]] == ["1:5@2022"]  # type: ignore[index]
    shown = karta("show", "1:5@2022")
    assert "проанализировано" in shown.output and "Допустимые действия: нет" in shown.output
    text = karta("history", "1:5@2022").output
    assert "admin — вернуть на доработку (отчёт представлен → выполняется): Нет данных" in text


@pytest.mark.parametrize("args,code,message", [
    (["start", "1:1@2021", ], 0, None),
    (["analyse", "1:2@2021", "-m", "x"], 5,
     "ошибка: 1:2@2021: действие «analyse» (провести анализ) невозможно в состоянии "
     "«запланировано»; допустимо: start (начать исполнение), cancel (отменить)"),
    (["cancel", "1:2@2021"], 5,
     "ошибка: 1:2@2021: для действия «cancel» нужно указать причину отмены (--comment)"),
    (["start", "1:77@2021"], 4, "ошибка: «1:77@2021»: нет мероприятия с кодом «77» в "
                                "дорожной карте R1"),
    (["start", "1:1@1999"], 4, "ошибка: «1:1@1999»: у мероприятия 1:1 нет исполнения за "
                               "«1999»; есть: 2021, 2022, 2023"),
    (["show", "R9"], 4, "ошибка: «R9»: нет такой дорожной карты (karta roadmaps)"),
    (["start", "1:1"], 4, "ошибка: «1:1»: нужна ссылка на исполнение за период, например "
                          "1:2.4@2022 (см. karta activities)"),
])
def test_errors_are_one_russian_line_and_change_nothing(
        karta: Karta, args: list[str], code: int, message: str | None) -> None:
    karta("import", str(ZAOZERSK))
    before = _state_of(karta)
    result = karta(*args)
    assert result.exit_code == code, result.stderr
    if message is None:
        return
    assert result.stderr.strip() == message
    assert len(result.stderr.strip().splitlines()) == 1
    assert _state_of(karta) == before


def test_bad_files_are_refused_and_nothing_is_stored(karta: Karta, tmp_path: Path) -> None:
    karta("import", str(ZAOZERSK))
    before = _state_of(karta)
    not_zip = tmp_path / "roadmap.docx"
    not_zip.write_text("просто текст", encoding="utf-8")
    pdf = tmp_path / "roadmap.pdf"
    pdf.write_bytes(b"%PDF")
    pages = tmp_path / "roadmap.pages"
    pages.write_bytes(b"PK\x03\x04")
    no_table = tmp_path / "letter.txt"
    no_table.write_text("Уважаемые коллеги!\nПросим представить отчёт.\n", encoding="utf-8")
    dup = tmp_path / "dup.txt"
    dup.write_text("Дорожная карта на 2021 год\n№\tМероприятие\tСроки\n1.1\tА\tЕжегодно\n"
                   "1.2\tБ\tЕжегодно\n1.1\tВ\tЕжегодно\n", encoding="utf-8")
    empty_zip = tmp_path / "empty.docx"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    cases = [
        (not_zip, "ошибка: roadmap.docx: файл .docx повреждён или не является документом Word"),
        (pdf, "ошибка: roadmap.pdf: файл .pdf повреждён или не является PDF"),
        (pages, "ошибка: roadmap.pages: неизвестный тип файла «.pages»; поддерживаются .docx, "
                ".xlsx, .pdf, .doc, .odt, .rtf, .csv, .txt, .tsv, .md"),
        (no_table, "ошибка: letter.txt: не найдена таблица дорожной карты: нужны столбцы "
                   "мероприятий и сроков («Мероприятие», «Сроки»)"),
        (dup, "ошибка: dup.txt, строка 5: код мероприятия «1.1» повторяется (впервые в "
              "строке 3)"),
        (tmp_path / "missing.txt", "ошибка: missing.txt: файл не найден"),
    ]
    for path, message in cases:
        result = karta("import", str(path))
        assert result.exit_code == 1, path
        assert result.stderr.strip() == message
    result = karta("import", str(empty_zip))
    assert result.exit_code == 1
    assert result.stderr.startswith("ошибка: empty.docx: не удалось открыть документ Word")
    assert len(result.stderr.strip().splitlines()) == 1
    assert _state_of(karta) == before


def test_unknown_or_missing_user_is_refused(karta: Karta) -> None:
    result = karta("import", str(ZAOZERSK), user="intruder")
    if karta.url.startswith("sqlite"):
        assert result.exit_code == 3
        assert result.stderr.strip() == ("ошибка: неизвестный пользователь «intruder»: "
                                         "добавьте его или укажите --user")
    else:  # a shared database never takes a name on trust
        assert result.exit_code == 2 and "нужен вход" in result.stderr
    result = karta("roadmaps", user=None)
    assert result.exit_code == 2
    assert "укажите пользователя" in result.stderr


def test_people_add_and_act(karta: Karta) -> None:
    result = karta("people", "add", "ivanova", "--name", "Иванова Мария Петровна",
                   "--gender", "f", "--position", "главный специалист", "--role", "clerk")
    assert result.exit_code == 0, result.stderr
    people = _json(karta("people", "list", "--json"))
    assert [p["login"] for p in people] == ["admin", "ivanova"]  # type: ignore[union-attr]
    assert karta("import", str(ZAOZERSK), user="ivanova").exit_code == 0
    assert _json(karta("history", "R1", "--json"))[0]["user"] == "ivanova"  # type: ignore[index]


def test_commands_before_init(tmp_path: Path) -> None:
    runner = Karta(f"sqlite:///{tmp_path / 'none.db'}", tmp_path)
    result = runner("roadmaps")
    assert result.exit_code == 2
    assert "не создана: выполните «karta init --org …»" in result.stderr


def test_init_twice_is_refused(karta: Karta) -> None:
    result = karta("init", "--org", "Другое", user=None)
    assert result.exit_code == 1
    assert "уже создана; профиль не изменён" in result.stderr


def test_usage_errors_are_russian(karta: Karta) -> None:
    result = karta("import")
    assert result.exit_code == 2
    assert result.stderr.startswith("ошибка: не указан обязательный аргумент")
    result = karta("activities", "--status", "done")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "ошибка: неверное значение «--status»: «done» — допустимо: запланировано, "
        "выполняется, отчёт-представлен, проанализировано, отменено (см. karta --help)")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = [(prefix or "karta", group)]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix} {name}".strip())
        else:
            found.append((f"{prefix} {name}".strip(), command))
    return found


@pytest.mark.parametrize("name,command", _commands(main))
def test_every_command_has_russian_help(name: str, command: click.Command) -> None:
    cyrillic = re.compile(r"[А-Яа-яЁё]")
    assert command.help and cyrillic.search(command.help), name
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help and cyrillic.search(param.help), f"{name} {param.name}"
    args = name.split() if name != "karta" else []
    result = Karta("sqlite://", Path("."))  # help needs no database
    output = result.runner.invoke(main, [*args, "--help"]).output
    assert "Использование:" in output and "Параметры:" in output
    assert "Show this message" not in output


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output + result.stderr
    assert "мероприятий 21, исполнений 63" in result.output
    assert "отказ, как и должно быть" in result.output
    assert (tmp_path / "demo" / "karta.db").exists()
    again = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo")])
    assert again.exit_code == 0  # a demo folder is rebuilt, not refused


def test_the_same_file_twice_is_refused_unless_asked(karta: Karta) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    again = karta("import", str(ZAOZERSK))
    assert again.exit_code == 1
    assert "уже импортирован как R1" in again.stderr and "--again" in again.stderr
    assert karta("import", str(ZAOZERSK), "--again", "--json").exit_code == 0
    school = karta("import", str(SLAVGOROD), "--period", "2021-2022", "--school-years",
                   "--json")
    data = json.loads(school.output)
    assert data["period"] == "2021/22-2022/23"
    rows = json.loads(karta("activities", "--roadmap", "R3", "--json").output)
    [constant] = [r for r in rows if r["code"] == "2.1"]  # «Постоянно»
    assert [o["period"] for o in constant["occurrences"]] == ["2021/22", "2022/23"]


def test_karta_user_alone_is_not_enough_for_a_shared_database(
        karta: Karta, monkeypatch: pytest.MonkeyPatch) -> None:
    """`KARTA_USER=admin karta people add intruder --role admin` worked for anyone who could
    reach the database. Now a shared database (or a SQLite file of another OS user) needs a
    token or the password, and a wrong one is refused and logged."""
    from cli import main

    if karta.url.startswith("sqlite"):  # the file is ours: pretend it is somebody else's
        monkeypatch.setattr("commands.common.os.getuid", lambda: 424242)
    base = ["--db", karta.url, "--files", str(karta.folder / "files")]
    attack = [*base, "people", "add", "intruder", "--name", "Взломщик", "--role", "admin"]
    alone = karta.runner.invoke(main, attack, env={"KARTA_USER": "admin", "KARTA_TOKEN": None,
                                                   "KARTA_PASSWORD": None})
    assert alone.exit_code == 2 and "нужен вход" in alone.stderr
    forged = karta.runner.invoke(main, attack, env={"KARTA_TOKEN": "karta_forged"})
    assert forged.exit_code == 3 and "токен неизвестен или отозван" in forged.stderr
    wrong = karta.runner.invoke(main, attack, env={"KARTA_USER": "admin", "KARTA_TOKEN": None,
                                                   "KARTA_PASSWORD": "не тот пароль"})
    assert wrong.exit_code == 3 and "неверный логин или пароль" in wrong.stderr
    from registry.accounts import set_password

    db = karta.database()
    set_password(db, "admin", "admin", "верный-пароль-1")
    db.dispose()
    right = karta.runner.invoke(main, attack, env={"KARTA_USER": "admin", "KARTA_TOKEN": None,
                                                   "KARTA_PASSWORD": "верный-пароль-1"})
    assert right.exit_code == 0, right.stderr
    token = karta.token("intruder")
    assert token is not None
    as_owner = karta.runner.invoke(main, [*base, "--user", "admin", "roadmaps"],
                                   env={"KARTA_TOKEN": token})
    assert as_owner.exit_code == 2 and "токен принадлежит «intruder»" in as_owner.stderr
    monkeypatch.undo()
    log = karta("audit", "log", "--json")
    failures = [e for e in json.loads(log.stdout) if e["event"] == "login_failed"]
    assert len(failures) == 2
