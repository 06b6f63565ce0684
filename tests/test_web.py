"""The web workspace over HTTP, in process: every route needs a session, every form its CSRF
token, every role only its own actions and data; uploads are checked; output is escaped."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from registry.accounts import set_password
from registry.audit import read_log
from registry.database import Database
from registry.people import add_person
from registry.roadmaps import import_roadmap
from tests.conftest import ZAOZERSK, office_today
from tests.docx_structure import structure
from web.app import create_app

PASSWORDS = {login: f"пароль-{login}-2026" for login in
             ("admin", "clerk", "head", "school", "kinder", "auditor")}
GET_PAGES = ["/", "/roadmaps", "/roadmaps/import", "/roadmaps/1", "/o/1:5@2021", "/documents",
             "/documents/1", "/documents/1/file.docx", "/deadlines", "/audit", "/admin",
             "/audit/export.csv", "/indicators", "/indicators/form", "/indicators/export.xlsx",
             "/indicators/%D0%9F1", "/indicators/%D0%9F1/chart.png"]
POST_FORMS = ["/logout", "/roadmaps/import", "/roadmaps/import/confirm", "/o/1:5@2021/start",
              "/documents/1/sign", "/documents/1/correct", "/documents/1/revise",
              "/documents/1/route", "/documents/1/visa", "/documents/1/return",
              "/roadmaps/1/basis", "/roadmaps/1/start-due", "/roadmaps/1/yearly",
              "/deadlines/calendar",
              "/audit/verify", "/admin/people", "/admin/people/clerk/role",
              "/admin/people/clerk/password", "/admin/units", "/admin/units/map",
              "/admin/profile", "/admin/templates", "/admin/templates/report/1/activate",
              "/admin/rules", "/admin/rules/1/remove", "/indicators", "/indicators/form",
              "/indicators/%D0%9F1/target", "/indicators/%D0%9F1/decide", "/indicators/note"]


@pytest.fixture
def site(db: Database) -> Iterator[Any]:
    """The application over a database with a roadmap, a started occurrence with its draft
    order, and people of every role with passwords."""
    from registry.occurrences import apply_event

    add_person(db, "admin", "school", "Петров Пётр Петрович", "m", "заместитель директора",
               ["executor"], unit="МБОУ СОШ № 1")
    add_person(db, "admin", "kinder", "Сидорова Анна Ивановна", "f", "заведующий",
               ["executor"], unit="МБДОУ детский сад № 9")
    add_person(db, "admin", "auditor", "Смирнова Ольга Павловна", "f", "аудитор",
               ["auditor"])
    for login, password in PASSWORDS.items():
        set_password(db, "admin", login, password)
    import_roadmap(db, ZAOZERSK, "clerk")
    apply_event(db, "1:5@2021", "start", "clerk", order=True)
    app = create_app(db)
    with TestClient(app):  # its lifespan: on PostgreSQL, the worker of the job queue
        yield app


class Browser:
    """A TestClient signed in as one person, with the CSRF token of its session."""

    def __init__(self, app: Any, login: str | None = None) -> None:
        self.client = TestClient(app, follow_redirects=False)
        self.csrf = ""
        if login:
            response = self.sign_in(login, PASSWORDS[login])
            assert response.status_code == 303, response.text
            page = self.client.get("/")
            self.csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def sign_in(self, login: str, password: str, next_page: str = "/") -> Response:
        form = self.client.get("/login")
        nonce = re.search(r'name="nonce" value="([^"]+)"', form.text).group(1)
        return self.client.post("/login", data={"login": login, "password": password,
                                                "nonce": nonce, "next": next_page})

    def get(self, path: str, **options: Any) -> Response:
        return self.client.get(path, **options)

    def post(self, path: str, data: dict[str, str] | None = None, **options: Any) -> Response:
        return self.client.post(path, data={"csrf": self.csrf, **(data or {})}, **options)


def _title(response: Response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.text)
    return found.group(1) if found else ""


def test_without_a_session_every_page_goes_to_the_login_page(site: Any) -> None:
    for path in GET_PAGES:
        response = Browser(site).get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path


def test_without_a_session_no_form_acts(site: Any) -> None:
    for path in POST_FORMS:
        response = Browser(site).client.post(path, data={"csrf": "x"})
        assert response.status_code == 303 and response.headers["location"] == "/login", path


def test_a_form_without_the_csrf_token_is_refused(site: Any, db: Database) -> None:
    admin = Browser(site, "admin")
    before = len(read_log(db, "admin"))
    for path in POST_FORMS:
        for token in ("", "поддельный"):
            response = admin.client.post(path, data={"csrf": token})
            assert response.status_code == 403, path
            assert "Форма устарела" in response.text
    assert len(read_log(db, "admin")) == before  # nothing was done


def test_pages_render_for_every_role_with_titles(site: Any) -> None:
    for login in PASSWORDS:
        browser = Browser(site, login)
        response = browser.get("/")
        assert response.status_code == 200 and _title(response) == "Мои задачи — karta"
    clerk = Browser(site, "clerk")
    expected = {"/roadmaps": "Дорожные карты", "/roadmaps/1": "R1: Дорожная карта",
                "/o/1:5@2021": "Исполнение 1:5@2021", "/documents": "Документы",
                "/documents/1": "Документ 1:", "/deadlines": "Сроки",
                "/audit": "Журнал решений", "/admin": "Администрирование",
                "/indicators": "Показатели", "/indicators/form": "Показатели: управление"}
    for path, title in expected.items():
        response = clerk.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert _title(response).startswith(title)


def test_a_wrong_role_gets_a_russian_403_and_the_refusal_is_logged(site: Any,
                                                                   db: Database) -> None:
    auditor = Browser(site, "auditor")
    response = auditor.post("/o/1:5@2021/report", {"comment": "отчёт", "version": "2"})
    assert response.status_code == 403 and "Нет прав" in response.text
    assert "нужна роль" in response.text
    clerk = Browser(site, "clerk")
    assert clerk.post("/documents/1/sign", {"date": "2021-03-01"}).status_code == 403
    school = Browser(site, "school")
    for path in ("/admin", "/audit"):
        refused = school.get(path)
        assert refused.status_code == 403 and "доступно сотрудникам управления" in refused.text
    refusals = [e for e in read_log(db, "admin") if e["event"] == "denied"]
    assert {e["user"] for e in refusals} >= {"auditor", "clerk", "school"}
    assert all(e["details"].get("client", "").startswith("веб, ") for e in refusals)


def test_an_executor_cannot_read_or_act_on_another_units_occurrence(site: Any) -> None:
    kinder = Browser(site, "kinder")  # a kindergarten: «ОО» in this roadmap is not theirs
    for path in ("/o/1:5@2021", "/roadmaps/1", "/documents/1", "/documents/1/file.docx"):
        response = kinder.get(path)
        assert response.status_code == 403, path
        assert "не относится к вашему подразделению" in response.text
    acted = kinder.post("/o/1:5@2021/report", {"comment": "чужой отчёт", "version": "2"})
    assert acted.status_code == 403
    school = Browser(site, "school")
    assert school.get("/o/1:5@2021").status_code == 200
    done = school.post("/o/1:5@2021/report", {"comment": "наш отчёт", "version": "2"})
    assert done.status_code == 303


def test_five_wrong_passwords_lock_the_login_for_15_minutes(site: Any, db: Database) -> None:
    stranger = Browser(site)
    said = set()
    for _ in range(5):
        wrong = stranger.sign_in("clerk", "не тот пароль")
        assert wrong.status_code == 401
        said.add(re.search(r'role="alert"[^>]*>([^<]*)<', wrong.text).group(1))
    refused = stranger.sign_in("clerk", PASSWORDS["clerk"])  # the right one, too late
    assert refused.status_code == 401
    said.add(re.search(r'role="alert"[^>]*>([^<]*)<', refused.text).group(1))
    unknown = stranger.sign_in("nobody-here", "не тот пароль")
    said.add(re.search(r'role="alert"[^>]*>([^<]*)<', unknown.text).group(1))
    # one answer for a wrong password, a locked login and an unknown one: the door does not
    # tell which logins exist; the log tells the organisation's auditors which it was
    assert said == {"неверный логин или пароль (после 5 неверных попыток вход блокируется "
                    "на 15 мин.)"}
    failures = [e for e in read_log(db, "admin") if e["event"] == "login_failed"]
    assert len(failures) == 7
    assert any("вход заблокирован на 15 мин." in e["comment"] for e in failures)
    assert any(e["comment"].startswith("вход заблокирован после 5") for e in failures)
    assert all(e["details"]["client"] == "веб, testclient" for e in failures)
    assert all("testclient" not in e["comment"] for e in failures)  # said once, not twice


def test_log_out_ends_the_session(site: Any) -> None:
    clerk = Browser(site, "clerk")
    assert clerk.post("/logout").status_code == 303
    assert clerk.get("/").status_code == 303  # the old cookie no longer opens anything


def test_session_cookie_and_security_headers(site: Any) -> None:
    browser = Browser(site)
    response = browser.sign_in("clerk", PASSWORDS["clerk"])
    cookie = response.headers["set-cookie"]
    assert "karta_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Max-Age=36000" in cookie
    page = browser.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_log_in_never_redirects_to_another_site(site: Any) -> None:
    for target in ("//evil.example/", "https://evil.example/", "javascript:alert(1)"):
        response = Browser(site).sign_in("clerk", PASSWORDS["clerk"], target)
        assert response.headers["location"] == "/"


def test_uploads_are_checked_by_size_type_and_content(site: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    clerk = Browser(site, "clerk")

    def upload(name: str, data: bytes) -> Response:
        return clerk.client.post("/roadmaps/import", data={"csrf": clerk.csrf},
                                 files={"file": (name, data, "application/octet-stream")})

    fake = upload("карта.docx", "это текст, а не Word".encode())
    assert fake.status_code == 422 and "не является файлом .docx" in fake.text
    exe = upload("карта.exe", b"MZ")
    assert exe.status_code == 422 and "допустимые типы" in exe.text
    monkeypatch.setattr("web.security.UPLOAD_BYTES", 100)
    monkeypatch.setattr("web.roadmap_pages._upload_limit", lambda: 100)
    big = upload("карта.txt", b"x" * 1000)
    assert big.status_code == 422 and "больше" in big.text
    monkeypatch.undo()
    traversal = upload("../../../../tmp/карта.txt", ZAOZERSK.read_bytes())
    assert traversal.status_code == 200  # the name is shown, never used as a path
    assert "«карта.txt»" in traversal.text and "../" not in traversal.text


def _stored_files(db: Database) -> int:
    if db.files_dir is not None:
        return sum(1 for path in db.files_dir.rglob("*") if path.is_file())
    with db.engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT count(*) FROM storedblob").scalar())


def test_an_upload_is_stored_only_for_someone_who_may_import(site: Any, db: Database) -> None:
    """A school's roadmap upload is refused (and logged) before a byte is stored."""
    school = Browser(site, "school")
    before = _stored_files(db)
    refused = school.client.post("/roadmaps/import", data={"csrf": school.csrf},
                                 files={"file": ("карта.txt", ZAOZERSK.read_bytes(),
                                                 "text/plain")})
    assert refused.status_code == 403
    assert _stored_files(db) == before
    assert any(e["event"] == "denied" and e["user"] == "school"
               for e in read_log(db, "admin"))


