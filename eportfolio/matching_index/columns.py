"""Read query results as numpy columns without building a Python object per row.

A worker's start reads tens of millions of values (a million portfolios hold some 25
million skill claims). SQLAlchemy's rows cost about a microsecond each, so the reading alone
would take minutes; the drivers can do far better:

- PostgreSQL: one ``array_agg`` per column comes back in a few large binary messages, which
  numpy reads in place. (``COPY`` would hand over one message per row, a Python call each.)
- SQLite (the embedded database, for small installations): the driver's own cursor, whose
  tuples are still far cheaper than ORM rows.

Statements are compiled with their constants inlined: callers pass only statements built
from the application's own constants (enum members, literals), never user input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Select
from sqlalchemy.orm import Session

# numpy type -> (PostgreSQL element type, array type oid, big-endian numpy type)
_PG_TYPES = {
    "int16": ("int2", 1005, ">i2"),
    "int32": ("int4", 1007, ">i4"),
    "int64": ("int8", 1016, ">i8"),
    "float32": ("float4", 1021, ">f4"),
    "float64": ("float8", 1022, ">f8"),
}

_NO_NULLS = "read_columns takes no NULLs: coalesce them in the statement"


def _sql(session: Session, stmt: Select[Any]) -> tuple[Any, str]:
    """Return the session's driver connection and the statement as SQL text."""
    conn = session.connection()  # inside the session's transaction: the same snapshot
    text = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    return conn, text


def read_rows(session: Session, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """Return the result as the driver's own tuples (for text columns)."""
    return _fetch(*_sql(session, stmt))


def _fetch(conn: Any, text: str) -> list[tuple[Any, ...]]:
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(text)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
    finally:
        cursor.close()


def read_columns(session: Session, stmt: Select[Any], dtypes: Sequence[str]) -> list[NDArray[Any]]:
    """Return each selected column as a numpy array of the given type ("int32", ...).

    NULLs are not allowed: coalesce them in the statement. On PostgreSQL a column holds
    at most about 100 million values (an array is one value, at most 1 GB).
    """
    conn, text = _sql(session, stmt)
    if conn.dialect.name != "postgresql":
        rows = _fetch(conn, text)  # compiled once, above
        if not rows:
            return [np.zeros(0, dtype=t) for t in dtypes]
        columns = zip(*rows, strict=True)
        try:
            return [np.array(col, dtype=t) for col, t in zip(columns, dtypes, strict=True)]
        except TypeError as e:  # None in a number column
            raise ValueError(_NO_NULLS) from e
    from psycopg.adapt import Loader
    from psycopg.pq import Format

    class Raw(Loader):  # type: ignore[misc]
        """Hand over a binary array as bytes; numpy reads it."""

        format = Format.BINARY

        def load(self, data: Any) -> Any:
            return data

    names = [f"c{i}" for i in range(len(dtypes))]
    aggregates = ", ".join(
        f"array_agg(q.{n}::{_PG_TYPES[t][0]})" for n, t in zip(names, dtypes, strict=True)
    )
    cursor = conn.connection.driver_connection.cursor(binary=True)
    try:
        for t in set(dtypes):
            cursor.adapters.register_loader(_PG_TYPES[t][1], Raw)  # this cursor only
        # Only the app's own statements and constants (see the module docstring).
        query = f"SELECT {aggregates} FROM ({text}) AS q({', '.join(names)})"  # noqa: S608
        cursor.execute(query)
        found = cursor.fetchone()
    finally:
        cursor.close()
    out: list[NDArray[Any]] = []
    for raw, t in zip(found, dtypes, strict=True):
        if raw is None:  # no rows
            out.append(np.zeros(0, dtype=t))
            continue
        # One-dimensional array: ndim, has-nulls flag, element oid, then (length, lower
        # bound) per dimension; then a 4-byte length before every element.
        if int.from_bytes(bytes(raw[4:8]), "big"):
            raise ValueError(_NO_NULLS)
        header = 12 + 8 * int.from_bytes(bytes(raw[0:4]), "big")
        items = np.frombuffer(raw, dtype=[("n", ">i4"), ("v", _PG_TYPES[t][2])], offset=header)
        out.append(items["v"].astype(t))
    return out
