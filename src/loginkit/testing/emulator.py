"""An emulator inside the test process: a fresh server on a free loopback port, per test.

Used by the ``tiktok_emulator`` pytest fixture (``loginkit.testing.pytest_plugin``); usable
directly::

    with run_emulator(tmp_path) as tiktok:
        app = tiktok.create_app(redirect_uris=["https://app.example.com/callback/"])
        user = tiktok.create_user(username="ana")
        code = tiktok.authorize(user, app, ["user.info.basic"])  # with PKCE, as TikTok wants
        verifier = tiktok.code_verifier_for(code)  # to send with the code to /v2/oauth/token/

The server runs on its own event loop in a background thread (uvicorn), with its own SQLite
file, so starting one costs a few tens of milliseconds rather than a process start.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2

from loginkit.core.pkce import create_challenge, create_verifier
from loginkit.core.policy import Policy

__all__ = [
    "EmulatorFaultsUnsupported",
    "InProcessEmulator",
    "PkceVerifiers",
    "app_request",
    "authorize_request",
    "code_of",
    "run_emulator",
    "user_request",
]

DEFAULT_SCOPES = ("user.info.basic", "user.info.profile", "user.info.stats", "video.list")


def app_request(**fields: Any) -> dict[str, Any]:
    """The body of ``POST /emulator/apps``: a web app with every user-info scope, or ``fields``."""
    return {
        "name": "Test app",
        "redirect_uris": ["https://app.example.com/callback/"],
        "scopes": list(DEFAULT_SCOPES),
        "platform": "web",
    } | fields


def user_request(**fields: Any) -> dict[str, Any]:
    """The body of ``POST /emulator/users``: a fresh username unless ``fields`` names one."""
    return {"username": f"user{secrets.token_hex(4)}", "display_name": "Test User"} | fields


def authorize_request(
    user: dict[str, Any], app: dict[str, Any], scopes: Sequence[str], **extra: Any
) -> dict[str, Any]:
    """The body of ``POST /emulator/authorize`` approving ``scopes`` (as ``authorize_redirect``)."""
    return {
        "user_id": user["user_id"],
        "approve": list(scopes),
        "client_key": app["client_key"],
        "redirect_uri": extra.pop("redirect_uri", app["redirect_uris"][0]),
        "scope": ",".join(extra.pop("requested", scopes)),
        "state": extra.pop("state", "state"),
        "response_type": "code",
    } | extra


def code_of(redirect_to: str) -> str:
    """The URL-decoded ``code`` of an authorize redirect."""
    return parse_qs(urlsplit(redirect_to).query)["code"][0]


@dataclass
class PkceVerifiers:
    """PKCE as a TikTok client does it (S256, base64url), remembering each code's verifier."""

    _by_code: dict[str, str] = field(default_factory=dict)

    def challenge(self, extra: dict[str, Any], pkce: bool) -> str | None:
        """Adds a fresh challenge to ``extra`` unless it has one or ``pkce`` is False; returns
        the verifier to remember for the code."""
        if not pkce or "code_challenge" in extra:
            return None
        verifier = create_verifier()
        extra["code_challenge"] = create_challenge(verifier, "base64url")
        extra["code_challenge_method"] = "S256"
        return verifier

    def remember(self, redirect_to: str, verifier: str | None) -> None:
        if verifier is not None:
            self._by_code[code_of(redirect_to)] = verifier

    def verifier_for(self, code: str) -> str | None:
        return self._by_code.get(code)


class EmulatorFaultsUnsupported(RuntimeError):
    """This emulator has no ``POST /emulator/faults`` (answered 404)."""


