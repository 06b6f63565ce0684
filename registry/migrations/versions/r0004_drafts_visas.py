"""Drafts corrected in Word and approval routes: revisions of a draft, visas, and the legal
basis a roadmap's orders cite.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("roadmap") as batch:
        batch.add_column(sa.Column("basis", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "draftrevision",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("document.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("file_sha256", sa.String, nullable=False),
        sa.Column("file_path", sa.String, nullable=False),
        sa.Column("file_size", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String, nullable=False),
        sa.Column("last_event", sa.Integer, nullable=False),
        sa.UniqueConstraint("document_id", "number", name="uq_revision_number"))
    op.create_index("ix_draftrevision_organisation_id", "draftrevision", ["organisation_id"])
    op.create_index("ix_draftrevision_document_id", "draftrevision", ["document_id"])
    op.create_table(
        "visa",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("document.id"), nullable=False),
        sa.Column("round_number", sa.Integer, nullable=False),
        sa.Column("place", sa.Integer, nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("person_position", sa.Text, nullable=False),
        sa.Column("person_name", sa.String, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("remarks", sa.Text, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_event", sa.Integer, nullable=False))
    for column in ("organisation_id", "document_id", "person_id"):
        op.create_index(f"ix_visa_{column}", "visa", [column])


def downgrade() -> None:
    raise NotImplementedError("karta does not downgrade databases; restore a backup")
