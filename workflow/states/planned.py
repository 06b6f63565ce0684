"""planned: the occurrence is in the roadmap and nobody has started it yet."""

from workflow.states import ORDER_NEEDED, StateSpec, Transition

STATE = StateSpec(
    name="planned",
    label="запланировано",
    transitions=(
        # the clerk starts it; a start order when the activity needs one (DOMAIN §6)
        Transition("start", "in_progress", ("clerk",), (("order_start", ORDER_NEEDED),)),
        Transition("cancel", "cancelled", ("head",)),
    ),
    initial=True,
    open=True,
)
