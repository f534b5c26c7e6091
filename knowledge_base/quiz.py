"""Voice quizzes: two or three questions generated from a promotion's facts.

Each :class:`QuizQuestion` carries the spoken question, the facts a right answer states
(:class:`Expected`: percentages, counts, the last day, items, yes or no, key words), every
number a right answer *may* mention (the version's own numbers), and the rule to replay
when the answer is wrong. Scoring lives in :mod:`knowledge_base.quiz_scoring`.

Questions come from the discount, the exclusions, the end date, stacking, the limit and
the talk track, in that order, with the kinds whose fields the publication changed first
(a quiz after "the AX-200 is out" asks about the exclusion before anything else).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from knowledge_base.claim_extraction import extract_claims
from knowledge_base.claims import ClaimKind
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import (
    AmountOff,
    BuyXGetY,
    Currency,
    MemberExtraPercent,
    PercentOff,
    Promotion,
    SpendThreshold,
    is_chinese,
)
from knowledge_base.phrasing import (
    conditions,
    ends_phrase,
    join,
    limit_phrase,
    rule_phrases,
    sentence,
    the_title,
    title,
)
from knowledge_base.quiz_facts import allowed_numbers, keywords, without_names


class QuestionKind(StrEnum):
    """What a quiz question asks about."""

    DISCOUNT = "discount"
    EXCLUSIONS = "exclusions"
    END_DATE = "end_date"
    STACKING = "stacking"
    LIMIT = "limit"
    TALK_TRACK = "talk_track"


_ORDER = tuple(QuestionKind)
_FIELDS = {
    QuestionKind.DISCOUNT: "rules",
    QuestionKind.EXCLUSIONS: "scope",
    QuestionKind.END_DATE: "window",
    QuestionKind.STACKING: "stacking",
    QuestionKind.LIMIT: "limit",
    QuestionKind.TALK_TRACK: "talk_track",
}


@dataclass(frozen=True, slots=True)
class Expected:
    """The facts a right answer states."""

    percents: tuple[Decimal, ...] = ()
    numbers: tuple[Decimal, ...] = ()
    """Counts or amounts (a limit, "buy 2 get 1", an amount off)."""
    last_day: tuple[int, int] | None = None
    """(month, day) the promotion ends on."""
    weekday: int | None = None
    """The last day's weekday (0 = Monday); enough alone when the window is under a week."""
    skus: tuple[str, ...] = ()
    yes: bool | None = None
    keywords: tuple[str, ...] = ()
    """At least one of these words (lowercase) must be said."""


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    """One spoken question with what a right answer says."""

    id: str
    """``<promotion id>@<version>:<kind>``."""
    promotion_id: str
    version: int
    kind: QuestionKind
    language: str
    text: str
    expected: Expected
    rule: str
    """The rule (or talk track) to replay after a wrong answer."""
    allowed_percents: frozenset[Decimal] = field(default_factory=frozenset)
    allowed_numbers: frozenset[Decimal] = field(default_factory=frozenset)
    """Every other number a right answer may mention (the version's own numbers)."""


def generate_quiz(
    promotion: Promotion,
    *,
    knowledge: KnowledgeBase,
    store_id: str,
    language: str = "en",
    changed: Iterable[str] = (),
    count: int = 3,
) -> list[QuizQuestion]:
    """Up to ``count`` questions (at least two when the facts allow) about ``promotion``.

    Args:
        promotion: The version quizzed on.
        knowledge: Names of items and promotions, the store's currency.
        store_id: The clerk's store (currency for amounts).
        language: ``en`` or ``zh-CN``.
        changed: Top-level fields the publication changed (``rules``, ``scope``, ...).
        count: How many questions at most.
    """
    changed_fields = set(changed)
    kinds = sorted(_ORDER, key=lambda k: (_FIELDS[k] not in changed_fields, _ORDER.index(k)))
    currency = knowledge.currency_of(store_id)
    allowed_percents, allowed = allowed_numbers(promotion, knowledge, currency)
    questions: list[QuizQuestion] = []
    for kind in kinds:
        made = _make(kind, promotion, knowledge, currency, is_chinese(language))
        if made is None:
            continue
        text, expected, rule = made
        questions.append(
            QuizQuestion(
                id=f"{promotion.id}@{promotion.version}:{kind.value}",
                promotion_id=promotion.id,
                version=promotion.version,
                kind=kind,
                language=language,
                text=text,
                expected=expected,
                rule=rule,
                allowed_percents=allowed_percents,
                allowed_numbers=allowed,
            )
        )
        if len(questions) >= count:
            break
    return questions


