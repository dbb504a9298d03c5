"""Schemathesis against a live emulator, driven by the shipped OpenAPI documents.

Bounded and derandomized: a few examples per operation, the same ones on every run. Checks: no
5xx, and status, media type, headers and body conform to the documents. Requests carry a real
app's credentials (token endpoints) or a real access token with every user scope (user info),
so the cases reach past client authentication into TikTok's grant and field rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from loginkit.specs import specs_dir
from tests.support.emulator import EmulatorProcess, run_emulator

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SCOPES = ["user.info.basic", "user.info.profile", "user.info.stats"]
BOUNDED = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

login_kit = schemathesis.openapi.from_path(specs_dir() / "openapi" / "tiktok-login-kit-openapi.yml")
display = schemathesis.openapi.from_path(specs_dir() / "openapi" / "tiktok-display-openapi.yml")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """An emulator of its own (rate limits off: these tests send many requests quickly)."""
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    limits = [
        "--rate-limit-token",
        "off",
        "--rate-limit-user-info",
        "off",
        "--rate-limit-revoke",
        "off",
    ]
    with run_emulator(folder, *limits, "--auth-failures-per-minute", "100000") as emulator:
        app = emulator.create_app()
        code = emulator.authorize(app, emulator.create_user(follower_count=5), SCOPES)
        tokens = emulator.http.post(
            "/v2/oauth/token/",
            data={
                "client_key": app["client_key"],
                "client_secret": app["client_secret"],
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": app["redirect_uris"][0],
                "code_verifier": emulator.code_verifier_for(code) or "",
            },
            headers={"Authorization": ""},
        ).json()
        yield {"emulator": emulator, "app": app, "access_token": tokens["access_token"]}


@login_kit.parametrize()
@BOUNDED
def test_login_kit_conforms(case: schemathesis.Case[Any], live: dict[str, Any]) -> None:
    emulator: EmulatorProcess = live["emulator"]
    if isinstance(case.body, dict) and "client_key" in case.body:
        case.body = case.body | {
            "client_key": live["app"]["client_key"],
            "client_secret": live["app"]["client_secret"],
        }
    case.call_and_validate(base_url=emulator.base_url, checks=CHECKS)


@display.parametrize()
@BOUNDED
def test_display_api_conforms(case: schemathesis.Case[Any], live: dict[str, Any]) -> None:
    emulator: EmulatorProcess = live["emulator"]
    headers = {"Authorization": f"Bearer {live['access_token']}"}
    case.call_and_validate(base_url=emulator.base_url, headers=headers, checks=CHECKS)
