"""A SQLite database that has grown: 1,000,000 tokens and 100,000 users, at the current schema.

Built once per schema revision into the bench cache (bulk inserts straight into SQLite, about
half a minute), then copied for each run. The bench app and user are added by the suite through
the control API as usual, so the timed requests hit the same indexes as a real grown database.

Usage: ``python bench/growth.py PATH`` (prints the path of the cached template).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import sys
from pathlib import Path

from loginkit.storage.migrate import HEAD
from loginkit.storage.sqlite import SQLiteStore

__all__ = ["grown_database"]

TOKENS = 1_000_000
USERS = 100_000
BATCH = 50_000


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _build(path: Path) -> None:
    async def migrate() -> None:
        store = SQLiteStore(path)
        await store.open()
        await store.close()

    asyncio.run(migrate())
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    users = (
        (f"u{n:07d}", f"user{n}", f"User {n}", "", "", 0, 0, 0, 0, 0, 1_700_000_000)
        for n in range(USERS)
    )
    db.executemany(
        "INSERT INTO users (user_id, username, display_name, avatar_url, bio_description,"
        " is_verified, follower_count, following_count, likes_count, video_count, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        users,
    )
    kinds = ("access", "refresh", "client")
    for start in range(0, TOKENS, BATCH):
        rows = [
            (
                _hash(f"grown-token-{n}"),
                kinds[n % 3],
                f"awgrown{n % 1000:09d}",
                None if n % 3 == 2 else f"grant-{n // 3}",
                None if n % 3 == 2 else f"u{(n // 3) % USERS:07d}",
                "user.info.basic",
                1_900_000_000,
                1_700_000_000,
                None,
                None,
            )
            for n in range(start, min(start + BATCH, TOKENS))
        ]
        db.executemany(
            "INSERT INTO tokens (token_hash, kind, client_key, grant_id, user_id, scopes,"
            " expires_at, created_at, revoked_at, rotated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def grown_database(cache: Path) -> Path:
    """The cached template for the current schema, built if missing."""
    template = cache / f"grown-{HEAD}-{TOKENS}-{USERS}.sqlite3"
    if not template.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = template.with_suffix(f".partial{os.getpid()}")
        _build(partial)
        partial.rename(template)
    return template


if __name__ == "__main__":
    print(grown_database(Path(sys.argv[1])))
