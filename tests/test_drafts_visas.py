"""Drafts corrected in Word, the approval route and the acquaintance sheet (issue 11): a
draft downloaded, edited and uploaded back is the draft signing stamps; tracked changes,
comments and lost requisites are refused; signing waits for every visa; the sheets are the
last page of the real .docx."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest

from registry.audit import read_log
from registry.database import Database
from registry.documents import document_bytes, get_document, regenerate
from registry.drafts import output_bytes, revise
from registry.occurrences import apply_event
from registry.orders import sign
from registry.people import add_person
from registry.roadmaps import import_roadmap
from registry.verify import verify
from registry.visas import decide, send_for_visas
from tests.conftest import ZAOZERSK, Karta, office_today, run_sql
from tests.docx_structure import structure, text_of
from workflow.errors import KartaError, PermissionDenied

CONTROL = "Контроль за исполнением настоящего приказа оставляю за собой."
ADDED = "Разместить настоящий приказ на официальном сайте управления образования."


@pytest.fixture
def office(db: Database) -> Database:
    """A draft order (document 1) and two officials who give visas."""
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    apply_event(db, f"{rid}:5@2021", "start", "clerk", order=True)
    add_person(db, "admin", "lawyer", "Кузнецова Ирина Олеговна", "f", "юрисконсульт",
               ["auditor"])
    add_person(db, "admin", "deputy", "Орлов Павел Андреевич", "m",
               "заместитель начальника управления", ["auditor"])
    return db


def _draft(db: Database, document_id: int = 1) -> bytes:
    return document_bytes(db, get_document(db, "clerk", document_id))


def edited(data: bytes, old: str = CONTROL, new: str = CONTROL + " " + ADDED) -> bytes:
    """The draft as a clerk corrects it in Word: one paragraph's text changed."""
    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        if old in paragraph.text:
            runs = paragraph.runs
            runs[0].text = paragraph.text.replace(old, new)
            for run in runs[1:]:
                run.text = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _with_body(data: bytes, change: object) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = change(content.decode()).encode()  # type: ignore[operator]
            archive.writestr(info.filename, content)
    return out.getvalue()


def test_a_draft_corrected_in_word_is_what_signing_stamps(office: Database) -> None:
    revision = revise(office, "clerk", 1, edited(_draft(office)), "проект.docx")
    assert revision.number == 1
    draft = get_document(office, "clerk", 1)
    assert draft.file_sha256 == revision.file_sha256
    assert ADDED in text_of(_draft(office))
    assert regenerate(office, "clerk", 1)["identical"]  # the last revision
    signed = sign(office, "head", 1, date(2021, 3, 1))
    shape = structure(document_bytes(office, signed))
    text = "\n".join(shape["paragraphs"])
    assert ADDED in text  # the revision's text, not the template's
    assert "ПРОЕКТ" not in text
    assert re.search(r"01\.03\.2021\s+№ 01-09/1", text), text
    assert shape["signature"] == [["Начальник МКУ «Управление образования ЗАТО город "
                                   "Заозерск»", "С.Л. Андреева"]]
    assert regenerate(office, "clerk", 1)["identical"]
    events = [e for e in read_log(office, "admin") if e["event"] == "revise"]
    assert events and events[0]["files"][0]["sha256"] == revision.file_sha256
    assert verify(office, "admin").ok


def test_a_corrected_draft_with_tracked_changes_or_comments_is_refused(office: Database
                                                                       ) -> None:
    before = _draft(office)
    tracked = _with_body(edited(before), lambda xml: xml.replace(
        "<w:r>", '<w:ins w:id="91" w:author="Иванова" w:date="2021-03-01T00:00:00Z"><w:r>', 1)
        .replace("</w:r>", "</w:r></w:ins>", 1))
    with pytest.raises(KartaError, match="остались исправления .режим рецензирования"):
        revise(office, "clerk", 1, tracked, "правка.docx")
    commented = _with_body(edited(before), lambda xml: xml.replace(
        "<w:r>", '<w:commentRangeStart w:id="1"/><w:r>', 1))
    with pytest.raises(KartaError, match="есть примечание"):
        revise(office, "clerk", 1, commented, "правка.docx")
    assert _draft(office) == before  # nothing changed
    assert not [e for e in read_log(office, "admin") if e["event"] == "revise"]


