"""After a voice briefing: a short summary, proposed knowledge-base changes, attendance.

Everything is read from the caption segments with the knowledge base's own vocabulary:
products, categories and promotions are found by the catalogue matcher (which tolerates
recognition spellings), numbers, percentages and dates by the fact guard's extractor. A
sentence that names no promotion refers to the last one named before it ("The weekend
offer changes. The AX-200 is out." -> the AX-200 leaves the weekend offer).

Proposals are only proposals: :meth:`ProposedChange.apply` builds the next version of the
promotion (with a change note) for a person to approve and publish; nothing here changes
the knowledge base. A proposal that would change nothing (excluding an item already out)
is not made, nor is one from a question. Recognised phrasings are listed in docs/broadcast.md.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from knowledge_base import catalogue_lookup
from knowledge_base.answering import split_sentences
from knowledge_base.claim_extraction import extract_claims
from knowledge_base.claims import Claim, ClaimKind
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import Promotion
from knowledge_base.quiz_facts import without_names
from knowledge_base.windows import runs_to_midnight


@dataclass(frozen=True, slots=True)
class Caption:
    """One caption segment of a briefing."""

    start: float
    """Seconds from the start of the briefing."""
    end: float
    text: str
    speaker: str = ""

    def to_dict(self) -> dict[str, object]:
        """Plain values (JSON, the live caption messages)."""
        return {"start": self.start, "end": self.end, "text": self.text, "speaker": self.speaker}


class ChangeKind(StrEnum):
    """What a proposed change does to a promotion."""

    EXCLUDE_SKU = "exclude_sku"
    INCLUDE_SKU = "include_sku"
    SET_PERCENT = "set_percent"
    SET_MEMBER_PERCENT = "set_member_percent"
    SET_END = "set_end"
    SET_LIMIT = "set_limit"


@dataclass(frozen=True, slots=True)
class ProposedChange:
    """A change heard in a briefing, waiting for a person's approval."""

    kind: ChangeKind
    promotion_id: str
    heard: str
    """The sentence it was heard in."""
    at: float
    """Seconds from the start of the briefing."""
    sku: str | None = None
    percent: Decimal | None = None
    end: date | None = None
    limit: int | None = None

    def describe(self) -> str:
        """One English line: ``exclude AX-200 from weekend-running``."""
        what = {
            ChangeKind.EXCLUDE_SKU: f"exclude {self.sku} from",
            ChangeKind.INCLUDE_SKU: f"include {self.sku} in",
            ChangeKind.SET_PERCENT: f"set the discount to {self.percent} percent in",
            ChangeKind.SET_MEMBER_PERCENT: f"set the member discount to {self.percent} percent in",
            ChangeKind.SET_END: f"end on {self.end} for",
            ChangeKind.SET_LIMIT: f"limit {self.limit} per customer in",
        }[self.kind]
        return f"{what} {self.promotion_id}"

    def apply(self, promotion: Promotion) -> Promotion:
        """The next version of ``promotion`` with this change and a change note.

        Raises:
            ValueError: The change does not fit the promotion (e.g. no percent rule).
        """
        data: dict[str, Any] = promotion.model_dump(by_alias=True, exclude_defaults=True)
        scope = data["scope"]
        if self.kind is ChangeKind.EXCLUDE_SKU:
            _exclude(scope, str(self.sku))
        elif self.kind is ChangeKind.INCLUDE_SKU:
            excluded = scope.get("exclude_skus", [])
            if self.sku in excluded:
                scope["exclude_skus"] = [s for s in excluded if s != self.sku]
            elif self.sku not in scope.get("skus", []):
                scope["skus"] = [*scope.get("skus", []), self.sku]
        elif self.kind in (ChangeKind.SET_PERCENT, ChangeKind.SET_MEMBER_PERCENT):
            _set_percent(data["rules"], self.kind is ChangeKind.SET_MEMBER_PERCENT, self.percent)
        elif self.kind is ChangeKind.SET_END:
            assert self.end is not None
            # The end is exclusive: "until 5 December" runs through that day.
            old_end = promotion.window.end
            data["window"]["end"] = (
                datetime.combine(self.end + timedelta(days=1), old_end.time())
                if runs_to_midnight(old_end)
                else datetime.combine(self.end, old_end.time())
            )
        elif self.kind is ChangeKind.SET_LIMIT:
            data["limit"] = {**data.get("limit", {}), "per_customer": self.limit}
        version = promotion.version + 1
        data["version"] = version
        note = {"en": f"Briefing: {self.describe()}.", "zh-CN": f"简报：{self.heard}"}
        data["changes"] = [{"version": version, "notes": [note]}, *data.get("changes", [])]
        return Promotion.model_validate(data)


