"""The documented context of every kind of document.

A context is plain JSON data (dates as ISO strings), so that the snapshot stored with a
document is exactly what was rendered and ``karta documents regenerate`` gives the same bytes.
A schema is a dict (fields), a one-element list (a list of that), or a string (a described
value). Templates are checked against these schemas when they are registered.
"""

from __future__ import annotations

from typing import Any

Schema = Any

PERSON: Schema = {
    "login": "логин",
    "full_name": "ФИО полностью («Белокреницкая Елена Викторовна»)",
    "gender": "пол: m, f или пусто",
    "position": "должность в именительном падеже",
    "phone": "телефон",
}
ORGANISATION: Schema = {
    "full_name": "полное наименование организации",
    "short_name": "сокращённое наименование («МКУ «УО …»»)",
    "parent_body": "вышестоящий орган («Администрация … района»)",
    "place": "место составления («г. Заозерск»)",
    "head_position": "должность руководителя",
    "head_name": "руководитель: «И.О. Фамилия»",
}
DOCUMENT: Schema = {
    "kind": "вид документа",
    "title": "заголовок документа",
    "is_draft": "true для проекта приказа (без номера)",
    "number": "регистрационный номер («01-09/64») или пусто у проекта",
    "date": "дата регистрации (ISO) или пусто у проекта",
    "journal": "журнал регистрации",
}
APPROVAL: Schema = {"number": "номер приказа об утверждении", "date": "дата приказа (ISO)"}
ROADMAP: Schema = {
    "ref": "ссылка (R1)",
    "title": "название дорожной карты",
    "first_year": "первый год периода",
    "last_year": "последний год периода",
    "period": "период «2021-2023»",
    "approval": APPROVAL,
    "short_title": "краткое название для «далее – …» («Дорожная карта»)",
    "attached": "«прилагаемую» в роде и числе названия («прилагаемый план»)",
    "approved_mark": "«УТВЕРЖДЕНА» в роде и числе названия (отметка об утверждении)",
}
OCCURRENCE: Schema = {
    "ref": "ссылка (1:2.4@2022)",
    "period": "период исполнения («2022», «2022-Q3», «2021/22»)",
    "period_text": "период словами для «за …» («2022 год», «III квартал 2022 года»)",
    "due": "срок (ISO) или пусто",
    "state": "состояние",
}
EXECUTOR: Schema = {
    "name": "исполнитель, как в дорожной карте («МКУ «Управление образования»», «ОО»)",
    "group": "какие организации он называет: general (все ОО), preschool, additional, "
             "department или пусто",
    "people": [PERSON],
    "units": [{"name": "организация, которую называет группа («МБОУ СОШ № 1» для «ОО»)",
               "people": [PERSON]}],
}
ACTIVITY: Schema = {
    "ref": "ссылка (1:2.4)",
    "code": "код мероприятия («2.4»)",
    "title": "наименование мероприятия",
    "deadline_text": "сроки, как в дорожной карте",
    "responsible": ["ответственный исполнитель (именительный падеж)"],
    "responsible_text": "ответственные, как в дорожной карте",
    "planned_result": "планируемый результат",
    "section": "заголовок раздела или пусто",
    "executors": [EXECUTOR],
}
PLANNED_ACTIVITY: Schema = {**ACTIVITY, "occurrences": [OCCURRENCE]}
SECTION: Schema = {
    "code": "код раздела",
    "title": "название раздела",
    "heading": "заголовок раздела, как в дорожной карте (пусто, если разделов нет)",
    "activities": [ACTIVITY],
}
PLAN_SECTION: Schema = {**SECTION, "activities": [PLANNED_ACTIVITY]}
HAS_RESULTS: Schema = ("true, если у мероприятий есть планируемые результаты (иначе столбца "
                       "для них нет)")
FILE: Schema = {"name": "имя файла", "sha256": "SHA-256", "size": "размер, байт",
                "pages": "листов (для PDF и .docx, если известно) или пусто"}
