"""Assignments: each executor's share of an occurrence (a school, a department-level
executor), with its due date, state and report. Occurrences started before this version
have none and keep working as before (one report closes them).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("occurrence_id", sa.Integer, sa.ForeignKey("occurrence.id"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("executor", sa.Text, nullable=False),
        sa.Column("executor_key", sa.String, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("due", sa.Date, nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report", sa.Text, nullable=False, server_default=""),
        sa.Column("returns", sa.Integer, nullable=False, server_default="0"),
        sa.Column("extension", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("last_event", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("occurrence_id", "executor_key", name="uq_assignment_executor"))
    op.create_index("ix_assignment_occurrence_org", "assignment",
                    ["occurrence_id", "organisation_id"])
    op.create_index("ix_assignment_unit_state", "assignment", ["unit_id", "state"])
    op.create_index("ix_assignment_org_due", "assignment", ["organisation_id", "due"])


def downgrade() -> None:
    raise NotImplementedError("karta does not downgrade databases; restore a backup")
