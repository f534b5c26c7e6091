"""Answers about what is on offer: is X in an offer, which offers are on, what one is.

Questions about a category are answered by :mod:`knowledge_base.answer_categories`, about
one product by :mod:`knowledge_base.answer_products`.
"""

from __future__ import annotations

from knowledge_base.answer_categories import CategoryAnswers
from knowledge_base.answer_core import ROLE_DEPTH, Turn
from knowledge_base.answer_named_parts import NamedPartAnswers
from knowledge_base.answer_stores import FEW_STORES, StoreAnswers
from knowledge_base.answering import Answer, Role
from knowledge_base.bare_questions import asks_bare_offer
from knowledge_base.coming_offers import coming_own_offer, spend_and_save
from knowledge_base.left_out import asks_if_left_out, not_running
from knowledge_base.models import (
    LocalizedText,
    Promotion,
)
from knowledge_base.offer_audience import member_rule
from knowledge_base.phrasing import (
    conditions,
    ends_phrase,
    join,
    rule_phrases,
    the_title,
    title,
)
from knowledge_base.promotion_names import named_rule_set
from knowledge_base.question_forms import asks_about_here, asks_yes_no
from knowledge_base.resolution import Phase, PromotionTiming
from knowledge_base.speech import spoken_date
from knowledge_base.understanding import Intent

MAX_COMING_UP = 3
"""Offers named at most when asked what comes next."""


