"""Small helpers for black-box tests against a running emulator."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2

from loginkit.core.pkce import create_challenge, create_verifier
from loginkit.testing.emulator import InProcessEmulator
from tests.support.emulator import EmulatorProcess

LOG_ID_PATTERN = r"^\d{14}[0-9A-F]{20}$"
ACCESS_TOKEN_SHAPE = r"act\.[A-Za-z0-9]{60}![0-9]{4}\.[a-z]{2}"
REFRESH_TOKEN_SHAPE = r"rft\.[A-Za-z0-9]{60}![0-9]{4}\.[a-z]{2}"
CODE_SHAPE = r"[A-Za-z0-9_-]{220}\*[A-Za-z0-9]![0-9]{4}\.[a-z]{2}"
OPEN_ID_SHAPE = r"-000[A-Za-z0-9_-]{32}"
"""The shapes TikTok issues today (the emulator's default ``--id-shapes tiktok``)."""


Emulator = EmulatorProcess | InProcessEmulator


def post_form(emulator: Emulator, path: str, form: dict[str, str]) -> httpx2.Response:
    return httpx2.post(f"{emulator.base_url}{path}", data=form, timeout=10)


def exchange(
    emulator: Emulator, app: dict[str, Any], code: str, **extra: str | None
) -> httpx2.Response:
    """Redeem ``code`` as a TikTok client does, with the PKCE verifier ``authorize`` made for it
    (``code_verifier=None`` sends none; another value replaces it)."""
    extra.setdefault("code_verifier", emulator.code_verifier_for(code))
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


def user_info(emulator: Emulator, access_token: str, fields: str) -> httpx2.Response:
    return httpx2.get(
        f"{emulator.base_url}/v2/user/info/",
        params={"fields": fields},
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=10,
    )


def pkce_params() -> dict[str, str]:
    """A fresh S256 challenge for an authorize request (base64url, as web clients send it)."""
    return {
        "code_challenge": create_challenge(create_verifier(), "base64url"),
        "code_challenge_method": "S256",
    }


def succeeded(response: httpx2.Response) -> bool:
    """Whether a token endpoint answered tokens: read the body, as TikTok errors come with 200."""
    return response.status_code == 200 and "error" not in response.json()


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def assert_oauth_error(
    response: httpx2.Response, error: str, status: int = 400, *, http_200: bool = True
) -> dict[str, Any]:
    """TikTok's flat OAuth error; ``status`` is the RFC's, answered as 200 (TikTok in practice)
    for a 4xx other than 429 unless the emulator runs with ``--no-oauth-errors-http-200``."""
    import re

    expected = 200 if http_200 and status < 500 and status != 429 else status
    assert response.status_code == expected, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "error_description", "log_id"}, body
    assert body["error"] == error, body
    assert re.match(LOG_ID_PATTERN, body["log_id"]), body["log_id"]
    assert response.headers["x-tt-logid"] == body["log_id"]
    assert body["error_description"]
    return body
