"""Noun phrases in the case a sentence needs: titles, positions, addressees.

A phrase is read as a clerk reads it: its *head group* — the leading adjectives and
participles and the head noun, and every noun group coordinated with it («Сбор и анализ
данных», «Проектная, исследовательская деятельность», «Выявление … и профилактическая
работа …») — takes the case; the dependents («данных», «по вопросам …», «(далее – ГМО)»,
«МКУ «ЦБУМР»») stay as written. pymorphy3 gives every word's possible forms; a word after
«и» or a comma starts a new coordinated group only when it can be nominative and cannot
continue the dependent before it (its case does not fit), so «через организацию и
проведение» stays a dependent.

``decline_title`` says ``None`` when a title cannot be declined safely — it starts with a
verb or a quote, holds two sentences or a list, or a word the dictionary does not know
heads it; callers then use a form that is always right («исполнения мероприятия «…»»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

CASE_NAMES = {
    "nominative": "nomn", "genitive": "gent", "dative": "datv", "accusative": "accs",
    "instrumental": "ablt", "prepositional": "loct",
}
_CASE_ALIASES = {**CASE_NAMES, **{tag: tag for tag in CASE_NAMES.values()},
                 "именительный": "nomn", "родительный": "gent", "дательный": "datv",
                 "винительный": "accs", "творительный": "ablt", "предложный": "loct"}
_OBLIQUE = frozenset({"gent", "datv", "accs", "ablt", "loct"})
_ALL_CASES = _OBLIQUE | {"nomn"}
_SAME_CASE = {"gen2": "gent", "loc2": "loct", "acc2": "accs", "voct": "nomn"}
# the cases a preposition governs (those a following noun may take)
_PREPOSITIONS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("в", "во", "на", "о", "об", "обо", "про", "через", "сквозь"),
                    frozenset({"loct", "accs"})),
    **dict.fromkeys(("по",), frozenset({"datv", "loct", "accs"})),
    **dict.fromkeys(("к", "ко", "согласно", "благодаря", "вопреки"), frozenset({"datv"})),
    **dict.fromkeys(("с", "со"), frozenset({"ablt", "gent", "accs"})),
    **dict.fromkeys(("за", "под", "подо"), frozenset({"ablt", "accs"})),
    **dict.fromkeys(("над", "перед", "между", "меж"), frozenset({"ablt"})),
    **dict.fromkeys(("при",), frozenset({"loct"})),
    **dict.fromkeys(("для", "из", "изо", "от", "ото", "до", "у", "без", "после", "среди",
                     "вокруг", "около", "против", "ради", "кроме", "вне", "внутри", "возле",
                     "вдоль", "мимо", "из-за", "из-под", "посредством", "путем", "путём",
                     "вследствие", "относительно"), frozenset({"gent"})),
}
_CONJUNCTIONS = {"и", "или", "а", ","}
_MODIFIER = {"ADJF", "PRTF"}
_HEAD_POS = {"NOUN", "NPRO"}
# titles headed by these name a state or a paper, not something done: «Об итогах наличия
# системы …» says nothing; such a title is quoted («Об итогах исполнения мероприятия «…»»)
NOT_AN_ACTION = frozenset({"наличие", "отчет"})


def case_tag(case: str) -> str:
    """The pymorphy3 tag of a case given by English or Russian name or by tag."""
    try:
        return _CASE_ALIASES[str(case).lower()]
    except KeyError:
        raise ValueError(f"неизвестный падеж «{case}»; падежи: "
                         + ", ".join(CASE_NAMES)) from None


@lru_cache(maxsize=1)
def morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=65536)
def parses(word: str) -> tuple[Any, ...]:
    """Every analysis of a word as a noun, adjective, participle or pronoun."""
    return tuple(p for p in morph().parse(word.lower())
                 if {"NOUN", "ADJF", "PRTF", "NPRO", "NUMR"} & p.tag.grammemes
                 and "Abbr" not in p.tag.grammemes)


@lru_cache(maxsize=65536)
def best(word: str) -> Any:
    """The likeliest analysis of a word, whatever its part of speech."""
    return morph().parse(word.lower())[0]


def _case(parse: Any) -> str:
    case = str(parse.tag.case or "")
    return _SAME_CASE.get(case, case)


@lru_cache(maxsize=65536)
def cases_of(word: str) -> frozenset[str]:
    """The cases a word can be in."""
    return frozenset(_case(p) for p in parses(word) if p.tag.case)


def restore_case(original: str, word: str) -> str:
    """A declined word spelt as the original: its capitals, no «ё» the writer did not use."""
    if "ё" not in original.lower():
        word = word.replace("ё", "е").replace("Ё", "Е")
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# ----------------------------------------------------------------------------- tokens

@dataclass
class Token:
    """A piece of a phrase: a word, a «quoted name», a (parenthesis), a space or a sign."""

    text: str
    kind: str  # word, quote, paren, space, sign

    @property
    def is_word(self) -> bool:
        return self.kind == "word"

    @property
    def is_abbreviation(self) -> bool:
        letters = re.sub(r"[^А-ЯЁа-яёA-Za-z]", "", self.text)
        return self.kind == "word" and len(letters) > 1 and letters.isupper()


_WORD = re.compile(r"[А-Яа-яЁёA-Za-z0-9]+(?:[-‐][А-Яа-яЁёA-Za-z0-9]+)*")
_PAIRS = {"«": "»", "(": ")", "„": "“", "\"": "\""}


def tokens(text: str) -> list[Token]:
    """The phrase's tokens; a quote or a parenthesis (nested ones inside) is one token."""
    result: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in _PAIRS:
            end = _closing(text, index)
            if end is not None:
                result.append(Token(text[index:end + 1], "quote" if char != "(" else "paren"))
                index = end + 1
                continue
        if char.isspace():
            match = re.match(r"\s+", text[index:])
            assert match is not None
            result.append(Token(match.group(0), "space"))
            index += len(match.group(0))
            continue
        match = _WORD.match(text, index)
        if match:
            result.append(Token(match.group(0), "word"))
            index = match.end()
            continue
        result.append(Token(char, "sign"))
        index += 1
    return result


