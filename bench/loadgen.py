"""A small keep-alive HTTP/1.1 client for the bench's setup phases and multi-step scenarios.

wrk drives the single-request scenarios; this client mints codes and tokens before the timed
window (many concurrent connections, no per-request allocation of a full client stack) and
drives the login sequence, whose three steps depend on each other's answers.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

__all__ = ["Connection", "Result", "run_concurrently", "summarise"]


class Connection:
    """One kept-alive connection; requests go one at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _ensure(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def request(
        self, method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        reader, writer = await self._ensure()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await reader.readexactly(length)

    async def post_form(self, path: str, form: dict[str, str]) -> tuple[int, Any]:
        status, body = await self.request(
            "POST",
            path,
            body=urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return status, json.loads(body)

    async def post_json(self, path: str, payload: Any, token: str) -> tuple[int, Any]:
        status, body = await self.request(
            "POST",
            path,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        return status, json.loads(body)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._reader = self._writer = None


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


async def run_concurrently(
    host: str,
    port: int,
    concurrency: int,
    total: int,
    step: Callable[[Connection, int], Awaitable[bool]],
) -> Result:
    """Run ``step`` ``total`` times over ``concurrency`` connections; time each call."""
    result = Result()
    counter = iter(range(total))

    async def worker() -> None:
        conn = Connection(host, port)
        try:
            for index in counter:
                began = time.perf_counter()
                ok = await step(conn, index)
                result.latencies_ms.append((time.perf_counter() - began) * 1000)
                result.failures += not ok
        finally:
            await conn.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - began
    return result


def summarise(result: Result) -> dict[str, float]:
    ordered = sorted(result.latencies_ms)

    def pct(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    return {
        "rps": result.rate,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "requests": len(ordered),
        "failures": result.failures,
    }
