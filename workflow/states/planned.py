"""planned: the occurrence is in the roadmap and nobody has started it yet."""

from types import MappingProxyType

from workflow.states import StateSpec

STATE = StateSpec(
    name="planned",
    label="запланировано",
    events=MappingProxyType({"start": "in_progress", "cancel": "cancelled"}),
    initial=True,
)