def _closing(text: str, start: int) -> int | None:
    opening = text[start]
    closing = _PAIRS[opening]
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == closing and (depth == 1 or opening == closing) and index > start:
            return index
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
    return None


# ----------------------------------------------------------------------------- head groups

def _nominatives(word: str, pos: set[str]) -> list[Any]:
    return [p for p in parses(word) if _case(p) == "nomn" and pos & p.tag.grammemes]


def _agree(modifier: Any, noun: Any) -> bool:
    if modifier.tag.number != noun.tag.number:
        return False
    return noun.tag.number == "plur" or modifier.tag.gender in (None, noun.tag.gender) or \
        noun.tag.gender == "ms-f"


@dataclass
class Group:
    """Words of a head group (indices into the tokens) with the analysis each takes."""

    words: list[tuple[int, Any]]
    noun: Any  # the head noun's analysis, or the substantivised modifier's


def _group_at(items: list[Token], start: int) -> Group | None:
    """The head group starting at ``items[start]``: modifiers (joined by commas or «и»)
    and the noun they agree with; a modifier with no noun after it heads itself
    («исполняющий обязанности …», «заведующий хозяйством»)."""
    modifiers: list[int] = []
    index = start
    while index < len(items):
        token = items[index]
        if not token.is_word or token.is_abbreviation:
            break
        nouns = _nominatives(token.text, _HEAD_POS) if not token.text.isdigit() else []
        adjectives = _nominatives(token.text, _MODIFIER)
        if nouns:
            choice = _head_with(items, modifiers, index, nouns, adjectives)
            if choice is not None:
                return choice
        if not adjectives:
            break
        modifiers.append(index)
        index = _next_word(items, index)
        if index < len(items) and items[index].text in (",", "и"):
            following = _next_word(items, index)
            if following < len(items) and items[following].is_word and \
                    _nominatives(items[following].text, _MODIFIER):
                index = following
                continue
            break
    if not modifiers:
        return None
    # substantivised: the modifiers alone, in the form of the first one
    head = _nominatives(items[modifiers[-1]].text, _MODIFIER)[0]
    words = []
    for position in modifiers:
        found = [p for p in _nominatives(items[position].text, _MODIFIER) if _agree(p, head)]
        if not found:
            return None
        words.append((position, found[0]))
    return Group(words, head)


def _head_with(items: list[Token], modifiers: list[int], index: int, nouns: list[Any],
               adjectives: list[Any]) -> Group | None:
    """The noun at ``index`` heads the modifiers before it when they agree with it; when
    the word can also be an adjective agreeing with a noun after it («старший инспектор»),
    it is that adjective instead."""
    following = _next_word(items, index)
    if adjectives and following < len(items) and items[following].is_word:
        after = _nominatives(items[following].text, _HEAD_POS | _MODIFIER)
        if any(_agree(a, n) for a in adjectives for n in after):
            return None  # read it as a modifier of what follows
    for noun in nouns:
        words = []
        for position in modifiers:
            found = [p for p in _nominatives(items[position].text, _MODIFIER) if _agree(p, noun)]
            if not found:
                break
            words.append((position, found[0]))
        else:
            return Group([*words, (index, noun)], noun)
    return None


