"""``GET /readyz`` tells whether the database answers; ``GET /healthz`` only that the process runs.

The PostgreSQL outage is made by a proxy that stops forwarding (tests/scale/proxy.py), as in
test_outage.py: /readyz turns 503 while the process stays alive, and 200 again by itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx2
import pytest

from tests.scale.proxy import TcpProxy
from tests.scale.servers import run_servers
from tests.support.emulator import free_port, run_emulator

DB_TIMEOUT = 1.0


def _wait_for_status(url: str, status: int, seconds: float = 60) -> httpx2.Response:
    deadline = time.monotonic() + seconds
    while True:
        # Every answer comes within the bound: the database check gives up after DB_TIMEOUT.
        response = httpx2.get(url, timeout=DB_TIMEOUT * 5)
        if response.status_code == status:
            return response
        assert time.monotonic() < deadline, f"{url} still {response.status_code}: {response.text}"
        time.sleep(0.1)


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


@pytest.fixture
def proxy(pg_url: str) -> Iterator[TcpProxy]:
    target = urlsplit(pg_url)
    running = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    yield running
    running.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_outage_makes_readyz_503_then_200_without_a_restart(
    pg_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    proxied = pg_url.replace(f":{urlsplit(pg_url).port}/", f":{proxy.port}/")
    with run_servers(1, proxied, tmp_path, "--db-timeout", str(DB_TIMEOUT)) as (server,):
        readyz, healthz = f"{server.base_url}/readyz", f"{server.base_url}/healthz"
        assert _wait_for_status(readyz, 200).json() == {"status": "ready", "database": "ok"}

        proxy.block()
        unready = _wait_for_status(readyz, 503)
        assert unready.json()["status"] == "unready"
        assert unready.json()["database"] == "unreachable"
        assert unready.json()["reason"]
        assert httpx2.get(healthz, timeout=5).json() == {"status": "ok"}  # still alive

        proxy.unblock()
        assert _wait_for_status(readyz, 200).json() == {"status": "ready", "database": "ok"}
        assert server.process is not None and server.process.poll() is None  # not restarted
