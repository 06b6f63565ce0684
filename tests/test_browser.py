"""The web workspace in a real browser: Debian's Chromium driven by Playwright against the
real application served by uvicorn on a free localhost port.

One test follows a roadmap activity through the whole work as the people who do it would,
each logging in with the form: the clerk imports and starts, the school reports, the head
returns, analyses and signs, the auditor verifies the log. Smaller tests check what must
be refused or must work without a mouse. Screenshots of every main page go to
``build/screenshots/`` (1366×768 desktop, 390×844 phone) for people to look at.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from registry.database import Database
from tests.browser import (
    DESKTOP,
    PEOPLE,
    PHONE,
    UNIT,
    chromium,
    live_server,
    make_database,
    shoot,
    unavailable,
)
from tests.conftest import ZAOZERSK

STATE = "p.lead .state"  # the occurrence's state, under its title
TIMEOUT_MS = 10_000


@dataclass
class Site:
    url: str
    db: Database


@dataclass
class Visitor:
    """One person at one browser window, and what the browser complained about."""

    page: Any
    site: Site
    problems: list[str] = field(default_factory=list)

    def go(self, path: str) -> Any:
        return self.page.goto(self.site.url + path)

    def main(self) -> str:
        return str(self.page.inner_text("main"))

    def heading(self) -> str:
        return str(self.page.inner_text("main h1"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with chromium() as found:
        yield found


@pytest.fixture(scope="session")
def site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    db = make_database(tmp_path_factory.mktemp("browser"))
    with live_server(db) as url:
        yield Site(url, db)
    db.dispose()


def watch(visitor: Visitor) -> None:
    """Note what a user would not see but a page must not do: a script error, a style or
    script the CSP refused (Chromium reports both on the console), a missing style sheet,
    script or image, a server failure."""
    page, problems = visitor.page, visitor.problems
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def console(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def response(answer: Any) -> None:  # a refused page (401, 403, 404) is a test's subject
        document = answer.request.resource_type == "document"
        if answer.status >= (500 if document else 400):
            problems.append(f"{answer.status} for {answer.url}")

    page.on("console", console)
    page.on("response", response)


@pytest.fixture
def visit(browser: Any, site: Site) -> Iterator[Any]:
    """Open a browser window (own cookies) for a role, logged in through the form; at the
    end, no window may have seen a script error, a refused inline style or script, a
    missing resource or a server failure."""
    visitors: list[Visitor] = []

    def open_window(role: str | None, viewport: dict[str, int] = DESKTOP) -> Visitor:
        context = browser.new_context(viewport=viewport, locale="ru-RU",
                                      accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        visitor = Visitor(context.new_page(), site)
        watch(visitor)
        visitors.append(visitor)
        if role is not None:
            log_in(visitor, role)
        return visitor

    yield open_window
    problems = [p for v in visitors for p in v.problems]
    for visitor in visitors:
        visitor.page.context.close()
    assert not problems, f"the browser reported: {problems}"


def log_in(visitor: Visitor, role: str) -> None:
    user = PEOPLE[role]
    visitor.go("/login")
    visitor.page.fill("#login", user.login)
    visitor.page.fill("#password", user.password)
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url(re.compile(r"/(\?.*)?$"))
    assert visitor.heading() == "Мои задачи"
    # the header names the person short («Белокреницкая Е.В.»), in full on hover
    from web.app import short_name

    assert short_name(user.name) in visitor.page.inner_text("header.top")
    assert user.name in visitor.page.get_attribute("header.top .who span[title]", "title")


def nav(visitor: Visitor, label: str) -> None:
    """Follow a section of the top menu."""
    visitor.page.click(f"header.top nav a:text-is('{label}')")
    visitor.page.wait_for_load_state()


def act(visitor: Visitor, label: str, fields: dict[str, str] | None = None,
        files: list[Path] | None = None, check: str | None = None) -> None:
    """Open an action of the occurrence page, fill it in and press its button."""
    step = visitor.page.locator("section.actions details", has=visitor.page.locator(
        f"summary:text-is('{label}')"))
    if step.get_attribute("open") is None:
        step.locator("summary").first.click()  # an order's fields fold inside it
    for selector, value in (fields or {}).items():
        step.locator(selector).fill(value)
    if files:
        step.locator("input[type=file]").set_input_files([str(f) for f in files])
    if check:
        step.get_by_label(check).check()
    step.locator(f"button:text-is('{label}')").click()
    visitor.page.wait_for_load_state()


def act_on_assignment(visitor: Visitor, executor: str, label: str,
                      fields: dict[str, str] | None = None,
                      files: list[Path] | None = None) -> None:
    """Open an action of one executor's row in the occurrence's «Исполнители», fill it in
    and press its button."""
    row = visitor.page.locator("#executors tbody tr", has=visitor.page.locator(
        f"td:text-is('{executor}')"))
    step = row.locator("details", has=visitor.page.locator(f"summary:text-is('{label}')"))
    step.locator("summary").first.click()
    for selector, value in (fields or {}).items():
        step.locator(selector).fill(value)
    if files:
        step.locator("input[type=file]").set_input_files([str(f) for f in files])
    step.locator(f"button:text-is('{label}')").click()
    visitor.page.wait_for_load_state()


def assignment_state(visitor: Visitor, executor: str) -> str:
    row = visitor.page.locator("#executors tbody tr", has=visitor.page.locator(
        f"td:text-is('{executor}')"))
    return str(row.locator("td[data-label='Состояние']").inner_text()).split(" (")[0].strip()


def history(visitor: Visitor) -> str:
    return str(visitor.page.inner_text("ol.timeline"))


def report_file(folder: Path) -> Path:
    """A school's report as schools send them: a small .docx."""
    from docx import Document

    document = Document()
    document.add_paragraph("Отчёт МБОУ СОШ № 1 об участии в семинарах по подготовке к ОГЭ")
    document.add_paragraph("Приняли участие 4 учителя.")
    path = folder / "Отчёт СОШ 1.docx"
    document.save(str(path))
    return path


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows
              for cell in row.cells]
    return "\n".join(texts)


