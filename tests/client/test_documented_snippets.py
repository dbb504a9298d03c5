"""The FastAPI, Starlette and Flask apps of README.md and docs/client.md, run as written.

Each marked code block (``<!-- snippet-test: NAME -->`` before it) is written to a new project
folder as ``app.py`` and served by the command the docs give, against a real emulator; a login
through its routes must leave the user logged in to the app's session."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from loginkit.testing.emulator import InProcessEmulator, run_emulator
from tests.support.emulator import free_port

ROOT = Path(__file__).resolve().parents[2]
MARKED = re.compile(r"<!-- snippet-test: (\w+) -->\n```python\n(.*?)```", re.DOTALL)


def snippets(document: str) -> dict[str, str]:
    return dict(MARKED.findall((ROOT / document).read_text(encoding="utf-8")))


DOCUMENTED = [
    (document, name) for document in ("README.md", "docs/client.md") for name in snippets(document)
]


def _serve_command(name: str, port: int) -> list[str]:
    """What the docs say to run: ``uvicorn app:app`` or ``flask --app app run``."""
    if name == "flask":
        return [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)]
    return [sys.executable, "-m", "uvicorn", "app:app", "--port", str(port)]


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessEmulator]:
    with run_emulator(tmp_path_factory.mktemp("snippet-emulator")) as running:
        yield running


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until the app says it listens on ``port`` (so no other process holds the port)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the app exited:\n{log.read_text()}")
        if f"127.0.0.1:{port}" in log.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"the app did not start:\n{log.read_text()}")


def test_every_integration_is_documented_with_a_runnable_snippet() -> None:
    assert set(snippets("docs/client.md")) == {"fastapi", "starlette", "flask"}
    assert set(snippets("README.md")) == {"fastapi"}


@pytest.mark.parametrize(("document", "name"), DOCUMENTED)
def test_the_documented_app_logs_a_user_in(
    emulator: InProcessEmulator, tmp_path: Path, document: str, name: str
) -> None:
    (tmp_path / "app.py").write_text(snippets(document)[name], encoding="utf-8")
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    app = emulator.create_app(redirect_uris=[f"{app_url}/auth/tiktok/callback"])
    user = emulator.create_user(display_name="Snippet Tester")
    env = {
        k: v for k, v in os.environ.items() if k not in ("LOGINKIT_TOKEN_KEYS", "APP_SECRET")
    } | {
        "TIKTOK_CLIENT_KEY": app["client_key"],
        "TIKTOK_CLIENT_SECRET": app["client_secret"],
        "TIKTOK_BASE_URL": emulator.base_url,
    }
    log = tmp_path / "app.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            _serve_command(name, port), cwd=tmp_path, env=env, stdout=output, stderr=output
        )
    try:
        _wait_for(port, process, log)
        with httpx2.Client(base_url=app_url, timeout=10) as browser:
            assert browser.get("/").json() == {"log_in_at": "/auth/tiktok/login"}
            to_tiktok = browser.get("/auth/tiktok/login")
            assert to_tiktok.status_code == 302
            asked: dict[str, Any] = {
                k: v[0] for k, v in parse_qs(urlsplit(to_tiktok.headers["location"]).query).items()
            }
            assert asked["code_challenge_method"] == "S256" and asked["code_challenge"]
            back = urlsplit(
                emulator.authorize_redirect(
                    user,
                    app,
                    ["user.info.basic"],
                    redirect_uri=asked["redirect_uri"],
                    state=asked["state"],
                    code_challenge=asked["code_challenge"],
                    code_challenge_method="S256",
                )
            )
            landed = browser.get(f"{back.path}?{back.query}")
            assert landed.status_code == 303, (landed.text, log.read_text())
            assert landed.headers["location"] == "/"
            assert browser.get("/").json() == {"display_name": "Snippet Tester"}
        assert (tmp_path / "tokens.db").exists()  # the store made its table
    finally:
        process.terminate()
        process.wait(timeout=10)
