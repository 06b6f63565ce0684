"""Russian for documents: dates (Babel), plurals, people's names and noun phrases in any case.

- Names are declined with pytrovich (the person's gender is stored); «Волковой Е.В.» declines
  the surname only.
- Positions, bodies and activity titles are noun phrases: the leading adjectives and the head
  noun are declined with pymorphy3, the rest («по культуре и спорту», «МКУ «ЦБУМР»») is kept,
  capitals and quotes are restored.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

CASES = {
    "nominative": "nomn", "genitive": "gent", "dative": "datv", "accusative": "accs",
    "instrumental": "ablt", "prepositional": "loct",
}
_CASE_ALIASES = {**{name: tag for name, tag in CASES.items()}, **{t: t for t in CASES.values()},
                 "именительный": "nomn", "родительный": "gent", "дательный": "datv",
                 "винительный": "accs", "творительный": "ablt", "предложный": "loct"}


def case_tag(case: str) -> str:
    """The pymorphy3 tag of a case given by English or Russian name or by tag."""
    try:
        return _CASE_ALIASES[case.lower()]
    except KeyError:
        raise ValueError(f"неизвестный падеж «{case}»") from None


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=1)
def _petrovich() -> Any:
    from pytrovich.maker import PetrovichDeclinationMaker

    return PetrovichDeclinationMaker()


# ----------------------------------------------------------------------------- dates, numbers

def as_date(value: date | str) -> date:
    """A date from a ``date`` or an ISO string (contexts keep dates as ISO strings)."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@lru_cache(maxsize=1)
def _locale() -> Any:
    from babel import Locale

    return Locale.parse("ru")


@lru_cache(maxsize=4096)
def format_date(value: date | str, pattern: str = "dd.MM.y") -> str:
    """A date by an explicit Babel pattern: «dd.MM.y» → 14.12.2020,
    «d MMMM y 'г.'» → 14 декабря 2020 г., «LLLL y» → декабрь 2020."""
    from babel.dates import format_date as babel_format

    return str(babel_format(as_date(value), pattern, locale=_locale()))


def screen_date(value: Any) -> str:
    """A date as every screen and file shows it: «14.12.2020», with the time when there is
    one («14.12.2020 15:30»); empty for nothing. (ISO stays in --json only.)"""
    from datetime import datetime

    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value[:16]) if len(value) > 10 else \
            date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")  # type: ignore[no-any-return]


def long_date(value: date | str) -> str:
    """«14 декабря 2020 г.»"""
    return format_date(value, "d MMMM y 'г.'")


@lru_cache(maxsize=4096)
def plural(number: int, word: str) -> str:
    """«1 мероприятие», «2 мероприятия», «5 мероприятий», «21 мероприятие»."""
    parsed = _best_parse(word, "nomn")
    if parsed is None:
        return f"{number} {word}"
    agreed = parsed.make_agree_with_number(abs(number))
    return f"{number} {_restore_case(word, agreed.word) if agreed else word}"


# ----------------------------------------------------------------------------- people

def _name_parts(full_name: str) -> list[str]:
    return [part for part in re.split(r"\s+", full_name.strip()) if part]


@lru_cache(maxsize=4096)
def decline_full_name(full_name: str, gender: str, case: str) -> str:
    """«Белокреницкая Елена Викторовна» → «Белокреницкой Елене Викторовне» (dative)."""
    tag = case_tag(case)
    if tag == "nomn" or not full_name.strip():
        return full_name.strip()
    from pytrovich.enums import NamePart

    parts = _name_parts(full_name)
    kinds = [NamePart.LASTNAME, NamePart.FIRSTNAME, NamePart.MIDDLENAME]
    declined = [
        _decline_name_part(part, kind, gender, tag) if "." not in part else part
        for part, kind in zip(parts, kinds + [None] * (len(parts) - 3))
        if kind is not None
    ]
    return " ".join(declined + parts[3:])


@lru_cache(maxsize=4096)
def surname_with_initials(full_name: str, gender: str, case: str = "nominative") -> str:
    """«Белокреницкая Елена Викторовна» → «Белокреницкой Е.В.» (only the surname declines)."""
    parts = _name_parts(full_name)
    if not parts:
        return ""
    from pytrovich.enums import NamePart

    tag = case_tag(case)
    surname = parts[0] if tag == "nomn" else _decline_name_part(parts[0], NamePart.LASTNAME,
                                                                  gender, tag)
    initials = "".join(f"{part[0]}." for part in parts[1:3] if part)
    return f"{surname} {initials}".strip()


def initials_then_surname(full_name: str) -> str:
    """«Андреева Светлана Леонидовна» → «С.Л. Андреева» (the signature line)."""
    parts = _name_parts(full_name)
    if not parts:
        return ""
    initials = "".join(f"{part[0]}." for part in parts[1:3] if part)
    return f"{initials} {parts[0]}".strip()


def _decline_name_part(part: str, kind: Any, gender: str, tag: str) -> str:
    from pytrovich.enums import Case, Gender

    cases = {"gent": Case.GENITIVE, "datv": Case.DATIVE, "accs": Case.ACCUSATIVE,
             "ablt": Case.INSTRUMENTAL, "loct": Case.PREPOSITIONAL}
    genders = {"m": Gender.MALE, "f": Gender.FEMALE}
    # a double surname declines in both halves («Петрова-Водкина»)
    pieces = part.split("-")
    return "-".join(
        _petrovich().make(kind, genders.get(gender, Gender.ANDROGYNOUS), cases[tag], piece)
        for piece in pieces
    )


# ----------------------------------------------------------------------------- noun phrases

_TOKEN = re.compile(r"«[^»]*»|\"[^\"]*\"|[\w.\-]+|\s+|.", re.S)


