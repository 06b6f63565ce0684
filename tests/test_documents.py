"""Documents made by transitions: what they say, how they are numbered, signed and rebuilt."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import docx
import pytest
from sqlmodel import func, select

from registry.database import Database
from registry.documents import get_document, list_documents, regenerate
from registry.occurrences import apply_event, history
from registry.orders import approve_roadmap, make_plan, sign
from registry.people import add_person
from registry.roadmaps import import_roadmap
from registry.tables import Document, HistoryEvent, JournalCounter, Occurrence
from registry.templates import activate, add_template
from tests.conftest import SLAVGOROD, YENISEISK, ZAOZERSK, remove_stored, report_at_once
from tests.docx_structure import structure, text_of
from workflow.errors import KartaError
from workflow.importing import Period


@pytest.fixture
def zaozersk(db: Database) -> int:
    add_person(db, "admin", "bel", "Белокреницкая Елена Викторовна", "f",
               "специалист МКУ «Управление образования ЗАТО город Заозерск»", ["clerk"],
               phone="8 (81556) 3-15-42",
               unit="МКУ «Управление образования ЗАТО город Заозерск»")
    return import_roadmap(db, ZAOZERSK, "clerk").roadmap


def _documents(db: Database) -> list[Document]:
    with db.reading() as session:
        return list(session.exec(select(Document).order_by(Document.id)))  # type: ignore[arg-type]


def test_start_makes_a_draft_order_only_when_needed(db: Database, zaozersk: int) -> None:
    done = apply_event(db, f"{zaozersk}:1@2021", "start", "bel")
    assert done.documents == ()  # the planned result names no order
    done = apply_event(db, f"{zaozersk}:5@2021", "start", "bel", order=True)
    [draft] = done.documents
    assert draft["status"] == "draft" and draft["number"] is None
    shape = structure(db.store.read(draft["file"]))
    paragraphs = shape["paragraphs"]
    assert paragraphs[0] == "ПРОЕКТ"
    assert "П Р И К А З" in paragraphs
    assert "Об организации проведения проверки результатов ВПР в ОО муниципальными "\
           "предметными комиссиями" in paragraphs
    assert "«____» ____________ 20___ г.\t№ ________" in paragraphs
    assert "ПРИКАЗЫВАЮ:" in paragraphs
    # the issuing body is never an addressee: its specialists are, with sub-points
    points = paragraphs[paragraphs.index("ПРИКАЗЫВАЮ:") + 1:]
    assert points[:4] == [
        "1. Белокреницкой Е.В., специалисту МКУ «Управление образования ЗАТО город "
        "Заозерск»:",
        # the title once, in the preamble; the schools report first, by a date of their own
        "1.1. Организовать исполнение мероприятия в срок до 30.12.2021.",
        "1.2. Обобщить информацию об исполнении мероприятия и представить отчёт в срок до "
        "30.12.2021.",  # 31.12.2021 was a day off in Russia
        "2. Руководителям общеобразовательных организаций обеспечить участие в исполнении "
        "мероприятия и представить информацию о его исполнении в срок до 23.12.2021.",
    ]
    assert not any(p.startswith(("1. МКУ", "2. МКУ")) for p in points)
    assert "3. Контроль за исполнением настоящего приказа оставляю за собой." in paragraphs
    assert paragraphs[-1] == "Исп.: Белокреницкая Елена Викторовна, тел. 8 (81556) 3-15-42"
    [signature] = shape["signature"]
    assert signature == ["Начальник МКУ «Управление образования ЗАТО город Заозерск»",
                            "С.Л. Андреева"]


def test_planned_result_naming_an_order_asks_for_one(db: Database) -> None:
    rid = import_roadmap(db, YENISEISK, "clerk").roadmap
    done = apply_event(db, f"{rid}:0.1@2021", "start", "clerk")  # «Приказ о составе …»
    assert [d["kind"] for d in done.documents] == ["order_start"]
    assert done.documents[0]["title"] == "О создании муниципальной рабочей группы по " \
                                         "поддержке и координации работы по повышению качества"


def test_signing_numbers_the_order_and_renders_the_final_file(db: Database,
                                                              zaozersk: int) -> None:
    draft = apply_event(db, f"{zaozersk}:5@2021", "start", "bel", order=True).documents[0]
    from datetime import date

    signed = sign(db, "head", int(str(draft["id"])), date(2021, 3, 15))
    assert (signed.status, signed.number_text, signed.doc_date) == \
        ("signed", "01-09/1", date(2021, 3, 15))
    assert signed.draft_sha256 == draft["file_sha256"]
    paragraphs = structure(db.store.read(signed.file_path))["paragraphs"]
    assert "ПРОЕКТ" not in paragraphs
    assert "15.03.2021\t№ 01-09/1" in paragraphs
    with pytest.raises(KartaError, match="подписанный приказ не изменяется"):
        sign(db, "head", signed.id or 0)


def test_report_and_analysis_documents(db: Database, zaozersk: int, tmp_path: Path) -> None:
    ref = f"{zaozersk}:3@2022"
    attachment = tmp_path / "список.xlsx"
    attachment.write_bytes(b"participants")
    apply_event(db, ref, "start", "bel")
    report = apply_event(db, ref, "report", "bel", comment="Проведено 4 вебинара, 37 участников",
                         files=[attachment]).documents
    assert [(d["kind"], d["status"], d["number"]) for d in report] == \
        [("report", "registered", "1")]
    text = text_of(db.store.read(report[0]["file"]))
    assert "Проведено 4 вебинара, 37 участников" in text
    # as an office lists it: how many sheets a table prints on is not known
    assert "Приложение: Список в электронном виде (файл XLSX)." in text
    assert "байт" not in text and "SHA-256" not in text
    assert "Е.В. Белокреницкая" in text
    made = apply_event(
        db, ref, "analyse", "head", comment="Компетентность специалистов повышена",
        figures=[("Доля обученных специалистов", "85%")],
        decisions=["Руководителям ОО направить специалистов на вебинары в 2023 году."],
        recommendations=[("МБОУ СОШ № 1", "включить вебинары в план методической работы")],
    ).documents
    assert [(d["kind"], d["status"]) for d in made] == [
        ("analytic_note", "registered"), ("order_results", "draft"),
        ("recommendations", "registered")]
    assert [d["number"] for d in made] == ["1", None, "2"]  # notes and recommendations share
    note = structure(db.store.read(made[0]["file"]))
    assert ["1", "Доля обученных специалистов", "85%"] in note["tables"][0]
    assert "Компетентность специалистов повышена." in note["paragraphs"]
    order = structure(db.store.read(made[1]["file"]))["paragraphs"]
    assert order[order.index("ПРИКАЗЫВАЮ:") + 1].startswith(
        "1. Принять к сведению выводы аналитической справки")
    assert "2. Руководителям ОО направить специалистов на вебинары в 2023 году." in order
    assert "3. Контроль за исполнением настоящего приказа оставляю за собой." in order
    assert any("аналитическая справка от" in p and "№ 1" in p for p in order)
    recommendations = structure(db.store.read(made[2]["file"]))["tables"][0]
    assert recommendations[1] == ["1", "МБОУ СОШ № 1",
                                  "включить вебинары в план методической работы"]


def test_approval_order_has_the_roadmap_as_appendix(db: Database) -> None:
    rid = import_roadmap(db, YENISEISK, "clerk").roadmap
    draft = approve_roadmap(db, "clerk", f"R{rid}")
    shape = structure(db.store.read(draft.file_path))
    assert shape["paragraphs"][0] == "ПРОЕКТ"
    title = "Об утверждении Дорожной карты по реализации муниципальной программы повышения " \
            "качества образования и поддержки школ с низкими результатами обучения"
    assert title in shape["paragraphs"]
    assert any(p.startswith("1. Утвердить прилагаемую Дорожную карту по реализации")
               and "(далее – Дорожная карта) (приложение № 1)" in p
               for p in shape["paragraphs"])
    assert "Приложение № 1" in shape["paragraphs"]
    appendix = max(shape["tables"], key=len)
    assert appendix[0] == ["№ п/п", "Наименование мероприятия", "Срок реализации",
                           "Ответственные исполнители", "Планируемые результаты"]
    sections = [row[0] for row in appendix if len(row) == 1]
    assert len(sections) == 6 and sections[0].startswith("Задача 0:")
    activity_rows = [row for row in appendix[1:] if len(row) == 5]
    assert len(activity_rows) == 64  # one row per activity
    assert activity_rows[0][:3] == ["0.1", "Создание муниципальной рабочей группы по "
                                           "поддержке и координации работы по повышению "
                                           "качества", "Сентябрь - октябрь 2021 г."]
    # page numbers on pages after the first, the appendix numbered on, on landscape pages
    assert set(shape["headers"]) == {"{PAGE}"}
    assert shape["sections"] == ["portrait", "landscape"]
    order, appendix = docx.Document(io.BytesIO(db.store.read(draft.file_path))).sections
    assert order.different_first_page_header_footer
    assert not appendix.different_first_page_header_footer
    from datetime import date

    signed = sign(db, "head", draft.id or 0, date(2020, 11, 30))
    assert "от 30.11.2020 № 01-09/1" in structure(db.store.read(signed.file_path))["paragraphs"]
    with pytest.raises(KartaError, match="уже утверждена приказом № 01-09/1"):
        approve_roadmap(db, "clerk", f"R{rid}")
    # later orders cite the approval
    order = apply_event(db, f"{rid}:0.1@2021", "start", "clerk").documents[0]
    assert "(приказ от 30.11.2020 № 01-09/1)" in text_of(db.store.read(order["file"]))


def test_regenerate_gives_the_same_bytes_and_restores_a_lost_file(db: Database,
                                                                  zaozersk: int) -> None:
    apply_event(db, f"{zaozersk}:2@2021", "start", "bel", order=True)
    approve_roadmap(db, "clerk", f"R{zaozersk}")
    sign(db, "head", 2)
    for document in _documents(db):
        result = regenerate(db, "admin", document.id or 0)
        assert result["identical"] and not result["restored"]
    lost = get_document(db, "admin", 1)
    remove_stored(db, lost.file_path)
    assert not db.store.exists(lost.file_path)
    assert regenerate(db, "admin", 1)["restored"] is True
    assert db.store.exists(lost.file_path)


def test_journals_number_per_year_without_gaps_under_concurrency(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    drafts = [apply_event(db, f"{rid}:{code}@2021", "start", "clerk", order=True).documents[0]
              for code in range(1, 9)]
    barrier = threading.Barrier(len(drafts))
    errors: list[Exception] = []

    def head(document_id: int) -> None:
        barrier.wait()
        try:
            sign(db, "head", document_id)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=head, args=(int(str(d["id"])),)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(d.number for d in _documents(db) if d.journal == "orders")  # type: ignore[type-var]
    assert numbers == list(range(1, 9))
    assert {d.number_text for d in _documents(db)} == {f"01-09/{n}" for n in range(1, 9)}


def test_a_failed_render_rolls_the_whole_transition_back(db: Database, zaozersk: int,
                                                         tmp_path: Path) -> None:
    """A template that passes the check but needs a value this roadmap lacks (it is not
    approved): the transition, its history, its number and its document all stay out."""
    from tests.test_templates import template_with

    path = template_with(tmp_path, "Приказ № {{ roadmap.approval.number }}")
    add_template(db, "admin", path, "order_start", "order_start", "требует утверждения")
    activate(db, "admin", "order_start", 2)
    with db.reading() as session:
        before = [session.exec(select(func.count()).select_from(t)).one()
                  for t in (Document, HistoryEvent, JournalCounter)]
    with pytest.raises(KartaError) as error:
        apply_event(db, f"{zaozersk}:5@2021", "start", "bel", order=True)
    assert "order_start" in str(error.value) and "number" in str(error.value)
    with db.reading() as session:
        after = [session.exec(select(func.count()).select_from(t)).one()
                 for t in (Document, HistoryEvent, JournalCounter)]
        occurrence = session.exec(select(Occurrence).where(Occurrence.period == "2021")
                                  .where(Occurrence.state != "planned")).first()
    assert after == before and occurrence is None


def test_values_are_escaped_never_markup_or_tags(db: Database, tmp_path: Path) -> None:
    dangerous = "Семинар <b>«A & B»</b> {{ organisation.full_name }} {% if x %} %}"
    roadmap = tmp_path / "tricky.txt"
    roadmap.write_text("Дорожная карта на 2022 год\n№\tМероприятие\tСроки\tОтветственный\t"
                       "Планируемый результат\n"
                       f"1\t{dangerous}\tЕжегодно\tОтдел & Co\tПриказ\n", encoding="utf-8")
    rid = import_roadmap(db, roadmap, "clerk").roadmap
    [order] = apply_event(db, f"{rid}:1@2022", "start", "clerk").documents
    text = text_of(db.store.read(order["file"]))
    assert "«A & B»" in text and "{{ organisation.full_name }}" in text
    assert "{% if x %} %}" in text and "Отделу & Co" in text
    assert "Муниципальное казенное учреждение" not in text.split("В соответствии")[1]


def test_plan_for_a_year(db: Database) -> None:
    rid = import_roadmap(db, YENISEISK, "clerk").roadmap
    plan = make_plan(db, "clerk", f"R{rid}", 2022)
    shape = structure(db.store.read(plan.file_path))
    assert "ПЛАН МЕРОПРИЯТИЙ" in shape["paragraphs"]
    assert plan.title == "План мероприятий на 2022 год"
    rows = [row for row in max(shape["tables"], key=len) if len(row) == 5][1:]
    codes = [row[0] for row in rows]
    assert "0.1" not in codes  # «Сентябрь - октябрь 2021 г.» is not in 2022
    assert "1.1" in codes and "2.4" in codes  # «2 раза в год», «Январь - февраль 2022г»
    # «2 раза в год (ноябрь-декабрь, апрель-май)»: the months, not their last days
    assert next(row for row in rows if row[0] == "1.1")[2] == \
        "апрель–май 2022 г.\nноябрь–декабрь 2022 г."
    with pytest.raises(KartaError, match="вне периода"):
        make_plan(db, "clerk", f"R{rid}", 2030)


def test_document_records_keep_template_and_snapshot(db: Database, zaozersk: int) -> None:
    apply_event(db, f"{zaozersk}:4@2021", "start", "bel", order=True)
    [row] = list_documents(db, "admin")
    assert row["template"] == "order_start v1"
    document = get_document(db, "admin", int(str(row["id"])))
    context = json.loads(document.context)
    assert context["activity"]["code"] == "4"
    assert context["occurrence"]["period_text"] == "2021 год"
    assert context["document"]["is_draft"] is True
    assert len(document.template_sha256) == 64 and len(document.file_sha256) == 64
    entries = [e for e in history(db, f"{zaozersk}:4@2021", "admin")
               if e["event"] == "document_draft"]
    assert entries[0]["files"][0]["sha256"] == document.file_sha256  # type: ignore[index]


def test_a_signed_order_is_amended_only_in_the_points_that_change(db: Database,
                                                                  zaozersk: int) -> None:
    from datetime import date

    from documents.amend import Change, order_points
    from registry.orders import correct

    draft = apply_event(db, f"{zaozersk}:6@2021", "start", "bel", order=True).documents[0]
    original = sign(db, "head", int(str(draft["id"])), date(2021, 2, 1))
    points = order_points(db.store.read(original.file_path))
    assert list(points)[:2] == ["1", "1.1"] and points[list(points)[-1]].startswith(
        "Контроль за исполнением")
    with pytest.raises(KartaError, match="только подписанный приказ"):
        correct(db, "clerk", _a_draft(db, zaozersk), "опечатка", [Change("drop", "2")])
    with pytest.raises(KartaError, match="в приказе нет пункта 9; пункты: 1, 1.1"):
        correct(db, "clerk", original.id or 0, "опечатка", [Change("replace", "9", "x")])
    with pytest.raises(KartaError, match="изменений нет"):
        correct(db, "clerk", original.id or 0, "опечатка",
                [Change("replace", "1.1", points["1.1"])])
    before = len(list_documents(db, "admin"))
    fixed = correct(db, "clerk", original.id or 0, "Изменился срок исполнения", [
        Change("replace", "1.1", "Организовать исполнение мероприятия до 01.04.2021."),
        Change("replace", "1", points["1"]),  # unchanged: not a change
        Change("drop", "1.2"),
        Change("add", text="Разместить настоящий приказ на официальном сайте «УО»"),
    ])
    assert len(list_documents(db, "admin")) == before + 1
    assert fixed.status == "draft" and fixed.kind == "order_amend" and fixed.title == \
        "О внесении изменений в приказ от 01.02.2021 № 01-09/1"
    paragraphs = structure(db.store.read(fixed.file_path))["paragraphs"]
    text = "\n".join(paragraphs)
    assert "О внесении изменений в приказ от 01.02.2021 № 01-09/1" in paragraphs
    issuer = "МКУ «Управление образования ЗАТО город Заозерск»"
    assert f"1. Внести в приказ {issuer} от 01.02.2021 № 01-09/1 «Об организации " \
           "независимого наблюдения за проведением ВПР в ОО» следующие изменения:" in text
    top = len([n for n in points if "." not in n])
    first = next(i for i, p in enumerate(paragraphs) if p.startswith("1.1."))
    # sub-points from a capital; an added point goes before the control point
    assert paragraphs[first:first + 4] == [
        "1.1. Подпункт 1.1 изложить в следующей редакции: «1.1. Организовать исполнение "
        "мероприятия до 01.04.2021.».",
        "1.2. Подпункт 1.2 исключить.",
        f"1.3. Пункт {top} считать пунктом {top + 1}.",
        f"1.4. Дополнить новым пунктом {top} следующего содержания: «{top}. Разместить "
        "настоящий приказ на официальном сайте „УО“.».",
    ]
    assert "2. Контроль за исполнением настоящего приказа оставляю за собой." in paragraphs
    # never a copy of the whole original: its unchanged points are not repeated
    assert points["1"] not in text
    assert "В связи с изменением срока исполнения," in text
    signed = sign(db, "head", fixed.id or 0, date(2021, 2, 3))
    assert signed.number_text == "01-09/2"
    unchanged = get_document(db, "admin", original.id or 0)
    assert (unchanged.number_text, unchanged.file_sha256) == ("01-09/1", original.file_sha256)
    void = correct(db, "clerk", signed.id or 0, "Мероприятие исключено из дорожной карты",
                   cancel=True)
    assert void.title == "О признании утратившим силу приказа от 03.02.2021 № 01-09/2"
    paragraphs = structure(db.store.read(void.file_path))["paragraphs"]
    assert any(p.startswith(f"1. Признать утратившим силу приказ {issuer} от 03.02.2021 "
                            "№ 01-09/2 «О внесении изменений") for p in paragraphs)
    assert not any("следующие изменения" in p for p in paragraphs)


def _a_draft(db: Database, rid: int) -> int:
    return int(str(apply_event(db, f"{rid}:7@2021", "start", "bel",
                               order=True).documents[0]["id"]))


def test_writers_in_parallel_number_without_gaps_and_the_log_verifies(db: Database) -> None:
    """Eight reports at once on distinct occurrences: each is numbered in the reports
    journal (rendered with a placeholder, numbered and stamped at commit), none twice, none lost,
    and the log replays to the tables."""
    from registry.verify import verify

    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    refs = [f"{rid}:{code}@2021" for code in range(1, 9)]
    for ref in refs:
        apply_event(db, ref, "start", "clerk")
    assert report_at_once(db, refs) == []
    numbers = sorted(d.number for d in _documents(db) if d.journal == "reports")  # type: ignore[type-var]
    assert numbers == list(range(1, 9))
    result = verify(db, "admin")
    assert result.ok, result.problems


def test_the_executor_mark_names_the_clerk_not_the_signatory(db: Database) -> None:
    """An order drafted by the head's analysis is prepared by the clerk who handles the
    occurrence: the executor mark names her, never the head who signs."""
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    ref = f"{rid}:5@2021"
    apply_event(db, ref, "start", "clerk")
    apply_event(db, ref, "report", "clerk", comment="Проведено.")
    made = apply_event(db, ref, "analyse", "head", comment="Выводы.",
                       decisions=["Руководителям ОО обеспечить участие."]).documents
    order = next(d for d in made if d["kind"] == "order_results")
    marks = [p for p in structure(db.store.read(str(order["file"])))["paragraphs"]
             if p.startswith("Исп.")]
    assert marks == ["Исп.: Белокреницкая Елена Викторовна"]


def test_a_database_made_before_amending_orders_gets_their_template_when_first_needed(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database initialised by a karta without the «order_amend» kind: the first
    amendment registers the shipped template (logged), and the log still verifies."""
    import shutil
    from datetime import date

    import registry.templates
    from documents.amend import Change
    from registry.audit import read_log
    from registry.orders import correct
    from registry.people import add_person, initialise
    from registry.verify import verify
    from tests.conftest import ADMIN_NAME, PROFILE

    older = tmp_path / "older-templates"
    older.mkdir()
    for path in registry.templates.SHIPPED.glob("*.docx"):
        if path.stem != "order_amend":
            shutil.copy(path, older / path.name)
    shipped = registry.templates.SHIPPED
    monkeypatch.setattr(registry.templates, "SHIPPED", older)
    database = Database(db_url, tmp_path / "files")
    initialise(database, PROFILE, admin_name=ADMIN_NAME)
    add_person(database, "admin", "head", "Андреева Светлана Леонидовна", "f", "начальник",
               ["head"])
    monkeypatch.setattr(registry.templates, "SHIPPED", shipped)
    rid = import_roadmap(database, ZAOZERSK, "admin").roadmap
    draft = apply_event(database, f"{rid}:6@2021", "start", "admin", order=True).documents[0]
    signed = sign(database, "head", int(str(draft["id"])), date(2021, 2, 1))
    amended = correct(database, "admin", signed.id or 0, "Опечатка",
                      [Change("add", text="Разместить приказ на сайте.")])
    assert amended.template_name == "order_amend" and amended.template_version == 1
    assert any(e["event"] == "template_add" and "order_amend" in str(e["object"])
               for e in read_log(database, "admin"))
    assert verify(database, "admin").ok
    database.dispose()


