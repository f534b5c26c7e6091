"""Classes of misses found on Alba Perfumería, measured unseen once.

An item asked with a spend threshold it does not reach on its own is priced with its own
offers and said to fall short of the threshold: never the threshold's terms alone, as if
they priced it.
An item only a spend threshold has now, whose own offer starts within days, is "not yet" on
offer, with the day it starts and its price until then; weeks away, or asked about "any
promotion", the threshold still answers.
The price now after an offer that ended, where only a spend threshold runs, is the shelf
price first, the threshold's receipt discount after.
A member price above what everyone pays is never said.
A channel named with its accent ("Sistecrédito") is the same channel as without.
A draft's own name, heard as a published offer it resembles, is not that offer.
A capitalised word (a brand) is never read as a cue word one letter off it (a cue glued to
its end still is: "What's Nertotals?").
A category's own name heard loosely as an offer's, in a price question, is the category
(asked whether it is still on, the offer stays); "one of each <category>" is a basket of
one of each of its products.
"How much do members get off X?" asks the rate.
Which stores have an offer names the store its regions hold that it leaves out.
A change question naming an item says the change note that names it.
A person's WhatsApp, and a desk named by its own name, are contact questions.
A store's opening hours are not known.
A product's whole name of four words, one of them misheard ("esmerelda eau de parfum"), is
that product; four words with a small one among them ("the mother s day") are not compared.
"""

from __future__ import annotations

import shutil

import pytest
from kb_helpers import DEFAULT_CONTACT, SAMPLES, ask_at, ask_sample, sample_chain

from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base

ALBA = sample_chain("alba-perfumeria")
FOLHA = sample_chain("folha-books")
ZONA_VIVA = "GUA-ZVI"


def test_an_item_short_of_a_spend_threshold_is_priced_with_its_own_offer() -> None:
    answer = ask_sample(ALBA, "one madre querida set with the spend and save")
    assert answer.text.endswith(
        "It runs until Sunday 16 May; with the Mother's Day Fragrance Sale, one comes to"
        " 263200 Colombian pesos, down from 329000 Colombian pesos: less than the 300000"
        " Colombian pesos to spend."
    )
    assert set(answer.detail["about_together"]) == {"spend-and-save", "dia-de-la-madre"}
    priced = ask_sample(ALBA, "esmeralda perfume on saturday with the spend and save, total?")
    assert priced.text.startswith(
        "On Saturday 8 May, the Esmeralda Eau de Parfum is 272300 Colombian pesos, down from"
        " 389000 Colombian pesos, less than the 300000 Colombian pesos to spend for the"
        " Fragrance Spend and Save."
    )
    assert "242300" not in priced.text
    assert "dia-de-la-madre" in priced.detail["about_together"]
    reached = ask_sample(ALBA, "esmeralda perfume with the spend and save")
    assert "with the Mother's Day Fragrance Sale too, it comes to 281200" in reached.text


@pytest.fixture(scope="module")
def candles_in_june(tmp_path_factory: pytest.TempPathFactory) -> GroundedAnswerer:
    """Alba with the candle offer weeks away (June) instead of three days away."""
    target = tmp_path_factory.mktemp("kb") / "alba"
    shutil.copytree(SAMPLES / "alba-perfumeria", target)
    path = target / "promotions" / "velas-madre-gt.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("start: 2032-05-08", "start: 2032-06-08").replace(
            "end: 2032-05-10", "end: 2032-06-10"
        )
    )
    return GroundedAnswerer(knowledge=load_knowledge_base(target), default_contact=DEFAULT_CONTACT)


def test_an_own_offer_starting_within_days_is_not_yet_before_a_spend_threshold(
    candles_in_june: GroundedAnswerer,
) -> None:
    answer = ask_sample(ALBA, "is the vela on offer?", ZONA_VIVA)
    assert answer.text == (
        "Not yet: the Café y Canela Candle is 40 quetzales off each from Saturday 8 May."
        " That is the Guatemala Mother's Day Candles; limit 2 items per customer; until"
        " then it is 169.90 quetzales, and it counts towards the Fragrance Spend and Save."
    )
    assert answer.promotion_ids[0] == "velas-madre-gt"
    any_offer = ask_sample(ALBA, "is the vela in any promotion?", ZONA_VIVA)
    assert any_offer.text.startswith("Yes, the Café y Canela Candle is in the Fragrance Spend")
    weeks_away = ask_at(candles_in_june, "is the vela on offer?", ZONA_VIVA, ALBA.at)
    assert weeks_away.text.startswith("Yes, the Café y Canela Candle is in the Fragrance Spend")


def test_the_price_after_an_ended_offer_is_the_shelf_price_then_the_threshold() -> None:
    was = ask_sample(ALBA, "how much was the ceiba in the cologne days")
    assert was.text.endswith(
        "It is 349000 Colombian pesos now; with the Fragrance Spend and Save, one on its own"
        " comes to 319000 Colombian pesos."
    )
    still = ask_sample(ALBA, "is the sierra nevada still 25 percent off")
    assert still.text.startswith("No, the Men's Cologne Days ended on Sunday 2 May.")
    assert still.text.endswith("On its own the Sierra Nevada Cologne is 229000 Colombian pesos.")


