"""Why was this refused, and will this app work on TikTok — in a real browser: TikTok's error
page links to the explanation, the request log links each row to it, and the app page shows the
readiness report."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.pages.conftest import SCREENSHOTS, Tab, screenshot
from tests.server.app_traffic import (
    authorize_page,
    authorize_query,
    correct_app_session,
    minted_code,
    tokens_of,
)
from tests.server.helpers import exchange, refresh
from tests.support.emulator import EmulatorProcess

pytestmark = pytest.mark.browser

REGISTERED = "https://shop.example.com/callback/"


def _sign_in_at(emulator: EmulatorProcess, tab: Tab, url: str) -> None:
    """Sign in to the portal, then open ``url``."""
    page = tab.page
    page.goto(f"{emulator.base_url}/portal/login")
    page.fill("#admin_token", emulator.admin_token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{emulator.base_url}/portal/apps")
    page.goto(url)


def _flawed_app_traffic(emulator: EmulatorProcess, app: dict[str, Any]) -> list[str]:
    """An app built from generic OAuth habits; returns the log_ids of its refused requests."""
    authorize_page(emulator, authorize_query(app))  # no PKCE, no state
    json_body = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        json={"client_key": app["client_key"], "grant_type": "authorization_code"},
        timeout=10,
    ).json()
    code, verifier = minted_code(emulator, app)
    mismatch = exchange(
        emulator, app, code, code_verifier=verifier, redirect_uri=REGISTERED.rstrip("/")
    ).json()
    tokens = tokens_of(emulator, app)
    refresh(emulator, app, tokens["refresh_token"])
    reused = refresh(emulator, app, tokens["refresh_token"]).json()
    return [json_body["log_id"], mismatch["log_id"], reused["log_id"]]


def test_tiktoks_error_page_carries_the_log_id_and_links_to_the_explanation(
    emulator: EmulatorProcess, tab: Tab
) -> None:
    app = emulator.create_app(name="Shop", redirect_uris=[REGISTERED])
    page = tab.page
    query = authorize_query(app, state="s", redirect_uri=REGISTERED.rstrip("/"))
    page.goto(f"{emulator.base_url}/v2/auth/authorize/?{query}")
    assert page.locator("#param").inner_text() == "redirect_uri"
    log_id = page.locator("#log-id").inner_text()
    page.click("#explain-link")
    page.fill("#admin_token", emulator.admin_token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{emulator.base_url}/portal/requests/{log_id}")
    assert page.locator("#rule").inner_text() == "redirect_uri.not_registered"
    why = page.locator("#why").inner_text()
    assert f"redirect_uri `{REGISTERED.rstrip('/')}` is not registered" in why
    assert "(trailing slash)" in why
    screenshot(tab, "request-explanation")


def test_the_request_log_links_each_row_to_its_explanation(
    emulator: EmulatorProcess, tab: Tab
) -> None:
    app = emulator.create_app(name="Shop", redirect_uris=[REGISTERED])
    code, verifier = minted_code(emulator, app)
    answer = exchange(
        emulator, app, code, code_verifier=verifier, redirect_uri=REGISTERED.rstrip("/")
    ).json()
    _sign_in_at(
        emulator, tab, f"{emulator.base_url}/portal/requests?client_key={app['client_key']}"
    )
    page = tab.page
    page.click(f"a[href='/portal/requests/{answer['log_id']}']")
    page.wait_for_url(f"{emulator.base_url}/portal/requests/{answer['log_id']}")
    assert page.locator("#rule").inner_text() == "redirect_uri.mismatch"
    assert "(trailing slash); TikTok requires the same value at both steps" in (
        page.locator("#why").inner_text()
    )
    params = page.locator("#params").inner_text()
    assert "redirect_uri" in params and code not in params and verifier not in params
    assert app["client_secret"] not in page.content()


def test_the_app_page_shows_the_readiness_report_with_links_to_each_request(
    emulator: EmulatorProcess, tab: Tab
) -> None:
    app = emulator.create_app(name="Generic OAuth App", redirect_uris=[REGISTERED])
    refused = _flawed_app_traffic(emulator, app)
    _sign_in_at(emulator, tab, f"{emulator.base_url}/portal/apps/{app['client_key']}")
    page = tab.page
    panel = page.locator("#readiness")
    assert "not ready" in panel.inner_text()
    shown = {
        panel.locator("li").nth(i).get_attribute("data-finding")
        for i in range(panel.locator("li").count())
    }
    assert {"no_pkce", "missing_state", "json_body", "redirect_uri_mismatch"} <= shown
    assert "refresh_token_reused" in shown
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=str(SCREENSHOTS / "readiness.png"), animations="disabled")
    page.click(f"#readiness a[href='/portal/requests/{refused[0]}']")
    page.wait_for_url(f"{emulator.base_url}/portal/requests/{refused[0]}")
    assert page.locator("#rule").inner_text() == "request.not_form_encoded"
    assert not tab.console_errors


def test_a_correct_app_is_shown_ready(emulator: EmulatorProcess, tab: Tab) -> None:
    app = emulator.create_app(name="By the docs")
    correct_app_session(emulator, app, emulator.create_user())
    _sign_in_at(emulator, tab, f"{emulator.base_url}/portal/apps/{app['client_key']}")
    panel = tab.page.locator("#readiness")
    assert "ready" in panel.inner_text() and "not ready" not in panel.inner_text()
    assert panel.locator("li").count() == 0
