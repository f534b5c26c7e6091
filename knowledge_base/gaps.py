"""Question mining: which questions the knowledge base could not answer well, grouped.

Every question answered as :attr:`~AnswerSource.UNKNOWN`, :attr:`~AnswerSource.FALLBACK`
or :attr:`~AnswerSource.REFUSED` is a *gap*: :class:`QuestionLogger` records it through a
:class:`QuestionLogRepository`, and :func:`group_gaps` turns the records into the top
confusions per promotion for headquarters.

Grouping is deterministic. A question is reduced to a set of tokens (lowercased; English
stopwords and filler dropped; common suffixes stripped so "combined", "combine" and
"combinable" meet; each CJK character one token). Within a promotion, records are taken in
time order; each joins the earliest group whose *first* question's token set has a Jaccard
similarity (shared tokens / all tokens) of at least ``threshold`` with its own, otherwise it
starts a new group. Comparing with the first question only (not the growing group) keeps a
group from drifting through a chain of slightly different questions.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from knowledge_base.answering import Answer, AnswerSource, Question, Role


class GapReason(StrEnum):
    """Why a question counts as a gap in the knowledge base."""

    UNKNOWN = "unknown"
    """Nothing in the knowledge base matched."""
    FALLBACK = "fallback"
    """Only the grounded fallback answered (the LLM failed or broke the fact guard)."""
    REFUSED = "refused"
    """The caller's role may not hear the answer."""


_GAP_REASONS: dict[AnswerSource, GapReason] = {
    AnswerSource.UNKNOWN: GapReason.UNKNOWN,
    AnswerSource.FALLBACK: GapReason.FALLBACK,
    AnswerSource.REFUSED: GapReason.REFUSED,
}


def gap_reason(answer: Answer) -> GapReason | None:
    """Return why ``answer`` is a gap, or ``None`` when it was answered from the knowledge base."""
    return _GAP_REASONS.get(answer.source)


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """One logged gap question."""

    text: str
    """The question as transcribed."""
    role: Role
    language: str
    source: AnswerSource
    reason: GapReason
    asked_at: datetime
    """Time-zone-aware moment of the question."""
    store_id: str | None = None
    promotion_id: str | None = None
    """The promotion the answer was about (the first one named), if any."""
    answer_text: str = ""
    """What the assistant said."""
    id: int | None = None
    """Assigned by the repository."""

    def __post_init__(self) -> None:
        if self.asked_at.tzinfo is None:
            raise ValueError("QuestionRecord.asked_at must be time-zone aware")


