"""An item said in a list that matched nothing: "Taino and Astuccio" (Zaino misheard).

Priced without it, the answer would be for the Astuccio alone: a price for something else
than was asked. The word beside "and" that no text of the chain uses, next to an item the
question does name, is the item that could not be placed; the answerer asks which it is.
"""

from __future__ import annotations

from knowledge_base.parsed_question import ParsedQuestion
from knowledge_base.retrieval import search_terms

_LIST_WORDS = frozenset({"and", "plus"})
_BEFORE_AN_ITEM = frozenset("a an the one two three four five six".split())


def unplaced_list_item(parsed: ParsedQuestion) -> str | None:
    """The unknown word said in a list with a named product, if any (English only)."""
    if parsed.chinese or not parsed.products:
        return None
    unknown = set(parsed.unknown_words)
    words = parsed.words
    products_at = {i for m in parsed.mentions if m.kind == "product" for i in range(m.start, m.end)}
    named = parsed.named_positions
    for i, word in enumerate(words):
        if word not in _LIST_WORDS or i in named:
            continue  # "plus" of "Escola Plus" lists nothing
        before = _item_start(words, i - 1, -1, named)
        after = _item_start(words, i + 1, 1, named)
        for side, other in ((before, after), (after, before)):
            if not (0 <= side < len(words) and other in products_at):
                continue
            heard = words[side]
            if side in named or len(heard) < 3 or not heard.isalpha():
                continue  # "N" of a code heard as "N-BIC" names no item
            if set(search_terms(heard)) & unknown:
                return heard
    return None


def _item_start(words: list[str], i: int, step: int, named: set[int]) -> int:
    """The first word from ``i`` on (by ``step``) past articles, counts and "a bag of".

    A word of a name is where the item starts: "the fifty" is a lens, not a count of 50.
    """
    while 0 <= i < len(words):
        if i in named:
            break
        if words[i] in _BEFORE_AN_ITEM or words[i].isdigit():
            i += step
        elif step > 0 and words[i + 1 : i + 2] == ["of"]:
            i += 2  # "a bag of grit": the item is after "of"
        else:
            break
    return i
