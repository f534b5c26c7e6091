"""Classes of misheard speech the answerer must read through, each on a chain's own files.

Found by re-asking what Whisper tiny.en wrote for recorded questions (``bench answers
--heard``). Each rule holds on any chain; the wordings here are written for these tests, not
taken from a chain's question set or its transcripts.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

from knowledge_base import catalogue_lookup
from knowledge_base.answering import AnswerSource
from knowledge_base.grounded import GroundedAnswerer

SAMPLE_AT = "2026-11-28T15:00"
"""Saturday 28 November in the sample chain: the Weekend Running Offer is on."""


@pytest.fixture(scope="module")
def sample() -> GroundedAnswerer:
    return sample_answerer()


@pytest.fixture(scope="module")
def andina() -> GroundedAnswerer:
    return sample_answerer("andina-pharmacy")


@pytest.fixture(scope="module")
def lumiere() -> GroundedAnswerer:
    return sample_answerer("lumiere-beauty")


@pytest.fixture(scope="module")
def nordhage() -> GroundedAnswerer:
    return sample_answerer("nordhage-garden")


ANDINA_AT = "2026-12-10T15:00"
"""Thursday 10 December: Club Andina Week (members 6 soles off a vitamin in Peru) is on."""


@pytest.mark.parametrize(
    "heard", ["Klub Andeena price on the vitamin D?", "Club and Deena price for vitamin D"]
)
def test_the_membership_name_heard_imperfectly_before_price_asks_the_member_price(
    andina: GroundedAnswerer, heard: str
) -> None:
    answer = ask_at(andina, heard, "LIM-02", ANDINA_AT)
    assert answer.source is AnswerSource.GROUNDED
    assert "member" in answer.text.lower()
    assert "33.90" in answer.text


def test_words_before_price_that_only_look_like_the_membership_ask_the_shelf_price(
    andina: GroundedAnswerer,
) -> None:
    answer = ask_at(andina, "What's the best price on the vitamin D?", "LIM-02", ANDINA_AT)
    assert "for a member" not in answer.text.lower()
    assert answer.text.startswith("The VT-D3 is 39.90 soles")


def test_price_heard_as_prize_still_asks_a_price(andina: GroundedAnswerer) -> None:
    """ "Member" heard as "remember" is read back only before a price word; "prize" is one."""
    answer = ask_at(andina, "Remember prize on the vitamin D?", "LIM-02", ANDINA_AT)
    assert "33.90" in answer.text


@pytest.mark.parametrize(
    ("heard", "store", "name"),
    [
        ("Is summer sun care on in Santiago Los Condez?", "SCL-02", "Santiago Las Condes"),
        ("Is summer sun care on in Santiago Providensia?", "SCL-01", "Santiago Providencia"),
    ],
)
def test_a_city_of_several_stores_followed_by_the_rest_of_one_name_heard_loosely_is_that_store(
    andina: GroundedAnswerer, heard: str, store: str, name: str
) -> None:
    answer = ask_at(andina, heard, "LIM-01", ANDINA_AT)
    assert answer.detail["store_id"] == store
    assert name in answer.text


def test_a_city_of_several_stores_followed_by_words_of_no_store_is_not_narrowed(
    lumiere: GroundedAnswerer,
) -> None:
    """The words after "London" continue neither of its two stores: nothing is guessed."""
    reading = catalogue_lookup.catalogue_matcher(lumiere._kb).mentions(
        "Is anything on in London after lunch?"
    )  # noqa: SLF001
    assert {m.key for m in reading if m.kind == "store"} == {"LON-01", "LON-02"}


def test_a_misheard_place_that_reads_as_a_plural_is_asked_about_not_answered_for_here(
    sample: GroundedAnswerer,
) -> None:
    """ "in Carlos" names no store; read as a search term it is "carlo", and it still counts
    as a place that was said and not recognised, so the clerk's own store is not assumed."""
    answer = ask_at(sample, "Is the weekend running offer on in Carlos?", "SH-01", SAMPLE_AT)
    assert answer.source is AnswerSource.CLARIFY
    assert answer.text == "Which store do you mean?"


NORDHAGE_AT = "2026-12-05T11:00"
"""Saturday 5 December: Christmas Plants 3 for 2 and Christmas Tree Days are on."""


@pytest.mark.parametrize(
    ("heard", "units"),
    [
        ("Free poinsettias, how much?", "3 Poinsettia 12 cm"),
        ("How much for do big trees?", "2 XT-NF180"),
        ("Poor poinsettias, what's the total?", "4 Poinsettia 12 cm"),
    ],
)
def test_a_count_heard_as_a_like_sounding_word_before_a_plural_name_is_that_count(
    nordhage: GroundedAnswerer, heard: str, units: str
) -> None:
    answer = ask_at(nordhage, heard, "OSL-01", NORDHAGE_AT)
    assert answer.text.startswith(f"{units} come to")


def test_do_asking_a_question_is_no_count(nordhage: GroundedAnswerer) -> None:
    answer = ask_at(nordhage, "Do poinsettias count for the 3 for 2?", "OSL-01", NORDHAGE_AT)
    assert answer.text.startswith("Yes, the Poinsettia 12 cm is in the Christmas Plants 3 for 2")
    price = ask_at(nordhage, "What do the big trees cost?", "OSL-01", NORDHAGE_AT)
    assert price.text.startswith("The XT-NF180 is 499")


