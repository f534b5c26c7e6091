"""Answers about other ways customers save: does an offer combine with coupons, vouchers, ...

Read from a promotion's ``channels`` (:mod:`knowledge_base.channels`), a fact of the
promotion rather than an FAQ: "Can a customer use student discount with Autumn Glow?" ->
"No, Autumn Glow does not combine with student discount." A channel the promotion does not
mention is not answered here (nothing guesses): the FAQs or "I don't know" speak instead.
"""

from __future__ import annotations

from knowledge_base.answer_core import Turn
from knowledge_base.answer_focus import AnswerFocus
from knowledge_base.answering import Answer, AnswerSource
from knowledge_base.channels import CHANNEL_NAMES, Channel, channel_words
from knowledge_base.coming_offers import spend_and_save
from knowledge_base.fallback_contact import fallback_contact
from knowledge_base.models import Promotion, ShortText
from knowledge_base.phrasing import contact_fact, contact_phrase, join, the_title, title
from knowledge_base.words import tokens


class ChannelAnswers(AnswerFocus):
    """Whether the promotion asked about combines with the discount channels named."""

    def _channel(self, turn: Turn) -> Answer | None:
        """The answer when the question names a channel the promotion in focus speaks about."""
        lowered = " " + " ".join(turn.parsed.words) + " "
        focus = self._in_force(turn, lambda p: bool(_named(p, lowered, turn.parsed.text)))
        if isinstance(focus, Answer) or not focus:
            return None
        # "Coupon on <item>?": the offer on the item itself, before a spend threshold it counts in.
        promotion, _ = min(focus, key=lambda x: spend_and_save(x[0]))
        named = _named(promotion, lowered, turn.parsed.text)
        if not named:
            return None
        zh = turn.zh
        self._promotion_facts(turn, promotion)
        name = title(promotion, zh)
        sentences: list[str] = []
        for combines in (False, True):
            names = [n for n, value in named if value is combines]
            if not names:
                continue
            for n in names:
                turn.fact(
                    f"{promotion.title.en} {'combines' if combines else 'does not combine'}"
                    f" with {n.en}",
                    n.zh_cn,
                )
            said = join([n.best("zh-CN" if zh else "en") for n in names], zh)
            if zh:
                sentences.append(
                    f"可以，{name}可以与{said}同时使用"
                    if combines
                    else f"不可以，{name}不能与{said}同时使用"
                )
            elif not combines:
                sentences.append(f"No, {name} does not combine with {said}")
            else:
                opening = "It does" if sentences else f"Yes, {name}"
                sentences.append(f"{opening} combine{'' if sentences else 's'} with {said}")
        return self._done(turn, sentences)

    def _channel_not_said(self, turn: Turn) -> Answer | None:
        """A channel the promotion asked about does not mention: say so, and whom to ask."""
        focus = self._in_force(turn)
        if isinstance(focus, Answer) or len(focus) != 1:
            return None
        promotion, _ = focus[0]
        joined = " " + " ".join(turn.parsed.words) + " "
        words = self._chain_channel_words()
        heard = [
            word
            for word in words
            if f" {word} " in joined
            or f" {word}s " in joined
            or (not word.isascii() and word in turn.parsed.text)
        ]
        if not heard:
            return None
        zh = turn.zh
        said = _spoken(promotion, words[max(heard, key=len)]).best("zh-CN" if zh else "en")
        ask = self._offer_contact(turn, promotion)
        text = (
            f"{title(promotion, zh)}没有说明能否与{said}同时使用，请咨询{ask}"
            if zh
            else f"{the_title(promotion, zh)} does not say whether it combines with {said};"
            f" please ask {ask}"
        )
        return self._done(turn, [text], AnswerSource.UNKNOWN)

    def _chain_channel_words(self) -> dict[str, Channel | str]:
        """:func:`channel_words` with every offer's own channels ("fundi card") of the chain."""
        words = channel_words()
        for promotion in self._kb.visible_promotions():
            for word, channel in channel_words(promotion.channels).items():
                words.setdefault(word, channel)
        return words

    def _names_a_channel(self, turn: Turn) -> bool:
        """Whether the question names a channel every chain knows or an offer of this one has.

        "Lipa Mdogo Mdogo with Festive Fabrics?" names another offer's instalment plan.
        """
        words, text = turn.parsed.words, turn.parsed.text
        return bool(channels_named(words, text, self._chain_channel_words()))

    def _offer_does_not_say(self, turn: Turn) -> Answer | None:
        """Not known, about one offer named: say which, and ask that offer's contact.

        "Is delivery free with the X?": the file of the X does not say, and whoever looks
        after the X can tell, not the chain's general desk.
        """
        parsed = turn.parsed
        if not parsed.asks_unstated or len(parsed.promotions) != 1:
            return None
        promotion = self._kb.promotions[parsed.promotions[0]]
        if not promotion.visible or not (turn.zh or _named_by_its_words(promotion, parsed.words)):
            return None  # "return a tent ...": a word of the Tent Clearance names no offer
        zh = turn.zh
        ask = self._offer_contact(turn, promotion)
        if zh:
            return self._done(
                turn, [f"{title(promotion, zh)}没有说明这一点，请咨询{ask}"], AnswerSource.UNKNOWN
            )
        text = f"I don't know that for {the_title(promotion, zh)}; please ask {ask}"
        return self._done(turn, [text], AnswerSource.UNKNOWN)

    def _offer_contact(self, turn: Turn, promotion: Promotion) -> str:
        """Whom to ask about ``promotion`` at the store (its facts recorded), as spoken."""
        contact = self._kb.contact_for(promotion, turn.store_id)
        self._promotion_facts(turn, promotion)
        if contact is None:  # the chain's own default contact, else the built-in one
            said, facts = fallback_contact(self._kb, self._default_contact, turn.zh)
            turn.fact(*facts)
            return said
        turn.fact(contact_fact(contact), contact.team.zh_cn)
        return contact_phrase(contact, turn.zh)


