from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from loginkit.emulator.store import AdminStore
from loginkit.storage.postgres import PostgresStore
from tests.storage.contract import StoreContract

ADMIN_URL = os.environ.get("LOGINKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A database of its own for this module, dropped afterwards."""
    import asyncio

    name = f"loginkit_contract_{secrets.token_hex(4)}"
    try:
        asyncio.run(_admin(f"CREATE DATABASE {name}"))
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}")
    yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


class TestPostgresStore(StoreContract):
    @pytest.fixture
    async def store(self, database_url: str) -> AsyncIterator[AdminStore]:
        store = PostgresStore(database_url)
        await store.open()
        await store.reset()
        yield store
        await store.close()
