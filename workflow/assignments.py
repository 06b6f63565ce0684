"""An assignment: one executor's share of an occurrence («мероприятие 3.5 за 2022 год» for
МБОУ СОШ № 1), with its own lifecycle (DOMAIN.md §8):

    assigned → reported → accepted
                  ↓ return ↑ report
               returned
    assigned, returned → withdrawn (the clerk takes a unit off, with a reason)

The department sends the task to each executor, collects each one's report, accepts it or
returns what is weak; when every assignment is accepted (or withdrawn) the occurrence is
collected (``collect``: in progress → reported) and its summary analysed. Defined here once,
checked when built like the occurrence's machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from workflow.machine import EventSpec, OccurrenceMachine
from workflow.states import StateSpec, Transition

EVENTS: Mapping[str, EventSpec] = MappingProxyType({
    "report": EventSpec("report", "представить отчёт", needs_comment=True,
                        file_may_replace_comment=True,
                        requirement="текст отчёта или файл отчёта"),
    "accept": EventSpec("accept", "принять отчёт"),
    "return": EventSpec("return", "вернуть на доработку", needs_comment=True,
                        requirement="причину возврата"),
    "withdraw": EventSpec("withdraw", "снять с исполнения", needs_comment=True,
                          requirement="причину"),
})

# an executor reports for its own unit (a clerk for anyone); the department checks
REPORTERS = ("executor", "clerk")
CHECKERS = ("clerk", "head")

STATES = (
    StateSpec("assigned", "назначено", (
        Transition("report", "reported", REPORTERS),
        Transition("withdraw", "withdrawn", ("clerk",)),
    ), initial=True, open=True),
    StateSpec("reported", "отчёт представлен", (
        Transition("accept", "accepted", CHECKERS),
        Transition("return", "returned", CHECKERS),
    )),
    StateSpec("returned", "возвращено на доработку", (
        Transition("report", "reported", REPORTERS),
        Transition("withdraw", "withdrawn", ("clerk",)),
    ), open=True),
    StateSpec("accepted", "отчёт принят", final=True),
    StateSpec("withdrawn", "снято с исполнения", final=True),
)
# states in which the executor still owes a report, and those that close the collection
OWING = ("assigned", "returned")
DONE = ("accepted", "withdrawn")


@lru_cache(maxsize=1)
def assignment_machine() -> OccurrenceMachine:
    """The machine every assignment shares (checked when built)."""
    return OccurrenceMachine(STATES, EVENTS)


def assignment_state_label(state: str) -> str:
    spec = assignment_machine().states.get(state)
    return spec.label if spec else state
