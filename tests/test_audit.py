"""The audit: a tamper-evident log, verification of files, roles and permissions."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from registry.audit import read_log
from registry.database import Database
from registry.documents import get_document
from registry.occurrences import apply_event, history
from registry.orders import sign
from registry.people import add_person, change_roles
from registry.roadmaps import import_roadmap, list_activities
from registry.tables import Document
from registry.verify import verify
from tests.conftest import ZAOZERSK, Karta, remove_stored, replace_stored, run_sql
from tests.docx_structure import structure
from workflow.errors import KartaError, PermissionDenied


@pytest.fixture
def busy(db: Database, tmp_path: Path) -> Database:
    """A database with an import, a full cycle, documents and an attachment."""
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    attachment = tmp_path / "протокол.txt"
    attachment.write_text("протокол совещания", encoding="utf-8")
    apply_event(db, f"{rid}:5@2021", "start", "clerk", order=True)
    apply_event(db, f"{rid}:5@2021", "report", "clerk", files=[attachment])
    apply_event(db, f"{rid}:5@2021", "analyse", "head", comment="выводы",
                decisions=["Руководителям ОО доложить."])
    sign(db, "head", 1)
    return db


def _without_log_triggers(db: Database, *statements: str) -> None:
    """Tamper as somebody with direct database access would: drop the guard first."""
    if db.is_sqlite:
        run_sql(db, "DROP TRIGGER historyevent_no_update", "DROP TRIGGER historyevent_no_delete",
             *statements)
    else:
        run_sql(db, "ALTER TABLE historyevent DISABLE TRIGGER historyevent_append_only",
             *statements)


def _problem(db: Database) -> str:
    result = verify(db, "admin")
    assert not result.ok
    return result.problems[0]


def test_a_clean_database_verifies(busy: Database) -> None:
    result = verify(busy, "admin")
    assert result.ok, result.problems
    from registry.templates import SHIPPED

    # the shipped templates, init, two people, the import and the cycle's 8 events
    assert result.events == len(list(SHIPPED.glob("*.docx"))) + 12
    assert result.documents == 4
    assert result.files >= result.documents + 2  # the imported roadmap and the attachment


def test_the_log_refuses_update_and_delete(busy: Database) -> None:
    for statement in ("UPDATE historyevent SET comment = 'подделка' WHERE seq = 3",
                      "DELETE FROM historyevent WHERE seq = 3"):
        with pytest.raises(DBAPIError, match="журнал решений неизменяем"):
            run_sql(busy, statement)
    with pytest.raises(DBAPIError, match="подписанный приказ не изменяется"):
        run_sql(busy, "UPDATE document SET number_text = '01-09/999' WHERE id = 1")
    assert verify(busy, "admin").ok


def test_an_edited_event_is_named(busy: Database) -> None:
    _without_log_triggers(busy, "UPDATE historyevent SET comment = 'иначе' WHERE seq = 7")
    assert "событие № 7" in _problem(busy) and "содержимое изменено" in _problem(busy)


def test_a_deleted_event_is_named(busy: Database) -> None:
    _without_log_triggers(busy, "DELETE FROM historyevent WHERE seq = 12")
    assert _problem(busy) == "после события № 11 пропущены события № 12–12: записи удалены"


def test_reordered_events_are_named(busy: Database) -> None:
    _without_log_triggers(
        busy, "UPDATE historyevent SET seq = -1 WHERE seq = 15",
        "UPDATE historyevent SET seq = 15 WHERE seq = 16",
        "UPDATE historyevent SET seq = 16 WHERE seq = -1")
    problem = _problem(busy)
    assert problem.startswith("событие № 15") and "предыдущее событие" in problem


def test_a_replaced_document_file_is_named(busy: Database) -> None:
    document = get_document(busy, "admin", 2)
    replace_stored(busy, document.file_path, b"PK forged")
    problem = _problem(busy)
    assert problem.startswith("документ 2 (") and "файл изменён: SHA-256" in problem


def test_a_deleted_file_is_named(busy: Database) -> None:
    attachment = next(f for e in history(busy, "1:5@2021", "admin") for f in e["files"]  # type: ignore[attr-defined]
                      if f["name"] == "протокол.txt")
    remove_stored(busy, attachment["path"])
    assert _problem(busy).startswith("файл ") and "отсутствует" in _problem(busy)


def test_a_document_row_changed_behind_the_log_is_named(busy: Database) -> None:
    with busy.reading() as session:
        draft = session.exec(select(Document).where(Document.status == "draft")).first()
    assert draft is not None
    run_sql(busy, f"UPDATE document SET file_sha256 = '{'0' * 64}' WHERE id = {draft.id}")
    assert f"документ {draft.id} (" in _problem(busy)
    assert "изменена в обход журнала (SHA-256 файла: в базе «0000" in _problem(busy)


# ----------------------------------------------------------------------------- roles

def test_roles_are_checked_before_any_change_and_refusals_logged(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    apply_event(db, f"{rid}:1@2021", "start", "clerk")
    apply_event(db, f"{rid}:1@2021", "report", "clerk", comment="отчёт")
    with pytest.raises(PermissionDenied) as error:
        apply_event(db, f"{rid}:1@2021", "analyse", "clerk", comment="выводы")
    assert str(error.value) == ("нет прав: для действия «analyse» нужна роль «head» "
                                "(у пользователя «clerk»: clerk)")
    assert list_activities(db, "clerk", rid, "reported")  # nothing changed
    denied = read_log(db, "admin", user="clerk")[-1]
    assert denied["event"] == "denied" and "нужна роль «head»" in str(denied["comment"])
    with pytest.raises(PermissionDenied, match="«import» нужна роль «clerk»"):
        import_roadmap(db, ZAOZERSK, "head")
    with pytest.raises(PermissionDenied, match="«person_add» нужна роль «admin»"):
        add_person(db, "clerk", "x", "Икс", "", "", ["clerk"])
    assert verify(db, "admin").ok  # refusals are chained like everything else


def test_only_a_head_signs(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    [draft] = apply_event(db, f"{rid}:2@2021", "start", "clerk", order=True).documents
    with pytest.raises(PermissionDenied, match="«sign» нужна роль «head»"):
        sign(db, "clerk", int(str(draft["id"])))
    assert sign(db, "head", int(str(draft["id"]))).status == "signed"


def test_executors_report_only_for_their_own_unit(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    add_person(db, "admin", "school", "Петров Пётр Петрович", "m", "директор", ["executor"],
               unit="МБОУ СОШ № 1")  # a school: «ОО» in the roadmap names it
    add_person(db, "admin", "other", "Сидоров Сидор Сидорович", "m", "заведующий",
               ["executor"], unit="МБДОУ детский сад № 9")  # a kindergarten: not «ОО»
    apply_event(db, f"{rid}:4@2021", "start", "clerk")
    with pytest.raises(PermissionDenied, match="«МБДОУ детский сад № 9» не указан среди "
                                               "ответственных"):
        apply_event(db, f"{rid}:4@2021", "report", "other", comment="отчёт")
    from registry.assignments import act

    with pytest.raises(PermissionDenied, match="вашему подразделению не поручено"):
        act(db, "other", f"{rid}:4@2021", "report", comment="отчёт")
    # the school reports on its own assignment; the department has not reported yet
    assert act(db, "school", f"{rid}:4@2021", "report", comment="отчёт").dest == "reported"
    with pytest.raises(PermissionDenied):
        apply_event(db, f"{rid}:5@2021", "start", "school")


def test_an_auditor_reads_but_changes_nothing(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    add_person(db, "admin", "audit", "Аудитова Анна Сергеевна", "f", "аудитор", ["auditor"])
    assert len(list_activities(db, "audit", rid)) == 21
    assert verify(db, "audit").ok
    with pytest.raises(PermissionDenied):
        apply_event(db, f"{rid}:1@2021", "start", "audit")


def test_grant_and_revoke(db: Database) -> None:
    change_roles(db, "admin", "clerk", "head", grant=True)
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    apply_event(db, f"{rid}:1@2021", "cancel", "clerk", comment="не требуется")
    change_roles(db, "admin", "clerk", "head", grant=False)
    with pytest.raises(PermissionDenied):
        apply_event(db, f"{rid}:2@2021", "cancel", "clerk", comment="не требуется")
    with pytest.raises(KartaError, match="последнего администратора"):
        change_roles(db, "admin", "admin", "admin", grant=False)
    changes = [e for e in read_log(db, "admin") if e["event"] in ("grant", "revoke")]
    assert [(e["event"], e["details"]["after"]) for e in changes] == [  # type: ignore[index]
        ("grant", ["clerk", "head"]), ("revoke", ["clerk"])]


# ----------------------------------------------------------------------------- CLI

def test_audit_commands(karta: Karta, tmp_path: Path) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    assert karta("start", "1:3@2022").exit_code == 0
    result = karta("audit", "verify")
    assert result.exit_code == 0
    assert result.stdout.startswith("Целостность подтверждена: событий ")
    logged = json.loads(karta("audit", "log", "--object", "1:3@2022", "--json").output)
    assert [e["event"] for e in logged] == ["start"]
    everything = json.loads(karta("audit", "log", "--json").output)
    assert [e["seq"] for e in everything] == list(range(1, len(everything) + 1))
    out = tmp_path / "журнал.csv"
    assert karta("audit", "export", "--format", "csv", "--out", str(out)).exit_code == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][0] == "№" and len(rows) == len(everything) + 1
    assert rows[-1][3] == "начать исполнение" and len(rows[-1][-1]) == 64
    docx_out = tmp_path / "журнал.docx"
    assert karta("audit", "export", "--out", str(docx_out), "--year", "2026").exit_code == 0
    shape = structure(docx_out)
    assert "ЖУРНАЛ ПРИНЯТЫХ РЕШЕНИЙ" in shape["paragraphs"]
    assert len(shape["tables"][0]) == len(everything) + 1
    stored = next(f["path"] for e in everything for f in e["files"])
    karta.tamper(stored, b"tampered")
    result = karta("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("ошибка: нарушена целостность: файл ")
    denied = karta("people", "add", "x", "--name", "Икс", user="nobody")
    assert denied.exit_code == (3 if karta.url.startswith("sqlite") else 2)


def test_people_grant_revoke_commands(karta: Karta) -> None:
    assert karta("people", "add", "ivanova", "--name", "Иванова Мария Петровна",
                 "--role", "executor", "--unit", "ОО").exit_code == 0
    assert karta("people", "grant", "ivanova", "clerk").output.strip() == \
        "Роли «ivanova»: executor, clerk."
    assert karta("people", "revoke", "ivanova", "executor").output.strip() == \
        "Роли «ivanova»: clerk."
    refused = karta("import", str(ZAOZERSK), user="ivanova")
    assert refused.exit_code == 0
    refused = karta("sign", "1", user="ivanova")
    assert refused.exit_code == 7 and "нужна роль «head»" in refused.stderr


def test_a_moved_store_still_verifies(busy: Database, tmp_path: Path) -> None:
    """Files are content-addressed: a store copied elsewhere is found by its layout. With
    PostgreSQL there is no folder to move: the files are in the database."""
    import shutil

    if not busy.is_sqlite:
        assert busy.files_dir is None and not (tmp_path / "files").exists()
        with busy.engine.connect() as connection:
            count = connection.exec_driver_sql("SELECT count(*) FROM storedblob").scalar()
        assert count == 7  # the roadmap, the attachment, four documents and one signed copy
        return
    moved = tmp_path / "elsewhere"
    shutil.move(str(busy.files_dir), str(moved))
    again = Database(busy.url, moved)
    try:
        assert verify(again, "admin").ok
        assert not verify(busy, "admin").ok  # the old place is empty now
    finally:
        again.dispose()


def test_profile_changes_are_logged_and_used(karta: Karta) -> None:
    result = karta("profile", "set", "--head-name", "И.И. Новикова", "--head-position",
                   "Начальник управления образования")
    assert result.exit_code == 0, result.stderr
    assert json.loads(karta("profile", "--json").output)["head_name"] == "И.И. Новикова"
    [entry] = [e for e in json.loads(karta("audit", "log", "--json").output)
               if e["event"] == "profile"]
    assert entry["details"]["after"]["head_name"] == "И.И. Новикова"
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    assert karta("approve", "R1").exit_code == 0
    [document] = json.loads(karta("documents", "--json").output)
    signature = structure(karta.read(document["file"]))["signature"]
    assert signature == [["Начальник управления образования", "И.И. Новикова"]]
    bad = karta("profile", "set", "--tz", "Марс/Олимп")
    assert bad.exit_code == 2 and "неизвестный часовой пояс" in bad.stderr


def test_a_changed_document_snapshot_is_named(busy: Database) -> None:
    """The data a document was made from is vouched for by the log too."""
    with busy.reading() as session:
        report = session.exec(select(Document).where(Document.kind == "report")).first()
    assert report is not None
    forged = report.context.replace("Белокреницкая", "Иванова")
    forged = forged if forged != report.context else report.context.replace("}", ', "x": 1}', 1)
    run_sql(busy, "UPDATE document SET context = '" + forged.replace("'", "''")
         + f"' WHERE id = {report.id}")
    problem = _problem(busy)
    assert problem.startswith(f"документ {report.id} (") and "(данные документа:" in problem


def test_every_state_is_said_in_words_people_read() -> None:
    """No «pending → given» or «returned» left as a key: documents', visas', occurrences'
    and assignments' states in Russian, a shared name told apart by its event."""
    from registry.history import state_words
    from workflow.assignments import assignment_machine
    from workflow.machine import occurrence_machine

    assert state_words("pending") == "ожидает визы" and state_words("given") == "виза получена"
    assert state_words("returned", "visa_returned") == "возвращён с замечаниями"
    assert state_words("returned", "assignment_return") == "возвращено на доработку"
    assert state_words("draft") == "проект" and state_words("in_progress") == "выполняется"
    for state in (*occurrence_machine().states, *assignment_machine().states):
        words = state_words(state, "assignment_report")
        assert words != state and not words.isascii(), state


