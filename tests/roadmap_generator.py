"""Adversarial roadmaps made from a known truth, for the importer's property test.

``make_truth(rng)`` draws a roadmap: a title naming its period in one of the ways clerks
write it, maybe an appendix stamp above it, sections (in .md maybe nested under groups),
activities with codes, titles, deadline phrases, executors and planned results.
``render(truth, suffix, rng, path)`` writes it as a file of that type with the damage real
files show injected at random — each category of issue 10 — and returns what it injected.
``compare(truth, draft)`` scores the import field by field.

Run ``python -m tests.roadmap_generator --count 200`` for the score table of BENCHMARKS.md.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from workflow.roadmap import RoadmapDraft, SectionDraft

# ------------------------------------------------------------------------- vocabulary

_VERBS = ["Проведение", "Организация", "Разработка", "Утверждение", "Анализ", "Мониторинг",
          "Обеспечение", "Подготовка", "Участие в", "Корректировка", "Создание",
          "Сопровождение", "Формирование", "Реализация"]
_OBJECTS = ["муниципальных проверочных работ", "показателей эффективности руководителей",
            "адресных рекомендаций для школ", "семинара для заместителей директоров",
            "курсов повышения квалификации педагогов", "плана методических мероприятий",
            "результатов ВПР и ГИА", "системы наставничества", "доклада о состоянии "
            "образования", "рабочей группы по качеству образования", "конкурса «Учитель года»",
            "программ поддержки школ с НОР", "мониторинга объективности оценивания",
            "индивидуальных образовательных маршрутов", "муниципальной базы данных"]
_TAILS = ["", "", " в образовательных организациях", " на муниципальном уровне",
          " по итогам учебного года", " для школ с низкими результатами", " (по графику)"]
_SECOND_SENTENCES = ["Формулировка адресных рекомендаций.", "Корректировка дорожной карты.",
                     "Подготовка аналитической справки.", "Обсуждение на совещании."]
_SUB_ITEMS = ["- о составе рабочей группы;", "- о назначении координатора;",
              "- об утверждении плана;", "- по итогам мониторинга"]
_SECTIONS = ["Нормативно-правовое обеспечение", "Система оценки качества подготовки "
             "обучающихся", "Система мониторинга эффективности руководителей",
             "Система работы со школами с низкими результатами", "Методическое сопровождение "
             "педагогов", "Система организации воспитания обучающихся", "Информационное "
             "обеспечение", "Система выявления и поддержки способностей обучающихся",
             "Меры по повышению качества преподавания учебных предметов",
             "Повышение объективности процедур оценки качества"]
_GROUPS = ["Организационные меры", "Содержательные меры", "Оценка результатов"]
_BODIES = ["Управление образования", "МКУ «ЦБУМР»", "ОО", "Комитет", "МУМО",
           "Руководители ОО", "Отдел общего образования", "МБОУ СОШ № 1",
           "МКУ «Управление образования»", "Руководители ОУ", "Рабочая группа"]
_PEOPLE = ["Н.Е. Иванов", "К.А. Петрова", "С.Л. Андреева", "Е.В. Волкова"]
_RESULTS = ["Приказ", "Аналитическая справка", "Протокол совещания", "Адресные рекомендации",
            "Повышение объективности оценивания в ОО", "Доля школ с положительной "
            "динамикой не менее 60%", "План мероприятий (приказ об утверждении плана)",
            "Отчёт о реализации", "Повышение компетентности специалистов, участвующих в "
            "проведении ГИА", "Информация на сайте"]
_DEADLINES = ["Ежегодно", "Постоянно", "В течение года", "Ежегодно, август", "Июнь "
              "(ежегодно)", "2 раза в год (декабрь, май)", "Ежеквартально", "Ежемесячно",
              "По мере необходимости", "По графику", "По запросам ОО",
              "Сентябрь - октябрь {y}", "Декабрь {y}", "До 01.08.{y}", "{y} год",
              "до 25 числа каждого месяца", "ежемесячно до 5 числа",
              "Ежемесячно, до 10 числа месяца, следующего за отчетным", "1 раз в полугодие",
              "до 01.09 ежегодно", "не позднее 25 января года, следующего за отчетным",
              "Согласно плану работы МКУ «ЦБУМР»", "I квартал {y}", "еженедельно",
              "Ежемесячно Сентябрь - октябрь {y}", "Ежеквартально в течение {y} года",
              "ежемесячно, с сентября по декабрь"]
_ROMAN_NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
_CITIES = ["Заозерска", "Славгорода", "Енисейска", "Белокурихи", "Камня-на-Оби"]


# ------------------------------------------------------------------------------ truth


@dataclass
class TruthSection:
    code: str
    heading: str  # as printed in the source («2. Система …», «Задача 2: …», «Система …»)
    title: str  # as the importer keeps it
    group: str | None = None  # the title of the group it is nested in (.md)


@dataclass
class TruthActivity:
    code: str  # as the importer must give it
    source_code: str  # as printed in the № column
    title: str
    deadline: str
    executors: list[str]
    executors_text: str
    result: str
    section: TruthSection | None
    title_parts: list[str] = field(default_factory=list)  # continuation rows of the title


@dataclass
class Truth:
    title: str
    title_lines: list[str]
    period: tuple[int, int, bool]
    stamp: list[str]
    approval: tuple[str, date] | None
    sections: list[TruthSection]
    groups: list[str]
    activities: list[TruthActivity]
    numbering: str  # "running", "restart", "dotted"
    with_result: bool
    # how group headings are written outside Markdown: "bold" (no number, bold), "roman"
    # («I. …» over «1. …»), "dotted" («1. …» over «1.1. …»); None without groups
    group_style: str | None = None

    def group_heading(self, group: str) -> str:
        """A group's heading as printed."""
        number = self.groups.index(group) + 1
        if self.group_style == "roman":
            return f"{_ROMAN_NUMERALS[number - 1]}. {group}"
        if self.group_style == "dotted":
            return f"{number}. {group}"
        return group


