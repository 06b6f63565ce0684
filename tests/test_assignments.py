"""Every school executes and reports (issue 20): one occurrence, an assignment per executor,
each school's report accepted or returned, the department sees who has not reported."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pytest

from registry.assignments import act, collect, discipline, list_assignments
from registry.database import Database
from registry.occurrences import apply_event, show
from registry.people import add_person
from registry.roadmaps import import_roadmap
from registry.verify import verify
from tests.conftest import ZAOZERSK, Karta, pinned_today
from workflow.errors import ConcurrentUpdate, KartaError, PermissionDenied, TransitionNotAllowed

DEPARTMENT = "МКУ «Управление образования ЗАТО город Заозерск»"
SCHOOLS = ("МБОУ СОШ № 1", "МБОУ СОШ № 12")


@pytest.fixture
def schools(db: Database) -> Database:
    """Two schools with a person each (СОШ № 1 and № 12: never confused), the Заозерск
    roadmap; 1:5 («МКУ «Управление образования…», ОО») started."""
    add_person(db, "admin", "school1", "Петров Пётр Петрович", "m", "завуч", ["executor"],
               unit=SCHOOLS[0])
    add_person(db, "admin", "school12", "Сидорова Анна Ивановна", "f", "завуч", ["executor"],
               unit=SCHOOLS[1])
    import_roadmap(db, ZAOZERSK, "clerk")
    apply_event(db, "1:5@2021", "start", "clerk")
    return db


def _states(db: Database) -> dict[str, str]:
    return {row.executor: row.state for row in list_assignments(db, "clerk", "1:5@2021")}


def test_starting_assigns_every_executor_the_activity_names(schools: Database) -> None:
    rows = list_assignments(schools, "clerk", "1:5@2021")
    assert [row.executor for row in rows] == [DEPARTMENT, *SCHOOLS]
    assert {row.state for row in rows} == {"assigned"}
    department, *school_rows = rows
    # schools report 5 working days before the department's own deadline (30.12.2021)
    assert department.due == date(2021, 12, 30)
    assert {row.due for row in school_rows} == {date(2021, 12, 23)}


def test_a_school_sees_and_reports_its_own_assignment_only(schools: Database) -> None:
    assert [row.executor for row in list_assignments(schools, "school1", "1:5@2021")] == \
        [SCHOOLS[0]]
    step = act(schools, "school1", "1:5@2021", "report", comment="Проверка проведена")
    assert (step.executor, step.dest) == (SCHOOLS[0], "reported")
    with pytest.raises(PermissionDenied, match="не вашего подразделения"):
        act(schools, "school1", "1:5@2021", "report", unit=SCHOOLS[1], comment="чужое")
    with pytest.raises(PermissionDenied):
        act(schools, "school1", "1:5@2021", "accept", unit=SCHOOLS[0])  # not its own check
    with pytest.raises(KartaError, match="отчёт представляется по заданию"):
        apply_event(schools, "1:5@2021", "report", "school12", comment="на всё исполнение")
    assert show(schools, "1:5@2021", "clerk")["occurrence"]["state"] == "in_progress"  # type: ignore[index]
    assert _states(schools) == {DEPARTMENT: "assigned", SCHOOLS[0]: "reported",
                                SCHOOLS[1]: "assigned"}


def test_returned_reports_come_back_and_the_last_acceptance_collects(
        schools: Database) -> None:
    act(schools, "school1", "1:5@2021", "report", comment="Проверка проведена")
    act(schools, "school12", "1:5@2021", "report", comment="Проведено")
    act(schools, "head", "1:5@2021", "return", unit=SCHOOLS[1], comment="Нет протоколов")
    with pytest.raises(TransitionNotAllowed):
        act(schools, "head", "1:5@2021", "accept", unit=SCHOOLS[1])
    act(schools, "school12", "1:5@2021", "report", comment="Протоколы приложены")
    act(schools, "clerk", "1:5@2021", "report", unit=DEPARTMENT, comment="Совещание проведено")
    for executor in (SCHOOLS[0], DEPARTMENT):
        assert not act(schools, "head", "1:5@2021", "accept", unit=executor).collected
    last = act(schools, "head", "1:5@2021", "accept", unit=SCHOOLS[1])
    assert last.collected
    assert show(schools, "1:5@2021", "clerk")["occurrence"]["state"] == "reported"  # type: ignore[index]
    returned = [row for row in list_assignments(schools, "clerk", "1:5@2021") if row.returns]
    assert [row.executor for row in returned] == [SCHOOLS[1]]
    # the summary report names every executor's report
    with schools.engine.connect() as connection:
        context = json.loads(connection.exec_driver_sql(
            "SELECT context FROM document WHERE kind = 'report' ORDER BY id DESC").scalar())
    assert [e["name"] for e in context["report"]["executors"]] == [DEPARTMENT, *SCHOOLS]
    assert "МБОУ СОШ № 12: Протоколы приложены" in context["report"]["text"]
    assert context["report"]["not_reported"] == []
    analysed = apply_event(schools, "1:5@2021", "analyse", "head", comment="выводы")
    assert analysed.dest == "analysed"
    # the сводная справка: a row for each executor's accepted report
    from tests.docx_structure import structure

    note = next(d for d in analysed.documents if d["kind"] == "analytic_note")
    tables = structure(schools.store.read(str(note["file"])))["tables"]
    by_school = next(t for t in tables if t[0] == ["№", "Исполнитель", "Что сделано", "Отчёт"])
    assert [row[1] for row in by_school[1:]] == [DEPARTMENT, *SCHOOLS]
    assert by_school[3][2] == "Протоколы приложены."
    assert verify(schools, "admin").ok


def test_closing_the_collection_early_names_who_did_not_report(schools: Database) -> None:
    act(schools, "school1", "1:5@2021", "report", comment="Проверка проведена")
    act(schools, "head", "1:5@2021", "accept", unit=SCHOOLS[0])
    with pytest.raises(KartaError, match="не представили или не приняты: МКУ.*СОШ № 12"):
        collect(schools, "clerk", "1:5@2021")
    result = collect(schools, "clerk", "1:5@2021", comment="срок истёк")
    assert result.dest == "reported"
    with schools.engine.connect() as connection:
        details = json.loads(connection.exec_driver_sql(
            "SELECT details FROM historyevent WHERE event = 'collect'").scalar())
    assert details["collected"]["not_reported"] == [DEPARTMENT, SCHOOLS[1]]
    with pytest.raises(KartaError, match="не в работе"):  # nothing moves any more
        act(schools, "school12", "1:5@2021", "report", comment="поздно")


def test_a_clerk_s_report_on_the_occurrence_closes_it_for_all_and_names_the_rest(
        schools: Database) -> None:
    act(schools, "school1", "1:5@2021", "report", comment="Проверка проведена")
    done = apply_event(schools, "1:5@2021", "report", "clerk", comment="Сводный отчёт")
    assert done.dest == "reported"
    with schools.engine.connect() as connection:
        context = json.loads(connection.exec_driver_sql(
            "SELECT context FROM document WHERE kind = 'report'").scalar())
    # none accepted; the department's own share is the clerk's report itself
    assert context["report"]["not_reported"] == list(SCHOOLS)
    assert {e["name"]: e["state"] for e in context["report"]["executors"]}[SCHOOLS[0]] == \
        "reported"


def test_a_unit_can_be_left_out_or_withdrawn_with_a_reason(db: Database) -> None:
    add_person(db, "admin", "school1", "Петров Пётр Петрович", "m", "завуч", ["executor"],
               unit=SCHOOLS[0])
    add_person(db, "admin", "school12", "Сидорова Анна Ивановна", "f", "завуч", ["executor"],
               unit=SCHOOLS[1])
    import_roadmap(db, ZAOZERSK, "clerk")
    with pytest.raises(KartaError, match="среди исполнителей нет: мбоу сош № 3"):
        apply_event(db, "1:5@2021", "start", "clerk", without=["МБОУ СОШ № 3"])
    apply_event(db, "1:5@2021", "start", "clerk", without=[SCHOOLS[1]])
    assert [row.executor for row in list_assignments(db, "clerk", "1:5@2021")] == \
        [DEPARTMENT, SCHOOLS[0]]
    with pytest.raises(KartaError, match="причину"):
        act(db, "clerk", "1:5@2021", "withdraw", unit=SCHOOLS[0])
    act(db, "clerk", "1:5@2021", "withdraw", unit=SCHOOLS[0], comment="школа на ремонте")
    act(db, "clerk", "1:5@2021", "report", unit=DEPARTMENT, comment="сделано")
    assert act(db, "head", "1:5@2021", "accept", unit=DEPARTMENT).collected


def test_two_reports_at_once_and_two_clerks_at_once_one_wins(schools: Database) -> None:
    outcomes: list[object] = []

    def attempt(event: str, login: str, **options: object) -> None:
        try:
            outcomes.append(act(schools, login, "1:5@2021", event, **options).dest)  # type: ignore[arg-type]
        except (ConcurrentUpdate, TransitionNotAllowed) as error:
            outcomes.append(type(error).__name__)

    for event, login, options in (("report", "school1", {"comment": "отчёт"}),
                                  ("accept", "clerk", {"unit": SCHOOLS[0]})):
        outcomes.clear()
        threads = [threading.Thread(target=attempt, args=(event, login), kwargs=options)
                   for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len([o for o in outcomes if o in ("accepted", "reported")]) == 1, outcomes
    assert verify(schools, "admin").ok


def test_the_discipline_table_counts_on_time_late_returned_and_missing(
        schools: Database) -> None:
    with pinned_today(date(2021, 12, 20)):
        act(schools, "school1", "1:5@2021", "report", comment="в срок")
    with pinned_today(date(2022, 1, 20)):
        rows = {row["executor"]: row for row in discipline(schools, "clerk", 2021)}
        assert rows[SCHOOLS[0]]["on_time"] == 1 and rows[SCHOOLS[0]]["not_reported"] == 0
        assert rows[SCHOOLS[1]]["not_reported"] == 1 and rows[SCHOOLS[1]]["assigned"] == 1
        assert [row["executor"] for row in discipline(schools, "school12", 2021)] == \
            [SCHOOLS[1]]  # a school sees its own line only


def test_a_report_with_too_many_files_is_refused_and_nothing_changes(
        schools: Database, tmp_path: Path) -> None:
    files = []
    for number in range(11):
        path = tmp_path / f"приложение {number}.txt"
        path.write_text("данные", encoding="utf-8")
        files.append(path)
    with pytest.raises(KartaError, match="не больше 10 файлов"):
        act(schools, "school1", "1:5@2021", "report", comment="отчёт", files=files)
    assert _states(schools)[SCHOOLS[0]] == "assigned"


def test_the_command_line_lists_reports_and_accepts(karta: Karta) -> None:
    for login, name, unit in (("school1", "Петров Пётр Петрович", SCHOOLS[0]),
                              ("school12", "Сидорова Анна Ивановна", SCHOOLS[1])):
        assert karta("people", "add", login, "--name", name, "--gender", "ж",
                     "--role", "исполнитель", "--unit", unit).exit_code == 0
    assert karta("people", "add", "clerk", "--name", "Белокреницкая Елена Викторовна",
                 "--gender", "ж", "--role", "специалист").exit_code == 0
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    assert karta("start", "1:5@2021", user="clerk").exit_code == 0
    listed = karta("assignments", "1:5@2021", "--json", user="clerk")
    assert [row["executor"] for row in json.loads(listed.stdout)] == [DEPARTMENT, *SCHOOLS]
    reported = karta("report", "1:5@2021", "-m", "Проверка проведена", user="school1")
    assert reported.exit_code == 0, reported.stderr
    assert "МБОУ СОШ № 1: назначено → отчёт представлен" in reported.stdout
    own = karta("assignments", "1:5@2021", "--json", user="school12")
    assert [row["executor"] for row in json.loads(own.stdout)] == [SCHOOLS[1]]
    accepted = karta("accept", "1:5@2021", "--unit", SCHOOLS[0], user="clerk")
    assert accepted.exit_code == 0 and "отчёт принят" in accepted.stdout
    refused = karta("collect", "1:5@2021", user="clerk")
    assert refused.exit_code == 1 and "не представили или не приняты" in refused.stderr
    closed = karta("collect", "1:5@2021", "-m", "срок истёк", user="clerk")
    assert closed.exit_code == 0 and "выполняется → отчёт представлен" in closed.stdout
    table = karta("discipline", "--year", "2021", user="clerk")
    assert table.exit_code == 0 and SCHOOLS[1] in table.stdout


def _browser(app: object, login: str, password: str) -> tuple[object, str]:
    import re

    from fastapi.testclient import TestClient

    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    nonce = re.search(r'name="nonce" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"login": login, "password": password, "nonce": nonce,
                                       "next": "/"}).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    return client, csrf


def test_files_a_school_sent_open_for_the_department_and_that_school_only(
        schools: Database, tmp_path: Path) -> None:
    import docx

    from registry.accounts import set_password
    from web.app import create_app

    for login in ("school1", "school12", "head"):
        set_password(schools, "admin", login, f"пароль-{login}-1")
    report = tmp_path / "Отчёт СОШ 1.docx"
    document = docx.Document()
    document.add_paragraph("Отчёт МБОУ СОШ № 1: приняли участие 4 учителя.")
    document.save(str(report))
    act(schools, "school1", "1:5@2021", "report", comment="в приложении", files=[report])
    app = create_app(schools)
    school1, _ = _browser(app, "school1", "пароль-school1-1")
    page = school1.get("/o/1:5@2021")  # type: ignore[attr-defined]
    import re

    sha = re.search(r'/files/([0-9a-f]{64})"', page.text).group(1)
    for client_login in ("school1", "head"):
        client, _ = _browser(app, client_login, f"пароль-{client_login}-1")
        shown = client.get(f"/o/1:5@2021/files/{sha}")  # type: ignore[attr-defined]
        assert shown.status_code == 200 and "Отчёт СОШ 1.docx" in shown.text
        download = client.get(f"/o/1:5@2021/files/{sha}/file")  # type: ignore[attr-defined]
        assert download.status_code == 200 and download.content == report.read_bytes()
    other, _ = _browser(app, "school12", "пароль-school12-1")
    for path in (f"/o/1:5@2021/files/{sha}", f"/o/1:5@2021/files/{sha}/file",
                 f"/o/1:5@2021/files/{sha}/page/1.png"):
        assert other.get(path).status_code == 404, path  # type: ignore[attr-defined]
    assert "Отчёт СОШ 1.docx" not in other.get("/o/1:5@2021").text  # type: ignore[attr-defined]
    assert "в приложении" not in other.get("/o/1:5@2021").text  # type: ignore[attr-defined]


def test_a_school_asks_for_more_time_and_the_department_decides(schools: Database) -> None:
    from registry.assignments import decide_extension, request_extension

    with pinned_today(date(2021, 12, 20)):
        with pytest.raises(KartaError, match="причину"):
            request_extension(schools, "school1", "1:5@2021", date(2021, 12, 29), "")
        with pytest.raises(KartaError, match="не позже нынешнего"):
            request_extension(schools, "school1", "1:5@2021", date(2021, 12, 22), "болезнь")
        request_extension(schools, "school1", "1:5@2021", date(2021, 12, 29),
                          "учитель на больничном")
        with pytest.raises(PermissionDenied):
            decide_extension(schools, "school12", "1:5@2021", SCHOOLS[0], True)
        with pytest.raises(KartaError, match="причину отказа"):
            decide_extension(schools, "head", "1:5@2021", SCHOOLS[0], False)
        decide_extension(schools, "head", "1:5@2021", SCHOOLS[0], True, "согласовано")
        with pytest.raises(KartaError, match="никто не просил"):
            decide_extension(schools, "head", "1:5@2021", SCHOOLS[0], True)
    due = {row.executor: row.due for row in list_assignments(schools, "clerk", "1:5@2021")}
    assert due[SCHOOLS[0]] == date(2021, 12, 29) and due[SCHOOLS[1]] == date(2021, 12, 23)
    assert verify(schools, "admin").ok


def test_a_start_after_the_deadline_takes_a_new_one_into_the_order_and_the_assignments(
        db: Database) -> None:
    add_person(db, "admin", "school1", "Петров Пётр Петрович", "m", "завуч", ["executor"],
               unit=SCHOOLS[0])
    import_roadmap(db, ZAOZERSK, "clerk")
    with pinned_today(date(2022, 3, 1)):
        with pytest.raises(KartaError, match="уже прошёл"):
            apply_event(db, "1:5@2021", "start", "clerk", new_due=date(2022, 2, 1))
        started = apply_event(db, "1:5@2021", "start", "clerk", order=True,
                              new_due=date(2022, 3, 31))
    assert show(db, "1:5@2021", "clerk")["occurrence"]["due"] == "2022-03-31"  # type: ignore[index]
    due = {row.executor: row.due for row in list_assignments(db, "clerk", "1:5@2021")}
    assert due[DEPARTMENT] == date(2022, 3, 31) and due[SCHOOLS[0]] < date(2022, 3, 31)
    from tests.docx_structure import text_of

    order = text_of(db.store.read(str(started.documents[0]["file"])))
    assert "31.03.2022" in order.replace("\u00a0", " ") and "30.12.2021" not in order
    assert verify(db, "admin").ok