def _next_word(items: list[Token], index: int) -> int:
    """The index of the next token that is not a space."""
    index += 1
    while index < len(items) and items[index].kind == "space":
        index += 1
    return index


def _inflect(word: str, parse: Any, case: str, head: Any) -> str | None:
    number = str(head.tag.number or "sing")
    wanted = {case, number}
    if number == "sing" and head.tag.gender in ("masc", "femn", "neut"):
        wanted.add(str(head.tag.gender))  # a modifier agrees with its noun
    if case == "accs" and (number == "plur" or head.tag.gender == "masc"):
        if parse is not head:
            wanted.add(str(head.tag.animacy or "inan"))
        elif _MODIFIER & parse.tag.grammemes:
            wanted.add("anim")  # a substantivised participle names a person: «исполняющего»
    if parse is head and "NOUN" in parse.tag.grammemes:
        wanted = {case}  # a noun keeps its own number and gender
    pieces = word.split("-")
    if len(pieces) == 2 and parse is head and all(
            _nominatives(piece, _HEAD_POS) for piece in pieces):
        # «школы-партнеры», «педагог-оценщик»: both nouns decline
        declined = [_inflect_piece(piece, case, number, str(head.tag.animacy or "inan"))
                    for piece in pieces]
        if all(declined):
            return "-".join(restore_case(p, d or p) for p, d in zip(pieces, declined))
    try:
        inflected = parse.inflect(wanted)
    except ValueError:
        inflected = None
    if inflected is None and len(wanted) > 1:
        inflected = parse.inflect({case})
    return restore_case(word, inflected.word) if inflected is not None else None


def _inflect_piece(piece: str, case: str, number: str, animacy: str) -> str | None:
    for parse in _nominatives(piece, _HEAD_POS):
        if parse.tag.number == number or number == "sing":
            wanted = {case, str(parse.tag.number or number)}
            if case == "accs":
                wanted.add(animacy)  # the first noun decides: «школы-партнеры»
            inflected = parse.inflect(wanted) or parse.inflect({case})
            if inflected is not None:
                return str(inflected.word)
    return None


# ----------------------------------------------------------------------------- phrases

@dataclass
class Reading:
    """How a phrase was read: the words to replace, and whether it is safe as a title."""

    replace: dict[int, str]
    safe: bool
    reason: str = ""


