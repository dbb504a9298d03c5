"""The authorize experience in a real browser: an app starts the login, a test user logs in,
consents with an optional scope switched off, and the app's callback gets a code worth exactly
the scopes left on."""

from __future__ import annotations

import secrets
from typing import Any

import httpx2
import pytest

from tests.pages.conftest import LoopbackApp, Tab, screenshot
from tests.support.emulator import EmulatorProcess

pytestmark = pytest.mark.browser

REQUESTED = "user.info.basic,user.info.profile,user.info.stats"


def _setup(emulator: EmulatorProcess, loopback_app: LoopbackApp) -> dict[str, Any]:
    app = emulator.create_app(
        name="Recipe Box",
        redirect_uris=[loopback_app.redirect_uri],
        scopes=REQUESTED.split(","),
    )
    loopback_app.client_key = app["client_key"]
    loopback_app.scope = REQUESTED
    return app


def _exchange(
    emulator: EmulatorProcess, app: dict[str, Any], code: str, loopback: LoopbackApp
) -> Any:
    return httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        data={
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "code": code,
            "grant_type": "authorization_code",
            "redirect_uri": loopback.redirect_uri,
            "code_verifier": loopback.code_verifier,
        },
    ).json()


def test_consent_with_one_scope_off_grants_exactly_the_others(
    emulator: EmulatorProcess, loopback_app: LoopbackApp, tab: Tab
) -> None:
    app = _setup(emulator, loopback_app)
    user = emulator.create_user(
        username=f"paula.{secrets.token_hex(3)}", display_name="Paula Wright"
    )
    page = tab.page
    page.goto(loopback_app.base_url + "/")
    page.click("#start")
    page.wait_for_selector("text=Log in to TikTok")
    screenshot(tab, "login")

    page.click(f"button[data-username='{user['username']}']")
    page.wait_for_selector("text=Recipe Box would like to access your TikTok account")
    assert page.text_content("#signed-in-as") == f"@{user['username']}"
    assert page.locator("input[name='scope:user.info.basic']").count() == 0  # required
    page.uncheck("input[name='scope:user.info.stats']")
    screenshot(tab, "consent")
    page.click("button[value=authorize]")
    page.wait_for_selector("#done")

    callback = loopback_app.callbacks[-1]
    assert callback["scopes"] == "user.info.basic,user.info.profile"
    assert callback["state"] == loopback_app.state
    token = _exchange(emulator, app, callback["code"], loopback_app)
    assert token["scope"] == "user.info.basic,user.info.profile"
    stats = httpx2.get(
        f"{emulator.base_url}/v2/user/info/?fields=open_id,follower_count",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert stats.json()["error"]["code"] == "scope_not_authorized"
    assert tab.console_errors == []


def test_cancel_sends_access_denied_with_the_state(
    emulator: EmulatorProcess, loopback_app: LoopbackApp, tab: Tab
) -> None:
    _setup(emulator, loopback_app)
    user = emulator.create_user(username=f"quinn.{secrets.token_hex(3)}")
    page = tab.page
    page.goto(loopback_app.authorize_url())
    page.click(f"button[data-username='{user['username']}']")
    page.click("button[value=cancel]")
    page.wait_for_selector("#done")
    callback = loopback_app.callbacks[-1]
    assert callback["error"] == "access_denied"
    assert callback["state"] == loopback_app.state
    assert "code" not in callback
    assert tab.console_errors == []


def test_sign_up_on_the_spot_then_consent_on_a_phone(
    emulator: EmulatorProcess, loopback_app: LoopbackApp, phone_tab: Tab
) -> None:
    _setup(emulator, loopback_app)
    username = f"rio.{secrets.token_hex(3)}"
    page = phone_tab.page
    page.goto(loopback_app.authorize_url())
    page.click("summary")
    page.fill("#username", username)
    page.fill("#display_name", "Rio Tanaka")
    page.fill("#avatar_initials", "RT")
    page.click("text=Sign up and continue")
    page.wait_for_selector("button[value=authorize]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the consent page scrolls sideways on a phone ({width}px)"
    screenshot(phone_tab, "consent-phone")
    page.click("button[value=authorize]")
    page.wait_for_selector("#done")
    assert loopback_app.callbacks[-1]["scopes"] == REQUESTED
    users = emulator.control("GET", "/emulator/users")
    assert any(u["username"] == username and u["display_name"] == "Rio Tanaka" for u in users)
    assert phone_tab.console_errors == []


def test_a_misconfigured_request_shows_tiktoks_page_and_never_redirects(
    emulator: EmulatorProcess, loopback_app: LoopbackApp, tab: Tab
) -> None:
    _setup(emulator, loopback_app)
    page = tab.page
    response = page.goto(loopback_app.authorize_url(redirect_uri="https://evil.example/cb"))
    assert response is not None and response.status == 400
    assert page.url.startswith(emulator.base_url)
    assert page.text_content("#param") == "redirect_uri"
    assert loopback_app.redirect_uri in (page.text_content("#detail") or "")
    screenshot(tab, "authorize-error")
    # A 400 page is logged by chromium as a failed resource load; nothing else may be.
    assert [e for e in tab.console_errors if "status of 400" not in e] == []
