"""Budgets wherever untrusted bytes or templates are handled (issue 18): a template nobody
at karta wrote renders in a worker the kernel holds to processor-time and memory caps; a
template or an attachment that is a zip bomb is refused before it is unpacked; a template
version swapped in the database is never used. Peak memory is measured in each test."""

from __future__ import annotations

import hashlib
import io
import resource
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from documents.check import check_template
from documents.jail import Jail
from documents.russian import sheets_of
from registry.database import Database
from registry.documents import shipped_digests
from registry.occurrences import apply_event
from registry.roadmaps import import_roadmap
from registry.templates import SHIPPED, activate, add_template
from tests import hostile_files as h
from tests.conftest import ZAOZERSK, run_sql
from tests.test_templates import sample_context, template_with
from workflow.errors import KartaError, TemplateProblem

BUDGET = 1  # processor seconds for one render in these tests
PEAK_MB = 300

# what the cooperative checks between Jinja operations cannot see: work inside one call
HOSTILE = {
    "grammar on a huge text": "{{ ('Организация проведения мониторинга качества ' * 64000)"
                              " | about }}",
    "an integer grown in one operation": "{% set n = 7 ** 64 %}{% set m = n ** 64 %}"
                                         "{% set k = m ** 64 %}{{ (k ** 64) % 7 }}",
    "memory in one concatenation": "{% set big = (range(10000) | list) * 1999 %}"
                                   "{{ (big + big + big) | length }}",
    "nested loops": "{% for a in range(10000) %}{% for b in range(10000) %}"
                    "{% for c in range(10000) %}{% endfor %}{% endfor %}{% endfor %}",
    "a string doubled": "{% set ns = namespace(s='x') %}{% for i in range(100) %}"
                        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "a recursive macro": "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}",
}


@pytest.fixture(scope="module")
def jailed() -> Iterator[Jail]:
    found = Jail(memory=PEAK_MB * 1024 * 1024, size=1)
    yield found
    found.close()


def _render(jail: Jail, folder: Path, text: str) -> bytes:
    data = template_with(folder, "{{ activity.title }}", text).read_bytes()
    return jail.render(hashlib.sha256(data).hexdigest(), "чужой", lambda: data,
                       sample_context("report"), seconds=BUDGET)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_template_is_stopped_within_its_processor_time_and_memory(
        jailed: Jail, tmp_path: Path, text: str) -> None:
    with pytest.raises(TemplateProblem) as caught:
        _render(jailed, tmp_path, text)
    problem = caught.value
    assert "шаблон «чужой»" in str(problem)
    # the limit karta enforces, not the host's speed: either the render was refused within
    # the budget (plus the kernel's hard second), or the kernel stopped it at the budget
    # (the kernel's memory cap, RLIMIT_AS of PEAK_MB, keeps a stopped worker below it)
    if problem.signal is None:
        assert problem.cpu_seconds is not None and problem.cpu_seconds <= BUDGET + 1
        assert problem.peak_megabytes is not None and problem.peak_megabytes < PEAK_MB
    else:
        assert problem.signal in (signal.SIGXCPU, signal.SIGKILL)
    assert jailed.memory <= PEAK_MB * 1024 * 1024


def test_the_jail_renders_a_good_template_and_keeps_its_worker(jailed: Jail,
                                                               tmp_path: Path) -> None:
    import docx

    for _ in range(2):  # after a stopped worker, a new one; then the same one again
        data = _render(jailed, tmp_path, "{{ activity.title | about }} {{ today | date }}")
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
        assert "Сбор и анализ данных о результатах ВПР" in text
    assert jailed._idle.qsize() == 1


def test_a_department_s_own_template_renders_in_the_jail(db: Database, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """Only karta's own templates (by SHA-256) render in the server's process."""
    import documents.jail as jail_module

    used = []
    real = jail_module.jail

    def counted() -> Jail:
        used.append(1)
        return real()

    monkeypatch.setattr(jail_module, "jail", counted)
    import_roadmap(db, ZAOZERSK, "clerk")
    apply_event(db, "1:5@2021", "start", "clerk", order=True)
    assert used == []  # the shipped order: in process
    own = template_with(tmp_path, "Приказ (своя редакция) {{ activity.title | about }}")
    add_template(db, "admin", own, "order_start", "order_start", "своя")
    activate(db, "admin", "order_start", 2)
    made = apply_event(db, "1:6@2021", "start", "clerk", order=True).documents
    assert used and made and made[0]["kind"] == "order_start"
    assert hashlib.sha256(
        (SHIPPED / "order_start.docx").read_bytes()).hexdigest() in shipped_digests()


def test_a_template_zip_bomb_is_refused_at_registration(tmp_path: Path) -> None:
    bomb = h.streamed_zip(h.parts_of(template_with(tmp_path, "{{ activity.title }}")
                                     .read_bytes()), "word/media/image1.png",
                          iter([bytes(1024 * 1024)] * 2200))
    assert len(bomb) < 4 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(TemplateProblem, match="zip-бомб|распакованное содержимое больше"):
        check_template("бомба", "report", bomb)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown < 100, f"checking the bomb took {grown:.0f} MB more"


def test_an_attachment_with_a_huge_page_count_part_is_not_unpacked(tmp_path: Path) -> None:
    """A school's .docx with a 1 GB docProps/app.xml (1 MB packed): its sheets are not
    counted, and nothing is inflated to find out."""
    parts = h.parts_of(h.docx())
    bomb = h.streamed_zip(parts, "docProps/app.xml",
                          iter([b"<Properties>"] + [b" " * (1024 * 1024)] * 1024))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert sheets_of("отчёт.docx", bomb) is None
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown < 50, f"counting pages took {grown:.0f} MB more"
    honest = h.replace_parts(h.docx(), {"docProps/app.xml": b"<Properties><Pages>3</Pages>"
                                                            b"</Properties>"})
    assert sheets_of("отчёт.docx", honest) == 3


def test_a_template_version_swapped_in_the_database_is_not_used(
        db: Database, tmp_path: Path) -> None:
    """Its bytes and their SHA-256 replaced together behind karta's back: the row no longer
    matches what the log vouched for, and no document is made from it."""
    import_roadmap(db, ZAOZERSK, "clerk")
    own = template_with(tmp_path, "Своя редакция {{ activity.title | about }}")
    add_template(db, "admin", own, "order_start", "order_start", "своя")
    activate(db, "admin", "order_start", 2)
    (tmp_path / "evil").mkdir()
    evil = template_with(tmp_path / "evil", "Подменено {{ activity.title | about }}").read_bytes()
    sha = hashlib.sha256(evil).hexdigest()
    # as the database's owner could: the trigger that freezes versions dropped first
    if db.is_sqlite:
        run_sql(db, "DROP TRIGGER templateversion_frozen",
                f"UPDATE templateversion SET content = X'{evil.hex()}', sha256 = '{sha}' "
                    "WHERE version = 2 AND name = 'order_start'")
    else:
        run_sql(db, "DROP TRIGGER templateversion_frozen ON templateversion",
                f"UPDATE templateversion SET content = '\\x{evil.hex()}'::bytea, "
                    f"sha256 = '{sha}' WHERE version = 2 AND name = 'order_start'")
    with pytest.raises(KartaError, match="не совпадает с тем, что записано в журнале решений"):
        apply_event(db, "1:5@2021", "start", "clerk", order=True)
    from registry.occurrences import show

    assert show(db, "1:5@2021", "clerk")["occurrence"]["state"] == "planned"  # type: ignore[index]
