"""Alembic's environment for karta: the connection is given by ``registry.schema``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from registry import tables  # noqa: F401  (the tables, for comparisons)
from registry.schema import karta_owned

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata,
                  render_as_batch=connection.dialect.name == "sqlite",
                  include_name=karta_owned)
with context.begin_transaction():
    context.run_migrations()
