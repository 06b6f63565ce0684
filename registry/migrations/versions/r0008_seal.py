"""The log sealed with a key outside the database: each event's seal (HMAC of its hash);
each browser session names the sealed «login» event that opened it (sessions opened before
this version end: people log in again).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("historyevent", sa.Column("seal", sa.String, nullable=False,
                                            server_default=""))
    op.add_column("websession", sa.Column("event_seq", sa.Integer, nullable=True))
    op.execute("DELETE FROM websession")


def downgrade() -> None:
    raise NotImplementedError("karta does not downgrade databases; restore a backup")
