"""The first sentence of an answer is spoken in pieces, so the clerk hears it sooner."""

from __future__ import annotations

import pytest

from pipelines.speech_chunks import first_sentence_pieces, split_lead_in, spoken_length


def test_a_short_lead_in_is_spoken_on_its_own() -> None:
    assert split_lead_in("Yes, the AX-200 is 20 percent off this weekend.") == [
        "Yes,",
        "the AX-200 is 20 percent off this weekend.",
    ]
    assert split_lead_in("Not yet: the TR-900 is in the Double 12.") == [
        "Not yet:",
        "the TR-900 is in the Double 12.",
    ]
    assert split_lead_in("The offer ends on Sunday 29 November.") == [
        "The offer ends on Sunday 29 November."
    ]
    assert split_lead_in("Yes, it is.") == ["Yes, it is."]


@pytest.mark.parametrize(
    ("sentence", "pieces"),
    [
        (
            "For the Socks 3 for 2, call Maria Keller, merchandising, extension 3100.",
            ["For the Socks 3 for 2,", "call Maria Keller, merchandising, extension 3100."],
        ),
        (
            "The AX-200 is 719.20 yuan, down from 899 yuan.",
            ["The AX-200", "is 719.20 yuan,", "down from 899 yuan."],
        ),
        (
            "The RN-300 is 20 percent off in the Weekend Running Offer.",
            ["The RN-300", "is 20 percent off", "in the Weekend Running Offer."],
        ),
        (  # short to say: no cut before the verb
            "The offer is 20 percent off, members save another 5 percent.",
            ["The offer is 20 percent off,", "members save another 5 percent."],
        ),
        (  # a lead-in plays while what follows it renders
            "Yes, the RN-300 is 20 percent off in the Weekend Running Offer.",
            ["Yes,", "the RN-300 is 20 percent off", "in the Weekend Running Offer."],
        ),
        (
            "In version 2 of the Weekend Running Offer, the discount went up to 20 percent.",
            ["In version 2 of the Weekend Running Offer,", "the discount went up to 20 percent."],
        ),
        (
            "1 WB-310 and 1 WB-320 come to 2548 yuan, down from 2898 yuan.",
            ["1 WB-310", "and 1 WB-320 come to 2548 yuan, down from 2898 yuan."],
        ),
        (  # eight words, but numbers and codes are long to say
            "2 AX-200 come to 1366.48 yuan, down from 1798.",
            ["2 AX-200", "come to 1366.48 yuan,", "down from 1798."],
        ),
        (
            "Members of the Encore Club save another 5 percent, limit 2 pairs per customer.",
            ["Members of the Encore Club save another 5 percent,", "limit 2 pairs per customer."],
        ),
        (
            "Yes, the SK-3P is in the Socks 3 for 2: buy 2, get the cheapest 1 free.",
            ["Yes,", "the SK-3P is", "in the Socks 3 for 2: buy 2, get the cheapest 1 free."],
        ),
    ],
)
def test_a_long_first_sentence_is_cut_after_its_first_phrase_and_after_a_long_subject(
    sentence: str, pieces: list[str]
) -> None:
    assert first_sentence_pieces(sentence) == pieces
    assert " ".join(pieces) == sentence  # nothing is lost or reworded


@pytest.mark.parametrize(
    "sentence",
    [
        "The offer ends on Sunday 29 November.",  # short: nothing to gain
        "Yes, the AX-200 is 20 percent off.",
        "Members save another 5 percent over the weekend price.",  # no phrase boundary
        "AX-200 在周末跑步优惠里，打八折，会员再减百分之五。",  # no spaces between words
    ],
)
def test_a_sentence_without_a_phrase_to_cut_off_is_spoken_whole_after_its_lead_in(
    sentence: str,
) -> None:
    assert " ".join(first_sentence_pieces(sentence)) == sentence
    assert len(first_sentence_pieces(sentence)) == len(split_lead_in(sentence))


def test_a_number_or_a_code_counts_a_spoken_word_per_digit_and_capital_letter() -> None:
    assert spoken_length("1 WB-310".split()) == 6
    assert spoken_length("The AX-200-LE is 1299 yuan.".split()) == 14
    assert spoken_length("Yes, it is.".split()) == 3
