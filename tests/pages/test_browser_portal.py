"""The developer portal in a real browser: signing in with the admin token, a broken redirect
URI answered with the rule it breaks, and a rotated secret that stops working at once."""

from __future__ import annotations

import secrets

import httpx2
import pytest

from tests.pages.conftest import Tab, screenshot
from tests.support.emulator import EmulatorProcess

pytestmark = pytest.mark.browser


def _sign_in(emulator: EmulatorProcess, tab: Tab, path: str = "/portal/apps") -> None:
    page = tab.page
    page.goto(emulator.base_url + path)
    assert "/portal/login" in page.url
    page.fill("#admin_token", emulator.admin_token)
    page.click("button[type=submit]")
    page.wait_for_url(emulator.base_url + path)


def _client_credentials(emulator: EmulatorProcess, client_key: str, secret: str) -> httpx2.Response:
    return httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        data={
            "client_key": client_key,
            "client_secret": secret,
            "grant_type": "client_credentials",
        },
    )


def test_a_wrong_admin_token_is_refused(emulator: EmulatorProcess, tab: Tab) -> None:
    page = tab.page
    page.goto(emulator.base_url + "/portal/apps")
    page.fill("#admin_token", "not-the-token")
    page.click("button[type=submit]")
    page.wait_for_selector("text=That is not the admin token")
    assert "/portal/login" in page.url


def test_creating_an_app_with_a_broken_redirect_uri_names_each_broken_rule(
    emulator: EmulatorProcess, tab: Tab
) -> None:
    _sign_in(emulator, tab)
    page = tab.page
    form = page.locator("#create-app")
    form.locator("#name").fill("Broken Redirects")
    form.locator("#redirect_uris").fill(
        "http://shop.example.com/callback\n"
        "https://shop.example.com/callback?from=tiktok\n"
        "https://shop.example.com/callback#top"
    )
    form.locator("button[type=submit]").click()
    errors = page.locator(".errors").inner_text()
    assert "must be absolute and begin with https" in errors
    assert "must be static; parameters are denied" in errors
    assert "must not include a fragment" in errors
    screenshot(tab, "portal-app-errors")
    form.locator("#redirect_uris").fill("https://shop.example.com/tiktok/callback/")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=App created")
    assert page.text_content("h1") == "Broken Redirects"
    assert tab.console_errors == []


def test_rotating_the_secret_refuses_the_old_one_at_the_token_endpoint(
    emulator: EmulatorProcess, tab: Tab
) -> None:
    app = emulator.create_app(name=f"Rotation {secrets.token_hex(2)}")
    old = app["client_secret"]
    assert _client_credentials(emulator, app["client_key"], old).status_code == 200
    _sign_in(emulator, tab, f"/portal/apps/{app['client_key']}")
    page = tab.page
    page.click("text=Rotate secret")
    page.wait_for_selector("#client-secret")
    new = page.text_content("#client-secret") or ""
    screenshot(tab, "portal-app")
    assert new and new != old
    refused = _client_credentials(emulator, app["client_key"], old)
    assert refused.json()["error"] == "invalid_client"
    assert _client_credentials(emulator, app["client_key"], new).status_code == 200
    assert tab.console_errors == []


def test_portal_pages_render_without_console_errors(
    fresh_emulator: EmulatorProcess, tab: Tab
) -> None:
    emulator = fresh_emulator  # an emulator of its own, so the screenshots show only this
    app = emulator.create_app(name="Recipe Box")
    user = emulator.control("GET", "/emulator/users")[2]  # carla.cooks, a seeded persona
    code = emulator.authorize(app, user, ["user.info.basic", "user.info.profile"])
    httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        data={
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "code": code,
            "grant_type": "authorization_code",
            "redirect_uri": app["redirect_uris"][0],
        },
    )
    _sign_in(emulator, tab)
    screenshot(tab, "portal-apps")
    for path, name in (
        ("/portal/users", "portal-users"),
        (f"/portal/users/{user['user_id']}", "portal-user"),
        ("/portal/grants", "portal-grants"),
        ("/portal/requests", "portal-requests"),
        ("/portal/webhooks", None),
        ("/portal/controls", "portal-controls"),
    ):
        tab.page.goto(emulator.base_url + path)
        tab.page.wait_for_selector("h1")
        if name:
            screenshot(tab, name)
    tab.page.goto(emulator.base_url + "/portal/grants")
    assert "Recipe Box" in tab.page.inner_text("table")
    assert tab.console_errors == []
