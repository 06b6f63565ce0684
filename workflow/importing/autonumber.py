"""Word's automatic list numbering: the numbers Word draws before numbered paragraphs.

A clerk who presses «Нумерация» in the «№» column leaves no digits in the cells: each
paragraph names a list (``w:numPr``: ``w:numId`` and the level ``w:ilvl``, directly or
through its paragraph style), and ``word/numbering.xml`` says how the list counts — each
``w:num`` points to an ``w:abstractNum`` whose levels (``w:lvl``) give the first value
(``w:start``), the format (``w:numFmt``: decimal, roman, letters, Russian letters), the
text (``w:lvlText``, «%1.%2.»), when the level starts again (``w:lvlRestart``) and whether
every part is shown as a decimal (``w:isLgl``); a ``w:num`` may override a level's start
(«Начать заново») or the whole level (``w:lvlOverride``).

As Word does, lists that share an abstract definition share their counters, and a
``w:num`` that overrides a start starts the count again where it is first used. LibreOffice
writes its own list numbering (.odt) into the same parts when it converts a file to .docx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from workflow.importing.package import Package

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VAL = f"{_W}val"
_A = _W[1:]  # attribute names as expat gives them while scanning: «namespace}name»
P_PR, NUM_PR, ILVL, NUM_ID, P_STYLE = (f"{_W}{name}" for name in
                                       ("pPr", "numPr", "ilvl", "numId", "pStyle"))
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_LEVELS = 9  # Word's levels 0…8
_MAX_START = 32_767  # the largest start value Word accepts
_MAX_LEVEL_TEXT = 64  # a level text is a few characters («%1.%2.»)
# Word's Russian letter numbering: the alphabet without Ё, Й, Ъ, Ы, Ь
_RUSSIAN = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"
_LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass
class Level:
    """One level of a list definition."""

    start: int = 1
    format: str = "decimal"
    text: str | None = None  # None: «%n.» of its own level
    restart: int | None = None  # w:lvlRestart: None restarts after any higher level
    legal: bool = False  # w:isLgl: every part shown as a decimal number


@dataclass
class _Instance:
    """A ``w:num``: its abstract definition and the levels it overrides."""

    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)


def format_number(value: int, kind: str) -> str | None:
    """``value`` as a list level of format ``kind`` shows it; None for a bullet."""
    if kind == "bullet":
        return None
    if kind == "none":
        return ""
    if kind in ("upperRoman", "lowerRoman") and 0 < value < 4000:
        roman = _roman(value)
        return roman if kind == "upperRoman" else roman.lower()
    for alphabet, upper, lower in ((_LATIN, "upperLetter", "lowerLetter"),
                                   (_RUSSIAN, "russianUpper", "russianLower")):
        # letters repeat after the alphabet (Word: «AA», «BB»); beyond ten rounds, digits
        if kind in (upper, lower) and 0 < value <= 10 * len(alphabet):
            letter = alphabet[(value - 1) % len(alphabet)] * ((value - 1) // len(alphabet) + 1)
            return letter if kind == upper else letter.lower()
    if kind == "decimalZero" and 0 <= value < 10:
        return f"0{value}"
    return str(value)


def _roman(value: int) -> str:
    parts = []
    for number, letters in _ROMAN:
        while value >= number:
            parts.append(letters)
            value -= number
    return "".join(parts)


class ListNumbers:
    """The list definitions of one document and the counters of its lists as the
    paragraphs are read in order."""

    def __init__(self, abstracts: dict[str, dict[int, Level]],
                 instances: dict[str, _Instance], styles: dict[str, tuple[str, int]]) -> None:
        self.abstracts = abstracts
        self.instances = instances
        self.styles = styles  # paragraph style → (numId, ilvl) of the numbering it carries
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()  # w:num whose start overrides have been applied

    def __bool__(self) -> bool:
        return bool(self.instances)

    def number(self, p: Element) -> str | None:
        """The number Word draws before paragraph ``p`` («1.», «2.3.», «IV.»), counting
        it; None when the paragraph is not numbered (or carries a bullet)."""
        props = p.find(P_PR)
        if props is None:
            return None
        num_pr = props.find(NUM_PR)
        num_id: str | None = None
        level = 0
        style = props.find(P_STYLE)
        if style is not None and style.get(_VAL) in self.styles:
            num_id, level = self.styles[style.get(_VAL, "")]
        if num_pr is not None:
            found = num_pr.find(NUM_ID)
            if found is not None:
                num_id = found.get(_VAL)
            found = num_pr.find(ILVL)
            if found is not None:
                level = _small(found.get(_VAL), 0, _LEVELS - 1) or 0
        if num_id is None or num_id not in self.instances:
            return None  # «0» switches numbering off; an unknown list draws nothing
        return self._count(num_id, level)

    def _count(self, num_id: str, level: int) -> str | None:
        instance = self.instances[num_id]
        counters = self.counters.setdefault(instance.abstract, [None] * _LEVELS)
        if num_id not in self.started:
            self.started.add(num_id)
            for overridden, start in instance.starts.items():
                # «Начать заново»: the level counts from the new start where this list is
                # first used, and the levels below it with it
                counters[overridden] = start - 1
                for deeper in range(overridden + 1, _LEVELS):
                    counters[deeper] = None
        definition = self._level(instance, level)
        current = counters[level]
        counters[level] = definition.start if current is None else current + 1
        for deeper in range(level + 1, _LEVELS):
            restart = self._level(instance, deeper).restart
            if restart is None or restart != 0 and level <= restart - 1:
                counters[deeper] = None
        text = definition.text if definition.text is not None else f"%{level + 1}."
        shown: list[str] = []
        position = 0
        while position < len(text):
            ch = text[position]
            if ch == "%" and position + 1 < len(text) and text[position + 1] in "123456789":
                part = int(text[position + 1]) - 1
                part_level = self._level(instance, part)
                value = counters[part]
                if value is None:  # a level not used yet shows its start
                    value = part_level.start
                kind = "decimal" if definition.legal and part_level.format != "bullet" \
                    else part_level.format
                formatted = format_number(value, kind)
                if formatted is None:
                    return None
                shown.append(formatted)
                position += 2
                continue
            shown.append(ch)
            position += 1
        if definition.format == "bullet":
            return None
        return "".join(shown).strip() or None

    def _level(self, instance: _Instance, level: int) -> Level:
        if level in instance.levels:
            return instance.levels[level]
        definition = self.abstracts.get(instance.abstract, {}).get(level)
        return definition or Level()


def _small(text: str | None, least: int, most: int) -> int | None:
    """An integer attribute within bounds, or None when it is not one."""
    if text is None:
        return None
    text = text.strip()
    if not (text.lstrip("-").isdigit() and len(text) <= 9):
        return None
    return max(least, min(most, int(text)))


def read_list_numbers(package: Package, main_part: str) -> ListNumbers | None:
    """The list definitions of a document whose main part is ``main_part``, or None when it
    has none."""
    parts = _related_parts(package, main_part)
    numbering = parts.get("numbering")
    if numbering is None or not package.has(numbering):
        return None
    abstracts, instances = _read_numbering(package, numbering)
    if not instances:
        return None
    styles_part = parts.get("styles")
    styles = _read_styles(package, styles_part) if styles_part and package.has(styles_part) \
        else {}
    return ListNumbers(abstracts, instances, styles)


def _related_parts(package: Package, main_part: str) -> dict[str, str]:
    """The numbering and styles parts the main part's relationships name (the usual names
    when it has none)."""
    folder, _, name = main_part.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    found = {"numbering": f"{folder}/numbering.xml" if folder else "numbering.xml",
             "styles": f"{folder}/styles.xml" if folder else "styles.xml"}
    if not package.has(rels):
        return found

    def relationship(tag: str, attributes: dict[str, str], depth: int) -> None:
        if tag != _RELATIONSHIP or attributes.get("TargetMode") == "External":
            return
        kind = attributes.get("Type", "").rsplit("/", 1)[-1]
        if kind in ("numbering", "styles"):
            target = attributes.get("Target", "")
            if target.startswith("/"):
                found[kind] = target.lstrip("/")
            else:
                found[kind] = f"{folder}/{target}" if folder else target

    package.scan(rels, relationship)
    return found


@dataclass
class _Reading:
    """Where the scan of numbering.xml is: the definition, list, override and level open."""

    abstract: dict[int, Level] | None = None
    instance: _Instance | None = None
    override: int | None = None
    level: Level | None = None


def _read_numbering(package: Package,
                    part: str) -> tuple[dict[str, dict[int, Level]], dict[str, _Instance]]:
    abstracts: dict[str, dict[int, Level]] = {}
    instances: dict[str, _Instance] = {}
    at = _Reading()

    def start(tag: str, attributes: dict[str, str], depth: int) -> None:
        nonlocal at
        if not tag.startswith(_W):
            return
        local = tag[len(_W):]
        value = attributes.get(f"{_A}val")
        if depth == 2:
            at = _Reading()
            if local == "abstractNum":
                key = attributes.get(f"{_A}abstractNumId", "")
                at.abstract = abstracts.setdefault(key, {})
            elif local == "num":
                key = attributes.get(f"{_A}numId", "")
                if key and key != "0":
                    at.instance = instances[key] = _Instance("")
            return
        if local == "lvl":
            level = _small(attributes.get(f"{_A}ilvl"), 0, _LEVELS - 1) or 0
            at.level = Level(start=0)  # a level without w:start counts from 0
            if at.abstract is not None:
                at.abstract[level] = at.level
            elif at.instance is not None and at.override is not None:
                at.instance.levels[at.override] = at.level
            return
        if at.instance is not None:
            if local == "abstractNumId" and depth == 3:
                at.instance.abstract = value or ""
            elif local == "lvlOverride":
                at.override = _small(attributes.get(f"{_A}ilvl"), 0, _LEVELS - 1) or 0
                at.level = None
            elif local == "startOverride" and at.override is not None:
                start_value = _small(value, 0, _MAX_START)
                if start_value is not None:
                    at.instance.starts[at.override] = start_value
        definition = at.level
        if definition is None:
            return
        if local == "start":
            definition.start = _small(value, 0, _MAX_START) or 0
        elif local == "numFmt":
            definition.format = value or "decimal"
        elif local == "lvlText":
            definition.text = (value or "")[:_MAX_LEVEL_TEXT]
        elif local == "lvlRestart":
            definition.restart = _small(value, 0, _LEVELS)
        elif local == "isLgl":
            definition.legal = value not in ("0", "false", "off")

    package.scan(part, start)
    # a lvlOverride level without a start of its own starts where the override says
    for instance in instances.values():
        for level, start_value in instance.starts.items():
            if level in instance.levels:
                instance.levels[level].start = start_value
    return abstracts, {key: instance for key, instance in instances.items()
                       if instance.abstract in abstracts}


def _read_styles(package: Package, part: str) -> dict[str, tuple[str, int]]:
    """Paragraph styles that carry numbering («Список нумерованный»), through
    ``w:basedOn``."""
    own: dict[str, tuple[str | None, int | None]] = {}
    based: dict[str, str] = {}
    current: list[str] = []

    def start(tag: str, attributes: dict[str, str], depth: int) -> None:
        if not tag.startswith(_W):
            return
        local = tag[len(_W):]
        if depth == 2:
            current.clear()
            if local == "style" and attributes.get(f"{_A}type", "paragraph") == "paragraph":
                current.append(attributes.get(f"{_A}styleId", ""))
            return
        if not current:
            return
        style = current[0]
        if local == "basedOn" and depth == 3:
            based[style] = attributes.get(f"{_A}val", "")
        elif local in ("numId", "ilvl") and depth == 5:
            num_id, level = own.get(style, (None, None))
            if local == "numId":
                num_id = attributes.get(f"{_A}val")
            else:
                level = _small(attributes.get(f"{_A}val"), 0, _LEVELS - 1)
            own[style] = (num_id, level)

    package.scan(part, start)
    styles: dict[str, tuple[str, int]] = {}
    for style in set(own) | set(based):
        num_id: str | None = None
        level: int | None = None
        seen: set[str] = set()
        name: str | None = style
        while name and name not in seen:  # a chain of basedOn, never a loop
            seen.add(name)
            mine_id, mine_level = own.get(name, (None, None))
            num_id = num_id if num_id is not None else mine_id
            level = level if level is not None else mine_level
            name = based.get(name)
        if num_id is not None and num_id != "0":
            styles[style] = (num_id, level or 0)
    return styles
