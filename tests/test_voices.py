"""Errors that fit their reader (issue 19 item 4, issue 25 item 5): where a message names
what to do next, the command line reads a command or a flag and the browser the page's or
the form's words — no page shows «karta …» or «--force». Messages are read in registry/,
workflow/ and documents/ (the front ends word their own)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.database import Database
from tests.conftest import csrf_of, signed_in
from workflow.errors import KartaError, UnknownReference, in_voice, said

ROOT = Path(__file__).resolve().parents[1]
COMMAND = re.compile(r"\bkarta [a-z]|(?<![\w-])--[a-z]")
# messages only the command line or an administrator's console ever shows, with the reason
CLI_ONLY = {
    "registry/backup.py": "backup and restore are commands",
    "registry/database.py": "a database that is not there: the command that opened it",
    "registry/schema.py": "upgrades are commands",
    "registry/queue.py": "the job queue's schema: an upgrade, a command",
    "registry/incidents.py": "what the administrator runs after an incident",
    "registry/exports.py": "files written on disk: commands only",
    "registry/mail.py": "the log's key for mail: `karta audit key`, an administrator's command",
    "registry/schedule.py": "--days of `karta deadlines`",
    "registry/accounts.py": "a personal token: used by commands and scripts",
    "registry/demo.py": "the demonstration prints commands to try",
    "registry/people.py": "`karta init`, `--user` and the profile: commands",
    "workflow/importing/convert.py": "LibreOffice's own arguments, not a message",
    "documents/office.py": "LibreOffice's own arguments, not a message",
    "documents/office_server.py": "LibreOffice's own arguments, not a message",
}


def _literals_outside_said(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "said":
            inside.update(id(n) for n in ast.walk(node))
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value,
                                                                     ast.Constant):
                inside.add(id(body[0].value))  # a docstring speaks to programmers
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                id(node) not in inside and COMMAND.search(node.value):
            found.append((node.lineno, node.value))
    return found


def test_every_hint_at_a_command_or_a_flag_is_worded_for_both_readers() -> None:
    problems = []
    for path in sorted([*(ROOT / "registry").glob("*.py"), *(ROOT / "workflow").rglob("*.py"),
                        *(ROOT / "documents").glob("*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        if relative in CLI_ONLY:
            continue
        problems += [f"{relative}:{line}: {text!r}" for line, text in
                     _literals_outside_said(path)]
    assert not problems, "\n".join(problems)


def test_each_reader_reads_its_own_words() -> None:
    error = UnknownReference("7", "нет такого документа" + said(" (karta documents)"))
    assert str(error) == "«7»: нет такого документа (karta documents)"
    assert error.for_web == "«7»: нет такого документа"
    refused = KartaError("укажите причину изменений" + said(": --reason «…»"))
    assert refused.for_web == "Укажите причину изменений"
    both = KartaError("обновите " + said("данные (karta show)", "страницу") + " и повторите")
    assert (str(both), both.for_web) == ("обновите данные (karta show) и повторите",
                                        "Обновите страницу и повторите")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                      blacklist_characters="\ue000\ue001\ue002"),
               max_size=40),
       st.text(alphabet="abc --karta", max_size=20), st.text(alphabet="абв «»", max_size=20))
def test_the_web_voice_never_carries_the_command_line_s_words(
        before: str, cli: str, web: str) -> None:
    text = before + said(cli, web)
    assert in_voice(text, "cli") == before + cli
    assert "\ue000" not in in_voice(text, "web") and "\ue001" not in in_voice(text, "web")


def test_no_page_shows_a_command_or_a_flag(db: Database) -> None:
    client = signed_in(db, "clerk")
    csrf = csrf_of(client.get("/").text)
    answers = [client.get("/documents/99999"), client.get("/indicators/НЕТ"),
               client.post("/indicators/order", data={"csrf": csrf, "note": "99999",
                                                      "decisions": "", "points": ""}),
               client.post("/indicators/note", data={"csrf": csrf, "period": "2021"})]
    for answer in answers:
        assert answer.status_code in (400, 404), answer.status_code
        main = answer.text.split("<main", 1)[-1]
        assert not COMMAND.search(main), main[:600]
        assert "\ue000" not in main
    assert "Нет такого документа" in answers[0].text or "нет такого документа" in \
        answers[0].text
    assert "показателей нет: справку не о чем составить" in answers[3].text.lower()


def test_the_command_line_still_names_the_command(tmp_path: Path) -> None:
    from tests.conftest import Karta

    karta = Karta(f"sqlite:///{tmp_path / 'k.db'}", tmp_path)
    assert karta("init", "--org", "Управление образования", "--admin-name",
                 "Андреева Светлана Леонидовна", user=None).exit_code == 0
    shown = karta("documents", "show", "99999")
    assert shown.exit_code != 0 and "(karta documents)" in shown.stderr


@pytest.mark.parametrize("reader", ["cli", "web"])
def test_an_unmarked_message_reads_the_same_for_both(reader: str) -> None:
    text = "срок исполнения истёк"
    assert in_voice(text, reader) in (text, text[:1].upper() + text[1:])
