"""PostgreSQL, for several server processes or machines sharing one emulator.

Each operation runs in its own transaction on a pooled asyncpg connection. Consume-once holds
across processes because every consuming statement is a conditional ``UPDATE … WHERE consumed_at
IS NULL``: PostgreSQL re-checks the condition after waiting for a competing row lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from loginkit.core.store import StoreUnavailable
from loginkit.storage import operations as ops
from loginkit.storage.base import SQLStore
from loginkit.storage.migrate import upgrade

__all__ = ["PostgresStore"]

P = ParamSpec("P")
T = TypeVar("T")

_MIGRATION_LOCK = 0x6C6F67696E6B6974  # "loginkit": one migrating process at a time


def _locked_upgrade(conn: Connection) -> None:
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    upgrade(conn)
    # Made here, under the lock, so that workers starting together agree on one secret.
    ops.instance_secret(conn)


class PostgresStore(SQLStore):
    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int = 10,
        timeout: float = 5.0,
    ) -> None:
        self.url = make_url(url).set(drivername="postgresql+asyncpg")
        self.pool_size = pool_size
        self.max_overflow = max_overflow
        self.timeout = timeout
        self._engine: AsyncEngine | None = None

    async def open(self) -> None:
        self._engine = create_async_engine(
            self.url,
            pool_size=self.pool_size,
            max_overflow=self.max_overflow,
            pool_timeout=self.timeout,
            pool_pre_ping=True,
            connect_args={"timeout": self.timeout, "command_timeout": self.timeout},
        )
        await self.run(_locked_upgrade)

    def pool_connections(self) -> tuple[int, int]:
        """Connections of this process's pool: (in use, idle)."""
        if self._engine is None:
            return (0, 0)
        pool = self._engine.pool
        return (pool.checkedout(), pool.checkedin())  # type: ignore[attr-defined]

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def run(
        self, operation: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        if self._engine is None:
            raise StoreUnavailable("the PostgreSQL store is not open")
        try:
            async with asyncio.timeout(self.timeout * 2):
                async with self._engine.begin() as conn:
                    return await conn.run_sync(operation, *args, **kwargs)
        except (OperationalError, InterfaceError, PoolTimeout, TimeoutError, OSError) as exc:
            raise StoreUnavailable(str(exc)) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise StoreUnavailable(str(exc)) from exc
            raise