def _named_by_its_words(promotion: Promotion, words: list[str]) -> bool:
    """Whether the question says the offer's name, not one word it shares with an item.

    Two words of the title (or its only one): "pan" alone does not name the Pan Days.
    """
    own = [w for w in tokens(promotion.title.en) if len(w) > 2]
    return sum(w in words for w in own) >= min(2, len(own))


def _named(promotion: Promotion, words: str, text: str) -> list[tuple[ShortText, bool]]:
    """Channels of ``promotion`` the question names, with whether they combine (said only)."""
    found: dict[str, tuple[ShortText, bool]] = {}
    vocabulary = channel_words(promotion.channels)
    said = channels_named(words.split(), text, vocabulary)
    for word, channel in vocabulary.items():
        if not _said(word, words, text) or channel not in said:
            continue
        value = promotion.channels.combines(channel)
        if value is None:
            continue
        name = _spoken(promotion, channel)
        own_word = word.isascii() and word != name.en.lower().removeprefix("the ")
        if own_word and isinstance(channel, Channel):
            # Say it in the clerk's words ("app vouchers", not "app coupons").
            plural = name.en.endswith("s") and not word.endswith("s")
            name = ShortText.model_validate(
                {"en": word + ("s" if plural else ""), "zh-CN": name.zh_cn}
            )
        found.setdefault(str(channel), (name, value))
    return list(found.values())


def _spoken(promotion: Promotion, channel: Channel | str) -> ShortText:
    if isinstance(channel, Channel):
        return CHANNEL_NAMES[channel][0]
    for other in promotion.channels.other:
        if other.name.en == channel:
            return other.name
    return ShortText(en=str(channel))


def names_channel(words: list[str], text: str) -> bool:
    """Whether a question names one of the discount channels every chain knows."""
    return bool(channels_named(words, text))


def channels_named(
    words: list[str], text: str, vocabulary: dict[str, Channel | str] | None = None
) -> set[Channel | str]:
    """The channels ``words`` name (``vocabulary``: :func:`channel_words`, by default).

    A name heard only inside a longer one heard is not said: "app coupons" names app
    coupons, not coupons as well.
    """
    joined = " " + " ".join(words) + " "
    vocabulary = vocabulary if vocabulary is not None else channel_words()
    heard = [word for word in vocabulary if _said(word, joined, text)]
    return {
        vocabulary[word]
        for word in heard
        if not any(word != longer and word in longer for longer in heard)
    }


def _said(word: str, joined: str, text: str) -> bool:
    """Whether a channel's ``word`` is in the question (``joined``: its tokens, spaced).

    Compared token by token, so a name written with an accent ("Sistecrédito") is heard as
    the question's tokens read it, whatever its capitals; a Chinese name inside ``text``.
    """
    spaced = " ".join(tokens(word))
    return (
        f" {word} " in joined
        or f" {word}s " in joined
        or bool(spaced and (f" {spaced} " in joined or f" {spaced}s " in joined))
        or (not word.isascii() and word in text)
    )
