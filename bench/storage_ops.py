"""CPU time of the hot store operations alone, in-process, on SQLite (``synchronous=FULL``).

``python bench/storage_ops.py [--count N]`` prints one JSON line: CPU microseconds (this process,
every thread, fsync's kernel time included) per code redemption (create_grant + redeem_code with
two tokens), per refresh rotation (rotate_refresh_token with two tokens) and per add_token (a
client_credentials token), with 16 operations in flight as 16 concurrent requests would have.
Run it under two builds (``PYTHONPATH=<tree>/src``) to compare their storage code without the
HTTP stack and its noise; ``bench/compare_builds.py`` measures the same builds over HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from loginkit.core.models import AuthorizationCode, Grant, Token, TokenKind
from loginkit.storage.sqlite import SQLiteStore

CONCURRENCY = 16


def _token(kind: TokenKind, grant: Grant) -> Token:
    return Token(
        token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
        kind=kind,
        client_key=grant.client_key,
        grant_id=grant.grant_id,
        user_id=grant.user_id,
        scopes=grant.scopes,
        expires_at=2_000_000_000,
        created_at=1_700_000_000,
    )


def _grant() -> tuple[Grant, AuthorizationCode]:
    grant = Grant(uuid.uuid4().hex, "awbench000000001", "user", ("user.info.basic",), 1)
    code = AuthorizationCode(
        code_hash=uuid.uuid4().hex + uuid.uuid4().hex,
        grant_id=grant.grant_id,
        client_key=grant.client_key,
        user_id=grant.user_id,
        redirect_uri="https://app.example.com/callback/",
        scopes=grant.scopes,
        expires_at=2_000_000_000,
    )
    return grant, code


async def _cpu_us_per_op(count: int, operation: Callable[[int], Awaitable[None]]) -> float:
    began = time.process_time()
    for start in range(0, count, CONCURRENCY):
        await asyncio.gather(*(operation(i) for i in range(start, start + CONCURRENCY)))
    return (time.process_time() - began) / count * 1e6


async def measure(count: int, scratch: Path) -> dict[str, float]:
    store = SQLiteStore(scratch / "ops.sqlite3")
    await store.open()
    try:
        grants = [_grant() for _ in range(count)]
        refreshes = []
        for grant, code in grants:
            await store.create_grant(grant, code)
            refreshes.append(_token(TokenKind.REFRESH, grant))
            await store.add_token(refreshes[-1])
        fresh = [_grant() for _ in range(count)]

        async def redeem(i: int) -> None:
            grant, code = fresh[i]
            await store.create_grant(grant, code)
            tokens = [_token(TokenKind.ACCESS, grant), _token(TokenKind.REFRESH, grant)]
            assert await store.redeem_code(code.code_hash, 2, tokens)

        async def rotate(i: int) -> None:
            old, grant = refreshes[i], grants[i][0]
            tokens = [_token(TokenKind.ACCESS, grant), _token(TokenKind.REFRESH, grant)]
            assert await store.rotate_refresh_token(old.token_hash, 2, tokens)

        async def client_token(i: int) -> None:
            await store.add_token(_token(TokenKind.CLIENT, grants[i][0]))

        return {
            "redeem_us": await _cpu_us_per_op(count, redeem),
            "rotate_us": await _cpu_us_per_op(count, rotate),
            "add_token_us": await _cpu_us_per_op(count, client_token),
        }
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loginkit-ops-") as scratch:
        print(json.dumps(asyncio.run(measure(options.count, Path(scratch)))))


if __name__ == "__main__":
    main()
