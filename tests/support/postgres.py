"""PostgreSQL databases of a test's own on the shared server, created and dropped by the test."""

from __future__ import annotations

import asyncio
import os
import secrets

import asyncpg
import pytest

__all__ = ["ADMIN_URL", "create_database", "drop_database"]

ADMIN_URL = os.environ.get("LOGINKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_database(prefix: str) -> str:
    """A new, empty database; its URL. Skips the test if PostgreSQL is away, unless CI=true."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    try:
        asyncio.run(_admin(f"CREATE DATABASE {name}"))
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}")
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    asyncio.run(_admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)"))
