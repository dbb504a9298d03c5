"""The embedded default: one SQLite file in WAL mode, written by one thread with group commit.

Every operation is queued to a single writer thread. The thread takes whatever has queued up
(up to ``max_batch`` operations), runs each inside its own savepoint, and commits them together
with one fsync (``synchronous=FULL``): concurrent requests share the cost of durability, and
none is answered before its commit returns. A failed operation rolls back only its savepoint;
a failed commit fails every operation of the batch.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from loginkit.core.store import StoreUnavailable
from loginkit.storage.base import SQLStore
from loginkit.storage.migrate import upgrade

__all__ = ["SQLiteStore"]

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(slots=True)
class _Job:
    call: Callable[[Connection], Any]
    future: asyncio.Future[Any]

    def resolve(self, result: Any, error: BaseException | None) -> None:
        self.future.get_loop().call_soon_threadsafe(self._settle, result, error)

    def _settle(self, result: Any, error: BaseException | None) -> None:
        if self.future.cancelled():
            return
        if error is not None:
            self.future.set_exception(error)
        else:
            self.future.set_result(result)


def _unavailable(exc: BaseException) -> BaseException:
    return StoreUnavailable(str(exc)) if isinstance(exc, OperationalError) else exc


class SQLiteStore(SQLStore):
    def __init__(
        self, path: str | Path, *, max_batch: int = 128, busy_timeout_ms: int = 5000
    ) -> None:
        self.path = Path(path)
        self.max_batch = max_batch
        self._busy_timeout_ms = busy_timeout_ms
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    # ---- lifecycle --------------------------------------------------------------------------

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{self.path}", poolclass=NullPool)
        event.listen(engine, "connect", self._configure_connection)
        # pysqlite's implicit transactions break savepoints; we issue BEGIN ourselves.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        self._thread = threading.Thread(
            target=self._serve, args=(engine,), name="loginkit-sqlite", daemon=True
        )
        self._thread.start()
        await self.run(upgrade)

    def _configure_connection(self, dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",  # durable: a committed token survives a power cut
            f"busy_timeout={self._busy_timeout_ms}",
            "foreign_keys=ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    async def close(self) -> None:
        if self._thread is None:
            return
        self._jobs.put(None)
        await asyncio.to_thread(self._thread.join)
        self._thread = None

    # ---- running operations -----------------------------------------------------------------

    async def run(
        self, operation: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        if self._thread is None:
            raise StoreUnavailable("the SQLite store is not open")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put(_Job(lambda conn: operation(conn, *args, **kwargs), future))
        return await future

    def _serve(self, engine: Any) -> None:
        with engine.connect() as conn:
            while (first := self._jobs.get()) is not None:
                batch = [first]
                stop = False
                while len(batch) < self.max_batch:
                    try:
                        job = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if job is None:
                        stop = True
                        break
                    batch.append(job)
                self._run_batch(conn, batch)
                if stop:
                    break
        engine.dispose()

    @staticmethod
    def _run_batch(conn: Connection, batch: list[_Job]) -> None:
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        try:
            with conn.begin():
                if len(batch) == 1:
                    outcomes.append((batch[0], batch[0].call(conn), None))
                else:
                    for job in batch:
                        try:
                            with conn.begin_nested():
                                outcomes.append((job, job.call(conn), None))
                        except Exception as exc:  # isolated by its savepoint
                            outcomes.append((job, None, _unavailable(exc)))
        except Exception as exc:  # BEGIN, COMMIT or a lone operation failed: nothing is durable
            batch_error = _unavailable(exc)
            outcomes = [(job, None, batch_error) for job in batch]
        for job, result, error in outcomes:
            job.resolve(result, error)
