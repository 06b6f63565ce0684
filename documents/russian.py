"""Russian for documents: dates (Babel), plurals, people's names and noun phrases in any case.

- Names are declined with pytrovich (the person's gender is stored); «Волковой Е.В.» declines
  the surname only.
- Positions, bodies and activity titles are noun phrases: the leading adjectives and the head
  noun are declined with pymorphy3, the rest («по культуре и спорту», «МКУ «ЦБУМР»») is kept,
  capitals and quotes are restored.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache
from typing import Any

from documents.phrases import (  # noqa: F401 (the grammar of phrases, used from here)
    CASE_NAMES,
    about,
    case_tag,
    clean_title,
    decline_phrase,
    decline_title,
    lower_first,
    preposition_o,
    quoted,
    subject,
)

CASES = CASE_NAMES


def _morph() -> Any:
    from documents.phrases import morph

    return morph()


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


# The fields a date in a document may show, by karta's rule rather than by what a Babel
# release happens to accept (Babel 2.19 prints «ddd» as «007»): day, month (formatting and
# standalone), year, weekday, quarter, each in the widths CLDR defines for it.
DATE_FIELDS = frozenset({"d", "dd", "M", "MM", "MMM", "MMMM", "L", "LL", "LLL", "LLLL",
                         "y", "yy", "yyyy", "E", "EE", "EEE", "EEEE", "Q", "QQ", "QQQ", "QQQQ"})
_PATTERN_PART = re.compile(r"'(?:[^']|'')*'|''|([A-Za-z])\1*|[^A-Za-z']+|'")


@lru_cache(maxsize=256)
def check_date_pattern(pattern: str) -> None:
    """Raise ValueError naming what a date pattern may not hold: a field other than
    DATE_FIELDS (times, «ddd») or an unclosed quote."""
    position = 0
    while position < len(pattern):
        match = _PATTERN_PART.match(pattern, position)
        assert match is not None  # every character starts one of the alternatives
        part = match.group(0)
        if part == "'":
            raise ValueError("незакрытая кавычка")
        if match.group(1) and part not in DATE_FIELDS:
            raise ValueError(f"поле «{part}» не бывает в дате документа")
        position = match.end()


@lru_cache(maxsize=4096)
def format_date(value: date | str, pattern: str = "dd.MM.y") -> str:
    """A date by an explicit Babel pattern: «dd.MM.y» → 14.12.2020,
    «d MMMM y 'г.'» → 14 декабря 2020 г., «LLLL y» → декабрь 2020. Patterns are checked
    by karta's rule first (check_date_pattern)."""
    from babel.dates import format_date as babel_format

    check_date_pattern(pattern)
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


_FEMININE_PATRONYMIC = ("вна", "чна", "шна", "кызы", "гызы")
_MASCULINE_PATRONYMIC = ("вич", "ич", "оглы", "улы", "уулу")
_FEMININE_SURNAME = ("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая")
_MASCULINE_SURNAME = ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой", "ий")


@lru_cache(maxsize=4096)
def gender_of(full_name: str, gender: str = "") -> str:
    """The person's gender: as stored, else from the patronymic («…вна» f, «…вич» m),
    else from the first name, else from a Russian surname («Волкова Е.В.»); "" when none
    of them tells."""
    if gender in ("m", "f"):
        return gender
    parts = _name_parts(full_name)
    full = [part for part in parts if "." not in part]
    if len(full) >= 3:
        patronymic = full[2].lower()
        if patronymic.endswith(_FEMININE_PATRONYMIC):
            return "f"
        if patronymic.endswith(_MASCULINE_PATRONYMIC):
            return "m"
    if len(full) >= 2:
        for parsed in _morph().parse(full[1]):
            if "Name" in parsed.tag.grammemes and parsed.tag.case == "nomn" and \
                    parsed.tag.gender in ("masc", "femn"):
                return "f" if parsed.tag.gender == "femn" else "m"
    if parts:
        surname = parts[0].lower()
        if surname.endswith(_FEMININE_SURNAME):
            return "f"
        if surname.endswith(_MASCULINE_SURNAME):
            return "m"
    return ""


