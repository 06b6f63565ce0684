"""Fixtures: the real seeds, databases (SQLite always, PostgreSQL when configured), the CLI."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from registry.database import Database
from registry.people import Profile, add_person, initialise

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data"  # copies of ../shared/seeds (public documents)
PG_URL = os.environ.get("KARTA_TEST_PG_URL")

SLAVGOROD = SEEDS / "slavgorod_roadmap.txt"
ZAOZERSK = SEEDS / "zaozersk_order_and_roadmap.txt"
YENISEISK = SEEDS / "yeniseisk_roadmap.txt"


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its smallest parameters in tests: the same code path, a fraction of the
    time (production keeps argon2-cffi's defaults)."""
    from argon2 import PasswordHasher

    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr("registry.accounts._HASHER", quick)
    monkeypatch.setattr("registry.accounts._DUMMY", quick.hash("dummy"))


@pytest.fixture(scope="session", autouse=True)
def log_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tests' databases are sealed with a key outside them, as a server configures it
    (KARTA_LOG_KEY) — one for the whole run, so that databases shared by several tests (the
    browser's) stay checkable; tests of the default place unset it."""
    from registry.seal import make_key

    key = make_key(tmp_path_factory.mktemp("key") / "karta-log.key")
    saved = os.environ.get("KARTA_LOG_KEY")
    os.environ["KARTA_LOG_KEY"] = str(key)
    yield key
    if saved is None:
        os.environ.pop("KARTA_LOG_KEY", None)
    else:
        os.environ["KARTA_LOG_KEY"] = saved


@pytest.fixture(autouse=True)
def fresh_log_in_counts() -> None:
    """Each test starts with no log-in attempts counted against its addresses and logins."""
    from registry.accounts import ATTEMPTS

    ATTEMPTS.clear()


@pytest.fixture(autouse=True)
def every_line_accounted_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever file a test imports, no line of it may be left without a role (issue 10:
    nothing silently lost); tests/line_accounting.py checks the counts against the file."""
    from workflow.importing.ledger import UNACCOUNTED, Ledger

    lines = Ledger.lines

    def checked(self: Ledger) -> list[object]:
        found = lines(self)
        lost = [line.line for line in found if line.reason == UNACCOUNTED]
        assert not lost, f"lines of the source with no role: {lost[:20]}"
        assert len(found) == self.total
        return found  # type: ignore[return-value]

    monkeypatch.setattr(Ledger, "lines", checked)


def _pg_schema_url() -> Iterator[str]:
    """A fresh schema on the PostgreSQL server for one test; the server must answer."""
    import psycopg

    assert PG_URL is not None
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    schema = f"karta_t_{uuid.uuid4().hex[:12]}"
    try:
        connection = psycopg.connect(plain, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:  # set but unreachable: a failure, not a skip
        pytest.fail(f"KARTA_TEST_PG_URL is set but PostgreSQL is unreachable: {error}")
    with connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _backends() -> list[object]:
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
        PG_URL is None, reason="KARTA_TEST_PG_URL not set (CI sets it)"))]


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'karta.db'}"
    else:
        yield from _pg_schema_url()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'karta.db'}"


ADMIN_NAME = "Сидоров Алексей Иванович"
PROFILE = Profile(
    full_name="Муниципальное казенное учреждение «Управление образования ЗАТО город Заозерск»",
    short_name="МКУ «Управление образования ЗАТО город Заозерск»",
    parent_body="Администрация ЗАТО город Заозерск Мурманской области",
    place="г. Заозерск", head_position="Начальник МКУ «Управление образования ЗАТО город "
                                       "Заозерск»",
    head_name="С.Л. Андреева",
)


@contextmanager
def pinned_today(day: date, zone: str = "Europe/Moscow") -> Iterator[None]:
    """karta's clock moved so that it is ``day`` (noon) in ``zone`` — for tests whose outcome
    depends on the date; the clock keeps running from there."""
    from registry.database import Clock

    noon = datetime.combine(day, datetime.min.time().replace(hour=12), ZoneInfo(zone))
    saved = Clock.offset
    Clock.offset = noon - datetime.now(ZoneInfo(zone))
    try:
        yield
    finally:
        Clock.offset = saved


def office_today() -> date:
    """Today where the test organisations are (PROFILE's time zone, Moscow): what karta
    calls today, whatever the machine's zone (from 21:00 UTC Moscow is a day ahead)."""
    from registry.database import utcnow

    return utcnow().astimezone(ZoneInfo(PROFILE.timezone)).date()


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> Iterator[Database]:
    """An initialised database with admin, a clerk and a head."""
    database = Database(db_url, tmp_path / "files")
    initialise(database, PROFILE, admin_name=ADMIN_NAME)
    add_person(database, "admin", "clerk", "Белокреницкая Елена Викторовна", "f",
               "специалист", ["clerk"])
    add_person(database, "admin", "head", "Андреева Светлана Леонидовна", "f",
               "начальник", ["head"])
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    PG_URL is None, reason="KARTA_TEST_PG_URL not set (CI sets it)"))])
def region(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A region in one database: the ministry (minister: admin and regional auditor) and
    two departments, zao and yen, each with an admin, a clerk, a head and a school, and a
    roadmap each (R1 Заозерск, R2 Енисейск) with one occurrence started."""
    from registry.occurrences import apply_event
    from registry.people import add_organisation
    from registry.roadmaps import import_roadmap

    urls = iter([f"sqlite:///{tmp_path / 'region.db'}"]) if request.param == "sqlite" \
        else _pg_schema_url()
    db = Database(next(urls), tmp_path / "files")
    initialise(db, Profile(full_name="Министерство образования Мурманской области",
                           short_name="Министерство", head_name="И.И. Иванов",
                           head_position="Министр"), admin_login="minister",
               admin_name="Иванов Иван Иванович", code="region", kind="region")
    for code, admin, name in (("zao", "zadmin", "Андреева Светлана Леонидовна"),
                              ("yen", "yadmin", "Петрова Ольга Николаевна")):
        add_organisation(db, "minister", code, Profile(
            full_name=f"Управление образования ({code})", short_name=f"УО {code}",
            head_name="С.Л. Андреева" if code == "zao" else "О.Н. Петрова",
            head_position="Начальник управления образования"), admin, name)
        add_person(db, admin, f"{code}-clerk", "Белокреницкая Елена Викторовна", "f",
                   "специалист", ["clerk"])
        add_person(db, admin, f"{code}-head", name, "f", "начальник управления образования",
                   ["head"])
        add_person(db, admin, f"{code}-school", "Сидоров Пётр Иванович", "m", "завуч",
                   ["executor"], unit="МБОУ СОШ № 1")
    import_roadmap(db, ZAOZERSK, "zao-clerk")  # R1
    import_roadmap(db, YENISEISK, "yen-clerk")  # R2
    apply_event(db, "1:5@2021", "start", "zao-clerk", order=True)
    apply_event(db, "2:0.1@2021", "start", "yen-clerk", order=True)
    yield db
    db.dispose()
    for _ in urls:
        pass


class Karta:
    """Runs the real CLI in process against one database and working folder."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        self.runner = CliRunner()
        self.tokens: dict[str, str] = {}

    def database(self) -> Database:
        return Database(self.url, self.folder / "files")

    def read(self, address: str) -> bytes:
        """A stored file's bytes (the store is a folder or a database table)."""
        db = self.database()
        try:
            return db.store.read(address)
        finally:
            db.dispose()

    def tamper(self, address: str, data: bytes) -> None:
        db = self.database()
        try:
            replace_stored(db, address, data)
        finally:
            db.dispose()

    def token(self, user: str) -> str | None:
        """A personal token for a known user (a shared database needs one), else None."""
        from registry.accounts import issue_token
        from workflow.errors import KartaError

        if user not in self.tokens:
            db = self.database()
            try:
                self.tokens[user] = issue_token(db, "admin", user, label="тесты")[1]
            except KartaError:
                return None
            finally:
                db.dispose()
        return self.tokens[user]

    def __call__(self, *args: str, user: str | None = "admin") -> Result:
        from cli import main

        base = ["--db", self.url, "--files", str(self.folder / "files")]
        env = {"KARTA_TOKEN": None, "KARTA_USER": None, "KARTA_PASSWORD": None}
        if user:
            base += ["--user", user]
            if not self.url.startswith("sqlite") and args[:1] != ("init",):
                env["KARTA_TOKEN"] = self.token(user)
        return self.runner.invoke(main, [*base, *args], catch_exceptions=False, env=env)


@pytest.fixture
def karta(db_url: str, tmp_path: Path) -> Karta:
    """The CLI on an initialised database."""
    runner = Karta(db_url, tmp_path)
    result = runner("init", "--org", PROFILE.full_name, "--place", "г. Заозерск",
                    "--admin-name", ADMIN_NAME, user=None)
    assert result.exit_code == 0, result.output
    return runner


def replace_stored(db: Database, address: str, data: bytes) -> None:
    """Tamper with a stored file as somebody with access to the store would."""
    from registry.files import FolderStore, normalise_address

    if isinstance(db.store, FolderStore):
        db.store.local_path(address).write_bytes(data)
        return
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE storedblob SET data = %(data)s WHERE address = "
                                   "%(address)s", {"data": data,
                                                   "address": normalise_address(address)})


