"""v1 exchange, refresh and revoke over HTTP; the platform rules by the emulator's clock."""

from __future__ import annotations

import httpx2

from tests.support.emulator import EmulatorProcess
from tests.v1.v1 import (
    EOL,
    SCOPES,
    move_clock_to,
    v1_authorize,
    v1_error,
    v1_exchange,
    v1_post,
    v1_refresh,
)

V1_DATA_KEYS = {
    "access_token",
    "captcha",
    "desc_url",
    "description",
    "error_code",
    "expires_in",
    "log_id",
    "open_id",
    "refresh_expires_in",
    "refresh_token",
    "scope",
}


def test_mobile_app_exchanges_refreshes_and_revokes_through_v1(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(platform="android")
    user = emulator.create_user()
    body = v1_exchange(emulator, app, v1_authorize(emulator, app, user))
    assert body["message"] == "success"
    data = body["data"]
    assert set(data) == V1_DATA_KEYS
    assert data["error_code"] == 0 and data["expires_in"] == 86400
    assert data["access_token"].startswith("act.") and data["scope"] == ",".join(SCOPES)

    refreshed = v1_refresh(emulator, app, data["refresh_token"])["data"]
    assert refreshed["error_code"] == 0 and refreshed["open_id"] == data["open_id"]
    assert refreshed["refresh_token"] != data["refresh_token"]

    params = {"open_id": data["open_id"], "access_token": refreshed["access_token"]}
    revoked = v1_post(emulator, "/oauth/revoke/", params)
    assert revoked["message"] == "success" and revoked["data"]["error_code"] == 0
    for dead in (refreshed["refresh_token"], data["refresh_token"]):  # revoked, rotated
        code, _ = v1_error(v1_refresh(emulator, app, dead))
        assert code == 10007


def test_v1_accepts_a_form_body_too(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(platform="ios")
    code = v1_authorize(emulator, app, emulator.create_user())
    form = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "code": code,
        "grant_type": "authorization_code",
    }
    response = httpx2.post(f"{emulator.base_url}/oauth/access_token/", data=form, timeout=10)
    assert response.json()["data"]["error_code"] == 0


def test_v1_errors_use_the_v1_envelope(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(platform="android")
    body = v1_post(emulator, "/oauth/access_token/", {"client_key": app["client_key"]})
    code, description = v1_error(body)
    assert code == 10002 and "Client secret" in description
    bad_secret = {
        "client_key": app["client_key"],
        "client_secret": "wrong",
        "code": "x",
        "grant_type": "authorization_code",
    }
    assert v1_error(v1_post(emulator, "/oauth/access_token/", bad_secret))[0] == 10013


def test_web_app_v1_works_before_end_of_life_and_is_rejected_from_it(
    fresh_emulator: EmulatorProcess,
) -> None:
    emulator = fresh_emulator
    app = emulator.create_app(platform="web")
    user = emulator.create_user()
    move_clock_to(emulator, EOL - 3600)
    data = v1_exchange(emulator, app, v1_authorize(emulator, app, user))["data"]
    assert data["error_code"] == 0

    move_clock_to(emulator, EOL)
    code, description = v1_error(v1_refresh(emulator, app, data["refresh_token"]))
    assert code == 10004 and "/v2/oauth/token/" in description and "2024-02-29" in description
    refused = emulator.http.post(
        "/emulator/v1/authorize",
        json={
            "user_id": user["user_id"],
            "approve": SCOPES,
            "client_key": app["client_key"],
            "redirect_uri": app["redirect_uris"][0],
            "scope": ",".join(SCOPES),
            "response_type": "code",
        },
    )
    assert refused.status_code == 400 and "end of life" in refused.text
    page = httpx2.get(
        f"{emulator.base_url}/auth/authorize/",
        params={"client_key": app["client_key"], "redirect_uri": app["redirect_uris"][0]},
        timeout=10,
    )
    assert page.status_code == 400 and "end of life" in page.text


def test_mobile_app_keeps_v1_after_end_of_life_and_desktop_never_had_it(
    emulator: EmulatorProcess,
) -> None:
    mobile = emulator.create_app(platform="ios")
    assert v1_exchange(emulator, mobile, v1_authorize(emulator, mobile, emulator.create_user()))[
        "data"
    ]["access_token"]
    desktop = emulator.create_app(
        platform="desktop", redirect_uris=["http://127.0.0.1:*/callback/"]
    )
    params = {
        "client_key": desktop["client_key"],
        "client_secret": desktop["client_secret"],
        "code": "x",
        "grant_type": "authorization_code",
    }
    code, description = v1_error(v1_post(emulator, "/oauth/access_token/", params))
    assert code == 10004 and "desktop" in description