def _title_and_period(rng: random.Random) -> tuple[str, tuple[int, int, bool]]:
    year = rng.randint(2016, 2024)
    last = year + rng.randint(1, 3)
    city = rng.choice(_CITIES)
    forms = [
        (f"Дорожная карта по развитию МСОКО «города {city}» {year} год", (year, year, False)),
        (f"План мероприятий по повышению качества образования в {year} году",
         (year, year, False)),
        (f"План работы по оценке качества образования на {year}/{year + 1} учебный год",
         (year, year, True)),
        (f"План работы муниципальной методической службы на {year}-{year + 1} учебный год",
         (year, year, True)),
        (f"План мероприятий по повышению качества образования на {year} – {year + 1} уч. год",
         (year, year, True)),
        (f"Дорожная карта по обеспечению объективности оценки в г. {city} на {year}-{last} "
         "годы", (year, last, False)),
        (f"Комплекс мер по поддержке школ с низкими результатами {year} — {last} гг.",
         (year, last, False)),
        (f"Дорожная карта на {year}-{last} годы", (year, last, False)),
    ]
    return rng.choice(forms)


def make_truth(rng: random.Random, markdown: bool = False) -> Truth:
    """A random roadmap; with ``markdown`` sections may be nested under groups."""
    title, period = _title_and_period(rng)
    words = title.split()
    cut = rng.randint(len(words) // 2, len(words) - 1) if rng.random() < 0.4 else len(words)
    title_lines = [" ".join(words[:cut]), " ".join(words[cut:])] if cut < len(words) \
        else [title]
    stamp: list[str] = []
    approval = None
    if rng.random() < 0.35:
        when = date(period[0] - 1, rng.randint(1, 12), rng.randint(1, 28))
        number = rng.choice(["01-09/64", "526", "12-о", "01-06/118"])
        approval = (number, when)
        stamp = rng.choice([
            [f"Приложение № {rng.randint(1, 3)}", "к приказу МКУ «ЦБУМР»",
             f"от {when:%d.%m.%Y} № {number}"],
            ["УТВЕРЖДЕНА", "приказом Управления образования", f"от {when:%d.%m.%Y} № {number}"],
            [f"Приложение к приказу от {when:%d.%m.%Y} № {number}"],
            # «N» for «№», as legal databases print it
            ["УТВЕРЖДЕН", "приказом комитета по образованию", f"от {when:%d.%m.%Y} N {number}"],
        ])
    groups = rng.sample(_GROUPS, rng.randint(2, 3)) if markdown and rng.random() < 0.6 else []
    group_style = None
    if not markdown and rng.random() < 0.25:  # groups of sections in a table (issue 24)
        groups = rng.sample(_GROUPS, rng.randint(2, 3))
        group_style = rng.choice(["bold", "roman", "dotted"])
    numbering = rng.choice(["running", "running", "restart", "dotted"])
    if groups and numbering == "restart" and group_style in (None, "dotted"):
        numbering = "dotted"
    section_count = rng.randint(0 if numbering == "running" and not groups else 2, 6)
    if groups:
        section_count = max(section_count, len(groups))
    titles = rng.sample(_SECTIONS, section_count)
    sections: list[TruthSection] = []
    for index, text in enumerate(titles, 1):
        group = groups[min(len(groups) - 1, (index - 1) * len(groups) // section_count)] \
            if groups else None
        if groups and group_style in ("bold", "roman"):  # «1.», «2.» … under the groups
            sections.append(TruthSection(str(index), f"{index}. {text}", text, group))
            continue
        if groups:
            assert group is not None
            group_number = groups.index(group) + 1
            # «3.1.» under «3.»: numbered within the group; in Markdown numbered on
            within = index if group_style is None else \
                1 + sum(1 for section in sections if section.group == group)
            code = f"{group_number}.{within}"
            sections.append(TruthSection(code, f"{code}. {text}", text, group))
            continue
        style = rng.choice(["numbered", "numbered", "task", "plain", "roman"]) \
            if numbering != "dotted" else "numbered"
        if style == "numbered":
            sections.append(TruthSection(str(index), f"{index}. {text}", text))
        elif style == "roman":  # kept as written, in the codes too: «II.3»
            roman = _ROMAN_NUMERALS[index - 1]
            sections.append(TruthSection(roman, f"{roman}. {text}", text))
        elif style == "task":
            heading = f"Задача {index}: {text}"
            sections.append(TruthSection(str(index), heading, heading))
        else:
            sections.append(TruthSection(str(index), text, text))
    plain = [section for section in sections if section.heading == section.title
             and not section.heading.startswith("Задача")]
    if len(plain) < len(sections):
        # with numbered sections beside them, sections without a number are lettered
        for section, letter in zip(plain, "АБВГДЕЖЗИК"):
            section.code = letter
    with_result = rng.random() < 0.75
    activities: list[TruthActivity] = []
    count = rng.randint(4, 30)
    per_section = _spread(count, max(1, len(sections)), rng)
    serial = 0
    for section_index, amount in enumerate(per_section):
        section = sections[section_index] if sections else None
        for number in range(1, amount + 1):
            serial += 1
            if numbering == "running":
                source = code = str(serial)
            elif numbering == "restart":
                assert section is not None
                source, code = str(number), f"{section.code}.{number}"
            else:
                prefix = section.code if section else "1"
                source = code = f"{prefix}.{number}"
            activities.append(_activity(rng, code, source, section, period, with_result))
    return Truth(title, title_lines, period, stamp, approval, sections, groups, activities,
                 numbering, with_result, group_style)


def _spread(count: int, parts: int, rng: random.Random) -> list[int]:
    sizes = [1] * parts
    for _ in range(count - parts):
        sizes[rng.randrange(parts)] += 1
    return sizes


# dates of the first calendar year's first half, which a school year has in its second year
_SPRING = ("До 01.08.{y}", "I квартал {y}")


def _activity(rng: random.Random, code: str, source: str, section: TruthSection | None,
              period: tuple[int, int, bool], with_result: bool) -> TruthActivity:
    year, _, school = period
    title = f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)}{rng.choice(_TAILS)}"
    parts: list[str] = []
    roll = rng.random()
    if roll < 0.12:
        parts = [rng.choice(_SECOND_SENTENCES)]
        title = f"{title}."
    elif roll < 0.2:
        title = f"{title}:"
        parts = rng.sample(_SUB_ITEMS, 2)
    full = " ".join([title, *parts])
    template = rng.choice(_DEADLINES)
    deadline = template.format(y=year + 1 if school and template in _SPRING else year)
    roll = rng.random()
    if roll < 0.15:
        executors = ["Управление образования", "МКУ «ЦБУМР»", "ОО"]
        text = "Управление образования МКУ «ЦБУМР» ОО"
    elif roll < 0.22:
        executors = rng.sample(_PEOPLE, 2)
        text = " ".join(executors)
    else:
        executors = rng.sample(_BODIES, rng.randint(1, 3))
        text = ", ".join(executors)
    result = rng.choice(_RESULTS) if with_result else ""
    return TruthActivity(code, source, full, deadline, executors, text, result, section,
                         [title, *parts] if parts else [])


# ---------------------------------------------------------------------------- rendering


@dataclass
class Row:
    """A row of the rendered table, or a loose line (``line``) between rows."""

    cells: list[str] | None = None
    line: str | None = None
    section: bool = False  # a section row: merged across the table where the format can
    bold: bool = False
    merged: tuple[str, ...] = ()  # columns merged down from the row above (.docx, .xlsx)
    # Word's automatic numbering in the «№» cell (or the section row's one cell): the list
    # (0 the document's, n the list that starts again in the n-th section) and the level
    auto: tuple[int, int] | None = None


@dataclass
class Rendered:
    """What was injected into a rendered file, by category."""

    injected: Counter[str] = field(default_factory=Counter)


_PAGE_FORMS = ["{n}", "{n} {m}", "<b>{n}</b>", "500 + {n}"]


def _columns(truth: Truth, rng: random.Random) -> list[str]:
    columns = ["code", "title", "deadline", "executors"]
    if truth.with_result:
        columns.insert(rng.choice([2, 4]), "result")
    return columns


_HEADERS = {
    "code": ["№", "№ п/п"], "title": ["Мероприятие", "Наименование мероприятия",
                                      "Мероприятия"],
    "deadline": ["Сроки", "Срок реализации", "Сроки исполнения"],
    "executors": ["Ответственный", "Ответственные исполнители"],
    "result": ["Планируемый результат", "Планируемые результаты"],
}


def table_rows(truth: Truth, rng: random.Random, columns: list[str], rendered: Rendered,
               text_format: bool, markdown: bool = False, auto: bool = False) -> list[Row]:
    """The rows of the roadmap table with the damage injected (page numbers, wide rows,
    broken rows, broken section titles, spilled section rows, numbering damage); with
    ``auto`` the «№» column is Word's automatic numbering (its cells hold no digits)."""
    width = len(columns)
    rows: list[Row] = [Row(cells=[rng.choice(_HEADERS[c]) for c in columns])]
    if rng.random() < 0.3:
        rows.append(Row(cells=[str(i) for i in range(1, width + 1)]))
        rendered.injected["numbering row"] += 1
    codes = [a.source_code for a in truth.activities] if auto else \
        _damaged_codes(truth, rng, rendered)
    lists: dict[int, int] = {}  # a section's position → its list, when numbering restarts

    def numbered(section: TruthSection | None) -> tuple[int, int] | None:
        """Where an activity's number comes from when Word numbers the column."""
        if not auto:
            return None
        if truth.numbering == "restart":
            assert section is not None
            return lists.setdefault(truth.sections.index(section), len(lists) + 1), 0
        return 0, 1 if truth.numbering == "dotted" else 0
    page = first_page = rng.randint(2, 5)
    current: TruthSection | None = None
    current_group: str | None = None

    last_page = -10  # where the last page number went, in ``rows``
    activity_rows: set[int] = set()  # ids of the rows that hold an activity's cells

    def page_number(debris: bool = False) -> None:
        nonlocal page, last_page
        if debris and text_format and page > first_page and len(rows) - last_page >= 4 \
                and id(rows[-1]) in activity_rows and rng.random() < 0.5:
            # a text export: the page's number stays at the end of its last line
            cells = rows[-1].cells
            assert cells is not None
            ends = [index for index, cell in enumerate(cells) if index
                    and re.search(r"[а-яё»),.;:]$", cell)]
            if ends:
                at = rng.choice(ends)
                cells[at] += rng.choice([f" {page}", f" {page} {page - 1}"])
                page += 1
                last_page = len(rows)
                rendered.injected["14 page number at the end of a line (text)"] += 1
                return
        form = rng.choice(_PAGE_FORMS if text_format else ["{n}"])
        rows.append(Row(line=form.format(n=page, m=page - 1)))
        page += 1
        last_page = len(rows)
        rendered.injected["4 page number line"] += 1

    def cell_row(values: dict[str, str]) -> list[str]:
        return [values.get(column, "") for column in columns]

    for index, activity in enumerate(truth.activities):
        section = activity.section
        if section is not None and section is not current:
            current = section
            if markdown and section.group and section.group != current_group:
                current_group = section.group
                rows.append(Row(line=f"## {section.group}"))
                rendered.injected["5 markdown group"] += 1
            elif section.group and section.group != current_group:
                current_group = section.group
                rows.append(_group_row(truth, section.group, rng, width, text_format))
                rendered.injected[f"13 group of sections ({truth.group_style})"] += 1
            rows.extend(_section_rows(section, truth, rng, columns, rendered, text_format,
                                      markdown, auto))
        if rng.random() < 0.08:
            page_number(debris=True)
        values = {"code": codes[index], "title": activity.title_parts[0]
                  if activity.title_parts else activity.title, "deadline": activity.deadline,
                  "executors": activity.executors_text, "result": activity.result}
        continuation: list[list[str]] = []
        for part in activity.title_parts[1:]:
            continuation.append(cell_row({"title": part}))
            rendered.injected["8 title-only continuation row"] += 1
        split = None
        if not continuation and rng.random() < 0.15:
            split = _split_row(values, rng)
        if split is not None:
            first, second, glued = split
            if glued and text_format and rng.random() < 0.5:
                field_name, fragment = glued
                first[field_name] = f"{first[field_name]}{page}"
                page += 1
                last_page = len(rows)
                rendered.injected["4 page number glued to a fragment"] += 1
            elif rng.random() < 0.5:
                page_number()
            rows.append(Row(cells=cell_row(first), auto=numbered(section)))
            rows.append(Row(cells=cell_row(second)))
            activity_rows.add(id(rows[-1]))
            rendered.injected["row broken across a page"] += 1
        else:
            cells = cell_row(values)
            if text_format and rng.random() < 0.08:
                extra = rng.choice(["", str(page)])
                cells.insert(rng.randint(1, width), extra)
                rendered.injected["3 extra cell"] += 1
            rows.append(Row(cells=cells, auto=numbered(section)))
            merged: tuple[str, ...] = ()
            if continuation and not text_format and rng.random() < 0.5:
                # the «№» cell merged down over the activity's sub-rows, as in Word; maybe
                # the cells beside the title too
                merged = ("code",) if rng.random() < 0.5 else \
                    tuple(column for column in columns if column != "title")
                rendered.injected["11 № merged down over sub-rows"] += 1
            rows.extend(Row(cells=cells, merged=merged) for cells in continuation)
            activity_rows.add(id(rows[-1]))
    if rng.random() < 0.3:
        page_number()
    return rows


def _damaged_codes(truth: Truth, rng: random.Random, rendered: Rendered) -> list[str]:
    """The № column as printed: a run of «1» for 10…19, a repeat, or «1.1» for «1.10»."""
    codes = [activity.source_code for activity in truth.activities]
    if truth.numbering == "running" and len(codes) >= 12 and rng.random() < 0.5:
        last = min(19, len(codes) - 2)
        for number in range(10, last + 1):
            codes[number - 1] = "1"
        rendered.injected["2 numbering: digits lost"] += last - 9
    elif truth.numbering == "running" and len(codes) >= 6 and rng.random() < 0.3:
        index = rng.randint(2, len(codes) - 3)
        codes[index] = codes[index - 1]
        rendered.injected["2 numbering: a number repeated"] += 1
    elif truth.numbering == "dotted" and rng.random() < 0.5:
        for index, code in enumerate(codes):
            prefix, last = code.rsplit(".", 1)
            following = codes[index + 1] if index + 1 < len(codes) else ""
            if last == "10" and following.startswith(f"{prefix}.11"):
                codes[index] = f"{prefix}.1"
                rendered.injected["2 numbering: digits lost"] += 1
    return codes


def _split_row(values: dict[str, str], rng: random.Random
               ) -> tuple[dict[str, str], dict[str, str], tuple[str, str] | None] | None:
    """A row broken by a page: each long cell split where the next word is lower case."""
    first = dict(values)
    second = {key: "" for key in values}
    glued: tuple[str, str] | None = None
    for name in ("title", "result", "executors"):
        text = values.get(name, "")
        words = text.split(" ")
        if name == "executors":
            if text != "Управление образования МКУ «ЦБУМР» ОО":
                continue
            cut = rng.randint(1, len(words) - 1)
        else:
            cuts = [i for i in range(2, len(words)) if words[i][:1].islower()
                    and words[i - 1][-1:].isalpha() and words[i - 1][-1:].islower()]
            if not cuts:
                continue
            cut = rng.choice(cuts)
        first[name] = " ".join(words[:cut])
        second[name] = " ".join(words[cut:])
        if name in ("title", "result") and glued is None:
            glued = (name, first[name])
    if not any(second.values()):
        return None
    return first, second, glued


def _group_row(truth: Truth, group: str, rng: random.Random, width: int,
               text_format: bool) -> Row:
    """A group heading: a line or a row across the table, bold when it has no number."""
    heading = truth.group_heading(group)
    bold = truth.group_style == "bold" or rng.random() < 0.3
    if text_format and rng.random() < 0.4:
        return Row(line=f"**{heading}**" if bold else heading)
    cells = [""] * width
    cells[0] = heading
    return Row(cells=cells, section=True, bold=bold)


def _section_rows(section: TruthSection, truth: Truth, rng: random.Random,
                  columns: list[str], rendered: Rendered, text_format: bool,
                  markdown: bool, auto: bool = False) -> list[Row]:
    width = len(columns)
    heading = section.heading
    # with two levels of Word's numbering the section's number is the first level's
    level = (0, 0) if auto and truth.numbering == "dotted" else None
    if markdown and section.group:
        return [Row(line=f"### {heading}")]
    if markdown and rng.random() < 0.5:
        rendered.injected["5 markdown heading"] += 1
        return [Row(line=f"## {heading}")]
    if truth.numbering == "dotted" and rng.random() < 0.3 and width >= 4 and \
            heading.startswith(f"{section.code}. ") and "." not in section.code:
        # «4. | Меры … учебных | | Предметов»: the title spills into another column
        words = section.title.split(" ")
        if len(words) >= 3:
            cells = [""] * width
            cells[columns.index("code")] = f"{section.code}."
            cells[columns.index("title")] = " ".join(words[:-1])
            last = words[-1]
            cells[-1 if columns[-1] != "title" else -2] = last[:1].upper() + last[1:]
            rendered.injected["7 section row spilling into a column"] += 1
            return [Row(cells=cells, auto=level)]
    if text_format and rng.random() < 0.35:
        words = heading.split(" ")
        cuts = [i for i in range(2, len(words)) if words[i][:1].islower()]
        if cuts:
            cut = rng.choice(cuts)
            mark = rng.choice(["", "¹", "*"])
            rendered.injected["6 section title broken over two lines"] += 1
            return [Row(line=" ".join(words[:cut])),
                    Row(line=" ".join(words[cut:]) + mark)]
    if text_format and rng.random() < 0.4:
        return [Row(line=heading)]
    cells = [""] * width
    cells[0] = heading if level is None else heading.removeprefix(f"{section.code}. ")
    return [Row(cells=cells, section=True, bold=rng.random() < 0.5, auto=level)]


def _above(truth: Truth) -> list[str]:
    lines = []
    if truth.stamp:
        lines.extend(truth.stamp)
        if True:
            lines.append("")
    lines.extend(truth.title_lines)
    lines.append("")
    return lines


def _below(rng: random.Random, rendered: Rendered) -> list[list[str] | str]:
    if rng.random() < 0.3:
        rendered.injected["another table"] += 1
        return ["", "Критерии реализации дорожной карты",
                ["№ п/п", "Показатель", "Источник информации"],
                ["1.", "Доля ОО с объективными результатами", "Мониторинг"],
                ["2.", "Наличие адресных рекомендаций", "Сайт ОО"]]
    return []


def render(truth: Truth, suffix: str, rng: random.Random, path: Path) -> Rendered:
    """Write ``truth`` as a file of type ``suffix`` at ``path``; what was injected."""
    rendered = Rendered()
    if truth.stamp:
        rendered.injected["10 appendix stamp"] += 1
    rendered.injected["1 period: " + truth.title.split()[-1]] += 0
    writer: dict[str, Callable[..., None]] = {
        ".txt": _write_dump, ".md": _write_markdown, ".csv": _write_csv, ".xlsx": _write_xlsx,
        ".docx": _write_docx, ".pdf": _write_pdf}
    writer[suffix](truth, rng, path, rendered)
    return rendered


def _write_dump(truth: Truth, rng: random.Random, path: Path, rendered: Rendered) -> None:
    columns = _columns(truth, rng)
    lines = _above(truth)
    for row in table_rows(truth, rng, columns, rendered, text_format=True):
        if row.line is not None:
            lines.append(row.line)
        else:
            assert row.cells is not None
            cells = list(row.cells)
            if row.bold:
                cells[0] = f"**{cells[0]}**"
            lines.append("\t".join(cells))
    for extra in _below(rng, rendered):
        lines.append(extra if isinstance(extra, str) else "\t".join(extra))
    text = "\n".join(lines) + "\n"
    try:
        data = text.encode(rng.choice(["utf-8", "cp1251"]))  # old dumps are Windows-1251
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    path.write_bytes(data)


def _write_markdown(truth: Truth, rng: random.Random, path: Path, rendered: Rendered) -> None:
    columns = _columns(truth, rng)
    lines = [f"# {line}" if index == 0 else line
             for index, line in enumerate(_above(truth))] if not truth.stamp else _above(truth)
    rows = table_rows(truth, rng, columns, rendered, text_format=True, markdown=True)
    for index, row in enumerate(rows):
        if row.line is not None:
            lines.append(row.line)
            continue
        assert row.cells is not None
        cells = [cell.replace("|", "/") for cell in row.cells]
        if row.bold:
            cells[0] = f"**{cells[0]}**"
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + "---|" * len(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_csv(truth: Truth, rng: random.Random, path: Path, rendered: Rendered) -> None:
    columns = _columns(truth, rng)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=rng.choice([";", ","]), lineterminator="\n")
    for line in _above(truth):
        writer.writerow([line] if line else [])
    for row in table_rows(truth, rng, columns, rendered, text_format=True):
        writer.writerow([row.line] if row.line is not None else row.cells)
    path.write_text(out.getvalue(), encoding="utf-8")


def _write_xlsx(truth: Truth, rng: random.Random, path: Path, rendered: Rendered) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = _columns(truth, rng)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in _above(truth):
        sheet.append([line] if line else [])
    merges: dict[tuple[int, int], int] = {}  # (first row, column) → last row
    group = 0  # the sheet row that rows merged down start from
    for row in table_rows(truth, rng, columns, rendered, text_format=False):
        if row.line is not None:
            sheet.append([row.line])
            continue
        assert row.cells is not None
        sheet.append(row.cells)
        if not row.merged:
            group = sheet.max_row
        for name in row.merged:
            merges[(group, columns.index(name) + 1)] = sheet.max_row
        if row.section:
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row,
                              end_column=len(columns))
            if row.bold:
                sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    for (first, column), last in merges.items():
        sheet.merge_cells(start_row=first, start_column=column, end_row=last,
                          end_column=column)
    for extra in _below(rng, rendered):
        sheet.append([extra] if isinstance(extra, str) and extra else
                     [] if isinstance(extra, str) else extra)
    book.save(str(path))


