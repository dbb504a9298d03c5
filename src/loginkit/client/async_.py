"""``AsyncTikTokClient``: the asyncio client; drives the shared flows over httpx2."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import TracebackType
from typing import Any, TypeVar

import httpx2

from loginkit.client._base import BaseClient
from loginkit.client._protocol import DEFAULT_USER_FIELDS, Flow, Sleep
from loginkit.client._tls import shared_tls_context
from loginkit.client.models import ClientToken, TokenSet, UserProfile

__all__ = ["AsyncTikTokClient"]

T = TypeVar("T")


class AsyncTikTokClient(BaseClient):
    """Asyncio TikTok Login Kit client. Pass ``http_client`` to share a pool or a transport."""

    def __init__(
        self,
        client_key: str,
        client_secret: str,
        *,
        http_client: httpx2.AsyncClient | None = None,
        **options: Any,
    ) -> None:
        super().__init__(client_key, client_secret, **options)
        self._owns_http = http_client is None
        self._http = http_client or httpx2.AsyncClient(
            timeout=self.timeout, verify=shared_tls_context()
        )

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncTikTokClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _run(self, flow: Flow[T]) -> T:
        try:
            step = next(flow)
            while True:
                if isinstance(step, Sleep):
                    await asyncio.sleep(step.seconds)
                    step = flow.send(None)
                    continue
                try:
                    outcome: httpx2.Response | httpx2.TransportError = await self._http.send(step)
                except httpx2.TransportError as exc:
                    outcome = exc
                step = flow.send(outcome)
        except StopIteration as done:
            result: T = done.value
            return result

    async def exchange_code(
        self, code: str, *, redirect_uri: str | None = None, code_verifier: str | None = None
    ) -> TokenSet:
        """Trade the callback's ``code`` for tokens. Never retried: codes are single use."""
        return await self._run(self._exchange_code(code, redirect_uri, code_verifier))

    async def refresh(self, refresh_token: str) -> TokenSet:
        """New tokens; store the returned refresh token, the one sent stops working."""
        return await self._run(self._refresh(refresh_token))

    async def revoke(self, access_token: str) -> None:
        await self._run(self._revoke(access_token))

    async def v1_exchange_code(self, code: str) -> TokenSet:
        """v1's ``/oauth/access_token/`` (android/ios apps only). Never retried."""
        return await self._run(self._v1_exchange_code(code))

    async def v1_refresh(self, refresh_token: str) -> TokenSet:
        """v1's ``/oauth/refresh_token/`` (android/ios apps only); the refresh token rotates."""
        return await self._run(self._v1_refresh(refresh_token))

    async def v1_revoke(self, open_id: str, access_token: str) -> None:
        """v1's ``/oauth/revoke/`` (android/ios apps only)."""
        await self._run(self._v1_revoke(open_id, access_token))

    async def client_token(self) -> ClientToken:
        return await self._run(self._client_token())

    async def user_info(
        self, access_token: str, fields: Sequence[str] = DEFAULT_USER_FIELDS
    ) -> UserProfile:
        return await self._run(self._user_info(access_token, fields))
