"""The occurrence state machine: one ``transitions.Machine`` shared by every occurrence.

Occurrences are not added to the machine as models (that would bind trigger methods to each
of them and keep a list of all of them); an event is fired on a small token that carries only
the current state, so 100,000 occurrences cost 100,000 strings, not 100,000 machines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from transitions import Machine, MachineError

from workflow.errors import (
    MachineDefinitionError,
    MissingRequirement,
    PermissionDenied,
    TransitionNotAllowed,
    said,
)
from workflow.roles import ROLES
from workflow.states import CONDITIONS, StateSpec, Transition, all_states


@dataclass(frozen=True)
class EventSpec:
    """An event: its name, Russian label and what the user must give with it."""

    name: str
    label: str
    needs_comment: bool = False
    file_may_replace_comment: bool = False
    requirement: str = ""


EVENTS: Mapping[str, EventSpec] = MappingProxyType(
    {
        "start": EventSpec("start", "начать исполнение"),
        "report": EventSpec(
            "report",
            "представить отчёт",
            needs_comment=True,
            file_may_replace_comment=True,
            requirement="текст отчёта" + said(" (--comment)") + " или файл отчёта"
            + said(" (--file)"),
        ),
        "return": EventSpec(
            "return", "вернуть на доработку", needs_comment=True,
            requirement="причину возврата" + said(" (--comment)"),
        ),
        "analyse": EventSpec(
            "analyse", "провести анализ", needs_comment=True,
            requirement="выводы анализа" + said(" (--comment)"),
        ),
        "collect": EventSpec(
            "collect", "завершить сбор отчётов", needs_comment=False,
        ),
        "cancel": EventSpec(
            "cancel", "отменить", needs_comment=True,
            requirement="причину отмены" + said(" (--comment)")
        ),
    }
)


class _Token:
    """The only thing the machine touches: the state of one occurrence during one event."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


@dataclass(frozen=True)
class Step:
    """The outcome of a fired event."""

    event: str
    source: str
    dest: str


class OccurrenceMachine:
    """The state machine definition, checked when built, and the way to fire its events."""

    def __init__(
        self,
        states: Sequence[StateSpec] | None = None,
        events: Mapping[str, EventSpec] = EVENTS,
    ) -> None:
        self.states: Mapping[str, StateSpec] = MappingProxyType(
            {state.name: state for state in (states or all_states())}
        )
        self.events = events
        _check_definition(self.states, events)
        self.initial = next(state.name for state in self.states.values() if state.initial)
        self._machine = Machine(
            model=None,
            states=list(self.states),
            initial=self.initial,
            transitions=[
                {"trigger": event, "source": state.name, "dest": dest}
                for state in self.states.values()
                for event, dest in state.events.items()
            ],
            auto_transitions=False,
        )

    def _words(self) -> dict[str, Mapping[str, str] | None]:
        """The labels a refusal speaks in: this machine's own (an assignment's, an
        indicator value's), or None for the occurrence's (its module's words)."""
        if self.events is EVENTS:
            return {"events": None, "states": None}
        return {"events": {name: spec.label for name, spec in self.events.items()},
                "states": {name: spec.label for name, spec in self.states.items()}}

    def allowed_events(self, state: str) -> tuple[str, ...]:
        """Events that may be fired in ``state``, in definition order."""
        return tuple(self.states[state].events)

    @property
    def open_states(self) -> tuple[str, ...]:
        """States in which work is still to be done (and can be late)."""
        return tuple(name for name, state in self.states.items() if state.open)

    def transition(self, state: str, event: str) -> Transition | None:
        spec = self.states.get(state)
        return spec.transition(event) if spec else None

    def roles(self, event: str) -> tuple[str, ...]:
        """Every role that may fire ``event`` in some state (for lists and help)."""
        found: list[str] = []
        for state in self.states.values():
            transition = state.transition(event)
            for role in transition.roles if transition else ():
                if role not in found:
                    found.append(role)
        return tuple(found)

    def permitted(self, state: str, event: str, roles: Iterable[str]) -> bool:
        """Whether a person with ``roles`` may fire ``event`` in ``state``: only what a
        transition names is allowed (deny by default)."""
        transition = self.transition(state, event)
        return transition is not None and bool(set(transition.roles) & set(roles))

    def require_permitted(self, login: str, state: str, event: str,
                          roles: Sequence[str]) -> None:
        """Refuse (``PermissionDenied``) a person whose roles the transition does not name;
        an event that does not leave this state is ``TransitionNotAllowed`` (checked by
        ``fire``), an unknown one is refused here too."""
        transition = self.transition(state, event)
        if transition is None:
            if event not in self.events:
                raise PermissionDenied(login, event, (), roles,
                                       reason=f"неизвестное действие «{event}»")
            return  # fire names the states it may be fired in
        if not set(transition.roles) & set(roles):
            raise PermissionDenied(login, event, transition.roles, roles)

    def document_rules(self) -> tuple[tuple[str, str, str], ...]:
        """The documents each event makes, as the default rules: (event, template,
        condition), in the order of the cycle."""
        rules: list[tuple[str, str, str]] = []
        for state in self.states.values():
            for transition in state.transitions:
                for template, condition in transition.documents:
                    rule = (transition.event, template, condition)
                    if rule not in rules:
                        rules.append(rule)
        return tuple(rules)

    def fire(
        self,
        occurrence: str,
        state: str,
        event: str,
        *,
        comment: str | None = None,
        has_files: bool = False,
    ) -> Step:
        """Check and fire ``event`` on an occurrence in ``state``; return where it leads.

        Raises ``TransitionNotAllowed`` for an unknown or illegal event and
        ``MissingRequirement`` when the event needs a reason, text or file.
        """
        if event not in self.events or state not in self.states:
            raise TransitionNotAllowed(occurrence, event, state, self.allowed_events(state)
                                       if state in self.states else (), **self._words())
        spec = self.events[event]
        token = _Token(state)
        try:
            self._machine.events[event].trigger(token)
        except MachineError:
            raise TransitionNotAllowed(
                occurrence, event, state, self.allowed_events(state), **self._words()
            ) from None
        if spec.needs_comment and not (comment and comment.strip()):
            if not (spec.file_may_replace_comment and has_files):
                raise MissingRequirement(occurrence, event, spec.requirement)
        return Step(event=event, source=state, dest=token.state)


