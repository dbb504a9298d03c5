"""Pending authorizations in a real browser: going back after a decision cannot mint a second
code, a form on another origin cannot decide for the user, and a returning user skips consent."""

from __future__ import annotations

import secrets
from html import escape
from typing import Any

import pytest

from tests.pages.conftest import LoopbackApp, Tab
from tests.support.emulator import EmulatorProcess

pytestmark = pytest.mark.browser

REQUESTED = "user.info.basic,user.info.profile"


def _consent(emulator: EmulatorProcess, loopback_app: LoopbackApp, tab: Tab) -> dict[str, Any]:
    """Start the login from the app and pick a fresh user: the consent page is shown."""
    app = emulator.create_app(
        redirect_uris=[loopback_app.redirect_uri], scopes=REQUESTED.split(",")
    )
    loopback_app.client_key, loopback_app.scope = app["client_key"], REQUESTED
    user = emulator.create_user(username=f"sam.{secrets.token_hex(3)}")
    tab.page.goto(loopback_app.base_url + "/")
    tab.page.click("#start")
    tab.page.click(f"button[data-username='{user['username']}']")
    tab.page.wait_for_selector("button[value=authorize]")
    return app


def test_going_back_after_authorizing_shows_the_error_page_and_no_second_code(
    emulator: EmulatorProcess, loopback_app: LoopbackApp, tab: Tab
) -> None:
    _consent(emulator, loopback_app, tab)
    page = tab.page
    page.click("button[value=authorize]")
    page.wait_for_selector("#done")
    assert len(loopback_app.callbacks) == 1

    page.go_back()  # the consent page is not cached: the browser asks again, and is refused
    page.wait_for_selector("#param")
    assert page.text_content("#param") == "authorization_request"
    assert "already decided" in (page.text_content("#detail") or "")
    assert page.locator("button[value=authorize]").count() == 0
    assert len(loopback_app.callbacks) == 1


def test_a_form_on_another_origin_cannot_decide_for_the_user(
    emulator: EmulatorProcess, loopback_app: LoopbackApp, tab: Tab
) -> None:
    _consent(emulator, loopback_app, tab)
    page = tab.page
    fields = {
        name: page.get_attribute(f"form[action$='decision'] input[name='{name}']", "value") or ""
        for name in ("csrf_token", "pending_id")
    }
    # Same site (127.0.0.1), another port: the SameSite=Lax cookie goes along, Origin differs.
    hidden = "".join(
        f'<input type="hidden" name="{n}" value="{escape(v)}">' for n, v in fields.items()
    )
    loopback_app.pages["/win-a-prize"] = (
        f'<form method="post" action="{emulator.base_url}/v2/auth/authorize/decision">{hidden}'
        '<input type="hidden" name="decision" value="authorize">'
        '<button id="claim" type="submit">Claim your prize</button></form>'
    )
    page.goto(loopback_app.base_url + "/win-a-prize")
    with page.expect_response(lambda r: r.url.endswith("/decision")) as answer:
        page.click("#claim")
    assert answer.value.status == 403
    assert page.text_content("#param") == "Origin"
    assert loopback_app.callbacks == []

    # The user's own tab still decides it.
    page.go_back()
    page.go_back()
    page.wait_for_selector("button[value=authorize]")
    page.click("button[value=authorize]")
    page.wait_for_selector("#done")
    assert loopback_app.callbacks[-1]["scopes"] == REQUESTED


def test_a_returning_user_goes_straight_back_without_the_consent_page(
    emulator: EmulatorProcess, loopback_app: LoopbackApp, tab: Tab
) -> None:
    _consent(emulator, loopback_app, tab)
    page = tab.page
    page.click("button[value=authorize]")
    page.wait_for_selector("#done")

    seen: list[str] = []
    page.on("response", lambda r: seen.append(r.url))
    page.goto(loopback_app.base_url + "/")
    page.click("#start")
    page.wait_for_selector("#done")
    assert len(loopback_app.callbacks) == 2
    assert loopback_app.callbacks[1]["code"] != loopback_app.callbacks[0]["code"]
    assert not any("/continue" in url for url in seen)  # no login, no consent page
    assert tab.console_errors == []
