"""Forward a consumed operation to the upstream (real TikTok or the emulator) as a form POST."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2

from loginkit.gateway.capability import Capability, ConsumedOperation
from loginkit.gateway.credentials import AppCredentials
from loginkit.gateway.redaction import redact, secrets_in
from loginkit.gateway.tiktok_forms import CREDENTIAL_FIELDS, request_fields, wire_request

logger = logging.getLogger("loginkit.gateway")


@dataclass(frozen=True)
class Timeouts:
    connect: float = 3.0
    total: float = 10.0
    """Bound on one whole upstream call, connect included."""


DEFAULT_TIMEOUTS = Timeouts()


@dataclass(frozen=True)
class UpstreamReply:
    status: int
    body: Any
    """The upstream's JSON; on success already passed through the operation's output mapping."""

    @property
    def ok(self) -> bool:
        """A 2xx without TikTok's ``error`` in the body: TikTok answers OAuth refusals with
        HTTP 200 and the flat ``{error, error_description, log_id}`` body."""
        error = self.body.get("error") if isinstance(self.body, dict) else None
        return 200 <= self.status < 300 and not (isinstance(error, str) and error)


class UpstreamError(Exception):
    """The upstream could not be reached, did not answer in time, or answered non-JSON."""

    def __init__(self, status: int, error: str, description: str, *, upstream: str):
        self.status = status
        self.error = error
        self.description = description
        self.upstream = upstream
        super().__init__(description)

    def to_body(self) -> dict[str, str]:
        return {
            "error": self.error,
            "error_description": self.description,
            "upstream": self.upstream,
        }


class Upstream:
    """One shared HTTP client for all consumed operations; ``override`` replaces every baseUri."""

    def __init__(
        self,
        capability: Capability,
        *,
        override: str | None = None,
        credentials: AppCredentials | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        transport: httpx2.AsyncBaseTransport | None = None,
    ):
        self._base_uris = {
            api.namespace: (override or api.base_uri).rstrip("/") for api in capability.consumes
        }
        self._credentials = credentials or AppCredentials()
        self._timeouts = timeouts
        self._client = httpx2.AsyncClient(
            timeout=httpx2.Timeout(timeouts.total, connect=timeouts.connect),
            headers={"Accept": "application/json"},
            transport=transport,
            follow_redirects=False,
        )

    def base_uri(self, operation: ConsumedOperation) -> str:
        return self._base_uris[operation.namespace]

    async def aclose(self) -> None:
        await self._client.aclose()

    async def call(self, operation: ConsumedOperation, form: Mapping[str, str]) -> UpstreamReply:
        """POST ``form`` to the operation's endpoint; TikTok takes form-urlencoded bodies only."""
        fields = {field.name for field in request_fields(operation.path) or ()}
        if fields.issuperset(CREDENTIAL_FIELDS):
            form = self._credentials.fill(form)
        path, wire_form = wire_request(operation.path, form)
        upstream = self.base_uri(operation)
        secrets = (*secrets_in(wire_form), *self._credentials.secret_values)
        try:
            async with asyncio.timeout(self._timeouts.total):
                response = await self._client.post(upstream + path, data=wire_form)
        except (TimeoutError, httpx2.TimeoutException) as exc:
            raise UpstreamError(
                504,
                "upstream_timeout",
                f"upstream {upstream} did not answer {operation.method} {path} within "
                f"{self._timeouts.total:g} s",
                upstream=upstream,
            ) from exc
        except httpx2.TransportError as exc:
            detail = redact(str(exc) or type(exc).__name__, secrets)
            raise UpstreamError(
                502,
                "upstream_unavailable",
                f"cannot reach upstream {upstream} ({detail})",
                upstream=upstream,
            ) from exc
        logger.info("%s %s%s -> %d", operation.method, upstream, path, response.status_code)
        try:
            body = response.json()
        except ValueError as exc:
            raise UpstreamError(
                502,
                "upstream_invalid_response",
                f"upstream {upstream} answered {operation.method} {path} with HTTP "
                f"{response.status_code} and a body that is not JSON",
                upstream=upstream,
            ) from exc
        reply = UpstreamReply(status=response.status_code, body=body)
        if not reply.ok:
            return reply
        return UpstreamReply(status=response.status_code, body=operation.extract_output(body))
