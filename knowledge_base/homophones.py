"""Offer and price words a recogniser writes as a same-sounding word ("sail", "prize", "4").

"In the sail" is "in the sale", "the member prize" is "the member price". Only words the
knowledge base never uses are read back: a chain that sells sails keeps them. A "for"
between two small numbers is written as a 4 ("the strings 3-4-2"): "3 for 2".
"""

from __future__ import annotations

import re

HEARD_FOR = {"sail": "sale", "sails": "sales", "prize": "price", "prizes": "prices"}
"""Heard word -> the offer word it sounds the same as."""

_HEARD = re.compile(r"\b(" + "|".join(HEARD_FOR) + r")\b", re.IGNORECASE)


def heard_as_offer_words(text: str, vocabulary: frozenset[str] | None) -> str:
    """``text`` with each same-sounding word for an offer word the chain never uses replaced."""

    def back(match: re.Match[str]) -> str:
        word = match.group(1).lower()
        if vocabulary is not None and word in vocabulary:
            return match.group(1)
        return HEARD_FOR[word]

    return _N_FOR_M.sub(r"\1 for \2", _HEARD.sub(back, text))


_N_FOR_M = re.compile(r"(?<![\w.-])([1-9])[ -]+4[ -]+([1-9])(?![\w.-])")
"""A "3 for 2" offer's name with its "for" heard as a 4 ("3-4-2", "3 4 2")."""
