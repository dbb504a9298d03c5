"""Schema migrations (Alembic), applied when a store opens.

Alembic is imported only when an existing database is behind ``HEAD``: an up-to-date database
starts without paying for it, and a new one is created from ``schema.metadata`` directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    text,
)

from loginkit.storage.schema import metadata

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["HEAD", "alembic_config", "replay_migrations", "upgrade"]

HEAD = "0005"
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
    revision = current_revision(conn)
    if revision == HEAD:
        return
    if revision is None and not inspect(conn).get_table_names():
        # A new, empty database gets HEAD's schema at once rather than every revision replayed
        # (~20 ms against ~150 ms of a first start); a test checks the two schemas are the same.
        metadata.create_all(conn)
        _stamp_head(conn)
        return
    replay_migrations(conn)


def replay_migrations(conn: Connection) -> None:
    """Alembic's upgrade to ``head``, revision by revision."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def _stamp_head(conn: Connection) -> None:
    # Alembic's version table, as ``alembic stamp head`` would leave it.
    version = Table(
        "alembic_version",
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
    )
    version.create(conn)
    conn.execute(version.insert().values(version_num=HEAD))
