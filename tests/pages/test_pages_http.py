"""The pages and controls over plain HTTP: headers, CSRF, TikTok's error page, sandbox targets,
authorization.removed webhooks, fault injection, the request log, export and seed."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml

from loginkit.core.webhooks import SIGNATURE_HEADER, verify_signature
from loginkit.storage.secret_key import key_file_path
from tests.pages.authorize_client import SCOPES, Browser, authorize_query
from tests.pages.conftest import LoopbackApp
from tests.pages.portal_client import Portal, save_app_settings
from tests.support.emulator import EmulatorProcess, run_emulator


@pytest.fixture
def portal(emulator: EmulatorProcess) -> Iterator[Portal]:
    signed_in = Portal(emulator)
    yield signed_in
    signed_in.close()


# ---- headers, cookies, CSRF ---------------------------------------------------------------------


def test_pages_forbid_framing_and_send_a_csp_and_a_strict_cookie(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    page = httpx2.get(f"{emulator.base_url}/v2/auth/authorize/?{authorize_query(app)}")
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_a_decision_without_the_csrf_token_is_refused_and_not_redirected(
    emulator: EmulatorProcess,
) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    browser = Browser(emulator)
    fields = browser.log_in(authorize_query(app), user)
    forged = browser.decide(fields | {"csrf_token": "forged"})
    assert forged.status_code == 403
    assert "location" not in forged.headers
    assert 'id="param">csrf_token<' in forged.text
    browser.close()


# ---- TikTok's error page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "param", "explains"),
    [
        ({"client_key": "awnosuchapp00000"}, "client_key", "No app has client_key"),
        ({"redirect_uri": "https://other.example/cb"}, "redirect_uri", "Registered:"),
        ({"scope": "user.info.basic video.list"}, "scope", "separated by commas"),
        ({"scope": "video.publish"}, "scope", "Not enabled for this app"),
        (
            {"code_challenge": "too-short", "code_challenge_method": "S256"},
            "code_challenge",
            "SHA-256",
        ),
    ],
)
def test_misconfiguration_names_the_parameter_and_explains_without_redirecting(
    emulator: EmulatorProcess, override: dict[str, str], param: str, explains: str
) -> None:
    app = emulator.create_app()
    page = httpx2.get(f"{emulator.base_url}/v2/auth/authorize/?{authorize_query(app, **override)}")
    assert page.status_code == 400
    assert "location" not in page.headers
    assert "correct the following and try again" in page.text
    assert f'id="param">{param}<' in page.text
    assert explains in page.text


# ---- sandbox ------------------------------------------------------------------------------------


def test_a_sandbox_app_admits_only_its_target_users(
    emulator: EmulatorProcess, portal: Portal
) -> None:
    app = emulator.create_app()
    target, outsider = emulator.create_user(), emulator.create_user()
    saved = save_app_settings(portal, app, sandbox=True, targets=(target["user_id"],))
    assert saved.status_code == 303
    query = authorize_query(app)

    refused_browser = Browser(emulator)
    fields = refused_browser.ask(query)
    chosen = refused_browser.http.post(
        "/v2/auth/authorize/login", data=fields | {"user_id": outsider["user_id"]}
    )
    refused = refused_browser.http.get(chosen.headers["location"])
    assert refused.status_code == 400
    assert 'id="param">non_sandbox_target<' in refused.text
    refused_browser.close()

    admitted = Browser(emulator)
    admitted.log_in(query, target)
    admitted.close()


# ---- webhooks -----------------------------------------------------------------------------------


def _deliveries(emulator: EmulatorProcess, client_key: str, until: str) -> list[dict[str, Any]]:
    """The app's deliveries once the newest has reached ``until`` (bounded wait)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [
            d
            for d in emulator.control("GET", "/emulator/webhooks/deliveries")
            if d["client_key"] == client_key
        ]
        if found and found[0]["status"] == until:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no {until} delivery for {client_key}")


def _connected_user(
    emulator: EmulatorProcess, app: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    user = emulator.create_user()
    code = emulator.authorize(app, user, SCOPES.split(","))
    token = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        data={
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "code": code,
            "grant_type": "authorization_code",
            "redirect_uri": app["redirect_uris"][0],
            "code_verifier": emulator.code_verifier_for(code) or "",
        },
    ).json()
    return user, token