def test_no_body_is_read_before_the_session_nor_past_the_limit(site: Any) -> None:
    big = b"x" * (65 * 1024 * 1024)
    stranger = TestClient(site, follow_redirects=False)
    anonymous = stranger.post("/roadmaps/import", files={"file": ("карта.txt", big)})
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    clerk = Browser(site, "clerk")
    refused = clerk.client.post("/roadmaps/import", data={"csrf": clerk.csrf},
                                files={"file": ("карта.txt", big)})
    assert refused.status_code == 413 and "больше 64 МБ" in refused.text


def test_output_is_escaped(site: Any, db: Database, tmp_path: Any) -> None:
    hostile = tmp_path / "карта.txt"
    hostile.write_text(ZAOZERSK.read_text(encoding="utf-8"), encoding="utf-8")
    import_roadmap(db, hostile, "clerk", title="<script>alert('карта')</script> «план»",
                   again=True)
    page = Browser(site, "clerk").get("/roadmaps")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#39;карта&#39;)&lt;/script&gt;" in page.text


def test_a_stale_form_is_refused_not_applied_twice(site: Any) -> None:
    head = Browser(site, "head")
    first = head.post("/o/1:5@2021/cancel", {"comment": "не нужно", "version": "1"})
    assert first.status_code == 409 and "запись уже изменена другим пользователем" in \
        first.text