def _exclude(scope: dict[str, Any], sku: str) -> None:
    listed = scope.get("skus", [])
    if sku in listed:
        scope["skus"] = [s for s in listed if s != sku]
        if not scope["skus"] and not scope.get("categories"):
            raise ValueError(f"excluding {sku} would leave the promotion without items")
        return
    excluded = scope.get("exclude_skus", [])
    scope["exclude_skus"] = excluded if sku in excluded else [*excluded, sku]


def _set_percent(rules: list[dict[str, Any]], member: bool, percent: Decimal | None) -> None:
    for rule in rules:
        if member and rule["kind"] == "member_extra_percent":
            rule["percent"] = percent
            return
        if member and rule["kind"] == "percent_off" and "member_percent" in rule:
            rule["member_percent"] = percent
            return
        if not member and rule["kind"] == "percent_off":
            rule["percent"] = percent
            return
    raise ValueError("the promotion has no percentage rule to change")


_EXCLUDE_EN = re.compile(
    r"\b(?:out of|excluded|exclude|excluding|no longer (?:in|part of)|not (?:in|part of|included)"
    r"|taken out|removed from|remove|pulled from|dropped from)\b",
    re.IGNORECASE,
)
_INCLUDE_EN = re.compile(
    r"\b(?:(?:now|back) in|added to|add|now (?:included|part of)|included in|joins)\b",
    re.IGNORECASE,
)
_EXCLUDE_ZH = re.compile(r"不参加|不参与|退出|排除|不包括|不在.{0,12}(?:范围|里|内)|移出|去掉")
_INCLUDE_ZH = re.compile(r"(?<!不)(?:参加|加入|纳入|包括|加到)")
_PERCENT_WORDS = re.compile(
    r"\b(?:discount|off|goes to|now|changes? to|raised|lowered)\b|折扣|优惠|改为|调整", re.I
)
_QUESTION = re.compile(r"[?？]\s*$|[吗么]\W*$")
_MEMBER = re.compile(r"\bmembers?\b|会员", re.IGNORECASE)
_END_WORDS = re.compile(
    r"\b(?:extended|until|till|through|runs to|ends?)\b|延长|延至|截止|结束", re.I
)
_LIMIT_WORDS = re.compile(r"\blimit(?:ed)?\b|限购|每人限|每位顾客限", re.IGNORECASE)


def propose_changes(
    captions: Sequence[Caption], *, knowledge: KnowledgeBase, speaker: str | None = None
) -> list[ProposedChange]:
    """Knowledge-base changes heard in the briefing (only ``speaker``'s captions, if given)."""
    proposals: list[ProposedChange] = []
    current: str | None = None
    for caption, text in _sentences(captions, speaker):
        named = catalogue_lookup.find_promotions(knowledge, text)
        current = named[0].id if named else current
        if current is None or _QUESTION.search(text):
            continue  # a question states no change ("is the AX-200 out of it?")
        promotion = knowledge.promotion(current)
        for proposal in _heard(text, caption.start, promotion, knowledge):
            try:
                changed = proposal.apply(promotion)
            except ValueError:
                continue
            same = changed.model_dump(exclude={"version", "changes"}) == promotion.model_dump(
                exclude={"version", "changes"}
            )
            if not same and proposal not in proposals:
                proposals.append(proposal)
    return proposals


