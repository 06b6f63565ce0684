"""A roadmap as read from a file, before it is stored: sections, activities, skipped parts."""

from __future__ import annotations

from dataclasses import dataclass, field

from workflow.deadlines import DeadlineSchedule, read_deadline


@dataclass
class SectionDraft:
    """A section row: its code («2», «0» for «Задача 0»), title and the heading as printed."""

    code: str
    title: str
    heading: str
    position: int
    line: int


@dataclass
class ActivityDraft:
    """An activity row with its cells cleaned and continuation lines merged."""

    code: str
    title: str
    deadline_text: str
    executors_text: str
    executors: list[str]
    planned_result: str
    section_code: str | None
    position: int
    line: int

    @property
    def schedule(self) -> DeadlineSchedule:
        """How karta reads this activity's deadline phrase."""
        return read_deadline(self.deadline_text)


@dataclass
class SkippedPart:
    """A part of the document that is not the roadmap table, and why it was left out."""

    kind: str  # "order", "text", "table"
    title: str
    first_line: int
    last_line: int
    reason: str

    def as_dict(self) -> dict[str, object]:
        """The JSON shape printed by ``karta import --json``."""
        return {
            "kind": self.kind, "title": self.title,
            "lines": [self.first_line, self.last_line], "reason": self.reason,
        }


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
