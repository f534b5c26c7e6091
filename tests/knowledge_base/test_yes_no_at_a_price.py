"""A yes-or-no question that says "at the sale price" asks the chain's FAQ, not a price.

"Can a restaurant buy a case of butter at the sale price?" was answered with the butter's
price, because any question naming a product and a price word was priced before an FAQ was
looked for. The chain's FAQ worded like it ("Can a restaurant owner buy a case of butter at
the sale price?") says no: 2 per customer, businesses included.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "said"),
    [
        (
            "marche-boreal",
            "MTL-01",
            "2027-03-12T10:00",
            "Can a restaurant buy a case of butter at the sale price?",
            "No, the limit is 2 per customer at 3.99, businesses included",
        ),
        (
            "loonwood-home",
            "TOR-01",
            "2027-01-21T11:00",
            "Can a customer special order the Oslo in another fabric at the sale price?",
            "Yes, special orders placed before Sunday 31 January get the Sofa Event price",
        ),
    ],
)
def test_the_faq_worded_like_the_question_answers_it(
    chain: str, store: str, at: str, question: str, said: str
) -> None:
    assert ask_at(sample_answerer(chain), question, store, at).text.startswith(said)


def test_a_price_asked_is_still_a_price() -> None:
    answer = ask_at(
        sample_answerer("marche-boreal"),
        "what's the sale price of the butter",
        "MTL-01",
        "2027-03-12T10:00",
    )

    assert "3.99 Canadian dollars" in answer.text
