"""Pending authorizations: the validated authorize request the login and consent pages ask the
user about, bound to one browser session and decided once; and the browser sessions themselves
(who is signed in where).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_authorizations",
        sa.Column("pending_id", sa.String(64), primary_key=True),
        sa.Column("client_key", sa.String(64), nullable=False),
        sa.Column("redirect_uri", sa.Text, nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("state", sa.Text),
        sa.Column("code_challenge", sa.String(128)),
        sa.Column("version", sa.String(8), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("decided_at", sa.BigInteger),
    )
    op.create_index(
        "ix_pending_authorizations_expires_at", "pending_authorizations", ["expires_at"]
    )
    op.create_index(
        "ix_pending_authorizations_session_id", "pending_authorizations", ["session_id"]
    )
    op.create_table(
        "browser_sessions",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("signed_in_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_browser_sessions_user_id", "browser_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_table("browser_sessions")
    op.drop_table("pending_authorizations")
