"""The clients against a real emulator process over loopback."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from loginkit.client import (
    PKCE,
    APIError,
    AsyncTikTokClient,
    InvalidGrantError,
    OAuthError,
    TikTokClient,
)
from tests.support.emulator import EmulatorProcess
from tests.support.live_defaults import authorize_with_pkce

SCOPES = ["user.info.basic", "user.info.profile", "user.info.stats"]


def sync_client(emulator: EmulatorProcess, app: dict[str, Any]) -> TikTokClient:
    return TikTokClient(
        app["client_key"], app["client_secret"], base_url=emulator.base_url,
        redirect_uri=app["redirect_uris"][0],
    )


def authorize_with(
    emulator: EmulatorProcess, user: dict[str, Any], authorize_url: str, approve: list[str]
) -> dict[str, str]:
    """Approve as ``user`` exactly what ``authorize_url`` asks; the callback's parameters."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    redirect_to = emulator.control(
        "POST", "/emulator/authorize", {**params, "user_id": user["user_id"], "approve": approve}
    )["redirect_to"]
    return {k: v[0] for k, v in parse_qs(urlsplit(redirect_to).query).items()}


@pytest.mark.parametrize("encoding", ["hex", "base64url"])
def test_full_cycle_with_the_sync_client(emulator: EmulatorProcess, encoding: str) -> None:
    app = emulator.create_app()
    user = emulator.create_user(display_name="Cleo", follower_count=42)
    pkce = PKCE.generate(encoding)  # type: ignore[arg-type]
    with sync_client(emulator, app) as client:
        url = client.authorization_url(SCOPES, state="st-1", pkce=pkce)
        assert httpx2.get(url).status_code == 200  # the emulator's consent page accepts it
        callback = authorize_with(emulator, user, url, SCOPES)
        assert callback["state"] == "st-1"
        assert callback["scopes"] == ",".join(SCOPES)

        tokens = client.exchange_code(callback["code"], code_verifier=pkce.verifier)
        assert tokens.access_token.startswith("act.")
        assert tokens.scopes == tuple(SCOPES)

        profile = client.user_info(
            tokens.access_token, ["open_id", "display_name", "follower_count"]
        )
        assert (profile.open_id, profile.display_name, profile.follower_count) == (
            tokens.open_id, "Cleo", 42,
        )

        refreshed = client.refresh(tokens.refresh_token)
        assert refreshed.refresh_token != tokens.refresh_token
        assert refreshed.open_id == tokens.open_id
        with pytest.raises(InvalidGrantError) as caught:
            client.refresh(tokens.refresh_token)  # rotated away
        assert caught.value.log_id

        with pytest.raises(InvalidGrantError):
            client.exchange_code(callback["code"], code_verifier=pkce.verifier)  # single use


async def test_full_cycle_with_the_async_client(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    code, verifier = authorize_with_pkce(emulator, app, emulator.create_user(), ["user.info.basic"])
    async with AsyncTikTokClient(
        app["client_key"], app["client_secret"], base_url=emulator.base_url,
        redirect_uri=app["redirect_uris"][0],
    ) as client:
        tokens = await client.exchange_code(code, code_verifier=verifier)
        assert (await client.user_info(tokens.access_token)).open_id == tokens.open_id
        await client.revoke(tokens.access_token)
        with pytest.raises(APIError) as caught:
            await client.user_info(tokens.access_token)
        assert caught.value.code == "access_token_invalid"
        assert (await client.client_token()).access_token.startswith("clt.")


def test_wrong_verifier_is_refused(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    pkce = PKCE.generate("hex")
    with sync_client(emulator, app) as client:
        url = client.authorization_url(["user.info.basic"], state="s", pkce=pkce)
        callback = authorize_with(emulator, emulator.create_user(), url, ["user.info.basic"])
        with pytest.raises(OAuthError) as caught:
            client.exchange_code(callback["code"], code_verifier=PKCE.generate().verifier)
    assert caught.value.error in {"invalid_request", "invalid_grant"}


def test_wrong_secret_is_invalid_client(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    client = TikTokClient(app["client_key"], "not-the-secret", base_url=emulator.base_url)
    with client, pytest.raises(OAuthError) as caught:
        client.client_token()
    assert caught.value.error == "invalid_client"


def test_denied_consent_comes_back_as_access_denied(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    with sync_client(emulator, app) as client:
        url = client.authorization_url(["user.info.basic"], state="s", pkce=PKCE.generate())
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    redirect_to = emulator.control("POST", "/emulator/authorize", {**params, "deny": True})
    query = parse_qs(urlsplit(redirect_to["redirect_to"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["s"]