DEPARTMENT_UNIT = "МКУ «Управление образования ЗАТО город Заозерск»"


def test_a_schools_report_is_its_own_and_the_note_signed_by_its_compiler(
        db: Database, zaozersk: int, tmp_path: Path) -> None:
    """Issue 23, item 12: a school's report is headed by the school, registered by the
    department as received (вх. №); an attachment is named as an office names it; the note
    shows the report's substance and is signed by the specialist who compiled it."""
    ref = f"{zaozersk}:3@2022"
    apply_event(db, ref, "start", "bel", without=[DEPARTMENT_UNIT])  # the schools only
    table = tmp_path / "Отчёт1.xlsx"  # a table: how many sheets it prints on is unknown
    table.write_bytes(b"PK table")
    add_person(db, "admin", "school1", "Сидоров Пётр Иванович", "m",
               "заместитель директора по УВР", ["executor"], unit="МБОУ СОШ № 1")
    made = apply_event(db, ref, "report", "school1", comment="Проведено 2 вебинара",
                       files=[table]).documents
    printed = structure(db.store.read(made[0]["file"]))
    page = printed["paragraphs"]
    assert page[0] == "МБОУ СОШ № 1"  # not the department's name
    assert not any("Управление образования" in p and "Муниципальное" in p for p in page)
    assert "Вх. № 1 от" in " ".join(page).replace("\u00a0", " ")
    assert "Приложение: Отчёт в электронном виде (файл XLSX)." in page
    assert not any("Отчёт1" in p for p in page)
    assert printed["signature"] == [["Заместитель директора по УВР", "П.И. Сидоров"]]
    note = apply_event(db, ref, "analyse", "head", comment="Вебинары проведены").documents[0]
    printed = structure(db.store.read(note["file"]))
    paragraphs = printed["paragraphs"]
    assert any(p.startswith("Отчёт представлен: МБОУ СОШ № 1 (") for p in paragraphs)
    assert "Проведено 2 вебинара." in paragraphs
    assert "Приложение: Отчёт в электронном виде (файл XLSX)." in paragraphs
    # compiled by the clerk handling the occurrence, not signed by the head who analysed
    assert printed["signature"] == [["Специалист МКУ «Управление образования ЗАТО город "
                                     "Заозерск»", "Е.В. Белокреницкая"]]


