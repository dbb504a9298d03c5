"""Latency the gateway adds over calling the emulator directly, via REST and via MCP.

Starts the emulator and the gateway on free loopback ports, then times the same upstream work
(revoking an access token: client authentication plus one store write) three ways, one call
at a time over kept-alive connections:

- direct: POST the form to the emulator's /v2/oauth/revoke/
- REST:   POST JSON to the gateway's /v1/v2/oauth/revoke (forwarded as a form)
- MCP:    call the revoke-access-token tool through the official MCP client (streamable HTTP)

Prints a Markdown table of p50/p99 in milliseconds. Usage:

    .venv/bin/python bench/gateway_latency.py [--requests 300] [--warmup 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test helpers that start both processes live in tests/

from mcp import ClientSession  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from tests.gateway.process import run_gateway  # noqa: E402
from tests.support.emulator import run_emulator  # noqa: E402


async def measure(call: Callable[[], Awaitable[None]], requests: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run(
    emulator_url: str, rest_url: str, mcp_url: str, form: dict[str, str], requests: int, warmup: int
) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    async with httpx2.AsyncClient(timeout=10) as http:

        async def direct() -> None:
            response = await http.post(f"{emulator_url}/v2/oauth/revoke/", data=form)
            response.raise_for_status()

        async def rest() -> None:
            response = await http.post(f"{rest_url}/v1/v2/oauth/revoke", json=form)
            response.raise_for_status()

        results["direct (emulator)"] = await measure(direct, requests, warmup)
        results["gateway REST"] = await measure(rest, requests, warmup)
    async with (
        streamable_http_client(mcp_url) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()

        async def mcp() -> None:
            result = await session.call_tool("revoke-access-token", form)
            if result.is_error:
                raise RuntimeError(result.content)

        results["gateway MCP"] = await measure(mcp, requests, warmup)
    return results


def table(results: dict[str, list[float]]) -> str:
    base = statistics.median(results["direct (emulator)"])
    rows = [
        "| path | requests | p50 ms | p99 ms | added p50 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, samples in results.items():
        p50 = percentile(samples, 0.50)
        added = "-" if name.startswith("direct") else f"{p50 - base:+.2f}"
        rows.append(
            f"| {name} | {len(samples)} | {p50:.2f} | {percentile(samples, 0.99):.2f} | {added} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    options = parser.parse_args()
    # The emulator's per-client revoke limit (600/minute, as TikTok's) would throttle the bench.
    with (
        tempfile.TemporaryDirectory() as scratch,
        run_emulator(Path(scratch), "--rate-limit-revoke", "off") as emulator,
    ):
        app = emulator.create_app(name="Bench")
        user = emulator.create_user()
        code = emulator.authorize(app, user, ["user.info.basic"])
        tokens = httpx2.post(
            f"{emulator.base_url}/v2/oauth/token/",
            data={
                "client_key": app["client_key"],
                "client_secret": app["client_secret"],
                "code": code,
                "grant_type": "authorization_code",
                "redirect_uri": app["redirect_uris"][0],
                "code_verifier": emulator.code_verifier_for(code),
            },
            timeout=10,
        ).json()
        form = {
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "token": tokens["access_token"],
        }
        with run_gateway(Path(scratch), "--upstream", emulator.base_url) as gateway:
            results = asyncio.run(
                run(
                    emulator.base_url,
                    gateway.rest_url,
                    gateway.mcp_url,
                    form,
                    options.requests,
                    options.warmup,
                )
            )
    print(table(results))


if __name__ == "__main__":
    main()
