"""Reading one phrase of a roadmap as an indicator: is it one, what unit, which way, what
target, whose schools, what is counted.

A planned result says «Участие педагогов школ с НОР в работе ГМО (100%)», «Рост доли
педагогов, повысивших уровень …», «Оказана помощь 100% школ с НОР», «Сокращение доли
учащихся, не набравших минимальные баллы»; a criteria table names «Наличие мониторинга
показателей»; a target line «доля выпускников …, %: 2021 — 85, 2022 — 87». Each regex here
is linear (no nested quantifiers, every repeat bounded or over a character class), and the
callers hand in phrases of bounded length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from workflow.errors import KartaError
from workflow.indicators import parse_number, parse_period

# --------------------------------------------------------------------------- splitting

# a new result starts at a capitalised direction or measure word inside a cell («… языку
# Сокращение доли …»), or at «100% вовлечение …» after a word («… с НОР 100% вовлечение»)
_STARTS = (r"Рост|Увеличение|Повышение|Прирост|Сокращение|Снижение|Уменьшение|Доля|"
           r"Количество|Число|Численность|Охват|Участие|Вовлечение|Наличие|Оказана|Оказано|"
           r"Средний")
_SPLIT = re.compile(
    rf"\s*\n\s*|(?<=[.;!?])(?<!\bг\.)(?<!\bд\.)(?<!\bп\.)(?<!\bим\.)(?<!\bст\.)\s+(?=[А-ЯЁ])|(?<=[а-яё»)A-ZА-ЯЁ])\s+(?=(?:{_STARTS})\b)"
    r"|(?<=[а-яёА-ЯЁ»)])\s+(?=\d{1,3}\s?%\s?[а-яё]{2,30}(?:ние|тие|ват)\b)"
)
_SPACES = re.compile(r"\s+")


def split_phrases(text: str) -> list[str]:
    """The results one cell names, each on its own: lines, sentences, and a new result run
    into the text before it. Each is on one line, stripped of «-» bullets and «;»."""
    phrases = []
    for part in _SPLIT.split(text):
        phrase = _SPACES.sub(" ", part).strip(" \t-–—•;,")
        if phrase:
            phrases.append(phrase)
    return phrases


# --------------------------------------------------------------------------- recognising

_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{1,2})?)\s?%")
_SHARE = re.compile(r"(?<![а-яё])(?:дол[яиюе]|долей|процент)", re.I)
_COUNT = re.compile(r"(?<![а-яё])(?:количеств|числ(?:о|а|у|ом|енност))", re.I)
_SCORE = re.compile(r"средн[а-яё]{0,4}\s+(?:тестов[а-яё]{0,4}\s+)?балл", re.I)
_UP = re.compile(r"^(?:рост|увеличение|повышение|прирост)\b", re.I)
_DOWN = re.compile(r"^(?:сокращение|снижение|уменьшение)\b", re.I)
_AT_LEAST = re.compile(r"не\s+(?:менее|ниже|меньше)\b", re.I)
_AT_MOST = re.compile(r"не\s+(?:более|выше|больше)\b", re.I)
# the title of an activity, not its result: «Проведение мониторинга доли …»
_ACTIVITY = re.compile(
    r"^(?:проведение|организация|мониторинг|анализ|разработка|подготовка|обеспечение|"
    r"утверждение|создание|формирование|направление|осуществление|реализация|изучение|"
    r"сбор|внедрение|использование|совершенствование|оказание|корректировка|"
    r"проведен[аоы]?|отслеживание)\b", re.I)
_DIRECTED = re.compile(r"^(?:рост|увеличение|повышение|прирост|сокращение|снижение|"
                       r"уменьшение)\b", re.I)


def measure_of(phrase: str) -> str:
    """What a phrase measures, by the first measure word in it: "share" (доля, %),
    "count" (количество, число), "score" (средний балл), or "" when it names none."""
    found = []
    for kind, pattern in (("share", _SHARE), ("share", _PERCENT), ("count", _COUNT),
                          ("score", _SCORE)):
        match = pattern.search(phrase)
        if match:
            found.append((match.start(), kind))
    return min(found)[1] if found else ""


def is_indicator(phrase: str) -> bool:
    """A phrase of a planned result that names something measurable: a share or a percent
    («доля …», «… 100% школ …», «(100%)»), or a count or mean score that should grow or
    fall. An activity's own wording («Проведение мониторинга доли …») is not one unless
    it names a figure."""
    measure = measure_of(phrase)
    if not measure:
        return False
    if _ACTIVITY.match(phrase) and not _PERCENT.search(phrase):
        return False
    if measure == "share":
        return True
    return bool(_DIRECTED.match(phrase) or _AT_LEAST.search(phrase)
                or _AT_MOST.search(phrase))


# --------------------------------------------------------------------------- unit, direction

_PEOPLE = re.compile(r"учащ|обучающ|ученик|школьник|педагог|учител|выпускник|дет[еия]|"
                     r"ребен|ребён|человек|специалист|участник|работник|родител|"
                     r"руководител|воспитанник|студент|наставник|кадр|победител|призер|"
                     r"призёр|медалист|стобалльник|лауреат|директор|заместител", re.I)
_EXPLICIT_UNIT = re.compile(r"(?:,|\(|\bв)\s*(%|чел\.?|человек|ед\.?|единиц[а-я]*|"
                            r"балл(?:ов|ы)?)\s*\)?\s*:?\s*$", re.I)


def unit_of(phrase: str, default: str = "") -> str:
    """The unit of the figure a phrase names: «%», «чел.», «ед.», «баллы»; ``default``
    when it names no figure."""
    explicit = _EXPLICIT_UNIT.search(phrase)
    if explicit:
        return normal_unit(explicit.group(1))
    measure = measure_of(phrase)
    if measure == "share":
        return "%"
    if measure == "score":
        return "баллы"
    if measure == "count":
        counted = phrase[_COUNT.search(phrase).end():]  # type: ignore[union-attr]
        return "чел." if _PEOPLE.search(counted[:80]) else "ед."
    return default


def normal_unit(text: str) -> str:
    """«%», «чел.», «ед.» or «баллы» for a unit as written («человек», «ед», «баллов»); ""
    when the text is none of them."""
    word = text.strip().lower().rstrip(".")
    if word in ("%", "процент", "проценты", "процентов"):
        return "%"
    if word in ("чел", "человек", "человека"):
        return "чел."
    if word in ("ед", "единиц", "единица", "единицы", "шт"):
        return "ед."
    if word.startswith("балл"):
        return "баллы"
    return ""


def direction_of(phrase: str, targets: dict[str, Decimal], default: str = "up") -> str:
    """«рост» (up), «снижение» (down) or «не ниже» (at_least): by the phrase's first word
    («Рост доли …», «Сокращение …»), by «не менее» / «не более», by the targets over the
    years (falling: down, rising: up, the same: at_least), else ``default``."""
    if _UP.match(phrase):
        return "up"
    if _DOWN.match(phrase):
        return "down"
    if _AT_MOST.search(phrase):
        return "down"
    if _AT_LEAST.search(phrase):
        return "at_least"
    values = [targets[period] for period in sorted(targets)]
    if len(values) > 1 and all(a > b for a, b in zip(values, values[1:])):
        return "down"
    if len(values) > 1 and all(a < b for a, b in zip(values, values[1:])):
        return "up"
    if values:
        return "at_least"
    return default


# --------------------------------------------------------------------------- targets

# «2021 — 85», «2022 г. - 87 %», «2021/2022 уч. год: 90», «2021-2022 — 91»
_YEAR_VALUE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)(?:\s?[/-]\s?((?:19|20)?\d\d)(?!\d))?\s?"
    r"(?:г\.|год[ау]?|уч\.\s?г(?:\.|од)|учебн[а-я]{1,3}\s+год[ау]?)?\s?([—–:-])\s?"
    r"(\d{1,9}(?:[.,]\d{1,4})?)(?!\d)\s?%?"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_BEFORE_PERCENT = re.compile(r"(?:свыше|более|больше|выше|менее|меньше|ниже|от)\s*$",
                             re.I)
_NOT_BEFORE = re.compile(r"не\s+(?:более|больше|выше|менее|меньше|ниже)\s*$", re.I)
_AFTER_PERCENT = re.compile(r"^\s?(?:от|из)\b", re.I)
_COUNT_TARGET = re.compile(
    r"(?:не\s+менее|не\s+ниже|не\s+более|не\s+выше|составит|на\s+уровне)\s+"
    r"(\d{1,9}(?:[.,]\d{1,2})?)\s?(чел\.?|человек[а]?|ед\.?|единиц[а-я]{0,2}|балл[а-я]{0,2})",
    re.I)


def year_targets(text: str) -> tuple[dict[str, Decimal], tuple[int, int] | None]:
    """The targets a text gives by year («2021 — 85, 2022 — 87»): {period: value}, and where
    in the text they stand (start, end), or None when it gives none."""
    targets: dict[str, Decimal] = {}
    span: tuple[int, int] | None = None
    for match in _YEAR_VALUE.finditer(text):
        first, second, dash, value = match.groups()
        if _YEAR.match(value) and dash != ":":
            continue  # «2021-2023», «2021 — 2023 годы»: a span of years, not a target
        period = first
        if second:
            year = int(first)
            later = int(second) if len(second) == 4 else year // 100 * 100 + int(second)
            if later != year + 1:
                continue
            period = f"{year}/{later}"
        try:
            period = parse_period(period)
            number = parse_number(value, "цель")
        except KartaError:
            continue
        if number is None or period in targets:
            continue
        targets[period] = number
        span = (span[0] if span else match.start(), match.end())
    return targets, span


def single_target(phrase: str, unit: str) -> tuple[Decimal | None, str]:
    """The one target a phrase states without a year: «(100%)», «100% школ», «в 100%
    школ», «не менее 80 %», «не менее 20 человек», and the text that states it. A percent
    that defines what is counted («свыше 30% от общего количества») is not a target; two
    different figures are none (the clerk sets the target)."""
    if unit == "%":
        found: list[tuple[Decimal, str]] = []
        for match in _PERCENT.finditer(phrase):
            before = phrase[max(0, match.start() - 20):match.start()]
            if _BEFORE_PERCENT.search(before) and not _NOT_BEFORE.search(before):
                continue
            if _AFTER_PERCENT.match(phrase[match.end():match.end() + 4]):
                continue
            value = parse_number(match.group(1), "цель")
            if value is not None and value <= 100:
                found.append((value, match.group(0)))
        if found and all(value == found[0][0] for value, _ in found):
            return found[0]
        return None, ""
    count = _COUNT_TARGET.search(phrase)
    if count and normal_unit(count.group(2)) == unit:
        return parse_number(count.group(1), "цель"), count.group(0)
    return None, ""


# --------------------------------------------------------------------------- whose schools

_GROUPS = (
    ("школы с НОР", re.compile(r"(?<![А-ЯЁа-яё])(?:Ш?НОР|ШНРО)(?![А-ЯЁа-яё])|"
                               r"низки[а-я]{1,2}\s+(?:образовательны[а-я]{1,2}\s+)?"
                               r"результат", re.I)),
    ("школы в неблагоприятных социальных условиях",
     re.compile(r"(?<![А-ЯЁа-яё])ШНСУ|ШФНСУ|неблагоприятн[а-я]{1,3}\s+"
                r"(?:социальн[а-я]{1,3}\s+)?услови", re.I)),
    ("ДОО", re.compile(r"(?<![А-ЯЁа-яё])(?:ДОО|ДОУ)(?![А-ЯЁа-яё])|дошкольн[а-я]{1,3}\s+"
                       r"(?:образовательн[а-я]{1,3}\s+)?(?:организац|учрежден)", re.I)),
    ("ОО", re.compile(r"(?<![А-ЯЁа-яё])(?:ОО|ОУ|ОУО)(?![А-ЯЁа-яё])|"
                      r"(?<![а-яё])[Шш]кол(?:[аыеу]|ами|ах|ам|ой)?(?![а-яё])|"
                      r"общеобразовательн|образовательн[а-я]{1,3}\s+(?:организац|учрежден)")),
)
# the groups an activity's title may lend a result that names none
SPECIFIC_GROUPS = ("школы с НОР", "школы в неблагоприятных социальных условиях", "ДОО")


def group_of(phrase: str) -> str:
    """Whose schools a phrase counts: «школы с НОР», «школы в неблагоприятных социальных
    условиях», «ДОО», «ОО» (schools in general), or "" (all, or not said)."""
    for group, pattern in _GROUPS:
        if pattern.search(phrase):
            return group
    return ""


_SCHOOLS_COUNTED = re.compile(r"(?:\d\s?%\s?|(?i:дол[яиюе]|долей)\s+)(?:[а-яё]+\s+){0,2}?"
                              r"(?:школ|ОУ|ОО|ДОО|ДОУ|организаци|учреждени|образовательн)")


def counts_schools(phrase: str) -> bool:
    """The share is of schools («доля ОУ, в которых …», «100% школ с НОР»), not of
    people within them."""
    return bool(_SCHOOLS_COUNTED.search(phrase))


# --------------------------------------------------------------------------- what is counted

_SHARE_OF = re.compile(r"(?<![а-яё])(?:дол[яиюе]|долей)\s+", re.I)
_PERCENT_OF = re.compile(r"\d\s?%\s+(?:[а-яё]{2,30}(?:ние|тие)\s+)?", re.I)
_TOKEN = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*|[^\sА-Яа-яЁё]")


@dataclass(frozen=True)
class Counted:
    """What a share counts: the numerator and the denominator in words, nominative."""

    numerator: str
    denominator: str


def counted_of(phrase: str, unit: str) -> Counted:
    """«Доля ОУ, в которых организована работа» → «ОУ, в которых организована работа» over
    «ОУ»; «Сокращение доли учащихся, не набравших минимальные баллы» → «учащиеся, не
    набравшие минимальные баллы» over «учащиеся»; «Оказана помощь 100% школ с НОР» and
    «Участие педагогов школ с НОР в работе ГМО» → over «школы с НОР», «педагоги школ с НОР»;
    a count: what is counted, no denominator. ``unit`` says which it is."""
    measure = "share" if unit == "%" else measure_of(phrase)
    share = _SHARE_OF.search(phrase)
    if measure == "share" and share:
        rest = phrase[share.end():]
        numerator = nominative(rest)
        head = re.split(r",|\s(?=котор)", rest, maxsplit=1)[0]
        denominator = nominative(head if "," in rest or "котор" in rest
                                 else _without_attributes(head))
        return Counted(numerator.strip(), denominator.strip())
    if measure == "share":
        of = _PERCENT_OF.search(phrase) or _INVOLVED.match(phrase)
        if of:
            group = _GROUP_END.split(phrase[of.end():], maxsplit=1)[0]
            return Counted("", nominative(group).strip())
    count = _COUNT.search(phrase)
    if measure == "count" and count:
        words = phrase[count.end():].split(" ", 1)  # past «количества»
        return Counted(nominative(words[1]).strip() if len(words) > 1 else "", "")
    return Counted("", "")


_INVOLVED = re.compile(r"^(?:участие|вовлечение|охват)\s+", re.I)
_GROUP_END = re.compile(r",|\s(?:в|во|на|по|для|к|из|при)\s|\s?\(")


def _without_attributes(text: str) -> str:
    """The noun group without the adjectives and participles before its noun («мотивированных
    учащихся в школах» → «учащихся в школах»): they say what the numerator counts."""
    words = text.split(" ")
    start = 0
    while start < len(words) - 1:
        parse = _genitive_parse(words[start])
        if parse is None or parse[0] in ("NOUN", "ABBR"):
            break
        start += 1
    return " ".join(words[start:])


@lru_cache(maxsize=1)
def _morphology() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=4096)
def _genitive_parse(word: str) -> tuple[str, str] | None:
    """(part of speech, the nominative) of a word that can be a noun, adjective or
    participle in the genitive plural; ("ABBR", word) for an abbreviation; else None."""
    if len(word) > 1 and word.isupper():
        return "ABBR", word
    parses = [parse for parse in _morphology().parse(word)
              if parse.tag.POS in ("NOUN", "ADJF", "PRTF") and "gent" in parse.tag
              and "plur" in parse.tag]
    if not parses:
        return None
    # a participle or adjective used as a noun («учащихся», «обучающихся») heads the group
    nouns = [parse for parse in parses if parse.tag.POS == "NOUN" or "Subx" in parse.tag]
    parse = (nouns or parses)[0]
    inflected = parse.inflect({"nomn", "plur"})
    if inflected is None:
        return None
    nominative = str(inflected.word)
    if parse.tag.POS == "NOUN":
        forms = {str(form.word) for form in parse.lexeme
                 if "nomn" in form.tag and "plur" in form.tag}
        if len(forms) > 1:  # «учители» and «учителя»: a school says «учителя»
            nominative = next((form for form in sorted(forms) if form.endswith(("а", "я"))),
                              nominative)
    if "ё" not in word.lower():  # the writer's «е» stays («призеры», not «призёры»)
        nominative = nominative.replace("ё", "е").replace("Ё", "Е")
    if word[:1].isupper():
        nominative = nominative[:1].upper() + nominative[1:]
    return ("NOUN" if nouns else str(parse.tag.POS)), nominative


def nominative(text: str, limit: int = 40) -> str:
    """A counted noun group put from the genitive (after «доля», «100%») into the
    nominative: the head noun with its adjectives, and the participle opening a clause
    after a comma («учащихся, не набравших минимальные баллы» → «учащиеся, не набравшие
    минимальные баллы»); dependent words, prepositional groups and clauses stay as written.
    Only the first ``limit`` words are looked at."""
    out: list[str] = []
    position = 0
    active, noun_done, clause = True, False, False
    for count, match in enumerate(_TOKEN.finditer(text)):
        token = match.group(0)
        replacement = token
        if count >= limit:
            active = False
        if token == ",":
            active, noun_done, clause = True, False, True
        elif active and token[0].isalpha():
            lower = token.lower()
            if lower == "не" or _is_adverb(lower):
                pass
            else:
                parse = _genitive_parse(token)
                if parse is None:
                    active = False
                else:
                    kind, word = parse
                    if kind in ("NOUN", "ABBR"):
                        if noun_done:
                            active = False
                        else:
                            replacement = word if kind == "NOUN" else token
                            noun_done, clause = True, False
                    elif clause and kind == "PRTF":
                        replacement, active = word, False
                    else:
                        replacement, clause = word, False
        elif active:
            active = False
        out.append(text[position:match.start()])
        out.append(replacement)
        position = match.end()
    out.append(text[position:])
    return "".join(out)


@lru_cache(maxsize=4096)
def _is_adverb(word: str) -> bool:
    return any(parse.tag.POS == "ADVB" for parse in _morphology().parse(word)[:2])
