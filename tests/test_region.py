"""A whole region in one database: no organisation reads or changes another's (guessed ids
included); journals, units, people and templates are per organisation; the regional auditor
reads across them and gets the consolidated views."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from registry.accounts import set_password
from registry.audit import read_log
from registry.database import Database
from registry.documents import find_documents, get_document
from registry.occurrences import apply_event, history, show
from registry.orders import sign
from registry.people import (
    change_roles,
    list_people,
)
from registry.region import region_summary, summary_workbook
from registry.roadmaps import list_roadmaps
from registry.templates import SHIPPED, activate, add_template, list_templates
from registry.units import list_units
from registry.verify import verify
from tests.conftest import ZAOZERSK
from workflow.errors import KartaError, PermissionDenied, UnknownReference, UnknownUser


def test_one_organisation_never_sees_another(region: Database) -> None:
    assert [r["ref"] for r in list_roadmaps(region, "zao-clerk")] == ["R1"]
    assert [r["ref"] for r in list_roadmaps(region, "yen-clerk")] == ["R2"]
    for ref in ("R2", "2:0.1", "2:0.1@2021", "0.1@2021"):
        with pytest.raises(UnknownReference):
            show(region, ref, "zao-clerk")
    with pytest.raises(UnknownReference):
        history(region, "R2", "zao-head")
    with pytest.raises(UnknownReference):  # acting on a guessed reference
        apply_event(region, "2:0.1@2021", "report", "zao-clerk", comment="чужой отчёт")
    yen_order = find_documents(region, "yen-clerk")["rows"][0]
    assert [d["id"] for d in find_documents(region, "zao-clerk")["rows"]] != [yen_order["id"]]
    with pytest.raises((PermissionDenied, UnknownReference)):
        get_document(region, "zao-head", int(yen_order["id"]))
    with pytest.raises(KartaError, match="нет такого документа"):
        sign(region, "zao-head", int(yen_order["id"]), date(2021, 3, 1))
    assert {e["user"] for e in read_log(region, "zao-head")} <= {"zadmin", "zao-clerk",
                                                                  "zao-head", "minister"}
    assert verify(region, "minister").ok


def test_journals_people_units_and_templates_are_each_organisation_s(
        region: Database, tmp_path: Path) -> None:
    zao = find_documents(region, "zao-head")["rows"][0]
    yen = find_documents(region, "yen-head")["rows"][0]
    assert sign(region, "zao-head", int(zao["id"]), date(2021, 3, 1)).number_text == "01-09/1"
    assert sign(region, "yen-head", int(yen["id"]), date(2021, 3, 1)).number_text == "01-09/1"
    assert [p.login for p in list_people(region, "zadmin")] == [
        "zadmin", "zao-clerk", "zao-head", "zao-school"]
    with pytest.raises(UnknownUser):
        change_roles(region, "zadmin", "yen-clerk", "admin", grant=True)
    zao_units = {u.id for u in list_units(region, "zadmin")}
    yen_units = {u.id for u in list_units(region, "yadmin")}
    assert len(zao_units) == len(yen_units) == 1 and zao_units != yen_units
    # the school of one organisation reports only in its own
    from registry.assignments import act

    assert act(region, "zao-school", "1:5@2021", "report", comment="отчёт").dest == "reported"
    with pytest.raises(UnknownReference):
        apply_event(region, "2:0.1@2021", "report", "zao-school", comment="отчёт")
    # an organisation's own template version overrides the region's default for it only
    own = tmp_path / "order_start.docx"
    own.write_bytes((SHIPPED / "order_start.docx").read_bytes().replace(
        b"</w:body>", b"</w:body>"))
    import docx

    document = docx.Document(str(SHIPPED / "order_start.docx"))
    document.add_paragraph("Своя версия управления")
    document.save(str(own))
    info = add_template(region, "zadmin", own, "order_start", "order_start", "своя версия")
    assert not info.default
    activate(region, "zadmin", "order_start", info.version)
    zao_made = apply_event(region, "1:6@2021", "start", "zao-clerk", order=True).documents[0]
    yen_made = apply_event(region, "2:0.2@2021", "start", "yen-clerk", order=True).documents[0]
    assert "Своя версия управления" in _text(region, zao_made)
    assert "Своя версия управления" not in _text(region, yen_made)
    assert not any(not t.default for t in list_templates(region, "yadmin"))
    assert verify(region, "minister").ok


def _text(db: Database, document: dict[str, Any]) -> str:
    from tests.docx_structure import text_of

    return text_of(db.store.read(str(document["file"])))


def test_the_regional_auditor_reads_across_and_gets_the_consolidated_views(
        region: Database) -> None:
    assert [r["ref"] for r in list_roadmaps(region, "minister")] == ["R1", "R2"]
    assert show(region, "2:0.1@2021", "minister")["occurrence"]  # type: ignore[index]
    with pytest.raises(PermissionDenied, match="аудитору региона"):
        region_summary(region, "zao-head", 2021)
    summary = region_summary(region, "minister", 2021)
    codes = {o["code"]: o for o in summary["organisations"]}
    assert set(codes) == {"zao", "yen"}
    assert codes["zao"]["total"] == 21 and codes["yen"]["total"] > 0
    assert any(s["name"].startswith("Задача 0") for s in codes["yen"]["sections"])
    assert summary["totals"]["total"] == codes["zao"]["total"] + codes["yen"]["total"]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(summary_workbook(summary)))
    assert book.sheetnames == ["По организациям", "По разделам"]
    assert book["По организациям"]["A3"].value.startswith("УО ")


def test_web_pages_of_another_organisation_are_not_reachable(region: Database) -> None:
    from web.app import create_app

    for login in ("zao-clerk", "minister"):
        set_password(region, "minister" if login == "minister" else "zadmin", login,
                     "пароль-надёжный-1")
    client = TestClient(create_app(region), follow_redirects=False)
    form = client.get("/login")
    nonce = re.search(r'name="nonce" value="([^"]+)"', form.text).group(1)
    assert client.post("/login", data={"login": "zao-clerk", "password": "пароль-надёжный-1",
                                       "nonce": nonce, "next": "/"}).status_code == 303
    yen_document = find_documents(region, "yen-clerk")["rows"][0]["id"]
    for path in ("/roadmaps/2", "/o/2:0.1@2021", f"/documents/{yen_document}",
                 f"/documents/{yen_document}/file.docx"):
        response = client.get(path)
        assert response.status_code in (403, 404), path
    page = client.get("/roadmaps")
    assert "R1" in page.text and "R2" not in page.text
    assert client.get("/region").status_code == 403


def test_region_page_for_the_regional_auditor(region: Database) -> None:
    from web.app import create_app

    set_password(region, "minister", "minister", "пароль-министра-1")
    client = TestClient(create_app(region), follow_redirects=False)
    form = client.get("/login")
    nonce = re.search(r'name="nonce" value="([^"]+)"', form.text).group(1)
    client.post("/login", data={"login": "minister", "password": "пароль-министра-1",
                                "nonce": nonce, "next": "/"})
    page = client.get("/region?year=2021")
    assert page.status_code == 200 and "УО zao" in page.text and "УО yen" in page.text
    workbook = client.get("/region/export.xlsx?year=2021")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"


def test_region_commands(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import main

    runner = CliRunner()
    base = ["--db", str(tmp_path / "r.db"), "--files", str(tmp_path / "files")]

    def karta(*args: str, user: str = "minister") -> Any:
        return runner.invoke(main, [*base, "--user", user, *args])

    assert karta("init", "--org", "Министерство образования", "--region", "--code", "region",
                 "--admin", "minister", "--admin-name", "Иванов Иван Иванович").exit_code == 0
    added = karta("org", "add", "zao", "--org", "Управление образования ЗАТО Заозерск",
                  "--admin", "zadmin", "--admin-name", "Андреева Светлана Леонидовна")
    assert added.exit_code == 0, added.stderr
    refused = karta("org", "add", "yen", "--org", "Управление", "--admin", "y",
                    "--admin-name", "Петрова Ольга Николаевна", user="zadmin")
    assert refused.exit_code == 7 and "администратор региона" in refused.stderr
    listing = karta("org", "list").stdout.splitlines()
    assert listing == ["region\tрегион\tМинистерство образования",
                       "zao\tуправление\tУправление образования ЗАТО Заозерск"]
    assert karta("import", str(ZAOZERSK), user="zadmin").exit_code == 0
    summary = karta("region", "--year", "2021", "--xlsx", str(tmp_path / "сводка.xlsx"))
    assert summary.exit_code == 0, summary.stderr
    assert "Управление образования ЗАТО Заозерск" in summary.stdout
    assert (tmp_path / "сводка.xlsx").read_bytes()[:2] == b"PK"


def test_the_region_s_discipline_is_per_organisation(region: Database) -> None:
    """Issue 20, item 3: «МБОУ СОШ № 1» of one district is not another's — the regional
    auditor's discipline table keeps them apart; a department's has no such column."""
    from registry.assignments import act, discipline

    act(region, "zao-school", "1:5@2021", "report", comment="отчёт")
    rows = discipline(region, "minister", 2021)
    assert rows and all(row["organisation"] in ("УО zao", "УО yen") for row in rows)
    zao = [row for row in rows if row["organisation"] == "УО zao"]
    assert zao == [dict(row, organisation="УО zao")
                   for row in discipline(region, "zao-clerk", 2021)]
    assert all("organisation" not in row for row in discipline(region, "zao-clerk", 2021))
