"""In-memory token stores: for tests, demos and single-process apps (tokens die on restart)."""

from __future__ import annotations

import threading

from loginkit.client.models import TokenSet

__all__ = ["AsyncMemoryTokenStore", "MemoryTokenStore"]


class MemoryTokenStore:
    """A dict guarded by a lock, safe to share between threads."""

    def __init__(self) -> None:
        self._tokens: dict[str, TokenSet] = {}
        self._lock = threading.Lock()

    def load(self, user_key: str) -> TokenSet | None:
        with self._lock:
            return self._tokens.get(user_key)

    def save(self, user_key: str, tokens: TokenSet) -> None:
        with self._lock:
            self._tokens[user_key] = tokens

    def delete(self, user_key: str) -> None:
        with self._lock:
            self._tokens.pop(user_key, None)


class AsyncMemoryTokenStore:
    """The asyncio face of :class:`MemoryTokenStore` (its operations never block)."""

    def __init__(self, store: MemoryTokenStore | None = None) -> None:
        self.store = store or MemoryTokenStore()

    async def load(self, user_key: str) -> TokenSet | None:
        return self.store.load(user_key)

    async def save(self, user_key: str, tokens: TokenSet) -> None:
        self.store.save(user_key, tokens)

    async def delete(self, user_key: str) -> None:
        self.store.delete(user_key)
