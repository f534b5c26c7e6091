"""Classes of misses found on Demhuis Tea & Coffee, measured unseen once.

A plain price names the offer everyone gets on the item (a "3 for 2"), never a members'
extra as its offer; a members' extra alone is a note after the price, not the answer's
subject. Each is checked on questions the fixtures do not hold, on other chains where the
class reaches them.
"""

from __future__ import annotations

from kb_helpers import ask_at, sample_answerer

from knowledge_base.answering import Answer

MARCHE = ("marche-boreal", "MTL-01", "2027-03-12T10:00")
KILAT = ("kilat-sneakers", "JKT-01", "2027-11-17T15:00")


def _ask(chain: tuple[str, str, str], text: str, store: str | None = None) -> Answer:
    name, default_store, at = chain
    return ask_at(sample_answerer(name), text, store or default_store, at)


def test_a_plain_price_names_the_offer_for_everyone_before_a_members_extra() -> None:
    answer = _ask(MARCHE, "olive oil, how much for one")
    assert "14.99" in answer.text
    assert answer.promotion_ids[:1] == ["pantry-3for2"]
    basket = _ask(MARCHE, "two olive oils, what do they come to")
    assert "29.98" in basket.text and basket.promotion_ids[:1] == ["pantry-3for2"]


def test_a_members_extra_alone_is_a_note_after_the_price_not_the_subject() -> None:
    answer = _ask(KILAT, "how much is the Kilat x Batik Limited")
    assert "2999000" in answer.text and "members save another 10 percent" in answer.text
    assert "2699100" not in answer.text
    assert answer.promotion_ids == []