def test_every_change_from_the_browser_is_logged_with_the_client_address(
        site: Any, db: Database) -> None:
    school = Browser(site, "school")
    school.client.post("/o/1:5@2021/report", data={"csrf": school.csrf, "comment": "отчёт",
                                                  "version": "2"},
                       files=[("files", ("протокол.txt", "протокол".encode(), "text/plain"))])
    from registry.assignments import list_assignments

    own = next(a for a in list_assignments(db, "clerk", "1:5@2021")
               if a.executor == "МБОУ СОШ № 1")
    head = Browser(site, "head")
    head.post(f"/o/1:5@2021/assignment/{own.id}/return", {"comment": "нет списка участников"})
    head.post("/documents/1/sign", {"date": "2021-03-01"})
    events = {e["event"]: e for e in read_log(db, "admin")}
    for name in ("assignment_report", "assignment_return", "sign", "login"):
        assert events[name]["details"]["client"] == "веб, testclient", name
    assert events["assignment_report"]["files"][0]["name"] == "протокол.txt"


def test_a_personal_calendar_can_be_subscribed_and_revoked(site: Any) -> None:
    school = Browser(site, "school")
    page = school.post("/deadlines/calendar")
    url = re.search(r"(http://testserver/calendar/[^<\s]+\.ics)", page.text).group(1)
    anonymous = TestClient(site)
    feed = anonymous.get(url)
    assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")
    assert "Участие в семинарах" in feed.text  # «ОО» activities belong to school № 1
    school.post("/deadlines/calendar", {"revoke": "1"})
    assert anonymous.get(url).status_code == 404


