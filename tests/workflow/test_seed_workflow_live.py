"""The seed workflow, unmodified, against a real emulator process (``loginkit workflow run``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from click.testing import CliRunner, Result

from loginkit.cli.workflow import workflow
from loginkit.specs import specs_dir
from tests.support.emulator import EmulatorProcess, run_emulator

SEED = str(specs_dir() / "arazzo" / "tiktok-for-developers-oauth-login-and-profile-workflow.yml")
REDIRECT = "https://app.example.com/callback/"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """The published workflow sends no code_verifier and judges steps by their status, so it
    runs against an emulator that lets web apps skip PKCE and answers OAuth errors with 400/401
    (TikTok requires PKCE of web apps and answers 200)."""
    switches = ("--no-require-pkce-for-web", "--no-oauth-errors-http-200")
    with run_emulator(tmp_path_factory.mktemp("seed-workflow"), *switches) as running:
        yield running


def _run(
    emulator: EmulatorProcess, app: dict[str, Any], *extra: str, code: str | None = None
) -> Result:
    args = ["run", SEED, "--server", emulator.base_url]
    inputs = {
        "clientKey": app["client_key"],
        "clientSecret": app["client_secret"],
        "redirectUri": REDIRECT,
    }
    if code is not None:
        inputs["code"] = code
    for name, value in inputs.items():
        args += ["--input", f"{name}={value}"]
    return CliRunner().invoke(workflow, [*args, "--admin-token", emulator.admin_token, *extra])


def _user_info(emulator: EmulatorProcess, access_token: str, fields: str) -> dict[str, Any]:
    response = httpx2.get(
        f"{emulator.base_url}/v2/user/info/",
        params={"fields": fields},
        headers={"Authorization": f"Bearer {access_token}"},
    )
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()["data"]["user"]
    return user


def test_the_seed_workflow_runs_end_to_end_with_login_as(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    user = emulator.create_user(display_name="Ada Lovelace", follower_count=12, video_count=3)
    result = _run(emulator, app, "--login-as", user["username"])
    assert result.exit_code == 0, result.output
    outputs = json.loads(result.output)
    assert set(outputs) == {"accessToken", "refreshToken", "openId", "displayName"}
    assert outputs["accessToken"].startswith("act.")
    assert outputs["refreshToken"].startswith("rft.")
    assert outputs["displayName"] == "Ada Lovelace"
    # The emulator knows these tokens as this user's: the access token reads the same open_id...
    assert _user_info(emulator, outputs["accessToken"], "open_id,display_name") == {
        "open_id": outputs["openId"],
        "display_name": "Ada Lovelace",
    }
    # ... and the refresh token is live for this app.
    refreshed = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        data={
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "grant_type": "refresh_token",
            "refresh_token": outputs["refreshToken"],
        },
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["open_id"] == outputs["openId"]


def test_a_used_code_fails_at_exchange_code_with_invalid_grant(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    user = emulator.create_user()
    code = emulator.authorize(
        app, user, ["user.info.basic", "user.info.profile", "user.info.stats"], pkce=False
    )
    first = _run(emulator, app, code=code)
    assert first.exit_code == 0, first.output
    second = _run(emulator, app, code=code)
    assert second.exit_code != 0
    assert "Traceback" not in second.output
    lines = second.output.splitlines()
    assert lines[0] == (
        "Error: step 'exchangeCode' failed: success criterion `$statusCode == 200` was not met"
    )
    assert lines[1] == "response: HTTP 400"
    assert lines[2].startswith("error: invalid_grant: ")
    assert json.loads(lines[3])["error"] == "invalid_grant"


def test_a_narrower_grant_fails_at_get_profile_with_scope_not_authorized(
    emulator: EmulatorProcess,
) -> None:
    app = emulator.create_app()
    user = emulator.create_user()
    result = _run(emulator, app, "--login-as", user["username"], "--grant", "user.info.basic")
    assert result.exit_code != 0
    lines = result.output.splitlines()
    assert lines[0] == (
        "Error: step 'getProfile' failed: success criterion `$statusCode == 200` was not met"
    )
    assert lines[1] == "response: HTTP 401"
    assert lines[2].startswith("error: scope_not_authorized: ")
    assert json.loads(lines[3])["error"]["code"] == "scope_not_authorized"


def test_basic_fields_need_only_the_basic_scope(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(scopes=["user.info.basic"])
    user = emulator.create_user(display_name="Basic Bea")
    result = _run(
        emulator, app, "--login-as", user["username"], "--input", "userFields=open_id,display_name"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["displayName"] == "Basic Bea"


def test_an_unknown_user_is_reported_by_name(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    result = _run(emulator, app, "--login-as", "nobody-here")
    assert result.exit_code != 0
    assert "the emulator has no user 'nobody-here'" in result.output
