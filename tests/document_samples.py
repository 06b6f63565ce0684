"""One document of every kind karta makes, made the way a department makes them, with long
organisation names, long positions and long titles — the documents whose pages tests and
people read (``python -m tests.document_samples FOLDER`` writes them as .docx files).

The contexts are the real ones (drafted by the registry from the Заозерск seed); the
sweeps add points or lines one by one, so that the signature block falls on every line of a
page in one of them."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import select

from documents.render import compiled
from registry.database import Database
from registry.indicators import Given, add_indicator, decide, make_monitoring_note, submit_values
from registry.occurrences import apply_event
from registry.orders import (
    approve_roadmap,
    correct,
    make_annual_report,
    make_monitoring_order,
    make_plan,
    sign,
)
from registry.people import Profile, add_person, initialise
from registry.roadmaps import import_roadmap
from registry.tables import Document, TemplateVersion

SEEDS = Path(__file__).resolve().parent / "data"
LONG_PROFILE = Profile(
    full_name="Муниципальное казенное учреждение «Управление образования и молодёжной "
              "политики администрации закрытого административно-территориального "
              "образования город Заозерск Мурманской области»",
    short_name="МКУ «Управление образования и молодёжной политики ЗАТО город Заозерск»",
    parent_body="Администрация закрытого административно-территориального образования "
                "город Заозерск Мурманской области",
    place="г. Заозерск",
    head_position="Исполняющий обязанности начальника муниципального казенного учреждения "
                  "«Управление образования и молодёжной политики ЗАТО город Заозерск»",
    head_name="С.Л. Андреева",
)
HEAD_POSITION = "Начальник муниципального казенного учреждения «Управление образования и " \
                "молодёжной политики ЗАТО город Заозерск»"
CLERK_POSITION = "Ведущий специалист отдела общего и дополнительного образования МКУ " \
                 "«Управление образования и молодёжной политики ЗАТО город Заозерск»"
LONG_POINT = ("Руководителям общеобразовательных организаций обеспечить размещение "
              "информации о ходе исполнения мероприятия на официальных сайтах "
              "образовательных организаций в информационно-телекоммуникационной сети "
              "«Интернет» в течение пяти рабочих дней со дня подписания настоящего приказа")


@dataclass
class Sample:
    """A document as made, and how to make it longer by one step."""

    name: str
    kind: str
    template: bytes
    sha256: str
    context: dict[str, Any]
    images: dict[str, bytes]
    position: str  # the signature block: the signatory's position and «И.О. Фамилия»
    signer: str
    mark: str | None  # how the executor mark begins, for the kinds that have one

    def render(self, extra: int = 0) -> bytes:
        """The document with ``extra`` steps of added text (points, lines, list items)."""
        context = grow(self.kind, json.loads(json.dumps(self.context)), extra)
        return compiled(self.sha256, self.name, self.template).render(context, self.images)


def grow(kind: str, context: dict[str, Any], extra: int) -> dict[str, Any]:
    """A context with ``extra`` more lines of text where the kind has a list."""
    if extra <= 0:
        return context
    if "points" in context and kind.startswith("order") and kind != "order_amend":
        context["points"] = context["points"] + [f"{LONG_POINT}."] * extra
    elif kind == "order_amend":
        amends = context["amends"]
        if not amends.get("cancel"):
            amends["changes"] = amends["changes"] + [
                f"Дополнить пунктом {5 + n} следующего содержания: «{5 + n}. {LONG_POINT}.»."
                for n in range(extra)]
        else:
            amends["reason"] = amends["reason"] + " (" + ", ".join(
                ["в связи с изменением сроков исполнения мероприятий"] * extra) + ")"
    elif kind in ("report",):
        context["report"]["text"] = " ".join([context["report"]["text"]] + [
            "Проведены совещания с заместителями руководителей по учебно-воспитательной "
            "работе, рассмотрены результаты и определены меры по их улучшению."] * extra)
    elif kind in ("analytic_note", "recommendations"):
        context["analysis"]["recommendations"] = context["analysis"]["recommendations"] + [
            {"addressee": "Руководители общеобразовательных организаций",
             "text": "обеспечить участие педагогов в вебинарах и семинарах по вопросам "
                     "объективности оценивания в течение учебного года"}] * extra
    elif kind == "plan":
        first = context["sections"][0]["activities"]
        context["sections"][0]["activities"] = first + first[:1] * extra
    elif kind == "monitoring_note":
        context["indicators"] = context["indicators"] + context["indicators"][:1] * extra
    elif kind == "annual_report":
        context["done"] = context["done"] + [
            {"ref": "", "code": str(n), "title": "Совещание руководителей ОО", "period": "2021",
             "due": None, "responsible_text": "ОО", "reason": ""} for n in range(4 * extra)]
    return context


def make_samples(folder: Path) -> list[Sample]:
    """A database in ``folder`` with one document of every kind made in it; the samples."""
    db = Database(f"sqlite:///{folder / 'samples.db'}", folder / "files")
    try:
        return _make(db)
    finally:
        db.dispose()


def _make(db: Database) -> list[Sample]:
    initialise(db, LONG_PROFILE, admin_name="Сидоров Алексей Иванович")
    unit = "МКУ «Управление образования ЗАТО город Заозерск»"
    add_person(db, "admin", "bel", "Белокреницкая Елена Викторовна", "f", CLERK_POSITION,
               ["clerk"], phone="8 (81556) 3-15-42", unit=unit)
    add_person(db, "admin", "han", "Ханченко Ирина Геннадьевна", "f",
               "Специалист МКУ «Управление образования ЗАТО город Заозерск»", ["executor"],
               unit=unit)
    add_person(db, "admin", "head", "Андреева Светлана Леонидовна", "f", HEAD_POSITION,
               ["head"])
    rid = import_roadmap(db, SEEDS / "zaozersk_order_and_roadmap.txt", "bel").roadmap
    approval = approve_roadmap(db, "bel", f"R{rid}",
                               points=["Разместить настоящий приказ на официальном сайте"])
    sign(db, "head", approval.id or 0, date(2021, 1, 11))
    ref = f"{rid}:13@2021"
    apply_event(db, ref, "start", "bel", order=True)
    apply_event(db, ref, "report", "bel",
                comment="Информация размещена на сайтах всех 4 общеобразовательных "
                        "организаций и МКУ «Управление образования»",
                attachments=[("Список ссылок на публикации.pdf", b"%PDF-1.4 /Type /Page")])
    apply_event(db, ref, "analyse", "head", comment="Информация размещена своевременно",
                figures=[("Доля ОО, разместивших информацию", "100 %")],
                decisions=["Руководителям ОО продолжить размещение информации в 2022 году"],
                recommendations=[("МБОУ СОШ № 289", "обновлять раздел сайта ежеквартально")])
    with db.reading() as session:
        start = session.exec(select(Document).where(Document.kind == "order_start")).one()
    signed_start = sign(db, "head", start.id or 0, date(2021, 3, 1))
    correct(db, "bel", signed_start.id or 0, "изменился срок исполнения мероприятия",
            cancel=True)
    make_plan(db, "bel", f"R{rid}", 2022)
    _indicators(db)
    make_annual_report(db, "bel", f"R{rid}", 2021, as_of=date(2021, 12, 31))
    note = make_monitoring_note(db, "bel", "2021")
    make_monitoring_order(db, "bel", note.id or 0,
                          points=["Разместить настоящий приказ на официальном сайте"])
    samples: list[Sample] = []
    with db.reading() as session:
        for document in session.exec(select(Document).order_by(Document.id)):  # type: ignore[arg-type]
            if document.status == "superseded" or document.kind in {s.kind for s in samples}:
                continue
            template = session.exec(select(TemplateVersion).where(
                TemplateVersion.name == document.template_name,
                TemplateVersion.version == document.template_version)).one()
            context = json.loads(document.context)
            images = {}
            if document.kind == "annual_report":
                from documents.charts import completion_chart

                images["chart"] = completion_chart(context["chart"]["sections"],
                                                   context["chart"]["title"])
            if document.kind in ("report", "analytic_note", "recommendations", "plan",
                                 "monitoring_note"):
                # signed by who compiled them (the head approves the plan above it)
                author = context["executor"] if document.kind == "plan" else \
                    context["author"] if document.kind == "monitoring_note" else \
                    (context.get("analysis") or context["report"])["author"]
                position, name, mark = author["position"], author["full_name"], None
                name = name.split()[1][0] + "." + name.split()[2][0] + ". " + name.split()[0]
            else:
                position = LONG_PROFILE.head_position
                name, mark = LONG_PROFILE.head_name, "Исп.:"
            samples.append(Sample(document.kind, document.kind, template.content,
                                  template.sha256, context, images, position, name, mark))
    return samples


def _indicators(db: Database) -> None:
    """Two indicators of 2021 with their values: the schools' (one below target) and the
    department's own."""
    for number in (289, 290):
        add_person(db, "admin", f"school{number}", "Петров Пётр Петрович", "m",
                   "заместитель директора", ["executor"], unit=f"МБОУ СОШ № {number}")
    add_indicator(db, "bel", code="П1", name="Доля обучающихся 4–8 классов, преодолевших "
                  "минимальный порог ВПР по математике", unit="%", rollup="weighted_mean",
                  fraction=True, numerator="обучающиеся, преодолевшие порог",
                  denominator="обучающиеся, писавшие работу", targets={"2021": "85"})
    add_indicator(db, "bel", code="П2", name="Доля общеобразовательных организаций, "
                  "разместивших на официальных сайтах информацию об объективности ВПР",
                  unit="%", source="department", targets={"2021": "100"})
    for number, passed in ((289, "38"), (290, "47")):
        submit_values(db, f"school{number}", "2021",
                      {"П1": Given(numerator=passed, denominator="50")})
        decide(db, "bel", "П1", "2021", f"МБОУ СОШ № {number}", "accept")
    submit_values(db, "bel", "2021", {"П2": Given(value="100")})
    decide(db, "head", "П2", "2021", None, "accept")


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    steps = [int(value) for value in sys.argv[2:]] or [0]
    for sample in make_samples(out):
        for step in steps:
            (out / f"{sample.name}-{step}.docx").write_bytes(sample.render(step))
