"""Questions about what no promotion file holds: stock on the shelf, a store's opening hours.

"Do we have the night cream in stock?", "what time does the Andino store open?": the
knowledge base knows offers, not shelves or doors, so such a question is not known (and is
never answered with an offer's dates or terms it happens to name).
"""

from __future__ import annotations

_STOCK_PHRASES = (("in", "stock"), ("out", "of", "stock"), ("sold", "out"))


def asks_stock(words: list[str], named: set[int]) -> bool:
    """Whether the question asks about stock ("do we have the night cream in stock?").

    Promotion files never say what is on the shelf, even on a chain whose offer is called a
    "Stock-Up": words inside a name (``named``) do not count.
    """
    for phrase in _STOCK_PHRASES:
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if tuple(words[i : i + size]) == phrase and not named.intersection(range(i, i + size)):
                return True
    return False


_OPENING_WORDS = frozenset("open opens opening close closes closing".split())
_HOURS_WORDS = frozenset("time times hours".split())
_STORE_WORDS = frozenset("store stores shop shops kiosk branch mall".split())


def asks_opening_hours(words: list[str], store_named: bool) -> bool:
    """Whether the question asks when a store opens or closes ("what time does Andino open?").

    Promotion files hold no opening hours: an offer's dates are not when the doors open.
    A store must be named or said ("the store"), with an hour word ("what time", "hours").
    """
    said = set(words)
    store = store_named or bool(_STORE_WORDS & said)
    return store and bool(_OPENING_WORDS & said) and bool(_HOURS_WORDS & said)