class QuestionLogRepository(Protocol):
    """Durable log of gap questions."""

    def add(self, record: QuestionRecord) -> QuestionRecord:
        """Store ``record``; return it with its ``id`` set."""
        ...

    def find(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[QuestionRecord]:
        """Return records asked in ``[since, until)`` (either bound optional), oldest first."""
        ...


class QuestionLogger:
    """Records the questions an answer did not fully cover; the pipeline calls it per answer."""

    def __init__(
        self,
        *,
        repository: QuestionLogRepository,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Create a logger.

        Args:
            repository: Where gap questions are stored (blocking; called in a thread).
            clock: Returns the current aware time, for questions without ``asked_at``.
        """
        self._repository = repository
        self._clock = clock or (lambda: datetime.now(UTC))

    async def record(self, question: Question, answer: Answer) -> QuestionRecord | None:
        """Store ``question`` if ``answer`` is a gap; return the stored record or ``None``.

        Storage errors propagate: the caller decides whether a failed log matters.
        """
        reason = gap_reason(answer)
        if reason is None:
            return None
        record = QuestionRecord(
            text=question.text,
            role=question.role,
            language=question.language,
            source=answer.source,
            reason=reason,
            asked_at=question.asked_at or self._clock(),
            store_id=question.store_id,
            promotion_id=answer.promotion_ids[0] if answer.promotion_ids else None,
            answer_text=answer.text,
        )
        return await asyncio.to_thread(self._repository.add, record)


# Filler and function words that say nothing about what the clerk wanted to know.
# "no"/"not" stay: they change the question.
ENGLISH_STOPWORDS = frozenset(
    """
    a about also am an and any anything are as at be been but by can could did do does
    doing for from get got had has have hello hey hi how i if in is it its just know let
    me my of ok okay on or our please promo right say so some still tell than that the
    their them then there these they this those to uh um us was we well were what when
    where which who whom why will with would you your
    """.split()
)
CJK_STOPWORDS = frozenset("的了吗呢吧啊是在有我你他她它这那个么什哪请问小促")

_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*|[\u3400-\u4dbf\u4e00-\u9fff]")
_MIN_STEM = 3


def _stem(token: str) -> str:
    """Strip a few English suffixes (a small fixed rule set, not a full stemmer)."""
    if not token.isalpha() or len(token) <= _MIN_STEM:
        return token
    stem = token
    if stem.endswith("ies") and len(stem) - 3 >= _MIN_STEM:
        return stem[:-3] + "y"
    for suffix in ("able", "ing", "ed"):
        if stem.endswith(suffix) and len(stem) - len(suffix) >= _MIN_STEM:
            stem = stem[: -len(suffix)]
            break
    else:
        if stem.endswith("s") and not stem.endswith(("ss", "us", "is")):
            stem = stem[:-1]
    if stem.endswith("e") and len(stem) - 1 >= _MIN_STEM:
        stem = stem[:-1]
    if len(stem) > _MIN_STEM and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
        stem = stem[:-1]
    return stem


def question_tokens(text: str) -> frozenset[str]:
    """Reduce a question to the set of tokens that carry its meaning.

    A question made only of stopwords keeps its whole lowercased text as one token, so
    it still groups with identical questions and nothing else.
    """
    lowered = text.lower()
    tokens = {
        _stem(token)
        for token in _TOKEN.findall(lowered)
        if token not in ENGLISH_STOPWORDS
        and token not in CJK_STOPWORDS
        and not (len(token) == 1 and token.isascii() and token.isalpha())
    }
    if not tokens:
        squashed = " ".join(_TOKEN.findall(lowered)) or lowered.strip()
        return frozenset({squashed})
    return frozenset(tokens)


def similarity(left: frozenset[str], right: frozenset[str]) -> float:
    """Jaccard similarity of two token sets: 1.0 identical, 0.0 nothing shared."""
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)


@dataclass(frozen=True, slots=True)
class GapGroup:
    """Similar gap questions about one promotion (or about none)."""

    promotion_id: str | None
    key: str
    """Normalized form of the group's first question (its tokens, sorted)."""
    count: int
    first_seen: datetime
    last_seen: datetime
    examples: tuple[str, ...]
    """Distinct question texts, in the order first asked."""
    stores: tuple[str, ...]
    """Stores the questions came from, sorted."""
    reasons: dict[GapReason, int] = field(default_factory=dict)
    languages: tuple[str, ...] = ()


@dataclass(slots=True)
class _Cluster:
    seed: frozenset[str]
    records: list[QuestionRecord]


def _record_order(record: QuestionRecord) -> tuple[datetime, str, int]:
    return (record.asked_at, record.text, record.id or 0)


def group_gaps(
    records: Iterable[QuestionRecord],
    *,
    threshold: float = 0.5,
    max_examples: int = 3,
) -> list[GapGroup]:
    """Group gap questions by promotion and by similar wording.

    Args:
        records: Logged gap questions, in any order.
        threshold: Minimum Jaccard similarity with a group's first question to join it.
        max_examples: How many distinct question texts to keep per group.

    Returns:
        Groups ordered by promotion id (questions about no promotion last), then by count
        (most first), then by most recently seen.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    by_promotion: dict[str | None, list[_Cluster]] = {}
    for record in sorted(records, key=_record_order):
        tokens = question_tokens(record.text)
        clusters = by_promotion.setdefault(record.promotion_id, [])
        best: _Cluster | None = None
        best_score = 0.0
        for cluster in clusters:
            score = similarity(tokens, cluster.seed)
            if score >= threshold and score > best_score:
                best, best_score = cluster, score
        if best is None:
            clusters.append(_Cluster(seed=tokens, records=[record]))
        else:
            best.records.append(record)

    groups = [
        _summarise(promotion_id, cluster, max_examples)
        for promotion_id, clusters in by_promotion.items()
        for cluster in clusters
    ]
    groups.sort(
        key=lambda g: (
            g.promotion_id is None,
            g.promotion_id or "",
            -g.count,
            -g.last_seen.timestamp(),
            g.key,
        )
    )
    return groups


def _summarise(promotion_id: str | None, cluster: _Cluster, max_examples: int) -> GapGroup:
    records: Sequence[QuestionRecord] = cluster.records
    examples: list[str] = []
    for record in records:
        if record.text not in examples and len(examples) < max_examples:
            examples.append(record.text)
    reasons = Counter(record.reason for record in records)
    return GapGroup(
        promotion_id=promotion_id,
        key=" ".join(sorted(cluster.seed)),
        count=len(records),
        first_seen=min(record.asked_at for record in records),
        last_seen=max(record.asked_at for record in records),
        examples=tuple(examples),
        stores=tuple(sorted({r.store_id for r in records if r.store_id})),
        reasons={reason: reasons[reason] for reason in GapReason if reasons[reason]},
        languages=tuple(sorted({record.language for record in records})),
    )


def top_gaps(groups: Sequence[GapGroup], *, per_promotion: int) -> list[GapGroup]:
    """Keep the first ``per_promotion`` groups of each promotion (input order preserved)."""
    kept: list[GapGroup] = []
    seen: Counter[str | None] = Counter()
    for group in groups:
        if seen[group.promotion_id] < per_promotion:
            kept.append(group)
            seen[group.promotion_id] += 1
    return kept
