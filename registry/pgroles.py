"""PostgreSQL for an office: karta runs as a role that can read and write its tables but
cannot TRUNCATE, UPDATE or DELETE the log, nor ALTER or disable the triggers that guard it
(only the owner of the tables can, and the owner only runs ``karta init`` and ``upgrade``).

Row-level security is the second wall of the organisations of a region (the first is
``registry.tenancy``, in every session): on every table whose rows belong to an
organisation, the application's role sees and changes only the rows of the organisation
karta acts for in the transaction (``karta.organisation``, set by ``acting_person``), plus the
region's shared defaults where there are such; a regional auditor's reading transactions
(``karta.region``) read across. Before anybody acts (finding a login, a token) the tables are
read whole. The owner is not subject to the policies; the application's role cannot turn
them off.
"""

from __future__ import annotations

import re

from registry.database import Database
from workflow.errors import ConfigurationError

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def app_role_sql(role: str, schema: str = "public") -> list[str]:
    """The statements an owner runs once to let ``role`` work (the role itself, with its
    password, is created by the database administrator)."""
    if not _NAME.match(role) or not _NAME.match(schema):
        raise ConfigurationError(f"неверное имя роли или схемы «{role}»: латиница в нижнем "
                                 "регистре, цифры и «_»")
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.historyevent FROM {role}",
        f"REVOKE TRUNCATE ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        *row_security_sql(schema),
    ]


_ACTING = "nullif(current_setting('karta.organisation', true), '')"
_NOBODY = f"{_ACTING} IS NULL"
_REGION = "current_setting('karta.region', true) = 'on'"
OWN_ROW_TABLES = ("unit", "person", "roadmap", "unitalias", "historyevent", "journalcounter",
                  "document", "draftrevision", "visa", "job", "upload", "assignment",
                  "notification", "mailsettings", "substitution", "indicator",
                  "indicatorvalue", "acquaintance", "comment")
# the log is one chain for the whole database: every writer reads its head, whatever its
# organisation (reading another's events is refused by registry.tenancy); an event is
# written only for the organisation that acts
WHOLE_FOR_READING = ("historyevent",)
SHARED_DEFAULT_TABLES = ("templateversion", "templaterule")
PERSON_TABLES = ("apitoken", "websession", "notificationchoice")


def row_security_sql(schema: str = "public") -> list[str]:
    """The policies of every organisation's table (idempotent: run again after upgrades)."""
    own = f"organisation_id = {_ACTING}::int"
    rules: list[tuple[str, str]] = [(table, own) for table in OWN_ROW_TABLES]
    rules += [(table, f"(organisation_id IS NULL OR {own})") for table in SHARED_DEFAULT_TABLES]
    rules += [(table, f"person_id IN (SELECT id FROM {schema}.person WHERE {own})")
              for table in PERSON_TABLES]
    statements = []
    for table, condition in rules:
        reading = "(true)" if table in WHOLE_FOR_READING else \
            f"({_NOBODY} OR {_REGION} OR {condition})"
        writing = f"({_NOBODY} OR {condition})"
        statements += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS karta_read ON {schema}.{table}",
            f"DROP POLICY IF EXISTS karta_write ON {schema}.{table}",
            f"DROP POLICY IF EXISTS karta_change ON {schema}.{table}",
            f"DROP POLICY IF EXISTS karta_remove ON {schema}.{table}",
            f"CREATE POLICY karta_read ON {schema}.{table} FOR SELECT USING {reading}",
            f"CREATE POLICY karta_write ON {schema}.{table} FOR INSERT WITH CHECK {writing}",
            f"CREATE POLICY karta_change ON {schema}.{table} FOR UPDATE USING {writing} "
            f"WITH CHECK {writing}",
            f"CREATE POLICY karta_remove ON {schema}.{table} FOR DELETE USING {writing}",
        ]
    return statements


def grant_app_role(db: Database, role: str, schema: str = "public") -> list[str]:
    """Run those statements (connected as the tables' owner)."""
    if db.is_sqlite:
        raise ConfigurationError("роли настраиваются только для PostgreSQL")
    statements = app_role_sql(role, schema)
    with db.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    return statements
