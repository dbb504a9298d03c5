"""TikTok as it behaves today, by default — and the switches back to RFC-style answers.

Read top to bottom: an app built only from TikTok's docs (PKCE, form bodies, reading the body)
passes every flow, on SQLite and PostgreSQL; an app that skips PKCE, posts JSON or trusts the
HTTP status fails here the way it would on TikTok; then each switch gives the old answer back.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from loginkit.core.pkce import create_challenge, create_verifier
from tests.server.helpers import (
    ACCESS_TOKEN_SHAPE,
    CODE_SHAPE,
    OPEN_ID_SHAPE,
    REFRESH_TOKEN_SHAPE,
    assert_oauth_error,
    exchange,
    pkce_params,
    post_form,
    refresh,
    user_info,
)
from tests.support.emulator import EmulatorProcess, run_emulator
from tests.support.postgres import create_database, drop_database

NOT_FORM = "Only `application/x-www-form-urlencoded` is accepted as Content-Type."
BAD_CLIENT = "Client key or secret is incorrect."
BAD_TOKEN = "The access token is invalid or not found in the request."
SCOPE_GAP = "The user did not authorize the scope required for completing this request."
RFC_STYLE = (
    "--no-require-pkce-for-web",
    "--no-oauth-errors-http-200",
    "--scope-error",
    "scope_permission_missed",
    "--id-shapes",
    "classic",
)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def tiktok(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EmulatorProcess]:
    """An emulator with its defaults, on each storage backend."""
    folder = tmp_path_factory.mktemp(f"defaults-{request.param}")
    if request.param == "sqlite":
        with run_emulator(folder) as emulator:
            yield emulator
        return
    url = create_database("loginkit_defaults")
    try:
        key = {"LOGINKIT_SECRET_KEY": secrets.token_hex(16)}  # required with PostgreSQL
        with run_emulator(folder, database_url=url, env=key) as emulator:
            yield emulator
    finally:
        drop_database(url)


@pytest.fixture(scope="module")
def rfc_style(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """An emulator with every switch of this module turned to the RFC-style answer."""
    with run_emulator(tmp_path_factory.mktemp("rfc-style"), *RFC_STYLE) as emulator:
        yield emulator


def _consent(
    emulator: EmulatorProcess, app: dict[str, Any], scopes: list[str], **params: Any
) -> httpx2.Response:
    """``POST /emulator/authorize``: the same validation as TikTok's authorize page."""
    body = {
        "user_id": emulator.create_user()["user_id"],
        "approve": scopes,
        "client_key": app["client_key"],
        "redirect_uri": app["redirect_uris"][0],
        "scope": ",".join(scopes),
        "response_type": "code",
    } | params
    return emulator.http.post("/emulator/authorize", json=body)


def _callback(response: httpx2.Response) -> tuple[str, dict[str, list[str]]]:
    redirect_to: str = response.json()["redirect_to"]
    return redirect_to, parse_qs(urlsplit(redirect_to).query)


# ---- an app built from TikTok's docs passes every flow --------------------------------------


@pytest.mark.parametrize("encoding", ["base64url", "hex"])
def test_an_app_built_from_tiktoks_docs_passes_every_flow(
    tiktok: EmulatorProcess, encoding: str
) -> None:
    app = tiktok.create_app()
    verifier = create_verifier()
    challenge = {"code_challenge": create_challenge(verifier, encoding)}
    redirect_to, query = _callback(
        _consent(tiktok, app, ["user.info.basic", "user.info.profile"], state="s", **challenge)
    )
    code = query["code"][0]
    # ~230 characters of base64url ending *x!1234.va, percent-encoded in the callback
    assert re.fullmatch(CODE_SHAPE, code) and "%2A" in redirect_to and "%21" in redirect_to

    tokens = exchange(tiktok, app, code, code_verifier=verifier).json()
    assert re.fullmatch(ACCESS_TOKEN_SHAPE, tokens["access_token"])
    assert re.fullmatch(REFRESH_TOKEN_SHAPE, tokens["refresh_token"])
    assert re.fullmatch(OPEN_ID_SHAPE, tokens["open_id"])

    profile = user_info(tiktok, tokens["access_token"], "open_id,union_id,display_name").json()
    assert profile["error"]["code"] == "ok"
    assert profile["data"]["user"]["open_id"] == tokens["open_id"]  # stable per app and user
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                        profile["data"]["user"]["union_id"])  # fmt: skip

    rotated = refresh(tiktok, app, tokens["refresh_token"]).json()
    assert rotated["open_id"] == tokens["open_id"]
    assert re.fullmatch(ACCESS_TOKEN_SHAPE, rotated["access_token"])
    revoke = {"client_key": app["client_key"], "client_secret": app["client_secret"]}
    revoked = post_form(tiktok, "/v2/oauth/revoke/", revoke | {"token": rotated["access_token"]})
    assert revoked.json() == {}
    assert user_info(tiktok, rotated["access_token"], "open_id").status_code == 401


