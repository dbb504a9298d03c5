"""Client secrets stored as keyed hashes: room for the scheme prefix, old hashes marked.

Existing ``apps.secret_hash`` values are bare SHA-256 hex; they become ``sha256:<hex>`` and
still authenticate. The first successful authentication rewrites each one as
``hmac-sha256:<hex>`` under the secret key (``loginkit.core.secrets.SecretHasher``), so nobody
re-enters a secret.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("apps") as batch:
        batch.alter_column(
            "secret_hash", type_=sa.String(128), existing_type=sa.String(64), nullable=False
        )
    op.execute(
        "UPDATE apps SET secret_hash = 'sha256:' || secret_hash"
        " WHERE secret_hash NOT LIKE 'sha256:%' AND secret_hash NOT LIKE 'hmac-sha256:%'"
    )


def downgrade() -> None:
    # A keyed hash cannot be turned back into a bare SHA-256: it is made one that no secret
    # matches (the app keeps its grants and tokens; rotate its secret after the downgrade).
    op.execute("UPDATE apps SET secret_hash = '!' WHERE secret_hash LIKE 'hmac-sha256:%'")
    op.execute(
        "UPDATE apps SET secret_hash = substr(secret_hash, 8) WHERE secret_hash LIKE 'sha256:%'"
    )
    with op.batch_alter_table("apps") as batch:
        batch.alter_column(
            "secret_hash", type_=sa.String(64), existing_type=sa.String(128), nullable=False
        )
