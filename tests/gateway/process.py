"""Start ``python -m loginkit.gateway`` on free loopback ports (black-box tests, the bench)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2

from tests.support.emulator import free_port


@dataclass
class GatewayProcess:
    rest_url: str
    mcp_url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def run_gateway(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[GatewayProcess]:
    """The gateway with ``args`` (e.g. ``--upstream URL``) on free ports; stopped on exit."""
    rest_port, mcp_port = free_port(), free_port()
    command = [
        sys.executable, "-m", "loginkit.gateway", "--host", "127.0.0.1",
        "--rest-port", str(rest_port), "--mcp-port", str(mcp_port), *args,
    ]  # fmt: skip
    log_path = tmp_path / f"gateway-{rest_port}.log"
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("TIKTOK_")
    } | (env or {})
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    gateway = GatewayProcess(
        rest_url=f"http://127.0.0.1:{rest_port}",
        mcp_url=f"http://127.0.0.1:{mcp_port}/mcp",
        log_path=log_path,
        process=process,
    )
    try:
        _wait_until_serving(gateway)
        yield gateway
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(gateway: GatewayProcess) -> None:
    deadline = time.monotonic() + 30
    pending = [f"{gateway.rest_url}/openapi.json", gateway.mcp_url]
    while pending:
        if gateway.process.poll() is not None:
            raise RuntimeError(f"gateway exited: {gateway.log()}")
        try:
            # Any HTTP answer means the listener is up (GET /mcp without a session is a 4xx).
            httpx2.get(pending[0], timeout=1)
            pending.pop(0)
            continue
        except httpx2.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gateway did not start within 30 s: {gateway.log()}")
        time.sleep(0.05)