def read_phrase(text: str, case: str) -> tuple[list[Token], Reading]:
    """Tokens of a phrase and the replacements putting its head groups in ``case``."""
    tag = case_tag(case)
    items = tokens(text)
    first = _next_word(items, -1)
    if first >= len(items) or not items[first].is_word:
        return items, Reading({}, False, "начинается не со слова")
    if items[first].is_abbreviation or items[first].text[:1].isdigit():
        return items, Reading({}, True, "аббревиатура не склоняется")
    group = _group_at(items, first)
    if group is None:
        return items, Reading({}, False, "первое слово — не существительное в именительном "
                                         "падеже")
    replace: dict[int, str] = {}
    if not _put(items, group, tag, replace):
        return items, Reading({}, False, "слово не склоняется по словарю")
    safe, reason = True, ""
    index = group.words[-1][0]
    after_head = True  # the word before the next conjunction is (part of) a head group
    governed: frozenset[str] = frozenset({"gent", "ablt", "datv"})
    previous: frozenset[str] = frozenset()
    agreeing: frozenset[str] = frozenset()
    # the verbal noun a preposition governs («на обеспечение …»): a verbal noun after «и»
    # that can take its case is coordinated with it, not with the head («на обеспечение …
    # и формирование …»)
    after_preposition = False
    object_cases: frozenset[str] = frozenset()
    index = _next_word(items, index)
    while index < len(items):
        token = items[index]
        if token.text in (":", "—", "–") or token.text == "-" and \
                items[index - 1].kind == "space":
            break  # what follows a colon or a dash explains; it stays as written
        if token.text == ";":
            safe, reason = False, "перечень через точку с запятой"
            break
        if token.text in ".!?" and _sentence_ends(items, index):
            safe, reason = False, "больше одного предложения"
            break
        if token.kind == "sign" or token.text.lower() in _CONJUNCTIONS:
            if token.text.lower() in _CONJUNCTIONS:
                following = _next_word(items, index)
                if following < len(items) and items[following].text.lower() in ("и", "а"):
                    following = _next_word(items, following)  # «, а также», «, и»
                if following < len(items) and items[following].text.lower() == "также":
                    following = _next_word(items, following)
                conjunct = _conjunct(items, following, after_head, previous)
                if conjunct is not None and object_cases and following < len(items) and \
                        _verbal(items[following].text) and \
                        cases_of(items[following].text) & object_cases:
                    conjunct = None
                if conjunct is not None:
                    attempt = dict(replace)
                    if not _put(items, conjunct, tag, attempt):
                        # the head stays declined for a position; a title is not safe
                        safe, reason = False, "слово не склоняется по словарю"
                        break
                    replace = attempt
                    after_head = True
                    object_cases = frozenset()
                    index = _next_word(items, conjunct.words[-1][0])
                    continue
            index = _next_word(items, index)
            continue
        if token.is_word and not token.is_abbreviation and not token.text[:1].isdigit():
            word = token.text.lower()
            if token.text[:1].isupper() and _starts_anew(token.text, agreeing or governed):
                safe, reason = False, f"«{token.text}» с прописной: похоже на новое предложение"
                break
            if word in _PREPOSITIONS or _is_preposition(word):
                governed, agreeing = _PREPOSITIONS.get(word, _OBLIQUE), frozenset()
                after_preposition = True
            else:
                found = cases_of(token.text)
                if found:
                    kinds = set().union(*(p.tag.grammemes for p in parses(token.text)))
                    narrowed = found & agreeing if agreeing else found
                    narrowed = (narrowed & governed) or narrowed or found
                    previous = narrowed
                    if "NOUN" in kinds or "NPRO" in kinds:
                        if after_preposition:
                            object_cases = (narrowed - {"nomn"}) if _verbal(token.text) \
                                else frozenset()
                            after_preposition = False
                        governed, agreeing = frozenset({"gent", "ablt", "datv"}), frozenset()
                    elif "PRTF" in kinds and "ADJF" not in kinds:
                        governed, agreeing = _ALL_CASES, frozenset()  # it governs its own
                    else:
                        agreeing = narrowed  # an adjective: its noun takes one of these
                after_head = False
        # quotes, parentheses, abbreviations and numbers stand beside their host: the
        # case of the word before them goes on
        index = _next_word(items, index)
    return items, Reading(replace, safe, reason)


def _verbal(word: str) -> bool:
    """A verbal noun («обеспечение», «развитие»)."""
    return word.lower().endswith(("ние", "тие", "нию", "тию", "нии", "тии", "нием", "тием"))


def _starts_anew(word: str, expected: frozenset[str]) -> bool:
    """A capitalised word inside a phrase that cannot belong to it: a preposition or a
    conjunction («… процедурами По запросам …»), or a nominative that cannot be the
    dependent expected there («… результатов Корректировка дорожной карты»)."""
    if _keeps_capital(Token(word, "word")):
        return False
    first = best(word)
    if {"PREP", "CONJ"} & first.tag.grammemes:
        return True
    found = cases_of(word)
    return "nomn" in found and not found & expected


def _is_preposition(word: str) -> bool:
    return "PREP" in best(word).tag.grammemes


def _sentence_ends(items: list[Token], index: int) -> bool:
    """A full stop ending a sentence: after a word (not «г.», «т.д.») and before a capital."""
    following = _next_word(items, index)
    if following >= len(items):
        return False
    if not items[following].text[:1].isupper() or following == index + 1:
        return False
    before = items[index - 1] if index else None
    if before is None or before.kind in ("quote", "paren"):
        return True
    if before.kind != "word":
        return False
    return len(before.text) >= 4 or before.is_abbreviation


def _conjunct(items: list[Token], start: int, after_head: bool,
              previous: frozenset[str]) -> Group | None:
    """The head group coordinated with the last one, when one starts at ``start``."""
    if start >= len(items) or not items[start].is_word or items[start].is_abbreviation:
        return None
    group = _group_at(items, start)
    if group is None:
        return None
    if after_head:
        return group
    first = items[group.words[0][0]].text
    if cases_of(first) & previous:
        return None  # it can continue the dependent before it: «через организацию и
        # проведение конференций»
    return group


