"""What the ``tiktok_emulator`` fixture costs: the session's one start, then each test's share.

Per test the fixture resets the session's emulator; a test then typically registers an app, so
the per-test figure is reset + create an app. Run:
``.venv/bin/python -m tests.client.bench_emulator_startup [rounds]``. Prints JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from loginkit.testing.emulator import run_emulator


def main(rounds: int) -> None:
    per_test: list[float] = []
    with tempfile.TemporaryDirectory() as directory:
        began = time.perf_counter()
        with run_emulator(Path(directory)) as emulator:
            start = time.perf_counter() - began
            for _ in range(rounds):
                began = time.perf_counter()
                emulator.reset()
                emulator.create_app()
                per_test.append(time.perf_counter() - began)
            began = time.perf_counter()
        stop = time.perf_counter() - began
    print(
        json.dumps(
            {
                "rounds": rounds,
                "session_start_ms": round(start * 1000, 1),
                "session_stop_ms": round(stop * 1000, 1),
                "per_test_ms_median": round(statistics.median(per_test) * 1000, 1),
                "per_test_ms_max": round(max(per_test) * 1000, 1),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
