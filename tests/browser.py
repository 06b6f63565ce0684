"""What the browser tests need: the real app on a free localhost port, a database of people
who log in with passwords, Debian's Chromium driven by Playwright, and screenshots.

Chromium is never downloaded (``playwright install`` cannot reach its servers here): the
system's ``chromium`` is launched by path. Without it, or without Playwright, the browser
tests are skipped on a developer's machine but fail in CI, where a silent skip would hide
that nothing was tested.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jinja2 import StrictUndefined

from registry.accounts import set_password
from registry.database import Database
from registry.people import add_person, initialise
from registry.roadmaps import import_roadmap
from tests.conftest import PROFILE, ROOT, SLAVGOROD
from workflow.importing import Period

SCREENSHOTS = ROOT / "build" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
UNIT = "МБОУ СОШ № 1"


@dataclass(frozen=True)
class User:
    login: str
    password: str
    name: str


PEOPLE = {  # role → who plays it in the tests
    "admin": User("admin", "Админ-пароль-2024", "admin"),
    "clerk": User("clerk", "Клерк-пароль-2024", "Белокреницкая Елена Викторовна"),
    "head": User("head", "Начальник-2024!", "Андреева Светлана Леонидовна"),
    "executor": User("school1", "Школа-один-2024", "Смирнова Ольга Петровна"),
    "auditor": User("auditor", "Аудитор-2024!", "Кузнецов Игорь Семёнович"),
}


def chromium_path() -> str | None:
    """``KARTA_CHROMIUM`` when set (another build, another place), else Debian's Chromium."""
    chosen = os.environ.get("KARTA_CHROMIUM")
    for name in [chosen] if chosen else ["chromium", "/usr/bin/chromium", "chromium-browser"]:
        found = shutil.which(name)
        if found:
            return found
    return None


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail in CI (``CI`` or ``KARTA_TEST_PG_URL`` set)."""
    if os.environ.get("CI") or os.environ.get("KARTA_TEST_PG_URL"):
        pytest.fail(f"browser tests cannot run in CI: {reason}. Install Chromium "
                    "(apt-get install chromium fonts-liberation) and the test extra "
                    "(pip install -e '.[test]'); `make test` does both.", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


def make_database(folder: Path) -> Database:
    """A fresh SQLite database with a person for every role, each with a password, and
    the Slavgorod roadmap (its «Комитет» activities belong to no school)."""
    db = Database(f"sqlite:///{folder / 'karta.db'}", folder / "files")
    initialise(db, PROFILE)
    add_person(db, "admin", "clerk", PEOPLE["clerk"].name, "f", "специалист", ["clerk"])
    add_person(db, "admin", "head", PEOPLE["head"].name, "f", "начальник", ["head"])
    add_person(db, "admin", "school1", PEOPLE["executor"].name, "f",
               "заместитель директора по УВР", ["executor"], unit=UNIT)
    add_person(db, "admin", "auditor", PEOPLE["auditor"].name, "m", "аудитор", ["auditor"])
    for user in PEOPLE.values():
        set_password(db, "admin", user.login, user.password)
    import_roadmap(db, SLAVGOROD, "clerk", Period(2021, 2022))
    return db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(db: Database) -> Iterator[str]:
    """The real application (as ``karta serve`` builds it) served by uvicorn in a thread;
    yields its base URL."""
    import uvicorn

    from web.app import create_app

    port = free_port()
    app = create_app(db)
    # a variable a template names but the page does not pass is an error in the tests
    # (karta's rule for document templates), not an empty string on the screen
    app.state.templates.env.undefined = StrictUndefined
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, server_header=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="karta-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test server did not start on port {port}")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (the system's), or a skip / a CI failure saying what is missing."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    path = chromium_path()
    if path is None:
        unavailable("Chromium is not installed (no chromium on PATH"
                    + (f", KARTA_CHROMIUM={os.environ['KARTA_CHROMIUM']}" if
                       os.environ.get("KARTA_CHROMIUM") else "") + ")")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS,
                                                 headless=True)
        except Error as error:
            unavailable(f"Chromium at {path} did not start: {str(error).splitlines()[0]}")
        try:
            yield browser
        finally:
            browser.close()


def shoot(page: Any, name: str) -> Path:
    """A full-page PNG of what the user sees, under build/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target
