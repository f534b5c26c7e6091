"""What one stored version changed compared with the one before, in lines and sentences.

The lines come from :func:`~knowledge_base.versions.change_lines.change_lines`, the spoken
sentences from :func:`~knowledge_base.versions.change_sentences.change_summary`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from knowledge_base.answering import Role
from knowledge_base.versions.change_lines import change_lines
from knowledge_base.versions.change_sentences import change_summary
from knowledge_base.versions.records import PromotionVersion, PromotionVersionRepository


@dataclass(frozen=True, slots=True)
class VersionChanges:
    """What one stored version changed compared with the stored version before it."""

    promotion_id: str
    from_version: int
    to_version: int
    published_at: datetime
    published_by: str
    sentences: list[str]
    """Spoken summary (role-filtered)."""
    lines: list[str]
    """Field-level lines for headquarters."""


def compare_versions(
    older: PromotionVersion,
    newer: PromotionVersion,
    *,
    role: Role = Role.HQ,
    names: Mapping[str, str] | None = None,
) -> VersionChanges:
    """Describe what ``newer`` changed compared with ``older`` (see :func:`change_summary`)."""
    return VersionChanges(
        promotion_id=newer.promotion_id,
        from_version=older.version,
        to_version=newer.version,
        published_at=newer.published_at,
        published_by=newer.published_by,
        sentences=change_summary(older.content, newer.content, role=role, names=names),
        lines=change_lines(older.content, newer.content),
    )


def latest_changes(
    repository: PromotionVersionRepository,
    promotion_id: str,
    *,
    role: Role = Role.CLERK,
    names: Mapping[str, str] | None = None,
) -> VersionChanges | None:
    """What the newest stored version changed, or ``None`` with fewer than two versions.

    Blocking (reads the repository): call it through ``asyncio.to_thread`` in async code.
    """
    history = repository.history(promotion_id)
    if len(history) < 2:
        return None
    return compare_versions(history[-2], history[-1], role=role, names=names)
