"""Throttling of failed client authentications, per client_key and per address (``limits``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from loginkit.core.errors import RateLimited

__all__ = ["AuthFailureThrottle"]


log = logging.getLogger("loginkit.server")

ADDRESS_FACTOR = 10
"""An address (an office behind NAT, a CI runner) may fail this many times more than one client."""

WINDOW_SECONDS = 60


class AuthFailureThrottle:
    def __init__(
        self,
        failures_per_minute: int,
        storage: Storage | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._monotonic = monotonic
        self._per_client = RateLimitItemPerMinute(failures_per_minute)
        self._per_address = RateLimitItemPerMinute(failures_per_minute * ADDRESS_FACTOR)
        self._limiter = MovingWindowRateLimiter(storage or MemoryStorage())
        # With the in-process store, keys without a failure in the last window cannot be over
        # their limits, so most requests need not ask the limiter. A shared store (Redis) also
        # counts other processes' failures: there every request asks it.
        local = isinstance(self._limiter.storage, MemoryStorage)
        self._last_failures: dict[tuple[str, str], float] | None = {} if local else None

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
        if not self._may_be_limited(client_key, address):
            return
        for limit, kind, value in self._keys(client_key, address):
            try:
                allowed = await self._limiter.test(limit, kind, value)
                if allowed:
                    continue
                stats = await self._limiter.get_window_stats(limit, kind, value)
            except StorageError as exc:
                log.warning("auth-failure throttle storage unavailable: %s", exc)
                return
            raise RateLimited.auth_failures(int(stats.reset_time - time.time()) + 1)

    async def record_failure(self, client_key: str, address: str) -> None:
        self._remember_failure(client_key, address)
        try:
            for limit, kind, value in self._keys(client_key, address):
                await self._limiter.hit(limit, kind, value)
        except StorageError as exc:
            log.warning("auth-failure throttle storage unavailable: %s", exc)

    def _may_be_limited(self, client_key: str, address: str) -> bool:
        if self._last_failures is None:
            return True
        since = self._monotonic() - WINDOW_SECONDS
        return any(
            self._last_failures.get((kind, value), since) > since
            for _, kind, value in self._keys(client_key, address)
        )

    def _remember_failure(self, client_key: str, address: str) -> None:
        if self._last_failures is None:
            return
        now = self._monotonic()
        for _, kind, value in self._keys(client_key, address):
            self._last_failures.pop((kind, value), None)  # re-inserted last: oldest stay first
            self._last_failures[(kind, value)] = now
        while self._last_failures:
            oldest_key, oldest = next(iter(self._last_failures.items()))
            if now - oldest <= WINDOW_SECONDS:
                break
            del self._last_failures[oldest_key]

    async def reset(self) -> None:
        if self._last_failures is not None:
            self._last_failures.clear()
        await self._limiter.storage.reset()
