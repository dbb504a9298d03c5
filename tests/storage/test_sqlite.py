from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from loginkit.emulator.store import AdminStore
from loginkit.storage.sqlite import SQLiteStore
from tests.storage.contract import StoreContract, make_app


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[AdminStore]:
        store = SQLiteStore(tmp_path / "contract.sqlite3")
        await store.open()
        yield store
        await store.close()


async def test_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "durable.sqlite3"
    store = SQLiteStore(path)
    await store.open()
    await store.create_app(make_app())
    await store.close()
    reopened = SQLiteStore(path)
    await reopened.open()
    assert [a.client_key for a in await reopened.list_apps()] == [make_app().client_key]
    await reopened.close()


async def test_many_concurrent_writes_share_commits(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "group.sqlite3")
    await store.open()
    await asyncio.gather(*(store.create_app(make_app(f"awgroup{i:09d}")) for i in range(200)))
    assert len(await store.list_apps()) == 200
    await store.close()