def test_a_member_price_above_everyones_is_not_said() -> None:
    answer = ask_sample(ALBA, "How much is the Esmeralda Eau de Parfum?")
    assert "it comes to 281200 Colombian pesos" in answer.text
    assert "291750" not in answer.text
    lower = ask_sample(ALBA, "how much is the madre querida with the spend and save")
    assert lower.text.endswith("Members pay 246750 Colombian pesos.")


@pytest.mark.parametrize("name", ["Sistecrédito", "Sistecredito"])
def test_a_channel_named_with_or_without_its_accent_is_that_channel(name: str) -> None:
    answer = ask_sample(ALBA, f"Can a customer use {name} with the Mother's Day sale?")
    assert answer.text == "Yes, Mother's Day Fragrance Sale combines with Sistecrédito instalments."


def test_a_drafts_own_name_is_not_the_published_offer_it_resembles() -> None:
    answer = ask_sample(ALBA, "when does the dia del padre sale start")
    assert answer.text.startswith("I don't know that one; please ask")
    assert "Mother's Day" not in answer.text
    published = ask_sample(ALBA, "when does the dia de la madre sale end")
    assert published.text == "The Mother's Day Fragrance Sale ends at 20:00 on Monday 10 May."


def test_a_capitalised_brand_is_never_a_cue_word_one_letter_off() -> None:
    answer = ask_sample(ALBA, "Is Chanel No 5 in the Mother's Day sale?")
    assert "please ask" in answer.text
    assert "changed" not in answer.text
    glued = ask_sample(FOLHA, "Two memorials, and N-BIC, CH-ATLUS, What's Nertotals?")
    assert glued.text.startswith("2 Memorial do Convento and 1 Children's Picture Atlas come to")


def test_a_category_heard_as_an_offer_name_is_the_category() -> None:
    answer = ask_sample(ALBA, "how much are the splashes")
    assert answer.text.startswith(
        "The Esmeralda Body Mist is 69000 Colombian pesos; the Coco Caribe Body Mist is 59000"
        " Colombian pesos; the Guayaba Rosa Body Mist is 64000 Colombian pesos."
    )
    offer = ask_sample(ALBA, "Is the men's cologne they still on?")  # no price asked
    assert offer.text == "No, the Men's Cologne Days ended on Sunday 2 May."


def test_one_of_each_of_a_category_is_a_basket_of_its_products() -> None:
    answer = ask_sample(ALBA, "one of each body mist in antigua, total")
    assert answer.text.startswith(
        "At Antigua Calle del Arco, 1 Esmeralda Body Mist, 1 Coco Caribe Body Mist and 1"
        " Guayaba Rosa Body Mist come to 249.80 quetzales, down from 364.70 quetzales."
    )


def test_how_much_members_get_off_asks_the_rate() -> None:
    answer = ask_sample(ALBA, "How much do members get off women's fragrance?")
    assert answer.text.startswith("Women's fragrance is 20 percent off")
    assert "Members get 25 percent off instead" in answer.text


def test_which_stores_names_the_store_its_regions_hold_that_it_leaves_out() -> None:
    answer = ask_sample(ALBA, "Which stores have the candle offer?")
    assert answer.text == (
        "The Guatemala Mother's Day Candles runs only at Ciudad de Guatemala Zona Viva,"
        " Antigua Calle del Arco and Quetzaltenango Parque Central, not at Ciudad de"
        " Guatemala Oakland."
    )


def test_a_change_question_naming_an_item_says_the_note_that_names_it() -> None:
    answer = ask_sample(ALBA, "did the esmeralda mist used to be in the mist deal")
    assert answer.text.endswith(
        "The Esmeralda Body Mist now counts too, beside the Coco Caribe and the Guayaba Rosa."
    )


def test_a_whatsapp_and_a_desk_named_whole_are_contact_questions() -> None:
    whatsapp = ask_sample(ALBA, "what's luis fernando's whatsapp")
    assert "WhatsApp +502 5555 0142" in whatsapp.text
    desk = ask_sample(ALBA, "what's the promotions desk email")
    assert desk.text.startswith("You can reach the Alba Promotions Desk")


def test_a_stores_opening_hours_are_not_known() -> None:
    answer = ask_sample(ALBA, "what time does the andino store open on mother's day")
    assert answer.text.startswith("I don't know that one; please ask")
    dates = ask_sample(ALBA, "what time does the mother's day sale end")
    assert dates.text == "The Mother's Day Fragrance Sale ends at 20:00 on Monday 10 May."


def test_a_whole_name_of_four_words_heard_loosely_is_that_product() -> None:
    answer = ask_sample(ALBA, "how much is the esmerelda eau de parfum")
    assert answer.text.startswith(
        "The Esmeralda Eau de Parfum is 311200 Colombian pesos with Mother's Day Fragrance Sale"
    )
    assert answer.detail["products"] == ["EDP-ESM"]
    small_words = ask_sample(ALBA, "Is it all of your own in the Mother's Day?")
    assert "Madre Querida" not in small_words.text  # "the mother s day" is no gift set
