"""How moments are stored: UTC on both engines, sortable on both.

SQLite has no time type: a moment is ISO-8601 text in UTC with microseconds (fixed width,
so text order is time order). PostgreSQL stores ``timestamp with time zone``. Either way a
naive datetime is refused before it reaches the database, and reads come back aware, in UTC.
The moments to store come from a :data:`Clock`; :func:`utc_now` is the real one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Text
from sqlalchemy.types import TypeDecorator, TypeEngine

Clock = Callable[[], datetime]
"""The current moment, aware (tests give a settable one)."""


def utc_now() -> datetime:
    """The current moment, aware, in UTC: the default :data:`Clock`."""
    return datetime.now(UTC)


def encode_time(moment: datetime) -> str:
    """Return ``moment`` as UTC ISO-8601 text with microseconds (fixed width, sortable).

    Raises:
        ValueError: ``moment`` has no time zone (a naive time would be stored ambiguously).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"refusing to store a naive datetime: {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def decode_time(text: str) -> datetime:
    """Parse text written by :func:`encode_time` (an aware UTC datetime)."""
    return datetime.fromisoformat(text).astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware moment: ISO text in UTC on SQLite, ``timestamptz`` on PostgreSQL."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """``timestamptz`` on PostgreSQL, text elsewhere."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        """Refuse naive moments; send text (SQLite) or an aware UTC datetime."""
        if value is None:
            return None
        text = encode_time(value)
        return value.astimezone(UTC) if dialect.name == "postgresql" else text

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """An aware UTC datetime."""
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.astimezone(UTC)
        return decode_time(str(value))
