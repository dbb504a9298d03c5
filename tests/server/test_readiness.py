"""The readiness report over HTTP: each finding from an app's scripted traffic, none from a
correct app's, and ``loginkit check`` as users' CI runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any
from urllib.parse import quote

import httpx2

from loginkit.emulator.app_readiness import FINDING_IDS
from tests.server.app_traffic import (
    authorize_page,
    authorize_query,
    correct_app_session,
    finding,
    minted_code,
    pkce_pair,
    readiness,
    tokens_of,
)
from tests.server.helpers import exchange, post_form, refresh, user_info
from tests.support.emulator import EmulatorProcess
from tests.v1.v1 import EOL, move_clock_to, v1_authorize, v1_exchange

DAY = 86400


def check(
    emulator: EmulatorProcess, app: dict[str, Any], *extra: str
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "loginkit", "check", "--app", app["client_key"], *extra]
    env_args = ["--base-url", emulator.base_url, "--admin-token", emulator.admin_token]
    return subprocess.run(
        [*command, *env_args], capture_output=True, text=True, timeout=60, check=False
    )


def _pkce_query(app: dict[str, Any], **params: str | None) -> str:
    _verifier, challenge = pkce_pair()
    return authorize_query(app, code_challenge=challenge, code_challenge_method="S256", **params)


def test_a_correct_apps_traffic_is_ready_and_check_exits_0(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    correct_app_session(emulator, app, emulator.create_user())
    report = readiness(emulator, app)
    assert report == {"client_key": app["client_key"], "ready": True, "findings": []}
    result = check(emulator, app)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ready for TikTok" in result.stdout and "Traceback" not in result.stderr


def test_an_error_finding_makes_check_exit_1(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    httpx2.post(f"{emulator.base_url}/v2/oauth/token/", json={"client_key": app["client_key"]})
    result = check(emulator, app)
    assert result.returncode == 1
    assert "NOT ready" in result.stdout and "[json_body]" in result.stdout
    assert json.loads(check(emulator, app, "--json").stdout)["ready"] is False


def test_json_body(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    code, verifier = minted_code(emulator, app)
    body = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "code": code,
        "code_verifier": verifier,
        "grant_type": "authorization_code",
        "redirect_uri": app["redirect_uris"][0],
    }
    answer = httpx2.post(f"{emulator.base_url}/v2/oauth/token/", json=body, timeout=10).json()
    assert answer["error"] == "invalid_request"
    found = finding(readiness(emulator, app), "json_body")
    assert found["severity"] == "error" and found["log_ids"] == [answer["log_id"]]
    assert "application/x-www-form-urlencoded" in found["message"]


def test_no_pkce(emulator: EmulatorProcess) -> None:
    """Accepted (``--no-require-pkce-for-web``) or refused before login: reported either way."""
    app = emulator.create_app()
    page = authorize_page(emulator, authorize_query(app, state="s"))
    found = finding(readiness(emulator, app), "no_pkce")
    assert found["severity"] == "error" and found["count"] == 1
    assert page.headers["x-tt-logid"] in found["log_ids"]
    assert "code_challenge" in found["message"]


def test_code_not_url_decoded(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    code, verifier = minted_code(emulator, app)
    encoded = quote(code, safe="")
    if encoded == code:  # the classic code shape has nothing to escape: escape one character
        encoded = f"%{ord(code[0]):02X}{code[1:]}"
    answer = exchange(emulator, app, encoded, code_verifier=verifier).json()
    assert answer["error"] == "invalid_grant"
    found = finding(readiness(emulator, app), "code_not_url_decoded")
    assert found["severity"] == "error" and found["log_ids"] == [answer["log_id"]]
    # The same code, decoded, still works: the refusal consumed nothing.
    assert "access_token" in exchange(emulator, app, code, code_verifier=verifier).json()


def test_error_body_used_as_token(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    failed = exchange(emulator, app, "not-a-code")  # an app that trusts HTTP 200 keeps this
    error_body = failed.text
    assert failed.json()["error"] == "invalid_grant"
    as_bearer = user_info(emulator, error_body, "open_id").json()
    assert as_bearer["error"]["code"] == "access_token_invalid"
    as_refresh = refresh(emulator, app, error_body).json()
    assert as_refresh["error"] == "invalid_grant"
    found = finding(readiness(emulator, app), "error_body_used_as_token")
    assert found["severity"] == "error"
    assert sorted(found["log_ids"]) == sorted([as_bearer["error"]["log_id"], as_refresh["log_id"]])


def test_fields_outside_scope(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    tokens = tokens_of(emulator, app, "user.info.basic")
    answer = user_info(emulator, tokens["access_token"], "open_id,follower_count").json()
    assert answer["error"]["code"] != "ok"
    found = finding(readiness(emulator, app), "fields_outside_scope")
    assert found["severity"] == "warning" and found["log_ids"] == [answer["error"]["log_id"]]


def test_expired_token_used(fresh_emulator: EmulatorProcess) -> None:
    emulator = fresh_emulator
    app = emulator.create_app()
    tokens = tokens_of(emulator, app)
    emulator.control("POST", "/emulator/clock", {"advance_seconds": tokens["expires_in"] + 60})
    answer = user_info(emulator, tokens["access_token"], "open_id").json()
    assert answer["error"]["code"] == "access_token_invalid"
    found = finding(readiness(emulator, app), "expired_token_used")
    assert found["severity"] == "warning" and found["log_ids"] == [answer["error"]["log_id"]]


def test_refresh_token_reused(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    tokens = tokens_of(emulator, app)
    assert "error" not in refresh(emulator, app, tokens["refresh_token"]).json()
    reused = refresh(emulator, app, tokens["refresh_token"]).json()
    assert reused["error"] == "invalid_grant"
    found = finding(readiness(emulator, app), "refresh_token_reused")
    assert found["severity"] == "error" and found["log_ids"] == [reused["log_id"]]


def test_redirect_uri_mismatch_at_authorize_and_at_the_exchange(
    emulator: EmulatorProcess,
) -> None:
    app = emulator.create_app()
    unregistered = authorize_page(
        emulator, _pkce_query(app, state="s", redirect_uri="https://evil.example.com/cb/")
    )
    assert unregistered.status_code == 400
    code, verifier = minted_code(emulator, app)
    answer = exchange(
        emulator, app, code, code_verifier=verifier, redirect_uri="https://app.example.com/callback"
    ).json()
    assert answer["error"] == "invalid_request"
    found = finding(readiness(emulator, app), "redirect_uri_mismatch")
    assert found["severity"] == "error" and found["count"] == 2
    assert set(found["log_ids"]) == {unregistered.headers["x-tt-logid"], answer["log_id"]}


def test_client_id_instead_of_client_key(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    page = authorize_page(
        emulator,
        _pkce_query(app, state="s").replace("client_key=", "client_id="),
    )
    assert page.status_code == 400 and 'id="param">client_key<' in page.text
    token = post_form(
        emulator,
        "/v2/oauth/token/",
        {
            "client_id": app["client_key"],
            "client_secret": app["client_secret"],
            "grant_type": "client_credentials",
        },
    ).json()
    assert token["error"] == "invalid_request"
    found = finding(readiness(emulator, app), "client_id_instead_of_client_key")
    assert found["severity"] == "error"
    assert set(found["log_ids"]) == {page.headers["x-tt-logid"], token["log_id"]}


def test_missing_state(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    page = authorize_page(emulator, _pkce_query(app))
    assert page.status_code == 200
    found = finding(readiness(emulator, app), "missing_state")
    assert found["severity"] == "warning" and found["log_ids"] == [page.headers["x-tt-logid"]]
    assert readiness(emulator, app)["ready"] is True  # a warning alone does not block


def test_v1_endpoint_called_is_an_error_for_web_apps_after_the_end_of_life(
    fresh_emulator: EmulatorProcess,
) -> None:
    emulator = fresh_emulator
    web = emulator.create_app()
    mobile = emulator.create_app(platform="android")
    for app in (web, mobile):
        v1_exchange(emulator, app, "not-a-code")
    assert finding(readiness(emulator, web), "v1_endpoint_called")["severity"] == "error"
    assert finding(readiness(emulator, mobile), "v1_endpoint_called")["severity"] == "warning"
    move_clock_to(emulator, EOL - DAY)  # by the emulator's clock, before the end of life
    assert finding(readiness(emulator, web), "v1_endpoint_called")["severity"] == "warning"


def test_loopback_redirect_uri(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(redirect_uris=["http://127.0.0.1:8765/callback/"])
    page = authorize_page(emulator, _pkce_query(app, state="s"))
    assert page.status_code == 200
    found = finding(readiness(emulator, app), "loopback_redirect_uri")
    assert found["severity"] == "warning" and found["log_ids"] == [page.headers["x-tt-logid"]]
    assert "https" in found["message"]


def test_migration_findings_join_the_report(emulator: EmulatorProcess) -> None:
    """A mobile app may keep v1 (a warning) but must not mix v1 and v2 tokens (an error)."""
    app = emulator.create_app(platform="android")
    tokens = v1_exchange(emulator, app, v1_authorize(emulator, app, emulator.create_user()))
    refresh(emulator, app, tokens["data"]["refresh_token"])
    report = readiness(emulator, app)
    assert finding(report, "mixed_token_use")["severity"] == "error"
    assert finding(report, "v1_endpoint_called")["severity"] == "warning"
    assert report["ready"] is False


def test_every_documented_finding_id_is_covered_here() -> None:
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    for finding_id in FINDING_IDS:
        assert any(name.startswith(finding_id) for name in tested), finding_id


def test_an_unknown_app_is_404_and_check_says_so_in_one_line(emulator: EmulatorProcess) -> None:
    missing = emulator.http.get("/emulator/apps/no-such-app/readiness")
    assert missing.status_code == 404
    result = check(emulator, {"client_key": "no-such-app"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "404" in result.stderr
