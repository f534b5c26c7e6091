"""Compliance with a promotion version, from the stored deliveries, quizzes and roster.

The arithmetic is :func:`knowledge_base.compliance.version_compliance`; this module gathers
its inputs from storage (blocking: call it through ``asyncio.to_thread`` from async code).
A clerk has passed the quiz when every question of their stored quiz plan was answered
right once (:func:`~knowledge_base.quiz_scoring.passed_at`); failed when the quizmaster
closed the plan as failed. Without a plan nothing counts as passed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from knowledge_base.compliance import Receipt, VersionCompliance, version_compliance
from knowledge_base.delivery import Delivery
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.notice_queue import notice_id
from knowledge_base.notice_scope import notice_stores
from knowledge_base.quiz_plan import QuizOutcome, QuizPlan
from knowledge_base.quiz_scoring import QuizResult, passed_at
from knowledge_base.rosters import Roster
from voice_agent.broadcast.announcements import announcement
from voice_agent.storage import (
    Database,
    SqlNoticeRepository,
    SqlPromotionVersionRepository,
    SqlQuizPlanRepository,
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
    plans = {
        plan.clerk: plan
        for plan in SqlQuizPlanRepository(database=database).plans(
            promotion_id=stored.promotion_id, version=stored.version
        )
    }
    answers: dict[str, list[QuizResult]] = defaultdict(list)
    for result in SqlQuizResultRepository(database=database).results(
        promotion_id=stored.promotion_id, version=stored.version
    ):
        answers[result.clerk].append(result)
    by_clerk = {d.clerk: d for d in deliveries}
    receipts = [
        _receipt(by_clerk.get(clerk), clerk, plans.get(clerk), answers[clerk])
        for clerk in sorted(set(by_clerk) | set(plans))
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


def _receipt(
    delivery: Delivery | None, clerk: str, plan: QuizPlan | None, answers: list[QuizResult]
) -> Receipt:
    """One clerk's receipt: the delivery (if the version was a notice to them) and the quiz."""
    passed = passed_at(answers, plan.question_ids) if plan is not None else None
    failed = plan.closed_at if plan is not None and plan.outcome is QuizOutcome.FAILED else None
    if delivery is None:
        return Receipt(clerk, passed_at=passed, quiz_failed_at=failed)
    return Receipt.of(delivery, passed_at=passed, quiz_failed_at=failed)
