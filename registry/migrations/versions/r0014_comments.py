"""Comments on occurrences and documents (issue 21, item 7).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("object_kind", sa.String, nullable=False),
        sa.Column("object_id", sa.Integer, nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("mentioned", sa.String, nullable=False, server_default=""),
        sa.Column("last_event", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_comment_organisation_id", "comment", ["organisation_id"])
    op.create_index("ix_comment_object", "comment", ["object_kind", "object_id"])


def downgrade() -> None:
    op.drop_table("comment")
