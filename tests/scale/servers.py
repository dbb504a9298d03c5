"""Several ``loginkit serve`` processes over one database, each on its own loopback port.

Unlike ``tests.support.emulator.run_emulator`` a server here can be killed with SIGKILL and
started again on the same port with the same admin token, as a crashed process would be.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import httpx2

from tests.support.emulator import EmulatorProcess, free_port

__all__ = ["Server", "run_servers"]


class Server:
    """One ``loginkit serve`` process; ``emulator`` gives the control-API helpers."""

    def __init__(
        self, database_url: str, admin_token: str, log_dir: Path, args: Sequence[str]
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.admin_token = admin_token
        self.log_path = log_dir / f"server-{self.port}.log"
        self.args = tuple(args)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            sys.executable, "-m", "loginkit", "serve",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--database-url", self.database_url, "--admin-token", self.admin_token,
            *self.args,
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self.wait_healthy()

    def wait_healthy(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx2.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not healthy: {self.log_path.read_text()[-3000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, as a crash."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if "emulator" in self.__dict__:
            self.emulator.http.close()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @cached_property
    def emulator(self) -> EmulatorProcess:
        assert self.process is not None
        return EmulatorProcess(
            self.base_url, self.admin_token, self.database_url, self.process, self.log_path
        )


@contextmanager
def run_servers(count: int, database_url: str, log_dir: Path, *args: str) -> Iterator[list[Server]]:
    """``count`` servers over ``database_url``, started one after the other, stopped on exit."""
    token = secrets.token_urlsafe(24)
    servers = [Server(database_url, token, log_dir, args) for _ in range(count)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()
