"""The embedded default: one SQLite file in WAL mode, written by one thread with group commit.

Every operation is queued to a single writer thread, once per turn of the event loop: what the
loop's requests asked for in one turn arrives together. The thread takes whatever has queued up
(at most ``max_batch`` operations per transaction), runs each inside its own savepoint, and
commits them together with one fsync (``synchronous=FULL``): concurrent requests share the
cost of durability, and none is answered before its commit returns. A failed operation rolls
back only its savepoint; a failed commit fails every operation of the batch.

The hot point reads (an app, a user, a code, a token by its key) skip the writer thread: they
run on the caller's thread over a second, read-only connection. In WAL mode a read sees every
commit made before it starts, and every write was committed before its response went out, so
these reads see what any earlier answer promised. Only writes wait in the writer's queue.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from loginkit.core.models import App, AuthorizationCode, Token, TokenOwner, User
from loginkit.core.store import StoreUnavailable
from loginkit.storage import operations as ops
from loginkit.storage.base import SQLStore
from loginkit.storage.migrate import upgrade

__all__ = ["SQLiteStore"]

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(slots=True)
class _Job:
    call: Callable[[Connection], Any]
    future: asyncio.Future[Any]


Outcome = tuple[_Job, Any, BaseException | None]


def _settle(outcomes: list[Outcome]) -> None:
    for job, result, error in outcomes:
        if job.future.cancelled():
            continue
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)


def _resolve(outcomes: list[Outcome]) -> None:
    """Hand the outcomes back: one wake-up per event loop, not one per job."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Outcome]] = {}
    for outcome in outcomes:
        by_loop.setdefault(outcome[0].future.get_loop(), []).append(outcome)
    for loop, settled in by_loop.items():
        loop.call_soon_threadsafe(_settle, settled)


def _unavailable(exc: BaseException) -> BaseException:
    unreachable = isinstance(exc, OperationalError | sqlite3.OperationalError)
    return StoreUnavailable(str(exc)) if unreachable else exc


