"""Background jobs of the web workspace: on PostgreSQL a queue (procrastinate) that any server
process feeds and any runs, the progress and result in a table every process reads; on
SQLite threads of the one process. A job is its starter's alone and runs as them."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from registry.accounts import set_password
from registry.audit import read_log
from registry.database import Database, utcnow
from registry.jobs import KINDS, QueuedJobs, ThreadJobs, job_kind
from registry.people import add_person, initialise
from registry.roadmaps import list_roadmaps
from tests.conftest import ADMIN_NAME, PG_URL, PROFILE, ZAOZERSK, _pg_schema_url
from tests.test_web import PASSWORDS, Browser
from web.app import create_app


def _people(db: Database) -> None:
    initialise(db, PROFILE, admin_name=ADMIN_NAME)
    add_person(db, "admin", "clerk", "Белокреницкая Елена Викторовна", "f", "специалист",
               ["clerk"])
    add_person(db, "admin", "head", "Андреева Светлана Леонидовна", "f", "начальник",
               ["head"])
    add_person(db, "admin", "school", "Петров Пётр Петрович", "m", "заместитель директора",
               ["executor"], unit="МБОУ СОШ № 1")
    for login in ("admin", "clerk", "head", "school"):
        set_password(db, "admin", login, PASSWORDS[login])


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL schema of its own (set but unreachable: a failure, not a skip)."""
    if PG_URL is None:
        pytest.skip("KARTA_TEST_PG_URL not set (CI sets it)")
    yield from _pg_schema_url()


def _job_id(response: Response) -> str:
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/jobs/([\w-]{20,})", response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1)


def _until_done(client: TestClient, job_id: str, seconds: float = 30) -> Response:
    """Poll a job's page as a browser without JavaScript would, until it is not running."""
    deadline = time.monotonic() + seconds
    while True:
        page = client.get(f"/jobs/{job_id}")
        if page.status_code != 200 or "<progress" not in page.text:
            return page
        assert time.monotonic() < deadline, page.text
        time.sleep(0.1)


def _upload(browser: Browser, name: str, data: bytes) -> str:
    preview = browser.client.post("/roadmaps/import", data={"csrf": browser.csrf},
                                  files={"file": (name, data, "text/plain")})
    assert preview.status_code == 200, preview.text
    return re.search(r'name="upload" value="([^"]+)"', preview.text).group(1)


