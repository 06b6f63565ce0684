"""in_progress: work is under way; the executor reports when done."""

from types import MappingProxyType

from workflow.states import StateSpec

STATE = StateSpec(
    name="in_progress",
    label="выполняется",
    events=MappingProxyType({"report": "reported", "cancel": "cancelled"}),
)