# ----------------------------------------------------------------------------- the whole work

def test_a_roadmap_activity_from_import_to_verified_log(visit: Any, tmp_path: Path) -> None:
    """Clerk imports and starts with a draft order, the school reports with a file, the
    head returns it, the school reports again, the head analyses and signs the orders, the
    signed order downloads as a real .docx, the auditor's verification passes."""
    # --- the clerk: log-in page, tasks, import with a preview, the matrix
    clerk = visit(None)
    clerk.go("/")
    assert clerk.page.url.endswith("/login?next=/")
    assert clerk.heading() == "karta"
    shoot(clerk.page, "desktop-01-login")
    log_in(clerk, "clerk")
    assert "Начать в этом месяце" in clerk.main() and "Просрочено" in clerk.main()
    shoot(clerk.page, "desktop-02-tasks-clerk")
    # the long overdue list starts folded; its count at the top unfolds it
    assert not clerk.page.locator("details:has(#overdue)").evaluate("d => d.open")
    clerk.page.click("a.count[href='#overdue']")
    clerk.page.wait_for_function("document.getElementById('overdue').closest('details').open")
    assert clerk.page.locator("#overdue tbody tr").count() == 50

    nav(clerk, "Дорожные карты")
    assert clerk.heading() == "Дорожные карты"
    assert "Славгорода" in clerk.main()
    shoot(clerk.page, "desktop-03-roadmaps")
    clerk.page.click("text=Импортировать дорожную карту")
    assert clerk.heading() == "Импорт дорожной карты"
    shoot(clerk.page, "desktop-03b-import-form")
    clerk.page.set_input_files("#file", str(ZAOZERSK))
    clerk.page.click("main button:text-is('Проверить')")
    assert clerk.heading() == "Импорт: проверьте, что будет создано"
    preview = clerk.main()
    assert "Дорожная карта по обеспечению объективности процедур оценки качества " \
           "образования в ЗАТО город Заозерск на 2021-2023 годы" in preview
    assert "мероприятий 21, исполнений 63" in preview
    assert "Пропущено" in preview and "текст приказа, а не таблица мероприятий" in preview
    rows = clerk.page.locator("main table.list").first.locator("tbody tr")
    assert rows.count() == 21
    # the proposed indicators below it (20: the criteria table), none ticked
    proposals = clerk.page.locator("#indicators + p + table.list tbody tr")
    assert proposals.count() == 20
    assert clerk.page.locator("input[name=indicator]:checked").count() == 0
    assert "Участие в семинарах с использованием видеоконференцсвязи" in \
        rows.first.inner_text()
    shoot(clerk.page, "desktop-04-import-preview")
    clerk.page.click("main button:text-is('Импортировать')")
    # the import is a background job: its page shows the progress, then the roadmap
    try:
        clerk.page.wait_for_url(re.compile(r"/roadmaps/\d+\?imported=1$"), timeout=60_000)
    except Exception as error:  # say what the job's page showed instead of only «timeout»
        raise AssertionError(f"the import job did not lead to its roadmap; at "
                             f"{clerk.page.url}: {clerk.main()[:1500]}") from error
    roadmap = int(re.findall(r"/roadmaps/(\d+)", clerk.page.url)[0])
    assert "Дорожная карта импортирована." in clerk.main()
    assert "запланировано — 63" in clerk.main()
    assert [t.strip() for t in clerk.page.locator("table.matrix thead th").all_inner_texts()] \
        == ["№", "Мероприятие", "2021", "2022", "2023"]
    shoot(clerk.page, "desktop-05-roadmap-matrix")

    # --- the clerk opens the 2021 occurrence of activity 1 and starts it with an order
    ref = f"{roadmap}:1@2021"
    clerk.page.click(f"table.matrix a.chip[href='/o/{ref}']")
    clerk.page.wait_for_url(f"**/o/{ref}")
    assert clerk.heading().startswith("1. Участие в семинарах с использованием")
    assert clerk.page.inner_text(STATE) == "запланировано"
    assert "Начать исполнение" in clerk.page.inner_text("section.actions")
    shoot(clerk.page, "desktop-06-occurrence-planned")
    # its 2021 deadline has passed: the start asks for a new one, which the order states
    assert "уже прошёл" in clerk.page.inner_text("section.actions")
    new_due = date.today() + timedelta(days=30)
    act(clerk, "Начать исполнение", {"#c-start": "Семинары по графику министерства",
                                     "#nd-start": new_due.isoformat()},
        check="подготовить проект приказа о проведении")
    assert clerk.page.inner_text(STATE) == "выполняется"
    assert clerk.page.inner_text("[role=status]") == "Исполнение начато."
    assert "проект" in clerk.page.inner_text("section:has(h2:text-is('Документы'))")
    assert f"{PEOPLE['clerk'].name} — начать исполнение (запланировано → выполняется): " \
           "Семинары по графику министерства" in history(clerk)

    # --- the occurrence is assigned to each executor: the department and the school
    executors = clerk.page.locator("#executors tbody tr")
    assert [row.split("\t")[0].strip() for row in executors.all_inner_texts()] == [
        "МКУ «Управление образования ЗАТО город Заозерск»", UNIT]
    shoot(clerk.page, "desktop-06b-occurrence-executors")

    # --- the school sees its assignment among its tasks and reports with a file
    school = visit("executor")
    assert UNIT in school.main()
    mine = school.page.locator("#assignments")
    assert f"R{roadmap}, п. 1\n2021 год" in mine.inner_text()
    shoot(school.page, "desktop-07-tasks-executor")
    mine.locator(f"a[href='/o/{ref}']").first.click()
    school.page.wait_for_url(f"**/o/{ref}")
    assert school.page.inner_text(STATE) == "выполняется"
    # a school sees its own assignment only, and reports on it (not on the whole)
    assert [row.split("\t")[0].strip() for row in school.page.locator(
        "#executors tbody tr").all_inner_texts()] == [UNIT]
    assert "Представить отчёт" not in school.page.inner_text("section.actions")
    act_on_assignment(school, UNIT, "Представить отчёт",
                      {"textarea": "Четыре учителя приняли участие в семинарах, материалы "
                                   "приложены."}, files=[report_file(tmp_path)])
    assert school.page.inner_text("[role=status]") == "Отчёт исполнителя представлен."
    assert school.page.inner_text(STATE) == "выполняется"  # the others have not reported
    assert assignment_state(school, UNIT) == "отчёт представлен"
    shoot(school.page, "desktop-07b-school-reported")
    # the file it sent opens as pages
    school.page.click("#executors a:text-is('Отчёт СОШ 1.docx')")
    school.page.wait_for_url(re.compile(r"/files/[0-9a-f]{64}$"))
    assert school.heading() == "Отчёт СОШ 1.docx"
    assert school.page.locator("main .preview img").count() >= 1
    shoot(school.page, "desktop-07c-school-file")

    # --- the head finds the report to check and returns it with a reason
    head = visit("head")
    head.page.locator(f"#check a[href='/o/{ref}']").first.click()
    head.page.wait_for_url(f"**/o/{ref}")
    act_on_assignment(head, UNIT, "Вернуть на доработку",
                      {"textarea": "Приложите список участников семинаров"})
    assert head.page.inner_text("[role=status]") == "Отчёт исполнителя возвращён на доработку."
    assert assignment_state(head, UNIT) == "возвращено на доработку"
    assert "Приложите список участников семинаров" in history(head)

    # --- the school reports again, this time from a phone
    phone = visit("executor", PHONE)
    assert UNIT in phone.main()
    assert f"R{roadmap}, п. 1 2021 год" in phone.page.inner_text("#assignments")
    shoot(phone.page, "phone-01-tasks-executor")
    phone.page.click(f"#assignments a[href='/o/{ref}'] >> nth=0")
    phone.page.wait_for_url(f"**/o/{ref}")
    returned = phone.page.inner_text("#executors .notice")  # the reason, by the form
    assert returned.startswith("Возвращено на доработку (Андреева Светлана Леонидовна, ")
    assert returned.endswith(": Приложите список участников семинаров")
    shoot(phone.page, "phone-02-occurrence-returned")
    act_on_assignment(phone, UNIT, "Представить отчёт",
                      {"textarea": "Список участников: Иванова А.А., Петрова Б.Б., "
                                   "Сидоров В.В., Орлова Г.Г."})
    assert phone.page.inner_text("[role=status]") == "Отчёт исполнителя представлен."

    # --- the clerk reports for the department; the head accepts both: collected
    clerk.go(f"/o/{ref}")
    act_on_assignment(clerk, "МКУ «Управление образования ЗАТО город Заозерск»",
                      "Представить отчёт", {"textarea": "Специалисты приняли участие в "
                                                        "семинарах"})
    head.go(f"/o/{ref}")
    act_on_assignment(head, UNIT, "Принять отчёт")
    assert head.page.inner_text(STATE) == "выполняется"
    act_on_assignment(head, "МКУ «Управление образования ЗАТО город Заозерск»",
                      "Принять отчёт")
    assert head.page.inner_text("[role=status]") == \
        "Сбор отчётов завершён: сводный отчёт представлен."
    assert head.page.inner_text(STATE) == "отчёт представлен"
    shoot(head.page, "desktop-07d-collected")

    # --- the head analyses with a management decision
    head.go(f"/o/{ref}")
    act(head, "Провести анализ", {
        "#c-analyse": "Все общеобразовательные организации приняли участие в семинарах.",
        "#figures": "Доля ОО, принявших участие = 100%",
        "#decisions": "Руководителям ОО обеспечить участие учителей в семинарах 2022 года",
        "#recommendations": "МБОУ СОШ № 1: провести методический семинар для учителей"})
    assert head.page.inner_text(STATE) == "проанализировано"
    assert head.page.inner_text("[role=status]") == "Анализ проведён."
    assert "Состояние конечное" in head.page.inner_text("section.actions")
    shoot(head.page, "desktop-08-occurrence-analysed")

    # --- the head signs every draft order from «Мои задачи»
    nav(head, "Мои задачи")
    to_sign = head.page.locator("#sign a:text-is('Открыть и подписать')")
    assert to_sign.count() == 2  # the order to conduct and the order on the results
    shoot(head.page, "desktop-09-tasks-head")
    numbers = []
    for turn in range(2):
        head.page.locator("#sign a:text-is('Открыть и подписать')").first.click()
        head.page.wait_for_url(re.compile(r"/documents/\d+$"))
        assert "проект" in head.page.inner_text("main dl")
        if turn == 0:
            shoot(head.page, "desktop-10-document-draft")
        head.page.click("main button:text-is('Подписать')")
        head.page.wait_for_url(re.compile(r"/documents/\d+\?signed=1$"))
        signed = head.page.inner_text("[role=status]")
        found = re.search(r"Приказ подписан: № (\S+) от (\d\d\.\d\d\.\d{4})", signed)
        assert found, signed
        numbers.append(found.group(1))
        assert "подписан" in head.page.inner_text("main dl")
        with head.page.expect_download() as download:
            head.page.click("main a:text-is('Скачать .docx')")
        data = Path(download.value.path()).read_bytes()
        assert data[:4] == b"PK\x03\x04"
        text = docx_text(data)
        assert "ПРИКАЗ" in text.replace(" ", "")
        assert found.group(1) in text
        nav(head, "Мои задачи")
    assert numbers == ["01-09/1", "01-09/2"]
    assert head.page.inner_text("details:has(#sign) h2") == "Проекты приказов на подпись 0"
    assert head.page.inner_text("#sign") == "Нет."
    head.go(f"/o/{ref}")
    assert head.page.inner_text("section:has(h2:text-is('Документы'))").count("№ 01-09/") == 2
    head.page.click("section:has(h2:text-is('Документы')) a >> nth=0")
    shoot(head.page, "desktop-11-document-signed")

    # --- the clerk's other pages
    nav(clerk, "Документы")
    assert clerk.heading() == "Документы"
    assert "01-09/1" in clerk.main() and "01-09/2" in clerk.main()
    shoot(clerk.page, "desktop-12-documents")
    nav(clerk, "Сроки")
    assert clerk.heading() == "Сроки" and "Просрочено" in clerk.main()
    shoot(clerk.page, "desktop-13-deadlines")

    # --- the auditor verifies the log
    auditor = visit("auditor")
    assert "Просрочено по всем дорожным картам" in auditor.main()
    shoot(auditor.page, "desktop-14-tasks-auditor")
    nav(auditor, "Журнал решений")
    assert auditor.heading() == "Журнал решений"
    assert "провести анализ" in auditor.main().lower()
    auditor.page.click("main button:text-is('Проверить журнал')")
    auditor.page.wait_for_selector("#verify .ok", timeout=30_000)
    assert auditor.page.inner_text("#verify .ok").startswith("Целостность подтверждена")
    shoot(auditor.page, "desktop-15-audit-verified")

    # --- the administrator
    admin = visit("admin")
    shoot(admin.page, "desktop-16-tasks-admin")
    nav(admin, "Администрирование")
    assert admin.heading() == "Администрирование"
    people = admin.page.inner_text("section#people").replace("\xa0", " ")
    assert PEOPLE["executor"].name in people and UNIT in people
    shoot(admin.page, "desktop-17-admin")

    # --- the school sees the outcome
    phone.go(f"/o/{ref}")
    assert phone.page.inner_text(STATE) == "проанализировано"
    assert "№ 01-09/2" in phone.page.inner_text("section:has(h2:text-is('Документы'))")
    shoot(phone.page, "phone-03-occurrence-analysed")