def _make(
    kind: QuestionKind,
    promotion: Promotion,
    knowledge: KnowledgeBase,
    currency: Currency,
    zh: bool,
) -> tuple[str, Expected, str] | None:
    name = title(promotion, zh) if zh else the_title(promotion, zh)
    phrases = conditions(rule_phrases(promotion, currency, zh), zh)
    rules = sentence(f"{name}：{phrases}" if zh else f"{name}: {phrases}", zh)
    if kind is QuestionKind.DISCOUNT:
        expected = _discount(promotion, currency)
        if expected is None:
            return None
        return (
            (f"{name}的优惠是多少？" if zh else f"What is the discount in {name}?"),
            expected,
            rules,
        )
    if kind is QuestionKind.EXCLUSIONS and promotion.scope.exclude_skus:
        skus = tuple(promotion.scope.exclude_skus)
        names = join(
            [
                knowledge.products[s].name.best("zh-CN" if zh else "en")
                for s in skus
                if s in knowledge.products
            ],
            zh,
        )
        rule = sentence(
            f"{names}不参加{name}" if zh else f"the {names} is excluded from {name}", zh
        )
        text = f"哪款商品不参加{name}？" if zh else f"Which item is not included in {name}?"
        return text, Expected(skus=skus), rule
    if kind is QuestionKind.END_DATE:
        end = promotion.window.end
        last = promotion.window.last_day
        short = (end - promotion.window.start).days <= 7
        expected = Expected(
            last_day=(last.month, last.day), weekday=last.weekday() if short else None
        )
        reference = datetime(last.year, 1, 1)
        rule = sentence(
            f"{name}{ends_phrase(end, reference, zh)}"
            if zh
            else f"{name} {ends_phrase(end, reference, zh)}",
            zh,
        )
        text = f"{name}哪天结束？" if zh else f"On which day does {name} end?"
        return text, expected, rule
    if kind is QuestionKind.STACKING:
        other_id = next(
            (
                p
                for p in (*promotion.stacking.not_with, *promotion.stacking.stacks_with)
                if p in knowledge.promotions
            ),
            None,
        )
        if other_id is None:
            return None
        other = knowledge.promotions[other_id]
        other_name = title(other, zh) if zh else the_title(other, zh)
        yes = (
            other_id in promotion.stacking.stacks_with
            and other_id not in promotion.stacking.not_with
        )
        if zh:
            rule = f"{name}{'可以' if yes else '不能'}和{other_name}一起用。"
            return f"{name}能和{other_name}一起用吗？", Expected(yes=yes), rule
        rule = sentence(f"{name} {'can' if yes else 'cannot'} be combined with {other_name}", zh)
        return f"Can {name} be combined with {other_name}?", Expected(yes=yes), rule
    if kind is QuestionKind.LIMIT and promotion.limit is not None:
        unit = promotion.limit.unit
        n = Decimal(promotion.limit.per_customer)
        if zh:
            text = f"{name}每位顾客最多能买几{unit.best('zh-CN')}？"
            rule = f"{name}每位顾客限{promotion.limit.per_customer}{unit.best('zh-CN')}。"
        else:
            text = f"How many {unit.en} can one customer buy in {name}?"
            rule = sentence(f"{name}: {limit_phrase(promotion.limit, zh)}", zh)
        return text, Expected(numbers=(n,)), rule
    if kind is QuestionKind.TALK_TRACK and promotion.talk_track is not None:
        track = promotion.talk_track.best("zh-CN" if zh else "en")
        claims = [c for c in extract_claims(without_names(track, knowledge, promotion)) if c.amount]
        percents = tuple(c.amount for c in claims if c.kind is ClaimKind.PERCENT and c.amount)
        amounts = tuple(
            c.amount for c in claims if c.kind in (ClaimKind.MONEY, ClaimKind.NUMBER) and c.amount
        )
        words = tuple(keywords(promotion, knowledge, zh))
        text = (
            f"顾客问起{name}，你怎么介绍？" if zh else f"How do you tell a customer about {name}?"
        )
        return text, Expected(percents=percents, numbers=amounts, keywords=words), track
    return None


def _discount(promotion: Promotion, currency: Currency) -> Expected | None:
    rule = promotion.rules[0]
    if isinstance(rule, PercentOff | MemberExtraPercent):
        return Expected(percents=(rule.percent,))
    if isinstance(rule, AmountOff) and currency.code in rule.amount:
        return Expected(numbers=(rule.amount[currency.code],))
    if isinstance(rule, BuyXGetY):
        return Expected(numbers=(Decimal(rule.buy), Decimal(rule.get)))
    if isinstance(rule, SpendThreshold):
        tier = next(
            (t for t in rule.tiers if currency.code in t.spend and currency.code in t.off), None
        )
        return (
            Expected(numbers=(tier.spend[currency.code], tier.off[currency.code])) if tier else None
        )
    return None
