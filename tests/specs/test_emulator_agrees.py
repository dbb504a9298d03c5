"""The live emulator serves what the shipped OpenAPI documents describe.

Two halves: its ``/openapi.json`` carries the same operations, parameters and response shapes,
and every documented operation, exercised over HTTP, answers with a documented status whose body
validates against the documented schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from tests.server.helpers import pkce_params
from tests.specs.openapi_support import DOCUMENTS, assert_conforms, dereference, load, operations
from tests.support.emulator import EmulatorProcess, run_emulator

ALL_SCOPES = ["user.info.basic", "user.info.profile", "user.info.stats"]
REDIRECT = "https://app.example.com/callback/"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """The documents give the RFC's 400/401 for OAuth errors, TikTok's docs' statuses: answered
    with ``--no-oauth-errors-http-200`` (by default the emulator answers 200, as TikTok does)."""
    with run_emulator(tmp_path_factory.mktemp("agrees"), "--no-oauth-errors-http-200") as running:
        yield running


def _shape(operation: dict[str, Any]) -> dict[str, Any]:
    return {
        "operationId": operation.get("operationId"),
        "parameters": sorted(
            ((p["name"], p["in"], p.get("required", False), repr(p.get("schema"))))
            for p in operation["parameters"]
        ),
        "requestBody": operation.get("requestBody"),
        "responses": operation["responses"],
        "security": operation.get("security"),
    }


@pytest.mark.parametrize("name", DOCUMENTS)
def test_openapi_json_has_our_operations_parameters_and_responses(
    emulator: EmulatorProcess, name: str
) -> None:
    served = httpx2.get(f"{emulator.base_url}/openapi.json").json()
    ours = load(name)
    served_ops = {(p, m): op for p, m, op in operations(served)}
    for path, method, operation in operations(ours):
        assert (path, method) in served_ops, f"{method.upper()} {path} missing from /openapi.json"
        served_op = served_ops[(path, method)]
        if "security" not in operation and "security" in ours:
            operation["security"] = ours["security"]
            served_op.setdefault("security", served.get("security"))
        assert _shape(served_op) == _shape(operation), f"{method.upper()} {path} differs"
    for scheme, spec in ours["components"].get("securitySchemes", {}).items():
        assert dereference(served["components"]["securitySchemes"][scheme], served) == spec


@pytest.fixture(scope="module")
def app(emulator: EmulatorProcess) -> dict[str, Any]:
    return emulator.create_app(redirect_uris=[REDIRECT])


def _tokens(emulator: EmulatorProcess, app: dict[str, Any], scopes: list[str]) -> dict[str, Any]:
    code = emulator.authorize(app, emulator.create_user(), scopes)
    response = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        data=_credentials(app)
        | {
            "code": code,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "code_verifier": emulator.code_verifier_for(code) or "",
        },
    )
    body: dict[str, Any] = assert_conforms("exchangeToken", response)
    assert response.status_code == 200
    return body


PKCE_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
"""RFC 7636 appendix B's S256 challenge: TikTok requires PKCE from web apps too."""


def _credentials(app: dict[str, Any]) -> dict[str, str]:
    return {"client_key": app["client_key"], "client_secret": app["client_secret"]}


