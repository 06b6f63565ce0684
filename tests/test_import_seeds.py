"""The importer on the three real roadmaps in shared/seeds (copied to tests/data)."""

from __future__ import annotations

import pytest

from tests.conftest import SLAVGOROD, YENISEISK, ZAOZERSK
from workflow.errors import PeriodRequired
from workflow.importing import Period, read_roadmap


def test_slavgorod_has_8_sections_and_57_activities() -> None:
    draft = read_roadmap(SLAVGOROD, Period(2020, 2022))
    assert len(draft.sections) == 8
    assert len(draft.activities) == 57
    codes = [a.code for a in draft.activities]
    assert codes[0] == "1.1" and codes[-1] == "8.9"
    assert codes[:10] == [f"1.{n}" for n in range(1, 11)]
    assert [s.code for s in draft.sections] == [str(n) for n in range(1, 9)]
    # sections 4 and 5 are loose lines between rows, not table rows
    assert draft.sections[3].title.startswith("Система мониторинга эффективности")
    assert draft.sections[4].title == ("Система мониторинга качества повышения квалификации "
                                       "педагогов")
    assert draft.title.startswith("Дорожная карта по развитию муниципальной системы")
    assert "**" not in draft.title


def test_slavgorod_activity_fields() -> None:
    draft = read_roadmap(SLAVGOROD, Period(2020, 2022))
    by_code = {a.code: a for a in draft.activities}
    assert by_code["2.6"].deadline_text == "Ежегодно, август"
    assert by_code["3.3"].executors == ["Комитет", "МУМО", "Руководители"]
    assert by_code["1.1"].executors == ["Комитет", "Руководители ОО"]
    assert by_code["1.1"].executors_text == "Комитет, руководители ОО"
    # the dashed separator line after 5.1 is an artefact, not an activity or a continuation
    assert by_code["5.1"].title.endswith("учет диагностики профессиональных дефицитов")
    assert by_code["5.1"].deadline_text == "Постоянно"
    assert by_code["2.6"].section_code == "2"


def test_slavgorod_names_no_period_so_one_is_required() -> None:
    with pytest.raises(PeriodRequired) as error:
        read_roadmap(SLAVGOROD)
    assert "--period" in str(error.value)
    assert "slavgorod_roadmap.txt" in str(error.value)


def test_zaozersk_21_activities_and_skipped_parts() -> None:
    draft = read_roadmap(ZAOZERSK)
    assert len(draft.activities) == 21
    assert [a.code for a in draft.activities] == [str(n) for n in range(1, 22)]
    assert (draft.first_year, draft.last_year) == (2021, 2023)
    kinds = [part.kind for part in draft.skipped]
    assert kinds == ["order", "table", "table"]
    order, by_level, criteria = draft.skipped
    assert order.first_line == 5 and order.last_line == 36
    assert by_level.title.startswith("Перечень мероприятий, реализуемых на различных уровнях")
    assert criteria.title.startswith("Критерии реализации Дорожной карты")
    assert all(part.reason for part in draft.skipped)


def test_zaozersk_continuation_rows_merge_into_the_cell_above() -> None:
    draft = read_roadmap(ZAOZERSK)
    by_code = {a.code: a for a in draft.activities}
    # row 7: the executor cell broke across a page: «…ЗАТО город» + «Заозерск», ОО»
    assert by_code["7"].executors == ["МКУ «Управление образования ЗАТО город Заозерск»", "ОО"]
    assert by_code["7"].executors_text == "МКУ «Управление образования ЗАТО город Заозерск», ОО"
    # row 16: the result cell continues on the next line with «обучающихся»
    assert by_code["16"].planned_result.endswith("по оцениванию результатов обучающихся")
    assert by_code["1"].planned_result.startswith("Повышение компетентности специалистов")
    assert by_code["1"].section_code is None


def test_yeniseisk_tasks_are_sections_and_codes_carry_the_task() -> None:
    draft = read_roadmap(YENISEISK)
    assert [s.code for s in draft.sections] == ["0", "1", "2", "3", "4", "5"]
    assert all(s.heading.startswith(f"Задача {s.code}") for s in draft.sections)
    assert "<i>" not in draft.sections[0].heading
    assert len(draft.activities) == 64
    codes = [a.code for a in draft.activities]
    assert codes[:2] == ["0.1", "0.2"] and "1.13" in codes and codes[-1] == "5.11"
    assert len(set(codes)) == 64
    assert (draft.first_year, draft.last_year) == (2020, 2024)


def test_yeniseisk_cells_are_clean_and_continuations_kept() -> None:
    by_code = {a.code: a for a in read_roadmap(YENISEISK).activities}
    assert by_code["3.4"].planned_result.splitlines() == [
        "Рост доли школ с НОР, достигших положительной динамики в результатах ОГЭ по "
        "математике и русскому языку",
        "Сокращение доли учащихся, не набравших минимальные баллы в школах с НОР",
        "100% вовлечение учащихся школ с НОР",
    ]
    assert "<i>" not in by_code["1.1"].planned_result
    assert by_code["1.1"].planned_result.endswith("(аналитическая информация о выявленных "
                                                   "дефицитах педагогов)")
    assert by_code["1.2"].executors == ["Руководители ОУ", "МКУ «Управление образования»"]
    assert by_code["2.4"].planned_result == "Доля ОУ с НОР, в которых разработаны ИУП " \
                                            "(приказ об утверждении ИУП)"
    assert by_code["4.10"].executors == ["Отдел общего образования совместно с "
                                         "руководителями ОУ"]


def test_explicit_period_overrides_the_document() -> None:
    draft = read_roadmap(ZAOZERSK, Period(2022, 2024))
    assert (draft.first_year, draft.last_year) == (2022, 2024)


def test_source_hash_is_the_files_sha256() -> None:
    import hashlib

    draft = read_roadmap(YENISEISK)
    assert draft.source_sha256 == hashlib.sha256(YENISEISK.read_bytes()).hexdigest()
    assert draft.source_name == "yeniseisk_roadmap.txt"
