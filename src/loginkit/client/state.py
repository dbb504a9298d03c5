"""Anti-forgery ``state`` for the authorize redirect, sealed into a short-lived cookie.

``begin`` makes an unguessable state (256 random bits) and seals it, with the PKCE verifier and
where to go afterwards, into an encrypted, authenticated, timestamped value (Fernet) that the app
sets as a cookie on the user's browser: that binds the state to that browser session. ``open``
checks the seal, the age and, in constant time, that TikTok returned the same state.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken

from loginkit.client.errors import StateExpiredError, StateMismatchError

__all__ = ["PendingLogin", "StateSealer"]


@dataclass(frozen=True, kw_only=True)
class PendingLogin:
    """What the callback needs to finish a login this browser started."""

    state: str = field(repr=False)
    redirect_uri: str
    code_verifier: str | None = field(default=None, repr=False)
    next_url: str | None = None
    binding: str | None = field(default=None, repr=False)


class StateSealer:
    """Seals :class:`PendingLogin` records with a key derived from the app's ``secret``."""

    def __init__(self, secret: str | bytes, *, max_age: int = 600) -> None:
        raw = secret.encode() if isinstance(secret, str) else secret
        if len(raw) < 16:
            raise ValueError("the state secret must have at least 16 bytes")
        key = hashlib.sha256(b"loginkit.client.state\x00" + raw).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self.max_age = max_age

    @staticmethod
    def new_state() -> str:
        return secrets.token_urlsafe(32)

    def seal(self, pending: PendingLogin) -> str:
        payload = {
            "state": pending.state,
            "redirect_uri": pending.redirect_uri,
            "code_verifier": pending.code_verifier,
            "next_url": pending.next_url,
            "binding": pending.binding,
        }
        return self._fernet.encrypt(json.dumps(payload).encode()).decode("ascii")

    def open(
        self, sealed: str | None, returned_state: str | None, *, binding: str | None = None
    ) -> PendingLogin:
        """The pending login, if ``returned_state`` is the one this browser was given.

        Raises:
            StateMismatchError: no cookie, a forged cookie, another state, another session.
            StateExpiredError: the cookie is genuine but older than ``max_age`` seconds.
        """
        if not sealed or not returned_state:
            raise StateMismatchError("the login state is missing; start the login again")
        try:
            data = json.loads(self._fernet.decrypt(sealed.encode("ascii"), ttl=self.max_age))
        except InvalidToken:
            try:
                self._fernet.decrypt(sealed.encode("ascii"))
            except InvalidToken:
                raise StateMismatchError("the login state cookie is not genuine") from None
            raise StateExpiredError("the login took too long; start it again") from None
        except (UnicodeEncodeError, ValueError):
            raise StateMismatchError("the login state cookie is not genuine") from None
        pending = PendingLogin(**data)
        if not hmac.compare_digest(pending.state.encode(), returned_state.encode()):
            raise StateMismatchError("the returned state does not match this browser's login")
        if not hmac.compare_digest(
            (pending.binding or "").encode(), (binding or "").encode()
        ):
            raise StateMismatchError("the login was started in another session")
        return pending
