"""Scripted traffic of an app against a running emulator: a correct app, and the mistakes the
readiness report must catch. Answers are judged by their body (TikTok may answer errors with
HTTP 200), never by the status alone."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2

from tests.server.helpers import exchange, post_form, refresh, user_info
from tests.support.emulator import EmulatorProcess

SCOPES = "user.info.basic,user.info.profile"
FIELDS = "open_id,display_name,username"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def pkce_pair() -> tuple[str, str]:
    """A code_verifier and its S256 code_challenge (base64url, no padding)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_query(app: dict[str, Any], **params: str | None) -> str:
    query = {
        "client_key": app["client_key"],
        "redirect_uri": app["redirect_uris"][0],
        "scope": SCOPES,
        "response_type": "code",
    } | params
    return urlencode({k: v for k, v in query.items() if v is not None})


def authorize_page(emulator: EmulatorProcess, query: str) -> httpx2.Response:
    return httpx2.get(f"{emulator.base_url}/v2/auth/authorize/?{query}", timeout=10)


@dataclass
class Login:
    """What a correct app keeps from one login: its tokens, and the secrets it sent."""

    code: str
    verifier: str
    tokens: dict[str, Any]


def browser_login(emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]) -> Login:
    """A correct web app's login through the real pages: S256 PKCE, a random state, the code
    URL-decoded once, a form-encoded exchange whose body is checked."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(12)
    query = authorize_query(
        app, state=state, code_challenge=challenge, code_challenge_method="S256"
    )
    with httpx2.Client(base_url=emulator.base_url, timeout=10) as browser:
        page = browser.get(f"/v2/auth/authorize/?{query}")
        found = _CSRF.search(page.text)
        assert found, page.text
        csrf = found.group(1)
        login = browser.post(
            "/v2/auth/authorize/login",
            data={"csrf_token": csrf, "query": query, "user_id": user["user_id"]},
        )
        assert login.status_code == 303, login.text
        consent = browser.get(f"/v2/auth/authorize/?{query}")
        if consent.status_code == 200 and "decision" in consent.text:
            toggles = {f"scope:{s}": "on" for s in SCOPES.split(",")}
            decided = browser.post(
                "/v2/auth/authorize/decision",
                data={"csrf_token": csrf, "query": query, "decision": "authorize", **toggles},
            )
            callback = decided.headers["location"]
        else:  # a returning user may be sent straight back (auto-authorization)
            callback = consent.headers["location"]
    sent_back = parse_qs(urlsplit(callback).query)
    assert sent_back["state"] == [state]
    code = sent_back["code"][0]  # parse_qs URL-decodes once
    answer = exchange(emulator, app, code, code_verifier=verifier).json()
    assert "error" not in answer and answer["access_token"], answer
    return Login(code, verifier, answer)


def correct_app_session(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any]
) -> Login:
    """Log in, read the profile with granted fields, refresh (keeping the new refresh token),
    read again, refresh again, revoke."""
    login = browser_login(emulator, app, user)
    tokens = login.tokens
    assert user_info(emulator, tokens["access_token"], FIELDS).json()["error"]["code"] == "ok"
    for _ in range(2):
        renewed = refresh(emulator, app, tokens["refresh_token"]).json()
        assert "error" not in renewed, renewed
        tokens = renewed
        profile = user_info(emulator, tokens["access_token"], FIELDS).json()
        assert profile["error"]["code"] == "ok"
    revoked = post_form(
        emulator,
        "/v2/oauth/revoke/",
        {
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "token": tokens["access_token"],
        },
    )
    assert "error" not in revoked.json()
    login.tokens = tokens
    return login


def minted_code(
    emulator: EmulatorProcess, app: dict[str, Any], scopes: str = SCOPES
) -> tuple[str, str]:
    """A code (and its verifier) minted through the control API, which is off the record: the
    tests judge the app's own token and user-info traffic."""
    verifier, challenge = pkce_pair()
    code = emulator.authorize(
        app,
        emulator.create_user(),
        scopes.split(","),
        code_challenge=challenge,
        code_challenge_method="S256",
    )
    return code, verifier


def tokens_of(emulator: EmulatorProcess, app: dict[str, Any], scopes: str = SCOPES) -> Any:
    code, verifier = minted_code(emulator, app, scopes)
    answer = exchange(emulator, app, code, code_verifier=verifier).json()
    assert "error" not in answer, answer
    return answer


def readiness(emulator: EmulatorProcess, app: dict[str, Any]) -> dict[str, Any]:
    report: dict[str, Any] = emulator.control(
        "GET", f"/emulator/apps/{app['client_key']}/readiness"
    )
    return report


def finding(report: dict[str, Any], finding_id: str) -> dict[str, Any]:
    found = [f for f in report["findings"] if f["id"] == finding_id]
    assert len(found) == 1, report
    only: dict[str, Any] = found[0]
    return only
