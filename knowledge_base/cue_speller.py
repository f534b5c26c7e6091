"""Cue words heard one letter off: :class:`CueSpeller` ("todal" -> "total")."""

from __future__ import annotations


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class CueSpeller:
    """Finds the cue word one letter away from a heard word ("todal" -> "total").

    Deletion neighbourhoods (as in SymSpell): a word and a cue one insertion, deletion,
    substitution or swap apart share a form with one letter removed. Fast: a few set
    lookups per word.
    """

    def __init__(self, cues: frozenset[str]) -> None:
        """Index ``cues``."""
        self._cues = cues
        self._by_form: dict[str, set[str]] = {}
        for cue in cues:
            for form in {cue, *_deletions(cue)}:
                self._by_form.setdefault(form, set()).add(cue)

    def correct(self, word: str) -> str | None:
        """The one cue word ``word`` is a slip of, or ``None`` (none, or more than one)."""
        if word in self._cues or len(word) < 5 or not word.isalpha():
            return None
        found: set[str] = set()
        for form in {word, *_deletions(word)}:
            found |= self._by_form.get(form, set())
        return next(iter(found)) if len(found) == 1 else None
