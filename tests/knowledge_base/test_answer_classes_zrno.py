"""Classes of misses found on Pekara Zrno, measured unseen once.

A day of the month said in words is a day where a date puts it ("Friday the thirtieth",
"the twenty first of March"), never a word to skip (the question was answered for the
nearest Friday); "the first version" stays words. An offer that runs in every store of some
regions and nowhere else is said to run only in those regions when a store outside asks
(with the stores' names when they are few). "The old <offer>" / "the previous <offer>" asks
what a revised offer was, and so does "in the first version of <offer>": the previous version's
note, then what changed. A member's price asked of an item nothing prices lower for a member
then is its price and "no member price"; an offer it could still join (a spend threshold) is
no member price and not what the answer is about. An item only a spend threshold or a members'
extra has now, asked whether it is discounted yet, what is coming for it or when it goes on
offer, is answered with the coming offer that discounts it for everyone; an item in such an
offer now is still answered with it. What an item is made of ("does it have nuts in it?",
"gluten free?", "vegan?") is a property no promotion file states: asked in words the chain
never uses, it is not known, never "Yes, it is in the X". Two offers named with "both" ("X
with the Y, both?") ask whether they combine. "<product> price" is the product's price, not an
offer named "<product> offer" ("maple syrup price" is not the Sugar Shack offer). A spend
threshold an item's price does not reach is a note after that price, not what the answer is
about (as a members' extra alone is). Two offers asked to combine on several items named
("a member takes X and Y, club days and the spend and save together?") are answered yes or no,
then the basket is priced with every offer that applies.
"""

from __future__ import annotations

from kb_helpers import ask_sample, sample_chain

from knowledge_base.answering import AnswerSource
from knowledge_base.question_slots import When, when_named
from knowledge_base.words import tokens

MARCHE = sample_chain("marche-boreal")
DEMHUIS = sample_chain("demhuis-tea")
SENDERO = sample_chain("sendero-calzado")
ARRULLO = sample_chain("arrullo-baby")


def test_a_day_of_the_month_said_in_words_is_the_day_asked_about() -> None:
    assert when_named(tokens("the tent on Friday the thirtieth"), set()) == When(day_of_month=30)
    assert when_named(tokens("the twenty-first of March, two tents"), set()) == When(
        month_day=(3, 21)
    )
    assert when_named(tokens("on Saturday the thirty first of March"), set()) == When(
        month_day=(3, 31)
    )
    assert when_named(tokens("what changed in the first version"), set()) is None
    answer = ask_sample(MARCHE, "how much is the olive oil on the twentieth of March")
    assert "Saturday 20 March" in answer.text and "14.99" in answer.text
    answer = ask_sample(MARCHE, "olive oil on Saturday the thirteenth")
    assert "Saturday 13 March" in answer.text


def test_an_offer_of_whole_regions_is_said_to_run_only_in_them() -> None:
    answer = ask_sample(ARRULLO, "does the diaper spend and save work at mission valley")
    assert "does not run at San Diego Mission Valley" in answer.text
    assert "It runs only in Mexico" in answer.text


def test_the_old_offer_or_its_first_version_says_what_it_was() -> None:
    for text in (
        "tell me the previous brew gear spend and save",
        "in the first version of the brew gear spend and save, did the grinder count",
    ):
        answer = ask_sample(DEMHUIS, text)
        assert answer.text.startswith("Before version 2 of the Brew Gear Spend and Save")
        assert "spend 100 euros and save 15" in answer.text
    now = ask_sample(DEMHUIS, "what is the brew gear spend and save")
    assert "spend 75 euros" in now.text and "100 euros" not in now.text


def test_a_member_price_where_none_runs_says_so_and_names_no_other_offer() -> None:
    for text, when in (
        ("member price on the moka pot", "right now"),
        ("member price on the moka pot next week", "then"),
    ):
        answer = ask_sample(DEMHUIS, text)
        assert "34.95 euros" in answer.text
        assert f"There is no member price on it {when}" in answer.text
        assert answer.promotion_ids == [] and "Spend and Save" not in answer.text
    plain = ask_sample(DEMHUIS, "how much is the moka pot")
    assert "Brew Gear Spend and Save: spend 75 euros" in plain.text


def test_an_item_without_its_own_offer_now_is_answered_with_the_one_coming() -> None:
    for text in ("is the maple syrup discounted yet", "anything coming for maple syrup?"):
        answer = ask_sample(MARCHE, text)
        assert answer.text.startswith("Not yet: the Sugar Shack Week starts on Monday 22 March")
        assert answer.promotion_ids == ["cabane-sucre"]
    when = ask_sample(MARCHE, "when does maple syrup go on sale")
    assert "starts on Monday 22 March" in when.text and when.promotion_ids == ["cabane-sucre"]
    running = ask_sample(MARCHE, "is the olive oil on offer yet")
    assert running.text.startswith("Yes") and running.promotion_ids[0] == "pantry-3for2"


def test_what_an_item_is_made_of_is_not_known() -> None:
    for chain, text in (
        (MARCHE, "does the brie have nuts in it"),
        (MARCHE, "is the maple syrup vegan"),
        (DEMHUIS, "is the earl grey gluten free"),
    ):
        answer = ask_sample(chain, text)
        assert answer.source is AnswerSource.UNKNOWN, answer.text
        assert answer.promotion_ids == []
    assert ask_sample(MARCHE, "is the brie on offer").text.startswith("Yes")


def test_two_offers_named_with_both_ask_whether_they_combine() -> None:
    answer = ask_sample(MARCHE, "pantry 3 for 2 with the club days, both?")
    assert answer.text.startswith("Yes, the Pantry 3 for 2 and the Club Boréal Days combine")
    unsaid = ask_sample(MARCHE, "the festival des fromages and the pantry 3 for 2, both?")
    assert "do not say whether they combine" in unsaid.text
    one = ask_sample(MARCHE, "is the pantry 3 for 2 on in both stores")
    assert "combine" not in one.text


def test_a_product_said_with_price_is_priced_not_an_offer_of_its_name() -> None:
    answer = ask_sample(MARCHE, "maple syrup price")
    assert "Pure Maple Syrup 540 mL is 11.99" in answer.text
    assert "Sugar Shack" not in answer.text


def test_a_spend_threshold_the_price_does_not_reach_is_a_note_not_the_subject() -> None:
    answer = ask_sample(SENDERO, "what does the plaza sneaker cost in madrid")
    assert "Plaza Leather Sneaker is 95 euros" in answer.text
    assert "Gasta y Ahorra: spend 120 euros" in answer.text
    assert answer.promotion_ids == []


def test_offers_asked_to_combine_on_items_named_say_so_then_price_them() -> None:
    answer = ask_sample(
        ARRULLO,
        "a member takes a suave jumbo pack and a noche overnight pack, club days and the diaper"
        " spend and save together?",
    )
    assert answer.text.startswith("Yes, the Arrullo Club Days and the Diaper Spend and Save")
    assert "come to 1060.20 Mexican pesos" in answer.text
    assert answer.detail.get("about_together") == ["club-days", "diaper-spend"]
