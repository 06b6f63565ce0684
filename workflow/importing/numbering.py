"""The «№» column: deciding how it counts, and repairing numbers conversion damaged.

A running column (1 … 95 across sections) and one that restarts in every section (then the
code carries the section: «2.4») are told apart from the whole column: the reading that
needs fewer repairs and leaves no duplicate wins. Within a run, a number is *anchored* when
a neighbour agrees with it (n-1 before or n+1 after); between two anchors whose values
differ by exactly their distance the numbers are known, whatever the source printed there
(«1» for 10 … 19 between 9 and 20, a number repeated or skipped). Before the first and
after the last anchor only a plain loss of digits («1» for «13») is repaired.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_DUPLICATE_COST = 10
_BREAK_COST = 2


@dataclass
class Numbering:
    """Codes as the column should read, and a note for each number repaired."""

    codes: list[str]
    notes: dict[int, str] = field(default_factory=dict)
    restarts: bool = False

    def cost(self, scopes: list[str | None] | None = None) -> int:
        """Repairs made, two for each break in the count (a number that is not the one
        before plus one) and ten for each code that still repeats, within its scope."""
        seen: set[tuple[str | None, str]] = set()
        duplicates = breaks = 0
        previous: tuple[str | None, int] | None = None
        for index, code in enumerate(self.codes):
            scope = scopes[index] if scopes else None
            if code:
                key = (scope, code)
                duplicates += key in seen
                seen.add(key)
            value = int(code) if code.isdigit() else None
            if previous is not None and value is not None and previous[0] == scope:
                breaks += value != previous[1] + 1
            previous = (scope, value) if value is not None else None
        return len(self.notes) + _BREAK_COST * breaks + _DUPLICATE_COST * duplicates


def _lost_digits(raw: str, expected: str) -> bool:
    """True when ``raw`` is ``expected`` with some digits lost («1» for «13»)."""
    if not raw or len(raw) >= len(expected):
        return False
    position = 0
    for ch in expected:
        if position < len(raw) and raw[position] == ch:
            position += 1
    return position == len(raw)


def repair_run(raw: list[str], starts_at_one: bool = False) -> tuple[list[str], dict[int, str]]:
    """Repaired numbers of one run (plain integers as text) and notes by index."""
    count = len(raw)
    values = [int(r) if r.isdigit() and len(r) <= 4 else None for r in raw]
    anchored = [False] * count
    for i, value in enumerate(values):
        if value is None:
            continue
        before = values[i - 1] if i > 0 else None
        after = values[i + 1] if i + 1 < count else None
        anchored[i] = before == value - 1 or after == value + 1
    if count and values[0] is not None and (count == 1 or starts_at_one and values[0] == 1):
        anchored[0] = True
    # a number with no agreeing neighbour is anchored too when it agrees with the count
    # from the nearest anchor before it («1, 2, 2, 4»: the 4 is the fourth)
    nearest: int | None = None
    for i, value in enumerate(values):
        if anchored[i]:
            nearest = i
        elif value is not None and nearest is not None:
            low = values[nearest]
            assert low is not None
            if value - low == i - nearest:
                anchored[i] = True
    out = list(raw)
    notes: dict[int, str] = {}

    def assign(index: int, value: int) -> None:
        if str(value) != raw[index]:
            out[index] = str(value)
            notes[index] = f"№ в источнике «{raw[index]}», принят «{value}»"

    anchors = [i for i in range(count) if anchored[i]]
    if not anchors:
        return out, notes
    for first, last in zip(anchors, anchors[1:]):
        low, high = values[first], values[last]
        assert low is not None and high is not None
        if last - first > 1 and high - low == last - first:
            for index in range(first + 1, last):
                assign(index, low + index - first)
    first_value = values[anchors[0]]
    assert first_value is not None
    for index in range(anchors[0] - 1, -1, -1):
        expected = first_value - (anchors[0] - index)
        if expected < 1 or not _damaged(raw[index], expected):
            break
        assign(index, expected)
    last_value = values[anchors[-1]]
    assert last_value is not None
    for index in range(anchors[-1] + 1, count):
        expected = last_value + index - anchors[-1]
        if not _damaged(raw[index], expected):
            break
        assign(index, expected)
    return out, notes


def _damaged(raw: str, expected: int) -> bool:
    """A number that conversion plausibly made of ``expected`` with no neighbour beyond it
    to confirm: digits lost («1» for «13»). A repeat there is refused as a duplicate."""
    return _lost_digits(raw, str(expected))


def repair_dotted(codes: list[str]) -> Numbering:
    """Codes with dots («1.10»): the last part is repaired within each run of codes that
    share what comes before it («1.1» printed for «1.10»)."""
    result = Numbering(list(codes))
    start = 0
    while start < len(codes):
        prefix = _prefix(codes[start])
        end = start
        while end < len(codes) and codes[end] and _prefix(codes[end]) == prefix and \
                "." in codes[end]:
            end += 1
        if end == start:
            start += 1
            continue
        lasts = [code.rsplit(".", 1)[1] for code in codes[start:end]]
        fixed, notes = repair_run(lasts, starts_at_one=True)
        for offset, value in enumerate(fixed):
            if offset in notes:
                result.codes[start + offset] = f"{prefix}.{value}"
                result.notes[start + offset] = (f"№ в источнике «{codes[start + offset]}», "
                                                f"принят «{prefix}.{value}»")
        start = end
    return result


def _prefix(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else ""


def repair_plain(codes: list[str], sections: list[str | None]) -> Numbering:
    """Plain numbers: the running reading and, with sections, the restarting reading; the
    cheaper wins (a tie goes to the running reading unless a number repeats)."""
    running_codes, running_notes = repair_run(codes, starts_at_one=True)
    running = Numbering(running_codes, running_notes)
    if len({section for section in sections if section is not None}) < 2:
        return running
    restarting = Numbering(list(codes), {}, restarts=True)
    start = 0
    while start < len(codes):
        end = start
        while end < len(codes) and sections[end] == sections[start]:
            end += 1
        fixed, notes = repair_run(codes[start:end], starts_at_one=True)
        restarting.codes[start:end] = fixed
        for offset, note in notes.items():
            restarting.notes[start + offset] = note
        start = end
    # a section whose numbers restart but not from 1 speaks against restarting
    firsts: dict[str | None, str] = {}
    for code, section in zip(restarting.codes, sections):
        firsts.setdefault(section, code)
    not_from_one = sum(1 for code in firsts.values() if code and code != "1")
    cost, cost_restarting = running.cost(), restarting.cost(sections) + 3 * not_from_one
    if cost_restarting < cost or cost_restarting == cost == 0 and _starts_again(codes, sections):
        return restarting
    return running


def _starts_again(codes: list[str], sections: list[str | None]) -> bool:
    """More than one section starts from «1»."""
    firsts: dict[str | None, str] = {}
    for code, section in zip(codes, sections):
        if section is not None:
            firsts.setdefault(section, code)
    return list(firsts.values()).count("1") > 1
