"""Refreshing: rotation, reuse detection, remaining lifetime, the alias path."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.server.helpers import (
    assert_oauth_error,
    exchange,
    post_form,
    refresh,
    succeeded,
    user_info,
)
from tests.support.emulator import EmulatorProcess, run_emulator

SLACK = 5


def _login(
    emulator: EmulatorProcess, scopes: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    app, user = emulator.create_app(), emulator.create_user()
    code = emulator.authorize(app, user, scopes or ["user.info.basic", "user.info.profile"])
    tokens = exchange(emulator, app, code).json()
    return app, tokens


def test_refresh_rotates_and_keeps_scope_and_open_id(emulator: EmulatorProcess) -> None:
    app, first = _login(emulator)
    response = refresh(emulator, app, first["refresh_token"])
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    second = response.json()
    assert set(second) == set(first)
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["scope"] == first["scope"] == "user.info.basic,user.info.profile"
    assert second["open_id"] == first["open_id"]
    # The previous access token lives until its own expiry.
    assert user_info(emulator, first["access_token"], "open_id").status_code == 200
    assert user_info(emulator, second["access_token"], "username").status_code == 200


def test_a_rotated_refresh_token_is_dead_and_its_reuse_revokes_the_grant(
    emulator: EmulatorProcess,
) -> None:
    app, first = _login(emulator)
    second = refresh(emulator, app, first["refresh_token"]).json()
    assert_oauth_error(refresh(emulator, app, first["refresh_token"]), "invalid_grant")
    assert user_info(emulator, second["access_token"], "open_id").status_code == 401
    assert_oauth_error(refresh(emulator, app, second["refresh_token"]), "invalid_grant")


def test_reuse_revocation_can_be_switched_off(tmp_path: Path) -> None:
    with run_emulator(tmp_path, "--no-revoke-on-refresh-reuse") as emulator:
        app, first = _login(emulator)
        second = refresh(emulator, app, first["refresh_token"]).json()
        assert_oauth_error(refresh(emulator, app, first["refresh_token"]), "invalid_grant")
        assert user_info(emulator, second["access_token"], "open_id").status_code == 200
        assert refresh(emulator, app, second["refresh_token"]).status_code == 200


def test_racing_refreshes_have_one_winner(emulator: EmulatorProcess) -> None:
    app, first = _login(emulator)
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(
            pool.map(lambda _: refresh(emulator, app, first["refresh_token"]), range(8))
        )
    winners = [r for r in responses if succeeded(r)]
    assert len(winners) == 1, [r.text for r in responses]
    for r in responses:
        if r not in winners:
            assert_oauth_error(r, "invalid_grant")


def test_refresh_tokens_are_bound_to_their_client(emulator: EmulatorProcess) -> None:
    _app, first = _login(emulator)
    other = emulator.create_app()
    assert_oauth_error(refresh(emulator, other, first["refresh_token"]), "invalid_grant")


def test_refresh_expires_in_is_what_remains_of_the_grant(fresh_emulator: EmulatorProcess) -> None:
    app, first = _login(fresh_emulator)
    fresh_emulator.control("POST", "/emulator/clock", {"advance_seconds": 1000})
    second = refresh(fresh_emulator, app, first["refresh_token"]).json()
    # The emulator's clock is wall time plus the offset: allow the seconds the test itself took.
    assert 31536000 - 1000 - SLACK <= second["refresh_expires_in"] <= 31536000 - 1000
    assert second["expires_in"] == 86400


def test_access_tokens_expire(fresh_emulator: EmulatorProcess) -> None:
    _app, tokens = _login(fresh_emulator)
    fresh_emulator.control("POST", "/emulator/clock", {"advance_seconds": 86400})
    response = user_info(fresh_emulator, tokens["access_token"], "open_id")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "access_token_invalid"


def test_refresh_tokens_expire_absolutely(tmp_path: Path) -> None:
    with run_emulator(tmp_path, "--refresh-token-lifetime", "100") as emulator:
        app, first = _login(emulator)
        emulator.control("POST", "/emulator/clock", {"advance_seconds": 60})
        second = refresh(emulator, app, first["refresh_token"]).json()
        assert 40 - SLACK <= second["refresh_expires_in"] <= 40
        emulator.control("POST", "/emulator/clock", {"advance_seconds": 40})
        assert_oauth_error(refresh(emulator, app, second["refresh_token"]), "invalid_grant")


def test_the_2026_profile_lifetimes(tmp_path: Path) -> None:
    with run_emulator(tmp_path, "--profile", "2026") as emulator:
        _app, tokens = _login(emulator)
        assert tokens["expires_in"] == 7200
        assert tokens["refresh_expires_in"] == 15552000


@pytest.mark.parametrize("path", ["/v2/oauth/token/refresh/", "/v2/oauth/token/refresh"])
def test_the_refresh_alias_path(emulator: EmulatorProcess, path: str) -> None:
    app, first = _login(emulator)
    form = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "refresh_token": first["refresh_token"],
    }
    assert post_form(emulator, path, form).status_code == 200
    wrong = form | {"grant_type": "authorization_code"}
    assert_oauth_error(post_form(emulator, path, wrong), "unsupported_grant_type")