def test_a_job_started_in_one_process_runs_in_another_and_is_read_by_any(
        pg_url: str, tmp_path: Any) -> None:
    """Two application instances over one PostgreSQL database, as two server processes
    behind a proxy: A runs no worker, B does; what A starts, B runs, and both (and a third
    started afterwards, as after a restart) show it; nobody else sees it."""
    first = Database(pg_url, tmp_path / "files")
    _people(first)
    second = Database(pg_url, tmp_path / "files")
    front = create_app(first, workers=0)  # no worker here: it only starts jobs
    back = create_app(second, workers=1)
    with TestClient(front), TestClient(back):
        assert isinstance(front.state.jobs, QueuedJobs)
        clerk = Browser(front, "clerk")
        elsewhere = TestClient(back, follow_redirects=False, cookies=clerk.client.cookies)

        # «Проверка журнала» started at A, run by B's worker, read through B
        job = _job_id(clerk.post("/audit/verify"))
        page = _until_done(elsewhere, job)
        assert page.status_code == 200 and "Целостность подтверждена" in page.text, page.text
        assert "Целостность подтверждена" in clerk.get(f"/jobs/{job}").text
        with first.engine.connect() as connection:
            row = connection.exec_driver_sql(
                "SELECT state, progress, login, worker, started_at, finished_at FROM job "
                "WHERE id = %(id)s", {"id": job}).one()
        assert row.state == "done" and row.progress == 1.0 and row.login == "clerk"
        assert row.worker and row.started_at <= row.finished_at

        # a roadmap import: uploaded and previewed at A, confirmed at B (the upload is in
        # the file store, found by its key from any process); the job gets its address
        key = _upload(clerk, "карта.txt", ZAOZERSK.read_bytes())
        job = _job_id(elsewhere.post("/roadmaps/import/confirm",
                                     data={"upload": key, "csrf": clerk.csrf}))
        with first.engine.connect() as connection:
            arguments = connection.exec_driver_sql(
                "SELECT arguments FROM job WHERE id = %(id)s", {"id": job}).scalar()
        assert re.search(r'"address": "sources/[0-9a-f]{2}/[0-9a-f]{64}\.txt"', arguments)
        page = _until_done(elsewhere, job)
        assert page.status_code == 303, page.text
        assert re.fullmatch(r"/roadmaps/\d+\?imported=1", page.headers["location"])
        with_htmx = elsewhere.get(f"/jobs/{job}", headers={"HX-Request": "true"})
        assert with_htmx.headers["HX-Redirect"] == page.headers["location"]
        assert [r["title"] for r in list_roadmaps(first, "clerk")] != []
        imported = [e for e in read_log(first, "admin") if e["event"] == "import"]
        assert len(imported) == 1 and imported[0]["user"] == "clerk"
        assert imported[0]["details"]["client"] == "веб, testclient"

        # the same file again, not confirmed as a repeat: the job fails with one line
        key = _upload(clerk, "карта.txt", ZAOZERSK.read_bytes())
        refused = Browser(front, "head").post("/roadmaps/import/confirm", {"upload": key})
        assert refused.status_code == 400 and "Загруженный файл не найден" in refused.text
        job = _job_id(clerk.post("/roadmaps/import/confirm", {"upload": key}))
        page = _until_done(elsewhere, job)
        assert page.status_code == 200 and 'class="error"' in page.text
        assert "уже импортирован" in page.text

        # another person, of the same organisation, even with the id: not found
        for login in ("head", "admin"):
            other = Browser(back, login)
            refused = other.get(f"/jobs/{job}")
            assert refused.status_code == 404 and "нет такого задания" in refused.text
        assert Browser(front, "head").get(f"/jobs/{job[:-1]}x").status_code == 404

        # an executor may not verify the log: refused when starting, and the refusal logged
        refused = Browser(front, "school").post("/audit/verify")
        assert refused.status_code == 403
        assert any(e["event"] == "denied" and e["user"] == "school"
                   for e in read_log(first, "admin"))

    # after a restart: a new instance still shows the finished job, and one whose process
    # died while running it is shown as stopped, not running for ever
    third = Database(pg_url, tmp_path / "files")
    with first.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE job SET state = 'running', stage = 'цепочка событий', "
            "heartbeat_at = %(old)s, finished_at = NULL WHERE id = %(id)s",
            {"old": utcnow() - timedelta(minutes=5), "id": job})
    restarted = create_app(third, workers=0)
    with TestClient(restarted):
        clerk = Browser(restarted, "clerk")
        page = clerk.get(f"/jobs/{job}")
        assert page.status_code == 200 and "<progress" not in page.text
        assert "задание прервано" in page.text
    for database in (first, second, third):
        database.dispose()


def test_progress_shows_while_a_job_runs_and_the_server_keeps_answering(
        pg_url: str, tmp_path: Any) -> None:
    """The worker runs on the server's event loop and the job's body in a thread: while a
    job is busy, pages (its own progress among them) are answered."""
    release = threading.Event()

    @job_kind("test_slow", "Долгое задание")
    def slow(db: Database, login: str, arguments: dict[str, Any], report: Any
             ) -> dict[str, Any]:
        report("первая половина", 0.5)
        assert release.wait(30)
        return {"halves": 2}

    db = Database(pg_url, tmp_path / "files")
    try:
        _people(db)
        app = create_app(db, workers=1)
        # requests through this client run on the loop the worker runs on
        with TestClient(app, follow_redirects=False) as server:
            server.cookies = Browser(app, "clerk").client.cookies
            job = app.state.jobs.start("test_slow", "clerk")
            deadline = time.monotonic() + 20
            while "первая половина" not in (page := server.get(f"/jobs/{job.id}")).text:
                assert time.monotonic() < deadline, page.text
                time.sleep(0.05)
            assert '<progress max="100" value="50">' in page.text
            started = time.monotonic()
            assert server.get("/roadmaps").status_code == 200
            assert time.monotonic() - started < 5
            release.set()
            page = _until_done(server, job.id)
            assert "Готово." in page.text
            assert app.state.jobs.get(job.id, "clerk").result == {"halves": 2}
    finally:
        release.set()
        KINDS.pop("test_slow", None)
        db.dispose()


