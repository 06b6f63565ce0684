"""Document rules belong to an organisation: a rule with no organisation is one of the
region's defaults (seen by every department that has not changed its rules); a department's
first change copies the defaults into its own rules, which then replace them for it alone.
Existing rules stay the defaults.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("templaterule") as table:
        table.add_column(sa.Column("organisation_id", sa.Integer, nullable=True))
        table.create_foreign_key("fk_templaterule_organisation", "organisation",
                                 ["organisation_id"], ["id"])
        table.create_index("ix_templaterule_organisation_id", ["organisation_id"])


def downgrade() -> None:
    raise NotImplementedError("karta does not downgrade databases; restore a backup")
