"""Pending authorizations: what the authorize pages are asking the user, remembered server-side.

Validating an authorize request stores one; the login and consent pages carry only its id, and
the decision names it and the scopes left switched on. Everything else (app, redirect URI,
scopes, state, PKCE challenge, OAuth version) comes from the record, which belongs to one
browser session and is consumed exactly once. The design is the one of mature authorization
servers: the server remembers what it asks (node-oidc-provider's interactions, Ory Hydra's
login and consent challenges).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from loginkit.core.authorize import AuthorizeRequest
from loginkit.core.models import OAuthVersion

__all__ = ["PENDING_LIFETIME", "PendingAuthorization", "new_pending", "new_session_id"]

PENDING_LIFETIME = 600
"""Seconds a user has to decide (our choice: TikTok documents none; Hydra's default is 1 h)."""


@dataclass(frozen=True, slots=True)
class PendingAuthorization:
    pending_id: str
    client_key: str
    redirect_uri: str
    scopes: tuple[str, ...]
    """As requested, in order: the consent page shows exactly these."""
    state: str
    code_challenge: str | None
    version: OAuthVersion
    session_id: str
    """The browser session it belongs to: no other session may decide it."""
    created_at: int
    expires_at: int
    decided_at: int | None = None

    def params(self) -> dict[str, str]:
        """The authorize request it was made from, to validate again at decision time."""
        params = {
            "client_key": self.client_key,
            "redirect_uri": self.redirect_uri,
            "scope": ",".join(self.scopes),
            "response_type": "code",
            "state": self.state,
        }
        if self.code_challenge is not None:
            params["code_challenge"] = self.code_challenge
        return params


def new_session_id() -> str:
    """A browser session id: random, as unguessable as a token."""
    return secrets.token_urlsafe(32)


def new_pending(req: AuthorizeRequest, session_id: str, now: int) -> PendingAuthorization:
    return PendingAuthorization(
        pending_id=secrets.token_urlsafe(32),
        client_key=req.app.client_key,
        redirect_uri=req.redirect_uri,
        scopes=req.scopes,
        state=req.state,
        code_challenge=req.code_challenge,
        version=req.version,
        session_id=session_id,
        created_at=now,
        expires_at=now + PENDING_LIFETIME,
    )
