"""Bind a listening port before anything is printed, or say in one line why it cannot be."""

from __future__ import annotations

import errno
import os
import socket

import click

__all__ = ["listen"]


def listen(host: str, port: int, purpose: str, option: str) -> socket.socket:
    """A socket listening on ``host:port`` for ``purpose``; ``option`` is how to pick another."""
    try:
        return socket.create_server((host, port), family=_family(host), backlog=2048)
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


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