@dataclass
class InProcessEmulator:
    """A running emulator and helpers over its control API (admin token already set)."""

    base_url: str
    admin_token: str = field(repr=False)
    database_url: str
    control: httpx2.Client = field(init=False, repr=False)
    _verifiers: PkceVerifiers = field(default_factory=PkceVerifiers, init=False, repr=False)

    def __post_init__(self) -> None:
        self.control = httpx2.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=10,
        )

    def _call(self, method: str, path: str, json: Any = None) -> Any:
        response = self.control.request(method, path, json=json)
        if response.status_code == 404 and path == "/emulator/faults":
            raise EmulatorFaultsUnsupported("this emulator has no /emulator/faults")
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def create_app(self, **fields: Any) -> dict[str, Any]:
        """Register an app; returns ``{"client_key", "client_secret", "redirect_uris", ...}``."""
        app: dict[str, Any] = self._call("POST", "/emulator/apps", app_request(**fields))
        return app

    def create_user(self, **fields: Any) -> dict[str, Any]:
        """Create a TikTok user; returns ``{"user_id", "username", ...}``."""
        user: dict[str, Any] = self._call("POST", "/emulator/users", user_request(**fields))
        return user

    def authorize_redirect(
        self,
        user: dict[str, Any],
        app: dict[str, Any],
        scopes: Sequence[str],
        *,
        pkce: bool = True,
        **extra: Any,
    ) -> str:
        """Where TikTok would send the browser after ``user`` approves ``scopes`` for ``app``.

        ``extra`` adds authorize parameters (``state``, ``redirect_uri``, ``code_challenge``,
        ``code_challenge_method``) or ``requested`` (scopes asked, if not all approved).
        Unless ``extra`` has a ``code_challenge``, a fresh S256 one is sent; its verifier is
        ``code_verifier_for(code)``. ``pkce=False`` sends none, as an app without PKCE would:
        TikTok refuses that for web apps, and so does the emulator unless it was started with
        ``require_pkce_for_web=False``.
        """
        verifier = self._verifiers.challenge(extra, pkce)
        body = authorize_request(user, app, scopes, **extra)
        redirect_to: str = self._call("POST", "/emulator/authorize", body)["redirect_to"]
        self._verifiers.remember(redirect_to, verifier)
        return redirect_to

    def authorize(
        self,
        user: dict[str, Any],
        app: dict[str, Any],
        scopes: Sequence[str],
        *,
        pkce: bool = True,
        **extra: Any,
    ) -> str:
        """The (URL-decoded) authorization code ``user`` grants ``app`` for ``scopes``; with
        ``pkce`` (the default) its verifier is ``code_verifier_for(code)``."""
        return code_of(self.authorize_redirect(user, app, scopes, pkce=pkce, **extra))

    def code_verifier_for(self, code: str) -> str | None:
        """The PKCE ``code_verifier`` to exchange ``code`` with (None: sent without PKCE)."""
        return self._verifiers.verifier_for(code)

    def readiness(self, app: dict[str, Any]) -> dict[str, Any]:
        """Will ``app`` work on TikTok? The readiness report of its traffic so far:
        ``{"client_key", "ready", "findings": [{"id", "severity", "message", ...}]}``.

        ``assert tiktok_emulator.readiness(app)["ready"]`` fails a test whose app, as it talked
        to the emulator, would break on TikTok (``findings`` says why).
        """
        report: dict[str, Any] = self._call("GET", f"/emulator/apps/{app['client_key']}/readiness")
        return report

    def advance_clock(self, seconds: int) -> None:
        """Move the emulator's clock forward (tokens and codes age; nothing sleeps)."""
        self._call("POST", "/emulator/clock", {"advance_seconds": seconds})

    def inject_fault(
        self,
        endpoint: str,
        *,
        count: int = 1,
        error: str | None = None,
        status: int | None = None,
        latency_ms: int | None = None,
    ) -> None:
        """Make the next ``count`` calls to ``endpoint`` fail (or be slow).

        Raises:
            EmulatorFaultsUnsupported: the emulator has no fault injection.
        """
        body: dict[str, Any] = {"endpoint": endpoint, "count": count}
        optional = {"error": error, "status": status, "latency_ms": latency_ms}
        body |= {k: v for k, v in optional.items() if v is not None}
        self._call("POST", "/emulator/faults", body)

    def reset(self) -> None:
        self._call("POST", "/emulator/reset")

    def close(self) -> None:
        self.control.close()


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def run_emulator(
    directory: Path, *, startup_timeout: float = 20.0, policy: Policy | None = None
) -> Iterator[InProcessEmulator]:
    """An emulator with its own SQLite file in ``directory``, stopped on exit.

    ``policy`` switches TikTok behaviours, e.g. ``Policy(require_pkce_for_web=False)`` for an
    app that sends no PKCE.
    """
    import uvicorn

    from loginkit.config import Settings
    from loginkit.server.app import create_app

    sock = _listening_socket()
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    database_url = f"sqlite:///{directory / f'tiktok-emulator-{port}.sqlite3'}"
    settings = Settings(
        database_url=database_url,
        admin_token=token,
        host="127.0.0.1",
        port=port,
        seed_demo=False,
        policy=policy or Policy(),
    )
    config = uvicorn.Config(
        create_app(settings), log_config=None, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"tiktok-emulator-{port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the in-process emulator did not start")
        time.sleep(0.005)
    emulator = InProcessEmulator(f"http://127.0.0.1:{port}", token, database_url)
    try:
        yield emulator
    finally:
        emulator.close()
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
