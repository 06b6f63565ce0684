"""in_progress: the executors are at work; their report is awaited."""

from workflow.states import ALWAYS, StateSpec, Transition

STATE = StateSpec(
    name="in_progress",
    label="выполняется",
    transitions=(
        # an executor of a unit named by the activity, or the clerk for them
        Transition("report", "reported", ("executor", "clerk"), (("report", ALWAYS),)),
        Transition("cancel", "cancelled", ("head",)),
    ),
    open=True,
)
