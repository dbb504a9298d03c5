"""Throttling of failed client authentications, per client_key and per address (``limits``)."""

from __future__ import annotations

import time

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from loginkit.core.errors import RateLimited

__all__ = ["AuthFailureThrottle"]


class AuthFailureThrottle:
    def __init__(self, failures_per_minute: int, storage: Storage | None = None) -> None:
        self._limit = RateLimitItemPerMinute(failures_per_minute)
        self._limiter = MovingWindowRateLimiter(storage or MemoryStorage())

    def _keys(self, client_key: str, address: str) -> tuple[tuple[str, str], ...]:
        return (("client", client_key), ("address", address))

    async def check(self, client_key: str, address: str) -> None:
        """Raise ``RateLimited`` while either key has used up its failures."""
        for key in self._keys(client_key, address):
            if not await self._limiter.test(self._limit, *key):
                stats = await self._limiter.get_window_stats(self._limit, *key)
                raise RateLimited(
                    int(stats.reset_time - time.time()) + 1,
                    "Too many failed client authentications. Please retry later.",
                )

    async def record_failure(self, client_key: str, address: str) -> None:
        for key in self._keys(client_key, address):
            await self._limiter.hit(self._limit, *key)

    async def reset(self) -> None:
        await self._limiter.storage.reset()
