"""Who a notice concerns: the publication it announces, its stores, its listeners.

A notice concerns every store in the new *or* the previous version's scope (a store that
left the promotion must hear that too): the clerks and store managers of those stores, the
regional managers of their regions, and headquarters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from knowledge_base.answering import Role
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import LocalizedText, Promotion
from knowledge_base.notice_queue import notice_id
from knowledge_base.rosters import Roster, StaffMember
from knowledge_base.versions import PromotionVersion, change_summary


@dataclass(frozen=True, slots=True)
class Publication:
    """A published version: the event every notice hangs on."""

    promotion: Promotion
    """The new version."""
    previous: Promotion | None
    """The version before it (``None``: first publication)."""
    published_at: datetime
    """Time-zone-aware moment of publishing."""
    published_by: str
    urgent: bool = False
    notes: tuple[LocalizedText, ...] = ()
    """Change notes given at publishing; empty means the version's own ``changes`` entry."""

    @property
    def notice_id(self) -> str:
        """``<promotion id>@<version>``."""
        return notice_id(self.promotion.id, self.promotion.version)

    def change_notes(self) -> list[LocalizedText]:
        """The notes for this version (given at publishing, else written in the file)."""
        if self.notes:
            return list(self.notes)
        change = self.promotion.changes_for(self.promotion.version)
        return list(change.notes) if change else []

    @classmethod
    def from_versions(
        cls,
        previous: PromotionVersion | None,
        new: PromotionVersion,
        *,
        urgent: bool = False,
        notes: tuple[LocalizedText, ...] = (),
    ) -> Publication:
        """Build one from stored versions."""
        return cls(
            promotion=new.promotion(),
            previous=previous.promotion() if previous else None,
            published_at=new.published_at,
            published_by=new.published_by,
            urgent=urgent,
            notes=notes,
        )


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a notice is for."""

    role: Role
    store_id: str | None = None
    """The listener's store (clerks and store managers)."""
    region_id: str | None = None
    """The listener's region (regional managers)."""

    @classmethod
    def of(cls, member: StaffMember) -> Audience:
        """The audience a roster member is."""
        return cls(role=member.role, store_id=member.store_id, region_id=member.region_id)


def promotion_stores(knowledge: KnowledgeBase, promotion: Promotion) -> frozenset[str]:
    """Stores taking part in this version of a promotion.

    (``KnowledgeBase.scope_stores`` caches by promotion id, so it answers for the loaded
    version only; notices compare two versions.)
    """
    in_regions = {
        store.id
        for region_id in promotion.regions
        if (region := knowledge.regions.get(region_id)) is not None
        for store in region.stores
    }
    return frozenset(in_regions & set(promotion.stores) if promotion.stores else in_regions)


def notice_stores(publication: Publication, knowledge: KnowledgeBase) -> frozenset[str]:
    """Stores a notice concerns: in the new version's scope or in the previous one's."""
    stores = promotion_stores(knowledge, publication.promotion)
    if publication.previous is not None:
        stores |= promotion_stores(knowledge, publication.previous)
    return stores


def concerns(publication: Publication, knowledge: KnowledgeBase, audience: Audience) -> bool:
    """True when the notice is for ``audience``."""
    stores = notice_stores(publication, knowledge)
    if audience.role is Role.HQ:
        return True
    if audience.role is Role.REGIONAL_MANAGER:
        return any(knowledge.region_of(store).id == audience.region_id for store in stores)
    return audience.store_id in stores


def recipients(
    publication: Publication, knowledge: KnowledgeBase, roster: Roster
) -> list[StaffMember]:
    """Everyone on the roster the notice concerns and has news for, in roster order."""
    return [
        member
        for member in roster.members
        if has_news_for(publication, member.role)
        and concerns(publication, knowledge, Audience.of(member))
    ]


def has_news_for(publication: Publication, role: Role) -> bool:
    """False when nothing a ``role`` may hear changed (only manager notes, aliases, ...)."""
    if publication.previous is None:
        return True
    return bool(change_summary(publication.previous, publication.promotion, role=role))