_WIDTHS = {"code": 1.2, "title": 6.0, "deadline": 3.2, "executors": 3.6, "result": 4.2}


def _write_docx(truth: Truth, rng: random.Random, path: Path, rendered: Rendered) -> None:
    import docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(1.5)
    columns = _columns(truth, rng)
    for line in _above(truth):
        document.add_paragraph(line)
    auto = rng.random() < 0.4 and not truth.groups
    if auto:
        rendered.injected[f"12 Word's automatic numbering ({truth.numbering})"] += 1
    rows = table_rows(truth, rng, columns, rendered, text_format=False, auto=auto)
    numbers = _WordLists(document, truth.numbering, rng) if auto else None
    header = rows[0]
    table = None
    group = 0  # the table row that rows merged down start from
    for row in rows:
        if row.line is not None:
            # a page break: the table goes on in a new table after the line
            if is_page_line(row.line):
                paragraph = document.add_paragraph(row.line)
                paragraph.runs[0].add_break(WD_BREAK.PAGE)
            else:
                document.add_paragraph(row.line)
            table = None
            continue
        assert row.cells is not None
        if table is None:
            table = document.add_table(rows=0, cols=len(columns))
            table.style = "Table Grid"
            table.autofit = False
            for column, name in zip(table.columns, columns):
                column.width = Cm(_WIDTHS[name])  # the grid LibreOffice lays out by
            if row is not header and rng.random() < 0.5:
                _docx_row(table, header.cells or [], columns)  # the header repeated
                rendered.injected["header repeated on a new page"] += 1
        if row.section:
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            run = merged.paragraphs[0].add_run(row.cells[0])
            run.bold = row.bold
            if row.auto is not None and numbers is not None:
                numbers.number(merged.paragraphs[0], *row.auto)
            continue
        if row.auto is not None and numbers is not None:
            values = list(row.cells)
            values[columns.index("code")] = ""  # Word draws the number
            _docx_row(table, values, columns)
            numbers.number(table.rows[-1].cells[columns.index("code")].paragraphs[0],
                           *row.auto)
        else:
            _docx_row(table, row.cells, columns)
        last = len(table.rows) - 1
        if not row.merged:
            group = last
        for name in row.merged:
            column = columns.index(name)
            table.cell(group, column).merge(table.cell(last, column))
    below = _below(rng, rendered)
    if below:
        document.add_paragraph("Критерии реализации дорожной карты")
        criteria = document.add_table(rows=0, cols=3)
        criteria.style = "Table Grid"
        for values in below[2:]:
            assert isinstance(values, list)
            for cell, text in zip(criteria.add_row().cells, values):
                cell.text = text
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(12)
    document.save(str(path))