def test_authorize_answers_a_page_or_a_documented_error(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    params = {
        "client_key": app["client_key"],
        "scope": "user.info.basic",
        "redirect_uri": REDIRECT,
        "state": "s",
        "response_type": "code",
    } | pkce_params()
    page = httpx2.get(f"{emulator.base_url}/v2/auth/authorize/", params=params)
    assert page.status_code == 200
    assert_conforms("authorize", page)
    wrong = httpx2.get(
        f"{emulator.base_url}/v2/auth/authorize/", params=params | {"client_key": "nope"}
    )
    assert wrong.status_code == 400
    assert "client_key" in assert_conforms("authorize", wrong)


def test_token_endpoint_grants_and_errors_conform(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    url = f"{emulator.base_url}/v2/oauth/token/"
    tokens = _tokens(emulator, app, ALL_SCOPES)
    assert tokens["scope"] == ",".join(ALL_SCOPES)
    refreshed = httpx2.post(
        url,
        data=_credentials(app)
        | {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert refreshed.status_code == 200
    assert_conforms("exchangeToken", refreshed)
    client = httpx2.post(url, data=_credentials(app) | {"grant_type": "client_credentials"})
    assert client.status_code == 200
    assert set(assert_conforms("exchangeToken", client)) == {
        "access_token",
        "expires_in",
        "token_type",
    }
    reused = httpx2.post(
        url,
        data=_credentials(app)
        | {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert (reused.status_code, assert_conforms("exchangeToken", reused)["error"]) == (
        400,
        "invalid_grant",
    )
    bad_secret = httpx2.post(
        url, data=_credentials(app) | {"client_secret": "x", "grant_type": "client_credentials"}
    )
    assert (bad_secret.status_code, assert_conforms("exchangeToken", bad_secret)["error"]) == (
        401,
        "invalid_client",
    )
    missing = httpx2.post(
        url, data={"client_key": app["client_key"], "grant_type": "client_credentials"}
    )
    assert assert_conforms("exchangeToken", missing)["error"] == "invalid_request"
    unsupported = httpx2.post(url, data=_credentials(app) | {"grant_type": "password"})
    assert assert_conforms("exchangeToken", unsupported)["error"] == "unsupported_grant_type"


def test_refresh_alias_and_revoke_conform(emulator: EmulatorProcess, app: dict[str, Any]) -> None:
    tokens = _tokens(emulator, app, ["user.info.basic"])
    refreshed = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/refresh/",
        data=_credentials(app) | {"refresh_token": tokens["refresh_token"]},
    )
    assert refreshed.status_code == 200
    new = assert_conforms("refreshToken", refreshed)
    revoked = httpx2.post(
        f"{emulator.base_url}/v2/oauth/revoke/",
        data=_credentials(app) | {"token": new["access_token"]},
    )
    assert (revoked.status_code, assert_conforms("revokeToken", revoked)) == (200, {})
    again = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/refresh/",
        data=_credentials(app) | {"refresh_token": tokens["refresh_token"]},
    )
    assert assert_conforms("refreshToken", again)["error"] == "invalid_grant"


def test_user_info_success_and_errors_conform(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    url = f"{emulator.base_url}/v2/user/info/"
    full = _tokens(emulator, app, ALL_SCOPES)["access_token"]
    basic = _tokens(emulator, app, ["user.info.basic"])["access_token"]
    every_field = ",".join(load(DOCUMENTS[1])["components"]["schemas"]["User"]["properties"])

    def get(token: str | None, fields: str) -> httpx2.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx2.get(url, params={"fields": fields}, headers=headers)

    ok = get(full, every_field)
    assert ok.status_code == 200
    assert set(assert_conforms("getUserInfo", ok)["data"]["user"]) == set(every_field.split(","))
    cases = {
        (None, "open_id"): (401, "access_token_invalid"),
        ("act.unknown", "open_id"): (401, "access_token_invalid"),
        (basic, "open_id,follower_count"): (401, "scope_not_authorized"),
        (full, "open_id,email"): (400, "invalid_params"),
    }
    for (token, fields), (status, code) in cases.items():
        response = get(token, fields)
        assert (
            response.status_code,
            assert_conforms("getUserInfo", response)["error"]["code"],
        ) == (
            status,
            code,
        ), fields


def test_redirect_carries_code_scopes_and_state(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> None:
    """What the authorize 302 documents: code, plural scopes, state on the registered URI."""
    user = emulator.create_user()
    redirect_to = emulator.control(
        "POST",
        "/emulator/authorize",
        {
            "user_id": user["user_id"],
            "approve": ["user.info.basic"],
            "client_key": app["client_key"],
            "redirect_uri": REDIRECT,
            "scope": "user.info.basic,user.info.stats",
            "state": "xyz",
            "response_type": "code",
        }
        | pkce_params(),
    )["redirect_to"]
    assert redirect_to.startswith(REDIRECT)
    query = parse_qs(urlsplit(redirect_to).query)
    assert set(query) == {"code", "scopes", "state"}
    assert (query["scopes"], query["state"]) == (["user.info.basic"], ["xyz"])
