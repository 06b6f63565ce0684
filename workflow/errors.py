"""The one error tree of karta.

Every error a user can cause is a ``KartaError``. Each subclass keeps typed attributes and
knows its own one-line Russian message (``str(error)``); the CLI shows that line and exits
with ``exit_code``. The core never prints.

A message speaks to two readers. Where it names what to do next, the part is written for
each with ``said(cli, web)``: the command line names a command or a flag («(karta
documents)», «--force»), the browser the page or the form's words («раздел «Документы»»,
«отметьте «заменить»») or nothing. ``str(error)`` is the command line's message;
``error.for_web`` the browser's (a sentence of its own: a capital first letter).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_CLI, _WEB, _END = "\ue000", "\ue001", "\ue002"  # private-use marks around the two voices
_VOICES = re.compile(f"{_CLI}([^{_CLI}{_END}]*){_WEB}([^{_CLI}{_END}]*){_END}")


def said(cli: str, web: str = "") -> str:
    """A part of a message worded for each reader (``web`` empty: the browser says nothing
    there — the page itself shows the way)."""
    return f"{_CLI}{cli}{_WEB}{web}{_END}"


def in_voice(text: str, reader: str) -> str:
    """A message as ``reader`` («cli» or «web») reads it."""
    chosen = _VOICES.sub(lambda found: found.group(1 if reader == "cli" else 2), text)
    if reader != "web":
        return chosen
    # a hint with nothing to say in the browser leaves nothing behind (each ``said`` part
    # carries its own leading space or punctuation, so the text around it stays as written)
    tidy = re.sub(r"\s*\(\s*\)", "", chosen).strip()
    return re.sub(r"[;:,]\s*$", "", tidy)


class KartaError(Exception):
    """Base of every error karta reports to a user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return in_voice(self.message, "cli")

    @property
    def for_web(self) -> str:
        """The message as a page shows it: the form's words, never a command or a flag, and
        a capital first letter."""
        text = in_voice(self.message, "web")
        return text[:1].upper() + text[1:]


class ConfigurationError(KartaError):
    """The database, the user or an option is missing or wrong."""

    exit_code = 2


class UnknownUser(KartaError):
    """The acting login is not a known person."""

    exit_code = 3

    def __init__(self, login: str) -> None:
        super().__init__(f"неизвестный пользователь «{login}»"
                         + said(": добавьте его или укажите --user", ""))
        self.login = login


class RoadmapFormatError(KartaError):
    """A roadmap file cannot be read as a roadmap."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        where = f"{file}, строка {line}" if line else file
        super().__init__(f"{where}: {reason}")
        self.file = file
        self.line = line
        self.reason = reason


class RoadmapLimitExceeded(RoadmapFormatError):
    """A roadmap file breaches an import limit (size, shape, nesting or time)."""

    def __init__(self, file: str, limit: str, reason: str, line: int | None = None) -> None:
        super().__init__(file, line, reason)
        self.limit = limit


class PeriodRequired(KartaError):
    """Neither the document nor the command gives the roadmap's period."""

    def __init__(self, file: str, suggestion: str | None = None) -> None:
        suggestion = suggestion or said("--period ГГГГ-ГГГГ",
                                        "в поле «Период» (например, 2021-2023)")
        super().__init__(
            f"{file}: в документе не найден период дорожной карты "
            f"(«на 2021-2023 годы»); укажите его: {suggestion}"
        )
        self.file = file
        self.suggestion = suggestion


class InvalidPeriod(KartaError):
    """A period given by the user is malformed or ends before it starts."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"неверный период «{text}»: {reason}")
        self.text = text
        self.reason = reason


class UnknownReference(KartaError):
    """A REF names no roadmap, activity or occurrence."""

    exit_code = 4

    def __init__(self, ref: str, reason: str = "не найдено") -> None:
        super().__init__(f"«{ref}»: {reason}")
        self.ref = ref
        self.reason = reason


class TransitionNotAllowed(KartaError):
    """The event is not allowed in the occurrence's current state."""

    exit_code = 5

    def __init__(self, occurrence: str, event: str, state: str, allowed: Sequence[str],
                 events: Mapping[str, str] | None = None,
                 states: Mapping[str, str] | None = None) -> None:
        from workflow.machine import event_label as occurrence_event
        from workflow.machine import state_label as occurrence_state

        # the words of the machine that refused (an occurrence's by default)
        def event_label(name: str) -> str:
            return events.get(name, name) if events is not None else occurrence_event(name)

        def state_label(name: str) -> str:
            return states.get(name, name) if states is not None else occurrence_state(name)

        if allowed:
            options = ", ".join(f"{name} ({event_label(name)})" for name in allowed)
            tail = f"допустимо: {options}"
        else:
            tail = "состояние конечное, действия невозможны"
        super().__init__(
            f"{occurrence}: действие «{event}» ({event_label(event)}) невозможно "
            f"в состоянии «{state_label(state)}»; {tail}"
        )
        self.occurrence = occurrence
        self.event = event
        self.state = state
        self.allowed = tuple(allowed)


class MissingRequirement(KartaError):
    """An event needs a comment, a reason or a file that was not given."""

    exit_code = 5

    def __init__(self, occurrence: str, event: str, what: str) -> None:
        super().__init__(f"{occurrence}: для действия «{event}» нужно указать {what}")
        self.occurrence = occurrence
        self.event = event
        self.what = what


class ConcurrentUpdate(KartaError):
    """Somebody changed the occurrence between reading and writing it."""

    exit_code = 6

    def __init__(self, occurrence: str) -> None:
        super().__init__(
            f"{occurrence}: запись уже изменена другим пользователем; "
            "обновите " + said("данные (karta show)", "страницу") + " и повторите действие"
        )
        self.occurrence = occurrence


class MachineDefinitionError(KartaError):
    """The state machine definition is inconsistent (found when it is built)."""


class PermissionDenied(KartaError):
    """The acting person's roles do not allow the action (the attempt is logged)."""

    exit_code = 7

    def __init__(self, login: str, action: str, needed: Sequence[str], held: Sequence[str],
                 reason: str = "") -> None:
        if reason:
            text = f"нет прав: {reason}"
        else:
            roles = " или ".join(f"«{role}»" for role in needed)
            have = ", ".join(held) or "нет ролей"
            text = (f"нет прав: для действия «{action}» нужна роль {roles} "
                    f"(у пользователя «{login}»: {have})")
        super().__init__(text)
        self.login = login
        self.action = action
        self.needed = tuple(needed)
        self.held = tuple(held)


class TemplateProblem(KartaError):
    """A template is not a valid .docx template (raised when it is checked or rendered)."""

    cpu_seconds: float | None = None  # processor time a render used before it was refused
    signal: int | None = None  # the signal the kernel stopped its worker with, if it did
    peak_megabytes: float | None = None  # the worker's peak memory by then

    def __init__(self, template: str, reason: str) -> None:
        super().__init__(f"шаблон «{template}»: {reason}")
        self.template = template
        self.reason = reason


class TemplateLimitExceeded(TemplateProblem):
    """A template tried what templates may not do, or ran past its time or size budget."""


class MissingTemplateVariable(KartaError):
    """Rendering needed a value the context does not have."""

    def __init__(self, template: str, name: str) -> None:
        super().__init__(f"шаблон «{template}»: в данных документа нет значения «{name}»")
        self.template = template
        self.name = name
