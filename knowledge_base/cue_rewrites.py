"""Everyday phrases read as what they ask before cue words are looked for.

"Is the X still on sale?" asks whether the item is still discounted, not when an offer ends;
"join at the till" names the checkout, not "until".
"""

from __future__ import annotations

import re

_REWRITES = (
    (re.compile(r" still on (?:sale|offer|special|promotion|discount)s? "), " still discounted "),
    (re.compile(r" (the|a|any|our|every) tills? "), r" \1 checkout "),
)


def read_as_asked(joined: str) -> str:
    """``joined`` (words between spaces) with its everyday phrases read as what they ask."""
    for pattern, replacement in _REWRITES:
        joined = pattern.sub(replacement, joined)
    return joined
