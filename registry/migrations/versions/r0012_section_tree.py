"""The section tree: a section may be nested in a group heading («3.1. …» under «3. …»,
numbered sections under a bold heading with no number).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("section") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_section_parent", "section", ["parent_id"], ["id"])


def downgrade() -> None:
    raise NotImplementedError("karta does not downgrade databases; restore a backup")
