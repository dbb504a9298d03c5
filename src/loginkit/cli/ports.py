"""Bind a listening port before anything is printed, or say in one line why it cannot be;
run the servers on it on uvicorn's choice of event loop (uvloop when installed)."""

from __future__ import annotations

import asyncio
import errno
import os
import socket
from collections.abc import Coroutine
from typing import Any

import click

__all__ = ["listen", "run_servers"]


def listen(host: str, port: int, purpose: str, option: str) -> socket.socket:
    """A socket listening on ``host:port`` for ``purpose``; ``option`` is how to pick another."""
    try:
        return _bound(host, port)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        hint = (
            f"stop what uses it or pass {option} with another port"
            if exc.errno == errno.EADDRINUSE
            else f"check --host {host} and {option}"
        )
        raise click.ClickException(
            f"cannot listen on {host}:{port} for {purpose} ({reason}): {hint}"
        ) from None


def _bound(host: str, port: int) -> socket.socket:
    # Created as IPPROTO_TCP, not 0 (``socket.create_server``): asyncio turns Nagle's algorithm
    # off only on connections of a socket that says it is TCP. With it on, a response written
    # as headers then body waits for the client's delayed ACK: 40 ms per kept-alive request.
    sock = socket.socket(_family(host), socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if os.name == "posix":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


def run_servers(main: Coroutine[Any, Any, None]) -> None:
    """``asyncio.run(main)`` on the event loop uvicorn would pick itself (uvloop when installed),
    as ``serve --workers`` processes get it."""
    from uvicorn.loops.auto import auto_loop_factory

    with asyncio.Runner(loop_factory=auto_loop_factory()) as runner:
        runner.run(main)


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
