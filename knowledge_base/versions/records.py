"""Promotion versions as stored, and the repository that keeps them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from knowledge_base.models import Promotion
from knowledge_base.versions.canonical import promotion_from_text


@dataclass(frozen=True, slots=True)
class PromotionVersion:
    """One published version of a promotion."""

    promotion_id: str
    version: int
    content_hash: str
    """SHA-256 (hex) of the canonical content without the ``version`` field."""
    content: str
    """Canonical YAML of the promotion at this version."""
    diff: str
    """Unified diff from the previous stored version (empty for the first one)."""
    published_at: datetime
    """Time-zone-aware moment of publishing."""
    published_by: str

    def __post_init__(self) -> None:
        if self.published_at.tzinfo is None:
            raise ValueError("PromotionVersion.published_at must be time-zone aware")

    def promotion(self) -> Promotion:
        """The promotion this version stores."""
        return promotion_from_text(self.content)


class PromotionVersionRepository(Protocol):
    """Durable store of promotion versions."""

    def add(self, versions: Sequence[PromotionVersion]) -> None:
        """Store all ``versions`` atomically.

        Raises:
            VersionConflictError: One of them is already stored; none is stored.
        """
        ...

    def get(self, promotion_id: str, version: int) -> PromotionVersion | None:
        """One version, or ``None``."""
        ...

    def latest(self, promotion_id: str) -> PromotionVersion | None:
        """The newest version of a promotion, or ``None`` if it was never published."""
        ...

    def history(self, promotion_id: str) -> list[PromotionVersion]:
        """Every stored version of a promotion, oldest first."""
        ...

    def latest_versions(self) -> dict[str, PromotionVersion]:
        """The newest version of every stored promotion, by promotion id."""
        ...


@dataclass(frozen=True, slots=True)
class Publication:
    """One publish: who, when, why, how urgent, and the versions it stored."""

    id: int
    """Grows with every publication (a poller compares it with the last one it saw)."""
    published_at: datetime
    """Time-zone-aware moment of publishing (read back in UTC)."""
    published_by: str
    notes: str
    """Change notes headquarters wrote for this publish (may be empty)."""
    urgent: bool
    """Urgent changes are announced to the clerks concerned."""
    versions: tuple[PromotionVersion, ...]
    """The versions stored by this publish, by promotion id then version."""

    def __post_init__(self) -> None:
        if self.published_at.tzinfo is None:
            raise ValueError("Publication.published_at must be time-zone aware")


class PublicationRepository(Protocol):
    """Durable store of publications (and the versions each one stores)."""

    def publish(
        self,
        versions: Sequence[PromotionVersion],
        *,
        published_at: datetime,
        published_by: str,
        notes: str = "",
        urgent: bool = False,
    ) -> Publication:
        """Store ``versions`` and the publication recording them, atomically.

        Raises:
            VersionConflictError: One version is already stored; nothing is stored.
            ValueError: ``versions`` is empty (a publication stores at least one version).
        """
        ...

    def get(self, publication_id: int) -> Publication | None:
        """One publication, or ``None``."""
        ...

    def list(self, *, after_id: int = 0, limit: int | None = None) -> list[Publication]:
        """Publications with an id above ``after_id``, oldest first (at most ``limit``)."""
        ...

    def latest_id(self) -> int:
        """The id of the newest publication (0 when nothing was published): a cheap poll."""
        ...
