"""The façade the HTTP layer calls: one method per endpoint, TikTok's rules inside.

The service knows nothing of HTTP. It takes already-parsed parameters (a form or query as a
mapping of single values) and returns wire bodies or raises ``loginkit.core.errors`` classes.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from loginkit.core import v1
from loginkit.core.authorize import AuthorizeRequest, redirect_url, validate_authorize_request
from loginkit.core.clock import SystemClock
from loginkit.core.context import Context
from loginkit.core.errors import InvalidClient, InvalidRequest, InvalidScope, UnsupportedGrantType
from loginkit.core.grants import GRANTS, REQUIRED_PARAMS
from loginkit.core.models import App, AuthorizationCode, Grant, Token, TokenResponse, User
from loginkit.core.params import require
from loginkit.core.policy import Policy
from loginkit.core.revocation import revoke
from loginkit.core.scopes import BASIC_SCOPE, format_scopes
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
            raise InvalidClient(detail=f"client authentication failed for {form['client_key']!r}")
        return app

    # ---- token endpoints --------------------------------------------------------------------

    async def token(
        self, form: Mapping[str, str], *, default_grant: str | None = None
    ) -> TokenResponse:
        """``POST /v2/oauth/token/``; ``default_grant`` serves the refresh alias path."""
        grant_type = form.get("grant_type") or default_grant
        if not grant_type:
            raise InvalidRequest.missing("grant_type")
        if default_grant is not None and grant_type != default_grant:
            raise UnsupportedGrantType(f"This endpoint only accepts grant_type={default_grant}.")
        grant = GRANTS.get(grant_type)
        if grant is None:
            raise UnsupportedGrantType(detail=f"grant_type {grant_type!r}")
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

    async def validate_v1_authorize(self, params: Mapping[str, str]) -> AuthorizeRequest:
        """``GET /auth/authorize/``'s checks; raises ``AuthorizePageError`` like v2's."""
        app = await self.store.get_app(params.get("client_key", ""))
        return v1.validate_authorize(params, app, self.policy, self.clock.now())

    # ---- user info --------------------------------------------------------------------------

    async def bearer_access_token(self, authorization: str | None) -> Token:
        """The live access token of an ``Authorization: Bearer`` header, for ``user_info``."""
        return await live_access_token(self.ctx, authorization)

    async def user_info(self, token: Token, fields: str | None) -> dict[str, object]:
        """``GET /v2/user/info/`` → the ``user`` object for ``bearer_access_token``'s token."""
        return await user_info(self.ctx, token, fields, avatar_base_url=self.avatar_base_url)

    # ---- authorize --------------------------------------------------------------------------

    async def validate_authorize(self, params: Mapping[str, str]) -> AuthorizeRequest:
        """Raises ``AuthorizePageError`` naming the parameter to correct; never redirects."""
        app = await self.store.get_app(params.get("client_key", ""))
        return validate_authorize_request(params, app, self.policy)

    async def approve(self, req: AuthorizeRequest, user: User, granted: tuple[str, ...]) -> str:
        """The user approved ``granted`` (⊆ requested): mint a code; returns the redirect URL."""
        extra = [s for s in granted if s not in req.scopes]
        if extra:
            raise InvalidScope(f"Scopes not requested: {', '.join(extra)}.")
        if BASIC_SCOPE in req.scopes and BASIC_SCOPE not in granted:
            raise InvalidScope(f"{BASIC_SCOPE} is required when requested and cannot be declined.")
        if not granted:
            raise InvalidScope("At least one scope must be granted.")
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
    def deny(req: AuthorizeRequest) -> str:
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
