"""Templates are data, not code: the sandbox, and the time and size budget of a render."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from documents.check import check_template
from documents.render import CompiledTemplate
from tests.test_templates import sample_context, template_with
from workflow.errors import KartaError, TemplateProblem

ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ activity.title.__class__ }}",
    "{{ organisation.full_name.format.__globals__ }}",
    "{% include '/etc/passwd' %}",
    "{% import 'x' as y %}",
    "{% extends '/etc/passwd' %}",
    "{{ activity.responsible.append('x') }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ 'x' | center(1000000000) }}",
    "{{ 'x' | format() }}",
    "{{ activity.title | safe }}",
]


@pytest.mark.parametrize("tag", ESCAPES)
def test_template_cannot_run_code_at_render(tmp_path: Path, tag: str) -> None:
    """A template that tries to reach Python is stopped with a clear error, not run."""
    path = template_with(tmp_path, "{{ activity.title }}", tag)
    context = sample_context("report")
    with pytest.raises(KartaError) as caught:
        CompiledTemplate("evil", path.read_bytes()).render(context)
    assert "evil" in str(caught.value)
    assert "uid=" not in str(caught.value)


@pytest.mark.parametrize("tag", ESCAPES)
def test_templates_check_rejects_what_the_sandbox_refuses(tmp_path: Path, tag: str) -> None:
    """Registration refuses the template before anyone renders it."""
    path = template_with(tmp_path, "{{ activity.title }}", tag)
    assert check_template("evil", "report", path.read_bytes()), tag


LOOPS = [
    "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s }}",
    "{% set ns = namespace(s='xx') %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}"
    "{% endfor %}{{ ns.s }}",
    "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "{{ 'x' * 1000000000 }}",
    "{{ range(100000000) | list }}",
    "{{ 'ab' | replace('a', 'a' * 9000) | replace('a', 'a' * 9000) | replace('a', 'a' * 9000)"
    " }}",
    "{% for s in activity.responsible * 100000 %}{% for t in activity.responsible * 100000 %}"
    "{{ s }}{% endfor %}{% endfor %}",
]


@pytest.mark.parametrize("tag", LOOPS)
def test_template_that_loops_or_explodes_is_stopped(tmp_path: Path, tag: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Loops and explosions stop within the budget with a clear error: the budget is the
    rendering thread's processor time (here 1 s), whatever else the machine is doing; the
    margin is the work between two checks (one filter, one loop step)."""
    monkeypatch.setattr("documents.sandbox.RENDER_SECONDS", 1.0)
    path = template_with(tmp_path, "{{ activity.title }}", tag)
    template = CompiledTemplate("loop", path.read_bytes())
    started = time.thread_time()
    with pytest.raises(TemplateProblem) as caught:
        template.render(sample_context("report"))
    assert time.thread_time() - started < 1.0 + 1.0
    assert "шаблон «loop»" in str(caught.value)


def test_ordinary_templates_keep_working(tmp_path: Path) -> None:
    """Loops, joins, filters and «~» over real data still render as before."""
    path = template_with(
        tmp_path, "{% for r in activity.responsible %}{{ loop.index }}. {{ r }}; {% endfor %}",
        "{{ activity.responsible | join(', ') }} — {{ activity.code ~ ' ' ~ activity.title }}",
        "{{ 5 | plural('мероприятие') }} {{ range(3) | list | length }}")
    data = CompiledTemplate("ok", path.read_bytes()).render(sample_context("report"))
    import io

    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "1. МКУ «УО»; 2. Руководители ОО;" in text
    assert "МКУ «УО», Руководители ОО — 5 Сбор и анализ данных о результатах ВПР" in text
    assert "5 мероприятий 3" in text
