"""The line accounting of one import: what became of every line (text) or row (table).

Readers number the units of a source 1…N without gaps: the lines of a dump, the paragraphs
and table rows of a document, the rows of a sheet (a run of blank rows is one item that
covers them all), the physical lines of a CSV record. Every step of the import marks the
items it consumes; a line nobody marked is reported as skipped with a reason that says so,
and a test asserts that reason never appears, so nothing is lost silently.
"""

from __future__ import annotations

from collections.abc import Iterable

from workflow.importing.sources import Item
from workflow.roadmap import LineRole, Repair

UNACCOUNTED = "строка не отнесена ни к одной части документа"


class Ledger:
    """Roles of the lines of one source, and the repairs made on the way."""

    def __init__(self, items: list[Item]) -> None:
        self.total = max((item.end or item.line for item in items), default=0)
        self.roles: dict[int, LineRole] = {}
        self.repairs: list[Repair] = []
        for item in items:
            if item.artefact:  # a reader already knew: a running header, a page number
                self.mark(item, "artefact", reason=item.artefact)
            for note in item.notes or ():
                self.repair(item.line, "wrap", note)

    def mark(self, item: Item, role: str, fields: Iterable[str] = (), ref: str = "",
             reason: str = "") -> None:
        """Say what ``item`` became (a later mark of the same item replaces an earlier)."""
        first = item.line
        last = item.end or item.line
        for line in range(first, last + 1):
            self.roles[line] = LineRole(line, role, tuple(fields), ref, reason)

    def mark_all(self, items: Iterable[Item], role: str, reason: str = "") -> None:
        """Mark each of ``items`` with the same role; blank lines stay blank."""
        for item in items:
            if item.artefact:
                continue
            if _blank(item):
                self.mark(item, "blank")
            else:
                self.mark(item, role, reason=reason)

    def marked(self, item: Item) -> bool:
        return item.line in self.roles

    def repair(self, line: int, kind: str, text: str, ref: str = "") -> None:
        """Record a change made against the source."""
        self.repairs.append(Repair(line, kind, text, ref))

    def rename_sections(self, codes: dict[str, str]) -> None:
        """Sections whose codes were settled after their lines were marked (old code → new):
        the references of those lines, and the repairs that name them, follow."""
        if not codes:
            return
        refs = {f"раздел {old}": f"раздел {new}" for old, new in codes.items()}
        for line, role in self.roles.items():
            if role.ref in refs:
                self.roles[line] = LineRole(role.line, role.role, role.fields, refs[role.ref],
                                            role.reason)
        renamed: list[Repair] = []
        for repair in self.repairs:
            if repair.ref in refs:
                old = repair.ref.removeprefix("раздел ")
                repair = Repair(repair.line, repair.kind,
                                repair.text.replace(f"«{old}»", f"«{codes[old]}»"),
                                refs[repair.ref])
            renamed.append(repair)
        self.repairs = renamed

    def lines(self) -> list[LineRole]:
        """One role per line 1…total; an unmarked line is reported, never dropped."""
        return [self.roles.get(line) or LineRole(line, "skipped", reason=UNACCOUNTED)
                for line in range(1, self.total + 1)]


def _blank(item: Item) -> bool:
    if item.cells is not None:
        return not any(cell.strip() for cell in item.cells)
    return not item.text.strip()