def test_a_corrected_draft_that_lost_a_requisite_is_refused(office: Database) -> None:
    before = _draft(office)
    no_date = _with_body(edited(before), lambda xml: re.sub(
        r'<w:bookmarkStart w:id="\d+" w:name="karta_date"/>', "", xml))
    with pytest.raises(KartaError, match="нет реквизита «дата документа»"):
        revise(office, "clerk", 1, no_date, "правка.docx")
    no_signature = _with_body(edited(before), lambda xml: re.sub(
        r'<w:bookmarkStart w:id="\d+" w:name="karta_signer_name"/>', "", xml))
    with pytest.raises(KartaError, match="расшифровка подписи"):
        revise(office, "clerk", 1, no_signature, "правка.docx")
    with pytest.raises(KartaError, match="изменений нет"):
        revise(office, "clerk", 1, before, "тот же.docx")
    assert _draft(office) == before


def test_a_hostile_upload_is_refused_with_one_line(office: Database) -> None:
    with pytest.raises(KartaError, match="повреждён или не является"):
        revise(office, "clerk", 1, b"PK\x03\x04 not a zip", "битый.docx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<a>" + " " * (50 * 1024 * 1024) + "</a>")
    with pytest.raises(KartaError, match="zip-бомбу"):
        revise(office, "clerk", 1, bomb.getvalue(), "бомба.docx")


def test_only_a_clerk_or_the_author_uploads_a_revision(office: Database) -> None:
    with pytest.raises(PermissionDenied, match="делопроизводитель или автор"):
        revise(office, "lawyer", 1, edited(_draft(office)), "правка.docx")


def test_signing_waits_for_every_visa_and_the_sheet_is_the_last_page(office: Database
                                                                      ) -> None:
    send_for_visas(office, "clerk", 1, ["lawyer", "deputy"])
    with pytest.raises(KartaError, match="уже на согласовании"):
        send_for_visas(office, "clerk", 1, ["lawyer"])
    with pytest.raises(KartaError, match=r"нет виз — И\.О\. Кузнецова \(юрисконсульт\); "
                                         r"П\.А\. Орлов"):
        sign(office, "head", 1, date(2021, 3, 1))
    with pytest.raises(PermissionDenied, match="не направлялся вам"):
        decide(office, "head", 1, give=True)
    decide(office, "lawyer", 1, give=True)
    returned = decide(office, "deputy", 1, give=False, remarks="уточнить срок в пункте 2")
    assert returned.status == "returned"
    with pytest.raises(KartaError, match="Орлов \\(вернул\\(а\\) проект с замечаниями\\)"):
        sign(office, "head", 1, date(2021, 3, 1))
    # the draft as handed out: its sheet shows the visas as they stand
    draft = output_bytes(office, "clerk", get_document(office, "clerk", 1))
    sheet = structure(draft)["tables"][-1]
    assert sheet[0] == ["№ п/п", "Должность", "Подпись", "Инициалы, фамилия", "Дата",
                        "Замечания"]
    assert sheet[2][1] == "Заместитель начальника управления"
    assert sheet[2][5] == "Возвращён на доработку: уточнить срок в пункте 2"
    # corrected and uploaded: the same people again, in a new round
    revise(office, "clerk", 1, edited(_draft(office)), "правка.docx")
    with pytest.raises(KartaError, match="Кузнецова"):
        sign(office, "head", 1, date(2021, 3, 1))
    decide(office, "lawyer", 1, give=True)
    decide(office, "deputy", 1, give=True, remarks="Замечания учтены")
    with pytest.raises(KartaError, match=r"дата подписания 01\.03\.2021 раньше последней "
                                         r"визы \(\d\d\.\d\d\.\d{4}\)"):
        sign(office, "head", 1, date(2021, 3, 1))  # an order is signed after its visas
    signed = sign(office, "head", 1, office_today())
    shape = structure(document_bytes(office, signed))
    paragraphs = shape["paragraphs"]
    assert paragraphs[-4:-1] == ["ЛИСТ СОГЛАСОВАНИЯ", "к проекту приказа",
                                 f"«{signed.title}»"][:3] or "ЛИСТ СОГЛАСОВАНИЯ" in paragraphs
    assert paragraphs[paragraphs.index("ЛИСТ СОГЛАСОВАНИЯ") + 1] == "к проекту приказа"
    rows = shape["tables"][-1]
    today = office_today().strftime("%d.%m.%Y")
    assert rows[1] == ["1", "Юрисконсульт", "", "И.О. Кузнецова", today, ""]
    assert rows[2] == ["2", "Заместитель начальника управления", "", "П.А. Орлов", today,
                       "Замечания учтены"]
    assert paragraphs[-1].startswith("Проект подготовлен: Белокреницкая Елена Викторовна")
    assert ADDED in "\n".join(paragraphs)
    assert regenerate(office, "clerk", 1)["identical"]
    events = [e["event"] for e in read_log(office, "admin")]
    assert events.count("visa_route") == 1 and events.count("visa_given") == 3
    assert events.count("visa_returned") == 1
    result = verify(office, "admin")
    assert result.ok, result.problems


