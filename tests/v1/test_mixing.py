"""v1 and v2 must not be mixed (seed 002, FAQ 1): each API refuses the other's codes and tokens."""

from __future__ import annotations

import hashlib

from tests.server.helpers import exchange, post_form, refresh
from tests.support.emulator import EmulatorProcess
from tests.v1.v1 import (
    SCOPES,
    v1_authorize,
    v1_error,
    v1_exchange,
    v1_post,
    v1_refresh,
)


def test_v1_refuses_v2_refresh_tokens_and_codes(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(platform="android")
    user = emulator.create_user()
    verifier = "v" * 43
    challenge = hashlib.sha256(verifier.encode()).hexdigest()
    v2_code = emulator.authorize(app, user, SCOPES, code_challenge=challenge)
    tokens = exchange(emulator, app, v2_code, code_verifier=verifier).json()
    code, description = v1_error(v1_refresh(emulator, app, tokens["refresh_token"]))
    assert code == 10007
    assert "v2 OAuth API" in description and "must not be mixed" in description
    revoke = {"open_id": tokens["open_id"], "access_token": tokens["access_token"]}
    assert "must not be mixed" in v1_error(v1_post(emulator, "/oauth/revoke/", revoke))[1]


def test_v2_refuses_v1_refresh_tokens_codes_and_revocations(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(platform="ios")
    user = emulator.create_user()
    tokens = v1_exchange(emulator, app, v1_authorize(emulator, app, user))["data"]
    refused = refresh(emulator, app, tokens["refresh_token"])
    assert refused.status_code == 200  # TikTok's OAuth errors come with HTTP 200
    assert refused.json()["error"] == "invalid_grant"
    assert "v1 OAuth API (/oauth/access_token/)" in refused.json()["error_description"]

    code = v1_authorize(emulator, app, user)
    refused = exchange(emulator, app, code)
    assert refused.json()["error"] == "invalid_grant"
    assert "must not be mixed" in refused.json()["error_description"]

    revoke = post_form(
        emulator,
        "/v2/oauth/revoke/",
        {
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "token": tokens["access_token"],
        },
    )
    assert revoke.json()["error"] == "invalid_grant"
    assert v1_refresh(emulator, app, tokens["refresh_token"])["data"]["error_code"] == 0