def test_a_request_without_state_gets_no_state_key_back(tiktok: EmulatorProcess) -> None:
    app = tiktok.create_app()
    _, without = _callback(_consent(tiktok, app, ["user.info.basic"], **pkce_params()))
    assert "state" not in without and "code" in without
    _, denied = _callback(_consent(tiktok, app, ["user.info.basic"], deny=True, **pkce_params()))
    assert "state" not in denied and denied["error"] == ["access_denied"]
    _, kept = _callback(_consent(tiktok, app, ["user.info.basic"], state="x", **pkce_params()))
    assert kept["state"] == ["x"]


# ---- an app that skips PKCE, posts JSON or trusts the status fails as on TikTok ------------


def test_an_app_without_pkce_gets_tiktoks_error_page_before_login(tiktok: EmulatorProcess) -> None:
    app = tiktok.create_app()
    query = {
        "client_key": app["client_key"],
        "response_type": "code",
        "scope": "user.info.basic",
        "redirect_uri": app["redirect_uris"][0],
        "state": "s",
    }
    page = httpx2.get(f"{tiktok.base_url}/v2/auth/authorize/", params=query)
    assert page.status_code == 400 and "location" not in page.headers
    assert '<code id="param">code_challenge</code>' in page.text
    assert "Log in to TikTok" not in page.text
    refused = _consent(tiktok, app, ["user.info.basic"])  # the control API: the same check
    assert refused.status_code == 400
    assert refused.json()["error_description"].startswith("code_challenge:")


def test_an_app_posting_json_is_refused_with_tiktoks_text(tiktok: EmulatorProcess) -> None:
    app = tiktok.create_app()
    credentials = {"client_key": app["client_key"], "client_secret": app["client_secret"]}
    for path in ("/v2/oauth/token/", "/v2/oauth/token/refresh/", "/v2/oauth/revoke/"):
        as_json = httpx2.post(
            f"{tiktok.base_url}{path}", json=credentials | {"grant_type": "client_credentials"}
        )
        body = assert_oauth_error(as_json, "invalid_request")
        assert body["error_description"] == NOT_FORM


def test_a_duplicated_content_type_header_is_refused_too(tiktok: EmulatorProcess) -> None:
    app = tiktok.create_app()
    form = f"client_key={app['client_key']}&client_secret={app['client_secret']}"
    twice = httpx2.post(
        f"{tiktok.base_url}/v2/oauth/token/",
        content=f"{form}&grant_type=client_credentials".encode(),
        headers=[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ],
    )
    assert assert_oauth_error(twice, "invalid_request")["error_description"] == NOT_FORM


def test_an_app_trusting_the_status_code_would_take_an_error_for_tokens(
    tiktok: EmulatorProcess,
) -> None:
    app = tiktok.create_app()
    wrong = {"client_key": app["client_key"], "client_secret": "not-the-secret"}
    calls = {
        "/v2/oauth/token/": wrong | {"grant_type": "client_credentials"},
        "/v2/oauth/token/refresh/": wrong | {"refresh_token": "rft.unknown"},
        "/v2/oauth/revoke/": wrong | {"token": "act.unknown"},
    }
    for path, form in calls.items():
        answer = post_form(tiktok, path, form)
        assert answer.status_code == 200, path  # HTTP 200 ...
        assert "access_token" not in answer.json()  # ... and no tokens: read the body
        assert assert_oauth_error(answer, "invalid_client")["error_description"] == BAD_CLIENT
    unknown = post_form(
        tiktok,
        "/v2/oauth/token/",
        {
            "client_key": "awnosuchapp00000",
            "client_secret": "x",
            "grant_type": "client_credentials",
        },
    )
    assert assert_oauth_error(unknown, "invalid_client")["error_description"] == BAD_CLIENT
    code = tiktok.authorize(app, tiktok.create_user(), ["user.info.basic"])
    no_verifier = exchange(tiktok, app, code, code_verifier=None)
    assert no_verifier.status_code == 200 and no_verifier.json()["error"] == "invalid_request"


