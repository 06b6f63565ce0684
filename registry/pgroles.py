"""PostgreSQL for an office: karta runs as a role that can read and write its tables but
cannot TRUNCATE, UPDATE or DELETE the log, nor ALTER or disable the triggers that guard it
(only the owner of the tables can, and the owner only runs ``karta init`` and ``upgrade``)."""

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
    ]


def grant_app_role(db: Database, role: str, schema: str = "public") -> list[str]:
    """Run those statements (connected as the tables' owner)."""
    if db.is_sqlite:
        raise ConfigurationError("роли настраиваются только для PostgreSQL")
    statements = app_role_sql(role, schema)
    with db.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    return statements
