"""Sentences several kinds of answer share: headlines, conditions, "not yet", "ended", rules.

:class:`AnswerSentences` builds them from a promotion at the turn's store and moment; the
offer and section answers (:mod:`knowledge_base.answer_offers`,
:mod:`knowledge_base.answer_sections`) speak them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from knowledge_base.answer_core import Turn
from knowledge_base.answer_focus import AnswerFocus
from knowledge_base.answering import Answer
from knowledge_base.models import Promotion, Rule
from knowledge_base.phrasing import (
    conditions,
    ends_phrase,
    is_discount_phrase,
    join,
    rule_phrases,
    says_end,
    starts_phrase,
    the_title,
    title,
)
from knowledge_base.question_forms import asks_now, asks_yes_no
from knowledge_base.resolution import Phase, PromotionTiming, rule_set_at
from knowledge_base.speech import money


class AnswerSentences(AnswerFocus):
    """Sentence parts shared by the offer and section answers."""

    def _headline(
        self,
        turn: Turn,
        subject: str,
        promotion: Promotion,
        *,
        plural: bool = False,
        rules: Sequence[Rule] | None = None,
    ) -> tuple[str, list[str]]:
        """``the AX-200 is 20 percent off in the Weekend Running Offer``, and the other phrases.

        ``rules``: those pricing the item asked about (see ``_item_terms``).
        """
        phrases = rule_phrases(promotion, self._currency(turn), turn.zh, rules)
        first, rest = (phrases[0], phrases[1:]) if phrases else ("", [])
        zh = turn.zh
        if zh:
            return f"{subject}参加{title(promotion, zh)}，{first}", rest
        verb = "are" if plural else "is"
        if is_discount_phrase(promotion, rules):
            return f"{subject} {verb} {first} in {the_title(promotion, zh)}", rest
        return f"{subject} {verb} in {the_title(promotion, zh)}: {first}", rest

    def _then(
        self, turn: Turn, rest: list[str], placed: PromotionTiming, *, sku: str | None = None
    ) -> str:
        """The second sentence: remaining conditions, then when the promotion ends.

        With ``sku``: when the rules pricing it end before the promotion does (a named part
        such as "the Pijama Weekend"), their end, not the promotion's: "30 percent off ...
        runs until Sunday 21 March" would promise the part's price for a week too long.
        """
        zh = turn.zh
        if sku is not None and (part := self._part_ending_first(turn, placed, sku)):
            label, part_ends = part
            ends = ends_phrase(part_ends, placed.local_now, zh)
            if zh:
                return conditions([*rest, f"{label or '此优惠'}{ends}"], zh)
            said = f"the {label} {ends}" if label else f"these terms {ends.replace('ends', 'end')}"
            return conditions([*rest, said], zh)
        ends = ends_phrase(placed.ends, placed.local_now, zh)
        if zh:
            return conditions([*rest, f"活动{ends}"], zh)
        if not rest:
            return f"It {ends.replace('ends on', 'runs until').replace('ends at', 'runs until')}"
        return conditions([*rest, ends.replace("ends on", "until").replace("ends at", "until")], zh)

    def _part_ending_first(
        self, turn: Turn, placed: PromotionTiming, sku: str
    ) -> tuple[str, datetime] | None:
        """The name (or "") and end of the rules pricing ``sku`` then, if they end first."""
        found = rule_set_at(
            self._kb, promotion=placed.promotion, sku=sku, store_id=turn.store_id, at=turn.at
        )
        if found is None or found.ends >= placed.ends:
            return None
        name = found.rule_set.name
        label = "" if name is None else (name.best("zh-CN") if turn.zh else name.en)
        return label, found.ends

    def _not_yet(
        self,
        turn: Turn,
        subject: str,
        promotion: Promotion,
        placed: PromotionTiming,
        *,
        plural: bool = False,
        rules: Sequence[Rule] | None = None,
    ) -> list[str]:
        """Sentences for an item whose promotion has not started: the discount and the day first."""
        zh = turn.zh
        phrases = rule_phrases(promotion, self._currency(turn), zh, rules)
        first, rest = (phrases[0], phrases[1:]) if phrases else ("", [])
        start = starts_phrase(placed.starts, placed.local_now, zh)
        if zh:
            when = start.removesuffix("开始")
            return [
                f"还没有，{subject}将于{when}起参加{title(promotion, zh)}，{first}",
                conditions(rest, zh),
            ]
        since = start.replace("starts on ", "from ").replace("starts at ", "from ")
        if not _at_time(placed.starts) and placed.last_day == placed.starts.date():
            since = start.replace("starts on ", "on ") + " only"  # a one-day part of an offer
        if is_discount_phrase(promotion, rules):
            verb = "are" if plural else "is"
            return [
                f"Not yet: {subject} {verb} {first} {since}",
                f"That is {the_title(promotion, zh)}"
                + (f"; {conditions(rest, zh)}" if rest else ""),
            ]
        verb = "join" if plural else "joins"
        return [
            f"Not yet: {subject} {verb} {the_title(promotion, zh)} {since}",
            conditions(phrases, zh),
        ]

    def _ended_phrase(self, turn: Turn, promotion: Promotion, placed: PromotionTiming) -> str:
        zh = turn.zh
        if placed.phase is Phase.WITHDRAWN:
            return (
                f"{title(promotion, zh)}已撤销"
                if zh
                else f"{the_title(promotion, zh)} was withdrawn"
            )
        ended = ends_phrase(placed.ends, placed.local_now, zh, past=True)
        return f"{title(promotion, zh)}{ended}" if zh else f"{the_title(promotion, zh)} {ended}"

    def _rules(self, turn: Turn, promotion: Promotion, placed: PromotionTiming) -> Answer:
        """The promotion by name and its rules: "The Cook Club Week: 25 percent off, ..."."""
        zh = turn.zh
        self._promotion_facts(turn, promotion)
        phrases = conditions(rule_phrases(promotion, self._currency(turn), zh), zh)
        first = (
            f"{title(promotion, zh)}：{phrases}" if zh else f"{the_title(promotion, zh)}: {phrases}"
        )
        over = placed.phase in (Phase.ENDED, Phase.WITHDRAWN)  # "what was the eid discount"
        ends = ends_phrase(placed.ends, placed.local_now, zh, past=over)
        if placed.phase is Phase.UPCOMING:
            ends = f"{starts_phrase(placed.starts, placed.local_now, zh)}; it {ends}"
        return self._done(turn, [first, f"活动{ends}" if zh else f"It {ends}"])

    def _price_now(
        self, turn: Turn, promotion: Promotion, skus: list[str] | None = None
    ) -> list[str]:
        """The price now of the one product asked about (or ``skus``), once its offer is over.

        "Xylophone still on clearance?": that it ended, and what the clerk rings up.
        """
        products = turn.parsed.products if skus is None else skus
        if len(products) != 1 or products[0] not in self._kb.scope_skus(promotion):
            return []
        product = self._kb.products[products[0]]
        currency = self._currency(turn)
        if currency.code not in product.list_price:
            return []
        self._product_fact(turn, product)
        price = money(product.list_price[currency.code], currency, "zh-CN" if turn.zh else "en")
        if turn.zh:
            return [f"{product.sku}现价{price}"]
        return [f"The {self._item(turn, product.sku)} is {price} now"]

    def _talk_track(self, turn: Turn, promotion: Promotion, placed: PromotionTiming) -> Answer:
        zh = turn.zh
        self._promotion_facts(turn, promotion)
        if placed.phase in (Phase.ENDED, Phase.WITHDRAWN):
            ended = self._ended_phrase(turn, promotion, placed)
            if asks_yes_no(turn.parsed.words):  # "Will it still be on Monday?": no
                ended = f"没有了，{ended}" if zh else f"No, {ended}"
            return self._done(turn, [ended, *self._price_now(turn, promotion)])
        sentences: list[str] = []
        if placed.phase is Phase.UPCOMING:
            start = starts_phrase(placed.starts, placed.local_now, zh)
            opening = (
                f"{title(promotion, zh)}{start}" if zh else f"{the_title(promotion, zh)} {start}"
            )
            words = turn.parsed.words
            # "Does it work in the Gyumri store?" asks whether that store takes part: yes,
            # from its first day. "Is the wedding offer on now?": not yet.
            takes_part = turn.named_store and words[:1] in (["does"], ["will"])
            if asks_yes_no(words) and takes_part and not zh and not asks_now(words, ""):
                opening = f"Yes, {opening[0].lower()}{opening[1:]}"
            elif asks_yes_no(words):
                opening = (
                    f"还没有，{opening}" if zh else f"Not yet: {opening[0].lower()}{opening[1:]}"
                )
            sentences.append(opening)
        said_end = False
        if promotion.talk_track is not None:
            track = self._text(turn, promotion.talk_track)
            said_end = says_end(track, placed.ends)  # "... until 20:00 on Sunday 25 October."
            sentences.append(track)
        else:
            phrases = rule_phrases(promotion, self._currency(turn), zh)
            sentences.append(
                f"{title(promotion, zh)}：{join(phrases, zh)}"
                if zh
                else f"{the_title(promotion, zh)}: {join(phrases, zh)}"
            )
        if placed.phase is Phase.RUNNING and len(sentences) < 2 and not said_end:
            ends = ends_phrase(placed.ends, placed.local_now, zh)
            sentences.append(f"活动{ends}" if zh else f"It {ends}")
        return self._done(turn, sentences)


def _at_time(moment: datetime) -> bool:
    """Whether a start is at a time of day rather than at midnight."""
    return moment.hour != 0 or moment.minute != 0