def test_a_queued_job_says_when_no_process_runs_jobs_and_old_ones_go(pg_url: str,
                                                                   tmp_path: Any) -> None:
    db = Database(pg_url, tmp_path / "files")
    _people(db)
    app = create_app(db, workers=0)
    with TestClient(app):
        clerk = Browser(app, "clerk")
        job = _job_id(clerk.post("/audit/verify"))
        assert "Задание ждёт своей очереди" in clerk.get(f"/jobs/{job}").text
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE job SET created_at = %(old)s WHERE id = %(id)s",
                {"old": utcnow() - timedelta(minutes=5), "id": job})
        waiting = clerk.get(f"/jobs/{job}").text  # the clerk reads it in words, not commands
        assert "сейчас задания никто не выполняет" in waiting and "karta serve" not in waiting
        assert "сообщите администратору" in waiting
        with db.engine.begin() as connection:  # finished long ago: gone at the next start
            connection.exec_driver_sql(
                "UPDATE job SET state = 'done', finished_at = %(old)s WHERE id = %(id)s",
                {"old": utcnow() - timedelta(days=40), "id": job})
        _job_id(clerk.post("/audit/verify"))
        assert clerk.get(f"/jobs/{job}").status_code == 404
    db.dispose()


def test_the_queue_schema_is_applied_by_init_and_again_is_no_change(pg_url: str,
                                                                    tmp_path: Any) -> None:
    """(A database made before the queue gets it from ``karta upgrade``: test_schema.)"""
    from registry.queue import ensure_queue_schema
    from registry.schema import HEAD, upgrade

    db = Database(pg_url, tmp_path / "files")
    _people(db)
    with db.engine.begin() as connection:
        assert connection.exec_driver_sql(
            "SELECT to_regclass('procrastinate_jobs') IS NOT NULL").scalar()
        assert ensure_queue_schema(connection) is False  # there already: nothing done
    assert upgrade(db, "admin") == (HEAD, HEAD)
    db.dispose()


def test_the_queue_schema_follows_procrastinate_versions(pg_url: str, tmp_path: Any,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """karta notes which procrastinate made the queue's schema; ``karta upgrade`` applies
    procrastinate's migrations since then, and a worker refuses a queue not brought up to
    date."""
    from registry import queue
    from registry.schema import upgrade
    from workflow.errors import ConfigurationError

    names = [p.name for p in queue.pending_migrations("3.2.0", "3.4.0")]
    assert [n[:8] for n in names] == ["03.03.00", "03.04.00", "03.04.00"]
    assert "_pre_" in names[1] and "_post_" in names[2]
    db = Database(pg_url, tmp_path / "files")
    _people(db)
    queue.require_queue_current(db)
    with db.engine.connect() as connection:
        assert queue._stamped(connection) == queue.installed_version()
    # a newer procrastinate with a migration of its own, and one from before the stamp
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "03.09.00_01_pre_old.sql").write_text("SELECT 1/0;")  # applied already
    (folder / "99.01.00_01_pre_new.sql").write_text(
        "CREATE TABLE procrastinate_karta_test (id integer);")
    monkeypatch.setattr("procrastinate.schema.migrations_path", folder)
    monkeypatch.setattr(queue, "installed_version", lambda: "99.1.0")
    with pytest.raises(ConfigurationError, match="выполните «karta upgrade»"):
        queue.require_queue_current(db)
    upgrade(db, "admin")
    queue.require_queue_current(db)
    with db.engine.connect() as connection:
        assert queue._stamped(connection) == "99.1.0"
        assert connection.exec_driver_sql(
            "SELECT to_regclass('procrastinate_karta_test') IS NOT NULL").scalar()
    monkeypatch.setattr(queue, "installed_version", lambda: "3.10.0")  # an older karta
    with pytest.raises(ConfigurationError, match="обновите karta"):
        upgrade(db, "admin")
    db.dispose()


