"""Classes of misses found on Adasa Camera & Photo, measured unseen once.

A total for an item only a spend threshold prices, its own sale leaving it (or the store)
out, is about the threshold that prices it; the sale that leaves it out is a note. Asked
"how much is" it, the sale that leaves it out stays the subject.
"""

from __future__ import annotations

from kb_helpers import ask_sample, sample_chain

ADASA = sample_chain("adasa-photo")
AIRPORT = "CAI-APT"


def test_a_total_left_out_of_its_sale_is_about_the_spend_threshold_that_prices_it() -> None:
    excluded = ask_sample(ADASA, "What's the total for a Z9 Pro?")
    assert "it is excluded from the White Friday Camera Sale" in excluded.text
    assert "it comes to 144999 Egyptian pounds" in excluded.text
    assert excluded.promotion_ids[0] == "gear-spend"
    kiosk = ask_sample(ADASA, "total for a z5 at the airport kiosk", AIRPORT)
    assert "does not run at Cairo Airport Kiosk" in kiosk.text
    assert "it comes to 49999 Egyptian pounds" in kiosk.text
    assert kiosk.promotion_ids[0] == "gear-spend"
    asked_price = ask_sample(ADASA, "How much is the Z9 Pro?")
    assert asked_price.promotion_ids[0] == "white-friday"
