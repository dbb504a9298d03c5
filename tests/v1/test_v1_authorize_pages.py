"""v1's ``GET /auth/authorize/`` in a browser (plain HTTP with the pages' CSRF token): the same
login and consent pages as v2, ending in a v1 code, or in TikTok's error page after the end of
life for web apps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2
import pytest

from tests.pages.portal_client import csrf_of, pending_of
from tests.support.emulator import EmulatorProcess
from tests.v1.v1 import EOL, SCOPES, move_clock_to, v1_error, v1_exchange


@pytest.fixture
def browser(emulator: EmulatorProcess) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=emulator.base_url, timeout=10) as client:
        yield client


def v1_query(app: dict[str, Any], redirect_uri: str | None = None) -> str:
    return urlencode(
        {
            "client_key": app["client_key"],
            "scope": ",".join(SCOPES),
            "response_type": "code",
            "redirect_uri": redirect_uri or app["redirect_uris"][0],
            "state": "v1-state",
        }
    )


def sign_in(browser: httpx2.Client, query: str, user: dict[str, Any]) -> dict[str, str]:
    """Pick ``user`` on v1's login page; returns the consent form's CSRF token and pending id."""
    login_page = browser.get(f"/auth/authorize/?{query}")
    assert login_page.status_code == 200, login_page.text
    assert 'action="/auth/authorize/login"' in login_page.text
    pending = {"csrf_token": csrf_of(login_page.text), "pending_id": pending_of(login_page.text)}
    chosen = browser.post("/auth/authorize/login", data=pending | {"user_id": user["user_id"]})
    assert chosen.status_code == 303
    assert chosen.headers["location"].startswith("/auth/authorize/continue?pending_id=")
    consent = browser.get(chosen.headers["location"])
    assert consent.status_code == 200
    assert 'action="/auth/authorize/decision"' in consent.text
    return pending


def decide(browser: httpx2.Client, pending: dict[str, str], decision: str) -> httpx2.Response:
    fields = pending | {"decision": decision, f"scope:{SCOPES[1]}": "on"}
    return browser.post("/auth/authorize/decision", data=fields)


def callback_query(answer: httpx2.Response, redirect_uri: str) -> dict[str, list[str]]:
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith(redirect_uri.split("?")[0] + "?")
    return parse_qs(urlsplit(location).query)


def test_a_mobile_app_gets_a_v1_code_that_v1_redeems_and_v2_refuses(
    emulator: EmulatorProcess, browser: httpx2.Client
) -> None:
    app = emulator.create_app(platform="android")
    query = v1_query(app)
    pending = sign_in(browser, query, emulator.create_user())
    callback = callback_query(decide(browser, pending, "authorize"), app["redirect_uris"][0])
    assert callback["scopes"] == [",".join(SCOPES)] and callback["state"] == ["v1-state"]

    code = callback["code"][0]
    v2 = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        data={
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "code": code,
            "grant_type": "authorization_code",
            "redirect_uri": app["redirect_uris"][0],
        },
    )
    assert v2.json()["error"] == "invalid_grant" and "v1" in v2.json()["error_description"]
    body = v1_exchange(emulator, app, code)
    assert body["message"] == "success" and body["data"]["scope"] == ",".join(SCOPES)


def test_a_v1_redirect_uri_may_be_any_https_url_on_a_redirect_domain(
    emulator: EmulatorProcess, browser: httpx2.Client
) -> None:
    app = emulator.create_app(platform="ios", redirect_domains=["example.com"])
    on_domain = "https://m.example.com/tiktok/done?from=v1"
    query = v1_query(app, on_domain)
    pending = sign_in(browser, query, emulator.create_user())
    callback = callback_query(decide(browser, pending, "cancel"), on_domain)
    assert callback["from"] == ["v1"] and callback["error"] == ["access_denied"]
    assert callback["state"] == ["v1-state"]

    off_domain = browser.get(f"/auth/authorize/?{v1_query(app, 'https://example.org/cb')}")
    assert off_domain.status_code == 400 and "location" not in off_domain.headers
    assert 'id="param">redirect_uri<' in off_domain.text


def test_a_web_app_has_the_pages_before_the_end_of_life_and_an_error_page_from_it(
    fresh_emulator: EmulatorProcess,
) -> None:
    emulator = fresh_emulator
    app = emulator.create_app(platform="web")
    query = v1_query(app)
    move_clock_to(emulator, EOL - 3600)
    with httpx2.Client(base_url=emulator.base_url, timeout=10) as browser:
        pending = sign_in(browser, query, emulator.create_user())
        before = callback_query(decide(browser, pending, "authorize"), app["redirect_uris"][0])
        assert v1_exchange(emulator, app, before["code"][0])["data"]["error_code"] == 0

    # Asked a minute before the end of life, decided at it: the decision validates again.
    move_clock_to(emulator, EOL - 60)
    with httpx2.Client(base_url=emulator.base_url, timeout=10) as browser:
        pending = sign_in(browser, query, emulator.create_user())
        move_clock_to(emulator, EOL)
        refused = decide(browser, pending, "authorize")
        assert refused.status_code == 400 and "location" not in refused.headers
        assert 'id="param">redirect_uri<' in refused.text and "2024-02-29" in refused.text
        page = browser.get(f"/auth/authorize/?{query}")
        assert page.status_code == 400 and "location" not in page.headers
        assert "end of life" in page.text and "/v2/auth/authorize/" in page.text
    code, _ = v1_error(v1_exchange(emulator, app, "any-code"))
    assert code == 10004

    # The pages are v1 calls too: the request log and the migration checker see them.
    log = emulator.control(
        "GET", f"/emulator/requests?path=/auth/authorize/&client_key={app['client_key']}"
    )
    # Each sign-in: the page asked, then (after the login) the same pending authorization.
    assert [(e["method"], e["status"], e["outcome"]) for e in log] == [
        ("GET", 400, "refused"),
        *[("GET", 200, "ok")] * 4,
    ]
    check = emulator.control("GET", f"/emulator/apps/{app['client_key']}/migration?days=1")
    (v1_calls,) = [f["message"] for f in check["findings"] if f["code"] == "v1_calls"]
    assert v1_calls.startswith("7 v1 OAuth call(s)")  # 5 pages, 2 code exchanges