def test_the_audit_page_verifies_in_the_background(site: Any) -> None:
    """With htmx the progress comes in place and polls itself; a plain form leads to the
    job's page, which refreshes itself without JavaScript (registry.jobs)."""
    auditor = Browser(site, "auditor")
    started = auditor.post("/audit/verify", headers={"HX-Request": "true"})
    assert started.status_code == 200 and "<html" not in started.text
    job = re.search(r'hx-get="/jobs/([\w-]+)"', started.text).group(1)
    import time

    for _ in range(100):
        state = auditor.get(f"/jobs/{job}", headers={"HX-Request": "true"})
        if "Целостность подтверждена" in state.text:
            break
        time.sleep(0.1)
    assert "Целостность подтверждена" in state.text and "<html" not in state.text
    refused = Browser(site, "clerk").get(f"/jobs/{job}")
    assert refused.status_code == 404 and "нет такого задания" in refused.text
    plain = auditor.post("/audit/verify")
    assert plain.status_code == 303 and plain.headers["location"].startswith("/jobs/")
    page = auditor.get(plain.headers["location"])
    assert page.status_code == 200 and "<html" in page.text
    assert "Целостность подтверждена" in page.text or \
        '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.text


def test_export_of_the_log(site: Any) -> None:
    auditor = Browser(site, "auditor")
    response = auditor.get("/audit/export.csv")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("№;Дата и время;Пользователь")
    # ДД.ММ.ГГГГ as the README promises (ISO only in --json)
    assert re.match(r"\d+;\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2};", text.splitlines()[1])


def test_the_site_has_an_icon(site: Any) -> None:
    assert '<link rel="icon" href="/static/favicon.svg"' in Browser(site).get("/login").text
    for path in ("/favicon.ico", "/static/favicon.svg"):
        icon = Browser(site).get(path)
        assert icon.status_code == 200 and icon.headers["content-type"].startswith(
            "image/svg+xml") and b"<svg" in icon.content


def test_admin_adds_a_person_with_a_password_who_can_then_log_in(site: Any) -> None:
    admin = Browser(site, "admin")
    added = admin.post("/admin/people", {"login": "ivanova", "name": "Иванова Мария Петровна",
                                         "gender": "f", "position": "методист",
                                         "unit": "МБОУ СОШ № 2", "role_executor": "1",
                                         "password": "новый-пароль-1"})
    assert added.status_code == 303
    newcomer = Browser(site)
    assert newcomer.sign_in("ivanova", "новый-пароль-1").status_code == 303
    home = newcomer.get("/")
    assert "МБОУ СОШ № 2" in home.text


def test_json_free_pages_show_dates_in_russian(site: Any) -> None:
    page = Browser(site, "clerk").get("/documents")
    assert re.search(r"\d{4}-\d{2}-\d{2}", page.text) is None or \
        json.dumps(date.today().isoformat()) not in page.text


def test_a_pdf_roadmap_is_previewed_with_every_line_accounted(site: Any, db: Database,
                                                              tmp_path: Any) -> None:
    from registry.roadmaps import preview_import
    from tests.pdf_writer import PdfTable

    table = PdfTable([1.2, 6.0, 3.2, 3.6, 4.2], running="Дорожная карта МСОКО")
    table.text("Дорожная карта по развитию МСОКО на 2021-2023 годы")
    table.row(["№ п/п", "Мероприятие", "Сроки", "Ответственные", "Планируемый результат"])
    for number in range(1, 41):
        printed = "1" if number == 13 else str(number)  # a digit lost in the source
        table.row([printed, f"Мониторинг результатов оценочных процедур номер {number}",
                   "Ежегодно, август", "Управление образования", "Аналитическая справка"])
    path = tmp_path / "карта.pdf"
    table.save(path)
    expected = preview_import(db, path, "clerk")
    assert expected["lines"]["artefact"] > 0  # the running header of every page
    clerk = Browser(site, "clerk")
    page = clerk.client.post("/roadmaps/import", data={"csrf": clerk.csrf},
                             files={"file": ("карта.pdf", path.read_bytes(), "application/pdf")})
    assert page.status_code == 200, page.text
    assert "мероприятий 40" in page.text
    total = expected["lines"]["total"]
    assert f"Строк в файле: {total} — " in page.text
    assert f"мероприятие: {expected['lines']['activity']}" in page.text
    assert f"артефакт (номер страницы, колонтитул, линия): {expected['lines']['artefact']}" \
        in page.text
    repairs = expected["repairs"]
    assert any(r["kind"] == "code" and r["ref"] == "13" for r in repairs), repairs
    assert f"Исправлено при чтении ({len(repairs)})" in page.text
    for repair in repairs:
        assert repair["text"] in page.text


