"""Splitting an «Ответственные» cell into the bodies and people it names.

Commas and semicolons outside «quotes» separate executors; so does the start of a new body
after a complete one: after a closed quote («… МКУ «ЦБУМР» ОО»), after an abbreviation
(«Руководители ОУ МКУ «…»»), before a body's abbreviation that follows a lower-case word
(«Управление образования МКУ «ЦБУМР»») or a number («… № 1 МБОУ …»). Line breaks are
spaces: a page break may fall anywhere in a cell, and the split must not depend on where.
Names without commas are split by their initials («Н.Е. Иванов К.А. Петрова»).
"""

from __future__ import annotations

import re
from functools import lru_cache

_EXECUTOR_START = re.compile(
    r"^(?:[А-ЯЁ]{2,}|Руководител|Специалист|Отдел|Комитет|Управлени|Рабоч|Школ|Методист|"
    r"Заместител|Директор|Педагог|Учител|Начальник|Главн|Ведущ|Координатор|Тьютор)"
)
_CAPITALS = re.compile(r"[А-ЯЁ]{2,}")
_BINDING_WORDS = frozenset(("с", "и", "при", "для", "в", "на", "по", "из", "от", "к", "со"))
# «МБОУ СОШ № 1», «МБДОУ ДС № 5», «МБУ ДО ЦДТ»: a legal form and a type of school are one
# name, not two bodies
_LEGAL_FORM = re.compile(r"М[БАК]?(?:Д|У)?ОУ|М[БАК]?У|Г[БАК]?(?:Д|У)?ОУ|Г[БАК]?У|ЧОУ|АНО|"
                         r"М[БАК]?УДО|ДО")
_SCHOOL_TYPE = re.compile(r"^(?:СОШ|ООШ|НОШ|СШ|ДС|ЦО|ДЮСШ|ЦДТ|ДДТ|ДО|ЦДО|ЦРР|ДШИ|ДДЮТ|СКОШ|"
                          r"«)")
# Abbreviations that name a body of their own: after a lower-case word they start a new one
# («Управление образования МКУ «ЦБУМР»»), unlike «ЗАТО» or «РФ» inside a name.
_BODY = re.compile(r"^(?:М[БАК]?(?:Д|У)?ОУ|М[БАК]?У(?:ДО)?|Г[БАК]?(?:Д|У)?ОУ|Г[БАК]?У|ОО|ОУ|ДОО|"
                   r"ДОУ|ОДО|УО|ИМЦ|ММС|МУМО|ЦБУМР|РМО|ГМО|ШМО|ПМПК|ТПМПК|ППМС|ЦОКО|МОУО|"
                   r"МОО|ОМСУ)$")
# Words whose complement is the body that follows («Руководители ОО», «Директора ОУ»).
_GOVERNING = re.compile(r"^(?:руководител|директор|специалист|заместител|педагог|учител|"
                        r"методист|представител|сотрудник|работник|администраци|заведующ|"
                        r"координатор|тьютор|член|эксперт|ответственн)", re.I)
_INITIALS = re.compile(r"(?<![А-ЯЁа-яё])[А-ЯЁ]\.\s*[А-ЯЁ]\.(?!\s*[А-ЯЁ]\.)")
_SURNAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"


def split_executors(text: str) -> list[str]:
    """A normalised list of executors from one cell."""
    return list(_split_executors(text))


@lru_cache(maxsize=4096)  # a roadmap names the same executors in row after row
def _split_executors(text: str) -> tuple[str, ...]:
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    # The last word and the one before it, kept as we go: rebuilding them from ``current``
    # at every token made a long cell quadratic. Only a one-token word can be an
    # abbreviation or a preposition (a word of several tokens holds «,» or «;»).
    last_token = ""  # the last token that is not a space
    word_tokens = 0  # tokens in the last word
    in_word = False  # the last token added was not a space
    for token in re.split(r"(\s+|[,;])", text):
        if not token:
            continue
        change = token.count("«") - token.count("»")
        depth += change
        if depth <= 0 and token in (",", ";"):
            pieces.append("".join(current))
            current = []
            depth = 0
            last_token, word_tokens, in_word = "", 0, False
            continue
        if token.isspace():
            current.append(" ")
            in_word = False
            continue
        outside = depth - change <= 0
        single = word_tokens == 1
        starts_new = outside and word_tokens > 0 and bool(_EXECUTOR_START.match(token)) and (
            (
                (last_token.endswith("»") or single and bool(_CAPITALS.fullmatch(last_token)))
                and not (single and last_token in _BINDING_WORDS)
                and not (_LEGAL_FORM.fullmatch(last_token) and _SCHOOL_TYPE.match(token))
            )
            or (bool(_BODY.match(token.rstrip(".,"))) and single and (
                (last_token[:1].islower() and last_token not in _BINDING_WORDS
                 and not _GOVERNING.match(last_token))
                or (last_token.isdigit() and bool(_LEGAL_FORM.fullmatch(token)))))
        )
        if starts_new and single and _GOVERNING.match(last_token) and not \
                last_token.endswith("»"):
            starts_new = False  # «Руководители ОО»: the body is the role's complement
        if starts_new:
            pieces.append("".join(current).strip())
            current = []
            in_word = False
        current.append(token)
        word_tokens = word_tokens + 1 if in_word else 1
        last_token = token
        in_word = True
    pieces.append("".join(current))
    result: list[str] = []
    seen: set[str] = set()
    for piece in pieces:
        for name in _split_names(re.sub(r"\s+", " ", piece).strip()):
            name = name.strip(" .") if not _INITIALS.search(name[-5:]) else name.strip()
            name = name[:1].upper() + name[1:]
            if name and name not in seen:
                seen.add(name)
                result.append(name)
    return tuple(result)


def _split_names(text: str) -> list[str]:
    """«Н.Е. Иванов К.А. Петрова» → two names; «Иванов Н.Е. Петрова К.А.» too; a text with
    one set of initials or none stays whole."""
    found = list(_INITIALS.finditer(text))
    if len(found) < 2:
        return [text]
    first = found[0]
    after = text[first.end():].lstrip()
    initials_first = bool(re.match(_SURNAME, after)) and (
        first.start() == 0 or not re.search(_SURNAME + r"\s*$", text[:first.start()]))
    cuts: list[int] = []
    if initials_first:
        cuts = [match.start() for match in found[1:]]
    else:
        cuts = [match.end() for match in found[:-1]]
    pieces: list[str] = []
    start = 0
    for cut in cuts:
        pieces.append(text[start:cut].strip())
        start = cut
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]