EXECUTOR_REPORT: Schema = {
    "name": "исполнитель (организация)", "state": "состояние задания (accepted …)",
    "state_label": "состояние задания словами", "text": "текст его отчёта",
    "files": [FILE], "date": "дата его отчёта (ISO) или пусто",
}
REPORT: Schema = {
    "text": "текст отчёта",
    "files": [FILE],
    "author": PERSON,
    "date": "дата отчёта (ISO)",
    "executors": [EXECUTOR_REPORT],
    "not_reported": ["исполнитель, не представивший отчёт"],
    "unit": "организация, представившая отчёт (школа), когда это не само управление "
            "(её отчёт печатается под её наименованием), или пусто",
}
FIGURE: Schema = {"name": "показатель", "value": "значение"}
RECOMMENDATION: Schema = {"addressee": "адресат (именительный падеж)", "text": "рекомендация"}
ANALYSIS: Schema = {
    "conclusions": "выводы",
    "figures": [FIGURE],
    "decisions": ["управленческое решение (поручение, с инфинитива)"],
    "recommendations": [RECOMMENDATION],
    # the note's compiler, who signs it: the specialist handling the occurrence when the
    # head recorded the analysis
    "author": PERSON,
    "date": "дата анализа (ISO)",
}
NOTE: Schema = {"title": "заголовок справки", "number": "номер справки", "date": "дата (ISO)"}

CORRECTS: Schema = {
    "number": "номер исправляемого приказа", "date": "его дата (ISO)",
    "title": "его заголовок", "reason": "причина исправления",
}

BASIS: Schema = {
    "text": "правовое основание в начале преамбулы («В соответствии с приказом Министерства "
            "… от … № … «…»») или пусто",
    "according": "true, если основание начинается словами «В соответствии с»",
}
ORDER: Schema = {
    "basis": BASIS,
    "points": ["дополнительный пункт приказа перед пунктом о контроле («Разместить "
               "настоящий приказ на официальном сайте …»)"],
}
AMENDS: Schema = {
    "number": "номер изменяемого (отменяемого) приказа", "date": "его дата (ISO)",
    "title": "его заголовок (кавычки внутри — „лапки“)", "reason": "причина изменений",
    "cancel": "true, если приказ признаётся утратившим силу",
    "changes": ["изменение словами: «пункт 2 изложить в следующей редакции: «2. …».»"],
}

COMMON: Schema = {
    "organisation": ORGANISATION,
    "document": DOCUMENT,
    "executor": PERSON,
    "today": "дата формирования (ISO)",
}

KINDS: dict[str, dict[str, Any]] = {
    "order_approve": {
        "label": "приказ об утверждении дорожной карты (с приложением)",
        "journal": "orders",
        "events": ("approve",),
        "context": {**COMMON, **ORDER, "corrects": CORRECTS, "roadmap": ROADMAP,
                    "sections": [SECTION],
                    "activities_count": "число мероприятий", "has_results": HAS_RESULTS},
    },
    "order_start": {
        "label": "приказ о проведении (об организации) мероприятия",
        "journal": "orders",
        "events": ("start",),
        "context": {**COMMON, **ORDER, "corrects": CORRECTS, "roadmap": ROADMAP,
                    "activity": ACTIVITY, "occurrence": OCCURRENCE,
                    "report_due": "срок отчёта (ISO) или пусто",
                    "schools_due": "срок, к которому организации представляют информацию "
                                   "управлению (ISO; за 5 рабочих дней до срока) или пусто"},
    },
    "report": {
        "label": "отчёт об исполнении мероприятия",
        "journal": "reports",
        "events": ("report", "collect"),
        "context": {**COMMON, "roadmap": ROADMAP, "activity": ACTIVITY,
                    "occurrence": OCCURRENCE, "report": REPORT},
    },
    "analytic_note": {
        "label": "аналитическая справка",
        "journal": "notes",
        "events": ("analyse",),
        "context": {**COMMON, "roadmap": ROADMAP, "activity": ACTIVITY,
                    "occurrence": OCCURRENCE, "report": REPORT, "analysis": ANALYSIS},
    },
    "order_results": {
        "label": "приказ об итогах с управленческими решениями",
        "journal": "orders",
        "events": ("analyse",),
        "context": {**COMMON, **ORDER, "corrects": CORRECTS, "roadmap": ROADMAP,
                    "activity": ACTIVITY, "occurrence": OCCURRENCE, "analysis": ANALYSIS,
                    "note": NOTE},
    },
    "recommendations": {
        "label": "адресные рекомендации",
        "journal": "notes",
        "events": ("analyse",),
        "context": {**COMMON, "roadmap": ROADMAP, "activity": ACTIVITY,
                    "occurrence": OCCURRENCE, "analysis": ANALYSIS},
    },
    "plan": {
        "label": "план мероприятий на год",
        "journal": None,
        "events": ("plan",),
        "context": {**COMMON, "roadmap": ROADMAP, "year": "год плана",
                    "sections": [PLAN_SECTION], "activities_count": "число мероприятий",
                    "has_results": HAS_RESULTS},
    },
}