def test_the_exported_decision_log_reads_in_russian_on_numbered_pages(
        busy: Database, tmp_path: Path) -> None:
    """Issue 23, item 14: every state and event in words («ожидает визы → виза получена»,
    «Журнал регистрации приказов», «действие «отменить»»), people by name, the header row
    repeated on every page, page numbers."""
    import docx

    from registry.audit import export_log
    from registry.journals import continue_journal
    from registry.visas import decide, send_for_visas

    add_person(busy, "admin", "lawyer", "Кузнецова Ирина Олеговна", "f", "юрисконсульт",
               ["clerk"])
    draft = next(d for d in busy_documents(busy) if d.status == "draft")
    send_for_visas(busy, "clerk", draft.id or 0, ["lawyer"])
    decide(busy, "lawyer", draft.id or 0, give=True)
    continue_journal(busy, "admin", "orders", 2030, 64)
    with pytest.raises(PermissionDenied):
        apply_event(busy, "1:6@2021", "cancel", "clerk", comment="не нужно")
    out = export_log(busy, "admin", "docx", tmp_path / "журнал.docx")
    document = docx.Document(str(out))
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    text = "\n".join(" | ".join(row) for row in rows)
    assert "ожидает визы → виза получена" in text
    assert "Журнал регистрации приказов, 2030 год" in text
    assert "действие «отменить»" in text
    assert "нужна роль «руководитель» (роли пользователя: специалист)" in text
    assert "шаблон «аналитическая справка», версия 1" in text
    assert "пользователь Кузнецова Ирина Олеговна" in text
    assert "роли: специалист" in text
    import re

    for row in rows[1:]:  # no internal key of karta left in the words people read
        words = " ".join(row[2:7])
        assert not re.search(r"\b(?:pending|given|returned|orders|notes|reports|cancel|"
                             r"draft|signed|clerk|head|executor)\b", words), row
    header = table.rows[0]._tr.trPr
    assert header is not None and header.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    assert 'w:instr="PAGE"' in document.sections[0].header.paragraphs[0]._p.xml


def busy_documents(db: Database) -> list[Document]:
    with db.reading() as session:
        return list(session.exec(select(Document).order_by(Document.id)))  # type: ignore[arg-type]
