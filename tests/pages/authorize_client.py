"""A browser-like HTTP client for the authorize pages: its own cookie jar (one browser session),
reading the CSRF token and the pending authorization id off the pages as a browser would."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2

from tests.pages.portal_client import csrf_of, pending_of
from tests.support.emulator import EmulatorProcess

SCOPES = "user.info.basic,user.info.profile"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
"""RFC 7636 appendix B's S256 challenge: web apps may be required to send PKCE."""


def authorize_query(app: dict[str, Any], **extra: str) -> str:
    params = {
        "client_key": app["client_key"],
        "redirect_uri": app["redirect_uris"][0],
        "scope": SCOPES,
        "response_type": "code",
        "state": "s1",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
    } | extra
    return urlencode(params)


class Browser:
    def __init__(self, emulator: EmulatorProcess) -> None:
        self.http = httpx2.Client(base_url=emulator.base_url, timeout=10)

    def close(self) -> None:
        self.http.close()

    def open(self, query: str) -> httpx2.Response:
        return self.http.get(f"/v2/auth/authorize/?{query}")

    def ask(self, query: str) -> dict[str, str]:
        """Open the authorize page; returns the fields its forms carry (CSRF, pending id)."""
        page = self.open(query)
        assert page.status_code == 200, page.text
        return {"csrf_token": csrf_of(page.text), "pending_id": pending_of(page.text)}

    def log_in(self, query: str, user: dict[str, Any]) -> dict[str, str]:
        """Ask, then pick ``user`` on the login page; returns the consent form's fields."""
        fields = self.ask(query)
        chosen = self.http.post(
            "/v2/auth/authorize/login", data=fields | {"user_id": user["user_id"]}
        )
        assert chosen.status_code == 303, chosen.text
        consent = self.http.get(chosen.headers["location"])
        assert consent.status_code == 200, consent.text
        assert "would like to access your TikTok account" in consent.text
        return fields

    def decide(self, fields: dict[str, str], *scopes_on: str, **extra: str) -> httpx2.Response:
        """Post the consent form: Authorize with ``scopes_on`` switched on (``extra`` fields
        added, e.g. ``decision="cancel"``)."""
        form = fields | {"decision": "authorize"} | {f"scope:{s}": "on" for s in scopes_on}
        return self.http.post("/v2/auth/authorize/decision", data=form | extra)


def callback_of(answer: httpx2.Response) -> dict[str, str]:
    """The parameters of the redirect back to the app."""
    assert answer.status_code in (302, 303), answer.text
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}