def test_the_control_api_keeps_real_statuses(tiktok: EmulatorProcess) -> None:
    refused = tiktok.http.post("/emulator/apps", json={"name": "x", "platform": "fax"})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_request"
    unknown = tiktok.http.get("/emulator/apps/awnosuchapp00000")
    assert unknown.status_code == 404


def test_the_display_api_answers_tiktoks_texts(tiktok: EmulatorProcess) -> None:
    bad = user_info(tiktok, "act.unknown", "open_id")
    assert (bad.status_code, bad.json()["error"]["code"]) == (401, "access_token_invalid")
    assert bad.json()["error"]["message"] == BAD_TOKEN
    app = tiktok.create_app()
    code = tiktok.authorize(app, tiktok.create_user(), ["user.info.basic"])
    token = exchange(tiktok, app, code).json()["access_token"]
    gap = user_info(tiktok, token, "open_id,follower_count")
    assert (gap.status_code, gap.json()["error"]["code"]) == (401, "scope_not_authorized")
    assert gap.json()["error"]["message"] == SCOPE_GAP


# ---- every switch gives the RFC-style answer back ------------------------------------------


def test_no_require_pkce_for_web_lets_a_web_app_skip_pkce(rfc_style: EmulatorProcess) -> None:
    app = rfc_style.create_app()
    code = rfc_style.authorize(app, rfc_style.create_user(), ["user.info.basic"], pkce=False)
    assert "access_token" in exchange(rfc_style, app, code).json()


def test_no_oauth_errors_http_200_gives_400_and_401(rfc_style: EmulatorProcess) -> None:
    app = rfc_style.create_app()
    wrong = post_form(
        rfc_style,
        "/v2/oauth/token/",
        {"client_key": app["client_key"], "client_secret": "x", "grant_type": "client_credentials"},
    )
    assert_oauth_error(wrong, "invalid_client", 401, http_200=False)
    as_json = httpx2.post(f"{rfc_style.base_url}/v2/oauth/revoke/", json={"token": "t"})
    assert_oauth_error(as_json, "invalid_request", 400, http_200=False)


def test_scope_error_scope_permission_missed_gives_the_400(rfc_style: EmulatorProcess) -> None:
    app = rfc_style.create_app()
    code = rfc_style.authorize(app, rfc_style.create_user(), ["user.info.basic"])
    token = exchange(rfc_style, app, code).json()["access_token"]
    gap = user_info(rfc_style, token, "open_id,follower_count")
    assert (gap.status_code, gap.json()["error"]["code"]) == (400, "scope_permission_missed")
    assert "user.info.stats" in gap.json()["error"]["message"]


def test_id_shapes_classic_gives_the_docs_shapes(rfc_style: EmulatorProcess) -> None:
    app = rfc_style.create_app()
    code = rfc_style.authorize(app, rfc_style.create_user(), ["user.info.basic"])
    assert re.fullmatch(r"[A-Za-z0-9]{64}\*\d!\d{4}\.e1", code)
    tokens = exchange(rfc_style, app, code).json()
    assert re.fullmatch(r"act\.[A-Za-z0-9]{64}", tokens["access_token"])
    assert re.fullmatch(r"rft\.[A-Za-z0-9]{64}", tokens["refresh_token"])
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        tokens["open_id"])  # fmt: skip


def test_environment_variables_set_the_switches(tmp_path: Path) -> None:
    env = {"LOGINKIT_REQUIRE_PKCE_FOR_WEB": "0", "LOGINKIT_OAUTH_ERRORS_HTTP_200": "0"}
    env |= {"LOGINKIT_SCOPE_ERROR": "scope_permission_missed", "LOGINKIT_ID_SHAPES": "classic"}
    with run_emulator(tmp_path, env=env) as emulator:
        app = emulator.create_app()
        code = emulator.authorize(app, emulator.create_user(), ["user.info.basic"], pkce=False)
        tokens = exchange(emulator, app, code).json()
        assert re.fullmatch(r"act\.[A-Za-z0-9]{64}", tokens["access_token"])
        gap = user_info(emulator, tokens["access_token"], "follower_count")
        assert gap.status_code == 400
        replay = exchange(emulator, app, code)
        assert_oauth_error(replay, "invalid_grant", 400, http_200=False)
