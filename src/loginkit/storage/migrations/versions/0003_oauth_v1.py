"""TikTok's v1 OAuth: which API issued each code and token, and v1 redirect domains per app.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows were all issued by v2, the only API before this revision.
    op.add_column(
        "apps", sa.Column("redirect_domains", sa.Text, nullable=False, server_default="[]")
    )
    for table in ("codes", "tokens"):
        op.add_column(
            table, sa.Column("version", sa.String(8), nullable=False, server_default="v2")
        )


def downgrade() -> None:
    for table in ("tokens", "codes"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
    with op.batch_alter_table("apps") as batch:
        batch.drop_column("redirect_domains")
