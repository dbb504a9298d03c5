"""What the sync and async clients share: configuration and the flows they drive."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from loginkit.client import _protocol as protocol
from loginkit.client import _v1
from loginkit.client.models import ClientToken, Clock, TokenSet, UserProfile, utc_now
from loginkit.client.pkce import PKCE

__all__ = ["BaseClient"]


class BaseClient:
    """Configuration plus the flow factories; subclasses add the I/O driver."""

    def __init__(
        self,
        client_key: str,
        client_secret: str,
        *,
        redirect_uri: str | None = None,
        base_url: str | None = None,
        authorize_url: str | None = None,
        api_base_url: str | None = None,
        platform: protocol.Platform = "web",
        retry: protocol.RetryPolicy | None = None,
        timeout: float = 10.0,
        clock: Clock = utc_now,
    ) -> None:
        """``base_url`` points every endpoint at one host (the emulator); by default the
        client talks to ``www.tiktok.com`` (authorize) and ``open.tiktokapis.com`` (API).
        ``platform`` is the app's platform in TikTok's portal: only android and ios may call
        the ``v1_*`` (v1 OAuth) methods."""
        self.config = protocol.ClientConfig.create(
            client_key,
            client_secret,
            base_url=base_url,
            authorize_url=authorize_url,
            api_base_url=api_base_url,
            platform=platform,
        )
        self.redirect_uri = redirect_uri
        self.retry = retry or protocol.RetryPolicy()
        self.timeout = timeout
        self.clock = clock

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_key={self.config.client_key!r})"

    def _redirect_uri(self, redirect_uri: str | None) -> str:
        chosen = redirect_uri or self.redirect_uri
        if not chosen:
            raise ValueError("redirect_uri is required (pass it here or to the client)")
        return chosen

    def authorization_url(
        self,
        scopes: Iterable[str],
        *,
        state: str,
        pkce: PKCE | None = None,
        redirect_uri: str | None = None,
        disable_auto_auth: bool | None = None,
    ) -> str:
        """The URL to send the user's browser to. No I/O, so the same on both clients."""
        return protocol.authorization_url(
            self.config,
            scopes,
            redirect_uri=self._redirect_uri(redirect_uri),
            state=state,
            pkce=pkce,
            disable_auto_auth=disable_auto_auth,
        )

    def _exchange_code(
        self, code: str, redirect_uri: str | None, code_verifier: str | None
    ) -> protocol.Flow[TokenSet]:
        return protocol.exchange_code_flow(
            self.config,
            self.retry,
            self.clock(),
            code=code,
            redirect_uri=self._redirect_uri(redirect_uri),
            code_verifier=code_verifier,
        )

    def _refresh(self, refresh_token: str) -> protocol.Flow[TokenSet]:
        return protocol.refresh_flow(
            self.config, self.retry, self.clock(), refresh_token=refresh_token
        )

    def _revoke(self, access_token: str) -> protocol.Flow[None]:
        return protocol.revoke_flow(self.config, self.retry, access_token=access_token)

    def _client_token(self) -> protocol.Flow[ClientToken]:
        return protocol.client_token_flow(self.config, self.retry, self.clock())

    def _user_info(
        self, access_token: str, fields: Sequence[str]
    ) -> protocol.Flow[UserProfile]:
        return protocol.user_info_flow(
            self.config, self.retry, access_token=access_token, fields=fields
        )

    def _v1_exchange_code(self, code: str) -> protocol.Flow[TokenSet]:
        return _v1.v1_exchange_code_flow(self.config, self.retry, self.clock(), code=code)

    def _v1_refresh(self, refresh_token: str) -> protocol.Flow[TokenSet]:
        return _v1.v1_refresh_flow(
            self.config, self.retry, self.clock(), refresh_token=refresh_token
        )

    def _v1_revoke(self, open_id: str, access_token: str) -> protocol.Flow[None]:
        return _v1.v1_revoke_flow(
            self.config, self.retry, open_id=open_id, access_token=access_token
        )
