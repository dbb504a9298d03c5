"""Per-client request limits on TikTok's endpoints (``limits``, moving window).

TikTok documents 600 requests per 1-minute sliding window for ``/v2/user/info/`` and answers
the excess with 429 ``rate_limit_exceeded``; it documents no limit for the OAuth endpoints, so
theirs are ours (see ``docs/configuration.md``). Limits live in memory, or in Redis when several
processes must share them. A refused request does not count against the window.
"""

from __future__ import annotations

import hashlib
import logging
import time
from enum import Enum
from typing import cast

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from starlette.requests import Request

from loginkit.config import Settings
from loginkit.core.errors import ApiRateLimited, LoginKitError, RateLimited
from loginkit.server.metrics import RATE_LIMIT_REFUSALS

__all__ = ["Limited", "RateLimits", "limits_storage", "rate_limits"]

log = logging.getLogger("loginkit.server")

DISABLED = "off"


class Limited(Enum):
    """The endpoints with a per-client limit, and the ``Settings`` field that sets each."""

    USER_INFO = "rate_limit_user_info"
    TOKEN = "rate_limit_token"  # noqa: S105 - a field name, not a secret
    REVOKE = "rate_limit_revoke"


def limits_storage(settings: Settings) -> Storage:
    """Redis at ``settings.redis_url``, else this process's memory.

    Keys are prefixed per database, so emulators sharing one Redis but not one database keep
    apart, and ``reset()`` clears only this emulator's counters.
    """
    if settings.redis_url is None:
        return MemoryStorage()
    database = hashlib.sha256(settings.database_url.encode()).hexdigest()[:16]
    return RedisStorage(
        f"async+{settings.redis_url}",
        implementation="redispy",
        wrap_exceptions=True,
        key_prefix=f"loginkit:{database}",
        socket_timeout=settings.db_timeout,
        socket_connect_timeout=settings.db_timeout,
    )


class RateLimits:
    def __init__(self, settings: Settings, storage: Storage) -> None:
        self._items: dict[Limited, RateLimitItem] = {}
        for endpoint in Limited:
            spec: str = getattr(settings, endpoint.value)
            if spec.strip().lower() != DISABLED:
                self._items[endpoint] = parse(spec)
        self._limiter = MovingWindowRateLimiter(storage)

    async def check(self, endpoint: Limited, client_key: str) -> None:
        """Count one request of ``client_key``; raise TikTok's 429 error when over the limit.

        Unreachable Redis lets requests through (logged): a broken limiter must not take the
        emulator down with it.
        """
        item = self._items.get(endpoint)
        if item is None or not client_key:
            return
        try:
            if await self._limiter.hit(item, endpoint.name, client_key):
                return
            stats = await self._limiter.get_window_stats(item, endpoint.name, client_key)
        except StorageError as exc:
            log.warning("rate limit storage unavailable: %s", exc)
            return
        RATE_LIMIT_REFUSALS.labels(endpoint=endpoint.name.lower()).inc()
        raise _refusal(endpoint, int(stats.reset_time - time.time()) + 1)


def _refusal(endpoint: Limited, retry_after: int) -> LoginKitError:
    if endpoint is Limited.USER_INFO:
        return ApiRateLimited(retry_after)
    return RateLimited(retry_after)


def rate_limits(request: Request) -> RateLimits:
    return cast(RateLimits, request.app.state.rate_limits)
