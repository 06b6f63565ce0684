"""The occurrence state machine: its definition, its events, and its rules for all sequences."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.errors import (
    MachineDefinitionError,
    MissingRequirement,
    TransitionNotAllowed,
    in_voice,
)
from workflow.machine import EVENTS, OccurrenceMachine, occurrence_machine
from workflow.states import StateSpec, Transition, all_states

MACHINE = occurrence_machine()


def test_the_cycle_and_its_exits() -> None:
    assert MACHINE.initial == "planned"
    assert MACHINE.allowed_events("planned") == ("start", "cancel")
    assert MACHINE.allowed_events("in_progress") == ("report", "collect", "cancel")
    assert MACHINE.allowed_events("reported") == ("analyse", "return", "cancel")
    assert MACHINE.allowed_events("analysed") == ()
    assert MACHINE.allowed_events("cancelled") == ()
    step = MACHINE.fire("1:1@2021", "reported", "return", comment="нет списка")
    assert (step.source, step.dest) == ("reported", "in_progress")


def test_illegal_event_names_occurrence_state_and_allowed_events() -> None:
    with pytest.raises(TransitionNotAllowed) as error:
        MACHINE.fire("1:3.5@2022", "planned", "analyse", comment="x")
    assert str(error.value) == (
        "1:3.5@2022: действие «analyse» (провести анализ) невозможно в состоянии "
        "«запланировано»; допустимо: start (начать исполнение), cancel (отменить)"
    )
    assert error.value.allowed == ("start", "cancel")


def test_final_state_says_so() -> None:
    with pytest.raises(TransitionNotAllowed, match="состояние конечное"):
        MACHINE.fire("1:1@2021", "analysed", "start")


def test_unknown_event() -> None:
    with pytest.raises(TransitionNotAllowed, match="«finish»"):
        MACHINE.fire("1:1@2021", "planned", "finish")


@pytest.mark.parametrize("state,event", [("reported", "return"), ("reported", "analyse"),
                                         ("planned", "cancel"), ("in_progress", "report")])
def test_reasons_are_required(state: str, event: str) -> None:
    with pytest.raises(MissingRequirement) as error:
        MACHINE.fire("R", state, event, comment="   ")
    assert in_voice(EVENTS[event].requirement, "cli") in str(error.value)
    assert "--" in str(error.value) and "--" not in error.value.for_web  # the form's words


def test_a_report_file_replaces_the_report_text() -> None:
    assert MACHINE.fire("R", "in_progress", "report", has_files=True).dest == "reported"
    with pytest.raises(MissingRequirement):
        MACHINE.fire("R", "reported", "analyse", has_files=True)


def test_one_machine_serves_any_number_of_occurrences() -> None:
    states = ["planned"] * 100_000
    for index in range(0, 100_000, 7):
        states[index] = MACHINE.fire(str(index), states[index], "start").dest
    assert states.count("in_progress") == len(range(0, 100_000, 7))
    assert MACHINE._machine.models == []  # nothing was attached to the machine
    assert occurrence_machine() is MACHINE
    assert sys.getsizeof(states) < 1_000_000


def _states_with(**changes: StateSpec) -> list[StateSpec]:
    return [changes.get(state.name, state) for state in all_states()]


def _spec(name: str, events: dict[str, str], **flags: bool) -> StateSpec:
    return StateSpec(name, "x", tuple(Transition(event, dest, ("clerk",))
                                      for event, dest in events.items()), **flags)


def test_definition_with_unknown_destination_is_rejected() -> None:
    broken = _spec("planned", {"start": "nowhere"}, initial=True)
    with pytest.raises(MachineDefinitionError, match="nowhere"):
        OccurrenceMachine(_states_with(planned=broken))


def test_definition_with_unreachable_state_is_rejected() -> None:
    no_cancel = _spec("planned", {"start": "in_progress"}, initial=True)
    only_report = _spec("in_progress", {"report": "reported"})
    only_analyse = _spec("reported", {"analyse": "analysed"})
    with pytest.raises(MachineDefinitionError, match="cancelled"):
        OccurrenceMachine(_states_with(planned=no_cancel, in_progress=only_report,
                                       reported=only_analyse))


def test_definition_with_dead_end_is_rejected() -> None:
    stuck = _spec("in_progress", {})
    with pytest.raises(MachineDefinitionError, match="in_progress"):
        OccurrenceMachine(_states_with(in_progress=stuck))


def test_every_transition_names_who_may_fire_it_and_nobody_else_may() -> None:
    """Deny by default: a transition without roles, or with a role nobody has, is refused
    when the machine is built; an event no transition names is refused to everyone."""
    from workflow.roles import ROLES

    for state in MACHINE.states.values():
        for transition in state.transitions:
            assert transition.roles and set(transition.roles) <= set(ROLES), transition
            for role in ROLES:
                assert MACHINE.permitted(state.name, transition.event, [role]) == \
                    (role in transition.roles)
    for state in MACHINE.states:
        assert not MACHINE.permitted(state, "finish", ROLES)
    nobody = StateSpec("planned", "x", (Transition("start", "in_progress", ()),
                                        Transition("cancel", "cancelled", ("head",))),
                       initial=True)
    with pytest.raises(MachineDefinitionError, match="не указано, кто может"):
        OccurrenceMachine(_states_with(planned=nobody))
    stranger = StateSpec("planned", "x", (Transition("start", "in_progress", ("janitor",)),
                                          Transition("cancel", "cancelled", ("head",))),
                         initial=True)
    with pytest.raises(MachineDefinitionError, match="неизвестные роли"):
        OccurrenceMachine(_states_with(planned=stranger))


def test_an_unknown_event_is_refused_as_a_permission_and_logged(db: object) -> None:
    from registry.database import Database
    from registry.occurrences import apply_event
    from registry.roadmaps import import_roadmap
    from tests.conftest import ZAOZERSK
    from workflow.errors import PermissionDenied

    assert isinstance(db, Database)
    import_roadmap(db, ZAOZERSK, "clerk")
    with pytest.raises(PermissionDenied, match="неизвестное действие «finish»"):
        apply_event(db, "1:5@2021", "finish", "admin", comment="x")
    with pytest.raises(PermissionDenied, match="«clerk»"):
        apply_event(db, "1:5@2021", "start", "head")


def test_the_default_document_rules_are_what_the_states_say() -> None:
    from registry.templates import DEFAULT_RULES

    assert DEFAULT_RULES[1:] == MACHINE.document_rules()
    assert ("analyse", "order_results", "has_decisions") in DEFAULT_RULES


@given(st.lists(st.tuples(st.sampled_from([*EVENTS, "finish"]),
                          st.sampled_from(["", "причина", None]),
                          st.booleans()), max_size=30))
def test_any_sequence_of_events_keeps_a_valid_state(
        events: list[tuple[str, str | None, bool]]) -> None:
    state = MACHINE.initial
    trail = [state]
    for event, comment, has_file in events:
        try:
            step = MACHINE.fire("R", state, event, comment=comment, has_files=has_file)
        except (TransitionNotAllowed, MissingRequirement):
            continue
        assert step.source == state
        assert step.dest == MACHINE.states[state].events[event]
        state = step.dest
        trail.append(state)
    assert state in MACHINE.states
    # once final, nothing moves it
    finals = [i for i, s in enumerate(trail) if MACHINE.states[s].final]
    assert not finals or finals[0] == len(trail) - 1
