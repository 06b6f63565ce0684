"""The section tree: which heading each section of a roadmap is nested in, and the codes of
headings that carry no number.

Roadmaps group their sections: «3.1. …» under «3. …», arabic sections under Roman groups
(«I. Организационные меры» over «1.», «2.»), numbered sections under a bold heading with no
number, Markdown «##» over «###». A heading is a group when no activity follows it before
the next heading and that heading is of another kind (see ``kind_of``): it and the
headings of its kind that follow are the group's children, until a heading of another kind
comes. A dotted number finds its parent by its prefix.

A heading with no number gets a code only when every heading is read: by its position
when no heading of the roadmap has a number (as before), else a letter «А», «Б», … so it
never takes a number that a numbered section has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflow.roadmap import SectionDraft

_ROMAN = re.compile(r"^[IVXLC]+$")
_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"


@dataclass
class Heading:
    """A section as the row reader opened it: how its heading is numbered, whether it
    stands out (bold), and whether its parent is known already (Markdown levels)."""

    section: SectionDraft
    numbered: bool
    kind: str
    activities: int = 0


def kind_of(code: str, numbered: bool, word: str, emphasised: bool) -> str:
    """The kind of a heading: «arabic1», «arabic2» (by the parts of its number), «roman»,
    «задача» (a word with a number), or «plain»/«plain-bold» without a number."""
    if not numbered:
        return "plain-bold" if emphasised else "plain"
    if word:
        return word.lower()
    if _ROMAN.match(code):
        return "roman"
    return f"arabic{code.count('.') + 1}"


def settle(headings: list[Heading]) -> dict[str, str]:
    """Give headings without a number their codes and nest the sections; returns the codes
    changed (temporary → final), for the references already made to them."""
    renamed = _codes(headings)
    for heading in headings:  # Markdown parents were recorded under temporary codes
        parent = heading.section.parent
        if parent is not None and parent in renamed:
            heading.section.parent = renamed[parent]
    _nest(headings)
    return renamed


def _codes(headings: list[Heading]) -> dict[str, str]:
    renamed: dict[str, str] = {}
    numbered = any(heading.numbered for heading in headings)
    taken = {heading.section.code for heading in headings if heading.numbered}
    letters = iter(_letters(taken))
    for heading in headings:
        if heading.numbered:
            continue
        section = heading.section
        # past «ЯЯЯЯ» (over a hundred headings without a number) their positions serve
        code = (next(letters, None) if numbered else None) or str(section.position)
        while code in taken:
            code = f"{code}'"
        taken.add(code)
        renamed[section.code] = code
        section.code = code
    return renamed


def _letters(taken: set[str]) -> list[str]:
    """«А» … «Я», then «АА» …, none of them a code taken already."""
    found: list[str] = []
    for repeat in range(1, 5):
        found.extend(letter * repeat for letter in _LETTERS if letter * repeat not in taken)
    return found


def _nest(headings: list[Heading]) -> None:
    by_code: dict[str, Heading] = {}
    for heading in headings:  # «3.1» under «3»: the nearest heading with its prefix
        section = heading.section
        if section.parent is None and heading.kind.startswith("arabic") and "." in section.code:
            prefix = section.code.rsplit(".", 1)[0]
            if prefix in by_code:
                section.parent = prefix
        by_code[section.code] = heading
    for index, group in enumerate(headings[:-1]):
        following = headings[index + 1]
        if group.activities or following.section.parent is not None or \
                not _groups(group, following):
            continue
        for child in headings[index + 1:]:
            if child.section.parent is not None:
                continue  # nested deeper already («3.1.» under «3.»)
            if child.kind != following.kind:
                break  # another kind of heading: the next group, or the group's end
            child.section.parent = group.section.code


def _groups(group: Heading, following: Heading) -> bool:
    """An empty heading followed by one of another kind is a group over it: a Roman or a
    plain heading over numbered ones, a bold plain heading over plain ones."""
    if group.kind == following.kind:
        return False
    if following.kind == "plain-bold":
        return False  # a bold heading after a plain or numbered one is never its child
    if group.kind == "plain":
        return following.numbered
    return True
