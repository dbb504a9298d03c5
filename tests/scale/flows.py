"""The wire calls of the cross-process tests: code exchange, refresh, user info, revoke."""

from __future__ import annotations

from typing import Any

import httpx2

__all__ = ["exchange", "form_post", "outcome", "refresh", "revoke", "user_info"]


def form_post(
    http: httpx2.Client, base_url: str, path: str, form: dict[str, str]
) -> httpx2.Response:
    return http.post(f"{base_url}{path}", data=form)


def exchange(
    http: httpx2.Client, base_url: str, app: dict[str, Any], code: str, code_verifier: str | None
) -> httpx2.Response:
    form = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app["redirect_uris"][0],
    }
    if code_verifier is not None:  # an app without PKCE sends no code_verifier at all
        form["code_verifier"] = code_verifier
    return form_post(http, base_url, "/v2/oauth/token/", form)


def outcome(response: httpx2.Response) -> str:
    """``tokens``, or the OAuth error TikTok answered (with HTTP 200: read the body)."""
    body = response.json()
    return "tokens" if "access_token" in body else str(body["error"])


def refresh(
    http: httpx2.Client, base_url: str, app: dict[str, Any], refresh_token: str
) -> httpx2.Response:
    return form_post(http, base_url, "/v2/oauth/token/", {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    })  # fmt: skip


def revoke(
    http: httpx2.Client, base_url: str, app: dict[str, Any], access_token: str
) -> httpx2.Response:
    return form_post(http, base_url, "/v2/oauth/revoke/", {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "token": access_token,
    })  # fmt: skip


def user_info(http: httpx2.Client, base_url: str, access_token: str) -> httpx2.Response:
    return http.get(
        f"{base_url}/v2/user/info/",
        params={"fields": "open_id,display_name"},
        headers={"Authorization": f"Bearer {access_token}"},
    )
