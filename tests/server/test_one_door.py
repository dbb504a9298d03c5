"""v1 and v2 share one client authentication, one throttle, one set of limits and one error table.

Black-box over HTTP; the last test counts the real store's token reads under a real server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from loginkit.core.store import Store
from loginkit.storage import open_store
from loginkit.testing.emulator import run_emulator as run_in_process
from tests.server.helpers import assert_oauth_error, exchange, user_info
from tests.support.emulator import EmulatorProcess, run_emulator
from tests.v1.v1 import v1_authorize, v1_error, v1_post, v1_refresh


def _v1_exchange_params(client_key: str, secret: str) -> dict[str, str]:
    return {
        "client_key": client_key,
        "client_secret": secret,
        "code": "no-such-code",
        "grant_type": "authorization_code",
    }


def test_v1_answers_an_unknown_key_and_a_wrong_secret_alike(emulator: EmulatorProcess) -> None:
    # A desktop app may not use v1; without its secret nobody may learn that its key exists.
    desktop = emulator.create_app(platform="desktop", redirect_uris=["http://127.0.0.1:*/cb"])
    wrong_secret = v1_post(
        emulator, "/oauth/access_token/", _v1_exchange_params(desktop["client_key"], "x" * 40)
    )
    unknown_key = v1_post(
        emulator, "/oauth/access_token/", _v1_exchange_params("awnosuchapp00000", "x" * 40)
    )
    assert v1_error(wrong_secret) == v1_error(unknown_key)
    assert v1_error(wrong_secret) == (10013, "Client key or secret is incorrect.")


def test_forty_wrong_secrets_on_v1_are_throttled_in_v1_envelope(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(platform="android")
    params = _v1_exchange_params(app["client_key"], "wrong-secret")
    answers = [
        httpx2.post(f"{emulator.base_url}/oauth/access_token/", params=params, timeout=10)
        for _ in range(40)
    ]
    throttled = [a for a in answers if a.status_code == 429]
    assert throttled, [a.status_code for a in answers]
    body = throttled[0].json()
    assert body["message"] == "error" and body["data"]["error_code"] == 10010
    assert "failed client authentications" in body["data"]["description"]
    assert int(throttled[0].headers["Retry-After"]) >= 1
    # the right secret is throttled too while the window lasts: the key is under attack
    good = httpx2.post(
        f"{emulator.base_url}/oauth/access_token/",
        params=_v1_exchange_params(app["client_key"], app["client_secret"]),
        timeout=10,
    )
    assert good.status_code == 429


def test_the_per_client_token_limit_holds_on_v1(tmp_path: Path) -> None:
    with run_emulator(tmp_path, "--rate-limit-token", "2/minute") as emulator:
        app = emulator.create_app(platform="ios")
        user = emulator.create_user()
        tokens = v1_post(
            emulator,
            "/oauth/access_token/",
            {
                "client_key": app["client_key"],
                "client_secret": app["client_secret"],
                "code": v1_authorize(emulator, app, user),
                "grant_type": "authorization_code",
            },
        )["data"]
        assert v1_refresh(emulator, app, tokens["refresh_token"])["message"] == "success"
        over = httpx2.post(
            f"{emulator.base_url}/oauth/refresh_token/",
            params={
                "client_key": app["client_key"],
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
            },
            timeout=10,
        )
        assert over.status_code == 429 and int(over.headers["Retry-After"]) >= 1
        assert over.json()["message"] == "error"
        assert over.json()["data"]["error_code"] == 10010


def test_a_fault_takes_its_status_from_the_error_table(emulator: EmulatorProcess) -> None:
    # The fault board once kept its own status table, without unsupported_response_type.
    emulator.control(
        "POST",
        "/emulator/faults",
        {"endpoint": "/v2/oauth/revoke/", "error": "unsupported_response_type"},
    )
    response = httpx2.post(f"{emulator.base_url}/v2/oauth/revoke/", data={}, timeout=10)
    # a 400 of the table, answered 200 as TikTok does (a 500 would stay 500)
    assert_oauth_error(response, "unsupported_response_type", 400)


POINT_READS = ("get_app", "get_user", "get_token", "get_token_owner")


class _CountingStore:
    """The real store, counting its point reads (a spy: every call is the real one)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.reads = 0

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._store, name)
        if name not in POINT_READS:
            return found

        async def counted(key: str) -> Any:
            self.reads += 1
            return await found(key)

        return counted


@pytest.fixture
def counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any]]:
    stores: list[_CountingStore] = []

    def open_counting_store(*args: Any, **kwargs: Any) -> Any:
        stores.append(_CountingStore(open_store(*args, **kwargs)))
        return stores[-1]

    monkeypatch.setattr("loginkit.server.startup.open_store", open_counting_store)
    with run_in_process(tmp_path) as emulator:
        yield emulator, stores[0]


def test_user_info_is_one_store_read(counted: tuple[Any, _CountingStore]) -> None:
    """The bearer token is hashed and read once, its user and app with it."""
    emulator, store = counted
    app = emulator.create_app()
    user = emulator.create_user()
    code = emulator.authorize(user, app, ["user.info.basic"])
    tokens = exchange(emulator, app, code).json()
    before = store.reads
    assert user_info(emulator, tokens["access_token"], "open_id").status_code == 200
    assert store.reads - before == 1
