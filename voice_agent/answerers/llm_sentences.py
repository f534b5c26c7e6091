"""The LLM's streamed text as sentences, and the checks each passes before it is spoken.

A sentence is spoken only when the fact guard supports all its numbers and, for the first
one, its yes or no agrees with the grounded answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from knowledge_base.answering import Answer, AnswerSource, Question
from knowledge_base.fact_guard import FactSet
from knowledge_base.models import is_chinese

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
_MARKUP = re.compile(r"^(?:[-*•#>]+\s*|\d{1,2}[.)](?:\s+|$))+|\*\*|__|`")


class SentenceBuffer:
    """Collects streamed text and hands out sentences once they are complete."""

    def __init__(self) -> None:
        self._text = ""

    def add(self, text: str) -> list[str]:
        """Add streamed ``text``; the sentences it completed, ready to speak."""
        self._text += text
        ends = list(_SENTENCE_END.finditer(self._text))
        if not ends:
            return []
        cut = ends[-1].end()
        done, self._text = self._text[:cut], self._text[cut:]
        parts = (_speakable(part) for part in _SENTENCE_END.split(done))
        return [part for part in parts if part]

    def rest(self) -> str:
        """What is left when the stream ends, ready to speak (empty when nothing is)."""
        rest, self._text = _speakable(self._text), ""
        return rest


def _speakable(text: str) -> str:
    """``text`` without markdown; empty when only formatting or punctuation is left."""
    cleaned = _MARKUP.sub("", text.strip()).strip()
    return cleaned if any(char.isalnum() for char in cleaned) else ""


_YES = re.compile(
    r"^(?:yes|yeah|yep|sure|correct)\b|^(?:是的|是|对|可以|有的)(?:[，,。！]|$)", re.I
)
_NO = re.compile(r"^(?:no|nope|not|unfortunately|sorry)\b|^(?:不|没有|否)", re.IGNORECASE)


def _polarity(sentence: str) -> bool | None:
    text = sentence.strip()
    if _YES.search(text):
        return True
    if _NO.search(text):
        return False
    return None


def why_unspeakable(
    sentence: str,
    facts: FactSet,
    grounded: Answer,
    *,
    first: bool,
    misquoted: Callable[[str], list[str]] | None = None,
) -> list[str]:
    """Why ``sentence`` must not be spoken (empty when it may).

    ``misquoted``: the rate check at the question's store and moment
    (:func:`knowledge_base.rate_check.misquoted_rates`): a discount the facts hold but
    said of an item that does not get it.
    """
    check = facts.check(sentence)
    if not check.ok:
        return check.describe()
    wrong = misquoted(sentence) if misquoted is not None else []
    if wrong:
        return [f"not the rate the pricing engine gives: {w}" for w in wrong]
    if first and _contradicts(sentence, grounded):
        return [f"{sentence!r} contradicts the knowledge base: {grounded.sentences()[0]!r}"]
    return []


def _contradicts(sentence: str, grounded: Answer) -> bool:
    """A "yes" where the knowledge base says "no" (or the reverse), by the opening words.

    The fact guard checks numbers; this catches the other answer a clerk acts on at once,
    "Yes, the limited edition is included" when the grounded answer says "No, ... excluded".
    """
    if grounded.source is not AnswerSource.GROUNDED:
        return False
    first = grounded.sentences()[:1]
    theirs = _polarity(first[0]) if first else None
    ours = _polarity(sentence)
    return theirs is not None and ours is not None and theirs != ours


def for_language(texts: list[str], question: Question) -> list[str]:
    """``texts`` fit for a prompt in the question's language."""
    # A Chinese-only fact ("周末跑鞋优惠") in an English prompt makes small models switch language.
    if is_chinese(question.language):
        return texts
    return [text for text in texts if not _mostly_cjk(text)]


def _mostly_cjk(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    cjk = sum(1 for char in letters if "\u4e00" <= char <= "\u9fff")
    return bool(letters) and cjk * 2 > len(letters)


def unique(texts: list[str]) -> list[str]:
    """Non-empty ``texts`` in order, each once."""
    return list(dict.fromkeys(text for text in texts if text))


def join_sentences(sentences: list[str], question: Question) -> str:
    """Sentences as one text (no spaces between Chinese sentences)."""
    return ("" if is_chinese(question.language) else " ").join(sentences)
