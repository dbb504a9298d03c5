"""Talking v1 to a running emulator, as a v1 integrator did."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2

from tests.support.emulator import EmulatorProcess

SCOPES = ["user.info.basic", "video.list"]
DAY = 86400
EOL = 1709164800
"""2024-02-29T00:00:00Z."""


def move_clock_to(emulator: EmulatorProcess, at: int) -> None:
    now = emulator.control("GET", "/emulator/clock")["now"]
    emulator.control("POST", "/emulator/clock", {"advance_seconds": at - now})


def v1_authorize(emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]) -> str:
    body = {
        "user_id": user["user_id"],
        "approve": SCOPES,
        "client_key": app["client_key"],
        "redirect_uri": app["redirect_uris"][0],
        "scope": ",".join(SCOPES),
        "state": "st",
        "response_type": "code",
    }
    redirect_to = emulator.control("POST", "/emulator/v1/authorize", body)["redirect_to"]
    query = parse_qs(urlsplit(redirect_to).query)
    assert query["scopes"] == [",".join(SCOPES)] and query["state"] == ["st"]
    code: str = query["code"][0]
    return code


def v1_post(emulator: EmulatorProcess, path: str, params: dict[str, str]) -> dict[str, Any]:
    """v1 took its parameters in the query string and answered HTTP 200."""
    response = httpx2.post(f"{emulator.base_url}{path}", params=params, timeout=10)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def v1_exchange(emulator: EmulatorProcess, app: dict[str, Any], code: str) -> dict[str, Any]:
    params = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "code": code,
        "grant_type": "authorization_code",
    }
    return v1_post(emulator, "/oauth/access_token/", params)


def v1_refresh(emulator: EmulatorProcess, app: dict[str, Any], token: str) -> dict[str, Any]:
    params = {
        "client_key": app["client_key"],
        "grant_type": "refresh_token",
        "refresh_token": token,
    }
    return v1_post(emulator, "/oauth/refresh_token/", params)


def v1_error(body: dict[str, Any]) -> tuple[int, str]:
    assert body["message"] == "error", body
    data = body["data"]
    assert data["captcha"] == "" and data["desc_url"] == ""
    return data["error_code"], data["description"]
