"""One promotion described for the LLM: timing at a store, rules, limit, stacking, contact.

Only what every role may hear goes into these texts; rules and limits are rendered by
:mod:`knowledge_base.phrasing`.
"""

from __future__ import annotations

from datetime import datetime

from knowledge_base import resolution
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import (
    AmountOff,
    MemberExtraPercent,
    Promotion,
    PromotionStatus,
    Rule,
    SpendThreshold,
    last_day,
    runs_to_midnight,
)
from knowledge_base.phrasing import contact_phrase, limit_phrase, rule_phrase, sentence
from knowledge_base.resolution import Phase, stacking_relation
from knowledge_base.speech import spoken_date, spoken_time


class PromotionTexts:
    """Describe promotions of one knowledge base as fact lines."""

    def __init__(self, *, knowledge: KnowledgeBase, default_contact: str) -> None:
        """Describe promotions of ``knowledge``; ``default_contact`` when one has none."""
        self._kb = knowledge
        self._default_contact = default_contact

    def line(self, promotion: Promotion, store_id: str | None, at: datetime) -> str:
        """Everything a clerk may hear about ``promotion``, at ``store_id`` (if known) at ``at``."""
        parts = [f"{promotion.title.en} ({promotion.id}):"]
        parts.append(self._timing_text(promotion, store_id, at))
        parts += self._rule_texts(promotion, store_id)
        if promotion.limit is not None:
            parts.append(sentence(limit_phrase(promotion.limit, zh=False), zh=False))
        parts += self._stacking_texts(promotion)
        for faq in promotion.faqs:
            parts.append(f"Q: {faq.question.en} A: {faq.answer.en}")
        parts.append(self.contact_line(promotion, store_id))
        return " ".join(parts)

    def _timing_text(self, promotion: Promotion, store_id: str | None, at: datetime) -> str:
        window = promotion.window
        if store_id is None:
            regions = ", ".join(
                self._kb.regions[r].name.en for r in promotion.regions if r in self._kb.regions
            )
            return (
                f"runs from {_when(window.start)} to {_until(window.end)} local time in "
                f"{regions}; status {promotion.status.value}."
            )
        if store_id not in self._kb.scope_stores(promotion):
            return f"not offered at store {store_id}."
        timing = resolution.timing(self._kb, promotion=promotion, store_id=store_id, at=at)
        span = f"from {_when(timing.starts)} to {_until(timing.ends)} local time"
        if timing.phase is Phase.RUNNING:
            return f"running now at {store_id}, {span}."
        if timing.phase is Phase.UPCOMING:
            return f"not started yet at {store_id}; it runs {span}."
        if timing.phase is Phase.WITHDRAWN:
            return f"withdrawn early; it was planned {span}."
        last = datetime.combine(timing.last_day, timing.ends.time())  # ends are exclusive
        return f"over: it ended on {spoken_date(last, with_year=True)}; it ran {span}."

    def _rule_texts(self, promotion: Promotion, store_id: str | None) -> list[str]:
        """Each rule as :func:`rule_phrase` says it, with its scope and how it applies."""
        scope = self._scope_text(promotion)
        texts = []
        for rule in promotion.rules:
            said = "; ".join(self._rule_phrases(rule, store_id))
            if not said:
                continue
            if isinstance(rule, MemberExtraPercent):
                said += " off the discounted price"
            elif isinstance(rule, SpendThreshold):
                said += " (the highest threshold reached applies once)"
            texts.append(f"On {scope}: {said}.")
        return texts

    def _rule_phrases(self, rule: Rule, store_id: str | None) -> list[str]:
        """In the store's currency; in every currency the rule names when that gives none."""
        if store_id is not None:
            phrases = rule_phrase(rule, self._kb.currency_of(store_id), zh=False)
            if phrases:
                return phrases
        if isinstance(rule, AmountOff):
            codes = list(rule.amount)
        elif isinstance(rule, SpendThreshold):
            codes = list(rule.tiers[0].spend)
        else:
            return rule_phrase(rule, None, zh=False)
        currencies = [self._kb.currencies[code] for code in codes if code in self._kb.currencies]
        return [" / ".join(p for c in currencies for p in rule_phrase(rule, c, zh=False))]

    def _scope_text(self, promotion: Promotion) -> str:
        names = [
            self._kb.categories[c].name.en if c in self._kb.categories else c
            for c in promotion.scope.categories
        ]
        names += [
            f"{self._kb.products[s].name.en} ({s})" if s in self._kb.products else s
            for s in promotion.scope.skus
        ]
        text = " and ".join(names)
        excluded = [
            f"{self._kb.products[s].name.en} ({s})" if s in self._kb.products else s
            for s in promotion.scope.exclude_skus
        ]
        if excluded:
            text += f", except {', '.join(excluded)}"
        return text

    def _stacking_texts(self, promotion: Promotion) -> list[str]:
        others = [
            p
            for p in self._kb.visible_promotions()
            if p.id != promotion.id and p.status is PromotionStatus.PUBLISHED
        ]
        apart = [p.title.en for p in others if stacking_relation(promotion, p) == "exclusive"]
        together = [p.title.en for p in others if stacking_relation(promotion, p) == "stack"]
        texts = []
        if promotion.stacking.exclusive:
            texts.append("Does not combine with any other promotion.")
        elif apart:
            texts.append(f"Does not combine with {', '.join(apart)}.")
        if together and not promotion.stacking.exclusive:
            texts.append(f"Combines with {', '.join(together)}.")
        return texts

    def contact_line(self, promotion: Promotion, store_id: str | None) -> str:
        """Who to contact about ``promotion`` at ``store_id`` (the default when it names none)."""
        contact = self._kb.contact_for(promotion, store_id)
        if contact is None:
            return f"Contact for {promotion.title.en}: {self._default_contact}."
        return f"Contact for {promotion.title.en}: {contact_phrase(contact, zh=False)}."


def _when(moment: datetime) -> str:
    return f"{spoken_date(moment, with_year=True)} {spoken_time(moment)}"


def _until(end: datetime) -> str:
    """An exclusive end: ``Sunday 29 November 2026 24:00``, never the next day's date."""
    if runs_to_midnight(end):
        return f"{spoken_date(datetime.combine(last_day(end), end.time()), with_year=True)} 24:00"
    return _when(end)
