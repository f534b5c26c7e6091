"""What is said on a clerk's floor as sentences the floor takes: notices, alerts, quizzes."""

from __future__ import annotations

from knowledge_base.answering import split_sentences
from pipelines.floor_models import MAX_SENTENCE_CHARS, MAX_SENTENCES
from pipelines.speech_chunks import first_sentence_pieces


def floor_sentences(text: str, *, quick_start: bool = False) -> tuple[str, ...]:
    """``text`` as floor sentences: split at sentence ends, within the floor's limits.

    With ``quick_start`` (what the broadcast says: a notice, its replay, an escalation, an
    alert) the first sentence is cut into pieces as an answer's is
    (:func:`~pipelines.speech_chunks.first_sentence_pieces`), so that its first piece renders
    soon and plays while the rest renders. A sentence longer than the floor takes is cut at a
    space; sentences beyond the floor's count are joined into the last one it takes (nothing
    of the notice is dropped unless it is longer than the floor can say at all).
    """
    sentences = split_sentences(text)
    if sentences and quick_start:
        sentences = [*first_sentence_pieces(sentences[0]), *sentences[1:]]
    parts: list[str] = []
    for sentence in sentences:
        while len(sentence) > MAX_SENTENCE_CHARS:
            cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS) or MAX_SENTENCE_CHARS
            parts.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            parts.append(sentence)
    if len(parts) > MAX_SENTENCES:
        tail = " ".join(parts[MAX_SENTENCES - 1 :])[:MAX_SENTENCE_CHARS]
        parts = [*parts[: MAX_SENTENCES - 1], tail]
    return tuple(parts)
