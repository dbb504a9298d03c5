"""A PostgreSQL database of a test's own on 127.0.0.1, dropped afterwards."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import pytest

ADMIN_URL = os.environ.get("LOGINKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


async def admin_sql(sql: str) -> None:
    """Run ``sql`` on the administrative database (CREATE / DROP DATABASE)."""
    conn = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a fresh database; skipped when PostgreSQL is unreachable, except in CI."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    try:
        asyncio.run(admin_sql(f"CREATE DATABASE {name}"))
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}")
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
