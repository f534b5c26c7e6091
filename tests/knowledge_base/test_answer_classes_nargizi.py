"""Classes of misses found on Nargizi Flowers, measured unseen once.

"When was <offer> published / announced?" asks when its current version came out: the
version and its publication date, and an offer never revised says the date it was published.
"Does <offer> run in <city>?" where every store of the city has it is answered yes, at each
of them (a region of many stores by its name), as one store or a city only partly in it is.
"How much was <item>?", asked in the past tense of an item no offer has now, is its price in
the offer that last had it at the store (named only in part, or not at all), then its price now.
"<word> price" of a word several products share is each one's price, not the offer named
"<word> offer" (or deal, sale); when that offer does not price one of them alone (a 3 for 2),
it is the offer said to be on after the prices. An item only a spend threshold has now,
asked whether it is on offer, is said with its own price after the threshold. The weather on
an offer's days ("will it rain on Women's Day?") is not known. "Why is there a limit on X?"
asks the limited offer's reason: its FAQ asking why about the limit, however it words it.
"Does <coming offer> run at <store>?" asks whether that store takes part: yes, from its first
day ("is it on there?" is still "Not yet"). An offer named in part that is not on now ("the
Mother's Day offer" in Yerevan, "the eid one") is the coming or ended offer at the store those
words point to, answered as if named (an ended one "ended on", in the past). A name two
products both answer to, asked in an offer that has only one of them ("is mimosa in the
Women's Day offer?"), is about that one.
"""

from __future__ import annotations

from kb_helpers import ask_sample, sample_chain

from knowledge_base.answering import AnswerSource

DEMHUIS = sample_chain("demhuis-tea")
ADEGA = sample_chain("adega-atlantica")
KUDU = sample_chain("kudu-auto")
KOMOREBI = sample_chain("komorebi-drug")
FOLHA = sample_chain("folha-books", store="RIO-01")
LOONWOOD = sample_chain("loonwood-home")
NORTHBOUND = sample_chain("northbound-sports")
ANDINA = sample_chain("andina-pharmacy")
SAFAR = sample_chain("safar-luggage")
ZRNO = sample_chain("zrno-bakery")
NARGIZI = sample_chain("nargizi-flowers")


def test_when_an_offer_was_published_is_its_versions_publication_day() -> None:
    answer = ask_sample(DEMHUIS, "when was the brew gear spend and save published")
    assert "In version 2 of the Brew Gear Spend and Save, published on Tuesday 24 October" in (
        answer.text
    )
    answer = ask_sample(ADEGA, "when was the port fortnight announced")
    assert answer.text.startswith(
        "The Port and Madeira Fortnight has not changed since it was published on Monday 11 October"
    )


def test_an_offer_in_every_store_of_a_city_named_is_yes_at_each() -> None:
    answer = ask_sample(KUDU, "does the car care spend and save run in johannesburg?")
    assert answer.text.startswith(
        "Yes, the Car Care Spend and Save runs at Johannesburg Sandton and Johannesburg Soweto"
    )
    answer = ask_sample(KOMOREBI, "does the cold season stock-up work in honolulu")
    assert answer.text.startswith(
        "Yes, the Cold Season Stock-Up runs at Honolulu Ala Moana and Honolulu Waikīkī"
    )
    answer = ask_sample(NARGIZI, "Does the orchid weeks run in Georgia?")
    assert answer.text.startswith("Yes, the Orchid Weeks runs in every store in Georgia")
    partly = ask_sample(NARGIZI, "Does Women's Day Flowers run in Yerevan?")
    assert "runs at Yerevan Northern Avenue, not at Yerevan Cascade" in partly.text


def test_an_items_price_asked_in_the_past_is_its_price_in_the_offer_that_ended() -> None:
    for text in ("how much was the monica almanac", "how much was one piece in the carnival"):
        answer = ask_sample(FOLHA, text)
        assert "in the Carnival Comics Sale, which ended on Tuesday 17 February" in answer.text
        assert answer.text.endswith("Brazilian reais now.")
    now = ask_sample(FOLHA, "how much is the monica almanac")
    assert now.text.startswith("The Turma da Mônica Almanac is 24.90 Brazilian reais")


def test_a_word_several_products_share_said_before_price_is_each_ones_price() -> None:
    answer = ask_sample(LOONWOOD, "cushion price")
    assert answer.text.startswith(
        "The Velvet Cushion is 34.99 Canadian dollars; the Linen Cushion is 29.99"
    )
    assert "The Cushion and Throw 3 for 2 is on" in answer.text
    answer = ask_sample(NORTHBOUND, "bottle prices")
    assert answer.text.startswith("The Summit Steel Bottle 1 L is 35 Canadian dollars;")
    assert "The Summit Bottle Buy 3 Pay 2 is on" in answer.text


def test_an_item_only_a_spend_threshold_has_is_said_with_its_own_price() -> None:
    answer = ask_sample(KUDU, "any offer on the shine wax polish?")
    assert "is in the Car Care Spend and Save: spend 500 rand" in answer.text
    assert answer.text.endswith("On its own the Shine Wax Polish 500ml is 189.99 rand.")
    answer = ask_sample(DEMHUIS, "is the hand grinder reduced")
    assert answer.text.endswith("On its own the Huis Hand Grinder is 49.95 euros.")


def test_the_weather_on_an_offers_days_is_not_known() -> None:
    for chain, text in (
        (KUDU, "will it rain in cape town during the tyre deal?"),
        (FOLHA, "whats the weather forecast for book days"),
    ):
        answer = ask_sample(chain, text)
        assert answer.source is AnswerSource.UNKNOWN
        assert "please ask" in answer.text


def test_why_there_is_a_limit_is_the_offers_reason_for_it() -> None:
    answer = ask_sample(KOMOREBI, "why is there a limit on cold tablets")
    assert answer.text.startswith("Cold and cough medicines are limited to two packs")
    answer = ask_sample(ANDINA, "why the limit on allergy packs")
    assert answer.text.startswith("Pharmacy rules allow two packs of allergy medicine")
    plain = ask_sample(KOMOREBI, "what is the limit on cold tablets")
    assert "each customer gets up to 2 packs" in plain.text


def test_whether_a_store_takes_part_in_a_coming_offer_is_yes_from_its_first_day() -> None:
    answer = ask_sample(KOMOREBI, "does the new year hair care sale run at the osaka store?")
    assert answer.text.startswith(
        "Yes, at Osaka Shinsaibashi, the New Year Hair Care Sale starts on Saturday 2 January"
    )
    now = ask_sample(KOMOREBI, "is the new year hair care sale on at the osaka store?")
    assert now.text.startswith("Not yet: at Osaka Shinsaibashi")


def test_an_offer_named_in_part_that_is_not_on_now_is_the_one_asked_about() -> None:
    answer = ask_sample(SAFAR, "how much off was the eid one")
    assert answer.text == "The Eid Travel Sale: 25 percent off. It ended on Tuesday 29 February."
    answer = ask_sample(KOMOREBI, "when is the hair care sale")
    assert answer.text.startswith("The New Year Hair Care Sale starts on Saturday 2 January")


def test_a_name_two_products_share_asked_in_an_offer_is_the_one_it_has() -> None:
    answer = ask_sample(ZRNO, "is sirnica in the pastry 3 for 2")
    assert answer.text.startswith("Yes, the Cheese Burek is in the Pastry 3 for 2")
    answer = ask_sample(DEMHUIS, "is the classic in the autumn coffee weeks")
    assert answer.text.startswith("Yes, the CB-HUIS1K is 20 percent off in the Autumn Coffee")
