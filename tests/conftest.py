from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.emulator import EmulatorProcess, run_emulator
from tests.support.live_defaults import TIKTOK_LIVE_FLAGS


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """One emulator process for the session (tests create their own apps and users)."""
    with run_emulator(tmp_path_factory.mktemp("emulator")) as running:
        yield running


@pytest.fixture(scope="session")
def live_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """An emulator started with TikTok's live behaviour named switch by switch (PKCE required
    for web apps, OAuth errors with HTTP 200), whatever the defaults of the day."""
    with run_emulator(tmp_path_factory.mktemp("live-emulator"), *TIKTOK_LIVE_FLAGS) as running:
        yield running


@pytest.fixture
def fresh_emulator(tmp_path: Path) -> Iterator[EmulatorProcess]:
    """An emulator process of its own, for tests that move the clock or reset state."""
    with run_emulator(tmp_path) as running:
        yield running
