"""Notifications: an inbox per person, mail through the organisation's server with retries,
reminders exactly once; people's e-mail addresses; the organisations' mail settings (the
password sealed with the key outside the database); substitutions (a deputy acting for an
absent person for a period).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("person", sa.Column("email", sa.String, nullable=False, server_default=""))
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("link", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dedupe", sa.String, nullable=True),
        sa.Column("mail_state", sa.String, nullable=False),
        sa.Column("mail_attempts", sa.Integer, nullable=False),
        sa.Column("mail_next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mail_claim", sa.String, nullable=False),
        sa.Column("mail_error", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("dedupe", name="uq_notification_dedupe"))
    op.create_index("ix_notification_organisation_id", "notification", ["organisation_id"])
    op.create_index("ix_notification_person_read", "notification", ["person_id", "read_at"])
    op.create_index("ix_notification_mail", "notification", ["mail_state", "mail_next_at"])
    op.create_table(
        "notificationchoice",
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("kind", sa.String, primary_key=True),
        sa.Column("channel", sa.String, nullable=False))
    op.create_table(
        "mailsettings",
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  primary_key=True),
        sa.Column("host", sa.String, nullable=False),
        sa.Column("port", sa.Integer, nullable=False),
        sa.Column("security", sa.String, nullable=False),
        sa.Column("login", sa.String, nullable=False),
        sa.Column("password_sealed", sa.Text, nullable=False, server_default=""),
        sa.Column("sender", sa.String, nullable=False),
        sa.Column("site", sa.String, nullable=False),
        sa.Column("remind_before", sa.String, nullable=False),
        sa.Column("escalate_after", sa.Integer, nullable=False),
        sa.Column("last_event", sa.Integer, nullable=False))
    op.create_table(
        "substitution",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("deputy_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("cancelled", sa.Boolean, nullable=False),
        sa.Column("last_event", sa.Integer, nullable=False))
    for column in ("organisation_id", "person_id", "deputy_id"):
        op.create_index(f"ix_substitution_{column}", "substitution", [column])


def downgrade() -> None:
    raise NotImplementedError("karta does not downgrade databases; restore a backup")
