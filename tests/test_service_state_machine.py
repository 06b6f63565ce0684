"""Any sequence of commands, by any of the roles, keeps the database consistent: occurrence
states follow the machine, journals have no gaps, and the log replays to the tables."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlmodel import select

from registry.database import Database
from registry.occurrences import apply_event
from registry.orders import approve_roadmap, make_plan, sign
from registry.people import add_person, change_roles
from registry.roadmaps import import_roadmap
from registry.schedule import set_deadline
from registry.tables import Document, Occurrence
from registry.verify import verify
from tests.conftest import PROFILE, ZAOZERSK
from workflow.assignments import EVENTS as ASSIGNMENT_EVENTS
from workflow.assignments import assignment_machine
from workflow.errors import KartaError
from workflow.machine import EVENTS, occurrence_machine

PEOPLE = ("admin", "clerk", "head", "school", "auditor")
REFS = ["1:1@2021", "1:5@2021", "1:7@2021"]
DEPARTMENT = "МКУ «Управление образования ЗАТО город Заозерск»"


class ServiceMachine(RuleBasedStateMachine):
    """Drives the service layer the way the front ends do, and checks it after each step."""

    @initialize()
    def setup(self) -> None:
        from registry.people import initialise

        self.folder = Path(tempfile.mkdtemp(prefix="karta-sm-"))
        self.db = Database(f"sqlite:///{self.folder / 'karta.db'}", self.folder / "files")
        initialise(self.db, PROFILE)
        add_person(self.db, "admin", "clerk", "Белокреницкая Елена Викторовна", "f",
                   "специалист", ["clerk"])
        add_person(self.db, "admin", "head", "Андреева Светлана Леонидовна", "f",
                   "начальник", ["head"])
        add_person(self.db, "admin", "school", "Петров Пётр Петрович", "m", "директор",
                   ["executor"], unit="МБОУ СОШ № 1")
        add_person(self.db, "admin", "auditor", "Смирнова Анна Ивановна", "f", "аудитор",
                   ["auditor"])
        import_roadmap(self.db, ZAOZERSK, "clerk")
        self.states = {ref: "planned" for ref in REFS}

    @rule(ref=st.sampled_from(REFS), event=st.sampled_from(sorted(EVENTS)),
          who=st.sampled_from(PEOPLE), with_text=st.booleans(), order=st.booleans(),
          decision=st.booleans())
    def transition(self, ref: str, event: str, who: str, with_text: bool, order: bool,
                   decision: bool) -> None:
        try:
            result = apply_event(self.db, ref, event, who,
                                 comment="текст" if with_text else None, order=order,
                                 decisions=["Руководителям ОО обеспечить."]
                                 if decision and event == "analyse" else None)
        except KartaError:
            note("transition refused")
            return
        note(f"transition done: {result.event}")
        assert result.source == self.states[ref]
        self.states[ref] = result.dest

    @rule(ref=st.sampled_from(REFS), event=st.sampled_from(sorted(EVENTS)),
          decision=st.booleans())
    def proper_transition(self, ref: str, event: str, decision: bool) -> None:
        """The person whose job the event is, with what it needs: paths go deep."""
        who = {"start": "clerk", "report": "clerk", "return": "head", "analyse": "head",
               "cancel": "head", "collect": "clerk"}[event]
        self.transition(ref, event, who, True, decision, decision)

    @rule(ref=st.sampled_from(REFS), event=st.sampled_from(sorted(ASSIGNMENT_EVENTS)),
          who=st.sampled_from(PEOPLE), unit=st.sampled_from([None, "МБОУ СОШ № 1",
                                                            DEPARTMENT]),
          with_text=st.booleans())
    def assignment_step(self, ref: str, event: str, who: str, unit: str | None,
                        with_text: bool) -> None:
        """A school's or the department's step on an assignment; the last acceptance may
        collect the occurrence."""
        from registry.assignments import act
        from registry.occurrences import show

        try:
            act(self.db, who, ref, event, unit=unit, comment="текст" if with_text else None)
        except KartaError:
            note("assignment step refused")
            return
        self.states[ref] = show(self.db, ref, "admin")["occurrence"]["state"]  # type: ignore[index]

    @rule(ref=st.sampled_from(REFS), back=st.booleans())
    def advance(self, ref: str, back: bool) -> None:
        """The next step of the cycle for this occurrence, by the right person."""
        step = {"planned": "start", "in_progress": "report",
                "reported": "return" if back else "analyse"}.get(self.states[ref])
        if step:
            self.proper_transition(ref, step, back)

    @rule(who=st.sampled_from(PEOPLE), pick=st.integers(0, 20))
    def sign_a_draft(self, who: str, pick: int) -> None:
        with self.db.reading() as session:
            drafts = list(session.exec(select(Document.id).where(Document.status == "draft")))
        if drafts:
            try:
                sign(self.db, who, drafts[pick % len(drafts)] or 0)
                note("signed")
            except KartaError:
                pass

    @rule(who=st.sampled_from(PEOPLE), pick=st.integers(0, 20),
          step=st.sampled_from(("route", "again", "visa", "return", "revise")))
    def draft_on_its_way(self, who: str, pick: int, step: str) -> None:
        """The approval route and revisions from Word, by anybody, in any order."""
        from registry.documents import document_bytes, get_document
        from registry.drafts import revise
        from registry.visas import decide, send_for_visas
        from tests.test_drafts_visas import edited

        with self.db.reading() as session:
            drafts = list(session.exec(select(Document.id).where(Document.status == "draft",
                                                                 Document.journal == "orders")))
        if not drafts:
            return
        document_id = drafts[pick % len(drafts)] or 0
        try:
            if step == "route":
                send_for_visas(self.db, who, document_id, ["auditor", "head"])
            elif step == "again":
                send_for_visas(self.db, who, document_id, [])
            elif step in ("visa", "return"):
                decide(self.db, who, document_id, step == "visa", "замечание")
            else:
                data = document_bytes(self.db, get_document(self.db, who, document_id))
                revise(self.db, who, document_id, edited(data, "ПРИКАЗЫВАЮ:",
                                                          f"ПРИКАЗЫВАЮ ({pick}):"), "п.docx")
            note(f"draft: {step}")
        except KartaError:
            pass

    @rule(pick=st.integers(0, 20), step=st.sampled_from(("route", "again", "revise")),
          visa=st.sampled_from(("visa", "return")), official=st.sampled_from(("auditor",
                                                                               "head")))
    def proper_route(self, pick: int, step: str, visa: str, official: str) -> None:
        """The clerk sends or corrects, an official decides: routes go deep."""
        self.draft_on_its_way("clerk", pick, step)
        self.draft_on_its_way(official, pick, visa)

    @rule(who=st.sampled_from(PEOPLE))
    def approve_or_plan(self, who: str) -> None:
        for command in (lambda: approve_roadmap(self.db, who, "R1"),
                        lambda: make_plan(self.db, who, "R1", 2022)):
            try:
                command()
            except KartaError:
                pass

    @rule(who=st.sampled_from(PEOPLE), login=st.sampled_from(PEOPLE[1:]),
          role=st.sampled_from(("clerk", "head", "executor", "auditor")), grant=st.booleans())
    def roles(self, who: str, login: str, role: str, grant: bool) -> None:
        try:
            change_roles(self.db, who, login, role, grant)
        except KartaError:
            pass

    @rule(who=st.sampled_from(PEOPLE), phrase=st.sampled_from(
        ("Ежегодно, август", "2 раза в год (декабрь, май)", "Ежеквартально", "2022 год")))
    def deadline(self, who: str, phrase: str) -> None:
        try:
            set_deadline(self.db, who, "1:7", phrase)
        except KartaError:
            pass

    @invariant()
    def consistent(self) -> None:
        if not hasattr(self, "db"):
            return
        result = verify(self.db, "admin")
        assert result.ok, result.problems
        machine = occurrence_machine()
        with self.db.reading() as session:
            for state in session.exec(select(Occurrence.state)):
                assert state in machine.states
            from registry.tables import Assignment

            for occurrence_state, assignment_state in session.exec(
                    select(Occurrence.state, Assignment.state).join(
                        Assignment, Assignment.occurrence_id == Occurrence.id)):
                assert assignment_state in assignment_machine().states
                assert occurrence_state != "planned"  # assigned when started, never before
            numbers = Counter()
            for journal, year, number in session.exec(
                    select(Document.journal, Document.year, Document.number)
                    .where(Document.number.is_not(None))):  # type: ignore[union-attr]
                numbers[(journal, year)] += 1
                assert number is not None
            from registry.visas import current_round

            for document_id in session.exec(select(Document.id).where(
                    Document.status == "signed")):
                assert all(visa.status == "given"  # signed only when every visa was given
                           for visa in current_round(session, document_id or 0))
            for (journal, year), count in numbers.items():
                found = sorted(n for n in session.exec(select(Document.number).where(
                    Document.journal == journal, Document.year == year)) if n is not None)
                assert found == list(range(1, count + 1)), (journal, year, found)

    def teardown(self) -> None:
        if hasattr(self, "db"):
            self.db.dispose()


TestServiceLayer = ServiceMachine.TestCase
TestServiceLayer.settings = settings(max_examples=30, stateful_step_count=20, deadline=None,
                                     suppress_health_check=list(HealthCheck))
