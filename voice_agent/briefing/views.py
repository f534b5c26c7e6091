"""One briefing as plain values, read from storage.

What ``GET /v1/briefings/{id}`` and ``voice-agent briefing show --json`` print. Blocking:
call through ``asyncio.to_thread`` from async code.
"""

from __future__ import annotations

from datetime import UTC, datetime

from knowledge_base.attendance import attendance
from knowledge_base.briefing_scope import scope_from_dict
from voice_agent.livekit.rooms import briefing_room_name
from voice_agent.storage.briefing_media import SqlBriefingMediaRepository
from voice_agent.storage.broadcast_briefings import (
    BriefingRecord,
    SqlBriefingRepository,
    StoredChange,
    change_to_dict,
)
from voice_agent.storage.engine import Database


def briefing_summary(record: BriefingRecord) -> dict[str, object]:
    """The briefing's own fields (no attendance, captions or changes)."""
    return {
        "id": record.id,
        "room": briefing_room_name(record.id),
        "scope": scope_from_dict(record.scope).to_dict(),
        "opened_by": record.opened_by,
        "started_at": record.started_at.isoformat(),
        "ended_at": record.ended_at.isoformat() if record.ended_at else None,
        "open": record.ended_at is None,
        "ended_because": record.ended_because,
        "recording": record.recording,
        "summary": record.summary,
    }


def change_document(stored: StoredChange) -> dict[str, object]:
    """A proposed change with its id and decision."""
    return {
        "id": stored.id,
        "briefing_id": stored.briefing_id,
        "status": stored.status.value,
        "decided_by": stored.decided_by,
        "decided_at": stored.decided_at.isoformat() if stored.decided_at else None,
        "publication_id": stored.publication_id,
        **change_to_dict(stored.change),
    }


def briefing_document(
    database: Database, record: BriefingRecord, *, now: datetime | None = None
) -> dict[str, object]:
    """The briefing with its attendance (minutes each), captions and proposed changes.

    An open briefing's attendance runs to ``now``.
    """
    briefings = SqlBriefingRepository(database=database)
    media = SqlBriefingMediaRepository(database=database)
    ended = record.ended_at or now or datetime.now(UTC)
    present = attendance(
        briefings.presences(record.id), started_at=record.started_at, ended_at=ended
    )
    return {
        **briefing_summary(record),
        "attendance": [a.to_dict() for a in present],
        "captions": [c.to_dict() for c in media.captions(record.id)],
        "changes": [change_document(c) for c in briefings.changes(record.id)],
    }
