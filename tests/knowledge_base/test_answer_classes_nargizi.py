"""Classes of misses found on Nargizi Flowers, measured unseen once.

"When was <offer> published / announced?" asks when its current version came out: the
version and its publication date, and an offer never revised says the date it was published.
"""

from __future__ import annotations

from kb_helpers import ask_at, sample_answerer

from knowledge_base.answering import Answer

DEMHUIS = ("demhuis-tea", "AMS-JOR", "2028-10-27T11:00")
ADEGA = ("adega-atlantica", "LIS-01", "2027-10-28T11:00")


def _ask(chain: tuple[str, str, str], text: str, store: str | None = None) -> Answer:
    name, default_store, at = chain
    return ask_at(sample_answerer(name), text, store or default_store, at)


def test_when_an_offer_was_published_is_its_versions_publication_day() -> None:
    answer = _ask(DEMHUIS, "when was the brew gear spend and save published")
    assert "In version 2 of the Brew Gear Spend and Save, published on Tuesday 24 October" in (
        answer.text
    )
    answer = _ask(ADEGA, "when was the port fortnight announced")
    assert answer.text.startswith(
        "The Port and Madeira Fortnight has not changed since it was published on Monday 11 October"
    )
