"""reported: the executor's report is in; the department analyses it or returns it."""

from workflow.states import (
    ALWAYS,
    HAS_DECISIONS,
    HAS_RECOMMENDATIONS,
    StateSpec,
    Transition,
)

STATE = StateSpec(
    name="reported",
    label="отчёт представлен",
    transitions=(
        Transition("analyse", "analysed", ("head",), (
            ("analytic_note", ALWAYS), ("order_results", HAS_DECISIONS),
            ("recommendations", HAS_RECOMMENDATIONS))),
        # the head (or whom the head delegates to analysis); never the executor (DOMAIN §7)
        Transition("return", "in_progress", ("head",)),
        Transition("cancel", "cancelled", ("head",)),
    ),
)