@lru_cache(maxsize=16384)
def _best_parse(word: str, case: str = "nomn") -> Any:
    candidates = _morph().parse(word.lower())
    for parsed in candidates:
        if case in parsed.tag and {"NOUN", "ADJF", "PRTF"} & set(parsed.tag.grammemes):
            return parsed
    return None


def _restore_case(original: str, word: str) -> str:
    if "ё" not in original.lower():
        word = word.replace("ё", "е")  # keep the writer's spelling: no «ё» they did not use
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=16384)
def decline_phrase(text: str, case: str) -> str:
    """Decline a noun phrase in the nominative into ``case``: its leading adjectives and
    participles and its head noun; everything after the head noun stays as it is.

    «главный специалист отдела образования» → «главному специалисту отдела образования»,
    «Руководители ОУ» → «Руководителям ОУ», «МКУ «ЦБУМР»» → unchanged (an abbreviation).
    """
    tag = case_tag(case)
    if tag == "nomn" or not text.strip():
        return text
    lowered = text.strip().lower()
    if lowered.startswith(("и.о.", "и. о.", "врио", "вр.и.о.")):
        return text  # «И.о. начальника …»: the abbreviation stands for the declined words
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    done = False
    for token in tokens:
        if done or not re.fullmatch(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)?", token):
            out.append(token)
            if token.strip() and not done:
                done = True  # a quote, an abbreviation, a number: the phrase's head is past
            continue
        if token.isupper() and len(token) > 1:  # an abbreviation: МКУ, ОУ
            out.append(token)
            done = True
            continue
        parsed = _best_parse(token, "nomn")
        if parsed is None:
            out.append(token)
            done = True
            continue
        is_noun = "NOUN" in parsed.tag
        declined = parsed.inflect({tag})
        out.append(_restore_case(token, declined.word) if declined else token)
        if is_noun:
            done = True
    return "".join(out)


@lru_cache(maxsize=4096)
def about(title: str) -> str:
    """A title for «О …»: «Участие в семинарах» → «Об участии в семинарах»,
    «Проведение мониторинга» → «О проведении мониторинга»."""
    phrase = decline_phrase(lower_first(title), "prepositional")
    preposition = "Об" if phrase[:1].lower() in "аеиоуыэюя" else "О"
    if re.match(r"(?i)вс[её]м|мне\b", phrase):
        preposition = "Обо"
    return f"{preposition} {phrase}"


def lower_first(text: str) -> str:
    """Lower the first letter unless the first word is an abbreviation («ВПР», «МКУ»)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


# ----------------------------------------------------------------------------- agreement

@lru_cache(maxsize=1024)
def head_noun_phrase(title: str) -> str:
    """The leading adjectives and head noun of a title: «Дорожная карта по …» →
    «Дорожная карта»; used for «(далее – Дорожная карта)»."""
    words: list[str] = []
    for token in title.split():
        words.append(token)
        parsed = _best_parse(re.sub(r"[^\w-]", "", token), "nomn")
        if parsed is None or "NOUN" in parsed.tag:
            break
    return " ".join(words) if words else title


@lru_cache(maxsize=1024)
def _head_grammemes(title: str) -> frozenset[str]:
    for token in title.split():
        parsed = _best_parse(re.sub(r"[^\w-]", "", token), "nomn")
        if parsed is not None and "NOUN" in parsed.tag:
            return frozenset(parsed.tag.grammemes)
    return frozenset({"femn", "sing"})


def agree(title: str, forms: dict[str, str]) -> str:
    """The form agreeing with a title's head noun: keys femn, masc, neut, plur."""
    grammemes = _head_grammemes(title)
    if "plur" in grammemes or "Pltm" in grammemes:
        return forms["plur"]
    for gender in ("femn", "masc", "neut"):
        if gender in grammemes:
            return forms[gender]
    return forms["femn"]


ATTACHED = {"femn": "прилагаемую", "masc": "прилагаемый", "neut": "прилагаемое",
            "plur": "прилагаемые"}
APPROVED = {"femn": "УТВЕРЖДЕНА", "masc": "УТВЕРЖДЕН", "neut": "УТВЕРЖДЕНО",
            "plur": "УТВЕРЖДЕНЫ"}
_ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


@lru_cache(maxsize=4096)
def period_text(label: str) -> str:
    """A period label in words for «за …»: «2022» → «2022 год», «2022-Q3» → «III квартал
    2022 года», «2022-05» → «май 2022 года», «2021/22» → «2021/22 учебный год»."""
    if re.fullmatch(r"\d{4}", label):
        return f"{label} год"
    match = re.fullmatch(r"(\d{4})-Q([1-4])", label)
    if match:
        return f"{_ROMAN_QUARTERS[int(match.group(2))]} квартал {match.group(1)} года"
    match = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if match:
        month = format_date(date(int(match.group(1)), int(match.group(2)), 1), "LLLL")
        return f"{month} {match.group(1)} года"
    match = re.fullmatch(r"(\d{4})/(\d{2})", label)
    if match:
        return f"{label} учебный год"
    match = re.fullmatch(r"(\d{4})-(\d{4})", label)
    if match:
        return f"{match.group(1)}–{match.group(2)} годы"
    return label


def sentence(text: str) -> str:
    """The text ending with a full stop unless it ends with other punctuation."""
    stripped = text.rstrip()
    return stripped if not stripped or stripped[-1] in ".!?…:;" else stripped + "."


def enumeration(items: list[str]) -> str:
    """Items joined by commas, each after the first from a small letter (abbreviations and
    names in quotes keep theirs): «МКУ «УО», руководителям ОО»."""
    return ", ".join(item if index == 0 else lower_first(item) for index, item in enumerate(items))
