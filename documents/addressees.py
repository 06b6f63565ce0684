"""Who the points of an order address, in the dative, as an office writes them.

An order addresses officials and groups, never the body that issues it: the executor
«МКУ «Управление образования …»» of an activity becomes «Специалистам МКУ «…» (Иванова
И.И., Петрова П.П.)» — or «Ивановой И.И., специалисту МКУ «…»» when one person is named —
and «ОО», «Руководители ОУ» become «Руководителям общеобразовательных организаций».
Everything else is declined as a noun phrase («Отдел общего образования» → «Отделу общего
образования»); a school or a body named by its abbreviation gets its head or specialists
(«Руководителю МБОУ СОШ № 1», «Специалистам МКУ «ЦБУМР»»).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from documents import russian
from documents.phrases import decline_phrase, lower_first, parses, tokens
from workflow.errors import said

GROUPS = {  # executor groups (registry.units) → whom an order addresses
    "general": "Руководителям общеобразовательных организаций",
    "preschool": "Руководителям дошкольных образовательных организаций",
    "additional": "Руководителям организаций дополнительного образования",
}
_GROUP_TEXT = re.compile(
    r"^(?:руководител\w* |директор\w* )?(?:оо|оу|общеобразовательн\w* (?:организаци|учрежден)"
    r"\w*|образовательн\w* (?:организаци|учрежден)\w*)$")
# nouns naming an institution rather than people: its head is addressed
_INSTITUTIONS = {"школа", "организация", "учреждение", "гимназия", "лицей", "сад",
                 "школа-партнёр", "школа-партнер"}
_STAFF = ("специалист", "сотрудник", "работник")


def key(text: str) -> str:
    """Two spellings of one name compared: lower case, no quotes, one space, «ё» as «е»."""
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[«»\"“”„']", "", text)
    text = re.sub(r"\s*\.\s*", ". ", text)
    return re.sub(r"\s+", " ", text).strip(" .,;")


def is_issuer(name: str, organisation: dict[str, Any]) -> bool:
    """True when an executor's name is the issuing body itself («МКУ «Управление
    образования»» for «МКУ «Управление образования г. Енисейска»», «Комитет» for «Комитет по
    образованию …»), or its staff («Специалисты МКУ «…»»)."""
    own = key(name)
    for prefix in _STAFF:
        if own.startswith(prefix):
            own = own.split(" ", 1)[1] if " " in own else ""
    if not own:
        return False
    for full in (organisation.get("short_name") or "", organisation.get("full_name") or ""):
        theirs = key(str(full))
        if not theirs:
            continue
        if own == theirs or theirs.startswith(own + " ") or own.startswith(theirs + " "):
            return True
    return False


def _issuer_genitive(organisation: dict[str, Any]) -> str:
    """The issuing body in the genitive: a short name headed by an abbreviation («МКУ
    «…»») as it is, an ordinary phrase («Управление образования») declined."""
    short = str(organisation.get("short_name") or "")
    return decline_phrase(short or str(organisation.get("full_name") or ""), "genitive")


def _person_short(person: dict[str, Any], case: str = "nominative") -> str:
    return russian.surname_with_initials(str(person.get("full_name", "")),
                                         str(person.get("gender", "")), case)


def _one_person(person: dict[str, Any]) -> str:
    """«Белокреницкой Е.В., специалисту МКУ «…»»."""
    override = (person.get("overrides") or {}).get("position.dative")
    position = override or lower_first(decline_phrase(str(person.get("position") or ""),
                                                      "dative"))
    name = (person.get("overrides") or {}).get("short.dative") or _person_short(person,
                                                                               "dative")
    return f"{name}, {position}" if position else str(name)


def _staff(people: list[dict[str, Any]], organisation: dict[str, Any]) -> str:
    """The issuing body's people: one by name and position, several as a group."""
    named = [p for p in people if str(p.get("full_name", "")).strip()]
    if len(named) == 1:
        return _one_person(named[0])
    text = f"Специалистам {_issuer_genitive(organisation)}"
    if named:
        text += " (" + ", ".join(_person_short(p) for p in named) + ")"
    return text


def _institution(name: str) -> bool:
    items = [t for t in tokens(name) if t.kind == "word"]
    if not items:
        return False
    first = items[0]
    if first.is_abbreviation:
        return True
    return any(p.normal_form in _INSTITUTIONS for p in parses(first.text)[:2]) or \
        first.text.lower().startswith("школы-")


def addressable(executor: dict[str, Any] | str, organisation: dict[str, Any]) -> bool:
    """Whether an executor names someone an order can address: the issuing body, a group
    of organisations, people, a body or a school by its abbreviation, or a noun phrase in
    the nominative («Отдел общего образования», «Рабочая группа …»); not a phrase such as
    «По графику ДИРО» or «В соответствии с планом»."""
    if isinstance(executor, str):
        executor = {"name": executor, "group": "", "people": []}
    name = str(executor.get("name") or "").strip()
    if not name:
        return False
    if executor.get("people") or str(executor.get("group") or "") in GROUPS \
            or is_issuer(name, organisation) or _GROUP_TEXT.match(key(name)):
        return True
    from documents.phrases import best, read_phrase

    items, reading = read_phrase(name, "dative")
    first = next((t for t in items if t.kind != "space"), None)
    if first is None or first.kind != "word":
        return False
    if first.is_abbreviation:
        return True
    if {"PREP", "CONJ", "ADVB", "VERB", "INFN", "PRCL"} & best(first.text).tag.grammemes:
        return False  # «По графику …», «В соответствии с …», «Ежегодно …»
    return any(items[index].text != text for index, text in reading.replace.items())


