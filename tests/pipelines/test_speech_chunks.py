"""The first sentence of an answer is spoken in pieces, so the clerk hears it sooner."""

from __future__ import annotations

import pytest

from pipelines.speech_chunks import first_sentence_pieces, split_lead_in


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
            ["The AX-200 is 719.20 yuan,", "down from 899 yuan."],
        ),
        (
            "The RN-300 is 20 percent off in the Weekend Running Offer.",
            ["The RN-300 is 20 percent off", "in the Weekend Running Offer."],
        ),
        (
            "Yes, the SK-3P is in the Socks 3 for 2: buy 2, get the cheapest 1 free.",
            ["Yes,", "the SK-3P is", "in the Socks 3 for 2: buy 2, get the cheapest 1 free."],
        ),
    ],
)
def test_a_long_first_sentence_is_cut_after_its_first_phrase(
    sentence: str, pieces: list[str]
) -> None:
    assert first_sentence_pieces(sentence) == pieces
    assert " ".join(pieces) == sentence  # nothing is lost or reworded


@pytest.mark.parametrize(
    "sentence",
    [
        "The offer ends on Sunday 29 November.",  # short: nothing to gain
        "Yes, the AX-200 is 20 percent off.",
        "In version 2 of the Weekend Running Offer, the discount went up to 20 percent.",
        "AX-200 在周末跑步优惠里，打八折，会员再减百分之五。",  # no spaces between words
    ],
)
def test_a_sentence_without_a_phrase_to_cut_off_is_spoken_whole_after_its_lead_in(
    sentence: str,
) -> None:
    assert " ".join(first_sentence_pieces(sentence)) == sentence
    assert len(first_sentence_pieces(sentence)) == len(split_lead_in(sentence))
