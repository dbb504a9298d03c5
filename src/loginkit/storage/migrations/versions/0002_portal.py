"""The developer portal: per-app emulator settings and webhook deliveries.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_KEY = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "app_settings",
        sa.Column("client_key", _KEY, primary_key=True),
        sa.Column("webhook_secret", _KEY, nullable=False),
        sa.Column("webhook_url", sa.Text),
        sa.Column("sandbox", sa.Boolean, nullable=False),
        sa.Column("sandbox_targets", sa.Text, nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("delivery_id", _KEY, primary_key=True),
        sa.Column("client_key", _KEY, nullable=False, index=True),
        sa.Column("event", _KEY, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("app_settings")
