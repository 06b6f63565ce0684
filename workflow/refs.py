"""Short, typable references shown in listings and accepted by every command.

- roadmap: ``R1``
- activity: ``1:2.4`` (roadmap 1, code 2.4), or ``2.4`` when only one roadmap has it
- occurrence: ``1:2.4@2022`` (period «2022», «2022-Q3», «2022-05», «2021/22»), or ``2.4@2022``
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflow.errors import UnknownReference

_REF = re.compile(
    r"^(?:[Rr]?(?P<roadmap>\d+):)?(?P<code>[0-9A-Za-zА-Яа-я.]+?)(?:@(?P<period>[0-9A-Za-z/\-]+))?$"
)


@dataclass(frozen=True)
class Ref:
    """A parsed reference: ``roadmap`` id when given, ``code`` and ``period`` when given."""

    text: str
    roadmap: int | None
    code: str | None
    period: str | None

    @property
    def is_roadmap(self) -> bool:
        return self.code is None


def roadmap_ref(roadmap_id: int) -> str:
    return f"R{roadmap_id}"


def activity_ref(roadmap_id: int, code: str) -> str:
    return f"{roadmap_id}:{code}"


def occurrence_ref(roadmap_id: int, code: str, period: str) -> str:
    return f"{roadmap_id}:{code}@{period}"


def parse_ref(text: str) -> Ref:
    """Parse a reference; raise ``UnknownReference`` for text that is none of the forms."""
    value = text.strip()
    whole = re.fullmatch(r"[Rr](\d+)", value)
    if whole:
        return Ref(value, int(whole.group(1)), None, None)
    match = _REF.match(value)
    if not match or not match.group("code"):
        raise UnknownReference(
            text, "это не ссылка; примеры: R1 (дорожная карта), 1:2.4 (мероприятие), "
                  "1:2.4@2022 (исполнение за период)"
        )
    roadmap = match.group("roadmap")
    return Ref(value, int(roadmap) if roadmap else None, match.group("code").rstrip("."),
               match.group("period"))
