"""Sessions refresh before expiry, save the rotated refresh token, and refresh once per user."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

import httpx2
import pytest

from loginkit.client import (
    AsyncSessions,
    AsyncTikTokClient,
    NotLoggedInError,
    ReauthorizationRequiredError,
    RetryPolicy,
    Sessions,
    TikTokClient,
    TokenSet,
)
from loginkit.client.storage import AsyncMemoryTokenStore, MemoryTokenStore
from tests.client.conftest import NOW
from tests.client.recorded import TOKEN_RESPONSE, USER_INFO_RESPONSE, USER_INFO_TOKEN_INVALID


class FakeTikTok:
    """Answers refreshes with a new rotated pair each time and counts them (thread-safe)."""

    def __init__(self) -> None:
        self.refreshes: list[str] = []
        self.lock = threading.Lock()
        self.gate = threading.Event()
        self.gate.set()

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        form = dict(parse_qsl(request.read().decode()))
        if request.url.path == "/v2/user/info/":
            if request.headers["Authorization"] == "Bearer act.stale":
                return httpx2.Response(401, json=USER_INFO_TOKEN_INVALID)
            return httpx2.Response(200, json=USER_INFO_RESPONSE)
        self.gate.wait(5)
        with self.lock:
            self.refreshes.append(form["refresh_token"])
            n = len(self.refreshes)
        if form["refresh_token"] != ("rft.0" if n == 1 else f"rft.{n - 1}"):
            return httpx2.Response(400, json={"error": "invalid_grant", "log_id": "L"})
        return httpx2.Response(
            200, json=TOKEN_RESPONSE | {"access_token": f"act.{n}", "refresh_token": f"rft.{n}"}
        )


def stored(access_expires_in: timedelta, refresh_expires_in: timedelta = timedelta(days=1),
           access_token: str = "act.0") -> TokenSet:
    return TokenSet(
        open_id="open-1", scopes=("user.info.basic",), access_token=access_token,
        access_expires_at=NOW + access_expires_in, refresh_token="rft.0",
        refresh_expires_at=NOW + refresh_expires_in,
    )


def sync_sessions(fake: FakeTikTok, clock: datetime = NOW) -> Sessions:
    client = TikTokClient(
        "awexamplekey0001", "s", clock=lambda: clock, retry=RetryPolicy(attempts=1),
        http_client=httpx2.Client(transport=httpx2.MockTransport(fake.handle)),
    )
    return Sessions(client, MemoryTokenStore(), refresh_skew=timedelta(minutes=5))


def test_fresh_token_is_used_without_refreshing() -> None:
    fake = FakeTikTok()
    sessions = sync_sessions(fake)
    sessions.start("u", stored(timedelta(hours=1)))
    assert sessions.for_user("u").access_token() == "act.0"
    assert fake.refreshes == []


def test_token_inside_the_skew_is_refreshed_and_rotation_saved() -> None:
    fake = FakeTikTok()
    sessions = sync_sessions(fake)
    sessions.start("u", stored(timedelta(minutes=4)))
    assert sessions.for_user("u").access_token() == "act.1"
    saved = sessions.store.load("u")
    assert saved is not None and saved.refresh_token == "rft.1"
    assert saved.access_expires_at == NOW + timedelta(seconds=86400)


def test_many_threads_share_one_refresh() -> None:
    fake = FakeTikTok()
    fake.gate.clear()  # hold the first refresh until every thread is waiting
    sessions = sync_sessions(fake)
    sessions.start("u", stored(timedelta(seconds=-1)))
    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(sessions.for_user("u").access_token) for _ in range(32)]
        fake.gate.set()
        results = {f.result(timeout=10) for f in futures}
    assert results == {"act.1"}
    assert fake.refreshes == ["rft.0"]


async def test_many_tasks_share_one_refresh() -> None:
    fake = FakeTikTok()
    client = AsyncTikTokClient(
        "awexamplekey0001", "s", clock=lambda: NOW, retry=RetryPolicy(attempts=1),
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(fake.handle)),
    )
    sessions = AsyncSessions(client, AsyncMemoryTokenStore())
    await sessions.start("u", stored(timedelta(seconds=-1)))
    results = await asyncio.gather(*(sessions.for_user("u").access_token() for _ in range(50)))
    assert set(results) == {"act.1"}
    assert fake.refreshes == ["rft.0"]


def test_explicit_refreshes_in_parallel_refresh_once() -> None:
    fake = FakeTikTok()
    fake.gate.clear()
    sessions = sync_sessions(fake)
    sessions.start("u", stored(timedelta(hours=1)))
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(sessions.for_user("u").refresh) for _ in range(8)]
        fake.gate.set()
        assert {f.result(timeout=10).access_token for f in futures} == {"act.1"}
    assert len(fake.refreshes) == 1


def test_user_info_refreshes_once_after_access_token_invalid() -> None:
    fake = FakeTikTok()
    sessions = sync_sessions(fake)
    sessions.start("u", stored(timedelta(hours=1), access_token="act.stale"))
    profile = sessions.for_user("u").user_info()
    assert profile.open_id == "723f24d7-e717-40f8-a2b6-cb8464cd23b4"
    assert fake.refreshes == ["rft.0"]


def test_expired_refresh_token_requires_a_new_login() -> None:
    fake = FakeTikTok()
    sessions = sync_sessions(fake)
    sessions.start("u", stored(timedelta(seconds=-1), refresh_expires_in=timedelta(seconds=-1)))
    with pytest.raises(ReauthorizationRequiredError):
        sessions.for_user("u").access_token()
    assert fake.refreshes == []


def test_refused_refresh_requires_a_new_login() -> None:
    fake = FakeTikTok()
    fake.refreshes.append("rft.earlier")  # TikTok now expects another refresh token
    sessions = sync_sessions(fake)
    sessions.start("u", stored(timedelta(seconds=-1)))
    with pytest.raises(ReauthorizationRequiredError, match="invalid_grant"):
        sessions.for_user("u").access_token()


def test_unknown_user_is_not_logged_in() -> None:
    with pytest.raises(NotLoggedInError):
        sync_sessions(FakeTikTok()).for_user("ghost").access_token()
