"""TikTok's auto-authorization of returning users, over plain HTTP: a signed-in user who already
granted every requested scope goes straight back with a fresh code, unless the URL says
``disable_auto_auth=1``, a scope is new, the user was signed out, or ``--no-auto-auth``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pages.authorize_client import Browser, authorize_query, callback_of
from tests.pages.portal_client import Portal
from tests.support.emulator import EmulatorProcess, run_emulator

BOTH = "user.info.basic,user.info.profile"


@pytest.fixture
def browser(emulator: EmulatorProcess) -> Iterator[Browser]:
    opened = Browser(emulator)
    yield opened
    opened.close()


def _returning(
    emulator: EmulatorProcess, browser: Browser
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """An app and a user who granted it both scopes in this browser; returns the first code."""
    app, user = emulator.create_app(), emulator.create_user()
    fields = browser.log_in(authorize_query(app, scope=BOTH), user)
    first = callback_of(browser.decide(fields, "user.info.profile"))
    assert first["scopes"] == BOTH
    return app, user, first["code"]


def _shows(answer: Any, text: str) -> None:
    assert answer.status_code == 200, answer.text
    assert text in answer.text


def test_a_returning_user_goes_straight_back_with_a_fresh_code(
    emulator: EmulatorProcess, browser: Browser
) -> None:
    app, _user, first_code = _returning(emulator, browser)
    again = browser.open(authorize_query(app, scope=BOTH, state="again"))
    assert again.status_code == 302
    assert again.headers["location"].startswith(app["redirect_uris"][0] + "?")
    callback = callback_of(again)
    assert callback["state"] == "again" and callback["scopes"] == BOTH
    assert callback["code"] != first_code
    # A subset of what was granted counts too.
    assert callback_of(browser.open(authorize_query(app, scope="user.info.basic")))["code"]


def test_disable_auto_auth_and_new_scopes_show_the_consent_page(
    emulator: EmulatorProcess, browser: Browser
) -> None:
    app, _user, _code = _returning(emulator, browser)
    consent = "would like to access your TikTok account"
    _shows(browser.open(authorize_query(app, scope=BOTH, disable_auto_auth="1")), consent)
    _shows(browser.open(authorize_query(app, scope=BOTH + ",user.info.stats")), consent)


def test_a_scope_switched_off_last_time_is_asked_again(
    emulator: EmulatorProcess, browser: Browser
) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    fields = browser.log_in(authorize_query(app, scope=BOTH), user)
    assert callback_of(browser.decide(fields))["scopes"] == "user.info.basic"
    _shows(browser.open(authorize_query(app, scope=BOTH)), "would like to access")


def test_signing_a_user_out_from_the_control_api_and_the_portal_shows_the_login_page(
    emulator: EmulatorProcess, browser: Browser
) -> None:
    app, user, _code = _returning(emulator, browser)
    ended = emulator.control("POST", f"/emulator/users/{user['username']}/sign-out")
    assert ended == {"user_id": user["user_id"], "username": user["username"], "sessions": 1}
    _shows(browser.open(authorize_query(app, scope=BOTH)), "Log in to TikTok")

    fields = browser.ask(authorize_query(app, scope=BOTH))
    browser.http.post("/v2/auth/authorize/login", data=fields | {"user_id": user["user_id"]})
    assert browser.open(authorize_query(app, scope=BOTH)).status_code == 302
    portal = Portal(emulator)
    try:
        signed_out = portal.post(f"/portal/users/{user['user_id']}/sign-out")
        assert signed_out.status_code == 303
        user_page = portal.http.get(f"/portal/users/{user['user_id']}")
        assert "Sign out of the emulator" in user_page.text
    finally:
        portal.close()
    _shows(browser.open(authorize_query(app, scope=BOTH)), "Log in to TikTok")

    unknown = emulator.http.post("/emulator/users/nobody.here/sign-out")
    assert unknown.status_code == 404


def test_no_auto_auth_always_shows_the_consent_page(tmp_path: Path) -> None:
    with run_emulator(tmp_path, "--no-auto-auth") as emulator:
        browser = Browser(emulator)
        try:
            app, _user, _code = _returning(emulator, browser)
            _shows(browser.open(authorize_query(app, scope=BOTH)), "would like to access")
        finally:
            browser.close()


def _cli(emulator: EmulatorProcess, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "loginkit", "users", "--base-url", emulator.base_url]
    return subprocess.run(
        [*command, "--admin-token", emulator.admin_token, "sign-out", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_loginkit_users_sign_out(emulator: EmulatorProcess, browser: Browser) -> None:
    app, user, _code = _returning(emulator, browser)
    done = _cli(emulator, user["username"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"username={user['username']}  sessions=1"
    _shows(browser.open(authorize_query(app, scope=BOTH)), "Log in to TikTok")

    missing = _cli(emulator, "nobody.here")
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        "Error: 404: No user has user_id or username 'nobody.here'."
    ]
