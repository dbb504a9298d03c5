"""The start page (``GET /``) and the demo app of ``make run``, in a real browser."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.pages.conftest import Tab, screenshot
from tests.support.emulator import EmulatorProcess, run_emulator

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """``loginkit up`` as ``make run`` starts it (the demo app mounted, the portal open)."""
    folder: Path = tmp_path_factory.mktemp("local-run")
    with run_emulator(folder, "--no-gateway", command_name="up") as emulator:
        yield emulator


def test_the_start_page_of_serve_links_the_portal_and_the_openapi_document(
    emulator: EmulatorProcess, tab: Tab
) -> None:
    page = tab.page
    page.goto(emulator.base_url + "/")
    assert page.text_content("h1") == "The loginkit emulator is running"
    assert page.locator("a[href='/demo/']").count() == 0  # serve mounts no demo
    assert "sign in with the admin token" in page.text_content("main")
    assert page.get_attribute("meta[name=viewport]", "content")
    page.click("text=OpenAPI document")
    document = json.loads(page.text_content("body"))
    assert "/emulator/apps" in document["paths"]
    assert tab.console_errors == []


def test_the_start_page_of_make_run_shows_the_demo_and_its_credentials(
    local_run: EmulatorProcess, tab: Tab
) -> None:
    page = tab.page
    page.goto(local_run.base_url + "/")
    screenshot(tab, "landing")
    text = page.text_content("main") or ""
    assert "awloginkitdemo01" in text and "loginkit-demo-secret-0123456789abcdef" in text
    assert "amelia.creates" in text and "no sign-in needed" in text
    page.click("text=Developer portal")
    page.wait_for_selector("h1")
    assert "/portal/apps" in page.url  # open from this machine under make run
    page.go_back()
    page.click("text=Demo app")
    page.wait_for_selector("#login")
    assert page.url == local_run.base_url + "/demo/"
    assert tab.console_errors == []


def test_the_demo_logs_in_refreshes_with_feedback_and_logs_out(
    local_run: EmulatorProcess, tab: Tab
) -> None:
    page = tab.page
    page.goto(local_run.base_url + "/demo/")
    assert page.get_attribute("meta[name=viewport]", "content") == (
        "width=device-width, initial-scale=1"
    )
    assert (page.get_attribute("link[rel=icon]", "href") or "").startswith("data:image/svg+xml")
    button = page.locator("#login")
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(254, 44, 85)"
    button.click()
    page.click("button[data-username='amelia.creates']")
    page.click("button[value=authorize]")
    page.wait_for_selector("#profile")
    assert "Amelia Park" in page.text_content("#profile")
    screenshot(tab, "demo-profile")

    page.click("#refresh")
    notice = page.wait_for_selector("#notice")
    assert notice.text_content().startswith("Refreshed: a new access token, valid until ")
    page.reload()
    assert page.locator("#notice").count() == 0  # shown once

    page.click("#logout")
    assert "Logged out" in page.wait_for_selector("#notice").text_content()
    assert page.locator("#login").count() == 1
    assert tab.console_errors == []


def test_the_demo_page_fits_a_phone(local_run: EmulatorProcess, phone_tab: Tab) -> None:
    page = phone_tab.page
    page.goto(local_run.base_url + "/demo/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert httpx2.get(local_run.base_url + "/demo/").status_code == 200


def test_signing_out_under_make_run_explains_the_loopback_sign_in(
    local_run: EmulatorProcess, tab: Tab
) -> None:
    page = tab.page
    page.goto(local_run.base_url + "/portal/apps")
    assert "make run" in (page.text_content("#loopback-sign-in") or "")
    page.click("text=Sign out")
    notice = page.wait_for_selector("p.notice")
    assert "still in: make run (loginkit up) opens the portal" in notice.text_content()
    assert page.url == local_run.base_url + "/portal/apps"


def test_portal_keys_never_break_mid_word_on_a_phone(
    local_run: EmulatorProcess, phone_tab: Tab
) -> None:
    page = phone_tab.page
    for path in ("/portal/apps", "/portal/apps/awloginkitdemo01"):
        page.goto(local_run.base_url + path)
        keys = page.locator("code.key")
        assert keys.count() >= 1
        for i in range(keys.count()):
            lines = keys.nth(i).evaluate("e => e.getClientRects().length")
            assert lines == 1, (path, keys.nth(i).text_content())
