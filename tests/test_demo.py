"""`karta demo` lives today (issue 17): whatever day it runs, the clerk's first screen has
occurrences to start this month, overdue ones and ones awaiting reports; the head has a
report to analyse; documents carry the day's dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from registry.database import Database
from registry.demo import demo_period, demo_roadmap, populate, prepare_folder
from registry.overview import my_tasks
from tests.conftest import pinned_today
from workflow.importing import read_roadmap


def _counts(tasks: dict[str, object]) -> dict[str, int]:
    return {group["key"]: group["count"] for group in tasks["groups"]}  # type: ignore[attr-defined,index]


@settings(max_examples=4, deadline=None)
@given(st.dates(date(2023, 1, 1), date(2098, 12, 31)))
@example(date(2028, 2, 29))
@example(date(2026, 12, 31))
@example(date(2027, 1, 1))
@example(date(2027, 1, 31))
def test_the_demo_has_work_due_now_overdue_and_awaiting_whatever_the_day(
        tmp_path_factory: pytest.TempPathFactory, today: date) -> None:
    out = tmp_path_factory.mktemp("demo")
    prepare_folder(out)
    db = Database(f"sqlite:///{out / 'karta.db'}", out / "karta-files")
    try:
        with pinned_today(today):
            for _ in populate(db, out, today):
                pass
        clerk = _counts(my_tasks(db, "clerk", today))
        assert clerk["start"] >= 3, clerk  # «Начать в этом месяце»
        assert 3 <= clerk["overdue"] <= 6, clerk  # «Просрочено»: a few, not every row
        assert clerk["waiting"] == 2, clerk  # «Ожидают отчёта исполнителей»
        head = _counts(my_tasks(db, "head", today))
        assert head["analyse"] == 1, head
        assert head["check"] == 1 and clerk["check"] == 1  # a school's report to check
        school = _counts(my_tasks(db, "school", today))
        assert school["assignments"] >= 1, school  # the school's own assignments
    finally:
        db.dispose()


@given(st.dates(date(2023, 1, 1), date(2098, 12, 31)))
def test_the_demo_roadmap_runs_over_last_this_and_next_year(today: date) -> None:
    text = demo_roadmap(today)
    period = demo_period(today)
    assert (period.first, period.last) == (today.year - 1, today.year + 1)
    assert f"на {today.year - 1}-{today.year + 1} годы" in text
    if today.year != 2022:
        assert "2021-2023" not in text


def test_the_demo_roadmap_reads_as_its_deadlines_say(tmp_path: Path) -> None:
    today = date(2026, 12, 7)
    path = tmp_path / "demo.txt"
    path.write_text(demo_roadmap(today), encoding="utf-8")
    draft = read_roadmap(path, None, None)
    deadlines = {activity.code: activity.deadline_text for activity in draft.activities}
    assert deadlines["4"] == "Ежегодно, декабрь"  # to start this month
    assert deadlines["2"] == "Ежегодно, январь"  # coming: started, awaiting a report
    assert deadlines["8"] == "Ежегодно, октябрь"  # two months ago: overdue
    assert deadlines["12"] == "Ежегодно"
