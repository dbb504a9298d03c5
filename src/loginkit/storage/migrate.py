"""Schema migrations (Alembic), applied when a store opens.

Alembic is imported only when the database is behind ``HEAD``: an up-to-date database starts
without paying for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["HEAD", "alembic_config", "upgrade"]

HEAD = "0003"
"""The newest revision in ``migrations/versions`` (a test keeps the two in step)."""


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    value: str | None = conn.scalar(text("SELECT version_num FROM alembic_version"))
    return value


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "loginkit.storage:migrations")
    return config


def upgrade(conn: Connection) -> None:
    """Bring the schema to ``HEAD`` inside the caller's transaction."""
    if current_revision(conn) == HEAD:
        return
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
