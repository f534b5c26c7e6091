"""Publishing: which versions a publish stores (pure; reads and writes nothing).

Publishing rules (:func:`plan_publication`); the store is the source of truth for numbers:

* Drafts are not versioned; a promotion gets its first stored version once it is published
  (or retired).
* The first time a promotion is published, the file's ``version`` is adopted as is.
  Versions before it may be shipped as history files (``history/<id>/v<N>.yaml``, see
  :func:`read_history`) and are stored first, so the sample data's history is reproducible.
  History files are read only for promotions with no stored version yet.
* Afterwards, when the content changed since the latest stored version ``L``, the file's
  ``version`` must be ``L + 1``; when the content is unchanged it must still be ``L``.
  Anything else is reported (file, line, field) and nothing at all is stored.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from knowledge_base.errors import Issue
from knowledge_base.models import Promotion, PromotionStatus
from knowledge_base.versions.canonical import canonical_text, content_hash
from knowledge_base.versions.history import HistoryEntry
from knowledge_base.versions.records import PromotionVersion

STALE_VERSION = "stale_version"
"""Issue code: a file's version is older than the newest published one (published elsewhere)."""


@dataclass(frozen=True, slots=True)
class PublishCandidate:
    """A promotion from the knowledge-base files, with where its version is written."""

    promotion: Promotion
    file: str
    version_line: int | None = None


@dataclass(slots=True)
class PublicationPlan:
    """What publishing would store, and why it may not."""

    new_versions: list[PromotionVersion] = field(default_factory=list)
    """Versions to store, oldest first per promotion."""
    unchanged: list[PromotionVersion] = field(default_factory=list)
    """Latest stored version of each promotion whose content did not change."""
    drafts: list[str] = field(default_factory=list)
    """Promotion ids skipped because they are drafts."""
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing blocks publishing."""
        return not any(issue.severity == "error" for issue in self.issues)


def make_version(
    promotion: Promotion,
    *,
    previous: PromotionVersion | None,
    published_at: datetime,
    published_by: str,
) -> PromotionVersion:
    """Build the stored form of ``promotion``, with its diff from ``previous``."""
    content = canonical_text(promotion)
    diff = ""
    if previous is not None:
        diff = "".join(
            difflib.unified_diff(
                previous.content.splitlines(keepends=True),
                content.splitlines(keepends=True),
                fromfile=f"{promotion.id} v{previous.version}",
                tofile=f"{promotion.id} v{promotion.version}",
            )
        )
    return PromotionVersion(
        promotion_id=promotion.id,
        version=promotion.version,
        content_hash=content_hash(promotion),
        content=content,
        diff=diff,
        published_at=published_at,
        published_by=published_by,
    )


def plan_publication(
    candidates: Iterable[PublishCandidate],
    *,
    latest: Mapping[str, PromotionVersion],
    history: Mapping[str, Sequence[HistoryEntry]],
    published_at: datetime,
    published_by: str,
) -> PublicationPlan:
    """Decide which versions publishing stores (pure: reads and writes nothing).

    Args:
        candidates: The promotions of a valid knowledge base.
        latest: The newest stored version of each promotion.
        history: Shipped past versions by promotion id (see :func:`read_history`).
        published_at: Aware moment recorded on the new versions.
        published_by: Who publishes.
    """
    plan = PublicationPlan()
    for candidate in sorted(candidates, key=lambda c: c.promotion.id):
        promotion = candidate.promotion
        if promotion.status is PromotionStatus.DRAFT:
            plan.drafts.append(promotion.id)
            continue
        stored = latest.get(promotion.id)
        past = list(history.get(promotion.id, ()))
        if stored is None:
            _plan_first(candidate, past, plan, published_at, published_by)
        else:
            _plan_next(candidate, stored, plan, published_at, published_by)
    return plan


def _version_issue(candidate: PublishCandidate, message: str, code: str) -> Issue:
    return Issue(
        file=candidate.file,
        line=candidate.version_line,
        field="version",
        message=message,
        code=code,
    )


def _plan_first(
    candidate: PublishCandidate,
    past: list[HistoryEntry],
    plan: PublicationPlan,
    published_at: datetime,
    published_by: str,
) -> None:
    promotion = candidate.promotion
    previous: PromotionVersion | None = None
    for entry in past:
        if entry.promotion.version >= promotion.version:
            plan.issues.append(
                Issue(
                    file=entry.file,
                    line=None,
                    field="promotion.version",
                    message=(
                        f"history version {entry.promotion.version} is not older than the"
                        f" current version {promotion.version} in {candidate.file}"
                    ),
                    code="history_not_older",
                )
            )
            return
        previous = make_version(
            entry.promotion,
            previous=previous,
            published_at=entry.published_at,
            published_by=entry.published_by,
        )
        plan.new_versions.append(previous)
    if previous is not None and previous.content_hash == content_hash(promotion):
        plan.issues.append(
            _version_issue(
                candidate,
                f"content is the same as history version {previous.version};"
                f" set version to {previous.version} or change the content",
                "version_without_change",
            )
        )
        return
    plan.new_versions.append(
        make_version(
            promotion, previous=previous, published_at=published_at, published_by=published_by
        )
    )


def _plan_next(
    candidate: PublishCandidate,
    stored: PromotionVersion,
    plan: PublicationPlan,
    published_at: datetime,
    published_by: str,
) -> None:
    promotion = candidate.promotion
    if stored.content_hash == content_hash(promotion):
        if promotion.version == stored.version:
            plan.unchanged.append(stored)
        else:
            plan.issues.append(
                _version_issue(
                    candidate,
                    f"version is {promotion.version} but the content is unchanged since stored"
                    f" version {stored.version}; set version to {stored.version}",
                    "version_without_change",
                )
            )
        return
    if promotion.version < stored.version:
        plan.issues.append(
            _version_issue(
                candidate,
                f"version {promotion.version} is older than the published version"
                f" {stored.version}: the file is behind what was published (see voice-agent kb"
                f" history {promotion.id}); bring it up to date, then edit it",
                STALE_VERSION,
            )
        )
        return
    expected = stored.version + 1
    if promotion.version != expected:
        plan.issues.append(
            _version_issue(
                candidate,
                f"content changed since stored version {stored.version}, so version must be"
                f" {expected} (it is {promotion.version})",
                "version_mismatch",
            )
        )
        return
    plan.new_versions.append(
        make_version(
            promotion, previous=stored, published_at=published_at, published_by=published_by
        )
    )
