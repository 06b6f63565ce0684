"""One module per state of an occurrence: what it is called, which events leave it and where.

The machine in ``workflow.machine`` is assembled from these modules and checked when built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class StateSpec:
    """A state: its name, Russian label, outgoing events (event → destination) and finality."""

    name: str
    label: str
    events: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    final: bool = False
    initial: bool = False


def all_states() -> tuple[StateSpec, ...]:
    """Every state, in the order of the management cycle."""
    from workflow.states import analysed, cancelled, in_progress, planned, reported

    return (planned.STATE, in_progress.STATE, reported.STATE, analysed.STATE, cancelled.STATE)
