"""Indicators across a region (issue 22, item 6): the regional auditor sees each indicator the
departments share, the region's figure pooled school by school, each department's figure and
who is below target; a department reads only its own; the export opens in Excel."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from registry.database import Database
from registry.indicators import Given, add_indicator, decide, monitoring, submit_values
from registry.region_indicators import region_indicators, region_indicators_workbook
from tests.conftest import signed_in
from workflow.errors import PermissionDenied

SCHOOL = "МБОУ СОШ № 1"


def _give(db: Database, org: str, code: str, given: Given) -> None:
    submit_values(db, f"{org}-school", "2021", {code: given})
    decide(db, f"{org}-clerk", code, "2021", SCHOOL, "accept")


@pytest.fixture
def shared(region: Database) -> Database:
    """Both departments adopted the regional roadmap's П1 (a share of pupils, weighted by
    pupils) and П2 (teachers trained, a sum) with the same target; Заозерск also has its
    own П9."""
    for org in ("zao", "yen"):
        add_indicator(region, f"{org}-clerk", code="П1", name="Доля обучающихся, "
                      "преодолевших минимальный порог ВПР", unit="%", rollup="weighted_mean",
                      fraction=True, numerator="преодолевшие порог", denominator="писавшие",
                      targets={"2021": "80"})
        add_indicator(region, f"{org}-clerk", code="П2", name="Педагоги, прошедшие курсы",
                      unit="чел.", rollup="sum", targets={"2021": "30"})
    add_indicator(region, "zao-clerk", code="П9", name="Доля школ с сайтом по НОР", unit="%",
                  targets={"2021": "100"})
    _give(region, "zao", "П1", Given(numerator="10", denominator="20"))  # 50 %
    _give(region, "yen", "П1", Given(numerator="90", denominator="100"))  # 90 %
    _give(region, "zao", "П2", Given(value="12"))
    _give(region, "yen", "П2", Given(value="25"))
    return region


def test_the_region_pools_schools_not_departments_averages(shared: Database) -> None:
    summary = region_indicators(shared, "minister", 2021)
    assert summary["period"] == "2021" and "2021" in summary["periods"]
    share = next(i for i in summary["shared"] if i["code"] == "П1")
    # 100 of 120 pupils passed: 83.3 %, not the mean of 50 % and 90 % (70 %)
    assert share["actual"] == "83,3\u00a0%" and share["target"] == "80\u00a0%"
    assert share["reached"] is True and share["deviation"] == "+3,3\u00a0%"
    by_org = {o["code"]: o for o in share["organisations"]}
    assert by_org["zao"]["actual"] == "50\u00a0%" and by_org["zao"]["reached"] is False
    assert by_org["zao"]["below"] == [SCHOOL] and by_org["yen"]["below"] == []
    assert share["below_count"] == 1 and share["reached_count"] == 1
    teachers = next(i for i in summary["shared"] if i["code"] == "П2")
    # a sum aims at the sum of the targets: 37 of 30 + 30 teachers
    assert teachers["actual"] == "37\u00a0чел." and teachers["target"] == "60\u00a0чел."
    assert teachers["reached"] is False and teachers["below_count"] == 2
    # an indicator of one department is shown by organisation, never as a shared one
    assert [i["code"] for i in summary["shared"]] == ["П1", "П2"]
    zao = next(o for o in summary["organisations"] if o["code"] == "zao")
    assert [i["indicator"] for i in zao["indicators"]] == ["П1", "П2", "П9"]
    assert zao["indicators"][2]["missing"] == [SCHOOL]


def test_targets_that_differ_give_no_regional_target(shared: Database) -> None:
    from registry.indicators import set_target

    set_target(shared, "yen-clerk", "П1", "2021", "85")
    set_target(shared, "yen-clerk", "П2", "2021", "40")
    found = {i["code"]: i for i in region_indicators(shared, "minister", 2021)["shared"]}
    share = found["П1"]
    assert share["target"] == "—" and share["reached"] is None
    assert share["actual"] == "83,3\u00a0%"
    assert {o["target"] for o in share["organisations"]} == {"80\u00a0%", "85\u00a0%"}
    assert found["П2"]["target"] == "70\u00a0чел."  # a sum: the sum of differing targets


def test_only_a_regional_auditor_reads_across_and_a_department_sees_its_own(
        shared: Database) -> None:
    for login in ("zao-head", "zao-clerk", "yadmin"):
        with pytest.raises(PermissionDenied, match="аудитору региона"):
            region_indicators(shared, login, 2021)
    # the department's monitoring is its own, whoever reads it — the minister's own
    # organisation (the ministry) has no indicators of its own
    assert monitoring(shared, "minister") == []
    zao = {m.indicator.code: m for m in monitoring(shared, "zao-head", periods=["2021"])}
    assert set(zao) == {"П1", "П2", "П9"}
    assert zao["П1"].periods[0].actual is not None
    assert str(zao["П1"].periods[0].actual) == "50.0"


def test_the_region_export_opens_with_numbers_as_numbers(shared: Database) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(region_indicators_workbook(
        region_indicators(shared, "minister", 2021))))
    rows = list(book["По показателям"].iter_rows(values_only=True))
    assert rows[0][0] == "Мониторинг показателей в регионе за 2021 год"
    region_row = next(r for r in rows if r[0] == "П1" and r[3] == "Всего по региону")
    assert region_row[4:8] == (80, 83.3, 3.3, "да")
    zao_row = next(r for r in rows if r[0] == "П1" and r[3] == "УО zao")
    assert zao_row[5] == 50 and zao_row[7] == "нет" and zao_row[10] == SCHOOL
    by_org = list(book["По организациям"].iter_rows(values_only=True))
    assert ("УО zao", "П9") in {(r[0], r[1]) for r in by_org}


def test_the_region_page_and_its_export_in_the_browser(shared: Database) -> None:
    client = signed_in(shared, "minister", "minister")
    page = client.get("/region/indicators?period=2021")
    assert page.status_code == 200
    assert "Доля обучающихся, преодолевших минимальный порог ВПР" in page.text
    assert "83,3\u00a0%" in page.text and "УО yen" in page.text
    one = client.get("/region/indicators?period=2021&org=zao")
    assert "П9" in one.text and "Доля школ с сайтом по НОР" in one.text
    export = client.get("/region/indicators/export.xlsx?period=2021")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert client.get("/region/indicators?period=<script>").status_code == 400
    assert client.get("/region/indicators?period=2021&org=нет").status_code == 404
    head = signed_in(shared, "zao-head", "zadmin")
    assert head.get("/region/indicators?period=2021").status_code == 403


def test_the_region_from_the_command_line(shared: Database, tmp_path: Path) -> None:
    from registry.accounts import issue_token
    from tests.conftest import Karta

    karta = Karta(shared.url, tmp_path)
    for login, admin in (("minister", "minister"), ("zao-head", "zadmin")):
        karta.tokens[login] = issue_token(shared, admin, login, label="тесты")[1]
    shown = karta("indicators", "region", "2021", user="minister")
    assert shown.exit_code == 0, shown.stderr
    assert "Всего по региону" in shown.stdout and "83,3" in shown.stdout
    one = karta("indicators", "region", "2021", "--org", "zao", user="minister")
    assert "П9. Доля школ с сайтом по НОР" in one.stdout
    book = tmp_path / "регион.xlsx"
    assert karta("indicators", "region", "2021", "--xlsx", str(book),
                 user="minister").exit_code == 0
    assert book.read_bytes()[:2] == b"PK"
    refused = karta("indicators", "region", "2021", user="zao-head")
    assert refused.exit_code != 0 and "аудитору региона" in refused.stderr
    bad = karta("indicators", "region", "20x1", user="minister")
    assert bad.exit_code != 0 and len(bad.stderr.strip().splitlines()) == 1
