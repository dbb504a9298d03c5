"""client_credentials and /v2/oauth/revoke/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.server.helpers import assert_oauth_error, exchange, post_form, refresh, user_info
from tests.support.emulator import EmulatorProcess


@pytest.fixture
def app(emulator: EmulatorProcess) -> dict[str, Any]:
    return emulator.create_app()


def _creds(app: dict[str, Any]) -> dict[str, str]:
    return {"client_key": app["client_key"], "client_secret": app["client_secret"]}


def test_client_credentials_issue_an_app_only_token(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    response = post_form(
        emulator, "/v2/oauth/token/", _creds(app) | {"grant_type": "client_credentials"}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert re.fullmatch(r"clt\.[A-Za-z0-9]{64}", body["access_token"])
    assert body["expires_in"] == 7200
    assert body["token_type"] == "Bearer"
    # An app-only token reads no user.
    assert user_info(emulator, body["access_token"], "open_id").status_code == 401


def _tokens(emulator: EmulatorProcess, app: dict[str, Any]) -> dict[str, Any]:
    code = emulator.authorize(app, emulator.create_user(), ["user.info.basic"])
    tokens: dict[str, Any] = exchange(emulator, app, code).json()
    return tokens


def test_revoke_answers_empty_and_kills_the_grant(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    tokens = _tokens(emulator, app)
    response = post_form(
        emulator, "/v2/oauth/revoke/", _creds(app) | {"token": tokens["access_token"]}
    )
    assert response.status_code == 200
    assert response.json() == {}
    assert user_info(emulator, tokens["access_token"], "open_id").status_code == 401
    assert_oauth_error(refresh(emulator, app, tokens["refresh_token"]), "invalid_grant")


def test_revoking_another_clients_or_an_unknown_token_changes_nothing(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    tokens = _tokens(emulator, app)
    other = emulator.create_app()
    for token in (tokens["access_token"], "act.unknown", "rft.unknown"):
        response = post_form(emulator, "/v2/oauth/revoke/", _creds(other) | {"token": token})
        assert response.status_code == 200
        assert response.json() == {}
    assert user_info(emulator, tokens["access_token"], "open_id").status_code == 200


def test_revoking_twice_is_harmless(emulator: EmulatorProcess, app: dict[str, Any]) -> None:
    tokens = _tokens(emulator, app)
    for _ in range(2):
        response = post_form(
            emulator, "/v2/oauth/revoke", _creds(app) | {"token": tokens["access_token"]}
        )
        assert response.json() == {}


def test_revoke_needs_the_token_and_a_valid_client(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    body = assert_oauth_error(
        post_form(emulator, "/v2/oauth/revoke/", _creds(app)), "invalid_request"
    )
    assert body["error_description"] == "Token is missed in request."
    wrong = {"client_key": app["client_key"], "client_secret": "y" * 40, "token": "act.x"}
    assert_oauth_error(post_form(emulator, "/v2/oauth/revoke/", wrong), "invalid_client", 401)
