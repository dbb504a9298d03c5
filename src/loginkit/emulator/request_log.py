"""The request log: every response of the TikTok endpoints, the authorize pages and v1, newest
first, each with what is needed to explain it (``loginkit explain LOG_ID``) and to judge the app's
traffic (the readiness report).

Kept in memory per process (a bounded deque), so recording costs the hot path one append and no
I/O; a restart empties it, and with several workers each keeps, finds and reports its own share.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["LoggedRequest", "RequestLog", "record_view"]


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    at: float
    method: str
    path: str
    status: int
    outcome: str
    """``ok``, TikTok's error code, or ``refused`` (an error page)."""
    log_id: str
    client_key: str | None
    duration_ms: float
    params: dict[str, str] = field(default_factory=dict)
    """The parameters received (query, form, Authorization), secrets masked."""
    rule: str | None = None
    """The check that refused the request, e.g. ``redirect_uri.mismatch``."""
    explanation: str | None = None
    observations: tuple[str, ...] = ()
    """What the core and the HTTP layer noticed, e.g. ``authorize.no_pkce``."""


def record_view(entry: LoggedRequest) -> dict[str, Any]:
    """The record as the control API, ``loginkit explain`` and the portal show it."""
    return {
        **asdict(entry),
        "endpoint": entry.path,
        "error": None if entry.outcome == "ok" else entry.outcome,
        "observations": list(entry.observations),
    }


class RequestLog:
    def __init__(self, capacity: int = 2000) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=capacity)

    def record(self, entry: LoggedRequest) -> None:
        self._entries.append(entry)

    def clear(self) -> None:
        self._entries.clear()

    def find(self, log_id: str) -> LoggedRequest | None:
        return next((e for e in reversed(self._entries) if e.log_id == log_id), None)

    def newest_first(
        self,
        *,
        path: str = "",
        client_key: str = "",
        outcome: str = "",
        limit: int = 200,
    ) -> list[LoggedRequest]:
        """Entries whose path contains ``path`` and whose client_key and outcome are equal to
        the ones given (blank matches all)."""
        found: list[LoggedRequest] = []
        for entry in reversed(self._entries):
            if path and path not in entry.path:
                continue
            if client_key and entry.client_key != client_key:
                continue
            if outcome and entry.outcome != outcome:
                continue
            found.append(entry)
            if len(found) >= limit:
                break
        return found