def test_the_deadlines_page_comes_in_pages_with_the_counts_first(
        site: Any, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from registry.schedule import page_agenda

    monkeypatch.setattr("web.schedule_pages.AGENDA_PAGE", 10)
    expected = page_agenda(db, "clerk", office_today(), 14, 1, size=10)
    assert expected["pages"] > 1, "the test roadmap has more than 10 open occurrences"
    clerk = Browser(site, "clerk")
    first = clerk.get("/deadlines")
    assert f"Просрочено <span class=\"badge\">{expected['overdue']}</span>" in first.text
    assert f"Страница 1 из {expected['pages']}" in first.text
    second = clerk.get("/deadlines?page_number=2")
    assert f"Страница 2 из {expected['pages']}" in second.text
    rows = re.compile(r'href="/o/([^"]+)"')
    later = page_agenda(db, "clerk", office_today(), 14, 2, size=10)
    assert {item.ref for items in later["groups"].values() for item in items} <= \
        set(rows.findall(second.text))
    beyond = clerk.get("/deadlines?page_number=999")
    assert f"Страница {expected['pages']} из {expected['pages']}" in beyond.text


def test_a_draft_goes_round_for_visas_and_comes_back_corrected_in_the_browser(
        site: Any, db: Database) -> None:
    """The clerk uploads the draft corrected in Word and sends it to the auditor for a
    visa; «Мои задачи» shows it to her; she returns it, then gives her visa; the head signs;
    the signed order is downloaded with its acquaintance sheet."""
    from tests.docx_structure import structure, text_of
    from tests.test_drafts_visas import ADDED, edited

    clerk = Browser(site, "clerk")
    draft = clerk.get("/documents/1/file.docx").content
    uploaded = clerk.post("/documents/1/revise", {"comment": "пункт о сайте"},
                          files={"file": ("проект.docx", edited(draft), "a/b")})
    assert uploaded.status_code == 303, uploaded.text
    page = clerk.get(uploaded.headers["location"])
    assert "Правка 1 проекта загружена" in page.text and "пункт о сайте" in page.text
    assert ADDED in text_of(clerk.get("/documents/1/file.docx").content)
    refused = clerk.post("/documents/1/revise", files={"file": ("x.pdf", edited(draft), "a/b")})
    assert refused.status_code == 400 and "допустимые типы" in refused.text
    school = Browser(site, "school")
    assert school.post("/documents/1/revise", files={
        "file": ("проект.docx", edited(draft), "a/b")}).status_code == 403
    sent = clerk.post("/documents/1/route", {"to": "auditor"})
    assert sent.status_code == 303, sent.text
    auditor = Browser(site, "auditor")
    tasks = auditor.get("/")
    assert "Проекты на визу" in tasks.text and "/documents/1#route-title" in tasks.text
    head = Browser(site, "head")
    refused_sign = head.post("/documents/1/sign", {"date": "2021-03-01"})
    assert refused_sign.status_code == 400 and "нет виз — О.П. Смирнова (аудитор)" in \
        refused_sign.text
    returned = auditor.post("/documents/1/return", {"remarks": "уточнить срок"})
    assert returned.status_code == 303
    sheet = structure(clerk.get("/documents/1/file.docx").content)["tables"][-1]
    assert sheet[1][1:] == ["Аудитор", "", "О.П. Смирнова", office_today().strftime("%d.%m.%Y"),
                            "Возвращён на доработку: уточнить срок"]
    again = clerk.post("/documents/1/route")
    assert again.status_code == 303
    assert auditor.post("/documents/1/visa").status_code == 303
    assert "Проекты на визу" not in auditor.get("/").text
    signed = head.post("/documents/1/sign", {"date": office_today().isoformat()})
    assert signed.status_code == 303, signed.text
    shape = structure(head.get("/documents/1/file.docx?acquaintance=1").content)
    assert {"ЛИСТ СОГЛАСОВАНИЯ", "ЛИСТ ОЗНАКОМЛЕНИЯ"} <= set(shape["paragraphs"])
    assert ADDED in "\n".join(shape["paragraphs"])
    assert "Скачать с листом ознакомления" in head.get("/documents/1").text
    events = [e["event"] for e in read_log(db, "admin")]
    assert {"revise", "visa_route", "visa_returned", "visa_given", "sign"} <= set(events)


def test_the_roadmap_page_sets_the_basis_and_a_start_adds_a_point(site: Any,
                                                                   db: Database) -> None:
    from tests.docx_structure import structure
    from tests.test_basis import MINISTRY, SITE

    clerk = Browser(site, "clerk")
    assert "Основание приказов" in clerk.get("/roadmaps/1").text
    saved = clerk.post("/roadmaps/1/basis", {"basis": MINISTRY})
    assert saved.status_code == 303
    page = clerk.get(saved.headers["location"])
    assert "Основание приказов сохранено" in page.text and "Министерства образования" in page.text
    head = Browser(site, "head")
    assert head.post("/roadmaps/1/basis", {"basis": "чужое"}).status_code == 403
    started = clerk.post("/o/1:6@2021/start", {"version": "1", "order": "1", "points": SITE})
    assert started.status_code == 303, started.text
    documents = [e for e in read_log(db, "admin") if e["event"] == "document_draft"]
    newest = documents[-1]["object"].split()[-1]
    paragraphs = structure(clerk.get(f"/documents/{newest}/file.docx").content)["paragraphs"]
    assert any(p.startswith(MINISTRY + ", Дорожной картой") for p in paragraphs)
    assert f"3. {SITE}." in paragraphs


def test_a_signed_order_is_amended_from_its_page_by_editing_its_points(site: Any) -> None:
    head = Browser(site, "head")
    assert head.post("/documents/1/sign", {"date": "2021-03-01"}).status_code == 303
    clerk = Browser(site, "clerk")
    page = clerk.get("/documents/1")
    fields = dict(re.findall(r'<textarea id="point-([\d.]+)" name="point-[\d.]+" rows="3" '
                             r'maxlength="4000">([^<]*)</textarea>', page.text))
    assert list(fields)[:2] == ["1", "1.1"] and len(fields) >= 4
    untouched = {f"point-{n}": html.unescape(t) for n, t in fields.items()}
    nothing = clerk.post("/documents/1/correct", {"reason": "уточнение", **untouched})
    assert nothing.status_code == 400 and "Изменений нет" in nothing.text
    assert "--point" not in nothing.text and "признать приказ утратившим силу" in nothing.text
    edited = {**untouched, "point-1.1": "Организовать исполнение мероприятия до 01.04.2021.",
              "drop-1.2": "1", "add": "Разместить настоящий приказ на сайте"}
    made = clerk.post("/documents/1/correct", {"reason": "Изменился срок", **edited})
    assert made.status_code == 303
    shown = clerk.get(made.headers["location"])
    assert "О внесении изменений в приказ от 01.03.2021" in html.unescape(shown.text)
    paragraphs = structure(clerk.get(made.headers["location"] + "/file.docx").content
                           )["paragraphs"]
    assert "1.1. Подпункт 1.1 изложить в следующей редакции: «1.1. Организовать исполнение " \
           "мероприятия до 01.04.2021.»." in paragraphs
    assert "1.2. Подпункт 1.2 исключить." in paragraphs
    assert any(p.startswith("1.4. Дополнить новым пунктом") for p in paragraphs)
    void = clerk.post("/documents/1/correct", {"reason": "Ошибка", "cancel": "1", **edited})
    assert void.status_code == 303
    assert "О признании утратившим силу приказа от 01.03.2021" in \
        html.unescape(clerk.get(void.headers["location"]).text)


def test_a_document_s_times_are_the_organisation_s(site: Any, db: Database) -> None:
    """When a draft was made is shown in the organisation's time zone (Moscow), whatever
    the server's."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from registry.documents import get_document

    made = get_document(db, "admin", 1).created_at
    moscow = (made if made.tzinfo else made.replace(tzinfo=UTC)).astimezone(
        ZoneInfo("Europe/Moscow"))
    page = html.unescape(Browser(site, "clerk").get("/documents/1").text)
    assert f"{moscow:%d.%m.%Y %H:%M}" in page
    tasks = html.unescape(Browser(site, "head").get("/").text)  # drafts to sign: made on …
    assert f"{moscow:%d.%m.%Y}, Белокреницкая Елена Викторовна" in tasks


def test_a_clerk_makes_the_years_plan_and_report_from_the_roadmaps_page(site: Any,
                                                                          db: Database) -> None:
    """«Документы за год»: the plan and the annual report made from the page, shown as
    documents with their numbers; a head gets neither the form nor the right."""
    import io

    from docx import Document as Docx

    clerk = Browser(site, "clerk")
    page = clerk.get("/roadmaps/1")
    assert "Документы за год" in page.text
    assert '<option value="2022">2022</option>' in page.text
    made = clerk.post("/roadmaps/1/yearly", {"kind": "plan", "year": "2022"})
    assert made.status_code == 303, made.text
    plan = clerk.get(made.headers["location"])
    assert "План мероприятий на 2022 год" in plan.text
    text = "\n".join(p.text for p in Docx(io.BytesIO(
        clerk.get(made.headers["location"] + "/file.docx").content)).paragraphs)
    assert "ПЛАН МЕРОПРИЯТИЙ\nна 2022 год по реализации" in text
    assert "Всего: 21 мероприятие." in text
    report = clerk.post("/roadmaps/1/yearly", {"kind": "annual", "year": "2022"})
    assert report.status_code == 303, report.text
    shown = clerk.get(report.headers["location"])
    assert "Информация о реализации" in shown.text and "за 2022 год" in shown.text
    document = Docx(io.BytesIO(clerk.get(report.headers["location"] + "/file.docx").content))
    # a roadmap without sections: its numbers in words, no one-bar chart (issue 23, item 13)
    assert not document.inline_shapes
    assert "1. Выполненные мероприятия" in [p.text for p in document.paragraphs]
    events = [e["event"] for e in read_log(db, "admin")]
    assert [e for e in events if e in ("plan", "annual_report")] == ["plan", "annual_report"]
    assert clerk.post("/roadmaps/1/yearly", {"kind": "другое", "year": "2022"}).status_code \
        == 400
    head = Browser(site, "head")
    assert "Документы за год" not in head.get("/roadmaps/1").text
    denied = head.post("/roadmaps/1/yearly", {"kind": "plan", "year": "2022"})
    assert denied.status_code == 403 and "Нет прав" in denied.text


HUGE = str(2 ** 70)


@pytest.mark.parametrize("path", [
    f"/documents/{HUGE}", f"/documents/{HUGE}/file.docx", f"/documents/{HUGE}/file.pdf",
    f"/documents/{HUGE}/page/1", f"/documents/1/page/{HUGE}", f"/roadmaps/{HUGE}",
    f"/o/1:5@{HUGE}", f"/o/{HUGE}:5@2021", f"/o/1:{HUGE}@2021", f"/region?year={HUGE}",
    f"/deadlines?days={HUGE}", f"/deadlines?page_number={HUGE}", f"/audit?page_number={HUGE}",
    f"/documents?page_number={HUGE}&year={HUGE}&number={HUGE}",
    f"/roadmaps/1?page_number={HUGE}",
])
def test_a_number_past_any_id_is_not_found_not_a_failure(site: Any, path: str) -> None:
    """Integers beyond 64 bits in ids, references, years and pages: a Russian «not
    found» (or the page as it can be shown), never a 500 with the server's paths."""
    page = Browser(site, "clerk").get(path)
    assert page.status_code in (200, 303, 400, 403, 404, 422), (path, page.status_code)
    assert "инцидент" not in page.text and "karta-errors.log" not in page.text


@pytest.mark.parametrize("path", [f"/documents/{HUGE}/sign", f"/documents/{HUGE}/correct",
                                  f"/roadmaps/{HUGE}/start-due", f"/o/1:5@{HUGE}/start",
                                  f"/admin/rules/{HUGE}/remove",
                                  f"/admin/templates/report/{HUGE}/activate"])
def test_a_number_past_any_id_in_a_form_is_refused_in_russian(site: Any, path: str) -> None:
    who = Browser(site, "admin" if "/admin/" in path else "head")
    answer = who.post(path, {"date": "2021-03-01", "reason": "проверка", "month": "2021-03"})
    assert answer.status_code in (303, 400, 403, 404, 409, 422), (path, answer.status_code)
    assert "инцидент" not in answer.text


def test_a_login_typed_with_a_control_character_does_not_break_the_log_export(
        site: Any, db: Database) -> None:
    import docx

    from registry.accounts import LoginRefused, check_password

    with pytest.raises(LoginRefused):
        check_password(db, "ev\x01il\x1b", "что-нибудь")
    exported = Browser(site, "auditor").get("/audit/export.docx")
    assert exported.status_code == 200
    table = docx.Document(io.BytesIO(exported.content)).tables[0]
    assert any("ev\\x01il\\x1b" in row.cells[2].text for row in table.rows)


def test_a_document_is_converted_once_then_shown_and_downloaded_from_the_store(
        site: Any, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import documents.office as office

    if not office.find_office() or not shutil.which("pdftoppm"):
        pytest.skip("LibreOffice or pdftoppm missing here (CI has both)")
    conversions = []
    real = office.soffice_pdf

    def counted(data: bytes, name: str, *args: Any, **kwargs: Any) -> bytes:
        conversions.append(name)
        return real(data, name, *args, **kwargs)

    monkeypatch.setattr(office, "soffice_pdf", counted)
    clerk = Browser(site, "clerk")
    shown = clerk.get("/documents/1")
    assert shown.status_code == 200 and "/documents/1/page/1.png" in shown.text
    for _ in range(3):
        picture = clerk.get("/documents/1/page/1.png")
        assert picture.status_code == 200 and picture.content[:8] == b"\x89PNG\r\n\x1a\n"
        pdf = clerk.get("/documents/1/file.pdf")
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert len(conversions) == 1  # one LibreOffice for all those views and downloads
    assert clerk.get("/documents/1/page/999.png").status_code in (400, 404)


def test_conversions_on_demand_are_few_at_a_time_and_one_per_content(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thirty downloads at once started thirty LibreOffices (5.2 GB): now OFFICE_SLOTS
    convert, the others wait; the same file asked for at once is converted once."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import documents.office as office
    from registry.renditions import pdf_of

    running, most, calls = [0], [0], []
    guard = threading.Lock()

    def slow(data: bytes, name: str, *args: Any, **kwargs: Any) -> bytes:
        with guard:
            running[0] += 1
            most[0] = max(most[0], running[0])
            calls.append(data)
        time.sleep(0.2)
        with guard:
            running[0] -= 1
        return b"%PDF-1.4 " + data

    monkeypatch.setattr(office, "soffice_pdf", slow)
    with ThreadPoolExecutor(12) as pool:
        made = list(pool.map(lambda n: pdf_of(db, f"файл {n}".encode()), range(12)))
    assert made == [b"%PDF-1.4 " + f"файл {n}".encode() for n in range(12)]
    assert most[0] <= office.OFFICE_SLOTS and len(calls) == 12
    calls.clear()
    with ThreadPoolExecutor(12) as pool:
        same = set(pool.map(lambda _: pdf_of(db, "один и тот же".encode()), range(12)))
    assert same == {b"%PDF-1.4 " + "один и тот же".encode()}
    assert len(calls) == 1


def test_a_school_submits_indicators_with_evidence_and_the_clerk_decides(site: Any,
                                                                        db: Database) -> None:
    """Issue 22 in the browser: the clerk defines an indicator, the school fills its form
    with a file as evidence, a bad value is refused with nothing saved, the clerk returns
    and accepts, the head reads the monitoring with its chart and exports it."""
    clerk, school, head = Browser(site, "clerk"), Browser(site, "school"), Browser(site, "head")
    year = office_today().year
    added = clerk.post("/indicators", {
        "code": "П1", "name": "Доля обучающихся, преодолевших порог ВПР", "unit": "%",
        "rollup": "weighted_mean", "fraction": "1", "evidence": "1",
        "targets": f"{year} = 85\n{year + 1} = 87"})
    assert added.status_code == 303 and added.headers["location"].endswith("?done=added")
    assert school.get("/indicators").headers["location"] == "/indicators/form"
    form = school.get("/indicators/form")
    assert "Показатели: МБОУ СОШ № 1" in form.text and "не представлено" in form.text
    bad = school.post("/indicators/form", {"period": str(year), "code": "П1",
                                            "numerator-П1": "210", "denominator-П1": "200",
                                            "link-П1": "https://school1.example.org/vpr"})
    assert bad.status_code == 400 and "числитель 210 больше знаменателя 200" in bad.text
    evidence = {"files-П1": ("протокол.pdf", b"%PDF-1.4 protocol", "application/pdf")}
    sent = school.post("/indicators/form", {"period": str(year), "code": "П1",
                                             "numerator-П1": "172", "denominator-П1": "200",
                                             "version-П1": "0"}, files=evidence)
    assert sent.status_code == 303, sent.text
    page = clerk.get(f"/indicators/%D0%9F1?period={year}")
    assert "представлено" in page.text and "протокол.pdf" in page.text
    link = re.search(r'href="(/indicators/[^"]+/files/[0-9a-f]{64})"', page.text).group(1)
    assert clerk.get(link).content == b"%PDF-1.4 protocol"
    assert Browser(site, "kinder").get(link).status_code == 404  # another school's file
    returned = clerk.post("/indicators/%D0%9F1/decide", {"event": "return", "period": str(year),
                                                          "unit": "МБОУ СОШ № 1",
                                                          "comment": "нет 4-х классов"})
    assert returned.status_code == 303
    assert "нет 4-х классов" in school.get("/indicators/form").text
    school.post("/indicators/form", {"period": str(year), "code": "П1",
                                     "numerator-П1": "180", "denominator-П1": "200"},
                files=evidence)
    clerk.post("/indicators/%D0%9F1/decide", {"event": "accept", "period": str(year),
                                              "unit": "МБОУ СОШ № 1"})
    overview = head.get("/indicators")
    assert overview.status_code == 200
    assert "90\u00a0%" in html.unescape(overview.text) and "достигнут" in overview.text
    chart = head.get("/indicators/%D0%9F1/chart.png")
    assert chart.headers["content-type"] == "image/png" and chart.content[:4] == b"\x89PNG"
    export = head.get("/indicators/export.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export.content))
    rows = list(book["Цель и факт"].iter_rows(values_only=True))
    assert rows[1][:6] == ("П1", "Доля обучающихся, преодолевших порог ВПР", "%",
                           f"{year} год", 85, 90)
    assert school.get("/indicators/export.xlsx").status_code == 403
    drafted = head.post("/indicators/note", {"period": str(year)})
    assert drafted.status_code == 303 and drafted.headers["location"].startswith("/documents/")
    assert "о результатах мониторинга показателей" in head.get(drafted.headers["location"]).text


def test_the_import_preview_shows_the_section_tree(site: Any, tmp_path: Any) -> None:
    from tests.test_import_sections import _grouped_docx

    path = tmp_path / "группы.docx"
    _grouped_docx(path)
    clerk = Browser(site, "clerk")
    page = clerk.client.post("/roadmaps/import", data={"csrf": clerk.csrf}, files={
        "file": ("группы.docx", path.read_bytes(), "application/octet-stream")})
    assert page.status_code == 200, page.text
    assert "<li>Организационные меры</li>" in page.text
    assert '<li class="depth-1">1. Нормативно-правовое обеспечение</li>' in page.text