def _check_definition(states: Mapping[str, StateSpec], events: Mapping[str, EventSpec]) -> None:
    """Reject a definition with dangling events, unreachable states or dead ends."""
    initial = [state.name for state in states.values() if state.initial]
    if len(initial) != 1:
        raise MachineDefinitionError(f"должно быть ровно одно начальное состояние, а не {initial}")
    for state in states.values():
        for transition in state.transitions:
            event, dest = transition.event, transition.dest
            if event not in events:
                raise MachineDefinitionError(f"{state.name}: неизвестное событие {event}")
            if dest not in states:
                raise MachineDefinitionError(f"{state.name} --{event}--> неизвестное {dest}")
            if not transition.roles:  # deny by default: a transition names who may fire it
                raise MachineDefinitionError(f"{state.name} --{event}-->: не указано, кто может "
                                             "это сделать")
            unknown = [role for role in transition.roles if role not in ROLES]
            if unknown:
                raise MachineDefinitionError(f"{state.name} --{event}-->: неизвестные роли "
                                             f"{unknown}")
            bad = [c for _, c in transition.documents if c not in CONDITIONS]
            if bad:
                raise MachineDefinitionError(f"{state.name} --{event}-->: неизвестные условия "
                                             f"документов {bad}")
        if len(state.events) != len(state.transitions):
            raise MachineDefinitionError(f"{state.name}: событие повторяется")
        if state.final and state.events:
            raise MachineDefinitionError(f"конечное состояние {state.name} имеет выходы")
        if not state.final and not state.events:
            raise MachineDefinitionError(f"из состояния {state.name} нет выхода")
    reachable = _closure(initial, lambda name: states[name].events.values())
    unreachable = set(states) - reachable
    if unreachable:
        raise MachineDefinitionError(f"недостижимые состояния: {sorted(unreachable)}")
    finals = {state.name for state in states.values() if state.final}
    for name in states:
        if not _closure([name], lambda n: states[n].events.values()) & finals:
            raise MachineDefinitionError(f"из состояния {name} не достичь конечного")


def _closure(start: Iterable[str], step: Callable[[str], Iterable[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(step(name))
    return seen


@lru_cache(maxsize=1)
def occurrence_machine() -> OccurrenceMachine:
    """The machine every occurrence shares."""
    return OccurrenceMachine()


def state_label(state: str) -> str:
    """The Russian label of a state, or the name itself when unknown."""
    spec = occurrence_machine().states.get(state)
    return spec.label if spec else state


def event_label(event: str) -> str:
    """The Russian label of an event, or the name itself when unknown."""
    spec = EVENTS.get(event)
    return spec.label if spec else event
