"""Classes of misses found on Sindano Fabrics, measured unseen once.

An item asked about at a store an offer of its region leaves out is answered with that offer
(it does not run there), not with an offer that ended everywhere, unless the question asks
whether the item is "still" discounted; and "still" points to the offer that ended rather
than to one that excludes the item.
"<item>, does it stack with <offer>?" pairs the offer named with the item's one other
running offer.
A discount channel asked of an item ("coupon on the X?") is about the offer on the item
itself, not a spend threshold the item counts in.
An item's price is what its own offers make it; a spend threshold it reaches alone comes
off after, said so.
"Why is there a limit on <category>?" is the reason of the offer with the limit, when the
category is in offers without one too.
An FAQ naming a category by a word of its name ("does fabric count?") does not answer a
question about an item of another category.
A channel only another offer of the chain names ("Lipa Mdogo Mdogo") asked of an offer
that does not say is not known, not that offer's overview.
An item on offer asked in a city (or region) of several stores says which of them the
offer leaves out.
An alias written with its article ("the Dutch wax") answers to its words without it.
"Why is <word> in <offer>?" of a word no text of the chain uses is not known, not the offer's
overview.
"Tree" said before a plural name is the count three heard wrong ("how much for tree kangas").
"""

from __future__ import annotations

from kb_helpers import ask_sample, sample_chain

from knowledge_base.answering import AnswerSource

SINDANO = sample_chain("sindano-fabrics")


def test_an_item_at_a_store_left_out_of_an_offer_is_answered_with_that_offer() -> None:
    answer = ask_sample(SINDANO, "Is the Kitenge Classic on offer at Gikomba?")
    assert answer.text.startswith(
        "No, the Kitenge Classic Wax Print per m has no offer at Nairobi Gikomba Depot:"
        " the Festive Fabrics does not run there"
    )
    assert answer.promotion_ids[0] == "festive-fabrics"
    here = ask_sample(SINDANO, "ankara on offer here?", store="NBO-GIK")
    assert "the Festive Fabrics does not run there" in here.text
    still = ask_sample(SINDANO, "is the kitenge classic still on offer at gikomba")
    assert "the Black Friday Prints ended on Sunday 1 December" in still.text


def test_still_discounted_of_an_excluded_item_is_the_offer_that_ended() -> None:
    answer = ask_sample(SINDANO, "is the royal holland still discounted")
    assert answer.text.startswith(
        "No, the Royal Holland Wax per m is not on offer now: the Black Friday Prints ended"
    )
    assert answer.promotion_ids[0] == "black-friday-prints"
    plain = ask_sample(SINDANO, "is the royal holland discounted")
    assert "not in the Festive Fabrics: it is excluded" in plain.text


def test_an_item_asked_to_stack_with_an_offer_pairs_it_with_the_items_other_offer() -> None:
    answer = ask_sample(SINDANO, "jua pro, does it stack with the spend and save")
    assert answer.text == (
        "Yes, the Sewing Corner Spend and Save and the Sewing Machine Weeks combine on the same"
        " item."
    )


def test_a_channel_asked_of_an_item_is_about_the_offer_on_the_item_itself() -> None:
    answer = ask_sample(SINDANO, "coupon on the jua classic?")
    assert answer.text == "No, Sewing Machine Weeks does not combine with coupons."
    threshold_only = ask_sample(SINDANO, "vouchers on the shears?")
    assert "Sewing Corner Spend and Save does not combine with vouchers" in threshold_only.text


def test_an_items_price_is_its_own_offers_then_the_spend_threshold_it_reaches() -> None:
    answer = ask_sample(SINDANO, "How much is the Jua Classic?")
    assert answer.text.startswith(
        "The Jua Classic 15 Sewing Machine is 16000 Kenyan shillings with Sewing Machine Weeks,"
        " down from 18500 Kenyan shillings; with the Sewing Corner Spend and Save too, it comes"
        " to 15400 Kenyan shillings."
    )
    each = ask_sample(SINDANO, "how much is imashini", store="KGL-KIM")
    assert each.text.startswith(
        "The Jua Classic 15 Sewing Machine is 160000 Rwandan francs, down from 185000 Rwandan"
        " francs; the Jua Pro 40 Sewing Machine is 304000 Rwandan francs"
    )
    assert "The Sewing Corner Spend and Save is on: spend 25000 Rwandan francs" in each.text
    alone = ask_sample(SINDANO, "overlocker price")
    assert alone.text.startswith("The Jua Overlocker 4-Thread is 26900 Kenyan shillings")


def test_why_a_limit_on_a_category_is_the_reason_of_the_offer_with_the_limit() -> None:
    answer = ask_sample(SINDANO, "Why is there a limit on machines?")
    assert answer.text.startswith("The two Jua machines are in short supply")


def test_an_faq_on_a_category_word_does_not_answer_an_item_of_another_category() -> None:
    answer = ask_sample(SINDANO, "Do the shears count towards the spend and save?")
    assert answer.text.startswith(
        "Yes, the Tailor's Shears 25 cm is in the Sewing Corner Spend and Save: spend 2500"
    )
    fabric = ask_sample(SINDANO, "Does fabric count towards the spend and save?")
    assert fabric.text.startswith("No, only threads, yarn, haberdashery and sewing machines")


def test_a_channel_only_another_offer_names_is_not_known_of_this_one() -> None:
    answer = ask_sample(SINDANO, "lipa mdogo mdogo with festive fabrics?")
    assert answer.source is AnswerSource.UNKNOWN
    assert answer.text.startswith("The Festive Fabrics does not say whether it combines with")
    assert "please ask Wanjiru Kamau" in answer.text


def test_an_item_on_offer_in_a_city_says_the_stores_there_left_out() -> None:
    answer = ask_sample(SINDANO, "Is the Kitenge Classic on offer in Nairobi?")
    assert answer.text.startswith("Yes, the Kitenge Classic Wax Print per m is 20 percent off")
    assert answer.text.endswith("The Festive Fabrics does not run at Nairobi Gikomba Depot.")
    everywhere = ask_sample(SINDANO, "Is the Kitenge Classic on offer in Mombasa?")
    assert "does not run" not in everywhere.text


def test_an_alias_with_its_article_answers_to_its_words_without_it() -> None:
    answer = ask_sample(SINDANO, "dutch wax 20 percent off?")
    assert answer.text.startswith("No, the Royal Holland Wax per m is not in the Festive Fabrics")


def test_why_of_a_word_the_chain_does_not_use_in_an_offer_is_not_known() -> None:
    answer = ask_sample(SINDANO, "Why is Jakambana in the festive offer?")
    assert answer.source is AnswerSource.UNKNOWN
    assert "20 percent" not in answer.text
    known = ask_sample(SINDANO, "Why is Gikomba not in the festive offer?")
    assert "sells whole bales to traders" in known.text


def test_tree_before_a_plural_name_is_three_heard_wrong() -> None:
    answer = ask_sample(SINDANO, "how much for tree kangas")
    assert answer.text.startswith("3 Kanga Pair with Saying come to 1300 Kenyan shillings")
