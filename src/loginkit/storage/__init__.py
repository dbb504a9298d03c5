"""Storage backends for the emulator: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from loginkit.core.store import Store

__all__ = ["SUPPORTED_SCHEMES", "open_store"]

SUPPORTED_SCHEMES = ("sqlite:///", "postgresql://", "postgres://", "postgresql+asyncpg://")


def open_store(url: str, *, pool_size: int = 10, timeout: float = 5.0) -> Store:
    """The store for ``url``: ``sqlite:///path`` or ``postgresql://user@host/db``.

    ``pool_size`` and ``timeout`` (seconds) apply to PostgreSQL's connection pool.

    Raises: ValueError for any other scheme.
    """
    if url.startswith("sqlite:///"):
        from loginkit.storage.sqlite import SQLiteStore

        return SQLiteStore(url.removeprefix("sqlite:///"))
    if url.startswith(SUPPORTED_SCHEMES[1:]):
        from loginkit.storage.postgres import PostgresStore

        return PostgresStore(
            url.replace("postgres://", "postgresql://", 1), pool_size=pool_size, timeout=timeout
        )
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://…")