@lru_cache(maxsize=4096)
def decline_full_name(full_name: str, gender: str, case: str) -> str:
    """«Белокреницкая Елена Викторовна» → «Белокреницкой Елене Викторовне» (dative); the
    gender, when not given, from the patronymic."""
    gender = gender_of(full_name, gender)
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
    gender = gender_of(full_name, gender)
    from pytrovich.enums import NamePart

    tag = case_tag(case)
    surname = parts[0] if tag == "nomn" else _decline_name_part(parts[0], NamePart.LASTNAME,
                                                                  gender, tag)
    return f"{surname} {_initials(parts)}".strip()


def initials_then_surname(full_name: str) -> str:
    """«Андреева Светлана Леонидовна» → «С.Л. Андреева» (the signature line)."""
    parts = _name_parts(full_name)
    if not parts:
        return ""
    return f"{_initials(parts)} {parts[0]}".strip()


def _initials(parts: list[str]) -> str:
    """«Е.В.» from «Елена Викторовна» or from «Е.В.» as written (two letters at most)."""
    letters: list[str] = []
    for part in parts[1:]:
        if "." in part:
            letters.extend(re.findall(r"[А-ЯЁA-Z]", part))
        elif part[:1].isupper():
            letters.append(part[0])
    return "".join(f"{letter}." for letter in letters[:2])


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

@lru_cache(maxsize=16384)
def _best_parse(word: str, case: str = "nomn") -> Any:
    for parsed in _morph().parse(word.lower()):
        if case in parsed.tag and {"NOUN", "ADJF", "PRTF"} & set(parsed.tag.grammemes):
            return parsed
    return None


def _restore_case(original: str, word: str) -> str:
    from documents.phrases import restore_case

    return restore_case(original, word)


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


# ----------------------------------------------------------------------------- periods

_MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
           "сентябрь", "октябрь", "ноябрь", "декабрь")


@lru_cache(maxsize=4096)
def period_label(label: str) -> str:
    """A period as a table or a list names it: «2022-05» → «май 2022 г.», «2022-Q3» →
    «III квартал 2022 г.», «2022» → «2022 г.», «2021/22» → «2021/22 учебный год»,
    «2021-2023» → «2021–2023 гг.»."""
    if re.fullmatch(r"\d{4}", label):
        return f"{label} г."
    match = re.fullmatch(r"(\d{4})-Q([1-4])", label)
    if match:
        return f"{_ROMAN_QUARTERS[int(match.group(2))]} квартал {match.group(1)} г."
    match = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{_MONTHS[int(match.group(2)) - 1]} {match.group(1)} г."
    if re.fullmatch(r"\d{4}/\d{2}", label):
        return f"{label} учебный год"
    match = re.fullmatch(r"(\d{4})-(\d{4})", label)
    if match:
        return f"{match.group(1)}–{match.group(2)} гг."
    return label


def _month_of(label: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})", label)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _quarter_of(label: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{4})-Q([1-4])", label)
    return (int(match.group(1)), int(match.group(2))) if match else None


