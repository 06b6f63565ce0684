"""The legal basis an order opens with and its additional points (issue 11): a roadmap's
basis, an order's own, points numbered before the control point, in the real .docx."""

from __future__ import annotations

from datetime import date

import pytest

from registry.database import Database
from registry.documents import document_bytes, get_document
from registry.occurrences import apply_event
from registry.orders import approve_roadmap, sign
from registry.roadmaps import import_roadmap, set_basis
from registry.verify import verify
from tests.conftest import ZAOZERSK, Karta
from tests.docx_structure import structure
from workflow.errors import PermissionDenied

MINISTRY = ("В соответствии с приказом Министерства образования и науки Мурманской области "
            "от 01.02.2021 № 123 «Об организации оценки качества образования»")
SITE = "Разместить настоящий приказ на официальном сайте управления образования"
CONTROL = "Контроль за исполнением настоящего приказа оставляю за собой."


def _paragraphs(db: Database, document_id: int) -> list[str]:
    return structure(document_bytes(db, get_document(db, "clerk", document_id)))["paragraphs"]


def _preamble(paragraphs: list[str]) -> str:
    return paragraphs[paragraphs.index("ПРИКАЗЫВАЮ:") - 1]


@pytest.fixture
def roadmap(db: Database) -> int:
    return import_roadmap(db, ZAOZERSK, "clerk").roadmap


def test_the_roadmap_s_basis_opens_every_order_and_points_are_numbered(
        db: Database, roadmap: int) -> None:
    set_basis(db, "clerk", f"R{roadmap}", MINISTRY + ",")
    result = apply_event(db, f"{roadmap}:5@2021", "start", "clerk", order=True,
                         points=[SITE])
    paragraphs = _paragraphs(db, result.documents[0]["id"])
    assert _preamble(paragraphs).startswith(
        MINISTRY + ", Дорожной картой по обеспечению объективности процедур оценки качества "
                   "образования в ЗАТО город Заозерск на 2021–2023 годы, в целях исполнения "
                   "мероприятия 5")
    assert paragraphs[-3:] == [f"3. {SITE}.", f"4. {CONTROL}",
                               "Исп.: Белокреницкая Елена Викторовна"]
    approval = approve_roadmap(db, "clerk", f"R{roadmap}", points=[SITE])
    paragraphs = _paragraphs(db, approval.id or 0)
    assert _preamble(paragraphs).startswith(
        MINISTRY + ", в целях организации и контроля исполнения мероприятий Дорожной карты")
    assert f"4. {SITE}." in paragraphs and f"5. {CONTROL}" in paragraphs
    assert verify(db, "admin").ok


def test_an_order_s_own_basis_replaces_the_roadmap_s(db: Database, roadmap: int) -> None:
    set_basis(db, "clerk", f"R{roadmap}", MINISTRY)
    own = "На основании решения коллегии управления образования от 15.01.2021 № 1"
    result = apply_event(db, f"{roadmap}:5@2021", "start", "clerk", order=True, basis=own)
    preamble = _preamble(_paragraphs(db, result.documents[0]["id"]))
    assert preamble.startswith(own + ", в соответствии с Дорожной картой по обеспечению")
    assert "Министерства" not in preamble
    plain = apply_event(db, f"{roadmap}:6@2021", "start", "clerk", order=True)
    signed = sign(db, "head", plain.documents[0]["id"], date(2021, 3, 1))
    assert _preamble(structure(document_bytes(db, signed))["paragraphs"]).startswith(MINISTRY)


def test_results_order_points_follow_the_decisions(db: Database, roadmap: int) -> None:
    apply_event(db, f"{roadmap}:5@2021", "start", "clerk")
    apply_event(db, f"{roadmap}:5@2021", "report", "clerk", comment="проверено 120 работ")
    result = apply_event(db, f"{roadmap}:5@2021", "analyse", "head", comment="выводы",
                         decisions=["Руководителям ОО обеспечить наблюдение."],
                         points=[SITE], basis=MINISTRY)
    order = next(d for d in result.documents if d["kind"] == "order_results")
    paragraphs = _paragraphs(db, order["id"])
    assert _preamble(paragraphs).startswith(MINISTRY + ", по результатам анализа исполнения")
    numbered = [p for p in paragraphs if p[:2] in ("1.", "2.", "3.", "4.")]
    assert [p[:3] for p in numbered] == ["1. ", "2. ", "3. ", "4. "]
    assert numbered[2] == f"3. {SITE}." and numbered[3] == f"4. {CONTROL}"


def test_only_a_clerk_sets_the_basis(db: Database, roadmap: int) -> None:
    with pytest.raises(PermissionDenied):
        set_basis(db, "head", f"R{roadmap}", MINISTRY)


def test_basis_command_and_options(karta: Karta) -> None:
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    shown = karta("basis", "R1")
    assert shown.exit_code == 0 and "основание не задано" in shown.stdout
    done = karta("basis", "R1", MINISTRY)
    assert done.exit_code == 0 and f"Основание приказов по R1: «{MINISTRY}»" in done.stdout
    started = karta("start", "1:5@2021", "--order", "--point", SITE, "--json")
    assert started.exit_code == 0, started.stderr
    assert karta("basis", "R1", "--clear").stdout.strip() == "Основание приказов по R1 удалено."
    assert karta("audit", "verify").exit_code == 0


def test_an_order_never_cites_a_document_dated_after_it(db: Database, roadmap: int) -> None:
    """Issue 23, item 16: an order of 15.01.2021 citing an order of 2026 is refused — in
    the roadmap's basis (after today), at drafting, and at signing (after the order's date);
    an amending order is never dated before the order it amends."""
    from registry.orders import correct
    from workflow.errors import KartaError

    with pytest.raises(KartaError, match="не может ссылаться на документ более поздней даты: "
                                         "правовое основание"):
        set_basis(db, "clerk", f"R{roadmap}", MINISTRY.replace("01.02.2021", "20.03.2099"))
    with pytest.raises(KartaError, match="проект приказа .* более поздней даты"):
        approve_roadmap(db, "clerk", f"R{roadmap}",
                        basis=MINISTRY.replace("от 01.02.2021", "от 1 февраля 2099 г."))
    draft = approve_roadmap(db, "clerk", f"R{roadmap}", basis=MINISTRY)  # of 01.02.2021
    with pytest.raises(KartaError, match=r"приказ от 15\.01\.2021 не может ссылаться на "
                                         r"документ более поздней даты: правовое основание"):
        sign(db, "head", draft.id or 0, date(2021, 1, 15))
    approval = sign(db, "head", draft.id or 0, date(2021, 2, 1))
    amend = correct(db, "clerk", approval.id or 0, "изменился срок", cancel=True)
    with pytest.raises(KartaError, match=r"приказ от 31\.01\.2021 .* изменяемый приказ от "
                                         r"01\.02\.2021"):
        sign(db, "head", amend.id or 0, date(2021, 1, 31))
    # a deadline in the text («до 01.04.2021») is not a citation
    start = apply_event(db, f"{roadmap}:5@2021", "start", "clerk", order=True,
                        points=["Представить отчёт до 01.04.2021"]).documents[0]
    assert sign(db, "head", start["id"], date(2021, 2, 2)).status == "signed"
