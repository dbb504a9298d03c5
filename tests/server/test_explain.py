"""Why was this refused? ``GET /emulator/requests/{log_id}``, ``loginkit explain`` and masking."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx2
import pytest

from loginkit.core.masking import mask
from tests.pages.portal_client import Portal
from tests.server.app_traffic import (
    authorize_page,
    authorize_query,
    correct_app_session,
    minted_code,
    pkce_pair,
)
from tests.server.helpers import exchange
from tests.support.emulator import EmulatorProcess
from tests.v1.v1 import v1_exchange

REGISTERED = "https://app.example.com/callback/"


def explain(
    emulator: EmulatorProcess, log_id: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "loginkit", "explain", log_id, *extra]
    control = ["--base-url", emulator.base_url, "--admin-token", emulator.admin_token]
    return subprocess.run(
        [*command, *control], capture_output=True, text=True, timeout=60, check=False
    )


def record(emulator: EmulatorProcess, log_id: str) -> dict[str, Any]:
    found: dict[str, Any] = emulator.control("GET", f"/emulator/requests/{log_id}")
    return found


def test_a_refused_exchange_names_the_parameter_both_values_and_the_fix(
    emulator: EmulatorProcess,
) -> None:
    app = emulator.create_app(redirect_uris=[REGISTERED])
    code, verifier = minted_code(emulator, app)
    answer = exchange(
        emulator, app, code, code_verifier=verifier, redirect_uri=REGISTERED.rstrip("/")
    ).json()
    found = record(emulator, answer["log_id"])
    assert found["log_id"] == answer["log_id"]
    assert found["endpoint"] == "/v2/oauth/token/" and found["method"] == "POST"
    assert found["error"] == "invalid_request" and found["client_key"] == app["client_key"]
    assert found["rule"] == "redirect_uri.mismatch"
    assert found["explanation"] == (
        "redirect_uri `https://app.example.com/callback` differs from the one used at "
        "authorize, `https://app.example.com/callback/` (trailing slash); TikTok requires the "
        "same value at both steps."
    )
    assert found["params"]["redirect_uri"] == REGISTERED.rstrip("/")
    assert found["params"]["code"] == mask(code) and found["params"]["grant_type"]

    printed = explain(emulator, answer["log_id"])
    assert printed.returncode == 0, printed.stderr
    assert "rule: redirect_uri.mismatch" in printed.stdout
    assert "redirect_uri `https://app.example.com/callback` differs" in printed.stdout
    assert json.loads(explain(emulator, answer["log_id"], "--json").stdout) == found


def test_an_authorize_error_page_is_recorded_with_its_rule(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(redirect_uris=[REGISTERED])
    _verifier, challenge = pkce_pair()
    query = authorize_query(
        app,
        state="s",
        redirect_uri="https://app.example.com/callback",
        code_challenge=challenge,
        code_challenge_method="S256",
    )
    page = authorize_page(emulator, query)
    assert page.status_code == 400
    found = record(emulator, page.headers["x-tt-logid"])
    assert found["endpoint"] == "/v2/auth/authorize/" and found["status"] == 400
    assert found["rule"] == "redirect_uri.not_registered" and found["error"] is not None
    assert (
        "closest is `https://app.example.com/callback/` (trailing slash)" in (found["explanation"])
    )


def test_a_refused_client_authentication_says_which_part_failed(
    emulator: EmulatorProcess,
) -> None:
    app = emulator.create_app()
    wrong = "wrong-secret-" + "x" * 20
    answer = exchange(emulator, app, "c", client_secret=wrong).json()
    found = record(emulator, answer["log_id"])
    assert found["rule"] == "client.secret_mismatch" and "client_secret" in found["explanation"]
    assert wrong not in json.dumps(found)


def test_an_unknown_log_id_is_404_and_explain_says_so_in_one_line(
    emulator: EmulatorProcess,
) -> None:
    assert emulator.http.get("/emulator/requests/20990101000000ABCDEF").status_code == 404
    unauthenticated = emulator.http.get(
        "/emulator/requests/x", headers={"Authorization": "Bearer wrong"}
    )
    assert unauthenticated.status_code == 401
    printed = explain(emulator, "20990101000000ABCDEF")
    assert printed.returncode == 1 and "Traceback" not in printed.stderr
    assert printed.stderr.strip().count("\n") == 0 and "No request with log_id" in printed.stderr


# ---- masking ------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 3, 4, 8, 28, 43, 72, 230])
def test_mask_never_shows_a_value_whole(length: int) -> None:
    value = ("act.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" * 7)[:length]
    masked = mask(value)
    assert masked.endswith("…") and value not in masked
    assert len(masked) - 1 <= min(7, length // 4)


def test_mask_keeps_a_short_prefix_to_tell_tokens_apart() -> None:
    assert mask("act." + "AbCdEf1234" * 6 + "!6509.va") == "act.AbC…"
    assert mask("") == ""


def test_no_secret_code_token_or_verifier_is_recorded_in_full(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    login = correct_app_session(emulator, app, emulator.create_user())
    replayed = exchange(emulator, app, login.code, code_verifier=login.verifier).json()
    code, _verifier = minted_code(emulator, app)
    wrong_verifier = pkce_pair()[0]
    refused = exchange(emulator, app, code, code_verifier=wrong_verifier).json()
    assert replayed["error"] and refused["error"]
    secrets = [
        app["client_secret"],
        login.code,
        login.verifier,
        code,
        wrong_verifier,
        login.tokens["access_token"],
        login.tokens["refresh_token"],
    ]
    listed = emulator.http.get("/emulator/requests", params={"client_key": app["client_key"]})
    entries = listed.json()
    assert len(entries) >= 8
    texts = [listed.text, *(json.dumps(record(emulator, e["log_id"])) for e in entries)]
    texts += [explain(emulator, refused["log_id"]).stdout]
    portal = Portal(emulator)
    texts += [portal.http.get(f"/portal/requests/{e['log_id']}").text for e in entries]
    texts += [portal.http.get("/portal/requests.json").text]
    texts += [portal.http.get(f"/portal/apps/{app['client_key']}").text]
    portal.close()
    for text in texts:
        for secret in secrets:
            assert secret not in text
            assert json.dumps(secret)[1:-1] not in text  # nor JSON-escaped
    assert record(emulator, refused["log_id"])["rule"] == "pkce.verifier_mismatch"
    assert record(emulator, replayed["log_id"])["rule"] == "code.reused"


def test_v1_calls_and_v1_pages_are_recorded_with_their_rule(emulator: EmulatorProcess) -> None:
    app = emulator.create_app(redirect_uris=[REGISTERED])
    page = httpx2.get(
        f"{emulator.base_url}/auth/authorize/",
        params={
            "client_key": app["client_key"],
            "redirect_uri": REGISTERED,
            "scope": "user.info.basic",
            "response_type": "code",
        },
        timeout=10,
    )
    assert page.status_code == 400
    found = record(emulator, page.headers["x-tt-logid"])
    assert found["endpoint"] == "/auth/authorize/" and found["rule"] == "v1.end_of_life"
    assert "api.v1" in found["observations"]
    v1_exchange(emulator, app, "not-a-code")
    [logged] = emulator.control(
        "GET", f"/emulator/requests?path=/oauth/access_token/&client_key={app['client_key']}"
    )
    found = record(emulator, logged["log_id"])
    assert found["endpoint"] == "/oauth/access_token/" and found["rule"] == "v1.end_of_life"
    assert found["params"]["client_secret"] == mask(app["client_secret"])
