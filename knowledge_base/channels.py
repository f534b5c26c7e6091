"""Other ways customers save, and whether a promotion combines with them.

A promotion's ``channels:`` says, per channel, whether it combines (``yes``) or not
(``no``); a channel it does not mention is *not said* and is never guessed. The vocabulary is
closed (:class:`Channel`, spoken names in :data:`CHANNEL_NAMES`) so a typo is an error, and a
chain adds its own channels under ``other:`` with a name and aliases.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from knowledge_base.text import Aliases, Schema, ShortText


class Channel(StrEnum):
    """A discount channel every chain knows."""

    COUPONS = "coupons"
    """Paper or printed store coupons."""
    APP_COUPONS = "app_coupons"
    VOUCHERS = "vouchers"
    GIFT_CARDS = "gift_cards"
    STAFF_DISCOUNT = "staff_discount"
    LOYALTY_POINTS = "loyalty_points"
    """Paying with, or earning, loyalty points."""
    BANK_OFFERS = "bank_offers"
    """Card issuers' and payment apps' discounts."""
    PRICE_MATCH = "price_match"


def _name(en: str, zh: str) -> ShortText:
    return ShortText.model_validate({"en": en, "zh-CN": zh})


CHANNEL_NAMES: dict[Channel, tuple[ShortText, tuple[str, ...]]] = {
    Channel.COUPONS: (_name("coupons", "优惠券"), ("coupon", "paper coupon")),
    Channel.APP_COUPONS: (
        _name("app coupons", "App优惠券"),
        ("app coupon", "app voucher", "mobile coupon"),
    ),
    Channel.VOUCHERS: (_name("vouchers", "代金券"), ("voucher", "cash voucher")),
    Channel.GIFT_CARDS: (_name("gift cards", "礼品卡"), ("gift card",)),
    Channel.STAFF_DISCOUNT: (
        _name("the staff discount", "员工折扣"),
        ("staff discount", "employee discount"),
    ),
    Channel.LOYALTY_POINTS: (
        _name("loyalty points", "积分"),
        ("points", "member points", "reward points"),
    ),
    Channel.BANK_OFFERS: (
        _name("bank card offers", "银行卡优惠"),
        ("bank offer", "credit card offer", "card offer"),
    ),
    Channel.PRICE_MATCH: (_name("price match", "比价保障"), ("price matching",)),
}
"""Spoken name (English, Chinese) and other words clerks use, per channel."""


class OtherChannel(Schema):
    """A chain's own discount channel (a student card, a partner's voucher)."""

    name: ShortText
    aliases: Aliases = []
    combines: bool
    """Whether the promotion combines with it."""


class Channels(Schema):
    """Whether a promotion combines with each discount channel; unset means not said."""

    coupons: bool | None = None
    app_coupons: bool | None = None
    vouchers: bool | None = None
    gift_cards: bool | None = None
    staff_discount: bool | None = None
    loyalty_points: bool | None = None
    bank_offers: bool | None = None
    price_match: bool | None = None
    other: tuple[OtherChannel, ...] = Field(default=(), max_length=20)
    """A tuple, so that the (shared, immutable) default needs no copy per promotion."""

    def combines(self, channel: Channel | str) -> bool | None:
        """``True``/``False`` as written, ``None`` when the promotion does not say.

        ``channel`` is a :class:`Channel` (or its value) or the English name or an alias of
        an ``other`` channel (case-insensitive).
        """
        if channel in Channel.__members__.values():
            value: bool | None = getattr(self, Channel(channel).value)
            return value
        wanted = str(channel).strip().lower()
        for other in self.other:
            names = {other.name.en.lower(), *(a.lower() for a in other.aliases)}
            if other.name.zh_cn:
                names.add(other.name.zh_cn)
            if wanted in names:
                return other.combines
        return None

    def said(self) -> list[tuple[ShortText, bool]]:
        """Every channel the promotion speaks about, with whether it combines, in order."""
        out = [
            (CHANNEL_NAMES[channel][0], value)
            for channel in Channel
            if (value := getattr(self, channel.value)) is not None
        ]
        out += [(other.name, other.combines) for other in self.other]
        return out


def channel_words(channels: Channels | None = None) -> dict[str, Channel | str]:
    """Every name and alias of a channel (lowercase; English and Chinese) -> the channel.

    Built-in channels map to their :class:`Channel`; with ``channels``, that promotion's own
    ``other`` channels map to their English name. Both are what
    :meth:`Channels.combines` accepts, so a question reader can match a clerk's words
    against this closed vocabulary and ask the knowledge base.
    """
    words: dict[str, Channel | str] = {}
    for channel, (name, aliases) in CHANNEL_NAMES.items():
        for word in (channel.value.replace("_", " "), name.en, name.zh_cn, *aliases):
            if word:
                words.setdefault(word.lower().removeprefix("the "), channel)
    for other in channels.other if channels else []:
        for word in (other.name.en, other.name.zh_cn, *other.aliases):
            if word:
                words.setdefault(word.lower(), other.name.en)
    return words
