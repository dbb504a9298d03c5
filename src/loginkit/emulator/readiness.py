"""Whether this process can serve requests now: what ``GET /readyz`` reports.

Liveness (``/healthz``) says the process runs; readiness says its database answers a bounded
query. Redis, when configured, is reported but does not make the process unready: rate limits
and the auth-failure throttle let requests through while it is away (our choice, so that a
Redis outage does not take the emulator down with it).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from limits.aio.storage import Storage

from loginkit.core.store import StoreUnavailable
from loginkit.emulator.store import AdminStore

__all__ = ["Readiness", "check_readiness"]


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    report: dict[str, str]


async def check_readiness(
    store: AdminStore, shared_limits: Storage | None, timeout: float
) -> Readiness:
    """Ask the database (and Redis, if ``shared_limits`` is one), each for at most ``timeout``."""
    report = {"status": "ready", "database": "ok"}
    try:
        async with asyncio.timeout(timeout):
            await store.ping()
    except TimeoutError:
        report.update(status="unready", database="unreachable")
        report["reason"] = f"the database did not answer within {timeout:g} s"
    except StoreUnavailable as exc:
        report.update(status="unready", database="unreachable")
        report["reason"] = f"the database is unavailable: {str(exc).splitlines()[0]}"
    if shared_limits is not None:
        report["redis"] = "ok" if await _redis_answers(shared_limits, timeout) else "unreachable"
    return Readiness(report["status"] == "ready", report)


async def _redis_answers(storage: Storage, timeout: float) -> bool:
    try:
        async with asyncio.timeout(timeout):
            return await storage.check()
    except (TimeoutError, OSError):
        return False
