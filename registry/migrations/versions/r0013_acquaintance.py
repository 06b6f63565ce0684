"""Acquaintance with signed orders in karta: who named in an order confirmed reading it, and
when (issue 21, item 6).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "acquaintance",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("document.id"), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_event", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("document_id", "person_id", name="uq_acquaintance"))
    op.create_index("ix_acquaintance_organisation_id", "acquaintance", ["organisation_id"])
    op.create_index("ix_acquaintance_document_id", "acquaintance", ["document_id"])


def downgrade() -> None:
    op.drop_table("acquaintance")
