""" "Still" about a category points back to the offer on it that ended.

"Are sneakers still 30 percent off?", when the sale everyone had on sneakers has ended and
only a members' extra or a spend threshold runs on them now, opens with the sale that ended,
then says what runs now, as the same question about one product does. Without "still" the
running offer is the answer, as before.
"""

from __future__ import annotations

from kb_helpers import ask_sample, sample_chain

STRIDES = sample_chain("little-strides")
RENDEZVOUS = sample_chain("rendezvous-denim")


def test_still_about_a_category_opens_with_the_offer_that_ended_then_what_runs() -> None:
    answer = ask_sample(STRIDES, "are sneakers still 30 percent off")
    assert answer.text.startswith(
        "No, the Boxing Day Sneaker Sale ended on Friday 31 December 2027. Sneakers are in the"
        " Strides Club Extra"
    ), answer.text
    assert answer.promotion_ids[:2] == ["boxing-day", "club-extra"]
    # A spend threshold running on the category is no continuation of a rate off either.
    jackets = ask_sample(RENDEZVOUS, "are jackets still 35 percent off")
    assert jackets.text.startswith("No, the Winter Warm-Up ended on Saturday 26 February."), (
        jackets.text
    )
    assert "Spend and Style" in jackets.text


def test_without_still_the_offer_running_on_the_category_is_the_answer() -> None:
    answer = ask_sample(STRIDES, "are sneakers on offer")
    assert answer.text.startswith("Yes, sneakers are in the Strides Club Extra"), answer.text
    assert answer.promotion_ids == ["club-extra"]