def addressee(executor: dict[str, Any] | str, organisation: dict[str, Any]) -> dict[str, Any]:
    """One executor of an activity as an addressee: ``text`` in the dative, ``own`` when it
    is the issuing body's staff, ``key`` to merge the same addressee named twice."""
    if isinstance(executor, str):
        executor = {"name": executor, "group": "", "people": []}
    name = str(executor.get("name") or "").strip()
    people = list(executor.get("people") or [])
    group = str(executor.get("group") or "")
    if is_issuer(name, organisation):
        return {"text": _staff(people, organisation), "own": True, "key": "own"}
    if group in GROUPS or _GROUP_TEXT.match(key(name)):
        text = GROUPS.get(group, GROUPS["general"])
        return {"text": text, "own": False, "key": text}
    named = ""
    if people:
        named = " (" + ", ".join(_person_short(p) for p in people) + ")"
    if _institution(name):
        items = [t for t in tokens(name) if t.kind == "word"]
        if items and items[0].is_abbreviation:
            who = "Руководителю" if group in ("", "general", "preschool", "additional") and \
                not _body(name) else "Специалистам"
            text = f"{who} {name}{named}"
        else:
            text = "Руководителям " + lower_first(decline_phrase(name, "genitive")) + named
        return {"text": text, "own": False, "key": key(text)}
    text = russian.upper_first(decline_phrase(name, "dative")) + named
    return {"text": text, "own": False, "key": key(text)}


def _body(name: str) -> bool:
    """A body of the department (МКУ, методический центр), not a school."""
    return bool(re.search(r"(?i)\b(?:мку|мумо|цбумр|управлени|комитет|отдел|центр)",
                          name)) and not re.search(r"(?i)\b(?:сош|оош|нош|мбоу|моу|доу|"
                                                   r"мбдоу|гимнази|лице)", name)


def addressees(executors: list[Any], organisation: dict[str, Any]) -> list[dict[str, Any]]:
    """The addressees of an activity's executors: the issuing body's staff first, each
    addressee once, in the roadmap's order."""
    import json

    # the same executors and organisation always give the same addressees: computed once
    key_ = json.dumps([executors, {k: organisation.get(k) for k in ("short_name",
                                                                    "full_name")}],
                      ensure_ascii=False, sort_keys=True, default=str)
    return [dict(item) for item in _addressees(key_)]


@lru_cache(maxsize=4096)
def _addressees(key_: str) -> tuple[Any, ...]:
    import json

    executors, organisation = json.loads(key_)
    return tuple(_compute(executors, organisation))


def _compute(executors: list[Any], organisation: dict[str, Any]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for executor in executors or []:
        if not addressable(executor, organisation):
            continue  # a question for the clerk (``unaddressed``), not a point of the order
        item = addressee(executor, organisation)
        if item["key"] in found:
            if item["own"]:  # people named under two spellings of the body: all of them
                merged = _merge_people(found[item["key"]], executor)
                found[item["key"]] = {**item, "text": _staff(merged, organisation),
                                      "people": merged}
            continue
        if item["own"]:
            item["people"] = list(executor.get("people") or []) \
                if isinstance(executor, dict) else []
        found[item["key"]] = item
    ordered = sorted(found.values(), key=lambda item: not item["own"])
    if not ordered:  # the roadmap names nobody: the order still tells someone to act
        return [{"text": "Ответственным исполнителям", "own": False}]
    return [{"text": item["text"], "own": item["own"]} for item in ordered]


def _merge_people(before: dict[str, Any], executor: dict[str, Any] | str) -> list[Any]:
    people = list(before.get("people") or [])
    more = executor.get("people") if isinstance(executor, dict) else []
    for person in more or []:
        if all(p.get("full_name") != person.get("full_name") for p in people):
            people.append(person)
    return people


def unaddressed(executors: list[Any], organisation: dict[str, Any]) -> list[str]:
    """The executors of an activity that an order cannot address («По графику ДИРО»): the
    clerk is asked whom to charge instead of seeing them printed as addressees."""
    names = [executor if isinstance(executor, str) else str(executor.get("name") or "")
             for executor in executors or []]
    return [name for name, executor in zip(names, executors or [])
            if name.strip() and not addressable(executor, organisation)]


def clerk_questions(context: dict[str, Any]) -> list[str]:
    """What the clerk should settle in an order's draft before it goes on: executors it
    cannot address («По графику ДИРО»), agreement errors in the activity's title."""
    from documents.phrases import agreement_problems

    activity = context.get("activity") or {}
    organisation = context.get("organisation") or {}
    executors = activity.get("executors") or activity.get("responsible") or []
    questions = [f"ответственный «{name}» не подразделение и не человек: в приказе он не "
                 "назван; кому поручить исполнение? (дополнительный пункт"
                 + said(" — --point)", ")")
                 for name in unaddressed(list(executors), organisation)]
    questions += [f"{problem}: исправьте название мероприятия в дорожной карте"
                  for problem in agreement_problems(str(activity.get("title") or ""))]
    return questions
