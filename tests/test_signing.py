"""The real signatory and the real journal (issue 11): who signs, continuing an office's
journal, orders made outside karta, dates that follow numbers, names never logins."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from registry.database import Database
from registry.journals import continue_journal, register_external
from registry.occurrences import apply_event
from registry.orders import approve_roadmap, sign
from registry.people import add_person, update_person
from registry.roadmaps import import_roadmap
from registry.verify import verify
from tests.conftest import ZAOZERSK, Karta, office_today
from tests.docx_structure import structure
from workflow.errors import KartaError


@pytest.fixture
def drafts(db: Database) -> Database:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    for code in (5, 6, 7):
        apply_event(db, f"{rid}:{code}@2021", "start", "clerk", order=True)
    return db


def _signature(db: Database, document: object) -> list[str]:
    signature = structure(db.store.read(document.file_path))["signature"]  # type: ignore[attr-defined]
    return signature[0]


def test_the_head_signs_in_the_profile_s_position(drafts: Database) -> None:
    signed = sign(drafts, "head", 1, date(2021, 3, 1))
    assert _signature(drafts, signed) == [
        "Начальник МКУ «Управление образования ЗАТО город Заозерск»", "С.Л. Андреева"]


def test_an_acting_head_signs_in_the_position_given(drafts: Database) -> None:
    add_person(drafts, "admin", "deputy", "Ханченко Ирина Геннадьевна", "f",
               "заместитель начальника", ["head"])
    signed = sign(drafts, "deputy", 1, date(2021, 3, 1),
                  as_position="И.о. начальника управления образования")
    assert _signature(drafts, signed) == ["И.о. начальника управления образования",
                                          "И.Г. Ханченко"]
    own = sign(drafts, "deputy", 2, date(2021, 3, 2))  # her own stored position
    assert _signature(drafts, own) == ["Заместитель начальника", "И.Г. Ханченко"]
    text = "\n".join(structure(drafts.store.read(own.file_path))["paragraphs"])
    assert "Исп.: Белокреницкая Елена Викторовна" in text  # the clerk, not the signer


def test_dates_follow_numbers_and_never_run_ahead(drafts: Database) -> None:
    sign(drafts, "head", 1, date(2021, 3, 10))
    with pytest.raises(KartaError, match="раньше последнего приказа журнала: № 01-09/1 от "
                                         "10.03.2021"):
        sign(drafts, "head", 2, date(2021, 3, 9))
    with pytest.raises(KartaError, match="позже сегодняшней"):
        sign(drafts, "head", 2, office_today() + timedelta(days=1))
    assert sign(drafts, "head", 2, date(2021, 3, 10)).number_text == "01-09/2"


def test_a_journal_kept_before_karta_continues(drafts: Database, tmp_path: Path) -> None:
    continue_journal(drafts, "clerk", "orders", 2021, 64)
    with pytest.raises(KartaError, match="следующий не может быть меньше 64"):
        continue_journal(drafts, "clerk", "orders", 2021, 10)
    assert sign(drafts, "head", 1, date(2021, 3, 1)).number_text == "01-09/64"
    scan = tmp_path / "приказ_65.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned order")
    with pytest.raises(KartaError, match="следующий номер журнала приказов за 2021 год — 65"):
        register_external(drafts, "clerk", "01-09/70", date(2021, 3, 2), "О графике")
    outside = register_external(drafts, "clerk", "01-09/65", date(2021, 3, 2),
                                "О графике совещаний", scan)
    assert (outside.number, outside.status) == (65, "signed")
    assert sign(drafts, "head", 2, date(2021, 3, 3)).number_text == "01-09/66"
    result = verify(drafts, "admin")
    assert result.ok, result.problems


def test_a_bare_login_is_never_printed(db: Database) -> None:
    add_person(db, "admin", "nobody", "nobody", "", "", ["clerk"])
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    with pytest.raises(KartaError, match="у пользователя «nobody» не указаны фамилия, имя и "
                                         "отчество"):
        apply_event(db, f"{rid}:5@2021", "start", "nobody", order=True)
    with pytest.raises(KartaError, match="укажите фамилию, имя и отчество полностью"):
        update_person(db, "admin", "nobody", {"full_name": "admin"})
    update_person(db, "admin", "nobody", {"full_name": "Петров Иван Сергеевич"})
    assert apply_event(db, f"{rid}:5@2021", "start", "nobody", order=True).documents
    assert approve_roadmap(db, "nobody", f"R{rid}").status == "draft"


def test_journal_and_people_commands(karta: Karta) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    done = karta("journal", "set", "--year", "2021", "--next", "10")
    assert done.exit_code == 0 and "следующий номер за 2021 год — 10" in done.stdout
    added = karta("journal", "register", "01-09/10", "--date", "01.02.2021", "--title",
                  "О проведении совещания")
    assert added.exit_code == 0, added.stderr
    assert "Внесён приказ № 01-09/10 от 01.02.2021" in added.stdout
    renamed = karta("people", "set", "admin", "--position", "начальник отдела")
    assert renamed.exit_code == 0
    assert karta("audit", "verify").exit_code == 0
