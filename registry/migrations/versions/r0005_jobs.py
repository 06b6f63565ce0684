"""Background jobs of the web workspace: a table any server process reads, so a job started
behind one process shows its progress through another, and a finished result outlives a
restart; and uploads waiting for confirmation, found by any process. (The queue itself is
procrastinate's, applied on PostgreSQL by ``karta init`` and ``karta upgrade``, see
``registry.queue``.)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("login", sa.String, nullable=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("client", sa.String, nullable=False),
        sa.Column("arguments", sa.Text, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("stage", sa.String, nullable=False),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("worker", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_job_login", "job", ["login"])
    op.create_index("ix_job_organisation_id", "job", ["organisation_id"])
    op.create_table(
        "upload",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("login", sa.String, nullable=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("address", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
    op.create_index("ix_upload_login", "upload", ["login"])
    op.create_index("ix_upload_organisation_id", "upload", ["organisation_id"])


def downgrade() -> None:
    raise NotImplementedError("karta does not downgrade databases; restore a backup")
