"""Prometheus metrics (``prometheus-client``) and the ``GET /metrics`` route.

With ``serve --workers N`` each worker writes its samples under ``PROMETHEUS_MULTIPROC_DIR`` (set
by the CLI before the workers start) and any worker answers ``/metrics`` with the sum of all.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Protocol, runtime_checkable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = [
    "DB_POOL_CONNECTIONS",
    "RATE_LIMIT_REFUSALS",
    "REQUESTS",
    "REQUEST_SECONDS",
    "TOKENS",
    "PooledStore",
    "mark_process_dead",
    "observe_request",
    "pool_reporter",
    "routes",
]

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "loginkit_requests",
    "Requests by endpoint and outcome (ok, or the TikTok error code).",
    ["endpoint", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "loginkit_request_duration_seconds",
    "Time to answer, by endpoint.",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TOKENS = Counter(
    "loginkit_tokens",
    "Tokens handed out or revoked: event is issued, refreshed or revoked.",
    ["event"],
)
RATE_LIMIT_REFUSALS = Counter(
    "loginkit_rate_limit_refusals",
    "Requests answered 429 rate_limit_exceeded, by endpoint.",
    ["endpoint"],
)
DB_POOL_CONNECTIONS = Gauge(
    "loginkit_db_pool_connections",
    "PostgreSQL pool connections by state (in_use, idle), summed over live workers.",
    ["state"],
    multiprocess_mode="livesum",
)


@runtime_checkable
class PooledStore(Protocol):
    def pool_connections(self) -> tuple[int, int]:
        """Connections (in use, idle) of the store's pool."""
        ...


PoolReporter = Callable[[], tuple[int, int]]


def pool_reporter(store: object) -> PoolReporter | None:
    """The store's pool reading, if it has a pool; decided once at start-up, because an
    ``isinstance`` against a runtime-checkable protocol costs ~14 µs per request."""
    return store.pool_connections if isinstance(store, PooledStore) else None


def _token_event(path: str, grant_type: str | None) -> str | None:
    if path.startswith("/v2/oauth/revoke"):
        return "revoked"
    if path.startswith("/v2/oauth/token/refresh") or (
        path.startswith("/v2/oauth/token") and grant_type == "refresh_token"
    ):
        return "refreshed"
    if path.startswith("/v2/oauth/token"):
        return "issued"
    return None


# ``labels()`` validates and locks on every call; the label sets are few, so their children are
# looked up once.
@cache
def _requests(endpoint: str, outcome: str) -> Counter:
    return REQUESTS.labels(endpoint=endpoint, outcome=outcome)


@cache
def _request_seconds(endpoint: str) -> Histogram:
    return REQUEST_SECONDS.labels(endpoint=endpoint)


@cache
def _tokens(event: str) -> Counter:
    return TOKENS.labels(event=event)


@cache
def _pool_connections(state: str) -> Gauge:
    return DB_POOL_CONNECTIONS.labels(state=state)


def observe_request(request: Request, outcome: str, seconds: float) -> None:
    """Count one answered request; labels come from the matched route, a bounded set."""
    route = request.scope.get("route")
    endpoint = getattr(route, "path", "unmatched")
    _requests(endpoint, outcome).inc()
    _request_seconds(endpoint).observe(seconds)
    if outcome == "ok":
        event = _token_event(endpoint, getattr(request.state, "grant_type", None))
        if event is not None:
            _tokens(event).inc()
    report_pool: PoolReporter | None = getattr(request.app.state, "pool_reporter", None)
    if report_pool is not None:
        in_use, idle = report_pool()
        _pool_connections("in_use").set(in_use)
        _pool_connections("idle").set(idle)


def mark_process_dead() -> None:
    """Drop this worker's live gauges from the shared directory as it exits."""
    if os.environ.get(MULTIPROCESS_DIR):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


async def metrics(request: Request) -> Response:
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest()
    return Response(body, media_type=CONTENT_TYPE_LATEST)


routes = [Route("/metrics", metrics, methods=["GET"])]
