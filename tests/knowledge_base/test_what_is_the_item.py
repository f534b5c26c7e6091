""" "What's the <item> (in <store>)?" asks what the item is at there, not the offer's outline.

"What's the slicker brush in Seattle?" was answered "Yes, the Spring Shedding Event runs at
Seattle Ballard: 20 percent off, ...", read as "what's the offer?"; the clerk wants the
brush's price at that store.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "said"),
    [
        (
            "timberpaw-pets",
            "TOR-01",
            "2026-03-06T10:30",
            "What's the slicker brush in Seattle?",
            "At Seattle Ballard, the Slicker Brush is 15.99 US dollars, down from 19.99",
        ),
        (
            "cairnfell-outdoor",
            "KES-01",
            "2026-10-22T10:30",
            "what's the stormline in kill army",
            "At Killarney New Street, the Stormline Waterproof Jacket is 157.50 euros",
        ),
    ],
)
def test_the_item_is_priced_at_the_store_named(
    chain: str, store: str, at: str, question: str, said: str
) -> None:
    assert ask_at(sample_answerer(chain), question, store, at).text.startswith(said)


def test_what_is_the_offer_still_outlines_the_offer() -> None:
    answer = ask_at(
        sample_answerer("timberpaw-pets"),
        "what's the spring shedding event",
        "TOR-01",
        "2026-03-06T10:30",
    )

    assert "20 percent" in answer.text
