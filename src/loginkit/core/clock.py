"""The one source of time. Tests and the control API move it instead of sleeping."""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["MAX_CLOCK_OFFSET_SECONDS", "Clock", "FrozenClock", "SystemClock"]

MAX_CLOCK_OFFSET_SECONDS = 100 * 366 * 86400
"""How far the clock may be moved from the wall clock, either way (our choice): a century covers
every token lifetime, and timestamps stay far inside the store's 64-bit integer columns."""


class Clock(Protocol):
    def now(self) -> int:
        """Seconds since the epoch."""
        ...


class SystemClock:
    """Wall-clock time plus an offset that the emulator's control API can advance."""

    def __init__(self, offset: int = 0) -> None:
        self.offset = offset

    def now(self) -> int:
        return int(time.time()) + self.offset

    def advance(self, seconds: int) -> None:
        """Move the clock; ``ValueError`` if the offset would leave the allowed range."""
        if abs(self.offset + seconds) > MAX_CLOCK_OFFSET_SECONDS:
            raise ValueError(
                f"the clock may move at most {MAX_CLOCK_OFFSET_SECONDS} seconds (100 years) from "
                f"the wall clock; it is {self.offset} seconds off now"
            )
        self.offset += seconds


class FrozenClock(SystemClock):
    """A clock that moves only when told to."""

    def __init__(self, at: int = 1_700_000_000) -> None:
        super().__init__()
        self.at = at

    def now(self) -> int:
        return self.at + self.offset
