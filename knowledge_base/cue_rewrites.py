"""Everyday phrases read as what they ask before cue words are looked for.

"Is the X still on sale?" asks whether the item is still discounted, not when an offer ends;
"join at the till" names the checkout, not "until"; "what will the X be in <offer>" asks its
price then.
"""

from __future__ import annotations

import re

_REWRITES = (
    (re.compile(r" still on (?:sale|offer|special|promotion|discount)s? "), " still discounted "),
    (re.compile(r" (the|a|any|our|every) tills? "), r" \1 checkout "),
    # "how much do members get off X?" asks the rate, as "how much off is X?" does.
    (
        re.compile(r" how much (?:do|does|did|will|would|can) ((?:\S+ ){1,3}?)get off "),
        r" how much off \1get ",
    ),
    # "was the X different before?" asks what its new version changed.
    (re.compile(r" different (?:before|at first) "), " changed "),
    (
        re.compile(
            r" what (will|would) (?!(?:the |an? )?(?:discount|offer|deal|sale|promotion|rule|"
            r"percent|saving|limit|date|end|start)s? )((?:\S+ ){1,5}?)be "
        ),
        r" how much \1 \2be ",
    ),
)


def read_as_asked(joined: str) -> str:
    """``joined`` (words between spaces) with its everyday phrases read as what they ask."""
    for pattern, replacement in _REWRITES:
        joined = pattern.sub(replacement, joined)
    return joined
