"""Offer and price words a recogniser writes as a same-sounding word ("sail", "prize").

"In the sail" is "in the sale", "the member prize" is "the member price". Only words the
knowledge base never uses are read back: a chain that sells sails keeps them.
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

    return _HEARD.sub(back, text)