def _put(items: list[Token], group: Group, case: str, replace: dict[int, str]) -> bool:
    for position, parse in group.words:
        declined = _inflect(items[position].text, parse, case, group.noun)
        if declined is None:
            return False
        replace[position] = declined
    return True


def _join(items: list[Token], replace: dict[int, str]) -> str:
    return "".join(replace.get(index, token.text) for index, token in enumerate(items))


@lru_cache(maxsize=16384)
def decline_phrase(text: str, case: str) -> str:
    """A noun phrase in the nominative put into ``case``: its head group and every group
    coordinated with it; the rest as written. What cannot be read (an abbreviation, a name
    in quotes) is returned unchanged.

    «главный специалист отдела образования» → «главному специалисту отдела образования»,
    «старший инспектор» → «старшему инспектору», «исполняющий обязанности заместителя
    начальника» → «исполняющему обязанности заместителя начальника».
    """
    tag = case_tag(case)
    if tag == "nomn" or not text.strip():
        return text
    lowered = text.strip().lower()
    if lowered.startswith(("и.о.", "и. о.", "врио", "вр.и.о.")):
        return text  # «И.о. начальника …»: the abbreviation stands for the declined words
    items, reading = read_phrase(text, tag)
    return _join(items, reading.replace)


@lru_cache(maxsize=16384)
def decline_title(title: str, case: str) -> str | None:
    """An activity's title in ``case``, from a small letter (abbreviations and proper names
    keep their capitals), without a final full stop; ``None`` when it cannot be declined
    safely (a verb or a quote first, two sentences, a list)."""
    text = clean_title(title)
    if not text:
        return None
    tag = case_tag(case)
    items, reading = read_phrase(text, tag)
    if not reading.safe:
        return None
    first = _next_word(items, -1)
    if not reading.replace and not (items[first].is_abbreviation or tag == "nomn"):
        return None
    if items[first].text.lower().replace("ё", "е") in NOT_AN_ACTION:
        return None
    result = _join(items, reading.replace)
    return result if _keeps_capital(items[first]) else lower_first(result)


def why_not_declined(title: str, case: str = "prepositional") -> str:
    """Why ``decline_title`` gives ``None`` for a title (for the golden table)."""
    text = clean_title(title)
    _, reading = read_phrase(text, case_tag(case)) if text else ([], Reading({}, False,
                                                                           "пусто"))
    return reading.reason


_SO_CALLED = re.compile(r"\s*\((?:далее(?:\s+по\s+тексту)?)\s*[-–—]?\s*[^()]*\)", re.I)


def clean_title(title: str) -> str:
    """A title as a heading writes it: one line, no final full stop, no «(далее – ВПР)»,
    and no list after a colon («…процедур: ЕГЭ, ГВЭ, ОГЭ») or after a dash when a list
    follows it; a preposition left hanging before the colon goes too («… по: учету …»)."""
    text = re.sub(r"\s+", " ", title).strip()
    text = _SO_CALLED.sub("", text).strip()
    cut = _list_start(text)
    if cut is not None:
        text = text[:cut].rstrip(" ,;–—-")
        while True:
            head, _, last = text.rpartition(" ")
            if not head or "PREP" not in best(last).tag.grammemes:
                break
            text = head.rstrip(" ,")
    if text.endswith(".") and not re.search(r"(?:\b\w{1,2}|т\.\s?[дп])\.$", text):
        text = text[:-1].rstrip()
    return text


def _list_start(text: str) -> int | None:
    """Where a list begins in a title: a colon outside quotes and parentheses, or a
    spaced dash followed by a list (commas or semicolons)."""
    position = 0
    for token in tokens(text):
        if token.kind == "sign" and token.text == ":" and position > 0:
            return position
        if token.kind == "sign" and token.text in "–—-" and position > 0 \
                and text[position - 1:position] == " " and re.search(r"[,;]", text[position:]):
            return position
        position += len(token.text)
    return None


def _keeps_capital(token: Token) -> bool:
    """A proper name or an abbreviation keeps its capital at the start of a phrase."""
    if token.is_abbreviation:
        return True
    if token.text.lower().startswith(("всероссийск", "российск")):
        return True
    return bool({"Geox", "Name", "Surn", "Patr", "Orgn"} & best(token.text).tag.grammemes)


def lower_first(text: str) -> str:
    """Lower the first letter unless the first word is an abbreviation («ВПР», «МКУ»)."""
    first = text.split(" ", 1)[0]
    letters = re.sub(r"[^А-ЯЁа-яёA-Za-z]", "", first)
    if len(letters) > 1 and letters.isupper():
        return text
    return text[:1].lower() + text[1:]


