"""One module per state of an occurrence: what it is called, which transitions leave it,
who may fire each, what each needs and which documents it makes.

The machine in ``workflow.machine`` is assembled from these modules and checked when built:
every transition names the roles that may fire it (none named: the machine is refused — a
transition nobody may fire is a mistake, not an open door), every role exists, every event
is known. Adding an event is a change here, in its template and in its test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# when a document of a transition is made (the default rules; an organisation may change
# them in the registry): always, or on a condition of the transition
ALWAYS = "always"
ORDER_NEEDED = "order_needed"
HAS_DECISIONS = "has_decisions"
HAS_RECOMMENDATIONS = "has_recommendations"
CONDITIONS = (ALWAYS, ORDER_NEEDED, HAS_DECISIONS, HAS_RECOMMENDATIONS)


@dataclass(frozen=True)
class Transition:
    """An event leaving a state: where it leads, who may fire it, the documents it makes
    (template name, condition)."""

    event: str
    dest: str
    roles: tuple[str, ...]
    documents: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class StateSpec:
    """A state: its name, Russian label, outgoing transitions and finality."""

    name: str
    label: str
    transitions: tuple[Transition, ...] = ()
    final: bool = False
    initial: bool = False
    open: bool = False  # work is still to be done (planned or in progress): it can be late
    events: Mapping[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "events", MappingProxyType(
            {transition.event: transition.dest for transition in self.transitions}))

    def transition(self, event: str) -> Transition | None:
        return next((t for t in self.transitions if t.event == event), None)


def all_states() -> tuple[StateSpec, ...]:
    """Every state, in the order of the management cycle."""
    from workflow.states import analysed, cancelled, in_progress, planned, reported

    return (planned.STATE, in_progress.STATE, reported.STATE, analysed.STATE, cancelled.STATE)