def schedule(occurrences: list[dict[str, Any]], deadline_text: str = "") -> str:
    """The deadlines of an activity's occurrences in a year, once: «ежемесячно, январь –
    декабрь 2022 г.» for twelve monthly ones, «ежеквартально, I–IV кварталы 2022 г.», else
    each due date («31.05.2022», «30.12.2022», one a line); the roadmap's phrase when no
    date is set."""
    periods = [str(o.get("period", "")) for o in occurrences]
    months = [_month_of(p) for p in periods]
    if len(periods) >= 3 and all(months):
        ordinals = [y * 12 + m for y, m in months]  # type: ignore[misc]
        if ordinals == list(range(ordinals[0], ordinals[0] + len(ordinals))):
            (y1, m1), (y2, m2) = months[0], months[-1]  # type: ignore[misc]
            span = (f"{_MONTHS[m1 - 1]}–{_MONTHS[m2 - 1]} {y1} г." if y1 == y2 else
                    f"{_MONTHS[m1 - 1]} {y1} г. – {_MONTHS[m2 - 1]} {y2} г.")
            return f"ежемесячно, {span}"
    quarters = [_quarter_of(p) for p in periods]
    if len(periods) >= 2 and all(quarters) and len({q[0] for q in quarters if q}) == 1:
        numbers = [q[1] for q in quarters if q]
        year = quarters[0][0]  # type: ignore[index]
        return (f"ежеквартально, {_ROMAN_QUARTERS[numbers[0]]}–"
                f"{_ROMAN_QUARTERS[numbers[-1]]} кварталы {year} г.")
    lines = [due_phrase(period, o.get("due"), deadline_text) if o.get("due") else ""
             for o, period in zip(occurrences, periods)]
    if not any(lines):
        return deadline_text
    return "\n".join(line or period_label(period) for line, period in zip(lines, periods))


def due_phrase(period: str, due: str | None, deadline_text: str = "") -> str:
    """One occurrence's deadline as a plan names it. When the roadmap names no day
    («Ежегодно», «декабрь», «апрель-май», «IV квартал») the due date is only the end of the
    period, and the plan says the period: «в течение 2022 г.», «в течение 2021/22 учебного
    года», «декабрь 2022 г.», «апрель–май 2022 г.», «IV квартал 2022 г.»; a day the roadmap
    names, or a date moved by the clerk, is printed as a date («25.01.2022»)."""
    from workflow.deadlines import MONTHS, read_deadline

    if not due:
        return period_label(period)
    day = date.fromisoformat(str(due)[:10])
    parts = read_deadline(deadline_text).parts if deadline_text.strip() else ()
    windows = [w for part in parts for w in part.windows]
    stated = any(w.day for w in windows) or any(part.day or part.due for part in parts)
    ends = day.day > calendar.monthrange(day.year, day.month)[1] - 3  # or its last workday
    if stated or not ends:
        return format_date(day)
    window = next((w for w in windows if w.last == day.month), None)
    if window is not None and window.first < window.last:
        return f"{MONTHS[window.first - 1]}–{MONTHS[window.last - 1]} {day.year} г."
    if window is not None and window.first == window.last:
        return f"{MONTHS[window.last - 1]} {day.year} г."
    if re.fullmatch(r"\d{4}", period) and (day.year, day.month) == (int(period), 12):
        return f"в течение {period} г."
    school = re.fullmatch(r"(\d{4})/\d{2}", period)
    if school and (day.year, day.month) == (int(school.group(1)) + 1, 8):
        return f"в течение {period} учебного года"
    month, quarter = _month_of(period), _quarter_of(period)
    if month and month == (day.year, day.month):
        return period_label(period)
    if quarter and (quarter[0], quarter[1] * 3) == (day.year, day.month):
        return period_label(period)
    return format_date(day)


# ----------------------------------------------------------------------------- attachments

_OFFICE_SUFFIX = re.compile(r"\.(docx?|xlsx?|pdf|odt|ods|odp|rtf|txt|csv|jpe?g|png|gif|bmp|"
                            r"tiff?|heic|pptx?|zip|rar|7z)$", re.I)
