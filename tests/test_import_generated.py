"""The property: import(render(truth)) == truth, for roadmaps generated with every category of
damage of issue 10 injected at random, in every format available without LibreOffice (the
LibreOffice formats are in test_import_office.py); every line accounted for, every repair
recorded. ``python -m tests.roadmap_generator`` runs the same over hundreds of roadmaps and
prints the score table of BENCHMARKS.md."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.line_accounting import assert_accounted
from tests.roadmap_generator import Truth, make_truth, mismatches, render
from workflow.importing import Period, read_roadmap
from workflow.importing.period import school_year_hint
from workflow.roadmap import RoadmapDraft

SUFFIXES = (".txt", ".md", ".csv", ".xlsx", ".docx", ".pdf")


def _check(truth: Truth, draft: RoadmapDraft, path: Path, injected: dict[str, int]) -> None:
    assert mismatches(truth, draft) == [], path.name
    assert_accounted(draft, path)
    kinds = [repair.kind for repair in draft.repairs]
    # every number the generator damaged was repaired, and the repair shown on the activity
    damaged = injected.get("2 numbering: digits lost", 0) + \
        injected.get("2 numbering: a number repeated", 0)
    assert kinds.count("code") == damaged
    assert sum(1 for a in draft.activities for r in a.repairs if r.startswith("№ в источнике")) \
        == damaged
    glued = injected.get("4 page number glued to a fragment", 0) + \
        injected.get("14 page number at the end of a line (text)", 0)
    assert sum(1 for r in draft.repairs if "удалён из текста" in r.text) == glued
    if truth.approval is not None:
        assert draft.approval is not None
        assert (draft.approval.number, draft.approval.date) == truth.approval
    else:
        assert draft.approval is None
    assert draft.title == truth.title
    # every date is within the period read as the title says (school years or calendar);
    # a calendar roadmap whose months happen to run September to August is asked about
    period = Period(*truth.period)
    hint = school_year_hint(period, [truth.title], [a.deadline for a in truth.activities])
    assert draft.warnings == ([hint] if hint else []), path.name


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("seed", range(6))
def test_generated_roadmap_imports_as_its_truth(tmp_path: Path, suffix: str, seed: int) -> None:
    rng = random.Random(seed * 7919 + SUFFIXES.index(suffix))
    truth = make_truth(rng, markdown=suffix == ".md")
    path = tmp_path / f"generated{suffix}"
    rendered = render(truth, suffix, rng, path)
    _check(truth, read_roadmap(path), path, rendered.injected)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), suffix=st.sampled_from(SUFFIXES[:5]))
def test_any_generated_roadmap_imports_as_its_truth(tmp_path: Path, seed: int,
                                                    suffix: str) -> None:
    rng = random.Random(seed)
    truth = make_truth(rng, markdown=suffix == ".md")
    path = tmp_path / f"any{suffix}"
    rendered = render(truth, suffix, rng, path)
    _check(truth, read_roadmap(path), path, rendered.injected)
