"""Cue words heard one letter off: :class:`CueSpeller` ("todal" -> "total", "watsmertotel")."""

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
        if len(found) == 1:
            return next(iter(found))
        return self._glued(word) if not found else None

    def glued(self, word: str) -> str | None:
        """Only the glued cue at the end of ``word`` ("Watsmertotel" is "what's the total")."""
        if word in self._cues or len(word) < 5 or not word.isalpha():
            return None
        return self._glued(word)

    def _glued(self, word: str) -> str | None:
        """A glued cue at the end of a long word: "watsmertotel" is "what's the total".

        Only the cues in :data:`GLUED_CUES` (few everyday words end in them), exact or one
        letter off but with their first letter, after at least three letters of another word.
        """
        for cue in GLUED_CUES:
            if cue not in self._cues:
                continue
            for size in (len(cue) - 1, len(cue), len(cue) + 1):
                tail = word[-size:]
                if len(word) - size < 3 or tail[:1] != cue[0]:
                    continue  # its first letter heard right: "pivotal" is no total
                if tail == cue or cue in {tail, *_deletions(tail)} or tail in _deletions(cue):
                    return cue
                if any(form in _deletions(cue) for form in _deletions(tail)):
                    return cue
        return None


GLUED_CUES = ("total",)
"""Cues recognition runs together with the words before them ("What's Nertotals")."""
