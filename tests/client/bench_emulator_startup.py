"""How long the ``tiktok_emulator`` fixture takes to start and stop (per-test cost).

Run: ``.venv/bin/python -m tests.client.bench_emulator_startup [rounds]``. Prints JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from loginkit.testing import run_emulator


def main(rounds: int) -> None:
    starts: list[float] = []
    totals: list[float] = []
    with tempfile.TemporaryDirectory() as directory:
        for n in range(rounds):
            began = time.perf_counter()
            path = Path(directory) / str(n)
            path.mkdir()
            with run_emulator(path) as emulator:
                starts.append(time.perf_counter() - began)
                emulator.create_app()
            totals.append(time.perf_counter() - began)
    print(json.dumps({
        "rounds": rounds,
        "start_ms_median": round(statistics.median(starts) * 1000, 1),
        "start_ms_max": round(max(starts) * 1000, 1),
        "start_create_app_stop_ms_median": round(statistics.median(totals) * 1000, 1),
    }))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