def _heard(
    text: str, at: float, promotion: Promotion, knowledge: KnowledgeBase
) -> Iterable[ProposedChange]:
    make = partial(ProposedChange, promotion_id=promotion.id, heard=text, at=at)
    skus = [m.sku for m in catalogue_lookup.find_products(knowledge, text)]
    covered = knowledge.scope_skus(promotion)
    if skus and (_EXCLUDE_EN.search(text) or _EXCLUDE_ZH.search(text)):
        yield from (make(ChangeKind.EXCLUDE_SKU, sku=s) for s in skus if s in covered)
    elif skus and (_INCLUDE_EN.search(text) or _INCLUDE_ZH.search(text)):
        yield from (make(ChangeKind.INCLUDE_SKU, sku=s) for s in skus if s not in covered)
    claims = extract_claims(without_names(text, knowledge, promotion))
    percents = [c.amount for c in claims if c.kind is ClaimKind.PERCENT and c.amount]
    if percents and _PERCENT_WORDS.search(text):
        kind = ChangeKind.SET_MEMBER_PERCENT if _MEMBER.search(text) else ChangeKind.SET_PERCENT
        yield make(kind, percent=percents[-1])
    end = _end_date(claims, promotion)
    if end is not None and _END_WORDS.search(text):
        yield make(ChangeKind.SET_END, end=end)
    counts = [c.amount for c in claims if c.kind is ClaimKind.NUMBER and c.amount]
    if counts and not percents and _LIMIT_WORDS.search(text):
        yield make(ChangeKind.SET_LIMIT, limit=int(counts[-1]))


def _end_date(claims: list[Claim], promotion: Promotion) -> date | None:
    """The last date said, or ``None``.

    A day alone ("until the 1st", "延长到30号") is the first such day on or after the
    window's start.
    """
    start = promotion.window.start.date()
    for claim in reversed(claims):
        if claim.kind is ClaimKind.DATE and claim.month and claim.day:
            year = claim.year or promotion.window.end.year
            end = date(year, claim.month, claim.day)
            if end < start and claim.year is None:
                end = date(year + 1, claim.month, claim.day)
            return end
        if claim.kind is ClaimKind.ORDINAL and claim.amount and 1 <= claim.amount <= 31:
            day, year, month = int(claim.amount), start.year, start.month
            for _ in range(13):
                with contextlib.suppress(ValueError):
                    if (candidate := date(year, month, day)) >= start:
                        return candidate
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _sentences(captions: Sequence[Caption], speaker: str | None) -> Iterable[tuple[Caption, str]]:
    for caption in sorted(captions, key=lambda c: c.start):
        if speaker is None or caption.speaker == speaker:
            for text in split_sentences(caption.text):
                yield caption, text


@dataclass(frozen=True, slots=True)
class BriefingSummary:
    """What a briefing was about."""

    sentences: tuple[str, ...]
    """The manager's own sentences that carry facts (names, numbers, dates), in order."""
    promotion_ids: tuple[str, ...]
    skus: tuple[str, ...]
    duration_seconds: float

    @property
    def text(self) -> str:
        """The summary as one text."""
        return " ".join(self.sentences)


def summarize(
    captions: Sequence[Caption], *, knowledge: KnowledgeBase, max_sentences: int = 3
) -> BriefingSummary:
    """A short summary: the first sentences that name a promotion or item or state a number."""
    promotions: dict[str, None] = {}
    skus: dict[str, None] = {}
    chosen: list[str] = []
    plain: list[str] = []
    for _, text in _sentences(captions, None):
        named = [p.id for p in catalogue_lookup.find_promotions(knowledge, text)]
        items = [m.sku for m in catalogue_lookup.find_products(knowledge, text)]
        promotions.update(dict.fromkeys(named))
        skus.update(dict.fromkeys(items))
        if (
            named
            or items
            or catalogue_lookup.find_categories(knowledge, text)
            or extract_claims(text)
        ):
            if len(chosen) < max_sentences and text not in chosen:
                chosen.append(text)
        elif len(plain) < max_sentences:
            plain.append(text)
    duration = max((c.end for c in captions), default=0.0) - min(
        (c.start for c in captions), default=0.0
    )
    return BriefingSummary(
        sentences=tuple(chosen or plain[:max_sentences]),
        promotion_ids=tuple(promotions),
        skus=tuple(skus),
        duration_seconds=duration,
    )
