"""A briefing's captions and its recording (revision ``0006_briefing_captions``)."""

from __future__ import annotations

from sqlalchemy import delete, select

from knowledge_base.briefing import Caption
from knowledge_base.feedback.sink import FeedbackAudio
from voice_agent.storage.broadcast_schema import briefing_captions, briefing_recordings
from voice_agent.storage.engine import Database


class SqlBriefingMediaRepository:
    """Captions (stored one by one as they are published) and the compressed recording."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def add_caption(self, briefing_id: str, caption: Caption) -> None:
        """Store one caption segment."""
        with self._database.transaction() as connection:
            connection.execute(
                briefing_captions.insert().values(
                    briefing_id=briefing_id,
                    start_secs=caption.start,
                    end_secs=caption.end,
                    text=caption.text,
                    speaker=caption.speaker,
                )
            )

    def captions(self, briefing_id: str) -> list[Caption]:
        """The briefing's captions, in the order they were spoken."""
        query = (
            select(briefing_captions)
            .where(briefing_captions.c.briefing_id == briefing_id)
            .order_by(briefing_captions.c.start_secs, briefing_captions.c.id)
        )
        with self._database.read() as connection:
            return [
                Caption(row["start_secs"], row["end_secs"], row["text"], row["speaker"])
                for row in connection.execute(query).mappings()
            ]

    def save_recording(self, briefing_id: str, audio: FeedbackAudio) -> str:
        """Store (or replace) the recording; return its reference for the briefing record."""
        with self._database.transaction() as connection:
            connection.execute(
                delete(briefing_recordings).where(briefing_recordings.c.briefing_id == briefing_id)
            )
            connection.execute(
                briefing_recordings.insert().values(
                    briefing_id=briefing_id,
                    format=audio.format,
                    sample_rate=audio.sample_rate,
                    duration_secs=audio.duration_secs,
                    data=audio.data,
                )
            )
        return recording_reference(briefing_id)

    def recording(self, briefing_id: str) -> FeedbackAudio | None:
        """The stored recording, or ``None``."""
        query = select(briefing_recordings).where(briefing_recordings.c.briefing_id == briefing_id)
        with self._database.read() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        return FeedbackAudio(
            bytes(row["data"]), row["format"], int(row["sample_rate"]), float(row["duration_secs"])
        )


def recording_reference(briefing_id: str) -> str:
    """How a briefing record names its stored recording: ``briefing_recordings/<id>``."""
    return f"{briefing_recordings.name}/{briefing_id}"
