"""Fixtures of the page tests: a loopback "app" that starts a login and receives the callback,
and Debian's chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from loginkit.core.pkce import create_challenge, create_verifier
from tests.support.emulator import EmulatorProcess

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# `make screenshots` points this at docs/img to refresh the README's pictures; a plain test run
# writes them to a temporary folder so that it leaves the work tree clean.
SCREENSHOTS = Path(
    os.environ.get("LOGINKIT_SCREENSHOTS_DIR")
    or Path(tempfile.gettempdir()) / "loginkit-screenshots"
)


@dataclass
class LoopbackApp:
    """A relying party on 127.0.0.1: ``/`` links to the authorize page, ``/callback`` records
    what TikTok (the emulator) sent back."""

    emulator_url: str
    client_key: str = ""
    scope: str = ""
    server: ThreadingHTTPServer = field(init=False)
    callbacks: list[dict[str, str]] = field(default_factory=list)
    webhooks: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    webhook_failures: int = 0
    """How many webhook POSTs to answer 500 before accepting (to exercise retries)."""
    state: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    code_verifier: str = field(default_factory=create_verifier)
    """Sent as an S256 challenge with every authorize URL: web apps may be required to use PKCE."""
    pages: dict[str, str] = field(default_factory=dict)
    """More pages the app serves (path → body HTML), e.g. a form posting to the emulator."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def redirect_uri(self) -> str:
        return f"{self.base_url}/callback"

    def authorize_url(self, **extra: str) -> str:
        params = {
            "client_key": self.client_key,
            "response_type": "code",
            "scope": self.scope,
            "redirect_uri": self.redirect_uri,
            "state": self.state,
            "code_challenge": create_challenge(self.code_verifier, "base64url"),
            "code_challenge_method": "S256",
        } | extra
        return f"{self.emulator_url}/v2/auth/authorize/?{urlencode(params)}"


def _handler(app: LoopbackApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, html: str) -> None:
            body = html.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            page = (
                '<!doctype html><html><head><link rel="icon" href="data:,"></head>'
                "<body>{}</body></html>"
            )
            if url.path == "/":
                self._send(
                    200,
                    page.format(
                        f'<a id="start" href="{app.authorize_url()}">Continue with TikTok</a>'
                    ),
                )
            elif url.path in app.pages:
                self._send(200, page.format(app.pages[url.path]))
            elif url.path == "/callback":
                app.callbacks.append({k: v[0] for k, v in parse_qs(url.query).items()})
                self._send(200, page.format('<p id="done">Callback received</p>'))
            else:
                self._send(404, page.format("not found"))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            app.webhooks.append((dict(self.headers.items()), self.rfile.read(length)))
            if app.webhook_failures > 0:
                app.webhook_failures -= 1
                self._send(500, "try again")
            else:
                self._send(200, "ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def loopback_app(emulator: EmulatorProcess) -> Iterator[LoopbackApp]:
    app = LoopbackApp(emulator.base_url)
    app.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(app))
    thread = threading.Thread(target=app.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app
    finally:
        app.server.shutdown()
        app.server.server_close()


# ---- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One chromium per module: sync Playwright runs an event loop on this thread while it is
    open, which would break ``asyncio.run`` in the tests of other modules."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@dataclass
class Tab:
    page: Any
    console_errors: list[str]


def _open_tab(browser: Any, **context_options: Any) -> Iterator[Tab]:
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield Tab(page, errors)
    finally:
        context.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    yield from _open_tab(browser, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_tab(browser: Any) -> Iterator[Tab]:
    yield from _open_tab(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )


def screenshot(tab: Tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=True, animations="disabled"
    )
