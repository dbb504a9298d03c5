"""Throughput of ``loginkit serve --workers N`` on PostgreSQL next to SQLite (loopback, bounded).

Each run starts a fresh server, then drives SEQUENCES full sequences (authorize through the
control API → code exchange → refresh → user info: 4 requests) with CONCURRENCY clients at once
from one asyncio process, and prints a Markdown table. Rate limits are switched off: this
measures the server, not its limiter.

    .venv/bin/python bench/workers.py [--sequences 300] [--concurrency 32] [--workers 1,2,4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx2

ADMIN_URL = os.environ.get("LOGINKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(database_url: str, workers: int, token: str, log: Path) -> tuple[Any, str]:
    port = free_port()
    command = [
        sys.executable, "-m", "loginkit", "serve", "--port", str(port),
        "--database-url", database_url, "--admin-token", token, "--workers", str(workers),
        "--rate-limit-token", "off", "--rate-limit-user-info", "off", "--no-demo",
    ]  # fmt: skip
    with log.open("ab") as out:
        # Every process sharing a PostgreSQL database needs the same client-secret key.
        env = {**os.environ, "LOGINKIT_SECRET_KEY": secrets.token_hex(16)}
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx2.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return process, base_url
        except httpx2.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(log.read_text()[-2000:])
        time.sleep(0.1)


async def one_sequence(
    http: httpx2.AsyncClient, admin: dict[str, str], app: dict[str, Any], user: dict[str, Any]
) -> None:
    redirect = await http.post("/emulator/authorize", headers=admin, json={
        "user_id": user["user_id"], "approve": ["user.info.basic"],
        "client_key": app["client_key"], "redirect_uri": app["redirect_uris"][0],
        "scope": "user.info.basic", "state": "bench", "response_type": "code",
    })  # fmt: skip
    code = httpx2.URL(redirect.json()["redirect_to"]).params["code"]
    credentials = {"client_key": app["client_key"], "client_secret": app["client_secret"]}
    tokens = await http.post("/v2/oauth/token/", data=credentials | {
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": app["redirect_uris"][0],
    })  # fmt: skip
    rotated = await http.post("/v2/oauth/token/", data=credentials | {
        "grant_type": "refresh_token", "refresh_token": tokens.json()["refresh_token"],
    })  # fmt: skip
    info = await http.get(
        "/v2/user/info/",
        params={"fields": "open_id,display_name"},
        headers={"Authorization": f"Bearer {rotated.json()['access_token']}"},
    )
    if info.status_code != 200:
        raise RuntimeError(f"sequence failed: {info.text}")


async def drive(base_url: str, token: str, sequences: int, concurrency: int) -> float:
    """Sequences per second."""
    admin = {"Authorization": f"Bearer {token}"}
    limits = httpx2.Limits(max_connections=concurrency)
    async with httpx2.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        app = (await http.post("/emulator/apps", headers=admin, json={
            "name": "bench", "redirect_uris": ["https://bench.example.com/cb/"],
            "scopes": ["user.info.basic"], "platform": "web",
        })).json()  # fmt: skip
        user = (await http.post("/emulator/users", headers=admin, json={
            "username": f"bench{secrets.token_hex(3)}", "display_name": "Bench",
        })).json()  # fmt: skip
        for _ in range(concurrency):  # warm up connections and pools
            await one_sequence(http, admin, app, user)
        remaining = sequences

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await one_sequence(http, admin, app, user)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return sequences / (time.perf_counter() - started)


async def postgres(sql: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def run(backend: str, workers: int, args: argparse.Namespace, tmp: Path) -> float:
    token = secrets.token_urlsafe(16)
    name = f"loginkit_bench_{secrets.token_hex(4)}"
    if backend == "PostgreSQL":
        asyncio.run(postgres(f"CREATE DATABASE {name}"))
        url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = f"sqlite:///{tmp / f'{name}.sqlite3'}"
    process, base_url = start_server(url, workers, token, tmp / f"{name}.log")
    try:
        return asyncio.run(drive(base_url, token, args.sequences, args.concurrency))
    finally:
        process.terminate()
        process.wait(timeout=30)
        if backend == "PostgreSQL":
            asyncio.run(postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sequences", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    print(
        f"{args.sequences} sequences x 4 requests, {args.concurrency} concurrent clients, "
        f"{os.cpu_count()} CPUs (client and servers share them)\n"
    )
    print("| workers | PostgreSQL seq/s | PostgreSQL req/s | SQLite seq/s | SQLite req/s |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="loginkit-bench-") as tmp:
        for workers in counts:
            pg = run("PostgreSQL", workers, args, Path(tmp))
            lite = run("SQLite", workers, args, Path(tmp))
            print(
                f"| {workers} | {pg:.0f} | {pg * 4:.0f} | {lite:.0f} | {lite * 4:.0f} |", flush=True
            )


if __name__ == "__main__":
    main()
