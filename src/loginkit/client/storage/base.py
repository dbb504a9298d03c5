"""Token store protocols: a key (your user id, or TikTok's ``open_id``) → a :class:`TokenSet`."""

from __future__ import annotations

from typing import Protocol

from loginkit.client.models import TokenSet

__all__ = ["AsyncTokenStore", "TokenStore"]


class TokenStore(Protocol):
    """Blocking token store, used by :class:`~loginkit.client.session.Sessions`."""

    def load(self, user_key: str) -> TokenSet | None:
        """The tokens saved for ``user_key``, or ``None``."""
        ...

    def save(self, user_key: str, tokens: TokenSet) -> None:
        """Replace the tokens of ``user_key`` (after a refresh, the rotated refresh token)."""
        ...

    def delete(self, user_key: str) -> None:
        """Forget ``user_key``'s tokens; no error if there are none."""
        ...


class AsyncTokenStore(Protocol):
    """Asyncio token store, used by :class:`~loginkit.client.session.AsyncSessions`."""

    async def load(self, user_key: str) -> TokenSet | None: ...

    async def save(self, user_key: str, tokens: TokenSet) -> None: ...

    async def delete(self, user_key: str) -> None: ...
