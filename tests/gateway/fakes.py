"""A recorded stand-in for TikTok behind ``httpx2.MockTransport`` (unit tests only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx2

from loginkit.gateway.capability import Capability, load_capability
from loginkit.gateway.credentials import AppCredentials
from loginkit.gateway.upstream import Timeouts, Upstream

TOKENS = {
    "access_token": "act.unit",
    "expires_in": 86400,
    "open_id": "open-1",
    "refresh_expires_in": 31536000,
    "refresh_token": "rft.unit",
    "scope": "user.info.basic",
    "token_type": "Bearer",
}


def answer(status: int, body: Any) -> Callable[[httpx2.Request], httpx2.Response]:
    return lambda request: httpx2.Response(status, json=body)


@dataclass
class FakeTikTok:
    reply: Callable[[httpx2.Request], httpx2.Response] = field(default=answer(200, TOKENS))
    requests: list[httpx2.Request] = field(default_factory=list)

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return self.reply(request)

    @property
    def last_form(self) -> dict[str, str]:
        return dict(parse_qsl(self.requests[-1].content.decode()))

    def upstream(
        self,
        capability: Capability | None = None,
        *,
        credentials: AppCredentials | None = None,
        override: str | None = None,
    ) -> Upstream:
        return Upstream(
            capability or load_capability(),
            override=override,
            credentials=credentials,
            timeouts=Timeouts(connect=1, total=2),
            transport=httpx2.MockTransport(self.handle),
        )
