"""PostgreSQL goes away under load: 503s in TikTok's shapes within bounded time, then recovery.

The database is taken away by a proxy that stops forwarding (the network dies, connections hang),
which is harder on the server than a refused connection and safe for a shared PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx2
import pytest

from tests.scale.flows import exchange, form_post, user_info
from tests.scale.proxy import TcpProxy
from tests.scale.servers import Server, run_servers

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

DB_TIMEOUT = 1.0
CLIENT_TIMEOUT = 15.0
"""No request may take this long: the server must answer 503 well before (DB_TIMEOUT x 2)."""


@pytest.fixture
def proxy(pg_url: str) -> Iterator[TcpProxy]:
    target = urlsplit(pg_url)
    running = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    yield running
    running.close()


class Load:
    """Threads calling user info and the token endpoint until stopped; every answer recorded."""

    def __init__(self, server: Server, app: dict[str, str], access_token: str) -> None:
        self.server, self.app, self.access_token = server, app, access_token
        self.answers: list[tuple[str, int, dict[str, object]]] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run) for _ in range(4)]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def count(self, kind: str, status: int) -> int:
        return sum(1 for k, s, _ in list(self.answers) if (k, s) == (kind, status))

    def _run(self) -> None:
        url = self.server.base_url
        form = {
            "client_key": self.app["client_key"],
            "client_secret": self.app["client_secret"],
            "grant_type": "client_credentials",
        }
        with httpx2.Client(timeout=CLIENT_TIMEOUT) as http:
            while not self._stop.is_set():
                try:
                    info = user_info(http, url, self.access_token)
                    token = form_post(http, url, "/v2/oauth/token/", form)
                except httpx2.TransportError as exc:  # a hang ends here, as a timeout
                    self.failures.append(repr(exc))
                    continue
                self.answers.append(("user_info", info.status_code, info.json()))
                self.answers.append(("token", token.status_code, token.json()))


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_postgres_outage_503_then_recovery(pg_url: str, proxy: TcpProxy, tmp_path: Path) -> None:
    proxied = pg_url.replace(f":{urlsplit(pg_url).port}/", f":{proxy.port}/")
    args = ("--db-timeout", str(DB_TIMEOUT), "--rate-limit-token", "off")
    with run_servers(1, proxied, tmp_path, *args) as (server,):
        emulator = server.emulator
        app, user = emulator.create_app(), emulator.create_user()
        code = emulator.authorize(app, user, ["user.info.basic"])
        verifier = emulator.code_verifier_for(code)
        tokens = exchange(emulator.http, emulator.base_url, app, code, verifier).json()

        with Load(server, app, tokens["access_token"]) as load:
            _wait_for(lambda: load.count("user_info", 200) >= 10, "load before the outage")
            proxy.block()
            _wait_for(
                lambda: load.count("user_info", 503) >= 5 and load.count("token", 503) >= 5,
                "503s during the outage",
            )
            during = len(load.answers)
            proxy.unblock()
            _wait_for(lambda: any(s == 200 for _, s, _ in load.answers[during:]), "recovery")
            recovered_at = len(load.answers)
            _wait_for(lambda: len(load.answers) >= recovered_at + 40, "load after recovery")
            after = [status for _, status, _ in load.answers[recovered_at + 8 :]]

    assert load.failures == []  # no request hung or lost its connection
    statuses = Counter(status for _, status, _ in load.answers)
    assert set(statuses) == {200, 503}, statuses
    for kind, status, body in load.answers:
        if status == 503 and kind == "token":
            assert body["error"] == "temporarily_unavailable"
            assert set(body) == {"error", "error_description", "log_id"}
        elif status == 503:
            assert body["data"] == {}
            assert isinstance(body["error"], dict)
            assert set(body["error"]) == {"code", "message", "log_id"}
    assert set(after) == {200}  # recovered by itself, nothing restarted


def test_postgres_outage_makes_readyz_503_then_200_without_a_restart(
    pg_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    proxied = pg_url.replace(f":{urlsplit(pg_url).port}/", f":{proxy.port}/")
    with run_servers(1, proxied, tmp_path, "--db-timeout", str(DB_TIMEOUT)) as (server,):
        answers: list[httpx2.Response] = []

        def readiness_is(status: int) -> bool:
            # Each answer comes in bounded time: the database check gives up after DB_TIMEOUT.
            answers.append(httpx2.get(f"{server.base_url}/readyz", timeout=CLIENT_TIMEOUT))
            return answers[-1].status_code == status

        _wait_for(lambda: readiness_is(200), "ready before the outage")
        assert answers[-1].json() == {"status": "ready", "database": "ok"}
        proxy.block()
        _wait_for(lambda: readiness_is(503), "unready during the outage")
        assert answers[-1].json()["status"] == "unready"
        assert answers[-1].json()["database"] == "unreachable"
        assert answers[-1].json()["reason"]  # why, in words (a timeout or the driver's error)
        assert httpx2.get(f"{server.base_url}/healthz", timeout=5).json() == {"status": "ok"}
        proxy.unblock()
        _wait_for(lambda: readiness_is(200), "ready again after the outage")
        assert answers[-1].json() == {"status": "ready", "database": "ok"}
        assert server.process is not None and server.process.poll() is None  # not restarted
    assert {answer.status_code for answer in answers} == {200, 503}