def test_the_clerks_report_for_all_keeps_its_files_and_does_not_miss_the_department(
        db: Database, zaozersk: int, tmp_path: Path) -> None:
    """The single report of the department's clerk, closing a collection: the note shows
    it with its attachment (with its sheets), and the department itself is not listed as
    not having reported."""
    ref = f"{zaozersk}:3@2022"
    apply_event(db, ref, "start", "bel")
    pdf = tmp_path / "Список участников.pdf"
    pdf.write_bytes(b"%PDF-1.4 /Type /Page /Type /Page")
    report = apply_event(db, ref, "report", "bel", comment="Проведено 4 вебинара",
                         files=[pdf]).documents[0]
    assert "Приложение: Список участников на 2 л. в 1 экз." in \
        structure(db.store.read(report["file"]))["paragraphs"]
    note = apply_event(db, ref, "analyse", "head", comment="Проведено").documents[0]
    paragraphs = structure(db.store.read(note["file"]))["paragraphs"]
    assert "Проведено 4 вебинара." in paragraphs
    assert "Приложение: Список участников на 2 л. в 1 экз." in paragraphs
    assert not any("Не представили" in p for p in paragraphs)


def test_the_year_plan_is_approved_by_the_head_and_lists_what_happens_that_year(
        db: Database, zaozersk: int) -> None:
    """Issue 23, item 11: «УТВЕРЖДАЮ» with the head and a date line; an occurrence
    cancelled for the year is not planned; «Ежегодно» is «в течение 2022 г.», not the
    last working day; a roadmap without planned results gets no empty column."""
    apply_event(db, f"{zaozersk}:4@2022", "cancel", "head", comment="не проводится в 2022 году")
    shape = structure(db.store.read(make_plan(db, "bel", f"R{zaozersk}", 2022).file_path))
    assert shape["paragraphs"][:4] == [
        "УТВЕРЖДАЮ", "Начальник МКУ «Управление образования ЗАТО город Заозерск»",
        "________________ С.Л. Андреева", "«____» ________________ 20____ г."]
    rows = shape["tables"][0]
    assert rows[0][-1] == "Планируемые результаты"
    codes = [row[0] for row in rows[1:]]
    assert "4" not in codes and "3" in codes and "5" in codes
    assert {row[2] for row in rows[1:]} == {"в течение 2022 г."}
    assert "Всего: 20 мероприятий." in shape["paragraphs"]
    # signed by the specialist who compiled it, the head approves it above
    assert shape["signature"] == [["Специалист МКУ «Управление образования ЗАТО город "
                                   "Заозерск»", "Е.В. Белокреницкая"]]
    rid = import_roadmap(db, SLAVGOROD, "clerk", Period(2021, 2022)).roadmap
    shape = structure(db.store.read(make_plan(db, "bel", f"R{rid}", 2021).file_path))
    assert shape["tables"][0][0] == ["№ п/п", "Наименование мероприятия", "Срок",
                                     "Ответственные исполнители"]
    assert {len(row) for row in shape["tables"][0]} == {1, 4}  # section rows, activities
