"""Token stores: one contract for every store; refresh tokens encrypted at rest; key rotation."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from loginkit.client import TokenSet
from loginkit.client.storage import (
    AsyncMemoryTokenStore,
    AsyncSQLTokenStore,
    AsyncTokenStore,
    MemoryTokenStore,
    SQLTokenStore,
    TokenCipher,
)
from loginkit.client.storage.cipher import TokenDecryptionError
from tests.client.conftest import NOW

POSTGRES_URL = os.environ.get("LOGINKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def tokens(n: int = 1) -> TokenSet:
    return TokenSet(
        open_id=f"open-{n}",
        scopes=("user.info.basic", "user.info.profile"),
        access_token=f"act.access{n}",
        access_expires_at=NOW + timedelta(hours=n),
        refresh_token=f"rft.refresh{n}",
        refresh_expires_at=NOW + timedelta(days=365),
    )


class AsyncStoreContract:
    """Every async store behaves the same; subclasses provide ``store``."""

    async def test_missing_user_loads_none(self, store: AsyncTokenStore) -> None:
        assert await store.load("nobody") is None

    async def test_save_load_replace_delete(self, store: AsyncTokenStore) -> None:
        await store.save("u1", tokens(1))
        assert await store.load("u1") == tokens(1)
        await store.save("u1", tokens(2))
        assert await store.load("u1") == tokens(2)
        await store.delete("u1")
        await store.delete("u1")
        assert await store.load("u1") is None

    async def test_users_are_separate(self, store: AsyncTokenStore) -> None:
        await store.save("u1", tokens(1))
        await store.save("u2", tokens(2))
        assert (await store.load("u1"), await store.load("u2")) == (tokens(1), tokens(2))


class TestAsyncMemoryStore(AsyncStoreContract):
    @pytest.fixture
    def store(self) -> AsyncTokenStore:
        return AsyncMemoryTokenStore()


class TestAsyncSQLiteStore(AsyncStoreContract):
    @pytest.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[AsyncTokenStore]:
        store = AsyncSQLTokenStore(
            f"sqlite:///{tmp_path / 'tokens.db'}", cipher=TokenCipher([TokenCipher.generate_key()])
        )
        await store.create_table()
        yield store
        await store.dispose()


@pytest.mark.postgres
class TestAsyncPostgresStore(AsyncStoreContract):
    @pytest.fixture
    async def store(self) -> AsyncIterator[AsyncTokenStore]:
        table = f"loginkit_tokens_{secrets.token_hex(4)}"
        store = AsyncSQLTokenStore(
            POSTGRES_URL, cipher=TokenCipher([TokenCipher.generate_key()]), table_name=table
        )
        try:
            await store.create_table()
        except (OSError, sa.exc.OperationalError) as exc:
            if os.environ.get("CI") == "true":
                raise
            pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
        yield store
        async with store.engine.begin() as conn:
            await conn.execute(sa.text(f"DROP TABLE {table}"))
        await store.dispose()


def test_memory_store_is_a_token_store() -> None:
    store = MemoryTokenStore()
    store.save("u", tokens())
    assert store.load("u") == tokens()
    store.delete("u")
    assert store.load("u") is None


def test_sqlite_store_encrypts_both_tokens_at_rest(tmp_path: Path) -> None:
    store = SQLTokenStore(
        f"sqlite:///{tmp_path / 't.db'}", cipher=TokenCipher([TokenCipher.generate_key()])
    )
    store.create_table()
    store.save("u", tokens())
    raw = (tmp_path / "t.db").read_bytes()
    assert b"rft.refresh1" not in raw and b"act.access1" not in raw
    assert b"open-1" in raw
    assert store.load("u") == tokens()


def test_key_rotation_re_encrypts_under_the_new_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    old_key, new_key = TokenCipher.generate_key(), TokenCipher.generate_key()
    old = SQLTokenStore(url, cipher=TokenCipher([old_key]))
    old.create_table()
    old.save("u", tokens())

    rotating = SQLTokenStore(url, cipher=TokenCipher([new_key, old_key]))
    assert rotating.load("u") == tokens()  # the old key still decrypts
    assert rotating.rotate_keys() == 1

    assert SQLTokenStore(url, cipher=TokenCipher([new_key])).load("u") == tokens()
    with pytest.raises(TokenDecryptionError):
        SQLTokenStore(url, cipher=TokenCipher([old_key])).load("u")


def test_cipher_keys_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    key = TokenCipher.generate_key()
    monkeypatch.setenv("LOGINKIT_TOKEN_KEYS", f" {key} , {TokenCipher.generate_key()}")
    cipher = TokenCipher.from_env()
    assert TokenCipher([key]).decrypt(cipher.encrypt("rft.x")) == "rft.x"
    assert key not in repr(cipher)


def test_sql_store_refuses_to_run_without_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOGINKIT_TOKEN_KEYS", raising=False)
    with pytest.raises(RuntimeError, match="LOGINKIT_TOKEN_KEYS"):
        SQLTokenStore("sqlite://")
