"""The clients against an emulator process behaving as TikTok does live: PKCE required for web
apps, OAuth errors with HTTP 200. Every refusal is a typed error, never a ``TokenSet``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from loginkit.client import (
    AsyncSessions,
    AsyncTikTokClient,
    InvalidGrantError,
    OAuthError,
    ReauthorizationRequiredError,
    Sessions,
    TikTokClient,
    TokenSet,
)
from loginkit.client.storage import AsyncMemoryTokenStore, MemoryTokenStore
from tests.support.emulator import EmulatorProcess
from tests.support.live_defaults import authorize_with_pkce

SCOPES = ["user.info.basic"]


def assert_refused_with_200(error: OAuthError, code: str) -> None:
    assert error.error == code
    assert error.status_code == 200
    assert error.error_description
    assert error.log_id


def assert_tokens(tokens: TokenSet) -> None:
    assert tokens.access_token.startswith("act.")
    assert tokens.refresh_token.startswith("rft.")


def test_the_sync_client_under_tiktoks_live_defaults(live_emulator: EmulatorProcess) -> None:
    app, user = live_emulator.create_app(), live_emulator.create_user()
    with TikTokClient(
        app["client_key"], app["client_secret"], base_url=live_emulator.base_url,
        redirect_uri=app["redirect_uris"][0],
    ) as client:  # fmt: skip
        code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
        with pytest.raises(OAuthError) as no_verifier:
            client.exchange_code(code)
        assert_refused_with_200(no_verifier.value, "invalid_request")
        assert "Code verifier" in no_verifier.value.error_description

        code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
        tokens = client.exchange_code(code, code_verifier=verifier)
        assert_tokens(tokens)
        refreshed = client.refresh(tokens.refresh_token)
        assert_tokens(refreshed)
        with pytest.raises(InvalidGrantError) as rotated:
            client.refresh(tokens.refresh_token)
        assert_refused_with_200(rotated.value, "invalid_grant")
        with pytest.raises(InvalidGrantError) as replayed:
            client.exchange_code(code, code_verifier=verifier)
        assert_refused_with_200(replayed.value, "invalid_grant")

    with TikTokClient(
        app["client_key"], "not-the-secret", base_url=live_emulator.base_url,
        redirect_uri=app["redirect_uris"][0],
    ) as impostor:  # fmt: skip
        code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
        with pytest.raises(OAuthError) as bad_secret:
            impostor.exchange_code(code, code_verifier=verifier)
        assert_refused_with_200(bad_secret.value, "invalid_client")
        with pytest.raises(OAuthError) as bad_revoke:
            impostor.revoke(refreshed.access_token)
        assert_refused_with_200(bad_revoke.value, "invalid_client")
        with pytest.raises(OAuthError) as bad_client_token:
            impostor.client_token()
        assert_refused_with_200(bad_client_token.value, "invalid_client")


async def test_the_async_client_under_tiktoks_live_defaults(
    live_emulator: EmulatorProcess,
) -> None:
    app, user = live_emulator.create_app(), live_emulator.create_user()
    async with AsyncTikTokClient(
        app["client_key"], app["client_secret"], base_url=live_emulator.base_url,
        redirect_uri=app["redirect_uris"][0],
    ) as client:  # fmt: skip
        code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
        with pytest.raises(OAuthError) as no_verifier:
            await client.exchange_code(code)
        assert_refused_with_200(no_verifier.value, "invalid_request")

        code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
        tokens = await client.exchange_code(code, code_verifier=verifier)
        assert_tokens(tokens)
        refreshed = await client.refresh(tokens.refresh_token)
        with pytest.raises(InvalidGrantError) as rotated:
            await client.refresh(tokens.refresh_token)
        assert_refused_with_200(rotated.value, "invalid_grant")
        await client.revoke(refreshed.access_token)
        with pytest.raises(InvalidGrantError) as revoked:
            await client.refresh(refreshed.refresh_token)
        assert_refused_with_200(revoked.value, "invalid_grant")


def rotated_away(emulator: EmulatorProcess, app: dict[str, Any]) -> TokenSet:
    """Tokens whose refresh token was already used, with an access token due for refresh."""
    code, verifier = authorize_with_pkce(emulator, app, emulator.create_user(), SCOPES)
    with TikTokClient(
        app["client_key"], app["client_secret"], base_url=emulator.base_url,
        redirect_uri=app["redirect_uris"][0],
    ) as client:  # fmt: skip
        tokens = client.exchange_code(code, code_verifier=verifier)
        client.refresh(tokens.refresh_token)
    return TokenSet(
        **{**tokens.__dict__, "access_expires_at": tokens.access_expires_at - timedelta(days=2)}
    )


def test_sessions_do_not_store_a_200_refusal(live_emulator: EmulatorProcess) -> None:
    app = live_emulator.create_app()
    stale = rotated_away(live_emulator, app)
    store = MemoryTokenStore()
    with TikTokClient(
        app["client_key"], app["client_secret"], base_url=live_emulator.base_url
    ) as client:
        session = Sessions(client, store).start("u1", stale)
        with pytest.raises(ReauthorizationRequiredError, match="invalid_grant"):
            session.access_token()
    assert store.load("u1") == stale


async def test_async_sessions_do_not_store_a_200_refusal(live_emulator: EmulatorProcess) -> None:
    app = live_emulator.create_app()
    stale = rotated_away(live_emulator, app)
    store = AsyncMemoryTokenStore()
    async with AsyncTikTokClient(
        app["client_key"], app["client_secret"], base_url=live_emulator.base_url
    ) as client:
        session = await AsyncSessions(client, store).start("u1", stale)
        with pytest.raises(ReauthorizationRequiredError, match="invalid_grant"):
            await session.access_token()
    assert await store.load("u1") == stale
