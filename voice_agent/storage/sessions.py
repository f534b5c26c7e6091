"""Clerks' conversations in the ``session_contexts`` table (revision ``0004_sessions``).

One row per (room, clerk identity), rewritten after every answered turn: what the last
question was about, its language, the turns so far and when the last answer was given. A
session started for the same clerk and room, on any worker sharing the database, loads it
(:class:`~voice_agent.agent.session_store.SessionStore`) unless it is older than the
configured context lifetime.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Column, Index, Integer, RowMapping, Table, Text, select
from sqlalchemy.dialects import postgresql, sqlite

from knowledge_base.answering import FollowUpContext
from pipelines.conversation_memory import ConversationMemory
from voice_agent.storage.engine import Database
from voice_agent.storage.errors import StorageError
from voice_agent.storage.schema import metadata
from voice_agent.storage.timestamps import UtcDateTime, encode_time

session_contexts = Table(
    "session_contexts",
    metadata,
    Column("room", Text, primary_key=True),
    Column("clerk_identity", Text, primary_key=True),
    Column("language", Text),
    Column("turns", Integer, nullable=False),
    Column("products", Text, nullable=False),
    Column("categories", Text, nullable=False),
    Column("promotions", Text, nullable=False),
    Column("store_id", Text),
    Column("answered_at", UtcDateTime, nullable=False),
    Index("session_contexts_answered_at", "answered_at"),
)
"""The conversation of one clerk in one room; list columns hold JSON arrays of ids."""

_table = session_contexts


class SqlSessionStore:
    """Conversations on either engine (implements ``SessionStore``)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def save(self, room: str, clerk_identity: str, memory: ConversationMemory) -> None:
        """Store ``memory`` as the conversation of ``clerk_identity`` in ``room``.

        Raises:
            ValueError: ``memory`` has no (aware) ``answered_at``; nothing is written.
            StorageError: The database failed; the previous row stays.
        """
        if memory.answered_at is None:
            raise ValueError("a conversation is stored after an answer: answered_at is unset")
        encode_time(memory.answered_at)
        context = memory.follow_up or FollowUpContext()
        values = {
            "room": room,
            "clerk_identity": clerk_identity,
            "language": memory.language,
            "turns": memory.turns,
            "products": json.dumps(list(context.products)),
            "categories": json.dumps(list(context.categories)),
            "promotions": json.dumps(list(context.promotions)),
            "store_id": context.store_id,
            "answered_at": memory.answered_at,
        }
        dialect = postgresql if self._database.dialect == "postgresql" else sqlite
        insert = dialect.insert(_table).values(values)
        upsert = insert.on_conflict_do_update(
            index_elements=[_table.c.room, _table.c.clerk_identity],
            set_={k: insert.excluded[k] for k in values if k not in ("room", "clerk_identity")},
        )
        with self._database.transaction() as connection:
            connection.execute(upsert)

    def load(
        self, room: str, clerk_identity: str, *, answered_since: datetime
    ) -> ConversationMemory | None:
        """The conversation of ``clerk_identity`` in ``room``, if answered since then.

        ``answered_since`` is aware; ``None`` when nothing that recent is stored.

        Raises:
            StorageError: The database failed, or the row is unreadable.
        """
        query = select(_table).where(
            _table.c.room == room,
            _table.c.clerk_identity == clerk_identity,
            _table.c.answered_at >= answered_since,
        )
        with self._database.read() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _memory(row)


def _memory(row: RowMapping) -> ConversationMemory:
    try:
        context = FollowUpContext(
            products=_ids(row["products"]),
            categories=_ids(row["categories"]),
            promotions=_ids(row["promotions"]),
            store_id=row["store_id"],
        )
    except (ValueError, TypeError) as e:
        raise StorageError(
            f"the stored conversation of {row['clerk_identity']} in {row['room']} is "
            f"unreadable: {e}",
            code="session_context_unreadable",
        ) from e
    return ConversationMemory(
        follow_up=None if context.empty else context,
        language=row["language"],
        turns=int(row["turns"]),
        answered_at=row["answered_at"],
    )


def _ids(text: str) -> tuple[str, ...]:
    ids = json.loads(text)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ValueError(f"expected a JSON list of ids, got {text[:80]!r}")
    return tuple(ids)
