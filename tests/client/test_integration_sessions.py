"""Single-flight refresh, observed at a real emulator process: many callers, one refresh."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from loginkit.client import AsyncSessions, AsyncTikTokClient, Sessions, TikTokClient, TokenSet
from loginkit.client.storage import AsyncMemoryTokenStore, MemoryTokenStore
from tests.support.emulator import EmulatorProcess
from tests.support.live_defaults import authorize_with_pkce


def token_requests(emulator: EmulatorProcess, client_key: str) -> list[Any]:
    """``POST /v2/oauth/token/`` calls by ``client_key``, from the emulator's request log."""
    entries = emulator.control("GET", f"/emulator/requests?client_key={client_key}")
    return [e for e in entries if e["path"] == "/v2/oauth/token/"]


def logged_in(emulator: EmulatorProcess) -> tuple[dict[str, Any], TokenSet]:
    app = emulator.create_app()
    code, verifier = authorize_with_pkce(emulator, app, emulator.create_user(), ["user.info.basic"])
    with TikTokClient(app["client_key"], app["client_secret"], base_url=emulator.base_url,
                      redirect_uri=app["redirect_uris"][0]) as client:
        return app, client.exchange_code(code, code_verifier=verifier)


def test_threads_share_one_refresh(fresh_emulator: EmulatorProcess) -> None:
    app, tokens = logged_in(fresh_emulator)
    # The app's clock says the access token is about to expire; the emulator's does not.
    almost_expired = tokens.access_expires_at - timedelta(minutes=1)
    client = TikTokClient(app["client_key"], app["client_secret"],
                          base_url=fresh_emulator.base_url, clock=lambda: almost_expired)
    sessions = Sessions(client, MemoryTokenStore(), refresh_skew=timedelta(minutes=5))
    sessions.start("u", tokens)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda _: sessions.for_user("u").access_token(), range(40)))

    assert len(set(results)) == 1 and results[0] != tokens.access_token
    refreshes = token_requests(fresh_emulator, app["client_key"])
    assert len(refreshes) == 2  # the code exchange, then exactly one refresh
    assert all(e["status"] == 200 for e in refreshes)
    # The rotated refresh token was saved: the next refresh works.
    assert client.refresh(sessions.for_user("u").tokens().refresh_token).access_token
    client.close()


async def test_tasks_share_one_refresh(fresh_emulator: EmulatorProcess) -> None:
    app, tokens = logged_in(fresh_emulator)
    almost_expired = tokens.access_expires_at - timedelta(minutes=1)
    async with AsyncTikTokClient(app["client_key"], app["client_secret"],
                                 base_url=fresh_emulator.base_url,
                                 clock=lambda: almost_expired) as client:
        sessions = AsyncSessions(client, AsyncMemoryTokenStore())
        await sessions.start("u", tokens)
        profiles = await asyncio.gather(
            *(sessions.for_user("u").user_info(["open_id"]) for _ in range(40))
        )
        assert {p.open_id for p in profiles} == {tokens.open_id}
    refreshes = token_requests(fresh_emulator, app["client_key"])
    assert len(refreshes) == 2
