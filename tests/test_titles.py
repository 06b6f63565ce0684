"""Headings made from the activity titles of the three seeds, against a golden table that a
person has read line by line (tests/golden/titles.tsv)."""

from __future__ import annotations

from pathlib import Path

from documents.contexts import activity_headings
from registry.database import Database
from registry.documents import list_documents
from registry.occurrences import apply_event
from registry.roadmaps import import_roadmap
from tests.conftest import SLAVGOROD, YENISEISK, ZAOZERSK
from workflow.importing import Period, read_roadmap

TABLE = Path(__file__).parent / "golden" / "titles.tsv"
COLUMNS = ("карта", "код", "мероприятие", "о/об …", "об итогах …", "по итогам …")


def title_table() -> str:
    """Every activity title of the seeds and each heading karta makes of it, one a line."""
    lines = ["\t".join(COLUMNS)]
    for name, path, period in (("Заозерск", ZAOZERSK, None), ("Енисейск", YENISEISK, None),
                               ("Славгород", SLAVGOROD, Period(2020, 2022))):
        for activity in read_roadmap(path, period).activities:
            headings = activity_headings(activity.title)
            lines.append("\t".join((name, activity.code, activity.title, headings["about"],
                                    headings["results"], headings["by_results"])))
    return "\n".join(lines) + "\n"


def test_headings_of_every_seed_title_match_the_golden_table() -> None:
    made = title_table()
    if not TABLE.exists():  # written once, read through line by line, committed
        TABLE.write_text(made, encoding="utf-8")
    assert made.splitlines() == TABLE.read_text(encoding="utf-8").splitlines()


def test_the_journal_shows_the_declined_titles(db: Database) -> None:
    """«Сбор и анализ данных …» in every heading and in the journal: the whole group."""
    rid = import_roadmap(db, YENISEISK, "clerk").roadmap
    ref = f"{rid}:1.2@2021-05"
    [start] = apply_event(db, ref, "start", "clerk", order=True).documents
    apply_event(db, ref, "report", "clerk", comment="Собраны данные 12 школ")
    apply_event(db, ref, "analyse", "head", comment="Данные собраны",
                decisions=["Руководителям ОУ представить уточнённые данные."])
    subject = "сбора и анализа данных о повышении качества образования педагогических и " \
              "управленческих кадров за май 2021 года"
    titles = [row["title"] for row in list_documents(db, "admin")]
    assert titles == [
        "О сборе и анализе данных о повышении качества образования педагогических и "
        "управленческих кадров",
        "Отчёт об исполнении мероприятия 1.2 за май 2021 года",
        f"Аналитическая справка по итогам {subject}",
        f"Об итогах {subject}",
    ]
    assert start["title"] == titles[0]


def test_headings_cut_lists_and_drop_so_called_and_agree() -> None:
    """Issue 23: a list after a colon is no part of a heading, nor «(далее – ВПР)»; a verbal
    noun after «и» agrees with the one a preposition governs."""
    from documents.phrases import about

    assert about("Анализ результатов оценочных процедур: ЕГЭ, ГВЭ, ОГЭ, ВПР") == \
        "Об анализе результатов оценочных процедур"
    assert about("Утверждение показателей мониторинга по: учету дефицитов; учету "
                 "компетенций") == "Об утверждении показателей мониторинга"
    assert about("Городские методические объединения учителей-предметников (далее - ГМО)") \
        == "О городских методических объединениях учителей-предметников"
    assert about("Мероприятия, направленные на обеспечение объективности оценки и "
                 "формирование позитивного отношения к ВПР") == \
        "О мероприятиях, направленных на обеспечение объективности оценки и формирование " \
        "позитивного отношения к ВПР"
    assert about("Семинар «Система наставничества: педагог-педагог»") == \
        "О семинаре «Система наставничества: педагог-педагог»"  # a colon inside quotes


def test_a_start_order_asks_the_clerk_about_an_agreement_error(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    [order] = apply_event(db, f"{rid}:13@2021", "start", "clerk", order=True).documents
    assert order["questions"] == [
        "в названии «Размещение информация» слово «информация» не согласовано (вероятно, "
        "«информации»): исправьте название мероприятия в дорожной карте"]