class _WordLists:
    """The lists Word's «Нумерация» button makes in the «№» column: one level («1.»),
    two levels («1.», «1.1.», the second starting again under each first), or one list
    started again («Начать заново») in every section."""

    def __init__(self, document: object, numbering: str, rng: random.Random) -> None:
        from tests.word_numbering import add_list, add_num

        self.document = document
        if numbering == "dotted":
            # the second level restarts after the first: by default or said explicitly
            restart = {1: 1} if rng.random() < 0.5 else None
            self.abstract = add_list(document, [("decimal", "%1."), ("decimal", "%1.%2.")],
                                     restart)
        else:
            self.abstract = add_list(document, [("decimal", "%1.")])
        self.lists = {0: add_num(document, self.abstract)}
        self.restarts = numbering == "restart"

    def number(self, paragraph: object, list_index: int, level: int) -> None:
        from tests.word_numbering import add_num, number

        if list_index not in self.lists:
            self.lists[list_index] = add_num(self.document, self.abstract, {0: 1})
        number(paragraph, self.lists[list_index], level)


def _docx_row(table: object, values: list[str], columns: list[str]) -> None:
    from docx.shared import Cm

    cells = table.add_row().cells  # type: ignore[attr-defined]
    for cell, column, text in zip(cells, columns, values):
        cell.width = Cm(_WIDTHS[column])
        lines = text.split("\n")
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


