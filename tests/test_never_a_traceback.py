"""Bad input and a hostile world get one Russian line, never a traceback; nothing is lost."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import ZAOZERSK, Karta


def run(*args: str, env: dict[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"KARTA_DEBUG": None, **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.strip()


def test_an_unexpected_error_is_an_incident_with_a_number_and_a_log(
        karta: Karta, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("registry.roadmaps.list_roadmaps", broken)
    log = tmp_path / "errors.log"
    code, message = run("--db", karta.url, "--user", "admin", "roadmaps",
                        env={"KARTA_ERROR_LOG": str(log), "KARTA_TOKEN": karta.token("admin")})
    assert code == 70
    assert len(message.splitlines()) == 1
    assert message.startswith("ошибка: непредвиденный сбой (инцидент ")
    incident = message.split("инцидент ")[1].split(")")[0]
    text = log.read_text(encoding="utf-8")
    assert f"инцидент {incident}" in text and "ZeroDivisionError: a bug" in text


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    fake = tmp_path / "karta.db"
    fake.write_text("это не база данных", encoding="utf-8")
    code, message = run("--db", str(fake), "--user", "admin", "roadmaps")
    assert code == 2
    assert message == "ошибка: файл базы данных повреждён или это не база SQLite"


def test_a_schema_missing_a_column(karta: Karta) -> None:
    db = karta.database()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE roadmap DROP COLUMN school_years")
    db.dispose()
    code, message = run("--db", karta.url, "--user", "admin", "roadmaps",
                        env={"KARTA_TOKEN": karta.token("admin")})
    assert code == 2
    assert "схема базы данных не совпадает с версией karta" in message
    assert "karta upgrade" in message


def test_disk_full_says_so_and_writes_nothing(karta: Karta,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "karta-files")

    monkeypatch.setattr("registry.files.FolderStore.put", full)
    monkeypatch.setattr("registry.files.DatabaseStore.put", full)
    code, message = run("--db", karta.url, "--files", str(karta.folder / "files"),
                        "--user", "admin", "import", str(ZAOZERSK),
                        env={"KARTA_TOKEN": karta.token("admin")})
    assert code == 1
    assert message == ("ошибка: на диске нет места (karta-files); освободите место и "
                       "повторите — ничего не записано")
    monkeypatch.undo()
    assert "Дорожных карт нет" in karta("roadmaps").stdout


def test_demo_never_deletes_a_real_work_folder(tmp_path: Path) -> None:
    """`karta demo --out DIR` deleted DIR when it held a karta.db — a clerk's real folder."""
    work = tmp_path / "работа"
    work.mkdir()
    (work / "karta.db").write_bytes(b"the clerk's real database")
    (work / "приказ.docx").write_bytes(b"a real order")
    code, message = run("demo", "--out", str(work))
    assert code == 1 and "не создана командой karta demo" in message
    assert (work / "karta.db").read_bytes() == b"the clerk's real database"
    assert (work / "приказ.docx").exists()


def test_demo_refuses_a_link_and_rebuilds_its_own_folder(tmp_path: Path) -> None:
    target = tmp_path / "важное"
    target.mkdir()
    (target / "файл.txt").write_text("не трогать", encoding="utf-8")
    link = tmp_path / "ссылка"
    link.symlink_to(target)
    code, message = run("demo", "--out", str(link))
    assert code == 1 and "не папка" in message
    assert (target / "файл.txt").exists()
    demo = tmp_path / "demo"
    assert run("demo", "--out", str(demo))[0] == 0
    outside = tmp_path / "outside.txt"
    outside.write_text("снаружи", encoding="utf-8")
    (demo / "link-outside").symlink_to(outside)
    assert run("demo", "--out", str(demo))[0] == 0  # its own folder: rebuilt
    assert outside.read_text(encoding="utf-8") == "снаружи"  # a link inside: not followed


def test_a_file_name_that_is_not_utf8_is_imported_and_logged(karta: Karta, tmp_path: Path
                                                             ) -> None:
    import os

    odd = Path(os.fsdecode(bytes(tmp_path) + b"/\xff\xfe\xe4\xee\xf0\xee\xe3\xe0.txt"))
    odd.write_bytes(ZAOZERSK.read_bytes())
    result = karta("import", str(odd))
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.output
    assert karta("audit", "verify").exit_code == 0


HUGE = str(2 ** 70)


@pytest.mark.parametrize("args", [
    ("documents", "show", HUGE), ("documents", "regenerate", HUGE), ("sign", HUGE),
    ("show", f"1:5@{HUGE}"), ("show", f"{HUGE}:5@2021"), ("show", f"R{HUGE}"),
    ("history", f"R{HUGE}"), ("start", f"1:5@{HUGE}"), ("token", "revoke", HUGE),
    ("rules", "remove", HUGE), ("templates", "activate", "report", HUGE),
    ("activities", "--roadmap", f"R{HUGE}"), ("documents", "correct", HUGE, "--reason", "x"),
    ("plan", "R1", "--year", HUGE), ("report", "annual", "R1", "--year", HUGE),
])
def test_a_number_past_any_id_is_one_russian_line(karta: Karta, args: tuple[str, ...]) -> None:
    """Integers beyond 64 bits in ids, references and years (13 commands exited 70)."""
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    result = karta(*args)
    assert result.exit_code not in (0, 70), (args, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(("ошибка:", "Ошибка:", "Использование"))\
        or "Ошибка" in result.stderr, (args, result.stderr)
    assert "инцидент" not in result.stderr and "Traceback" not in result.output
