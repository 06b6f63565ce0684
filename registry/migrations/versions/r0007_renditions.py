"""Renditions: a file's PDF and page pictures, made by LibreOffice once per content and
kept in the file store (previews and PDF downloads used to start a LibreOffice each, and kept
the pictures in a world-readable temporary folder).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rendition",
        sa.Column("source_sha256", sa.String, primary_key=True),
        sa.Column("form", sa.String, primary_key=True),
        sa.Column("addresses", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))


def downgrade() -> None:
    raise NotImplementedError("karta does not downgrade databases; restore a backup")
