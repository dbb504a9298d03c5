"""Token stores on SQL databases (SQLite, PostgreSQL) through SQLAlchemy Core.

Both tokens are encrypted at rest with a :class:`TokenCipher` (by default from
``LOGINKIT_TOKEN_KEYS``); ``open_id``, scopes and expiry times stay readable for operations.
The table is created on first use if it does not exist (``create_table`` does it up front).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Insert,
    MetaData,
    RowMapping,
    String,
    Table,
    Text,
    create_engine,
    delete,
    make_url,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from loginkit.client.models import TokenSet, utc_now
from loginkit.client.storage.cipher import TokenCipher

__all__ = ["AsyncSQLTokenStore", "SQLTokenStore", "token_table"]

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def token_table(metadata: MetaData, name: str = "loginkit_tokens") -> Table:
    return Table(
        name,
        metadata,
        Column("user_key", String(255), primary_key=True),
        Column("open_id", String(255), nullable=False),
        Column("scopes", Text, nullable=False),
        Column("token_type", String(32), nullable=False),
        Column("access_token", Text, nullable=False),
        Column("access_expires_at", DateTime(timezone=True), nullable=False),
        Column("refresh_token", Text, nullable=False),
        Column("refresh_expires_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )


def _aware(moment: datetime) -> datetime:
    # SQLite keeps no zone; every value we write is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Rows:
    """Row ↔ TokenSet mapping and the statements, shared by the sync and async stores."""

    def __init__(self, cipher: TokenCipher | None, table_name: str) -> None:
        self.cipher = cipher or TokenCipher.from_env()
        self.metadata = MetaData()
        self.table = token_table(self.metadata, table_name)

    def to_row(self, user_key: str, tokens: TokenSet) -> dict[str, Any]:
        return {
            "user_key": user_key,
            "open_id": tokens.open_id,
            "scopes": ",".join(tokens.scopes),
            "token_type": tokens.token_type,
            "access_token": self.cipher.encrypt(tokens.access_token),
            "access_expires_at": tokens.access_expires_at,
            "refresh_token": self.cipher.encrypt(tokens.refresh_token),
            "refresh_expires_at": tokens.refresh_expires_at,
            "updated_at": utc_now(),
        }

    def from_row(self, row: RowMapping) -> TokenSet:
        return TokenSet(
            open_id=row["open_id"],
            scopes=tuple(s for s in row["scopes"].split(",") if s),
            token_type=row["token_type"],
            access_token=self.cipher.decrypt(row["access_token"]),
            access_expires_at=_aware(row["access_expires_at"]),
            refresh_token=self.cipher.decrypt(row["refresh_token"]),
            refresh_expires_at=_aware(row["refresh_expires_at"]),
        )

    def upsert(self, dialect: str, user_key: str, tokens: TokenSet) -> Insert:
        values = self.to_row(user_key, tokens)
        if dialect == "postgresql":
            pg = postgresql.insert(self.table).values(values)
            return pg.on_conflict_do_update(index_elements=["user_key"], set_=values)
        if dialect == "sqlite":
            lite = sqlite.insert(self.table).values(values)
            return lite.on_conflict_do_update(index_elements=["user_key"], set_=values)
        raise NotImplementedError(f"token store on {dialect!r} databases")

    def select(self, user_key: str) -> Any:
        return select(self.table).where(self.table.c.user_key == user_key)

    def delete(self, user_key: str) -> Any:
        return delete(self.table).where(self.table.c.user_key == user_key)

    def rotated(self, row: RowMapping) -> Any:
        return (
            update(self.table)
            .where(self.table.c.user_key == row["user_key"])
            .values(
                access_token=self.cipher.rotate(row["access_token"]),
                refresh_token=self.cipher.rotate(row["refresh_token"]),
            )
        )


class SQLTokenStore:
    """Blocking store on a SQLAlchemy ``Engine`` (or URL such as ``sqlite:///tokens.db``)."""

    def __init__(
        self,
        engine: Engine | str,
        *,
        cipher: TokenCipher | None = None,
        table_name: str = "loginkit_tokens",
    ) -> None:
        self.engine = create_engine(engine) if isinstance(engine, str) else engine
        self._rows = _Rows(cipher, table_name)
        self._table_ready = False

    def create_table(self) -> None:
        self._rows.metadata.create_all(self.engine)
        self._table_ready = True

    def _ready(self) -> Engine:
        if not self._table_ready:
            self.create_table()
        return self.engine

    def load(self, user_key: str) -> TokenSet | None:
        with self._ready().connect() as conn:
            row = conn.execute(self._rows.select(user_key)).mappings().first()
        return None if row is None else self._rows.from_row(row)

    def save(self, user_key: str, tokens: TokenSet) -> None:
        with self._ready().begin() as conn:
            conn.execute(self._rows.upsert(self.engine.dialect.name, user_key, tokens))

    def delete(self, user_key: str) -> None:
        with self._ready().begin() as conn:
            conn.execute(self._rows.delete(user_key))

    def rotate_keys(self) -> int:
        """Re-encrypt every row under the current key; returns the number of rows."""
        with self.engine.begin() as conn:
            rows = conn.execute(select(self._rows.table)).mappings().all()
            for row in rows:
                conn.execute(self._rows.rotated(row))
        return len(rows)


class AsyncSQLTokenStore:
    """Asyncio store on an ``AsyncEngine`` or a URL (``sqlite://`` → aiosqlite,
    ``postgresql://`` → asyncpg)."""

    def __init__(
        self,
        engine: AsyncEngine | str,
        *,
        cipher: TokenCipher | None = None,
        table_name: str = "loginkit_tokens",
    ) -> None:
        if isinstance(engine, str):
            url = make_url(engine)
            url = url.set(drivername=_ASYNC_DRIVERS.get(url.drivername, url.drivername))
            engine = create_async_engine(url)
        self.engine = engine
        self._rows = _Rows(cipher, table_name)
        self._table_ready = False

    async def create_table(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(self._rows.metadata.create_all)
        self._table_ready = True

    async def _ready(self) -> AsyncEngine:
        if not self._table_ready:
            await self.create_table()
        return self.engine

    async def load(self, user_key: str) -> TokenSet | None:
        async with (await self._ready()).connect() as conn:
            row = (await conn.execute(self._rows.select(user_key))).mappings().first()
        return None if row is None else self._rows.from_row(row)

    async def save(self, user_key: str, tokens: TokenSet) -> None:
        async with (await self._ready()).begin() as conn:
            await conn.execute(self._rows.upsert(self.engine.dialect.name, user_key, tokens))

    async def delete(self, user_key: str) -> None:
        async with (await self._ready()).begin() as conn:
            await conn.execute(self._rows.delete(user_key))

    async def rotate_keys(self) -> int:
        """Re-encrypt every row under the current key; returns the number of rows."""
        async with self.engine.begin() as conn:
            rows = (await conn.execute(select(self._rows.table))).mappings().all()
            for row in rows:
                await conn.execute(self._rows.rotated(row))
        return len(rows)

    async def dispose(self) -> None:
        await self.engine.dispose()
