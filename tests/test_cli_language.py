"""The command line speaks the clerk's language: Russian throughout, one date format,
commands in the order of the work (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import SECTIONS, main
from commands.locale.build import COMPILED, compiled_bytes
from tests.conftest import ZAOZERSK, Karta

# Latin that is not English prose: names of programs and formats, identifiers users type
# (command and option names, template names and kinds, environment variables, references)
ALLOWED = {
    "karta", "SQLite", "PostgreSQL", "SQLAlchemy", "LibreOffice", "JSON", "PDF", "HTTPS",
    "RFC", "iCalendar", "SHA", "URL", "Europe", "Moscow", "X", "Forwarded", "For", "Word",
    "Excel", "Babel", "ICS", "UTF", "public", "position", "dative", "sqlite", "postgresql",
    "docx", "xlsx", "csv", "txt", "zip", "jsonl", "ics", "md", "tsv", "pdf", "odt", "doc", "rtf",
    "order_approve", "order_start", "order_results", "report", "analytic_note",
    "recommendations", "plan", "annual_report", "always", "order_needed", "has_decisions",
    "has_recommendations", "approve", "start", "return", "analyse", "cancel", "cookie", "Q",
    "R", "id", "ID",
}


def _all_commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _all_commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


COMMAND_NAMES = {part for path in _all_commands(main) for name in path
                 for part in name.split("-")}


def latin_words(text: str) -> set[str]:
    text = re.sub(r"«[^»]*»", " ", text)  # what the user typed, quoted back
    text = re.sub(r"--?[a-z][a-z-]*", " ", text)  # option names
    text = re.sub(r"\bkarta\.db\b", " ", text)  # the database file
    text = re.sub(r"\bKARTA_[A-Z_]+", " ", text)  # environment variables
    text = re.sub(r"[a-z]+:///?\S*", " ", text)  # addresses
    text = re.sub(r"\b\d+:[\w.]+(@[\w/-]+)?", " ", text)  # references 1:2.4@2022
    words = set(re.findall(r"[A-Za-z][A-Za-z_]*", text))
    return words - ALLOWED - COMMAND_NAMES


@pytest.mark.parametrize("path", _all_commands(main), ids=lambda p: " ".join(p) or "karta")
def test_help_has_no_english(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="karta")
    assert result.exit_code == 0
    assert latin_words(result.output) == set(), result.output


@pytest.mark.parametrize("args", [
    ("importt",), ("activities", "--status", "done"), ("agenda", "--days", "all"),
    ("import",), ("show",), ("start", "1:1@2021", "лишний"), ("people", "add"),
    ("activities", "--bogus"), ("documents", "show", "x"),
])
def test_usage_errors_have_no_english(karta: Karta, args: tuple[str, ...]) -> None:
    result = karta(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("ошибка: ")
    assert latin_words(result.stderr) == set(), result.stderr


def test_karta_help_lists_commands_in_the_order_of_the_work_with_full_descriptions() -> None:
    output = CliRunner().invoke(main, ["--help"], prog_name="karta").output
    headings = [title for title, _ in SECTIONS]
    positions = [output.index(f"{title}:") for title in headings]
    assert positions == sorted(positions)
    commands = output.split("Настройка:")[1]
    assert "…" not in commands and "..." not in commands
    assert output.index("  init ") < output.index("  import ") < output.index("  start ") < \
        output.index("  sign ") < output.index("  agenda ") < output.index("  audit ")


def test_russian_values_are_accepted_beside_karta_s_own(karta: Karta) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    assert karta("start", "1:5@2021").exit_code == 0
    russian = karta("activities", "--status", "выполняется", "--json")
    english = karta("activities", "--status", "in_progress", "--json")
    assert russian.exit_code == 0 and russian.stdout == english.stdout
    added = karta("people", "add", "ivanova", "--name", "Иванова Мария Петровна", "--gender",
                  "ж", "--role", "специалист", "--role", "Руководитель")
    assert added.exit_code == 0, added.stderr
    people = karta("people", "list", "--json").stdout
    assert '"gender": "f"' in people and '"clerk"' in people and '"head"' in people


def test_one_date_format_on_screen(karta: Karta) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    for args in (("activities",), ("show", "1:5"), ("show", "1:5@2021"),
                 ("deadline", "Ежегодно, август", "--period", "2022"), ("history", "R1"),
                 ("documents",), ("templates", "list"), ("audit", "log")):
        output = karta(*args).stdout
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", output), (args, output[:400])
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", karta("show", "1:5").stdout)


def test_annual_report_is_its_own_command(karta: Karta) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    done = karta("annual-report", "--roadmap", "1", "--year", "2021")
    assert done.exit_code == 0 and "Информация о реализации" in done.stdout
    old = karta("report", "annual", "--roadmap", "1")
    assert old.exit_code == 2  # not a special value of the transition any more


def test_history_of_a_roadmap_names_each_occurrence(karta: Karta) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    assert karta("start", "1:5@2021").exit_code == 0
    assert karta("start", "1:6@2021").exit_code == 0
    lines = karta("history", "R1").stdout.splitlines()
    assert any(line.strip().startswith("1:5@2021:") for line in lines)
    assert any(line.strip().startswith("1:6@2021:") for line in lines)
    single = karta("history", "1:5@2021").stdout
    assert "1:5@2021:" not in single


def test_documents_open_says_when_nothing_could_be_opened(
        karta: Karta, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    assert karta("start", "1:5@2021", "--order").exit_code == 0
    monkeypatch.setenv("PATH", str(tmp_path))
    result = karta("documents", "open", "1")
    assert result.exit_code == 1
    assert "нет программы для просмотра .docx; файл сохранён:" in result.stderr


def test_read_commands_before_init_do_not_create_a_database(tmp_path: Path) -> None:
    target = tmp_path / "karta.db"
    result = CliRunner().invoke(main, ["--db", str(target), "--user", "admin", "roadmaps"])
    assert result.exit_code == 2 and "выполните «karta init" in result.stderr
    assert not target.exists()


def test_the_click_catalogue_is_compiled_from_its_source() -> None:
    assert COMPILED.read_bytes() == compiled_bytes()
