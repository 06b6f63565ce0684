"""A roadmap as read from a file, before it is stored: sections, activities, skipped parts,
the repairs the importer made and what became of every line of the source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from workflow.deadlines import DeadlineSchedule, read_deadline


@dataclass
class SectionDraft:
    """A section row: its code («2», «0» for «Задача 0»), title and the heading as printed;
    ``parent`` is the code of the group it is nested in («## Группа» over «### Раздел»)."""

    code: str
    title: str
    heading: str
    position: int
    line: int
    parent: str | None = None


@dataclass
class ActivityDraft:
    """An activity row with its cells cleaned and continuation lines merged; ``repairs``
    says in Russian what the importer changed against the source («в источнике «1», принят
    «13»»)."""

    code: str
    title: str
    deadline_text: str
    executors_text: str
    executors: list[str]
    planned_result: str
    section_code: str | None
    position: int
    line: int
    repairs: list[str] = field(default_factory=list)

    @property
    def schedule(self) -> DeadlineSchedule:
        """How karta reads this activity's deadline phrase."""
        return read_deadline(self.deadline_text)


@dataclass(frozen=True)
class PartLine:
    """A line of text (``cells`` None) or a table row of a part left out, as read: what
    reads the document further (the indicators proposed from criteria and target tables)
    starts from it."""

    line: int
    text: str = ""
    cells: tuple[str, ...] | None = None


@dataclass
class SkippedPart:
    """A part of the document that is not the roadmap table, and why it was left out."""

    kind: str  # "order", "text", "table"
    title: str
    first_line: int
    last_line: int
    reason: str
    rows: int = 0  # rows of a skipped table
    content: list[PartLine] = field(default_factory=list, repr=False, compare=False)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape printed by ``karta import --json``."""
        shape: dict[str, object] = {
            "kind": self.kind, "title": self.title,
            "lines": [self.first_line, self.last_line], "reason": self.reason,
        }
        if self.kind == "table":
            shape["rows"] = self.rows
        return shape


@dataclass(frozen=True)
class Repair:
    """One change the importer made against the source, shown to the clerk."""

    line: int
    kind: str  # a key of REPAIR_KINDS
    text: str  # in Russian, with the source's value and the accepted one
    ref: str = ""  # the activity («13») or section («раздел 2») it concerns

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "kind": self.kind, "ref": self.ref, "text": self.text}


REPAIR_KINDS = {
    "code": "номер мероприятия восстановлен по соседним",
    "artefact": "артефакт удалён (номер страницы, колонтитул)",
    "alignment": "ячейки строки сопоставлены столбцам по содержанию",
    "section": "название раздела собрано из частей",
    "executors": "список ответственных разделён",
    "wrap": "слово, разорванное переносом строки, собрано",
}

# What a line of the source became, in the order the accounting prints them.
LINE_ROLES = {
    "title": "название дорожной карты",
    "stamp": "гриф утверждения",
    "header": "заголовок таблицы",
    "numbering": "нумерация столбцов",
    "section": "раздел",
    "activity": "мероприятие",
    "continuation": "продолжение мероприятия",
    "artefact": "артефакт (номер страницы, колонтитул, линия)",
    "blank": "пустая строка",
    "skipped": "пропущено",
}
FIELD_NAMES = ("code", "title", "deadline", "responsible", "result")


@dataclass(frozen=True)
class LineRole:
    """What one line (text) or row (table) of the source became: ``role`` is a key of
    LINE_ROLES; ``fields`` the activity fields it filled; ``ref`` the activity or section
    code; ``reason`` why it was skipped or what artefact it was."""

    line: int
    role: str
    fields: tuple[str, ...] = ()
    ref: str = ""
    reason: str = ""

    def as_dict(self) -> dict[str, object]:
        shape: dict[str, object] = {"line": self.line, "role": self.role}
        if self.fields:
            shape["fields"] = list(self.fields)
        if self.ref:
            shape["ref"] = self.ref
        if self.reason:
            shape["reason"] = self.reason
        return shape


@dataclass
class Approval:
    """The appendix stamp above a roadmap («Приложение № 1 к приказу … от 30.11.2020 №
    01-09/64»): the approving act as the source states it."""

    text: str
    number: str = ""
    date: date | None = None

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "number": self.number,
                "date": self.date.isoformat() if self.date else None}


@dataclass
class RoadmapDraft:
    """Everything an import found, ready to be stored in one transaction."""

    title: str
    first_year: int
    last_year: int
    source_name: str
    source_sha256: str
    sections: list[SectionDraft] = field(default_factory=list)
    activities: list[ActivityDraft] = field(default_factory=list)
    skipped: list[SkippedPart] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    school_years: bool = False
    source: bytes = field(default=b"", repr=False)  # the bytes read (and hashed), once
    lines: list[LineRole] = field(default_factory=list)  # one per line of the source
    repairs: list[Repair] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    approval: Approval | None = None

    def accounting(self) -> dict[str, object]:
        """Lines of the source by what they became; the roles sum to ``total``, and
        ``fields`` counts the lines that filled each activity field."""
        roles = dict.fromkeys(LINE_ROLES, 0)
        fields = dict.fromkeys(FIELD_NAMES, 0)
        reasons: dict[str, int] = {}
        for line in self.lines:
            roles[line.role] += 1
            for name in line.fields:
                fields[name] += 1
            if line.role in ("skipped", "artefact") and line.reason:
                reasons[line.reason] = reasons.get(line.reason, 0) + 1
        return {"total": len(self.lines), **roles, "fields": fields, "reasons": reasons}
