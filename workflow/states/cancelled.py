"""cancelled: the occurrence will not be carried out; the reason is in its history (final)."""

from workflow.states import StateSpec

STATE = StateSpec(name="cancelled", label="отменено", final=True)