def test_a_word_two_products_resemble_equally_names_neither_of_them(
    andina: GroundedAnswerer,
) -> None:
    """ "Vitamin" is as near the vitamin C as the vitamin D: the answer is for the vitamins,
    never one of them guessed (a wrong product is worse than a broader answer)."""
    answer = ask_at(andina, "What's the vitamin B going for?", "LIM-01", ANDINA_AT)
    assert "VT-C1000" not in answer.text
    assert answer.detail["products"] == []
    assert "Vitamin C 1000 mg" in answer.text and "Vitamin D3 Drops" in answer.text


@pytest.mark.parametrize(
    "heard", ["Is the poinsettia in the 3 4 2?", "Is the poinsettia in the 3-4-2?"]
)
def test_a_three_for_two_heard_with_a_four_names_that_offer(
    nordhage: GroundedAnswerer, heard: str
) -> None:
    answer = ask_at(nordhage, heard, "OSL-01", NORDHAGE_AT)
    assert answer.promotion_ids[:1] == ["plants-3for2"]
    assert answer.text.startswith("Yes, the Poinsettia 12 cm is in the Christmas Plants 3 for 2")


def test_a_place_written_letter_by_letter_is_one_place_said_and_not_recognised(
    sample: GroundedAnswerer,
) -> None:
    """ "in K-R-A-K-O-W" names no store of the chain: ask which store, as for a misheard name."""
    answer = ask_at(sample, "What does the AX-200 cost in K-R-A-K-O-W?", "SH-01", SAMPLE_AT)
    assert answer.source is AnswerSource.CLARIFY


def test_a_product_named_in_part_then_the_rest_misheard_is_that_product() -> None:
    """ "Knife Block" is an alias of the Knife Block Set; "Sett" after it is the rest of the
    name heard imperfectly, not another model the chain does not sell."""
    hearth = sample_answerer("hearth")
    answer = ask_at(hearth, "How much is the Knife Block Sett?", "LON-01", "2026-11-20T14:00")
    assert answer.text.startswith("The KB-600 is 219 pounds")


def test_a_product_named_in_part_then_another_model_name_is_not_grown_into_it() -> None:
    """ "Slicker" is an alias of the Slicker Brush; "Slicker Pro" is no misheard Brush."""
    timberpaw = sample_answerer("timberpaw-pets")
    reading = catalogue_lookup.catalogue_matcher(timberpaw._kb).mentions(
        "Is the Slicker Pro on sale?"
    )  # noqa: SLF001
    assert [(m.key, m.heard) for m in reading] == [("GR-BRUSH", "slicker")]
    grown = catalogue_lookup.catalogue_matcher(timberpaw._kb).mentions(
        "Is the Slicker Rush on sale?"
    )  # noqa: SLF001
    assert [(m.key, m.heard) for m in grown] == [("GR-BRUSH", "slicker rush")]


def test_total_run_together_with_the_words_before_it_still_asks_a_total() -> None:
    hearth = sample_answerer("hearth")
    answer = ask_at(
        hearth, "A customer takes a kettle and a toaster, wotsatotel", "LON-01", "2026-11-20T14:00"
    )
    assert "come to" in answer.text
    assert answer.source is AnswerSource.GROUNDED


def test_a_word_ending_like_total_without_its_first_letter_is_no_total() -> None:
    from knowledge_base.cue_speller import CueSpeller

    speller = CueSpeller(frozenset({"total"}))
    assert speller.correct("watsmertotel") == "total"
    assert speller.correct("pivotal") is None


def test_free_first_or_after_buying_before_any_item_is_three(nordhage: GroundedAnswerer) -> None:
    """ "Three" heard as "free" before an item named in the singular: first in the question,
    or after "buys"; elsewhere "free" keeps its meaning."""
    first = ask_at(nordhage, "Free Red Lion amaryllis, how much?", "OSL-01", NORDHAGE_AT)
    assert first.text.startswith("3 Red Lion Amaryllis come to")
    bought = ask_at(nordhage, "A customer buys free poinsettia, total?", "OSL-01", NORDHAGE_AT)
    assert bought.text.startswith("3 Poinsettia 12 cm come to")
    gift = ask_at(
        nordhage, "Does a customer get free poinsettia with a tree?", "OSL-01", NORDHAGE_AT
    )
    assert not gift.text.startswith("3 ")


CAIRNFELL_AT = "2026-10-22T10:30"
"""Thursday 22 October: the Half-Term Trail Sale runs at every store but Betws-y-Coed."""


def test_a_word_like_one_inside_a_store_name_is_no_place_where_no_place_is_said() -> None:
    # "Garmin" sounds like "Grampian" of Aviemore Grampian Road, but nothing says a place.
    answer = ask_at(
        sample_answerer("cairnfell-outdoor"),
        "Are Garmin watches in the trail sale?",
        "KES-01",
        CAIRNFELL_AT,
    )
    assert "Aviemore" not in answer.text
    assert not any("AVI-01" in fact for fact in answer.facts)


@pytest.mark.parametrize(
    "heard", ["Is the Stormline on offer in Grampain?", "Stormline on offer at the Grampain store?"]
)
def test_a_word_like_one_inside_a_store_name_is_that_store_where_a_place_is_said(
    heard: str,
) -> None:
    answer = ask_at(sample_answerer("cairnfell-outdoor"), heard, "KES-01", CAIRNFELL_AT)
    assert "Aviemore Grampian Road" in answer.text
