"""The announced publication behind a notice, rebuilt from the stored versions.

:class:`knowledge_base.notice_scope.Publication` needs the new version and the one before
it; both are read from ``promotion_versions``, so a notice is phrased the same by any node
and after a restart. The change notes spoken are the version's own ``changes`` entry (the
publish's free-text notes are English only and not fact-checked, so they are not spoken).
"""

from __future__ import annotations

import asyncio

from knowledge_base.notice_queue import parse_notice_id
from knowledge_base.notice_scope import Publication as Announcement
from voice_agent.storage.promotion_versions import SqlPromotionVersionRepository


def announcement(versions: SqlPromotionVersionRepository, notice_id: str) -> Announcement:
    """The urgent publication ``notice_id`` announces (blocking: reads the database).

    Raises:
        KeyError: The version is not stored.
    """
    promotion_id, number = parse_notice_id(notice_id)
    new = versions.get(promotion_id, number)
    if new is None:
        raise KeyError(f"{notice_id} is not stored")
    previous = versions.get(promotion_id, number - 1) if number > 1 else None
    return Announcement.from_versions(previous, new, urgent=True)


class Announcements:
    """The announced publication of each notice, read once (a stored version is never changed)."""

    def __init__(self, versions: SqlPromotionVersionRepository) -> None:
        """Read from ``versions``."""
        self._versions = versions
        self._read: dict[str, Announcement] = {}

    async def of(self, notice_id: str) -> Announcement:
        """The urgent publication ``notice_id`` announces (see :func:`announcement`)."""
        if notice_id not in self._read:
            self._read[notice_id] = await asyncio.to_thread(announcement, self._versions, notice_id)
        return self._read[notice_id]
