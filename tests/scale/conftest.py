"""Fixtures of the cross-process tests: a PostgreSQL database of their own, Redis, servers."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator

import asyncpg
import pytest
import redis

from tests.support.postgres import ADMIN_URL, admin_sql

REDIS_URL = os.environ.get("LOGINKIT_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _unreachable(what: str, exc: Exception) -> None:
    if os.environ.get("CI") == "true":
        raise exc
    pytest.skip(f"{what} not reachable: {exc}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    name = f"loginkit_test_{secrets.token_hex(5)}"
    try:
        asyncio.run(admin_sql(f"CREATE DATABASE {name}"))
    except (OSError, asyncpg.PostgresError) as exc:
        _unreachable(f"PostgreSQL at {ADMIN_URL}", exc)
    yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def redis_url() -> str:
    """Redis for shared rate limits; servers prefix their keys per database, so tests keep apart."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        _unreachable(f"Redis at {REDIS_URL}", exc)
    return REDIS_URL
