"""POST /v2/oauth/token/ with grant_type=authorization_code, black-box over loopback HTTP."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest

from loginkit.core.pkce import create_challenge, create_verifier
from tests.server.helpers import (
    ACCESS_TOKEN_SHAPE,
    OPEN_ID_SHAPE,
    REFRESH_TOKEN_SHAPE,
    assert_oauth_error,
    exchange,
    pkce_params,
    post_form,
    query_of,
    refresh,
    succeeded,
    user_info,
)
from tests.support.emulator import EmulatorProcess

TOKEN_FIELDS = {
    "access_token",
    "expires_in",
    "open_id",
    "refresh_expires_in",
    "refresh_token",
    "scope",
    "token_type",
}


@pytest.fixture
def app(emulator: EmulatorProcess) -> dict[str, Any]:
    return emulator.create_app()


@pytest.fixture
def user(emulator: EmulatorProcess) -> dict[str, Any]:
    return emulator.create_user()


def test_exchange_returns_tiktoks_seven_fields(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]
) -> None:
    code = emulator.authorize(app, user, ["user.info.basic", "video.list"])
    response = exchange(emulator, app, code)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == TOKEN_FIELDS
    assert list(body) == sorted(body), "keys in the order of TikTok's documented example"
    assert re.fullmatch(ACCESS_TOKEN_SHAPE, body["access_token"])
    assert re.fullmatch(REFRESH_TOKEN_SHAPE, body["refresh_token"])
    assert len(body["access_token"]) == len(body["refresh_token"]) == 72
    assert body["expires_in"] == 86400
    assert body["refresh_expires_in"] == 31536000
    assert body["scope"] == "user.info.basic,video.list"
    assert body["token_type"] == "Bearer"
    assert re.fullmatch(OPEN_ID_SHAPE, body["open_id"])


def test_redirect_carries_an_encoded_code_granted_scopes_and_state(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]
) -> None:
    redirect_to = emulator.control(
        "POST",
        "/emulator/authorize",
        {
            "user_id": user["user_id"],
            "approve": ["user.info.basic", "user.info.stats"],
            "client_key": app["client_key"],
            "redirect_uri": app["redirect_uris"][0],
            "scope": "user.info.basic,user.info.profile,user.info.stats",
            "state": "a b/c",
            "response_type": "code",
        }
        | pkce_params(),
    )["redirect_to"]
    assert redirect_to.startswith(app["redirect_uris"][0] + "?")
    raw_query = redirect_to.split("?", 1)[1]
    assert "%2A" in raw_query and "%21" in raw_query, "code characters must arrive encoded"
    params = query_of(redirect_to)
    assert "*" in params["code"] and "!" in params["code"]
    assert params["scopes"] == "user.info.basic,user.info.stats"
    assert params["state"] == "a b/c"
    # A client that forgets to URL-decode fails, as it would against TikTok.
    encoded_code = raw_query.split("code=", 1)[1].split("&", 1)[0]
    assert_oauth_error(exchange(emulator, app, encoded_code), "invalid_grant")
    assert exchange(emulator, app, params["code"]).status_code == 200


def test_code_replay_is_refused_and_revokes_what_the_code_issued(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]
) -> None:
    code = emulator.authorize(app, user, ["user.info.basic"])
    first = exchange(emulator, app, code).json()
    assert user_info(emulator, first["access_token"], "open_id").status_code == 200

    assert_oauth_error(exchange(emulator, app, code), "invalid_grant")

    gone = user_info(emulator, first["access_token"], "open_id")
    assert gone.status_code == 401
    assert gone.json()["error"]["code"] == "access_token_invalid"
    assert_oauth_error(refresh(emulator, app, first["refresh_token"]), "invalid_grant")


def test_concurrent_redemptions_of_one_code_let_exactly_one_win(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]
) -> None:
    code = emulator.authorize(app, user, ["user.info.basic"])
    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(lambda _: exchange(emulator, app, code), range(12)))
    winners = [r for r in responses if succeeded(r)]
    assert len(winners) == 1, [r.text for r in responses]
    for r in responses:
        if r not in winners:
            assert_oauth_error(r, "invalid_grant")
    winner = winners[0].json()
    # The losers count as replays: the winner's tokens are revoked too.
    assert user_info(emulator, winner["access_token"], "open_id").status_code == 401


def test_redirect_uri_must_match_the_authorize_request(
    emulator: EmulatorProcess, user: dict[str, Any]
) -> None:
    app = emulator.create_app(
        redirect_uris=["https://app.example.com/a/", "https://app.example.com/b/"]
    )
    code = emulator.authorize(app, user, ["user.info.basic"])
    body = assert_oauth_error(
        exchange(emulator, app, code, redirect_uri="https://app.example.com/b/"), "invalid_request"
    )
    assert body["error_description"] == (
        "Redirect_uri is not matched with the uri when requesting code."
    )


def test_a_code_is_bound_to_its_client(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]
) -> None:
    other = emulator.create_app()
    code = emulator.authorize(app, user, ["user.info.basic"])
    assert_oauth_error(exchange(emulator, other, code), "invalid_grant")
    assert exchange(emulator, app, code).status_code == 200


def test_unknown_key_and_wrong_secret_look_identical(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]
) -> None:
    code = emulator.authorize(app, user, ["user.info.basic"])
    wrong_secret = assert_oauth_error(
        exchange(emulator, app, code, client_secret="x" * 40), "invalid_client", 401
    )
    unknown_key = assert_oauth_error(
        exchange(emulator, app, code, client_key="awunknown000000"), "invalid_client", 401
    )
    assert wrong_secret["error_description"] == unknown_key["error_description"]


@pytest.mark.parametrize(
    ("missing", "description"),
    [
        ("client_secret", "Client secret is missed in request."),
        ("code", "Code is missed in request."),
        ("redirect_uri", "Redirect uri is missed in request."),
        ("grant_type", "Grant type is missed in request."),
    ],
)
def test_missing_parameters_are_named(
    emulator: EmulatorProcess, app: dict[str, Any], missing: str, description: str
) -> None:
    form = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "code": "abc",
        "grant_type": "authorization_code",
        "redirect_uri": "https://x/",
    }
    del form[missing]
    body = assert_oauth_error(post_form(emulator, "/v2/oauth/token/", form), "invalid_request")
    assert body["error_description"] == description


def test_unsupported_grant_type(emulator: EmulatorProcess, app: dict[str, Any]) -> None:
    response = post_form(
        emulator,
        "/v2/oauth/token/",
        {
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "grant_type": "password",
        },
    )
    assert_oauth_error(response, "unsupported_grant_type")


def test_expired_code_is_refused(fresh_emulator: EmulatorProcess) -> None:
    app, user = fresh_emulator.create_app(), fresh_emulator.create_user()
    code = fresh_emulator.authorize(app, user, ["user.info.basic"])
    fresh_emulator.control("POST", "/emulator/clock", {"advance_seconds": 301})
    body = assert_oauth_error(exchange(fresh_emulator, app, code), "invalid_grant")
    assert "expired" in body["error_description"]


def test_slashless_path_is_served(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]
) -> None:
    code = emulator.authorize(app, user, ["user.info.basic"])
    form = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "code": code,
        "grant_type": "authorization_code",
        "redirect_uri": app["redirect_uris"][0],
    }
    assert post_form(emulator, "/v2/oauth/token", form).status_code == 200


# ---- PKCE ---------------------------------------------------------------------------------------

PKCE_FAILED = "Code verifier or code challenge is invalid."


@pytest.mark.parametrize("encoding", ["hex", "base64url"])
def test_pkce_accepts_hex_and_base64url_challenges(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any], encoding: str
) -> None:
    verifier = create_verifier()
    code = emulator.authorize(
        app,
        user,
        ["user.info.basic"],
        code_challenge=create_challenge(verifier, encoding),
        code_challenge_method="S256",
    )
    assert exchange(emulator, app, code, code_verifier=verifier).status_code == 200


def test_pkce_accepts_the_android_sdks_32_character_verifier(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]
) -> None:
    verifier = create_verifier(32)
    code = emulator.authorize(
        app, user, ["user.info.basic"], code_challenge=create_challenge(verifier)
    )
    assert exchange(emulator, app, code, code_verifier=verifier).status_code == 200


@pytest.mark.parametrize("sent", ["wrong", "missing"])
def test_pkce_failures_answer_as_tiktok_does(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any], sent: str
) -> None:
    verifier = create_verifier()
    code = emulator.authorize(
        app, user, ["user.info.basic"], code_challenge=create_challenge(verifier)
    )
    other = create_verifier() if sent == "wrong" else None
    body = assert_oauth_error(exchange(emulator, app, code, code_verifier=other), "invalid_request")
    assert body["error_description"] == PKCE_FAILED
    # The code survives a failed verifier: the right one still redeems it.
    assert exchange(emulator, app, code, code_verifier=verifier).status_code == 200


def test_a_verifier_for_a_code_without_challenge_is_a_downgrade(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]
) -> None:
    code = emulator.authorize(app, user, ["user.info.basic"])
    body = assert_oauth_error(
        exchange(emulator, app, code, code_verifier=create_verifier()), "invalid_request"
    )
    assert body["error_description"] == PKCE_FAILED


def _authorize_status(emulator: EmulatorProcess, body: dict[str, Any]) -> httpx2.Response:
    return emulator.http.post("/emulator/authorize", json=body)


def test_desktop_apps_must_use_pkce(emulator: EmulatorProcess, user: dict[str, Any]) -> None:
    app = emulator.create_app(platform="desktop", redirect_uris=["http://127.0.0.1:*/callback/"])
    base = {
        "user_id": user["user_id"],
        "approve": ["user.info.basic"],
        "client_key": app["client_key"],
        "redirect_uri": "http://127.0.0.1:53682/callback/",
        "scope": "user.info.basic",
        "state": "s",
        "response_type": "code",
    }
    refused = _authorize_status(emulator, base)
    assert refused.status_code == 400
    assert refused.json()["error_description"].startswith("code_challenge:")
    plain = _authorize_status(
        emulator, base | {"code_challenge": "x" * 43, "code_challenge_method": "plain"}
    )
    assert plain.status_code == 400
    verifier = create_verifier()
    accepted = _authorize_status(emulator, base | {"code_challenge": create_challenge(verifier)})
    assert accepted.status_code == 200
    code = query_of(accepted.json()["redirect_to"])["code"]
    response = exchange(
        emulator, app, code, code_verifier=verifier, redirect_uri="http://127.0.0.1:53682/callback/"
    )
    assert response.status_code == 200


def test_web_pkce_can_be_required(tmp_path: Any) -> None:
    from tests.support.emulator import run_emulator

    with run_emulator(tmp_path, "--require-pkce-for-web") as strict:
        app, user = strict.create_app(), strict.create_user()
        response = _authorize_status(
            strict,
            {
                "user_id": user["user_id"],
                "approve": ["user.info.basic"],
                "client_key": app["client_key"],
                "redirect_uri": app["redirect_uris"][0],
                "scope": "user.info.basic",
                "state": "s",
                "response_type": "code",
            },
        )
        assert response.status_code == 400
        assert "code_challenge" in response.json()["error_description"]
