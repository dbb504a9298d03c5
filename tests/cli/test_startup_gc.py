"""``serve`` and ``up`` leave what start-up built out of later garbage collections (a full
collection walking it was the token endpoints' p99; see docs/performance.md). Checked in a child
process, so that this test process's collector stays as it is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROGRAM = """
import asyncio, gc, sys
from loginkit.cli.serve import _start
from loginkit.config import Settings

async def main():
    settings = Settings(database_url=f"sqlite:///{sys.argv[1]}", admin_token="t")
    before = gc.get_freeze_count()
    running = await _start(settings)
    print(before, gc.get_freeze_count())
    await running.close()

asyncio.run(main())
"""


def test_start_up_objects_are_frozen(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path / "db.sqlite3")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    before, after = map(int, done.stdout.split())
    assert before == 0
    assert after > 10_000  # modules, the schema, the settings, the store
