from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from loginkit.emulator.store import AdminStore
from loginkit.storage.postgres import PostgresStore
from tests.storage.contract import StoreContract
from tests.support.postgres import create_database, drop_database


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A database of its own for this module, dropped afterwards."""
    url = create_database("loginkit_contract")
    yield url
    drop_database(url)


class TestPostgresStore(StoreContract):
    @pytest.fixture
    async def store(self, database_url: str) -> AsyncIterator[AdminStore]:
        store = PostgresStore(database_url)
        await store.open()
        await store.reset()
        yield store
        await store.close()
