"""``GET /readyz`` tells whether the database answers; ``GET /healthz`` only that the process runs.

Readiness through a PostgreSQL outage is tested in test_outage.py, beside the proxy that makes it.
"""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from tests.scale.servers import run_servers
from tests.support.emulator import free_port, run_emulator


def test_sqlite_is_ready_and_an_unreachable_redis_is_reported_not_fatal(tmp_path: Path) -> None:
    no_redis = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with run_emulator(tmp_path, "--redis-url", no_redis, "--db-timeout", "1") as emulator:
        ready = httpx2.get(f"{emulator.base_url}/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "redis": "unreachable"}


def test_sqlite_without_redis_reports_the_database_only(tmp_path: Path) -> None:
    with run_emulator(tmp_path) as emulator:
        ready = httpx2.get(f"{emulator.base_url}/readyz", timeout=10)
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "database": "ok"})


@pytest.mark.postgres
def test_a_reachable_redis_is_reported_ok(pg_url: str, redis_url: str, tmp_path: Path) -> None:
    with run_servers(1, pg_url, tmp_path, "--redis-url", redis_url) as (server,):
        ready = httpx2.get(f"{server.base_url}/readyz", timeout=10)
    assert (ready.status_code, ready.json()) == (
        200,
        {"status": "ready", "database": "ok", "redis": "ok"},
    )