class _Row:
    """Attribute access over a plain row tuple, as the row converters of ``operations`` expect."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple[Any, ...]) -> None:
        self._index, self._values = index, values

    def __getattr__(self, name: str) -> Any:
        return self._values[self._index[name]]


_DIALECT = sqlite_dialect()


class _PointRead:
    """One of ``operations.POINT_READS``, compiled for SQLite and run on the reader.

    Records are frozen, so an identical row (the same app or token asked for again) reuses the
    record built last time instead of converting again; the cache is bounded.
    """

    def __init__(self, reader: sqlite3.Connection, read: ops.PointRead[Any]) -> None:
        self.sql = read.statement.compile(dialect=_DIALECT).string
        names = [column[0] for column in reader.execute(self.sql, ("",)).description]
        self._index = {name: position for position, name in enumerate(names)}
        self._convert = read.convert
        self.record = lru_cache(maxsize=4096)(self._record)

    def _record(self, values: tuple[Any, ...]) -> Any:
        return self._convert(_Row(self._index, values))


def _begin_unless_begun(conn: Connection) -> None:
    if not _driver(conn).in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _driver(conn: Connection) -> sqlite3.Connection:
    return cast(sqlite3.Connection, conn.connection.driver_connection)


def _check_openable(path: Path) -> None:
    """Fail here, not in the writer thread (whose waiting callers would never hear of it)."""
    try:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")  # reads the header; needs write access
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"{exc}") from exc


class SQLiteStore(SQLStore):
    def __init__(
        self, path: str | Path, *, max_batch: int = 128, busy_timeout_ms: int = 5000
    ) -> None:
        self.path = Path(path)
        self.max_batch = max_batch
        self._busy_timeout_ms = busy_timeout_ms
        self._jobs: queue.SimpleQueue[list[_Job] | None] = queue.SimpleQueue()
        self._gathering: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
        self._thread: threading.Thread | None = None
        self._reader: sqlite3.Connection | None = None
        self._point_reads: dict[str, _PointRead] = {}

    # ---- lifecycle --------------------------------------------------------------------------

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _check_openable(self.path)
        engine = create_engine(f"sqlite:///{self.path}", poolclass=NullPool)
        event.listen(engine, "connect", self._configure_connection)
        # pysqlite's implicit transactions break savepoints; we issue BEGIN ourselves (here,
        # unless the batch has already begun on the driver).
        event.listen(engine, "begin", _begin_unless_begun)
        self._thread = threading.Thread(
            target=self._serve, args=(engine,), name="loginkit-sqlite", daemon=True
        )
        self._thread.start()
        await self.run(upgrade)
        self._reader = self._open_reader()

    def _open_reader(self) -> sqlite3.Connection:
        # Autocommit: each SELECT is its own read transaction on the newest committed state.
        reader = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        reader.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
        reader.execute("PRAGMA query_only=ON")
        self._point_reads = {
            what: _PointRead(reader, read) for what, read in ops.POINT_READS.items()
        }
        return reader

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
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._thread is None:
            return
        for loop in list(self._gathering):
            self._hand_over(loop)  # jobs of this turn go before the stop
        self._jobs.put(None)
        await asyncio.to_thread(self._thread.join)
        self._thread = None

    # ---- point reads on the caller's thread -------------------------------------------------

    def _read(self, what: str, key: str) -> Any:
        if self._reader is None:
            raise StoreUnavailable("the SQLite store is not open")
        read = self._point_reads[what]
        try:
            values = self._reader.execute(read.sql, (key,)).fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(str(exc)) from exc
        return None if values is None else read.record(values)

    async def get_app(self, client_key: str) -> App | None:
        app: App | None = self._read("app", client_key)
        return app

    async def get_user(self, user_id: str) -> User | None:
        user: User | None = self._read("user", user_id)
        return user

    async def get_code(self, code_hash: str) -> AuthorizationCode | None:
        code: AuthorizationCode | None = self._read("code", code_hash)
        return code

    async def get_token(self, token_hash: str) -> Token | None:
        token: Token | None = self._read("token", token_hash)
        return token

    async def get_token_owner(self, token_hash: str) -> TokenOwner | None:
        owner: TokenOwner | None = self._read("token_owner", token_hash)
        return owner

    async def sandbox_targets(self, client_key: str) -> tuple[str, ...] | None:
        targets: tuple[str, ...] | None = self._read("sandbox_targets", client_key)
        return targets

    # ---- running operations -----------------------------------------------------------------

    async def run(
        self, operation: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        if self._thread is None:
            raise StoreUnavailable("the SQLite store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        job = _Job(lambda conn: operation(conn, *args, **kwargs), future)
        # Jobs wait for the end of this turn of the event loop and go to the writer together:
        # everything the loop did in one turn shares one transaction and one fsync, and the
        # writer is woken once per turn, not once per job.
        gathering = self._gathering.get(loop)
        if gathering is None:
            self._gathering[loop] = [job]
            loop.call_soon(self._hand_over, loop)
        else:
            gathering.append(job)
        return await future

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        jobs = self._gathering.pop(loop, None)
        if jobs is not None:
            self._jobs.put(jobs)

    def _serve(self, engine: Any) -> None:
        with engine.connect() as conn:
            while (first := self._jobs.get()) is not None:
                batch = first  # the gathered list is the writer's now
                stop = self._drain(batch)
                for start in range(0, len(batch), self.max_batch):
                    self._run_batch(conn, batch[start : start + self.max_batch])
                if stop:
                    break
        engine.dispose()

    def _drain(self, batch: list[_Job]) -> bool:
        """Add what has queued up to ``batch``; True when told to stop."""
        while len(batch) < self.max_batch:
            try:
                jobs = self._jobs.get_nowait()
            except queue.Empty:
                return False
            if jobs is None:
                return True
            batch.extend(jobs)
        return False

    @staticmethod
    def _run_batch(conn: Connection, batch: list[_Job]) -> None:
        # BEGIN, savepoints and COMMIT go straight to the driver: SQLAlchemy's transaction
        # objects cost more than the hot operations themselves. Operations written with
        # SQLAlchemy join this transaction (the "begin" listener sees it open).
        driver = _driver(conn)
        outcomes: list[Outcome] = []
        try:
            driver.execute("BEGIN IMMEDIATE")
            try:
                if len(batch) == 1:
                    outcomes.append((batch[0], batch[0].call(conn), None))
                else:
                    for job in batch:
                        driver.execute("SAVEPOINT job")
                        try:
                            result = job.call(conn)
                        except Exception as exc:  # isolated by its savepoint
                            driver.execute("ROLLBACK TO job")
                            outcomes.append((job, None, _unavailable(exc)))
                        else:
                            outcomes.append((job, result, None))
                        driver.execute("RELEASE job")
                if conn.in_transaction():
                    conn.commit()  # SQLAlchemy's bookkeeping; COMMITs the driver's transaction
                else:
                    driver.execute("COMMIT")
            except BaseException:
                if conn.in_transaction():
                    conn.rollback()
                elif driver.in_transaction:
                    driver.execute("ROLLBACK")
                raise
        except Exception as exc:  # BEGIN, COMMIT or a lone operation failed: nothing is durable
            batch_error = _unavailable(exc)
            outcomes = [(job, None, batch_error) for job in batch]
        _resolve(outcomes)
