"""Answers from one part of a promotion: dates, contact, manager notes, stacking.

What changed is :mod:`knowledge_base.answer_changes`; limits are
:mod:`knowledge_base.answer_limits`.
"""

from __future__ import annotations

from collections.abc import Callable

from knowledge_base.answer_changes import ChangeAnswers
from knowledge_base.answer_core import (
    ROLE_DEPTH,
    Turn,
)
from knowledge_base.answer_limits import LimitAnswers
from knowledge_base.answer_named_parts import NamedPartAnswers
from knowledge_base.answering import Answer, AnswerSource, Role
from knowledge_base.coming_offers import coming_own_offer
from knowledge_base.contacts import contact_named
from knowledge_base.models import (
    LocalizedText,
    Promotion,
)
from knowledge_base.phrasing import (
    conditions,
    contact_fact,
    contact_phrase,
    ends_phrase,
    rule_phrases,
    starts_phrase,
    the_title,
    title,
)
from knowledge_base.promotion_names import named_rule_set
from knowledge_base.question_forms import asks_still_yes_no
from knowledge_base.resolution import Phase, PromotionTiming


class SectionAnswers(ChangeAnswers, LimitAnswers, NamedPartAnswers):
    """Dates, what to tell a customer, who to call, limits, changes, role-restricted notes."""

    def _name_coming_own_offer(self, turn: Turn) -> None:
        """Name the coming offer an item is asked about when none of its own runs now.

        "When do the egg cookies go on offer?": the offer of their own that comes is the one
        asked about, when only a spend threshold or a members' extra has them now.
        """
        parsed = turn.parsed
        if parsed.asks_upcoming and parsed.products and not parsed.promotions:
            coming = coming_own_offer(self._focus(turn))
            if coming is not None:
                parsed.promotions.append(coming.id)

    def _dates(self, turn: Turn) -> Answer | None:
        # "Is the offer still on?" of several: a yes or no holds for one, so which one.
        yes_no = asks_still_yes_no(turn.parsed.words)
        focus = self._in_force(turn, each=None if yes_no else _when_each)
        if isinstance(focus, Answer):
            return focus
        if not focus:
            return None
        promotion, placed = focus[0]
        zh, parsed = turn.zh, turn.parsed
        taking_part = sorted(self._kb.scope_stores(promotion))
        if (
            parsed.promotions
            and not turn.named_store
            and taking_part
            and not (self._at_store(turn, promotion))
        ):
            # "When does the Causeway Bay opening end?" asked elsewhere: its dates where it
            # runs, saying where.
            turn.store_id, turn.named_store = taking_part[0], True
            placed = self._timing(turn, promotion)
        self._promotion_facts(turn, promotion)
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        now = placed.local_now
        if not self._at_store(turn, promotion):
            store = self._store_name(turn)
            return self._done(
                turn, [f"{store}不参加{name}" if zh else f"{name} does not run at {store}"]
            )
        if placed.phase in (Phase.ENDED, Phase.WITHDRAWN):
            ended = self._ended_phrase(turn, promotion, placed)
            if yes_no:  # "is it still on?" of one that is over: no, and when it ended
                ended = f"没有了，{ended}" if zh else f"No, {ended}"
            return self._done(turn, [ended, *self._price_now(turn, promotion)])
        if placed.phase is Phase.UPCOMING:
            start = starts_phrase(placed.starts, now, zh)
            if parsed.asks_end and not parsed.asks_start:
                # "When does it finish?" of an offer not yet on: the end first, then the start.
                ends = ends_phrase(placed.ends, now, zh)
                return self._done(
                    turn,
                    [f"{name}{ends}" if zh else f"{name} {ends}", start if zh else f"It {start}"],
                )
            if placed.starts.date() == placed.last_day:
                second = "只有这一天" if zh else "It runs for that one day"
            else:
                second = (
                    ends_phrase(placed.ends, now, zh)
                    if zh
                    else "It " + ends_phrase(placed.ends, now, zh)
                )
            # What it will be, too: the clerk cannot look it up in the till yet.
            terms = conditions(rule_phrases(promotion, self._currency(turn), zh), zh)
            if terms:
                second += f"，届时{terms}" if zh else f", at {terms}"
            return self._done(turn, [f"{name}{start}" if zh else f"{name} {start}", second])
        named = named_rule_set(parsed.mentions, self._kb)
        if named is not None and named[0].id == promotion.id and not parsed.products:
            part = self._named_part_later(turn, promotion, named[1], placed)
            if part is not None:
                return part
        for sku in parsed.products:
            if sku not in self._kb.scope_skus(promotion):
                continue
            item, rules = self._item_terms(turn, promotion, sku)
            if item.phase is Phase.UPCOMING:
                # "When does the X join the offer?": the day its own rules start.
                subject = self._item(turn, sku) if zh else f"the {self._item(turn, sku)}"
                return self._done(turn, self._not_yet(turn, subject, promotion, item, rules=rules))
        ends = ends_phrase(placed.ends, now, zh)
        if turn.named_day is not None and asks_still_yes_no(parsed.words):
            # "Is it still on next Thursday?": yes, that day, and when it ends.
            still = f"是的，{name}仍在进行" if zh else f"Yes, {name} is still on"
            return self._done(turn, [still, ends if zh else f"It {ends}"])
        started = starts_phrase(placed.starts, now, zh, past=True)
        if parsed.asks_start and not parsed.asks_end:
            return self._done(
                turn,
                [f"{name}{started}" if zh else f"{name} {started}", ends if zh else f"It {ends}"],
            )
        return self._done(turn, [f"{name}{ends}" if zh else f"{name} {ends}"])

    def _contact(self, turn: Turn) -> Answer | None:
        person = contact_named(turn.parsed.words, self._kb.contacts.values())
        if person is not None:  # "what's Jordan MacLeod's extension?"
            turn.fact(contact_fact(person), person.team.zh_cn)
            phrase = contact_phrase(person, turn.zh)
            return self._done(turn, [phrase if turn.zh else f"You can reach {phrase}"])
        focus = self._in_force(turn)
        if isinstance(focus, Answer):
            return focus
        if not focus:
            return None
        promotion, _ = focus[0]
        self._promotion_facts(turn, promotion)
        zh = turn.zh
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        contacts = self._kb.contacts_for(promotion, turn.store_id)
        if not contacts:
            turn.fact(f"default contact: {self._default_contact}")
            return self._done(
                turn,
                [
                    f"关于{name}，请咨询{self._default_contact}"
                    if zh
                    else f"For {name}, ask {self._default_contact}"
                ],
            )
        phrases = []
        for contact, entry in contacts:
            turn.fact(contact_fact(contact), contact.team.zh_cn)
            role = entry.role if entry is not None else None
            if role is not None:
                turn.fact(role.en, role.zh_cn)
            phrases.append(contact_phrase(contact, zh, role))
        phrase = ("；或" if zh else "; or ").join(phrases)
        return self._done(
            turn, [f"关于{name}，请联系{phrase}" if zh else f"For {name}, call {phrase}"]
        )

    def _manager_section(
        self,
        turn: Turn,
        *,
        depth: int,
        pick: Callable[[Promotion], list[LocalizedText]],
        refused_en: str,
        refused_zh: str,
        none_en: str,
        none_zh: str,
    ) -> Answer | None:
        zh = turn.zh
        if ROLE_DEPTH[turn.role] < depth:
            return Answer(text=refused_zh if turn.zh else refused_en, source=AnswerSource.REFUSED)
        focus = self._focus(turn) or self._running_at_store(turn)
        with_notes = [(p, placed) for p, placed in focus if pick(p)]
        if not with_notes:
            if not focus:
                return None
            promotion = focus[0][0]
            self._promotion_facts(turn, promotion)
            name = title(promotion, zh) if zh else the_title(promotion, zh)
            return self._done(
                turn, [none_zh.format(name=name) if zh else none_en.format(name=name)]
            )
        sentences = []
        for promotion, _ in with_notes[:2]:
            self._promotion_facts(turn, promotion)
            notes = " ".join(self._text(turn, note) for note in pick(promotion))
            name = title(promotion, zh) if zh else promotion.title.en
            sentences.append(f"{name}：{notes}" if zh else f"{name}: {notes}")
        return self._done(turn, sentences)

    def _staffing(self, turn: Turn) -> Answer | None:
        return self._manager_section(
            turn,
            depth=ROLE_DEPTH[Role.STORE_MANAGER],
            pick=lambda p: p.store_manager_notes,
            refused_en=(
                "Staffing and execution notes are for store managers;"
                " please ask your store manager."
            ),
            refused_zh="人员安排和执行说明只对店长开放，请询问你的店长。",
            none_en="There are no staffing notes for {name}",
            none_zh="{name}没有人员安排说明",
        )

    def _targets(self, turn: Turn) -> Answer | None:
        return self._manager_section(
            turn,
            depth=ROLE_DEPTH[Role.REGIONAL_MANAGER],
            pick=lambda p: p.regional_manager_targets,
            refused_en="Sales targets are not available to you; they are for regional managers.",
            refused_zh="销售目标只对区域经理开放，你无法查看。",
            none_en="There is no target set for {name}",
            none_zh="{name}没有设定目标",
        )


def _when_each(turn: Turn, promotion: Promotion, placed: PromotionTiming) -> str:
    """When one of several offers in force ends (or started, when that is asked)."""
    if turn.parsed.asks_start and not turn.parsed.asks_end:
        return starts_phrase(placed.starts, placed.local_now, turn.zh, past=True)
    return ends_phrase(placed.ends, placed.local_now, turn.zh)
