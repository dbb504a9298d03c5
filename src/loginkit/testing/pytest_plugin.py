"""pytest plugin (entry point ``loginkit``): the ``tiktok_emulator`` fixture.

Each test gets an empty TikTok emulator on a loopback port: one in-process emulator serves the
whole session and is reset before every test (apps, users, grants, tokens, clock, rate-limit
counters, pending faults, request log), so a test pays milliseconds, not a server start::

    def test_login(tiktok_emulator):
        app = tiktok_emulator.create_app(redirect_uris=["https://app.example.com/cb/"])
        user = tiktok_emulator.create_user(username="ana")
        code = tiktok_emulator.authorize(user, app, ["user.info.basic"])
        client = TikTokClient(app["client_key"], app["client_secret"],
                              base_url=tiktok_emulator.base_url,
                              redirect_uri=app["redirect_uris"][0])
        verifier = tiktok_emulator.code_verifier_for(code)  # authorize sends PKCE (S256)
        assert client.exchange_code(code, code_verifier=verifier).open_id
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from loginkit.testing.emulator import InProcessEmulator

__all__ = ["tiktok_emulator", "tiktok_emulator_session"]


@pytest.fixture(scope="session")
def tiktok_emulator_session(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[InProcessEmulator]:
    """The session's emulator, started on first use; ``tiktok_emulator`` empties it per test."""
    # Imported here so that merely installing loginkit costs other test suites nothing.
    from loginkit.testing.emulator import run_emulator

    with run_emulator(tmp_path_factory.mktemp("tiktok-emulator")) as emulator:
        yield emulator


@pytest.fixture
def tiktok_emulator(tiktok_emulator_session: InProcessEmulator) -> InProcessEmulator:
    """An empty emulator: ``base_url``, ``create_app``, ``create_user``,
    ``authorize(user, app, scopes, pkce=True) -> code``, ``code_verifier_for(code)``,
    ``advance_clock``, ``inject_fault``, ``readiness(app)`` (will the app work on TikTok?)."""
    tiktok_emulator_session.reset()
    return tiktok_emulator_session
