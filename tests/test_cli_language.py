"""The command line speaks the clerk's language: Russian throughout, one date format,
commands in the order of the work (issue 13)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

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
    "R", "id", "ID", "SMTP", "cron", "systemd",
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
    text = re.sub(r"\[[a-z_]+(?:\|[a-z_]+)+\]", " ", text)  # the values a choice takes
    text = re.sub(r"по умолчанию: [a-z_]+\]", " ", text)  # and its default
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


def _messages(compiled: bytes) -> dict[object, str]:
    """A compiled catalogue's translations, without its header (whose dates and tool
    version differ between Babel releases): what click will actually print."""
    import gettext
    import io

    catalog = dict(gettext.GNUTranslations(io.BytesIO(compiled))._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)
    return catalog


def test_the_click_catalogue_is_compiled_from_its_source() -> None:
    # the content, not the bytes: any Babel release compiles the same messages differently
    committed = _messages(COMPILED.read_bytes())
    assert len(committed) > 20
    assert committed == _messages(compiled_bytes())


# ----------------------------------------------------------------------------- --due

@given(st.integers(1, 9998), st.integers(1, 12))
def test_a_month_as_typed_is_its_first_to_its_last_day(year: int, month: int) -> None:
    from workflow.dates import typed_window as parse_window
    from workflow.deadlines import MONTHS

    first, last = parse_window(f"{month:02d}.{year:04d}")
    assert (first.year, first.month, first.day) == (year, month, 1)
    assert (last.year, last.month) == (year, month) and (last + timedelta(days=1)).day == 1
    assert parse_window(f"{MONTHS[month - 1].capitalize()} {year:04d}") == (first, last)
    assert parse_window(f" {month}.{year:04d} ") == (first, last)


@given(st.dates(date(1, 1, 1), date(9999, 12, 31)), st.dates(date(1, 1, 1), date(9999, 12, 31)))
def test_two_days_are_a_window_only_in_their_order(one: date, other: date) -> None:
    from workflow.dates import typed_window as parse_window
    from workflow.errors import KartaError

    typed = f"{one:%d.%m}.{one.year:04d}-{other:%d.%m}.{other.year:04d}"
    if one <= other:
        assert parse_window(typed) == (one, other)
    else:
        with pytest.raises(KartaError, match="первый день позже последнего"):
            parse_window(typed)


@given(st.text(max_size=30))
def test_anything_else_typed_as_a_window_is_a_russian_error(typed: str) -> None:
    from workflow.dates import typed_window as parse_window
    from workflow.errors import KartaError

    try:
        first, last = parse_window(typed)
    except KartaError as error:
        assert str(error).startswith("неверный срок «")
    else:
        assert first <= last
