"""The core guarantees across server processes on one database.

A code is redeemed once, a refresh token rotates once, however many processes race for it; a
revocation or a clock move made through one process holds at once in every other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

from tests.scale.flows import exchange, outcome, refresh, revoke, user_info
from tests.scale.servers import Server, run_servers

RACERS = 50

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_servers(pg_url: str, tmp_path: Path) -> Iterator[list[Server]]:
    with run_servers(2, pg_url, tmp_path) as servers:
        yield servers


def race(servers: list[Server], attempt: Callable[[httpx2.Client, str], str]) -> list[str]:
    """``RACERS`` threads, spread over ``servers``, released together; their outcomes."""
    barrier = threading.Barrier(RACERS)

    def one(i: int) -> str:
        base_url = servers[i % len(servers)].base_url
        with httpx2.Client(timeout=30) as http:
            http.get(f"{base_url}/healthz")  # connect before the start line
            barrier.wait()
            return attempt(http, base_url)

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def test_one_code_is_redeemed_once_across_processes(two_servers: list[Server]) -> None:
    a = two_servers[0].emulator
    app, user = a.create_app(), a.create_user()
    code = a.authorize(app, user, ["user.info.basic"])
    verifier = a.code_verifier_for(code)

    outcomes = race(
        two_servers, lambda http, url: outcome(exchange(http, url, app, code, verifier))
    )

    assert outcomes.count("tokens") == 1
    assert set(outcomes) == {"tokens", "invalid_grant"}


def test_one_refresh_token_rotates_once_across_processes(two_servers: list[Server]) -> None:
    a = two_servers[0].emulator
    app, user = a.create_app(), a.create_user()
    code = a.authorize(app, user, ["user.info.basic"])
    tokens = exchange(a.http, a.base_url, app, code, a.code_verifier_for(code)).json()

    outcomes = race(
        two_servers,
        lambda http, url: outcome(refresh(http, url, app, tokens["refresh_token"])),
    )

    assert outcomes.count("tokens") == 1
    assert set(outcomes) == {"tokens", "invalid_grant"}


def test_revocation_holds_at_once_in_every_process(two_servers: list[Server]) -> None:
    a, b = (s.emulator for s in two_servers)
    app, user = a.create_app(), a.create_user()
    code = a.authorize(app, user, ["user.info.basic"])
    tokens = exchange(a.http, a.base_url, app, code, a.code_verifier_for(code)).json()
    assert user_info(b.http, b.base_url, tokens["access_token"]).status_code == 200

    assert revoke(a.http, a.base_url, app, tokens["access_token"]).json() == {}

    answer = user_info(b.http, b.base_url, tokens["access_token"])
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "access_token_invalid"
    assert refresh(b.http, b.base_url, app, tokens["refresh_token"]).json()["error"] == (
        "invalid_grant"
    )


def test_a_clock_move_holds_at_once_in_every_process(two_servers: list[Server]) -> None:
    a, b = (s.emulator for s in two_servers)
    app, user = a.create_app(), a.create_user()
    code = a.authorize(app, user, ["user.info.basic"])
    tokens = exchange(a.http, a.base_url, app, code, a.code_verifier_for(code)).json()

    a.control("POST", "/emulator/clock", {"advance_seconds": tokens["expires_in"] + 1})

    assert b.control("GET", "/emulator/clock")["offset_seconds"] == tokens["expires_in"] + 1
    assert user_info(b.http, b.base_url, tokens["access_token"]).status_code == 401
    assert refresh(b.http, b.base_url, app, tokens["refresh_token"]).status_code == 200


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_serve_workers_share_one_database(backend: str, pg_url: str, tmp_path: Path) -> None:
    """``serve --workers 2``: one port, two processes; the race and the clock hold there too."""
    url = pg_url if backend == "postgresql" else f"sqlite:///{tmp_path / 'workers.sqlite3'}"
    with run_servers(1, url, tmp_path, "--workers", "2") as (server,):
        emulator = server.emulator
        app, user = emulator.create_app(), emulator.create_user()
        code = emulator.authorize(app, user, ["user.info.basic"])
        verifier = emulator.code_verifier_for(code)

        outcomes = race([server], lambda http, u: outcome(exchange(http, u, app, code, verifier)))
        emulator.control("POST", "/emulator/clock", {"advance_seconds": 600})
        offsets = {emulator.control("GET", "/emulator/clock")["offset_seconds"] for _ in range(20)}

    assert outcomes.count("tokens") == 1
    assert set(outcomes) == {"tokens", "invalid_grant"}
    assert offsets == {600}
