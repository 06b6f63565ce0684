"""Trust: every state-bearing row names its last event; units as identities; passwords,
tokens and browser sessions; files in the database for shared deployments; triggers that
also guard TRUNCATE and template versions.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STAMPED = ("organisation", "person", "roadmap", "section", "activity", "occurrence",
           "templateversion", "templaterule", "document")


def _key(text: str) -> str:  # registry.units.normalise, frozen as of this revision
    key = text.lower().replace("ё", "е")
    key = re.sub(r"[«»\"“”„'`]", "", key)
    key = re.sub(r"№\s*", "№ ", key)
    key = re.sub(r"[\s\u00a0]+", " ", key)
    return key.strip(" .,;:-")


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:  # the old guard of signed orders would refuse stamping them
        op.execute("DROP TRIGGER IF EXISTS document_signed_no_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS document_signed_frozen ON document")
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("key", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("last_event", sa.Integer, nullable=False))
    op.create_index("ix_unit_key", "unit", ["key"], unique=True)
    for table in STAMPED:
        op.add_column(table, sa.Column("last_event", sa.Integer, nullable=False,
                                       server_default="0"))
    for name, column in (("password_hash", sa.String), ("calendar_token_hash", sa.String)):
        op.add_column("person", sa.Column(name, column, nullable=False, server_default=""))
    op.add_column("person", sa.Column("failed_logins", sa.Integer, nullable=False,
                                      server_default="0"))
    op.add_column("person", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("person", sa.Column("unit_id", sa.Integer, nullable=True))
    # an executor's unit was free text: each distinct text becomes a unit
    person = sa.table("person", sa.column("id", sa.Integer), sa.column("unit", sa.String),
                      sa.column("unit_id", sa.Integer))
    unit = sa.table("unit", sa.column("id", sa.Integer), sa.column("name", sa.Text),
                    sa.column("key", sa.String), sa.column("kind", sa.String),
                    sa.column("last_event", sa.Integer))
    known: dict[str, int] = {}
    for person_id, text in bind.execute(sa.select(person.c.id, person.c.unit)).all():
        if not (text or "").strip():
            continue
        key = _key(text)
        if key not in known:
            from registry.units import guess_kind

            bind.execute(unit.insert().values(name=text.strip(), key=key,
                                              kind=guess_kind(text), last_event=0))
            known[key] = bind.execute(sa.select(unit.c.id).where(unit.c.key == key)).scalar_one()
        bind.execute(person.update().where(person.c.id == person_id).values(unit_id=known[key]))
    with op.batch_alter_table("person") as batch:
        batch.drop_column("unit")
        batch.create_foreign_key("fk_person_unit", "unit", ["unit_id"], ["id"])
    op.create_table(
        "activityunit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("activity_id", sa.Integer, sa.ForeignKey("activity.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("unit_group", sa.String, nullable=False),
        sa.Column("last_event", sa.Integer, nullable=False))
    op.create_index("ix_activityunit_activity_id", "activityunit", ["activity_id"])
    op.create_index("ix_activityunit_unit_id", "activityunit", ["unit_id"])
    op.create_table(
        "unitalias",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String, nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("unit_group", sa.String, nullable=False),
        sa.Column("last_event", sa.Integer, nullable=False))
    op.create_index("ix_unitalias_key", "unitalias", ["key"], unique=True)
    op.create_table(
        "apitoken",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("token_hash", sa.String, nullable=False),
        sa.Column("label", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
        sa.Column("last_event", sa.Integer, nullable=False))
    op.create_index("ix_apitoken_person_id", "apitoken", ["person_id"])
    op.create_index("ix_apitoken_token_hash", "apitoken", ["token_hash"], unique=True)
    op.create_table(
        "websession",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("csrf", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client", sa.String, nullable=False))
    op.create_index("ix_websession_person_id", "websession", ["person_id"])
    op.create_table(
        "storedblob",
        sa.Column("address", sa.String, primary_key=True),
        sa.Column("sha256", sa.String, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False))
    op.create_index("ix_storedblob_sha256", "storedblob", ["sha256"])
    # the activities' executors, linked to units as a fresh import would
    from registry.units import _GROUPS, guess_kind

    activity = sa.table("activity", sa.column("id", sa.Integer),
                        sa.column("executors", sa.Text))
    links = sa.table("activityunit", sa.column("activity_id", sa.Integer),
                     sa.column("name", sa.Text), sa.column("unit_id", sa.Integer),
                     sa.column("unit_group", sa.String), sa.column("last_event", sa.Integer))
    import json

    for activity_id, executors in bind.execute(sa.select(activity.c.id,
                                                         activity.c.executors)).all():
        for name in dict.fromkeys(json.loads(executors or "[]")):
            key = _key(name)
            group = next((kind for kind, pattern in _GROUPS if pattern.match(key)), "")
            if not group and guess_kind(name) == "department":
                group = "department"
            bind.execute(links.insert().values(activity_id=activity_id, name=name,
                                               unit_id=known.get(key),
                                               unit_group="" if known.get(key) else group,
                                               last_event=0))
    from registry.database import guard_statements

    columns = [c["name"] for c in sa.inspect(bind).get_columns("document")]
    for statement in guard_statements(sqlite, columns):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("karta does not downgrade databases; restore a backup")
