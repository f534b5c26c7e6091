"""Compliance with a promotion version, from the stored deliveries, quiz results and roster.

The arithmetic is :func:`knowledge_base.compliance.version_compliance`; this module gathers
its inputs from storage (blocking: call it through ``asyncio.to_thread`` from async code).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from knowledge_base.compliance import Receipt, VersionCompliance, version_compliance
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.notice_queue import notice_id
from knowledge_base.notice_scope import notice_stores
from knowledge_base.quiz_scoring import QuizResult, passed_at
from knowledge_base.rosters import Roster
from voice_agent.broadcast.announcements import announcement
from voice_agent.storage import (
    Database,
    SqlNoticeRepository,
    SqlPromotionVersionRepository,
    SqlQuizResultRepository,
    SqlRosterRepository,
)


class UnknownVersionError(LookupError):
    """No such promotion, or no such stored version of it."""

    code = "unknown_promotion_version"


def compliance_report(
    database: Database,
    knowledge: KnowledgeBase,
    *,
    promotion_id: str,
    version: int | None,
    as_of: datetime,
) -> VersionCompliance:
    """Compliance with ``promotion_id`` ``version`` (``None``: its newest stored version).

    Raises:
        UnknownVersionError: The promotion or the version is not stored.
    """
    versions = SqlPromotionVersionRepository(database=database)
    stored = (
        versions.latest(promotion_id) if version is None else versions.get(promotion_id, version)
    )
    if stored is None:
        what = promotion_id if version is None else f"{promotion_id} version {version}"
        raise UnknownVersionError(f"no published {what}")
    notice = notice_id(stored.promotion_id, stored.version)
    stores = notice_stores(announcement(versions, notice), knowledge)
    deliveries = SqlNoticeRepository(database=database).deliveries(notice_id=notice)
    answers: dict[str, list[QuizResult]] = defaultdict(list)
    for result in SqlQuizResultRepository(database=database).results(
        promotion_id=stored.promotion_id, version=stored.version
    ):
        answers[result.clerk].append(result)
    receipts = [
        Receipt.of(
            d,
            passed_at=passed_at(answers[d.clerk], {r.question_id for r in answers[d.clerk]})
            if answers[d.clerk]
            else None,
        )
        for d in deliveries
    ]
    roster = SqlRosterRepository(database=database).load() or Roster(())
    return version_compliance(
        promotion_id=stored.promotion_id,
        version=stored.version,
        published_at=stored.published_at,
        store_ids=stores,
        store_regions={s: knowledge.region_of(s).id for s in stores},
        roster=roster,
        receipts=receipts,
        as_of=as_of,
    )