def is_page_line(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}", text))


# ------------------------------------------------------------- PDF without LibreOffice


def _write_pdf(truth: Truth, rng: random.Random, path: Path, rendered: Rendered) -> None:
    """A ruled table drawn page by page with matplotlib's PDF backend: cells wrapped to
    their column, a row that does not fit broken over the page, a page number at the
    bottom and a running header from page 2."""
    from tests.pdf_writer import PdfTable

    columns = _columns(truth, rng)
    rows = [row for row in table_rows(truth, rng, columns, rendered, text_format=False)
            if row.line is None or not is_page_line(row.line)]
    writer = PdfTable([_WIDTHS[c] for c in columns], running=truth.title_lines[0][:40])
    for line in _above(truth):
        writer.text(line)
    for row in rows:
        if row.line is not None:
            writer.text(row.line)
        else:
            assert row.cells is not None
            writer.row(row.cells, merged=row.section)
    rendered.injected["pdf pages"] += writer.save(path)


# ---------------------------------------------------------------------------- scoring

FIELDS = ("code", "title", "deadline", "responsible", "planned result", "section", "period")


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def compare(truth: Truth, draft: RoadmapDraft) -> dict[str, tuple[int, int]]:
    """(right, total) for each field; activities are matched by position."""
    score = {name: [0, 0] for name in FIELDS}
    sections = {s.code: s for s in draft.sections}
    for index, expected in enumerate(truth.activities):
        got = draft.activities[index] if index < len(draft.activities) else None
        section = sections.get(got.section_code or "") if got else None
        parent = sections.get(section.parent or "") if section else None
        checks = {
            "code": got is not None and got.code == expected.code,
            "title": got is not None and _same(got.title, expected.title),
            "deadline": got is not None and _same(got.deadline_text, expected.deadline),
            "responsible": got is not None and got.executors == expected.executors,
            "planned result": got is not None and _same(got.planned_result, expected.result),
            "section": got is not None and (
                (expected.section is None and section is None)
                or (expected.section is not None and section is not None
                    and _same(section.title, expected.section.title)
                    and (expected.section.group is None
                         or parent is not None and _same(parent.title, expected.section.group)))),
        }
        for name, right in checks.items():
            score[name][0] += right
            score[name][1] += 1
    extra = len(draft.activities) - len(truth.activities)
    if extra > 0:  # a bogus activity counts against every field
        for name in FIELDS[:-1]:
            score[name][1] += extra
    score["period"][0] += (draft.first_year, draft.last_year, draft.school_years) == \
        truth.period
    score["period"][1] += 1
    return {name: (right, total) for name, (right, total) in score.items()}


