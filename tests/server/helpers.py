"""Small helpers for black-box tests against a running emulator."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2

from tests.support.emulator import EmulatorProcess

LOG_ID_PATTERN = r"^\d{14}[0-9A-F]{20}$"


def post_form(emulator: EmulatorProcess, path: str, form: dict[str, str]) -> httpx2.Response:
    return httpx2.post(f"{emulator.base_url}{path}", data=form, timeout=10)


def exchange(
    emulator: EmulatorProcess, app: dict[str, Any], code: str, **extra: str | None
) -> httpx2.Response:
    form = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "code": code,
        "grant_type": "authorization_code",
        "redirect_uri": app["redirect_uris"][0],
    } | extra
    return post_form(emulator, "/v2/oauth/token/", {k: v for k, v in form.items() if v is not None})


def refresh(emulator: EmulatorProcess, app: dict[str, Any], refresh_token: str) -> httpx2.Response:
    return post_form(
        emulator,
        "/v2/oauth/token/",
        {
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
    )


def user_info(emulator: EmulatorProcess, access_token: str, fields: str) -> httpx2.Response:
    return httpx2.get(
        f"{emulator.base_url}/v2/user/info/",
        params={"fields": fields},
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=10,
    )


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def assert_oauth_error(response: httpx2.Response, error: str, status: int = 400) -> dict[str, Any]:
    import re

    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "error_description", "log_id"}, body
    assert body["error"] == error, body
    assert re.match(LOG_ID_PATTERN, body["log_id"]), body["log_id"]
    assert response.headers["x-tt-logid"] == body["log_id"]
    assert body["error_description"]
    return body