# ----------------------------------------------------------------------------- refusals

def test_a_school_cannot_open_another_units_occurrence_by_its_address(visit: Any) -> None:
    """Slavgorod's 2.6 belongs to the «Комитет» alone; 2.1 also to the schools."""
    school = visit("executor")
    shared = school.go("/o/1:2.1@2021")
    assert shared.status == 200 and school.page.inner_text(STATE) == "запланировано"
    refused = school.go("/o/1:2.6@2021")
    assert refused.status == 403
    assert school.heading() == "Нет прав"
    message = school.page.inner_text("main [role=alert]")
    assert re.search(r"[а-яё]{4}", message), message
    assert "Мероприятие" not in school.main() and "Действия" not in school.main()
    assert school.page.locator("main a:text-is('На главную')").count() == 1


def test_an_auditor_sees_an_occurrence_without_any_action(visit: Any) -> None:
    auditor = visit("auditor")
    auditor.go("/o/1:2.1@2021")
    assert auditor.page.inner_text(STATE) == "запланировано"
    assert "В этом состоянии для вашей роли действий нет." in \
        auditor.page.inner_text("section.actions")
    assert auditor.page.locator("main form, main button, main textarea").count() == 0


def test_a_wrong_password_is_refused_in_russian(visit: Any) -> None:
    stranger = visit(None)
    stranger.go("/login")
    stranger.page.fill("#login", "head")
    stranger.page.fill("#password", "не тот пароль")
    with stranger.page.expect_response(lambda r: r.request.method == "POST") as answer:
        stranger.page.click("main button[type=submit]")
    assert answer.value.status == 401
    assert stranger.page.inner_text("main [role=alert]") == (
        "неверный логин или пароль (после 5 неверных попыток вход блокируется на 15 мин.)")
    assert stranger.page.input_value("#login") == "head"
    assert stranger.page.input_value("#password") == ""
    assert stranger.page.locator("header.top").count() == 0