class OfferAnswers(CategoryAnswers, StoreAnswers, NamedPartAnswers):
    """Is a product or category in an offer (named or any), and what an offer is."""

    def _in_offer(self, turn: Turn) -> Answer | None:
        parsed = turn.parsed
        if (
            parsed.asks_upcoming
            and not parsed.promotions
            and (parsed.products or parsed.categories)
        ):
            # "Anything coming for lifestyle sneakers?": the next offer on them, as if named.
            # An item already in a running offer may join it later ("what's next for the
            # Petir?"): its own answer says when.
            # An item that joins a running offer later (its own part, "Grinder Weekend") has
            # that coming, whatever else it is in now.
            near = self._focus(turn)
            upcoming = [p for p, placed in near if placed.phase is Phase.UPCOMING]
            in_running = parsed.products and any(x[1].phase is Phase.RUNNING for x in near)
            joins = [p for p in self._joins_later(turn) if p not in upcoming]
            coming = coming_own_offer(near) if parsed.products else None
            if joins:
                parsed.promotions.append(joins[0].id)
            elif upcoming and not in_running:
                parsed.promotions.append(upcoming[0].id)
            elif coming is not None:
                # Only a spend threshold or a members' extra has it now: its own offer next.
                parsed.promotions.append(coming.id)
        if parsed.promotions and parsed.product_choices and not parsed.products:
            # "Is mimosa in the Women's Day offer?", a name a bunch and a bouquet both have
            # (not a word ending several names): the one the offer has.
            scope = self._kb.scope_skus(self._kb.promotions[parsed.promotions[0]])
            said = {m.key for m in parsed.mentions if m.kind == "product"}
            covered = [s for s in parsed.product_choices if s in scope and s in said]
            parsed.products = covered if len(covered) == 1 else []
        if parsed.products:
            product = self._kb.products[parsed.products[0]]
            named = [self._kb.promotions[p] for p in parsed.promotions]
            if named:
                return self._product_in_named(turn, product, named[0])
            return self._product_offers(turn, product)
        if parsed.categories:
            if parsed.promotions:
                asked = self._kb.promotions[parsed.promotions[0]]
                return self._category_in_named(turn, parsed.categories[0], asked)
            return self._category_offers(turn, parsed.categories[0])
        if parsed.promotions:
            return self._overview(turn)
        if parsed.asks_list:
            return self._overview(turn)
        if parsed.intent is Intent.IN_OFFER and asks_bare_offer(parsed):
            # "Is the sale on?": the one offer on here, or which one.
            running = self._in_force(turn)
            if isinstance(running, Answer):
                return running
            if running:
                parsed.promotions.append(running[0][0].id)
                return self._overview(turn)
        if parsed.intent in (Intent.DISCOUNT, Intent.PRICE) and "spend" in parsed.words:
            # "How much do they need to spend to get money off?": the one spend-and-save
            # running here, named, whatever else the question says.
            spends = [x for x in self._running_at_store(turn) if spend_and_save(x[0])]
            if len(spends) == 1:
                return self._rules(turn, *spends[0])
        if parsed.intent in (Intent.DISCOUNT, Intent.PRICE):
            # "How much is the discount?": the one offer in force (that has a member price,
            # when members are asked about), or which one.
            focus = self._in_force(turn, member_rule if parsed.member else None, self._rules_each)
            if isinstance(focus, Answer):
                return focus
            if focus:
                return self._rules(turn, *focus[0])
        return None

    def _rules_each(self, turn: Turn, promotion: Promotion, placed: PromotionTiming) -> str:
        """One of several offers' rules, as said after its name."""
        return conditions(rule_phrases(promotion, self._currency(turn), turn.zh), turn.zh)

    def _coming_up(self, turn: Turn) -> Answer:
        """The offers that start next at the store, each with its first day."""
        zh = turn.zh
        store = self._store_name(turn)
        upcoming = [
            (promotion, placed)
            for promotion, placed in self._relevant(
                turn, self._kb.promotions_at_store(turn.store_id)
            )
            # "What's coming up in April?" is asked of 1 April: what starts then counts too.
            if placed.phase is Phase.UPCOMING
            or (turn.named_day is not None and placed.starts.date() >= turn.at.date())
        ][:MAX_COMING_UP]
        if not upcoming:
            return self._done(
                turn,
                [
                    f"{store}暂时没有已公布的新活动"
                    if zh
                    else f"No new offer is announced for {store} yet"
                ],
            )
        parts = []
        for promotion, placed in upcoming:
            self._promotion_facts(turn, promotion)
            day = spoken_date(placed.starts, "zh-CN" if zh else "en")
            parts.append(
                f"{title(promotion, zh)}（{day}起）"
                if zh
                else f"{the_title(promotion, zh)} from {day}"
            )
        said = join(parts, zh)
        return self._done(
            turn, [f"{store}即将开始：{said}" if zh else f"Coming up at {store}: {said}"]
        )

    def _joins_later(self, turn: Turn) -> list[Promotion]:
        """Running offers the question's product joins only later (a later rule set)."""
        if not turn.parsed.products:
            return []
        sku = turn.parsed.products[0]
        promotions = self._kb.promotions_for_sku(sku)
        placed, _ = self._relevant_for_item(turn, promotions, sku)
        running = {p.id for p, t in self._relevant(turn, promotions) if t.phase is Phase.RUNNING}
        return [p for p, t in placed if t.phase is Phase.UPCOMING and p.id in running]

    def _overview(self, turn: Turn) -> Answer | None:
        zh = turn.zh
        focus = self._focus(turn)
        if not focus:
            if not turn.parsed.asks_list:
                return None
            if turn.parsed.asks_upcoming:
                return self._coming_up(turn)
            running = self._running_at_store(turn)
            if not running:
                return None
            for promotion, _ in running:
                self._promotion_facts(turn, promotion)
            names = join([title(p, zh) if zh else the_title(p, zh) for p, _ in running], zh)
            store = self._store_name(turn)
            return self._done(
                turn, [f"{store}目前的活动有{names}" if zh else f"Today at {store}: {names}"]
            )
        promotion, placed = focus[0]
        split = self._stores_split(turn, promotion)
        yes_no = asks_yes_no(turn.parsed.words)
        if split is not None and placed.phase is Phase.RUNNING and (split[1] or yes_no):
            # "Is it on in Bergen?" where one of the city's stores is left out: say which;
            # "Does it run in Tbilisi?" where every store of the city is in: yes, at each.
            self._promotion_facts(turn, promotion)
            inside, outside = split
            phrases = conditions(rule_phrases(promotion, self._currency(turn), zh), zh)
            if not outside:
                name = title(promotion, zh) if zh else the_title(promotion, zh)
                if zh:
                    return self._done(turn, [f"{join(inside, zh)}都参加{name}：{phrases}"])
                yes = "No" if asks_if_left_out(turn.parsed.words) else "Yes"
                # A region of many stores is said by its name, a few stores by theirs.
                many = len(inside) > FEW_STORES
                regions = self._whole_regions(turn.parsed.stores) if many else []
                where = (
                    f"in every store in {join(regions, zh)}"
                    if regions
                    else f"at {join(inside, zh)}"
                )
                return self._done(
                    turn,
                    [
                        f"{yes}, {name} runs {where}: {phrases}",
                        f"It {ends_phrase(placed.ends, placed.local_now, zh)}",
                    ],
                )
            if zh:
                return self._done(
                    turn,
                    [
                        f"{join(inside, zh)}参加{title(promotion, zh)}，{join(outside, zh)}不参加",
                        phrases,
                    ],
                )
            return self._done(
                turn,
                [
                    f"The {promotion.title.en} runs at {join(inside, zh)},"
                    f" not at {join(outside, zh)}: {phrases}",
                    f"It {ends_phrase(placed.ends, placed.local_now, zh)}",
                ],
            )
        if not self._at_store(turn, promotion):
            self._promotion_facts(turn, promotion)
            store = self._store_name(turn)
            name = title(promotion, zh) if zh else the_title(promotion, zh)
            if asks_if_left_out(turn.parsed.words) and not zh:
                return self._done(turn, [not_running(turn.parsed.words, name, store)])
            said = f"{store}不参加{name}" if zh else f"{name} does not run at {store}"
            return self._done(turn, [said, *self._only_at(turn, promotion)])
        on_named_day = turn.named_day is not None and yes_no
        here = yes_no and asks_about_here(turn.parsed.words)
        if (
            yes_no
            and placed.phase is Phase.RUNNING
            and (later := self._part_not_yet(turn, promotion, placed))
        ):
            return later  # "Is the Brie Weekend on yet (in Toronto)?" before it starts
        if (turn.named_store or on_named_day or here) and placed.phase is Phase.RUNNING:
            # "Does it work in the Manchester store?", "Will it still be on next Saturday?",
            # "Is it on here?": yes, there or then, and what it gives.
            self._promotion_facts(turn, promotion)
            store = self._store_name(turn)
            # A part of the offer named by its own name ("the pijama weekend"): its own rules
            # and last day, not the offer's main ones.
            named = named_rule_set(turn.parsed.mentions, self._kb)
            part = named[1] if named is not None and named[0].id == promotion.id else None
            rules = part.rules if part is not None else None
            phrases = conditions(rule_phrases(promotion, self._currency(turn), zh, rules), zh)
            last = placed.ends
            name = title(promotion, zh) if zh else the_title(promotion, zh)
            if part is not None and part.name is not None:
                if part.end is not None:
                    last = part.end.replace(tzinfo=placed.local_now.tzinfo)
                label = part.name.best("zh-CN") if zh else part.name.en
                name = f"{name}的{label}" if zh else f"the {label} in {name}"
            ends = ends_phrase(last, placed.local_now, zh)
            if part is not None:
                turn.fact(f"{promotion.title.en}, {name}: {phrases}; it {ends}")
            if zh:
                return self._done(turn, [f"{store}参加{name}：{phrases}", f"活动{ends}"])
            yes = "No" if asks_if_left_out(turn.parsed.words) else "Yes"
            return self._done(turn, [f"{yes}, {name} runs at {store}: {phrases}", f"It {ends}"])
        answer = self._talk_track(turn, promotion, placed)
        depth = ROLE_DEPTH[turn.role]
        extra: list[LocalizedText] = []
        if placed.phase is Phase.RUNNING and depth >= ROLE_DEPTH[Role.REGIONAL_MANAGER]:
            extra = promotion.regional_manager_targets
        elif placed.phase is Phase.RUNNING and depth >= ROLE_DEPTH[Role.STORE_MANAGER]:
            extra = promotion.store_manager_notes
        if extra:
            first = answer.sentences()[0]
            notes = [self._text(turn, note) for note in extra]
            return self._done(turn, [first, *notes])
        return answer
