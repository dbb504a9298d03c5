"""SQLAlchemy Core statements compiled once per dialect and run on the DB-API cursor.

The hot operations (code exchange, refresh rotation, client_credentials) spend more time in
SQLAlchemy's execution machinery than in the database. A ``Compiled`` statement is still written
once, in Core, against ``schema``; each dialect compiles it once, and every later call hands the
SQL and its parameters straight to the driver: pysqlite, or SQLAlchemy's asyncpg adapter inside
``run_sync``. The hot statements bind strings and integers only, whose bind processors are the
identity, so nothing SQLAlchemy would have converted is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import Executable

__all__ = ["Compiled"]


class Compiled:
    __slots__ = ("_by_dialect", "statement")

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._by_dialect: dict[Dialect, tuple[str, tuple[str, ...] | None]] = {}

    def sql(self, dialect: Dialect) -> tuple[str, tuple[str, ...] | None]:
        """The SQL for ``dialect`` and, for a positional paramstyle, the bind names in order."""
        found = self._by_dialect.get(dialect)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)  # type: ignore[attr-defined]
            order = tuple(compiled.positiontup) if compiled.positional else None
            found = self._by_dialect[dialect] = (compiled.string, order)
        return found

    def execute(self, conn: Connection, values: Mapping[str, Any]) -> int:
        """Run once with ``values`` (bind name → value); returns the affected row count."""
        sql, order = self.sql(conn.dialect)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, values if order is None else [values[name] for name in order])
            rowcount: int = cursor.rowcount
        finally:
            cursor.close()
        return rowcount

    def execute_many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        sql, order = self.sql(conn.dialect)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if order is None:
                cursor.executemany(sql, rows)
            else:
                cursor.executemany(sql, [[row[name] for name in order] for row in rows])
        finally:
            cursor.close()
