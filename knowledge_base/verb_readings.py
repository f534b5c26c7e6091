"""Category names that are also the verbs of a question: "is the deal running in Manila?".

A chain may call its running shoes "running"; in "is the second pair deal running in both
Manila stores" the word says the offer is on, and names no category.
"""

from __future__ import annotations

from knowledge_base.mentions import Mention

_VERBS = frozenset({"running", "run", "runs", "working", "works"})
"""Words that say an offer is on, which a category may also be called."""
_BEFORE_A_VERB = frozenset({"still", "be", "been", "keep", "stop", "stopped"})
_AFTER_A_VERB = frozenset(
    """in at here there now today still yet anymore this next until till through both
    all every everywhere tomorrow""".split()
)


def without_verb_readings(words: list[str], found: list[Mention]) -> list[Mention]:
    """``found`` without the one-word categories that are verbs where they stand.

    A verb follows a promotion's name or "still" ("the deal running", "still running"), or
    comes before a place or time ("running in Manila", "running now"). "Running in the Run
    Fest" (an offer follows), "running shoes" and "anything for running" stay categories.
    """
    promotion_ends = {m.end for m in found if m.kind == "promotion"}
    promotion_starts = {m.start for m in found if m.kind == "promotion"}
    kept: list[Mention] = []
    for m in found:
        if m.kind == "category" and m.end - m.start == 1 and words[m.start] in _VERBS:
            before = words[m.start - 1] if m.start > 0 else ""
            after = words[m.end] if m.end < len(words) else ""
            offer_after = any(m.end < s <= m.end + 3 for s in promotion_starts)
            if (
                m.start in promotion_ends
                or before in _BEFORE_A_VERB
                or (after in _AFTER_A_VERB and not offer_after)
            ):
                continue
        kept.append(m)
    return kept
