"""The portal's side of the migration, over HTTP form posts: the guide's redirect URI rules, v1
redirect domains (frozen for web apps from 2023-06-12) and the migration findings of the app
page's readiness panel."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from tests.pages.portal_client import Portal
from tests.support.emulator import EmulatorProcess
from tests.v1.test_redirect_uri_rules import CORRECT, INCORRECT
from tests.v1.v1 import SCOPES, move_clock_to, v1_exchange

FROZEN = 1686528000
"""2023-06-12T00:00:00Z."""


@pytest.fixture
def portal(emulator: EmulatorProcess) -> Iterator[Portal]:
    signed_in = Portal(emulator)
    yield signed_in
    signed_in.close()


def app_form(platform: str = "web", uris: str = "", domains: str = "") -> dict[str, str]:
    return {
        "name": "Migrating app",
        "platform": platform,
        "redirect_uris": uris,
        "redirect_domains": domains,
        "scope:user.info.basic": "on",
        "scope:video.list": "on",
    }


def created_key(answer: httpx2.Response) -> str:
    assert answer.status_code == 303, html.unescape(answer.text)
    return answer.headers["location"].rsplit("/", 1)[1]


def page_text(answer: httpx2.Response) -> str:
    assert answer.status_code == 200
    return html.unescape(answer.text)


def test_the_guides_correct_example_is_registered(portal: Portal) -> None:
    key = created_key(portal.post("/portal/apps", **app_form(uris=CORRECT)))
    assert CORRECT in page_text(portal.http.get(f"/portal/apps/{key}"))


@pytest.mark.parametrize(("uri", "rule"), INCORRECT)
def test_each_incorrect_example_is_refused_naming_the_rule(
    portal: Portal, uri: str, rule: str
) -> None:
    refused = page_text(portal.post("/portal/apps", **app_form(uris=uri)))
    assert 'role="alert"' in refused and f"Redirect URI {uri[:60]}" in refused and rule in refused


def test_at_most_ten_and_at_least_one_redirect_uri(portal: Portal) -> None:
    eleven = "\n".join(f"https://dev.example.com/auth/callback/{i}/" for i in range(11))
    assert "at most 10 redirect URIs" in page_text(
        portal.post("/portal/apps", **app_form(uris=eleven))
    )
    none = page_text(portal.post("/portal/apps", **app_form()))
    assert "web apps must register at least one redirect URI" in none


def test_the_edit_form_checks_the_rules_too(portal: Portal, emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    form = app_form(uris="https://dev.example.com/auth/callback/#100")
    refused = page_text(portal.post(f"/portal/apps/{app['client_key']}", **form))
    assert "must not include a fragment" in refused


def v1_code(emulator: EmulatorProcess, client_key: str, redirect_uri: str) -> str:
    body = {
        "user_id": emulator.create_user()["user_id"],
        "approve": SCOPES,
        "client_key": client_key,
        "redirect_uri": redirect_uri,
        "scope": ",".join(SCOPES),
        "state": "st",
        "response_type": "code",
    }
    redirect_to = emulator.control("POST", "/emulator/v1/authorize", body)["redirect_to"]
    code: str = parse_qs(urlsplit(redirect_to).query)["code"][0]
    return code


def migration_panel(portal: Portal, key: str) -> str:
    text = page_text(portal.http.get(f"/portal/apps/{key}"))
    start = text.index('id="readiness"')
    return text[start : text.index("</div>", start)]


def test_redirect_domains_and_the_migration_panel_of_a_v1_web_app(
    fresh_emulator: EmulatorProcess,
) -> None:
    emulator = fresh_emulator
    move_clock_to(emulator, FROZEN - 3600)
    portal = Portal(emulator)
    key = created_key(portal.post("/portal/apps", **app_form(domains="example.com")))
    panel = migration_panel(portal, key)
    assert "Will this work on TikTok?" in panel and "no_redirect_uri" in panel
    assert "v1_endpoint_called" not in panel

    secret = emulator.control("POST", f"/emulator/apps/{key}/secret")["client_secret"]
    app: dict[str, Any] = {"client_key": key, "client_secret": secret}
    tokens = v1_exchange(emulator, app, v1_code(emulator, key, "https://www.example.com/cb"))
    v2_refresh = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        data={
            "client_key": key,
            "client_secret": secret,
            "grant_type": "refresh_token",
            "refresh_token": tokens["data"]["refresh_token"],
        },
    )
    assert v2_refresh.json()["error"] == "invalid_grant"
    panel = migration_panel(portal, key)
    assert "v1_endpoint_called" in panel and "1 request(s)" in panel  # the v1 exchange
    assert "mixed_token_use" in panel

    move_clock_to(emulator, FROZEN)
    added = page_text(
        portal.post(f"/portal/apps/{key}", **app_form(domains="example.com\nexample.org"))
    )
    assert (
        "Redirect domain example.org: web apps can no longer add or modify redirect domains "
        "(since 2023-06-12)" in added
    )
    not_a_host = page_text(
        portal.post(f"/portal/apps/{key}", **app_form(domains="https://example.com/"))
    )
    assert "a redirect domain is a host name" in not_a_host
    migrated = portal.post(f"/portal/apps/{key}", **app_form(uris=CORRECT))
    assert migrated.status_code == 303  # removing the domains is allowed
    panel = migration_panel(portal, key)
    assert "no_redirect_uri" not in panel and "v1_endpoint_called" in panel
    assert emulator.control("GET", f"/emulator/apps/{key}")["redirect_uris"] == [CORRECT]
    portal.close()


def test_mobile_apps_may_still_add_domains_and_have_nothing_to_migrate(
    portal: Portal, emulator: EmulatorProcess
) -> None:
    form = app_form(platform="android", uris=CORRECT, domains="example.com")
    key = created_key(portal.post("/portal/apps", **form))
    text = page_text(portal.http.get(f"/portal/apps/{key}"))
    assert "example.com</textarea>" in text
    assert "mobile apps keep v1 OAuth until further notice" in migration_panel(portal, key)
