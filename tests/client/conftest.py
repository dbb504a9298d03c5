from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx2
import pytest

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

Reply = httpx2.Response | Exception | Callable[[httpx2.Request], httpx2.Response]


@dataclass
class Recorder:
    """A MockTransport that records each request and answers from a queue of replies."""

    replies: list[Reply] = field(default_factory=list)
    requests: list[httpx2.Request] = field(default_factory=list)

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        self.requests.append(request)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx2.Response):
            return reply
        return reply(request)

    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self.handler)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()
