"""The v1 methods of the client kit against a real emulator, for an android app."""

from __future__ import annotations

import pytest

from loginkit.client import AsyncTikTokClient, TikTokClient, UserProfile, V1OAuthError
from tests.support.emulator import EmulatorProcess
from tests.v1.v1 import SCOPES, v1_authorize


def test_an_android_app_logs_in_refreshes_and_revokes_through_v1(
    emulator: EmulatorProcess,
) -> None:
    app = emulator.create_app(platform="android")
    user = emulator.create_user()
    code = v1_authorize(emulator, app, user)
    with TikTokClient(
        app["client_key"], app["client_secret"], base_url=emulator.base_url, platform="android"
    ) as client:
        tokens = client.v1_exchange_code(code)
        assert tokens.scopes == tuple(SCOPES) and tokens.access_token.startswith("act.")

        refreshed = client.v1_refresh(tokens.refresh_token)
        assert refreshed.open_id == tokens.open_id
        assert refreshed.refresh_token != tokens.refresh_token

        profile = client.user_info(refreshed.access_token, ["open_id"])
        assert profile == UserProfile(open_id=tokens.open_id)

        client.v1_revoke(refreshed.open_id, refreshed.access_token)
        for dead in (refreshed.refresh_token, tokens.refresh_token):  # revoked, rotated away
            with pytest.raises(V1OAuthError) as refused:
                client.v1_refresh(dead)
            assert refused.value.error_code == 10007


async def test_the_async_client_redeems_a_v1_code(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(platform="ios")
    code = v1_authorize(emulator, app, emulator.create_user())
    async with AsyncTikTokClient(
        app["client_key"], app["client_secret"], base_url=emulator.base_url, platform="ios"
    ) as client:
        tokens = await client.v1_exchange_code(code)
        with pytest.raises(V1OAuthError) as reused:
            await client.v1_exchange_code(code)
    assert tokens.open_id and reused.value.error_code == 10007