def _group_of(section: SectionDraft | None, sections: dict[str, SectionDraft]) -> str | None:
    """The title of the heading a section is nested in."""
    parent = sections.get(section.parent or "") if section else None
    return parent.title if parent else None


def mismatches(truth: Truth, draft: RoadmapDraft) -> list[str]:
    """A readable list of what differs (for a failing test)."""
    found = []
    if len(draft.activities) != len(truth.activities):
        found.append(f"activities: {len(draft.activities)} != {len(truth.activities)}")
    sections = {s.code: s for s in draft.sections}
    for expected, got in zip(truth.activities, draft.activities):
        section = sections.get(got.section_code or "")
        pairs = [("code", got.code, expected.code), ("title", got.title, expected.title),
                 ("deadline", got.deadline_text, expected.deadline),
                 ("responsible", got.executors, expected.executors),
                 ("result", " ".join(got.planned_result.split()),
                  " ".join(expected.result.split())),
                 ("section", section.title if section else None,
                  expected.section.title if expected.section else None),
                 ("group", _group_of(section, sections), expected.section.group
                  if expected.section else None)]
        for name, a, b in pairs:
            if a != b and not (isinstance(a, str) and isinstance(b, str) and _same(a, b)):
                found.append(f"{expected.code} {name}: {a!r} != {b!r}")
    if (draft.first_year, draft.last_year, draft.school_years) != truth.period:
        found.append(f"period {(draft.first_year, draft.last_year, draft.school_years)} "
                     f"!= {truth.period}")
    return found