KINDS["order_amend"] = {
    "label": "приказ о внесении изменений в приказ (о признании приказа утратившим силу)",
    "journal": "orders",
    "events": ("correct",),
    "context": {**COMMON, "amends": AMENDS},
}

SECTION_TOTALS: Schema = {
    "name": "раздел", "total": "исполнений в году", "done": "проанализировано",
    "reported": "отчёт представлен", "overdue": "просрочено", "cancelled": "отменено",
    "percent": "доля выполненных, %",
}
ITEM: Schema = {
    "ref": "ссылка на исполнение", "code": "код мероприятия", "title": "мероприятие",
    "period": "период", "due": "срок (ISO) или пусто", "responsible_text": "ответственные",
    "reason": "причина (для отменённых) или вывод (для выполненных)",
}
INDICATOR_FIGURE: Schema = {
    "code": "код показателя («П1»)", "name": "наименование показателя",
    "unit": "единица измерения (%, чел., ед., баллы)", "group": "чьи значения словами",
    "target": "цель на период словами («85 %») или «—»",
    "actual": "факт словами («86,2 %») или «—»",
    "deviation": "отклонение словами («+1,2 %», «−3 чел.») или «—»",
    "reached": "достигнут: да, нет или пусто (нет цели или факта)",
    "accepted": "принято значений", "owed": "должны представить",
    "below": [{"name": "организация", "value": "её значение словами"}],
    "missing": ["организация, не представившая значение"],
}
KINDS["annual_report"] = {
    "label": "информация о реализации дорожной карты за год (с диаграммой)",
    "journal": "notes",
    "events": ("annual",),
    "images": ("chart",),
    "context": {
        **COMMON, "roadmap": ROADMAP, "year": "отчётный год",
        "as_of": "дата, на которую подсчитана просрочка (ISO)",
        "totals": {**SECTION_TOTALS, "name": "«Всего»", "planned": "запланировано",
                   "in_progress": "выполняется"},
        "sections": [SECTION_TOTALS],
        "done": [ITEM], "overdue": [ITEM], "cancelled": [ITEM],
        "chart": {"title": "подпись диаграммы", "sections": [SECTION_TOTALS]},
        "indicators": [{**INDICATOR_FIGURE,
                        "period_label": "период словами («2022 год», «2021/22 учебный год»)"}],
    },
}

KINDS["order_monitoring"] = {
    "label": "приказ об итогах мониторинга показателей с управленческими решениями",
    "journal": "orders",
    "events": ("monitoring",),
    "context": {
        **COMMON, **ORDER, "corrects": CORRECTS,
        "period": "период («2022» или «2022/23»)",
        "period_label": "период словами («2022 год», «2022/23 учебный год»)",
        "note": NOTE, "indicators": [INDICATOR_FIGURE],
        "totals": {"indicators": "показателей", "reached": "достигнуто",
                   "not_reached": "не достигнуто", "no_data": "без цели или факта"},
        "decisions": ["управленческое решение: кому и что сделать, с дательного падежа "
                      "(«Руководителю МБОУ СОШ № 3 проанализировать …»)"],
    },
}
KINDS["monitoring_note"] = {
    "label": "аналитическая справка о результатах мониторинга показателей",
    "journal": "notes",
    "events": ("monitoring",),
    "context": {
        **COMMON, "period": "период («2022» или «2022/23»)",
        "period_label": "период словами («2022 год», «2022/23 учебный год»)",
        "indicators": [INDICATOR_FIGURE],
        "totals": {"indicators": "показателей", "reached": "достигнуто",
                   "not_reached": "не достигнуто", "no_data": "без цели или факта"},
        "recommendations": [{"addressee": "организация", "text": "текст рекомендации"}],
        "author": PERSON,
    },
}

