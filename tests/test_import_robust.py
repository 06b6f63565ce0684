"""Issue 10: any real roadmap in any format, nothing silently lost, every repair shown.

Each test builds its own file showing one category of damage seen in real roadmaps and
checks what the importer makes of it: the fields, the repair recorded, and that every line
of the source is accounted for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SLAVGOROD, YENISEISK, ZAOZERSK, Karta
from tests.line_accounting import assert_accounted
from workflow.importing import Period, read_roadmap


def _dump(tmp_path: Path, text: str, name: str = "roadmap.txt") -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


# -------------------------------------------------------------------- line accounting


@pytest.mark.parametrize("seed", [SLAVGOROD, ZAOZERSK, YENISEISK], ids=lambda p: p.stem)
def test_every_line_of_a_seed_is_accounted_for(seed: Path) -> None:
    draft = read_roadmap(seed, Period(2020, 2024))
    accounting = assert_accounted(draft, seed)
    assert accounting["activity"] == len(draft.activities)


def test_zaozersk_accounting_in_detail() -> None:
    draft = read_roadmap(ZAOZERSK)
    accounting = assert_accounted(draft, ZAOZERSK)
    assert accounting["total"] == 95
    assert (accounting["title"], accounting["header"], accounting["activity"],
            accounting["continuation"]) == (2, 1, 21, 2)
    # the order (lines 5-36 less blanks) and the two other tables are skipped with reasons
    skipped = [line for line in draft.lines if line.role == "skipped"]
    assert {line.reason for line in skipped} == {
        "текст приказа, а не таблица мероприятий",
        "нет столбца мероприятий («Мероприятие», «Наименование мероприятия») (строк: 4)",
        "нет столбца мероприятий («Мероприятие», «Наименование мероприятия») (строк: 17)",
    }
    by_line = {line.line: line for line in draft.lines}
    # row 7's executor cell broke across a page: the next row is its continuation
    continuation = [line for line in draft.lines if line.role == "continuation"]
    assert [(line.ref, line.fields) for line in continuation] == [
        ("7", ("responsible",)), ("16", ("result",))]
    assert by_line[42].role == "activity" and by_line[42].ref == "1"
    assert set(by_line[42].fields) == {"code", "title", "deadline", "responsible", "result"}
    assert draft.skipped[1].rows == 4 and draft.skipped[2].rows == 17


def test_import_json_counts_sum_to_the_files_lines(karta: Karta) -> None:
    result = karta("import", str(ZAOZERSK), "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    lines = found["lines"]
    roles = ("title", "stamp", "header", "numbering", "section", "activity", "continuation",
             "artefact", "blank", "skipped")
    assert sum(lines[role] for role in roles) == lines["total"] == 95
    assert found["repairs"] == [] and found["warnings"] == []


def test_dry_run_shows_accounting_and_writes_nothing(karta: Karta) -> None:
    result = karta("import", str(SLAVGOROD), "--period", "2020-2022", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    preview = json.loads(result.output)
    assert preview["lines"]["total"] == len(SLAVGOROD.read_text(encoding="utf-8")
                                            .splitlines())
    assert len(preview["line_roles"]) == preview["lines"]["total"]
    assert preview["line_roles"][5] == {"line": 6, "role": "header"}
    text = karta("import", str(SLAVGOROD), "--period", "2020-2022", "--dry-run")
    assert "Строки файла: 80 — название дорожной карты 2, заголовок таблицы 1, раздел 8, " \
           "мероприятие 57, артефакт (номер страницы, колонтитул, линия) 1, пустая строка 11." \
        in text.output
    assert karta("roadmaps", "--json").output.strip() == "[]"
