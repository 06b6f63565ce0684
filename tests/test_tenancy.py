"""No organisation reaches another (issue 18): each attack of the hostile review, reproduced
against a region with a ministry and two departments, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from registry.accounts import (
    LoginRefused,
    check_password,
    issue_token,
    list_tokens,
    person_for_token,
    revoke_token,
    set_password,
)
from registry.audit import read_log
from registry.database import Database
from registry.occurrences import apply_event
from registry.people import list_people, roles_of
from registry.templates import add_rule, list_rules, remove_rule
from registry.verify import verify
from workflow.errors import KartaError, PermissionDenied, UnknownUser


def _hash(db: Database, login: str) -> str:
    with db.engine.connect() as connection:
        return str(connection.exec_driver_sql(
            "SELECT password_hash FROM person WHERE login = :login"
            if db.is_sqlite else "SELECT password_hash FROM person WHERE login = %(login)s",
            {"login": login}).scalar())


def test_a_department_admin_cannot_set_a_password_outside_the_department(
        region: Database) -> None:
    before = {login: _hash(region, login) for login in ("minister", "yadmin", "yen-head")}
    for victim in before:
        with pytest.raises(UnknownUser):
            set_password(region, "zadmin", victim, "захват-министерства-1")
    assert {login: _hash(region, login) for login in before} == before
    with pytest.raises(LoginRefused):
        check_password(region, "minister", "захват-министерства-1")
    set_password(region, "zadmin", "zao-clerk", "свой-сотрудник-1")  # own people: still fine
    assert check_password(region, "zao-clerk", "свой-сотрудник-1").login == "zao-clerk"


def test_a_department_admin_cannot_issue_list_or_revoke_other_organisations_tokens(
        region: Database) -> None:
    for victim in ("minister", "yadmin", "yen-clerk"):
        with pytest.raises(UnknownUser):
            issue_token(region, "zadmin", victim, label="захват")
    yen_id, yen_token = issue_token(region, "yadmin", "yen-clerk", label="свой")
    minister_id, _ = issue_token(region, "minister", label="министр")
    zao_id, _ = issue_token(region, "zadmin", "zao-clerk", label="свой")
    assert {t["login"] for t in list_tokens(region, "zadmin")} == {"zao-clerk"}
    for foreign in (yen_id, minister_id):
        with pytest.raises(KartaError, match=f"нет токена {foreign}"):
            revoke_token(region, "zadmin", foreign)
    assert person_for_token(region, yen_token) == "yen-clerk"  # not revoked
    revoke_token(region, "zadmin", zao_id)


def test_document_rules_are_each_organisation_s(region: Database) -> None:
    zao_rules = list_rules(region, "zadmin")
    yen_before = list_rules(region, "yadmin")
    start_order = next(r for r in zao_rules if r["event"] == "start")
    remove_rule(region, "zadmin", int(str(start_order["id"])))
    add_rule(region, "zadmin", "analyse", "recommendations", "always")
    assert list_rules(region, "yadmin") == yen_before
    assert not any(r["event"] == "start" and r["template"] == "order_start"
                   for r in list_rules(region, "zadmin"))
    # the other department's transitions make what its own rules say
    made = apply_event(region, "2:0.2@2021", "start", "yen-clerk", order=True).documents
    assert [d["kind"] for d in made] == ["order_start"]
    made = apply_event(region, "1:6@2021", "start", "zao-clerk", order=True).documents
    assert "order_start" not in [d["kind"] for d in made]
    for rule in list_rules(region, "yadmin"):
        with pytest.raises(KartaError, match="нет правила"):
            remove_rule(region, "zadmin", int(str(rule["id"])))
    assert list_rules(region, "yadmin") == yen_before
    assert verify(region, "minister").ok


def test_the_ministry_s_administrator_has_only_the_roles_given(region: Database) -> None:
    minister = next(p for p in list_people(region, "minister") if p.login == "minister")
    assert set(roles_of(minister)) == {"admin", "region_auditor"}
    for event, ref in (("report", "1:5@2021"), ("analyse", "1:5@2021"),
                       ("start", "1:7@2021"), ("cancel", "2:0.3@2021")):
        with pytest.raises((PermissionDenied, KartaError)):
            apply_event(region, ref, event, "minister", comment="из министерства")
    with pytest.raises(UnknownUser):  # nor manages departments' people
        set_password(region, "minister", "zao-head", "из-министерства-1")


def test_a_failed_log_in_lands_in_the_log_of_the_login_s_organisation(
        region: Database) -> None:
    with pytest.raises(LoginRefused):
        check_password(region, "zao-head", "не-тот-пароль-1")
    seen = [e for e in read_log(region, "zadmin") if e["event"] == "login_failed"]
    assert [e["user"] for e in seen] == ["zao-head"]
    assert not [e for e in read_log(region, "yadmin") if e["event"] == "login_failed"]


# ----------------------------------------------------------------------------- log-in


def test_a_password_is_checked_with_no_lock_held(db: Database,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 runs while other writers write: a flood of log-ins never holds the database
    (a SQLite writer waiting on the lock would fail here, its timeout cut to 0.2 s)."""
    import registry.accounts as accounts
    from registry.people import add_person

    set_password(db, "admin", "clerk", "пароль-клерка-1")
    monkeypatch.setattr("registry.database.LOCK_SECONDS", 0.2)
    other = Database(db.url, db.files_dir)
    written = []
    checked = accounts._verify

    def verify_while_somebody_writes(digest: str, password: str) -> bool:
        add_person(other, "admin", f"new{len(written)}", "Новиков Иван Петрович", "m",
                   "методист", ["executor"])
        written.append(True)
        return checked(digest, password)

    monkeypatch.setattr(accounts, "_verify", verify_while_somebody_writes)
    assert check_password(db, "clerk", "пароль-клерка-1").login == "clerk"
    with pytest.raises(LoginRefused):
        check_password(db, "clerk", "не-тот-пароль")
    assert len(written) == 2
    other.dispose()


def test_a_flood_of_log_ins_is_refused_before_any_hashing(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import registry.accounts as accounts

    hashed = []
    checked = accounts._verify
    monkeypatch.setattr(accounts, "_verify",
                        lambda digest, password: hashed.append(1) or checked(digest, password))
    for attempt in range(accounts.ATTEMPTS.PER_LOGIN):
        with pytest.raises(LoginRefused, match="неверный логин или пароль"):
            check_password(db, "no-such-login", f"попытка-{attempt}", client="веб, 10.0.0.9")
    events = len(read_log(db, "admin"))
    with pytest.raises(LoginRefused, match="слишком много попыток входа"):
        check_password(db, "no-such-login", "ещё-одна", client="веб, 10.0.0.9")
    assert len(hashed) == accounts.ATTEMPTS.PER_LOGIN  # no Argon2 for the refused one
    assert len(read_log(db, "admin")) == events  # and nothing appended to the log


def test_one_s_own_password_needs_the_current_one(db: Database) -> None:
    set_password(db, "admin", "clerk", "пароль-клерка-1")
    for current in (None, "не-тот"):
        with pytest.raises(LoginRefused, match="текущий пароль"):
            set_password(db, "clerk", "clerk", "захваченный-1", current=current)
    assert check_password(db, "clerk", "пароль-клерка-1").login == "clerk"
    set_password(db, "clerk", "clerk", "новый-пароль-клерка", current="пароль-клерка-1")
    assert check_password(db, "clerk", "новый-пароль-клерка").login == "clerk"
