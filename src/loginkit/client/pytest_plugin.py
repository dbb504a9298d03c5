"""pytest plugin (entry point ``loginkit``): the ``tiktok_emulator`` fixture.

Each test gets a fresh TikTok emulator on a free loopback port with its own database::

    def test_login(tiktok_emulator):
        app = tiktok_emulator.create_app(redirect_uris=["https://app.example.com/cb/"])
        user = tiktok_emulator.create_user(username="ana")
        code = tiktok_emulator.authorize(user, app, ["user.info.basic"])
        client = TikTokClient(app["client_key"], app["client_secret"],
                              base_url=tiktok_emulator.base_url,
                              redirect_uri=app["redirect_uris"][0])
        assert client.exchange_code(code).open_id
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from loginkit.testing import InProcessEmulator

__all__ = ["tiktok_emulator"]


@pytest.fixture
def tiktok_emulator(tmp_path: Path) -> Iterator[InProcessEmulator]:
    """A fresh in-process emulator: ``base_url``, ``create_app``, ``create_user``,
    ``authorize(user, app, scopes) -> code``, ``advance_clock``, ``inject_fault``."""
    # Imported here so that merely installing loginkit costs other test suites nothing.
    from loginkit.testing import run_emulator

    with run_emulator(tmp_path) as emulator:
        yield emulator
