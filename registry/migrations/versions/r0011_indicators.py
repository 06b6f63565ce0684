"""Indicators: an organisation's показатели with targets by period, and the schools' and the
department's values with their evidence and lifecycle (issue 22).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _text(name: str, default: str = "") -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Text, nullable=False, server_default=default)


def upgrade() -> None:
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("roadmap_id", sa.Integer, sa.ForeignKey("roadmap.id"), nullable=True),
        sa.Column("code", sa.String, nullable=False),
        _text("name"),
        sa.Column("unit", sa.String, nullable=False),
        sa.Column("direction", sa.String, nullable=False),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("rollup", sa.String, nullable=False),
        sa.Column("fraction", sa.Boolean, nullable=False, server_default=sa.false()),
        _text("numerator"), _text("denominator"),
        sa.Column("threshold", sa.String, nullable=False, server_default=""),
        sa.Column("minimum", sa.String, nullable=False, server_default=""),
        sa.Column("maximum", sa.String, nullable=False, server_default=""),
        sa.Column("group_kind", sa.String, nullable=False, server_default=""),
        sa.Column("group_label", sa.String, nullable=False, server_default=""),
        _text("units", "[]"), _text("activities", "[]"), _text("targets", "{}"),
        sa.Column("evidence", sa.Boolean, nullable=False, server_default=sa.false()),
        _text("source_phrase"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("last_event", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("organisation_id", "code", name="uq_indicator_code"))
    op.create_index("ix_indicator_organisation_id", "indicator", ["organisation_id"])
    op.create_table(
        "indicatorvalue",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("indicator_id", sa.Integer, sa.ForeignKey("indicator.id"), nullable=False),
        sa.Column("period", sa.String, nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("unit_key", sa.Integer, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("value", sa.String, nullable=False, server_default=""),
        sa.Column("numerator", sa.String, nullable=False, server_default=""),
        sa.Column("denominator", sa.String, nullable=False, server_default=""),
        _text("evidence", "{}"), _text("comment"),
        sa.Column("submitted_by", sa.String, nullable=False, server_default=""),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("last_event", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("indicator_id", "period", "unit_key", name="uq_indicatorvalue"))
    op.create_index("ix_indicatorvalue_org_period", "indicatorvalue",
                    ["organisation_id", "period"])


def downgrade() -> None:
    op.drop_table("indicatorvalue")
    op.drop_table("indicator")
