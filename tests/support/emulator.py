"""Start a real emulator process on a free loopback port, for black-box tests."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from loginkit.testing.emulator import (
    PkceVerifiers,
    app_request,
    authorize_request,
    code_of,
    user_request,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class EmulatorProcess:
    """A running ``loginkit serve``; ``control`` talks to its control API with the admin token."""

    base_url: str
    admin_token: str
    database_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    http: httpx2.Client = field(init=False)
    verifiers: PkceVerifiers = field(default_factory=PkceVerifiers, init=False)

    def __post_init__(self) -> None:
        self.http = httpx2.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=10,
        )

    def control(self, method: str, path: str, json: Any = None) -> Any:
        response = self.http.request(method, path, json=json)
        assert response.status_code < 300, (response.status_code, response.text)
        return response.json()

    def create_app(self, **fields: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.control("POST", "/emulator/apps", app_request(**fields))
        return result

    def create_user(self, **fields: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.control("POST", "/emulator/users", user_request(**fields))
        return result

    def authorize(
        self,
        app: dict[str, Any],
        user: dict[str, Any],
        scopes: Sequence[str],
        *,
        pkce: bool = True,
        **extra: Any,
    ) -> str:
        """Approve ``scopes`` as ``user``; returns the authorization code (URL-decoded).

        Sends a fresh S256 challenge unless ``extra`` has one or ``pkce`` is False; the verifier
        is ``code_verifier_for(code)``.
        """
        extra.setdefault("state", "st")
        verifier = self.verifiers.challenge(extra, pkce)
        body = authorize_request(user, app, scopes, **extra)
        redirect_to = self.control("POST", "/emulator/authorize", body)["redirect_to"]
        self.verifiers.remember(redirect_to, verifier)
        return code_of(redirect_to)

    def code_verifier_for(self, code: str) -> str | None:
        return self.verifiers.verifier_for(code)

    def log_entries(
        self, until: Callable[[list[dict[str, Any]]], bool], timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """The JSON lines of the emulator's log, read until ``until`` holds for them.

        The server writes its log every 50 ms, so a line may arrive shortly after its response.
        """
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_path.read_text()
            entries = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
            if until(entries) or time.monotonic() > deadline:
                return entries
            time.sleep(0.02)

    def stop(self) -> None:
        self.http.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def run_emulator(
    tmp_path: Path,
    *args: str,
    database_url: str | None = None,
    env: dict[str, str] | None = None,
    command_name: str = "serve",
) -> Iterator[EmulatorProcess]:
    """``loginkit serve`` (or ``command_name``: ``up``, as ``make run``) on a free port with its
    own SQLite file; stopped on exit."""
    port = free_port()
    token = secrets.token_urlsafe(24)
    db = database_url or f"sqlite:///{tmp_path / f'emulator-{port}.sqlite3'}"
    command = [
        sys.executable,
        "-m",
        "loginkit",
        command_name,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database-url",
        db,
        "--admin-token",
        token,
        *args,
    ]
    log_path = tmp_path / f"emulator-{port}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(
                f"emulator exited: {(tmp_path / f'emulator-{port}.log').read_text()}"
            )
        try:
            if httpx2.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                break
        except httpx2.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("emulator did not become healthy within 30 s")
        time.sleep(0.05)
    emulator = EmulatorProcess(base_url, token, db, process, log_path)
    try:
        yield emulator
    finally:
        emulator.stop()
        log.close()
