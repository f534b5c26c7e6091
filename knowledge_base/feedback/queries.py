"""Domain queries over feedback records: who may see what, filters, paging and counts.

Pure functions over records, so the storage layer, the CLI and the HTTP API stay thin: the
storage adapter may push the same filters into SQL, but these define what they mean.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from knowledge_base.answering import Role
from knowledge_base.feedback.models import FeedbackRecord
from knowledge_base.feedback.taxonomy import FeedbackCategory, Sentiment, Urgency


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking for feedback records."""

    role: Role
    identity: str
    """The clerk or manager id."""
    store_id: str | None = None
    region_id: str | None = None


def visible_to(record: FeedbackRecord, viewer: Viewer) -> bool:
    """Role scope of one record.

    A clerk sees what they said, a store manager their store, a regional manager their
    region, headquarters everything.
    """
    if viewer.role is Role.HQ:
        return True
    if viewer.role is Role.REGIONAL_MANAGER:
        return viewer.region_id is not None and record.region_id == viewer.region_id
    if viewer.role is Role.STORE_MANAGER:
        return viewer.store_id is not None and record.store_id == viewer.store_id
    return record.clerk_id == viewer.identity


@dataclass(frozen=True, slots=True)
class FeedbackFilter:
    """Which records to list; every field set narrows the selection."""

    category: FeedbackCategory | None = None
    urgency: Urgency | None = None
    sentiment: Sentiment | None = None
    store_id: str | None = None
    region_id: str | None = None
    product: str | None = None
    promotion: str | None = None
    """Matches the named promotion or one in force."""
    since: datetime | None = None
    """Inclusive, aware."""
    until: datetime | None = None
    """Exclusive, aware."""

    def matches(self, record: FeedbackRecord) -> bool:
        """True when ``record`` passes every set field."""
        return (
            (self.category is None or record.category == self.category)
            and (self.urgency is None or record.urgency == self.urgency)
            and (self.sentiment is None or record.sentiment == self.sentiment)
            and (self.store_id is None or record.store_id == self.store_id)
            and (self.region_id is None or record.region_id == self.region_id)
            and (self.product is None or self.product in record.products)
            and (
                self.promotion is None
                or record.promotion == self.promotion
                or self.promotion in record.promotions_in_force
            )
            and (self.since is None or record.utc_time >= self.since)
            and (self.until is None or record.utc_time < self.until)
        )


@dataclass(frozen=True, slots=True)
class Page:
    """One page of records, newest first."""

    records: list[FeedbackRecord]
    total: int
    offset: int
    limit: int


MAX_PAGE = 500


def select(
    records: Iterable[FeedbackRecord],
    *,
    viewer: Viewer,
    where: FeedbackFilter | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page:
    """Records the viewer may see that match ``where``, newest first, one page."""
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"offset must be >= 0 and limit within 1..{MAX_PAGE}")
    where = where or FeedbackFilter()
    chosen = [r for r in records if visible_to(r, viewer) and where.matches(r)]
    chosen.sort(key=lambda r: (r.utc_time, r.id), reverse=True)
    return Page(chosen[offset : offset + limit], len(chosen), offset, limit)


class Dimension(StrEnum):
    """What feedback can be counted by."""

    CATEGORY = "category"
    STORE = "store"
    REGION = "region"
    PRODUCT = "product"
    PROMOTION = "promotion"
    URGENCY = "urgency"
    SENTIMENT = "sentiment"
    HOUR = "hour"
    """UTC hour bucket, ``2026-11-28T07:00Z``."""
    DAY = "day"
    """UTC day, ``2026-11-28``."""


def _keys(record: FeedbackRecord, dimension: Dimension) -> list[str]:
    if dimension is Dimension.CATEGORY:
        return [record.category.value]
    if dimension is Dimension.STORE:
        return [record.store_id]
    if dimension is Dimension.REGION:
        return [record.region_id]
    if dimension is Dimension.PRODUCT:
        return list(dict.fromkeys(record.products))
    if dimension is Dimension.PROMOTION:
        named = [record.promotion] if record.promotion else []
        return list(dict.fromkeys([*named, *record.promotions_in_force]))
    if dimension is Dimension.URGENCY:
        return [record.urgency.value]
    if dimension is Dimension.SENTIMENT:
        return [record.sentiment.value]
    if dimension is Dimension.HOUR:
        return [record.utc_time.strftime("%Y-%m-%dT%H:00Z")]
    return [record.utc_time.strftime("%Y-%m-%d")]


def counts(records: Iterable[FeedbackRecord], by: Dimension) -> dict[str, int]:
    """How many records fall under each key of ``by``, most first.

    A record naming two products counts once for each.
    """
    counter: Counter[str] = Counter()
    for record in records:
        counter.update(_keys(record, by))
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def cross_counts(
    records: Iterable[FeedbackRecord], by: Dimension, then: Dimension
) -> dict[str, dict[str, int]]:
    """Counts of ``then`` within each key of ``by`` (e.g. categories per store)."""
    table: dict[str, Counter[str]] = {}
    for record in records:
        for key in _keys(record, by):
            table.setdefault(key, Counter()).update(_keys(record, then))
    return {
        key: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for key, c in table.items()
    }


def window(
    records: Iterable[FeedbackRecord], *, end: datetime, length: timedelta
) -> list[FeedbackRecord]:
    """Records said within ``length`` before ``end`` (aware)."""
    start = end - length
    return [r for r in records if start <= r.utc_time < end]


STATS_DIMENSIONS = (
    Dimension.CATEGORY, Dimension.URGENCY, Dimension.SENTIMENT, Dimension.STORE,
    Dimension.REGION, Dimension.PRODUCT, Dimension.PROMOTION, Dimension.DAY,
)  # fmt: skip
"""What ``feedback stats`` counts by default."""


def stats(
    records: Iterable[FeedbackRecord], *, viewer: Viewer, where: FeedbackFilter | None = None,
    by: Iterable[Dimension] = STATS_DIMENSIONS,
) -> dict[str, Any]:  # fmt: skip
    """The records the viewer may see that match ``where``: total and counts per dimension."""
    where = where or FeedbackFilter()
    chosen = [r for r in records if visible_to(r, viewer) and where.matches(r)]
    return {"total": len(chosen), **{d.value: counts(chosen, d) for d in by}}
