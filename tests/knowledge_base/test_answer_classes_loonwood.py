"""Classes of answers found missing on the Loonwood Home chain, each shown as a rule.

Loonwood Home became a development chain after it was measured unseen. Each rule here is
one class of behaviour that must hold on any chain, worded differently from the chains'
question sets and shown again on a second chain (Kupferhof Kitchen).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT

from knowledge_base.answering import Answer, AnswerSource, Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base

SAMPLES = Path(__file__).resolve().parents[2] / "knowledge_base" / "samples"
LOONWOOD_AT = "2027-01-21T11:00"
"""Thursday 21 January 2027: the Great Canadian Sofa Event (20 percent, not at Québec
Saint-Roch), the Sleep Well Mattress Event (every store) and the Cushion and Throw 3 for 2
(no per-customer limit) are on."""
KUPFERHOF_AT = "2027-01-14T11:00"
"""Thursday 14 January 2027: Pan Days (two pans per customer, every store) are on."""


def _answerer(chain: str) -> GroundedAnswerer:
    return GroundedAnswerer(
        knowledge=load_knowledge_base(SAMPLES / chain), default_contact=DEFAULT_CONTACT
    )


@pytest.fixture(scope="module")
def chains() -> dict[str, GroundedAnswerer]:
    return {chain: _answerer(chain) for chain in ("loonwood-home", "kupferhof-kitchen")}


def _ask(answerer: GroundedAnswerer, text: str, store: str, at: str) -> Answer:
    zone = answerer._kb.zone(store)  # noqa: SLF001 - the chain's own zone for a local time
    asked = datetime.fromisoformat(at).replace(tzinfo=zone)
    return answerer.answer_now(Question(text=text, store_id=store, asked_at=asked))


LOONWOOD = ("loonwood-home", "TOR-01", LOONWOOD_AT)
KUPFERHOF = ("kupferhof-kitchen", "ZRH-01", KUPFERHOF_AT)


# --- what promotion files never hold: taxes, price matching, delivery, an unknown model -------


@pytest.mark.parametrize(
    ("where", "text"),
    [
        (LOONWOOD, "what's the Laurentian with GST"),
        (KUPFERHOF, "is the PN-28 price with VAT"),
        (LOONWOOD, "do we match a competitor's price on mattresses"),
        (LOONWOOD, "when will the Oslo be delivered"),
        (LOONWOOD, "is the Whistler corner sofa in the sofa event"),
        (KUPFERHOF, "is the Fissler Pro pan in pan days"),
    ],
)
def test_what_the_files_do_not_hold_is_not_answered_with_an_offer(
    where: tuple[str, str, str], text: str, chains: dict[str, GroundedAnswerer]
) -> None:
    chain, store, at = where
    answer = _ask(chains[chain], text, store, at)
    assert answer.source is AnswerSource.UNKNOWN, answer.text
    assert "please ask" in answer.text


# --- a person asked for by name ------------------------------------------------------------------


def test_a_contact_asked_for_by_name_gets_their_details(
    chains: dict[str, GroundedAnswerer],
) -> None:
    answer = _ask(chains["loonwood-home"], "what's Jordan's phone number", "HFX-01", LOONWOOD_AT)
    assert answer.text == (
        "You can reach Jordan MacLeod, West and Atlantic promotions, phone +1 902 555 0147."
    )


def test_a_contact_reached_by_full_name_on_another_chain(
    chains: dict[str, GroundedAnswerer],
) -> None:
    answer = _ask(
        chains["kupferhof-kitchen"], "how do I reach lukas gruber", "ZRH-01", KUPFERHOF_AT
    )
    assert answer.text.startswith("You can reach Lukas Gruber"), answer.text


# --- "how many can a customer get" asks the limit ---------------------------------------------


def test_how_many_a_customer_gets_is_the_limit(chains: dict[str, GroundedAnswerer]) -> None:
    answer = _ask(
        chains["kupferhof-kitchen"],
        "How many pans can one customer get in pan days?",
        "ZRH-01",
        KUPFERHOF_AT,
    )
    assert "up to 2 pans" in answer.text, answer.text


def test_an_offer_without_a_limit_says_so(chains: dict[str, GroundedAnswerer]) -> None:
    answer = _ask(
        chains["loonwood-home"], "how many throws can a customer get in the 3 for 2", *LOONWOOD[1:]
    )
    assert answer.text.startswith("There is no limit per customer"), answer.text


# --- "in every store" asks where an offer runs ------------------------------------------------


@pytest.mark.parametrize(
    ("where", "text", "said"),
    [
        (KUPFERHOF, "are pan days on in every store", "The Pan Days runs at every store."),
        (
            LOONWOOD,
            "is the sofa event at every store",
            "The Great Canadian Sofa Event runs at every store but Québec Saint-Roch.",
        ),
    ],
)
def test_in_every_store_is_answered_with_the_stores(
    where: tuple[str, str, str], text: str, said: str, chains: dict[str, GroundedAnswerer]
) -> None:
    chain, store, at = where
    assert _ask(chains[chain], text, store, at).text == said


# --- paying with a discount channel is a channel question ---------------------------------------


def test_paying_with_a_channel_is_asked_about_the_channel(
    chains: dict[str, GroundedAnswerer],
) -> None:
    answer = _ask(
        chains["kupferhof-kitchen"],
        "can a customer pay for the PN-28 with a voucher in pan days",
        "ZRH-01",
        KUPFERHOF_AT,
    )
    assert "vouchers" in answer.text, answer.text
    assert "69 Swiss francs" not in answer.text


def test_how_much_with_a_channel_is_still_a_price(chains: dict[str, GroundedAnswerer]) -> None:
    answer = _ask(chains["loonwood-home"], "how much is the oslo with a gift card", *LOONWOOD[1:])
    assert "1039.20 Canadian dollars" in answer.text, answer.text
