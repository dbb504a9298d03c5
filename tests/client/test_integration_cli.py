"""``loginkit login`` end to end: a real emulator, the loopback listener, the stored tokens."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from click.testing import CliRunner

from loginkit.cli.login import EMULATOR_CLIENT_KEY, cli
from loginkit.client import TikTokClient
from loginkit.client.credentials import FileCredentials, SavedLogin
from tests.support.emulator import EmulatorProcess
from tests.support.live_defaults import authorize_with_pkce


@pytest.mark.parametrize("server", ["emulator", "live_emulator"])
def test_login_whoami_refresh_logout(
    server: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The same commands, unchanged, whether or not OAuth errors come with HTTP 200."""
    emulator: EmulatorProcess = request.getfixturevalue(server)
    credentials = tmp_path / "config" / "credentials.json"
    env = {**os.environ, "LOGINKIT_CREDENTIALS_FILE": str(credentials)}
    user = emulator.create_user(display_name="Terminal Tess", username="tess")
    process = subprocess.Popen(
        [sys.executable, "-m", "loginkit.cli.login", "login", "--no-browser",
         "--base-url", emulator.base_url, "--timeout", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert process.stdout is not None
        url = ""
        for _ in range(5):  # bounded: the URL is the second line
            line = process.stdout.readline()
            if line.startswith(emulator.base_url):
                url = line.strip()
                break
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert params["client_key"] == EMULATOR_CLIENT_KEY
        assert params["code_challenge_method"] == "S256"
        assert len(params["code_challenge"]) == 64  # hex, as TikTok's desktop docs require
        assert params["redirect_uri"].startswith("http://127.0.0.1:")

        redirect_to = emulator.control(
            "POST", "/emulator/authorize",
            {**params, "user_id": user["user_id"], "approve": params["scope"].split(",")},
        )["redirect_to"]
        landing = httpx2.get(redirect_to)  # what the browser does after approval
        assert landing.status_code == 200 and "terminal" in landing.text

        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Logged in as Terminal Tess (@tess)" in out
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    saved = json.loads(credentials.read_text())
    assert saved["tokens"]["access_token"] not in out + err  # never printed

    runner = CliRunner()
    cli_env = {"LOGINKIT_CREDENTIALS_FILE": str(credentials)}
    whoami = runner.invoke(cli, ["whoami"], env=cli_env)
    assert whoami.exit_code == 0, whoami.output
    assert "Terminal Tess" in whoami.output

    refreshed = runner.invoke(cli, ["refresh"], env=cli_env)
    assert refreshed.exit_code == 0, refreshed.output
    rotated = json.loads(credentials.read_text())["tokens"]
    assert rotated["refresh_token"] != saved["tokens"]["refresh_token"]

    logout = runner.invoke(cli, ["logout"], env=cli_env)
    assert logout.exit_code == 0, logout.output
    assert not credentials.exists()
    dead = httpx2.get(f"{emulator.base_url}/v2/user/info/", params={"fields": "open_id"},
                      headers={"Authorization": f"Bearer {rotated['access_token']}"})
    assert dead.json()["error"]["code"] == "access_token_invalid"


def test_a_dead_refresh_token_under_200_errors_fails_in_one_line(
    live_emulator: EmulatorProcess, tmp_path: Path
) -> None:
    app = live_emulator.create_app()
    code, verifier = authorize_with_pkce(
        live_emulator, app, live_emulator.create_user(), ["user.info.basic"]
    )
    with TikTokClient(app["client_key"], app["client_secret"], base_url=live_emulator.base_url,
                      redirect_uri=app["redirect_uris"][0]) as client:
        tokens = client.exchange_code(code, code_verifier=verifier)
        client.refresh(tokens.refresh_token)  # rotates: the saved refresh token is now dead
    credentials = tmp_path / "credentials.json"
    FileCredentials(credentials).save(SavedLogin(live_emulator.base_url, app["client_key"], tokens))
    before = credentials.read_text()
    result = subprocess.run(
        [sys.executable, "-m", "loginkit.cli.login", "refresh"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "LOGINKIT_CREDENTIALS_FILE": str(credentials),
             "LOGINKIT_CLIENT_SECRET": app["client_secret"]},
    )
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: invalid_grant: ")
    assert credentials.read_text() == before  # the refusal was not saved as tokens


def test_login_times_out_clearly(emulator: EmulatorProcess, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["login", "--no-browser", "--base-url", emulator.base_url, "--timeout", "1"],
        env={"LOGINKIT_CREDENTIALS_FILE": str(tmp_path / "c.json")},
    )
    assert result.exit_code == 1
    assert "no login within 1 s" in result.output
    assert not (tmp_path / "c.json").exists()


def test_login_against_tiktok_needs_a_client_key() -> None:
    result = CliRunner().invoke(cli, ["login", "--no-browser"], env={"LOGINKIT_CLIENT_KEY": ""})
    assert result.exit_code == 2
    assert "--client-key is required" in result.output
