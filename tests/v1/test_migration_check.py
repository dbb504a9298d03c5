"""The migration checker over HTTP and through ``loginkit migrate check``; v1 redirect domains."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
from click.testing import CliRunner

from loginkit.cli.migrate import migrate
from tests.server.helpers import refresh
from tests.support.emulator import EmulatorProcess, run_emulator
from tests.v1.v1 import EOL, SCOPES, move_clock_to, v1_authorize, v1_exchange, v1_refresh

FROZEN = 1686528000
"""2023-06-12T00:00:00Z: web apps can no longer add or modify redirect domains."""


def findings(emulator: EmulatorProcess, app: dict[str, Any]) -> list[str]:
    report = emulator.control("GET", f"/emulator/apps/{app['client_key']}/migration?days=7")
    return [f["code"] for f in report["findings"]]


def run_check(emulator: EmulatorProcess, app: dict[str, Any], *extra: str) -> Any:
    args = ["check", "--app", app["client_key"], "--base-url", emulator.base_url]
    return CliRunner().invoke(migrate, [*args, "--admin-token", emulator.admin_token, *extra])


def test_a_v1_web_app_is_told_what_is_left(fresh_emulator: EmulatorProcess) -> None:
    emulator = fresh_emulator
    move_clock_to(emulator, FROZEN - 3600)
    app = emulator.create_app(redirect_uris=[], redirect_domains=["example.com"])
    assert app["redirect_domains"] == ["example.com"]
    assert findings(emulator, app) == ["no_redirect_uri"]

    user = emulator.create_user()
    body = {
        "user_id": user["user_id"],
        "approve": SCOPES,
        "client_key": app["client_key"],
        "redirect_uri": "https://dev.example.com/auth/callback/?id=1",  # v1 allowed parameters
        "scope": ",".join(SCOPES),
        "response_type": "code",
    }
    redirect_to = emulator.control("POST", "/emulator/v1/authorize", body)["redirect_to"]
    assert redirect_to.startswith("https://dev.example.com/auth/callback/?id=1&code=")
    off_domain = emulator.http.post(
        "/emulator/v1/authorize", json=body | {"redirect_uri": "https://example.org/cb/"}
    )
    assert off_domain.status_code == 400 and "redirect domain" in off_domain.text

    tokens = v1_exchange(emulator, app, code_of(redirect_to))["data"]
    assert refresh(emulator, app, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert findings(emulator, app) == ["no_redirect_uri", "v1_calls", "mixed_token_use"]

    result = run_check(emulator, app)
    assert result.exit_code == 1
    # `migrate check` is `loginkit check`: the v1 calls are its v1_endpoint_called finding.
    assert "[no_redirect_uri]" in result.output and "[v1_endpoint_called]" in result.output
    report = json.loads(run_check(emulator, app, "--json").output)
    ids = {f["id"] for f in report["findings"]}
    assert ids == {"no_redirect_uri", "v1_endpoint_called", "mixed_token_use"}


def code_of(redirect_to: str) -> str:
    return parse_qs(urlsplit(redirect_to).query)["code"][0]


def test_a_migrated_web_app_has_nothing_left(fresh_emulator: EmulatorProcess) -> None:
    app = fresh_emulator.create_app()
    result = run_check(fresh_emulator, app)
    assert result.exit_code == 0 and "ready for TikTok" in result.output


def test_mobile_apps_may_keep_v1_but_not_mix(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(platform="android")
    tokens = v1_exchange(emulator, app, v1_authorize(emulator, app, emulator.create_user()))
    assert findings(emulator, app) == []
    v1_refresh(emulator, app, "rft.not-a-v1-token")
    assert findings(emulator, app) == []
    refresh(emulator, app, tokens["data"]["refresh_token"])
    assert findings(emulator, app) == ["mixed_token_use"]


def test_web_redirect_domains_are_frozen_from_2023_06_12(fresh_emulator: EmulatorProcess) -> None:
    emulator = fresh_emulator
    refused = emulator.http.post(
        "/emulator/apps",
        json={"name": "v1", "redirect_uris": [], "redirect_domains": ["example.com"]},
    )
    assert refused.status_code == 400 and "2023-06-12" in refused.text
    mobile = emulator.create_app(platform="ios", redirect_domains=["example.com"])
    assert mobile["redirect_domains"] == ["example.com"]

    move_clock_to(emulator, FROZEN - 3600)
    web = emulator.create_app(redirect_domains=["example.com"])
    move_clock_to(emulator, FROZEN)
    path = f"/emulator/apps/{web['client_key']}/redirect-domains"
    added = emulator.http.put(path, json={"redirect_domains": ["example.com", "example.org"]})
    assert added.status_code == 400 and "no longer add or modify" in added.text
    removed = emulator.control("PUT", path, {"redirect_domains": []})
    assert removed["redirect_domains"] == []
    bad = emulator.http.put(
        f"/emulator/apps/{mobile['client_key']}/redirect-domains",
        json={"redirect_domains": ["https://example.com/"]},
    )
    assert bad.status_code == 400 and "host name" in bad.text


def test_v1_authorize_page_names_the_end_of_life(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    page = httpx2.get(
        f"{emulator.base_url}/auth/authorize/", params={"client_key": app["client_key"]}
    )
    assert page.status_code == 400 and "2024-02-29" in page.text
    assert emulator.control("GET", "/emulator/clock")["now"] > EOL


def test_the_demo_apps_loopback_redirect_uri_is_not_a_problem(tmp_path: Path) -> None:
    """``make run``'s demo app registers ``http://127.0.0.1:PORT/demo/callback``: fine for local
    development, so only ``--strict`` (TikTok's production rules) reports it."""
    demo = {"client_key": "awloginkitdemo01"}
    with run_emulator(tmp_path) as relaxed:
        assert "invalid_redirect_uri" not in findings(relaxed, demo)
    with run_emulator(tmp_path, "--strict") as strict:
        assert "invalid_redirect_uri" in findings(strict, demo)
