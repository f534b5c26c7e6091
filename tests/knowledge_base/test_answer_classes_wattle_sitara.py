"""Classes of answers found missing on Wattle Sleep and Sitara Jewels, each shown as a rule.

Both chains were measured unseen first (``docs/BENCHMARKS.md``); from then on they are
development chains. Each rule here holds on a second chain too (Arrullo Baby, Loonwood Home
or Northbound Sports).
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

WATTLE_AT = "2027-04-01T11:00"
"""Thursday 1 April 2027: the Wattle Rest Members' Week (members only) is on."""
ARRULLO_AT = "2027-03-11T11:00"
"""Thursday 11 March 2027: the Arrullo Club Days (members only) are on."""


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "offer"),
    [
        (
            "wattle-sleep",
            "SYD-01",
            WATTLE_AT,
            "are sheets on sale for non members",
            "Members' Week",
        ),
        (
            "wattle-sleep",
            "SYD-01",
            WATTLE_AT,
            "is the french flax sheet set discounted for a non member",
            "Members' Week",
        ),
        (
            "arrullo-baby",
            "CDMX-01",
            ARRULLO_AT,
            "is the high chair on sale for someone who is not a member",
            "Club Days",
        ),
    ],
)
def test_a_members_only_offer_is_no_offer_for_a_non_member(
    chain: str, store: str, at: str, question: str, offer: str
) -> None:
    answer = ask_at(sample_answerer(chain), question, store, at).text
    assert answer.startswith("No, not for non-members. ")
    assert offer in answer  # what a member would get, said after


@pytest.mark.parametrize(
    ("chain", "store", "at", "question"),
    [
        ("wattle-sleep", "SYD-01", WATTLE_AT, "are pillows on sale for non members"),
        ("wattle-sleep", "SYD-01", WATTLE_AT, "are sheets on sale for members"),
    ],
)
def test_an_offer_for_everyone_or_a_members_question_is_still_a_yes(
    chain: str, store: str, at: str, question: str
) -> None:
    assert ask_at(sample_answerer(chain), question, store, at).text.startswith("Yes, ")


SITARA_AT = "2027-10-21T11:00"
"""Thursday 21 October 2027: the Wedding Season Offer starts on Monday 8 November."""


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "price"),
    [
        (
            "sitara-jewels",
            "MUM-01",
            SITARA_AT,
            "what will the tara ring be in the shaadi offer",
            "173880 rupees",
        ),
        (
            "arrullo-baby",
            "CDMX-01",
            ARRULLO_AT,
            "what would the paseo stroller be in stroller week",
            "5949.15 Mexican pesos",
        ),
    ],
)
def test_what_an_item_will_be_in_an_offer_to_come_is_its_price_then(
    chain: str, store: str, at: str, question: str, price: str
) -> None:
    assert price in ask_at(sample_answerer(chain), question, store, at).text


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "starts"),
    [
        ("sitara-jewels", "MUM-01", SITARA_AT, "Is the wedding offer on now?", "Monday 8 November"),
        ("arrullo-baby", "CDMX-01", ARRULLO_AT, "is stroller week on now?", "Monday 22 March"),
    ],
)
def test_whether_an_offer_to_come_is_on_is_not_yet_and_its_start(
    chain: str, store: str, at: str, question: str, starts: str
) -> None:
    answer = ask_at(sample_answerer(chain), question, store, at).text
    assert answer.startswith("Not yet: ")
    assert starts in answer


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "said"),
    [
        (
            "sitara-jewels",
            "MUM-01",
            "2027-10-21T11:00",
            "is the lakshmi coin in the making charge offer",
            "No, the Lakshmi 10g Gold Coin is not in the Gold Making Charge Offer: it is excluded."
            " It stays at 71200 rupees.",
        ),
        (
            "loonwood-home",
            "TOR-01",
            "2027-01-21T11:00",
            "Is the Atelier Bouclé Sofa in the sofa event?",
            "No, the Atelier Bouclé Sofa is not in the Great Canadian Sofa Event: it is excluded."
            " It stays at 1899 Canadian dollars.",
        ),
    ],
)
def test_an_item_left_out_of_the_offer_named_keeps_its_price_and_says_it(
    chain: str, store: str, at: str, question: str, said: str
) -> None:
    assert ask_at(sample_answerer(chain), question, store, at).text == said


def test_an_item_left_out_of_the_offer_named_but_priced_by_another_gives_no_shelf_price() -> None:
    """The Blade Pro is in the Puck Drop Frenzy, not the members' weekend: its shelf price would
    be a wrong figure, so the answer stays about the offer named."""
    answer = ask_at(
        sample_answerer("northbound-sports"),
        "How much off is the Blade Pro in the members weekend?",
        "TOR-01",
        "2026-10-31T14:00",
    ).text
    assert answer == "No, the HK-STK1 is not in the Rewards Members Weekend."


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "said"),
    [
        (
            "wattle-sleep",
            "SYD-01",
            WATTLE_AT,
            "mallee dresser on sale now?",
            "Not yet: the Mallee Six-Drawer Dresser is 20 percent off from Monday 12 April. That"
            " is the Bedroom Furniture Week; until then it is 949 Australian dollars.",
        ),
        (
            "loonwood-home",
            "TOR-01",
            "2027-01-21T11:00",
            "Is the Banff recliner on sale now?",
            "Not yet: the Banff Power Recliner is 30 percent off from Saturday 23 January. That"
            " is the Great Canadian Sofa Event; until then it is 999 Canadian dollars.",
        ),
    ],
)
def test_an_item_asked_about_now_before_its_offer_says_what_it_costs_until_then(
    chain: str, store: str, at: str, question: str, said: str
) -> None:
    assert ask_at(sample_answerer(chain), question, store, at).text == said
