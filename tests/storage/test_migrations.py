"""A new database is created from ``schema.metadata`` at once; an old one is migrated by
Alembic. Both must end with the same schema, at ``HEAD``, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from loginkit.storage.migrate import (
    HEAD,
    alembic_config,
    current_revision,
    replay_migrations,
    upgrade,
)
from loginkit.storage.schema import metadata
from tests.support.postgres import create_database, drop_database

Database = Callable[[Callable[[Connection], Any]], Any]
"""Runs a function of a connection in one transaction on one database of the test's own."""


def _postgres_database(created: list[str]) -> Database:
    url = create_database("loginkit_migrations")
    created.append(url)

    async def run(work: Callable[[Connection], Any]) -> Any:
        engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1))
        try:
            async with engine.begin() as conn:
                return await conn.run_sync(work)
        finally:
            await engine.dispose()

    return lambda work: asyncio.run(run(work))


def _sqlite_database(path: Path) -> Database:
    engine = create_engine(f"sqlite:///{path}")

    def run(work: Callable[[Connection], Any]) -> Any:
        with engine.begin() as conn:
            return work(conn)

    return run


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], Database]]:
    """Makes empty databases of the parametrised backend, dropped after the test."""
    created: list[str] = []

    def make() -> Database:
        if request.param == "sqlite":
            return _sqlite_database(tmp_path / f"{secrets.token_hex(4)}.sqlite3")
        return _postgres_database(created)

    yield make
    for url in created:
        drop_database(url)


def _indexes(conn: Connection) -> dict[str, Any]:
    found = inspect(conn)
    return {table: found.get_indexes(table) for table in found.get_table_names()}


def _no_differences(conn: Connection) -> list[Any]:
    differences: list[Any] = compare_metadata(MigrationContext.configure(conn), metadata)
    return differences


def test_the_migrations_add_up_to_the_schema_a_new_database_gets(
    new_database: Callable[[], Database],
) -> None:
    replayed, created = new_database(), new_database()

    def replay(conn: Connection) -> dict[str, Any]:
        replay_migrations(conn)
        assert current_revision(conn) == HEAD
        assert _no_differences(conn) == []
        return _indexes(conn)

    def create(conn: Connection) -> dict[str, Any]:
        upgrade(conn)
        assert current_revision(conn) == HEAD
        return _indexes(conn)

    assert created(create) == replayed(replay)


def test_a_database_behind_head_is_migrated(new_database: Callable[[], Database]) -> None:
    database = new_database()

    def old(conn: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('kept', 'yes')"))

    def migrate(conn: Connection) -> None:
        upgrade(conn)
        assert current_revision(conn) == HEAD
        assert _no_differences(conn) == []
        assert conn.scalar(text("SELECT value FROM meta WHERE key = 'kept'")) == "yes"

    database(old)
    database(migrate)


def test_migration_head_constant_matches_alembic() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD
