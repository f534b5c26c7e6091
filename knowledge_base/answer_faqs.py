"""Answers with what to tell a customer: the promotion's own FAQ answers, else its talk track.

A question worded like an FAQ gets that FAQ's answer; one that asks what to say ("how do I
pitch the bottle deal?") gets the FAQ it shares a topic word with, else the talk track of
the offer it is about. The words of an offer's names say *which* offer, never what about it.
"""

from __future__ import annotations

from knowledge_base.answer_channels import ChannelAnswers, channels_named, names_channel
from knowledge_base.answer_core import Turn
from knowledge_base.answer_sentences import AnswerSentences
from knowledge_base.answering import Answer
from knowledge_base.faq_terms import (
    about_other_item,
    about_rule_set_off,
    asks_why,
    channels_of,
    everyday_terms,
    faq_text,
    name_terms,
    says_online,
    store_terms,
    subject,
    unnamed_terms,
    without_promotions,
)
from knowledge_base.joining import asks_joining, joining_faq
from knowledge_base.left_out import not_running, said_to_question
from knowledge_base.models import Faq, Promotion
from knowledge_base.phrasing import join, lower_first, rule_phrases, the_title, title
from knowledge_base.question_terms import content_terms
from knowledge_base.resolution import Phase
from knowledge_base.retrieval import search_terms
from knowledge_base.understanding import Intent
from knowledge_base.words import compact, tokens


class FaqAnswers(AnswerSentences, ChannelAnswers):
    """The FAQ or talk track a question asks for."""

    def _faq(self, turn: Turn) -> Answer | None:
        answer = self._faq_answer(turn, strong=False)
        if answer is not None:
            return answer
        if names_channel(turn.parsed.words, turn.parsed.text):
            # Coupons, vouchers ... that neither an FAQ nor the promotion's channels speak
            # about: not guessed, and no talk track beside the point.
            return self._channel_not_said(turn)
        if turn.parsed.products:
            return self._in_offer(turn)
        focus = self._in_force(turn)
        if isinstance(focus, Answer):
            return focus
        if focus:
            return self._talk_track(turn, *focus[0])
        return None

    def _covers_item_asked(self, turn: Turn, promotion: Promotion) -> bool:
        """The promotion covers a product or category the question names."""
        skus = self._kb.scope_skus(promotion)
        if any(sku in skus for sku in turn.parsed.products):
            return True
        return any(
            self._kb.products[sku].category in turn.parsed.categories
            for sku in skus
            if sku in self._kb.products
        )

    def _faq_answer(self, turn: Turn, *, strong: bool) -> Answer | None:
        """The answer of the FAQ the question matches, if any.

        ``strong`` asks for a question worded like the FAQ itself (two or more shared terms
        covering most of the FAQ question); otherwise one shared term is enough, because
        the question already said it wants what to tell a customer.
        """
        if strong and asks_joining(
            turn.parsed.text, turn.parsed.words, turn.parsed.member, self._kb
        ):
            joined = self._joining_faq(turn)  # "is it free to join Klarsyn Plus?"
            if joined is not None:
                return joined
        named = frozenset(turn.parsed.promotions) or None
        # Words of a promotion's names say which offer, not what about it: those heard are
        # not in the query, so they do not count in the FAQ's own question either.
        heard = " ".join(m.heard for m in turn.parsed.mentions if m.kind == "promotion")
        skip = set(search_terms(heard))
        partly = None if strong or named else self._partly_named_running(turn)
        named = named or partly
        # Product and place words count when the wording must match closely ("why is
        # Bergen not in it?"); promotion names never do (they are filtered on).
        query = without_promotions(turn.parsed) if strong else turn.parsed.residual
        said_terms = set(search_terms(query))
        item_terms: set[str] = set()
        if strong:
            # A product heard by one of its names matches an FAQ written with another
            # ("grit" for the de-icing salt), but only the question's own words make it
            # worded like that FAQ.
            other_names = self._other_names(turn)
            query = " ".join([query, *other_names])
            item_terms = set(search_terms(" ".join(other_names))) - everyday_terms()
        hits = self._retriever.search(query, kinds=frozenset({"faq"}), promotion_ids=named, limit=3)
        best: tuple[int, Promotion, Faq] | None = None
        asks_channel = channels_named(turn.parsed.words, turn.parsed.text)
        asks_online = says_online(turn.parsed.text)
        why_asked = asks_why(turn.parsed.text)
        for hit in hits:
            promotion = self._kb.promotions[hit.passage.promotion_id]
            if not (
                self._at_store(turn, promotion)
                or promotion.id in turn.parsed.promotions
                or (strong and self._covers_item_asked(turn, promotion))
            ):
                # A named offer's FAQ holds anywhere ("why not in Bergen?"), and so does
                # one worded like the question on the item asked ("why no tube deal here?").
                continue
            if turn.named_day is not None and self._timing(turn, promotion).phase is not (
                Phase.RUNNING
            ):
                continue  # "... still on Monday?": not the FAQ of an offer over by then
            named_here = partly or promotion.id in turn.parsed.promotions
            names = skip | name_terms(promotion) if named_here else skip
            shared = self._retriever.shared_terms(query, hit.passage) - names
            if not strong:
                shared -= everyday_terms()  # "use" says no topic
            faq = promotion.faqs[hit.passage.index]
            now = self._timing(turn, promotion).local_now
            if about_rule_set_off(faq, promotion, now, turn.parsed.words):
                continue  # "members more off the fifty?" on a Wednesday: not the weekend's FAQ
            if asks_channel and not asks_channel & channels_of(faq):
                continue  # "with app coupons?" is answered by no FAQ about the app, nor coupons
            if about_other_item(faq, turn.parsed, self._kb):
                continue  # "does the grinder count?" is not "do coffee beans count?"
            if asks_online and not says_online(faq_text(faq)):
                continue  # "does it work online?" is answered only by an FAQ about online
            if (
                strong
                and turn.parsed.products
                and asks_why(faq.question.best("en"))
                and not asks_why(turn.parsed.text)
            ):
                continue  # "Is the X on offer in Y?" asks for the item there, not a reason
            if strong:
                own = set(search_terms(faq.question.best("zh-CN" if turn.zh else "en"))) - names
                # The question is about a thing only this FAQ's question names: "is the
                # setup free?" asks "Is the setup included?".
                topic = subject(turn.parsed, self._name_words) & shared & own
                unnamed = unnamed_terms(turn.parsed, self._name_words, promotion)
                if unnamed <= shared:
                    # Only when the FAQ holds every topic word of the question: "return a
                    # car seat without a receipt" is not "split the spend over two receipts".
                    topic |= unnamed & own
                # "Why is <store> not in the guitar offer?": a why-FAQ about the store named.
                why_there = asks_why(faq.question.best("en")) and bool(
                    shared & own & store_terms(turn.parsed)
                )
                # "Why is <item> not in it?": a why-FAQ naming that item by any of its names.
                why_item = (
                    asks_why(faq.question.best("en")) and why_asked and bool(own & item_terms)
                )
                # "Why does the flash end at 8?": the named offer's own reason on that topic.
                why_named = (
                    asks_why(faq.question.best("en"))
                    and why_asked
                    and promotion.id in turn.parsed.promotions
                    and bool(shared & own)
                )
                if (
                    not (why_there or why_item or why_named or asks_online)
                    and not any(self._retriever.passages_with(t) == 1 for t in topic)
                    and (
                        len(shared & said_terms) < min(2, len(own))
                        or len(shared & own) < 0.6 * len(own)
                    )
                ):
                    continue
            # The FAQ that covers most of the question's words, the best ranked among equals;
            # a why-question is answered by an FAQ giving a reason before any other.
            score = len(shared) + (_WHY_FIRST if why_asked and asks_why(faq.question.en) else 0)
            score += 1 if asks_online else 0  # the online FAQ, in other words ("website")
            if (shared or asks_online) and (best is None or score > best[0]):
                best = (score, promotion, faq)
        if best is None and asks_online and named:
            # "Is the X on the website?": the named offer's FAQ about buying online, however
            # it words it ("online orders").
            for promotion in (self._kb.promotions[p] for p in sorted(named)):
                online = [f for f in promotion.faqs if says_online(faq_text(f))]
                if online:
                    best = (1, promotion, online[0])
                    break
        if not strong and named:
            # What to say about a named offer: its FAQ whose question or answer covers more
            # of what the question is about ("can they mix helmets and lights?").
            about = set(content_terms(query))
            for promotion in (self._kb.promotions[p] for p in sorted(named)):
                names = skip | name_terms(promotion)
                for faq in promotion.faqs:
                    if asks_channel and not asks_channel & channels_of(faq):
                        continue
                    said = f"{faq.question.best('en')} {faq.answer.best('en')}"
                    if turn.zh:
                        said = f"{faq.question.best('zh-CN')} {faq.answer.best('zh-CN')}"
                    covered = len(about & set(search_terms(said)) - names)
                    if covered and (best is None or covered > best[0]):
                        best = (covered, promotion, faq)
        if best is None:
            return None
        _, promotion, faq = best
        turn.fact(faq.question.en, faq.question.zh_cn)
        self._promotion_facts(turn, promotion)
        said = self._text(turn, faq.answer)
        if not turn.zh:
            said = said_to_question(turn.parsed.words, tokens(faq.question.en), said)
        if not self._at_store(turn, promotion):
            # A named offer's FAQ asked where it does not run: that first, then the FAQ.
            store, zh = self._store_name(turn), turn.zh
            name = title(promotion, zh) if zh else the_title(promotion, zh)
            words = turn.parsed.words
            first = f"{store}不参加{name}" if zh else not_running(words, name, store)
            return self._done(turn, [first, said])
        excluded = self._excluded_item(turn, promotion, said)
        if excluded is not None:
            return self._done(turn, [excluded])
        return self._done(turn, [said, *self._item_rules(turn, promotion, said)])

    def _joining_faq(self, turn: Turn) -> Answer | None:
        """The FAQ on joining the membership of an offer running at the store, said as is."""
        found = joining_faq([p for p, _ in self._running_at_store(turn)])
        if found is None:
            return None
        promotion, faq = found
        turn.fact(faq.question.en, faq.question.zh_cn)
        self._promotion_facts(turn, promotion)
        return self._done(turn, [self._text(turn, faq.answer)])

    def _other_names(self, turn: Turn) -> list[str]:
        """Every name of the products and regions the question names, and the one store's."""
        names: list[str] = []
        for sku in turn.parsed.products:
            product = self._kb.products[sku]
            names += [product.name.en, product.name.zh_cn or "", *product.aliases]
        if len(turn.parsed.stores) == 1:
            # "Is the Quinta Avenida store open?" of an FAQ on the Playa del Carmen store.
            store = self._kb.store(turn.parsed.stores[0])
            names.append(store.name.en)
        # "Why not in Turkey?" of an FAQ on Türkiye: every name of the region said.
        heard = {compact(m.heard) for m in turn.parsed.mentions if m.kind == "store"}
        for region in self._kb.regions.values():
            region_names = [region.name.en, *region.aliases]
            if heard & {compact(name) for name in region_names}:
                names += region_names
        return names

    def _item_rules(self, turn: Turn, promotion: Promotion, said: str) -> list[str]:
        """An FAQ answer with no figures, to "is this item in the offer?": the offer's terms.

        "Does the de-icing salt count for Snow Ready?" -> the FAQ's "Yes, all snow gear
        counts", then "Snow Ready Spend and Save: spend 500 ... and get 75 ... off".
        """
        products = turn.parsed.products
        if turn.parsed.intent is not Intent.IN_OFFER or len(products) != 1:
            return []
        if any(ch.isdigit() for ch in said) or products[0] not in self._kb.scope_skus(promotion):
            return []
        _, rules = self._item_terms(turn, promotion, products[0])
        phrases = rule_phrases(promotion, self._currency(turn), turn.zh, rules)
        if not phrases:
            return []
        return [f"{title(promotion, turn.zh)}{'：' if turn.zh else ': '}{join(phrases, turn.zh)}"]

    def _excluded_item(self, turn: Turn, promotion: Promotion, said: str) -> str | None:
        """Asked whether an item the offer excludes is in it: that first, the FAQ as why.

        "Are the Apex Pro skates in the hockey sale?" -> "No, the HK-SKT9 is excluded from
        the Puck Drop Frenzy: the Apex Pro Skates are a new launch and stay at full price."
        """
        products = turn.parsed.products
        if turn.parsed.intent is not Intent.IN_OFFER or len(products) != 1:
            return None
        if products[0] not in promotion.scope.exclude_skus:
            return None
        sku, zh = products[0], turn.zh
        if zh:
            return f"不参加，{self._item(turn, sku)}不在{title(promotion, zh)}范围内：{said}"
        why = said.removeprefix("No, ").removeprefix("No. ")
        item = self._item(turn, sku)
        return f"No, the {item} is excluded from {the_title(promotion, zh)}: {lower_first(why)}"

    def _partly_named_running(self, turn: Turn) -> frozenset[str] | None:
        """The one running promotion the question's words point to ("the bottle deal")."""
        running = [p for p, _ in self._running_at_store(turn)]
        named = self._partly_named(turn, running, turn.parsed.residual) if running else None
        return frozenset({named}) if named else None


_WHY_FIRST = 1000
"""Added to an FAQ's score when it and the question both ask why: more than any word count."""
