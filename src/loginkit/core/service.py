"""The façade the HTTP layer calls: one method per endpoint, TikTok's rules inside.

The service knows nothing of HTTP. It takes already-parsed parameters (a form or query as a
mapping of single values) and returns wire bodies or raises ``loginkit.core.errors`` classes.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from loginkit.core import v1
from loginkit.core.approval import Begun, PendingRefused, check_granted, granted_on_page
from loginkit.core.authorize import AuthorizeRequest, redirect_url, validate_authorize_request
from loginkit.core.clock import SystemClock
from loginkit.core.context import Context
from loginkit.core.errors import (
    AuthorizePageError,
    InvalidClient,
    InvalidRequest,
    UnsupportedGrantType,
)
from loginkit.core.explanations import client_refusal
from loginkit.core.grants import GRANTS, REQUIRED_PARAMS
from loginkit.core.models import (
    App,
    AuthorizationCode,
    Grant,
    OAuthVersion,
    TokenOwner,
    TokenResponse,
    User,
)
from loginkit.core.params import require
from loginkit.core.pending import PendingAuthorization, new_pending, new_session_id
from loginkit.core.policy import Policy
from loginkit.core.revocation import revoke
from loginkit.core.sandbox import check_sandbox_target
from loginkit.core.scopes import format_scopes
from loginkit.core.secrets import SecretHasher, hash_secret, new_code, new_id
from loginkit.core.store import Store
from loginkit.core.userinfo import live_access_token, user_info

__all__ = ["AuthorizationService", "GrantRevokedHook", "SecretKeyMismatch"]

GrantRevokedHook = Callable[[App, str], Awaitable[None]]
"""Told (app, grant_id) when a developer revokes a grant through ``/v2/oauth/revoke/``."""


class SecretKeyMismatch(Exception):
    """The database was set up with another secret key: its client secrets would not match."""


class AuthorizationService:
    def __init__(
        self,
        *,
        store: Store,
        policy: Policy,
        clock: SystemClock,
        secret_hasher: SecretHasher,
        avatar_base_url: str,
        clock_sync_seconds: float | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.clock = clock
        self.secret_hasher = secret_hasher
        """How client secrets are stored (``rotate_secret``, the control API, the portal, seeds)."""
        self.avatar_base_url = avatar_base_url
        self.clock_sync_seconds = clock_sync_seconds
        """How stale the clock offset may get when other processes share the store (None: never
        re-read, this process is the only one that moves it)."""
        self._clock_read_at = time.monotonic()
        self._ctx: Context | None = None
        self.on_grant_revoked: GrantRevokedHook | None = None

    async def start(self) -> None:
        """Open the store; raises ``SecretKeyMismatch`` if it was set up with another key."""
        await self.store.open()
        check = self.secret_hasher.key_check_value()
        if await self.store.claim_secret_key_check(check) != check:
            raise SecretKeyMismatch(
                "the secret key (LOGINKIT_SECRET_KEY, or the key file beside the SQLite file)"
                " is not the one this database was set up with"
            )
        self.clock.offset = await self.store.get_clock_offset()
        instance_secret = await self.store.instance_secret()
        self._ctx = Context(
            self.store, self.clock, self.policy, instance_secret, self.secret_hasher
        )

    async def sync_clock(self) -> None:
        """Adopt the clock offset another process may have stored (``POST /emulator/clock``)."""
        if self.clock_sync_seconds is None:
            return
        if time.monotonic() - self._clock_read_at >= self.clock_sync_seconds:
            self.clock.offset = await self.store.get_clock_offset()
            self._clock_read_at = time.monotonic()

    @property
    def ctx(self) -> Context:
        if self._ctx is None:
            raise RuntimeError("AuthorizationService.start() was not awaited")
        return self._ctx

    # ---- client authentication --------------------------------------------------------------

    async def authenticate_client(self, form: Mapping[str, str]) -> App:
        """The app whose client_key and client_secret are in ``form``.

        An unknown key and a wrong secret get the same answer, after the same work (v1 and v2).
        """
        require(form, ("client_key", "client_secret"))
        app = await self.store.get_app(form["client_key"])
        if not await self.ctx.client_secret_matches(app, form["client_secret"]) or app is None:
            raise InvalidClient(
                detail=f"client authentication failed for {form['client_key']!r}",
                rule="client.unknown" if app is None else "client.secret_mismatch",
                explanation=client_refusal(form["client_key"], form["client_secret"], app),
            )
        return app

    # ---- token endpoints --------------------------------------------------------------------

    async def token(
        self, form: Mapping[str, str], *, default_grant: str | None = None
    ) -> TokenResponse:
        """``POST /v2/oauth/token/``; ``default_grant`` serves the refresh alias path."""
        grant_type = form.get("grant_type") or default_grant
        if not grant_type:
            raise InvalidRequest.missing("grant_type", form.keys())
        if default_grant is not None and grant_type != default_grant:
            raise UnsupportedGrantType(
                f"This endpoint only accepts grant_type={default_grant}.",
                rule="grant_type.unsupported",
            )
        grant = GRANTS.get(grant_type)
        if grant is None:
            raise UnsupportedGrantType(
                detail=f"grant_type {grant_type!r}", rule="grant_type.unsupported"
            )
        require(form, REQUIRED_PARAMS[grant_type])
        app = await self.authenticate_client(form)
        return await grant(self.ctx, app, form)

    async def revoke(self, form: Mapping[str, str]) -> dict[str, object]:
        """``POST /v2/oauth/revoke/`` → ``{}``."""
        require(form, ("client_key", "client_secret", "token"))
        app = await self.authenticate_client(form)
        await self._grant_revoked(app, await revoke(self.ctx, app, form))
        return {}

    async def _grant_revoked(self, app: App, grant_id: str | None) -> None:
        if grant_id is not None and self.on_grant_revoked is not None:
            await self.on_grant_revoked(app, grant_id)

    # ---- v1 token endpoints -----------------------------------------------------------------

    async def v1_access_token(self, params: Mapping[str, str]) -> TokenResponse:
        """``POST /oauth/access_token/``."""
        require(params, v1.ACCESS_TOKEN_PARAMS)
        v1.check_grant_type(params, "authorization_code")
        app = await self.authenticate_client(params)
        return await v1.access_token(self.ctx, app, params)

    async def v1_refresh_token(self, params: Mapping[str, str]) -> TokenResponse:
        """``POST /oauth/refresh_token/`` (no client secret: the refresh token vouches)."""
        return await v1.refresh_token(self.ctx, params)

    async def v1_revoke(self, params: Mapping[str, str]) -> App:
        """``POST /oauth/revoke/``; returns the app whose grant ended."""
        app, grant_id = await v1.revoke(self.ctx, params)
        await self._grant_revoked(app, grant_id)
        return app

    # ---- user info --------------------------------------------------------------------------

    async def bearer_access_token(self, authorization: str | None) -> TokenOwner:
        """The live access token of an ``Authorization: Bearer`` header, for ``user_info``."""
        return await live_access_token(self.ctx, authorization)

    async def user_info(self, token: TokenOwner, fields: str | None) -> dict[str, object]:
        """``GET /v2/user/info/`` → the ``user`` object for ``bearer_access_token``'s token."""
        return await user_info(self.ctx, token, fields, avatar_base_url=self.avatar_base_url)

    # ---- authorize --------------------------------------------------------------------------

    async def validate_authorize(
        self, params: Mapping[str, str], version: OAuthVersion = OAuthVersion.V2
    ) -> AuthorizeRequest:
        """Raises ``AuthorizePageError`` naming the parameter to correct; never redirects."""
        app = await self.store.get_app(params.get("client_key", ""))
        if version is OAuthVersion.V1:
            return v1.validate_authorize(params, app, self.policy, self.clock.now())
        return validate_authorize_request(params, app, self.policy)

    async def begin_authorization(
        self, req: AuthorizeRequest, session_id: str, *, disable_auto_auth: bool = False
    ) -> Begun:
        """Remember ``req`` as a pending authorization of the browser session.

        A signed-in user who already granted the app every requested scope is sent straight
        back with a fresh code (TikTok's auto-authorization), unless the switch or the
        request's ``disable_auto_auth=1`` turns it off.
        """
        pending = new_pending(req, session_id, self.clock.now())
        await self.store.create_pending(pending)
        user = await self._session_user(session_id)
        if user is not None and self.policy.auto_authorize and not disable_auto_auth:
            granted = await self.store.live_grant_scopes(req.app.client_key, user.user_id)
            if granted.issuperset(req.scopes):
                return Begun(pending, req.app, user, await self._decide(pending, user, req.scopes))
        return await self.pending_authorization(pending.pending_id, session_id)

    async def pending_authorization(self, pending_id: str, session_id: str) -> Begun:
        """What the login or consent page shows: the session's own, live pending authorization,
        its app and the signed-in user (who must be a sandbox target of a sandbox app)."""
        pending = await self._live_pending(pending_id, session_id)
        app = await self.store.get_app(pending.client_key)
        if app is None:
            raise AuthorizePageError("client_key", f"No app has client_key {pending.client_key!r}.")
        user = await self._session_user(session_id)
        if user is not None:
            await check_sandbox_target(self.store, app, user)
        return Begun(pending, app, user)

    async def sign_in(self, pending_id: str, session_id: str, user: User) -> str:
        """Sign ``user`` in on the page of a pending authorization; returns the new session id.

        The session id changes (a session planted before login is worth nothing after it); the
        session's pending authorizations move to the new id.
        """
        await self._live_pending(pending_id, session_id)
        signed_in = new_session_id()
        await self.store.sign_in(session_id, signed_in, user.user_id, self.clock.now())
        return signed_in

    async def switch_account(self, pending_id: str, session_id: str) -> None:
        """Sign the session out; its pending authorization waits for the next login."""
        await self._live_pending(pending_id, session_id)
        await self.store.end_session(session_id)

    async def decide(
        self, pending_id: str, session_id: str, switched_on: tuple[str, ...] | None
    ) -> str:
        """The signed-in user's decision on the consent page: the scopes left switched on
        (None: cancelled). Returns the redirect URL back to the app."""
        pending = await self._live_pending(pending_id, session_id)
        user = await self._session_user(session_id)
        if switched_on is None:
            return await self._decide(pending, user, None)
        if user is None:
            raise AuthorizePageError("user", "Nobody is signed in: log in first.")
        return await self._decide(pending, user, granted_on_page(pending.scopes, switched_on))

    async def decide_without_browser(
        self, req: AuthorizeRequest, user: User | None, granted: tuple[str, ...] | None
    ) -> str:
        """The control API and the test fixture: a pending authorization made and decided at
        once, through the same approval as the pages."""
        session_id = new_session_id()
        pending = new_pending(req, session_id, self.clock.now())
        await self.store.create_pending(pending)
        return await self._decide(pending, user, granted)

    async def sign_out_user(self, user_id: str) -> int:
        """End every emulator browser session of the user; returns how many there were."""
        return await self.store.sign_out_user(user_id)

    async def _session_user(self, session_id: str) -> User | None:
        user_id = await self.store.session_user(session_id)
        return await self.store.get_user(user_id) if user_id is not None else None

    async def _live_pending(self, pending_id: str, session_id: str) -> PendingAuthorization:
        pending = await self.store.get_pending(pending_id) if pending_id else None
        if pending is None:
            raise PendingRefused("This authorization request is unknown or has expired.")
        if not hmac.compare_digest(pending.session_id, session_id):
            raise PendingRefused("This authorization request belongs to another browser session.")
        if pending.decided_at is not None:
            raise PendingRefused("This authorization request was already decided.")
        if pending.expires_at <= self.clock.now():
            raise PendingRefused("This authorization request has expired.")
        return pending

    async def _decide(
        self, pending: PendingAuthorization, user: User | None, granted: tuple[str, ...] | None
    ) -> str:
        # The app may have changed since the request was validated: validate it again.
        req = await self.validate_authorize(pending.params(), pending.version)
        if granted is not None:
            if user is None:
                raise AuthorizePageError("user", "No user to approve as.")
            await check_sandbox_target(self.store, req.app, user)
            check_granted(req.scopes, granted)
        if not await self.store.consume_pending(
            pending.pending_id, pending.session_id, self.clock.now()
        ):
            raise PendingRefused("This authorization request was already decided or expired.")
        if granted is None or user is None:
            return self._denied(req)
        return await self._approved(req, user, granted)

    async def _approved(self, req: AuthorizeRequest, user: User, granted: tuple[str, ...]) -> str:
        now = self.clock.now()
        raw_code = new_code(self.policy.id_shapes)
        grant = Grant(new_id(), req.app.client_key, user.user_id, granted, now)
        code = AuthorizationCode(
            code_hash=hash_secret(raw_code),
            grant_id=grant.grant_id,
            client_key=req.app.client_key,
            user_id=user.user_id,
            redirect_uri=req.redirect_uri,
            scopes=granted,
            expires_at=now + self.policy.code_lifetime,
            code_challenge=req.code_challenge,
            version=req.version,
        )
        await self.store.create_grant(grant, code)
        return redirect_url(
            req.redirect_uri,
            {"code": raw_code, "scopes": format_scopes(granted), "state": req.state},
        )

    @staticmethod
    def _denied(req: AuthorizeRequest) -> str:
        """The user cancelled: back to the app with ``error=access_denied``."""
        return redirect_url(
            req.redirect_uri,
            {
                "error": "access_denied",
                "error_description": "The user denied the authorization request.",
                "state": req.state,
            },
        )

    # ---- emulator controls ------------------------------------------------------------------

    async def advance_clock(self, seconds: int) -> int:
        if self.clock_sync_seconds is not None:
            self.clock.offset = await self.store.get_clock_offset()
        self.clock.advance(seconds)
        await self.store.set_clock_offset(self.clock.offset)
        return self.clock.now()

    async def reset(self) -> None:
        await self.store.reset()
        self.clock.offset = 0

    async def rotate_secret(self, app: App, new_secret: str) -> App:
        updated = replace(app, secret_hash=self.secret_hasher.hash(new_secret))
        await self.store.update_app(updated)
        return updated