# ----------------------------------------------------------------------------- no browser

def test_without_a_browser_the_tests_skip_here_but_fail_in_ci(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CI", "KARTA_TEST_PG_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(pytest.skip.Exception, match="browser tests skipped: no Chromium"):
        unavailable("no Chromium")
    for name in ("CI", "KARTA_TEST_PG_URL"):
        monkeypatch.setenv(name, "1")
        with pytest.raises(pytest.fail.Exception, match="cannot run in CI: no Chromium.*"
                                                        "make test"):
            unavailable("no Chromium")
        monkeypatch.delenv(name)


# ----------------------------------------------------------------------------- the keyboard

def test_logging_in_and_moving_about_with_the_keyboard_only(visit: Any) -> None:
    person = visit(None)
    person.go("/login")
    page = person.page
    user = PEOPLE["clerk"]

    def focused() -> str:
        return str(page.evaluate("document.activeElement.id || document.activeElement"
                                 ".textContent.trim()"))

    assert focused() == "login"  # autofocus: the clerk can type at once
    page.keyboard.type(user.login)
    page.keyboard.press("Tab")
    assert focused() == "password"
    page.keyboard.type(user.password)
    page.keyboard.press("Tab")
    assert focused() == "Войти"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    assert person.heading() == "Мои задачи"

    page.keyboard.press("Tab")  # the first stop skips the menu
    assert focused() == "К содержанию"
    assert page.evaluate("getComputedStyle(document.activeElement).left") != "-999px"
    page.keyboard.press("Tab")
    assert focused() == "karta"
    stops = []
    for _ in range(10):
        page.keyboard.press("Tab")
        stops.append(focused())
    assert stops[:7] == ["Мои задачи", "Дорожные карты", "Документы", "Сроки",
                         "Показатели", "Журнал решений", "Администрирование"]
    assert "Выйти" in stops
    page.keyboard.press("Shift+Tab")
    while focused() != "Дорожные карты":
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/roadmaps")
    assert person.heading() == "Дорожные карты"


def test_a_draft_goes_round_for_a_visa_in_the_browser(visit: Any, site: Site) -> None:
    """The clerk sends a draft to the auditor for a visa; the auditor finds it among her
    tasks and gives it; the head, with nothing missing, signs."""
    from registry.occurrences import apply_event

    made = apply_event(site.db, "1:2.6@2022", "start", "clerk", order=True)
    document = made.documents[0]["id"]
    clerk = visit("clerk")
    clerk.go(f"/documents/{document}")
    assert "Проект на согласование не направлялся." in clerk.main()
    clerk.page.get_by_label(f"{PEOPLE['auditor'].name}, аудитор").check()
    clerk.page.click("button:text-is('Направить на согласование')")
    clerk.page.wait_for_load_state()
    assert clerk.page.inner_text("[role=status]") == "Проект направлен на согласование."
    assert "ожидает визы" in clerk.page.inner_text("section:has(#route-title)")
    auditor = visit("auditor")
    auditor.page.click(f"#visa a[href='/documents/{document}#route-title']")
    auditor.page.wait_for_url(f"**/documents/{document}*")
    auditor.page.fill("#visa-remarks", "Замечаний нет")
    auditor.page.click("button:text-is('Завизировать')")
    auditor.page.wait_for_load_state()
    assert auditor.page.inner_text("[role=status]") == "Виза поставлена."
    assert "виза получена" in auditor.page.inner_text("section:has(#route-title)")
    head = visit("head")
    head.go(f"/documents/{document}")
    assert head.page.locator("main .notice").count() == 0  # no visa missing
    head.page.click("button:text-is('Подписать')")
    head.page.wait_for_load_state()
    assert head.page.inner_text("[role=status]").startswith("Приказ подписан")
    assert head.page.locator("a:text('Скачать с листом ознакомления')").count() == 1


def test_a_clerk_starts_the_month_of_a_roadmap_in_the_browser(visit: Any) -> None:
    """From the roadmap's page: the months with planned occurrences to choose from, the job's
    progress, then each start and its draft order, linked."""
    clerk = visit("clerk")
    clerk.go("/roadmaps/1")
    clerk.page.click("summary:has-text('Начать исполнения за месяц')")
    options = clerk.page.locator("#due-month option").all_inner_texts()
    assert "сентябрь 2022 — запланировано 1" in options
    clerk.page.select_option("#due-month", "2022-09")
    clerk.page.check("input[name=order]")
    shoot(clerk.page, "desktop-11-start-month")
    clerk.page.click("main button:text-is('Начать')")
    clerk.page.wait_for_selector("text=начато 1 из 1 запланированных", timeout=60_000)
    assert "со сроком с 01.09.2022 по 30.09.2022" in clerk.main()
    assert "1:1.10@2022" in clerk.main()
    shoot(clerk.page, "desktop-12-start-month-done")
    clerk.page.click("main li a[href^='/documents/']")
    clerk.page.wait_for_url(re.compile(r"/documents/\d+$"))
    assert clerk.heading() == ("Об организации проведения рейтинговой оценки работы "
                               "муниципальных образовательных организаций")
    assert "проект" in clerk.main()


def test_every_input_pattern_is_a_valid_expression_for_the_browser(visit: Any) -> None:
    """Chromium compiles «pattern» with the «v» flag, where an unescaped «-» in a class is an
    error: such a field is then not checked at all and the console reports it."""
    admin = visit("admin")
    admin.go("/admin")
    invalid = admin.page.eval_on_selector_all(
        "input[pattern]", "els => els.filter(e => { try { new RegExp(e.pattern, 'v'); "
        "return false } catch (error) { return true } }).map(e => e.id + ': ' + e.pattern)")
    assert admin.page.eval_on_selector_all("input[pattern]", "els => els.length") > 0
    assert invalid == []
    assert admin.page.eval_on_selector(  # the field in a folded card: checked all the same
        "#n-login", "e => { e.value = 'не латиница'; return e.validity.patternMismatch }")
    assert not admin.page.eval_on_selector(
        "#n-login", "e => { e.value = 'ivanova-2'; return e.validity.patternMismatch }")


def test_a_returned_school_and_a_head_act_from_their_notifications(visit: Any,
                                                                    site: Site) -> None:
    """The school sees the count in the header and the notice of its returned report, and
    opens the assignment from it; the head opens the draft to sign from hers and signs."""
    from registry.assignments import act as act_on
    from registry.occurrences import apply_event

    ref = "1:2.1@2022"
    apply_event(site.db, ref, "start", "clerk", order=True)
    act_on(site.db, "school1", ref, "report", comment="Проведено")
    act_on(site.db, "head", ref, "return", unit=UNIT, comment="Приложите протокол")
    school = visit("executor")
    badge = school.page.inner_text("header.top a.inbox")
    assert badge.startswith("Уведомления") and int(badge.split()[-1]) >= 1
    school.page.click("header.top a.inbox")
    assert school.heading() == "Уведомления"
    shoot(school.page, "desktop-18-notifications-school")
    row = school.page.locator("tbody tr", has=school.page.locator(
        "text=Отчёт возвращён на доработку: 1:2.1@2022"))
    row.locator("button:text-is('Открыть')").click()
    school.page.wait_for_url(re.compile(r"/o/1:2\.1@2022"))
    assert "Приложите протокол" in school.page.inner_text("#executors .notice")
    head = visit("head")
    head.page.click("header.top a.inbox")
    row = head.page.locator("tbody tr", has=head.page.locator(
        "text=Проект приказа на подпись"))
    row.first.locator("button:text-is('Открыть')").click()
    head.page.wait_for_url(re.compile(r"/documents/\d+$"))
    head.page.click("main button:text-is('Подписать')")
    head.page.wait_for_url(re.compile(r"/documents/\d+\?signed=1$"))
    assert "Приказ подписан" in head.page.inner_text("[role=status]")
    # the clerk the order names confirms reading it (issue 21, item 6)
    order_url = head.page.url.split("?")[0]
    assert "Ознакомлены 0 из" in head.page.inner_text("#acquaintance")
    clerk = visit("clerk")
    clerk.page.goto(order_url)
    clerk.page.click("#acquaintance button:text-is('Ознакомлен(а) с приказом')")
    clerk.page.wait_for_url(re.compile(r"/documents/\d+\?done="))
    assert "вы ознакомлены с приказом" in clerk.page.inner_text("[role=status]")
    assert "Ознакомлены 1 из" in clerk.page.inner_text("#acquaintance")
    shoot(clerk.page, "desktop-25-acquaintance")
    # a comment on the order, naming the head (issue 21, item 7)
    clerk.page.fill("#comment-text", "@head, ознакомление собрано, кроме школы")
    clerk.page.click("#comments button:text-is('Отправить комментарий')")
    clerk.page.wait_for_url(re.compile(r"/documents/\d+(#comments)?$"))
    assert "ознакомление собрано" in clerk.page.inner_text("#comments")
    shoot(clerk.page, "desktop-26-comments")


def test_indicators_from_a_school_s_form_to_the_head_s_справка(visit: Any, site: Site,
                                                               tmp_path: Any) -> None:
    """Issue 22 in a real browser: the school fills its form with a file as evidence, the
    clerk sees who has not given values and accepts, the head reads the monitoring page with
    its chart and drafts the справка."""
    from registry.indicators import add_indicator
    from registry.people import add_person
    from registry.units import add_unit

    add_unit(site.db, "clerk", "МБОУ СОШ № 2", "general")
    add_person(site.db, "admin", "school2", "Орлова Нина Петровна", "f", "завуч",
               ["executor"], unit="МБОУ СОШ № 2")
    add_indicator(site.db, "clerk", code="П1", name="Доля обучающихся, преодолевших "
                  "минимальный порог ВПР", unit="%", rollup="weighted_mean", fraction=True,
                  numerator="обучающиеся, преодолевшие порог",
                  denominator="обучающиеся, писавшие ВПР", evidence=True,
                  targets={"2025": "84", "2026": "85"})
    school = visit("executor")
    school.page.click("header.top a:text-is('Показатели')")
    school.page.wait_for_url(re.compile(r"/indicators/form"))
    assert school.heading() == f"Показатели: {UNIT}"
    school.page.fill("input[name='numerator-П1']", "172")
    school.page.fill("input[name='denominator-П1']", "200")
    evidence = tmp_path / "протокол ВПР.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% protocol\n")
    school.page.set_input_files("input[name='files-П1']", str(evidence))
    shoot(school.page, "desktop-19-indicators-school-form")
    school.page.click("main button:text-is('Отправить значения')")
    school.page.wait_for_url(re.compile(r"done=submitted"))
    assert "Значения отправлены" in school.page.inner_text("[role=status]")
    assert "ждёт проверки" in school.main()

    clerk = visit("clerk")
    clerk.go("/indicators/%D0%9F1?period=2026")
    assert "Не представили (1): МБОУ СОШ № 2" in clerk.main()
    assert "протокол ВПР.pdf" in clerk.main()
    shoot(clerk.page, "desktop-20-indicator-clerk")
    header = clerk.page.locator("header.top").bounding_box()
    assert header["height"] < 60  # one line at 1366×768, every section and the inbox
    clerk.page.locator("#schools button:text-is('Принять')").click()
    clerk.page.wait_for_url(re.compile(r"done=accept"))

    head = visit("head")
    head.go("/indicators")
    assert head.heading() == "Показатели"
    row = head.main()
    assert "86\u00a0%" in row and "достигнут" in row
    head.page.click("main a:has-text('Доля обучающихся')")
    head.page.wait_for_url(re.compile(r"/indicators/%D0%9F1$"))
    head.page.wait_for_function("() => { const img = document.querySelector('img.chart'); "
                                "return img && img.complete && img.naturalWidth > 0 }")
    shoot(head.page, "desktop-21-indicator-head")
    head.go("/indicators")
    shoot(head.page, "desktop-22-indicators-head")
    head.page.fill("#n-period", "2026")
    head.page.click("main button:text-is('Составить справку')")
    head.page.wait_for_url(re.compile(r"/documents/\d+$"))
    assert "о результатах мониторинга показателей" in head.main()
    # the clerk drafts the order from the справка, its decisions drafted to edit
    note_url = head.page.url
    clerk.page.goto(note_url)
    decisions = clerk.page.locator("#decisions")
    assert decisions.is_visible()
    clerk.page.fill("#order-points", "Разместить настоящий приказ на официальном сайте")
    shoot(clerk.page, "desktop-23-monitoring-order-form")
    clerk.page.click("main button:text-is('Подготовить проект приказа')")
    clerk.page.wait_for_url(re.compile(r"/documents/\d+$"))
    assert clerk.page.url != note_url
    assert "Об итогах мониторинга показателей за 2026 год" in clerk.main()
    shoot(clerk.page, "desktop-24-monitoring-order")