def test_serve_refuses_a_queue_made_by_a_newer_procrastinate(pg_url: str,
                                                             tmp_path: Any) -> None:
    from tests.conftest import Karta

    karta = Karta(pg_url, tmp_path)
    made = karta("init", "--org", PROFILE.full_name, "--admin-name", ADMIN_NAME, user=None)
    assert made.exit_code == 0, made.output
    db = karta.database()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("COMMENT ON TABLE procrastinate_jobs IS "
                                   "'procrastinate 99.0.0'")
    db.dispose()
    refused = karta("serve", "--port", "1", user=None)
    assert refused.exit_code == 2
    assert "очередь заданий в базе создана procrastinate 99.0.0" in refused.stderr
    assert "обновите karta" in refused.stderr


def test_on_sqlite_jobs_run_in_threads_of_the_server(sqlite_url: str, tmp_path: Any) -> None:
    db = Database(sqlite_url, tmp_path / "files")
    _people(db)
    app = create_app(db)
    with TestClient(app):
        assert isinstance(app.state.jobs, ThreadJobs)
        clerk = Browser(app, "clerk")
        key = _upload(clerk, "карта.txt", ZAOZERSK.read_bytes())
        job = _job_id(clerk.post("/roadmaps/import/confirm", {"upload": key}))
        page = _until_done(clerk.client, job)
        assert page.status_code == 303, page.text
        roadmap = page.headers["location"]
        assert "импорт" in clerk.get(roadmap).text.lower()
        imported = [e for e in read_log(db, "admin") if e["event"] == "import"]
        assert imported[0]["user"] == "clerk"
        assert imported[0]["details"]["client"] == "веб, testclient"
        # with htmx, the verify job's progress comes in place
        started = clerk.post("/audit/verify", headers={"HX-Request": "true"})
        assert started.status_code == 200 and 'hx-get="/jobs/' in started.text
        head = Browser(app, "head")
        refused = head.get(f"/jobs/{job}")
        assert refused.status_code == 404 and "нет такого задания" in refused.text
    db.dispose()


