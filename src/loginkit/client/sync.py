"""``TikTokClient``: the blocking client, driving the shared flows over ``httpx2.Client``."""

from __future__ import annotations

import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any, TypeVar

import httpx2

from loginkit.client._base import BaseClient
from loginkit.client._protocol import DEFAULT_USER_FIELDS, Flow, Sleep
from loginkit.client._tls import shared_tls_context
from loginkit.client.models import ClientToken, TokenSet, UserProfile

__all__ = ["TikTokClient"]

T = TypeVar("T")


class TikTokClient(BaseClient):
    """Blocking TikTok Login Kit client. Pass ``http_client`` to share a pool or a transport."""

    def __init__(
        self,
        client_key: str,
        client_secret: str,
        *,
        http_client: httpx2.Client | None = None,
        **options: Any,
    ) -> None:
        super().__init__(client_key, client_secret, **options)
        self._owns_http = http_client is None
        self._http = http_client or httpx2.Client(
            timeout=self.timeout, verify=shared_tls_context()
        )

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> TikTokClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self, flow: Flow[T]) -> T:
        try:
            step = next(flow)
            while True:
                if isinstance(step, Sleep):
                    time.sleep(step.seconds)
                    step = flow.send(None)
                    continue
                try:
                    outcome: httpx2.Response | httpx2.TransportError = self._http.send(step)
                except httpx2.TransportError as exc:
                    outcome = exc
                step = flow.send(outcome)
        except StopIteration as done:
            result: T = done.value
            return result

    def exchange_code(
        self, code: str, *, redirect_uri: str | None = None, code_verifier: str | None = None
    ) -> TokenSet:
        """Trade the callback's ``code`` for tokens. Never retried: codes are single use."""
        return self._run(self._exchange_code(code, redirect_uri, code_verifier))

    def refresh(self, refresh_token: str) -> TokenSet:
        """New tokens; store the returned refresh token, the one sent stops working."""
        return self._run(self._refresh(refresh_token))

    def revoke(self, access_token: str) -> None:
        self._run(self._revoke(access_token))

    def v1_exchange_code(self, code: str) -> TokenSet:
        """v1's ``/oauth/access_token/`` (android/ios apps only). Never retried."""
        return self._run(self._v1_exchange_code(code))

    def v1_refresh(self, refresh_token: str) -> TokenSet:
        """v1's ``/oauth/refresh_token/`` (android/ios apps only); the refresh token rotates."""
        return self._run(self._v1_refresh(refresh_token))

    def v1_revoke(self, open_id: str, access_token: str) -> None:
        """v1's ``/oauth/revoke/`` (android/ios apps only)."""
        self._run(self._v1_revoke(open_id, access_token))

    def client_token(self) -> ClientToken:
        return self._run(self._client_token())

    def user_info(
        self, access_token: str, fields: Sequence[str] = DEFAULT_USER_FIELDS
    ) -> UserProfile:
        return self._run(self._user_info(access_token, fields))