# ------------------------------------------------------------------- the benchmark run


def run(count: int, seed: int, suffixes: tuple[str, ...], folder: Path,
        office: int = 0, out: Callable[[str], None] = print) -> dict[str, object]:
    """Generate ``count`` roadmaps in each of ``suffixes``, import each and score it; with
    ``office``, LibreOffice also prints every .docx as .pdf and converts the first
    ``office`` of them to .doc, .odt and .rtf (each of which LibreOffice converts back
    when it is read: 2-3 s a file)."""
    from workflow.errors import KartaError
    from workflow.importing import read_roadmap

    totals: dict[str, dict[str, list[int]]] = {}
    failures: dict[str, int] = Counter()
    exact: dict[str, int] = Counter()
    files: dict[str, int] = Counter()
    injected: Counter[str] = Counter()
    rng = random.Random(seed)
    made: list[tuple[str, Path, Truth]] = []
    for number in range(count):
        for suffix in suffixes:
            truth = make_truth(rng, markdown=suffix == ".md")
            path = folder / f"r{number}{suffix}"
            injected.update(render(truth, suffix, rng, path).injected)
            made.append((suffix, path, truth))
    if office:
        from tests.office import convert_all

        docx_files = [(path, truth) for suffix, path, truth in made if suffix == ".docx"]
        for target in (".pdf", ".odt", ".rtf", ".doc"):
            chosen = docx_files if target == ".pdf" else docx_files[:office]
            for path, truth in zip(convert_all([p for p, _ in chosen], target, folder),
                                   [t for _, t in chosen]):
                made.append((f"{target} (LibreOffice)", path, truth))
    for kind, path, truth in made:
        files[kind] += 1
        try:
            draft = read_roadmap(path)
        except KartaError as error:
            failures[kind] += 1
            out(f"{path.name}: {error}")
            draft = None
        score = totals.setdefault(kind, {name: [0, 0] for name in FIELDS})
        if draft is None:
            for name in FIELDS:
                score[name][1] += len(truth.activities) if name != "period" else 1
            continue
        result = compare(truth, draft)
        for name, (right, total) in result.items():
            score[name][0] += right
            score[name][1] += total
        if all(right == total for right, total in result.values()):
            exact[kind] += 1
        else:
            out(f"{path.name}: " + "; ".join(mismatches(truth, draft)[:4]))
    return {"totals": totals, "failures": failures, "exact": exact, "files": files,
            "injected": injected}


