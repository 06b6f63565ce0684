"""Batches over many documents: PDF of a journal or a roadmap through one warm LibreOffice,
and re-rendering drafts after a template changed (never signed or registered documents)."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import ZAOZERSK, Karta
from tests.docx_structure import structure
from tests.office import require_office, require_warm_office


@pytest.fixture
def orders(karta: Karta) -> Karta:
    """A signed approval order (01-09/1 of 2020), three draft orders «О проведении…» and a
    fourth signed (01-09/1 of today's year)."""
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    assert karta("approve", "R1").exit_code == 0
    assert karta("sign", "1", "--date", "30.11.2020", "--as",
                 "Исполняющий обязанности начальника управления образования").exit_code == 0
    for ref in ("1:5@2021", "1:5@2022", "1:9@2022", "1:9@2023"):
        result = karta("start", ref, "--order")
        assert result.exit_code == 0, result.stderr
    signed = karta("sign", "5", "--as", "Исполняющий обязанности начальника управления "
                                        "образования")
    assert signed.exit_code == 0, signed.stderr
    return karta


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


@pytest.fixture(autouse=True)
def own_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's offices keep their profiles in its own folder, so that what one test
    leaves running is told apart from another test's, run at the same time on another
    core."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


def offices_left() -> list[str]:
    """LibreOffice processes a batch of this test started and left running (their profile
    is in a karta-warm-office- folder in the test's temporary folder)."""
    import tempfile

    mine = f"{tempfile.gettempdir()}/karta-warm-office-"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if mine in command:
            found.append(command)
    return found


def test_pdf_of_a_roadmap_through_a_warm_office(orders: Karta, tmp_path: Path) -> None:
    require_warm_office()
    out = tmp_path / "pdf"
    result = orders("documents", "pdf", "--roadmap", "1", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    written = [Path(line) for line in result.stdout.splitlines()]
    names = sorted(path.name for path in written)
    assert len(names) == 5 and all(path.parent == out for path in written)
    drafts = [name for name in names if name.startswith("Проект приказа ")]
    assert len(drafts) == 3 and len(set(drafts)) == 3
    assert all(len(name) <= 120 + len(".pdf") for name in names)
    assert "LibreOffice (unoserver)" in result.stderr and "PDF: 5 за" in result.stderr
    approval = next(path for path in written
                    if path.name.startswith("Приказ 01-09-1 от 30.11.2020 Об утверждении "))
    assert "от 30.11.2020 № 01-09/1" in " ".join(pdf_text(approval).split())
    assert "ПРОЕКТ" in pdf_text(next(path for path in written
                                      if path.name.startswith("Проект приказа ")))
    assert offices_left() == []

    again = orders("documents", "pdf", "--roadmap", "1", "--out", str(out))
    assert again.exit_code == 1
    assert "уже есть; чтобы заменить его, добавьте --force (ничего не преобразовано)" in \
        again.stderr
    forced = orders("documents", "pdf", "--id", "1", "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert forced.stdout.strip() == str(approval)

    # an order made outside karta, entered in the journal without its file
    today = date.today()
    year = str(today.year)
    entered = orders("journal", "register", "01-09/2", "--date", f"{today:%d.%m.%Y}",
                     "--title", "О графике совещаний")
    assert entered.exit_code == 0, entered.stderr
    journal = orders("documents", "pdf", "--year", year, "--out", str(tmp_path / "year"))
    assert journal.exit_code == 0, journal.stderr
    assert len(journal.stdout.splitlines()) == 1  # the signed order 01-09/1 of this year
    assert "Внесены в журнал без файла, PDF нет: документы 6." in journal.stderr
    only = orders("documents", "pdf", "--id", "6", "--out", str(tmp_path / "none"))
    assert only.stderr.strip() == ("ошибка: выбранные документы внесены в журнал без "
                                   "файлов: PDF не из чего делать")


def test_pdf_of_a_years_journal_per_file(orders: Karta, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Without uno (or unoserver) karta falls back to one soffice per file, and says so."""
    require_office()
    monkeypatch.setattr("documents.office.warm_unavailable", lambda: "нет uno")
    result = orders("documents", "pdf", "--year", "2020", "--journal", "приказов",
                    "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    (path,) = [Path(line) for line in result.stdout.splitlines()]
    assert path.name.startswith("Приказ 01-09-1 от 30.11.2020 Об утверждении ")
    assert path.suffix == ".pdf" and "01-09/1" in pdf_text(path)
    assert "(soffice на каждый файл: нет uno)" in result.stderr


def test_pdf_refusals(orders: Karta, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nothing = orders("documents", "pdf", "--out", str(tmp_path))
    assert nothing.exit_code == 1
    assert nothing.stderr.strip() == ("ошибка: укажите, какие документы: --year ГОД (журнал "
                                      "за год), --roadmap КАРТА (документы дорожной карты) "
                                      "или --id НОМЕР")
    unknown = orders("documents", "pdf", "--id", "99", "--out", str(tmp_path))
    assert unknown.stderr.strip() == "ошибка: нет таких документов: 99 (karta documents)"
    empty = orders("documents", "pdf", "--year", "1999", "--out", str(tmp_path))
    assert empty.stderr.strip() == "ошибка: таких документов нет: PDF не из чего делать"
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    refused = orders("documents", "pdf", "--id", "1", "--out", str(link))
    assert refused.exit_code == 1 and "символическая ссылка" in refused.stderr
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"keep")
    from registry.exports import office_name
    from registry.tables import Document

    db = orders.database()
    with db.reading() as session:
        name = office_name(session.get(Document, 1), ".pdf")  # type: ignore[arg-type]
    db.dispose()
    (out / name).symlink_to(victim)
    through = orders("documents", "pdf", "--id", "1", "--out", str(out), "--force")
    assert through.exit_code == 1
    assert "символическая ссылка: karta не пишет через ссылки" in through.stderr
    assert victim.read_bytes() == b"keep"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    no_office = orders("documents", "pdf", "--id", "1", "--out", str(tmp_path / "new"))
    assert no_office.exit_code == 1
    assert no_office.stderr.strip() == ("ошибка: для PDF нужен LibreOffice: apt-get install "
                                        "-y libreoffice-writer fonts-liberation")


def _new_order_start(orders: Karta, tmp_path: Path) -> None:
    """A second version of order_start with a line of its own, made active."""
    import docx

    from registry.templates import SHIPPED

    document = docx.Document(str(SHIPPED / "order_start.docx"))
    document.add_paragraph("Редакция шаблона 2")
    path = tmp_path / "order_start_v2.docx"
    document.save(str(path))
    added = orders("templates", "add", str(path), "--name", "order_start", "--kind",
                   "order_start", "--comment", "новая редакция")
    assert added.exit_code == 0, added.stderr
    assert orders("templates", "activate", "order_start", "2").exit_code == 0


def test_rerender_drafts_after_a_template_change(orders: Karta, tmp_path: Path) -> None:
    before = {row["id"]: row for row in json.loads(orders("documents", "--json").output)}
    _new_order_start(orders, tmp_path)

    dry = orders("documents", "rerender", "--template", "order_start", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    plan = json.loads(dry.output)
    assert [row["id"] for row in plan["drafts"]] == [2, 3, 4]
    assert [(row["id"], row["number"]) for row in plan["kept"]] == \
        [(5, before[5]["number"])]
    assert plan["done"] == 0
    unchanged = {row["id"]: row for row in json.loads(orders("documents", "--json").output)}
    assert unchanged == before  # a dry run writes nothing

    shown = orders("documents", "rerender", "--template", "order_start", "--dry-run")
    assert "Проекты по шаблону order_start v2: будут пересобраны 3 из 3." in shown.output
    assert ("Не пересобраны: 1 — подписанные и зарегистрированные документы не "
            "пересобираются: это документы, имеющие юридическую силу") in shown.output

    result = orders("documents", "rerender", "--template", "order_start", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    assert "Проекты по шаблону order_start v2: пересобраны 3 из 3." in result.output
    after = {row["id"]: row for row in json.loads(orders("documents", "--json").output)}
    for number in (2, 3, 4):
        assert after[number]["template"] == "order_start v2"
        assert after[number]["file_sha256"] != before[number]["file_sha256"]
        paragraphs = structure(orders.read(after[number]["file"]))["paragraphs"]
        assert "Редакция шаблона 2" in paragraphs and "ПРОЕКТ" in paragraphs
        assert orders("documents", "regenerate", str(number)).exit_code == 0
    for number in (1, 5):  # signed: legal records, untouched
        assert after[number] == before[number]

    log = orders("audit", "log", "--json")
    events = [e for e in json.loads(log.output) if e["event"] == "document_rerender"]
    assert sorted(e["object"] for e in events) == ["документ 2", "документ 3", "документ 4"]
    assert all("шаблон order_start v1 → v2" in e["comment"] for e in events)
    assert orders("audit", "verify").exit_code == 0

    nothing = orders("documents", "rerender", "--template", "order_start")
    assert nothing.output.startswith("Проектов, сделанных прежними версиями шаблона "
                                     "order_start, нет (активна v2).")


def test_rerender_needs_a_clerk(orders: Karta) -> None:
    added = orders("people", "add", "reader", "--name", "Петрова Анна Ивановна", "--gender", "ж",
                   "--role", "аудитор")
    assert added.exit_code == 0, added.stderr
    refused = orders("documents", "rerender", "--template", "order_start", user="reader")
    assert refused.exit_code == 7
    assert refused.stderr.strip() == ("ошибка: нет прав: для действия «rerender» нужна роль "
                                      "«clerk» или «admin» (у пользователя «reader»: auditor)")


def test_progress_is_plain_lines_when_not_a_terminal(orders: Karta, tmp_path: Path) -> None:
    _new_order_start(orders, tmp_path)
    result = orders("documents", "rerender", "--template", "order_start", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "Пересборка: 3 из 3"
    assert os.environ.get("TERM") is None or "\x1b[" not in result.stderr


@pytest.mark.parametrize("sent", ["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_batch_leaves_no_office_running(orders: Karta, tmp_path: Path,
                                                       sent: str) -> None:
    """Ctrl-C (or a SIGTERM) in the middle of a batch: karta says «прервано» and the warm
    LibreOffice it started is gone; killed outright, karta says nothing, and the office's
    server notices and ends itself with its LibreOffice."""
    import signal
    import subprocess
    import sys
    import time

    require_warm_office()
    if not orders.url.startswith("sqlite"):
        pytest.skip("one real process is enough: the database plays no part here")
    command = [sys.executable, "-c", "from cli import main; main()", "--db", orders.url,
               "--files", str(orders.folder / "files"), "--user", "admin", "documents", "pdf",
               "--roadmap", "1", "--workers", "1", "--out", str(tmp_path / "pdf")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "KARTA_TOKEN": "", "KARTA_DEBUG": ""})
    deadline = time.monotonic() + 60
    while not list((tmp_path / "pdf").glob("*.pdf")) and time.monotonic() < deadline and \
            process.poll() is None:
        time.sleep(0.02)  # the first PDF is written: the batch is under way
    assert offices_left(), "karta started no LibreOffice, or it has finished"
    process.send_signal(getattr(signal, sent))
    _, errors = process.communicate(timeout=60)
    if sent == "SIGKILL":
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 1
        assert errors.decode().strip().splitlines()[-1] == "ошибка: прервано"
    deadline = time.monotonic() + 10
    while offices_left() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert offices_left() == []
    import tempfile

    time.sleep(0.5)
    assert list(Path(tempfile.gettempdir()).glob("karta-warm-office-*")) == []


def test_a_file_over_its_time_fails_alone(orders: Karta, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file is bounded in time: one that takes too long is named, LibreOffice is
    stopped (and started afresh for the next), nothing is written for it."""
    require_warm_office()
    monkeypatch.setattr("documents.office.FILE_SECONDS", 0.001)
    result = orders("documents", "pdf", "--id", "1", "--id", "2", "--workers", "1",
                    "--out", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert ("ошибка: не преобразованы в PDF: 2 — документ 1: LibreOffice не преобразовал "
            "файл в PDF за 0.001 с; документ 2: LibreOffice не преобразовал файл в PDF за "
            "0.001 с") in result.stderr
    assert list(tmp_path.glob("*.pdf")) == []
    assert offices_left() == []


def test_a_draft_signed_meanwhile_is_not_overwritten(orders: Karta, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering happens outside any transaction: a draft signed while the batch renders
    keeps its signed file; the batch says so and goes on with the others."""
    import registry.batch
    from registry.batch import rerender
    from registry.orders import sign

    _new_order_start(orders, tmp_path)
    render_all = registry.batch.render_all
    db = orders.database()

    def signing_meanwhile(*args: object, **kwargs: object) -> object:
        sign(db, "admin", 3, None, "Исполняющий обязанности начальника управления "
                                  "образования")
        yield from render_all(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(registry.batch, "render_all", signing_meanwhile)
    before = json.loads(orders("documents", "show", "3", "--json").output)
    result = rerender(db, "admin", "order_start", workers=1)
    assert result.done == 2
    assert [(row["id"], row["reason"]) for row in result.failed] == [
        (3, "за это время проект подписан или изменён другим пользователем")]
    after = json.loads(orders("documents", "show", "3", "--json").output)
    assert after["status"] == "signed" and after["template"] == "order_start v1"
    assert after["file_sha256"] != before["file_sha256"]  # the signed file, not a render
    db.dispose()
    assert orders("audit", "verify").exit_code == 0


def test_an_office_that_does_not_start_is_named(orders: Karta, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    require_warm_office()
    broken = tmp_path / "server.py"
    broken.write_text("import sys\nprint('порт занят', file=sys.stderr)\nsys.exit(1)\n",
                      encoding="utf-8")
    monkeypatch.setattr("documents.office.SERVER", broken)
    result = orders("documents", "pdf", "--id", "1", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == \
        "ошибка: LibreOffice (unoserver) не запустился: порт занят"
    assert list((tmp_path / "out").glob("*")) == [] and offices_left() == []


# ----------------------------------------------------------------------------- many starts

def _log_events(karta: Karta) -> list[dict[str, object]]:
    log = karta("audit", "log", "--json")
    assert log.exit_code == 0, log.stderr
    return json.loads(log.output)  # type: ignore[no-any-return]


def test_a_month_of_a_roadmap_starts_at_once_with_its_orders(karta: Karta) -> None:
    """The clerk's December: every planned occurrence of R1 due then, each started by its own
    logged decision with its own draft order, two processes rendering; what was started
    already is counted, not started again."""
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    assert karta("start", "1:5@2022").exit_code == 0  # started by hand before
    before = len(_log_events(karta))
    dry = karta("start", "R1", "--due", "12.2022", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout.startswith("R1: будут начаты 20 из 21 исполнений со сроком с "
                                 "01.12.2022 по 31.12.2022.\n")
    assert "  1:9@2022: Обсуждение вопроса обеспечения объективности результатов ВПР на " \
           "муниципальных совещаниях (срок 30.12.2022)" in dry.stdout
    assert "1:5@2022" not in dry.stdout and "выполняется — 1" in dry.stdout
    assert len(_log_events(karta)) == before  # a dry run writes nothing

    result = karta("start", "R1", "--due", "декабрь 2022", "--order", "--workers", "2",
                   "--json")
    assert result.exit_code == 0, result.stderr
    batch = json.loads(result.stdout)
    assert (batch["workers"], batch["failed"], batch["others"]) == (2, [], {"in_progress": 1})
    refs = [row["ref"] for row in batch["started"]]
    assert refs == [row["ref"] for row in batch["planned"]] and len(refs) == 20
    assert refs[:3] == ["1:1@2022", "1:2@2022", "1:3@2022"] and "1:5@2022" not in refs
    assert all(len(row["documents"]) == 1 for row in batch["started"])
    assert result.stderr.splitlines()[-1] == "Начало исполнений: 20 из 20"

    events = _log_events(karta)[before:]
    starts = [e for e in events if e["event"] == "start"]
    assert sorted(str(e["object"]) for e in starts) == sorted(refs)
    assert {e["user"] for e in starts} == {"admin"}
    listed = karta("documents", "--json")
    drafts = [d for d in json.loads(listed.output) if d["kind"] == "order_start"]
    assert len(drafts) == 20 and {d["status"] for d in drafts} == {"draft"}
    nine = next(d for d in batch["started"] if d["ref"] == "1:9@2022")["documents"][0]
    text = "\n".join(p.text for p in Document(io.BytesIO(karta.read(nine["file"]))).paragraphs)
    assert "Об обсуждении вопроса обеспечения объективности результатов ВПР" in text
    verified = karta("audit", "verify")
    assert verified.exit_code == 0, verified.output

    again = karta("start", "R1", "--due", "12.2022")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.splitlines()[0] == ("R1: запланированных исполнений со сроком с "
                                            "01.12.2022 по 31.12.2022 нет — начинать нечего.")
    assert "выполняется — 21" in again.stdout


def test_one_that_cannot_start_is_named_and_the_others_start(
        karta: Karta, monkeypatch: pytest.MonkeyPatch) -> None:
    """Somebody starts 1:9@2022 between the batch's look and its turn: the batch names it
    with the reason, exits with an error, and keeps the other starts (each is its own
    decision in the log)."""
    import registry.occurrences

    assert karta("import", str(ZAOZERSK)).exit_code == 0
    real = registry.occurrences.apply_event

    def meanwhile(db: object, ref: str, event: str, login: str | None, **options: object
                  ) -> object:
        if ref == "1:9@2022":
            real(db, ref, event, "admin")  # type: ignore[arg-type]
        return real(db, ref, event, login, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(registry.occurrences, "apply_event", meanwhile)
    result = karta("start", "R1", "--due", "12.2022", "--workers", "1")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("ошибка: не начаты: 1 из 21 — 1:9@2022: ")
    assert "1:9@2022: запланировано → выполняется" not in result.stdout
    assert result.stdout.startswith("R1: начато 20 из 21 запланированных исполнений")
    shown = karta("show", "1:9@2022", "--json")
    assert json.loads(shown.output)["occurrence"]["state"] == "in_progress"
    starts = [e for e in _log_events(karta) if e["event"] == "start"]
    assert len(starts) == 21 and sum(e["object"] == "1:9@2022" for e in starts) == 1


def test_a_batch_start_refuses_what_it_cannot_do_and_writes_nothing(karta: Karta) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    before = len(_log_events(karta))
    added = karta("people", "add", "reader", "--name", "Петрова Анна Ивановна", "--gender",
                  "ж", "--role", "аудитор")
    assert added.exit_code == 0, added.stderr
    before += 1
    cases = {
        ("start", "R1", "--due", "13.2022"): "ошибка: неверный срок «13.2022»: ожидается "
        "месяц (12.2026 или «декабрь 2026»), год (2026), день (ДД.ММ.ГГГГ) или дни "
        "(ДД.ММ.ГГГГ-ДД.ММ.ГГГГ)",
        ("start", "R1", "--due", "01.2020"): "ошибка: у R1 нет исполнений со сроком с "
        "01.01.2020 по 31.01.2020: начинать нечего (сроки — karta activities --roadmap 1)",
        ("start", "1:9@2022", "--due", "2022"): "ошибка: 1:9@2022 — одно исполнение: без "
        "срока начните его командой «karta start 1:9@2022»; срок — для дорожной карты или "
        "мероприятия",
        ("start", "R7", "--due", "2022"): "ошибка: «R7»: нет такой дорожной карты (karta "
        "roadmaps)",
        ("start", "R1", "--due", "2022", "-m", "начать"): "ошибка: комментарий и файлы — "
        "для одного исполнения; со сроком (--due) начинаются несколько",
    }
    for args, message in cases.items():
        refused = karta(*args)
        assert refused.exit_code != 0 and refused.stderr.strip() == message, args
    refused = karta("start", "R1", "--due", "2022", user="reader")
    assert refused.exit_code == 7 and "нет прав" in refused.stderr
    workers = karta("start", "R1", "--due", "2022", "--workers", "0")
    assert workers.exit_code == 2 and "нужно число от 1 до 64" in workers.stderr
    written = [e["event"] for e in _log_events(karta)[before:]
               if e["event"] != "token_create"]  # PostgreSQL: the test's token for reader
    assert written == ["denied"]  # the refused permission alone is logged


_KILLED_PARENT = """
import os, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from registry.batch import in_processes
from registry.database import Database

def work(seconds):
    time.sleep(seconds)
    return os.getpid()

db = Database("sqlite:///" + {db!r}, Path({files!r}))
for pid in in_processes(db, work, [0.2, 0.2, 600, 600], 2):
    print(pid, flush=True)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


def test_workers_end_with_a_batch_killed_outright(tmp_path: Path) -> None:
    """Issue 18 (low): a batch's render workers outlived a ``kill -9`` of the command that
    started them, each waiting for work that never came."""
    import signal
    import subprocess
    import sys
    import time

    if not sys.platform.startswith("linux"):
        pytest.skip("the parent-death signal is Linux's")
    script = _KILLED_PARENT.format(root=str(Path(__file__).resolve().parents[1]),
                                   db=str(tmp_path / "k.db"), files=str(tmp_path / "files"))
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              text=True)
    assert parent.stdout is not None
    workers = {int(parent.stdout.readline()), int(parent.stdout.readline())}
    assert all(_alive(pid) for pid in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
