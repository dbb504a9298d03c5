"""The first schema: apps, users, grants, codes, tokens, meta.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_KEY = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", _KEY, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "apps",
        sa.Column("client_key", _KEY, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("secret_hash", _KEY, nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("redirect_uris", sa.Text, nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("developer_id", _KEY, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("user_id", _KEY, primary_key=True),
        sa.Column("username", _KEY, nullable=False, unique=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("avatar_url", sa.Text, nullable=False),
        sa.Column("bio_description", sa.Text, nullable=False),
        sa.Column("is_verified", sa.Boolean, nullable=False),
        *(
            sa.Column(name, sa.BigInteger, nullable=False)
            for name in ("follower_count", "following_count", "likes_count", "video_count")
        ),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "grants",
        sa.Column("grant_id", _KEY, primary_key=True),
        sa.Column("client_key", _KEY, nullable=False, index=True),
        sa.Column("user_id", _KEY, nullable=False, index=True),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("revoked_at", sa.BigInteger),
    )
    op.create_table(
        "codes",
        sa.Column("code_hash", _KEY, primary_key=True),
        sa.Column("grant_id", _KEY, nullable=False),
        sa.Column("client_key", _KEY, nullable=False, index=True),
        sa.Column("user_id", _KEY, nullable=False),
        sa.Column("redirect_uri", sa.Text, nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("code_challenge", sa.String(128)),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("consumed_at", sa.BigInteger),
    )
    op.create_table(
        "tokens",
        sa.Column("token_hash", _KEY, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("client_key", _KEY, nullable=False, index=True),
        sa.Column("grant_id", _KEY, index=True),
        sa.Column("user_id", _KEY),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("revoked_at", sa.BigInteger),
        sa.Column("rotated_at", sa.BigInteger),
    )


def downgrade() -> None:
    for table in ("tokens", "codes", "grants", "users", "apps", "meta"):
        op.drop_table(table)
