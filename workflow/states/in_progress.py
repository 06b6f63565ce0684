"""in_progress: the executors are at work; their report is awaited."""

from workflow.states import ALWAYS, StateSpec, Transition

STATE = StateSpec(
    name="in_progress",
    label="выполняется",
    transitions=(
        # an executor of a unit named by the activity, or the clerk for them
        Transition("report", "reported", ("executor", "clerk"), (("report", ALWAYS),)),
        # every executor's report accepted (or the clerk closes the collection, saying who
        # did not report): the department's summary report
        Transition("collect", "reported", ("clerk", "head"), (("report", ALWAYS),)),
        Transition("cancel", "cancelled", ("head",)),
    ),
    open=True,
)
