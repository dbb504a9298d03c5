"""Run the real ``loginkit`` command in a subprocess and check how it fails."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

COMMAND_TIMEOUT = 60


def loginkit(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``loginkit ARGS`` to its end (the timeout turns a hang into a test failure)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LOGINKIT_")}
    return subprocess.run(
        [sys.executable, "-m", "loginkit", *args],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        env={**environment, **(env or {})},
        cwd=cwd,
        check=False,
    )


def error_line(result: subprocess.CompletedProcess[str], status: int = 1) -> str:
    """The one ``Error:`` line of a failed command, after checking how it failed."""
    assert result.returncode == status, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    others = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith(("Error:", "Usage:", "Try "))
    ]
    assert not others, result.stderr  # no banner, no log lines: the message alone
    return errors[0]


@contextmanager
def occupied_port() -> Iterator[int]:
    """A loopback port something else listens on."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock.getsockname()[1]


def _error_response(sqlstate: str, message: str) -> bytes:
    fields = b"".join(
        code + value.encode() + b"\0"
        for code, value in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", sqlstate), (b"M", message))
    )
    body = fields + b"\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


@contextmanager
def postgres_refusing_password() -> Iterator[int]:
    """A stand-in PostgreSQL server (an external component) that refuses every password:
    it answers the start-up message with SQLSTATE 28P01, as a real one with md5/scram auth
    does for a wrong password (the machine's own PostgreSQL trusts every local login)."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def answer(conn: socket.socket) -> None:
        with conn:
            while not stop.is_set():
                header = conn.recv(8)
                if len(header) < 8:
                    return
                length, code = struct.unpack("!II", header)
                if length > 8:
                    conn.recv(length - 8)
                if code in (80877103, 80877104):  # SSLRequest / GSSENCRequest: no
                    conn.sendall(b"N")
                    continue
                message = 'password authentication failed for user "app"'
                conn.sendall(_error_response("28P01", message))
                return

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        server.close()
