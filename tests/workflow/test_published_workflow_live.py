"""The workflow as published (no ``code_verifier``, a status-only criterion), unmodified, run by
the real ``loginkit workflow run`` against real emulator processes.

It completes once the emulator accepts web apps without PKCE (``--no-require-pkce-for-web``);
under TikTok's live behaviour it fails exactly where TikTok would, and the message says why.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.emulator import EmulatorProcess, run_emulator
from tests.support.live_defaults import authorize_with_pkce
from tests.workflow.published import published_workflow

REDIRECT = "https://app.example.com/callback/"
SCOPES = ["user.info.basic", "user.info.profile", "user.info.stats"]


@pytest.fixture(scope="module")
def without_pkce(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """TikTok's live behaviour except that web apps may skip PKCE."""
    folder = tmp_path_factory.mktemp("no-pkce-emulator")
    with run_emulator(folder, "--no-require-pkce-for-web", "--oauth-errors-http-200") as running:
        yield running


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_workflow(tmp_path_factory.mktemp("published"))


def workflow_run(
    published: Path, emulator: EmulatorProcess, app: dict[str, Any], *extra: str
) -> subprocess.CompletedProcess[str]:
    inputs = {
        "clientKey": app["client_key"],
        "clientSecret": app["client_secret"],
        "redirectUri": REDIRECT,
    }
    command = [sys.executable, "-m", "loginkit", "workflow", "run", str(published)]
    command += ["--server", emulator.base_url, "--admin-token", emulator.admin_token]
    for name, value in inputs.items():
        command += ["--input", f"{name}={value}"]
    return subprocess.run(
        [*command, *extra], capture_output=True, text=True, timeout=60, check=False
    )


def test_it_completes_when_the_emulator_accepts_web_apps_without_pkce(
    published: Path, without_pkce: EmulatorProcess
) -> None:
    app = without_pkce.create_app()
    user = without_pkce.create_user(display_name="Published Pat")
    result = workflow_run(published, without_pkce, app, "--login-as", user["username"])
    assert result.returncode == 0, result.stderr
    outputs = json.loads(result.stdout)
    assert outputs["displayName"] == "Published Pat"
    assert outputs["accessToken"].startswith("act.")


def test_login_as_under_tiktoks_defaults_says_pkce_is_required(
    published: Path, live_emulator: EmulatorProcess
) -> None:
    app = live_emulator.create_app()
    user = live_emulator.create_user()
    result = workflow_run(published, live_emulator, app, "--login-as", user["username"])
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: the control API refused POST ")
    assert "code_challenge" in line
    assert "the emulator requires PKCE for web apps, as TikTok does" in line
    assert line.endswith("start the emulator with --no-require-pkce-for-web")


def test_a_pkce_code_fails_at_exchange_code_and_says_why(
    published: Path, live_emulator: EmulatorProcess
) -> None:
    """TikTok refuses with HTTP 200, which `$statusCode == 200` alone would take for success."""
    app = live_emulator.create_app()
    code, _ = authorize_with_pkce(live_emulator, app, live_emulator.create_user(), SCOPES)
    result = workflow_run(published, live_emulator, app, "--input", f"code={code}")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first, status, summary, body, hint = result.stderr.splitlines()
    assert first == (
        "Error: step 'exchangeCode' failed: success criterion `$statusCode == 200` held, but the "
        "body is TikTok's OAuth error: TikTok answers OAuth refusals with HTTP 200, so check the "
        "body too (e.g. `$response.body#/access_token != null`)"
    )
    assert status == "response: HTTP 200"
    assert summary == "error: invalid_request: Code verifier or code challenge is invalid."
    assert json.loads(body)["log_id"]
    assert hint.startswith("hint: TikTok requires PKCE for web apps")
    assert "--no-require-pkce-for-web" in hint
