"""A running briefing, written as it happens (revision ``0009_briefing_journal``).

So that a briefing outlives the node running it, that node stores, while it runs: the
manager's audio in chunks (``briefing_audio_chunks``, about a second each), every join
(a stretch with no end) and leave (its end) in ``briefing_attendance``, and renews the
briefing's ``seen_at`` with the database's clock (:meth:`Database.now`, the one clock the
nodes share). When the briefing is concluded, the chunks become one FLAC recording and are
dropped. Another node finding the briefing's ``seen_at`` stale takes it over with a
conditional update (:meth:`SqlBriefingJournal.take_over`): exactly one node concludes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from knowledge_base.attendance import Presence
from voice_agent.storage.broadcast_briefings import BriefingRecord, briefing_from_row
from voice_agent.storage.broadcast_schema import (
    briefing_attendance,
    briefing_audio_chunks,
    briefings,
)
from voice_agent.storage.engine import Database
from voice_agent.storage.timestamps import encode_time


@dataclass(frozen=True, slots=True)
class OpenBriefing:
    """A briefing not ended in storage, and the node last running it."""

    record: BriefingRecord
    node: str | None
    seen_at: datetime | None
    """When ``node`` last renewed it (the database's clock; ``None``: never)."""


class SqlBriefingJournal:
    """Chunks, joins and leaves of running briefings, and who runs them, on either engine."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def now(self) -> datetime:
        """The database's time (what ``seen_at`` is judged by)."""
        return self._database.now()

    def renew(self, briefing_ids: Sequence[str], *, node: str) -> None:
        """``node`` runs these briefings now (it takes them if they carry no node yet)."""
        if not briefing_ids:
            return
        now = self._database.now()
        with self._database.transaction() as connection:
            connection.execute(
                update(briefings)
                .where(briefings.c.id.in_(list(briefing_ids)))
                .where(briefings.c.ended_at.is_(None))
                .where((briefings.c.node == node) | briefings.c.node.is_(None))
                .values(node=node, seen_at=now)
            )

    def open_briefings(self) -> list[OpenBriefing]:
        """Every briefing not ended, oldest first."""
        query = (
            select(briefings).where(briefings.c.ended_at.is_(None)).order_by(briefings.c.started_at)
        )
        with self._database.read() as connection:
            return [
                OpenBriefing(briefing_from_row(row), row["node"], row["seen_at"])
                for row in connection.execute(query).mappings()
            ]

    def take_over(self, found: OpenBriefing, *, node: str) -> bool:
        """Make ``node`` the one concluding ``found``; False when it changed since it was read.

        Its node renewed it since, or another node took it over first.
        """
        now = self._database.now()
        with self._database.transaction() as connection:
            result = connection.execute(
                update(briefings)
                .where(briefings.c.id == found.record.id)
                .where(briefings.c.ended_at.is_(None))
                .where(briefings.c.node.is_not_distinct_from(found.node))
                .where(briefings.c.seen_at.is_not_distinct_from(found.seen_at))
                .values(node=node, seen_at=now)
            )
            return result.rowcount == 1

    # --- attendance -----------------------------------------------------------------------

    def joined(self, briefing_id: str, identity: str, at: datetime) -> None:
        """``identity`` joined: a stretch with no end yet."""
        encode_time(at)
        with self._database.transaction() as connection:
            connection.execute(
                briefing_attendance.insert().values(
                    briefing_id=briefing_id, identity=identity, joined_at=at, left_at=None
                )
            )

    def left(self, briefing_id: str, identity: str, at: datetime) -> None:
        """``identity`` left: their open stretch ends at ``at``."""
        encode_time(at)
        with self._database.transaction() as connection:
            connection.execute(
                update(briefing_attendance)
                .where(briefing_attendance.c.briefing_id == briefing_id)
                .where(briefing_attendance.c.identity == identity)
                .where(briefing_attendance.c.left_at.is_(None))
                .values(left_at=func.coalesce(briefing_attendance.c.left_at, at))
            )

    def replace_presences(self, briefing_id: str, presences: Sequence[Presence]) -> None:
        """Store ``presences`` as the briefing's whole attendance (at its conclusion)."""
        with self._database.transaction() as connection:
            connection.execute(
                delete(briefing_attendance).where(briefing_attendance.c.briefing_id == briefing_id)
            )
            if presences:
                connection.execute(
                    briefing_attendance.insert(),
                    [
                        {
                            "briefing_id": briefing_id,
                            "identity": p.identity,
                            "joined_at": p.joined_at,
                            "left_at": p.left_at,
                        }
                        for p in presences
                    ],
                )

    # --- audio ----------------------------------------------------------------------------

    def add_chunk(self, briefing_id: str, seq: int, pcm: bytes, *, sample_rate: int) -> None:
        """Store the ``seq``-th chunk of the manager's audio (16-bit mono PCM)."""
        with self._database.transaction() as connection:
            connection.execute(
                briefing_audio_chunks.insert().values(
                    briefing_id=briefing_id, seq=seq, sample_rate=sample_rate, pcm=pcm
                )
            )

    def last_chunk(self, briefing_id: str) -> int:
        """The number of the last chunk stored (0: none)."""
        query = select(func.max(briefing_audio_chunks.c.seq)).where(
            briefing_audio_chunks.c.briefing_id == briefing_id
        )
        with self._database.read() as connection:
            return int(connection.execute(query).scalar() or 0)

    def audio(self, briefing_id: str) -> tuple[bytes, int]:
        """The chunks stored so far, in order, as one PCM stream, and its rate (0: none).

        Chunks at another rate than the first are left out (one recording, one rate).
        """
        query = (
            select(briefing_audio_chunks.c.sample_rate, briefing_audio_chunks.c.pcm)
            .where(briefing_audio_chunks.c.briefing_id == briefing_id)
            .order_by(briefing_audio_chunks.c.seq)
        )
        with self._database.read() as connection:
            rows = connection.execute(query).all()
        if not rows:
            return b"", 0
        rate = int(rows[0][0])
        return b"".join(bytes(pcm) for chunk_rate, pcm in rows if chunk_rate == rate), rate

    def drop_chunks(self, briefing_id: str) -> None:
        """Forget the chunks (the recording is stored whole)."""
        with self._database.transaction() as connection:
            connection.execute(
                delete(briefing_audio_chunks).where(
                    briefing_audio_chunks.c.briefing_id == briefing_id
                )
            )
