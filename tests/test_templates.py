"""The template registry: checks at registration, versions, rules, and the renderer itself."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docxtpl import DocxTemplate

from documents.check import check_template
from documents.contexts import KINDS
from documents.render import FILTERS, CompiledTemplate, environment
from documents.templates.build import TEMPLATES
from registry.database import Database
from registry.templates import (
    SHIPPED,
    activate,
    add_rule,
    add_template,
    list_rules,
    list_templates,
    remove_rule,
)
from tests.docx_structure import golden_json, structure
from workflow.errors import KartaError, MissingTemplateVariable

GOLDEN = Path(__file__).parent / "golden"


def template_with(folder: Path, *paragraphs: str, split: bool = False) -> Path:
    """A small .docx template; with ``split`` every tag is cut across runs as Word does."""
    document = docx.Document()
    for text in paragraphs:
        paragraph = document.add_paragraph()
        if split:
            for piece in (text[: len(text) // 2], text[len(text) // 2:]):
                paragraph.add_run(piece).bold = piece is text[: len(text) // 2]
        else:
            paragraph.add_run(text)
    path = folder / f"t{abs(hash(paragraphs)) % 10**8}.docx"
    document.save(str(path))
    return path


def sample_context(kind: str) -> dict[str, object]:
    """A fixed context for every kind, as the registry would build it."""
    person = {"login": "bel", "full_name": "Белокреницкая Елена Викторовна", "gender": "f",
              "position": "специалист МКУ «УО»", "phone": "3-15-42", "overrides": {}}
    colleague = {"login": "han", "full_name": "Ханченко Ирина Геннадьевна", "gender": "",
                 "position": "старший инспектор", "phone": "", "overrides": {}}
    activity = {"ref": "1:5", "code": "5", "title": "Сбор и анализ данных о результатах ВПР",
                "deadline_text": "Ежегодно", "responsible": ["МКУ «УО»", "Руководители ОО"],
                "responsible_text": "МКУ «УО», руководители ОО",
                "planned_result": "Повышение объективности", "section": "",
                "executors": [{"name": "МКУ «УО»", "group": "department",
                               "people": [person, colleague]},
                              {"name": "Руководители ОО", "group": "general", "people": []}]}
    occurrence = {"ref": "1:5@2021", "period": "2021", "period_text": "2021 год",
                  "due": "2021-12-31", "state": "in_progress"}
    monthly = {**activity, "code": "6", "title": "Мониторинг сайтов ОО",
               "occurrences": [{**occurrence, "period": f"2021-{m:02d}",
                                "due": f"2021-{m:02d}-28"} for m in range(1, 13)]}
    analysis = {"conclusions": "Объективность повышена", "author": person, "date": "2021-12-20",
                "figures": [{"name": "Доля ОО", "value": "90%"}],
                "decisions": ["Руководителям ОО обеспечить наблюдение."],
                "recommendations": [{"addressee": "МБОУ СОШ № 1", "text": "провести семинар"}]}
    report = {"text": "Проверено 120 работ", "author": person, "date": "2021-12-10",
              "files": [{"name": "акт проверки.pdf", "sha256": "ab" * 32, "size": 100},
                        {"name": "список.xlsx", "sha256": "cd" * 32, "size": 900}]}
    sections = [{"code": "1", "title": "Нормативное обеспечение",
                 "heading": "1. Нормативное обеспечение",
                 "activities": [{**activity, "occurrences": [occurrence]}, monthly]}]
    every = {
        "organisation": {"full_name": "МКУ «Управление образования»", "short_name": "МКУ «УО»",
                         "parent_body": "Администрация района", "place": "г. Заозерск",
                         "head_position": "Начальник МКУ «УО»", "head_name": "С.Л. Андреева"},
        "document": {"kind": kind, "title": "Заголовок", "is_draft": False,
                     "number": "01-09/7", "date": "2021-03-15", "journal": "Журнал"},
        "executor": person, "today": "2021-03-15",
        "roadmap": {"ref": "R1", "title": "Дорожная карта по обеспечению объективности",
                    "first_year": 2021, "last_year": 2023, "period": "2021-2023",
                    "approval": {"number": "01-09/64", "date": "2020-11-30"},
                    "short_title": "Дорожная карта", "attached": "прилагаемую",
                    "approved_mark": "УТВЕРЖДЕНА"},
        "activity": activity, "occurrence": occurrence, "report_due": "2021-12-31",
        "schools_due": "2021-12-24",
        "report": report, "analysis": analysis, "sections": sections, "activities_count": 1,
        "has_results": True,
        "note": {"title": "Справка", "number": "3", "date": "2021-12-20"}, "year": 2021,
        "corrects": None, "basis": {"text": "", "according": False}, "points": [],
        "amends": {"number": "01-09/64", "date": "2020-11-30", "cancel": False,
                   "title": "Об организации наблюдения при проведении „ВПР“",
                   "reason": "Изменился срок", "changes": [
                       "пункт 2 изложить в следующей редакции: «2. Провести до 01.04.2021.».",
                       "пункт 3 исключить."]},
    }
    if kind == "annual_report":
        totals = {"name": "Всего", "total": 12, "done": 5, "reported": 2, "overdue": 3,
                  "cancelled": 1, "planned": 2, "in_progress": 2, "percent": 45}
        by_section = [{**totals, "name": "1. Нормативное обеспечение"},
                      {**totals, "name": "2. Мониторинг", "total": 0, "percent": 0}]
        item = {"ref": "1:5@2021", "code": "5", "title": "Проверка ВПР", "period": "2021",
                "due": "2021-12-30", "responsible_text": "МКУ «УО»", "reason": "выполнено"}
        every.update({"as_of": "2021-12-31", "totals": totals, "sections": by_section,
                      "done": [item], "overdue": [{**item, "reason": ""}], "cancelled": [],
                      "chart": {"title": "Доля выполненных, 2021 год",
                                "sections": by_section},
                      "indicators": [_indicator_figure(period_label="2021 год"),
                                     _indicator_figure(code="П2", reached="да",
                                                       period_label="2020/21 учебный год")]})
    if kind in ("monitoring_note", "order_monitoring"):
        figure = _indicator_figure()
        every.update({"period": "2021", "period_label": "2021 год",
                      "indicators": [figure, {**figure, "code": "П2", "below": [],
                                              "missing": [], "reached": "да"}],
                      "totals": {"indicators": 2, "reached": 1, "not_reached": 1,
                                 "no_data": 0},
                      "recommendations": [{"addressee": "МБОУ СОШ № 12",
                                           "text": "проанализировать причины"}],
                      "author": every["executor"],
                      "decisions": ["Руководителю МБОУ СОШ № 12 проанализировать причины "
                                    "в срок до 20.01.2022."]})
    return {name: every[name] for name in KINDS[kind]["context"]}


def _indicator_figure(**changed: Any) -> dict[str, Any]:
    return {"code": "П1", "name": "Доля обучающихся, преодолевших порог ВПР",
            "unit": "%", "group": "общеобразовательные организации",
            "target": "85\u00a0%", "actual": "84,8\u00a0%", "deviation": "−0,2\u00a0%",
            "reached": "нет", "accepted": 2, "owed": 3,
            "below": [{"name": "МБОУ СОШ № 12", "value": "80\u00a0%"}],
            "missing": ["МБОУ СОШ № 3"], **changed}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_shipped_templates_pass_their_check(name: str) -> None:
    assert check_template(name, name, (SHIPPED / f"{name}.docx").read_bytes()) == []


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_shipped_templates_match_their_golden_structure(name: str) -> None:
    data = (SHIPPED / f"{name}.docx").read_bytes()
    rendered = CompiledTemplate(name, data).render(sample_context(name))
    shape = structure(rendered, exact=True)
    golden = GOLDEN / f"{name}.json"
    if not golden.exists():  # written once, reviewed, committed
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(golden_json(shape), encoding="utf-8")
    assert shape == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_fast_renderer_reads_the_same_as_plain_docxtpl(name: str, tmp_path: Path) -> None:
    path = SHIPPED / f"{name}.docx"
    context = sample_context(name)
    plain = DocxTemplate(str(path))
    plain.render(context, jinja_env=environment(), autoescape=True)
    out = io.BytesIO()
    plain.save(out)
    fast = CompiledTemplate(name, path.read_bytes()).render(context)
    assert structure(fast) == structure(out.getvalue())


def test_rendering_is_byte_for_byte_reproducible() -> None:
    data = (SHIPPED / "order_start.docx").read_bytes()
    context = sample_context("order_start")
    first = CompiledTemplate("order_start", data).render(context)
    assert CompiledTemplate("order_start", data).render(json.loads(json.dumps(context))) == first


def test_missing_value_is_an_error_that_names_it() -> None:
    data = (SHIPPED / "order_start.docx").read_bytes()
    context = sample_context("order_start")
    del context["report_due"]
    with pytest.raises(MissingTemplateVariable) as error:
        CompiledTemplate("order_start", data).render(context)
    assert error.value.name == "report_due"
    assert str(error.value) == "шаблон «order_start»: в данных документа нет значения «report_due»"


@pytest.mark.parametrize("text,problem", [
    ("{{ activity.titel }}", "поле «activity.titel» не существует: у «activity» есть ref, code"),
    ("{{ activty.title }}", "неизвестная переменная «activty»"),
    ("{% for r in activity.responsible %}{{ r.nme }}{% endfor %}",
     "поле «r.nme» не существует: «r» — значение, а не запись"),
    ("{% for a in activity.title %}{{ a }}{% endfor %}", "«activity.title» не список"),
    ("{{ activity.title | shout }}", "неизвестный фильтр «shout»"),
    ("{% if activity.title %}без конца", "ошибка синтаксиса меток: шаблон кончился, а блок "
                                         "«if» не закрыт: нужен «{% endif %}»"),
    ("{{ activity.title }", "ошибка синтаксиса меток: лишний или непарный знак «}»"),
    ("{{ activity.title | case('дательный') }} {{ activity.title | case('dativ') }}",
     "у фильтра «case» неизвестный падеж «dativ»; падежи: nominative (именительный)"),
    ("{{ executor | name('instrumental') }}{{ executor | position('творительный') }}"
     "{{ executor | short_name('vocative') }}",
     "у фильтра «short_name» неизвестный падеж «vocative»"),
    ("{{ activity.title | subject }}", "фильтру «subject» нужен падеж: case('dative')"),
    ("{{ activity.title | case }}", "фильтру «case» нужен падеж"),
    ("{{ activity.title | about('genitive') }}", "у фильтра «about» нет аргументов"),
    ("{{ today | date('dd.MM.y') }}{{ today | date(\"d MMMM y 'г.\") }}",
     "у фильтра «date» неверный шаблон даты «d MMMM y 'г.»"),
    ("{{ today | date('ddd.MM.y') }}", "у фильтра «date» неверный шаблон даты «ddd.MM.y»"),
    ("{{ 5 | plural('быстро') }}", "фильтру «plural» нужно существительное"),
])
def test_check_rejects_with_the_reason(tmp_path: Path, text: str, problem: str) -> None:
    path = template_with(tmp_path, "Приказ", text)
    problems = check_template("t", "order_start", path.read_bytes())
    assert any(problem in p for p in problems), problems


def test_check_names_the_paragraph_of_each_problem_in_russian(tmp_path: Path) -> None:
    path = template_with(tmp_path, "Приказ № {{ document.number }}",
                         "1. Руководителям {{ activity.titel }} обеспечить исполнение.",
                         "Исп.: {{ executor | name('родительный') }} {{ executor | "
                         "position('nominativ') }}", split=True)
    problems = check_template("t", "order_start", path.read_bytes())
    assert any(p.startswith("поле «activity.titel» не существует")
               and p.endswith("— в абзаце «1. Руководителям {{ activity.titel }} обеспечить "
                              "исполнение.»") for p in problems), problems
    assert any("«nominativ»" in p and "в абзаце «Исп.: {{ executor | name('родительный') }}"
               in p for p in problems), problems
    unclosed = template_with(tmp_path, "Первый абзац", "{% for a in activity.responsible %}"
                             "{{ a }}", "Последний абзац")
    problems += check_template("t", "order_start", unclosed.read_bytes())
    assert any("блок «for» не закрыт" in p and p.endswith(
        "(в абзаце «{% for a in activity.responsible %}{{ a }}»)") for p in problems), problems
    # Russian only: outside the template's own text, Latin letters only in the names a
    # template writes (fields, filters, cases, the command to run)
    names = set(FILTERS) | {"karta", "templates", "show"}

    def collect(schema: object) -> None:
        if isinstance(schema, dict):
            names.update(schema)
            for value in schema.values():
                collect(value)
        elif isinstance(schema, list):
            collect(schema[0])

    collect({kind: KINDS[kind]["context"] for kind in KINDS})
    names.update(("nominative", "genitive", "dative", "accusative", "instrumental",
                  "prepositional"))
    for problem in problems:
        outside = re.sub(r"«[^«»]*(?:«[^«»]*»[^«»]*)*»|'[^']*'", "", problem)
        for word in re.findall(r"[A-Za-z_]{2,}", outside):
            assert word in names, (word, problem)


def _with_revisions(source: Path, folder: Path, replace: dict[str, str],
                    extra: dict[str, str] | None = None) -> bytes:
    """A copy of a template with its document.xml edited (tracked changes, comments)."""
    out = folder / "revised.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                for before, after in replace.items():
                    text = text.replace(before, after, 1)
                data = text.encode("utf-8")
            new.writestr(item, data)
        for name, text in (extra or {}).items():
            new.writestr(name, text)
    return out.read_bytes()


def test_check_refuses_tracked_changes_and_comments(tmp_path: Path) -> None:
    path = template_with(tmp_path, "Приказ {{ activity.title }}", "Контроль оставляю за собой")
    w = 'w:id="1" w:author="Иванова" w:date="2024-01-01T00:00:00Z"'
    inserted = _with_revisions(path, tmp_path, {
        "<w:r><w:t>Контроль": f"<w:ins {w}><w:r><w:t>Контроль"})
    inserted = inserted.replace(b"</w:t></w:r></w:p>", b"</w:t></w:r></w:ins></w:p>")
    problems = check_template("t", "order_start", inserted)
    assert any(p.startswith("в абзаце «Контроль оставляю за собой» остались исправления "
                            "(режим рецензирования)") for p in problems), problems
    deleted = _with_revisions(path, tmp_path, {
        "<w:r><w:t>Контроль": f'<w:del {w}><w:r><w:delText>Удалено</w:delText></w:r></w:del>'
                             "<w:r><w:t>Контроль"})
    assert any("«УдаленоКонтроль оставляю за собой» остались исправления" in p
               for p in check_template("t", "order_start", deleted))
    commented = _with_revisions(path, tmp_path, {
        "<w:r><w:t>Приказ": '<w:commentRangeStart w:id="0"/><w:r><w:t>Приказ'},
        {"word/comments.xml": '<w:comments xmlns:w="http://schemas.openxmlformats.org/'
                              'wordprocessingml/2006/main"><w:comment w:id="0" '
                              'w:author="Иванова"><w:p><w:r><w:t>проверить</w:t></w:r>'
                              '</w:p></w:comment></w:comments>'})
    problems = check_template("t", "order_start", commented)
    assert any(p.startswith("к абзацу «Приказ {{ activity.title }}» есть примечание")
               for p in problems), problems
    assert check_template("t", "order_start", path.read_bytes()) == []


def test_check_accepts_nested_fields_loops_and_tags_split_by_word(tmp_path: Path) -> None:
    path = template_with(
        tmp_path, "{{ roadmap.title | about }}",
        "{% for s in sections %}{{ s.heading }}{% for a in s.activities %}{{ a.code }}"
        "{{ loop.index }}{{ a.responsible | join(', ') }}{% endfor %}{% endfor %}",
        "{% set n = activities_count %}{{ n | plural('мероприятие') }}", split=True)
    assert check_template("t", "order_approve", path.read_bytes()) == []
    context = sample_context("order_approve")
    rendered = CompiledTemplate("t", path.read_bytes()).render(context)
    assert structure(rendered)["paragraphs"] == [
        "О дорожной карте по обеспечению объективности", "1. Нормативное обеспечение51МКУ «УО», "
        "Руководители ОО62МКУ «УО», Руководители ОО", "1 мероприятие"]


def test_not_a_docx(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_text("hello")
    with pytest.raises(KartaError, match="не является документом Word"):
        check_template("bad", "report", bad.read_bytes())


def test_registry_versions_activation_and_rules(db: Database, tmp_path: Path) -> None:
    good = template_with(tmp_path, "Отчёт {{ activity.code }} {{ report.text }}")
    info = add_template(db, "admin", good, "short_report", "report", "короткий отчёт")
    assert (info.version, info.active) == (1, True)
    newer = template_with(tmp_path, "Отчёт v2 {{ activity.code }}")
    info = add_template(db, "admin", newer, "short_report", "report")
    assert (info.version, info.active) == (2, False)  # waits for activate
    with pytest.raises(KartaError, match="уже зарегистрирован как short_report v2"):
        add_template(db, "admin", newer, "short_report", "report")
    with pytest.raises(KartaError, match="того же вида"):
        add_template(db, "admin", good, "short_report", "order_start")
    activate(db, "admin", "short_report", 2)
    active = {(t.name, t.version) for t in list_templates(db, "admin") if t.active}
    assert ("short_report", 2) in active and ("short_report", 1) not in active
    broken = template_with(tmp_path, "{{ report.missing }}")
    with pytest.raises(KartaError, match="поле «report.missing» не существует"):
        add_template(db, "admin", broken, "short_report", "report")
    with pytest.raises(KartaError, match="несуществующий шаблон «nope»"):
        add_rule(db, "admin", "report", "nope")
    with pytest.raises(KartaError, match="нельзя сформировать по событию start"):
        add_rule(db, "admin", "start", "short_report")
    with pytest.raises(KartaError, match="неизвестное условие"):
        add_rule(db, "admin", "report", "short_report", "sometimes")
    rule = add_rule(db, "admin", "report", "short_report")
    assert any(r["id"] == rule["id"] for r in list_rules(db, "admin"))
    remove_rule(db, "admin", int(str(rule["id"])))
    assert all(r["id"] != rule["id"] for r in list_rules(db, "admin"))


def test_templates_commands(tmp_path: Path, sqlite_url: str) -> None:
    from cli import main

    runner = CliRunner()
    base = ["--db", sqlite_url, "--user", "admin"]
    assert runner.invoke(main, ["--db", sqlite_url, "init", "--org", "УО"]).exit_code == 0
    listed = runner.invoke(main, [*base, "templates", "list"])
    assert "* order_start v1" in listed.output
    shown = runner.invoke(main, [*base, "templates", "show", "order_start"])
    assert "activity:" in shown.output and "responsible: список" in shown.output
    assert "правило" in shown.output and "Фильтры:" in shown.output
    broken = template_with(tmp_path, "{{ activity.titel }}")
    checked = runner.invoke(main, [*base, "templates", "check", str(broken), "--kind",
                                   "order_start"])
    assert checked.exit_code == 1
    assert checked.stderr.startswith("ошибка: шаблон «")
    assert "поле «activity.titel» не существует" in checked.stderr
    good = template_with(tmp_path, "{{ activity.title }}")
    assert runner.invoke(main, [*base, "templates", "check", str(good), "--kind",
                                "order_start"]).exit_code == 0
    added = runner.invoke(main, [*base, "templates", "add", str(good), "--name", "order_start",
                                 "--kind", "order_start", "--comment", "проще"])
    assert "v2 зарегистрирован" in added.output and "templates activate order_start 2" in \
        added.output
    assert runner.invoke(main, [*base, "templates", "activate", "order_start", "2"]).exit_code \
        == 0
    rules = runner.invoke(main, [*base, "rules", "list", "--json"])
    assert {r["template"] for r in json.loads(rules.output)} >= {"order_start", "report"}


def test_an_upgrade_brings_the_shipped_templates_of_a_newer_karta(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database keeps the template versions it was made with; `karta upgrade` adds the
    changed shipped ones, active unless an administrator chose a version of their own."""
    import shutil

    from registry.templates import upgrade_shipped

    newer = tmp_path / "shipped"
    shutil.copytree(SHIPPED, newer, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for name in ("order_start", "report"):
        changed = docx.Document(str(newer / f"{name}.docx"))
        changed.add_paragraph("Новая строка шаблона")
        changed.save(str(newer / f"{name}.docx"))
    own = template_with(tmp_path, "Отчёт {{ activity.code }}")
    add_template(db, "admin", own, "report", "report", "свой отчёт")
    activate(db, "admin", "report", 2)
    monkeypatch.setattr("registry.templates.SHIPPED", newer)
    added = upgrade_shipped(db, "admin")
    assert [(v.name, v.version, v.active) for v in added] == [("order_start", 2, True),
                                                             ("report", 3, False)]
    active = {v.name: v.version for v in list_templates(db, "admin") if v.active}
    assert active["order_start"] == 2 and active["report"] == 2  # the administrator's
    assert upgrade_shipped(db, "admin") == []  # once
