"""A new database is created from ``schema.metadata`` at once; an old one is migrated by
Alembic. Both must end with the same schema, at ``HEAD``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from loginkit.storage.migrate import (
    HEAD,
    alembic_config,
    current_revision,
    replay_migrations,
    upgrade,
)
from loginkit.storage.schema import metadata


def _engine(path: Path) -> Engine:
    return create_engine(f"sqlite:///{path}")


def test_the_migrations_add_up_to_the_schema_a_new_database_gets(tmp_path: Path) -> None:
    with _engine(tmp_path / "replayed.sqlite3").begin() as conn:
        replay_migrations(conn)
        assert current_revision(conn) == HEAD
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        replayed = inspect(conn)
        replayed_indexes = {t: replayed.get_indexes(t) for t in replayed.get_table_names()}

    with _engine(tmp_path / "created.sqlite3").begin() as conn:
        upgrade(conn)
        assert current_revision(conn) == HEAD
        created = inspect(conn)
        assert {t: created.get_indexes(t) for t in created.get_table_names()} == replayed_indexes


def test_a_database_behind_head_is_migrated(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "old.sqlite3")
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('kept', 'yes')"))
    with engine.begin() as conn:
        upgrade(conn)
        assert current_revision(conn) == HEAD
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        assert conn.scalar(text("SELECT value FROM meta WHERE key = 'kept'")) == "yes"
