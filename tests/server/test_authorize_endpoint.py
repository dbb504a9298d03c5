"""GET /v2/auth/authorize/ validation and the control API's approval."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.server.helpers import pkce_params, query_of
from tests.support.emulator import EmulatorProcess


@pytest.fixture
def app(emulator: EmulatorProcess) -> dict[str, Any]:
    return emulator.create_app(scopes=["user.info.basic", "user.info.profile"])


def _query(app: dict[str, Any], **changes: str | None) -> dict[str, str]:
    query = {
        "client_key": app["client_key"],
        "response_type": "code",
        "scope": "user.info.basic",
        "redirect_uri": app["redirect_uris"][0],
        "state": "xyz",
    } | pkce_params() | changes
    return {k: v for k, v in query.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"client_key": "awnosuchapp00000"}, "client_key"),
        ({"client_key": None}, "client_key"),
        ({"redirect_uri": "https://evil.example.com/callback/"}, "redirect_uri"),
        ({"redirect_uri": None}, "redirect_uri"),
        ({"scope": "user.info.basic,video.publish"}, "scope"),
        ({"scope": "user.info.basic user.info.profile"}, "scope"),
        ({"scope": "no.such.scope"}, "scope"),
        ({"code_challenge": "too-short"}, "code_challenge"),
        ({"code_challenge": None, "code_challenge_method": None}, "code_challenge"),
        ({"code_challenge": "a" * 64, "code_challenge_method": "plain"}, "code_challenge"),
    ],
)
def test_misconfiguration_is_a_page_naming_the_parameter_never_a_redirect(
    emulator: EmulatorProcess, app: dict[str, Any], changes: dict[str, str | None], param: str
) -> None:
    response = httpx2.get(
        f"{emulator.base_url}/v2/auth/authorize/",
        params=_query(app, **changes),
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "Something went wrong" in response.text
    assert f'<code id="param">{param}</code>' in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_a_valid_request_is_shown_to_the_user(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    response = httpx2.get(f"{emulator.base_url}/v2/auth/authorize/", params=_query(app))
    assert response.status_code == 200
    assert app["name"] in response.text


def _authorize(emulator: EmulatorProcess, app: dict[str, Any], **body: Any) -> httpx2.Response:
    user = emulator.create_user()
    payload = {
        "user_id": user["user_id"],
        "client_key": app["client_key"],
        "redirect_uri": app["redirect_uris"][0],
        "scope": "user.info.basic,user.info.profile",
        "state": "s-1",
        "response_type": "code",
    } | pkce_params() | body
    return emulator.http.post("/emulator/authorize", json=payload)


def test_denial_redirects_with_access_denied_and_state(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    response = _authorize(emulator, app, deny=True)
    assert response.status_code == 200
    redirect = response.json()["redirect_to"]
    assert redirect.startswith(app["redirect_uris"][0] + "?")
    params = query_of(redirect)
    assert params["error"] == "access_denied"
    assert params["state"] == "s-1"
    assert "code" not in params


def test_approval_grants_a_subset_with_basic_required(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    subset = _authorize(emulator, app, approve=["user.info.basic"])
    assert query_of(subset.json()["redirect_to"])["scopes"] == "user.info.basic"
    without_basic = _authorize(emulator, app, approve=["user.info.profile"])
    assert without_basic.status_code == 400
    assert "user.info.basic" in without_basic.json()["error_description"]
    beyond = _authorize(emulator, app, approve=["user.info.basic", "video.list"])
    assert beyond.status_code == 400


def test_a_wrong_response_type_is_refused(emulator: EmulatorProcess, app: dict[str, Any]) -> None:
    response = _authorize(emulator, app, approve=["user.info.basic"], response_type="token")
    assert response.status_code == 400
    assert response.json()["error_description"].startswith("response_type:")
