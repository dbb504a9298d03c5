"""Throttling of failed client authentications, per client_key and per address (``limits``)."""

from __future__ import annotations

import logging
import time

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from loginkit.core.errors import RateLimited

__all__ = ["AuthFailureThrottle"]


log = logging.getLogger("loginkit.server")

ADDRESS_FACTOR = 10
"""An address (an office behind NAT, a CI runner) may fail this many times more than one client."""


class AuthFailureThrottle:
    def __init__(self, failures_per_minute: int, storage: Storage | None = None) -> None:
        self._per_client = RateLimitItemPerMinute(failures_per_minute)
        self._per_address = RateLimitItemPerMinute(failures_per_minute * ADDRESS_FACTOR)
        self._limiter = MovingWindowRateLimiter(storage or MemoryStorage())

    def _keys(self, client_key: str, address: str) -> tuple[tuple[RateLimitItem, str, str], ...]:
        return (
            (self._per_client, "client", client_key),
            (self._per_address, "address", address),
        )

    async def check(self, client_key: str, address: str) -> None:
        """Raise ``RateLimited`` while either key has used up its failures.

        If the shared store (Redis) is down, requests go through: an outage of the throttle
        must not become an outage of the token endpoint.
        """
        for limit, kind, value in self._keys(client_key, address):
            try:
                allowed = await self._limiter.test(limit, kind, value)
                if allowed:
                    continue
                stats = await self._limiter.get_window_stats(limit, kind, value)
            except StorageError as exc:
                log.warning("auth-failure throttle storage unavailable: %s", exc)
                return
            raise RateLimited(
                int(stats.reset_time - time.time()) + 1,
                "Too many failed client authentications. Please retry later.",
            )

    async def record_failure(self, client_key: str, address: str) -> None:
        try:
            for limit, kind, value in self._keys(client_key, address):
                await self._limiter.hit(limit, kind, value)
        except StorageError as exc:
            log.warning("auth-failure throttle storage unavailable: %s", exc)

    async def reset(self) -> None:
        await self._limiter.storage.reset()