def test_disconnecting_in_manage_app_permissions_sends_a_signed_reason_1_and_retries(
    emulator: EmulatorProcess, portal: Portal, loopback_app: LoopbackApp
) -> None:
    app = emulator.create_app()
    user, token = _connected_user(emulator, app)
    save_app_settings(portal, app, webhook_url=f"{loopback_app.base_url}/webhook")
    loopback_app.webhook_failures = 1
    page = portal.http.get(f"/portal/users/{user['user_id']}")
    assert "Disconnect" in page.text

    portal.post(f"/portal/users/{user['user_id']}/apps/{app['client_key']}/disconnect")

    delivery = _deliveries(emulator, app["client_key"], "delivered")[0]
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 200]
    headers, body = loopback_app.webhooks[-1]
    event = json.loads(body)
    assert event["event"] == "authorization.removed"
    assert json.loads(event["content"]) == {"reason": 1}
    assert event["user_openid"] == token["open_id"]
    secret = re.search(
        r"Webhook signing secret <code[^>]*>([0-9a-f]+)<",
        portal.http.get(f"/portal/apps/{app['client_key']}").text,
    )
    assert secret and verify_signature(secret.group(1), body, headers[SIGNATURE_HEADER])
    user_info = httpx2.get(
        f"{emulator.base_url}/v2/user/info/?fields=open_id",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert user_info.json()["error"]["code"] == "access_token_invalid"


def test_revoking_through_the_api_sends_reason_5(
    emulator: EmulatorProcess, portal: Portal, loopback_app: LoopbackApp
) -> None:
    app = emulator.create_app()
    _user, token = _connected_user(emulator, app)
    save_app_settings(portal, app, webhook_url=f"{loopback_app.base_url}/webhook")
    revoked = httpx2.post(
        f"{emulator.base_url}/v2/oauth/revoke/",
        data={
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "token": token["access_token"],
        },
    )
    assert revoked.json() == {}
    _deliveries(emulator, app["client_key"], "delivered")
    event = json.loads(loopback_app.webhooks[-1][1])
    assert json.loads(event["content"]) == {"reason": 5}
    shown = portal.http.get("/portal/webhooks").text
    assert app["client_key"] in shown and '<span class="badge ok">delivered</span>' in shown


# ---- faults, request log ------------------------------------------------------------------------


def test_injected_faults_hit_the_next_n_calls_in_the_endpoints_shape(
    fresh_emulator: EmulatorProcess,
) -> None:
    emulator = fresh_emulator
    app = emulator.create_app()
    armed = emulator.control(
        "POST",
        "/emulator/faults",
        {"endpoint": "/v2/oauth/token", "count": 2, "error": "temporarily_unavailable"},
    )
    assert armed["endpoint"] == "/v2/oauth/token" and armed["remaining"] == 2
    form = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "grant_type": "client_credentials",
    }
    answers = [httpx2.post(f"{emulator.base_url}/v2/oauth/token/", data=form) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].json()["error"] == "temporarily_unavailable"
    assert set(answers[0].json()) == {"error", "error_description", "log_id"}

    emulator.control("POST", "/emulator/faults", {"endpoint": "/v2/user/info/", "status": 429})
    limited = httpx2.get(
        f"{emulator.base_url}/v2/user/info/?fields=open_id",
        headers={"Authorization": "Bearer act.x"},
    )
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"
    assert limited.json()["data"] == {}

    log = emulator.control("GET", "/emulator/requests?path=/v2/oauth/token/")
    assert [e["outcome"] for e in log[:3]] == [
        "ok",
        "temporarily_unavailable",
        "temporarily_unavailable",
    ]
    assert all(e["log_id"] for e in log)


def test_faults_are_listed_cleared_and_validated(emulator: EmulatorProcess) -> None:
    bad = emulator.http.post("/emulator/faults", json={"endpoint": "/v2/oauth/revoke/"})
    assert bad.status_code == 400
    assert "at least one" in bad.json()["error_description"]
    emulator.control("POST", "/emulator/faults", {"endpoint": "/v2/oauth/revoke/", "latency_ms": 5})
    assert [f["endpoint"] for f in emulator.control("GET", "/emulator/faults")] == [
        "/v2/oauth/revoke"
    ]
    emulator.control("DELETE", "/emulator/faults")
    assert emulator.control("GET", "/emulator/faults") == []


# ---- portal access, controls --------------------------------------------------------------------


def test_the_portal_needs_the_admin_token(emulator: EmulatorProcess) -> None:
    anonymous = httpx2.get(f"{emulator.base_url}/portal/requests.json")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/portal/login")


def test_advancing_the_clock_from_the_portal_expires_tokens(
    fresh_emulator: EmulatorProcess,
) -> None:
    emulator = fresh_emulator
    app = emulator.create_app()
    _user, token = _connected_user(emulator, app)
    portal = Portal(emulator)
    try:
        assert portal.post("/portal/controls/clock", seconds="86401").status_code == 303
    finally:
        portal.close()
    expired = httpx2.get(
        f"{emulator.base_url}/v2/user/info/?fields=open_id",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert expired.json()["error"]["code"] == "access_token_invalid"


# ---- export and seed ----------------------------------------------------------------------------


def test_an_export_loaded_with_serve_seed_keeps_apps_users_grants_and_tokens(
    fresh_emulator: EmulatorProcess, tmp_path: Path
) -> None:
    app = fresh_emulator.create_app(name="Exported")
    user, token = _connected_user(fresh_emulator, app)
    state = fresh_emulator.control("GET", "/emulator/export")
    exported = next(a for a in state["apps"] if a["client_key"] == app["client_key"])
    assert "client_secret" not in exported  # created outside the portal: only the hash is known
    assert exported["client_secret_hash"] and token["access_token"] not in json.dumps(state)
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump(state))
    # A client secret's keyed hash verifies only under the key it was made with.
    key_file = key_file_path(fresh_emulator.database_url)
    assert key_file is not None
    same_key = {"LOGINKIT_SECRET_KEY": key_file.read_text().strip()}
    with run_emulator(tmp_path, "--seed", str(seed), "--no-demo", env=same_key) as restored:
        info = httpx2.get(
            f"{restored.base_url}/v2/user/info/?fields=display_name",
            headers={"Authorization": f"Bearer {token['access_token']}"},
        ).json()
        assert info["data"]["user"]["display_name"] == user["display_name"]
        refreshed = httpx2.post(
            f"{restored.base_url}/v2/oauth/token/",
            data={
                "client_key": app["client_key"],
                "client_secret": app["client_secret"],
                "grant_type": "refresh_token",
                "refresh_token": token["refresh_token"],
            },
        ).json()
        assert refreshed["scope"] == SCOPES
        again = restored.control("GET", "/emulator/export")
        assert [g["username"] for g in again["grants"]] == [user["username"]]
        assert {u["username"] for u in again["users"]} == {u["username"] for u in state["users"]}
