"""A question about a discount channel is answered by that channel, not an FAQ about another.

Found on the Folha Books chain: "Does <offer> work with app coupons?" was answered with an
FAQ about the chain's app ("do e-books in the app count?") instead of the offer's own
"app coupons: no". Shown on the packaged sample chain, whose Weekend Running Offer says
no to coupons and to app coupons and has an FAQ about (paper) coupons.
"""

from __future__ import annotations

from datetime import datetime

from knowledge_base.answer_channels import channels_named
from knowledge_base.answering import Question
from knowledge_base.channels import Channel
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.words import tokens

SATURDAY = "2026-11-28T15:00"


def _ask(answerer: GroundedAnswerer, text: str) -> str:
    asked = datetime.fromisoformat(SATURDAY).replace(tzinfo=answerer._kb.zone("SH-01"))  # noqa: SLF001
    return answerer.answer_now(Question(text=text, store_id="SH-01", asked_at=asked)).text


def test_a_longer_channel_name_is_one_channel() -> None:
    text = "does it work with app coupons"
    assert channels_named(tokens(text), text) == {Channel.APP_COUPONS}
    text = "can they use a coupon and a gift card"
    assert channels_named(tokens(text), text) == {Channel.COUPONS, Channel.GIFT_CARDS}


def test_an_faq_about_another_channel_does_not_answer(sample) -> None:
    # The offer's FAQ is about coupons; the question is about app coupons.
    text = _ask(sample, "Does the weekend offer work with app coupons?")
    assert text == "No, Weekend Running Offer does not combine with app coupons.", text


def test_an_faq_about_the_channel_asked_still_answers(sample) -> None:
    text = _ask(sample, "Can the weekend offer be combined with a coupon?")
    assert text == "No, coupons cannot be combined with the Weekend Running Offer.", text
