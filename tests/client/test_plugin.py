"""The ``tiktok_emulator`` fixture, as a user of the pytest plugin would use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from loginkit.client import InvalidGrantError, OAuthError, RetryPolicy, TikTokClient
from loginkit.client.pkce import PKCE
from loginkit.core.policy import Policy
from loginkit.testing.emulator import InProcessEmulator, run_emulator


def client_for(emulator: InProcessEmulator, app: dict[str, str]) -> TikTokClient:
    return TikTokClient(
        app["client_key"],
        app["client_secret"],
        base_url=emulator.base_url,
        redirect_uri=app["redirect_uris"][0],
    )


def test_fixture_runs_a_fresh_emulator_with_the_helpers(tiktok_emulator: InProcessEmulator) -> None:
    app = tiktok_emulator.create_app()
    user = tiktok_emulator.create_user(username="ana", display_name="Ana")
    code = tiktok_emulator.authorize(user, app, ["user.info.basic", "user.info.profile"])
    with client_for(tiktok_emulator, app) as client:
        tokens = client.exchange_code(code, code_verifier=tiktok_emulator.code_verifier_for(code))
        profile = client.user_info(tokens.access_token, ["open_id", "display_name", "username"])
    assert tokens.scopes == ("user.info.basic", "user.info.profile")
    assert (profile.open_id, profile.display_name, profile.username) == (
        tokens.open_id,
        "Ana",
        "ana",
    )


def test_advance_clock_expires_codes(tiktok_emulator: InProcessEmulator) -> None:
    app = tiktok_emulator.create_app()
    code = tiktok_emulator.authorize(tiktok_emulator.create_user(), app, ["user.info.basic"])
    tiktok_emulator.advance_clock(3600)
    with client_for(tiktok_emulator, app) as client, pytest.raises(InvalidGrantError):
        client.exchange_code(code, code_verifier=tiktok_emulator.code_verifier_for(code))


def test_a_test_leaves_state_behind(tiktok_emulator: InProcessEmulator) -> None:
    app = tiktok_emulator.create_app()
    tiktok_emulator.create_user(username="left.behind")
    tiktok_emulator.advance_clock(7200)
    tiktok_emulator.inject_fault("/v2/oauth/token/", count=5, error="server_error", status=500)
    with client_for(tiktok_emulator, app) as client:
        client.retry = RetryPolicy(attempts=1)
        with pytest.raises(OAuthError):
            client.client_token()
    assert tiktok_emulator.control.get("/emulator/requests").json()


def test_each_test_gets_an_empty_emulator(tiktok_emulator: InProcessEmulator) -> None:
    # Runs after the test above on the same session server: the reset removed all it left.
    control = tiktok_emulator.control
    assert control.get("/emulator/apps").json() == []
    assert control.get("/emulator/users").json() == []
    assert control.get("/emulator/clock").json()["offset_seconds"] == 0
    assert control.get("/emulator/faults").json() == []
    assert control.get("/emulator/requests").json() == []
    app = tiktok_emulator.create_app()
    with client_for(tiktok_emulator, app) as client:
        assert client.client_token().access_token.startswith("clt.")


def test_inject_fault_fails_the_next_token_call(tiktok_emulator: InProcessEmulator) -> None:
    app = tiktok_emulator.create_app()
    tiktok_emulator.inject_fault(
        "/v2/oauth/token/", count=1, error="temporarily_unavailable", status=503
    )
    with client_for(tiktok_emulator, app) as client:
        client.retry = RetryPolicy(attempts=1)
        with pytest.raises(OAuthError) as caught:
            client.client_token()
        assert (caught.value.error, caught.value.status_code) == ("temporarily_unavailable", 503)
        assert client.client_token().access_token.startswith("clt.")  # count=1: next call is fine


def test_an_app_without_pkce_is_refused_for_web_as_on_tiktok(
    tiktok_emulator: InProcessEmulator,
) -> None:
    web = tiktok_emulator.create_app()
    with pytest.raises(RuntimeError, match="code_challenge"):
        tiktok_emulator.authorize(
            tiktok_emulator.create_user(), web, ["user.info.basic"], pkce=False
        )


def test_an_app_without_pkce_where_the_emulator_allows_it(tmp_path: Path) -> None:
    with run_emulator(tmp_path, policy=Policy(require_pkce_for_web=False)) as emulator:
        app = emulator.create_app()
        code = emulator.authorize(emulator.create_user(), app, ["user.info.basic"], pkce=False)
        assert emulator.code_verifier_for(code) is None
        with client_for(emulator, app) as client:
            assert client.exchange_code(code).open_id.startswith("-000")


def test_readiness_says_whether_the_app_is_ready_for_tiktok(
    tiktok_emulator: InProcessEmulator,
) -> None:
    app = tiktok_emulator.create_app()
    pkce = PKCE.generate()
    code = tiktok_emulator.authorize(
        tiktok_emulator.create_user(),
        app,
        ["user.info.basic"],
        code_challenge=pkce.challenge,
        code_challenge_method=pkce.method,
    )
    with client_for(tiktok_emulator, app) as client:
        tokens = client.exchange_code(code, code_verifier=pkce.verifier)
        client.user_info(tokens.access_token, ["open_id"])
        assert tiktok_emulator.readiness(app) == {
            "client_key": app["client_key"],
            "ready": True,
            "findings": [],
        }
        client.refresh(tokens.refresh_token)
        with pytest.raises(InvalidGrantError):
            client.refresh(tokens.refresh_token)  # the rotated one, again
    report = tiktok_emulator.readiness(app)
    assert report["ready"] is False
    assert [f["id"] for f in report["findings"]] == ["refresh_token_reused"]