# ----------------------------------------------------------------------------- о / об

_VOWEL_SOUNDS = "аиоуэ"
# letters whose names begin with a vowel sound: эль, эм, эн, эр, эс, эф
_VOWEL_NAMED = "лмнрсф"
_OBO = re.compile(r"(?i)^(?:вс[её]м|вс[её]х|всё|мне)\b")


def preposition_o(phrase: str) -> str:
    """«о», «об» or «обо» before a phrase, by the sound it begins with: «об» before the
    vowel sounds а, и, о, у, э («об итогах», «об ОГЭ», «об МКУ» — эм-ка-у), «о» before
    е, ё, ю, я and consonants («о едином», «о ВПР»), «обо» in «обо всём», «обо мне»."""
    text = phrase.lstrip("«\"„(")
    if _OBO.match(text):
        return "обо"
    match = _WORD.match(text)
    if not match:
        return "о"
    word = match.group(0)
    letters = re.sub(r"[^А-ЯЁа-яё]", "", word.split("-")[0])
    if not letters:
        return "о"
    first = letters[0].lower()
    if len(letters) > 1 and letters.isupper() and not _read_as_word(letters):
        return "об" if first in _VOWEL_SOUNDS + _VOWEL_NAMED else "о"
    return "об" if first in _VOWEL_SOUNDS else "о"


def _read_as_word(abbreviation: str) -> bool:
    """An abbreviation said as a word («СОШ», «НОР», «ВУЗ»), not letter by letter
    («МКУ», «ВПР»): a consonant followed by a vowel."""
    vowels = "АЕЁИОУЫЭЮЯ"
    return len(abbreviation) > 2 and abbreviation[0] not in vowels and \
        abbreviation[1] in vowels


def about(title: str) -> str:
    """A heading «О …» from an activity's title: «Сбор и анализ данных» → «О сборе и
    анализе данных»; when the title cannot be declined safely, «Об исполнении мероприятия
    «…»» with the title as the roadmap has it."""
    phrase = decline_title(title, "loct")
    if phrase is None:
        phrase = "исполнении мероприятия " + quoted(clean_title(title))
    return f"{preposition_o(phrase).capitalize()} {phrase}"


def subject(title: str, case: str) -> str:
    """An activity's title in ``case`` from a small letter for «об итогах …», «по итогам
    …»; «исполнения мероприятия «…»» (in that case) when it cannot be declined safely."""
    tag = case_tag(case)
    phrase = decline_title(title, tag)
    if phrase is not None:
        return phrase
    words = {"nomn": "исполнение", "gent": "исполнения", "datv": "исполнению",
             "accs": "исполнение", "ablt": "исполнением", "loct": "исполнении"}[tag]
    return f"{words} мероприятия {quoted(clean_title(title))}"


def quoted(text: str) -> str:
    """A name in «ёлочках»; quotes inside become „лапки“ (a name that is all one quote
    stays as it is)."""
    if text.startswith("«") and _closing(text, 0) == len(text) - 1:
        return text
    inner = re.sub(r"«([^«»]*)»", "„\\1“", text)
    return f"«{inner}»"


def agreement_problems(title: str) -> list[str]:
    """Agreement errors of the source a clerk should correct, not copy: a noun right after
    the head noun in the nominative where it must depend on it («Размещение информация для
    …» — «информации»)."""
    items = tokens(clean_title(title))
    first = _next_word(items, -1)
    if first >= len(items) or not items[first].is_word:
        return []
    group = _group_at(items, first)
    if group is None or "NOUN" not in group.noun.tag.grammemes:
        return []
    after = _next_word(items, group.words[-1][0])
    if after >= len(items) or not items[after].is_word or items[after].is_abbreviation:
        return []
    word = items[after].text
    found = cases_of(word)
    if not found or found - {"nomn", "accs"} or "PREP" in best(word).tag.grammemes:
        return []
    nouns = [p for p in parses(word) if "NOUN" in p.tag.grammemes and _case(p) == "nomn"]
    if not nouns:
        return []
    genitive = nouns[0].inflect({"gent", str(nouns[0].tag.number or "sing")})
    head = items[group.words[-1][0]].text
    suggestion = f" (вероятно, «{restore_case(word, genitive.word)}»)" if genitive else ""
    return [f"в названии «{head} {word}» слово «{word}» не согласовано{suggestion}"]
