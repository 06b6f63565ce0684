"""reported: the executor's report is in; the department analyses it or returns it."""

from types import MappingProxyType

from workflow.states import StateSpec

STATE = StateSpec(
    name="reported",
    label="отчёт представлен",
    events=MappingProxyType(
        {"analyse": "analysed", "return": "in_progress", "cancel": "cancelled"}
    ),
)