_PICTURES = {"jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "heic"}
_TABLES = {"xls", "xlsx", "ods", "csv"}
# what people and cameras add to a file name that is not part of what the file is:
# «Отчёт1», «Отчёт (2)», «отчет_v2», «Отчёт - копия», «отчёт final» (not «Отчёт 2021»)
_FILE_NOISE = re.compile(r"(?:\s*\(\d+\)|(?<=[а-яёa-z])\d{1,2}|[\s-]+v\d+|"
                         r"[\s-]+(?:копия|copy|final))+$", re.I)


def attachment_name(file: dict[str, Any]) -> str:
    """What an attached file is, as an office names it: the file's name without its
    extension, counters and underscores («Отчёт1.docx» → «Отчёт», «список_участников (2)
    .xlsx» → «Список участников»); a name without Russian words («IMG_2034.jpg»,
    «scan0001.pdf») becomes what the file is («Фотография», «Таблица», «Документ»)."""
    name = str(file.get("name") or "").strip()
    match = _OFFICE_SUFFIX.search(name)
    suffix = match.group(1).lower() if match else ""
    stem = name[:match.start()] if match else name
    stem = re.sub(r"[_\s]+", " ", stem).strip(" .-")
    cleaned = _FILE_NOISE.sub("", stem).strip(" .-") or stem
    if not re.search(r"[а-яё]{2}", cleaned, re.I):
        return "Фотография" if suffix in _PICTURES else "Таблица" if suffix in _TABLES \
            else "Документ"
    return upper_first(cleaned)


def attachment(file: dict[str, Any]) -> str:
    """An attached file as an office lists it: «Список участников на 3 л. в 1 экз.» when the
    number of sheets is known; else «Список участников в электронном виде (файл XLSX)» —
    never a bare file name, its size or checksum."""
    name = attachment_name(file)
    pages = file.get("pages")
    if isinstance(pages, int) and pages > 0:
        return f"{name} на {pages} л. в 1 экз."
    match = _OFFICE_SUFFIX.search(str(file.get("name") or "").strip())
    kind = f" (файл {match.group(1).upper()})" if match else ""
    return f"{name} в электронном виде{kind}"


def sheets_of(name: str, data: bytes) -> int | None:
    """How many sheets an attached file has, when the file says so: the pages of a PDF, the
    page count Word or LibreOffice saved in a .docx or .odt, one for a picture; ``None``
    for anything else (a table, a text file)."""
    lowered = name.lower()
    if lowered.endswith(".pdf") or data[:5] == b"%PDF-":
        pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
        return pages or None
    if lowered.rsplit(".", 1)[-1] in _PICTURES:
        return 1
    wanted = {".docx": ("docProps/app.xml", rb"<Pages>(\d+)</Pages>"),
              ".odt": ("meta.xml", rb"meta:page-count=\"(\d+)\"")}
    for suffix, (part, pattern) in wanted.items():
        if not lowered.endswith(suffix):
            continue
        from workflow.errors import KartaError
        from workflow.importing.limits import Deadline
        from workflow.importing.package import Package

        try:  # an executor's file: checked as every untrusted package (no zip bomb)
            package = Package(name, data, "документом Word", Deadline(name, 5.0))
            info = package.infos.get(part)
            if info is None or info.file_size > 1024 * 1024:  # a few hundred bytes
                return None
            text = package.read(part)
        except KartaError:
            return None
        match = re.search(pattern, text)
        return int(match.group(1)) or None if match else None
    return None


# ----------------------------------------------------------------------------- typography

_MONTHS_GENITIVE = ("января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|"
                    "ноября|декабря")
_TYPOGRAPHY = (
    # «№ 01-09/64», «№ 1»: the sign stays with its number
    (re.compile(r"№[ \t]+(?=\S)"), "№\u00a0"),
    # «2021-2023 годы» → «2021–2023 годы»: a range of years takes an en dash (no invisible
    # joiner: it would break copying and searching the text)
    (re.compile(r"(?<!\d)((?:19|20)\d\d)[ \t]*[-–—][ \t]*\u2060?((?:19|20)\d\d)(?!\d)"
                r"(?=[ \t]*(?:год|гг\.|г\.|учебн))"), "\\1–\\2"),
    # «14 декабря 2020 г.»: a date is never broken
    (re.compile(rf"(?<!\d)(\d{{1,2}})[ \t]+({_MONTHS_GENITIVE})[ \t]+(\d{{4}})"),
     "\\1\u00a0\\2\u00a0\\3"),
    # «2021–2023 годы», «2020 г.», «2022 года»: the number stays with its word
    (re.compile(r"(\d)[ \t]+(годы|годов|годах|годам|года|году|годом|год|гг\.|г\.)(?![а-яё])"),
     "\\1\u00a0\\2"),
    # «С.Л. Андреева», «Белокреницкая Е.В.», «г. Заозерск»
    (re.compile(r"(?<![А-ЯЁа-яё])([А-ЯЁ]\.)[ \t]?([А-ЯЁ]\.)[ \t]+(?=[А-ЯЁ][а-яё])"),
     "\\1\\2\u00a0"),
    (re.compile(r"(?<=[а-яё])[ \t]+(?=[А-ЯЁ]\.[ \t]?[А-ЯЁ]\.)"), "\u00a0"),
    (re.compile(r"(?<![А-ЯЁа-яё])(г|с|п|ул|д)\.[ \t]+(?=[А-ЯЁ0-9])"), "\\1.\u00a0"),
)


# characters XML 1.0 cannot hold (a document with one does not open): C0 controls but tab,
# line feed and carriage return, and the non-characters U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text a Word document can hold: a control character is shown as «\\xNN», so what
    was typed stays visible and the file stays readable."""
    if not _NOT_XML.search(text):
        return text
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group(0)):02x}", text)


def typography(text: str) -> str:
    """No-break spaces where a line must not break (inside «№ 01-05/2», a date, «2021–2023
    годы», «С.Л. Андреева», «г. Заозерск») and an en dash in a range of years."""
    if not text or not any(char in text for char in "№.0123456789"):
        return text
    for pattern, replacement in _TYPOGRAPHY:
        text = pattern.sub(replacement, text)
    return text


# ----------------------------------------------------------------------------- reasons

# a reason said as a clause («изменился срок …»): its verb as the noun «в связи с» takes
_REASON_VERBS = {
    "изменил": "изменением", "сменил": "сменой", "перенес": "переносом",
    "уточнил": "уточнением", "уточнен": "уточнением", "продлен": "продлением",
    "продлил": "продлением", "отменен": "отменой", "отменил": "отменой",
}


@lru_cache(maxsize=1024)
def because(reason: str) -> str:
    """A reason as «в связи с» takes it: «изменился срок исполнения» → «изменением срока
    исполнения», «изменение срока» → «изменением срока», «опечатка в пункте 2» →
    «опечаткой в пункте 2»; "" when it cannot be said so safely (the caller keeps «в связи с
    необходимостью … (причина)»)."""
    from documents.phrases import best, read_phrase

    text = " ".join(reason.split()).rstrip(" .;,")
    if not text or any(sign in text for sign in ";:!?"):
        return ""
    first, _, rest = text.partition(" ")
    stem = first.lower().replace("ё", "е")
    parsed = best(first)
    if {"VERB", "PRTS"} & parsed.tag.grammemes:
        noun = next((noun for prefix, noun in _REASON_VERBS.items()
                     if stem.startswith(prefix)), None)
        if noun is None or not rest:
            return ""
        items, reading = read_phrase(rest, "gent")
        if not reading.replace:
            return ""
        return f"{noun} {decline_phrase(rest, 'genitive')}"
    if "NOUN" in parsed.tag.grammemes and parsed.tag.case == "nomn":
        if any({"VERB", "PRTS", "INFN"} & best(word).tag.grammemes
               for word in re.findall(r"[А-Яа-яЁё]+", rest)):
            return ""  # a clause («мероприятие отменено»), not a noun phrase
        items, reading = read_phrase(text, "ablt")
        if reading.replace and any(items[i].text != word for i, word in reading.replace.items()):
            return lower_first(decline_phrase(text, "instrumental"))
    return ""