def test_the_acquaintance_sheet_names_the_people_of_the_order(office: Database) -> None:
    with pytest.raises(KartaError, match="к подписанному приказу"):
        output_bytes(office, "clerk", get_document(office, "clerk", 1), acquaintance=True)
    signed = sign(office, "head", 1, date(2021, 3, 1))
    data = output_bytes(office, "clerk", signed, acquaintance=True)
    shape = structure(data)
    assert "ЛИСТ ОЗНАКОМЛЕНИЯ" in shape["paragraphs"]
    assert "С приказом ознакомлены:" in shape["paragraphs"]
    assert "с приказом от 01.03.2021 № 01-09/1" in shape["paragraphs"]
    rows = shape["tables"][-1]
    assert rows[0] == ["№ п/п", "Фамилия, имя, отчество", "Должность", "Подпись", "Дата"]
    assert ["1", "Белокреницкая Елена Викторовна", "Специалист", "", ""] in rows
    assert rows[-1][0] == str(len(rows) - 1) and rows[-1][1] == ""  # blank lines
    assert document_bytes(office, signed) != data  # the signed file itself is unchanged


def test_a_visa_edited_behind_karta_s_back_is_named_by_verify(office: Database) -> None:
    send_for_visas(office, "clerk", 1, ["lawyer"])
    decide(office, "lawyer", 1, give=False, remarks="нет основания")
    run_sql(office, "UPDATE visa SET status = 'given', remarks = ''")
    result = verify(office, "admin")
    assert not result.ok
    assert any("виза 1: изменена в обход журнала (состояние: в базе «given», по журналу "
               "«returned»)" in p for p in result.problems), result.problems


def test_a_revision_edited_behind_karta_s_back_is_named_by_verify(office: Database) -> None:
    revise(office, "clerk", 1, edited(_draft(office)), "правка.docx")
    run_sql(office, "UPDATE draftrevision SET file_sha256 = 'abc'")
    result = verify(office, "admin")
    assert any("правка проекта 1: изменена в обход журнала (SHA-256 файла" in p
               for p in result.problems), result.problems


