"""Pending authorizations over plain HTTP: the server remembers what the pages ask the user, so
a decision is bound to its request, its browser session and one use; cross-site posts are
refused; and the control API approves through the same door as the pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from tests.pages.authorize_client import Browser, authorize_query, callback_of
from tests.pages.portal_client import Portal, save_app_settings
from tests.support.emulator import EmulatorProcess


@pytest.fixture
def browser(emulator: EmulatorProcess) -> Iterator[Browser]:
    opened = Browser(emulator)
    yield opened
    opened.close()


def _refused(answer: httpx2.Response, param: str, status: int = 400) -> str:
    """An HTML error page naming ``param``, and no redirect anywhere."""
    assert answer.status_code == status, answer.text
    assert "location" not in answer.headers
    assert answer.headers["content-type"].startswith("text/html")
    assert f'id="param">{param}<' in answer.text
    return answer.text


def test_a_replayed_decision_gets_an_error_page_and_no_second_code(
    emulator: EmulatorProcess, browser: Browser
) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    fields = browser.log_in(authorize_query(app), user)
    first = callback_of(browser.decide(fields, "user.info.profile"))
    assert first["code"] and first["state"] == "s1"

    replayed = _refused(browser.decide(fields, "user.info.profile"), "authorization_request")
    assert "already decided" in replayed
    # A second tab cancelling the same request is refused the same way.
    _refused(browser.decide(fields, decision="cancel"), "authorization_request")


@pytest.mark.parametrize(
    "tampering",
    [
        {"client_key": "awsomeoneelse0001"},
        {"redirect_uri": "https://evil.example/cb"},
        {"query": "client_key=x&redirect_uri=https%3A%2F%2Fevil.example%2Fcb"},
        {"scope:user.info.stats": "on"},
    ],
)
def test_hidden_field_tampering_is_refused_and_the_request_stays_decidable(
    emulator: EmulatorProcess, browser: Browser, tampering: dict[str, str]
) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    fields = browser.log_in(authorize_query(app), user)
    param = "scope" if "scope:user.info.stats" in tampering else "request"
    _refused(browser.decide(fields, "user.info.profile", **tampering), param)

    honest = callback_of(browser.decide(fields, "user.info.profile"))
    assert honest["scopes"] == "user.info.basic,user.info.profile"


def test_a_pending_authorization_cannot_be_used_from_another_browser_session(
    emulator: EmulatorProcess, browser: Browser
) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    victim = browser.log_in(authorize_query(app), user)
    attacker = Browser(emulator)
    try:
        own = attacker.log_in(authorize_query(app), emulator.create_user())
        stolen = own | {"pending_id": victim["pending_id"]}
        page = _refused(attacker.decide(stolen, "user.info.profile"), "authorization_request")
        assert "another browser session" in page
        logged_in = attacker.http.post(
            "/v2/auth/authorize/login", data=stolen | {"user_id": user["user_id"]}
        )
        _refused(logged_in, "authorization_request")
        shown = attacker.http.get(f"/v2/auth/authorize/continue?pending_id={victim['pending_id']}")
        _refused(shown, "authorization_request")
    finally:
        attacker.close()
    # The owner's session still decides it.
    assert callback_of(browser.decide(victim, "user.info.profile"))["code"]


def test_switching_account_keeps_the_pending_authorization(
    emulator: EmulatorProcess, browser: Browser
) -> None:
    app = emulator.create_app()
    first, second = emulator.create_user(), emulator.create_user()
    fields = browser.log_in(authorize_query(app), first)
    switched = browser.http.post("/v2/auth/authorize/switch", data=fields)
    login_page = browser.http.get(switched.headers["location"])
    assert "Log in to TikTok" in login_page.text
    assert f'value="{fields["pending_id"]}"' in login_page.text
    chosen = browser.http.post(
        "/v2/auth/authorize/login", data=fields | {"user_id": second["user_id"]}
    )
    consent = browser.http.get(chosen.headers["location"])
    assert f"@{second['username']}" in consent.text
    assert callback_of(browser.decide(fields))["scopes"] == "user.info.basic"


def test_an_expired_pending_authorization_gets_an_error_page(
    fresh_emulator: EmulatorProcess,
) -> None:
    app, user = fresh_emulator.create_app(), fresh_emulator.create_user()
    browser = Browser(fresh_emulator)
    try:
        fields = browser.log_in(authorize_query(app), user)
        fresh_emulator.control("POST", "/emulator/clock", {"advance_seconds": 601})
        page = _refused(browser.decide(fields, "user.info.profile"), "authorization_request")
        assert "expired" in page
    finally:
        browser.close()


def test_switching_every_scope_off_without_basic_requested_gets_an_html_page(
    emulator: EmulatorProcess, browser: Browser
) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    query = authorize_query(app, scope="user.info.profile,user.info.stats")
    fields = browser.log_in(query, user)
    page = _refused(browser.decide(fields), "scope")
    assert "At least one scope" in page
    # Nothing was spent: switching one back on still works.
    assert callback_of(browser.decide(fields, "user.info.stats"))["scopes"] == "user.info.stats"


# ---- cross-site posts, caching --------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
)
def test_cross_site_posts_to_the_pages_and_the_portal_are_refused(
    emulator: EmulatorProcess, browser: Browser, headers: dict[str, str]
) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    fields = browser.log_in(authorize_query(app), user)
    form = fields | {"decision": "authorize"}
    decision = browser.http.post("/v2/auth/authorize/decision", data=form, headers=headers)
    _refused(decision, "Origin", status=403)
    assert decision.headers["cache-control"] == "no-store"

    portal = Portal(emulator)
    try:
        forged = portal.http.post(
            "/portal/controls/clock",
            data={"csrf_token": portal.csrf, "seconds": "60"},
            headers=headers,
        )
        _refused(forged, "Origin", status=403)
    finally:
        portal.close()

    same_origin = {"Origin": emulator.base_url, "Sec-Fetch-Site": "same-origin"}
    allowed = browser.http.post("/v2/auth/authorize/decision", data=form, headers=same_origin)
    assert callback_of(allowed)["code"]


def test_login_consent_and_error_pages_are_never_cached(
    emulator: EmulatorProcess, browser: Browser
) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    query = authorize_query(app)
    login_page = browser.open(query)
    fields = browser.log_in(query, user)
    consent = browser.http.get(f"/v2/auth/authorize/continue?pending_id={fields['pending_id']}")
    error = browser.open(authorize_query(app, redirect_uri="https://evil.example/cb"))
    v1_error = browser.http.get("/auth/authorize/?client_key=awnosuchapp00000")
    for page in (login_page, consent, error, v1_error):
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["cache-control"] == "no-store"
    assert (login_page.status_code, consent.status_code, error.status_code) == (200, 200, 400)


# ---- the control API: the same door --------------------------------------------------------


def _control_authorize(
    emulator: EmulatorProcess, app: dict[str, Any], who: dict[str, str]
) -> httpx2.Response:
    body = {
        "approve": ["user.info.basic"],
        "client_key": app["client_key"],
        "redirect_uri": app["redirect_uris"][0],
        "scope": "user.info.basic",
        "response_type": "code",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    } | who
    return emulator.http.post("/emulator/authorize", json=body)


def test_the_control_api_refuses_a_user_who_is_not_a_sandbox_target(
    emulator: EmulatorProcess,
) -> None:
    app = emulator.create_app()
    target, outsider = emulator.create_user(), emulator.create_user()
    portal = Portal(emulator)
    try:
        save_app_settings(portal, app, sandbox=True, targets=(target["user_id"],))
    finally:
        portal.close()
    refused = _control_authorize(emulator, app, {"user_id": outsider["user_id"]})
    assert refused.status_code == 400
    assert refused.json()["error_description"].startswith("non_sandbox_target:")
    admitted = _control_authorize(emulator, app, {"user_id": target["user_id"]})
    assert admitted.status_code == 200 and "code=" in admitted.json()["redirect_to"]


def test_the_control_api_approves_as_a_username_too(emulator: EmulatorProcess) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    by_name = _control_authorize(emulator, app, {"username": user["username"]})
    assert by_name.status_code == 200 and "code=" in by_name.json()["redirect_to"]
    unknown = _control_authorize(emulator, app, {"username": "nobody.here"})
    assert unknown.status_code == 404
    assert "nobody.here" in unknown.json()["error_description"]
