"""analysed: conclusions are drawn; one turn of the management cycle is complete (final)."""

from workflow.states import StateSpec

STATE = StateSpec(name="analysed", label="проанализировано", final=True)