def test_cli_download_edit_upload_route_visas_sign(karta: Karta, tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    assert karta("import", str(ZAOZERSK)).exit_code == 0
    for login, name, position in (("clerk", "Белокреницкая Елена Викторовна", "специалист"),
                                  ("lawyer", "Кузнецова Ирина Олеговна", "юрисконсульт"),
                                  ("boss", "Андреева Светлана Леонидовна", "начальник")):
        added = karta("people", "add", login, "--name", name, "--gender", "ж",
                      "--position", position, "--role",
                      {"clerk": "clerk", "lawyer": "auditor", "boss": "head"}[login])
        assert added.exit_code == 0, added.stderr
    assert karta("start", "1:5@2021", "--order", user="clerk").exit_code == 0
    out = folder / "out"
    exported = karta("documents", "export", "1", "--out", str(out), user="clerk")
    assert exported.exit_code == 0, exported.stderr
    draft = Path(exported.stdout.strip().splitlines()[0])
    corrected = folder / "правка.docx"
    corrected.write_bytes(edited(draft.read_bytes()))
    uploaded = karta("documents", "revise", "1", str(corrected), "--comment",
                     "добавлен пункт о сайте", user="clerk")
    assert uploaded.exit_code == 0, uploaded.stderr
    assert "Правка 1 проекта 1 загружена" in uploaded.stdout
    routed = karta("documents", "route", "1", "--to", "lawyer", user="clerk")
    assert routed.exit_code == 0, routed.stderr
    described = karta("documents", "show", "1", user="clerk")
    assert "Правка из файла: 1" in described.stdout
    assert "Согласование: нет виз — И.О. Кузнецова (юрисконсульт)" in described.stdout
    refused = karta("sign", "1", "--date", "01.03.2021", user="boss")
    assert refused.exit_code != 0
    assert "нет виз — И.О. Кузнецова (юрисконсульт)" in refused.stderr
    assert karta("documents", "visa", "1", user="lawyer").exit_code == 0
    shown = karta("documents", "route", "1", user="clerk")
    assert "виза получена" in shown.stdout
    assert karta("sign", "1", user="boss").exit_code == 0  # today: after its visa
    sheet = karta("documents", "export", "1", "--out", str(folder / "sheet"), "--acquaintance",
                  user="clerk")
    assert sheet.exit_code == 0, sheet.stderr
    written = Path(sheet.stdout.strip().splitlines()[0])
    assert "ЛИСТ ОЗНАКОМЛЕНИЯ" in structure(written)["paragraphs"]
    assert karta("audit", "verify").exit_code == 0


def test_a_draft_saved_by_libreoffice_keeps_its_requisites(office: Database,
                                                            tmp_path: object) -> None:
    """The round trip an office makes: the draft opened and saved again by LibreOffice
    (its own XML, runs split its own way) is accepted and signed with number and date."""
    from pathlib import Path

    from tests.office import convert_all, require_office

    require_office()
    folder = Path(str(tmp_path))
    source = folder / "проект.docx"
    source.write_bytes(edited(_draft(office)))
    (saved,) = convert_all([source], ".docx", folder / "saved")
    revise(office, "clerk", 1, saved.read_bytes(), "проект.docx")
    signed = sign(office, "head", 1, date(2021, 3, 1))
    text = "\n".join(structure(document_bytes(office, signed))["paragraphs"])
    assert re.search(r"01\.03\.2021\s+№ 01-09/1", text) and ADDED in text
    assert "ПРОЕКТ" not in text and "«____»" not in text


def test_the_head_s_tasks_say_whose_visas_are_missing(office: Database) -> None:
    from registry.overview import my_tasks

    send_for_visas(office, "clerk", 1, ["lawyer"])
    signing = next(g for g in my_tasks(office, "head", office_today())["groups"]
                   if g["key"] == "sign")
    assert signing["items"][0]["missing"] == ["И.О. Кузнецова (юрисконсульт)"]
    waiting = my_tasks(office, "lawyer", office_today())["groups"][0]
    assert waiting["key"] == "visa" and waiting["items"][0]["document"] == 1


def test_a_draft_downloaded_with_its_sheet_comes_back_without_it(office: Database) -> None:
    """The draft handed out carries its approval sheet; corrected and uploaded, the sheet
    is dropped (it is made again from the visas), the landscape appendix stays landscape."""
    from registry.orders import approve_roadmap

    approval = approve_roadmap(office, "clerk", "R1")
    send_for_visas(office, "clerk", approval.id or 0, ["lawyer"])
    plain = _draft(office, approval.id or 0)
    handed = output_bytes(office, "clerk", get_document(office, "clerk", approval.id or 0))
    assert structure(handed)["sections"] == ["portrait", "landscape", "portrait"]
    assert "ЛИСТ СОГЛАСОВАНИЯ" in structure(handed)["paragraphs"]
    revise(office, "clerk", approval.id or 0,
           edited(handed, "4. Контроль", "4. Разместить приказ на сайте. 5. Контроль"),
           "с листом.docx")
    stored = structure(_draft(office, approval.id or 0))
    assert "ЛИСТ СОГЛАСОВАНИЯ" not in stored["paragraphs"]
    assert stored["sections"] == structure(plain)["sections"] == ["portrait", "landscape"]
    assert len(stored["tables"]) == len(structure(plain)["tables"])


def test_a_draft_of_a_template_without_marks_says_how_to_get_them(db: Database,
                                                                  tmp_path: object) -> None:
    """An upgraded database keeps its old template versions, which have no requisite marks:
    the upload is refused with the command that registers the shipped version."""
    from pathlib import Path

    from registry.templates import SHIPPED, activate, add_template

    old = _with_body((SHIPPED / "order_start.docx").read_bytes(), lambda xml: re.sub(
        r"<w:bookmark(Start|End) [^>]*/>", "", xml))
    path = Path(str(tmp_path)) / "old.docx"
    path.write_bytes(old)
    info = add_template(db, "admin", path, "order_start", "order_start", "старая")
    activate(db, "admin", "order_start", info.version)
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    document = apply_event(db, f"{rid}:5@2021", "start", "clerk", order=True).documents[0]
    with pytest.raises(KartaError, match=r"без отметок реквизитов .*\(karta templates add "
                                         r".*order_start\.docx --name order_start"):
        revise(db, "clerk", document["id"], edited(_draft(db, document["id"])), "п.docx")


def test_the_acquaintance_sheet_lists_each_school_a_group_names(db: Database) -> None:
    """Issue 20, item 7: an order to «ОО» is acknowledged by each school — its people in
    karta, or a line for the head of a school that has nobody in karta."""
    from registry.units import add_unit

    add_person(db, "admin", "school1", "Сидоров Пётр Иванович", "m", "заместитель директора",
               ["executor"], unit="МБОУ СОШ № 1")
    add_unit(db, "admin", "МБОУ СОШ № 3", "general")
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    order = apply_event(db, f"{rid}:5@2021", "start", "clerk", order=True).documents[0]
    signed = sign(db, "head", int(str(order["id"])), date(2021, 3, 1))
    rows = structure(output_bytes(db, "clerk", signed, acquaintance=True))["tables"][-1]
    named = [row[1:3] for row in rows[1:] if row[1] or row[2]]
    assert ["Сидоров Пётр Иванович", "Заместитель директора"] in named
    assert ["", "Руководитель МБОУ СОШ № 3"] in named
    assert ["Белокреницкая Елена Викторовна", "Специалист"] in named
    assert rows[-1][1:3] == ["", ""]  # and blank lines for others


def test_people_named_in_a_signed_order_confirm_reading_it_in_karta(
        db: Database, tmp_path: Path) -> None:
    """Issue 21, item 6: the people an order names are told when it is signed, each confirms
    «ознакомлен(а)» once (logged), the order shows who has and who has not, and the printed
    sheet carries the dates; nobody else confirms, nobody twice."""
    from registry.acquaintance import acknowledge, acquaintance
    from registry.notifications import inbox

    add_person(db, "admin", "school1", "Сидоров Пётр Иванович", "m", "заместитель директора",
               ["executor"], unit="МБОУ СОШ № 1")
    add_person(db, "admin", "lawyer", "Кузнецова Ирина Олеговна", "f", "юрисконсульт",
               ["auditor"])
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    order = apply_event(db, f"{rid}:5@2021", "start", "clerk", order=True).documents[0]
    number = int(str(order["id"]))
    with pytest.raises(KartaError, match="подписанным приказом"):
        acknowledge(db, "school1", number)  # a draft is not read for acquaintance
    signed = sign(db, "head", number, date(2021, 3, 1))
    assert any("Ознакомьтесь" in n["title"] for n in inbox(db, "school1")["items"])
    assert not any("Ознакомьтесь" in n["title"] for n in inbox(db, "lawyer")["items"])
    named = {n.login: n for n in acquaintance(db, "head", number)}
    assert set(named) == {"school1", "clerk"} and not any(n.at for n in named.values())
    with pytest.raises(PermissionDenied, match="кого приказ называет"):
        acknowledge(db, "lawyer", number)
    acknowledge(db, "school1", number)
    with pytest.raises(KartaError, match="уже ознакомлены"):
        acknowledge(db, "school1", number)
    named = {n.login: n for n in acquaintance(db, "head", number)}
    assert named["school1"].at is not None and named["clerk"].at is None
    rows = structure(output_bytes(db, "clerk", signed, acquaintance=True))["tables"][-1]
    school = next(r for r in rows if r[1] == "Сидоров Пётр Иванович")
    assert school[3] == "в karta" and school[4] == f"{named['school1'].at:%d.%m.%Y}"
    clerk = next(r for r in rows if r[1] == "Белокреницкая Елена Викторовна")
    assert clerk[3:] == ["", ""]
    assert [e["event"] for e in read_log(db, "admin")].count("acquainted") == 1
    assert verify(db, "admin").ok
    # the command line: who has read it, and the clerk confirms
    karta = Karta(db.url, tmp_path)
    listing = karta("documents", "acquaintance", str(number), user="head")
    assert listing.exit_code == 0 and "Ознакомлены 1 из 2" in listing.stdout
    assert karta("documents", "acquaint", str(number), user="clerk").exit_code == 0
    again = karta("documents", "acquaint", str(number), user="clerk")
    assert again.exit_code != 0 and "уже ознакомлены" in again.stderr
