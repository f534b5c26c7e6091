"""A person's decision on a change heard in a briefing: approve (publish) or reject.

Approving builds the promotion's next version with :meth:`ProposedChange.apply` from the
version served now, and publishes it through the one publishing path
(:class:`~voice_agent.storage.publisher.Publisher`, as ``kb publish`` and
``POST /v1/publications``), optionally urgent (the broadcaster then speaks it to the clerks
in scope). Only then is the change marked approved, with the publication it made. Rejecting
records who rejected it. Nothing else changes the knowledge base. Blocking: call through
``asyncio.to_thread`` from async code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from knowledge_base.errors import Issue, KnowledgeBaseError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import PROMOTIONS_DIR, load_knowledge_base
from knowledge_base.models import Promotion
from knowledge_base.versions import Publication
from voice_agent.storage.broadcast_briefings import (
    BriefingStateError,
    ChangeStatus,
    SqlBriefingRepository,
    StoredChange,
)
from voice_agent.storage.engine import Database
from voice_agent.storage.publisher import Publisher


class ChangeDecisionError(ValueError):
    """A decision that cannot be made (unknown change, or its version does not publish)."""

    code = "change_not_published"

    def __init__(self, message: str, *, code: str | None = None, issues: list[Issue] | None = None):
        super().__init__(message)
        self.message = message
        self.issues = issues or []
        if code is not None:
            self.code = code


@dataclass(frozen=True, slots=True)
class Decision:
    """A decided change and, when approved, the publication it made."""

    change: StoredChange
    publication: Publication | None = None
    issues: list[Issue] = field(default_factory=list)


def promotion_yaml(promotion: Promotion) -> str:
    """A promotion file's YAML text of ``promotion`` (what the loader reads back equal)."""
    data = promotion.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def find_change(repository: SqlBriefingRepository, change_id: int) -> StoredChange:
    """The stored change ``change_id``.

    Raises:
        ChangeDecisionError: No such change (code ``unknown_change``).
    """
    for stored in repository.changes():
        if stored.id == change_id:
            return stored
    raise ChangeDecisionError(f"no proposed change {change_id}", code="unknown_change")


def approve_change(
    database: Database,
    change_id: int,
    *,
    knowledge: KnowledgeBase,
    root: Path,
    decided_by: str,
    urgent: bool = False,
    notes: str = "",
    now: datetime | None = None,
) -> Decision:
    """Publish the change's next version of its promotion, then mark it approved.

    Args:
        database: Where briefings and publications are stored.
        change_id: The proposed change.
        knowledge: The knowledge base served now (the change applies to its version).
        root: The knowledge-base directory the publisher validates against.
        decided_by: Who approved it.
        urgent: Publish as urgent (the broadcaster speaks it to the clerks in scope).
        notes: Change notes (default: the briefing and what the change does).
        now: The moment of publishing (default: now).

    Raises:
        ChangeDecisionError: Unknown change, unknown promotion, a change that does not fit
            the promotion any more, or a publish refused (``issues`` say why).
        BriefingStateError: The change was decided already.
    """
    repository = SqlBriefingRepository(database=database)
    stored = find_change(repository, change_id)
    if stored.status is not ChangeStatus.PROPOSED:
        raise BriefingStateError(f"change {change_id} was {stored.status.value} already")
    change = stored.change
    if change.promotion_id not in knowledge.promotions:
        raise ChangeDecisionError(
            f"promotion {change.promotion_id!r} is not published", code="unknown_promotion"
        )
    try:
        version = change.apply(knowledge.promotion(change.promotion_id))
    except ValueError as e:
        raise ChangeDecisionError(
            f"change {change_id} no longer fits: {e}", code="change_not_applicable"
        ) from e
    moment = now or datetime.now(UTC)
    outcome = Publisher(database=database).publish_files(
        root,
        {_file_name(root, change.promotion_id): promotion_yaml(version)},
        published_by=decided_by,
        notes=notes or f"Briefing {stored.briefing_id}: {change.describe()} ({change.heard})",
        urgent=urgent,
        now=moment,
    )
    errors = outcome.errors
    if errors or outcome.publication is None:
        reason = "; ".join(str(issue) for issue in errors[:5]) or "nothing changed"
        raise ChangeDecisionError(f"change {change_id} was not published: {reason}", issues=errors)
    repository.decide(
        change_id,
        status=ChangeStatus.APPROVED,
        decided_by=decided_by,
        decided_at=moment,
        publication_id=outcome.publication.id,
    )
    return Decision(find_change(repository, change_id), outcome.publication, outcome.issues)


def reject_change(
    database: Database, change_id: int, *, decided_by: str, now: datetime | None = None
) -> Decision:
    """Record that ``decided_by`` rejected the change (nothing is published).

    Raises:
        ChangeDecisionError: No such change.
        BriefingStateError: The change was decided already.
    """
    repository = SqlBriefingRepository(database=database)
    find_change(repository, change_id)
    repository.decide(
        change_id,
        status=ChangeStatus.REJECTED,
        decided_by=decided_by,
        decided_at=now or datetime.now(UTC),
    )
    return Decision(find_change(repository, change_id))


def _file_name(root: Path, promotion_id: str) -> str:
    """The name of the promotion's file in ``root`` (a new file is ``<id>.yaml``)."""
    try:
        source = load_knowledge_base(root).sources.get(promotion_id)
    except KnowledgeBaseError:
        source = None
    if source is not None and Path(source).parent.name == PROMOTIONS_DIR:
        return Path(source).name
    return f"{promotion_id}.yaml"
