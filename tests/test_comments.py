"""Comments (issue 21, item 7): a thread on an occurrence or a document for those who may see
it; «@логин» tells a colleague; every comment is logged and vouched for; no state changes;
bad input is refused with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.audit import read_log
from registry.comments import MAX_TEXT, Target, add_comment, comments
from registry.database import Database
from registry.notifications import inbox
from registry.occurrences import apply_event, show
from registry.people import add_person
from registry.roadmaps import import_roadmap
from registry.verify import verify
from tests.conftest import ZAOZERSK, Karta, csrf_of, signed_in
from workflow.errors import KartaError, PermissionDenied, UnknownReference


@pytest.fixture
def thread(db: Database) -> tuple[Database, str]:
    add_person(db, "admin", "school1", "Сидоров Пётр Иванович", "m", "завуч", ["executor"],
               unit="МБОУ СОШ № 1")
    add_person(db, "admin", "school2", "Орлова Нина Петровна", "f", "завуч", ["executor"],
               unit="МБОУ СОШ № 2")
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    ref = f"{rid}:5@2021"
    apply_event(db, ref, "start", "clerk")
    return db, ref


def _events(db: Database) -> list[str]:
    return [e["event"] for e in read_log(db, "admin")]


def test_a_comment_is_logged_tells_whom_it_names_and_changes_no_state(
        thread: tuple[Database, str]) -> None:
    db, ref = thread
    before = show(db, ref, "clerk")["occurrence"]["state"]  # type: ignore[index]
    add_comment(db, "clerk", Target("occurrence", ref),
                "@school1, приложите, пожалуйста, протокол\r\nзаседания комиссии")
    add_comment(db, "school1", Target("occurrence", ref), "Протокол будет к пятнице")
    said = comments(db, "head", Target("occurrence", ref))
    assert [(c.login, c.text) for c in said] == [
        ("clerk", "@school1, приложите, пожалуйста, протокол\nзаседания комиссии"),
        ("school1", "Протокол будет к пятнице")]
    assert said[0].mentioned == ["school1"] and said[0].author == "Белокреницкая Елена Викторовна"
    notices = inbox(db, "school1")["items"]
    assert any("пишет вам" in n["title"] and n["link"].endswith("#comments") for n in notices)
    assert show(db, ref, "clerk")["occurrence"]["state"] == before  # type: ignore[index]
    assert _events(db).count("comment") == 2
    assert verify(db, "admin").ok


def test_bad_comments_are_refused_and_nothing_is_written(thread: tuple[Database, str]) -> None:
    db, ref = thread
    before = _events(db)
    for text, reason in (("   \n ", "напишите текст"), ("x" * (MAX_TEXT + 1), "длиннее"),
                         ("@nobody посмотрите", "неизвестный пользователь «@nobody»")):
        with pytest.raises(KartaError, match=reason):
            add_comment(db, "clerk", Target("occurrence", ref), text)
    with pytest.raises(UnknownReference):
        add_comment(db, "clerk", Target("occurrence", "1:5@2099"), "нет такого")
    with pytest.raises(KartaError, match="по исполнению за период"):
        add_comment(db, "clerk", Target("occurrence", "R1"), "о дорожной карте")
    with pytest.raises(UnknownReference):
        add_comment(db, "clerk", Target("document", "999"), "нет документа")
    assert _events(db) == before
    # control characters (a crafted «\x1b[2J» or a NUL) are not kept
    add_comment(db, "clerk", Target("occurrence", ref), "текст\x00\x1b[2J и дальше")
    assert comments(db, "clerk", Target("occurrence", ref))[-1].text == "текст[2J и дальше"


def test_a_school_reads_the_department_and_itself_not_another_school(
        thread: tuple[Database, str]) -> None:
    db, ref = thread
    add_comment(db, "clerk", Target("occurrence", ref), "Всем школам: срок — пятница")
    add_comment(db, "school1", Target("occurrence", ref), "У нас сорван урок, просим срок")
    add_comment(db, "school2", Target("occurrence", ref), "Мы успеваем")
    assert [c.login for c in comments(db, "school2", Target("occurrence", ref))] == [
        "clerk", "school2"]
    assert [c.login for c in comments(db, "head", Target("occurrence", ref))] == [
        "clerk", "school1", "school2"]
    # an auditor reads the thread and does not write in it
    add_person(db, "admin", "auditor", "Кузнецова Ирина Олеговна", "f", "аудитор",
               ["auditor"])
    assert len(comments(db, "auditor", Target("occurrence", ref))) == 3
    with pytest.raises(PermissionDenied):
        add_comment(db, "auditor", Target("occurrence", ref), "замечание аудитора")
    # another organisation's or a guessed occurrence is as unknown as a typo
    with pytest.raises(UnknownReference):
        add_comment(db, "school2", Target("occurrence", "99:5@2021"), "угадал?")


def test_a_document_thread_in_the_browser_and_on_the_command_line(
        thread: tuple[Database, str], tmp_path: Path) -> None:

    db, ref = thread
    document = apply_event(db, ref, "report", "clerk", comment="отчёт").documents
    karta = Karta(db.url, tmp_path)
    made = karta("comment", ref, "-m", "Проверьте сроки, @head", user="clerk")
    assert made.exit_code == 0, made.stderr
    listing = karta("comments", ref, user="head")
    assert "Проверьте сроки, @head" in listing.stdout
    both = karta("comment", ref, "--document", "1", "-m", "двусмысленно", user="clerk")
    assert both.exit_code != 0
    client = signed_in(db, "clerk")
    page = client.get(f"/o/{ref}")
    assert "Обсуждение" in page.text and "Проверьте сроки, @head" in page.text
    csrf = csrf_of(page.text)
    answer = client.post(f"/o/{ref}/comment", data={"csrf": csrf,
                                                    "text": "<script>alert(1)</script>"})
    assert answer.status_code == 303
    page = client.get(f"/o/{ref}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    if document:
        number = int(str(document[0]["id"]))
        answer = client.post(f"/documents/{number}/comment",
                             data={"csrf": csrf, "text": "В отчёте опечатка"})
        assert answer.status_code == 303
        assert "В отчёте опечатка" in client.get(f"/documents/{number}").text
    refused = client.post(f"/o/{ref}/comment", data={"csrf": csrf, "text": " "})
    assert refused.status_code == 400 and "Напишите текст комментария" in refused.text
