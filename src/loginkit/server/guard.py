"""What every endpoint that authenticates a client runs through, v1 and v2 alike.

Failed client authentications are throttled per client_key and per address, and each client's
requests are counted against its rate limit, before the service is called.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from starlette.requests import Request

from loginkit.core.errors import InvalidClient
from loginkit.server.context import client_address, throttle
from loginkit.server.ratelimit import Limited, rate_limits

__all__ = ["guarded_client_call"]

T = TypeVar("T")


async def guarded_client_call(
    request: Request,
    params: Mapping[str, str],
    limited: Limited,
    call: Callable[[Mapping[str, str]], Awaitable[T]],
) -> T:
    """``call(params)``, behind the auth-failure throttle and ``limited``'s per-client limit."""
    client_key = params.get("client_key", "")
    request.state.client_key = client_key or None
    address = client_address(request)
    await throttle(request).check(client_key, address)
    await rate_limits(request).check(limited, client_key)
    try:
        return await call(params)
    except InvalidClient:
        await throttle(request).record_failure(client_key, address)
        raise