def test_a_failing_job_is_an_incident_with_its_number(sqlite_url: str, tmp_path: Any,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setenv("KARTA_ERROR_LOG", str(tmp_path / "errors.log"))
    db = Database(sqlite_url, tmp_path / "files")
    _people(db)

    @job_kind("test_broken", "Сломанное задание")
    def broken(db: Database, login: str, arguments: dict[str, Any], report: Any
               ) -> dict[str, Any]:
        report("половина", 0.5)
        raise RuntimeError("внутренняя ошибка")

    try:
        jobs = ThreadJobs(db)
        job = jobs.start("test_broken", "clerk")
        for _ in range(100):
            if jobs.get(job.id, "clerk").done:
                break
            time.sleep(0.05)
        found = jobs.get(job.id, "clerk")
        assert found.state == "failed" and "инцидент" in found.error
        assert "внутренняя ошибка" in (tmp_path / "errors.log").read_text(encoding="utf-8")
    finally:
        KINDS.pop("test_broken", None)
    db.dispose()


def test_a_job_read_while_it_runs_does_not_change_under_the_reader(sqlite_url: str,
                                                                   tmp_path: Any) -> None:
    """A page decides on what it read (go on to the roadmap, or show the progress and poll
    again): a job finishing between its two looks left the browser on «готово» with neither.
    What ``get`` returns is the job at one moment."""
    db = Database(sqlite_url, tmp_path / "files")
    _people(db)
    release = threading.Event()

    @job_kind("test_held", "Задержанное задание")
    def held(db: Database, login: str, arguments: dict[str, Any], report: Any
             ) -> dict[str, Any]:
        report("середина", 0.5)
        assert release.wait(30)
        return {"roadmap": 1}

    try:
        jobs = ThreadJobs(db)
        job = jobs.start("test_held", "clerk")
        deadline = time.monotonic() + 20
        while (seen := jobs.get(job.id, "clerk")).stage != "середина":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        release.set()
        while not jobs.get(job.id, "clerk").done:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert (seen.state, seen.result, seen.done) == ("running", None, False)
        now = jobs.get(job.id, "clerk")
        assert (now.state, now.result, now.progress) == ("done", {"roadmap": 1}, 1.0)
    finally:
        release.set()
        KINDS.pop("test_held", None)
    db.dispose()


def test_a_clerk_starts_a_month_of_a_roadmap_from_its_page(sqlite_url: str,
                                                            tmp_path: Any) -> None:
    """The roadmap page offers the months that have planned occurrences; starting one is a
    background job whose page names every start and its draft order; each start is the
    clerk's own decision in the log, from the web. Others get no form and a refusal."""
    from registry.roadmaps import import_roadmap

    db = Database(sqlite_url, tmp_path / "files")
    _people(db)
    import_roadmap(db, ZAOZERSK, "clerk")
    app = create_app(db)
    with TestClient(app):
        clerk = Browser(app, "clerk")
        page = clerk.get("/roadmaps/1")
        assert "Начать исполнения за месяц" in page.text
        assert '<option value="2022-12">декабрь 2022 — запланировано 21</option>' in page.text
        refused = clerk.post("/roadmaps/1/start-due", {"month": "2022-13"})
        assert refused.status_code == 400 and \
            "Выберите месяц, исполнения которого начать" in refused.text
        job = _job_id(clerk.post("/roadmaps/1/start-due", {"month": "2022-12", "order": "1"}))
        done = _until_done(clerk.client, job)
        assert done.status_code == 200, done.text
        assert "R1: начато 21 из 21 запланированных исполнений со сроком с 01.12.2022 по " \
               "31.12.2022." in done.text
        assert done.text.count("(проект)") == 21
        assert '<a href="/o/1%3A9%402022">1:9@2022</a>' in done.text
        starts = [e for e in read_log(db, "admin") if e["event"] == "start"]
        assert len(starts) == 21 and {e["user"] for e in starts} == {"clerk"}
        assert {e["details"]["client"] for e in starts} == {"веб, testclient"}
        # December has nothing planned any more
        assert 'value="2022-12"' not in clerk.get("/roadmaps/1").text
        head = Browser(app, "head")
        assert "Начать исполнения за месяц" not in head.get("/roadmaps/1").text
        denied = head.post("/roadmaps/1/start-due", {"month": "2023-12"})
        assert denied.status_code == 403 and "Нет прав" in denied.text
    assert [e for e in read_log(db, "admin") if e["event"] == "start"
            and e["object"].endswith("@2023")] == []
    db.dispose()


def test_the_clerk_chooses_proposed_indicators_in_the_preview(sqlite_url: str,
                                                              tmp_path: Any) -> None:
    """Issue 22, item 2, in the browser: the preview offers each proposed indicator with a
    box to tick and its code and name to edit; only the ticked ones are created, with the
    roadmap, keeping the phrase they came from."""
    from registry.indicators import list_indicators
    from tests.conftest import SEEDS

    db = Database(sqlite_url, tmp_path / "files")
    _people(db)
    app = create_app(db)
    with TestClient(app):
        clerk = Browser(app, "clerk")
        preview = clerk.client.post("/roadmaps/import", data={"csrf": clerk.csrf}, files={
            "file": ("карта.txt", (SEEDS / "yeniseisk_roadmap.txt").read_bytes(),
                     "text/plain")})
        assert preview.status_code == 200
        assert preview.text.count('name="indicator"') == 20
        assert 'name="indicator-name-1"' in preview.text and "checked" not in preview.text
        key = re.search(r'name="upload" value="([^"]+)"', preview.text).group(1)
        job = _job_id(clerk.post("/roadmaps/import/confirm", {
            "upload": key, "indicator": "1", "indicator-code-1": "НОР-1",
            "indicator-name-1": "Участие педагогов школ с НОР в ГМО"}))
        assert _until_done(clerk.client, job).status_code == 303
    found = list_indicators(db, "clerk")
    assert [(i.code, i.name) for i in found] == [("НОР-1", "Участие педагогов школ с НОР в "
                                                           "ГМО")]
    assert found[0].source_phrase == "Участие педагогов школ с НОР в работе ГМО (100%)"
    db.dispose()
