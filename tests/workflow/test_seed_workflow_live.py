"""loginkit's shipped workflow (the published one plus PKCE and body checks) against a real
emulator process behaving as TikTok does live: PKCE required for web apps, OAuth errors with
HTTP 200 (``loginkit workflow run``)."""

from __future__ import annotations

import json
from typing import Any

import httpx2
from click.testing import CliRunner, Result

from loginkit.cli.workflow import workflow
from loginkit.specs import specs_dir
from tests.support.emulator import EmulatorProcess
from tests.support.live_defaults import authorize_with_pkce

SEED = str(specs_dir() / "arazzo" / "tiktok-for-developers-oauth-login-and-profile-workflow.yml")
REDIRECT = "https://app.example.com/callback/"


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


def test_the_seed_workflow_runs_end_to_end_with_login_as(live_emulator: EmulatorProcess) -> None:
    """``--login-as`` mints the code with PKCE and supplies the verifier."""
    emulator = live_emulator
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


def test_a_used_code_fails_at_exchange_code_with_invalid_grant(
    live_emulator: EmulatorProcess,
) -> None:
    """TikTok refuses with HTTP 200: the body criterion is the one that catches it."""
    emulator = live_emulator
    app = emulator.create_app()
    user = emulator.create_user()
    code, verifier = authorize_with_pkce(
        emulator, app, user, ["user.info.basic", "user.info.profile", "user.info.stats"]
    )
    first = _run(emulator, app, "--input", f"codeVerifier={verifier}", code=code)
    assert first.exit_code == 0, first.output
    second = _run(emulator, app, "--input", f"codeVerifier={verifier}", code=code)
    assert second.exit_code != 0
    assert "Traceback" not in second.output
    lines = second.output.splitlines()
    assert lines[0] == (
        "Error: step 'exchangeCode' failed: success criterion "
        "`$response.body#/access_token != null` was not met"
    )
    assert lines[1] == "response: HTTP 200"
    assert lines[2].startswith("error: invalid_grant: ")
    assert json.loads(lines[3])["error"] == "invalid_grant"
    assert len(lines) == 4


def test_a_code_without_its_verifier_fails_and_says_why(live_emulator: EmulatorProcess) -> None:
    app = live_emulator.create_app()
    code, _ = authorize_with_pkce(
        live_emulator, app, live_emulator.create_user(), ["user.info.basic"]
    )
    result = _run(live_emulator, app, "--input", "userFields=open_id", code=code)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1:3] == [
        "response: HTTP 200",
        "error: invalid_request: Code verifier or code challenge is invalid.",
    ]
    assert lines[-1].startswith("hint: TikTok requires PKCE for web apps")
    assert "--no-require-pkce-for-web" in lines[-1]


def test_a_narrower_grant_fails_at_get_profile_with_a_scope_error(
    live_emulator: EmulatorProcess,
) -> None:
    emulator = live_emulator
    app = emulator.create_app()
    user = emulator.create_user()
    result = _run(emulator, app, "--login-as", user["username"], "--grant", "user.info.basic")
    assert result.exit_code != 0
    lines = result.output.splitlines()
    assert lines[0] == (
        "Error: step 'getProfile' failed: success criterion `$statusCode == 200` was not met"
    )
    # TikTok documents 400 scope_permission_missed and answers 401 scope_not_authorized today;
    # the emulator's default follows TikTok, and `--scope-error` picks the documented answer.
    assert lines[1] in ("response: HTTP 400", "response: HTTP 401")
    code = json.loads(lines[3])["error"]["code"]
    assert code in ("scope_permission_missed", "scope_not_authorized")
    assert lines[2].startswith(f"error: {code}: ")


def test_basic_fields_need_only_the_basic_scope(live_emulator: EmulatorProcess) -> None:
    emulator = live_emulator
    app = emulator.create_app(scopes=["user.info.basic"])
    user = emulator.create_user(display_name="Basic Bea")
    result = _run(
        emulator, app, "--login-as", user["username"], "--input", "userFields=open_id,display_name"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["displayName"] == "Basic Bea"


def test_an_unknown_user_is_reported_by_name(live_emulator: EmulatorProcess) -> None:
    app = live_emulator.create_app()
    result = _run(live_emulator, app, "--login-as", "nobody-here")
    assert result.exit_code != 0
    assert "the emulator has no user 'nobody-here'" in result.output
