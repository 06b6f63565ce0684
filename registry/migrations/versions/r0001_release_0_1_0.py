"""The schema of karta 0.1.0, the first release (databases made by it have no version yet).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing: a 0.1.0 database already has this schema; it is stamped, not changed."""


def downgrade() -> None:
    raise NotImplementedError("karta does not downgrade databases; restore a backup")
