"""Whether a store or item is left out, asked as such: "is Napoli left out of Back to School?".

A yes to that question means the offer does not run there (or does not cover the item), the
opposite of a yes to "is it on in Napoli?". A question in the negative ("isn't it on in
Napoli?") is answered as the plain one is: "No, it does not run there".
"""

from __future__ import annotations

from knowledge_base.question_forms import asks_yes_no

_LEFT_OUT_ASKED = (" left out ", " excluded ", " leaving out ", " leave out ")


def asks_if_left_out(words: list[str]) -> bool:
    """A yes-or-no question whether a store or item is left out or excluded."""
    joined = " " + " ".join(words) + " "
    return asks_yes_no(words) and any(cue in joined for cue in _LEFT_OUT_ASKED)


def not_running(words: list[str], name: str, store: str) -> str:
    """The offer does not run at the store, said to the question asked.

    "Yes, <store> is left out" when asked if it is left out; "No, " opens the answer to any
    other yes-or-no question.
    """
    if asks_if_left_out(words):
        return f"Yes, {store} is left out: {name} does not run there"
    return f"{'No, ' if asks_yes_no(words) else ''}{name} does not run at {store}"


def in_offer_openers(words: list[str]) -> tuple[str, str]:
    """("Yes, ", "No, ") for "it is in the offer" and "it is not", said to the question asked.

    "Is the Greta left out of the sale?" is answered "No, the Greta is 30 percent off ...".
    """
    return ("No, ", "Yes, ") if asks_if_left_out(words) else ("Yes, ", "No, ")


def said_to_question(words: list[str], written_for: list[str], answer: str) -> str:
    """An ``answer`` written for the question ``written_for``, turned for ``words``.

    An FAQ's "Yes, ..." to "Is X in Y?" is "No, ..." to "Is X left out of Y?".
    """
    if not asks_if_left_out(words) or asks_if_left_out(written_for):
        return answer
    for said, meant in (("Yes, ", "No, "), ("No, ", "Yes, ")):
        if answer.startswith(said):
            return meant + answer.removeprefix(said)
    return answer
