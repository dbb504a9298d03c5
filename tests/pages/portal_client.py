"""A portal session over plain HTTP: sign in with the admin token, then post forms with CSRF."""

from __future__ import annotations

import re
from typing import Any

import httpx2

from tests.support.emulator import EmulatorProcess

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_PENDING = re.compile(r'name="pending_id" value="([^"]+)"')


def pending_of(html: str) -> str:
    """The pending authorization id a login or consent page carries."""
    found = _PENDING.search(html)
    assert found, "the page carries no pending authorization"
    return found.group(1)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


class Portal:
    def __init__(self, emulator: EmulatorProcess) -> None:
        self.http = httpx2.Client(base_url=emulator.base_url, timeout=10)
        page = self.http.get("/portal/login")
        signed_in = self.http.post(
            "/portal/login",
            data={"csrf_token": csrf_of(page.text), "admin_token": emulator.admin_token},
        )
        assert signed_in.status_code == 303, signed_in.text
        self.csrf = csrf_of(self.http.get("/portal/apps").text)

    def post(self, path: str, **fields: Any) -> httpx2.Response:
        return self.http.post(path, data={"csrf_token": self.csrf, **fields})

    def close(self) -> None:
        self.http.close()


def save_app_settings(
    portal: Portal,
    app: dict[str, Any],
    *,
    webhook_url: str = "",
    sandbox: bool = False,
    targets: tuple[str, ...] = (),
) -> httpx2.Response:
    """Post the app's edit form with its current fields plus these settings."""
    fields: dict[str, Any] = {
        "name": app["name"],
        "platform": app["platform"],
        "redirect_uris": "\n".join(app["redirect_uris"]),
        "webhook_url": webhook_url,
        **{f"scope:{s}": "on" for s in app["scopes"]},
        **{f"target:{user_id}": "on" for user_id in targets},
    }
    if sandbox:
        fields["sandbox"] = "on"
    return portal.post(f"/portal/apps/{app['client_key']}", **fields)
