"""The tables, defined once for both backends (SQLAlchemy Core)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, MetaData, String, Table, Text

__all__ = [
    "app_settings",
    "apps",
    "browser_sessions",
    "codes",
    "grants",
    "meta",
    "metadata",
    "pending_authorizations",
    "tokens",
    "users",
    "webhook_deliveries",
]

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

apps = Table(
    "apps",
    metadata,
    Column("client_key", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("secret_hash", String(128), nullable=False),  # scheme:hex, revision 0005
    Column("platform", String(16), nullable=False),
    Column("redirect_uris", Text, nullable=False),  # JSON list
    Column("scopes", Text, nullable=False),  # comma-separated
    Column("developer_id", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("redirect_domains", Text, nullable=False, server_default="[]"),  # JSON list, 0003
)

users = Table(
    "users",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("avatar_url", Text, nullable=False),
    Column("bio_description", Text, nullable=False),
    Column("is_verified", Boolean, nullable=False),
    Column("follower_count", BigInteger, nullable=False),
    Column("following_count", BigInteger, nullable=False),
    Column("likes_count", BigInteger, nullable=False),
    Column("video_count", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

grants = Table(
    "grants",
    metadata,
    Column("grant_id", String(64), primary_key=True),
    Column("client_key", String(64), nullable=False, index=True),
    Column("user_id", String(64), nullable=False, index=True),
    Column("scopes", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger),
)

codes = Table(
    "codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("grant_id", String(64), nullable=False),
    Column("client_key", String(64), nullable=False, index=True),
    Column("user_id", String(64), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("scopes", Text, nullable=False),
    Column("code_challenge", String(128)),
    Column("expires_at", BigInteger, nullable=False),
    Column("consumed_at", BigInteger),
    Column("version", String(8), nullable=False, server_default="v2"),  # revision 0003
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("client_key", String(64), nullable=False, index=True),
    Column("grant_id", String(64), index=True),
    Column("user_id", String(64)),
    Column("scopes", Text, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger),
    Column("rotated_at", BigInteger),
    Column("version", String(8), nullable=False, server_default="v2"),  # revision 0003
)

# ---- revision 0002: the developer portal ---------------------------------------------------------

app_settings = Table(
    "app_settings",
    metadata,
    Column("client_key", String(64), primary_key=True),
    Column("webhook_secret", String(64), nullable=False),
    Column("webhook_url", Text),
    Column("sandbox", Boolean, nullable=False),
    Column("sandbox_targets", Text, nullable=False),  # JSON list of user_ids
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("delivery_id", String(64), primary_key=True),
    Column("client_key", String(64), nullable=False, index=True),
    Column("event", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Text, nullable=False),  # JSON list of {at, status_code, error}
    Column("created_at", BigInteger, nullable=False, index=True),
)

# ---- revision 0004: pending authorizations (what the authorize pages ask the user) --------------

pending_authorizations = Table(
    "pending_authorizations",
    metadata,
    Column("pending_id", String(64), primary_key=True),
    Column("client_key", String(64), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("scopes", Text, nullable=False),  # comma-separated, as requested
    Column("state", Text),
    Column("code_challenge", String(128)),
    Column("version", String(8), nullable=False),
    Column("session_id", String(64), nullable=False, index=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False, index=True),
    Column("decided_at", BigInteger),
)

browser_sessions = Table(
    "browser_sessions",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("user_id", String(64), nullable=False, index=True),
    Column("signed_in_at", BigInteger, nullable=False),
)
"""Who is signed in in which browser (the id is in the signed session cookie), so that a user
can be signed out from the portal or the command line."""