def run_sql(db: Database, *statements: str) -> None:
    """Statements straight on the database, past karta, as an intruder or a careless
    administrator would run them."""
    with db.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def remove_stored(db: Database, address: str) -> None:
    from registry.files import FolderStore, normalise_address

    if isinstance(db.store, FolderStore):
        db.store.local_path(address).unlink()
        return
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM storedblob WHERE address = %(address)s",
                                   {"address": normalise_address(address)})


def report_at_once(db: Database, refs: list[str], comment: str | None = None) -> list[Exception]:
    """Every occurrence of ``refs`` reported by the clerk in a thread of its own, all let go
    at the same moment (a barrier); the errors they met."""
    import threading

    from registry.occurrences import apply_event

    barrier = threading.Barrier(len(refs))
    errors: list[Exception] = []

    def report(ref: str) -> None:
        barrier.wait()
        try:
            apply_event(db, ref, "report", "clerk", comment=comment or f"отчёт по {ref}")
        except Exception as error:  # noqa: BLE001 - collected for the caller to assert
            errors.append(error)

    threads = [threading.Thread(target=report, args=(ref,)) for ref in refs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def signed_in(db: Database, login: str, admin: str = "admin") -> Any:
    """A browser-less client of the real application, logged in through the form as
    ``login`` (its password set by ``admin``)."""
    from fastapi.testclient import TestClient

    from registry.accounts import set_password
    from web.app import create_app

    set_password(db, admin, login, "пароль-надёжный-1")
    client = TestClient(create_app(db), follow_redirects=False)
    nonce = re.search(r'name="nonce" value="([^"]+)"', client.get("/login").text)
    assert nonce is not None
    assert client.post("/login", data={"login": login, "password": "пароль-надёжный-1",
                                       "nonce": nonce.group(1), "next": "/"}
                       ).status_code == 303
    return client


def csrf_of(page: str) -> str:
    """The form key of a page a signed-in client got."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)
