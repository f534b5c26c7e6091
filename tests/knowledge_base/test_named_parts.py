"""A part of an offer named by its own name, asked about before it starts.

"Is the Calculator Weekend on yet?" two days before it is "Not yet", its days and terms; it
used to be "Yes, on Saturday 11 September, ... runs", an answer about Saturday to a question
about now. "Is the Pijama Weekend on (here)?" without "yet" asks about now as well; "will it
be on" and a question naming the day are still answered for that day. An item priced by such a
part is said to be so until the part ends, not until the whole offer does.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "starts"),
    [
        (
            "quaderno-stationery",
            "MI-01",
            "2027-09-09T11:00",
            "is the calculator weekend on yet",
            "Saturday 11 September",
        ),
        (
            "komorebi-drug",
            "TYO-01",
            "2026-12-10T11:00",
            "is the bath weekend on now?",
            "Saturday 12 December",
        ),
        (
            "arrullo-baby",
            "CDMX-01",
            "2027-03-11T11:00",
            "is the pijama weekend on here",
            "Saturday 13 March",
        ),
        (
            "klarsyn-optik",
            "CPH-01",
            "2027-02-10T11:00",
            "does the titanium weekend run here",
            "Friday 12 February",
        ),
    ],
)
def test_a_named_part_asked_about_now_before_it_starts_is_not_yet(
    chain: str, store: str, at: str, question: str, starts: str
) -> None:
    answer = ask_at(sample_answerer(chain), question, store, at).text
    assert answer.startswith("Not yet: ")
    assert starts in answer


def test_a_named_part_asked_about_at_a_named_store_before_it_starts_is_not_yet() -> None:
    answer = ask_at(
        sample_answerer("komorebi-drug"),
        "is the bath weekend on yet in osaka",
        "TYO-01",
        "2026-12-10T11:00",
    ).text
    assert answer.startswith("Not yet: at Osaka")
    assert "Saturday 12 December" in answer


def test_a_named_part_asked_about_on_its_day_is_answered_for_that_day() -> None:
    answer = ask_at(
        sample_answerer("quaderno-stationery"),
        "is the calculator weekend on saturday",
        "MI-01",
        "2027-09-09T11:00",
    ).text
    assert answer.startswith("Yes, on Saturday 11 September")


def test_a_named_part_asked_with_will_is_answered_for_its_first_day() -> None:
    answer = ask_at(
        sample_answerer("arrullo-baby"),
        "will the pijama weekend be on here",
        "CDMX-01",
        "2027-03-11T11:00",
    ).text
    assert answer.startswith("Yes, on Saturday 13 March")


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "part_ends", "offer_ends"),
    [
        (
            "arrullo-baby",
            "CDMX-01",
            "2027-03-11T11:00",
            "is the nube sleep sack in the pijama weekend",
            "Sunday 14 March",
            "21 March",
        ),
        (
            "arrullo-baby",
            "CDMX-01",
            "2027-03-13T11:00",
            "is the nube sleep sack on sale",
            "Sunday 14 March",
            "21 March",
        ),
        (
            "arrullo-baby",
            "CDMX-01",
            "2027-03-13T11:00",
            "are pajamas on sale",
            "Sunday 14 March",
            "21 March",
        ),
        (
            "loonwood-home",
            "TOR-01",
            "2027-01-23T11:00",
            "are recliners on sale",
            "Sunday 24 January",
            "31 January",
        ),
        (
            "loonwood-home",
            "TOR-01",
            "2027-01-20T11:00",
            "is the cabot recliner in the recliner weekend",
            "Sunday 24 January",
            "31 January",
        ),
    ],
)
def test_an_item_priced_by_a_named_part_is_so_until_the_part_ends(
    chain: str, store: str, at: str, question: str, part_ends: str, offer_ends: str
) -> None:
    answer = ask_at(sample_answerer(chain), question, store, at).text
    assert "30 percent off" in answer
    assert part_ends in answer
    assert offer_ends not in answer
