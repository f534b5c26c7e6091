"""Classes of misses found on Haneul Golf, measured unseen once.

An item whose own discount leaves out the store asked about (``exclude_stores``), where only
a spend threshold runs, is answered with that discount not running there and the shelf
price, then the spend threshold: never "yes" from the threshold alone.
An item a discount excludes (``exclude_skus``) is priced at its shelf price before a spend
threshold it reaches alone, and said to be excluded, also when asked for the member price.
An item asked with a spend threshold it reaches alone is priced with it, and with the item's
own discount that stacks on it: never the threshold's terms alone.
A name two products share ("Sora Tour": a driver and a ball dozen) said beside a word that
ends only one of their names ("two dozen Sora Tour") names that one.
The membership's own name heard loosely as a product ("Haneul Club" ~ "Haneul Cap") asks
the member price and adds no product.
A month said with a day number ("on 13 April") is a date, never a product heard loosely
nor a count.
"""

from __future__ import annotations

from kb_helpers import ask_sample, sample_chain

HANEUL = sample_chain("haneul-golf")


def test_an_item_at_a_store_its_discount_leaves_out_is_not_discounted_there() -> None:
    answer = ask_sample(HANEUL, "Is the Byeol driver on sale at Gangnam?")
    assert answer.text.startswith(
        "No, the Byeol 460 Driver is not discounted at Seoul Gangnam Fitting Studio:"
        " the Spring Tee-Off Sale does not run there, so it is 480000 Korean won."
    )
    assert "But it is in the Pro Shop Spend and Save" in answer.text
    assert answer.promotion_ids[0] == "spring-tee-off"
    here = ask_sample(HANEUL, "sora driver on offer here?", store="SEL-GNM")
    assert "690000 Korean won" in here.text
    assert "552000" not in here.text
    price = ask_sample(HANEUL, "How much is the Sora driver at the Gangnam Fitting Studio?")
    assert price.text.startswith(
        "The Sora Tour Driver is 690000 Korean won: the Spring Tee-Off Sale does not run at"
        " Seoul Gangnam Fitting Studio; with the Pro Shop Spend and Save, it comes to"
        " 620000 Korean won."
    )
    assert price.promotion_ids[0] == "spring-tee-off"


def test_an_excluded_item_is_at_its_shelf_price_before_a_spend_threshold() -> None:
    member = ask_sample(HANEUL, "member price on the titan limited")
    assert member.text.startswith(
        "For a member, the Sora Titan Limited Driver is 1290000 Korean won: it is excluded"
        " from the Spring Tee-Off Sale; with the Pro Shop Spend and Save, it comes to"
        " 1220000 Korean won."
    )
    assert member.promotion_ids[0] == "spring-tee-off"
    stated = ask_sample(HANEUL, "Do members get 25 percent on the Titan?")
    assert stated.text == (
        "No, the Sora Titan Limited Driver is not in the Spring Tee-Off Sale: it is excluded."
        " It stays at 1290000 Korean won."
    )


def test_an_item_asked_with_a_spend_threshold_is_priced_with_its_own_offer_too() -> None:
    answer = ask_sample(HANEUL, "one sora tour driver at siam square with the spend and save")
    assert answer.text.endswith(
        "It runs until Wednesday 30 April; with the Spring Tee-Off Sale too, it comes to"
        " 13520 Thai baht, down from 17900 Thai baht."
    )
    assert answer.detail["about_together"] == ["pro-shop-spend", "spring-tee-off"]
    alone = ask_sample(HANEUL, "stand bag in bangkok with the spend and save")
    assert alone.text.endswith(
        "; one on its own comes to 7700 Thai baht, down from 8500 Thai baht."
    )


def test_a_shared_name_beside_a_word_ending_one_of_its_products_names_that_one() -> None:
    answer = ask_sample(HANEUL, "2 dozen sora tour, total")
    assert answer.text.startswith("2 Sora Tour Ball Dozen come to 130000 Korean won.")
    assert answer.promotion_ids == ["ball-3-for-2"]
    mixed = ask_sample(HANEUL, "two dozen sora tour and one dozen sora soft")
    assert "Driver" not in mixed.text
    assert "130000 Korean won" in mixed.text
    bare = ask_sample(HANEUL, "Is the Sora Tour on offer?")
    assert bare.text.startswith("Which one do you mean")


def test_the_membership_name_heard_as_a_product_asks_the_member_price() -> None:
    answer = ask_sample(HANEUL, "Haneul Club price on the Byeol?")
    assert answer.text.startswith("For a member, the Byeol 460 Driver is 360000 Korean won")
    assert "Cap" not in answer.text


def test_a_month_with_a_day_number_is_a_date_not_a_product_or_count() -> None:
    answer = ask_sample(HANEUL, "three umbrellas on 13 April in Bangkok, how much?", "BKK-SKV")
    assert answer.text.startswith(
        "On Sunday 13 April, 3 Double Canopy Umbrella come to 3576 Thai baht"
    )
    assert "Rain Jacket" not in answer.text
