"""Records how long each test took, setup + call + teardown (the fixture's reset is in setup),
and writes them as JSON to ``$BENCH_DURATIONS`` when the session ends."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _seconds[report.nodeid] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    Path(os.environ["BENCH_DURATIONS"]).write_text(json.dumps(list(_seconds.values())))