JOURNALS = {
    "orders": "Журнал регистрации приказов",
    "notes": "Журнал аналитических справок и рекомендаций",
    "reports": "Журнал отчётов об исполнении мероприятий",
}


def describe(schema: Schema, indent: str = "") -> list[str]:
    """The schema as indented lines, for ``karta templates show``."""
    lines: list[str] = []
    for name, value in schema.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{name}:")
            lines.extend(describe(value, indent + "  "))
        elif isinstance(value, list):
            item = value[0]
            if isinstance(item, dict):
                lines.append(f"{indent}{name}: список, у каждого элемента:")
                lines.extend(describe(item, indent + "  "))
            else:
                lines.append(f"{indent}{name}: список — {item}")
        else:
            lines.append(f"{indent}{name}: {value}")
    return lines


def activity_headings(title: str) -> dict[str, str]:
    """Every heading karta makes from an activity's title: «О …» (the start order), «Об
    итогах …» (the results order) and «по итогам …» (the analytic note, the
    recommendations); a title that cannot be declined safely is named in quotes
    («Об исполнении мероприятия «…»»)."""
    from documents import russian

    of = russian.subject(title, "genitive")
    return {"about": russian.about(title), "results": f"Об итогах {of}",
            "by_results": f"по итогам {of}"}


def document_title(kind: str, context: dict[str, Any]) -> str:
    """The title a document of a kind is registered under (and the journal shows)."""
    from documents import russian

    amends = context.get("amends")
    if amends:
        what = "О признании утратившим силу приказа" if amends.get("cancel") else \
            "О внесении изменений в приказ"
        return f"{what} от {russian.format_date(amends['date'])} № {amends['number']}"
    corrects = context.get("corrects")
    if corrects:
        return (f"О внесении изменений в приказ от {russian.format_date(corrects['date'])} "
                f"№ {corrects['number']}")
    activity = context.get("activity") or {}
    period = (context.get("occurrence") or {}).get("period_text", "")
    headings = activity_headings(str(activity.get("title", ""))) if activity else {}
    if kind == "order_approve":
        return "Об утверждении " + russian.decline_phrase(context["roadmap"]["title"], "genitive")
    if kind == "order_start":
        return headings["about"]
    if kind == "report":
        return f"Отчёт об исполнении мероприятия {activity.get('code')} за {period}"
    if kind == "analytic_note":
        return f"Аналитическая справка {headings['by_results']} за {period}"
    if kind == "order_results":
        return f"{headings['results']} за {period}"
    if kind == "recommendations":
        return f"Адресные рекомендации {headings['by_results']} за {period}"
    if kind == "plan":
        return f"План мероприятий на {context.get('year')} год"
    if kind == "annual_report":
        return (f"Информация о реализации "
                f"{russian.decline_phrase(context['roadmap']['title'], 'genitive')} "
                f"за {context.get('year')} год")
    if kind == "order_monitoring":
        return f"Об итогах мониторинга показателей за {context.get('period_label')}"
    if kind == "monitoring_note":
        return ("Аналитическая справка о результатах мониторинга показателей за "
                f"{context.get('period_label')}")
    return str(KINDS[kind]["label"])


OUTSIDE_KINDS = {"order_external": "приказ, изданный вне karta (внесён в журнал)"}


def kind_label(kind: str) -> str:
    """A document kind for people, also for documents karta did not make."""
    return str(KINDS[kind]["label"]) if kind in KINDS else OUTSIDE_KINDS.get(kind, kind)
