"""Documents through the command line: approve, sign, list, export, regenerate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ZAOZERSK, Karta
from tests.docx_structure import structure


@pytest.fixture
def approved(karta: Karta) -> Karta:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    result = karta("approve", "R1")
    assert result.exit_code == 0, result.stderr
    assert "Подпишите приказ: karta sign 1" in result.output
    signed = karta("sign", "1", "--date", "30.11.2020", "--as",
                   "Исполняющий обязанности начальника управления образования")
    assert signed.exit_code == 0, signed.stderr
    assert "Приказ подписан: от 30.11.2020 № 01-09/1" in signed.output
    return karta


def test_show_roadmap_summary(approved: Karta) -> None:
    shown = approved("show", "R1").output
    assert "Утверждена приказом от 30.11.2020 № 01-09/1" in shown
    assert "Исполнения: запланировано — 63" in shown


def test_documents_listing_and_show(approved: Karta) -> None:
    result = approved("start", "1:5@2021", "--order")
    assert "документ 2: Об организации проведения проверки результатов ВПР" in result.output
    assert "(проект, без номера)" in result.output
    rows = json.loads(approved("documents", "--json").output)
    assert [(r["id"], r["status"], r["number"]) for r in rows] == [  # newest first
        (2, "draft", None), (1, "signed", "01-09/1")]
    listing = approved("documents").stdout.splitlines()
    assert listing[0] == "Документов: 2."
    assert listing[1].split("\t")[:3] == ["2", "проект", "—"]
    assert listing[2].split("\t")[:4] == ["1", "подписан", "№ 01-09/1", "30.11.2020"]
    shown = json.loads(approved("documents", "show", "2", "--json").output)
    assert shown["context"]["occurrence"]["ref"] == "1:5@2021"
    assert shown["template"] == "order_start v1"
    again = approved("sign", "1")
    assert again.exit_code == 1
    assert "подписанный приказ не изменяется — издайте новый" in again.stderr
    assert approved("approve", "R1").stderr.strip() == \
        "ошибка: R1 уже утверждена приказом № 01-09/1"


def test_export_and_regenerate(approved: Karta, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = approved("documents", "export", "1", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    exported = Path(result.output.strip())
    assert exported.name.startswith("Приказ 01-09-1 от 30.11.2020 Об утверждении ")
    assert exported.name.endswith("….docx") and len(exported.name) <= 125
    assert "от 30.11.2020 № 01-09/1" in structure(exported)["paragraphs"]
    again = approved("documents", "export", "1", "--out", str(out))
    assert again.exit_code == 1 and "уже есть; чтобы заменить его, добавьте --force" in \
        again.stderr
    assert approved("documents", "export", "1", "--out", str(out), "--force").exit_code == 0
    link = tmp_path / "link"
    link.symlink_to(out)
    refused = approved("documents", "export", "1", "--out", str(link))
    assert refused.exit_code == 1 and "символическая ссылка" in refused.stderr
    at_file = approved("documents", "export", "1", "--out", str(exported))
    assert at_file.exit_code == 1 and "— файл, а нужна папка" in at_file.stderr
    result = approved("documents", "regenerate", "1")
    assert result.exit_code == 0
    assert "совпадает побайтно" in result.output
    missing = approved("documents", "show", "99")
    assert missing.exit_code == 4 and "нет такого документа" in missing.stderr


def test_pdf_without_libreoffice_says_so(approved: Karta, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = approved("documents", "export", "1", "--pdf", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip() == ("ошибка: для PDF нужен LibreOffice: apt-get install -y "
                                     "libreoffice-writer fonts-liberation")


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice is not installed here; the message is tested above")
def test_pdf_with_libreoffice(approved: Karta, tmp_path: Path) -> None:
    result = approved("documents", "export", "1", "--pdf", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    pdf = Path(result.output.strip().splitlines()[-1])
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")


def test_analyse_with_decisions_and_recommendations(approved: Karta) -> None:
    for args in (["start", "1:9@2022"], ["report", "1:9@2022", "-m", "Обсуждено на совещании"]):
        assert approved(*args).exit_code == 0
    result = approved("analyse", "1:9@2022", "-m", "Вопрос изучен",
                      "--figure", "Совещаний=2", "--decision", "Руководителям ОО доложить.",
                      "--recommend", "МБОУ СОШ № 3: провести педсовет", "--json")
    assert result.exit_code == 0, result.stderr
    kinds = [d["kind"] for d in json.loads(result.output)["documents"]]
    assert kinds == ["analytic_note", "order_results", "recommendations"]
    bad = approved("analyse", "1:10@2022", "-m", "x", "--figure", "без знака равно")
    assert bad.exit_code == 1
    assert "--figure: «без знака равно» должно быть вида «…= …»" in bad.stderr


def test_plan_command(approved: Karta) -> None:
    result = approved("plan", "--roadmap", "1", "--year", "2022", "--json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.output)
    assert plan["title"] == "План мероприятий на 2022 год" and plan["number"] is None
    # the last rows are a table of their own, kept with the signature
    rows = [row for table in structure(approved.read(plan["file"]))["tables"] for row in table]
    assert len([row for row in rows if len(row) == 5]) == 1 + 21


def test_an_amending_order_from_the_command_line(approved: Karta) -> None:
    """`documents correct` drafts an order with the changed points only; a wrong point
    number is one Russian line and nothing is drafted."""
    before = approved("documents").output
    wrong = approved("documents", "correct", "1", "--reason", "Опечатка", "--point", "9=x")
    assert wrong.exit_code == 1 and wrong.stderr.count("\n") == 1
    assert "в приказе нет пункта 9; пункты: 1, 2, 2.1, 2.2, 2.3, 3, 4" in wrong.stderr
    no_equals = approved("documents", "correct", "1", "--reason", "Опечатка", "--point", "3")
    assert no_equals.exit_code == 2 and "через «=»" in no_equals.stderr
    assert approved("documents").output == before
    made = approved("documents", "correct", "1", "--reason", "Сменился ответственный",
                    "--point", "2=Белокреницкой Е.В., специалисту МКУ «УО»:", "--drop", "2.2")
    assert made.exit_code == 0, made.stderr
    assert "О внесении изменений в приказ от 30.11.2020 № 01-09/1" in made.output
    assert "Подпишите приказ: karta sign 2" in made.output
    assert approved("documents").output != before
    exported = approved("documents", "export", "2", "--out", str(approved.folder / "out"))
    paragraphs = structure(Path(exported.output.strip()))["paragraphs"]
    assert "1.1. Пункт 2 изложить в следующей редакции: «2. Белокреницкой Е.В., специалисту " \
           "МКУ „УО“:»." in [p.replace("\u00a0", " ") for p in paragraphs]
    assert "1.2. Подпункт 2.2 исключить." in paragraphs
    assert not any(p.startswith("2.1. Организовать работу") for p in paragraphs)
