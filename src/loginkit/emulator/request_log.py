"""The request log of the portal: the last OAuth and user-info requests, newest first.

Kept in memory per process (a bounded deque), so recording costs the hot path one append and no
I/O; a restart empties it, and with several workers each shows its own share.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

__all__ = ["LoggedRequest", "RequestLog"]


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    at: float
    method: str
    path: str
    status: int
    outcome: str
    log_id: str
    client_key: str | None
    duration_ms: float


class RequestLog:
    def __init__(self, capacity: int = 2000) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=capacity)

    def record(self, entry: LoggedRequest) -> None:
        self._entries.append(entry)

    def clear(self) -> None:
        self._entries.clear()

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
