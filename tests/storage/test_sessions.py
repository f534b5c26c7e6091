"""Clerks' conversations on both engines: kept per room and clerk, replaced, expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from knowledge_base.answering import FollowUpContext
from pipelines.conversation_memory import ConversationMemory
from voice_agent.storage import Database, SqlSessionStore, StorageError
from voice_agent.storage.sessions import session_contexts

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 28, 15, 0, tzinfo=SHANGHAI)
ROOM = "store-SH-01-clerk-ana"
CONTEXT = FollowUpContext(products=("AX-200",), promotions=("weekend-running",), store_id="HZ-01")


def _memory(turns: int = 3, at: datetime = T0, **overrides: object) -> ConversationMemory:
    fields: dict[str, object] = {
        "follow_up": CONTEXT,
        "language": "zh-CN",
        "turns": turns,
        "answered_at": at,
    }
    fields.update(overrides)
    return ConversationMemory(**fields)  # type: ignore[arg-type]


@pytest.fixture
def store(database: Database) -> SqlSessionStore:
    return SqlSessionStore(database=database)


def test_a_stored_conversation_comes_back_whole(store: SqlSessionStore) -> None:
    store.save(ROOM, "ana", _memory())
    loaded = store.load(ROOM, "ana", answered_since=T0 - timedelta(minutes=10))
    assert loaded == _memory()
    assert loaded is not None and loaded.answered_at == T0
    assert loaded.answered_at.tzinfo == UTC


def test_the_last_save_replaces_the_previous_one(store: SqlSessionStore) -> None:
    store.save(ROOM, "ana", _memory(turns=1))
    later = _memory(turns=2, at=T0 + timedelta(seconds=30), follow_up=None, language="en")
    store.save(ROOM, "ana", later)
    assert store.load(ROOM, "ana", answered_since=T0) == later


def test_conversations_are_kept_per_room_and_clerk(store: SqlSessionStore) -> None:
    store.save(ROOM, "ana", _memory(turns=1))
    store.save(ROOM, "ben", _memory(turns=2))
    store.save("store-SH-02-clerk-ana", "ana", _memory(turns=3))
    since = T0 - timedelta(minutes=1)
    turns = [
        m.turns if m else None
        for m in (
            store.load(ROOM, "ana", answered_since=since),
            store.load(ROOM, "ben", answered_since=since),
            store.load("store-SH-02-clerk-ana", "ana", answered_since=since),
            store.load("store-SH-02-clerk-ben", "ben", answered_since=since),
        )
    ]
    assert turns == [1, 2, 3, None]


def test_a_conversation_older_than_asked_for_is_not_loaded(store: SqlSessionStore) -> None:
    store.save(ROOM, "ana", _memory())
    assert store.load(ROOM, "ana", answered_since=T0 + timedelta(microseconds=1)) is None
    assert store.load(ROOM, "ana", answered_since=T0) is not None


def test_a_conversation_without_an_answer_time_is_refused(store: SqlSessionStore) -> None:
    with pytest.raises(ValueError, match="answered_at"):
        store.save(ROOM, "ana", _memory(answered_at=None))
    with pytest.raises(ValueError, match="naive"):
        store.save(ROOM, "ana", _memory(answered_at=datetime(2026, 11, 28, 15, 0)))
    assert store.load(ROOM, "ana", answered_since=T0 - timedelta(days=1)) is None


def test_an_unreadable_row_is_a_storage_error_naming_the_clerk(
    store: SqlSessionStore, database: Database
) -> None:
    store.save(ROOM, "ana", _memory())
    with database.transaction() as connection:
        connection.execute(session_contexts.update().values(products='{"not": "a list"}'))
    with pytest.raises(StorageError, match="ana") as caught:
        store.load(ROOM, "ana", answered_since=T0)
    assert caught.value.code == "session_context_unreadable"