def table(result: dict[str, object]) -> str:
    """The score as a Markdown table: per format, the share right of each field."""
    totals = result["totals"]
    assert isinstance(totals, dict)
    exact, files, failures = result["exact"], result["files"], result["failures"]
    assert isinstance(exact, Counter) and isinstance(files, Counter)
    assert isinstance(failures, Counter)
    lines = ["| format | files | imported exactly | refused | " + " | ".join(FIELDS) + " |",
             "| --- " * (4 + len(FIELDS)) + "|"]
    grand = {name: [0, 0] for name in FIELDS}
    for kind, score in totals.items():
        cells = []
        for name in FIELDS:
            right, total = score[name]
            grand[name][0] += right
            grand[name][1] += total
            cells.append(f"{100 * right / max(total, 1):.1f} %")
        lines.append(f"| {kind} | {files[kind]} | {exact[kind]} | {failures[kind]} | "
                     + " | ".join(cells) + " |")
    cells = [f"{100 * r / max(t, 1):.1f} % ({r}/{t})" for r, t in grand.values()]
    lines.append(f"| all | {sum(files.values())} | {sum(exact.values())} | "
                 f"{sum(failures.values())} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    import argparse
    import tempfile
    import time

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--office", type=int, default=0, metavar="N",
                        help="also print every .docx as .pdf with LibreOffice and convert "
                             "the first N to .doc, .odt and .rtf")
    arguments = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="karta-generated-") as folder:
        result = run(arguments.count, arguments.seed,
                     (".txt", ".md", ".csv", ".xlsx", ".docx", ".pdf"), Path(folder),
                     office=arguments.office)
    print(table(result))
    injected = result["injected"]
    assert isinstance(injected, Counter)
    print("\ninjected:", ", ".join(f"{k} {v}" for k, v in sorted(injected.items()) if v))
    print(f"{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
