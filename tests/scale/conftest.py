"""Fixtures of the cross-process tests: a PostgreSQL database of their own, Redis, servers."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
import redis

from tests.support.postgres import create_database, drop_database

REDIS_URL = os.environ.get("LOGINKIT_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _unreachable(what: str, exc: Exception) -> None:
    if os.environ.get("CI") == "true":
        raise exc
    pytest.skip(f"{what} not reachable: {exc}")


@pytest.fixture
def pg_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards.

    The servers the test starts share one ``LOGINKIT_SECRET_KEY``, as PostgreSQL requires.
    """
    monkeypatch.setenv("LOGINKIT_SECRET_KEY", secrets.token_hex(16))
    url = create_database("loginkit_test")
    yield url
    drop_database(url)


@pytest.fixture
def redis_url() -> str:
    """Redis for shared rate limits; servers prefix their keys per database, so tests keep apart."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        _unreachable(f"Redis at {REDIS_URL}", exc)
    return REDIS_URL
